"""Indonesian mobile numbers to E.164."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.phone import contact_phone_to_e164, normalize_mobile
from bot.validation import Invalid

E164 = "+6281234567890"

EMPTY = "Nomor HP belum diisi."
NOT_DIGITS = "Nomor HP hanya berisi angka, boleh diawali +."
NO_DIGITS = "Nomor HP harus berisi angka."
UNKNOWN = "Nomor HP itu tidak dikenali, periksa lagi angkanya."
FOREIGN = "Itu nomor luar negeri (+{country_code}), kami perlu nomor HP Indonesia."
LANDLINE = "Itu nomor telepon rumah/kantor, kami perlu nomor HP."
NOT_MOBILE = "Itu bukan nomor HP, kami perlu nomor HP Anda."
TOO_SHORT = "Nomor HP terlalu pendek, ada angka yang kurang."
TOO_LONG = "Nomor HP terlalu panjang, ada angka yang lebih."


@pytest.mark.parametrize(
    "raw",
    [
        "081234567890",
        "0812-3456-7890",
        "0812 3456 7890",
        "0812.3456.7890",
        "+62 812 3456 7890",
        "+6281234567890",
        "62812 3456 7890",
        "6281234567890",
        "812-3456-7890",
        "81234567890",
        "(0812) 3456 7890",
        "+62-812-3456-7890",
        "(+62) 812 3456 7890",
        "+62 (812) 3456-7890",
        "+62 0812 3456 7890",
        "0062 812 3456 7890",
        "  0812 3456 7890  ",
        "０８１２３４５６７８９０",
    ],
)
def test_normalize_mobile_accepts(raw: str) -> None:
    assert normalize_mobile(raw) == E164


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("0811 1234 567", "+628111234567"),
        ("0877 1234 5678", "+6287712345678"),
        ("0895-1234-5678", "+6289512345678"),
        ("0831 2345 6789", "+6283123456789"),
        ("0852 1234 5678", "+6285212345678"),
        ("0812345678901", "+62812345678901"),
    ],
)
def test_normalize_mobile_operators(raw: str, expected: str) -> None:
    assert normalize_mobile(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("", Invalid(EMPTY)),
        ("   ", Invalid(EMPTY)),
        ("abc", Invalid(NOT_DIGITS)),
        ("0812-FLOWERS", Invalid(NOT_DIGITS)),
        ("08l2 3456 7890", Invalid(NOT_DIGITS)),
        ("+62 812 3456 7890 ext 12", Invalid(NOT_DIGITS)),
        ("tel:+6281234567890", Invalid(NOT_DIGITS)),
        ("0812+3456+7890", Invalid(NOT_DIGITS)),
        ("++6281234567890", Invalid(NOT_DIGITS)),
        ("0812#34567890", Invalid(NOT_DIGITS)),
        ("+", Invalid(NO_DIGITS)),
        ("---", Invalid(NO_DIGITS)),
        ("021-555-1234", Invalid(LANDLINE)),
        ("0274 512345", Invalid(LANDLINE)),
        ("(021) 5551234", Invalid(LANDLINE)),
        ("+62 21 5551234", Invalid(LANDLINE)),
        ("+60 12-345 6789", Invalid(FOREIGN, {"country_code": 60})),
        ("+1 650 253 0000", Invalid(FOREIGN, {"country_code": 1})),
        ("+65 9123 4567", Invalid(FOREIGN, {"country_code": 65})),
        ("0800 1234567", Invalid(NOT_MOBILE)),  # toll-free
        ("0809 1234567", Invalid(NOT_MOBILE)),  # premium rate
        ("0812", Invalid(TOO_SHORT)),
        ("0812 3456", Invalid(TOO_SHORT)),
        ("081234567", Invalid(TOO_SHORT)),
        ("08123456789012", Invalid(TOO_LONG)),
        ("+62 812 3456 7890 123", Invalid(TOO_LONG)),
        ("0", Invalid(UNKNOWN)),
        ("62", Invalid(UNKNOWN)),
        ("+62", Invalid(UNKNOWN)),
        ("1234", Invalid(UNKNOWN)),
        ("0812 3456 7890 / 0813 1111 2222", Invalid(UNKNOWN)),
    ],
)
def test_normalize_mobile_refuses(raw: str, expected: Invalid) -> None:
    assert normalize_mobile(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("6281234567890", E164),
        ("+6281234567890", E164),
        ("081234567890", E164),
        ("0812-3456-7890", E164),
        ("+62 812-3456-7890", E164),
        ("60123456789", Invalid(FOREIGN, {"country_code": 60})),
        ("+60123456789", Invalid(FOREIGN, {"country_code": 60})),
        ("12025550123", Invalid(FOREIGN, {"country_code": 1})),
        ("62215551234", Invalid(LANDLINE)),
        ("", Invalid(EMPTY)),
        ("62812abc", Invalid(NOT_DIGITS)),
        ("628123", Invalid(TOO_SHORT)),
    ],
)
def test_contact_phone_to_e164(raw: str, expected: str | Invalid) -> None:
    assert contact_phone_to_e164(raw) == expected


@settings(max_examples=200, deadline=None)
@given(
    operator=st.sampled_from(["811", "812", "813", "821", "822", "852", "853", "857", "878"]),
    rest=st.text(alphabet="0123456789", min_size=8, max_size=8),
    style=st.sampled_from(["0{o}-{a}-{b}", "+62 {o} {a} {b}", "62{o}{a}{b}", "({o}) {a}.{b}"]),
)
def test_mobile_formats_round_trip(operator: str, rest: str, style: str) -> None:
    raw = style.format(o=operator, a=rest[:4], b=rest[4:])
    assert normalize_mobile(raw) == f"+62{operator}{rest}"
    assert contact_phone_to_e164(f"62{operator}{rest}") == f"+62{operator}{rest}"


@settings(max_examples=200, deadline=None)
@given(raw=st.text())
def test_never_raises(raw: str) -> None:
    assert isinstance(normalize_mobile(raw), str | Invalid)
    assert isinstance(contact_phone_to_e164(raw), str | Invalid)


@settings(max_examples=200, deadline=None)
@given(raw=st.text(alphabet="0123456789+()-. ", max_size=30))
def test_never_raises_on_phone_like_text(raw: str) -> None:
    result = normalize_mobile(raw)
    assert isinstance(result, Invalid) or result.startswith("+628")
