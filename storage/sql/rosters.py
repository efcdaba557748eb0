"""Rosters: a sponsor's list of workers with personal codes (bot/rosters.py, docs/rosters.md)."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from bot.domain import BLOCKING_STATUSES
from bot.messages import Reply
from bot.roster_codes import new_code
from bot.rosters import (
    INVITATION_REFERENCE,
    RosterDraft,
    RosterRow,
    RosterSummary,
    RowReport,
    RowState,
    SlipRow,
    invitation_delay_days,
    invitation_reply,
    phone_digest,
)
from storage.sql import outbox
from storage.sql.scope import Scoped
from storage.sql.tx import Row, Tx, as_datetime

LOOKUP_CHUNK = 500
INSERT_CHUNK = 1000
BLOCKING = tuple(str(s) for s in BLOCKING_STATUSES)
WHATSAPP_AGREED = "agreed to be contacted on WhatsApp"
SLIPS_ONLY = "not agreed to WhatsApp: invited by slip only"
# A roster whose import finished (docs/rosters.md, "Importing in chunks"); ``r`` is rosters.
IMPORTED = "r.imported_at IS NOT NULL"


async def hash_key(tx: Tx) -> bytes:
    """The key of the blocked numbers' hashes, drawn by the first caller and kept."""
    await tx.run(
        "INSERT INTO roster_secret (id, key) VALUES (1, ?) ON CONFLICT (id) DO NOTHING",
        secrets.token_hex(32),
    )
    row = await tx.one("SELECT key FROM roster_secret WHERE id = 1")
    assert row is not None
    return bytes.fromhex(row["key"])


async def chunked(tx: Tx, sql: str, values: Sequence[str], *tail: object) -> set[str]:
    """``sql`` (with ``{marks}`` for the values) run over ``values`` in chunks; its column v."""
    found: set[str] = set()
    for start in range(0, len(values), LOOKUP_CHUNK):
        chunk = values[start : start + LOOKUP_CHUNK]
        marks = ", ".join("?" for _ in chunk)
        for row in await tx.all(sql.format(marks=marks), *chunk, *tail):
            found.add(str(row["v"]))
    return found


