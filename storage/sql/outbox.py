"""The outbox: notifications written in the same transaction as what caused them, delivered
later by a loop (at least once), and the housekeeping that reminds and purges drafts."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.domain import Housekeeping
from bot.messages import Reply, reply_from_data, reply_to_data
from bot.ports import OutboxItem
from storage.sql import invitations
from storage.sql.tx import Row, Tx, as_json, to_json


def due(channels: Sequence[str]) -> str:
    """The due rows of these channels (a process claims only what it can deliver)."""
    marks = ", ".join("?" for _ in channels)
    return (
        "SELECT id, channel, user_id, lang, payload, attempts FROM outbox"
        f" WHERE status = 'pending' AND channel IN ({marks}) AND next_attempt_at <= ?"
        " ORDER BY id LIMIT ?"
    )


async def enqueue(
    tx: Tx, channel: str, user_id: str, reply: Reply, reference: str | None, now: datetime
) -> None:
    """Queue ``reply`` for a worker, in their language, in the caller's transaction."""
    lang_row = await tx.one(
        "SELECT lang FROM conversations WHERE channel = ? AND user_id = ?", channel, user_id
    )
    lang = (lang_row["lang"] if lang_row else None) or "id"
    await tx.run(
        "INSERT INTO outbox (channel, user_id, lang, payload, reference, next_attempt_at,"
        " created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        channel,
        user_id,
        lang,
        to_json(reply_to_data(reply)),
        reference,
        now,
        now,
    )


def item(row: Row) -> OutboxItem:
    """An outbox row as the delivery loop's item."""
    return OutboxItem(
        id=int(row["id"]),
        channel=row["channel"],
        user_id=row["user_id"],
        lang=row["lang"],
        reply=reply_from_data(as_json(row["payload"])),
        attempts=int(row["attempts"]),
    )


async def lease(tx: Tx, found: list[Row], until: datetime) -> None:
    """Claimed rows are not offered again before ``until`` (unless they fail first)."""
    await tx.run_many(
        "UPDATE outbox SET next_attempt_at = ? WHERE id = ?", [(until, r["id"]) for r in found]
    )


async def keep_claimed(tx: Tx, item_ids: Sequence[int], until: datetime) -> None:
    """Move the lease of claimed rows still pending to ``until``."""
    marks = ", ".join("?" for _ in item_ids)
    await tx.run(
        f"UPDATE outbox SET next_attempt_at = ? WHERE status = 'pending' AND id IN ({marks})",
        until,
        *item_ids,
    )


async def forget_erased(tx: Tx, item_id: int) -> bool:
    """Delete a notice about a submission anonymised since it was queued (rejected after its
    worker asked for erasure): once delivered, or undeliverable, nothing of it stays."""
    deleted = await tx.run(
        "DELETE FROM outbox WHERE id = ? AND EXISTS (SELECT 1 FROM erasure_requests e"
        " WHERE e.reference = outbox.reference AND e.outcome = 'anonymised')",
        item_id,
    )
    return deleted > 0


async def mark_sent(tx: Tx, item_id: int, now: datetime, sent_as: str | None = None) -> None:
    """Delivered; ``sent_as``: the channel's id of the message (to match a later failure)."""
    if await forget_erased(tx, item_id):
        return
    await tx.run(
        "UPDATE outbox SET status = 'sent', sent_at = ?, sent_as = ?, attempts = attempts + 1"
        " WHERE id = ?",
        now,
        sent_as,
        item_id,
    )


async def mark_failed_later(tx: Tx, channel: str, sent_as: str, error: str) -> bool:
    """The channel reported that the message ``sent_as`` never reached the worker: its
    notification is undeliverable after all (shown on the officer's card). False: no
    notification went out as that message (a reply to the worker, or an unknown id)."""
    changed = await tx.run(
        "UPDATE outbox SET status = 'undeliverable', last_error = ?"
        " WHERE channel = ? AND sent_as = ? AND status = 'sent'",
        error[:500],
        channel,
        sent_as,
    )
    return changed > 0


async def mark_failed(
    tx: Tx, item_id: int, error: str, retry_at: datetime | None, now: datetime
) -> None:
    """retry_at None: undeliverable for good (shown on the officer's card)."""
    if retry_at is None and await forget_erased(tx, item_id):
        return
    if retry_at is None:
        await tx.run(
            "UPDATE outbox SET status = 'undeliverable', last_error = ?, attempts = attempts + 1"
            " WHERE id = ?",
            error[:500],
            item_id,
        )
        return
    await tx.run(
        "UPDATE outbox SET next_attempt_at = ?, last_error = ?, attempts = attempts + 1"
        " WHERE id = ?",
        retry_at,
        error[:500],
        item_id,
    )


async def backlog(tx: Tx) -> int:
    """Notifications not yet delivered (for /healthz)."""
    row = await tx.one("SELECT count(*) AS n FROM outbox WHERE status = 'pending'")
    return int(row["n"]) if row else 0


async def housekeeping(
    tx: Tx, now: datetime, policy: Housekeeping, reminder: Reply
) -> tuple[int, int]:
    """One reminder per stalled draft, purge of abandoned drafts and of old notifications;
    returns (reminded, purged drafts)."""
    steps = tuple(sorted(policy.in_progress_steps))
    marks = ", ".join("?" for _ in steps)
    stalled = await tx.all(
        f"SELECT channel, user_id FROM conversations WHERE step IN ({marks})"
        " AND reminded_at IS NULL AND updated_at <= ? AND updated_at > ?",
        *steps,
        now - policy.remind_after,
        now - policy.purge_after,
    )
    for row in stalled:
        await enqueue(tx, row["channel"], row["user_id"], reminder, None, now)
        await tx.run(
            "UPDATE conversations SET reminded_at = ? WHERE channel = ? AND user_id = ?",
            now,
            row["channel"],
            row["user_id"],
        )
    purged = await tx.run(
        f"DELETE FROM conversations WHERE step IN ({marks}) AND updated_at <= ?",
        *steps,
        now - policy.purge_after,
    )
    # A notification's payload holds what it told the worker: kept only while it may still
    # matter (delivery, a late failure report), never while it is still to be delivered.
    await tx.run(
        "DELETE FROM outbox WHERE status != 'pending' AND created_at <= ?",
        now - policy.outbox_after,
    )
    await invitations.expire_rosters(tx, now)  # docs/rosters.md: retention of rosters
    return len(stalled), purged
