"""Birth dates as workers type them; two-digit years settled against today; refusals say what
was read."""

from __future__ import annotations

from datetime import date

import pytest

from bot.dates import parse_birth_date, parse_date
from bot.validation import Invalid

TODAY = date(2026, 11, 23)
AUG_17_1985 = date(1985, 8, 17)

READINGS: list[tuple[str, date]] = [
    ("17 Agustus '85", AUG_17_1985),
    ("17 Agustus ’85", AUG_17_1985),
    ("17-8-'85", AUG_17_1985),
    ("17081985", AUG_17_1985),
    ("19850817", AUG_17_1985),
    ("170885", AUG_17_1985),
    ("tgl 17 agustus 1985", AUG_17_1985),
    ("Tgl. 17-08-1985", AUG_17_1985),
    ("tanggal 17 bulan 8 tahun 1985", AUG_17_1985),
    ("lahir 17 agustus 1985", AUG_17_1985),
    ("Sabtu, 17 Agustus 1985", AUG_17_1985),
    ("sabtu 17/8/1985", AUG_17_1985),
    ("Jum'at 17 Agustus 1985", AUG_17_1985),  # the wrong day name is left out, not refused
    ("Saturday, August 17, 1985", AUG_17_1985),
    ("tujuh belas agustus 1985", AUG_17_1985),
    ("tujuhbelas agustus 1985", AUG_17_1985),
    ("17 agustus seribu sembilan ratus delapan puluh lima", AUG_17_1985),
    ("17-08-1985", AUG_17_1985),
    ("17/8/85", AUG_17_1985),
    ("17.08.1985", AUG_17_1985),
    ("17 8 1985", AUG_17_1985),
    ("17 Agustus 1985", AUG_17_1985),
    ("17 agu 85", AUG_17_1985),
    ("17 agt 1985", AUG_17_1985),
    ("17 AGUSTUS 1985", AUG_17_1985),
    ("17 Aug 1985", AUG_17_1985),
    ("17 august 1985", AUG_17_1985),
    ("1985-08-17", AUG_17_1985),
    ("17agustus1985", AUG_17_1985),
    ("lima september tujuh puluh sembilan", date(1979, 9, 5)),
    ("satu januari 2000", date(2000, 1, 1)),
    ("dua puluh sembilan februari 1980", date(1980, 2, 29)),
    ("5 Peb 1979", date(1979, 2, 5)),
    ("5 Nopember 1979", date(1979, 11, 5)),
    ("5/9/79", date(1979, 9, 5)),
    ("12-03-59", date(1959, 3, 12)),
    ("1/1/00", date(2000, 1, 1)),
    ("23/11/11", date(2011, 11, 23)),  # fifteen today: the 2000s
    ("31/12/40", date(1940, 12, 31)),
    ("01-06-1990", date(1990, 6, 1)),
    ("30 juni 2001", date(2001, 6, 30)),
    ("31 Des 1999", date(1999, 12, 31)),
]


def test_the_table_is_long_enough() -> None:
    assert len(READINGS) >= 40


@pytest.mark.parametrize(("typed", "expected"), READINGS)
def test_reading_as_a_birth_date(typed: str, expected: date) -> None:
    assert parse_birth_date(typed, TODAY) == expected


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("12/3/11", date(2011, 3, 12)),  # 15: the 2000s
        ("12/3/36", date(1936, 3, 12)),  # 90: the 1900s
        ("12/3/99", date(1999, 3, 12)),
        # 14 in the 2000s, 115 in the 1900s: the age rule answers for the 2000s.
        ("24/11/11", Invalid("Umur Anda belum {min_age} tahun.", {"min_age": 15})),
        # 2030 has not come, 1930 is 96 years ago: four digits are asked for.
        (
            "12/3/30",
            Invalid(
                "Tahun “{yy}” bisa {old} atau {recent}. Ketik tahun lahir dengan 4 angka.",
                {"yy": "30", "old": 1930, "recent": 2030},
            ),
        ),
    ],
)
def test_two_digit_years_are_settled_on_the_workers_age(
    typed: str, expected: date | Invalid
) -> None:
    assert parse_birth_date(typed, TODAY) == expected


def test_any_other_date_takes_the_latest_year_not_after_today() -> None:
    assert parse_date("12/3/30", TODAY) == date(1930, 3, 12)  # an event, a report period
    assert parse_date("24/11/11", TODAY) == date(2011, 11, 24)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        (
            "17 agustus",
            Invalid(
                "Kami membaca “{text}”, tanpa tahun. Ketik juga tahunnya.", {"text": "17 agustus"}
            ),
        ),
        (
            "tgl 17/8",
            Invalid(
                "Kami membaca “{text}”, tanpa tahun. Ketik juga tahunnya.", {"text": "tgl 17/8"}
            ),
        ),
        (
            "Agustus 1985",
            Invalid(
                "Kami membaca “{text}”, tanpa tanggal. Ketik juga tanggalnya.",
                {"text": "Agustus 1985"},
            ),
        ),
        (
            "1985",
            Invalid(
                "Kami membaca tahun {year} saja. Ketik juga tanggal dan bulannya.",
                {"year": "1985"},
            ),
        ),
        (
            "tahun 1985",
            Invalid(
                "Kami membaca tahun {year} saja. Ketik juga tanggal dan bulannya.",
                {"year": "1985"},
            ),
        ),
        ("12/3/20", Invalid("Umur Anda belum {min_age} tahun.", {"min_age": 15})),
        (
            "31 juni 1985",
            Invalid("Tanggal {date} tidak ada di kalender.", {"date": "31 juni 1985"}),
        ),
        ("17 Agustos 1985", Invalid("Nama bulan {month} tidak dikenali.", {"month": "Agustos"})),
        ("kemarin", Invalid("Format tanggal tidak dikenali.")),
    ],
)
def test_birth_date_refusals_say_what_was_read(typed: str, expected: Invalid) -> None:
    assert parse_birth_date(typed, TODAY) == expected
