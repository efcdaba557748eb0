"""From a channel's updates to answered ones, losing none: store, apply, answer, in order per chat.

``receive`` stores updates in the inbox (held by this process) and only then returns, so the
channel is told an update arrived (the webhook's 200, the next getUpdates offset) after it is
safe in the database. Each stored update is then handled in a task of its own: one chat's
updates one at a time and in order, different chats' in parallel. Applying marks the inbox row
in the same transaction as the update's effects; once the replies are delivered (or refused for
good: the person blocked the bot) the row is marked answered (in batches: one statement for many
updates).

What goes wrong, and what happens then (docs/delivery.md):

- the platform cannot be reached (``Unreachable``: 5xx, network, 429): the update is tried again,
  for as long as it takes, without counting an attempt, its chat's newer updates waiting;
- anything else (a bug): tried again a few times, each failure counted in the row; after
  ``MAX_ATTEMPTS`` it is set aside (a log line, ``/healthz``) and the chat goes on;
- the process dies: another process (or the restarted one) claims what it held once it is known
  gone (the heartbeat, handlers/liveness.py) or its lease ran out (``recover``, every second), in
  order per chat: applied if it was not, or, if only its replies were lost, answered again with
  the question now pending (the flow recognises an update it already applied). A new update of
  a chat with an older one not applied yet and held elsewhere is stored unheld and waits for
  its turn.
- an update the database will not take (a batch refused because of one of its updates): the rest
  of the batch is stored, the bad one set aside.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from bot.clock import Clock
from bot.ports import InboxItem, Repository
from handlers.liveness import Liveness
from handlers.locks import Slots, UserLocks

log = logging.getLogger(__name__)

RECOVER_EVERY_SECONDS = 1.0
CLAIM_BATCH = 100
# Updates handled at once by one process; the rest wait their turn (memory and connections).
MAX_IN_FLIGHT = 256
# Answered updates are marked so together, this long after the first of them.
FLUSH_SECONDS = 0.2
# Waits between tries of an update whose platform cannot be reached: doubling up to the last.
OUTAGE_FIRST_SECONDS = 0.5
OUTAGE_MAX_SECONDS = 4.0
# Waits between tries of an update that failed otherwise (doubling; counted attempts).
FAILED_FIRST_SECONDS = 1.0


class Unreachable(Exception):
    """The platform could not be reached (5xx, network, rate limit): try the update again."""


class Refused(Exception):
    """The platform refused the replies for good (the bot blocked, the chat gone): answered."""


def well_formed(text: str) -> str:
    """``text`` with lone surrogates (no character: not storable, not sendable) replaced by
    U+FFFD; pairs, which JSON may carry escaped, become their character."""
    return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


def storable_json(data: Any) -> tuple[str, Any]:
    """``data`` as the JSON text the inbox stores, and ``data`` itself, both with lone
    surrogates (a broken emoji sent as ``\\ud83d``) replaced: the database refuses them."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    if text.isascii():
        return text, data
    try:
        text.encode()
    except UnicodeEncodeError:
        text = well_formed(text)
        return text, json.loads(text)
    return text, data


@dataclass
class Delivery:
    """One update to handle."""

    item: InboxItem
    parsed: Any = None  # the channel's own object for it (a telegram.Update), when at hand


Apply = Callable[[Delivery], Awaitable[None]]
Started = asyncio.Task[None] | None


