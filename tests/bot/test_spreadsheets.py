"""Submission exports (XLSX, CSV) read back, and imports of officers' decision files."""

from __future__ import annotations

import csv
import io
import tracemalloc
from collections.abc import Iterator, Sequence
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter  # type: ignore[import-untyped,unused-ignore]
from openpyxl.utils import get_column_letter  # type: ignore[import-untyped,unused-ignore]

from bot.decision_sheet import (
    APPROVED_WITHOUT_KPJ,
    COLUMNS_MISSING,
    FILE_UNREADABLE,
    KPJ_LENGTH,
    KPJ_LENGTH_NUMBER,
    KPJ_NOT_DIGITS,
    NO_DECISION,
    REFERENCE_BAD,
    REFERENCE_DUPLICATE,
    REFERENCE_EMPTY,
    REJECTED_WITH_KPJ,
    REJECTED_WITHOUT_REASON,
    STATUS_UNKNOWN,
    ImportProblem,
    ImportRow,
    describe_problem,
    read_import,
)
from bot.domain import Sex, Status
from bot.flow.questions import REGISTRY
from bot.spreadsheets import export_layout, write_csv, write_xlsx

NIK = "3401025203790001"
KPJ = "01234567890"

EXPORT_COLUMNS = export_layout().columns


def submission(index: int = 0) -> dict[str, object]:
    return {
        "reference": f"BPU-2026-{index:06d}",
        "status": Status.APPROVED,
        "nik": NIK,
        "name": "Sri Wahyuni",
        "birth_date": "1979-03-12",
        "sex": Sex.FEMALE,
        "birth_place": "Sleman",
        "phone": "+6281234567890",
        "home_code": "34.04",
        "home_code_name": "Kabupaten Sleman",
        "address": "Jl. Kaliurang Km 5, Depok",
        "occupation": "Pedagang",
        "income": 2_500_000,
        "jht": True,
        "monthly_self_paid": 61_800,
        "branch": "Yogyakarta",
        "event": "Pasar Beringharjo",
        "submitted_on": date(2026, 3, 14),
        "kpj": KPJ,
    }


def submissions(count: int) -> Iterator[dict[str, object]]:
    return (submission(index) for index in range(count))


# --- export ----------------------------------------------------------------------------------


def test_export_columns_are_the_bpjs_entry_order() -> None:
    headers = [header for header, _ in EXPORT_COLUMNS]
    keys = [key for _, key in EXPORT_COLUMNS]
    assert headers[:3] == ["Nomor pendaftaran", "Status", "NIK"]
    assert headers[-1] == "Nomor KPJ" and len(headers) == 24
    assert len(set(keys)) == 24
    # The registration's fields, in the order the flow asks them (bot/flow/questions/).
    fields = [key for key in keys if key in REGISTRY.field_by_name]
    assert fields == [f.name for f in REGISTRY.fields]


def column(key: str) -> str:
    """The spreadsheet letter of an export column."""
    return str(get_column_letter([k for _, k in EXPORT_COLUMNS].index(key) + 1))


def test_xlsx_read_back(tmp_path: Path) -> None:
    path = tmp_path / "export.xlsx"
    assert write_xlsx(submissions(3), path) == 3
    book = openpyxl.load_workbook(path)
    sheet = book.active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 4
    assert list(rows[0]) == [header for header, _ in EXPORT_COLUMNS]
    record = dict(zip([key for _, key in EXPORT_COLUMNS], rows[1], strict=True))
    assert record["nik"] == NIK and isinstance(record["nik"], str)
    assert record["kpj"] == KPJ  # the leading zero survives: written as text
    assert record["phone"] == "+6281234567890"
    # openpyxl reads a date cell as a naive datetime at midnight.
    birth, submitted = record["birth_date"], record["submitted_on"]
    assert isinstance(birth, datetime) and birth.date() == date(1979, 3, 12)
    assert isinstance(submitted, datetime) and submitted.date() == date(2026, 3, 14)
    assert record["income"] == 2_500_000 and record["monthly_self_paid"] == 61_800
    assert record["jht"] == "Ya" and record["sex"] == "P" and record["status"] == "disetujui"
    assert sheet.auto_filter.ref == f"A1:{column('kpj')}4"
    assert sheet.freeze_panes == "A2"
    assert sheet[f"{column('birth_date')}2"].number_format == "dd/mm/yyyy"
    assert sheet[f"{column('income')}2"].number_format == "#,##0"
    book.close()


