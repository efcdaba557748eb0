"""What the worker is told about the monthly amount: the greeting and the one-line cost."""

from __future__ import annotations

from datetime import date

import pytest

from bot.contribution import quote
from bot.cost_text import WelcomeQuote, cost_msg, month_year, welcome_msg, welcome_quote
from bot.domain import Payer
from bot.messages import Msg
from bot.render import HTML, PLAIN, render_msg
from bot.sectors import Sector

DEC_2025, JAN_2026, MAY_2026 = date(2025, 12, 15), date(2026, 1, 15), date(2026, 5, 15)
JAN_2027, APR_2027 = date(2027, 1, 15), date(2027, 4, 15)
END_TRANSPORT, END_OTHER = date(2027, 3, 31), date(2026, 12, 31)


def text(msg: Msg, lang: str = "id") -> str:
    return render_msg(msg, lang, PLAIN)


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        (DEC_2025, WelcomeQuote(16_800, None, 16_800, None, 16_800)),
        (JAN_2026, WelcomeQuote(16_800, None, 8_400, END_TRANSPORT, 16_800)),
        (MAY_2026, WelcomeQuote(8_400, END_OTHER, 8_400, END_TRANSPORT, 16_800)),
        (JAN_2027, WelcomeQuote(16_800, None, 8_400, END_TRANSPORT, 16_800)),
        (APR_2027, WelcomeQuote(16_800, None, 16_800, None, 16_800)),
    ],
)
def test_welcome_quote(on: date, expected: WelcomeQuote) -> None:
    assert welcome_quote(on) == expected


@pytest.mark.parametrize(
    ("on", "indonesian"),
    [
        (DEC_2025, "Iuran mulai Rp16.800 per bulan."),
        (
            JAN_2026,
            "Iuran Rp16.800 per bulan; pekerja transportasi (ojek, kurir, sopir) Rp8.400 sampai "
            "Maret 2027.",
        ),
        (
            MAY_2026,
            "Iuran mulai Rp8.400 per bulan sampai Desember 2026; pekerja transportasi (ojek, "
            "kurir, sopir) sampai Maret 2027. Setelah itu Rp16.800.",
        ),
        (APR_2027, "Iuran mulai Rp16.800 per bulan."),
    ],
)
def test_welcome_msg(on: date, indonesian: str) -> None:
    assert text(welcome_msg(on)) == indonesian


def test_welcome_msg_in_english() -> None:
    assert text(welcome_msg(MAY_2026), "en") == (
        "Contributions from Rp8.400 a month until December 2026; for transport workers (ojek, "
        "couriers, drivers) until March 2027. After that Rp16.800."
    )
    assert "<b>Rp8.400</b>" in render_msg(welcome_msg(MAY_2026), "id", HTML)


@pytest.mark.parametrize(
    ("on", "sector", "indonesian"),
    [
        (MAY_2026, Sector.OTHER, "Rp8.400 per bulan sampai Desember 2026, lalu Rp16.800"),
        (MAY_2026, Sector.TRANSPORT, "Rp8.400 per bulan sampai Maret 2027, lalu Rp16.800"),
        (JAN_2027, Sector.OTHER, "Rp16.800 per bulan"),
        (
            MAY_2026,
            None,
            "Rp8.400 per bulan sampai Desember 2026 (pekerja transportasi sampai Maret 2027), "
            "lalu Rp16.800",
        ),
        (
            JAN_2026,
            None,
            "Rp16.800 per bulan; pekerja transportasi Rp8.400 sampai Maret 2027, lalu Rp16.800",
        ),
        (APR_2027, None, "Rp16.800 per bulan"),
    ],
)
def test_cost_msg(on: date, sector: Sector | None, indonesian: str) -> None:
    assert text(cost_msg(quote(1_000_000, False, Payer.SELF, sector, on))) == indonesian


def test_cost_msg_for_a_sponsored_worker_with_jht() -> None:
    q = quote(1_000_000, True, Payer.APBD_REGENCY, None, MAY_2026)
    assert text(cost_msg(q)) == "Rp20.000 per bulan"


def test_month_year() -> None:
    assert text(month_year(date(2026, 12, 31))) == "Desember 2026"
    assert text(month_year(date(2027, 3, 1)), "en") == "March 2027"
