"""The durable inbox: every incoming update is stored before the channel is told it arrived.

A row is written when an update is received (before the webhook's 200, before the next
getUpdates offset), marked applied in the same transaction as the update's effects (the worker's
state save marks it through a trigger; an officer command in its transaction), and marked
answered once its replies went out (then its payload is dropped). The process that receives an
update holds it (``owner``, with a lease) while it handles it. A row is *takeable* when nobody
holds it, its lease ran out, or its holder is gone (no heartbeat in ``inbox_processes`` since a
given time); takeable rows are claimed by whichever process looks next, oldest first and in
order per chat (a chat's row waits while an older one of that chat, not applied yet, is held by
a live process):
applied again if it was not, answered again (the pending question re-sent) if only its replies
were lost. A row that failed ``MAX_ATTEMPTS`` times is set aside (``set_aside_at``): it no longer
holds its chat's newer updates back, and stays for an operator (docs/delivery.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from bot.ports import InboxItem, SetAside
from storage.sql.cache import StateCache
from storage.sql.dialect import Dialect
from storage.sql.tx import Row, Tx, as_datetime

# Answered updates are kept this long (housekeeping purges older ones): long enough to tell when
# a WhatsApp worker last wrote (the 24-hour window) and to see a redelivery for what it is.
RETENTION = timedelta(days=2)
# An update that failed this many times is set aside (a bug, not an outage): it stays for a look.
MAX_ATTEMPTS = 5
# Heartbeat rows of processes not heard from for this long are deleted (one per run of the bot).
PROCESS_RETENTION = timedelta(days=1)


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


def receive_statement(rows: str) -> str:
    """Store the updates of ``rows`` (a row source of the backend's dialect giving channel,
    update_key, chat, payload, received_at; then three parameters: the lease's end and the
    receiver, twice), a redelivered one ignored; returns the rows stored now.

    A new row is its receiver's own to handle unless its chat has an older row not applied yet
    and held by someone else (or by nobody): then it is stored unheld and waits for the claims,
    which take a chat's rows in order. (An older row applied and not yet answered holds nothing
    back: its effects are in, only its replies are on their way.)
    """
    return (
        f"WITH v (channel, update_key, chat, payload, received_at) AS ({rows})"
        " INSERT INTO inbox (channel, update_key, chat, payload, received_at, lease_until, owner)"
        " SELECT v.channel, v.update_key, v.chat, v.payload, v.received_at, ?,"
        " CASE WHEN EXISTS (SELECT 1 FROM inbox o WHERE o.channel = v.channel"
        " AND o.chat = v.chat AND o.answered_at IS NULL AND o.applied_at IS NULL"
        " AND o.set_aside_at IS NULL AND (o.owner IS NULL OR o.owner <> CAST(? AS text)))"
        " THEN NULL ELSE CAST(? AS text) END"
        " FROM v WHERE true ON CONFLICT (channel, update_key) DO NOTHING"
        " RETURNING channel, update_key, owner"
    )


async def receive(
    tx: Tx,
    sources: Sequence[tuple[str, list[Any]]],
    items: Sequence[InboxItem],
    lease_until: datetime,
    owner: str,
) -> list[bool]:
    """Store new updates ``items`` (a redelivered one is ignored), given as the dialect's row
    ``sources``; True for each one stored now and held by ``owner`` (False too for one stored to
    wait behind an older update of its chat).

    One multi-row INSERT per source: a batch of updates received together (a getUpdates answer,
    webhooks arriving at once) costs one round trip and one commit. An update twice in one batch
    is stored, and reported new, once.
    """
    stored: set[tuple[str, str]] = set()
    for rows, args in sources:
        found = await tx.all(receive_statement(rows), *args, lease_until, owner, owner)
        stored.update(held(found))
    return newly_stored(items, stored)


def held(rows: Sequence[Row]) -> set[tuple[str, str]]:
    """The keys of rows just stored that their receiver holds (not waiting for their turn)."""
    return {(r["channel"], r["update_key"]) for r in rows if r["owner"] is not None}


def newly_stored(items: Sequence[InboxItem], stored: set[tuple[str, str]]) -> list[bool]:
    """For each of ``items``: stored now (its key among those the INSERT returned), the first
    copy only."""
    fresh = []
    for new in items:
        key = (new.channel, new.update_key)
        fresh.append(key in stored)
        stored.discard(key)  # a second copy in the same batch is not new
    return fresh


def remember_fresh(cache: StateCache, items: Sequence[InboxItem], fresh: Sequence[bool]) -> None:
    """Tell the process's state cache which updates it has just stored (storage/sql/cache.py)."""
    for new, stored in zip(items, fresh, strict=True):
        if stored:
            cache.stored(new.channel, (new.update_key,))


