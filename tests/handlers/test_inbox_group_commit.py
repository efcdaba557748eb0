"""Updates received at once are stored together (one statement, one commit), and each receiver
still returns only once its own updates are stored."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import pytest

from bot.ports import InboxItem
from bot.settings import Settings
from handlers.inbox import Delivery, Pump
from storage.backends import AnyRepository
from tests.conftest import query

NOW = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)


class Counting:
    """The repository, with its inbox stores counted (and failing on demand, as a full disk
    does: every write refused, reads still answered)."""

    def __init__(self, repo: AnyRepository) -> None:
        self.repo = repo
        self.stores: list[int] = []
        self.fail = False

    async def inbox_receive(
        self, items: Sequence[InboxItem], lease: timedelta, owner: str
    ) -> list[bool]:
        self.stores.append(len(items))
        if self.fail:
            raise OSError("disk full")
        return await self.repo.inbox_receive(items, lease, owner)

    async def inbox_set_aside_new(self, item: InboxItem, error: str, now: datetime) -> None:
        if self.fail:  # a database that takes no write takes no set-aside update either
            raise OSError("disk full")
        await self.repo.inbox_set_aside_new(item, error, now)

    def __getattr__(self, name: str) -> object:
        return getattr(self.repo, name)


def pump_over(repo: Counting, applied: list[str]) -> Pump:
    async def apply(delivery: Delivery) -> None:
        applied.append(delivery.item.update_key)

    return Pump(repo, "tg", apply, clock=lambda: NOW)  # type: ignore[arg-type]


def update(key: int, chat: int) -> InboxItem:
    return InboxItem("tg", str(key), str(chat), "{}", NOW)


async def test_fifty_updates_received_at_once_are_stored_in_a_round_or_two(
    repo: AnyRepository, settings: Settings
) -> None:
    counting = Counting(repo)
    applied: list[str] = []
    pump = pump_over(counting, applied)
    started = await asyncio.gather(*(pump.receive([update(n, n)]) for n in range(50)))
    assert all(len(tasks) == 1 for tasks in started)  # each receiver got its own update back
    # Without grouping: 50 statements. With it: the first alone, the other 49 together.
    assert sum(counting.stores) == 50 and len(counting.stores) <= 2, counting.stores
    await pump.settle()
    assert sorted(applied, key=int) == [str(n) for n in range(50)]
    answered = query(settings, "SELECT count(*) FROM inbox WHERE answered_at IS NOT NULL")
    assert answered == [(50,)]


async def test_the_same_update_from_two_receivers_at_once_is_handled_once(
    repo: AnyRepository,
) -> None:
    applied: list[str] = []
    pump = pump_over(Counting(repo), applied)
    first, second = await asyncio.gather(
        pump.receive([update(7, 1)]), pump.receive([update(7, 1)])
    )
    assert len(first) + len(second) == 1
    await pump.settle()
    assert applied == ["7"]


async def test_when_the_database_fails_every_receiver_of_the_round_hears_it(
    repo: AnyRepository,
) -> None:
    counting = Counting(repo)
    pump = pump_over(counting, [])
    counting.fail = True
    results = await asyncio.gather(
        *(pump.receive([update(n, n)]) for n in range(5)), return_exceptions=True
    )
    assert all(isinstance(r, OSError) for r in results)  # none may be acknowledged
    counting.fail = False
    assert len(await pump.receive([update(9, 9)])) == 1  # the next round works again


async def test_a_receiver_that_gives_up_does_not_stop_the_others(repo: AnyRepository) -> None:
    applied: list[str] = []
    pump = pump_over(Counting(repo), applied)
    leaving = asyncio.create_task(pump.receive([update(1, 1)]))
    staying = asyncio.create_task(pump.receive([update(2, 2)]))
    await asyncio.sleep(0)  # both are waiting for the same round
    leaving.cancel()
    assert len(await staying) == 1
    with pytest.raises(asyncio.CancelledError):
        await leaving
    await pump.settle()
    assert "2" in applied
