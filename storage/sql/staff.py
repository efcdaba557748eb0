"""Officers (roles and branches) and their unfinished dialogs."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.domain import Officer
from storage.sql import rows
from storage.sql.scope import Scoped
from storage.sql.tx import as_json, to_json


class Staff(Scoped):
    """Who the officers are, and each officer's dialog state."""

    async def officer(self, user_id: str) -> Officer | None:
        row = await self.tx.one(f"SELECT {rows.OFFICER} FROM officers WHERE user_id = ?", user_id)
        return rows.officer(row) if row else None

    async def officers(self) -> list[Officer]:
        found = await self.tx.all(f"SELECT {rows.OFFICER} FROM officers ORDER BY role, user_id")
        return [rows.officer(r) for r in found]

    async def save_officer(self, officer: Officer, by: str, now: datetime) -> None:
        # An admin adding someone does not know their name: an empty one keeps the known name.
        await self.tx.run(
            "INSERT INTO officers (user_id, role, branches, name, created_by, created_at,"
            " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (user_id) DO UPDATE SET"
            " role = excluded.role, branches = excluded.branches,"
            " name = CASE WHEN excluded.name = '' THEN officers.name ELSE excluded.name END,"
            " updated_at = excluded.updated_at",
            officer.user_id,
            str(officer.role),
            to_json(list(officer.branches)),
            officer.name,
            by,
            now,
            now,
        )

    async def rename_officer(self, user_id: str, name: str, now: datetime) -> None:
        await self.tx.run(
            "UPDATE officers SET name = ?, updated_at = ? WHERE user_id = ?", name, now, user_id
        )

    async def remove_officer(self, user_id: str) -> bool:
        removed = await self.tx.run("DELETE FROM officers WHERE user_id = ?", user_id)
        await self.tx.run("DELETE FROM officer_dialogs WHERE user_id = ?", user_id)
        return removed == 1

    async def dialog(self, user_id: str) -> dict[str, Any] | None:
        row = await self.tx.one("SELECT state FROM officer_dialogs WHERE user_id = ?", user_id)
        return dict(as_json(row["state"])) if row else None

    async def set_dialog(self, user_id: str, state: dict[str, Any] | None, now: datetime) -> None:
        if state is None:
            await self.tx.run("DELETE FROM officer_dialogs WHERE user_id = ?", user_id)
            return
        await self.tx.run(
            "INSERT INTO officer_dialogs (user_id, state, updated_at) VALUES (?, ?, ?)"
            " ON CONFLICT (user_id) DO UPDATE SET state = excluded.state,"
            " updated_at = excluded.updated_at",
            user_id,
            to_json(state),
            now,
        )
