"""What an approved (or rejected) worker is told, the monthly reminder to pay, and one amount
for one worker everywhere it is shown (issue #11, through the real Application)."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import openpyxl

from bot.settings import Settings
from handlers.housekeeping import housekeep
from handlers.telegram.app import services_of
from tests.conftest import NIK, OFFICER, WORKER, Telegram, query, register, to_phone
from tests.handlers.test_events_sponsors import create_sponsor, reach_summary

KPJ = "12345678901"


def reference_in(text: str) -> str:
    found = re.search(r"BPU-\d{4}-\d{6}", text)
    assert found, text
    return found.group(0)


async def approve(telegram: Telegram, reference: str) -> str:
    """The officer approves; the outbox delivers; the worker's last message (the notice)."""
    await telegram.text(OFFICER, f"/setujui {reference} {KPJ}")
    await telegram.deliver()
    return telegram.request.last_text(WORKER)


async def test_the_approval_says_what_to_pay_how_and_what_if_not_in_both_languages(
    telegram: Telegram,
) -> None:
    reference = reference_in(await register(telegram, WORKER))
    notice = await approve(telegram, reference)
    assert KPJ in notice
    # Nelayan, Rp1.500.000 a month (level Rp1.600.000), in November 2026: the relief applies.
    assert "perkiraan Rp11.400 per bulan sampai Desember 2026, lalu Rp22.800" in notice
    assert "JMO" in notice and "NIK atau nomor KPJ" in notice
    assert "Bayar setiap bulan agar tetap terlindungi; jika 3 bulan tidak membayar" in notice
    assert "remind:yes:" + reference in telegram.request.last_buttons(WORKER)
    status = await telegram.text(WORKER, "/status")
    assert KPJ in status and "Rp11.400 per bulan sampai Desember 2026" in status
    assert "kepesertaan menjadi tidak aktif" in status
    # Paying ahead from the month of approval (November 2026), across the end of the relief.
    assert "• 3 bulan, sampai Januari 2027: Rp45.600" in status  # 11.400 × 2 + 22.800
    await telegram.text(WORKER, "/bahasa")
    await telegram.press(WORKER, "lang:en")
    english = await telegram.text(WORKER, "/status")
    assert "an estimated Rp11.400 a month until December 2026, then Rp22.800" in english
    assert "• 12 month(s), through October 2027: Rp250.800" in english
    assert "membership becomes inactive" in english


async def test_a_rejection_gives_the_next_step_that_fits_its_reason(telegram: Telegram) -> None:
    reference = reference_in(await register(telegram, WORKER))
    await telegram.text(OFFICER, f"/lihat {reference}")
    await telegram.press(OFFICER, f"off:d_tolak:{reference}")
    await telegram.text(OFFICER, "Sudah terdaftar sebagai peserta aktif")
    await telegram.press(OFFICER, "off:d_kirim:")
    await telegram.deliver()
    notice = telegram.request.last_text(WORKER)
    assert "Anda sudah terlindungi; cek kartu Anda di aplikasi JMO" in notice
    assert "mendaftar lagi" not in notice and "/start" not in notice


async def test_a_monthly_reminder_to_pay_through_the_outbox_until_berhenti(
    telegram: Telegram, settings: Settings
) -> None:
    reference = reference_in(await register(telegram, WORKER))
    await approve(telegram, reference)
    answer = await telegram.press(WORKER, f"remind:yes:{reference}")
    assert f"setiap tanggal {settings.payment_reminder_day}" in answer
    config = services_of(telegram.app).config
    # 23 Nov 2026 is after the 5th: this month's reminder goes at the next housekeeping round.
    now = telegram.now()
    await housekeep(telegram.repo, settings, now, config)
    await telegram.deliver(now)
    reminder = telegram.request.last_text(WORKER)
    assert "Pengingat: iuran BPJS Ketenagakerjaan bulan November 2026" in reminder
    assert "Rp11.400" in reminder and "/berhenti" in reminder
    sent = len(telegram.request.sent(WORKER))
    await housekeep(telegram.repo, settings, now + timedelta(hours=1), config)  # once a month
    await telegram.deliver(now + timedelta(hours=1))
    assert len(telegram.request.sent(WORKER)) == sent
    # On 5 December (WIB) the next one; December is still discounted for a nelayan.
    december = now.replace(month=12, day=4, hour=18)  # 5 Dec 01:00 WIB
    await housekeep(telegram.repo, settings, december, config)
    await telegram.deliver(december)
    assert "bulan Desember 2026" in telegram.request.last_text(WORKER)
    assert "Pengingat bayar iuran dihentikan" in await telegram.text(WORKER, "/berhenti")
    january = december.replace(year=2027, month=1)
    await housekeep(telegram.repo, settings, january, config)
    await telegram.deliver(january)
    assert "Januari 2027" not in telegram.request.last_text(WORKER)


