"""From a channel's updates to answered ones, losing none: store, apply, answer, in order per chat.

``receive`` stores updates in the inbox (leased to this process) and only then returns, so the
channel is told an update arrived (the webhook's 200, the next getUpdates offset) after it is
safe in the database. Each stored update is then handled in a task of its own: one chat's
updates one at a time and in order, different chats' in parallel. Applying marks the inbox row
in the same transaction as the update's effects; once the replies are sent the row is marked
answered (in batches: one statement for many updates). Updates a dead process left unanswered
are claimed when their lease runs out (``recover``, at start-up and every few seconds) and
handled here: applied if they were not, or, if only their replies were lost, answered again
with the question now pending (the flow recognises an update it already applied).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from bot.clock import Clock
from bot.ports import InboxItem, Repository
from handlers.locks import Slots, UserLocks

log = logging.getLogger(__name__)

RECOVER_EVERY_SECONDS = 5.0
CLAIM_BATCH = 100
# Updates handled at once by one process; the rest wait their turn (memory and connections).
MAX_IN_FLIGHT = 256
# Answered updates are marked so together, this long after the first of them.
FLUSH_SECONDS = 0.2


@dataclass
class Delivery:
    """One update to handle."""

    item: InboxItem
    parsed: Any = None  # the channel's own object for it (a telegram.Update), when at hand


Apply = Callable[[Delivery], Awaitable[None]]


@dataclass
class Pump:
    """Stores and handles one channel's updates (see the module's docstring)."""

    repo: Repository
    channel: str
    apply: Apply
    clock: Clock
    lease: timedelta = timedelta(seconds=30)
    locks: UserLocks = field(default_factory=UserLocks)
    _tasks: set[asyncio.Task[None]] = field(default_factory=set)
    _in_flight: set[str] = field(default_factory=set)
    _slots: Slots = field(default_factory=lambda: Slots(MAX_IN_FLIGHT))
    _recovering: asyncio.Task[None] | None = None
    _answered: list[str] = field(default_factory=list)  # waiting for the next flush
    _flushing: asyncio.Task[None] | None = None
    # Updates waiting to be stored together (group commit), each caller with its future.
    _to_store: list[tuple[Sequence[InboxItem], asyncio.Future[list[bool]]]] = field(
        default_factory=list
    )
    _storing: asyncio.Task[None] | None = None

    async def receive(
        self, items: Sequence[InboxItem], parsed: Sequence[Any] = ()
    ) -> list[asyncio.Task[None]]:
        """Store ``items`` durably, then start handling the new ones (their tasks returned).

        A redelivered update (already stored) is not handled again. Raises when the database
        does not take them: the channel must then not be told they arrived.
        """
        fresh = await self._store(items)
        objects = list(parsed) or [None] * len(items)
        started = []
        for item, new, obj in zip(items, fresh, objects, strict=True):
            if new and (task := self._start(Delivery(item, obj))) is not None:
                started.append(task)
        return started

    async def _store(self, items: Sequence[InboxItem]) -> list[bool]:
        """Store ``items`` together with whatever else arrives meanwhile: updates received at
        once (an event's crowd, webhooks in parallel) share one statement and one commit. Each
        caller returns only once its own updates are stored (or with the database's error)."""
        waiting: asyncio.Future[list[bool]] = asyncio.get_running_loop().create_future()
        self._to_store.append((items, waiting))
        if self._storing is None:
            self._storing = asyncio.create_task(self._store_waiting(), name="inbox:store")
        return await waiting

    async def _store_waiting(self) -> None:
        """Store what is waiting, round after round, until nothing is."""
        try:
            while self._to_store:
                batch, self._to_store = self._to_store, []
                items = [item for part, _ in batch for item in part]
                try:
                    fresh = await self.repo.inbox_receive(items, self.lease)
                except Exception as error:
                    # Every caller learns it: none of theirs is acknowledged.
                    for _, waiting in batch:
                        if not waiting.done():
                            waiting.set_exception(error)
                    continue
                start = 0
                for part, waiting in batch:
                    if not waiting.done():  # a caller that gave up (cancelled) is skipped
                        waiting.set_result(fresh[start : start + len(part)])
                    start += len(part)
        finally:
            self._storing = None

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
                await self.apply(delivery)
            self._answered.append(item.update_key)
            if self._flushing is None or self._flushing.done():
                self._flushing = asyncio.create_task(self._flush_soon())
        except Exception:
            # Left unanswered: retried after its lease (a few times, then left for a look).
            log.exception("update %s:%s could not be handled", self.channel, item.update_key)
        finally:
            self._in_flight.discard(item.update_key)

    async def _flush_soon(self) -> None:
        await asyncio.sleep(FLUSH_SECONDS)
        await self.flush()

    async def flush(self) -> None:
        """Mark the updates answered so far; a crash before this re-sends their questions once."""
        keys, self._answered = self._answered, []
        if not keys:
            return
        try:
            await self.repo.inbox_answered(self.channel, keys, self.clock())
        except Exception:
            log.warning("could not mark %d update(s) answered", len(keys), exc_info=True)

    async def recover(self) -> int:
        """Claim and handle updates left behind by a process that died; returns how many."""
        found = await self.repo.inbox_claim(self.channel, self.clock(), CLAIM_BATCH, self.lease)
        for item in found:
            self._start(Delivery(item))
        if found:
            log.info("recovering %d unanswered %s update(s)", len(found), self.channel)
        return len(found)

    async def settle(self) -> None:
        """Wait until every update started so far is handled (or failed) and marked."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)
        await self.flush()

    def start_recovering(self, every: float = RECOVER_EVERY_SECONDS) -> None:
        """Look for abandoned updates now and every ``every`` seconds until ``stop``."""

        async def loop() -> None:
            while True:
                try:
                    await self.recover()
                except Exception:
                    log.warning("could not look for unanswered updates", exc_info=True)
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
        if self._flushing is not None:
            self._flushing.cancel()
            await asyncio.gather(self._flushing, return_exceptions=True)
        await self.flush()
