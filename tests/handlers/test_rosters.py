"""Rosters through the real Application: /roster_impor, /roster and /roster_slip."""

from __future__ import annotations

import asyncio
import io
import re
import threading
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from bot.domain import Housekeeping
from bot.messages import Msg, Reply
from bot.rosters import Candidate, RosterDraft, RosterRow, RosterSummary
from bot.settings import Settings
from bot.uploads import UnreadableFile
from handlers import roster_jobs
from handlers.telegram.app import services_of
from tests.conftest import NIK, OFFICER, WORKER, Telegram, query
from tests.handlers.conftest import WhatsApp
from tests.handlers.test_events_sponsors import create_sponsor
from tests.handlers.test_officer_workspace import JOGJA_OFFICER, SUPERVISOR, register_home, staff
from tests.handlers.test_reports import documents

SAMPLE = Path(__file__).resolve().parents[2] / "docs" / "samples" / "roster.csv"
# The sample, and a row whose NIK is registered already (line 6).
ROSTER = SAMPLE.read_bytes() + f"{NIK},Sri Rahayu,081299990000,Wates,,,\n".encode()


async def start_import(tg: Telegram, sponsor: str, officer: int = OFFICER) -> str:
    """The dialog of /roster_impor up to the file; the question for the file."""
    assert "perjanjian kerja sama" in await tg.text(officer, f"/roster_impor {sponsor}")
    assert "setuju dihubungi lewat WhatsApp" in await tg.text(officer, "PKS 12/2026")
    return await tg.press(officer, "off:r_wa:1")


async def import_roster(tg: Telegram, officer: int, sponsor: str, data: bytes = ROSTER) -> str:
    """The dialog of /roster_impor up to the file; returns the bot's answer to the file."""
    assert "Kirim berkas XLSX atau CSV" in await start_import(tg, sponsor, officer)
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


def code_of(tg: Telegram, nik: str) -> str:
    return str(query(tg.settings, "SELECT code FROM roster_rows WHERE nik = ?", nik)[0][0])


async def invited_code(tg: Telegram, nik: str) -> tuple[str, str]:
    """A sponsor with the sample roster imported; the sponsor and the code of ``nik``'s row."""
    sponsor = await create_sponsor(tg, quota=100)
    await import_roster(tg, OFFICER, sponsor)
    return sponsor, code_of(tg, nik)


def row_state(tg: Telegram, code: str) -> tuple[str, str, str]:
    found = query(tg.settings, "SELECT state, nik, phone FROM roster_rows WHERE code = ?", code)
    return found[0]


async def test_an_invited_worker_finishes_in_six_answers(
    telegram: Telegram, settings: Settings
) -> None:
    sponsor, code = await invited_code(telegram, "3401011203850001")
    consent = await telegram.text(WORKER, f"/start {code.lower()}")
    assert "Pemkab Kulon Progo 2026" in consent and "mengundang Anda" in consent
    assert "Sri Wahyuni" not in consent and "3401011203850001" not in consent
    answers = [
        await telegram.press(WORKER, "undangan:yes"),
        await telegram.text(WORKER, "3401 0112 0385 0001"),
    ]
    shown = answers[-1]
    assert "Data dari <b>Pemkab Kulon Progo 2026</b>" in shown and "Sri Wahyuni" in shown
    assert "0812-3456-7801" in shown and "Dusun Bendungan RT 02" in shown and "Benar?" in shown
    answers.append(await telegram.press(WORKER, "undangan_data:yes"))
    assert "penghasilan" in answers[-1].lower()
    answers.append(await telegram.press(WORKER, "inc:1400000"))
    answers.append(await telegram.press(WORKER, "jht:no"))
    answers.append(await telegram.press(WORKER, "sum:send"))
    reference = re.search(r"BPU-\d{4}-\d{6}", answers[-1])
    assert reference, answers[-1]
    assert len(answers) == 6
    (submitted,) = query(
        settings,
        "SELECT sponsor_id, answers, channel FROM submissions WHERE reference = ?",
        reference.group(0),
    )
    assert str(submitted[0]) == sponsor and "diundang" in str(submitted[1])
    assert query(
        settings, "SELECT state, reference, nik, name FROM roster_rows WHERE code = ?", code
    ) == [("completed", reference.group(0), "", "")]  # the submission has its own copy
    again = await telegram.text(WORKER + 1, f"/start {code}")
    assert "tidak berlaku" in again


