"""Officers' spreadsheets: submission exports (XLSX, CSV) and imports of BPJS decisions.

Exports stream row by row, so 100k submissions never sit in memory. Imports read an uploaded file
(bot.uploads, within size, row and column limits) into decision rows and problems (Indonesian
msgids with parameters); nothing here touches storage.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from pathlib import Path
from typing import Any

import xlsxwriter  # type: ignore[import-untyped,unused-ignore]

from bot.domain import Status, Submission
from bot.fields import OCCUPATIONS, REGISTRATION, Field
from bot.fields import Kind as FieldKind
from bot.i18n import N_, translate
from bot.uploads import DEFAULT_LIMITS, ImportLimits, Refusal, Table, read_table


class Kind(Enum):
    """How a column's values are written."""

    TEXT = "text"
    DATE = "date"
    MONEY = "money"
    YES_NO = "yes_no"


# (header, key): the registration's fields (bot/fields.py) between the record's own columns.
# Headers stay Indonesian: the sheets go to BPJS staff, and the importer recognises them when an
# export comes back filled in.
_LEADING = (("Nomor pendaftaran", "reference"), ("Status", "status"))
_TRAILING = (
    ("Iuran bayar sendiri", "monthly_self_paid"),
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


EXPORT_COLUMNS: tuple[tuple[str, str], ...] = (
    *_LEADING,
    *(column for f in REGISTRATION for column in _field_columns(f)),
    *_TRAILING,
)
_BY_FIELD_KIND = {
    FieldKind.DATE: Kind.DATE,
    FieldKind.MONEY: Kind.MONEY,
    FieldKind.YES_NO: Kind.YES_NO,
}
_KINDS = {
    **{f.name: _BY_FIELD_KIND[f.kind] for f in REGISTRATION if f.kind in _BY_FIELD_KIND},
    "submitted_on": Kind.DATE,
    "monthly_self_paid": Kind.MONEY,
}
# Typed by workers: a leading = + - @ would make Excel run them as a formula from a CSV.
_FREE_TEXT = frozenset(
    {f.name for f in REGISTRATION if f.kind in (FieldKind.TEXT, FieldKind.OCCUPATION)}
    | {f"{f.name}_name" for f in REGISTRATION if f.kind is FieldKind.REGION}
    | {"event", "sponsor"}
)
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


def _kind(key: str) -> Kind:
    """The column kind of ``key``: text unless listed."""
    return _KINDS.get(key, Kind.TEXT)


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


def _cell(key: str, value: object) -> Cell:
    """``value`` normalised for column ``key``; what cannot be converted is kept as text."""
    kind = _kind(key)
    if kind is Kind.DATE and (day := _as_date(value)) is not None:
        return day
    if kind is Kind.MONEY and isinstance(value, int) and not isinstance(value, bool):
        return value
    return _as_text(value)


def export_record(
    sub: Submission, region_name: str, event: str | None, sponsor: str | None, submitted_on: date
) -> dict[str, object]:
    """One submission as the export's named values (``region_name``: its home's name)."""
    record: dict[str, object] = {"reference": sub.reference, "status": str(sub.status)}
    for f in REGISTRATION:
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
    return record


def export_cells(row: Mapping[str, object]) -> list[Cell]:
    """One submission as the export's cells, in ``EXPORT_COLUMNS`` order."""
    return [_cell(key, row.get(key)) for _, key in EXPORT_COLUMNS]


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


def _prepare_sheet(sheet: Any, formats: _XlsxFormats) -> None:
    """Column widths, the header row, and the header frozen above the data."""
    for col, (header, key) in enumerate(EXPORT_COLUMNS):
        sheet.set_column(col, col, _WIDE.get(key, _WIDTHS[_kind(key)]))
        sheet.write_string(0, col, header, formats.header)
    sheet.freeze_panes(1, 0)


def write_xlsx(rows: Iterable[Mapping[str, object]], path: Path) -> int:
    """Stream ``rows`` into an XLSX file at ``path``; returns the number of data rows."""
    # constant_memory flushes each row to a temporary file once the next one starts.
    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    try:
        formats = _XlsxFormats(workbook)
        sheet = workbook.add_worksheet(_SHEET)
        _prepare_sheet(sheet, formats)
        count = 0
        for count, row in enumerate(rows, start=1):
            for col, value in enumerate(export_cells(row)):
                _write_cell(sheet, count, col, value, formats)
        sheet.autofilter(0, 0, count, len(EXPORT_COLUMNS) - 1)
    finally:
        workbook.close()
    return count


def _csv_text(key: str, value: Cell) -> str:
    """A cell as CSV text: ISO dates, plain integers, free text defused against formulas."""
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    text = str(value)
    if key in _FREE_TEXT and text.startswith(_FORMULA_START):
        return "'" + text
    return text


def write_csv(rows: Iterable[Mapping[str, object]], path: Path) -> int:
    """Stream ``rows`` into a UTF-8 CSV (with BOM, for Excel) at ``path``; returns the count."""
    keys = [key for _, key in EXPORT_COLUMNS]
    count = 0
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([header for header, _ in EXPORT_COLUMNS])
        for row in rows:
            cells = export_cells(row)
            writer.writerow([_csv_text(k, v) for k, v in zip(keys, cells, strict=True)])
            count += 1
    return count


# --- imports -------------------------------------------------------------------------------

PROBLEM_LINE = N_("Baris {line}: {problem}")
FILE_UNREADABLE = N_("Berkas {filename} tidak bisa dibaca. Kirim berkas .xlsx atau .csv.")
COLUMNS_MISSING = N_(
    "Kolom {columns} tidak ditemukan. Baris pertama berkas harus berisi judul kolom, "
    "misalnya: Nomor pendaftaran, Nomor KPJ, Status, Alasan."
)
REFERENCE_EMPTY = N_("Nomor pendaftaran kosong.")
REFERENCE_BAD = N_(
    "Nomor pendaftaran {reference} tidak sah; bentuknya BPU-TAHUN-NOMOR, misalnya BPU-2026-000123."
)
REFERENCE_DUPLICATE = N_(
    "Nomor {reference} juga ada di baris {first_line}; semua baris dengan nomor ini dilewati."
)
STATUS_UNKNOWN = N_("Status {status} tidak dikenal; tulis disetujui atau ditolak.")
NO_DECISION = N_(
    "Nomor {reference} belum ada keputusannya: isi nomor KPJ untuk menyetujui, "
    "atau status ditolak beserta alasannya."
)
KPJ_NOT_DIGITS = N_("Nomor KPJ {kpj} harus berisi angka saja.")
KPJ_LENGTH = N_("Nomor KPJ {kpj} harus {length} angka, bukan {count}.")
KPJ_LENGTH_NUMBER = N_(
    "Nomor KPJ {kpj} harus {length} angka, bukan {count}. Kolom KPJ tersimpan sebagai angka, "
    "sehingga angka 0 di depan bisa hilang: ubah format kolom itu menjadi Teks dan ketik ulang."
)
APPROVED_WITHOUT_KPJ = N_("Nomor {reference} disetujui tetapi nomor KPJ-nya kosong.")
REJECTED_WITHOUT_REASON = N_("Nomor {reference} ditolak tetapi alasannya kosong.")
REJECTED_WITH_KPJ = N_("Nomor {reference} ditolak tetapi ada nomor KPJ {kpj}; periksa lagi.")

_REFERENCE = re.compile(r"BPU-[0-9]{4}-[0-9]{6}", re.IGNORECASE)
_NOT_WORD = re.compile(r"[^0-9a-z]+")
_KPJ_SEPARATORS = re.compile(r"[\s\-]+")

# Header words → field, compared after lower-casing and reducing punctuation to single spaces.
_SYNONYMS = {
    "reference": ("nomor pendaftaran", "no pendaftaran", "referensi", "ref", "reference"),
    "kpj": ("kpj", "nomor kpj", "no kpj"),
    "status": ("status",),
    "reason": ("alasan", "reason", "catatan"),
}
# Status words → decision. A filled-in export still carries the submission's old status
# ("diajukan"): that, like an empty cell, decides nothing by itself (a KPJ then means approval).
_STATUS_WORDS: dict[str, Status | None] = {
    **dict.fromkeys(("disetujui", "setujui", "approved"), Status.APPROVED),
    **dict.fromkeys(("ditolak", "tolak", "rejected"), Status.REJECTED),
    **dict.fromkeys(("", "diajukan", "perlu perbaikan", "draf"), None),
}


@dataclass(frozen=True)
class ImportRow:
    """One decision read from an officer's file, validated; the lead applies it."""

    line: int
    reference: str
    kpj: str | None
    status: str | None
    reason: str | None


@dataclass(frozen=True)
class ImportProblem:
    """Why a line (or the whole file, line 1) could not be used: an msgid and its parameters."""

    line: int
    reason_msgid: str
    params: dict[str, str]


@dataclass(frozen=True)
class _Raw:
    """One data line's cells by field, and whether the KPJ cell held a number."""

    line: int
    reference: str | None
    kpj: str | None
    kpj_was_number: bool
    status: str | None
    reason: str | None


_Found = tuple[str, dict[str, str]]  # msgid and parameters of a problem on the current line


def describe_problem(problem: ImportProblem, lang: str = "id") -> str:
    """``Baris 3: Nomor pendaftaran kosong.`` in ``lang``."""
    text = translate(problem.reason_msgid, lang).format(**problem.params)
    return translate(PROBLEM_LINE, lang).format(line=problem.line, problem=text)


def _normalise(text: str) -> str:
    """Lower case, punctuation and runs of spaces reduced to one space: ``No. KPJ`` → ``no kpj``."""
    return _NOT_WORD.sub(" ", text.lower()).strip()


def _cell_text(value: object) -> str | None:
    """A cell as stripped text; whole numbers from Excel without ``.0``; empty as None."""
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime | date):
        value = value.isoformat()
    text = str(value).strip()
    return text or None


