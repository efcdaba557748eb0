"""The SQLite implementation of bot.ports.Repository.

In one process, an asyncio lock gives each unit of work the connection to itself; across
processes, ``BEGIN IMMEDIATE`` takes SQLite's write lock up front and the busy timeout makes the
others wait. A worker's state is saved compare-and-set on its revision, so most updates need no
transaction (storage/sql/workers.py).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from pathlib import Path

import aiosqlite

from bot.domain import Housekeeping, Submission
from bot.messages import Reply
from bot.ports import OutboxItem
from storage.export import export_submissions
from storage.files import create_private, private_dir
from storage.sql import inbox, outbox, reminders, web
from storage.sql.cache import StateCache
from storage.sql.officers import OfficerSession
from storage.sql.shared import SharedStatements
from storage.sql.workers import WorkerSession
from storage.sqlite.connection import SqliteTx, configure, database_path, setup_lock


class SqliteRepository(SharedStatements):
    """Storage on one SQLite file (the embedded default)."""

    def __init__(self, db: aiosqlite.Connection, path: str = ":memory:") -> None:
        self.db = db
        self.path = path
        self.url = f"sqlite:///{path}"
        self._lock = asyncio.Lock()
        self._tx = SqliteTx(db)
        self._exporter: ProcessPoolExecutor | None = None
        self.cache = StateCache()  # storage/sql/cache.py

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
    ) -> AsyncIterator[WorkerSession]:
        """One worker update: a read and a compare-and-set save, or, once the flow needs more,
        one transaction. Raises StaleConversation when another process saved this worker's
        state in between: the caller runs the update again."""
        async with self._lock:
            session = WorkerSession(self._tx, channel, user_id, update_key, self.cache)
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
    async def officer(self) -> AsyncIterator[OfficerSession]:
        """One officer command as one transaction."""
        async with self._transaction() as tx:
            yield OfficerSession(tx)

    # --- the outbox -------------------------------------------------------------------------

    async def due_notifications(
        self,
        now: datetime,
        limit: int,
        lease: timedelta = timedelta(seconds=30),
        channels: Sequence[str] = ("tg",),
    ) -> list[OutboxItem]:
        """Claim the due notifications of ``channels``: their next attempt moves a lease ahead,
        so another process (or the next round here) does not send them too; a crash re-sends
        after it. A process claims only the channels it can deliver to."""
        due = outbox.due(channels)
        async with self._read() as tx:  # the usual answer, nothing due, needs no write lock
            if not await tx.all(due, *channels, now, 1):
                return []
        async with self._transaction() as tx:
            found = await tx.all(due, *channels, now, limit)
            await outbox.lease(tx, found, now + lease)
        return [outbox.item(r) for r in found]

    async def housekeeping(
        self, now: datetime, policy: Housekeeping, reminder: Reply
    ) -> tuple[int, int]:
        """Reminders to stalled drafts, purge of abandoned ones, of old inbox rows and of the web
        desk's old sign-in links and sessions."""
        async with self._transaction() as tx:
            done = await outbox.housekeeping(tx, now, policy, reminder)
            await inbox.purge(tx, now - inbox.RETENTION)
            await web.purge(tx, now, policy.outbox_after)
        return done

    async def payment_reminders(
        self, now: datetime, month: str, compose: Callable[[Submission], Reply | None]
    ) -> int:
        async with self._transaction() as tx:
            return await reminders.queue_due(tx, now, month, compose)

    # --- officers' exports ------------------------------------------------------------------

    def _export_job(self) -> tuple[Callable[..., int], str]:
        return export_submissions, self.path

    async def close(self) -> None:
        if self._exporter is not None:
            self._exporter.shutdown(wait=True)
        await self.db.close()