async def test_the_rosters_occupation_in_everyday_words_is_not_asked_again(
    telegram: Telegram,
) -> None:
    # Row 3 of the sample says "buruh harian lepas": read as the occupation question reads it.
    _sponsor, code = await invited_code(telegram, "3401034101880003")
    await telegram.text(WORKER, f"/start {code}")
    await telegram.press(WORKER, "undangan:yes")
    shown = await telegram.text(WORKER, "3401034101880003")
    assert "Pekerjaan: Buruh harian" in shown
    after = await telegram.press(WORKER, "undangan_data:yes")
    assert "penghasilan" in after.lower() and "pekerjaan" not in after.lower()


async def test_three_wrong_niks_lock_the_code_and_show_nothing(telegram: Telegram) -> None:
    _sponsor, code = await invited_code(telegram, "3401025507900002")
    await telegram.text(WORKER, f"/start {code}")
    await telegram.press(WORKER, "undangan:yes")
    first = await telegram.text(WORKER, "3401011203850001")  # another row's NIK
    assert "tidak cocok" in first and "Sisa 2 kali" in first
    assert "Tukiman" not in first and "Sri" not in first
    await telegram.text(WORKER, "3401011203850001")
    locked = await telegram.text(WORKER, "3401011203850001")
    assert "dikunci" in locked and "Tukiman" not in locked
    assert row_state(telegram, code)[0] == "locked"
    assert "terkunci 1" in await telegram.text(OFFICER, "/roster")
    assert "tidak berlaku" in await telegram.text(WORKER, f"/start {code}")


async def test_a_decline_deletes_the_row_and_the_number_is_never_invited_again(
    telegram: Telegram, settings: Settings
) -> None:
    sponsor, code = await invited_code(telegram, "3401034101880003")
    await telegram.text(WORKER, f"DAFTAR {code}")  # typed as on WhatsApp: not a command here
    await telegram.text(WORKER, f"/start {code}")
    declined = await telegram.press(WORKER, "undangan:no")
    assert "sudah kami hapus" in declined
    assert row_state(telegram, code) == ("declined", "", "")
    assert "+6285711223303" not in repr(query(settings, "SELECT * FROM roster_blocked"))
    summary = await import_roster(telegram, OFFICER, sponsor)
    assert "4 diimpor, 1 ditolak" in summary  # the declined number is refused
    (report,) = documents(telegram, "sendDocument")[-1:]
    rows = list(openpyxl.load_workbook(io.BytesIO(report)).active.iter_rows(values_only=True))
    assert "pernah menolak undangan" in rows[3][4]


async def test_wrong_codes_pause_the_sender(telegram: Telegram) -> None:
    for _ in range(4):
        assert "tidak dikenal" in await telegram.text(WORKER, "/start UND-22222-22222")
    assert "Terlalu banyak" in await telegram.text(WORKER, "/start UND-22222-22223")
    assert "Terlalu banyak" in await telegram.text(WORKER, "/start UND-22222-22224")


async def test_an_erased_worker_is_never_invited_again(
    telegram: Telegram, settings: Settings
) -> None:
    sponsor, code = await invited_code(telegram, "3401011203850001")
    await telegram.text(WORKER, f"/start {code}")
    for tap in ("undangan:yes", "3401011203850001", "undangan_data:yes", "inc:1400000", "jht:no"):
        await (telegram.text if tap.isdigit() else telegram.press)(WORKER, tap)
    assert "BPU-" in await telegram.press(WORKER, "sum:send")
    await telegram.text(WORKER, "/hapusdata")
    token = telegram.request.last_buttons(WORKER)[0]
    assert "kami catat" in await telegram.press(WORKER, token)
    # Another roster listing the same number: that row is refused.
    other = ROSTER.replace(b"3401011203850001", b"3401011203850009")
    summary = await import_roster(telegram, OFFICER, sponsor, other)
    assert "4 diimpor, 1 ditolak" in summary
    assert query(settings, "SELECT count(*) FROM roster_blocked") == [(1,)]