def takeable(row: str) -> str:
    """SQL: whether inbox row ``row`` may be claimed: nobody holds it, its lease ran out, or its
    holder has not been heard from since the given time (two parameters: now, that time)."""
    return (
        f"({row}.owner IS NULL OR {row}.lease_until <= ? OR NOT EXISTS (SELECT 1 FROM"
        f" inbox_processes p WHERE p.id = {row}.owner AND p.seen_at > ?))"
    )


_OPEN = "answered_at IS NULL AND {0}.set_aside_at IS NULL AND {0}.channel = ?"
# Whether anything is to be claimed or set aside (the usual answer, nothing, needs no lock).
ANY_TAKEABLE = (
    f"SELECT 1 AS hit FROM inbox i WHERE i.{_OPEN.format('i')} AND {takeable('i')} LIMIT 1"
)
# Rows to claim, oldest first; a row whose chat has an older row not applied and not takeable
# waits.
CLAIMABLE = (
    "SELECT i.id, i.channel, i.update_key, i.chat, i.payload, i.received_at, i.attempts"
    f" FROM inbox i WHERE i.{_OPEN.format('i')} AND {takeable('i')}"
    " AND NOT EXISTS (SELECT 1 FROM inbox o WHERE o.channel = i.channel AND o.chat = i.chat"
    " AND o.id < i.id AND o.answered_at IS NULL AND o.applied_at IS NULL"
    " AND o.set_aside_at IS NULL"
    f" AND NOT {takeable('o')})"
    " ORDER BY i.id LIMIT ?"
)
# Takeable rows whose attempts are used up (they failed, or their process died, that often).
WORN = (
    "UPDATE inbox SET set_aside_at = ?, last_error = coalesce(last_error, ?)"
    f" WHERE {_OPEN.format('inbox')} AND inbox.attempts >= ? AND {takeable('inbox')}"
    " RETURNING update_key"
)


async def any_takeable(tx: Tx, channel: str, now: datetime, alive_since: datetime) -> bool:
    """Whether ``claim`` would find anything (a read, no lock)."""
    return bool(await tx.all(ANY_TAKEABLE, channel, now, alive_since))


async def claim(
    tx: Tx,
    channel: str,
    now: datetime,
    alive_since: datetime,
    limit: int,
    until: datetime,
    owner: str,
) -> tuple[list[InboxItem], list[str]]:
    """In one transaction: set aside the takeable rows out of attempts, then claim the rest
    (held by ``owner`` until ``until``, the attempt counted), oldest first. Returns the claimed
    updates and the keys set aside."""
    reason = f"gave up after {MAX_ATTEMPTS} attempts"
    worn = await tx.all(WORN, now, reason, channel, MAX_ATTEMPTS, now, alive_since)
    found = await tx.all(CLAIMABLE, channel, now, alive_since, now, alive_since, limit)
    await tx.run_many(
        "UPDATE inbox SET lease_until = ?, owner = ?, attempts = attempts + 1 WHERE id = ?",
        [(until, owner, r["id"]) for r in found],
    )
    return [item(r) for r in found], [str(r["update_key"]) for r in worn]


async def extend(tx: Tx, channel: str, update_keys: Sequence[str], until: datetime) -> None:
    """Updates still being handled by their process (an outage, a long wait): leased longer."""
    marks = ", ".join("?" for _ in update_keys)
    await tx.run(
        f"UPDATE inbox SET lease_until = ? WHERE channel = ? AND update_key IN ({marks})"
        " AND answered_at IS NULL",
        until,
        channel,
        *update_keys,
    )


async def failed(tx: Tx, channel: str, update_key: str, error: str, now: datetime) -> bool:
    """An attempt at an update failed (not an outage): counted, and the update set aside once
    it failed ``MAX_ATTEMPTS`` times. True when it is set aside now."""
    row = await tx.one(
        "UPDATE inbox SET attempts = attempts + 1, last_error = ?"
        " WHERE channel = ? AND update_key = ? RETURNING attempts",
        error,
        channel,
        update_key,
    )
    if row is None or int(row["attempts"]) < MAX_ATTEMPTS:
        return False
    await tx.run(
        "UPDATE inbox SET set_aside_at = ? WHERE channel = ? AND update_key = ?",
        now,
        channel,
        update_key,
    )
    return True


