"""Copying a SQLite deployment into PostgreSQL (``python -m bot migrate --from ... --to ...``).

Both databases are first brought to the latest schema by their own migrations (the same numbers
on both). Then every table of the SQLite file is read in one read transaction (a consistent
snapshot, even while a bot still writes to the file) and written in one PostgreSQL transaction:
rows go through COPY into a temporary table, then ``INSERT ... ON CONFLICT DO NOTHING`` into the
real one, so a second run inserts nothing and changes nothing. Parents before children (foreign
keys), ids kept, identity counters moved past them. ``status_counts`` is not copied: the
PostgreSQL triggers count the submissions as they arrive, and the result is checked against
SQLite's. Every table's row count is checked too. The inbox (updates in transit) and the
processes' heartbeats are not copied: the copy refuses while the SQLite inbox holds an update not
yet answered, so a stopped, drained deployment is what moves.

The copy is all or nothing. A source row that is not in the target afterwards exactly as it is
in the source (its key, or another of its unique keys, already holds other content: a target
used by another deployment) refuses the whole copy, naming the table and the key
(``CopyConflict``); so does any count that does not match (``CountMismatch``). Either rolls the
transaction back, before the identity counters are moved: the target is left as it was.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from bot.masking import redact
from storage.postgres.connection import connect
from storage.sqlite import SqliteRepository, database_path

CHUNK = 5_000
DERIVED = frozenset({"status_counts"})  # kept by triggers on the target; checked, not copied
# A deployment's updates in transit and its processes' heartbeats: not copied. The copy is for
# a stopped SQLite deployment whose inbox was drained (it refuses while an update waits there).
IN_TRANSIT = frozenset({"inbox", "inbox_processes"})


@dataclass(frozen=True)
class TableCopy:
    """One table: rows in the SQLite file, rows in PostgreSQL after, rows this run added."""

    table: str
    source: int
    target: int
    inserted: int

    @property
    def matches(self) -> bool:
        return self.source == self.target


class SchemaMismatch(Exception):
    """A SQLite table or column has no PostgreSQL counterpart (a migration not mirrored)."""


class CopyConflict(Exception):
    """A source row whose key the target already holds with other content; nothing copied."""


class CountMismatch(Exception):
    """After the copy, a table's count differs between the databases; nothing copied."""

    def __init__(self, tables: list[TableCopy]) -> None:
        wrong = ", ".join(table.table for table in tables if not table.matches)
        super().__init__(f"the counts do not match: {wrong}")
        self.tables = tables


async def copy_sqlite_to_postgres(source_url: str, target_url: str) -> list[TableCopy]:
    """Copy every row; returns the counts per table (``status_counts`` last, compared by value)."""
    from storage.postgres.repository import PostgresRepository

    await (await SqliteRepository.open(source_url)).close()  # both at the latest schema
    await (await PostgresRepository.open(target_url, 1, 1)).close()
    source = sqlite3.connect(f"file:{database_path(source_url)}?mode=ro", uri=True)
    conn = await connect(target_url)
    try:
        source.execute("BEGIN")  # one snapshot for every table
        _refuse_undrained(source)
        tables = [t for t in _sqlite_tables(source) if t not in IN_TRANSIT]
        columns = await _target_columns(conn)
        missing = [t for t in tables if t not in columns and t not in DERIVED]
        if missing:
            raise SchemaMismatch(f"tables missing in PostgreSQL: {', '.join(missing)}")
        copied = []
        async with conn.transaction():
            ordered = await _parents_first(conn, [t for t in tables if t not in DERIVED])
            for table in ordered:
                copied.append(await _copy_table(source, conn, table, columns[table]))
            copied.append(await _check_counts(source, conn))
            if not all(table.matches for table in copied):
                raise CountMismatch(copied)  # rolls the transaction back
            for table in ordered:  # sequences are not transactional: only once all is well
                await _move_identities(conn, table)
        source.execute("COMMIT")
    finally:
        source.close()
        await conn.close()
    return copied


