"""A worker's side of a roster: a personal code opened, the NIK matched, a decline
(bot/rosters.py, docs/rosters.md)."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.nik import clean_digits
from bot.rosters import (
    NIK_TRIES,
    OPEN_STATES,
    Invitation,
    InvitationLookup,
    InvitationMatch,
    InvitedRow,
    RowState,
    phone_digest,
)
from storage.sql.rosters import IMPORTED, hash_key
from storage.sql.tx import Row, Tx, as_datetime, as_optional_datetime

ROW = (
    "w.id, w.nik, w.name, w.phone, w.region_code, w.occupation, w.birth_place, w.address, w.place,"
    " w.state, w.nik_tries, r.sponsor_id, r.expires_at, s.name AS sponsor_name,"
    " s.payer AS sponsor_payer"
    " FROM roster_rows w JOIN rosters r ON r.id = w.roster_id JOIN sponsors s ON s.id = r.sponsor_id"
)
# A code is found only once its roster's import finished (docs/rosters.md).
BY_CODE = f"SELECT {ROW} WHERE w.code = ? AND {IMPORTED}"
# A roster still importing after this long was left by a crash midway: deleted.
ABANDONED_IMPORT = timedelta(hours=1)
PERSONAL_BLANK = (
    "nik = '', name = '', phone = '', place = '', occupation = '', birth_place = '', address = ''"
)
FINISHED_STATES = tuple(str(s) for s in (RowState.COMPLETED, RowState.DECLINED, RowState.EXPIRED))
BEFORE_OPENED = tuple(
    str(s)
    for s in (
        RowState.IMPORTED,
        RowState.INVITED,
        RowState.SENT,
        RowState.DELIVERED,
        RowState.READ,
    )
)


async def paused(tx: Tx, channel: str, user_id: str, now: datetime) -> bool:
    """Whether this sender is paused after wrong codes."""
    row = await tx.one(
        "SELECT paused_until FROM roster_code_tries WHERE channel = ? AND user_id = ?",
        channel,
        user_id,
    )
    until = as_optional_datetime(row["paused_until"]) if row else None
    return until is not None and until > now


async def wrong_code(
    tx: Tx, channel: str, user_id: str, now: datetime, tries: int, pause_minutes: int
) -> bool:
    """Count a wrong code; True when this one pauses the sender."""
    row = await tx.one(
        "SELECT tries, paused_until FROM roster_code_tries WHERE channel = ? AND user_id = ?",
        channel,
        user_id,
    )
    count = 1
    if row is not None:
        until = as_optional_datetime(row["paused_until"])
        count = 1 if until is not None and until <= now else int(row["tries"]) + 1
    pause = now + timedelta(minutes=pause_minutes) if count >= tries else None
    await tx.run(
        "INSERT INTO roster_code_tries (channel, user_id, tries, paused_until, updated_at)"
        " VALUES (?, ?, ?, ?, ?) ON CONFLICT (channel, user_id) DO UPDATE SET"
        " tries = excluded.tries, paused_until = excluded.paused_until,"
        " updated_at = excluded.updated_at",
        channel,
        user_id,
        0 if pause else count,
        pause,
        now,
    )
    return pause is not None


def is_open(row: Row, now: datetime) -> bool:
    """A row still open to its worker."""
    return (
        row["state"] in {str(s) for s in OPEN_STATES}
        and row["nik"] != ""
        and as_datetime(row["expires_at"]) > now
    )


async def open_invitation(
    tx: Tx, channel: str, user_id: str, code: str, now: datetime, tries: int, pause_minutes: int
) -> InvitationLookup:
    """The code's invitation, marked opened; a code not found counts against the sender."""
    if await paused(tx, channel, user_id, now):
        return InvitationLookup(None, paused=True)
    row = await tx.one(BY_CODE, code)
    if row is None:
        return InvitationLookup(
            None, await wrong_code(tx, channel, user_id, now, tries, pause_minutes)
        )
    if row["state"] in BEFORE_OPENED:
        await tx.run(
            "UPDATE roster_rows SET state = ?, updated_at = ? WHERE id = ?",
            str(RowState.OPENED),
            now,
            row["id"],
        )
    invitation = Invitation(code, int(row["sponsor_id"]), row["sponsor_name"], is_open(row, now))
    return InvitationLookup(invitation)


# A row whose WhatsApp invitation was queued (or later), not yet finished: its number is expected
# to write back.
INVITED_STATES = tuple(sorted(str(s) for s in OPEN_STATES - {RowState.IMPORTED}))


async def invited_number(tx: Tx, phone: str, now: datetime) -> str | None:
    """The code of the newest open row invited on WhatsApp at ``phone`` (E.164)."""
    found = await tx.one(
        "SELECT w.code FROM roster_rows w JOIN rosters r ON r.id = w.roster_id"
        f" WHERE w.phone = ? AND w.state IN ({', '.join('?' for _ in INVITED_STATES)})"
        " AND w.nik != '' AND r.expires_at > ? ORDER BY w.id DESC LIMIT 1",
        phone,
        *INVITED_STATES,
        now,
    )
    return None if found is None else str(found["code"])


