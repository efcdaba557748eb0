"""An update is answered only once its replies went out (or were refused for good): an outage is
waited out, uncounted; a bug is tried a few times, then set aside, and its chat goes on; an update
the database refuses is set aside without keeping the rest of its batch out."""

from __future__ import annotations

import asyncio
import os
from datetime import UTC, datetime, timedelta

import pytest

from bot.__main__ import main
from bot.ports import InboxItem
from bot.settings import Settings
from handlers.inbox import Delivery, Pump, Refused, Unreachable, storable_json
from handlers.liveness import Liveness, pid_gone
from handlers.telegram.app import services_of
from handlers.telegram.receive import store
from storage import open_repository
from storage.backends import AnyRepository
from storage.sql.inbox import MAX_ATTEMPTS
from tests.conftest import Telegram, query
from tests.databases import run_sync

NOW = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
BROKEN = "halo \ud83d"  # a lone surrogate: half an emoji


def update(key: int, chat: int, payload: str = "{}") -> InboxItem:
    return InboxItem("tg", str(key), str(chat), payload, NOW)


def pump_over(repo: AnyRepository, apply: object, **options: object) -> Pump:
    return Pump(
        repo,
        "tg",
        apply,  # type: ignore[arg-type]
        clock=lambda: NOW,
        outage_waits=(0.01, 0.02),
        failed_wait=0.001,
        **options,  # type: ignore[arg-type]
    )


async def test_an_unreachable_platform_is_waited_out_and_not_counted(
    repo: AnyRepository, settings: Settings
) -> None:
    applied: list[str] = []
    outage = {"1": 3}  # update 1's replies fail three times, then go out

    async def apply(delivery: Delivery) -> None:
        key = delivery.item.update_key
        if outage.get(key, 0) > 0:
            outage[key] -= 1
            raise Unreachable("502 Bad Gateway")
        applied.append(key)

    pump = pump_over(repo, apply)
    await pump.receive([update(1, 7), update(2, 7)])
    await pump.settle()
    assert applied == ["1", "2"]  # the chat's newer update waited for the older one
    rows = query(settings, "SELECT update_key, attempts, answered_at IS NOT NULL FROM inbox")
    assert sorted(rows) == [("1", 0, 1), ("2", 0, 1)]


async def test_replies_refused_for_good_answer_the_update(
    repo: AnyRepository, settings: Settings
) -> None:
    async def apply(delivery: Delivery) -> None:
        raise Refused("Forbidden: bot was blocked by the user")

    pump = pump_over(repo, apply)
    await pump.receive([update(1, 7)])
    await pump.settle()
    assert query(settings, "SELECT answered_at IS NOT NULL, attempts FROM inbox") == [(1, 0)]


async def test_an_update_that_keeps_failing_is_set_aside_and_its_chat_goes_on(
    repo: AnyRepository, settings: Settings
) -> None:
    applied: list[str] = []
    told: list[str] = []

    async def apply(delivery: Delivery) -> None:
        if delivery.item.update_key == "1":
            raise RuntimeError("a bug")
        applied.append(delivery.item.update_key)

    async def gave_up(delivery: Delivery) -> None:
        told.append(delivery.item.update_key)

    pump = pump_over(repo, apply, gave_up=gave_up)
    await pump.receive([update(1, 7), update(2, 7)])
    await pump.settle()
    assert applied == ["2"] and told == ["1"]
    rows = query(
        settings,
        "SELECT update_key, attempts, set_aside_at IS NOT NULL, answered_at IS NOT NULL,"
        " last_error FROM inbox ORDER BY id",
    )
    assert rows == [("1", MAX_ATTEMPTS, 1, 0, "RuntimeError: a bug"), ("2", 0, 0, 1, None)]
    assert await repo.inbox_set_aside() == 1 and await repo.inbox_pending() == 0


async def test_an_update_the_database_refuses_is_set_aside_and_its_batch_goes_on(
    repo: AnyRepository, settings: Settings
) -> None:
    applied: list[str] = []

    async def apply(delivery: Delivery) -> None:
        applied.append(delivery.item.update_key)

    pump = pump_over(repo, apply)
    started = await pump.receive([update(1, 1), update(2, 2, BROKEN), update(3, 3)])
    await asyncio.gather(*started)
    await pump.settle()
    assert sorted(applied) == ["1", "3"]
    rows = query(settings, "SELECT update_key, payload, set_aside_at IS NOT NULL FROM inbox")
    assert ("2", "halo \ufffd", 1) in rows
    assert await repo.inbox_set_aside() == 1


def test_a_lone_surrogate_is_mended_and_a_pair_kept() -> None:
    text, data = storable_json({"text": BROKEN, "ok": "\U0001f600"})
    assert data == {"text": "halo \ufffd", "ok": "\U0001f600"}
    assert text.encode() == '{"text":"halo \ufffd","ok":"\U0001f600"}'.encode()
    plain = {"text": "halo"}
    assert storable_json(plain)[1] is plain


async def test_a_text_with_a_lone_surrogate_is_stored_and_answered(
    telegram: Telegram, settings: Settings
) -> None:
    """It stopped polling for everyone: the batch could not be stored and was retried forever.
    Here it arrives in one batch with another worker's update; both are answered."""
    pump = services_of(telegram.app).pump
    batch = [telegram.updates.text(5, BROKEN), telegram.updates.text(6, "/start")]
    await asyncio.gather(*await store(pump, batch))
    await pump.settle()
    assert telegram.request.sent(5) and telegram.request.sent(6)
    assert "\ud83d" not in telegram.request.last_text(5)
    rows = query(settings, "SELECT count(*) FROM inbox WHERE answered_at IS NOT NULL")
    assert rows == [(2,)]


async def test_a_process_of_this_host_whose_pid_is_gone_is_forgotten_at_the_next_beat(
    repo: AnyRepository, settings: Settings
) -> None:
    assert pid_gone(os.getpid())  # a restarted container's bot has the pid its last run had
    assert not pid_gone(os.getppid())
    here = Liveness(repo, lambda: NOW)
    await repo.process_beat("dead", here.host, os.getpid(), NOW)
    await repo.process_beat("elsewhere", "another-host", os.getpid(), NOW)
    await here.beat()
    rows = query(settings, "SELECT id FROM inbox_processes")
    assert sorted(rows) == sorted([("elsewhere",), (here.id,)])
    assert here.alive_since(NOW) == NOW - timedelta(seconds=5)


def test_the_inbox_command_lists_set_aside_updates_masked_and_retries_them(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    async def fail() -> None:
        repo = await open_repository(settings.database_url)
        try:
            await repo.inbox_receive([update(1, 6281234567890)], timedelta(seconds=30), "A")
            for _ in range(MAX_ATTEMPTS):
                await repo.inbox_failed("tg", "1", "KeyError: 'nik'", NOW)
        finally:
            await repo.close()

    run_sync(fail)
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    main(["inbox"])
    listed = capsys.readouterr().out
    assert "tg 1 chat 62812****7890: 5 attempt(s)" in listed and "KeyError" in listed
    main(["inbox", "--retry"])
    assert "1 update(s) put back in line" in capsys.readouterr().out
    assert query(settings, "SELECT set_aside_at, attempts FROM inbox") == [(None, 0)]
