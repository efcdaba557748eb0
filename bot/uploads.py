"""An uploaded XLSX or CSV read into numbered rows, within limits of size, rows and columns.

An XLSX is a zip of XML, and what its XML says decides how much openpyxl allocates: a 100 KiB file
with one cell in column XFD on each row made it pad 20,000 rows to 16,384 cells each (2.4 GB). So
every sheet is first scanned as a stream (expat, no tree, constant memory) and the file refused at
the first row or cell past a limit; only a file that passes is opened by openpyxl, in read-only
mode, its first sheet read with the stored dimension ignored and ``max_col`` set, so that no row is
padded past the column limit. Before the scan, each part is held to its own size and to a
compression ratio (bot.xlsx_parts), so that neither the scan nor openpyxl unpacks a bomb.
Pure and synchronous: bytes in, rows or a refusal out (the caller may run it in a thread).
"""

from __future__ import annotations

import csv
import io
import warnings
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import IO, TYPE_CHECKING, Any
from xml.parsers import expat

import openpyxl  # type: ignore[import-untyped,unused-ignore]

from bot.i18n import N_
from bot.xlsx_parts import OverBudget, PartBudget, first_over_budget

if TYPE_CHECKING:
    from bot.settings import Settings

FILE_TOO_LARGE = N_(
    "Berkas {filename} terlalu besar ({size} MB); batasnya {limit} MB. Bagi menjadi beberapa "
    "berkas, atau hapus kolom yang tidak perlu, lalu kirim lagi."
)
UNPACKED_TOO_LARGE = N_(
    "Isi berkas {filename} terlalu besar setelah dibuka ({size} MB; batasnya {limit} MB). Salin "
    "hanya baris dan kolom yang perlu ke berkas baru, atau simpan sebagai CSV, lalu kirim lagi."
)
PART_TOO_LARGE = N_(
    "Berkas {filename} tidak dibaca: bagian {part} di dalamnya terlalu besar setelah dibuka "
    "({size} MB; batasnya {limit} MB). Biasanya itu format, gambar atau lembar yang tidak perlu. "
    "Salin hanya baris dan kolom yang perlu ke berkas baru, atau simpan sebagai CSV, lalu kirim "
    "lagi."
)
PART_TOO_COMPRESSED = N_(
    "Berkas {filename} tidak dibaca: bagian {part} di dalamnya membesar {ratio} kali lipat "
    "setelah dibuka (batasnya {limit} kali). Berkas seperti ini biasanya rusak atau sengaja "
    "dibuat untuk membebani sistem. Salin hanya baris dan kolom yang perlu ke berkas baru, atau "
    "simpan sebagai CSV, lalu kirim lagi."
)
TOO_MANY_ROWS = N_(
    "Berkas {filename} berisi lebih dari {limit} baris data. Bagi menjadi beberapa berkas, "
    "masing-masing paling banyak {limit} baris dengan baris judul di atasnya, lalu kirim lagi. "
    "Baris kosong yang diberi format di bawah data, dan lembar lain di berkas itu, juga "
    "terhitung: hapus yang tidak perlu."
)
TOO_MANY_COLUMNS = N_(
    "Berkas {filename} memakai lebih dari {limit} kolom (sampai kolom {column}). Hapus kolom "
    "yang tidak perlu, juga kolom kosong yang diberi format, dan lembar lain yang tidak perlu, "
    "lalu kirim lagi. Yang dibaca hanya kolom Nomor pendaftaran, Nomor KPJ, Status dan Alasan."
)

_XLSX_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # the old binary .xls, which we do not read
_DELIMITERS = (",", ";", "\t")
_MB = 1_000_000
# The most an XLSX may unpack to: the sheet's XML for every allowed cell, at this many bytes a
# cell on average (our own 20,000-row export unpacks to about 60 bytes a cell), and an allowance
# for the parts every workbook has (styles, theme, shared strings' own markup). It bounds the
# scan's time and what openpyxl holds at load (it reads the shared strings whole).
_XML_BYTES_PER_CELL = 100
_WORKBOOK_ALLOWANCE = 10 * _MB
# The shared strings, which openpyxl holds whole: a distinct text of about 20 characters in every
# allowed cell, with its markup (<si><t>...</t></si>).
_STRING_BYTES_PER_CELL = 40
_PART_NAME_SHOWN = 60  # characters of a part's name put in a message
# Element names as expat reports them with namespace_separator="}". openpyxl reads rows and cells
# of this namespace only, so elements of any other are no concern of the scan. (Of a workbook's
# other parts only an external link's cached values hold rows: they count too, which is strict.)
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_ROW = _MAIN + "}row"
_CELL = _MAIN + "}c"

