"""/hapusdata: forget a worker, keeping only what the law requires, tied to nobody.

The draft goes; every rejected submission is anonymised; requests for pending or approved
submissions are recorded for BPJS, and a pending one recorded so is anonymised as soon as an
officer rejects it (erase_rejected; docs/identity.md says what is kept and why). Every value that
ties a remaining row to this (channel, id) is replaced by a random pseudonym drawn here and kept
nowhere else: it tells one erased person's rows apart without naming them.
"""

from __future__ import annotations

import secrets
from datetime import datetime

from bot.domain import Erasure, Status
from bot.identity import WHATSAPP, worker_actor
from storage.sql import invitations
from storage.sql.tx import Tx, as_json, to_json


async def erase(tx: Tx, channel: str, user_id: str, now: datetime) -> Erasure:
    """Erase one worker, in the caller's transaction."""
    pseudonym = f"dihapus-{secrets.token_hex(8)}"
    phones = [
        str(r["phone"])
        for r in await tx.all(
            "SELECT phone FROM submissions WHERE channel = ? AND user_id = ?", channel, user_id
        )
    ]
    if channel == WHATSAPP and user_id.isdigit():  # a WhatsApp id is the number, not a BSUID
        phones.append(f"+{user_id}")
    state = await tx.one(
        "SELECT state FROM conversations WHERE channel = ? AND user_id = ?", channel, user_id
    )
    opened = as_json(state["state"]).get("invite_code") if state else None
    await invitations.erased(tx, channel, user_id, phones, opened, now)
    await tx.run("DELETE FROM conversations WHERE channel = ? AND user_id = ?", channel, user_id)
    found = await tx.all(
        "SELECT s.id, s.reference, s.status, e.outcome FROM submissions s"
        " LEFT JOIN erasure_requests e ON e.reference = s.reference"
        " WHERE s.channel = ? AND s.user_id = ?",
        channel,
        user_id,
    )
    anonymised, recorded = [], []
    for row in found:
        rejected = row["status"] == str(Status.REJECTED)
        if rejected:  # a pending one asked about before and rejected since goes now
            await anonymise(tx, row["id"], row["reference"], pseudonym, now)
            anonymised.append(row["reference"])
        elif row["outcome"] is None:
            recorded.append(row["reference"])
        else:
            continue  # asked before: recorded already
        await tx.run(
            "INSERT INTO erasure_requests (reference, channel, user_id, requested_at, outcome)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT (reference) DO UPDATE SET"
            " user_id = excluded.user_id, outcome = excluded.outcome",
            row["reference"],
            channel,
            pseudonym,
            now,
            "anonymised" if rejected else "recorded",
        )
    await unlink(tx, channel, user_id, pseudonym)
    return Erasure(tuple(anonymised), tuple(recorded))


async def asked_while_pending(tx: Tx, reference: str) -> bool:
    """Whether the worker asked for erasure while this submission was pending (recorded, not
    yet anonymised)."""
    row = await tx.one(
        "SELECT 1 AS hit FROM erasure_requests WHERE reference = ? AND outcome = 'recorded'",
        reference,
    )
    return row is not None


async def erase_rejected(tx: Tx, reference: str, now: datetime) -> None:
    """A submission recorded for erasure has just been rejected: anonymise it at once under
    the pseudonym of the request, without the worker asking again. Its rejection notice, queued
    just before, stays to be delivered (and is deleted once it is: storage/sql/outbox.py)."""
    row = await tx.one(
        "SELECT s.id, e.user_id FROM submissions s"
        " JOIN erasure_requests e ON e.reference = s.reference"
        " WHERE s.reference = ? AND s.status = ? AND e.outcome = 'recorded'",
        reference,
        str(Status.REJECTED),
    )
    if row is None:
        return
    await anonymise(tx, row["id"], reference, str(row["user_id"]), now, keep_pending=True)
    await tx.run(
        "UPDATE erasure_requests SET outcome = 'anonymised' WHERE reference = ?", reference
    )


async def anonymise(
    tx: Tx,
    row_id: int,
    reference: str,
    pseudonym: str,
    now: datetime,
    *,
    keep_pending: bool = False,
) -> None:
    """A rejected submission: nothing of the person stays (the counts it feeds do).
    ``keep_pending``: a notice still to be delivered stays (the rejection being told)."""
    await tx.run(
        "UPDATE submissions SET user_id = ?, nik = ?, name = '', name_search = '',"
        " birth_date = '', phone = '', answers = ?, note = NULL, updated_at = ? WHERE id = ?",
        pseudonym,
        f"dihapus-{row_id}",
        to_json({}),
        now,
        row_id,
    )
    # The officers' words about it (a reason) and its notices go too; who did what stays.
    await tx.run("UPDATE audit SET detail = '' WHERE reference = ?", reference)
    pending = " AND status != 'pending'" if keep_pending else ""
    await tx.run(f"DELETE FROM outbox WHERE reference = ?{pending}", reference)


async def unlink(tx: Tx, channel: str, user_id: str, pseudonym: str) -> None:
    """Whatever else names this (channel, id): its audit entries, sent notifications, payment
    reminders, and the inbox rows of its chat (their payloads are dropped once answered).
    Pending notices of a kept submission still go out; retention purges them later."""
    await tx.run(
        "UPDATE audit SET actor = ? WHERE actor = ?",
        f"worker:{pseudonym}",
        worker_actor(channel, user_id),
    )
    await tx.run(
        "DELETE FROM outbox WHERE channel = ? AND user_id = ? AND status != 'pending'",
        channel,
        user_id,
    )
    await tx.run(
        "DELETE FROM payment_reminders WHERE channel = ? AND user_id = ?", channel, user_id
    )
    # Its updates, and WhatsApp's failure reports on messages sent to it ("status:<id>").
    await tx.run(
        "UPDATE inbox SET chat = ? WHERE channel = ? AND chat IN (?, ?)",
        pseudonym,
        channel,
        user_id,
        f"status:{user_id}",
    )
