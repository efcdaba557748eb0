"""Income as workers write or say it: words, abbreviations, a day's or a week's; refusals say
what was read."""

from __future__ import annotations

import pytest

from bot.income import WEEKS_PER_MONTH, WORKING_DAYS_PER_MONTH, IncomeReading, Period, read_income
from bot.messages import Msg
from bot.number_words import spell_to_digits
from bot.validation import Invalid

M, W, D = Period.MONTH, Period.WEEK, Period.DAY

# (typed, amount as typed, per what, read from words)
READINGS: list[tuple[str, int, Period, bool]] = [
    # words
    ("satu juta", 1_000_000, M, True),
    ("dua juta", 2_000_000, M, True),
    ("satu setengah juta", 1_500_000, M, True),
    ("dua setengah juta", 2_500_000, M, True),
    ("seperempat juta", 250_000, M, True),
    ("tiga perempat juta", 750_000, M, True),
    ("setengah juta", 500_000, M, True),
    ("dua ratus lima puluh ribu", 250_000, M, True),
    ("tujuh ratus ribu", 700_000, M, True),
    ("sejuta", 1_000_000, M, True),
    ("sejuta lima ratus", 1_500_000, M, True),  # said aloud: "ribu" left out
    ("sejuta setengah", 1_500_000, M, True),
    ("dua juta tiga ratus ribu", 2_300_000, M, True),
    ("satu koma lima juta", 1_500_000, M, True),
    ("sepuluh juta", 10_000_000, M, True),
    ("seratus ribu sehari", 100_000, D, True),
    ("lima puluh ribu sehari", 50_000, D, True),
    ("limapuluh ribu per hari", 50_000, D, True),
    ("dua setengah jt", 2_500_000, M, True),
    # digits and abbreviations
    ("3 jutaan", 3_000_000, M, False),
    ("2jtan", 2_000_000, M, False),
    ("Rp2,5 jt", 2_500_000, M, False),
    ("1,5 juta", 1_500_000, M, False),
    ("1.500.000", 1_500_000, M, False),
    ("750rb", 750_000, M, False),
    ("800 ribu", 800_000, M, False),
    ("500k", 500_000, M, False),
    ("1 juta 500", 1_500_000, M, False),
    ("900 ribuan", 900_000, M, False),
    ("kurang lebih 1jt", 1_000_000, M, False),
    ("gaji saya 2 juta", 2_000_000, M, False),
    ("2 juta sebulan", 2_000_000, M, False),
    ("2jt/bln", 2_000_000, M, False),
    ("Rp 1.500.000,- per bulan", 1_500_000, M, False),
    # a day or a week
    ("50rb sehari", 50_000, D, False),
    ("Rp 100.000 per hari", 100_000, D, False),
    ("100rb/hari", 100_000, D, False),
    ("75 ribu perhari", 75_000, D, False),
    ("sekitar 60 ribu tiap hari", 60_000, D, False),
    ("harian 80rb", 80_000, D, False),
    ("300 ribu seminggu", 300_000, W, False),
    ("Rp300.000 per minggu", 300_000, W, False),
    ("400rb/minggu", 400_000, W, False),
    ("500 ribu sepekan", 500_000, W, False),
    ("50k a day", 50_000, D, False),
    ("400 thousand a week", 400_000, W, False),
]


def test_the_table_is_long_enough() -> None:
    assert len(READINGS) >= 40
    assert sum(period is not M for _, _, period, _ in READINGS) >= 10


@pytest.mark.parametrize(("typed", "amount", "period", "spelled"), READINGS)
def test_reading(typed: str, amount: int, period: Period, spelled: bool) -> None:
    assert read_income(typed) == IncomeReading(amount, period, spelled)


@pytest.mark.parametrize(
    ("typed", "monthly"),
    [
        ("50rb sehari", 50_000 * WORKING_DAYS_PER_MONTH),
        ("Rp 100.000 per hari", 2_600_000),
        ("300 ribu seminggu", 300_000 * WEEKS_PER_MONTH),
        ("1,5 juta", 1_500_000),
    ],
)
def test_a_day_is_26_working_days_and_a_week_a_quarter_month(typed: str, monthly: int) -> None:
    reading = read_income(typed)
    assert isinstance(reading, IncomeReading) and reading.monthly == monthly


def bare(number: str, unit: str, per: str) -> Invalid:
    suggestion = Msg(
        "{amount} {unit} {per}", {"amount": number, "unit": Msg(unit), "per": Msg(per)}
    )
    return Invalid(
        "Kami membaca {number} saja, tanpa “ribu” atau “juta”. Maksud Anda “{suggestion}”?",
        {"number": number, "suggestion": suggestion},
    )


VAGUE = Invalid(
    "Tidak apa-apa jika penghasilan Anda tidak tentu: tulis kira-kira rata-ratanya, misalnya 50 "
    "ribu sehari atau 1,5 juta sebulan."
)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("50", bare("50", "ribu", "sebulan")),
        ("2", bare("2", "juta", "sebulan")),
        ("50 sehari", bare("50", "ribu", "sehari")),
        ("3 seminggu", bare("3", "juta", "seminggu")),
        ("lima puluh", bare("50", "ribu", "sebulan")),
        ("tidak tentu", VAGUE),
        ("gak pasti pak", VAGUE),
        ("tergantung musim", VAGUE),
        ("lumayan", VAGUE),
        ("banyak sekali", VAGUE),
        (
            "entahlah",
            Invalid(
                "Kami tidak menemukan jumlah uang dalam “{text}”. Contoh: 1,5 juta atau 50 ribu "
                "sehari.",
                {"text": "entahlah"},
            ),
        ),
        (
            "1 juta - 2 juta",
            Invalid(
                "Kami membaca dua jumlah, {low} dan {high}. Tulis satu saja, kira-kira "
                "rata-ratanya.",
                {"low": "1 juta", "high": "2 juta"},
            ),
        ),
        (
            "1,5jt sampai 2jt",
            Invalid(
                "Kami membaca dua jumlah, {low} dan {high}. Tulis satu saja, kira-kira "
                "rata-ratanya.",
                {"low": "1,5jt", "high": "2jt"},
            ),
        ),
        (
            "50rb sehari 1 juta sebulan",
            Invalid(
                "Kami membaca dua waktu, {first} dan {second}. Tulis penghasilan satu waktu saja.",
                {"first": Msg("sehari"), "second": Msg("sebulan")},
            ),
        ),
        (
            "ribuan 800",
            Invalid(
                "Kami tidak bisa membaca “{text}” sebagai jumlah uang. Contoh: 1,5 juta atau "
                "1.500.000.",
                {"text": "ribuan 800"},
            ),
        ),
    ],
)
def test_refusals_say_what_was_read(typed: str, expected: Invalid) -> None:
    assert read_income(typed) == expected


@pytest.mark.parametrize(
    ("words", "digits"),
    [
        ("tujuh belas agustus", "17 agustus"),
        ("sebelas", "11"),
        ("sembilan ratus sembilan puluh sembilan", "999"),
        ("dua belas juta", "12 juta"),
        ("seribu", "1 ribu"),
        ("kaki lima", "kaki 5"),
        ("tanpa angka", "tanpa angka"),
        ("Rp 1.500.000,-", "Rp 1.500.000,-"),
    ],
)
def test_spelled_numbers_become_digits(words: str, digits: str) -> None:
    assert spell_to_digits(words) == digits