def test_xlsx_keeps_formula_like_text_as_text(tmp_path: Path) -> None:
    path = tmp_path / "export.xlsx"
    row = {**submission(), "name": '=HYPERLINK("http://x")', "kpj": None, "income": None}
    write_xlsx(iter([row]), path)
    book = openpyxl.load_workbook(path)
    sheet = book.active
    assert sheet is not None
    name = sheet[f"{column('name')}2"]
    assert name.data_type == "s" and name.value == row["name"]
    assert sheet[f"{column('kpj')}2"].value is None
    assert sheet[f"{column('income')}2"].value is None
    book.close()


def test_empty_export(tmp_path: Path) -> None:
    assert write_xlsx(iter([]), tmp_path / "empty.xlsx") == 0
    assert write_csv(iter([]), tmp_path / "empty.csv") == 0
    book = openpyxl.load_workbook(tmp_path / "empty.xlsx")
    assert book.active is not None and book.active.max_row == 1
    book.close()


def peak_memory(rows: int, path: Path) -> int:
    """Peak traced allocation while exporting ``rows`` generated submissions."""
    tracemalloc.start()
    try:
        assert write_xlsx(submissions(rows), path) == rows
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_xlsx_export_streams(tmp_path: Path) -> None:
    """Four times the rows, about the same memory: rows stream (constant_memory, no list)."""
    small = peak_memory(500, tmp_path / "small.xlsx")
    big = peak_memory(2_000, tmp_path / "big.xlsx")
    assert big < small * 1.5, f"peak grew from {small / 1e6:.2f} MB to {big / 1e6:.2f} MB"


def test_csv_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    rows = [submission(1), {**submission(2), "name": "-Budi", "kpj": None, "jht": False}]
    assert write_csv(iter(rows), path) == 2
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        read = list(csv.DictReader(handle))
    assert list(read[0]) == [header for header, _ in EXPORT_COLUMNS]
    assert read[0]["NIK"] == NIK and read[0]["Nomor KPJ"] == KPJ
    assert read[0]["Tanggal lahir"] == "1979-03-12" and read[0]["Penghasilan"] == "2500000"
    assert read[0]["Alamat"] == "Jl. Kaliurang Km 5, Depok"
    assert read[1]["Nama"] == "'-Budi"  # defused: Excel would read "-Budi" as a formula
    assert read[1]["Nomor KPJ"] == "" and read[1]["JHT"] == "Tidak"


# --- import ----------------------------------------------------------------------------------

GOOD = [
    ["BPU-2026-000001", "12345678901", "disetujui", ""],
    ["bpu-2026-000002", "", "ditolak", "NIK tidak cocok dengan KTP"],
    ["BPU-2026-000003", "123 4567 8901", "", ""],
    ["BPU-2026-000004", "", "Rejected", "Sudah terdaftar"],
]
BAD = [
    ["BPU-2026-12", "12345678901", "", ""],  # line 2: reference format
    ["BPU-2026-000011", "1234567890A", "", ""],  # 3: KPJ letters
    ["BPU-2026-000012", "123", "", ""],  # 4: KPJ length
    ["BPU-2026-000013", "", "disetujui", ""],  # 5: approved without KPJ
    ["BPU-2026-000014", "", "ditolak", ""],  # 6: rejected without reason
    ["BPU-2026-000015", "", "mungkin", ""],  # 7: unknown status
    ["", "12345678901", "", ""],  # 8: no reference
    ["BPU-2026-000016", "12345678901", "ditolak", "salah"],  # 9: rejected with a KPJ
    ["BPU-2026-000017", "", "", "lihat lagi"],  # 10: a note, no decision
]
HEADER = ["Nomor Pendaftaran", "Nomor KPJ", "Status", "Alasan"]
EXPECTED_ROWS = [
    ImportRow(2, "BPU-2026-000001", "12345678901", "disetujui", None),
    ImportRow(3, "BPU-2026-000002", None, "ditolak", "NIK tidak cocok dengan KTP"),
    ImportRow(4, "BPU-2026-000003", "12345678901", "disetujui", None),
    ImportRow(5, "BPU-2026-000004", None, "ditolak", "Sudah terdaftar"),
]
EXPECTED_BAD = [
    (2, REFERENCE_BAD),
    (3, KPJ_NOT_DIGITS),
    (4, KPJ_LENGTH),
    (5, APPROVED_WITHOUT_KPJ),
    (6, REJECTED_WITHOUT_REASON),
    (7, STATUS_UNKNOWN),
    (8, REFERENCE_EMPTY),
    (9, REJECTED_WITH_KPJ),
    (10, NO_DECISION),
]


