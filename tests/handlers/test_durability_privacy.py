"""Replays, retries, erasure, reminders, retention and log hygiene, through the real Application."""

from __future__ import annotations

import io
import json
import logging
from datetime import timedelta

import pytest

from bot.settings import Settings
from handlers.housekeeping import housekeep
from handlers.logs import setup_logging
from handlers.telegram.app import services_of
from storage.sqlite import SqliteRepository
from tests.conftest import NIK, OFFICER, WORKER, Telegram, query, register


async def start_to_name(tg: Telegram, user: int = WORKER) -> None:
    await tg.text(user, "/start")
    await tg.press(user, "consent:yes")
    await tg.text(user, NIK)
    await tg.press(user, "nikok:yes")


async def test_an_update_delivered_twice_is_applied_once(
    telegram: Telegram, settings: Settings
) -> None:
    await start_to_name(telegram)
    update = telegram.updates.text(WORKER, "Sarjono")
    await telegram.feed(update)
    sent = len(telegram.request.sent(WORKER))
    await telegram.feed(update)
    assert len(telegram.request.sent(WORKER)) == sent
    state = json.loads(query(settings, "SELECT state FROM conversations")[0][0])
    assert state["step"] == "birth_place" and state["tries"] == 0


async def test_a_reply_that_hits_a_server_error_is_retried(telegram: Telegram) -> None:
    await telegram.text(WORKER, "/start")
    failures = iter([(502, "Bad Gateway")])
    telegram.request.fail = lambda call: (
        next(failures, None) if call.method == "sendMessage" else None
    )
    question = await telegram.press(WORKER, "consent:yes")
    assert "Ketik NIK Anda" in question


async def test_hapusdata_deletes_a_draft_at_once(telegram: Telegram, settings: Settings) -> None:
    await start_to_name(telegram)
    assert "Hapus data Anda?" in await telegram.text(WORKER, "/hapusdata")
    done = await telegram.press(WORKER, erase_button(telegram))
    assert "sudah kami hapus" in done
    assert query(
        settings, "SELECT count(*) FROM conversations WHERE CAST(state AS TEXT) LIKE ?", f"%{NIK}%"
    ) == [(0,)]


def erase_button(telegram: Telegram) -> str:
    """The callback data of the "Ya, hapus data saya" button just shown to the worker."""
    return next(b for b in telegram.request.last_buttons(WORKER) if b.startswith("erase:yes"))


async def test_an_old_erase_button_asks_again_instead_of_erasing_a_newer_draft(
    telegram: Telegram, settings: Settings
) -> None:
    await start_to_name(telegram)
    await telegram.text(WORKER, "/hapusdata")
    old = erase_button(telegram)
    await telegram.press(WORKER, "erase:no")
    # Later the worker taps the old "Ya" still showing higher up in the chat.
    again = await telegram.press(WORKER, old)
    assert "Hapus data Anda?" in again and "sudah kami hapus" not in again
    assert query(
        settings, "SELECT count(*) FROM conversations WHERE CAST(state AS TEXT) LIKE ?", f"%{NIK}%"
    ) == [(1,)]


async def test_hapusdata_records_submitted_and_anonymises_rejected(
    telegram: Telegram, settings: Settings
) -> None:
    first = await register(telegram, WORKER)
    ref1 = first.split("<b>")[1].split("</b>")[0]
    await telegram.text(OFFICER, f"/tolak {ref1} data tidak lengkap")
    second = await register(telegram, WORKER)
    ref2 = second.split("<b>")[1].split("</b>")[0]
    await telegram.text(WORKER, "/hapusdata")
    done = await telegram.press(WORKER, erase_button(telegram))
    assert ref1 in done and ref2 in done
    rows = dict(query(settings, "SELECT reference, outcome FROM erasure_requests"))
    assert rows == {ref1: "anonymised", ref2: "recorded"}
    assert query(settings, "SELECT name, phone FROM submissions WHERE reference = ?", ref1) == [
        ("", "")
    ]
    card = await telegram.text(OFFICER, f"/lihat {ref2}")
    assert "meminta datanya dihapus" in card


async def test_one_reminder_then_purge(
    repo: SqliteRepository, telegram: Telegram, settings: Settings
) -> None:
    await start_to_name(telegram)
    now = telegram.now()
    assert await housekeep(repo, settings, now) == (0, 0)  # too early
    later = now + timedelta(hours=settings.reminder_after_hours + 1)
    assert await housekeep(repo, settings, later) == (1, 0)
    assert await housekeep(repo, settings, later + timedelta(hours=30)) == (0, 0)  # no more
    await telegram.deliver(later)
    assert "belum selesai" in telegram.request.last_text(WORKER)
    gone = now + timedelta(days=settings.draft_retention_days, minutes=1)
    assert await housekeep(repo, settings, gone) == (0, 1)
    assert query(settings, "SELECT count(*) FROM conversations") == [(0,)]


async def test_the_card_shows_an_undeliverable_notification(telegram: Telegram) -> None:
    answer = await register(telegram, WORKER)
    reference = answer.split("<b>")[1].split("</b>")[0]
    await telegram.text(OFFICER, f"/perbaikan {reference} alamat RT/RW belum ada")
    await telegram.text(OFFICER, "kirim")  # the preview's "Kirim keputusan"
    telegram.request.fail = lambda call: (403, "Forbidden: bot was blocked by the user")
    await telegram.deliver()
    telegram.request.fail = None
    card = await telegram.text(OFFICER, f"/lihat {reference}")
    assert "tidak terkirim" in card


async def test_logs_of_a_full_run_hold_no_nik_phone_or_name(telegram: Telegram) -> None:
    stream = io.StringIO()
    setup_logging("DEBUG", stream)
    try:
        logging.getLogger("bpu.test").info("worker typed %s and %s", NIK, "0812-3456-7890")
        answer = await register(telegram, WORKER)
        reference = answer.split("<b>")[1].split("</b>")[0]
        await telegram.text(OFFICER, f"/setujui {reference} 12345678901")
        await telegram.deliver()
        telegram.request.fail = lambda call: (403, f"Forbidden {NIK} +6281234567890")
        await telegram.text(OFFICER, f"/lihat {reference}")
    finally:
        logs = stream.getvalue()
        setup_logging("WARNING")
    assert "3401********0001" in logs  # our own record was written, masked
    for secret in (NIK, "6281234567890", "812-3456-7890", "Sri Wahyuni"):
        assert secret not in logs


async def test_a_bug_is_answered_with_an_apology_not_a_trace(
    telegram: Telegram, caplog: pytest.LogCaptureFixture
) -> None:
    await telegram.text(WORKER, "/start")

    def broken(*args: object, **kwargs: object) -> object:
        raise RuntimeError("a bug in the storage layer")

    telegram.repo.worker = broken  # type: ignore[method-assign,assignment]
    # The update is tried again before it is set aside; the waits between tries (1 s
    # doubling, handlers/inbox.py) are not what this test is about.
    services_of(telegram.app).pump.failed_wait = 0.01
    answer = await telegram.text(WORKER, "/status")
    assert "ada gangguan" in answer and "Traceback" not in answer
    assert any(r.levelname == "ERROR" for r in caplog.records)