def _refuse_undrained(source: sqlite3.Connection) -> None:
    """Updates still waiting in the SQLite inbox would be lost: refuse until it is drained."""
    (waiting,) = source.execute("SELECT count(*) FROM inbox WHERE answered_at IS NULL").fetchone()
    if waiting:
        raise CopyConflict(
            f"the SQLite inbox still holds {waiting} update(s) not yet answered: run the bot on"
            " SQLite until /healthz shows inbox_unanswered 0 (python -m bot inbox lists any set"
            " aside; --retry puts them back), stop it, then copy. Nothing was copied."
        )


def _sqlite_tables(source: sqlite3.Connection) -> list[str]:
    found = source.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        " ORDER BY name"
    )
    return [str(name) for (name,) in found]


async def _target_columns(conn: Any) -> dict[str, dict[str, str]]:
    """Every table of the target schema: column name → data type."""
    found = await conn.fetch(
        "SELECT table_name, column_name, data_type FROM information_schema.columns"
        " WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position"
    )
    tables: dict[str, dict[str, str]] = {}
    for row in found:
        tables.setdefault(row["table_name"], {})[row["column_name"]] = row["data_type"]
    return tables


async def _parents_first(conn: Any, tables: list[str]) -> list[str]:
    """``tables`` ordered so that a table comes after the tables its foreign keys name."""
    edges = await conn.fetch(
        "SELECT c.conrelid::regclass::text AS child, c.confrelid::regclass::text AS parent"
        " FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace"
        " WHERE c.contype = 'f' AND n.nspname = current_schema()"
    )
    parents: dict[str, set[str]] = {t: set() for t in tables}
    for edge in edges:
        child, parent = _bare(edge["child"]), _bare(edge["parent"])
        if child in parents and parent in parents and child != parent:
            parents[child].add(parent)
    ordered: list[str] = []
    while parents:
        ready = sorted(t for t, needs in parents.items() if needs <= set(ordered))
        if not ready:
            raise SchemaMismatch(f"foreign keys in a cycle among {sorted(parents)}")
        for table in ready:
            ordered.append(table)
            del parents[table]
    return ordered


def _bare(name: str) -> str:
    """A regclass name without its schema or quotes."""
    return name.rsplit(".", 1)[-1].strip('"')


async def _copy_table(
    source: sqlite3.Connection, conn: Any, table: str, target: dict[str, str]
) -> TableCopy:
    names = [str(row[1]) for row in source.execute(f'PRAGMA table_info("{table}")')]
    extra = [n for n in names if n not in target]
    if extra:
        raise SchemaMismatch(f"{table}: columns missing in PostgreSQL: {', '.join(extra)}")
    kinds = [target[n] for n in names]
    scratch = f"copy_{table}"
    await conn.execute(
        f'CREATE TEMPORARY TABLE "{scratch}" (LIKE "{table}" INCLUDING DEFAULTS) ON COMMIT DROP'
    )
    cursor = source.execute(f'SELECT {", ".join(_quoted(names))} FROM "{table}"')
    for chunk in _chunks(cursor, kinds):
        await conn.copy_records_to_table(scratch, records=chunk, columns=names)
    listed = ", ".join(_quoted(names))
    status = await conn.execute(
        f'INSERT INTO "{table}" ({listed}) OVERRIDING SYSTEM VALUE'
        f' SELECT {listed} FROM "{scratch}" ON CONFLICT DO NOTHING'
    )
    await _refuse_conflicts(conn, table, scratch, names)
    (source_rows,) = source.execute(f'SELECT count(*) FROM "{table}"').fetchone()
    target_rows = await conn.fetchval(f'SELECT count(*) FROM "{table}"')
    return TableCopy(table, int(source_rows), int(target_rows), int(status.rsplit(" ", 1)[-1]))