class RosterDesk(Scoped):
    """The officer's side of rosters, within their branches."""

    async def active_niks(self, niks: Sequence[str]) -> frozenset[str]:
        """Which of these NIKs have an active submission (any branch: a NIK registers once)."""
        wanted = sorted(set(niks))
        marks_sql = (
            "SELECT nik AS v FROM submissions WHERE nik IN ({marks}) AND status IN (?, ?, ?)"
        )
        return frozenset(await chunked(self.tx, marks_sql, wanted, *BLOCKING))

    async def blocked_phones(self, phones: Sequence[str]) -> frozenset[str]:
        """Which of these numbers (E.164) must never be invited again."""
        key = await hash_key(self.tx)
        by_digest = {phone_digest(key, p): p for p in set(phones) if p}
        found = await chunked(
            self.tx,
            "SELECT digest AS v FROM roster_blocked WHERE digest IN ({marks})",
            sorted(by_digest),
        )
        return frozenset(by_digest[d] for d in found)

    async def create_roster(
        self, draft: RosterDraft, rows: Sequence[RosterRow], by: str, now: datetime
    ) -> int:
        """Store a roster and its rows at once, each with a fresh personal code; its id."""
        roster_id = await self.begin_roster(draft, by, now)
        await self.add_roster_rows(roster_id, rows, now)
        await self.finish_roster(roster_id, now)
        return roster_id

    async def begin_roster(self, draft: RosterDraft, by: str, now: datetime) -> int:
        """A roster whose rows come in chunks (``add_roster_rows``): seen nowhere until
        ``finish_roster``; its id."""
        created = await self.tx.one(
            "INSERT INTO rosters (sponsor_id, branch, agreement, whatsapp_consent, filename,"
            " imported_by, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            draft.sponsor_id,
            draft.branch,
            draft.agreement,
            WHATSAPP_AGREED if draft.whatsapp_consent else SLIPS_ONLY,
            draft.filename,
            by,
            now,
            draft.expires_at,
        )
        assert created is not None
        return int(created["id"])

    async def add_roster_rows(
        self, roster_id: int, rows: Sequence[RosterRow], now: datetime
    ) -> None:
        """Store rows of a roster being imported, each with a fresh personal code."""
        for start in range(0, len(rows), INSERT_CHUNK):
            await self.tx.run_many(
                "INSERT INTO roster_rows (roster_id, line, nik, name, phone, region_code, place,"
                " occupation, birth_place, address, code, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        roster_id,
                        r.line,
                        r.nik,
                        r.name,
                        r.phone,
                        r.region_code,
                        r.place,
                        r.occupation,
                        r.birth_place,
                        r.address,
                        new_code(),  # 49 random bits: a clash is not worth a retry loop
                        now,
                    )
                    for r in rows[start : start + INSERT_CHUNK]
                ],
            )

    async def finish_roster(self, roster_id: int, now: datetime) -> None:
        """Its last chunk is in: the roster is seen from now on."""
        await self.tx.run(
            "UPDATE rosters SET imported_at = ? WHERE id = ? AND imported_at IS NULL",
            now,
            roster_id,
        )

    async def drop_roster(self, roster_id: int) -> None:
        """An import that failed: the roster and the rows stored so far go (a roster already
        finished is never dropped)."""
        await self.tx.run("DELETE FROM rosters WHERE id = ? AND imported_at IS NULL", roster_id)

    async def rosters(self, limit: int) -> list[RosterSummary]:
        """The rosters of the officer's branches, newest first, with their rows by state."""
        scope, args = self.in_scope("r.branch")
        return await self._summaries(scope, args, limit)

    async def sponsor_rosters(self, sponsor_id: int, limit: int) -> list[RosterSummary]:
        """One sponsor's rosters, newest first, with their rows by state (the sponsor's own view:
        the caller checked whose sponsor it is, as for its other figures)."""
        return await self._summaries("r.sponsor_id = ?", [sponsor_id], limit)

    async def _summaries(self, where: str, args: list[Any], limit: int) -> list[RosterSummary]:
        found = await self.tx.all(
            "SELECT r.id, r.sponsor_id, s.name AS sponsor_name, r.agreement, r.created_at,"
            " r.expires_at FROM rosters r JOIN sponsors s ON s.id = r.sponsor_id"
            f" WHERE {where} AND {IMPORTED} ORDER BY r.created_at DESC, r.id DESC LIMIT ?",
            *args,
            limit,
        )
        out: list[RosterSummary] = []
        for r in found:
            counts = await self.tx.all(
                "SELECT state, count(*) AS n FROM roster_rows WHERE roster_id = ? GROUP BY state",
                r["id"],
            )
            out.append(
                RosterSummary(
                    id=int(r["id"]),
                    sponsor_id=int(r["sponsor_id"]),
                    sponsor_name=r["sponsor_name"],
                    agreement=r["agreement"],
                    created_at=as_datetime(r["created_at"]),
                    expires_at=as_datetime(r["expires_at"]),
                    counts={RowState(c["state"]): int(c["n"]) for c in counts},
                )
            )
        return out

    async def invitable(self, roster_id: int, now: datetime) -> list[Row]:
        """The rows of a roster of the officer's branches that WhatsApp may invite, in file
        order: the roster states that those listed agreed to WhatsApp and has not expired; the
        row has a number, was never invited, and its number is not blocked (declined or erased
        before)."""
        return await self._invitable("w.roster_id = ?", [roster_id], now)

    async def _invitable(self, rows: str, args: list[Any], now: datetime) -> list[Row]:
        scope, scope_args = self.in_scope("r.branch")
        found = await self.tx.all(
            "SELECT w.id, w.phone, w.code, s.name AS sponsor_name FROM roster_rows w"
            " JOIN rosters r ON r.id = w.roster_id JOIN sponsors s ON s.id = r.sponsor_id"
            f" WHERE {rows} AND w.state = ? AND w.phone != '' AND w.invited_at IS NULL"
            f" AND r.whatsapp_consent = ? AND r.expired_at IS NULL AND r.expires_at > ? AND {scope}"
            f" AND {IMPORTED} ORDER BY w.line",
            *args,
            str(RowState.IMPORTED),
            WHATSAPP_AGREED,
            now,
            *scope_args,
        )
        if not found:
            return []
        key = await hash_key(self.tx)
        digests = [phone_digest(key, r["phone"]) for r in found]
        blocked = await chunked(
            self.tx, "SELECT digest AS v FROM roster_blocked WHERE digest IN ({marks})", digests
        )
        return [r for r, d in zip(found, digests, strict=True) if d not in blocked]

    async def invitable_count(self, roster_id: int, now: datetime) -> int:
        """How many rows /roster_undang would invite now."""
        return len(await self.invitable(roster_id, now))

    async def invitable_rows(self, roster_id: int, now: datetime) -> list[int]:
        """The ids of the rows /roster_undang would invite now, in file order (queued a chunk
        at a time by ``invite_rows``)."""
        return [int(r["id"]) for r in await self.invitable(roster_id, now)]

    async def invite_rows(
        self, row_ids: Sequence[int], position: int, daily: int, now: datetime
    ) -> int:
        """Queue the WhatsApp invitations of these rows that are still invitable (behind the
        other notices), ``daily`` a day counting from the batch's ``position``-th (0: all
        now); the rows become invited. How many were queued.

        Each row is claimed by the update that marks it invited, so a row queued by another
        confirmation meanwhile, or opened from its slip (its later state stays), is skipped."""
        queued = 0
        for start in range(0, len(row_ids), LOOKUP_CHUNK):
            chunk = list(row_ids[start : start + LOOKUP_CHUNK])
            marks = ", ".join("?" for _ in chunk)
            found = await self._invitable(f"w.id IN ({marks})", chunk, now)
            if not found:
                continue
            claimed = {
                int(r["id"])
                for r in await self.tx.all(
                    "UPDATE roster_rows SET state = ?, invited_at = ?, updated_at = ?"
                    f" WHERE id IN ({', '.join('?' for _ in found)}) AND state = ? RETURNING id",
                    str(RowState.INVITED),
                    now,
                    now,
                    *(r["id"] for r in found),
                    str(RowState.IMPORTED),
                )
            }
            items: list[tuple[str, Reply, str | None, datetime]] = []
            for row in found:
                if int(row["id"]) not in claimed:
                    continue
                days = invitation_delay_days(position + queued + len(items), daily)
                items.append(
                    (
                        row["phone"].removeprefix("+"),
                        invitation_reply(row["sponsor_name"], row["code"]),
                        f"{INVITATION_REFERENCE}{row['id']}",
                        now + timedelta(days=days),
                    )
                )
            await outbox.enqueue_many(self.tx, "wa", items, now)
            queued += len(items)
        return queued

    async def roster_slips(self, roster_id: int) -> list[SlipRow]:
        """The roster's rows still to be handed a slip (its personal data not deleted), in file
        order; empty when the roster is not of the officer's branches."""
        scope, args = self.in_scope("r.branch")
        found = await self.tx.all(
            "SELECT w.name, w.code FROM roster_rows w JOIN rosters r ON r.id = w.roster_id"
            f" WHERE w.roster_id = ? AND w.nik != '' AND w.state NOT IN (?, ?, ?) AND {scope}"
            f" AND {IMPORTED} ORDER BY w.line",
            roster_id,
            str(RowState.COMPLETED),
            str(RowState.DECLINED),
            str(RowState.EXPIRED),
            *args,
        )
        return [SlipRow(r["name"], r["code"]) for r in found]

    async def roster_report(self, roster_id: int) -> list[RowReport]:
        """Every row of a roster of the officer's branches with its state, in file order."""
        scope, args = self.in_scope("r.branch")
        found = await self.tx.all(
            "SELECT w.line, w.nik, w.phone, w.state, w.reason, w.reference FROM roster_rows w"
            f" JOIN rosters r ON r.id = w.roster_id WHERE w.roster_id = ? AND {scope}"
            f" AND {IMPORTED} ORDER BY w.line",
            roster_id,
            *args,
        )
        return [
            RowReport(
                int(r["line"]),
                r["nik"],
                r["phone"],
                RowState(r["state"]),
                r["reason"],
                r["reference"],
            )
            for r in found
        ]
