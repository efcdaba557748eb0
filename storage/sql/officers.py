"""An officer's unit of work: every officer-side query, scoped to the officer's branches.

One class per concern, each on the same connection and scope (storage/sql/scope.py) and none
built on another: review (storage/sql/review.py), reports, outreach (events and sponsors),
rosters, staff, the web desk. The unit is all of them, plus the inbox marks of its command.
"""

from __future__ import annotations

from datetime import datetime

from storage.sql.outreach import Outreach
from storage.sql.reports import Reports
from storage.sql.review import Review
from storage.sql.rosters import RosterDesk
from storage.sql.staff import Staff
from storage.sql.web import WebAccess


class SqlOfficerUnit(Review, Reports, Outreach, RosterDesk, Staff, WebAccess):
    """bot.ports.OfficerSession over a Tx (the caller holds one transaction around it)."""

    async def already_applied(self, channel: str, update_key: str | None) -> bool:
        """Whether this update was applied before (a redelivered command is not run twice)."""
        if update_key is None:
            return False
        row = await self.tx.one(
            "SELECT applied_at FROM inbox WHERE channel = ? AND update_key = ?",
            channel,
            update_key,
        )
        return row is not None and row["applied_at"] is not None

    async def mark_applied(self, channel: str, update_key: str | None, now: datetime) -> None:
        """Mark the update applied, in this transaction with its effects."""
        if update_key is not None:
            await self.tx.run(
                "UPDATE inbox SET applied_at = ?"
                " WHERE channel = ? AND update_key = ? AND applied_at IS NULL",
                now,
                channel,
                update_key,
            )
