"""Which BPJS Ketenagakerjaan branch office (Kantor Cabang) serves each kabupaten/kota.

The mapping is data (bot/data/branches.csv, sources and how to replace it in bot/data/README.md).
Sub-offices (KCP) are folded into their branch; a region without a row has no branch here, and the
flow then says "kantor BPJS Ketenagakerjaan terdekat" and sends the submission to the admins.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from pathlib import Path
from types import MappingProxyType

from bot.i18n import N_
from bot.regions import region_by_code

_FILE = "branches.csv"
_COLUMNS = ("region_code", "branch", "status", "note")
SOURCED = "sourced"
TO_CONFIRM = "to confirm"
# Sources disagree on the office (Kab. Kendal): the row keeps its branch meanwhile, and the admins'
# branch list (/cabang) shows it with its note.
CONFLICT = "conflict"
STATUSES = (SOURCED, TO_CONFIRM, CONFLICT)

# What the worker is told when their region has no branch here.
NEAREST_OFFICE = N_("kantor BPJS Ketenagakerjaan terdekat")


@dataclass(frozen=True)
class BranchRow:
    """One region's branch and how sure we are of it."""

    region_code: str  # dotted kabupaten/kota code: 34.01
    branch: str  # the office's own name: "Semarang Majapahit"
    status: str  # one of STATUSES
    note: str

    @property
    def to_confirm(self) -> bool:
        """True when the row is not settled by a source (an inference, or a conflict)."""
        return self.status != SOURCED

    @property
    def conflict(self) -> bool:
        """True when sources name different offices for the region."""
        return self.status == CONFLICT


def parse_branch_rows(text: str, name: str = _FILE) -> tuple[BranchRow, ...]:
    """The rows of a branches CSV; any mistake stops start-up rather than misroute workers."""
    reader = csv.DictReader(io.StringIO(text.removeprefix("\ufeff")))
    if tuple(reader.fieldnames or ()) != _COLUMNS:
        raise ValueError(f"{name}: expected columns {','.join(_COLUMNS)}")
    rows: list[BranchRow] = []
    seen: set[str] = set()
    for line, row in enumerate(reader, start=2):
        if None in row:  # more fields than columns: an unquoted comma in a note
            raise ValueError(f"{name}:{line}: too many fields")
        code, branch = (row["region_code"] or "").strip(), (row["branch"] or "").strip()
        if not code and not branch:
            continue
        region = region_by_code(code)
        if region is None:
            raise ValueError(f"{name}:{line}: unknown region code {code!r}")
        if not branch:
            raise ValueError(f"{name}:{line}: no branch for {code}")
        if region.code in seen:
            raise ValueError(f"{name}:{line}: {code} listed twice")
        status = (row["status"] or "").strip()
        if status not in STATUSES:
            raise ValueError(f"{name}:{line}: status must be one of {', '.join(STATUSES)}")
        seen.add(region.code)
        rows.append(BranchRow(region.code, branch, status, (row["note"] or "")))
    return tuple(rows)


def _read(path: Path | None) -> str:
    if path is not None:
        return path.read_text(encoding="utf-8")
    return files("bot").joinpath("data", _FILE).read_text(encoding="utf-8")


@cache
def branch_rows(path: Path | None = None) -> tuple[BranchRow, ...]:
    """The rows of the shipped file, or of a deployment's own file at ``path``."""
    return parse_branch_rows(_read(path), str(path or _FILE))


@cache
def load_branches(path: Path | None = None) -> Mapping[str, str]:
    """Region code (``34.01``) → branch name, rows to confirm included."""
    return MappingProxyType({row.region_code: row.branch for row in branch_rows(path)})


def branch_for(code: str, path: Path | None = None) -> str | None:
    """The branch serving a kabupaten/kota (``34.01`` or ``3401``); None when none is mapped."""
    region = region_by_code(code.strip()) if code else None
    if region is None:
        return None
    return load_branches(path).get(region.code)