def _is_number(value: object) -> bool:
    """Whether an Excel cell held a number (which loses leading zeros)."""
    return isinstance(value, int | float) and not isinstance(value, bool)


def _find_columns(header: Sequence[object]) -> dict[str, int]:
    """Field → column index for the header cells that name a known field (first one wins)."""
    columns: dict[str, int] = {}
    for index, cell in enumerate(header):
        name = _normalise(_cell_text(cell) or "")
        for field, words in _SYNONYMS.items():
            if name in words and field not in columns:
                columns[field] = index
    return columns


def _missing_columns(columns: Mapping[str, int]) -> str | None:
    """The required columns the header lacks, for the message; None when all are there."""
    missing = []
    if "reference" not in columns:
        missing.append("Nomor pendaftaran")
    if "kpj" not in columns and "status" not in columns:
        missing.append("Nomor KPJ / Status")
    return ", ".join(missing) or None


def _raw(line: int, cells: Sequence[object], columns: Mapping[str, int]) -> _Raw:
    """The cells of one line picked out by field."""

    def pick(field: str) -> object:
        index = columns.get(field)
        return cells[index] if index is not None and index < len(cells) else None

    kpj_cell = pick("kpj")
    return _Raw(
        line=line,
        reference=_cell_text(pick("reference")),
        kpj=_cell_text(kpj_cell),
        kpj_was_number=_is_number(kpj_cell),
        status=_cell_text(pick("status")),
        reason=_cell_text(pick("reason")),
    )


