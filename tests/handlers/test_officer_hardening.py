"""Officer desk regressions (issues #12 and #13), each named after its case, through Telegram."""

from __future__ import annotations

import asyncio
import io
import json
import re
from datetime import UTC, datetime

import openpyxl
import pytest

from bot.render import split_text
from bot.settings import Settings
from handlers.telegram.app import services_of
from tests.conftest import NIK, OFFICER, WORKER, Telegram, create_event, query
from tests.handlers.test_officer_workspace import (
    JOGJA_OFFICER,
    SUPERVISOR,
    named,
    register_home,
    staff,
)

SORRY = "Maaf, ada gangguan"
TELEGRAM_LIMIT = 4096


async def test_a_supervisor_cannot_sponsor_a_region_outside_their_branches_listed_second(
    telegram: Telegram, settings: Settings
) -> None:
    await staff(telegram)  # the supervisor serves Yogyakarta and Purwokerto
    await telegram.text(SUPERVISOR, "/sponsor_baru")
    await telegram.text(SUPERVISOR, "Pemkab Kulon Progo 2026")
    await telegram.text(SUPERVISOR, "kabupaten")
    await telegram.text(SUPERVISOR, "1-1-2026 sampai 31-12-2026")
    await telegram.text(SUPERVISOR, "500")
    refused = await telegram.text(SUPERVISOR, "Kulon Progo, Kota Pekalongan")
    assert "Kantor Cabang Pekalongan, di luar cabang Anda" in refused
    assert "Kabupaten/kota yang dicakup" in refused  # the question again, with its buttons
    assert "off:d_batal:" in telegram.request.last_buttons(SUPERVISOR)
    asked = await telegram.text(SUPERVISOR, "Kulon Progo, Bantul")
    assert "Hanya untuk pekerjaan tertentu" in asked
    await telegram.text(SUPERVISOR, "lanjut")
    assert "dibuat" in await telegram.text(SUPERVISOR, "semua")
    assert query(settings, "SELECT regions, branch FROM sponsors") == [
        ('["34.01", "34.02"]', "Yogyakarta")
    ]


async def test_a_kpj_in_other_scripts_digits_is_refused(
    telegram: Telegram, settings: Settings
) -> None:
    reference = await register_home(telegram, WORKER, NIK, "Bantul")
    for kpj in ("١٢٣٤٥٦٧٨٩٠١", "¹²³⁴⁵⁶⁷⁸⁹⁰¹", "１２３４５６７８９０１"):
        answer = await telegram.text(OFFICER, f"/setujui {reference} {kpj}")
        assert "harus 11 angka" in answer, kpj
    await telegram.press(OFFICER, f"off:d_setujui:{reference}")
    assert "harus 11 angka" in await telegram.text(OFFICER, "١٢٣٤٥٦٧٨٩٠١")
    assert query(settings, "SELECT status, kpj FROM submissions") == [("diajukan", None)]
    assert query(settings, "SELECT count(*) FROM outbox") == [(0,)]


async def test_queue_pages_past_sqlite_integers_or_in_superscript_get_the_usage(
    telegram: Telegram,
) -> None:
    await register_home(telegram, WORKER, NIK, "Bantul")
    for page in ("99999999999999999999", "²", "-1", "0", "١"):
        answer = await telegram.text(OFFICER, f"/antrean {page}")
        assert "Tulis: /antrean [nomor halaman]" in answer, page
        assert SORRY not in answer
    assert "halaman 1" in await telegram.press(OFFICER, "off:antrean:1")
    assert "hanya 1 halaman" in await telegram.press(OFFICER, "off:antrean:7")


async def test_text_typed_after_impor_is_answered_not_a_keyerror(telegram: Telegram) -> None:
    await telegram.text(OFFICER, "/impor")
    answer = await telegram.text(OFFICER, "ini berkasnya")
    assert SORRY not in answer
    assert "Kirim berkasnya sebagai dokumen" in answer
    assert "off:d_batal:" in telegram.request.last_buttons(OFFICER)
    assert "Tidak ada berkas yang diimpor" in await telegram.text(OFFICER, "Batal")


async def test_an_old_decision_button_during_acara_baru_is_answered_not_a_keyerror(
    telegram: Telegram, settings: Settings
) -> None:
    await telegram.text(OFFICER, "/acara_baru")
    await telegram.text(OFFICER, "Sosialisasi Pasar Wates")
    for stale in ("off:d_alasan:0", "off:d_kirim:", "off:d_bagian:name", "off:d_lanjut:"):
        answer = await telegram.press(OFFICER, stale)
        assert SORRY not in answer, stale
        assert "Tombol itu sudah tidak berlaku" in answer and "Tanggal acara?" in answer
    # The dialog goes on where it was.
    assert "Di kabupaten/kota mana" in await telegram.text(OFFICER, "12-12-2026")
    assert query(settings, "SELECT count(*) FROM submissions") == [(0,)]