async def set_aside_new(tx: Tx, new: InboxItem, error: str, now: datetime) -> None:
    """Record an update that could not be stored as it came, set aside at once."""
    await tx.run(
        "INSERT INTO inbox (channel, update_key, chat, payload, received_at, lease_until,"
        " set_aside_at, last_error) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (channel, update_key) DO NOTHING",
        new.channel,
        new.update_key,
        new.chat,
        new.payload,
        new.received_at,
        now,
        now,
        error,
    )


async def mark_answered(
    tx: Tx, dialect: Dialect, channel: str, update_keys: Sequence[str], now: datetime
) -> None:
    """Replies sent: nothing left to do for these updates (their payload is dropped)."""
    keys, args = dialect.any_of("update_key", update_keys)
    await tx.run(
        "UPDATE inbox SET answered_at = ?, applied_at = coalesce(applied_at, ?), payload = NULL"
        f" WHERE channel = ? AND {keys}",
        now,
        now,
        channel,
        *args,
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
    """Updates received and not answered yet, set-aside ones apart (for /healthz)."""
    row = await tx.one(
        "SELECT count(*) AS n FROM inbox WHERE answered_at IS NULL AND set_aside_at IS NULL"
    )
    return int(row["n"]) if row else 0


async def set_aside(tx: Tx) -> int:
    """Updates set aside after their attempts, not answered (for /healthz)."""
    row = await tx.one(
        "SELECT count(*) AS n FROM inbox WHERE answered_at IS NULL AND set_aside_at IS NOT NULL"
    )
    return int(row["n"]) if row else 0


async def set_aside_rows(tx: Tx, limit: int) -> list[SetAside]:
    """The updates set aside and not answered, oldest first."""
    rows = await tx.all(
        "SELECT channel, update_key, chat, attempts, set_aside_at, last_error FROM inbox"
        " WHERE answered_at IS NULL AND set_aside_at IS NOT NULL ORDER BY id LIMIT ?",
        limit,
    )
    return [
        SetAside(
            r["channel"],
            r["update_key"],
            r["chat"],
            int(r["attempts"]),
            as_datetime(r["set_aside_at"]),
            r["last_error"] or "",
        )
        for r in rows
    ]


async def retry(tx: Tx, update_keys: Sequence[str] | None) -> int:
    """Put set-aside updates (``update_keys``, or all) back in line with fresh attempts: the
    next look of any running process claims them."""
    only = ""
    if update_keys is not None:
        only = f" AND update_key IN ({', '.join('?' for _ in update_keys) or 'NULL'})"
    return await tx.run(
        "UPDATE inbox SET set_aside_at = NULL, attempts = 0, owner = NULL"
        " WHERE answered_at IS NULL AND set_aside_at IS NOT NULL" + only,
        *(update_keys or ()),
    )


# --- the processes' heartbeats ---------------------------------------------------------------


async def beat(tx: Tx, process: str, host: str, pid: int, now: datetime) -> None:
    """This process is alive (its heartbeat row, made on the first beat)."""
    await tx.run(
        "INSERT INTO inbox_processes (id, host, pid, started_at, seen_at) VALUES (?, ?, ?, ?, ?)"
        " ON CONFLICT (id) DO UPDATE SET seen_at = excluded.seen_at",
        process,
        host,
        pid,
        now,
        now,
    )


async def on_host(tx: Tx, host: str) -> list[tuple[str, int]]:
    """The processes recorded on ``host``: (id, pid)."""
    rows = await tx.all("SELECT id, pid FROM inbox_processes WHERE host = ?", host)
    return [(str(r["id"]), int(r["pid"])) for r in rows]


async def gone(tx: Tx, processes: Sequence[str], before: datetime) -> None:
    """Forget ``processes`` (known to be gone: their updates are takeable at once) and every
    process not heard from since ``before``."""
    marks = ", ".join("?" for _ in processes) or "NULL"
    await tx.run(
        f"DELETE FROM inbox_processes WHERE id IN ({marks}) OR seen_at < ?", *processes, before
    )
