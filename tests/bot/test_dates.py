"""Typed dates, birth dates and ages."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.dates import age_on, month_from_name, parse_birth_date, parse_date
from bot.validation import Invalid

TODAY = date(2026, 11, 23)

NOT_UNDERSTOOD = "Format tanggal tidak dikenali."
NO_SUCH_DATE = "Tanggal {date} tidak ada di kalender."
UNKNOWN_MONTH = "Nama bulan {month} tidak dikenali."
FUTURE = "Tanggal lahir tidak boleh di masa depan."
TOO_OLD = "Tahun lahir {year} tidak mungkin, periksa lagi."
TOO_YOUNG = "Umur Anda belum {min_age} tahun."

AUG_17_1985 = date(1985, 8, 17)
MONTHS_ID = (
    "Januari Februari Maret April Mei Juni Juli Agustus September Oktober November Desember"
).split()


@pytest.mark.parametrize(
    "raw",
    [
        "17-08-1985",
        "17/8/85",
        "17.08.1985",
        "17 8 1985",
        "17 Agustus 1985",
        "17 agustus 85",
        "17 agu 85",
        "17 agt 1985",
        "17 ags 1985",
        "17-Agu-1985",
        "17 AGUSTUS 1985",
        "  17   Agustus    1985  ",
        "17 Agu. 1985",
        "17 Aug 1985",
        "17 august 1985",
        "17agustus1985",
        "17, Agustus 1985",
        "1985-08-17",
        "August 17, 1985",
        "Agustus 17 1985",
        "17\u00a0Agustus\t1985",
    ],
)
def test_parse_date_accepts_common_formats(raw: str) -> None:
    assert parse_date(raw, TODAY) == AUG_17_1985


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("5 Januari 1979", date(1979, 1, 5)),
        ("5 jan 79", date(1979, 1, 5)),
        ("5 Februari 1979", date(1979, 2, 5)),
        ("5 Peb 1979", date(1979, 2, 5)),
        ("5 Pebruari 1979", date(1979, 2, 5)),
        ("5 feb 1979", date(1979, 2, 5)),
        ("5 Maret 1979", date(1979, 3, 5)),
        ("5 mar 1979", date(1979, 3, 5)),
        ("5 march 1979", date(1979, 3, 5)),
        ("5 apr 1979", date(1979, 4, 5)),
        ("5 Mei 1979", date(1979, 5, 5)),
        ("5 May 1979", date(1979, 5, 5)),
        ("5 Juni 1979", date(1979, 6, 5)),
        ("5 jun 1979", date(1979, 6, 5)),
        ("5 Juli 1979", date(1979, 7, 5)),
        ("5 jul 1979", date(1979, 7, 5)),
        ("5 Sep 1979", date(1979, 9, 5)),
        ("5 Sept 1979", date(1979, 9, 5)),
        ("5 Oktober 1979", date(1979, 10, 5)),
        ("5 okt 1979", date(1979, 10, 5)),
        ("5 oct 1979", date(1979, 10, 5)),
        ("5 Nop 1979", date(1979, 11, 5)),
        ("5 Nopember 1979", date(1979, 11, 5)),
        ("5 nov 1979", date(1979, 11, 5)),
        ("5 Desember 1979", date(1979, 12, 5)),
        ("5 des 1979", date(1979, 12, 5)),
        ("5 dec 1979", date(1979, 12, 5)),
        ("29-02-2000", date(2000, 2, 29)),
        ("29/2/24", date(2024, 2, 29)),
        ("23/11/26", date(2026, 11, 23)),  # today
        ("24/11/26", date(1926, 11, 24)),  # 2026-11-24 would be tomorrow
        ("1/1/00", date(2000, 1, 1)),
        ("31/12/99", date(1999, 12, 31)),
        ("1/1/2030", date(2030, 1, 1)),  # parse_date itself allows the future
    ],
)
def test_parse_date_values(raw: str, expected: date) -> None:
    assert parse_date(raw, TODAY) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("31/02/1985", Invalid(NO_SUCH_DATE, {"date": "31/02/1985"})),
        ("32/1/1990", Invalid(NO_SUCH_DATE, {"date": "32/1/1990"})),
        ("17/13/1985", Invalid(NO_SUCH_DATE, {"date": "17/13/1985"})),
        ("0/1/1990", Invalid(NO_SUCH_DATE, {"date": "0/1/1990"})),
        ("1/0/1990", Invalid(NO_SUCH_DATE, {"date": "1/0/1990"})),
        ("29 Februari 1985", Invalid(NO_SUCH_DATE, {"date": "29 Februari 1985"})),
        ("29/2/01", Invalid(NO_SUCH_DATE, {"date": "29/2/01"})),
        ("31  April  1985", Invalid(NO_SUCH_DATE, {"date": "31 April 1985"})),
        ("1/1/0000", Invalid(NO_SUCH_DATE, {"date": "1/1/0000"})),
        ("17 Agustos 1985", Invalid(UNKNOWN_MONTH, {"month": "Agustos"})),
        ("17 ju 1985", Invalid(UNKNOWN_MONTH, {"month": "ju"})),
        ("17 ma 1985", Invalid(UNKNOWN_MONTH, {"month": "ma"})),
        ("", Invalid(NOT_UNDERSTOOD)),
        ("   ", Invalid(NOT_UNDERSTOOD)),
        ("kemarin", Invalid(NOT_UNDERSTOOD)),
        ("1708198", Invalid(NOT_UNDERSTOOD)),
        (
            "17 8",
            Invalid("Kami membaca “{text}”, tanpa tahun. Ketik juga tahunnya.", {"text": "17 8"}),
        ),
        ("17 8 1985 10", Invalid(NOT_UNDERSTOOD)),
        ("17 8 985", Invalid(NOT_UNDERSTOOD)),
        ("17 008 1985", Invalid(NOT_UNDERSTOOD)),
        ("117 8 1985", Invalid(NOT_UNDERSTOOD)),
        ("17?08?1985", Invalid(NOT_UNDERSTOOD)),
        ("17:08:1985", Invalid(NOT_UNDERSTOOD)),
        ("Agustus Agustus 1985", Invalid(NOT_UNDERSTOOD)),
        ("17 8 Agustus", Invalid(NOT_UNDERSTOOD)),
        ("١٧/٨/١٩٨٥", Invalid(NOT_UNDERSTOOD)),
    ],
)
def test_parse_date_refuses(raw: str, expected: Invalid) -> None:
    assert parse_date(raw, TODAY) == expected


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("Agustus", 8),
        ("AGU", 8),
        ("agus", 8),
        ("agt", 8),
        ("Peb", 2),
        ("mar", 3),
        ("mei", 5),
        ("may", 5),
        ("nop", 11),
        ("ju", None),
        ("j", None),
        ("xyz", None),
        ("agustusan", None),
    ],
)
def test_month_from_name(word: str, expected: int | None) -> None:
    assert month_from_name(word) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("17-08-1985", AUG_17_1985),
        ("23/11/2011", date(2011, 11, 23)),  # fifteenth birthday today
        ("1 Jan 1900", date(1900, 1, 1)),
        ("5/9/79", date(1979, 9, 5)),
    ],
)
def test_parse_birth_date_accepts(raw: str, expected: date) -> None:
    assert parse_birth_date(raw, TODAY) == expected


@pytest.mark.parametrize(
    ("raw", "min_age", "expected"),
    [
        ("24/11/2026", 15, Invalid(FUTURE)),
        ("1/1/2030", 15, Invalid(FUTURE)),
        ("24/11/2011", 15, Invalid(TOO_YOUNG, {"min_age": 15})),  # fifteen tomorrow
        ("1/1/20", 15, Invalid(TOO_YOUNG, {"min_age": 15})),  # 2020
        ("23/11/2026", 15, Invalid(TOO_YOUNG, {"min_age": 15})),
        ("1/1/2000", 30, Invalid(TOO_YOUNG, {"min_age": 30})),
        ("31/12/1899", 15, Invalid(TOO_OLD, {"year": 1899})),
        ("1/1/1085", 15, Invalid(TOO_OLD, {"year": 1085})),
        ("31/02/1985", 15, Invalid(NO_SUCH_DATE, {"date": "31/02/1985"})),
        ("besok", 15, Invalid(NOT_UNDERSTOOD)),
    ],
)
def test_parse_birth_date_refuses(raw: str, min_age: int, expected: Invalid) -> None:
    assert parse_birth_date(raw, TODAY, min_age=min_age) == expected


@pytest.mark.parametrize(
    ("birth", "today", "expected"),
    [
        (date(1985, 8, 17), TODAY, 41),
        (date(1985, 11, 23), TODAY, 41),  # birthday today
        (date(1985, 11, 24), TODAY, 40),  # birthday tomorrow
        (date(2026, 11, 23), TODAY, 0),
        (date(2000, 2, 29), date(2023, 2, 28), 22),  # no 29 Feb in 2023: not yet
        (date(2000, 2, 29), date(2023, 3, 1), 23),
        (date(2000, 2, 29), date(2024, 2, 28), 23),
        (date(2000, 2, 29), date(2024, 2, 29), 24),
        (date(1999, 12, 31), date(2000, 1, 1), 0),
    ],
)
def test_age_on(birth: date, today: date, expected: int) -> None:
    assert age_on(birth, today) == expected


@settings(max_examples=200, deadline=None)
@given(day=st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)))
def test_day_month_year_round_trips(day: date) -> None:
    assert parse_date(f"{day.day}/{day.month}/{day.year}", TODAY) == day
    assert parse_date(f"{day.day} {MONTHS_ID[day.month - 1]} {day.year}", TODAY) == day


@settings(max_examples=200, deadline=None)
@given(raw=st.text())
def test_parse_date_never_raises(raw: str) -> None:
    assert isinstance(parse_date(raw, TODAY), date | Invalid)
    assert isinstance(parse_birth_date(raw, TODAY), date | Invalid)
