"""Where the benchmarks keep their databases: SQLite files, or schemas in a PostgreSQL database.

``--database`` picks the backend by its URL's scheme: ``sqlite`` (or any ``sqlite:///`` URL; the
default) makes each measurement a fresh file in a temporary directory; a ``postgresql://`` URL
makes each one a fresh schema in that database (named in the URL's options, as the tests do),
dropped at the end. Everything here reads and writes outside the repository API: bulk seeding,
checking what was stored, sizes, server CPU.
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
import uuid
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

import asyncpg

from storage.postgres.connection import connect, numbered
from storage.sqlite import database_path


class Target:
    """Fresh databases of one backend, each forgotten (file removed, schema dropped) at close."""

    def __init__(self, database: str, directory: Path) -> None:
        self.server = database
        self.directory = directory
        self.backend = (
            "postgresql" if database.startswith(("postgresql:", "postgres:")) else "sqlite"
        )
        self.schemas: list[str] = []

    @property
    def label(self) -> str:
        return "PostgreSQL" if self.backend == "postgresql" else "SQLite"

    async def fresh(self, name: str) -> str:
        """The URL of a new, empty database (the repository migrates it when it opens)."""
        if self.backend == "sqlite":
            return f"sqlite:///{self.directory / f'{name}-{uuid.uuid4().hex[:6]}.db'}"
        schema = f"bench_{name.replace('-', '_')}_{uuid.uuid4().hex[:8]}"
        conn = await asyncpg.connect(self.server)
        try:
            await conn.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public")
            await conn.execute(f'CREATE SCHEMA "{schema}"')
        finally:
            await conn.close()
        self.schemas.append(schema)
        separator = "&" if "?" in self.server else "?"
        return f"{self.server}{separator}options={quote(f'-csearch_path={schema}', safe='')}"

    async def close(self) -> None:
        if not self.schemas:
            return
        conn = await asyncpg.connect(self.server)
        try:
            for schema in self.schemas:
                await conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        finally:
            await conn.close()
        self.schemas.clear()


async def rows(url: str, sql: str, *args: Any) -> list[tuple[Any, ...]]:
    """Every row of ``sql`` (``?`` placeholders) on either backend."""
    if url.startswith("sqlite:"):

        def read() -> list[tuple[Any, ...]]:
            db = sqlite3.connect(database_path(url), timeout=30)
            try:
                return list(db.execute(sql, args).fetchall())
            finally:
                db.close()

        return await asyncio.to_thread(read)
    conn = await connect(url)
    try:
        return [tuple(r.values()) for r in await conn.fetch(numbered(sql), *args)]
    finally:
        await conn.close()


async def table_columns(url: str, table: str) -> list[tuple[str, bool]]:
    """A table's columns: name, and whether a value must be given (NOT NULL, no default)."""
    if url.startswith("sqlite:"):
        found = await rows(url, f"PRAGMA table_info({table})")
        # (cid, name, type, notnull, default, pk): the rowid alias fills itself.
        return [(r[1], bool(r[3] and r[4] is None and not r[5])) for r in found]
    found = await rows(
        url,
        "SELECT column_name, is_nullable = 'NO' AND column_default IS NULL"
        " AND is_identity = 'NO' FROM information_schema.columns"
        " WHERE table_schema = current_schema() AND table_name = ? ORDER BY ordinal_position",
        table,
    )
    return [(str(name), bool(required)) for name, required in found]


async def bulk_insert(
    url: str,
    table: str,
    columns: Sequence[str],
    chunks: Iterable[list[tuple[Any, ...]]],
    per_transaction: int,
) -> None:
    """Many rows, fast: executemany in big transactions (SQLite), COPY (PostgreSQL)."""
    if url.startswith("sqlite:"):
        marks = ", ".join("?" * len(columns))
        sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"

        def write() -> None:
            db = sqlite3.connect(database_path(url), isolation_level=None, timeout=30)
            try:
                db.execute("BEGIN IMMEDIATE")
                done = 0
                for chunk in chunks:
                    db.executemany(sql, chunk)
                    done += len(chunk)
                    if done >= per_transaction:
                        db.execute("COMMIT")
                        db.execute("BEGIN IMMEDIATE")
                        done = 0
                db.execute("COMMIT")
                db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            finally:
                db.close()

        await asyncio.to_thread(write)
        return
    conn = await connect(url)
    try:
        transaction = conn.transaction()
        await transaction.start()
        done = 0
        for chunk in chunks:
            await conn.copy_records_to_table(table, records=chunk, columns=list(columns))
            done += len(chunk)
            if done >= per_transaction:
                await transaction.commit()
                transaction = conn.transaction()
                await transaction.start()
                done = 0
        await transaction.commit()
        await conn.execute("VACUUM ANALYZE")  # statistics and the visibility map, as in service
    finally:
        await conn.close()


async def execute(url: str, sql: str, rows_: Iterable[Sequence[Any]]) -> None:
    """One statement for each of ``rows_``, in one transaction."""
    if url.startswith("sqlite:"):

        def write() -> None:
            db = sqlite3.connect(database_path(url), timeout=30)
            try:
                with db:
                    db.executemany(sql, list(rows_))
            finally:
                db.close()

        await asyncio.to_thread(write)
        return
    conn = await connect(url)
    try:
        async with conn.transaction():
            await conn.executemany(numbered(sql), [tuple(r) for r in rows_])
    finally:
        await conn.close()


async def size_bytes(url: str) -> int:
    """What the database takes on disk: the file and its WAL, or the schema's relations."""
    if url.startswith("sqlite:"):

        def on_disk() -> int:
            database = Path(database_path(url))
            wal = database.with_name(database.name + "-wal")
            return database.stat().st_size + (wal.stat().st_size if wal.exists() else 0)

        return await asyncio.to_thread(on_disk)
    ((total,),) = await rows(
        url,
        "SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class c"
        " JOIN pg_namespace n ON n.oid = c.relnamespace"
        " WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'm')",
    )
    return int(total)


def server_cpu_seconds() -> float | None:
    """CPU of the local PostgreSQL server so far: every postgres process, plus what the
    postmaster collected from the backends that already exited; None when none is visible."""
    ticks = os.sysconf("SC_CLK_TCK")
    total, seen = 0, False
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        name = stat[stat.index("(") + 1 : stat.rindex(")")]
        if name != "postgres":
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        seen = True
        total += int(fields[11]) + int(fields[12]) + int(fields[13]) + int(fields[14])
    return total / ticks if seen else None
