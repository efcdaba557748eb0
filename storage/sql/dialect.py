"""What a backend does its own way, said in one place: the Dialect the shared SQL is given.

Every query is written once, in storage/sql, with ``?`` placeholders. Where a backend needs a
statement of its own or takes a lock the other does not, the shared code asks its Dialect:
storage/sqlite/dialect.py (``SqliteDialect``) and storage/postgres/dialect.py
(``PostgresDialect``) are the only places that say how the backends' SQL differs. Their
repositories add connections and units of work (``_read``, ``_transaction``, ``worker``,
``officer`` of storage/sql/repository.py: how a transaction begins and ends), none of the
queries.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from bot.ports import InboxItem
from storage.sql.save import Save
from storage.sql.tx import Row, Tx


class Dialect(Protocol):
    """The statements and locks that differ between backends (see the module's docstring)."""

    @property
    def skip_locked(self) -> str:
        """Appended to the outbox claim's choice of rows: rows another process's claim holds are
        skipped (PostgreSQL), or nothing where one write at a time is the rule (SQLite)."""
        ...

    def any_of(self, column: str, values: Sequence[str]) -> tuple[str, list[Any]]:
        """SQL: ``column`` is one of the text ``values``; with its arguments."""
        ...

    def received_rows(self, items: Sequence[InboxItem]) -> list[tuple[str, list[Any]]]:
        """Received updates as row sources for storage/sql/inbox.py's INSERT (columns channel,
        update_key, chat, payload, received_at), one per statement, with their arguments."""
        ...

    async def take_turns(self, tx: Tx, job: str) -> None:
        """In ``tx``: wait until no other process runs ``job`` ("inbox" claims, "housekeeping",
        "reminders"); held until commit."""
        ...

    async def hold(self, tx: Tx, channel: str, user_id: str, nik: str | None) -> Row | None:
        """In a transaction just begun: the conversation's row (its ``rev``; None: no row), kept
        from other processes until commit; and, given a ``nik``, that NIK's turn too."""
        ...

    async def lock_nik(self, tx: Tx, nik: str) -> None:
        """In ``tx``: wait until no other transaction submits this NIK; held until commit."""
        ...

    async def lock_sponsor(self, tx: Tx, sponsor_id: int) -> None:
        """In ``tx``: the sponsor's places are counted by one submission at a time."""
        ...

    async def save(self, tx: Tx, row: Save) -> bool:
        """A worker's compare-and-set save (storage/sql/save.py), the backend's way: False when
        another process saved that conversation since it was read."""
        ...
