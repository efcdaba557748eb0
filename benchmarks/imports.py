"""Officers' imports (bot.spreadsheets.read_import) against the bare readers they are built on.

(a) a filled-in export of ``--xlsx-rows`` submissions (XLSX, all 19 columns): bot.uploads'
    read_table, which scans every sheet part before openpyxl opens the file, against openpyxl
    alone (read-only, iter_rows, values only) on the same bytes; and the whole read_import
    (reading plus checking every row);
(b) a CSV of ``--csv-rows`` submissions: the same with its limits raised to take it, against
    decoding and csv.reader alone; and with the default limits, which refuse it by its size;
(c) the XFD bomb (a header, then one number in column XFD on each of 19,000 rows; 100 KiB): how
    long the refusal takes and the most memory it holds (tracemalloc);
(d) part bombs, each a small upload with one part that unpacks far: the styles (62 MB, as in the
    report that took 25.5 s and 869 MB before parts had limits of their own), a sheet (one 50 MB
    cell) and the shared strings (20 MB): the same two numbers.

CPU seconds are ``time.process_time``, the median of ``--runs``; the ratios matter more than the
seconds, which depend on the machine.

    python benchmarks/imports.py [--xlsx-rows 20000] [--csv-rows 100000] [--runs 3]
"""

from __future__ import annotations

import argparse
import csv
import io
import random
import tempfile
import time
import tracemalloc
import warnings
import zipfile
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import openpyxl  # type: ignore[import-untyped,unused-ignore]
from measure import median

from bot.decision_sheet import read_import
from bot.domain import Status
from bot.spreadsheets import write_csv, write_xlsx
from bot.uploads import DEFAULT_LIMITS, ImportLimits, read_table


def submissions(count: int) -> Iterator[dict[str, object]]:
    """Export rows as an officer gets them back filled in: every column, a KPJ on each."""
    rng = random.Random(7)
    for number in range(1, count + 1):
        yield {
            "reference": f"BPU-2026-{number:06d}",
            "status": Status.SUBMITTED,
            "nik": f"3401{rng.randrange(10**12):012d}",
            "name": "Sri Wahyuni Ningsih",
            "birth_date": date(1980, 1, 1),
            "sex": "P",
            "birth_place": "Kulon Progo",
            "phone": "+6281234567890",
            "home_code": "34.01",
            "home_name": "Kabupaten Kulon Progo",
            "address": f"Dusun Krebet RT 02 RW 05 no {number}",
            "occupation": "Nelayan",
            "income": 1_500_000,
            "jht": True,
            "monthly_self_paid": 16_800,
            "branch": "Yogyakarta",
            "event": "pasar-2026",
            "submitted_on": date(2026, 3, 1),
            "kpj": f"{rng.randrange(10**11):011d}",
        }