async def _refuse_conflicts(conn: Any, table: str, scratch: str, names: list[str]) -> None:
    """Raise CopyConflict when a source row is not in ``table`` exactly as it is in the source
    (the insert skipped it for a key the target holds with other content)."""
    keys = await _unique_keys(conn, table)
    primary = keys[0] if keys else names
    joined = " AND ".join(f's."{n}" = t."{n}"' for n in primary)
    source_row = ", ".join(f's."{n}"' for n in names)
    target_row = ", ".join(f't."{n}"' for n in names)
    missing = await conn.fetchrow(
        f'SELECT {source_row} FROM "{scratch}" s LEFT JOIN "{table}" t ON {joined}'
        f' WHERE t."{primary[0]}" IS NULL OR ({target_row}) IS DISTINCT FROM ({source_row})'
        " LIMIT 1"
    )
    if missing is None:
        return
    for key in keys:  # the key it collides on: the primary key first, then the unique ones
        matched = " AND ".join(f'"{n}" = ${i}' for i, n in enumerate(key, start=1))
        if await conn.fetchval(
            f'SELECT 1 FROM "{table}" WHERE {matched}', *(missing[n] for n in key)
        ):
            primary = key
            break
    shown = ", ".join(f"{n}={missing[n]}" for n in primary)
    raise CopyConflict(
        redact(
            f"table {table}, {shown}: the target already holds this key with other content"
            " (a database used by another deployment?). Nothing was copied."
        )
    )


async def _unique_keys(conn: Any, table: str) -> list[list[str]]:
    """The columns of each unique index of ``table`` on plain columns, the primary key first."""
    found = await conn.fetch(
        "SELECT array_agg(a.attname::text ORDER BY k.ord) AS columns"
        " FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid"
        " JOIN pg_namespace n ON n.oid = c.relnamespace"
        " CROSS JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)"
        " JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum"
        " WHERE n.nspname = current_schema() AND c.relname = $1 AND i.indisunique"
        " AND NOT 0 = ANY(i.indkey::int2[])"
        " GROUP BY i.indexrelid, i.indisprimary ORDER BY i.indisprimary DESC, i.indexrelid",
        table,
    )
    return [list(row["columns"]) for row in found]


def _quoted(names: list[str]) -> list[str]:
    return [f'"{n}"' for n in names]


def _chunks(cursor: sqlite3.Cursor, kinds: list[str]) -> Iterator[list[tuple[Any, ...]]]:
    while rows := cursor.fetchmany(CHUNK):
        yield [tuple(_value(v, k) for v, k in zip(row, kinds, strict=True)) for row in rows]


def _value(value: Any, kind: str) -> Any:
    """A SQLite value as the PostgreSQL column takes it (times and dates: the ISO text SQLite
    keeps, which the connection's codecs read; JSON: its text)."""
    if value is None:
        return None
    if kind == "boolean":
        return bool(value)
    if kind in ("integer", "bigint", "smallint"):
        return int(value)
    if kind in ("text", "jsonb", "json") and not isinstance(value, str):
        return str(value)
    return value


async def _move_identities(conn: Any, table: str) -> None:
    """Identity counters past the copied ids, so the next row gets a new one."""
    for row in await conn.fetch(
        "SELECT column_name FROM information_schema.columns WHERE table_schema ="
        " current_schema() AND table_name = $1 AND is_identity = 'YES'",
        table,
    ):
        column = row["column_name"]
        await conn.execute(
            f"SELECT setval(pg_get_serial_sequence('\"{table}\"', '{column}'),"
            f' coalesce((SELECT max("{column}") FROM "{table}"), 0) + 1, false)'
        )


async def _check_counts(source: sqlite3.Connection, conn: Any) -> TableCopy:
    """status_counts: SQLite's, PostgreSQL's (kept by its triggers) and the submissions counted
    on PostgreSQL must agree; the total, or -1 for the target when they do not."""
    wanted = {
        (b, s): int(n)
        for b, s, n in source.execute("SELECT branch, status, n FROM status_counts WHERE n != 0")
    }
    kept = {
        (r["branch"], r["status"]): int(r["n"])
        for r in await conn.fetch("SELECT branch, status, n FROM status_counts WHERE n != 0")
    }
    counted = {
        (r["branch"], r["status"]): int(r["n"])
        for r in await conn.fetch(
            "SELECT branch, status, count(*) AS n FROM submissions GROUP BY branch, status"
        )
    }
    total = sum(wanted.values())
    return TableCopy("status_counts", total, total if wanted == kept == counted else -1, 0)
