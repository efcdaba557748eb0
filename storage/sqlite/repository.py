"""The SQLite implementation of bot.ports.Repository.

In one process, an asyncio lock gives each unit of work the connection to itself; across
processes, ``BEGIN IMMEDIATE`` takes SQLite's write lock up front and the busy timeout makes the
others wait. A worker's state is saved compare-and-set on its revision, so most updates need no
transaction (storage/sql/workers.py).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import aiosqlite

from storage.export import export_submissions
from storage.files import create_private, private_dir
from storage.sql.officers import SqlOfficerUnit
from storage.sql.repository import SqlRepository
from storage.sql.workers import SqlWorkerUnit
from storage.sqlite.connection import SqliteTx, configure, database_path, setup_lock
from storage.sqlite.dialect import SqliteDialect


class SqliteRepository(SqlRepository):
    """Storage on one SQLite file (the embedded default): the shared repository in SQLite's
    dialect (storage/sqlite/dialect.py) over one connection."""

    def __init__(self, db: aiosqlite.Connection, path: str = ":memory:") -> None:
        super().__init__(SqliteDialect())
        self.db = db
        self.path = path
        self.url = f"sqlite:///{path}"
        self._lock = asyncio.Lock()
        self._tx = SqliteTx(db)

    @classmethod
    async def open(cls, url: str) -> SqliteRepository:
        """Connect, configure (WAL, synchronous=NORMAL, busy timeout) and migrate."""
        path = database_path(url)
        if path == ":memory:":
            return cls(await configure(path), path)
        private_dir(Path(path).parent)
        # Switching a new file to WAL and migrating it are not safe to race: two processes
        # starting together can deadlock there ("database is locked"), so set-up takes turns.
        async with setup_lock(Path(f"{path}.setup-lock")):
            # A new database file is made 0600 before SQLite opens it; SQLite then gives its
            # -wal and -shm files the same mode, whatever the umask (see storage.files).
            create_private(Path(path))
            return cls(await configure(path), path)

    @asynccontextmanager
    async def _transaction(self) -> AsyncIterator[SqliteTx]:
        async with self._lock:
            await self.db.execute("BEGIN IMMEDIATE")
            try:
                yield self._tx
            except BaseException:
                await self.db.rollback()
                raise
            await self.db.commit()

    @asynccontextmanager
    async def _read(self) -> AsyncIterator[SqliteTx]:
        """A read that needs no transaction (one statement sees one snapshot)."""
        async with self._lock:
            yield self._tx

    @asynccontextmanager
    async def worker(
        self, channel: str, user_id: str, update_key: str | None = None
    ) -> AsyncIterator[SqlWorkerUnit]:
        """One worker update: a read and a compare-and-set save, or, once the flow needs more,
        one transaction. Raises StaleConversation when another process saved this worker's
        state in between: the caller runs the update again."""
        async with self._lock:
            session = SqlWorkerUnit(
                self._tx, self.dialect, channel, user_id, update_key, self.cache
            )
            try:
                yield session
            except BaseException:
                self.cache.forget(channel, user_id)
                if self.db.in_transaction:
                    await self.db.rollback()
                raise
            if self.db.in_transaction:
                await self.db.commit()
            session.committed()

    @asynccontextmanager
    async def officer(self) -> AsyncIterator[SqlOfficerUnit]:
        """One officer command as one transaction."""
        async with self._transaction() as tx:
            yield SqlOfficerUnit(tx)

    # --- officers' exports ------------------------------------------------------------------

    def _export_job(self) -> tuple[Callable[..., int], str]:
        return export_submissions, self.path

    async def close(self) -> None:
        if self._exporter is not None:
            self._exporter.shutdown(wait=True)
        await self.db.close()
