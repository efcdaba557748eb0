"""Officers' exports, run in a separate process on its own read-only connection, so that a
100,000-row workbook never holds up the workers' conversations in the bot's process."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from bot.clock import today_wib, wib_midnight_utc
from bot.domain import BranchScope, ExportFilter
from bot.flow.summary import contribution_for
from bot.regions import region_by_code
from bot.spreadsheets import export_record, write_csv, write_xlsx
from storage.files import write_private
from storage.sql import rows
from storage.sql.scope import branch_condition
from storage.sql.tx import Row

# Every submissions column the record needs, qualified (events and sponsors have a name too).
SELECTED = ", ".join(f"s.{column.strip()}" for column in rows.SUBMISSION.split(","))


def where_clause(branches: BranchScope, chosen: ExportFilter) -> tuple[str, list[Any]]:
    """The SQL condition for the officer's branches and the filter (arguments as Python
    values, times as aware datetimes: each backend stores them its own way)."""
    scope, args = branch_condition(branches, "s.branch")
    conditions: list[str] = [scope]
    if chosen.event_code:
        conditions.append("s.event_code = ?")
        args.append(chosen.event_code)
    if chosen.sponsored:
        conditions.append("s.sponsor_id IS NOT NULL")
    if chosen.start is not None:
        conditions.append("s.submitted_at >= ?")
        args.append(wib_midnight_utc(chosen.start))
    if chosen.end is not None:
        conditions.append("s.submitted_at < ?")
        args.append(wib_midnight_utc(chosen.end + timedelta(days=1)))
    return " AND ".join(conditions), args


def _as_sqlite(value: Any) -> Any:
    """A time as SQLite stores it (UTC ISO text, see storage/sqlite/connection.py)."""
    return value.astimezone(UTC).isoformat() if isinstance(value, datetime) else value


def export_row(row: Row, on: date) -> dict[str, object]:
    """A stored submission (with its event's and sponsor's names) as the export's values; the
    monthly amount is the one the worker is told on ``on`` (the same quote as everywhere)."""
    stored = rows.submission(row)
    money = contribution_for(stored.answers, on)
    sub = replace(stored, monthly_self_paid=money.self_paid)
    region = region_by_code(sub.home_code)
    event = f"{row['event_name']} ({sub.event_code})" if row["event_name"] else sub.event_code
    return export_record(
        sub,
        region.label if region else "",
        event,
        row["sponsor_name"],
        today_wib(sub.submitted_at),
        money,
    )


def export_submissions(
    db_path: str, branches: BranchScope, chosen: ExportFilter, fmt: str, out: str, on: date
) -> int:
    """Write the chosen submissions of a SQLite file to ``out`` (xlsx or csv); returns the
    number of rows. (PostgreSQL: storage.postgres.export.)"""
    db = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    db.row_factory = sqlite3.Row
    try:
        where, args = where_clause(branches, chosen)
        cursor = db.execute(
            f"SELECT {SELECTED}, e.name AS event_name, sp.name AS sponsor_name"
            " FROM submissions s LEFT JOIN events e ON e.code = s.event_code"
            f" LEFT JOIN sponsors sp ON sp.id = s.sponsor_id WHERE {where} ORDER BY s.id",
            [_as_sqlite(a) for a in args],
        )
        records: Iterator[dict[str, object]] = (export_row(r, on) for r in cursor)
        write = write_xlsx if fmt == "xlsx" else write_csv
        # Full personal data: the file exists as mode 0600 before the writer opens it (both
        # writers truncate it in place, keeping the mode).
        write_private(Path(out))
        return write(records, Path(out))
    finally:
        db.close()
