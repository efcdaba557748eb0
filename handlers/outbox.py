"""Delivers queued notifications (the outbox) at least once, whatever the channel.

A row is marked sent only after the channel accepted it, so a crash in between repeats that one
message and loses none. The sender reports permanent failures (the worker blocked the bot) and
waits asked for by the channel (Telegram's retry_after) by raising the exceptions below.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime, timedelta
from typing import Protocol, runtime_checkable

from bot.masking import redact
from bot.ports import OutboxItem, Repository

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 12
BATCH = 50
# While a batch is being delivered, its claim is renewed this often (a share of the lease):
# replies go first in the flood budget, and at a busy event a notification can wait in the rate
# limiter longer than the lease. Only a process that died lets its claim run out.
RENEW_SHARE = 1 / 3


class Undeliverable(Exception):
    """The channel will never take this message (blocked, chat gone)."""


class RetryLater(Exception):
    """Try again after ``after`` (a rate limit, a server or network error)."""

    def __init__(self, reason: str, after: timedelta | None = None) -> None:
        super().__init__(reason)
        self.after = after


# A sender returns the channel's id of the message it sent, where the channel reports delivery
# failures later by that id (WhatsApp's wamid), else None.
Sender = Callable[[OutboxItem], Awaitable[str | None]]


def backoff(attempts: int) -> timedelta:
    """Exponential backoff: 5 s, 10 s, 20 s, ... capped at one hour."""
    return timedelta(seconds=min(5 * 2**attempts, 3600))


async def deliver_due(
    repo: Repository,
    send: Sender,
    now: datetime,
    lease: timedelta = timedelta(seconds=30),
    channels: Sequence[str] = ("tg",),
) -> int:
    """Deliver what is due now; returns how many were sent.

    Rows are claimed for ``lease`` first, so two bot processes never send the same one; the
    claim is renewed while the batch is being delivered, however long the sends wait; a send
    that crashed mid-way is offered again when the lease runs out (at least once).
    """
    items = await repo.due_notifications(now, BATCH, lease, channels)
    if not items:
        return 0
    unfinished = {item.id for item in items}
    renewing = asyncio.create_task(_keep_claimed(repo, unfinished, now, lease))
    try:
        return await _deliver(repo, send, items, unfinished, now)
    finally:
        renewing.cancel()


async def _keep_claimed(
    repo: Repository, unfinished: set[int], now: datetime, lease: timedelta
) -> None:
    """Renew the claim on ``unfinished`` rows until cancelled (a failure is logged; the next
    renewal tries again)."""
    loop = asyncio.get_running_loop()
    started = loop.time()
    every = lease.total_seconds() * RENEW_SHARE
    while True:
        await asyncio.sleep(every)
        elapsed = timedelta(seconds=loop.time() - started)
        try:
            await repo.keep_claimed(sorted(unfinished), now + elapsed + lease)
        except Exception:
            log.warning("could not renew the claim on notifications being sent", exc_info=True)


async def _deliver(
    repo: Repository,
    send: Sender,
    items: Sequence[OutboxItem],
    unfinished: set[int],
    now: datetime,
) -> int:
    sent = 0
    for item in items:
        try:
            sent_as = await send(item)
        except Undeliverable as error:
            log.warning("notification %s undeliverable: %s", item.id, redact(str(error)))
            await repo.mark_failed(item.id, str(error), None, now)
        except RetryLater as error:
            if item.attempts + 1 >= MAX_ATTEMPTS:
                await repo.mark_failed(item.id, str(error), None, now)
            else:
                wait = error.after or backoff(item.attempts)
                await repo.mark_failed(item.id, str(error), now + wait, now)
        else:
            await repo.mark_sent(item.id, now, sent_as)
            sent += 1
        finally:
            unfinished.discard(item.id)
    return sent


@runtime_checkable
class OutboxWake(Protocol):
    """A repository that can tell when a notification was queued (PostgreSQL: LISTEN/NOTIFY)."""

    async def wait_for_outbox(self, seconds: float) -> bool:
        """Until a notification is queued by any process, or ``seconds`` pass."""
        ...
