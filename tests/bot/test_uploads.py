"""Uploads past a limit of size, rows or columns are refused whole, quickly, in little memory,
with a message that says which limit and what to do (bot.uploads through read_import)."""

from __future__ import annotations

import io
import re
import time
import tracemalloc
import zipfile
from collections.abc import Callable, Sequence

import pytest
import xlsxwriter  # type: ignore[import-untyped,unused-ignore]

from bot.decision_sheet import ImportProblem, describe_problem, read_import
from bot.settings import Settings
from bot.uploads import (
    DEFAULT_LIMITS,
    FILE_TOO_LARGE,
    TOO_MANY_COLUMNS,
    TOO_MANY_ROWS,
    UNPACKED_TOO_LARGE,
    ImportLimits,
)
from tests.bot.test_spreadsheets import EXPECTED_ROWS, GOOD, HEADER, csv_bytes, xlsx_bytes

SHEET = "xl/worksheets/sheet1.xml"
NO_DIMENSION = re.compile(r'<dimension ref="[^"]*"/>')
MB = 1_000_000


def only(problems: list[ImportProblem]) -> ImportProblem:
    assert len(problems) == 1, problems
    return problems[0]


def patched(
    data: bytes, change: Callable[[str], str], extra: dict[str, bytes] | None = None
) -> bytes:
    """The XLSX ``data`` with its sheet's XML changed (and ``extra`` members added)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == SHEET:
                content = change(content.decode()).encode()
            target.writestr(info.filename, content)
        for name, content in (extra or {}).items():
            target.writestr(name, content)
    return buffer.getvalue()


def peak_bytes(call: Callable[[], object]) -> int:
    """The most memory ``call`` held at once, as tracemalloc counts it."""
    tracemalloc.start()
    try:
        call()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def xfd_bomb(rows: int) -> bytes:
    """The upload that drove memory to 2.4 GB: a header, then one number in column XFD a row."""
    bomb = "".join(f'<row r="{n}"><c r="XFD{n}"><v>1</v></c></row>' for n in range(2, rows + 1))
    return patched(
        xlsx_bytes([HEADER]), lambda xml: xml.replace("</sheetData>", bomb + "</sheetData>")
    )


@pytest.mark.parametrize("dimension", [True, False], ids=["with dimension", "without"])
def test_xfd_column_bomb_is_refused_quickly(dimension: bool) -> None:
    data = xfd_bomb(19_000)
    if not dimension:  # then openpyxl would parse the whole sheet just to open the file
        data = patched(data, lambda xml: NO_DIMENSION.sub("", xml))
    assert 90 * 1024 < len(data) < 110 * 1024  # the 100 KiB file of the report
    started = time.perf_counter()
    rows, problems = read_import(data, "bom.xlsx", 11)
    elapsed = time.perf_counter() - started
    assert elapsed < 1.0
    assert rows == []
    problem = only(problems)
    assert (problem.line, problem.reason_msgid) == (2, TOO_MANY_COLUMNS)
    assert problem.params == {"filename": "bom.xlsx", "limit": "30", "column": "XFD"}
    assert peak_bytes(lambda: read_import(data, "bom.xlsx", 11)) < 100 * MB


def test_a_lying_dimension_allocates_nothing() -> None:
    """A sheet that claims A1:XFD1048576 is read by its real cells, not padded to its claim."""
    data = patched(
        xlsx_bytes([HEADER, *GOOD]),
        lambda xml: NO_DIMENSION.sub('<dimension ref="A1:XFD1048576"/>', xml),
    )
    assert b"XFD1048576" in zipfile.ZipFile(io.BytesIO(data)).read(SHEET)
    assert read_import(data, "a.xlsx", 11) == (EXPECTED_ROWS, [])
    assert peak_bytes(lambda: read_import(data, "a.xlsx", 11)) < 10 * MB


def test_cells_without_references_count_as_columns() -> None:
    """Cells may omit their "A1" reference; 300,000 of them in one row are 300,000 columns. The
    sheet has no dimension either, so openpyxl would parse it whole just to open the file
    (25 MB and 3 s for this 14 KB upload): the scan must come first. (Packed 300 times, the
    sheet is past the compression ratio allowed, raised here so that the scan sees it.)"""
    many = "<c><v>1</v></c>" * 300_000
    data = patched(
        xlsx_bytes([HEADER, *GOOD]),
        lambda xml: NO_DIMENSION.sub("", xml).replace("</row>", many + "</row>", 1),
    )
    assert len(data) < 20 * 1024
    limits = ImportLimits(max_ratio=1_000)
    started = time.perf_counter()
    rows, problems = read_import(data, "a.xlsx", 11, limits)
    assert time.perf_counter() - started < 1.0
    assert rows == []
    problem = only(problems)
    # The header's own 4 cells are A-D; the 27th added one is the 31st cell, column AE.
    assert (problem.line, problem.reason_msgid, problem.params["column"]) == (
        1,
        TOO_MANY_COLUMNS,
        "AE",
    )
    assert peak_bytes(lambda: read_import(data, "a.xlsx", 11, limits)) < 5 * MB


def test_a_bomb_in_another_sheet_is_refused_too() -> None:
    """openpyxl reads every sheet at load, so every sheet is held to the limits."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    first = book.add_worksheet("Keputusan")
    for number, row in enumerate([HEADER, *GOOD]):
        first.write_row(number, 0, row)
    other = book.add_worksheet("Lain")
    for number in range(100):
        other.write_number(number, 16_383, 1)
    book.close()
    problem = only(read_import(buffer.getvalue(), "a.xlsx", 11)[1])
    assert (problem.reason_msgid, problem.params["column"]) == (TOO_MANY_COLUMNS, "XFD")


