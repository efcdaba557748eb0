"""Occupations to PP 50/2025 sectors: buttons, typed text, and what stays unknown."""

from __future__ import annotations

import pytest

from bot.fields import OCCUPATIONS
from bot.sectors import OCCUPATION_SECTORS, SECTOR_QUESTION, Sector, sector_of, sector_to_confirm

TR, OT = Sector.TRANSPORT, Sector.OTHER


def test_every_occupation_button_has_a_sector() -> None:
    assert set(OCCUPATIONS) == set(OCCUPATION_SECTORS)


@pytest.mark.parametrize(
    ("key", "sector", "to_confirm"),
    [
        ("ojek", TR, False),
        ("becak", TR, True),  # carries people for pay, but no source names it
        ("nelayan", OT, False),
        ("petani", OT, False),
        ("pedagang", OT, False),
        ("buruh_harian", OT, False),
    ],
)
def test_buttons(key: str, sector: Sector, to_confirm: bool) -> None:
    assert sector_of(key, None) is sector
    assert sector_to_confirm(key) is to_confirm


@pytest.mark.parametrize(
    ("text", "sector", "to_confirm"),
    [
        ("Ojol", TR, False),
        ("driver grab", TR, False),
        ("kurir paket", TR, False),
        ("Supir angkot", TR, False),
        ("sopir truk ekspedisi", TR, False),
        ("tukang becak", TR, True),
        ("kusir dokar", TR, True),
        ("delman", TR, True),
        ("penjahit", OT, False),
        ("buruh tani", OT, False),
        ("jualan gorengan", OT, False),
        ("tukang cukur", OT, False),
        ("petani dan ojek", None, False),  # both: the worker is asked
        ("buruh angkut pasar", None, False),  # a porter: asked, not guessed
        ("seniman", None, False),  # neither
        ("", None, False),
        ("123", None, False),
    ],
)
def test_typed_occupations(text: str, sector: Sector | None, to_confirm: bool) -> None:
    assert sector_of("lainnya", text) is sector
    assert sector_to_confirm("lainnya", text) is to_confirm


def test_unknown_key_without_text_is_unknown() -> None:
    assert sector_of(None) is None
    assert sector_of("lainnya", None) is None


def test_question_names_the_transport_trades() -> None:
    assert all(word in SECTOR_QUESTION for word in ("mengangkut", "ojek", "kurir", "sopir"))
