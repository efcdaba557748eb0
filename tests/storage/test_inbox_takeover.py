"""Who handles an update: its receiver while that process lives, anyone once it is gone (known
by its heartbeat, not only its lease), a chat's updates in order, worn-out ones set aside."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from bot.ports import InboxItem
from bot.settings import Settings
from storage import open_repository
from storage.backends import AnyRepository
from storage.sql.inbox import MAX_ATTEMPTS
from tests.conftest import query
from tests.databases import execute_url
from tests.storage.drafts import NOW

LEASE = timedelta(seconds=30)
TAKEOVER = timedelta(seconds=5)


@pytest.fixture
async def other(settings: Settings) -> AsyncIterator[AnyRepository]:
    """A second repository on the same database: another process."""
    second = await open_repository(settings.database_url, pool_min=1, pool_max=4)
    yield second
    await second.close()


def update(key: int, chat: str) -> InboxItem:
    return InboxItem("tg", str(key), chat, "{}", NOW)


async def claim(repo: AnyRepository, owner: str, seconds: float) -> list[str]:
    """What ``owner`` claims ``seconds`` after NOW (processes silent for TAKEOVER are gone)."""
    now = NOW + timedelta(seconds=seconds)
    found, _ = await repo.inbox_claim("tg", now, 100, LEASE, owner, now - TAKEOVER)
    return [i.update_key for i in found]


async def test_the_updates_of_a_gone_process_are_taken_over_long_before_their_lease(
    repo: AnyRepository, other: AnyRepository, settings: Settings
) -> None:
    await repo.process_beat("A", "host", 1, NOW)
    await other.process_beat("B", "host", 2, NOW)
    assert await repo.inbox_receive([update(1, "x"), update(2, "x")], LEASE, "A") == [True] * 2
    assert await claim(other, "B", 1) == []  # A lives: its updates are its own
    # A falls silent: once not heard from for TAKEOVER, not after the 30 s lease.
    assert await claim(other, "B", 4) == []
    assert await claim(other, "B", 6) == ["1", "2"]
    assert query(settings, "SELECT DISTINCT owner FROM inbox") == [("B",)]


async def test_a_process_known_gone_is_taken_over_at_once(
    repo: AnyRepository, other: AnyRepository
) -> None:
    await repo.process_beat("A", "host", 1, NOW)
    await repo.inbox_receive([update(1, "x")], LEASE, "A")
    await other.processes_gone(["A"], NOW)  # its pid no longer runs on its host
    assert await claim(other, "B", 0.1) == ["1"]


async def test_a_newer_update_waits_while_an_older_one_of_its_chat_is_held_elsewhere(
    repo: AnyRepository, other: AnyRepository
) -> None:
    for process, pid in (("A", 1), ("B", 2)):
        await repo.process_beat(process, "host", pid, NOW)
    assert await repo.inbox_receive([update(1, "x")], LEASE, "A") == [True]
    # B receives the chat's next update (a webhook behind a balancer, a restart): it is stored
    # but not B's to handle yet; another chat's update is.
    assert await other.inbox_receive([update(2, "x"), update(3, "y")], LEASE, "B") == [
        False,
        True,
    ]
    assert await claim(other, "B", 1) == []  # update 1 is still A's
    await repo.inbox_answered("tg", ["1"], NOW)
    assert await claim(other, "B", 1) == ["2"]


async def test_an_older_update_already_applied_holds_nothing_back(
    repo: AnyRepository, other: AnyRepository, settings: Settings
) -> None:
    """Its effects are in, only its replies are on their way: the next one may apply."""
    for process, pid in (("A", 1), ("B", 2)):
        await repo.process_beat(process, "host", pid, NOW)
    await repo.inbox_receive([update(1, "x")], LEASE, "A")
    execute_url(settings.database_url, "UPDATE inbox SET applied_at = received_at")
    assert await other.inbox_receive([update(2, "x")], LEASE, "B") == [True]


async def test_an_older_update_of_a_gone_process_is_claimed_before_the_newer_ones(
    repo: AnyRepository, other: AnyRepository
) -> None:
    await repo.process_beat("A", "host", 1, NOW)
    await repo.inbox_receive([update(1, "x")], LEASE, "A")
    await other.process_beat("B", "host", 2, NOW)
    assert await other.inbox_receive([update(2, "x"), update(3, "x")], LEASE, "B") == [False] * 2
    await other.processes_gone(["A"], NOW)
    assert await claim(other, "B", 0.1) == ["1", "2", "3"]  # in the chat's order


async def test_an_update_failing_its_attempts_is_set_aside_and_its_chat_goes_on(
    repo: AnyRepository, other: AnyRepository, settings: Settings
) -> None:
    await repo.process_beat("A", "host", 1, NOW)
    await repo.inbox_receive([update(1, "x"), update(2, "x")], LEASE, "A")
    for attempt in range(1, MAX_ATTEMPTS + 1):
        aside = await repo.inbox_failed("tg", "1", "RuntimeError: a bug", NOW)
        assert aside == (attempt == MAX_ATTEMPTS)
    assert await repo.inbox_pending() == 1 and await repo.inbox_set_aside() == 1
    await other.processes_gone(["A"], NOW)
    assert await claim(other, "B", 0.1) == ["2"]  # the set-aside update holds nothing back
    rows = query(settings, "SELECT attempts, last_error FROM inbox WHERE update_key = '1'")
    assert rows == [(MAX_ATTEMPTS, "RuntimeError: a bug")]


async def test_an_update_whose_process_died_too_often_is_set_aside_when_claimed(
    repo: AnyRepository, settings: Settings
) -> None:
    await repo.inbox_receive([update(1, "x"), update(2, "y")], LEASE, "A")  # A never beat
    execute_url(
        settings.database_url, f"UPDATE inbox SET attempts = {MAX_ATTEMPTS} WHERE update_key = '1'"
    )
    now = NOW + timedelta(seconds=1)
    found, aside = await repo.inbox_claim("tg", now, 100, LEASE, "B", now - TAKEOVER)
    assert [i.update_key for i in found] == ["2"] and aside == ["1"]
    assert await repo.inbox_set_aside() == 1


async def test_an_update_stored_set_aside_is_counted_and_never_claimed(
    repo: AnyRepository,
) -> None:
    await repo.inbox_set_aside_new(update(1, "x"), "not stored: UnicodeEncodeError", NOW)
    await repo.inbox_set_aside_new(update(1, "x"), "again", NOW)  # a redelivery: once
    assert await repo.inbox_set_aside() == 1 and await repo.inbox_pending() == 0
    assert await claim(repo, "B", 60) == []


async def test_heartbeats_are_kept_per_host_and_forgotten_when_gone(
    repo: AnyRepository, settings: Settings
) -> None:
    await repo.process_beat("A", "one", 11, NOW)
    await repo.process_beat("B", "two", 22, NOW)
    await repo.process_beat("A", "one", 11, NOW + timedelta(seconds=1))  # the same row, later
    assert await repo.processes_on("one") == [("A", 11)]
    await repo.processes_gone(["A"], NOW + timedelta(days=2))  # B, silent for days, too
    assert query(settings, "SELECT id FROM inbox_processes") == []


async def test_an_operator_lists_set_aside_updates_and_puts_them_back_in_line(
    repo: AnyRepository, settings: Settings
) -> None:
    await repo.inbox_receive([update(1, "6281234567890")], LEASE, "A")
    for _ in range(MAX_ATTEMPTS):
        await repo.inbox_failed("tg", "1", "KeyError: 'nik'", NOW)
    (shown,) = await repo.inbox_set_aside_list(10)
    assert (shown.update_key, shown.chat, shown.attempts) == ("1", "6281234567890", MAX_ATTEMPTS)
    assert shown.last_error == "KeyError: 'nik'"
    assert await repo.inbox_retry(["1"]) == 1
    assert await repo.inbox_set_aside() == 0
    now = NOW + timedelta(seconds=1)
    found, _ = await repo.inbox_claim("tg", now, 100, LEASE, "B", now - TAKEOVER)
    assert [i.update_key for i in found] == ["1"]  # anyone's to claim at once, attempts anew
    assert query(settings, "SELECT attempts FROM inbox WHERE update_key = '1'") == [(1,)]
