"""The PostgreSQL implementation of bot.ports.Repository, for several processes on several hosts.

Each unit of work takes a connection from an asyncpg pool when it needs one. A worker's common
update is, as on SQLite, a read (skipped when this process saved the state last) and one
self-committing compare-and-set upsert, which goes in one statement with the other saves
waiting at that moment (storage/postgres/saves.py); anything more is one transaction with row
locks (storage/postgres/workers.py).
Officer commands are one transaction each. Outbox rows are claimed with ``FOR UPDATE SKIP
LOCKED`` in one self-committing statement, so processes never wait for each other's claims; a new
notification wakes every process's delivery loop through LISTEN/NOTIFY. Inbox claims (rare, and
in order per chat) take turns under an advisory lock (storage/sql/inbox.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from typing import Any

from bot.domain import Housekeeping, Submission
from bot.messages import Reply
from bot.ports import InboxItem, OutboxItem
from storage.postgres.connection import PgTx, PooledTx, connect, create_pool, migrate
from storage.postgres.export import export_submissions
from storage.postgres.saves import SaveBatches
from storage.postgres.workers import PgWorkerSession
from storage.sql import inbox, outbox, reminders, web
from storage.sql.cache import StateCache
from storage.sql.officers import OfficerSession
from storage.sql.shared import SharedStatements

log = logging.getLogger(__name__)

OUTBOX_CHANNEL = "bpubot_outbox"  # the NOTIFY of migration 0001's trigger; payload: the schema

# Claims in one statement: the rows no other process holds, leased to this one, returned.
CLAIM_OUTBOX = (
    "UPDATE outbox SET next_attempt_at = $3 WHERE id IN ("
    " SELECT id FROM outbox WHERE status = 'pending' AND next_attempt_at <= $1"
    " AND channel = ANY($4::text[]) ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED)"
    " RETURNING id, channel, user_id, lang, payload, attempts"
)
# Claims take turns (a claim is rare: every second, and mostly finds nothing), so two processes
# never split one chat's rows between them.
CLAIM_INBOX_LOCK = (
    "SELECT pg_advisory_xact_lock(hashtextextended('bpubot:inbox:' || current_schema(), 0))"
)
# Updates received together, in one statement whatever their number: arrays, not a VALUES row
# per update (one statement text for every batch size, prepared once per connection; text
# arrays need no type look-up).
# A new row is held by its receiver ($7) unless its chat has an older row not applied yet and held
# by someone else or by nobody (storage/sql/inbox.py, ``receive``).
RECEIVE_INBOX = (
    "INSERT INTO inbox (channel, update_key, chat, payload, received_at, lease_until, owner)"
    " SELECT v.channel, v.update_key, v.chat, v.payload, v.received_at::timestamptz, $6,"
    " CASE WHEN EXISTS (SELECT 1 FROM inbox o WHERE o.channel = v.channel AND o.chat = v.chat"
    " AND o.answered_at IS NULL AND o.applied_at IS NULL AND o.set_aside_at IS NULL"
    " AND o.owner IS DISTINCT FROM $7::text)"
    " THEN NULL ELSE $7::text END FROM"
    " unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[])"
    " AS v (channel, update_key, chat, payload, received_at)"
    " ON CONFLICT (channel, update_key) DO NOTHING RETURNING channel, update_key, owner"
)
ANSWERED_INBOX = (
    "UPDATE inbox SET answered_at = $1, applied_at = coalesce(applied_at, $1), payload = NULL"
    " WHERE channel = $2 AND update_key = ANY($3::text[])"
)
OFFICER_BEGIN = "BEGIN; SET LOCAL plan_cache_mode = force_custom_plan"
# Two processes' housekeeping must not both remind the same stalled worker.
HOUSEKEEPING_LOCK = (
    "SELECT pg_advisory_xact_lock(hashtextextended('bpubot:housekeeping:' || current_schema(), 0))"
)
PAYMENT_REMINDERS_LOCK = (
    "SELECT pg_advisory_xact_lock(hashtextextended('bpubot:reminders:' || current_schema(), 0))"
)


class PostgresRepository(SharedStatements):
    """Storage on a PostgreSQL database (``DATABASE_URL=postgresql://...``)."""

    claim_lock = CLAIM_INBOX_LOCK

    def __init__(self, pool: Any, url: str, schema: str) -> None:
        self.pool = pool
        self.url = url
        self.schema = schema
        self._exporter: ProcessPoolExecutor | None = None
        self._listener: Any = None
        self._outbox_woken = asyncio.Event()
        self.cache = StateCache()  # storage/sql/cache.py
        self.saves = SaveBatches(pool)  # storage/postgres/saves.py

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
    ) -> AsyncIterator[PgWorkerSession]:
        """One worker update: a read and a compare-and-set save, or, once the flow needs more,
        one transaction. Raises StaleConversation when another process saved this worker's
        state in between: the caller runs the update again."""
        tx = PooledTx(self.pool)
        session = PgWorkerSession(tx, channel, user_id, update_key, self.cache)
        session.saves = self.saves
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
    async def officer(self) -> AsyncIterator[OfficerSession]:
        """One officer command as one transaction, planned for its own arguments.

        asyncpg keeps statements prepared; after five runs PostgreSQL may switch one to a generic
        plan, blind to its arguments. For /cari by name that plan can walk the primary key
        backwards hoping for an early match (ORDER BY id DESC LIMIT) and read the whole table for
        a rare name; planned with the pattern, it reads the trigram index. Officer commands are
        few, so each is planned for what it asks (set in BEGIN's own round trip).
        """
        async with self._transaction(OFFICER_BEGIN) as tx:
            yield OfficerSession(tx)

    # --- the inbox --------------------------------------------------------------------------

    async def inbox_receive(
        self, items: Sequence[InboxItem], lease: timedelta, owner: str
    ) -> list[bool]:
        """Store updates (one self-committing statement); True for each one stored now."""
        if not items:
            return []
        until = max(i.received_at for i in items) + lease
        async with self.pool.acquire() as conn:
            rows = await conn.fetch(
                RECEIVE_INBOX,
                [i.channel for i in items],
                [i.update_key for i in items],
                [i.chat for i in items],
                [i.payload for i in items],
                [i.received_at.isoformat() for i in items],
                until,
                owner,
            )
        fresh = inbox.newly_stored(items, inbox.held(rows))
        inbox.remember_fresh(self.cache, items, fresh)
        return fresh

    async def inbox_answered(
        self, channel: str, update_keys: Sequence[str], now: datetime
    ) -> None:
        if update_keys:
            async with self.pool.acquire() as conn:
                await conn.execute(ANSWERED_INBOX, now, channel, list(update_keys))

    # --- the outbox -------------------------------------------------------------------------

    async def due_notifications(
        self,
        now: datetime,
        limit: int,
        lease: timedelta = timedelta(seconds=30),
        channels: Sequence[str] = ("tg",),
    ) -> list[OutboxItem]:
        """Claim the due notifications of ``channels`` no other process holds: their next
        attempt moves a lease ahead (a crash re-sends after it). A process claims only the
        channels it can deliver to."""
        async with self.pool.acquire() as conn:
            found = await conn.fetch(CLAIM_OUTBOX, now, limit, now + lease, list(channels))
        return [outbox.item(r) for r in sorted(found, key=lambda r: int(r["id"]))]

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

    async def housekeeping(
        self, now: datetime, policy: Housekeeping, reminder: Reply
    ) -> tuple[int, int]:
        """Reminders to stalled drafts, purge of abandoned ones, of old inbox rows and of the web
        desk's old sign-in links and sessions."""
        async with self._transaction() as tx:
            await tx.one(HOUSEKEEPING_LOCK)
            done = await outbox.housekeeping(tx, now, policy, reminder)
            await inbox.purge(tx, now - inbox.RETENTION)
            await web.purge(tx, now, policy.outbox_after)
        return done

    async def payment_reminders(
        self, now: datetime, month: str, compose: Callable[[Submission], Reply | None]
    ) -> int:
        """This month's payment reminders, queued once whichever process looks first."""
        async with self._transaction() as tx:
            await tx.one(PAYMENT_REMINDERS_LOCK)
            return await reminders.queue_due(tx, now, month, compose)

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
