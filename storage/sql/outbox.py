"""The outbox: notifications written in the same transaction as what caused them, delivered
later by a loop (at least once), and the housekeeping that reminds and purges drafts."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from bot.domain import Housekeeping
from bot.messages import Reply, reply_from_data, reply_to_data
from bot.ports import OutboxItem
from bot.rosters import (
    INVITATION_REFERENCE,
    REMINDABLE,
    REMINDER_REFERENCE,
    STATUS_ORDER,
    RowState,
    invitation_reply,
)
from storage.sql import invitations
from storage.sql.dialect import Dialect
from storage.sql.tx import Row, Tx, as_datetime, as_json, to_json

# An invitation's reference is "roster:<row id>", its reminder's "roster-reminder:<row id>".
INVITATIONS_LIKE = "roster%"
ROW_OF_INVITATION = f"CAST(substr(reference, {len(INVITATION_REFERENCE) + 1}) AS INTEGER)"
STATUS_STATES = tuple(str(s) for s in STATUS_ORDER)
STATUS_MARKS = ", ".join("?" for _ in STATUS_STATES)


# A roster's invitations go behind every other notice (docs/rosters.md).
LATER = f"CASE WHEN reference LIKE '{INVITATIONS_LIKE}' THEN 1 ELSE 0 END"


def due(dialect: Dialect, channels: Sequence[str]) -> tuple[str, list[Any]]:
    """The ids of the due rows of these channels, in turn (a process claims only what it can
    deliver), and their arguments; two more parameters follow: now, and how many."""
    where, args = dialect.any_of("channel", channels)
    return (
        f"SELECT id FROM outbox WHERE status = 'pending' AND {where} AND next_attempt_at <= ?"
        f" ORDER BY {LATER}, id LIMIT ?"
    ), args


def claim(due: str, dialect: Dialect) -> str:
    """One statement claiming the rows ``due`` chooses (rows another process's claim holds are
    skipped where the backend allows it): not offered again before the first parameter, unless
    they fail first; returned for delivery."""
    return (
        f"UPDATE outbox SET next_attempt_at = ? WHERE id IN ({due}{dialect.skip_locked})"
        f" RETURNING id, channel, user_id, lang, payload, attempts, {LATER} AS later"
    )


def in_turn(row: Row) -> tuple[int, int]:
    """A claimed row's place in the round (the order ``due`` chose them in)."""
    return int(row["later"]), int(row["id"])


ENQUEUE = (
    "INSERT INTO outbox (channel, user_id, lang, payload, reference, next_attempt_at,"
    " created_at) VALUES (?, ?, ?, ?, ?, ?, ?)"
)


async def enqueue(
    tx: Tx,
    channel: str,
    user_id: str,
    reply: Reply,
    reference: str | None,
    now: datetime,
    due: datetime | None = None,
) -> None:
    """Queue ``reply`` for a worker, in their language, in the caller's transaction (to be
    sent from ``due``, now by default)."""
    lang_row = await tx.one(
        "SELECT lang FROM conversations WHERE channel = ? AND user_id = ?", channel, user_id
    )
    lang = (lang_row["lang"] if lang_row else None) or "id"
    await tx.run(
        ENQUEUE,
        channel,
        user_id,
        lang,
        to_json(reply_to_data(reply)),
        reference,
        due or now,
        now,
    )


async def enqueue_many(
    tx: Tx,
    channel: str,
    items: Sequence[tuple[str, Reply, str | None, datetime]],
    now: datetime,
) -> None:
    """Queue many replies (user, reply, reference, due) at once, each in its worker's language:
    two statements, whatever their number (a roster's invitations are queued a chunk at a
    time)."""
    if not items:
        return
    users = sorted({user_id for user_id, _, _, _ in items})
    marks = ", ".join("?" for _ in users)
    langs = {
        r["user_id"]: r["lang"]
        for r in await tx.all(
            f"SELECT user_id, lang FROM conversations WHERE channel = ? AND user_id IN ({marks})",
            channel,
            *users,
        )
    }
    await tx.run_many(
        ENQUEUE,
        [
            (channel, user, langs.get(user) or "id", to_json(reply_to_data(reply)), ref, due, now)
            for user, reply, ref, due in items
        ],
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
    """Delivered; ``sent_as``: the channel's id of the message (to match a later failure).
    A roster's invitation: its row is sent, as that message (its statuses follow it)."""
    if await forget_erased(tx, item_id):
        return
    await tx.run(
        "UPDATE roster_rows SET state = ?, sent_as = ?, updated_at = ? WHERE state = ?"
        f" AND id = (SELECT {ROW_OF_INVITATION} FROM outbox WHERE id = ?"
        f" AND reference LIKE '{INVITATION_REFERENCE}%')",
        str(RowState.SENT),
        sent_as,
        now,
        str(RowState.INVITED),
        item_id,
    )
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
    await tx.run(
        f"UPDATE roster_rows SET state = ?, reason = ? WHERE sent_as = ? AND state IN ({STATUS_MARKS})",
        str(RowState.FAILED),
        error[:500],
        sent_as,
        *STATUS_STATES,
    )
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
            "UPDATE roster_rows SET state = ?, reason = ? WHERE state = ?"
            f" AND id = (SELECT {ROW_OF_INVITATION} FROM outbox WHERE id = ?"
            f" AND reference LIKE '{INVITATION_REFERENCE}%')",
            str(RowState.FAILED),
            error[:500],
            str(RowState.INVITED),
            item_id,
        )
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


