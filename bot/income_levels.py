"""The income levels BPU contributions are computed on (Lampiran II of PP 44/2015 as amended).

A BPU worker does not pay a percentage of whatever they earn: the regulation's table puts each
income in a band and the band has one level, the income JKK (1%) and JHT (2%) are computed on. The
table is data (bot/data/income_levels.csv, sources in bot/data/README.md): each row is the lowest
income of a band and the band's level. A typed income belongs to the band with the highest start
not above it, so an income below every band start uses the first band and one above the last start
uses the last band. Levels lie inside their own band, so a level typed as an income maps to itself.

Each row says how sure it is: ``sourced`` (the level and its band), ``to confirm`` (an inference:
amounts on it are shown to people as an estimate, "perkiraan", and the officer's card names the
level to check), or ``band to confirm`` (the level itself is sourced, where its band starts is
not: the top row, Rp20.700.000; amounts on it are not an estimate).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

_FILE = "income_levels.csv"
_COLUMNS = {"income_from", "level", "status", "note"}
TO_CONFIRM = "to confirm"
SOURCED = "sourced"
BAND_TO_CONFIRM = "band to confirm"
STATUSES = (SOURCED, TO_CONFIRM, BAND_TO_CONFIRM)


@dataclass(frozen=True)
class IncomeLevel:
    """One row of the table: incomes from ``income_from`` (to the next row's) pay on ``level``."""

    income_from: int
    level: int  # whole rupiah; JKK is 1% and JHT 2% of it
    status: str  # one of STATUSES
    note: str

    @property
    def to_confirm(self) -> bool:
        """True when anything of the row (its level or its band) is still to confirm."""
        return self.status != SOURCED

    @property
    def estimate(self) -> bool:
        """True when the level itself is not confirmed: amounts on it are estimates."""
        return self.status == TO_CONFIRM


def parse_income_levels(text: str, name: str = _FILE) -> tuple[IncomeLevel, ...]:
    """The table from CSV text; a malformed table is a bug in the data and raises ValueError."""
    reader = csv.DictReader(io.StringIO(text.removeprefix("\ufeff")))
    if set(reader.fieldnames or ()) != _COLUMNS:
        raise ValueError(f"{name}: expected columns {sorted(_COLUMNS)}")
    rows: list[IncomeLevel] = []
    for line, row in enumerate(reader, start=2):
        status = row["status"].strip()
        if status not in STATUSES:
            raise ValueError(f"{name}:{line}: status must be one of {', '.join(STATUSES)}")
        rows.append(IncomeLevel(int(row["income_from"]), int(row["level"]), status, row["note"]))
    _check(rows, name)
    return tuple(rows)


def _check(rows: list[IncomeLevel], name: str) -> None:
    if not rows or rows[0].income_from != 0:
        raise ValueError(f"{name}: the first band must start at 0")
    for row, following in zip(rows, [*rows[1:], None], strict=True):
        band_end = following.income_from if following is not None else None
        if band_end is not None and band_end <= row.income_from:
            raise ValueError(f"{name}: bands must ascend (at {row.income_from})")
        # A level outside its band would not map to itself when offered as a button.
        if row.level < row.income_from or (band_end is not None and row.level >= band_end):
            raise ValueError(f"{name}: level {row.level} lies outside its band")


@cache
def income_levels() -> tuple[IncomeLevel, ...]:
    """The table shipped in bot/data."""
    text = files("bot").joinpath("data", _FILE).read_text(encoding="utf-8")
    return parse_income_levels(text)


def level_for(income: int, levels: tuple[IncomeLevel, ...] | None = None) -> IncomeLevel:
    """The row a monthly income falls in (see the module docstring)."""
    if income < 0:
        raise ValueError("income cannot be negative")
    table = levels if levels is not None else income_levels()
    found = table[0]
    for row in table:
        if row.income_from > income:
            break
        found = row
    return found


def lowest_level() -> int:
    """The smallest level: everyone earning less pays on it."""
    return income_levels()[0].level


def highest_level() -> int:
    """The largest level: everyone earning more pays on it."""
    return income_levels()[-1].level