Table = list[tuple[int, Sequence[object]]]


@dataclass(frozen=True)
class ImportLimits:
    """The largest upload read (settings IMPORT_MAX_BYTES, IMPORT_MAX_ROWS, IMPORT_MAX_COLUMNS,
    and for each part of an XLSX IMPORT_MAX_PART_BYTES and IMPORT_MAX_RATIO)."""

    max_bytes: int = 10 * _MB
    max_rows: int = 20_000  # data rows, below the header row
    max_columns: int = 30
    max_part_bytes: int = 5 * _MB  # any XLSX part but the sheets and the shared strings
    max_ratio: int = 100  # unpacked to packed bytes, for any XLSX part of 1 MB or more

    @property
    def _cells(self) -> int:
        return (self.max_rows + 1) * self.max_columns

    @property
    def max_unpacked(self) -> int:
        """The most an XLSX may unpack to (its XML), in bytes."""
        return self._cells * _XML_BYTES_PER_CELL + _WORKBOOK_ALLOWANCE

    @property
    def part_budget(self) -> PartBudget:
        """What each part of an XLSX may unpack to (bot.xlsx_parts)."""
        strings = self._cells * _STRING_BYTES_PER_CELL
        return PartBudget(strings, self.max_part_bytes, self.max_ratio)

    @classmethod
    def from_settings(cls, settings: Settings) -> ImportLimits:
        """This deployment's limits."""
        return cls(
            max_bytes=settings.import_max_bytes,
            max_rows=settings.import_max_rows,
            max_columns=settings.import_max_columns,
            max_part_bytes=settings.import_max_part_bytes,
            max_ratio=settings.import_max_ratio,
        )


DEFAULT_LIMITS = ImportLimits()


@dataclass(frozen=True)
class Refusal:
    """Why a whole file is not read: a message (msgid, parameters) and the line it points at."""

    line: int
    msgid: str
    params: dict[str, str]


class _Refused(Exception):
    """Raised from inside the XML scan to stop it at the first row or cell past a limit."""

    def __init__(self, refusal: Refusal) -> None:
        super().__init__(refusal.msgid)
        self.refusal = refusal


def read_table(data: bytes, filename: str, limits: ImportLimits) -> Table | Refusal | None:
    """The file's rows numbered as a spreadsheet numbers them, a refusal when it is past a limit,
    or None when it is not a file we can read. Chosen by content first and name second."""
    refused = _refused_by_size(data, filename, limits)
    if refused is not None:
        return refused
    if data.startswith(_XLSX_MAGIC):
        rows = _xlsx_rows(data, filename, limits)
        if not isinstance(rows, Iterator):
            return rows
        try:
            return list(rows)
        except Exception:  # any parser error in an uploaded file means "unreadable"
            return None
    if _unreadable_kind(data, filename):
        return None
    return _csv_table(data, filename, limits)


def stream_table(
    data: bytes, filename: str, limits: ImportLimits
) -> Iterator[tuple[int, Sequence[object]]] | Refusal | None:
    """Like ``read_table``, but the rows are produced as they are taken, so that a large file is
    never held as Python objects whole. Every limit is checked before the first row is given (a
    CSV is parsed twice: once counting, once giving); an XLSX that turns out malformed past the
    scan raises ``UnreadableFile`` while it is being read."""
    refused = _refused_by_size(data, filename, limits)
    if refused is not None:
        return refused
    if data.startswith(_XLSX_MAGIC):
        return _xlsx_rows(data, filename, limits)
    if _unreadable_kind(data, filename):
        return None
    text = _csv_text(data)
    if text is None:
        return None
    checked = _csv_checked(text, filename, limits, keep=False)
    if checked is None or isinstance(checked, Refusal):
        return checked
    return _csv_records(text)


class UnreadableFile(Exception):
    """An uploaded file that passed every check turned out malformed while it was read."""


def _refused_by_size(data: bytes, filename: str, limits: ImportLimits) -> Refusal | None:
    if len(data) > limits.max_bytes:
        params = {"size": _megabytes(len(data)), "limit": _megabytes(limits.max_bytes, up=False)}
        return Refusal(1, FILE_TOO_LARGE, {"filename": filename, **params})
    return None


