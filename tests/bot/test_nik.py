"""NIK cleaning, structural checks and decoding."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain import Sex
from bot.nik import NikInfo, clean_digits, parse_nik
from bot.regions import PROVINCES
from bot.validation import Invalid

TODAY = date(2026, 11, 23)

NOT_DIGITS = "NIK hanya berisi angka, tanpa huruf atau tanda lain."
WRONG_LENGTH = "NIK harus 16 angka, yang Anda kirim {count} angka."
UNKNOWN_PROVINCE = "Kode provinsi {code} di awal NIK tidak dikenal."
ZERO_REGENCY = "Kode kabupaten/kota di NIK (angka ke-3 dan ke-4) tidak boleh 00."
ZERO_DISTRICT = "Kode kecamatan di NIK (angka ke-5 dan ke-6) tidak boleh 00."
BAD_BIRTH_DATE = "Tanggal lahir di NIK ({digits}) bukan tanggal yang benar."
ZERO_SERIAL = "Empat angka terakhir NIK tidak boleh 0000."


def build_nik(
    province: str, regency: int, district: int, birth: date, sex: Sex, serial: int
) -> str:
    """A NIK the way Dukcapil composes it."""
    day = birth.day + (40 if sex is Sex.FEMALE else 0)
    return (
        f"{province}{regency:02d}{district:02d}"
        f"{day:02d}{birth.month:02d}{birth.year % 100:02d}{serial:04d}"
    )


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("3401 02 120368 0003", "3401021203680003"),
        ("3401.0212.0368.0003", "3401021203680003"),
        ("3401-0212-0368-0003", "3401021203680003"),
        ("3401\u00a00212\t0368\n0003", "3401021203680003"),
        ("3401–0212—0368\u200b0003", "3401021203680003"),
        ("３４０１０２１２０３６８０００３", "3401021203680003"),
        ("34O1", "34O1"),
        ("", ""),
    ],
)
def test_clean_digits(raw: str, expected: str) -> None:
    assert clean_digits(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (
            "3401021203680003",
            NikInfo(
                "3401021203680003", "34", "3401", "340102", date(1968, 3, 12), Sex.MALE, "0003"
            ),
        ),
        (
            "3401025203680003",
            NikInfo(
                "3401025203680003", "34", "3401", "340102", date(1968, 3, 12), Sex.FEMALE, "0003"
            ),
        ),
        (
            " 3401 0212 0368 0003 ",
            NikInfo(
                "3401021203680003", "34", "3401", "340102", date(1968, 3, 12), Sex.MALE, "0003"
            ),
        ),
        (
            "3174097101900123",
            NikInfo(
                "3174097101900123", "31", "3174", "317409", date(1990, 1, 31), Sex.FEMALE, "0123"
            ),
        ),
        (
            "9601014101019999",
            NikInfo(
                "9601014101019999", "96", "9601", "960101", date(2001, 1, 1), Sex.FEMALE, "9999"
            ),
        ),
    ],
)
def test_parse_nik_decodes_fields(raw: str, expected: NikInfo) -> None:
    assert parse_nik(raw, TODAY) == expected


@pytest.mark.parametrize(
    ("birth_digits", "expected"),
    [
        ("231126", date(2026, 11, 23)),  # exactly today: this century
        ("241126", date(1926, 11, 24)),  # tomorrow in 2026 would be in the future
        ("010100", date(2000, 1, 1)),
        ("290200", date(2000, 2, 29)),  # 2000 is a leap year
        ("290228", date(1928, 2, 29)),  # 2028 is in the future, 1928 was a leap year
        ("290224", date(2024, 2, 29)),
        ("311299", date(1999, 12, 31)),
        ("150827", date(1927, 8, 15)),
        ("150825", date(2025, 8, 15)),
        ("711299", date(1999, 12, 31)),  # female, day 31
    ],
)
def test_parse_nik_century(birth_digits: str, expected: date) -> None:
    result = parse_nik(f"340102{birth_digits}0001", TODAY)
    assert isinstance(result, NikInfo)
    assert result.birth_date == expected


def test_unknown_regency_is_not_an_error() -> None:
    result = parse_nik("3499991203680003", TODAY)
    assert isinstance(result, NikInfo)
    assert (result.regency_code, result.district_code) == ("3499", "349999")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("34010212O3680003", Invalid(NOT_DIGITS)),
        ("NIK 3401021203680003", Invalid(NOT_DIGITS)),
        ("3401/0212/0368/0003", Invalid(NOT_DIGITS)),
        ("+3401021203680003", Invalid(NOT_DIGITS)),
        ("", Invalid(WRONG_LENGTH, {"count": 0})),
        ("340102120368000", Invalid(WRONG_LENGTH, {"count": 15})),
        ("34010212036800031", Invalid(WRONG_LENGTH, {"count": 17})),
        ("3401 0212 0368", Invalid(WRONG_LENGTH, {"count": 12})),
        ("9701021203680003", Invalid(UNKNOWN_PROVINCE, {"code": "97"})),
        ("0001021203680003", Invalid(UNKNOWN_PROVINCE, {"code": "00"})),
        ("1001021203680003", Invalid(UNKNOWN_PROVINCE, {"code": "10"})),
        ("2001021203680003", Invalid(UNKNOWN_PROVINCE, {"code": "20"})),
        ("3400021203680003", Invalid(ZERO_REGENCY)),
        ("3401001203680003", Invalid(ZERO_DISTRICT)),
        ("3401020003680003", Invalid(BAD_BIRTH_DATE, {"digits": "000368"})),
        ("3401023203680003", Invalid(BAD_BIRTH_DATE, {"digits": "320368"})),
        ("3401024003680003", Invalid(BAD_BIRTH_DATE, {"digits": "400368"})),
        ("3401027203680003", Invalid(BAD_BIRTH_DATE, {"digits": "720368"})),
        ("3401029903680003", Invalid(BAD_BIRTH_DATE, {"digits": "990368"})),
        ("3401021200680003", Invalid(BAD_BIRTH_DATE, {"digits": "120068"})),
        ("3401021213680003", Invalid(BAD_BIRTH_DATE, {"digits": "121368"})),
        ("3401023102680003", Invalid(BAD_BIRTH_DATE, {"digits": "310268"})),
        ("3401027102680003", Invalid(BAD_BIRTH_DATE, {"digits": "710268"})),
        ("3401023104680003", Invalid(BAD_BIRTH_DATE, {"digits": "310468"})),
        ("3401022902990003", Invalid(BAD_BIRTH_DATE, {"digits": "290299"})),
        ("3401022902010003", Invalid(BAD_BIRTH_DATE, {"digits": "290201"})),
        ("3401021203680000", Invalid(ZERO_SERIAL)),
    ],
)
def test_parse_nik_refuses(raw: str, expected: Invalid) -> None:
    assert parse_nik(raw, TODAY) == expected


@settings(max_examples=200, deadline=None)
@given(
    province=st.sampled_from(sorted(PROVINCES)),
    regency=st.integers(1, 99),
    district=st.integers(1, 99),
    birth=st.dates(min_value=date(1927, 1, 1), max_value=TODAY),
    sex=st.sampled_from(Sex),
    serial=st.integers(1, 9999),
)
def test_valid_nik_round_trips(
    province: str, regency: int, district: int, birth: date, sex: Sex, serial: int
) -> None:
    nik = build_nik(province, regency, district, birth, sex, serial)
    assert parse_nik(nik, TODAY) == NikInfo(
        nik=nik,
        province_code=province,
        regency_code=nik[:4],
        district_code=nik[:6],
        birth_date=birth,
        sex=sex,
        serial=f"{serial:04d}",
    )


@settings(max_examples=200, deadline=None)
@given(raw=st.text())
def test_parse_nik_never_raises(raw: str) -> None:
    assert isinstance(parse_nik(raw, TODAY), NikInfo | Invalid)
