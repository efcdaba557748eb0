"""The durable inbox: every incoming update is stored before the channel is told it arrived.

A row is written when an update is received (before the webhook's 200, before the next
getUpdates offset), marked applied in the same transaction as the update's effects (the worker's
state save marks it through a trigger; an officer command in its transaction), and marked
answered once its replies went out (then its payload is dropped). A process that receives an
update leases it while it handles it; a row whose lease ran out unanswered (its process died) is
claimed by whichever process looks next, oldest first: applied again if it was not, answered
again (the pending question re-sent) if only its replies were lost.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from bot.ports import InboxItem
from storage.sql.memory import RecentStates
from storage.sql.tx import Row, Tx, as_datetime

# Answered updates are kept this long (housekeeping purges older ones): long enough to tell when
# a WhatsApp worker last wrote (the 24-hour window) and to see a redelivery for what it is.
RETENTION = timedelta(days=2)
# An update that failed this many times is left alone (a bug, not a crash): it stays for a look.
MAX_ATTEMPTS = 5


def item(row: Row) -> InboxItem:
    """An inbox row."""
    return InboxItem(
        channel=row["channel"],
        update_key=row["update_key"],
        chat=row["chat"],
        payload=row["payload"] or "",
        received_at=as_datetime(row["received_at"]),
        attempts=int(row["attempts"]),
    )


# Rows per INSERT: six parameters each, well within SQLite's 32,766. (PostgreSQL stores a batch
# with arrays in one statement instead: storage/postgres/repository.py.)
RECEIVE_CHUNK = 500
_INSERT = (
    "INSERT INTO inbox (channel, update_key, chat, payload, received_at, lease_until) VALUES "
)
_CONFLICT = " ON CONFLICT (channel, update_key) DO NOTHING RETURNING channel, update_key"


def one_statement(items: Sequence[InboxItem]) -> bool:
    """Whether ``receive`` stores these in one self-committing statement (no transaction)."""
    return len(items) <= RECEIVE_CHUNK


async def receive(tx: Tx, items: Sequence[InboxItem], lease_until: datetime) -> list[bool]:
    """Store new updates (a redelivered one is ignored); True for each one stored now.

    One multi-row INSERT per ``RECEIVE_CHUNK``: a batch of updates received together (a
    getUpdates answer, webhooks arriving at once) costs one round trip and one commit. An update
    twice in one batch is stored, and reported new, once.
    """
    stored: set[tuple[str, str]] = set()
    for start in range(0, len(items), RECEIVE_CHUNK):
        chunk = items[start : start + RECEIVE_CHUNK]
        args = [
            value
            for new in chunk
            for value in (
                new.channel,
                new.update_key,
                new.chat,
                new.payload,
                new.received_at,
                lease_until,
            )
        ]
        rows = await tx.all(
            _INSERT + ", ".join(["(?, ?, ?, ?, ?, ?)"] * len(chunk)) + _CONFLICT, *args
        )
        stored.update((r["channel"], r["update_key"]) for r in rows)
    return newly_stored(items, stored)


def newly_stored(items: Sequence[InboxItem], stored: set[tuple[str, str]]) -> list[bool]:
    """For each of ``items``: stored now (its key among those the INSERT returned), the first
    copy only."""
    fresh = []
    for new in items:
        key = (new.channel, new.update_key)
        fresh.append(key in stored)
        stored.discard(key)  # a second copy in the same batch is not new
    return fresh


def remember_fresh(
    memory: RecentStates, items: Sequence[InboxItem], fresh: Sequence[bool]
) -> None:
    """Tell the process's memory which updates it has just stored (storage/sql/memory.py)."""
    for new, stored in zip(items, fresh, strict=True):
        if stored:
            memory.stored(new.channel, (new.update_key,))


CLAIMABLE = (
    "SELECT channel, update_key, chat, payload, received_at, attempts FROM inbox"
    " WHERE answered_at IS NULL AND channel = ? AND lease_until <= ? AND attempts < ?"
    " ORDER BY id LIMIT ?"
)


async def extend(tx: Tx, found: Sequence[Row], until: datetime) -> None:
    """Lease claimed rows to this process until ``until``; count the attempt."""
    await tx.run_many(
        "UPDATE inbox SET lease_until = ?, attempts = attempts + 1"
        " WHERE channel = ? AND update_key = ?",
        [(until, r["channel"], r["update_key"]) for r in found],
    )


async def mark_answered(tx: Tx, channel: str, update_keys: Sequence[str], now: datetime) -> None:
    """Replies sent: nothing left to do for these updates (their payload is dropped)."""
    marks = ", ".join("?" for _ in update_keys)
    await tx.run(
        "UPDATE inbox SET answered_at = ?, applied_at = coalesce(applied_at, ?), payload = NULL"
        f" WHERE channel = ? AND update_key IN ({marks})",
        now,
        now,
        channel,
        *update_keys,
    )


async def purge(tx: Tx, before: datetime) -> int:
    """Forget answered updates received before ``before`` (kept a while to recognise replays)."""
    return await tx.run(
        "DELETE FROM inbox WHERE answered_at IS NOT NULL AND received_at < ?", before
    )


async def last_received(tx: Tx, channel: str, chat: str) -> datetime | None:
    """When the chat's latest update was received, if within ``RETENTION``."""
    row = await tx.one(
        "SELECT max(received_at) AS at FROM inbox WHERE channel = ? AND chat = ?", channel, chat
    )
    return as_datetime(row["at"]) if row is not None and row["at"] is not None else None


async def pending(tx: Tx) -> int:
    """Updates received and not answered yet (for /healthz)."""
    row = await tx.one("SELECT count(*) AS n FROM inbox WHERE answered_at IS NULL")
    return int(row["n"]) if row else 0