async def test_typed_labels_work_in_acara_baru_tanpa_sponsor_and_batal(
    telegram: Telegram, settings: Settings
) -> None:
    await telegram.text(OFFICER, "/acara_baru")
    assert "dibatalkan" in (await telegram.text(OFFICER, "Batal")).lower()
    assert query(settings, "SELECT count(*) FROM officer_dialogs") == [(0,)]
    await telegram.text(OFFICER, "/acara_baru")
    await telegram.text(OFFICER, "Sosialisasi Pasar Wates")
    await telegram.text(OFFICER, "12-12-2026")
    await telegram.text(OFFICER, "Kulon Progo")
    wrong = await telegram.text(OFFICER, "x")  # one letter is no organiser
    assert "Siapa penyelenggaranya?" in wrong and wrong.index("Siapa") > 0  # the reason first
    await telegram.text(OFFICER, "Dinas Tenaga Kerja kabupaten/kota")
    created = await telegram.text(OFFICER, "Tanpa sponsor")
    assert "dibuat" in created and "?start=ev" in created
    assert query(settings, "SELECT organiser, sponsor_id FROM events") == [
        ("Dinas Tenaga Kerja kabupaten/kota", None)
    ]


def long_rows(count: int) -> bytes:
    """An import whose every row is wrong, with very long cells."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Nomor pendaftaran", "Nomor KPJ", "Status", "Alasan"])
    for i in range(count):
        sheet.append([f"BPU-2026-{i:06d}" + "x" * 3000, "9" * 500, "ditolak", None])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


async def test_an_impor_with_many_long_problems_is_one_bounded_message(
    telegram: Telegram,
) -> None:
    telegram.request.files["long"] = long_rows(120)
    await telegram.feed(telegram.updates.document(OFFICER, "long", "hasil.xlsx", caption="/impor"))
    sent = telegram.request.sent(OFFICER)
    assert len(sent) == 1  # bounded: it fits one Telegram message
    answer = str(sent[-1].params["text"])
    assert len(answer) <= TELEGRAM_LIMIT
    assert "0 diterapkan, 120 dilewati" in answer
    found = re.search(r"dan (\d+) lainnya tidak ditampilkan", answer)
    assert found is not None and int(found.group(1)) > 0


async def test_audit_after_120_views_shows_the_newest_in_wib_and_how_many_more(
    telegram: Telegram,
) -> None:
    reference = await register_home(telegram, WORKER, NIK, "Bantul")
    for _ in range(120):
        await telegram.text(OFFICER, f"/lihat {reference}")
    answer = await telegram.text(OFFICER, f"/audit {reference}")
    assert len(split_text(answer, TELEGRAM_LIMIT)) == 1
    assert "(90 catatan lebih lama tidak ditampilkan.)" in answer
    assert answer.count(" WIB · ") == 30 and "UTC" not in answer


async def test_a_redelivered_perbaikan_is_applied_once(
    telegram: Telegram, settings: Settings
) -> None:
    reference = await register_home(telegram, WORKER, NIK, "Bantul")
    update = telegram.updates.text(OFFICER, f"/perbaikan {reference} alamat RT belum ditulis")
    await telegram.feed(update)
    await telegram.feed(update)  # Telegram sends it again (a timeout, a restart)
    assert query(settings, "SELECT count(*) FROM audit WHERE action = 'perlu_perbaikan'") == [(1,)]
    assert query(settings, "SELECT count(*) FROM outbox") == [(1,)]
    assert (
        len([c for c in telegram.request.sent(OFFICER) if "perlu perbaikan" in str(c.params)]) == 1
    )


async def test_branch_names_are_matched_without_regard_to_case(
    telegram: Telegram, settings: Settings
) -> None:
    answer = await telegram.text(OFFICER, "/petugas_tambah 9105 supervisor yogyakarta, PEKALONGAN")
    assert "Disimpan" in answer
    assert query(settings, "SELECT branches FROM officers WHERE user_id = 'tg:9105'") == [
        ('["Yogyakarta", "Pekalongan"]',)
    ]
    assert "Cabang tidak dikenal" in await telegram.text(OFFICER, "/petugas_tambah 9106 petugas x")
    assert "Tulis:" in await telegram.text(OFFICER, "/petugas_tambah ١٢ petugas Yogyakarta")


async def test_officers_are_shown_by_their_telegram_name(
    telegram: Telegram, settings: Settings
) -> None:
    await staff(telegram)
    reference = await register_home(telegram, WORKER, NIK, "Bantul")
    await telegram.feed(named(telegram.updates.text(JOGJA_OFFICER, f"/lihat {reference}"), "Siti"))
    await telegram.feed(named(telegram.updates.text(OFFICER, "/petugas"), "Budi"))
    listing = telegram.request.last_text(OFFICER)
    assert f"Siti (tg:{JOGJA_OFFICER})" in listing and f"Budi (tg:{OFFICER})" in listing
    assert f"tg:{SUPERVISOR} · supervisor" in listing  # never wrote: no name known yet
    trail = await telegram.text(OFFICER, f"/audit {reference}")
    assert "· Siti · lihat" in trail
    # Adding an officer again (a new role) keeps the name they were seen with.
    await telegram.text(OFFICER, f"/petugas_tambah {JOGJA_OFFICER} supervisor Yogyakarta")
    assert query(settings, f"SELECT name FROM officers WHERE user_id = 'tg:{JOGJA_OFFICER}'") == [
        ("Siti",)
    ]


async def test_statistik_of_all_events_shows_no_share_of_link_opens_above_them(
    telegram: Telegram,
) -> None:
    code = await create_event(telegram, OFFICER, "Sosialisasi Wates")
    await telegram.text(WORKER + 9, f"/start {code}")  # one link opened
    for i in range(3):  # three submissions without a link
        await register_home(telegram, WORKER + i, f"34010252037900{i + 10:02d}", "Bantul")
    everything = await telegram.text(OFFICER, "/statistik")
    # Submissions made without a link are no share of the link opens ("Diajukan 3 (300%)").
    assert "Tautan dibuka: 1\n" in everything and "Memberi persetujuan: 0 (0%)" in everything
    assert "Diajukan: 3\nDisetujui: 0\nDitolak: 0\n" in everything
    one = await telegram.text(OFFICER, f"/statistik {code}")
    assert "Memberi persetujuan: 0 (0%)" in one and "Diajukan: 0 (0%)" in one


async def test_the_close_button_is_cut_at_a_word_and_closing_is_confirmed(
    telegram: Telegram, settings: Settings
) -> None:
    code = await create_event(
        telegram, OFFICER, "Sosialisasi BPU bagi Nelayan dan Pedagang Pasar Wates"
    )
    await telegram.text(OFFICER, "/acara")
    markup = json.loads(str(telegram.request.sent(OFFICER)[-1].params["reply_markup"]))
    assert markup["inline_keyboard"][0][0]["text"] == "Tutup Sosialisasi BPU bagi Nelayan…"
    await telegram.press(OFFICER, f"off:acara_tutup:{code}")
    assert query(settings, "SELECT closed_at FROM events") == [(None,)]
    assert "Acara tetap aktif" in await telegram.text(OFFICER, "batal")
    await telegram.press(OFFICER, f"off:acara_tutup:{code}")
    assert "ditutup" in await telegram.text(OFFICER, "ya, tutup")
    assert query(settings, "SELECT count(*) FROM events WHERE closed_at IS NOT NULL") == [(1,)]


async def test_two_exports_and_charts_in_the_same_minute_get_their_own_file_names(
    telegram: Telegram,
) -> None:
    await register_home(telegram, WORKER, NIK, "Bantul")
    desk = services_of(telegram.app).desk
    now = datetime(2026, 11, 28, 2, 0, tzinfo=UTC)
    names: set[str] = set()
    for command in ("ekspor", "ekspor", "statistik", "statistik"):
        replies = await desk.handle(f"tg:{OFFICER}", command, "", now)
        assert replies is not None
        names.update(f.filename for reply in replies for f in reply.files)
    assert len(names) == 4, names
    assert all(name.startswith(("pendaftaran-20261128-", "statistik-20261128-")) for name in names)


async def test_updates_arriving_together_read_the_officers_once(
    telegram: Telegram, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An event's first rush: a hundred workers' first messages at once must not each read the
    officers' list (one query each) while it is stale; a change made meanwhile is not hidden."""
    desk = services_of(telegram.app).desk
    reads = 0
    read = desk.repo.officer_ids

    async def counted() -> frozenset[str]:
        nonlocal reads
        reads += 1
        await asyncio.sleep(0.01)  # the read in flight while the others arrive
        return await read()

    monkeypatch.setattr(desk.repo, "officer_ids", counted)
    now = datetime(2026, 11, 28, 2, 0, tzinfo=UTC)
    desk.forget_officers()
    found = await asyncio.gather(*(desk.is_officer(f"tg:{n}", now) for n in (OFFICER, *range(50))))
    assert reads == 1
    assert found == [True] + [False] * 50

    desk.forget_officers()
    reading = asyncio.create_task(desk.is_officer(f"tg:{OFFICER}", now))
    await asyncio.sleep(0)  # its read has begun
    desk.forget_officers()  # officers changed while it read: its list may be the old one
    await reading
    await desk.is_officer(f"tg:{OFFICER}", now)
    assert reads == 3
