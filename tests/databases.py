"""The test databases on either backend, and reading them directly, as an inspector would.

SQLite: a file in the test's tmp_path. PostgreSQL: a schema in the database of
``TEST_POSTGRES_URL`` (default below), named in the URL's options (``search_path``): one per test
session, migrated once and emptied before each test (every row deleted, identities restarted:
15 ms, where a fresh schema and its migrations took 250), dropped at the end; tests about
migrations make schemas of their own. When no server answers, PostgreSQL tests are skipped
with a one-line reason, except under ``CI=true``, where they fail.

``query`` and ``execute`` take ``?`` placeholders on both backends and give rows back as SQLite
would (times as UTC ISO text, dates as ISO text, booleans as 0/1, JSON as its text), so a test
compares the same values whichever backend it runs on.
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
import sys
import uuid
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, TypeVar
from urllib.parse import quote

import asyncpg

from storage.postgres.connection import numbered
from storage.sqlite import database_path

T = TypeVar("T")
DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/test"
BACKENDS = ("sqlite", "postgresql")


def postgres_server_url() -> str:
    """The server the PostgreSQL tests use."""
    return os.environ.get("TEST_POSTGRES_URL") or DEFAULT_POSTGRES_URL


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def run_sync(make: Callable[[], Awaitable[T]]) -> T:
    """Run a coroutine to the end from sync code, even inside a running event loop (a thread
    with a loop of its own: the test's loop just waits, as it would for a sqlite3 call)."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(lambda: asyncio.run(_awaited(make))).result()


async def _awaited(make: Callable[[], Awaitable[T]]) -> T:
    return await make()


def postgres_problem(url: str) -> str | None:
    """Why the server at ``url`` cannot be used for tests (None: it can)."""

    async def probe() -> None:
        conn = await asyncpg.connect(url, timeout=3)
        try:
            # pg_trgm once, in public: per-test schemas must not own the extension (dropping one
            # would drop the extension under the others' indexes).
            await conn.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public")
        finally:
            await conn.close()

    try:
        run_sync(probe)
    except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as error:
        return f"{type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}"
    return None


def schema_url(server: str, schema: str) -> str:
    """``server``'s URL with ``schema`` as the search_path (libpq's ``options``, which asyncpg
    and psql read alike)."""
    separator = "&" if "?" in server else "?"
    return f"{server}{separator}options={quote(f'-csearch_path={schema}', safe='')}"


def new_schema(server: str, prefix: str = "t") -> str:
    """Create an empty schema; returns its name."""
    schema = f"{prefix}_{uuid.uuid4().hex[:12]}"
    _admin(server, f'CREATE SCHEMA "{schema}"')
    return schema


def drop_schema(server: str, schema: str) -> None:
    """Drop a test's schema with everything in it."""
    _admin(server, f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def migrate_schema(url: str) -> str:
    """Migrate the (empty) schema of ``url``; returns the SQL that empties it again."""
    from storage.postgres import PostgresRepository

    async def go() -> str:
        repo = await PostgresRepository.open(url, 1, 1)
        await repo.close()
        conn = await asyncpg.connect(url, timeout=10)
        try:
            tables = [
                r["tablename"]
                for r in await conn.fetch(
                    "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
                    " AND tablename <> 'schema_migrations'"
                )
            ]
            edges = await conn.fetch(
                "SELECT conrelid::regclass::text AS child, confrelid::regclass::text AS parent"
                " FROM pg_constraint WHERE contype = 'f'"
                " AND connamespace = current_schema()::regnamespace"
            )
            identities = await conn.fetch(
                "SELECT table_name, column_name FROM information_schema.columns"
                " WHERE table_schema = current_schema() AND is_identity = 'YES'"
            )
        finally:
            await conn.close()
        parents = {t: {e["parent"] for e in edges if e["child"] == t} for t in tables}
        children_first: list[str] = []
        while parents:  # a table is emptied before the tables its foreign keys name
            ready = sorted(t for t in parents if not any(t in needs for needs in parents.values()))
            children_first += ready
            for table in ready:
                del parents[table]
        deletes = " ".join(f'DELETE FROM "{t}";' for t in children_first)
        restarts = " ".join(
            f"SELECT setval(pg_get_serial_sequence('\"{r['table_name']}\"',"
            f" '{r['column_name']}'), 1, false);"
            for r in identities
        )
        return f"{deletes} {restarts}"

    return run_sync(go)


def empty_schema(url: str, reset: str) -> None:
    """Delete every row of the session's schema (``reset`` from ``migrate_schema``)."""
    _admin(url, reset)


def _admin(server: str, sql: str) -> None:
    async def go() -> None:
        conn = await asyncpg.connect(server, timeout=10)
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    run_sync(go)


def sqlite_like(value: Any) -> Any:
    """A PostgreSQL value as SQLite would give it back."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def query_url(url: str, sql: str, *args: Any) -> list[tuple[Any, ...]]:
    """Rows of ``sql`` read directly from the database at ``url``."""
    if url.startswith("sqlite:///"):
        with sqlite3.connect(database_path(url), timeout=10) as db:
            found = db.execute(sql, args).fetchall()
        db.close()
        return found

    async def fetch() -> list[tuple[Any, ...]]:
        conn = await asyncpg.connect(url, timeout=10)
        try:
            rows = await conn.fetch(numbered(sql), *args)
        finally:
            await conn.close()
        return [tuple(sqlite_like(v) for v in row.values()) for row in rows]

    return run_sync(fetch)


def execute_url(url: str, sql: str, *args: Any) -> int:
    """Run one statement directly on the database at ``url``; returns the rows it changed."""
    if url.startswith("sqlite:///"):
        with sqlite3.connect(database_path(url), timeout=10) as db:
            changed = db.execute(sql, args).rowcount
        db.close()
        return changed

    async def run() -> int:
        conn = await asyncpg.connect(url, timeout=10)
        try:
            status = await conn.execute(numbered(sql), *args)
        finally:
            await conn.close()
        last = str(status).rsplit(" ", 1)[-1]
        return int(last) if last.isdigit() else 0

    return run_sync(run)


def columns_url(url: str, table: str) -> list[str]:
    """A table's columns, in order."""
    if url.startswith("sqlite:///"):
        return [str(r[1]) for r in query_url(url, f"PRAGMA table_info({table})")]
    found = query_url(
        url,
        "SELECT column_name FROM information_schema.columns"
        " WHERE table_schema = current_schema() AND table_name = ? ORDER BY ordinal_position",
        table,
    )
    return [str(r[0]) for r in found]


def main() -> int:
    """``python -m tests.databases``: whether the PostgreSQL test server answers (for CI)."""
    url = postgres_server_url()
    problem = postgres_problem(url)
    if problem is not None:
        print(f"PostgreSQL at {url} does not answer: {problem}", file=sys.stderr)
        return 1
    print(f"PostgreSQL at {url} answers.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