def xfd_bomb(rows: int) -> bytes:
    """A header in A1:B1, then one number in column XFD on each row."""
    cells = "".join(f'<row r="{n}"><c r="XFD{n}"><v>1</v></c></row>' for n in range(2, rows + 1))
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    sheet = (
        f'<worksheet xmlns="{main}"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>'
        'Nomor pendaftaran</t></is></c><c r="B1" t="inlineStr"><is><t>Nomor KPJ</t></is>'
        f"</c></row>{cells}</sheetData></worksheet>"
    )
    rels = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    package = "http://schemas.openxmlformats.org/package/2006/relationships"
    parts = {
        "[Content_Types].xml": (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/'
            'sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.'
            'spreadsheetml.worksheet+xml"/></Types>'
        ),
        "_rels/.rels": (
            f'<Relationships xmlns="{package}"><Relationship Id="rId1" Type="{rels}/'
            'officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'<workbook xmlns="{main}" xmlns:r="{rels}"><sheets><sheet name="Sheet1" '
            'sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            f'<Relationships xmlns="{package}"><Relationship Id="rId1" Type="{rels}/'
            'worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
        ),
        "xl/worksheets/sheet1.xml": sheet,
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def part_bomb(name: str, head: str, block: str, tail: str, size: int) -> bytes:
    """The export of two submissions with the part ``name`` replaced by ``head``, ``block``
    repeated to ``size`` bytes, and ``tail``, streamed into the archive."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "e.xlsx"
        write_xlsx(submissions(2), path)
        source = zipfile.ZipFile(path)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for member in source.namelist():
                if member != name:
                    archive.writestr(member, source.read(member))
            chunk = (block * (1_000_000 // len(block))).encode()
            with archive.open(name, "w") as part:
                part.write(head.encode())
                for _ in range(size // len(chunk)):
                    part.write(chunk)
                part.write(tail.encode())
        return buffer.getvalue()


def part_bombs() -> dict[str, bytes]:
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    xf = '<xf numFmtId="{}" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    return {
        "styles 62 MB": part_bomb(
            "xl/styles.xml",
            f'<styleSheet xmlns="{main}"><cellXfs>',
            "".join(xf.format(n % 2) for n in range(100)),
            "</cellXfs></styleSheet>",
            62_000_000,
        ),
        "sheet 50 MB": part_bomb(
            "xl/worksheets/sheet1.xml",
            f'<worksheet xmlns="{main}"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>',
            "ab",
            "</t></is></c></row></sheetData></worksheet>",
            50_000_000,
        ),
        "shared strings 20 MB": part_bomb(
            "xl/sharedStrings.xml",
            f'<sst xmlns="{main}">',
            "<si><t>x</t></si>",
            "</sst>",
            20_000_000,
        ),
    }


def peak_of(run: Callable[[], object]) -> int:
    """The most memory ``run`` held at once (tracemalloc)."""
    tracemalloc.start()
    try:
        run()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def cpu(run: Callable[[], object], runs: int) -> float:
    """Median CPU seconds of ``run``."""
    times = []
    for _ in range(runs):
        started = time.process_time()
        run()
        times.append(time.process_time() - started)
    return median(times)


def openpyxl_alone(data: bytes) -> int:
    """What read_import is built on, and nothing else: every value of the first sheet."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            return sum(1 for _ in book.worksheets[0].iter_rows(values_only=True))
        finally:
            book.close()


def csv_alone(data: bytes) -> int:
    return sum(1 for _ in csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--xlsx-rows", type=int, default=20_000)
    parser.add_argument("--csv-rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        xlsx_path, csv_path = Path(folder) / "e.xlsx", Path(folder) / "e.csv"
        write_xlsx(submissions(args.xlsx_rows), xlsx_path)
        write_csv(submissions(args.csv_rows), csv_path)
        xlsx, text = xlsx_path.read_bytes(), csv_path.read_bytes()

    rows, problems = read_import(xlsx, "e.xlsx", 11)
    assert len(rows) == args.xlsx_rows and not problems, problems[:1]
    bare = cpu(lambda: openpyxl_alone(xlsx), args.runs)
    reading = cpu(lambda: read_table(xlsx, "e.xlsx", DEFAULT_LIMITS), args.runs)
    whole = cpu(lambda: read_import(xlsx, "e.xlsx", 11), args.runs)
    print(
        f"(a) XLSX {args.xlsx_rows:,} rows, {len(xlsx) / 1e6:.1f} MB: openpyxl alone {bare:.2f} s,"
        f" read_table {reading:.2f} s (ratio {reading / bare:.2f}), read_import {whole:.2f} s"
    )

    raised = ImportLimits(max_bytes=len(text), max_rows=args.csv_rows)
    rows, problems = read_import(text, "e.csv", 11, raised)
    assert len(rows) == args.csv_rows and not problems, problems[:1]
    bare = cpu(lambda: csv_alone(text), args.runs)
    reading = cpu(lambda: read_table(text, "e.csv", raised), args.runs)
    whole = cpu(lambda: read_import(text, "e.csv", 11, raised), args.runs)
    refused = cpu(lambda: read_import(text, "e.csv", 11), args.runs)
    print(
        f"(b) CSV {args.csv_rows:,} rows, {len(text) / 1e6:.1f} MB: csv.reader alone {bare:.2f} s,"
        f" read_table {reading:.2f} s (ratio {reading / bare:.2f}), read_import {whole:.2f} s;"
        f" refused by size at the default {DEFAULT_LIMITS.max_bytes / 1e6:.0f} MB in"
        f" {refused * 1e3:.2f} ms"
    )

    bomb = xfd_bomb(19_000)
    refused = cpu(lambda: read_import(bomb, "bom.xlsx", 11), args.runs)
    peak = peak_of(lambda: read_import(bomb, "bom.xlsx", 11))
    print(
        f"(c) XFD bomb, {len(bomb) / 1024:.0f} KiB: refused in {refused * 1e3:.1f} ms, "
        f"peak {peak / 1e6:.2f} MB"
    )
    for label, data in part_bombs().items():
        rows, problems = read_import(data, "bom.xlsx", 11)
        assert not rows and len(problems) == 1, problems
        refused = cpu(lambda data=data: read_import(data, "bom.xlsx", 11), args.runs)
        peak = peak_of(lambda data=data: read_import(data, "bom.xlsx", 11))
        print(
            f"(d) {label} bomb, {len(data) / 1024:.0f} KiB: refused in {refused * 1e3:.1f} ms, "
            f"peak {peak / 1e6:.2f} MB"
        )


if __name__ == "__main__":
    main()
