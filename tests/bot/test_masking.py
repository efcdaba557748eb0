"""Masking of NIKs, phone numbers and names, and redaction of log lines."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.masking import mask_name, mask_nik, mask_phone, redact


@pytest.mark.parametrize(
    ("nik", "expected"),
    [
        ("3401021203680003", "3401********0003"),
        ("123456789", "1234*6789"),
        ("12345678", "********"),
        ("123", "***"),
        ("", ""),
    ],
)
def test_mask_nik(nik: str, expected: str) -> None:
    assert mask_nik(nik) == expected


@pytest.mark.parametrize(
    ("phone", "expected"),
    [
        ("+6281234567890", "+62812****7890"),
        ("+628123456789", "+62812***6789"),
        ("+62812345678", "+62*****5678"),  # only 2 would be hidden: hide the operator code too
        ("+62812345678901", "+62812*****8901"),
        ("6281234567890", "62812****7890"),
        ("081234567890", "0812****7890"),
        ("+60123456789", "+601****6789"),
        ("08123456789", "0812***6789"),
        ("12345", "***45"),
        ("1234", "***4"),
        ("123", "***"),
        ("", ""),
    ],
)
def test_mask_phone(phone: str, expected: str) -> None:
    assert mask_phone(phone) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Sri Wahyuni", "S** W******"),
        ("Sarjono", "S******"),
        ("Al-Amin", "A*-A***"),
        ("Moh. Ali", "M**. A**"),
        ("M.Yusuf", "M.Y****"),
        ("Ma'ruf Amin", "M*'*** A***"),
        ("Élodie", "É*****"),
        ("", ""),
    ],
)
def test_mask_name(name: str, expected: str) -> None:
    assert mask_name(name) == expected


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("nik=3401021203680003 ok", "nik=3401********0003 ok"),
        ("NIK 3401 0212 0368 0003.", "NIK 3401********0003."),
        ("nik 3401-0212-0368-0003", "nik 3401********0003"),
        ("nik 3401.0212.0368.0003", "nik 3401********0003"),
        ("hp=081234567890", "hp=0812****7890"),
        ("hp +62 812-3456-7890, ok", "hp +62812****7890, ok"),
        ("hp +6281234567890", "hp +62812****7890"),
        ("hp 6281234567890", "hp 62812****7890"),
        ("hp (0812) 3456 7890", "hp 0812****7890"),
        ("a 3401021203680003 b 081234567890", "a 3401********0003 b 0812****7890"),
        # Left alone: too long for a NIK, landlines, timestamps, ids, short numbers.
        ("run 34010212036800031", "run 34010212036800031"),
        ("tel 0274 512345", "tel 0274 512345"),
        ("at 2026-08-12 10:00:00.123456", "at 2026-08-12 10:00:00.123456"),
        ("user 123456789 chat -1001234567890", "user 123456789 chat -1001234567890"),
        ("income 1.500.000", "income 1.500.000"),
        ("hp 0812", "hp 0812"),
        ("", ""),
    ],
)
def test_redact(line: str, expected: str) -> None:
    assert redact(line) == expected


@settings(max_examples=200, deadline=None)
@given(
    nik=st.text(alphabet="0123456789", min_size=16, max_size=16),
    phone=st.text(alphabet="0123456789", min_size=9, max_size=10),
    prefix=st.text(alphabet="abc =:", max_size=5),
)
def test_redact_hides_middle_digits(nik: str, phone: str, prefix: str) -> None:
    line = f"{prefix}{nik} hp {prefix}08{phone}"
    redacted = redact(line)
    assert nik not in redacted
    assert f"08{phone}" not in redacted
    assert mask_nik(nik) in redacted


@settings(max_examples=200, deadline=None)
@given(text=st.text())
def test_redact_never_raises(text: str) -> None:
    assert isinstance(redact(text), str)
