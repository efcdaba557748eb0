"""A worker whose channel id changes: WhatsApp's business-scoped user id (BSUID) replacing the
phone's wa_id as the key. Everything keyed by the old id moves to the new one, once, in one
transaction, so the worker continues where they were."""

from __future__ import annotations

from bot.identity import worker_actor
from storage.sql.tx import Tx

# Tables whose rows name a worker by (channel, user_id).
OWNED = ("submissions", "payment_reminders", "outbox", "erasure_requests")


async def holds_anything(tx: Tx, channel: str, user_id: str) -> bool:
    """Whether anything is keyed by this worker: a conversation, a submission or a reminder
    (notifications and erasure requests exist only with those). Indexed look-ups only."""
    row = await tx.one(
        "SELECT EXISTS (SELECT 1 FROM conversations WHERE channel = ? AND user_id = ?)"
        " OR EXISTS (SELECT 1 FROM submissions WHERE channel = ? AND user_id = ?)"
        " OR EXISTS (SELECT 1 FROM payment_reminders WHERE channel = ? AND user_id = ?) AS found",
        *(channel, user_id) * 3,
    )
    return row is not None and bool(row["found"])


async def move(tx: Tx, channel: str, old: str, new: str) -> None:
    """Re-key (channel, old) as (channel, new). A conversation the new id has already (it
    wrote once without the old id) is the newer one and stays; the old one goes."""
    taken = await tx.one(
        "SELECT 1 AS hit FROM conversations WHERE channel = ? AND user_id = ?", channel, new
    )
    if taken is not None:
        await tx.run("DELETE FROM conversations WHERE channel = ? AND user_id = ?", channel, old)
    else:
        await tx.run(
            "UPDATE conversations SET user_id = ?, rev = rev + 1 WHERE channel = ? AND user_id = ?",
            new,
            channel,
            old,
        )
    for table in OWNED:
        await tx.run(
            f"UPDATE {table} SET user_id = ? WHERE channel = ? AND user_id = ?", new, channel, old
        )
    await tx.run(
        "UPDATE inbox SET chat = CASE WHEN chat = ? THEN ? ELSE ? END"
        " WHERE channel = ? AND chat IN (?, ?)",
        old,
        new,
        f"status:{new}",
        channel,
        old,
        f"status:{old}",
    )
    await tx.run(
        "UPDATE audit SET actor = ? WHERE actor = ?",
        worker_actor(channel, new),
        worker_actor(channel, old),
    )