async def test_no_reminder_when_a_sponsor_pays_the_whole_package(
    telegram: Telegram, settings: Settings
) -> None:
    await create_sponsor(telegram, quota=5)
    await reach_summary(telegram, WORKER, NIK)
    reference = reference_in(await telegram.press(WORKER, "sum:send"))
    notice = await approve(telegram, reference)
    assert "Anda tidak perlu membayar iuran" in notice
    assert not any(b.startswith("remind:") for b in telegram.request.last_buttons(WORKER))
    # Even asked for by an old or typed button, the reminder never goes out.
    await telegram.press(WORKER, f"remind:yes:{reference}")
    now = telegram.now()
    await housekeep(telegram.repo, settings, now, services_of(telegram.app).config)
    await telegram.deliver(now)
    assert "Pengingat: iuran" not in telegram.request.last_text(WORKER)


async def test_greeting_summary_card_export_and_sponsor_bill_agree_for_one_worker(
    telegram: Telegram,
) -> None:
    # A self-paid worker at the lowest level: the greeting's "from" amount is theirs.
    greeting = await telegram.text(WORKER, "/start")
    await telegram.press(WORKER, "consent:yes")
    await telegram.text(WORKER, NIK)
    await telegram.press(WORKER, "nikok:yes")
    await telegram.text(WORKER, "Sri Wahyuni")
    await telegram.text(WORKER, "Kulon Progo")
    await telegram.contact(WORKER, "6281234567890")
    await telegram.text(WORKER, "ya")
    await telegram.text(WORKER, "Dusun Krebet")
    await telegram.press(WORKER, "occ:nelayan")
    await telegram.press(WORKER, "inc:1000000")
    summary = await telegram.press(WORKER, "jht:no")
    reference = reference_in(await telegram.press(WORKER, "sum:send"))
    card = await telegram.text(OFFICER, f"/lihat {reference}")
    await telegram.text(OFFICER, "/ekspor")
    data = [c for c in telegram.request.calls if c.method == "sendDocument"][-1].params["document"]
    sheet = openpyxl.load_workbook(io.BytesIO(data), read_only=True).active
    assert sheet is not None
    header, row = list(sheet.iter_rows(values_only=True))[:2]
    exported = dict(zip(header, row, strict=True))["Iuran bayar sendiri"]
    amount = "Rp8.400"
    assert f"Iuran mulai <b>{amount}</b> per bulan sampai Desember 2026" in greeting
    assert f"Anda bayar: {amount} per bulan sampai Desember 2026, lalu Rp16.800" in summary
    assert f"Iuran bayar sendiri: {amount} per bulan sampai Desember 2026" in card
    assert exported == 8_400

    # A sponsored worker: the sponsor's bill is what the worker's summary says the sponsor pays.
    await create_sponsor(telegram, quota=5)
    other = WORKER + 1
    await to_phone(telegram, other, "3401025203790002")
    await telegram.contact(other, "6281234567891")
    await telegram.text(other, "ya")
    await telegram.text(other, "Dusun Krebet")
    await telegram.press(other, "occ:nelayan")
    await telegram.press(other, "inc:2000000")
    sponsored = await telegram.press(other, "jht:no")
    jkk = re.search(r"Jaminan Kecelakaan Kerja \(JKK\): (Rp[\d.]+) \(dibayar", sponsored)
    jkm = re.search(r"Jaminan Kematian \(JKM\): (Rp[\d.]+) \(dibayar", sponsored)
    assert jkk and jkm, sponsored
    assert (jkk.group(1), jkm.group(1)) == ("Rp20.000", "Rp6.800")  # no relief when APBD pays
    second = reference_in(await telegram.press(other, "sum:send"))
    await telegram.text(OFFICER, f"/setujui {second} {KPJ}")
    bill = await telegram.text(OFFICER, "/sponsor")
    assert "disetujui 1" in bill and "tagihan Rp26.800 per bulan" in bill
    assert query(telegram.settings, "SELECT count(*) FROM submissions") == [(2,)]