def test_a_row_numbered_far_down_is_refused_quickly() -> None:
    """openpyxl fills a gap in row numbers with empty rows: row 1,048,576 would be a million."""
    far = '<row r="1048576"><c r="A1048576" t="n"><v>1</v></c></row></sheetData>'
    data = patched(xlsx_bytes([HEADER, *GOOD]), lambda xml: xml.replace("</sheetData>", far))
    started = time.perf_counter()
    rows, problems = read_import(data, "a.xlsx", 11)
    assert time.perf_counter() - started < 1.0
    assert rows == [] and only(problems).reason_msgid == TOO_MANY_ROWS


def test_oversize_file_is_refused() -> None:
    data = csv_bytes([HEADER, *GOOD])
    assert read_import(data, "a.csv", 11, ImportLimits(max_bytes=len(data)))[1] == []
    rows, problems = read_import(data, "a.csv", 11, ImportLimits(max_bytes=len(data) - 1))
    assert rows == [] and only(problems).reason_msgid == FILE_TOO_LARGE
    big = b"x" * (DEFAULT_LIMITS.max_bytes + 1)
    problem = only(read_import(big, "besar.csv", 11)[1])
    assert (problem.line, problem.params) == (
        1,
        {"filename": "besar.csv", "size": "10,1", "limit": "10"},
    )
    assert describe_problem(problem) == (
        "Baris 1: Berkas besar.csv terlalu besar (10,1 MB); batasnya 10 MB. Bagi menjadi beberapa "
        "berkas, atau hapus kolom yang tidak perlu, lalu kirim lagi."
    )
    assert "too large" in describe_problem(problem, "en")


def test_a_zip_that_unpacks_too_far_is_refused() -> None:
    """A few kilobytes that unpack to gigabytes: refused by the sizes the archive declares."""
    limits = ImportLimits(max_rows=100, max_columns=10)
    filler = {"xl/media/filler.bin": bytes(limits.max_unpacked)}
    data = patched(xlsx_bytes([HEADER, *GOOD]), lambda xml: xml, filler)
    assert len(data) < limits.max_bytes // 100
    rows, problems = read_import(data, "a.xlsx", 11, limits)
    problem = only(problems)
    assert rows == [] and problem.reason_msgid == UNPACKED_TOO_LARGE
    assert problem.params["limit"] == "10,1"  # 101 rows x 10 columns x 100 bytes + 10 MB


@pytest.mark.parametrize(
    ("make", "name"), [(xlsx_bytes, "a.xlsx"), (csv_bytes, "a.csv")], ids=["xlsx", "csv"]
)
def test_too_many_rows_is_refused(
    make: Callable[[Sequence[Sequence[object]]], bytes], name: str
) -> None:
    limits = ImportLimits(max_rows=len(GOOD))
    assert read_import(make([HEADER, *GOOD]), name, 11, limits) == (EXPECTED_ROWS, [])
    extra = ["BPU-2026-000005", "12345678905", "", ""]
    rows, problems = read_import(make([HEADER, *GOOD, extra]), name, 11, limits)
    problem = only(problems)
    assert rows == [] and (problem.line, problem.reason_msgid) == (1, TOO_MANY_ROWS)
    assert problem.params == {"filename": name, "limit": "4"}
    assert "lebih dari 20.000 baris" in describe_problem(
        ImportProblem(1, TOO_MANY_ROWS, {"filename": name, "limit": "20.000"})
    )


@pytest.mark.parametrize(
    ("make", "name"), [(xlsx_bytes, "a.xlsx"), (csv_bytes, "a.csv")], ids=["xlsx", "csv"]
)
def test_too_many_columns_is_refused(
    make: Callable[[Sequence[Sequence[object]]], bytes], name: str
) -> None:
    limits = ImportLimits(max_columns=len(HEADER))
    assert read_import(make([HEADER, *GOOD]), name, 11, limits) == (EXPECTED_ROWS, [])
    wide = [*GOOD[:2], [*GOOD[2], "catatan di kolom E"], GOOD[3]]
    rows, problems = read_import(make([HEADER, *wide]), name, 11, limits)
    problem = only(problems)
    assert rows == [] and (problem.line, problem.reason_msgid) == (4, TOO_MANY_COLUMNS)
    assert problem.params == {"filename": name, "limit": "4", "column": "E"}
    assert describe_problem(problem).startswith(
        f"Baris 4: Berkas {name} memakai lebih dari 4 kolom (sampai kolom E)."
    )


def test_empty_trailing_csv_fields_are_not_columns() -> None:
    """Excel writes every row as wide as the widest; empty fields past the limit are no matter."""
    data = csv_bytes([[*HEADER, "", ""], *([*row, "", ""] for row in GOOD)])
    limits = ImportLimits(max_columns=len(HEADER))
    assert read_import(data, "a.csv", 11, limits) == (EXPECTED_ROWS, [])


def test_the_settings_give_the_default_limits() -> None:
    defaults = Settings(_env_file=None)  # type: ignore[call-arg]
    assert ImportLimits.from_settings(defaults) == DEFAULT_LIMITS
    chosen = Settings(_env_file=None, import_max_rows=500)  # type: ignore[call-arg]
    assert ImportLimits.from_settings(chosen).max_rows == 500