def xlsx_bytes(rows: Sequence[Sequence[object]]) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet()
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if isinstance(value, str):
                if value:
                    sheet.write_string(r, c, value)
            else:
                sheet.write_number(r, c, value)
    book.close()
    return buffer.getvalue()


def csv_bytes(rows: Sequence[Sequence[object]], delimiter: str = ",", bom: bool = False) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter).writerows(rows)
    return ("\ufeff" if bom else "").encode() + buffer.getvalue().encode()


def lines_and_msgids(problems: list[ImportProblem]) -> list[tuple[int, str]]:
    return [(problem.line, problem.reason_msgid) for problem in problems]


@pytest.mark.parametrize(
    ("make", "name"),
    [
        (xlsx_bytes, "keputusan.xlsx"),
        (csv_bytes, "keputusan.csv"),
        (lambda rows: csv_bytes(rows, ";", bom=True), "keputusan.csv"),
        (lambda rows: csv_bytes(rows, "\t"), "keputusan.txt"),
    ],
    ids=["xlsx", "csv", "semicolon csv with BOM", "tab"],
)
def test_import_good_bad_and_mixed(make: object, name: str) -> None:
    assert callable(make)
    rows, problems = read_import(make([HEADER, *GOOD]), name, kpj_length=11)
    assert (rows, problems) == (EXPECTED_ROWS, [])
    rows, problems = read_import(make([HEADER, *BAD]), name, kpj_length=11)
    assert rows == [] and lines_and_msgids(problems) == EXPECTED_BAD
    rows, problems = read_import(make([HEADER, GOOD[0], BAD[3], GOOD[1]]), name, 11)
    assert [row.reference for row in rows] == ["BPU-2026-000001", "BPU-2026-000002"]
    assert lines_and_msgids(problems) == [(3, APPROVED_WITHOUT_KPJ)]


def test_problem_parameters_and_text() -> None:
    _, problems = read_import(csv_bytes([HEADER, *BAD]), "a.csv", 11)
    by_line = {problem.line: problem for problem in problems}
    assert by_line[2].params == {"reference": "BPU-2026-12"}
    assert by_line[4].params == {"kpj": "123", "length": "11", "count": "3"}
    assert by_line[7].params == {"status": "mungkin"}
    assert describe_problem(by_line[8]) == "Baris 8: Nomor pendaftaran kosong."


@pytest.mark.parametrize(
    "header",
    [
        ["referensi", "kpj", "status", "catatan"],
        ["REF", "No. KPJ", "STATUS", "Reason"],
        ["Reference", "no kpj", "Status ", "alasan"],
        ["Nomor pendaftaran", "Nomor KPJ", "Status", "Alasan"],
    ],
)
def test_header_synonyms(header: list[str]) -> None:
    rows, problems = read_import(csv_bytes([header, *GOOD]), "a.csv", 11)
    assert (rows, problems) == (EXPECTED_ROWS, [])


