"""Each part of an uploaded XLSX is held to its own size and to a compression ratio before
anything is unpacked (bot.xlsx_parts through read_import): bombs in the styles, a sheet or the
shared strings are refused in little memory, whatever the package claims its parts are."""

from __future__ import annotations

import functools
import io
import os
import zipfile
from collections.abc import Callable, Iterable

import pytest

from bot.decision_sheet import ImportProblem, describe_problem, read_import
from bot.settings import Settings
from bot.uploads import (
    DEFAULT_LIMITS,
    PART_TOO_COMPRESSED,
    PART_TOO_LARGE,
    ImportLimits,
)
from tests.bot.test_spreadsheets import EXPECTED_ROWS, GOOD, HEADER, xlsx_bytes
from tests.bot.test_uploads import peak_bytes

MB = 1_000_000
SHEET = "xl/worksheets/sheet1.xml"
STYLES = "xl/styles.xml"
STRINGS = "xl/sharedStrings.xml"
CONTENT_TYPES = "[Content_Types].xml"
WORKBOOK_RELS = "xl/_rels/workbook.xml.rels"
RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
WORKSHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"

Part = bytes | Callable[[], Iterable[bytes]]


def repacked(
    parts: dict[str, Part] | None = None, change: dict[str, Callable[[str], str]] | None = None
) -> bytes:
    """The good four-row XLSX with ``parts`` replaced or added (a callable's chunks are
    streamed, so a bomb is never whole in memory) and ``change`` applied to parts' XML."""
    source = zipfile.ZipFile(io.BytesIO(xlsx_bytes([HEADER, *GOOD])))
    parts, change = dict(parts or {}), change or {}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for name in source.namelist():
            if name not in parts:
                text = source.read(name).decode()
                target.writestr(name, change[name](text) if name in change else text)
        for name, content in parts.items():
            if isinstance(content, bytes):
                target.writestr(name, content)
                continue
            with target.open(name, "w") as stream:
                for chunk in content():
                    stream.write(chunk)
    return buffer.getvalue()