@dataclass
class Pump:
    """Stores and handles one channel's updates (see the module's docstring)."""

    repo: Repository
    channel: str
    apply: Apply
    clock: Clock
    lease: timedelta = timedelta(seconds=30)
    liveness: Liveness | None = None  # this process's heartbeat (one of its own when not given)
    gave_up: Apply | None = None  # told of an update set aside (to apologise to its sender)
    outage_waits: tuple[float, float] = (OUTAGE_FIRST_SECONDS, OUTAGE_MAX_SECONDS)
    failed_wait: float = FAILED_FIRST_SECONDS
    locks: UserLocks = field(default_factory=UserLocks)
    _tasks: set[asyncio.Task[None]] = field(default_factory=set)
    _in_flight: dict[str, datetime] = field(default_factory=dict)  # key -> held until
    _slots: Slots = field(default_factory=lambda: Slots(MAX_IN_FLIGHT))
    _recovering: asyncio.Task[None] | None = None
    _answered: list[str] = field(default_factory=list)  # waiting for the next flush
    _flushing: asyncio.Task[None] | None = None
    # Updates waiting to be stored together (group commit), each caller with its future.
    _to_store: list[tuple[Sequence[InboxItem], Sequence[Any], asyncio.Future[list[Started]]]] = (
        field(default_factory=list)
    )
    _storing: asyncio.Task[None] | None = None
    # Storing-and-starting and claiming-and-starting take turns, so a chat's updates start in
    # the order they were stored or claimed in.
    _ordering: asyncio.Lock = field(default_factory=asyncio.Lock)
    _beating: bool = False

    def __post_init__(self) -> None:
        if self.liveness is None:
            self.liveness = Liveness(self.repo, self.clock)

    @property
    def owner(self) -> str:
        assert self.liveness is not None
        return self.liveness.id

    async def receive(
        self, items: Sequence[InboxItem], parsed: Sequence[Any] = ()
    ) -> list[asyncio.Task[None]]:
        """Store ``items`` durably, then start handling the new ones (their tasks returned).

        A redelivered update (already stored) is not handled again; a new one waiting behind
        an older update of its chat held elsewhere is handled when claimed. Raises when the
        database does not take them: the channel must then not be told they arrived.
        """
        objects = list(parsed) or [None] * len(items)
        waiting: asyncio.Future[list[Started]] = asyncio.get_running_loop().create_future()
        self._to_store.append((items, objects, waiting))
        if self._storing is None:
            self._storing = asyncio.create_task(self._store_waiting(), name="inbox:store")
        return [task for task in await waiting if task is not None]

    async def _store_waiting(self) -> None:
        """Store what is waiting together (updates received at once, an event's crowd or
        webhooks in parallel, share one statement and one commit), round after round, until
        nothing is; each caller returns once its own updates are stored (or with the error)."""
        try:
            while self._to_store:
                batch, self._to_store = self._to_store, []
                items = [item for part, _, _ in batch for item in part]
                objects = [obj for _, part, _ in batch for obj in part]
                async with self._ordering:
                    try:
                        fresh = await self._store_batch(items)
                    except Exception as error:
                        # Every caller learns it: none of theirs is acknowledged.
                        for _, _, waiting in batch:
                            if not waiting.done():
                                waiting.set_exception(error)
                        continue
                    started = [
                        self._start(Delivery(item, obj)) if new else None
                        for item, new, obj in zip(items, fresh, objects, strict=True)
                    ]
                start = 0
                for part, _, waiting in batch:
                    if not waiting.done():  # a caller that gave up (cancelled) is skipped
                        waiting.set_result(started[start : start + len(part)])
                    start += len(part)
        finally:
            self._storing = None

    async def _store_batch(self, items: list[InboxItem]) -> list[bool]:
        """Store ``items``; when the batch is refused, each on its own, and one the database
        still refuses (while it answers otherwise) is set aside: one bad update never keeps
        the others out."""
        try:
            return await self.repo.inbox_receive(items, self.lease, self.owner)
        except Exception as error:
            batch_error = error
        fresh: list[bool] = []
        refused: list[tuple[InboxItem, Exception]] = []
        for item in items:
            try:
                fresh += await self.repo.inbox_receive([item], self.lease, self.owner)
            except Exception as problem:
                fresh.append(False)
                refused.append((item, problem))
        if len(refused) == len(items) and not await self._database_answers():
            raise batch_error
        for item, why in refused:
            await self._set_aside_new(item, why)
        return fresh

    async def _database_answers(self) -> bool:
        try:
            await self.repo.inbox_pending()
        except Exception:
            return False
        return True

    async def _set_aside_new(self, item: InboxItem, error: Exception) -> None:
        reason = f"not stored: {type(error).__name__}"
        log.error(
            "update %s:%s could not be stored (%s); set aside",
            self.channel,
            well_formed(item.update_key),
            reason,
        )
        safe = InboxItem(
            item.channel,
            well_formed(item.update_key),
            well_formed(item.chat),
            well_formed(item.payload),
            item.received_at,
        )
        # Raises when not even this is stored: then the batch is not acknowledged either.
        await self.repo.inbox_set_aside_new(safe, reason, self.clock())

    def _start(self, delivery: Delivery) -> asyncio.Task[None] | None:
        key = delivery.item.update_key
        if key in self._in_flight:
            return None
        self._in_flight[key] = self.clock() + self.lease
        task = asyncio.create_task(self._run(delivery), name=f"inbox:{self.channel}:{key}")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    async def _run(self, delivery: Delivery) -> None:
        item = delivery.item
        try:
            # The chat's lock is taken in arrival order, so its updates apply in that order.
            async with self.locks.hold(f"{self.channel}:{item.chat}"), self._slots:
                if await self._handle(delivery):
                    self._answered.append(item.update_key)
            if self._answered and (self._flushing is None or self._flushing.done()):
                self._flushing = asyncio.create_task(self._flush_soon())
        finally:
            self._in_flight.pop(item.update_key, None)

    async def _handle(self, delivery: Delivery) -> bool:
        """Apply until done; True when answered, False when set aside."""
        item = delivery.item
        first, longest = self.outage_waits
        outage = first
        failures = 0
        while True:
            try:
                await self.apply(delivery)
                return True
            except Refused as error:
                log.info(
                    "replies to %s:%s refused for good: %s", self.channel, item.update_key, error
                )
                return True
            except Unreachable as error:
                if outage == first:
                    log.warning(
                        "%s cannot be reached (%s): update %s waits",
                        self.channel,
                        error,
                        item.update_key,
                    )
                await asyncio.sleep(outage)
                outage = min(outage * 2, longest)
                continue
            except Exception as error:
                log.exception("update %s:%s could not be handled", self.channel, item.update_key)
                try:
                    reason = f"{type(error).__name__}: {error}"[:500]
                    aside = await self.repo.inbox_failed(
                        self.channel, item.update_key, well_formed(reason), self.clock()
                    )
                except Exception:  # the database itself is away: an outage, not counted
                    log.warning("could not count a failed attempt", exc_info=True)
                    await asyncio.sleep(longest)
                    continue
                if aside:
                    log.error(
                        "update %s:%s set aside after repeated failures; the chat goes on",
                        self.channel,
                        item.update_key,
                    )
                    await self._apologise(delivery)
                    return False
                await asyncio.sleep(self.failed_wait * 2**failures)
                failures += 1

    async def _apologise(self, delivery: Delivery) -> None:
        if self.gave_up is None:
            return
        try:
            await self.gave_up(delivery)
        except Exception:
            log.warning("could not tell the sender of a set-aside update", exc_info=True)

    async def _flush_soon(self) -> None:
        # Until none is left: updates answered while a flush waits for the database are marked
        # by the next round, not left for a later update to flush (a crash would re-answer them).
        while self._answered:
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
        """Claim and handle updates nobody handles (their process died, or they waited behind an
        older update of their chat); returns how many. Also keeps holding the updates this
        process is still handling (an outage, a long wait)."""
        assert self.liveness is not None
        now = self.clock()
        await self._hold_on(now)
        async with self._ordering:
            found, aside = await self.repo.inbox_claim(
                self.channel,
                now,
                CLAIM_BATCH,
                self.lease,
                self.owner,
                self.liveness.alive_since(now),
            )
            for item in found:
                self._start(Delivery(item))
        for key in aside:
            log.error(
                "update %s:%s set aside: its attempts are used up; the chat goes on",
                self.channel,
                key,
            )
        if found:
            log.info("recovering %d unanswered %s update(s)", len(found), self.channel)
        return len(found)

    async def _hold_on(self, now: datetime) -> None:
        """Extend the lease of updates in flight whose lease has less than two thirds left."""
        soon = now + self.lease * 2 / 3
        keys = [key for key, until in self._in_flight.items() if until <= soon]
        if keys:
            await self.repo.inbox_extend(self.channel, keys, now + self.lease)
            for key in keys:
                if key in self._in_flight:
                    self._in_flight[key] = now + self.lease

    async def settle(self) -> None:
        """Wait until every update started so far is handled (or failed) and marked."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)
        await self.flush()

    async def start_recovering(self, every: float = RECOVER_EVERY_SECONDS) -> None:
        """Record this process's heartbeat; look for updates nobody handles now and every
        ``every`` seconds until ``stop``."""
        assert self.liveness is not None
        await self.liveness.start()
        self._beating = True

        async def loop() -> None:
            while True:
                try:
                    await self.recover()
                except Exception:
                    log.warning("could not look for unanswered updates", exc_info=True)
                await asyncio.sleep(every)

        self._recovering = asyncio.create_task(loop(), name=f"inbox-recovery:{self.channel}")

    async def stop(self, grace: float = 10.0) -> None:
        """Stop recovering, give the updates in flight ``grace`` seconds to finish, and end the
        heartbeat (what is left is taken over by another process at once)."""
        if self._recovering is not None:
            self._recovering.cancel()
            await asyncio.gather(self._recovering, return_exceptions=True)
            self._recovering = None
        try:
            await asyncio.wait_for(self.settle(), grace)
        except TimeoutError:
            log.warning("stopping with %d update(s) still in flight", len(self._tasks))
            for task in list(self._tasks):
                task.cancel()
            await asyncio.gather(*list(self._tasks), return_exceptions=True)
        if self._flushing is not None:
            self._flushing.cancel()
            await asyncio.gather(self._flushing, return_exceptions=True)
        await self.flush()
        if self.liveness is not None and self._beating:
            self._beating = False
            await self.liveness.stop()