async def invitation_statuses(tx: Tx, updates: Sequence[tuple[str, str]], now: datetime) -> int:
    """WhatsApp's statuses of invitations (message id, sent / delivered / read): each row moves
    forward only (a late "sent" never undoes "read"); how many rows moved."""
    moved = 0
    for sent_as, status in updates:
        state = RowState(status)
        earlier = STATUS_ORDER[: STATUS_ORDER.index(state)]
        marks = ", ".join("?" for _ in earlier)
        moved += await tx.run(
            f"UPDATE roster_rows SET state = ?, updated_at = ? WHERE sent_as = ? AND state IN ({marks})",
            str(state),
            now,
            sent_as,
            *(str(s) for s in earlier),
        )
    return moved


async def invitations_among(tx: Tx, message_ids: Sequence[str]) -> bool:
    """Whether any of these WhatsApp messages was a roster's invitation."""
    marks = ", ".join("?" for _ in message_ids)
    row = await tx.one(
        f"SELECT 1 AS found FROM roster_rows WHERE sent_as IN ({marks}) LIMIT 1", *message_ids
    )
    return row is not None


async def invitations_sent_since(tx: Tx, since: datetime, limit: int) -> list[datetime]:
    """When each of the first ``limit`` unique users was first sent an invitation (or its
    reminder) after ``since``, oldest first: WhatsApp's messaging limit counts them."""
    found = await tx.all(
        "SELECT MIN(sent_at) AS first FROM outbox WHERE reference LIKE ? AND sent_at > ?"
        " GROUP BY user_id ORDER BY first LIMIT ?",
        f"{INVITATIONS_LIKE}",
        since,
        limit,
    )
    return [as_datetime(r["first"]) for r in found]


async def queue_invitation_reminders(tx: Tx, now: datetime, sent_before: datetime) -> int:
    """The one reminder of each WhatsApp invitation sent before ``sent_before`` and not opened
    since: never after a decline, a completion, an expiry (their states) nor a /berhenti (its
    ``reminded_at`` is set then); how many were queued."""
    marks = ", ".join("?" for _ in REMINDABLE)
    due = await tx.all(
        "SELECT w.id, w.phone, w.code, s.name AS sponsor_name FROM roster_rows w"
        " JOIN rosters r ON r.id = w.roster_id JOIN sponsors s ON s.id = r.sponsor_id"
        f" WHERE w.state IN ({marks}) AND w.sent_as IS NOT NULL AND w.reminded_at IS NULL"
        " AND w.phone != '' AND w.invited_at <= ? AND r.expired_at IS NULL AND r.expires_at > ?"
        " AND EXISTS (SELECT 1 FROM outbox o WHERE o.reference ="
        " CAST(? AS TEXT) || CAST(w.id AS TEXT) AND o.status = 'sent' AND o.sent_at <= ?)",
        *(str(s) for s in REMINDABLE),
        sent_before,
        now,
        INVITATION_REFERENCE,
        sent_before,
    )
    for row in due:
        reply = invitation_reply(row["sponsor_name"], row["code"], reminder=True)
        user = row["phone"].removeprefix("+")
        await enqueue(tx, "wa", user, reply, f"{REMINDER_REFERENCE}{row['id']}", now)
    await tx.run_many(
        "UPDATE roster_rows SET reminded_at = ? WHERE id = ?", [(now, r["id"]) for r in due]
    )
    return len(due)


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
    if policy.invitation_reminder_after is not None:
        await queue_invitation_reminders(tx, now, now - policy.invitation_reminder_after)
    await invitations.expire_rosters(tx, now)  # docs/rosters.md: retention of rosters
    return len(stalled), purged