def repeated(head: str, block: str, tail: str, size: int) -> Part:
    """Chunks of XML: ``head``, ``block`` repeated to about ``size`` bytes, ``tail``."""

    def chunks() -> Iterable[bytes]:
        yield head.encode()
        chunk = (block * max(1, MB // len(block))).encode()
        for _ in range(-(-size // len(chunk))):
            yield chunk
        yield tail.encode()

    return chunks


def refusal(data: bytes, limits: ImportLimits = DEFAULT_LIMITS) -> ImportProblem:
    rows, problems = read_import(data, "bom.xlsx", 11, limits)
    assert rows == [] and len(problems) == 1, problems
    return problems[0]


@functools.cache
def styles_bomb() -> bytes:
    """Like the reported upload (185 KB, its styles unpacking to 62 MB): 216 KB, 62 MB."""
    xf = '<xf numFmtId="{}" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    return repacked(
        {
            STYLES: repeated(
                f'<styleSheet xmlns="{main}"><cellXfs>',
                "".join(xf.format(n % 2) for n in range(100)),
                "</cellXfs></styleSheet>",
                62 * MB,
            )
        }
    )


def sheet_bomb() -> bytes:
    """A sheet within the row and column limits and the total unpacked size (about 70 MB at the
    defaults) that is nearly all one cell's 50 MB of text."""
    xml = zipfile.ZipFile(io.BytesIO(xlsx_bytes([HEADER, *GOOD]))).read(SHEET).decode()
    before, after = xml.split("</sheetData>")
    cell = '<row r="6"><c r="A6" t="inlineStr"><is><t>'
    end = "</t></is></c></row></sheetData>" + after
    return repacked({SHEET: repeated(before + cell, "ab", end, 50 * MB)})


def strings_bomb() -> bytes:
    """Shared strings of 20 MB, within their own size at the defaults (24 MB)."""
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    return repacked(
        {
            STRINGS: repeated(
                f'<sst xmlns="{main}"><si><t>Nomor Pendaftaran</t></si><si><t>Nomor KPJ</t></si>',
                "<si><t>x</t></si>",
                "</sst>",
                20 * MB,
            )
        }
    )


@pytest.mark.parametrize(
    ("make", "part"),
    [(styles_bomb, STYLES), (sheet_bomb, SHEET), (strings_bomb, STRINGS)],
    ids=["styles", "sheet", "shared strings"],
)
def test_a_bomb_in_any_part_is_refused_by_its_ratio_in_little_memory(
    make: Callable[[], bytes], part: str
) -> None:
    data = make()
    assert len(data) < 300 * 1024
    unpacked = {m.filename: m.file_size for m in zipfile.ZipFile(io.BytesIO(data)).infolist()}
    assert sum(unpacked.values()) <= DEFAULT_LIMITS.max_unpacked  # the total cap lets it in
    problem = refusal(data)
    assert (problem.line, problem.reason_msgid, problem.params["part"]) == (
        1,
        PART_TOO_COMPRESSED,
        part,
    )
    assert int(problem.params["ratio"].replace(".", "")) > 100
    assert peak_bytes(lambda: read_import(data, "bom.xlsx", 11)) < 50 * MB


def test_the_styles_bomb_is_refused_in_words_the_officer_can_act_on() -> None:
    problem = refusal(styles_bomb())
    text = describe_problem(problem)
    assert text.startswith(
        "Baris 1: Berkas bom.xlsx tidak dibaca: bagian xl/styles.xml di dalamnya"
    )
    assert "(batasnya 100 kali)" in text and "simpan sebagai CSV" in text
    assert "xl/styles.xml inside it grows" in describe_problem(problem, "en")


def noise(size: int) -> bytes:
    """Bytes that do not compress (a picture, say)."""
    return os.urandom(size)


def test_any_other_part_is_held_to_its_own_size() -> None:
    data = repacked({"xl/media/image1.png": noise(2 * MB)})
    assert read_import(data, "a.xlsx", 11, ImportLimits(max_part_bytes=2 * MB)) == (
        EXPECTED_ROWS,
        [],
    )
    problem = refusal(data, ImportLimits(max_part_bytes=2 * MB - 1))
    assert (problem.reason_msgid, problem.params) == (
        PART_TOO_LARGE,
        {"filename": "bom.xlsx", "part": "xl/media/image1.png", "size": "2", "limit": "1,9"},
    )


def test_the_shared_strings_are_held_to_a_size_that_grows_with_the_cells_allowed() -> None:
    """40 bytes per allowed cell: 4 columns of 10 rows and the header allow 1,760 bytes."""
    strings = zipfile.ZipFile(io.BytesIO(xlsx_bytes([HEADER, *GOOD]))).read(STRINGS).decode()
    padding = "<!-- " + "x" * 1_000 + " -->"
    limits = ImportLimits(max_rows=10, max_columns=4)
    within = repacked({STRINGS: strings.replace("<sst", padding + "<sst", 1).encode()})
    assert read_import(within, "a.xlsx", 11, limits) == (EXPECTED_ROWS, [])
    past = repacked({STRINGS: strings.replace("<sst", padding * 2 + "<sst", 1).encode()})
    problem = refusal(past, limits)
    assert (problem.reason_msgid, problem.params["part"]) == (PART_TOO_LARGE, STRINGS)


def padded_styles(xml: str) -> str:
    """The styles with 20 KB of comment that does not compress."""
    return xml.replace("<styleSheet", f"<!-- {noise(10_000).hex()} --><styleSheet", 1)


def test_styles_called_a_sheet_are_still_held_to_the_small_size() -> None:
    """openpyxl opens xl/styles.xml by its name, whatever the package declares it to be."""
    limits = ImportLimits(max_part_bytes=10_000)
    disguise = {
        STYLES: padded_styles,
        CONTENT_TYPES: lambda xml: xml.replace(
            'PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.spreadsheetml.styles+xml"',
            f'PartName="/xl/styles.xml" ContentType="{WORKSHEET_TYPE}"',
        ),
        WORKBOOK_RELS: lambda xml: xml.replace(
            f'Type="{RELATIONSHIPS}/styles"', f'Type="{RELATIONSHIPS}/worksheet"'
        ),
    }
    data = repacked(change=disguise)
    declared = zipfile.ZipFile(io.BytesIO(data)).read(CONTENT_TYPES).decode()
    assert f'PartName="/xl/styles.xml" ContentType="{WORKSHEET_TYPE}"' in declared
    problem = refusal(data, limits)
    assert (problem.reason_msgid, problem.params["part"]) == (PART_TOO_LARGE, STYLES)


def test_a_sheet_that_something_reads_as_another_part_is_held_to_the_small_size() -> None:
    """A sheet past the small size is read; once a relationship makes it a sheet's comments
    (which openpyxl reads whole), it is held to the small size."""
    limits = ImportLimits(max_part_bytes=10_000)
    big_sheet = {
        SHEET: lambda xml: xml.replace(
            "<worksheet", f"<!-- {noise(10_000).hex()} --><worksheet", 1
        )
    }
    assert read_import(repacked(change=big_sheet), "a.xlsx", 11, limits) == (EXPECTED_ROWS, [])
    comments = (
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{RELATIONSHIPS}/comments" Target="sheet1.xml"/>'
        "</Relationships>"
    ).encode()
    data = repacked({"xl/worksheets/_rels/sheet1.xml.rels": comments}, change=big_sheet)
    problem = refusal(data, limits)
    assert (problem.reason_msgid, problem.params["part"]) == (PART_TOO_LARGE, SHEET)


def test_a_package_description_past_its_size_is_refused_before_it_is_read() -> None:
    rels = zipfile.ZipFile(io.BytesIO(xlsx_bytes([HEADER]))).read(WORKBOOK_RELS).decode()
    padded = rels.replace("<Relationships", f"<!-- {noise(10_000).hex()} --><Relationships", 1)
    problem = refusal(
        repacked({WORKBOOK_RELS: padded.encode()}), ImportLimits(max_part_bytes=10_000)
    )
    assert (problem.reason_msgid, problem.params["part"]) == (PART_TOO_LARGE, WORKBOOK_RELS)


def test_the_settings_give_the_part_limits() -> None:
    chosen = Settings(  # type: ignore[call-arg]
        _env_file=None, import_max_part_bytes=1_000, import_max_ratio=20
    )
    limits = ImportLimits.from_settings(chosen)
    assert (limits.max_part_bytes, limits.max_ratio) == (1_000, 20)
    assert ImportLimits.from_settings(Settings(_env_file=None)) == DEFAULT_LIMITS  # type: ignore[call-arg]
