"""What each part of an XLSX package is, and whether it unpacks to more than it may.

An XLSX is a zip of parts. openpyxl streams a worksheet (read-only mode) but reads most other
parts whole into a tree: a 185 KB upload whose styles part unpacked to 62 MB took 25 s and 869 MB
to open. So before anything is decompressed, every part is held to limits taken from the sizes
the archive declares (zipfile stops reading a member at its declared size, so they bind):

- every part to a compression ratio: real spreadsheet XML packs 3 to 30 times; a bomb packs
  hundreds of times (deflate's ceiling is about 1,000). Parts below ``RATIO_FLOOR`` are exempt,
  being cheap whatever their ratio;
- the shared strings to their own size, which grows with the cells allowed;
- every other part that is not a worksheet (styles, theme, drawings, pictures, properties,
  relationships, ...) to a small size of its own.

Worksheets are bounded by the total the caller allows and by the row and column scan.

What a part is comes from the package's own description, read the way openpyxl reads it: the
content type ``[Content_Types].xml`` declares for it, the relationships that point at it, and
the fixed names openpyxl opens whatever the package says. A part counts as a worksheet (or as the
shared strings) only when all of these agree; a part that anything reads as something else gets
the small limit, so a hostile package cannot pass its styles off as a sheet.
"""

from __future__ import annotations

import posixpath
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from xml.parsers import expat

RATIO_FLOOR = 1_000_000  # bytes unpacked below which a part's ratio is no concern

_CONTENT_TYPES = "[Content_Types].xml"
# Parts openpyxl opens by these names, whatever the package declares them to be.
_FIXED_NAMES = frozenset(
    {
        _CONTENT_TYPES,
        "_rels/.rels",
        "docProps/core.xml",
        "docProps/custom.xml",
        "xl/workbook.xml",
        "xl/styles.xml",
        "xl/theme/theme1.xml",
    }
)
_TYPES_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
_RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_SPREADSHEETML = "application/vnd.openxmlformats-officedocument.spreadsheetml."


class PartKind(StrEnum):
    """The three budgets a part can fall under. The values are the last segment of the
    relationship type that names such a part (``.../relationships/worksheet``)."""

    SHEET = "worksheet"
    STRINGS = "sharedStrings"
    OTHER = "other"


_KIND_OF_CONTENT_TYPE = {
    _SPREADSHEETML + "worksheet+xml": PartKind.SHEET,
    _SPREADSHEETML + "sharedStrings+xml": PartKind.STRINGS,
}


@dataclass(frozen=True)
class PartBudget:
    """The most a part may unpack to: the shared strings, every other non-sheet part, and the
    ratio of unpacked to packed bytes for any part."""

    max_strings_bytes: int
    max_part_bytes: int
    max_ratio: int

    def limit(self, kind: PartKind) -> int | None:
        """The size a part of this kind may unpack to (None: bounded by the caller's total)."""
        if kind is PartKind.STRINGS:
            return self.max_strings_bytes
        if kind is PartKind.OTHER:
            return self.max_part_bytes
        return None


@dataclass(frozen=True)
class OverBudget:
    """The first part past its budget: its name, and either its size or its ratio against the
    limit it broke (``ratio`` True for the compression ratio)."""

    part: str
    value: int
    limit: int
    ratio: bool


def first_over_budget(archive: zipfile.ZipFile, budget: PartBudget) -> OverBudget | None:
    """The first part of ``archive`` past ``budget``, or None when every part is within it.

    Reads only the central directory, then the content types and relationship parts (each held
    to the small budget first). Raises ``expat.ExpatError`` or ``ValueError`` when those are
    malformed: such a package is unreadable.
    """
    members = archive.infolist()
    for member in members:
        over = _over_ratio(member, budget.max_ratio)
        if over is not None:
            return over
    for member in members:
        if _is_package_description(member.filename):
            over = _over_size(member, budget.max_part_bytes)
            if over is not None:
                return over
    kinds = _part_kinds(archive)
    for member in members:
        limit = budget.limit(kinds.get(member.filename, PartKind.OTHER))
        over = None if limit is None else _over_size(member, limit)
        if over is not None:
            return over
    return None


def _over_ratio(member: zipfile.ZipInfo, max_ratio: int) -> OverBudget | None:
    if member.file_size < RATIO_FLOOR:
        return None
    ratio = member.file_size // max(member.compress_size, 1)
    return OverBudget(member.filename, ratio, max_ratio, ratio=True) if ratio > max_ratio else None


def _over_size(member: zipfile.ZipInfo, limit: int) -> OverBudget | None:
    if member.file_size <= limit:
        return None
    return OverBudget(member.filename, member.file_size, limit, ratio=False)


def _is_package_description(name: str) -> bool:
    return name == _CONTENT_TYPES or name.endswith(".rels")


def _part_kinds(archive: zipfile.ZipFile) -> dict[str, PartKind]:
    """Each part's kind: the kind its content type declares, kept only if no relationship of
    another kind points at it and openpyxl does not open it by a fixed name."""
    names = set(archive.namelist())
    declared = _declared_kinds(archive.read(_CONTENT_TYPES)) if _CONTENT_TYPES in names else {}
    named_as: dict[str, set[str]] = {}
    for name in names:
        if name.endswith(".rels"):
            for kind, target in _relationships(name, archive.read(name)):
                named_as.setdefault(target, set()).add(kind)
    kinds = {}
    for name, kind in declared.items():
        if name not in _FIXED_NAMES and named_as.get(name, {kind.value}) == {kind.value}:
            kinds[name] = kind
    return kinds


def _declared_kinds(xml: bytes) -> dict[str, PartKind]:
    """The parts ``[Content_Types].xml`` declares worksheets or shared strings (by Override)."""
    kinds: dict[str, PartKind] = {}
    for attrs in _elements(xml, f"{_TYPES_NS}}}Override"):
        kind = _KIND_OF_CONTENT_TYPE.get(attrs.get("ContentType", ""))
        name = attrs.get("PartName", "")
        if kind is not None and name.startswith("/"):
            kinds[name[1:]] = kind
    return kinds


def _relationships(rels_name: str, xml: bytes) -> Iterator[tuple[str, str]]:
    """(last segment of the type, target part) of each internal relationship of a ``.rels``
    part, targets resolved against the part the relationships belong to, as openpyxl does."""
    base = posixpath.dirname(posixpath.dirname(rels_name))  # xl/_rels/x.rels → xl
    for attrs in _elements(xml, f"{_RELS_NS}}}Relationship"):
        target = attrs.get("Target", "")
        if attrs.get("TargetMode") == "External" or not target:
            continue
        if target.startswith("/"):
            target = target[1:]
        else:
            target = posixpath.normpath(posixpath.join(base, target))
        yield attrs.get("Type", "").rsplit("/", 1)[-1], target


def _elements(xml: bytes, name: str) -> list[dict[str, str]]:
    """The attributes of every element called ``name`` (namespace}local) in ``xml``."""
    found: list[dict[str, str]] = []

    def start(element: str, attrs: dict[str, str]) -> None:
        if element == name:
            found.append(attrs)

    parser = expat.ParserCreate(namespace_separator="}")
    parser.StartElementHandler = start
    parser.Parse(xml, True)
    return found
