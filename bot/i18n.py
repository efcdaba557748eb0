"""Message catalogs and locale-aware formatting.

msgids are the Indonesian texts themselves (marked with ``N_``), so Indonesian needs no catalog; the
English catalog in ``locales/en`` is compiled in memory at start-up instead of committing ``.mo`` files.
``locales`` is a package of its own (top level, as in the source tree), so the catalogs ship in the
wheel and are read with ``importlib.resources`` wherever the bot is installed.
"""

from __future__ import annotations

import gettext
import io
from datetime import date
from functools import cache, lru_cache
from importlib import resources
from importlib.resources.abc import Traversable

from babel.dates import get_month_names
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_currency

LOCALES_DIR: Traversable = resources.files("locales")
DOMAIN = "bpubot"
LANGUAGES = ("id", "en")
DEFAULT_LANGUAGE = "id"
_BABEL_LOCALE = {"id": "id_ID", "en": "en_US"}


def N_(msgid: str) -> str:
    """Mark a string for extraction; translation happens when the reply is rendered."""
    return msgid


def language_from_code(language_code: str | None) -> str:
    """Telegram's ``language_code`` → our language: ``en*`` is English, anything else Indonesian."""
    if language_code and language_code.lower().startswith("en"):
        return "en"
    return DEFAULT_LANGUAGE


@cache
def translations(lang: str) -> gettext.NullTranslations:
    """The compiled catalog for ``lang`` (Indonesian and unknown languages: the msgids themselves).

    A language the bot offers whose catalog is missing is a broken install: that raises
    FileNotFoundError rather than answer English speakers in Indonesian without a word.
    """
    if lang == DEFAULT_LANGUAGE or lang not in LANGUAGES:
        return gettext.NullTranslations()
    po_path = LOCALES_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
    if not po_path.is_file():
        raise FileNotFoundError(
            f"no {lang} catalog at {po_path}: is the locales package installed?"
        )
    with po_path.open("rb") as handle:
        catalog = read_po(handle, locale=lang)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def translate(msgid: str, lang: str) -> str:
    """The text of ``msgid`` in ``lang``."""
    return translations(lang).gettext(msgid)


@lru_cache(maxsize=4096)  # a few dozen amounts recur in every conversation; babel is slow
def format_rupiah(amount: int) -> str:
    """Whole rupiah the way they are written in Indonesia, in every language: ``Rp16.800``."""
    return format_currency(amount, "IDR", format="¤#,##0", currency_digits=False, locale="id_ID")


def format_day(day: date, lang: str = DEFAULT_LANGUAGE) -> str:
    """A calendar date in words: ``5 September 1979`` (Babel's "d MMMM y" with its month names
    read once: a fifth of the cost of Babel's formatter, and no cache of people's birth dates)."""
    return f"{day.day} {_month_names(lang)[day.month]} {day.year}"


@cache
def _month_names(lang: str) -> dict[int, str]:
    """The months as Babel writes them in a date of ``lang`` (its wide format names)."""
    return dict(get_month_names("wide", "format", locale=_BABEL_LOCALE.get(lang, "id_ID")))
