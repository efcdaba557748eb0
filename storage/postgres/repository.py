"""The PostgreSQL implementation of bot.ports.Repository, for several processes on several hosts.

The shared repository (storage/sql/repository.py) in PostgreSQL's dialect
(storage/postgres/dialect.py: its row and advisory locks, its statements), over an asyncpg pool:
each unit of work takes a connection when it needs one. A worker's common update is, as on
SQLite, a read (skipped when this process saved the state last) and one self-committing
compare-and-set upsert, which goes in one statement with the other saves waiting at that moment
(storage/postgres/saves.py); anything more is one transaction. Officer commands are one
transaction each. A new notification wakes every process's delivery loop through LISTEN/NOTIFY.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from storage.postgres.connection import PgTx, PooledTx, connect, create_pool, migrate
from storage.postgres.dialect import PostgresDialect
from storage.postgres.export import export_submissions
from storage.postgres.saves import SaveBatches
from storage.sql.officers import SqlOfficerUnit
from storage.sql.repository import SqlRepository
from storage.sql.workers import SqlWorkerUnit

log = logging.getLogger(__name__)

OUTBOX_CHANNEL = "bpubot_outbox"  # the NOTIFY of migration 0001's trigger; payload: the schema
OFFICER_BEGIN = "BEGIN; SET LOCAL plan_cache_mode = force_custom_plan"


class PostgresRepository(SqlRepository):
    """Storage on a PostgreSQL database (``DATABASE_URL=postgresql://...``)."""

    def __init__(self, pool: Any, url: str, schema: str) -> None:
        self.saves = SaveBatches(pool)  # storage/postgres/saves.py
        super().__init__(PostgresDialect(self.saves))
        self.pool = pool
        self.url = url
        self.schema = schema
        self._listener: Any = None
        self._outbox_woken = asyncio.Event()

    @classmethod
    async def open(cls, url: str, pool_min: int = 2, pool_max: int = 10) -> PostgresRepository:
        """Migrate (processes starting together take turns), then open the pool."""
        conn = await connect(url)
        try:
            await migrate(conn)
            schema = str(await conn.fetchval("SELECT current_schema()"))
        finally:
            await conn.close()
        pool = await create_pool(url, min(pool_min, pool_max), pool_max)
        return cls(pool, url, schema)

    # --- units of work ----------------------------------------------------------------------

    @asynccontextmanager
    async def _transaction(self, begin: str = "BEGIN") -> AsyncIterator[PgTx]:
        async with self.pool.acquire() as conn:
            await conn.execute(begin)
            try:
                yield PgTx(conn)
            except BaseException:
                await _rollback(conn)
                raise
            await conn.execute("COMMIT")

    @asynccontextmanager
    async def _read(self) -> AsyncIterator[PgTx]:
        """Statements that commit themselves (one statement sees one snapshot)."""
        async with self.pool.acquire() as conn:
            yield PgTx(conn)

    @asynccontextmanager
    async def worker(
        self, channel: str, user_id: str, update_key: str | None = None
    ) -> AsyncIterator[SqlWorkerUnit]:
        """One worker update: a read and a compare-and-set save, or, once the flow needs more,
        one transaction. Raises StaleConversation when another process saved this worker's
        state in between: the caller runs the update again."""
        tx = PooledTx(self.pool)
        session = SqlWorkerUnit(tx, self.dialect, channel, user_id, update_key, self.cache)
        try:
            try:
                yield session
            except BaseException:
                self.cache.forget(channel, user_id)
                if tx.in_transaction:
                    await _rollback(tx.conn)
                raise
            if tx.in_transaction:
                await tx.conn.execute("COMMIT")
        finally:
            await tx.release()
        session.committed()

    @asynccontextmanager
    async def officer(self) -> AsyncIterator[SqlOfficerUnit]:
        """One officer command as one transaction, planned for its own arguments.

        asyncpg keeps statements prepared; after five runs PostgreSQL may switch one to a generic
        plan, blind to its arguments. For /cari by name that plan can walk the primary key
        backwards hoping for an early match (ORDER BY id DESC LIMIT) and read the whole table for
        a rare name; planned with the pattern, it reads the trigram index. Officer commands are
        few, so each is planned for what it asks (set in BEGIN's own round trip).
        """
        async with self._transaction(OFFICER_BEGIN) as tx:
            yield SqlOfficerUnit(tx)

    # --- the outbox -------------------------------------------------------------------------

    async def wait_for_outbox(self, seconds: float) -> bool:
        """Until a notification is queued (by any process) or ``seconds`` pass.

        True when woken. The delivery loop calls this between rounds instead of sleeping, so
        a decision's notification goes out as soon as its transaction commits.
        """
        await self._listen()
        try:
            await asyncio.wait_for(self._outbox_woken.wait(), seconds)
        except TimeoutError:
            return False
        self._outbox_woken.clear()
        return True

    async def _listen(self) -> None:
        """LISTEN on a connection of its own (pooled ones are shared); reconnect when lost."""
        if self._listener is not None and not self._listener.is_closed():
            return
        try:
            conn = await connect(self.url)
        except Exception:
            log.warning("cannot LISTEN for new notifications; polling only", exc_info=True)
            return

        def heard(_conn: Any, _pid: int, _channel: str, payload: str) -> None:
            if payload == self.schema:
                self._outbox_woken.set()

        def lost(_conn: Any) -> None:
            self._outbox_woken.set()  # anything may have been queued meanwhile: look once

        await conn.add_listener(OUTBOX_CHANNEL, heard)
        conn.add_termination_listener(lost)
        self._listener = conn

    # --- officers' exports ------------------------------------------------------------------

    def _export_job(self) -> tuple[Callable[..., int], str]:
        return export_submissions, self.url

    async def close(self) -> None:
        if self._exporter is not None:
            self._exporter.shutdown(wait=True)
        if self._listener is not None:
            with contextlib.suppress(Exception):
                await self._listener.close()
        await self.pool.close()


async def _rollback(conn: Any) -> None:
    """End a failed transaction; a connection too broken for that is dropped by the pool."""
    with contextlib.suppress(Exception):
        await conn.execute("ROLLBACK")
