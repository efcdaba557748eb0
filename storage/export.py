"""Officers' exports, run in a separate process on its own read-only connection, so that a
100,000-row workbook never holds up the workers' conversations in the bot's process."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from bot.domain import ExportFilter
from bot.flow.questions import OCCUPATIONS
from bot.regions import region_by_code
from bot.spreadsheets import write_csv, write_xlsx

WIB = timezone(timedelta(hours=7))


def where_clause(branches: list[str] | None, chosen: ExportFilter) -> tuple[str, list[Any]]:
    """The SQL condition for the officer's branches and the filter."""
    conditions, args = ["1 = 1"], []
    if branches is not None:
        conditions.append(f"branch IN ({', '.join('?' for _ in branches)})")
        args += branches
    if chosen.event_code:
        conditions.append("event_code = ?")
        args.append(chosen.event_code)
    if chosen.sponsored:
        conditions.append("sponsor_id IS NOT NULL")
    if chosen.start is not None:
        conditions.append("submitted_at >= ?")
        args.append(_utc_start(chosen.start))
    if chosen.end is not None:
        conditions.append("submitted_at < ?")
        args.append(_utc_start(chosen.end + timedelta(days=1)))
    return " AND ".join(conditions), args


def _utc_start(day: date) -> str:
    """Midnight WIB of ``day`` as the UTC ISO text stored in submitted_at."""
    return datetime(day.year, day.month, day.day, tzinfo=WIB).astimezone(UTC).isoformat()


def export_row(row: sqlite3.Row) -> dict[str, object]:
    """A stored submission as the export's named cells."""
    answers = json.loads(row["answers"])
    region = region_by_code(row["home_code"])
    occupation = answers.get("occupation", "")
    return {
        "reference": row["reference"],
        "status": row["status"],
        "nik": row["nik"],
        "name": row["name"],
        "birth_date": row["birth_date"],
        "sex": row["sex"],
        "birth_place": answers.get("birth_place", ""),
        "phone": row["phone"],
        "home_code": row["home_code"],
        "home_name": region.label if region else "",
        "address": answers.get("address", ""),
        "occupation": OCCUPATIONS.get(occupation) or answers.get("occupation_other", occupation),
        "income": row["income"],
        "jht": bool(row["jht"]),
        "monthly_self_paid": row["monthly_self_paid"],
        "branch": row["branch"],
        "event": row["event_code"] or "",
        "submitted_on": datetime.fromisoformat(row["submitted_at"]).astimezone(WIB).date(),
        "kpj": row["kpj"] or "",
    }


def export_submissions(
    db_path: str, branches: list[str] | None, chosen: ExportFilter, fmt: str, out: str
) -> int:
    """Write the chosen submissions to ``out`` (xlsx or csv); returns the number of rows."""
    db = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    db.row_factory = sqlite3.Row
    try:
        where, args = where_clause(branches, chosen)
        cursor = db.execute(f"SELECT * FROM submissions WHERE {where} ORDER BY id", args)
        rows: Iterator[dict[str, object]] = (export_row(r) for r in cursor)
        write = write_xlsx if fmt == "xlsx" else write_csv
        return write(rows, Path(out))
    finally:
        db.close()
