"""PostgreSQL: the pool, the Tx the shared queries run on, and migrations under an advisory lock.

asyncpg has no type stubs; everything it returns is read here and in the other modules of this
package through the narrow ``Row`` / ``Tx`` interface of storage/sql/tx.py.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from importlib import resources
from typing import Any

import asyncpg

from storage.sql.tx import Row

SCHEMES = ("postgresql://", "postgres://")
CONNECT_TIMEOUT_SECONDS = 10.0
# One lock per schema: processes starting together on one database migrate it in turns.
MIGRATION_LOCK = (
    "SELECT pg_advisory_lock(hashtextextended('bpubot:migrate:' || current_schema(), 0))"
)
MIGRATION_UNLOCK = (
    "SELECT pg_advisory_unlock(hashtextextended('bpubot:migrate:' || current_schema(), 0))"
)


def is_postgres_url(url: str) -> bool:
    """Whether ``url`` names a PostgreSQL database."""
    return url.startswith(SCHEMES)


def migrations() -> list[tuple[int, str]]:
    """The numbered SQL files, in order (numbered like SQLite's: 0009 mirrors 0009)."""
    folder = resources.files("storage.postgres") / "migrations"
    found = [
        (int(entry.name.split("_", 1)[0]), entry.read_text(encoding="utf-8"))
        for entry in folder.iterdir()
        if entry.name.endswith(".sql")
    ]
    return sorted(found)


# A single-quoted literal, a double-quoted name, a comment, or a ? placeholder.
_TOKENS = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|--[^\n]*|\?")


@lru_cache(maxsize=2048)
def numbered(sql: str) -> str:
    """The shared queries' ``?`` placeholders as PostgreSQL's ``$1 .. $n`` (quotes skipped)."""
    count = 0

    def number(match: re.Match[str]) -> str:
        nonlocal count
        if match.group(0) != "?":
            return match.group(0)
        count += 1
        return f"${count}"

    return _TOKENS.sub(number, sql)


def changed_rows(status: str) -> int:
    """Rows a statement changed, from its command tag ("UPDATE 3", "INSERT 0 1")."""
    last = status.rsplit(" ", 1)[-1]
    return int(last) if last.isdigit() else 0


class Connection(asyncpg.Connection):  # type: ignore[misc]
    """A pooled connection that is not reset on release.

    asyncpg's pool resets each connection it takes back (UNLISTEN, RESET ALL, advisory unlocks:
    one more round trip per unit of work). Units of work here change no session state and take
    only transaction-scoped locks, so ending an open transaction is all a release needs.
    """

    async def reset(self, *, timeout: float | None = None) -> None:  # noqa: ASYNC109 (asyncpg's)
        if self.is_in_transaction():
            await self.execute("ROLLBACK")


# PostgreSQL's own epoch: timestamptz and date travel as microseconds / days since it.
PG_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)
PG_EPOCH_DATE = date(2000, 1, 1)
MICROSECOND = timedelta(microseconds=1)


