"""From a channel's updates to applied ones, losing none: store first, then apply, in order per chat.

``receive`` stores updates in the inbox (leased to this process) and only then returns, so the
channel is told an update arrived (the webhook's 200, the next getUpdates offset) after it is
safe in the database. Each stored update is then applied in a task of its own: one chat's
updates one at a time and in order, different chats' in parallel. Applying marks the inbox row in
the same transaction as the update's effects; an update that leads to no unit of work (nothing
to do) is marked afterwards. Updates a dead process left unapplied are claimed when their lease
runs out (``recover``, at start-up and every few seconds) and applied here.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from bot.clock import Clock
from bot.ports import InboxItem, Repository
from handlers.locks import UserLocks

log = logging.getLogger(__name__)

RECOVER_EVERY_SECONDS = 5.0
CLAIM_BATCH = 100
# Updates applied at once by one process; the rest wait their turn (memory and connections).
MAX_IN_FLIGHT = 256


@dataclass
class Delivery:
    """One update being applied: the adapter sets ``marked`` once a unit of work marked it."""

    item: InboxItem
    parsed: Any = None  # the channel's own object for it (a telegram.Update), when at hand
    marked: bool = False


_current: contextvars.ContextVar[Delivery | None] = contextvars.ContextVar(
    "inbox_delivery", default=None
)


def current_delivery() -> Delivery | None:
    """The update the running task applies (None outside the pump: tests, the terminal)."""
    return _current.get()


def marked_applied() -> None:
    """Tell the pump the running update was marked applied with its effects."""
    delivery = _current.get()
    if delivery is not None:
        delivery.marked = True


Apply = Callable[[Delivery], Awaitable[None]]


@dataclass
class Pump:
    """Stores and applies one channel's updates (see the module's docstring)."""

    repo: Repository
    channel: str
    apply: Apply
    clock: Clock
    lease: timedelta = timedelta(seconds=30)
    locks: UserLocks = field(default_factory=UserLocks)
    _tasks: set[asyncio.Task[None]] = field(default_factory=set)
    _in_flight: set[str] = field(default_factory=set)
    _slots: asyncio.Semaphore = field(default_factory=lambda: asyncio.Semaphore(MAX_IN_FLIGHT))
    _recovering: asyncio.Task[None] | None = None

    async def receive(
        self, items: Sequence[InboxItem], parsed: Sequence[Any] = ()
    ) -> list[asyncio.Task[None]]:
        """Store ``items`` durably, then start applying the new ones (their tasks returned).

        A redelivered update (already stored) is not applied again. Raises when the database
        does not take them: the channel must then not be told they arrived.
        """
        fresh = await self.repo.inbox_receive(items, self.lease)
        objects = list(parsed) or [None] * len(items)
        started = []
        for item, new, obj in zip(items, fresh, objects, strict=True):
            if new and (task := self._start(Delivery(item, obj))) is not None:
                started.append(task)
        return started

    def _start(self, delivery: Delivery) -> asyncio.Task[None] | None:
        key = delivery.item.update_key
        if key in self._in_flight:
            return None
        self._in_flight.add(key)
        task = asyncio.create_task(self._run(delivery), name=f"inbox:{self.channel}:{key}")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    async def _run(self, delivery: Delivery) -> None:
        item = delivery.item
        try:
            # The chat's lock is taken in arrival order, so its updates apply in that order.
            async with self.locks.hold(f"{self.channel}:{item.chat}"), self._slots:
                token = _current.set(delivery)
                try:
                    await self.apply(delivery)
                finally:
                    _current.reset(token)
                if not delivery.marked:
                    await self.repo.inbox_applied(self.channel, item.update_key, self.clock())
        except Exception:
            # Left unapplied: retried after its lease (a few times, then left for a look).
            log.exception("update %s:%s could not be applied", self.channel, item.update_key)
        finally:
            self._in_flight.discard(item.update_key)

    async def recover(self) -> int:
        """Claim and apply updates left behind by a process that died; returns how many."""
        found = await self.repo.inbox_claim(self.channel, self.clock(), CLAIM_BATCH, self.lease)
        for item in found:
            self._start(Delivery(item))
        if found:
            log.info("recovering %d unapplied %s update(s)", len(found), self.channel)
        return len(found)

    async def settle(self) -> None:
        """Wait until every update started so far is applied (or failed)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    def start_recovering(self, every: float = RECOVER_EVERY_SECONDS) -> None:
        """Look for abandoned updates now and every ``every`` seconds until ``stop``."""

        async def loop() -> None:
            while True:
                try:
                    await self.recover()
                except Exception:
                    log.warning("could not look for unapplied updates", exc_info=True)
                await asyncio.sleep(every)

        self._recovering = asyncio.create_task(loop(), name=f"inbox-recovery:{self.channel}")

    async def stop(self, grace: float = 10.0) -> None:
        """Stop recovering and give the updates in flight ``grace`` seconds to finish."""
        if self._recovering is not None:
            self._recovering.cancel()
            await asyncio.gather(self._recovering, return_exceptions=True)
            self._recovering = None
        try:
            await asyncio.wait_for(self.settle(), grace)
        except TimeoutError:
            log.warning("stopping with %d update(s) still in flight", len(self._tasks))
