"""The repository both backends share: every call of bot.ports.Repository but the units of work.

A backend gives it two things: its units of work (``_read``: statements that commit themselves;
``_transaction``; ``worker`` and ``officer``; the export's process job; ``close``), which its
repository class implements, and its Dialect (storage/sql/dialect.py), the one place where its
SQL differs. A backend's repository overrides none of the statements here.
"""

from __future__ import annotations

import asyncio
import multiprocessing
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import AbstractAsyncContextManager
from datetime import date, datetime, timedelta
from pathlib import Path

from bot.domain import BranchScope, ExportFilter, Housekeeping, Officer, Role, Submission
from bot.identity import TELEGRAM, person_key
from bot.messages import Reply
from bot.ports import InboxItem, OutboxItem, SetAside
from storage.sql import identities, inbox, outbox, reminders, web
from storage.sql.cache import StateCache
from storage.sql.dialect import Dialect
from storage.sql.officers import SqlOfficerUnit
from storage.sql.tx import Tx


class SqlRepository:
    """bot.ports.Repository over a backend's units of work and Dialect (see the docstring)."""

    def __init__(self, dialect: Dialect) -> None:
        self.dialect = dialect
        self.cache = StateCache()  # storage/sql/cache.py
        self._exporter: ProcessPoolExecutor | None = None  # started on the first export

    def _export_job(self) -> tuple[Callable[..., int], str]:
        """The backend's export function and the database it opens on its own (a file, a URL)."""
        raise NotImplementedError

    def _read(self) -> AbstractAsyncContextManager[Tx]:
        raise NotImplementedError

    def _transaction(self) -> AbstractAsyncContextManager[Tx]:
        raise NotImplementedError

    def officer(self) -> AbstractAsyncContextManager[SqlOfficerUnit]:
        raise NotImplementedError

    # --- the inbox --------------------------------------------------------------------------

    async def inbox_receive(
        self, items: Sequence[InboxItem], lease: timedelta, owner: str
    ) -> list[bool]:
        if not items:
            return []
        until = max(i.received_at for i in items) + lease
        sources = self.dialect.received_rows(items)
        # The usual batch is one self-committing statement; a bigger one, one transaction.
        scope = self._read if len(sources) == 1 else self._transaction
        async with scope() as tx:
            fresh = await inbox.receive(tx, sources, items, until, owner)
        inbox.remember_fresh(self.cache, items, fresh)
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
            await self.dialect.take_turns(tx, "inbox")  # one chat's rows are never split
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
                await inbox.mark_answered(tx, self.dialect, channel, update_keys, now)

    async def inbox_pending(self) -> int:
        async with self._read() as tx:
            return await inbox.pending(tx)

    async def last_received(self, channel: str, chat: str) -> datetime | None:
        async with self._read() as tx:
            return await inbox.last_received(tx, channel, chat)

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
        due, args = outbox.due(self.dialect, channels)
        async with self._read() as tx:
            # The usual answer, nothing due, needs no write (SQLite: no write lock).
            if not await tx.all(due, *args, now, 1):
                return []
            claim = outbox.claim(due, self.dialect)
            found = await tx.all(claim, now + lease, *args, now, limit)
        return [outbox.item(r) for r in sorted(found, key=outbox.in_turn)]

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

    async def housekeeping(
        self, now: datetime, policy: Housekeeping, reminder: Reply
    ) -> tuple[int, int]:
        """Reminders to stalled drafts, purge of abandoned ones, of old inbox rows and of the web
        desk's old sign-in links and sessions (one process at a time: a worker is reminded
        once)."""
        async with self._transaction() as tx:
            await self.dialect.take_turns(tx, "housekeeping")
            done = await outbox.housekeeping(tx, now, policy, reminder)
            await inbox.purge(tx, now - inbox.RETENTION)
            await web.purge(tx, now, policy.outbox_after)
        return done

    async def payment_reminders(
        self, now: datetime, month: str, compose: Callable[[Submission], Reply | None]
    ) -> int:
        """This month's payment reminders, queued once whichever process looks first."""
        async with self._transaction() as tx:
            await self.dialect.take_turns(tx, "reminders")
            return await reminders.queue_due(tx, now, month, compose)

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
        branches: BranchScope,
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
        return await asyncio.get_running_loop().run_in_executor(
            self._exporter, export_submissions, database, branches, chosen, fmt, str(out), on
        )