async def test_on_whatsapp_the_slips_text_opens_the_invitation(
    telegram: Telegram, whatsapp: WhatsApp, settings: Settings
) -> None:
    """The wa.me link of a slip fills in "DAFTAR <code>": the same six answers on WhatsApp."""
    _sponsor, code = await invited_code(telegram, "3401025507900002")
    consent = await whatsapp.text(f"DAFTAR {code}")
    assert "Pemkab Kulon Progo 2026" in consent and "Tukiman" not in consent
    await whatsapp.tap("undangan:yes")
    shown = await whatsapp.text("3401025507900002")
    assert "Tukiman" in shown and "Benar?" in shown
    await whatsapp.text("ya")
    await whatsapp.tap("inc:1400000")
    await whatsapp.tap("jht:no")
    done = await whatsapp.tap("sum:send")
    assert re.search(r"BPU-\d{4}-\d{6}", done), done
    assert query(settings, "SELECT state FROM roster_rows WHERE code = ?", code) == [
        ("completed",)
    ]
    assert query(settings, "SELECT channel FROM submissions") == [("wa",)]


async def test_the_per_row_report_and_expiry(telegram: Telegram, settings: Settings) -> None:
    """/roster <id> gives each row's state, masked; past ROSTER_RETENTION_DAYS the unfinished
    rows' personal data is deleted, the completed ones' counts stay, and codes stop working."""
    sponsor = await create_sponsor(telegram, quota=100)
    await import_roster(telegram, OFFICER, sponsor)
    roster_id = query(settings, "SELECT max(id) FROM rosters")[0][0]
    code = code_of(telegram, "3401025507900002")
    await telegram.text(WORKER, f"/start {code}")
    await telegram.press(WORKER, "undangan:yes")
    await telegram.text(WORKER, "3401011203850001")  # a wrong NIK: the row is opened
    assert "5 baris" in await telegram.text(OFFICER, f"/roster {roster_id}")
    (report,) = documents(telegram, "sendDocument")[-1:]
    rows = list(openpyxl.load_workbook(io.BytesIO(report)).active.iter_rows(values_only=True))
    assert rows[2][:4] == (3, "3401********0002", "+62813****4402", "dibuka")
    assert "3401025507900002" not in repr(rows)
    repo = telegram.repo
    policy = Housekeeping(frozenset({"name"}), timedelta(hours=1), timedelta(days=30))
    reminder = Reply(parts=(Msg("Lanjutkan?"),))
    await repo.housekeeping(telegram.now() + timedelta(days=59), policy, reminder)
    assert query(settings, "SELECT count(*) FROM roster_rows WHERE nik != ''") == [(5,)]
    await repo.housekeeping(telegram.now() + timedelta(days=61), policy, reminder)
    assert query(settings, "SELECT DISTINCT state, nik, name, phone FROM roster_rows") == [
        ("expired", "", "", "")
    ]
    assert query(settings, "SELECT count(*) FROM rosters WHERE expired_at IS NOT NULL") == [(1,)]
    assert "kedaluwarsa 5" in await telegram.text(OFFICER, "/roster")


async def test_erasure_mid_invitation_deletes_the_rows_data(
    telegram: Telegram, settings: Settings
) -> None:
    _, code = await invited_code(telegram, "3401042008920004")  # no phone: a slip only
    await telegram.text(WORKER, f"/start {code}")
    await telegram.press(WORKER, "undangan:yes")
    assert "Suparjo" in await telegram.text(WORKER, "3401042008920004")
    await telegram.text(WORKER, "/hapusdata")
    await telegram.press(WORKER, telegram.request.last_buttons(WORKER)[0])
    assert row_state(telegram, code) == ("declined", "", "")
    assert "tidak berlaku" in await telegram.text(WORKER, f"/start {code}")


# --- importing in chunks (handlers/roster_jobs.py) ---------------------------------------


def pause_at_chunk(
    monkeypatch: pytest.MonkeyPatch, chunk: int, fail: BaseException | None = None
) -> tuple[threading.Event, threading.Event]:
    """Chunks of two lines; reading the ``chunk``-th waits for the test (or raises ``fail``).
    Returns (reached, release)."""
    monkeypatch.setattr(roster_jobs, "CHUNK", 2)
    reached, release = threading.Event(), threading.Event()
    calls = 0
    real = roster_jobs.next_chunk

    def paused(lines: Iterator[Candidate], today: date, places: roster_jobs.Places) -> Any:
        nonlocal calls
        calls += 1
        if calls == chunk:
            if fail is not None:
                raise fail
            reached.set()
            release.wait(10)
        return real(lines, today, places)

    monkeypatch.setattr(roster_jobs, "next_chunk", paused)
    return reached, release


