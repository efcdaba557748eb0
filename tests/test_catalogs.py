"""The English catalog against the N_("...") texts of the source: complete, current, well-formed.

The msgids are extracted in-process with the mapping of ``babel.cfg`` (what ``scripts/i18n`` runs), so
a new or changed text fails here until ``scripts/i18n`` has been run and the entry translated.
"""

from __future__ import annotations

import ast
import configparser
import re
import string
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from bot.i18n import DOMAIN, LOCALES_DIR, translate

ROOT = Path(__file__).resolve().parent.parent
KEYWORDS = {"N_": None}
LANG = "en"

# Telegram's HTML tags (https://core.telegram.org/bots/api#html-style). Other <...> in a text, such
# as "<nomor KPJ>" in the officer commands' usage lines, are words to translate.
HTML_TAG = re.compile(
    r"</?(?:b|strong|i|em|u|ins|s|strike|del|span|tg-spoiler|tg-emoji|a|code|pre|blockquote)"
    r"(?:\s[^<>]*)?>"
)
# A slash-command: "/" at the start or after a space ("Rp16.800/bulan", "PP 50/2025" are not).
COMMAND = re.compile(r"(?:^|(?<=\s))/[a-z_]+\b")


def method_map() -> list[tuple[str, str]]:
    """The ``[method: pattern]`` sections of babel.cfg, as ``extract_from_dir`` wants them."""
    parser = configparser.RawConfigParser()
    parser.read(ROOT / "babel.cfg", encoding="utf-8")
    pairs = [
        tuple(part.strip() for part in section.split(":", 1)) for section in parser.sections()
    ]
    return [(pattern, method) for method, pattern in pairs]


def offenders(msgids: list[str] | set[str]) -> str:
    return "\n".join(f"  {msgid!r}" for msgid in sorted(msgids))


@pytest.fixture(scope="module")
def extraction() -> tuple[set[str], list[Path]]:
    """The msgids pybabel would extract, and the files it reads."""
    files: list[Path] = []

    def visited(filename: str, _method: str, _options: dict[str, Any]) -> None:
        files.append(ROOT / filename)

    found = {
        message
        for _filename, _lineno, message, _comments, _context in extract_from_dir(
            ROOT, method_map(), keywords=KEYWORDS, callback=visited
        )
    }
    assert found and files, "no N_() texts extracted: is babel.cfg right?"
    assert all(isinstance(message, str) for message in found)
    return {str(message) for message in found}, files


@pytest.fixture(scope="module")
def source_msgids(extraction: tuple[set[str], list[Path]]) -> set[str]:
    return extraction[0]


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    with (LOCALES_DIR / LANG / "LC_MESSAGES" / f"{DOMAIN}.po").open("rb") as handle:
        return read_po(handle, locale=LANG)


def translated(catalog: Catalog) -> dict[str, str]:
    """msgid → translation, for the entries that have a non-empty, non-fuzzy one."""
    return {str(m.id): str(m.string) for m in catalog if m.id and m.string and not m.fuzzy}


def placeholders(text: str) -> set[str]:
    """The ``{name!conversion:spec}`` fields of a ``str.format`` template."""
    fields = set()
    for _literal, name, spec, conversion in string.Formatter().parse(text):
        if name is not None:
            fields.add(
                f"{{{name}{'!' + conversion if conversion else ''}{':' + spec if spec else ''}}}"
            )
    return fields


def well_nested(tags: list[str]) -> bool:
    stack: list[str] = []
    for tag in tags:
        name = re.split(r"[\s>]", tag.lstrip("</"), maxsplit=1)[0]
        if not tag.startswith("</"):
            stack.append(name)
        elif not stack or stack.pop() != name:
            return False
    return not stack


def test_every_n_call_has_one_literal_text(extraction: tuple[set[str], list[Path]]) -> None:
    """N_(variable) or N_(f"...") would never reach the catalog, so never be translated."""
    bad = []
    for path in sorted(extraction[1]):
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "N_"
                and not (
                    len(node.args) == 1
                    and not node.keywords
                    and isinstance(node.args[0], ast.Constant)
                    and isinstance(node.args[0].value, str)
                )
            ):
                bad.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not bad, "N_() must get exactly one string literal:\n" + "\n".join(bad)


def test_every_source_text_is_translated(source_msgids: set[str], catalog: Catalog) -> None:
    missing = source_msgids - translated(catalog).keys()
    assert not missing, (
        f"{len(missing)} msgid(s) without an English translation (or fuzzy); run scripts/i18n "
        f"and translate them in locales/{LANG}/LC_MESSAGES/{DOMAIN}.po:\n{offenders(missing)}"
    )


def test_catalog_has_no_unused_texts(source_msgids: set[str], catalog: Catalog) -> None:
    unused = {str(m.id) for m in catalog if m.id} - source_msgids
    unused |= {str(msgid) for msgid in catalog.obsolete}
    assert not unused, (
        f"{len(unused)} msgid(s) in the catalog are not in the source any more; run scripts/i18n:\n"
        f"{offenders(unused)}"
    )


def test_placeholders_match(catalog: Catalog) -> None:
    bad = []
    for msgid, text in translated(catalog).items():
        try:
            same = placeholders(text) == placeholders(msgid)
        except ValueError:  # unbalanced "{" or "}"
            same = False
        if not same:
            bad.append(msgid)
    assert not bad, (
        f"translation(s) whose {{placeholders}} differ from the msgid:\n{offenders(bad)}"
    )


def test_html_tags_match(catalog: Catalog) -> None:
    bad = [
        msgid
        for msgid, text in translated(catalog).items()
        if Counter(HTML_TAG.findall(text)) != Counter(HTML_TAG.findall(msgid))
        or not well_nested(HTML_TAG.findall(text))
    ]
    assert not bad, f"translation(s) whose HTML tags differ from the msgid:\n{offenders(bad)}"


def test_commands_are_not_translated(catalog: Catalog) -> None:
    bad = [
        msgid
        for msgid, text in translated(catalog).items()
        if Counter(COMMAND.findall(text)) != Counter(COMMAND.findall(msgid))
    ]
    assert not bad, f"translation(s) whose /commands differ from the msgid:\n{offenders(bad)}"


def test_runtime_translation_uses_the_catalog(catalog: Catalog) -> None:
    """bot.i18n compiles the .po in memory; every entry must come out as written."""
    wrong = [
        msgid for msgid, text in translated(catalog).items() if translate(msgid, LANG) != text
    ]
    assert not wrong, f"translate(msgid, {LANG!r}) differs from the catalog:\n{offenders(wrong)}"


def test_language_switch_confirmation() -> None:
    assert translate("Bahasa: Bahasa Indonesia.", LANG) == "Language: English."
    assert translate("Bahasa: Bahasa Indonesia.", "id") == "Bahasa: Bahasa Indonesia."
