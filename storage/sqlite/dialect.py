"""SQLite's dialect of the shared SQL (storage/sql/dialect.py).

A transaction here begins with ``BEGIN IMMEDIATE``, SQLite's one write lock for the whole
database: whatever must not interleave (a conversation's revision, a NIK's check, a sponsor's
places, the jobs of several processes) already takes turns, so no lock of its own is taken.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.ports import InboxItem
from storage.sql.save import Save, compare_and_set
from storage.sql.tx import Row, Tx
from storage.sql.workers import HOLD

# Received updates per INSERT: five parameters each, well within SQLite's 32,766.
RECEIVE_CHUNK = 500


class SqliteDialect:
    """storage.sql.dialect.Dialect on SQLite (see the module's docstring)."""

    skip_locked = ""

    def any_of(self, column: str, values: Sequence[str]) -> tuple[str, list[Any]]:
        return f"{column} IN ({', '.join('?' for _ in values) or 'NULL'})", list(values)

    def received_rows(self, items: Sequence[InboxItem]) -> list[tuple[str, list[Any]]]:
        """A multi-row VALUES per ``RECEIVE_CHUNK`` updates (a bigger batch: one transaction)."""
        sources = []
        for start in range(0, len(items), RECEIVE_CHUNK):
            chunk = items[start : start + RECEIVE_CHUNK]
            values = "VALUES " + ", ".join(["(?, ?, ?, ?, ?)"] * len(chunk))
            args = [
                value
                for new in chunk
                for value in (new.channel, new.update_key, new.chat, new.payload, new.received_at)
            ]
            sources.append((values, args))
        return sources

    async def take_turns(self, tx: Tx, job: str) -> None:
        """The transaction's write lock already makes every process take turns."""

    async def hold(self, tx: Tx, channel: str, user_id: str, nik: str | None) -> Row | None:
        return await tx.one(HOLD, channel, user_id)

    async def lock_nik(self, tx: Tx, nik: str) -> None:
        """The transaction's write lock already serialises submissions."""

    async def lock_sponsor(self, tx: Tx, sponsor_id: int) -> None:
        """The transaction's write lock already holds the sponsor's places."""

    async def save(self, tx: Tx, row: Save) -> bool:
        return await compare_and_set(tx, row)
