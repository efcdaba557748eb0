"""Contribution rules: plain rates, the PP 50/2025 relief window, sponsors and rounding."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.contribution import (
    MIN_BASIS,
    RATES,
    Line,
    Program,
    income_basis,
    lowest_monthly_cost,
    monthly_contribution,
    rate_for,
)
from bot.domain import Payer

BEFORE = date(2025, 6, 1)
DURING = date(2026, 11, 23)
AFTER = date(2027, 4, 1)


@pytest.mark.parametrize(
    ("on", "jkk", "jkm", "relief"),
    [
        (BEFORE, 10_000, 6_800, False),
        (date(2025, 12, 21), 10_000, 6_800, False),  # the day before the relief
        (date(2025, 12, 22), 5_000, 3_400, True),  # first day of the relief
        (DURING, 5_000, 3_400, True),
        (date(2027, 3, 31), 5_000, 3_400, True),  # last day (inclusive)
        (AFTER, 10_000, 6_800, False),
    ],
)
def test_minimum_package_by_date(on: date, jkk: int, jkm: int, relief: bool) -> None:
    result = monthly_contribution(1_000_000, jht=False, on=on)
    assert result.lines == (
        Line(Program.JKK, jkk, Payer.SELF),
        Line(Program.JKM, jkm, Payer.SELF),
    )
    assert result.total == result.self_paid == jkk + jkm
    assert result.relief is relief
    assert not result.basis_raised


@pytest.mark.parametrize(("on", "expected"), [(BEFORE, 16_800), (DURING, 8_400), (AFTER, 16_800)])
def test_lowest_monthly_cost(on: date, expected: int) -> None:
    assert lowest_monthly_cost(on) == expected


@pytest.mark.parametrize(
    ("declared", "basis"),
    [(0, 1_000_000), (800_000, 1_000_000), (999_999, 1_000_000), (1_000_000, 1_000_000),
     (1_000_001, 1_000_001), (2_500_000, 2_500_000)],
)  # fmt: skip
def test_income_basis(declared: int, basis: int) -> None:
    assert income_basis(declared) == basis


def test_negative_income_is_a_bug() -> None:
    with pytest.raises(ValueError):
        income_basis(-1)


def test_low_income_uses_minimum_basis() -> None:
    result = monthly_contribution(800_000, jht=False, on=BEFORE)
    assert (result.declared_income, result.basis, result.basis_raised) == (
        800_000,
        1_000_000,
        True,
    )
    assert result.total == 16_800


def test_jht_during_relief_keeps_full_rate() -> None:
    result = monthly_contribution(2_500_000, jht=True, on=DURING)
    assert result.lines == (
        Line(Program.JKK, 12_500, Payer.SELF),
        Line(Program.JKM, 3_400, Payer.SELF),
        Line(Program.JHT, 50_000, Payer.SELF),
    )
    assert result.total == result.self_paid == 65_900


@pytest.mark.parametrize("sponsor", [Payer.APBD, Payer.APBN])
def test_sponsor_pays_plain_rates_during_relief(sponsor: Payer) -> None:
    result = monthly_contribution(1_000_000, jht=False, on=DURING, sponsor=sponsor)
    assert result.lines == (Line(Program.JKK, 10_000, sponsor), Line(Program.JKM, 6_800, sponsor))
    assert (result.total, result.self_paid, result.relief) == (16_800, 0, False)


def test_sponsored_worker_pays_own_jht() -> None:
    result = monthly_contribution(1_000_000, jht=True, on=DURING, sponsor=Payer.APBD)
    assert result.lines[-1] == Line(Program.JHT, 20_000, Payer.SELF)
    assert (result.total, result.self_paid) == (36_800, 20_000)


def test_sponsor_self_is_the_same_as_no_sponsor() -> None:
    assert monthly_contribution(1_500_000, True, DURING, Payer.SELF) == monthly_contribution(
        1_500_000, True, DURING
    )


@pytest.mark.parametrize(
    ("income", "on", "jkk", "jht"),
    [
        (1_234_550, DURING, 6_173, 24_691),  # 0.5% = 6172.75 → up
        (1_234_550, BEFORE, 12_346, 24_691),  # 1% = 12345.5 → half up
        (1_000_100, DURING, 5_001, 20_002),  # 0.5% = 5000.5 → half up
        (1_000_099, DURING, 5_000, 20_002),  # 0.5% = 5000.495 → down; 2% = 20001.98 → up
        (1_000_024, BEFORE, 10_000, 20_000),  # 1% = 10000.24 → down; 2% = 20000.48 → down
        (1_000_025, BEFORE, 10_000, 20_001),  # 1% = 10000.25 → down; 2% = 20000.5 → half up
    ],
)
def test_rounding_half_up(income: int, on: date, jkk: int, jht: int) -> None:
    amounts = {line.program: line.amount for line in monthly_contribution(income, True, on).lines}
    assert (amounts[Program.JKK], amounts[Program.JHT]) == (jkk, jht)


def test_relief_rates_are_marked_to_confirm() -> None:
    assert rate_for(Program.JKK, Payer.SELF, DURING).to_confirm
    assert rate_for(Program.JKM, Payer.SELF, DURING).to_confirm
    assert not rate_for(Program.JKK, Payer.APBN, DURING).to_confirm
    assert not rate_for(Program.JHT, Payer.SELF, DURING).to_confirm
    assert all(rate.percent_bp is None or rate.flat is None for rate in RATES)


@settings(max_examples=200)
@given(
    income=st.integers(min_value=0, max_value=10**11),
    jht=st.booleans(),
    on=st.dates(min_value=date(2016, 1, 1), max_value=date(2035, 12, 31)),
    sponsor=st.sampled_from([None, *Payer]),
)
def test_invariants(income: int, jht: bool, on: date, sponsor: Payer | None) -> None:
    result = monthly_contribution(income, jht, on, sponsor)
    assert result.total == sum(line.amount for line in result.lines)
    assert all(type(line.amount) is int and line.amount >= 0 for line in result.lines)
    assert type(result.total) is int and type(result.self_paid) is int
    assert result.basis >= MIN_BASIS
    assert result.basis == max(income, MIN_BASIS)
    assert 0 <= result.self_paid <= result.total
    assert len(result.lines) == (3 if jht else 2)
    assert result.total >= lowest_monthly_cost(on)
