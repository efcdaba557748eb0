"""Calendar dates typed the many ways Indonesians write them, and ages.

"17-08-1985", "17/8/85", "17 agu 85", "17 Agustus '85", "17081985", "tgl 17 agustus 1985",
"Sabtu, 17 Agustus 1985", "tujuh belas agustus 1985", English month names. A refusal says what
was read ("tanpa tahun", "tahun 1985 saja").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from bot.i18n import N_
from bot.number_words import fold_thousands, spell_to_digits
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
    "agst": 8,
    "agts": 8,
    "mrt": 3,
    "nop": 11,
    "nopember": 11,
}
# Shorter prefixes are ambiguous ("ju", "ma") or too easily a typo.
_MIN_MONTH_PREFIX = 3

_TOKEN = re.compile(r"[0-9]+|[^\W\d_]+")
_SEPARATOR = re.compile(r"[\s\-/.,']+")
# An apostrophe inside a word is part of it ("jum'at"); elsewhere it marks a short year ('85).
_INNER_APOSTROPHE = re.compile(r"(?<=[^\W\d_])['’`](?=[^\W\d_])")
_APOSTROPHE = re.compile(r"['’`]")
# Words around a date that say nothing about it: "tgl 17 agustus", "lahir tahun 1985".
_FILLERS = frozenset(
    "tgl tg tanggal lahir lhr kelahiran pada tahun thn th bulan bln saya born on date of".split()
)
# Day names are left out, even when they do not match the date (a slip, not a different day).
_WEEKDAYS = frozenset(
    "senin selasa rabu kamis jumat jumaat sabtu minggu ahad sen sel rab kam jum sab "
    "monday tuesday wednesday thursday friday saturday sunday mon tue wed thu fri sat sun".split()
)
# A two-digit birth year is read in the 1900s when the 2000s would make the worker younger than
# the minimum age, unless that makes them older than this (then four digits are asked for).
MAX_TWO_DIGIT_AGE = 90

NOT_UNDERSTOOD = N_("Format tanggal tidak dikenali.")


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


@dataclass(frozen=True)
class DateParts:
    """A date as read, before its year is settled: ``year`` may still have two digits."""

    day: int
    month: int
    year: int
    two_digit_year: bool
    text: str  # what was typed, for messages


def _compact(token: str) -> list[str] | None:
    """ "17081985" (DDMMYYYY), "19850817" (YYYYMMDD) or "170885" (DDMMYY) as three tokens."""
    if _is_number(token, 8):
        day, month = int(token[:2]), int(token[2:4])
        if 1 <= day <= 31 and 1 <= month <= 12 and int(token[4:]) >= MIN_BIRTH_YEAR:
            return [token[:2], token[2:4], token[4:]]
        return [token[:4], token[4:6], token[6:]]
    if _is_number(token, 6):
        return [token[:2], token[2:4], token[4:]]
    return None


def _tokens(raw: str) -> tuple[str, list[str]] | Invalid:
    """The typed text (squashed) and its date tokens, without day names and filler words."""
    text = " ".join(raw.split())
    lowered = _INNER_APOSTROPHE.sub("", text.casefold())
    lowered = fold_thousands(spell_to_digits(_APOSTROPHE.sub(" ", lowered)))
    # Anything besides numbers, letters and the usual separators ("?", "~", emoji) is not a date.
    if _SEPARATOR.sub("", _TOKEN.sub("", lowered)):
        return Invalid(NOT_UNDERSTOOD)
    tokens = [t for t in _TOKEN.findall(lowered) if t not in _FILLERS and t not in _WEEKDAYS]
    if len(tokens) == 1:
        tokens = _compact(tokens[0]) or tokens
    return text, tokens


def _incomplete(text: str, tokens: list[str]) -> Invalid:
    """What was read when a day, month or year is missing."""
    if len(tokens) == 2:
        first, second = tokens
        month = month_from_name(second) if not second.isdigit() else None
        if _is_number(first, 1, 2) and (month is not None or _is_number(second, 1, 2)):
            return Invalid(
                N_("Kami membaca “{text}”, tanpa tahun. Ketik juga tahunnya."), {"text": text[:60]}
            )
        if not first.isdigit() and month_from_name(first) and _is_number(second, 4):
            return Invalid(
                N_("Kami membaca “{text}”, tanpa tanggal. Ketik juga tanggalnya."),
                {"text": text[:60]},
            )
    if len(tokens) == 1 and _is_number(tokens[0], 4):
        return Invalid(
            N_("Kami membaca tahun {year} saja. Ketik juga tanggal dan bulannya."),
            {"year": tokens[0]},
        )
    return Invalid(NOT_UNDERSTOOD)


def read_date(raw: str) -> DateParts | Invalid:
    """A date written day-month-year (numbers, month names or words), or year-month-day; the
    year may have two digits still to settle."""
    found = _tokens(raw)
    if isinstance(found, Invalid):
        return found
    text, tokens = found
    if len(tokens) != 3:
        return _incomplete(text, tokens) if 0 < len(tokens) < 3 else Invalid(NOT_UNDERSTOOD)

    first, middle, last = tokens
    if _is_number(first, 4):
        year_text, month_text, day_text = first, middle, last
    elif not first.isdigit():
        month_text, day_text, year_text = first, middle, last
    else:
        day_text, month_text, year_text = first, middle, last
    if not _is_number(day_text, 1, 2) or not _is_number(year_text, 2, 4):
        return Invalid(NOT_UNDERSTOOD)
    if _is_number(month_text, 1, 2):
        month = int(month_text)
    elif month_text.isdigit():
        return Invalid(NOT_UNDERSTOOD)
    else:
        named = month_from_name(month_text)
        if named is None:
            typed = re.search(re.escape(month_text), text, re.IGNORECASE)
            return Invalid(
                N_("Nama bulan {month} tidak dikenali."),
                {"month": typed[0] if typed else month_text},
            )
        month = named
    return DateParts(int(day_text), month, int(year_text), len(year_text) == 2, text)


def _calendar(parts: DateParts, year: int) -> date | Invalid:
    try:
        return date(year, parts.month, parts.day)
    except ValueError:
        return Invalid(N_("Tanggal {date} tidak ada di kalender."), {"date": parts.text[:60]})


def parse_date(raw: str, today: date) -> date | Invalid:
    """A date written day-month-year (numbers, month names or words), or year-month-day; a
    two-digit year is the most recent one not after ``today``."""
    parts = read_date(raw)
    if isinstance(parts, Invalid):
        return parts
    year = parts.year
    if parts.two_digit_year:
        year = resolve_two_digit_year(year, parts.month, parts.day, today)
    return _calendar(parts, year)


def birth_year(parts: DateParts, today: date, min_age: int) -> int | Invalid:
    """The four-digit year of a birth date: a two-digit one is read so that the worker is
    between ``min_age`` and MAX_TWO_DIGIT_AGE where one reading allows it."""
    if not parts.two_digit_year:
        return parts.year
    recent, old = 2000 + parts.year, 1900 + parts.year
    not_future = (recent, parts.month, parts.day) <= (today.year, today.month, today.day)
    if not_future and _age(recent, parts, today) >= min_age:
        return recent
    if _age(old, parts, today) <= MAX_TWO_DIGIT_AGE:
        return old
    if not_future:
        return recent  # too young: the age rule says so
    return Invalid(
        N_("Tahun “{yy}” bisa {old} atau {recent}. Ketik tahun lahir dengan 4 angka."),
        {"yy": f"{parts.year:02d}", "old": old, "recent": recent},
    )


def _age(year: int, parts: DateParts, today: date) -> int:
    return today.year - year - int((today.month, today.day) < (parts.month, parts.day))


def parse_birth_date(raw: str, today: date, min_age: int = 15) -> date | Invalid:
    """A plausible birth date: not in the future, at least ``min_age`` years ago, from 1900 on."""
    parts = read_date(raw)
    if isinstance(parts, Invalid):
        return parts
    year = birth_year(parts, today, min_age)
    if isinstance(year, Invalid):
        return year
    parsed = _calendar(parts, year)
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
