"""Officers' spreadsheets: submission exports (XLSX, CSV); their imports: bot.decision_sheet.

Exports stream row by row, so 100k submissions never sit in memory.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from functools import lru_cache
from pathlib import Path
from typing import Any

import xlsxwriter  # type: ignore[import-untyped,unused-ignore]

from bot.contribution import Quote
from bot.domain import Payer, Submission
from bot.fields import OCCUPATIONS, Field
from bot.fields import Kind as FieldKind
from bot.flow.questions import REGISTRY
from bot.payers import payer_type


class Kind(Enum):
    """How a column's values are written."""

    TEXT = "text"
    DATE = "date"
    MONEY = "money"
    YES_NO = "yes_no"


# (header, key): the registration's fields (bot/flow/questions/) between the record's own columns.
# Headers stay Indonesian: the sheets go to BPJS staff, and the importer recognises them when an
# export comes back filled in.
_LEADING = (("Nomor pendaftaran", "reference"), ("Status", "status"))
_TRAILING = (
    ("Iuran bayar sendiri", "monthly_self_paid"),
    ("Iuran dibayar sponsor", "monthly_sponsor_paid"),
    ("Jenis pembayar sponsor", "payer"),
    ("Tingkat penghasilan (dasar iuran)", "basis"),
    ("Iuran perkiraan", "estimate"),
    ("Cabang", "branch"),
    ("Acara", "event"),
    ("Sponsor", "sponsor"),
    ("Diajukan (tanggal)", "submitted_on"),
    ("Nomor KPJ", "kpj"),
)


def _field_columns(f: Field) -> tuple[tuple[str, str], ...]:
    """A field's columns: a region as its code and its name, anything else as itself."""
    if f.kind is FieldKind.REGION:
        return ((f"{f.export} (kode)", f.name), (f.export, f"{f.name}_name"))
    return ((f.export, f.name),)


_BY_FIELD_KIND = {
    FieldKind.DATE: Kind.DATE,
    FieldKind.MONEY: Kind.MONEY,
    FieldKind.YES_NO: Kind.YES_NO,
}


@dataclass(frozen=True)
class Layout:
    """The export's columns and how each is written, for the fields declared."""

    columns: tuple[tuple[str, str], ...]  # (header, key)
    kinds: dict[str, Kind]  # keys not listed are text
    free_text: frozenset[str]  # typed by workers: defused against formulas in a CSV


@lru_cache(maxsize=2)
def _layout(fields: tuple[Field, ...]) -> Layout:
    return Layout(
        columns=(
            *_LEADING,
            *(column for f in fields for column in _field_columns(f)),
            *_TRAILING,
        ),
        kinds={
            **{f.name: _BY_FIELD_KIND[f.kind] for f in fields if f.kind in _BY_FIELD_KIND},
            "submitted_on": Kind.DATE,
            "monthly_self_paid": Kind.MONEY,
            "monthly_sponsor_paid": Kind.MONEY,
            "basis": Kind.MONEY,
            "estimate": Kind.YES_NO,
        },
        # A leading = + - @ would make Excel run them as a formula from a CSV.
        free_text=frozenset(
            {f.name for f in fields if f.kind in (FieldKind.TEXT, FieldKind.OCCUPATION)}
            | {f"{f.name}_name" for f in fields if f.kind is FieldKind.REGION}
            | {"event", "sponsor"}
        ),
    )


def export_layout() -> Layout:
    """The export's layout for the questions declared now."""
    return _layout(REGISTRY.fields)


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_WIDTHS = {Kind.TEXT: 18, Kind.DATE: 13, Kind.MONEY: 14, Kind.YES_NO: 6}
_WIDE = {
    "name": 28,
    "address": 40,
    "home_code_name": 24,
    "nik": 19,
    "phone": 16,
    "event": 24,
    "sponsor": 24,
}
_EXCEL_TEXT_LIMIT = 32767
_SHEET = "Pendaftaran"

Cell = str | int | date | None


def _kind(key: str, layout: Layout) -> Kind:
    """The column kind of ``key``: text unless listed."""
    return layout.kinds.get(key, Kind.TEXT)


def _as_date(value: object) -> date | None:
    """A date from a date, a datetime (its own date; pass local times) or an ISO string."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value.strip()).date()
        except ValueError:
            return None
    return None


def _as_text(value: object) -> str | None:
    """Text for a cell: None and "" stay empty; enums give their value; booleans Ya/Tidak."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "Ya" if value else "Tidak"
    if isinstance(value, Enum):
        return str(value.value)
    return str(value)


