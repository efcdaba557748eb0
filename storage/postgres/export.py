"""Officers' exports from PostgreSQL, in a worker process with a connection of its own.

The same query and row mapping as the SQLite export (storage/export.py). There is no
synchronous driver, so the child runs asyncpg on an event loop of its own and reads through a
server-side cursor in a read-only snapshot: the workbook writer (synchronous, streaming) pulls
rows in batches and memory stays flat however many rows the branch has.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

from bot.domain import BranchScope, ExportFilter
from bot.spreadsheets import write_csv, write_xlsx
from storage.export import SELECTED, export_row, where_clause
from storage.files import write_private
from storage.postgres.connection import connect, numbered

BATCH = 2_000


def export_query(branches: BranchScope, chosen: ExportFilter) -> tuple[str, list[Any]]:
    """The export's SELECT (numbered placeholders) and its arguments."""
    where, args = where_clause(branches, chosen)
    sql = (
        f"SELECT {SELECTED}, e.name AS event_name, sp.name AS sponsor_name"
        " FROM submissions s LEFT JOIN events e ON e.code = s.event_code"
        f" LEFT JOIN sponsors sp ON sp.id = s.sponsor_id WHERE {where} ORDER BY s.id"
    )
    return numbered(sql), args


def export_submissions(
    url: str, branches: BranchScope, chosen: ExportFilter, fmt: str, out: str, on: date
) -> int:
    """Write the chosen submissions to ``out`` (xlsx or csv); returns the number of rows."""
    loop = asyncio.new_event_loop()
    try:
        conn = loop.run_until_complete(connect(url))
        try:
            loop.run_until_complete(
                conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            )
            sql, args = export_query(branches, chosen)
            cursor = loop.run_until_complete(conn.cursor(sql, *args))

            def records() -> Iterator[dict[str, object]]:
                while batch := loop.run_until_complete(cursor.fetch(BATCH)):
                    yield from (export_row(row, on) for row in batch)

            write = write_xlsx if fmt == "xlsx" else write_csv
            write_private(Path(out))  # full personal data: 0600 before the writer opens it
            return write(records(), Path(out))
        finally:
            loop.run_until_complete(conn.close())
    finally:
        loop.close()
