"""The web desk: one-time sign-in links, sessions (stored hashed), and the filtered queue."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import Any

from bot.clock import wib_midnight_utc
from bot.domain import EventDraft, Role, Status, Submission
from bot.web_desk import (
    AuditFilter,
    AuditLogEntry,
    QueueFilter,
    SponsorAccess,
    SponsorBreakdown,
    WebSession,
)
from storage.export import SELECTED, export_row
from storage.sql import rows
from storage.sql.scope import Scoped
from storage.sql.tx import Tx, as_date, as_datetime, as_json, to_json

REPRESENTATIVE = "wakil_sponsor"  # web_sessions.role of a sponsor's representative's session
ACCESS = (
    "a.id, a.sponsor_id, s.name AS sponsor_name, a.user_id, a.name, a.granted_by, a.granted_at"
)

ORDER_BY = {
    "oldest": "submitted_at, id",
    "newest": "submitted_at DESC, id DESC",
    "reference": "reference",
}


def days(
    where: list[str], args: list[Any], column: str, since: date | None, until: date | None
) -> None:
    """``column`` (a time) on or after ``since`` and on or before ``until``, days in WIB."""
    if since is not None:
        where.append(f"{column} >= ?")
        args.append(wib_midnight_utc(since))
    if until is not None:
        where.append(f"{column} < ?")
        args.append(wib_midnight_utc(until + timedelta(days=1)))


def _where(chosen: QueueFilter) -> tuple[list[str], list[Any]]:
    where: list[str] = ["status = ?"]
    args: list[Any] = [str(chosen.status)]
    if chosen.event_code:
        where.append("event_code = ?")
        args.append(chosen.event_code.upper())
    if chosen.sponsor_id is not None:
        where.append("sponsor_id = ?")
        args.append(chosen.sponsor_id)
    if chosen.region:
        where.append("home_code LIKE ?")
        args.append(chosen.region.replace("%", "").replace("_", "") + "%")
    days(where, args, "submitted_at", chosen.since, chosen.until)
    if chosen.flag is not None:
        where.append("CAST(flags AS TEXT) LIKE ?")
        args.append(f'%"{chosen.flag}"%')
    if chosen.roster_id is not None:
        where.append("reference IN (SELECT reference FROM roster_rows WHERE roster_id = ?)")
        args.append(chosen.roster_id)
    return where, args


# Used or expired sign-in links are kept a day (to see an attempt's trace), ended sessions too.
SIGN_IN_RETENTION = timedelta(days=1)


async def purge(tx: Tx, now: datetime, unused: timedelta) -> None:
    """Forget old sign-in links, sessions ended a day ago, and sessions unused for ``unused``
    (far past any idle limit)."""
    await tx.run("DELETE FROM web_login_tokens WHERE expires_at <= ?", now - SIGN_IN_RETENTION)
    await tx.run(
        "DELETE FROM web_sessions WHERE ended_at <= ? OR last_seen_at <= ?",
        now - SIGN_IN_RETENTION,
        now - unused,
    )


class WebAccess(Scoped):
    """Sign-in links and sessions (any officer's: not scoped), the queue (scoped)."""

    async def create_login_token(
        self,
        token_hash: str,
        user_id: str,
        lang: str,
        now: datetime,
        expires: datetime,
        access_id: int | None = None,
    ) -> None:
        await self.tx.run(
            "INSERT INTO web_login_tokens (token_hash, user_id, lang, created_at, expires_at,"
            " access_id) VALUES (?, ?, ?, ?, ?, ?)",
            token_hash,
            user_id,
            lang,
            now,
            expires,
            access_id,
        )

    async def use_login_token(
        self, token_hash: str, now: datetime
    ) -> tuple[str, str, int | None] | None:
        """(user id, language, access) of a link not used yet and not expired; it is used up."""
        row = await self.tx.one(
            "SELECT user_id, lang, expires_at, access_id FROM web_login_tokens"
            " WHERE token_hash = ? AND used_at IS NULL",
            token_hash,
        )
        if row is None or as_datetime(row["expires_at"]) <= now:
            return None
        changed = await self.tx.run(
            "UPDATE web_login_tokens SET used_at = ? WHERE token_hash = ? AND used_at IS NULL",
            now,
            token_hash,
        )
        access = row["access_id"]
        found = (row["user_id"], row["lang"], int(access) if access is not None else None)
        return found if changed == 1 else None

    async def open_web_session(
        self,
        session_hash: str,
        user_id: str,
        lang: str,
        role: Role,
        branches: tuple[str, ...],
        now: datetime,
        access_id: int | None = None,
    ) -> None:
        await self.tx.run(
            "INSERT INTO web_sessions (session_hash, user_id, lang, role, branches, created_at,"
            " last_seen_at, access_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            session_hash,
            user_id,
            lang,
            str(role) if access_id is None else REPRESENTATIVE,
            to_json(list(branches)),
            now,
            now,
            access_id,
        )

    async def web_session(self, session_hash: str) -> WebSession | None:
        row = await self.tx.one(
            "SELECT user_id, lang, role, branches, last_seen_at, access_id FROM web_sessions"
            " WHERE session_hash = ? AND ended_at IS NULL",
            session_hash,
        )
        if row is None:
            return None
        access = row["access_id"]
        return WebSession(
            row["user_id"],
            row["lang"],
            Role(row["role"]) if access is None else None,
            tuple(as_json(row["branches"])),
            as_datetime(row["last_seen_at"]),
            int(access) if access is not None else None,
        )

    async def touch_web_session(self, session_hash: str, now: datetime) -> None:
        await self.tx.run(
            "UPDATE web_sessions SET last_seen_at = ? WHERE session_hash = ?", now, session_hash
        )

    async def end_web_session(self, session_hash: str, now: datetime) -> None:
        await self.tx.run(
            "UPDATE web_sessions SET ended_at = ? WHERE session_hash = ? AND ended_at IS NULL",
            now,
            session_hash,
        )

    async def end_web_sessions(self, user_id: str, now: datetime) -> None:
        await self.tx.run(
            "UPDATE web_sessions SET ended_at = ? WHERE user_id = ? AND ended_at IS NULL",
            now,
            user_id,
        )

    async def queue_filtered(
        self, chosen: QueueFilter, limit: int, offset: int
    ) -> tuple[int, list[Submission]]:
        """How many submissions match, and one page of them."""
        where, args = _where(chosen)
        scope, scope_args = self.in_scope()
        condition = " AND ".join([*where, scope])
        if replace(chosen, sort="oldest") == QueueFilter(status=chosen.status):
            # No filter but the status: the counter kept by triggers, as the live count reads
            # it (counting the rows took ~50 ms for 750,000 waiting on PostgreSQL).
            total = await self.tx.one(
                f"SELECT sum(n) AS n FROM status_counts WHERE status = ? AND {scope}",
                str(chosen.status),
                *scope_args,
            )
        else:
            total = await self.tx.one(
                f"SELECT count(*) AS n FROM submissions WHERE {condition}", *args, *scope_args
            )
        found = await self.tx.all(
            f"SELECT {rows.SUBMISSION} FROM submissions WHERE {condition}"
            f" ORDER BY {ORDER_BY.get(chosen.sort, ORDER_BY['oldest'])} LIMIT ? OFFSET ?",
            *args,
            *scope_args,
            limit,
            offset,
        )
        return int(total["n"] or 0) if total else 0, [rows.submission(r) for r in found]

    # --- sponsors' representatives and their view ------------------------------------------

    async def grant_sponsor_access(
        self, sponsor_id: int, user_id: str, name: str, by: str, now: datetime
    ) -> int | None:
        """Let ``user_id`` see a sponsor of the officer's branches; the access's id (None: no
        such sponsor here). An access already open for the same person and sponsor is kept."""
        scope, args = self.in_scope()
        row = await self.tx.one(
            f"SELECT id FROM sponsors WHERE id = ? AND {scope}", sponsor_id, *args
        )
        if row is None:
            return None
        same = await self.tx.one(
            "SELECT id FROM sponsor_access WHERE sponsor_id = ? AND user_id = ?"
            " AND revoked_at IS NULL",
            sponsor_id,
            user_id,
        )
        if same is not None:
            await self.tx.run("UPDATE sponsor_access SET name = ? WHERE id = ?", name, same["id"])
            return int(same["id"])
        made = await self.tx.one(
            "INSERT INTO sponsor_access (sponsor_id, user_id, name, granted_by, granted_at)"
            " VALUES (?, ?, ?, ?, ?) RETURNING id",
            sponsor_id,
            user_id,
            name,
            by,
            now,
        )
        assert made is not None
        return int(made["id"])

    async def sponsor_accesses(self) -> list[SponsorAccess]:
        """The open accesses to the sponsors of the officer's branches."""
        scope, args = self.in_scope("s.branch")
        found = await self.tx.all(
            f"SELECT {ACCESS} FROM sponsor_access a JOIN sponsors s ON s.id = a.sponsor_id"
            f" WHERE a.revoked_at IS NULL AND {scope} ORDER BY a.id",
            *args,
        )
        return [_access(r) for r in found]

    async def revoke_sponsor_access(
        self, access_id: int, by: str, now: datetime
    ) -> SponsorAccess | None:
        """End an open access to a sponsor of the officer's branches, and at once every session
        opened under it; the access (None: none such here)."""
        scope, args = self.in_scope("s.branch")
        row = await self.tx.one(
            f"SELECT {ACCESS} FROM sponsor_access a JOIN sponsors s ON s.id = a.sponsor_id"
            f" WHERE a.id = ? AND a.revoked_at IS NULL AND {scope}",
            access_id,
            *args,
        )
        if row is None:
            return None
        await self.tx.run(
            "UPDATE sponsor_access SET revoked_at = ?, revoked_by = ? WHERE id = ?",
            now,
            by,
            access_id,
        )
        await self.tx.run(
            "UPDATE web_sessions SET ended_at = ? WHERE access_id = ? AND ended_at IS NULL",
            now,
            access_id,
        )
        return _access(row)

    async def open_access(self, access_id: int) -> SponsorAccess | None:
        """An access not revoked (any branch's: a representative's session is not scoped)."""
        row = await self.tx.one(
            f"SELECT {ACCESS} FROM sponsor_access a JOIN sponsors s ON s.id = a.sponsor_id"
            " WHERE a.id = ? AND a.revoked_at IS NULL",
            access_id,
        )
        return _access(row) if row else None

    async def accesses_of(self, user_id: str) -> list[SponsorAccess]:
        """The open accesses of one person (sending /masuk), oldest first."""
        found = await self.tx.all(
            f"SELECT {ACCESS} FROM sponsor_access a JOIN sponsors s ON s.id = a.sponsor_id"
            " WHERE a.user_id = ? AND a.revoked_at IS NULL ORDER BY a.id",
            user_id,
        )
        return [_access(r) for r in found]

    async def set_nik_agreement(self, sponsor_id: int, reference: str | None) -> bool:
        """Record (or, None, withdraw) the agreement that lets a sponsor of the officer's
        branches download full NIKs; False if no such sponsor here."""
        scope, args = self.in_scope()
        changed = await self.tx.run(
            f"UPDATE sponsors SET nik_agreement = ? WHERE id = ? AND {scope}",
            reference,
            sponsor_id,
            *args,
        )
        return changed == 1

    async def sponsor_breakdown(self, sponsor_id: int) -> SponsorBreakdown:
        """The sponsor's registrations by kabupaten/kota, occupation, status and source."""

        async def counted(column: str) -> tuple[tuple[str, int], ...]:
            found = await self.tx.all(
                f"SELECT {column} AS k, count(*) AS n FROM submissions WHERE sponsor_id = ?"
                " GROUP BY k ORDER BY n DESC, k",
                sponsor_id,
            )
            return tuple((str(r["k"]), int(r["n"])) for r in found)

        source = (
            "CASE WHEN reference IN (SELECT reference FROM roster_rows) THEN 'roster'"
            " WHEN event_code IS NULL THEN 'self' ELSE 'event' END"
        )
        return SponsorBreakdown(
            by_region=await counted("home_code"),
            by_occupation=await counted("occupation"),
            by_status=tuple((Status(k), n) for k, n in await counted("status")),
            by_source=await counted(source),
        )

    async def sponsor_records(self, sponsor_id: int, on: date) -> list[dict[str, object]]:
        """The sponsor's workers as the export's records (full NIKs: mask before handing out)."""
        found = await self.tx.all(
            f"SELECT {SELECTED}, e.name AS event_name, sp.name AS sponsor_name"
            " FROM submissions s LEFT JOIN events e ON e.code = s.event_code"
            " LEFT JOIN sponsors sp ON sp.id = s.sponsor_id WHERE s.sponsor_id = ? ORDER BY s.id",
            sponsor_id,
        )
        return [export_row(r, on) for r in found]

    async def event_draft(self, code: str) -> tuple[EventDraft, str | None] | None:
        """An event of the officer's branches as stored, and its sponsor's name (its poster)."""
        scope, args = self.in_scope("e.branch")
        row = await self.tx.one(
            "SELECT e.code, e.name, e.day, e.region_code, e.organiser, e.sponsor_id, e.branch,"
            " sp.name AS sponsor_name FROM events e LEFT JOIN sponsors sp ON sp.id = e.sponsor_id"
            f" WHERE e.code = ? AND {scope}",
            code,
            *args,
        )
        if row is None:
            return None
        draft = EventDraft(
            row["code"],
            row["name"],
            as_date(row["day"]),
            row["region_code"],
            row["organiser"],
            row["sponsor_id"],
            row["branch"],
        )
        return draft, row["sponsor_name"]

    async def audit_log(
        self, chosen: AuditFilter, me: str, limit: int, offset: int
    ) -> tuple[int, list[AuditLogEntry]]:
        """The audit log as the officer may see it, newest first: entries about submissions of
        their branches, and entries about no submission made by themselves or by a
        representative of one of their branches' sponsors (everything for an officer of every
        branch)."""
        scope, scope_args = self.in_scope()
        where: list[str] = []
        args: list[Any] = []
        if scope != "1 = 1":
            where.append(
                f"(reference IN (SELECT reference FROM submissions WHERE {scope})"
                " OR (reference IS NULL AND (actor = ? OR actor IN (SELECT a.user_id FROM"
                " sponsor_access a JOIN sponsors sp ON sp.id = a.sponsor_id"
                f" WHERE sp.{scope}))))"
            )
            args += [*scope_args, me, *scope_args]
        if chosen.actor:
            where.append("actor = ?")
            args.append(chosen.actor)
        if chosen.action:
            where.append("action = ?")
            args.append(chosen.action)
        days(where, args, "at", chosen.since, chosen.until)
        condition = " AND ".join(where) or "1 = 1"
        total = await self.tx.one(f"SELECT count(*) AS n FROM audit WHERE {condition}", *args)
        found = await self.tx.all(
            f"SELECT at, actor, action, reference, detail FROM audit WHERE {condition}"
            " ORDER BY at DESC, id DESC LIMIT ? OFFSET ?",
            *args,
            limit,
            offset,
        )
        entries = [
            AuditLogEntry(
                as_datetime(r["at"]), r["actor"], r["action"], r["reference"], r["detail"] or ""
            )
            for r in found
        ]
        return (int(total["n"]) if total else 0), entries


def _access(row: Any) -> SponsorAccess:
    return SponsorAccess(
        int(row["id"]),
        int(row["sponsor_id"]),
        row["sponsor_name"],
        row["user_id"],
        row["name"],
        row["granted_by"],
        as_datetime(row["granted_at"]),
    )