def _kpj_problem(raw: _Raw, kpj: str, kpj_length: int) -> _Found | None:
    """Why ``kpj`` is not a card number, if it is not."""
    if not kpj.isdigit() or not kpj.isascii():
        return KPJ_NOT_DIGITS, {"kpj": kpj}
    if len(kpj) != kpj_length:
        short_number = raw.kpj_was_number and len(kpj) < kpj_length
        msgid = KPJ_LENGTH_NUMBER if short_number else KPJ_LENGTH
        return msgid, {"kpj": kpj, "length": str(kpj_length), "count": str(len(kpj))}
    return None


def _decision_problems(
    reference: str, status: Status, kpj: str | None, reason: str | None
) -> list[_Found]:
    """What is missing or contradictory in a decision."""
    if status is Status.APPROVED:
        return [] if kpj else [(APPROVED_WITHOUT_KPJ, {"reference": reference})]
    found: list[_Found] = []
    if reason is None:
        found.append((REJECTED_WITHOUT_REASON, {"reference": reference}))
    if kpj is not None:
        found.append((REJECTED_WITH_KPJ, {"reference": reference, "kpj": kpj}))
    return found


def _reference_problems(raw: _Raw) -> list[_Found]:
    """Why the line's reference is not one of ours, if it is not."""
    if raw.reference is None:
        return [(REFERENCE_EMPTY, {})]
    if not _REFERENCE.fullmatch(raw.reference):
        return [(REFERENCE_BAD, {"reference": raw.reference})]
    return []


