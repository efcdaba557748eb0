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
from bot.ports import InboxItem
from storage.sql import identities, inbox, outbox
from storage.sql.inbox import remember_fresh
from storage.sql.memory import RecentStates
from storage.sql.officers import OfficerSession
from storage.sql.tx import Tx


class SharedStatements:
    """Mixed into SqliteRepository and PostgresRepository, which provide the units of work."""

    memory: RecentStates
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

    async def inbox_receive(self, items: Sequence[InboxItem], lease: timedelta) -> list[bool]:
        if not items:
            return []
        until = max(i.received_at for i in items) + lease
        # The usual batch is one self-committing statement; a bigger one, one transaction.
        scope = self._read if inbox.one_statement(items) else self._transaction
        async with scope() as tx:
            fresh = await inbox.receive(tx, items, until)
        remember_fresh(self.memory, items, fresh)
        return fresh

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
        self.memory.forget(channel, old)
        self.memory.forget(channel, new)
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