def encode_time(value: datetime | str) -> tuple[int]:
    """A time for a timestamptz: an aware datetime, or the UTC ISO text the core sometimes
    carries (a consent time kept in the conversation state), as SQLite takes both."""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return ((moment - PG_EPOCH) // MICROSECOND,)


def decode_time(value: tuple[int]) -> datetime:
    return PG_EPOCH + value[0] * MICROSECOND


def encode_date(value: date | str) -> tuple[int]:
    """A calendar date: a date, or its ISO text."""
    day = date.fromisoformat(value) if isinstance(value, str) else value
    if isinstance(day, datetime):
        day = day.date()
    return ((day - PG_EPOCH_DATE).days,)


def decode_date(value: tuple[int]) -> date:
    return PG_EPOCH_DATE + timedelta(days=value[0])


async def prepare_connection(conn: Any) -> None:
    """Codecs that take what the shared queries pass (see ``encode_time``), in binary."""
    for name, encoder, decoder in (
        ("timestamptz", encode_time, decode_time),
        ("date", encode_date, decode_date),
    ):
        await conn.set_type_codec(
            name, schema="pg_catalog", encoder=encoder, decoder=decoder, format="tuple"
        )


async def create_pool(url: str, min_size: int, max_size: int) -> Any:
    """An asyncpg pool on ``url`` (the schema comes from the URL's options, if any)."""
    return await asyncpg.create_pool(
        url,
        min_size=min_size,
        max_size=max_size,
        timeout=CONNECT_TIMEOUT_SECONDS,
        connection_class=Connection,
        init=prepare_connection,
    )


async def connect(url: str) -> Any:
    """One connection outside the pool (migrations, LISTEN, export, copy)."""
    conn = await asyncpg.connect(url, timeout=CONNECT_TIMEOUT_SECONDS)
    await prepare_connection(conn)
    return conn


async def migrate(conn: Any) -> int:
    """Apply pending migrations, each in its own transaction; returns the schema version.

    The session-level advisory lock makes processes starting together take turns; each one
    reads what is applied only once it holds the lock.
    """
    if await conn.fetchval("SELECT current_schema()") is None:
        path = await conn.fetchval("SHOW search_path")
        raise SchemaMissing(f"no schema of search_path ({path}) exists in this database")
    await conn.execute(MIGRATION_LOCK)
    try:
        await conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            " version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())"
        )
        applied = {r["version"] for r in await conn.fetch("SELECT version FROM schema_migrations")}
        for number, script in migrations():
            if number in applied:
                continue
            async with conn.transaction():
                await conn.execute(script)  # no arguments: the simple protocol, many statements
                await conn.execute("INSERT INTO schema_migrations (version) VALUES ($1)", number)
            applied.add(number)
    finally:
        await conn.execute(MIGRATION_UNLOCK)
    return max(applied, default=0)


class SchemaMissing(Exception):
    """The URL names a schema (search_path) that does not exist."""


class PgTx:
    """storage.sql.tx.Tx over one asyncpg connection (held by one unit of work).

    The shared queries pass values PostgreSQL takes as they are (the columns were chosen so:
    timestamptz for datetimes, date for dates, text where SQLite's code writes text); only
    their ``?`` placeholders are numbered. JSON documents travel as text (asyncpg's default
    for json and jsonb), which storage.sql.tx.as_json reads.
    """

    def __init__(self, conn: Any) -> None:
        self.conn = conn

    @property
    def in_transaction(self) -> bool:
        return bool(self.conn.is_in_transaction())

    async def begin(self) -> None:
        await self.conn.execute("BEGIN")

    async def one(self, sql: str, *args: Any) -> Row | None:
        row: Row | None = await self.conn.fetchrow(numbered(sql), *args)
        return row

    async def all(self, sql: str, *args: Any) -> list[Row]:
        return list(await self.conn.fetch(numbered(sql), *args))

    async def run(self, sql: str, *args: Any) -> int:
        return changed_rows(await self.conn.execute(numbered(sql), *args))

    async def run_many(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        await self.conn.executemany(numbered(sql), [tuple(row) for row in rows])


class PooledTx(PgTx):
    """A PgTx that takes a pooled connection only when a statement needs one (a worker's unit
    of work: most updates run no statement of their own, their save goes with others',
    storage/postgres/saves.py). Outside a transaction the connection goes back to the pool
    after each statement, so nobody holds one while waiting for something else; ``begin``
    keeps it until ``release``, after the unit of work commits or rolls back."""

    def __init__(self, pool: Any) -> None:
        super().__init__(None)
        self.pool = pool

    @property
    def in_transaction(self) -> bool:
        return self.conn is not None and bool(self.conn.is_in_transaction())

    async def release(self) -> None:
        """Give the connection back (an open transaction is rolled back on the way)."""
        if self.conn is not None:
            conn, self.conn = self.conn, None
            await self.pool.release(conn)

    async def begin(self) -> None:
        await self._take()
        await super().begin()

    async def one(self, sql: str, *args: Any) -> Row | None:
        await self._take()
        try:
            return await super().one(sql, *args)
        finally:
            await self._done()

    async def all(self, sql: str, *args: Any) -> list[Row]:
        await self._take()
        try:
            return await super().all(sql, *args)
        finally:
            await self._done()

    async def run(self, sql: str, *args: Any) -> int:
        await self._take()
        try:
            return await super().run(sql, *args)
        finally:
            await self._done()

    async def run_many(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        await self._take()
        try:
            await super().run_many(sql, rows)
        finally:
            await self._done()

    async def _take(self) -> None:
        if self.conn is None:
            self.conn = await self.pool.acquire()

    async def _done(self) -> None:
        if not self.in_transaction:
            await self.release()