def _cell(key: str, value: object, layout: Layout) -> Cell:
    """``value`` normalised for column ``key``; what cannot be converted is kept as text."""
    kind = _kind(key, layout)
    if kind is Kind.DATE and (day := _as_date(value)) is not None:
        return day
    if kind is Kind.MONEY and isinstance(value, int) and not isinstance(value, bool):
        return value
    return _as_text(value)


def export_record(
    sub: Submission,
    region_name: str,
    event: str | None,
    sponsor: str | None,
    submitted_on: date,
    money: Quote | None = None,
) -> dict[str, object]:
    """One submission as the export's named values (``region_name``: its home's name; ``money``:
    its monthly quote, whose sponsor's share, level and estimate get columns of their own)."""
    record: dict[str, object] = {"reference": sub.reference, "status": str(sub.status)}
    for f in REGISTRY.fields:
        value = f.value(sub.answers)
        if f.kind is FieldKind.OCCUPATION:
            value = OCCUPATIONS.get(value or "") or sub.answers.occupation_other or value
        record[f.name] = value
        if f.kind is FieldKind.REGION:
            record[f"{f.name}_name"] = region_name
    record.update(
        monthly_self_paid=sub.monthly_self_paid,
        branch=sub.branch,
        event=event or "",
        sponsor=sponsor or "",
        submitted_on=submitted_on,
        kpj=sub.kpj or "",
    )
    if money is not None:
        sponsored = money.payer is not Payer.SELF
        record.update(
            monthly_sponsor_paid=money.total - money.self_paid,
            payer=payer_type(money.payer).label if sponsored else "",  # msgids are Indonesian
            basis=money.basis,
            estimate=money.estimate,
        )
    return record


def export_cells(row: Mapping[str, object], layout: Layout) -> list[Cell]:
    """One submission as the export's cells, in the order of ``layout.columns``."""
    return [_cell(key, row.get(key), layout) for _, key in layout.columns]


class _XlsxFormats:
    """The workbook's cell formats."""

    def __init__(self, workbook: Any) -> None:
        self.header = workbook.add_format({"bold": True, "bg_color": "#E8F3EC", "border": 1})
        self.date = workbook.add_format({"num_format": "dd/mm/yyyy"})
        self.money = workbook.add_format({"num_format": "#,##0"})
        self.text = workbook.add_format({"num_format": "@"})


def _write_cell(sheet: Any, row: int, col: int, value: Cell, formats: _XlsxFormats) -> None:
    """One cell: strings always as text (NIK keeps 16 digits, "=…" stays text), dates, money."""
    if value is None:
        return
    if isinstance(value, date):
        sheet.write_datetime(row, col, value, formats.date)
    elif isinstance(value, int):
        sheet.write_number(row, col, value, formats.money)
    else:
        sheet.write_string(row, col, value[:_EXCEL_TEXT_LIMIT], formats.text)


def _prepare_sheet(sheet: Any, formats: _XlsxFormats, layout: Layout) -> None:
    """Column widths, the header row, and the header frozen above the data."""
    for col, (header, key) in enumerate(layout.columns):
        sheet.set_column(col, col, _WIDE.get(key, _WIDTHS[_kind(key, layout)]))
        sheet.write_string(0, col, header, formats.header)
    sheet.freeze_panes(1, 0)


def write_xlsx(rows: Iterable[Mapping[str, object]], path: Path) -> int:
    """Stream ``rows`` into an XLSX file at ``path``; returns the number of data rows."""
    # constant_memory flushes each row to a temporary file once the next one starts.
    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    try:
        formats = _XlsxFormats(workbook)
        sheet = workbook.add_worksheet(_SHEET)
        layout = export_layout()
        _prepare_sheet(sheet, formats, layout)
        count = 0
        for count, row in enumerate(rows, start=1):
            for col, value in enumerate(export_cells(row, layout)):
                _write_cell(sheet, count, col, value, formats)
        sheet.autofilter(0, 0, count, len(layout.columns) - 1)
    finally:
        workbook.close()
    return count


def _csv_text(key: str, value: Cell, layout: Layout) -> str:
    """A cell as CSV text: ISO dates, plain integers, free text defused against formulas."""
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    text = str(value)
    if key in layout.free_text and text.startswith(_FORMULA_START):
        return "'" + text
    return text


def write_csv(rows: Iterable[Mapping[str, object]], path: Path) -> int:
    """Stream ``rows`` into a UTF-8 CSV (with BOM, for Excel) at ``path``; returns the count."""
    layout = export_layout()
    keys = [key for _, key in layout.columns]
    count = 0
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([header for header, _ in layout.columns])
        for row in rows:
            cells = export_cells(row, layout)
            writer.writerow([_csv_text(k, v, layout) for k, v in zip(keys, cells, strict=True)])
            count += 1
    return count
