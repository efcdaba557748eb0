"""Occupations in everyday words, names in title case, and keyboard mashes refused."""

from __future__ import annotations

import pytest

from bot.occupations import BUTTON_WORDS, OTHER_TRADES, OccupationReading, read_occupation
from bot.text import clean_name, looks_like_gibberish, title_name
from bot.validation import Invalid

OCCUPATIONS: list[tuple[str, OccupationReading]] = [
    ("narik becak", OccupationReading(key="becak")),
    ("tukang becak", OccupationReading(key="becak")),
    ("becak motor", OccupationReading(key="becak")),
    ("melaut", OccupationReading(key="nelayan")),
    ("nelayan", OccupationReading(key="nelayan")),
    ("cari ikan di laut", OccupationReading(key="nelayan")),
    ("ojol", OccupationReading(key="ojek")),
    ("ngojek", OccupationReading(key="ojek")),
    ("driver gojek", OccupationReading(key="ojek")),
    ("saya tukang ojek pangkalan", OccupationReading(key="ojek")),
    ("dagang", OccupationReading(key="pedagang")),
    ("jualan", OccupationReading(key="pedagang")),
    ("PKL", OccupationReading(key="pedagang")),
    ("jualan sayur di pasar", OccupationReading(key="pedagang")),
    ("penjual bakso keliling", OccupationReading(key="pedagang")),
    ("buka warung", OccupationReading(key="pedagang")),
    ("tani", OccupationReading(key="petani")),
    ("nyawah", OccupationReading(key="petani")),
    ("berkebun", OccupationReading(key="petani")),
    ("buruh tani", OccupationReading(key="buruh_harian")),
    ("kuli bangunan", OccupationReading(key="buruh_harian")),
    ("buruh harian lepas", OccupationReading(key="buruh_harian")),
    ("sopir becak", OccupationReading(key="becak")),  # the button wins over the trade
    ("mbatik", OccupationReading(trade="Pembatik")),
    ("membatik di rumah", OccupationReading(trade="Pembatik")),
    ("penjahit", OccupationReading(trade="Penjahit")),
    ("kusir dokar", OccupationReading(trade="Kusir delman")),
    ("pemulung", OccupationReading(trade="Pemulung")),
    ("sopir angkot", OccupationReading(trade="Sopir")),
    ("tukang cukur", OccupationReading(trade="Tukang cukur")),
    ("tani dan dagang", OccupationReading(keys=("petani", "pedagang"))),
    ("nelayan, kadang ngojek", OccupationReading(keys=("nelayan", "ojek"))),
    ("juru kunci makam", OccupationReading()),
    ("serabutan", OccupationReading()),
    ("asdfgh", OccupationReading()),
]


def test_the_table_is_long_enough() -> None:
    assert len(OCCUPATIONS) >= 30


@pytest.mark.parametrize(("typed", "expected"), OCCUPATIONS)
def test_occupation_reading(typed: str, expected: OccupationReading) -> None:
    assert read_occupation(typed) == expected


def test_a_word_belongs_to_one_entry_only() -> None:
    phrases = [p for ps in (*BUTTON_WORDS.values(), *OTHER_TRADES.values()) for p in ps]
    assert len(phrases) == len(set(phrases))


NAMES = [
    ("SUPARMAN", "Suparman"),
    ("suparman", "Suparman"),
    ("SRI WAHYUNI", "Sri Wahyuni"),
    ("sri wahyuni", "Sri Wahyuni"),
    ("Sri WAHYUNI", "Sri Wahyuni"),
    ("MA'RUF AMIN", "Ma'ruf Amin"),
    ("ma’ruf", "Ma’ruf"),
    ("AL-AMIN NASUTION", "Al-Amin Nasution"),
    ("AHMAD BIN YUSUF", "Ahmad bin Yusuf"),
    ("siti binti salim", "Siti binti Salim"),
    ("MOH. ALI", "Moh. Ali"),
    ("SITOMPUL, S.PD.", "Sitompul, S.Pd."),
    ("Sitompul, S.Pd.", "Sitompul, S.Pd."),  # typed in mixed case: kept
    ("McDonald", "McDonald"),
    ("Ng", "Ng"),
    ("NG", "Ng"),
    ("JOSÉ", "José"),
    ("Bin Laden", "Bin Laden"),  # "bin" first is a name
]


@pytest.mark.parametrize(("typed", "expected"), NAMES)
def test_names_are_stored_in_title_case(typed: str, expected: str) -> None:
    assert title_name(typed) == expected
    assert clean_name(typed) == expected


@pytest.mark.parametrize(
    ("text", "mash"),
    [
        ("asdfgh", True),
        ("qwerty", True),
        ("asdf", True),
        ("wkwkwk", True),
        ("hahaha", True),
        ("aaaa", True),
        ("sdfgh", True),
        ("xyz bcdf", True),
        ("kusir dokar", False),
        ("PKL", False),  # three letters: an abbreviation
        ("Wertamrian", False),  # a desa: "wert" is on the top row
        ("pakpak", False),
        ("Fakfak", False),
        ("III", False),
        ("Sri Wahyuni", False),
    ],
)
def test_keyboard_mashes(text: str, mash: bool) -> None:
    assert looks_like_gibberish(text) is mash


def test_a_mashed_name_is_refused_but_an_abbreviated_one_is_kept() -> None:
    assert clean_name("asdfgh") == Invalid(
        "“{text}” tidak terbaca sebagai nama. Ketik nama Anda seperti di KTP.", {"text": "asdfgh"}
    )
    assert clean_name("MHD ALI") == "Mhd Ali"
