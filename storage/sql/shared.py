"""What both repositories do alike: the statements that need nothing of a backend but its
``_read`` (one self-committing statement), ``_transaction`` and ``officer`` units of work."""

from __future__ import annotations

import asyncio
import multiprocessing
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import AbstractAsyncContextManager
from datetime import date, datetime, timedelta
from pathlib import Path

from bot.domain import ExportFilter, Officer, Role
from bot.identity import TELEGRAM, person_key
from bot.ports import InboxItem, SetAside
from storage.sql import identities, inbox, outbox
from storage.sql.cache import StateCache
from storage.sql.inbox import remember_fresh
from storage.sql.officers import OfficerSession
from storage.sql.tx import Tx


class SharedStatements:
    """Mixed into SqliteRepository and PostgresRepository, which provide the units of work."""

    cache: StateCache
    # A statement taking the inbox claims' lock in the claiming transaction (PostgreSQL: several
    # processes claim at once; SQLite's BEGIN IMMEDIATE already makes them take turns).
    claim_lock: str | None = None
    _exporter: ProcessPoolExecutor | None  # started on the first export, shut down at close

    def _export_job(self) -> tuple[Callable[..., int], str]:
        """The backend's export function and the database it opens on its own (a file, a URL)."""
        raise NotImplementedError

    def _read(self) -> AbstractAsyncContextManager[Tx]:
        raise NotImplementedError

    def _transaction(self) -> AbstractAsyncContextManager[Tx]:
        raise NotImplementedError

    def officer(self) -> AbstractAsyncContextManager[OfficerSession]:
        raise NotImplementedError

    # --- the inbox --------------------------------------------------------------------------

    async def inbox_receive(
        self, items: Sequence[InboxItem], lease: timedelta, owner: str
    ) -> list[bool]:
        if not items:
            return []
        until = max(i.received_at for i in items) + lease
        # The usual batch is one self-committing statement; a bigger one, one transaction.
        scope = self._read if inbox.one_statement(items) else self._transaction
        async with scope() as tx:
            fresh = await inbox.receive(tx, items, until, owner)
        remember_fresh(self.cache, items, fresh)
        return fresh

    async def inbox_claim(
        self,
        channel: str,
        now: datetime,
        limit: int,
        lease: timedelta,
        owner: str,
        alive_since: datetime,
    ) -> tuple[list[InboxItem], list[str]]:
        async with self._read() as tx:  # the usual answer, nothing left behind, needs no lock
            if not await inbox.any_takeable(tx, channel, now, alive_since):
                return [], []
        async with self._transaction() as tx:
            if self.claim_lock is not None:
                await tx.run(self.claim_lock)
            return await inbox.claim(tx, channel, now, alive_since, limit, now + lease, owner)

    async def inbox_extend(
        self, channel: str, update_keys: Sequence[str], until: datetime
    ) -> None:
        if update_keys:
            async with self._read() as tx:
                await inbox.extend(tx, channel, update_keys, until)

    async def inbox_failed(self, channel: str, update_key: str, error: str, now: datetime) -> bool:
        async with self._transaction() as tx:
            return await inbox.failed(tx, channel, update_key, error, now)

    async def inbox_set_aside_new(self, item: InboxItem, error: str, now: datetime) -> None:
        async with self._read() as tx:
            await inbox.set_aside_new(tx, item, error, now)

    async def inbox_set_aside(self) -> int:
        async with self._read() as tx:
            return await inbox.set_aside(tx)

    async def inbox_set_aside_list(self, limit: int) -> list[SetAside]:
        async with self._read() as tx:
            return await inbox.set_aside_rows(tx, limit)

    async def inbox_retry(self, update_keys: Sequence[str] | None) -> int:
        async with self._read() as tx:
            return await inbox.retry(tx, update_keys)

    async def process_beat(self, process: str, host: str, pid: int, now: datetime) -> None:
        async with self._read() as tx:
            await inbox.beat(tx, process, host, pid, now)

    async def processes_on(self, host: str) -> list[tuple[str, int]]:
        async with self._read() as tx:
            return await inbox.on_host(tx, host)

    async def processes_gone(self, processes: Sequence[str], now: datetime) -> None:
        async with self._read() as tx:
            await inbox.gone(tx, processes, now - inbox.PROCESS_RETENTION)

    async def inbox_answered(
        self, channel: str, update_keys: Sequence[str], now: datetime
    ) -> None:
        if update_keys:
            async with self._read() as tx:  # one self-committing statement
                await inbox.mark_answered(tx, channel, update_keys, now)

    async def inbox_pending(self) -> int:
        async with self._read() as tx:
            return await inbox.pending(tx)

    async def last_received(self, channel: str, chat: str) -> datetime | None:
        async with self._read() as tx:
            return await inbox.last_received(tx, channel, chat)

    # --- the outbox -------------------------------------------------------------------------

    async def keep_claimed(self, item_ids: Sequence[int], until: datetime) -> None:
        if item_ids:
            async with self._read() as tx:
                await outbox.keep_claimed(tx, item_ids, until)

    async def mark_sent(self, item_id: int, now: datetime, sent_as: str | None = None) -> None:
        async with self._read() as tx:
            await outbox.mark_sent(tx, item_id, now, sent_as)

    async def mark_failed_later(self, channel: str, sent_as: str, error: str) -> bool:
        async with self._read() as tx:
            return await outbox.mark_failed_later(tx, channel, sent_as, error)

    async def mark_failed(
        self, item_id: int, error: str, retry_at: datetime | None, now: datetime
    ) -> None:
        async with self._read() as tx:
            await outbox.mark_failed(tx, item_id, error, retry_at, now)

    async def invitation_statuses(self, updates: Sequence[tuple[str, str]], now: datetime) -> int:
        if not updates:
            return 0
        async with self._read() as tx:  # most statuses are of replies: one read, no write
            if not await outbox.invitations_among(tx, [wamid for wamid, _ in updates]):
                return 0
        async with self._transaction() as tx:
            return await outbox.invitation_statuses(tx, updates, now)

    async def invitations_sent_since(self, since: datetime, limit: int) -> list[datetime]:
        async with self._read() as tx:
            return await outbox.invitations_sent_since(tx, since, limit)

    async def outbox_backlog(self) -> int:
        async with self._read() as tx:
            return await outbox.backlog(tx)

    # --- identities -------------------------------------------------------------------------

    async def move_worker(self, channel: str, old: str, new: str) -> bool:
        """Everything keyed by (channel, old) now keyed by (channel, new), atomically; False
        when nothing was (the common case: one indexed read, no transaction)."""
        async with self._read() as tx:
            if not await identities.holds_anything(tx, channel, old):
                return False
        async with self._transaction() as tx:
            await identities.move(tx, channel, old, new)
        self.cache.forget(channel, old)
        self.cache.forget(channel, new)
        return True

    # --- officers ---------------------------------------------------------------------------

    async def bootstrap_admins(
        self, user_ids: tuple[int, ...], now: datetime, channel: str = TELEGRAM
    ) -> None:
        """OFFICER_IDS (Telegram user ids) are admins of every branch, whatever the table says;
        ``channel`` names another officer channel (the terminal's local trial)."""
        async with self.officer() as session:
            session.restrict(None)
            for user_id in user_ids:
                key = person_key(channel, str(user_id))
                await session.save_officer(Officer(key, Role.ADMIN), "OFFICER_IDS", now)

    async def officer_ids(self) -> frozenset[str]:
        """Every officer's key, ``<channel>:<id>`` (a cheap read, no transaction)."""
        async with self._read() as tx:
            found = await tx.all("SELECT user_id FROM officers")
        return frozenset(str(r["user_id"]) for r in found)

    async def has_dialog(self, user_id: str) -> bool:
        """Whether an officer is in the middle of a dialog (a cheap read, no transaction)."""
        async with self._read() as tx:
            return (
                await tx.one("SELECT 1 AS hit FROM officer_dialogs WHERE user_id = ?", user_id)
                is not None
            )

    # --- exports ----------------------------------------------------------------------------

    async def export(
        self,
        branches: tuple[str, ...] | None,
        chosen: ExportFilter,
        fmt: str,
        out: Path,
        on: date,
    ) -> int:
        """Write an export in a worker process with its own connection (storage.export,
        storage.postgres.export), so nobody else waits; returns the row count."""
        if self._exporter is None:
            # Spawned, not forked: the child must not inherit the event loop or the connection.
            context = multiprocessing.get_context("spawn")
            self._exporter = ProcessPoolExecutor(max_workers=1, mp_context=context)
        export_submissions, database = self._export_job()
        scope = list(branches) if branches is not None else None
        return await asyncio.get_running_loop().run_in_executor(
            self._exporter, export_submissions, database, scope, chosen, fmt, str(out), on
        )
