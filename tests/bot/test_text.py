"""Names, places, addresses and free text."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.text import clean_address, clean_free_text, clean_name, clean_place, squash
from bot.validation import Invalid


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  Sri   Wahyuni ", "Sri Wahyuni"),
        ("Sri\u00a0Wahyuni\t", "Sri Wahyuni"),
        ("Sri\u200bWahyuni", "SriWahyuni"),
        ("a\n\nb", "a b"),
        ("Jose\u0301", "José"),  # decomposed accent composed (NFC)
        ("", ""),
    ],
)
def test_squash(raw: str, expected: str) -> None:
    assert squash(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Sarjono", "Sarjono"),
        ("  Sri   Wahyuni  ", "Sri Wahyuni"),
        ("SRI WAHYUNI", "Sri Wahyuni"),  # KTP capitals, stored in title case
        ("Moh. Ali", "Moh. Ali"),
        ("Ma'ruf Amin", "Ma'ruf Amin"),
        ("Ma’ruf Amin", "Ma’ruf Amin"),
        ("Al-Amin Nasution", "Al-Amin Nasution"),
        ("Sitompul, S.Pd.", "Sitompul, S.Pd."),
        ("José Ramos-Horta", "José Ramos-Horta"),
        ("Jose\u0301", "José"),
        ("Ṭāhir", "Ṭāhir"),
        ("Ng", "Ng"),
        ("Suparman " * 11 + "A", "Suparman " * 11 + "A"),  # 100 characters
    ],
)
def test_clean_name_accepts(raw: str, expected: str) -> None:
    assert clean_name(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("", Invalid("Nama belum diisi.")),
        ("   ", Invalid("Nama belum diisi.")),
        ("Sri Wahyuni 2", Invalid("Nama tidak boleh berisi angka.")),
        ("3401021203680003", Invalid("Nama tidak boleh berisi angka.")),
        ("Sri_Wahyuni", Invalid("Nama tidak boleh berisi tanda “{char}”.", {"char": "_"})),
        ("Sri @Wahyuni", Invalid("Nama tidak boleh berisi tanda “{char}”.", {"char": "@"})),
        ("Sri 🙂", Invalid("Nama tidak boleh berisi tanda “{char}”.", {"char": "🙂"})),
        ("Sri (Yuni)", Invalid("Nama tidak boleh berisi tanda “{char}”.", {"char": "("})),
        ("A", Invalid("Nama terlalu pendek, minimal {min_len} karakter.", {"min_len": 2})),
        (
            "A" * 101,
            Invalid("Nama terlalu panjang, maksimal {max_len} karakter.", {"max_len": 100}),
        ),
        ("-", Invalid("Nama harus berisi huruf.")),
        (". , -", Invalid("Nama harus berisi huruf.")),
    ],
)
def test_clean_name_refuses(raw: str, expected: Invalid) -> None:
    assert clean_name(raw) == expected


PLACE_DIGITS = (
    "Tempat lahir tidak boleh berisi angka (Anda menulis “{text}”). Tulis nama kota atau "
    "kabupatennya."
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Yogyakarta", "Yogyakarta"),
        ("  Kab.  Kulon   Progo ", "Kab. Kulon Progo"),
        ("Bo", "Bo"),
        ("Pekalongan" * 6, "Pekalongan" * 6),
    ],
)
def test_clean_place_accepts(raw: str, expected: str) -> None:
    assert clean_place(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("", Invalid("Tempat lahir belum diisi.")),
        ("12345", Invalid(PLACE_DIGITS, {"text": "12345"})),
        ("1,5 juta", Invalid(PLACE_DIGITS, {"text": "1,5 juta"})),
        ("Kota Baru 2", Invalid(PLACE_DIGITS, {"text": "Kota Baru 2"})),
        ("- -", Invalid("Tempat lahir harus berisi nama tempat, bukan hanya angka.")),
        ("Y", Invalid("Tempat lahir terlalu pendek, minimal {min_len} karakter.", {"min_len": 2})),
        (
            "Pekalongan" * 6 + "a",
            Invalid("Tempat lahir terlalu panjang, maksimal {max_len} karakter.", {"max_len": 60}),
        ),
    ],
)
def test_clean_place_refuses(raw: str, expected: Invalid) -> None:
    assert clean_place(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (
            "Jl. Malioboro No. 5,  RT 02 / RW 03,\nDesa Sosromenduran",
            "Jl. Malioboro No. 5, RT 02 / RW 03, Desa Sosromenduran",
        ),
        ("Dusun", "Dusun"),
        ("x" * 200, "x" * 200),
    ],
)
def test_clean_address_accepts(raw: str, expected: str) -> None:
    assert clean_address(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("", Invalid("Alamat belum diisi.")),
        ("12 / 03", Invalid("Alamat harus berisi nama jalan atau desa, bukan hanya angka.")),
        ("Jl 5", Invalid("Alamat terlalu pendek, minimal {min_len} karakter.", {"min_len": 5})),
        (
            "x" * 201,
            Invalid("Alamat terlalu panjang, maksimal {max_len} karakter.", {"max_len": 200}),
        ),
    ],
)
def test_clean_address_refuses(raw: str, expected: Invalid) -> None:
    assert clean_address(raw) == expected


@pytest.mark.parametrize(
    ("raw", "max_len", "expected"),
    [
        ("  Tukang   ojek ", 40, "Tukang ojek"),
        ("Ojek", 4, "Ojek"),
        ("", 40, Invalid("Jawaban belum diisi.")),
        ("123", 40, Invalid("Jawaban harus berisi huruf.")),
        ("x", 40, Invalid("Jawaban terlalu pendek, minimal {min_len} karakter.", {"min_len": 2})),
        (
            "Ojek online",
            5,
            Invalid("Jawaban terlalu panjang, maksimal {max_len} karakter.", {"max_len": 5}),
        ),
    ],
)
def test_clean_free_text(raw: str, max_len: int, expected: str | Invalid) -> None:
    assert clean_free_text(raw, max_len) == expected


@settings(max_examples=200, deadline=None)
@given(raw=st.text())
def test_cleaners_never_raise_and_return_squashed_text(raw: str) -> None:
    for result in (
        clean_name(raw),
        clean_place(raw),
        clean_address(raw),
        clean_free_text(raw, 50),
    ):
        assert isinstance(result, Invalid) or (result == squash(result) and result.strip())
