"""Officers' imports of BPJS decisions: an uploaded file (read by bot.uploads within its size,
row and column limits) into decision rows and problems (Indonesian msgids with parameters).
Nothing here touches storage.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from bot.domain import Status
from bot.i18n import N_, translate
from bot.uploads import DEFAULT_LIMITS, ImportLimits, Refusal, Table, read_table

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