def _check(raw: _Raw, kpj_length: int) -> ImportRow | list[_Found] | None:
    """One line as a decision, the problems that stop it, or None when it decides nothing."""
    reference = (raw.reference or "").upper()
    kpj = _KPJ_SEPARATORS.sub("", raw.kpj) if raw.kpj else None
    found = _reference_problems(raw)
    if kpj is not None and (kpj_problem := _kpj_problem(raw, kpj, kpj_length)):
        found.append(kpj_problem)
    word = _normalise(raw.status or "")
    if word not in _STATUS_WORDS:
        return [*found, (STATUS_UNKNOWN, {"status": raw.status or ""})]
    status = _STATUS_WORDS[word] or (Status.APPROVED if kpj else None)
    if status is None:
        # Nothing decided (an export coming back partly filled in): skip, unless a note says
        # the officer meant something.
        return [*found, (NO_DECISION, {"reference": reference})] if raw.reason else None
    found.extend(_decision_problems(reference, status, kpj, raw.reason))
    return found or ImportRow(raw.line, reference, kpj, status.value, raw.reason)


def _repeated(raws: Sequence[_Raw]) -> dict[str, int]:
    """References that appear on more than one line → the first line they appear on."""
    first: dict[str, int] = {}
    repeated: dict[str, int] = {}
    for raw in raws:
        reference = (raw.reference or "").upper()
        if not _REFERENCE.fullmatch(reference):
            continue
        if reference in first:
            repeated[reference] = first[reference]
        else:
            first[reference] = raw.line
    return repeated


def _is_blank(cells: Sequence[object]) -> bool:
    """Whether a line has no content at all."""
    return all(_cell_text(cell) is None for cell in cells)


def _header(table: Table) -> tuple[int, dict[str, int]]:
    """Index of the header (the first non-blank line) and the fields it names."""
    for index, (_, cells) in enumerate(table):
        if not _is_blank(cells):
            return index, _find_columns(cells)
    return len(table), {}


def _raws(table: Table) -> tuple[list[_Raw], list[ImportProblem]]:
    """The data lines picked out by field, or the problem with the file's header."""
    at, columns = _header(table)
    missing = _missing_columns(columns)
    if missing is not None:
        line = table[at][0] if at < len(table) else 1
        return [], [ImportProblem(line, COLUMNS_MISSING, {"columns": missing})]
    lines = table[at + 1 :]
    return [_raw(line, cells, columns) for line, cells in lines if not _is_blank(cells)], []


def read_import(
    data: bytes, filename: str, kpj_length: int, limits: ImportLimits = DEFAULT_LIMITS
) -> tuple[list[ImportRow], list[ImportProblem]]:
    """Decisions from an uploaded XLSX or CSV: the usable rows and every problem found. A file
    past one of ``limits`` is refused whole, with one problem saying which limit and what to do."""
    table = read_table(data, filename, limits)
    if table is None:
        return [], [ImportProblem(1, FILE_UNREADABLE, {"filename": filename})]
    if isinstance(table, Refusal):
        return [], [ImportProblem(table.line, table.msgid, table.params)]
    raws, problems = _raws(table)
    repeated = _repeated(raws)
    rows: list[ImportRow] = []
    for raw in raws:
        checked = _check(raw, kpj_length)
        reference = (raw.reference or "").upper()
        if reference in repeated and repeated[reference] != raw.line:
            params = {"reference": reference, "first_line": str(repeated[reference])}
            problems.append(ImportProblem(raw.line, REFERENCE_DUPLICATE, params))
        if isinstance(checked, ImportRow) and reference not in repeated:
            rows.append(checked)
        elif isinstance(checked, list):
            problems.extend(ImportProblem(raw.line, msgid, params) for msgid, params in checked)
    return rows, problems
