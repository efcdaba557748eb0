"""Calendar dates typed the many ways Indonesians write them, and ages."""

from __future__ import annotations

import re
from datetime import date

from bot.i18n import N_
from bot.validation import Invalid

MIN_BIRTH_YEAR = 1900

_MONTH_NAMES: dict[str, int] = {
    name: number
    for names in (
        (
            "januari",
            "februari",
            "maret",
            "april",
            "mei",
            "juni",
            "juli",
            "agustus",
            "september",
            "oktober",
            "november",
            "desember",
        ),
        (
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ),
    )
    for number, name in enumerate(names, start=1)
}
# Spellings that are not a prefix of a full name: the old P-spellings and common abbreviations.
_MONTH_ALIASES: dict[str, int] = {
    "peb": 2,
    "pebruari": 2,
    "agt": 8,
    "ags": 8,
    "nop": 11,
    "nopember": 11,
}
# Shorter prefixes are ambiguous ("ju", "ma") or too easily a typo.
_MIN_MONTH_PREFIX = 3

_TOKEN = re.compile(r"[0-9]+|[^\W\d_]+")
_SEPARATOR = re.compile(r"[\s\-/.,]+")


def resolve_two_digit_year(yy: int, month: int, day: int, today: date) -> int:
    """``2000 + yy`` unless that (month, day) would be after ``today``, else ``1900 + yy``."""
    # Compare tuples, not dates: 29 February of the candidate year may not exist.
    if (2000 + yy, month, day) <= (today.year, today.month, today.day):
        return 2000 + yy
    return 1900 + yy


def month_from_name(word: str) -> int | None:
    """The month (1..12) an Indonesian or English month name or abbreviation means, if any."""
    word = word.casefold()
    if word in _MONTH_ALIASES:
        return _MONTH_ALIASES[word]
    if len(word) < _MIN_MONTH_PREFIX:
        return None
    months = {number for name, number in _MONTH_NAMES.items() if name.startswith(word)}
    return months.pop() if len(months) == 1 else None


def _is_number(token: str, *lengths: int) -> bool:
    """Whether ``token`` is made of ASCII digits and has one of ``lengths``."""
    return token.isascii() and token.isdigit() and len(token) in lengths


def parse_date(raw: str, today: date) -> date | Invalid:
    """A date written day-month-year (numbers or month names), or year-month-day."""
    text = " ".join(raw.split())
    not_understood = Invalid(N_("Format tanggal tidak dikenali."))
    # Anything besides numbers, letters and the usual separators ("?", "~", emoji) is not a date.
    if _SEPARATOR.sub("", _TOKEN.sub("", text)):
        return not_understood
    tokens = _TOKEN.findall(text)
    if len(tokens) != 3:
        return not_understood

    first, middle, last = tokens
    if _is_number(first, 4):
        year_text, month_text, day_text = first, middle, last
    elif not first.isdigit():
        month_text, day_text, year_text = first, middle, last
    else:
        day_text, month_text, year_text = first, middle, last
    if not _is_number(day_text, 1, 2) or not _is_number(year_text, 2, 4):
        return not_understood
    if _is_number(month_text, 1, 2):
        month = int(month_text)
    elif month_text.isdigit():
        return not_understood
    else:
        named = month_from_name(month_text)
        if named is None:
            return Invalid(N_("Nama bulan {month} tidak dikenali."), {"month": month_text})
        month = named

    day = int(day_text)
    year = int(year_text)
    if len(year_text) == 2:
        year = resolve_two_digit_year(year, month, day, today)
    try:
        return date(year, month, day)
    except ValueError:
        return Invalid(N_("Tanggal {date} tidak ada di kalender."), {"date": text})


def parse_birth_date(raw: str, today: date, min_age: int = 15) -> date | Invalid:
    """A plausible birth date: not in the future, at least ``min_age`` years ago, from 1900 on."""
    parsed = parse_date(raw, today)
    if isinstance(parsed, Invalid):
        return parsed
    if parsed > today:
        return Invalid(N_("Tanggal lahir tidak boleh di masa depan."))
    if parsed.year < MIN_BIRTH_YEAR:
        return Invalid(
            N_("Tahun lahir {year} tidak mungkin, periksa lagi."), {"year": parsed.year}
        )
    if age_on(parsed, today) < min_age:
        return Invalid(N_("Umur Anda belum {min_age} tahun."), {"min_age": min_age})
    return parsed


def age_on(birth: date, today: date) -> int:
    """Whole years from ``birth`` to ``today``; a 29 February birthday counts from 1 March."""
    # Comparing (month, day) tuples needs no date for 29 February in common years.
    before_birthday = (today.month, today.day) < (birth.month, birth.day)
    return today.year - birth.year - int(before_birthday)