async def test_a_zakat_sponsor_keeps_the_relief_and_an_officer_can_correct_its_type(
    telegram: Telegram,
) -> None:
    """A sponsor recorded as zakat pays the PP 50/2025 amounts; recorded by mistake, it is
    changed with /sponsor_jenis and its summary, card, export and bill follow (#25)."""
    await telegram.text(OFFICER, "/sponsor_baru")
    await telegram.text(OFFICER, "BAZNAS Kulon Progo 2026")
    await telegram.press(OFFICER, "off:s_dana:zakat")
    await telegram.text(OFFICER, "1-1-2026 sampai 31-12-2027")
    await telegram.text(OFFICER, "5")
    await telegram.text(OFFICER, "Kulon Progo")
    await telegram.press(OFFICER, "off:s_lanjut:")
    assert "dibuat" in await telegram.press(OFFICER, "off:s_cakupan:1")
    sponsor_id = int(query(telegram.settings, "SELECT max(id) FROM sponsors")[0][0])
    summary = await reach_summary(telegram, WORKER, NIK)
    # Nelayan at Rp1.000.000 in November 2026: JKK 5.000 + JKM 3.400, paid from zakat.
    assert "Jaminan Kecelakaan Kerja (JKK): Rp5.000 (dibayar dari zakat (BAZNAS/LAZ))" in summary
    assert "Jaminan Kematian (JKM): Rp3.400 (dibayar dari zakat (BAZNAS/LAZ))" in summary
    reference = reference_in(await telegram.press(WORKER, "sum:send"))
    await telegram.text(OFFICER, f"/setujui {reference} {KPJ}")
    bill = await telegram.text(OFFICER, "/sponsor")
    assert "(Zakat (BAZNAS/LAZ))" in bill and "tagihan Rp8.400 per bulan" in bill
    card = await telegram.text(OFFICER, f"/lihat {reference}")
    assert "Dibayar sponsor (Zakat (BAZNAS/LAZ)): Rp8.400 per bulan" in card

    # It was a regency's budget after all: no relief.
    choose = await telegram.text(OFFICER, "/sponsor_jenis")
    assert f"off:sponsor_jenis:{sponsor_id}" in telegram.request.last_buttons(OFFICER), choose
    await telegram.press(OFFICER, f"off:sponsor_jenis:{sponsor_id}")
    assert f"off:sponsor_jenis:{sponsor_id} kabupaten" in telegram.request.last_buttons(OFFICER)
    done = await telegram.press(OFFICER, f"off:sponsor_jenis:{sponsor_id} kabupaten")
    assert "diubah dari Zakat (BAZNAS/LAZ) menjadi APBD kabupaten/kota" in done
    assert "tagihan Rp16.800 per bulan" in await telegram.text(OFFICER, "/sponsor")
    card = await telegram.text(OFFICER, f"/lihat {reference}")
    assert "Dibayar sponsor (APBD kabupaten/kota): Rp16.800 per bulan" in card
    await telegram.text(OFFICER, "/ekspor")
    data = [c for c in telegram.request.calls if c.method == "sendDocument"][-1].params["document"]
    sheet = openpyxl.load_workbook(io.BytesIO(data), read_only=True).active
    assert sheet is not None
    header, row = list(sheet.iter_rows(values_only=True))[:2]
    exported = dict(zip(header, row, strict=True))
    assert exported["Iuran dibayar sponsor"] == 16_800
    assert exported["Jenis pembayar sponsor"] == "APBD kabupaten/kota"
    assert exported["Iuran perkiraan"] == "Tidak"


async def test_admins_branch_list_shows_the_kendal_conflict(telegram: Telegram) -> None:
    listing = await telegram.text(OFFICER, "/cabang")
    assert "Semarang Pemuda</b>: Kab. Kendal (⚠), Kota Semarang (?)" in listing
    assert "Konflik: Kab. Kendal tetap ke Semarang Pemuda" in listing
    assert "kendalkab.go.id/berita/id/20250611001" in listing
    assert "Ungaran</b>: Kab. Semarang, Kota Salatiga\n" in listing  # confirmed: no mark
    await telegram.text(OFFICER, "/petugas_tambah 9105 supervisor Yogyakarta")
    assert "hanya untuk admin" in await telegram.text(9105, "/cabang")