def _unreadable_kind(data: bytes, filename: str) -> bool:
    """An old binary .xls, or a spreadsheet's name on what is no XLSX: not read."""
    return data.startswith(_OLE_MAGIC) or filename.lower().endswith((".xlsx", ".xlsm", ".xls"))


def _megabytes(size: int, *, up: bool = True) -> str:
    """Bytes as megabytes the Indonesian way, to a tenth: ``10``, ``12,3``. Sizes round up and
    limits down (``up=False``), so a file just over a limit never reads as the limit itself."""
    tenths = -(-size // (_MB // 10)) if up else size // (_MB // 10)
    whole, tenth = divmod(tenths, 10)
    return f"{whole},{tenth}" if tenth else str(whole)


def _count(number: int) -> str:
    """A count with Indonesian grouping: ``20.000``."""
    return f"{number:,}".replace(",", ".")


def _column_letters(index: int) -> str:
    """1 → A, 30 → AD, 16384 → XFD."""
    letters = ""
    while index > 0:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _too_many_rows(filename: str, limits: ImportLimits) -> Refusal:
    return Refusal(1, TOO_MANY_ROWS, {"filename": filename, "limit": _count(limits.max_rows)})


def _too_many_columns(filename: str, limits: ImportLimits, line: int, column: str) -> Refusal:
    params = {"filename": filename, "limit": _count(limits.max_columns), "column": column}
    return Refusal(line, TOO_MANY_COLUMNS, params)


# --- CSV -----------------------------------------------------------------------------------


def _csv_table(data: bytes, filename: str, limits: ImportLimits) -> Table | Refusal | None:
    """The records of a UTF-8 (or, failing that, Windows-1252) CSV; None if it is not text."""
    text = _csv_text(data)
    return None if text is None else _csv_checked(text, filename, limits, keep=True)


def _csv_text(data: bytes) -> str | None:
    """A CSV's text; None if it is not text."""
    if b"\x00" in data:
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Excel's plain "CSV" format saves in the Windows code page.
        return data.decode("cp1252", errors="replace")


def _csv_records(text: str) -> Iterator[tuple[int, Sequence[object]]]:
    """The CSV's records, each with the line it starts on (csv.Error when it is no CSV)."""
    header = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max(_DELIMITERS, key=header.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    last = 0
    for cells in reader:
        yield last + 1, cells
        last = reader.line_num


def _csv_checked(
    text: str, filename: str, limits: ImportLimits, *, keep: bool
) -> Table | Refusal | None:
    """The CSV's records held to the limits (kept only with ``keep``: else an empty table says
    that it is within them)."""
    table: Table = []
    count = 0
    try:
        for line, cells in _csv_records(text):
            if count > limits.max_rows:  # the header and max_rows records are read
                return _too_many_rows(filename, limits)
            if len(cells) > limits.max_columns:
                # Excel writes empty fields up to the widest row; only filled ones count.
                width = len(cells)
                while width and not str(cells[width - 1]).strip():
                    width -= 1
                if width > limits.max_columns:
                    column = _column_letters(width)
                    return _too_many_columns(filename, limits, line, column)
            count += 1
            if keep:
                table.append((line, cells))
    except csv.Error:
        return None
    return table


# --- XLSX ----------------------------------------------------------------------------------


def _xlsx_rows(
    data: bytes, filename: str, limits: ImportLimits
) -> Iterator[tuple[int, Sequence[object]]] | Refusal | None:
    """The rows of the first sheet of an XLSX file, as they are read, after the scan found it
    within the limits (the workbook is opened here, so that a file openpyxl cannot open is
    None at once)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        # The sizes the archive declares bind: zipfile stops reading a member at its size.
        unpacked = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError):
        return None
    if unpacked > limits.max_unpacked:
        params = {"size": _megabytes(unpacked), "limit": _megabytes(limits.max_unpacked, up=False)}
        return Refusal(1, UNPACKED_TOO_LARGE, {"filename": filename, **params})
    try:
        over = first_over_budget(archive, limits.part_budget)
        if over is not None:
            return _over_budget(filename, over)
        # Before openpyxl sees the file: at load it parses every sheet as far as its
        # dimension, and a sheet without one all the way, building a tree as it goes.
        _scan_parts(archive, filename, limits)
    except _Refused as refused:
        return refused.refusal
    except Exception:  # a malformed archive or sheet means "unreadable", not a crash
        return None
    try:
        with warnings.catch_warnings():
            # Uploaded files trip openpyxl's notices (unsupported extensions, odd styles).
            warnings.simplefilter("ignore")
            book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # any parser error in an uploaded file means "unreadable", not a crash
        return None
    return _sheet_rows(book, limits)


def _sheet_rows(book: Any, limits: ImportLimits) -> Iterator[tuple[int, Sequence[object]]]:
    """The first sheet's rows of an opened read-only workbook, closed once read."""
    try:
        sheet = book.worksheets[0]
        sheet.reset_dimensions()  # a stored dimension may lie, in either direction
        rows = sheet.iter_rows(min_row=1, max_col=limits.max_columns, values_only=True)
        numbered = enumerate((tuple(row) for row in rows), start=1)
        while True:
            with warnings.catch_warnings():  # not held while the caller has the row
                warnings.simplefilter("ignore")
                found = next(numbered, None)
            if found is None:
                return
            yield found
    except Exception as error:  # a parser error past the scan: the file is unreadable
        raise UnreadableFile(str(error)) from error
    finally:
        book.close()


def _over_budget(filename: str, over: OverBudget) -> Refusal:
    """The refusal of a file with a part past its size or ratio."""
    part = over.part if len(over.part) <= _PART_NAME_SHOWN else over.part[:_PART_NAME_SHOWN] + "…"
    if over.ratio:
        params = {"ratio": _count(over.value), "limit": _count(over.limit)}
        return Refusal(1, PART_TOO_COMPRESSED, {"filename": filename, "part": part, **params})
    params = {"size": _megabytes(over.value), "limit": _megabytes(over.limit, up=False)}
    return Refusal(1, PART_TOO_LARGE, {"filename": filename, "part": part, **params})


def _scan_parts(archive: zipfile.ZipFile, filename: str, limits: ImportLimits) -> None:
    """Raise _Refused at the first row or cell past a limit in any part of the archive.

    Every part is scanned, not only the first sheet: openpyxl reads every sheet at load, and
    which part is a sheet is only known from the workbook's relationships, which a file may
    point anywhere. Parts that are not XML (pictures) stop expat at once and are skipped.
    """
    for member in archive.infolist():
        with archive.open(member) as source:
            try:
                _scan_sheet(source, filename, limits)
            except expat.ExpatError:
                continue


class _SheetScan:
    """Counts a sheet's rows and each row's cells as expat reports them, and stops the parse at
    the first row or cell past a limit. Cells are numbered the way openpyxl numbers them: by
    their reference ("XFD2"), or one after the previous cell when they have none."""

    def __init__(self, filename: str, limits: ImportLimits) -> None:
        self.filename = filename
        self.limits = limits
        self.rows = 0  # row elements seen
        self.row = 0  # the current row's number
        self.cells = 0  # cell elements in the current row
        self.column = 0  # the current cell's column number

    def start(self, name: str, attrs: dict[str, str]) -> None:
        """expat's start-element handler: cells first, the most frequent element."""
        if name == _CELL:
            self.cell(attrs.get("r"))
        elif name == _ROW:
            self.start_row(attrs.get("r"))

    def start_row(self, reference: str | None) -> None:
        self.rows += 1
        self.row = int(reference) if reference else self.row + 1
        self.cells = self.column = 0
        if max(self.rows, self.row) > self.limits.max_rows + 1:
            raise _Refused(_too_many_rows(self.filename, self.limits))

    def cell(self, reference: str | None) -> None:
        self.cells += 1
        letters = reference.rstrip("0123456789") if reference else ""
        self.column = _column_number(letters) if letters else self.column + 1
        if max(self.cells, self.column) > self.limits.max_columns:
            column = letters[:10] or _column_letters(max(self.cells, self.column))
            line = self.row or 1
            raise _Refused(_too_many_columns(self.filename, self.limits, line, column))


@lru_cache(maxsize=1024)  # a sheet has few distinct column letters
def _column_number(letters: str) -> int:
    """A → 1, AD → 30, XFD → 16384; ValueError for anything but letters."""
    if not letters.isascii() or not letters.isalpha():
        raise ValueError(f"not a column: {letters!r}")
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - ord("A") + 1
    return number


def _scan_sheet(source: IO[bytes], filename: str, limits: ImportLimits) -> None:
    """Raise _Refused at the first row or cell of the XML ``source`` past a limit (ExpatError
    when it is not XML)."""
    scan = _SheetScan(filename, limits)
    parser = expat.ParserCreate(namespace_separator="}")
    parser.StartElementHandler = scan.start
    parser.ParseFile(source)