async def match_invitation(tx: Tx, code: str, nik: str, now: datetime) -> InvitationMatch:
    """The row when the typed NIK is its NIK; else a wrong try (the third locks the code)."""
    row = await tx.one(BY_CODE, code)
    if row is None or not is_open(row, now):
        return InvitationMatch(None, 0)
    if clean_digits(nik) == row["nik"]:
        await tx.run(
            "UPDATE roster_rows SET state = ?, updated_at = ? WHERE id = ?",
            str(RowState.VERIFIED),
            now,
            row["id"],
        )
        found = InvitedRow(
            row["nik"],
            row["name"],
            row["phone"],
            row["region_code"],
            row["occupation"],
            row["birth_place"],
            row["address"] or row["place"],  # the village or kecamatan, when no address
            int(row["sponsor_id"]),
            row["sponsor_name"],
            row["sponsor_payer"],
        )
        return InvitationMatch(found)
    wrong = int(row["nik_tries"]) + 1
    state = RowState.LOCKED if wrong >= NIK_TRIES else RowState(row["state"])
    await tx.run(
        "UPDATE roster_rows SET nik_tries = ?, state = ?, updated_at = ? WHERE id = ?",
        wrong,
        str(state),
        now,
        row["id"],
    )
    return InvitationMatch(None, max(0, NIK_TRIES - wrong))


async def block(tx: Tx, phones: list[str], now: datetime) -> None:
    """These numbers are never invited again: kept as keyed hashes, never as numbers."""
    key = await hash_key(tx)
    await tx.run_many(
        "INSERT INTO roster_blocked (digest, created_at) VALUES (?, ?)"
        " ON CONFLICT (digest) DO NOTHING",
        [(phone_digest(key, phone), now) for phone in sorted({p for p in phones if p})],
    )


async def forget_row(tx: Tx, row_id: int, phone: str, state: RowState, now: datetime) -> None:
    """Delete a row's personal data (its state stays, for the counts); a declined or erased
    number goes into the blocked list as a keyed hash."""
    if phone and state is RowState.DECLINED:
        await block(tx, [phone], now)
    await tx.run(
        f"UPDATE roster_rows SET {PERSONAL_BLANK}, state = ?, updated_at = ? WHERE id = ?",
        str(state),
        now,
        row_id,
    )


async def decline_invitation(tx: Tx, code: str, now: datetime) -> bool:
    """The worker declined: the row's data goes, its number is never invited again."""
    row = await tx.one(BY_CODE, code)
    if row is None or row["state"] == str(RowState.COMPLETED):
        return False
    await forget_row(tx, int(row["id"]), row["phone"], RowState.DECLINED, now)
    return True


async def completed(tx: Tx, code: str, reference: str, now: datetime) -> None:
    """The invitation became a submission, which has its own copy of the data: the row's goes."""
    await tx.run(
        "UPDATE roster_rows SET reference = ? WHERE code = ?",
        reference,
        code,
    )
    row = await tx.one("SELECT id FROM roster_rows WHERE code = ?", code)
    if row is not None:
        await forget_row(tx, int(row["id"]), "", RowState.COMPLETED, now)


async def erased(
    tx: Tx, channel: str, user_id: str, phones: list[str], opened: str | None, now: datetime
) -> None:
    """A worker erased their data (/hapusdata): their numbers are never invited again, the rows
    still listing them (and the invitation they had ``opened``, if unfinished) lose their data,
    and their wrong-code count goes."""
    if opened:
        row = await tx.one("SELECT id, phone, state FROM roster_rows WHERE code = ?", str(opened))
        if row is not None and row["state"] != str(RowState.COMPLETED):
            await forget_row(tx, int(row["id"]), row["phone"], RowState.DECLINED, now)
    await block(tx, phones, now)
    for phone in sorted({p for p in phones if p}):
        for row in await tx.all(
            "SELECT id FROM roster_rows WHERE phone = ? AND state != ?",
            phone,
            str(RowState.COMPLETED),
        ):
            await forget_row(tx, int(row["id"]), "", RowState.DECLINED, now)
    await tx.run(
        "DELETE FROM roster_code_tries WHERE channel = ? AND user_id = ?", channel, user_id
    )


async def expire_rosters(tx: Tx, now: datetime) -> int:
    """Rosters past their ``expires_at``: every unfinished row's personal data is deleted (its
    code stops working, its state becomes expired); returns how many rows. A roster whose
    import a crash left unfinished (still importing an hour after it began) is deleted."""
    await tx.run(
        "DELETE FROM rosters WHERE imported_at IS NULL AND created_at <= ?",
        now - ABANDONED_IMPORT,
    )
    # Their invitations not yet sent would carry a code that no longer works: given up.
    await tx.run(
        "UPDATE outbox SET status = 'undeliverable', last_error = 'roster expired'"
        " WHERE status = 'pending' AND reference IN (SELECT 'roster:' || CAST(w.id AS TEXT)"
        " FROM roster_rows w JOIN rosters r ON r.id = w.roster_id"
        " WHERE r.expires_at <= ? AND r.expired_at IS NULL)",
        now,
    )
    expired = await tx.run(
        f"UPDATE roster_rows SET {PERSONAL_BLANK}, state = ?, updated_at = ?"
        " WHERE state NOT IN (?, ?, ?) AND roster_id IN"
        " (SELECT id FROM rosters WHERE expires_at <= ? AND expired_at IS NULL)",
        str(RowState.EXPIRED),
        now,
        *FINISHED_STATES,
        now,
    )
    await tx.run(
        "UPDATE rosters SET expired_at = ? WHERE expires_at <= ? AND expired_at IS NULL", now, now
    )
    # Wrong-code counts are kept only while they may pause someone.
    await tx.run("DELETE FROM roster_code_tries WHERE updated_at <= ?", now - timedelta(days=1))
    return expired