def test_columns_may_come_in_any_order_with_extra_columns() -> None:
    header = ["Nama", "Alasan", "Status", "Nomor KPJ", "Nomor pendaftaran"]
    data = [["Sri", "", "", "12345678901", "BPU-2026-000001"]]
    rows, _ = read_import(xlsx_bytes([header, *data]), "a.xlsx", 11)
    assert rows == [ImportRow(2, "BPU-2026-000001", "12345678901", "disetujui", None)]


def test_numbers_in_excel_come_back_as_digits() -> None:
    header = ["Nomor pendaftaran", "Nomor KPJ"]
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, header)
    sheet.write_string(1, 0, "BPU-2026-000001")
    sheet.write_number(1, 1, 12345678901)  # an int cell
    sheet.write_string(2, 0, "BPU-2026-000002")
    # A formula's cached value is stored as "12345678901.0": openpyxl reads a float.
    sheet.write_formula(2, 1, "=12345678901*1", None, 12345678901.0)
    sheet.write_string(3, 0, "BPU-2026-000003")
    sheet.write_number(3, 1, 1234567890)  # "01234567890" typed into a number cell
    book.close()
    rows, problems = read_import(buffer.getvalue(), "a.xlsx", 11)
    assert [(row.line, row.kpj) for row in rows] == [(2, "12345678901"), (3, "12345678901")]
    assert lines_and_msgids(problems) == [(4, KPJ_LENGTH_NUMBER)]
    assert problems[0].params["kpj"] == "1234567890"


def test_duplicates_drop_every_copy() -> None:
    data = [HEADER, GOOD[0], GOOD[1], ["bpu-2026-000001", "12345678902", "", ""]]
    rows, problems = read_import(csv_bytes(data), "a.csv", 11)
    assert [row.reference for row in rows] == ["BPU-2026-000002"]
    assert lines_and_msgids(problems) == [(4, REFERENCE_DUPLICATE)]
    assert problems[0].params == {"reference": "BPU-2026-000001", "first_line": "2"}


def test_undecided_and_blank_lines_are_skipped_quietly() -> None:
    data = [HEADER, ["BPU-2026-000001", "", "diajukan", ""], ["", "", "", ""], GOOD[1]]
    rows, problems = read_import(csv_bytes(data), "a.csv", 11)
    assert [row.line for row in rows] == [4] and problems == []


def test_an_export_filled_in_with_kpj_comes_back_as_approvals(tmp_path: Path) -> None:
    path = tmp_path / "export.xlsx"
    pending = {"status": Status.SUBMITTED}
    rows_out = [{**submission(1), **pending}, {**submission(2), **pending, "kpj": None}]
    write_xlsx(iter(rows_out), path)
    rows, problems = read_import(path.read_bytes(), path.name, 11)
    assert problems == []
    assert rows == [ImportRow(2, "BPU-2026-000001", KPJ, "disetujui", None)]


def test_missing_columns_is_one_problem_on_line_1() -> None:
    data = [["Nama", "Status"], ["Sri", "disetujui"]]
    rows, problems = read_import(csv_bytes(data), "a.csv", 11)
    assert rows == [] and lines_and_msgids(problems) == [(1, COLUMNS_MISSING)]
    assert problems[0].params == {"columns": "Nomor pendaftaran"}
    _, problems = read_import(b"", "kosong.csv", 11)
    assert lines_and_msgids(problems) == [(1, COLUMNS_MISSING)]


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "lama.xls"),
        (b"PK\x03\x04 not really a zip", "rusak.xlsx"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "foto.png"),
        (b"plain text", "berkas.xlsx"),
    ],
)
def test_unreadable_files(data: bytes, name: str) -> None:
    rows, problems = read_import(data, name, 11)
    assert rows == [] and lines_and_msgids(problems) == [(1, FILE_UNREADABLE)]
    assert problems[0].params == {"filename": name}


def test_windows_1252_csv_is_read() -> None:
    data = "Nomor pendaftaran;Status;Alasan\nBPU-2026-000001;ditolak;Alamat café salah\n"
    rows, _ = read_import(data.encode("cp1252"), "a.csv", 11)
    assert rows == [ImportRow(2, "BPU-2026-000001", None, "ditolak", "Alamat café salah")]
