"""The interface the shared queries run on, and conversions of what rows give back."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from typing import Any, Protocol


class Row(Protocol):
    """A result row, read by column name (sqlite3.Row and asyncpg.Record both are)."""

    def __getitem__(self, key: str) -> Any: ...


class Tx(Protocol):
    """One connection held by one unit of work."""

    @property
    def in_transaction(self) -> bool:
        """Whether a transaction (begun by ``begin``) is open."""
        ...

    async def begin(self) -> None:
        """Begin a write transaction (SQLite: BEGIN IMMEDIATE, its write lock)."""
        ...

    async def one(self, sql: str, *args: Any) -> Row | None:
        """The first row of a query, or None."""
        ...

    async def all(self, sql: str, *args: Any) -> list[Row]:
        """Every row of a query."""
        ...

    async def run(self, sql: str, *args: Any) -> int:
        """A statement; returns how many rows it changed."""
        ...

    async def run_many(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        """One statement for each of ``rows``."""
        ...


def as_datetime(value: Any) -> datetime:
    """A stored time as an aware datetime (SQLite keeps ISO text, PostgreSQL timestamptz)."""
    if isinstance(value, datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    return datetime.fromisoformat(str(value))


def as_optional_datetime(value: Any) -> datetime | None:
    """Like ``as_datetime``; None stays None."""
    return None if value is None else as_datetime(value)


def as_date(value: Any) -> date:
    """A stored calendar date (ISO text or a date)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def as_json(value: Any) -> Any:
    """A stored JSON document (text, or already decoded by the driver)."""
    if isinstance(value, str | bytes):
        return json.loads(value)
    return value


def to_json(value: Any) -> str:
    """A JSON document to store (UTF-8 kept readable)."""
    return json.dumps(value, ensure_ascii=False)
