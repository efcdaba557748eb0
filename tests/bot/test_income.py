"""Monthly income in whole rupiah."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.income import MAX_INCOME, parse_income
from bot.messages import Msg
from bot.validation import Invalid

EMPTY = "Penghasilan belum diisi."
NO_AMOUNT = (
    "Kami tidak menemukan jumlah uang dalam “{text}”. Contoh: 1,5 juta atau 50 ribu sehari."
)
NEGATIVE = "Penghasilan tidak boleh negatif."
ZERO = "Penghasilan tidak boleh nol."
NOT_UNDERSTOOD = (
    "Kami tidak bisa membaca “{text}” sebagai jumlah uang. Contoh: 1,5 juta atau 1.500.000."
)
TOO_BIG = "Penghasilan lebih dari {max} terlalu besar, periksa lagi."
BARE = "Kami membaca {number} saja, tanpa “ribu” atau “juta”. Maksud Anda “{suggestion}”?"
RANGE = "Kami membaca dua jumlah, {low} dan {high}. Tulis satu saja, kira-kira rata-ratanya."


def bare(number: str, unit: str, per: str = "sebulan") -> Invalid:
    """The refusal of a number without ribu/juta, suggesting ``number unit per``."""
    suggestion = Msg(
        "{amount} {unit} {per}", {"amount": number, "unit": Msg(unit), "per": Msg(per)}
    )
    return Invalid(BARE, {"number": number, "suggestion": suggestion})


def unread(text: str) -> Invalid:
    return Invalid(NOT_UNDERSTOOD, {"text": text})


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1500000", 1_500_000),
        ("1.500.000", 1_500_000),
        ("1,500,000", 1_500_000),
        ("1 500 000", 1_500_000),
        ("Rp 2.000.000", 2_000_000),
        ("Rp2.000.000,00", 2_000_000),
        ("2,000,000.00", 2_000_000),
        ("1 500 000,00", 1_500_000),
        ("rp. 1.000.000", 1_000_000),
        ("RP 1.000.000", 1_000_000),
        ("IDR 1.000.000", 1_000_000),
        ("Rp 1.500.000,-", 1_500_000),
        ("1.500.000 rupiah", 1_500_000),
        ("1,5 juta", 1_500_000),
        ("1.5 juta", 1_500_000),
        ("1,5jt", 1_500_000),
        ("Rp1,5jt", 1_500_000),
        ("1,25 juta", 1_250_000),
        ("2 jt", 2_000_000),
        ("2jt", 2_000_000),
        ("2 JUTA", 2_000_000),
        ("800 ribu", 800_000),
        ("1.5 million", 1_500_000),
        ("800 thousand", 800_000),
        ("2 million a month", 2_000_000),
        ("800rb", 800_000),
        ("800 rb", 800_000),
        ("800k", 800_000),
        ("800K", 800_000),
        ("1.500 ribu", 1_500_000),
        ("1 juta 500 ribu", 1_500_000),
        ("2jt500rb", 2_500_000),
        ("1 miliar", 1_000_000_000),
        ("1.000.000.000", 1_000_000_000),
        ("sejuta", 1_000_000),
        ("setengah juta", 500_000),
        ("2 juta/bulan", 2_000_000),
        ("2jt per bulan", 2_000_000),
        ("2 juta sebulan", 2_000_000),
        ("sekitar 2 jt", 2_000_000),
        ("± 2 jt", 2_000_000),
        ("2 jt.", 2_000_000),
        ("10.000", 10_000),
        ("5 ribu", 5_000),  # small but with a unit: the caller applies the basis rule
        ("1500000,50", 1_500_001),
    ],
)
def test_parse_income_accepts(raw: str, expected: int) -> None:
    result = parse_income(raw)
    assert result == expected
    assert type(result) is int


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("", Invalid(EMPTY)),
        ("   ", Invalid(EMPTY)),
        ("Rp", Invalid(NO_AMOUNT, {"text": "Rp"})),
        ("0", Invalid(ZERO)),
        ("Rp 0,00", Invalid(ZERO)),
        ("0 juta", Invalid(ZERO)),
        ("0,0001 ribu", Invalid(ZERO)),
        ("-500000", Invalid(NEGATIVE)),
        ("Rp -500.000", Invalid(NEGATIVE)),
        ("minus 2 juta", Invalid(NEGATIVE)),
        ("1.000.000.001", Invalid(TOO_BIG, {"max": "Rp1.000.000.000"})),
        ("2 miliar", Invalid(TOO_BIG, {"max": "Rp1.000.000.000"})),
        ("1.500 juta", Invalid(TOO_BIG, {"max": "Rp1.000.000.000"})),
        ("9" * 5000, Invalid(TOO_BIG, {"max": "Rp1.000.000.000"})),
        ("50 juta sehari", Invalid(TOO_BIG, {"max": "Rp1.000.000.000"})),  # 1,3 miliar a month
        ("800", bare("800", "ribu")),
        ("2", bare("2", "juta")),
        ("1,5", bare("1,5", "juta")),
        ("Rp 9.999", bare("9.999", "ribu")),
        ("1.50.000", unread("1.50.000")),
        ("1.5.2", unread("1.5.2")),
        ("500 ribu 1 juta", unread("500 ribu 1 juta")),
        ("1 2", unread("1 2")),
        ("1e6", unread("1e6")),
        ("$500", unread("$500")),
        ("1.500.000 - 2.000.000", Invalid(RANGE, {"low": "1.500.000", "high": "2.000.000"})),
    ],
)
def test_parse_income_refuses(raw: str, expected: Invalid) -> None:
    assert parse_income(raw) == expected


@settings(max_examples=200, deadline=None)
@given(amount=st.integers(10_000, MAX_INCOME))
def test_grouped_amounts_round_trip(amount: int) -> None:
    english = f"{amount:,}"
    assert parse_income(english) == amount
    assert parse_income("Rp " + english.replace(",", ".")) == amount
    assert parse_income(f"Rp{english.replace(',', '.')},00") == amount
    assert parse_income(str(amount)) == amount


@settings(max_examples=200, deadline=None)
@given(juta=st.integers(0, 999), ribu=st.integers(1, 999))
def test_juta_ribu_round_trip(juta: int, ribu: int) -> None:
    expected = juta * 1_000_000 + ribu * 1_000
    text = f"{juta} juta {ribu} ribu" if juta else f"{ribu} ribu"
    assert parse_income(text) == expected


@settings(max_examples=200, deadline=None)
@given(raw=st.text())
def test_parse_income_never_raises(raw: str) -> None:
    result = parse_income(raw)
    assert isinstance(result, Invalid) or (type(result) is int and 0 < result <= MAX_INCOME)
