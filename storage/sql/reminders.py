"""Monthly payment reminders: who asked for one, and which month they last got."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from bot.domain import Status, Submission
from bot.messages import Reply
from storage.sql import outbox, rows
from storage.sql.tx import Tx

# The submission columns, qualified: the reminders' own table has a reference and a user too.
SELECTED = ", ".join(f"s.{column.strip()}" for column in rows.SUBMISSION.split(","))


async def queue_due(
    tx: Tx, now: datetime, month: str, compose: Callable[[Submission], Reply | None]
) -> int:
    """In the caller's transaction: this month's reminder for each active one not yet sent."""
    found = await tx.all(
        f"SELECT {SELECTED} FROM payment_reminders r JOIN submissions s"
        " ON s.reference = r.reference WHERE r.active = ? AND s.status = ?"
        " AND (r.last_month IS NULL OR r.last_month < ?)",
        True,
        str(Status.APPROVED),
        month,
    )
    queued = 0
    for row in found:
        sub = rows.submission(row)
        reply = compose(sub)
        if reply is not None:
            await outbox.enqueue(tx, sub.channel, sub.user_id, reply, sub.reference, now)
            queued += 1
        await tx.run(
            "UPDATE payment_reminders SET last_month = ?, updated_at = ? WHERE reference = ?",
            month,
            now,
            sub.reference,
        )
    return queued