async def visible_rosters(tg: Telegram) -> list[RosterSummary]:
    async with tg.repo.officer() as session:
        session.restrict(None)
        return await session.rosters(10)


async def test_workers_are_answered_between_two_chunks_of_an_import_and_the_roster_shows_last(
    telegram: Telegram, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each chunk is its own transaction: while the second is read, the first is stored and
    the database's writer is free, so a worker's update is answered (one transaction for the
    whole file kept it waiting); the roster is seen nowhere until its last chunk is in."""
    expected = await telegram.text(WORKER + 1, "/start")
    reached, release = pause_at_chunk(monkeypatch, 2)
    sponsor = await create_sponsor(telegram, quota=100)
    importing = asyncio.create_task(import_roster(telegram, OFFICER, sponsor))
    try:
        assert await asyncio.to_thread(reached.wait, 10)
        answer = await asyncio.wait_for(telegram.text(WORKER, "/start"), 5)
        assert answer == expected
        assert query(settings, "SELECT count(*) FROM roster_rows") == [(2,)]
        assert query(settings, "SELECT count(*) FROM rosters WHERE imported_at IS NULL") == [(1,)]
        assert await visible_rosters(telegram) == []
        code = query(settings, "SELECT code FROM roster_rows ORDER BY line")[0][0]
        assert "tidak dikenal" in await telegram.text(WORKER + 2, f"/start {code}")
        assert query(settings, "SELECT state FROM roster_rows ORDER BY line")[0] == ("imported",)
    finally:
        release.set()
        summary = await importing
    assert "5 diimpor, 0 ditolak" in summary
    (report,) = documents(telegram, "sendDocument")[-1:]
    lines = list(openpyxl.load_workbook(io.BytesIO(report)).active.iter_rows(values_only=True))
    assert [r[0] for r in lines[1:]] == [2, 3, 4, 5, 6]  # every line, across the chunks
    assert [r.total for r in await visible_rosters(telegram)] == [5]


async def test_an_import_failing_midway_leaves_no_half_roster(
    telegram: Telegram, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two chunks stored, the third fails: what was stored goes, and the officer may start
    again; a file unreadable midway is said so."""
    sponsor = await create_sponsor(telegram, quota=100)
    pause_at_chunk(monkeypatch, 3, OSError("the disk went away"))
    desk = services_of(telegram.app).desk
    assert "Kirim berkas" in await start_import(telegram, sponsor)
    with pytest.raises(OSError):
        await desk.import_document(f"tg:{OFFICER}", "pekerja.csv", ROSTER, "", telegram.now())
    assert query(settings, "SELECT count(*) FROM rosters") == [(0,)]
    assert query(settings, "SELECT count(*) FROM roster_rows") == [(0,)]

    pause_at_chunk(monkeypatch, 2, UnreadableFile("a broken sheet"))
    answer = await import_roster(telegram, OFFICER, sponsor)
    assert "tidak bisa dibaca" in answer
    assert query(settings, "SELECT count(*) FROM rosters") == [(0,)]
    assert query(settings, "SELECT count(*) FROM roster_rows") == [(0,)]


async def test_a_roster_left_importing_by_a_crash_is_deleted_by_housekeeping(
    telegram: Telegram, settings: Settings
) -> None:
    sponsor_id = int(await create_sponsor(telegram, quota=100))
    now = telegram.now()
    draft = RosterDraft(sponsor_id, "Yogyakarta", "PKS 1", True, "r.csv", now + timedelta(60))
    row = RosterRow(2, "3401011203850001", "Sri", "+6281234567801", "34.01", "Wates")
    async with telegram.repo.officer() as session:
        session.restrict(None)
        roster_id = await session.begin_roster(draft, "tg:1", now)
        await session.add_roster_rows(roster_id, [row], now)
    policy = Housekeeping(frozenset({"name"}), timedelta(hours=1), timedelta(days=30))
    reminder = Reply(parts=(Msg("Lanjutkan?"),))
    await telegram.repo.housekeeping(now + timedelta(minutes=30), policy, reminder)
    assert query(settings, "SELECT count(*) FROM roster_rows") == [(1,)]  # may still be going
    await telegram.repo.housekeeping(now + timedelta(hours=2), policy, reminder)
    assert query(settings, "SELECT count(*) FROM rosters") == [(0,)]
    assert query(settings, "SELECT count(*) FROM roster_rows") == [(0,)]
