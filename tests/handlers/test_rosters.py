"""Rosters through the real Application: /roster_impor, /roster and /roster_slip."""

from __future__ import annotations

import io
import re
from pathlib import Path

import openpyxl

from bot.settings import Settings
from tests.conftest import NIK, OFFICER, WORKER, Telegram, query
from tests.handlers.test_events_sponsors import create_sponsor
from tests.handlers.test_officer_workspace import JOGJA_OFFICER, SUPERVISOR, register_home, staff
from tests.handlers.test_reports import documents

SAMPLE = Path(__file__).resolve().parents[2] / "docs" / "samples" / "roster.csv"
# The sample, and a row whose NIK is registered already (line 6).
ROSTER = SAMPLE.read_bytes() + f"{NIK},Sri Rahayu,081299990000,Wates,,,\n".encode()


async def import_roster(tg: Telegram, officer: int, sponsor: str, data: bytes = ROSTER) -> str:
    """The dialog of /roster_impor up to the file; returns the bot's answer to the file."""
    assert "perjanjian kerja sama" in await tg.text(officer, f"/roster_impor {sponsor}")
    assert "setuju dihubungi lewat WhatsApp" in await tg.text(officer, "PKS 12/2026")
    assert "Kirim berkas XLSX atau CSV" in await tg.press(officer, "off:r_wa:1")
    tg.request.files["r1"] = data
    await tg.feed(tg.updates.document(officer, "r1", "pekerja.csv"))
    return tg.request.last_text(officer)


async def test_a_roster_is_imported_checked_and_reported_nothing_sent(
    telegram: Telegram, settings: Settings
) -> None:
    await register_home(telegram, WORKER, NIK, "Bantul")
    sponsor = await create_sponsor(telegram, quota=100)
    outbox_before = query(settings, "SELECT count(*) FROM outbox")
    summary = await import_roster(telegram, OFFICER, sponsor)
    assert "4 diimpor, 1 ditolak" in summary and "Belum ada yang dikirim" in summary
    (report,) = documents(telegram, "sendDocument")[-1:]
    rows = list(openpyxl.load_workbook(io.BytesIO(report)).active.iter_rows(values_only=True))
    assert rows[5][:4] == (6, "3401********0001", "+62812****0000", "ditolak")
    assert "sudah punya pendaftaran yang aktif" in rows[5][4]
    assert NIK not in repr(rows)
    stored = query(
        settings, "SELECT nik, phone, region_code, code, state FROM roster_rows ORDER BY line"
    )
    assert [r[0] for r in stored] == [
        "3401011203850001",
        "3401025507900002",
        "3401034101880003",
        "3401042008920004",
    ]
    assert stored[0][1:3] == ("+6281234567801", "34.01")
    assert all(
        re.fullmatch(r"UND-[2-9A-Z]{5}-[2-9A-Z]{5}", r[3]) and r[4] == "imported" for r in stored
    )
    assert len({r[3] for r in stored}) == 4
    basis = query(settings, "SELECT agreement, whatsapp_consent, imported_by FROM rosters")
    assert basis == [("PKS 12/2026", "agreed to be contacted on WhatsApp", f"tg:{OFFICER}")]
    assert query(settings, "SELECT count(*) FROM outbox") == outbox_before
    listed = await telegram.text(OFFICER, "/roster")
    assert "4 baris" in listed and "diimpor 4" in listed and "Pemkab Kulon Progo 2026" in listed


async def test_slips_are_a_pdf_of_the_rosters_rows(telegram: Telegram) -> None:
    sponsor = await create_sponsor(telegram, quota=100)
    await import_roster(telegram, OFFICER, sponsor)
    roster_id = query(telegram.settings, "SELECT max(id) FROM rosters")[0][0]
    answer = await telegram.text(OFFICER, f"/roster_slip {roster_id}")
    assert "5 orang" in answer
    pdf = documents(telegram, "sendDocument")[-1]
    assert pdf.startswith(b"%PDF")
    assert "tidak ditemukan" in await telegram.text(OFFICER, "/roster_slip 999")


async def test_officers_not_supervisors_cannot_import_and_a_demoted_one_cannot_finish(
    telegram: Telegram, settings: Settings
) -> None:
    await staff(telegram)
    sponsor = await create_sponsor(telegram, quota=100)
    assert "hanya untuk supervisor dan admin" in await telegram.text(
        JOGJA_OFFICER, f"/roster_impor {sponsor}"
    )
    await telegram.text(SUPERVISOR, f"/roster_impor {sponsor}")
    await telegram.text(OFFICER, f"/petugas_tambah {SUPERVISOR} petugas Yogyakarta")
    assert "sudah berubah" in await telegram.text(SUPERVISOR, "PKS 12/2026")
    assert query(settings, "SELECT count(*) FROM rosters") == [(0,)]


async def test_a_file_without_the_columns_keeps_the_dialog_open(
    telegram: Telegram, settings: Settings
) -> None:
    sponsor = await create_sponsor(telegram, quota=100)
    answer = await import_roster(telegram, OFFICER, sponsor, b"Nama;Alamat\nSri;Wates\n")
    assert "tidak punya kolom NIK" in answer and "Kirim berkas XLSX atau CSV" in answer
    telegram.request.files["r2"] = ROSTER
    await telegram.feed(telegram.updates.document(OFFICER, "r2", "pekerja.csv"))
    assert "5 diimpor, 0 ditolak" in telegram.request.last_text(OFFICER)
    assert query(settings, "SELECT count(*) FROM roster_rows") == [(5,)]


async def test_rows_past_the_quota_and_outside_the_sponsor_are_refused(
    telegram: Telegram, settings: Settings
) -> None:
    sponsor = await create_sponsor(telegram, quota=2, regions="Bantul")
    summary = await import_roster(telegram, OFFICER, sponsor)
    assert "tidak ada baris yang bisa diimpor (5 ditolak)" in summary
    assert query(settings, "SELECT count(*) FROM rosters") == [(0,)]
