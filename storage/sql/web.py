"""The web desk: one-time sign-in links, sessions (stored hashed), and the filtered queue."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from bot.clock import wib_midnight_utc
from bot.domain import Role, Submission
from bot.web_desk import QueueFilter, WebSession
from storage.sql import rows
from storage.sql.scope import Scoped
from storage.sql.tx import Tx, as_datetime, as_json, to_json

ORDER_BY = {
    "oldest": "submitted_at, id",
    "newest": "submitted_at DESC, id DESC",
    "reference": "reference",
}


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
    if chosen.since is not None:
        where.append("submitted_at >= ?")
        args.append(wib_midnight_utc(chosen.since))
    if chosen.until is not None:
        where.append("submitted_at < ?")
        args.append(wib_midnight_utc(chosen.until + timedelta(days=1)))
    if chosen.flag is not None:
        where.append("CAST(flags AS TEXT) LIKE ?")
        args.append(f'%"{chosen.flag}"%')
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
        self, token_hash: str, user_id: str, lang: str, now: datetime, expires: datetime
    ) -> None:
        await self.tx.run(
            "INSERT INTO web_login_tokens (token_hash, user_id, lang, created_at, expires_at)"
            " VALUES (?, ?, ?, ?, ?)",
            token_hash,
            user_id,
            lang,
            now,
            expires,
        )

    async def use_login_token(self, token_hash: str, now: datetime) -> tuple[str, str] | None:
        """(user id, language) of a link not used yet and not expired; it is used up."""
        row = await self.tx.one(
            "SELECT user_id, lang, expires_at FROM web_login_tokens"
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
        return (row["user_id"], row["lang"]) if changed == 1 else None

    async def open_web_session(
        self,
        session_hash: str,
        user_id: str,
        lang: str,
        role: Role,
        branches: tuple[str, ...],
        now: datetime,
    ) -> None:
        await self.tx.run(
            "INSERT INTO web_sessions (session_hash, user_id, lang, role, branches, created_at,"
            " last_seen_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            session_hash,
            user_id,
            lang,
            str(role),
            to_json(list(branches)),
            now,
            now,
        )

    async def web_session(self, session_hash: str) -> WebSession | None:
        row = await self.tx.one(
            "SELECT user_id, lang, role, branches, last_seen_at FROM web_sessions"
            " WHERE session_hash = ? AND ended_at IS NULL",
            session_hash,
        )
        if row is None:
            return None
        return WebSession(
            row["user_id"],
            row["lang"],
            Role(row["role"]),
            tuple(as_json(row["branches"])),
            as_datetime(row["last_seen_at"]),
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
        return (int(total["n"]) if total else 0), [rows.submission(r) for r in found]
