"""SQLite: the connection (WAL, busy timeout, foreign keys), migrations, and the Tx over it."""

from __future__ import annotations

import asyncio
import fcntl
import sqlite3
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime
from importlib import resources
from pathlib import Path
from typing import Any

import aiosqlite

from storage.files import create_private
from storage.sql.tx import Row

BUSY_TIMEOUT_SECONDS = 10.0


def database_path(url: str) -> str:
    """The file of a ``sqlite:///path`` URL (``sqlite:///:memory:`` works too)."""
    prefix = "sqlite:///"
    if not url.startswith(prefix):
        raise ValueError(f"not a sqlite:/// URL: {url.split(':', 1)[0]}")
    return url[len(prefix) :]


def migrations() -> list[tuple[int, str]]:
    """The numbered SQL files, in order."""
    folder = resources.files("storage.sqlite") / "migrations"
    found = [
        (int(entry.name.split("_", 1)[0]), entry.read_text(encoding="utf-8"))
        for entry in folder.iterdir()
        if entry.name.endswith(".sql")
    ]
    return sorted(found)


def _split_statements(script: str) -> Iterable[str]:
    buffer = ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            yield buffer
            buffer = ""


async def migrate(db: aiosqlite.Connection) -> int:
    """Apply pending migrations, each in its own transaction; returns the schema version."""
    async with db.execute("PRAGMA user_version") as cursor:
        row = await cursor.fetchone()
    version = int(row[0]) if row else 0
    for number, script in migrations():
        if number <= version:
            continue
        await db.execute("BEGIN IMMEDIATE")
        try:
            # Re-read inside the lock: another process may have migrated meanwhile.
            async with db.execute("PRAGMA user_version") as cursor:
                row = await cursor.fetchone()
            if row and int(row[0]) >= number:
                await db.execute("ROLLBACK")
                continue
            for statement in _split_statements(script):
                await db.execute(statement)
            await db.execute(f"PRAGMA user_version = {number}")
            await db.execute("COMMIT")
        except BaseException:
            await db.execute("ROLLBACK")
            raise
        version = number
    return version


@asynccontextmanager
async def setup_lock(lock_path: Path) -> AsyncIterator[None]:
    """An exclusive advisory lock on a file beside the database, held across processes."""
    create_private(lock_path)
    with lock_path.open("a") as handle:
        await asyncio.to_thread(fcntl.flock, handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


async def configure(path: str) -> aiosqlite.Connection:
    """Connect, set WAL, synchronous=NORMAL, the busy timeout and foreign keys, and migrate."""
    # isolation_level=None: the sqlite3 module begins no transaction by itself. Every
    # transaction here is an explicit BEGIN IMMEDIATE; a statement outside one commits itself.
    db = await aiosqlite.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT_SECONDS)
    try:
        db.row_factory = sqlite3.Row
        await db.execute("PRAGMA journal_mode = WAL")
        await db.execute("PRAGMA synchronous = NORMAL")
        await db.execute("PRAGMA foreign_keys = ON")
        await migrate(db)
    except BaseException:
        await db.close()
        raise
    return db


_PLAIN = frozenset({str, int, float, bool, type(None), bytes})


def stored(value: Any) -> Any:
    """A Python value as SQLite keeps it: times as UTC ISO text, dates as ISO text."""
    if type(value) in _PLAIN:  # most arguments: no isinstance checks
        return value
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


class SqliteTx:
    """storage.sql.tx.Tx over the one aiosqlite connection (the caller holds the lock).

    Each aiosqlite call is a round trip to its database thread, the main cost of an update:
    a query is one execute_fetchall (execute + fetch + close would be three).
    """

    def __init__(self, db: aiosqlite.Connection) -> None:
        self.db = db

    @property
    def in_transaction(self) -> bool:
        return self.db.in_transaction

    async def begin(self) -> None:
        await self.db.execute("BEGIN IMMEDIATE")

    async def one(self, sql: str, *args: Any) -> Row | None:
        found = await self.db.execute_fetchall(sql, [stored(a) for a in args])
        return next(iter(found), None)

    async def all(self, sql: str, *args: Any) -> list[Row]:
        return list(await self.db.execute_fetchall(sql, [stored(a) for a in args]))

    async def run(self, sql: str, *args: Any) -> int:
        cursor = await self.db.execute(sql, [stored(a) for a in args])
        return int(cursor.rowcount)

    async def run_many(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        await self.db.executemany(sql, [[stored(a) for a in row] for row in rows])
