"""handlers/locks.py: one chat's updates one at a time and in arrival order, other chats'
alongside, and no lock kept for a chat nobody is using."""

from __future__ import annotations

import asyncio

import pytest

from handlers.locks import Slots, UserLocks


async def test_one_chat_in_turn_in_arrival_order_other_chats_alongside() -> None:
    locks = UserLocks()
    events: list[str] = []

    async def update(chat: str, name: str, pause: float) -> None:
        async with locks.hold(chat):
            events.append(f"{name} starts")
            await asyncio.sleep(pause)
            events.append(f"{name} ends")

    await asyncio.gather(update("a", "a1", 0.03), update("a", "a2", 0), update("b", "b1", 0.01))
    assert events.index("a1 ends") < events.index("a2 starts")  # in turn, in order
    assert events.index("b1 starts") < events.index("a1 ends")  # alongside
    assert locks._locks == {} and locks._users == {}


async def test_a_failing_or_cancelled_update_leaves_no_lock_behind() -> None:
    locks = UserLocks()
    with pytest.raises(RuntimeError):
        async with locks.hold("a"):
            raise RuntimeError("the update failed")
    async with locks.hold("a"):
        waiting = asyncio.create_task(locks.acquire("a"))
        await asyncio.sleep(0)
        waiting.cancel()  # gave up while waiting for the lock
        with pytest.raises(asyncio.CancelledError):
            await waiting
    assert locks._locks == {} and locks._users == {}


async def test_slots_let_so_many_in_at_once_the_others_in_arrival_order() -> None:
    slots = Slots(2)
    inside: list[int] = []
    most = 0
    entered: list[int] = []

    async def holder(n: int) -> None:
        nonlocal most
        async with slots:
            entered.append(n)
            inside.append(n)
            most = max(most, len(inside))
            await asyncio.sleep(0.01)
            inside.remove(n)

    await asyncio.gather(*(holder(n) for n in range(8)))
    assert most == 2
    assert entered == list(range(8))


async def test_a_slot_waiter_that_gives_up_takes_no_slot_with_it() -> None:
    slots = Slots(1)
    async with slots:
        gives_up = asyncio.create_task(slots.__aenter__())
        await asyncio.sleep(0)
        gives_up.cancel()
        with pytest.raises(asyncio.CancelledError):
            await gives_up
        later = asyncio.create_task(slots.__aenter__())
        await asyncio.sleep(0)
        assert not later.done()  # still one slot, still held
    await asyncio.wait_for(later, 1)  # the freed slot went to the one still waiting
    await slots.__aexit__(None, None, None)
    async with slots:  # and came back afterwards
        pass
