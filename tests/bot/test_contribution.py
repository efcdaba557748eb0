"""Contribution rules: the amounts pinned against docs/domain.md, the relief windows, rounding."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.contribution import (
    MIN_BASIS,
    RATES,
    Program,
    Quote,
    first_of_month,
    half_up,
    income_basis,
    lowest_monthly_cost,
    monthly_contribution,
    quote,
    sector_question_matters,
)
from bot.domain import Payer
from bot.income_levels import level_for, lowest_level
from bot.sectors import Sector

TR, OT = Sector.TRANSPORT, Sector.OTHER
SELF, APBD = Payer.SELF, Payer.APBD_REGENCY
DEC_2025 = date(2025, 12, 15)  # before PP 50/2025: nobody discounted
JAN_2026 = date(2026, 1, 15)  # transport discounted, other sectors not yet
MAY_2026 = date(2026, 5, 15)  # both discounted
JAN_2027 = date(2027, 1, 15)  # transport still discounted, other sectors no longer
APR_2027 = date(2027, 4, 15)  # both windows over
END_TRANSPORT = date(2027, 3, 31)
END_OTHER = date(2026, 12, 31)

LOWEST = 1_000_000  # the lowest level: JKK Rp10.000
MID = 1_200_000  # a sourced level: JKK Rp12.000, Rp6.000 during the relief (BPJS artikel 18931)
ABOVE_TOP = 30_000_000  # pays on the top level Rp20.700.000: JKK Rp207.000
BELOW_LOWEST = 800_000  # pays on the lowest level

# docs/domain.md: JKM Rp6.800 flat, JKK 1% and JHT 2% of the level; PP 50/2025
# halves JKK and JKM for self-paid workers (transport Jan 2026-Mar 2027, others Apr-Dec 2026); never
# when APBN/APBD pays; JHT is never discounted and always the worker's own.
# day, sector, income, JHT?, payer of JKK+JKM -> JKK, JKM, JHT, worker pays, relief until, after
AMOUNTS = [
    # the lowest level, self-paid, JKK + JKM only, on every date, both sectors
    (DEC_2025, TR, LOWEST, False, SELF, 10_000, 6_800, None, 16_800, None, None),
    (DEC_2025, OT, LOWEST, False, SELF, 10_000, 6_800, None, 16_800, None, None),
    (JAN_2026, TR, LOWEST, False, SELF, 5_000, 3_400, None, 8_400, END_TRANSPORT, 16_800),
    (JAN_2026, OT, LOWEST, False, SELF, 10_000, 6_800, None, 16_800, None, None),
    (MAY_2026, TR, LOWEST, False, SELF, 5_000, 3_400, None, 8_400, END_TRANSPORT, 16_800),
    (MAY_2026, OT, LOWEST, False, SELF, 5_000, 3_400, None, 8_400, END_OTHER, 16_800),
    (JAN_2027, TR, LOWEST, False, SELF, 5_000, 3_400, None, 8_400, END_TRANSPORT, 16_800),
    (JAN_2027, OT, LOWEST, False, SELF, 10_000, 6_800, None, 16_800, None, None),
    (APR_2027, TR, LOWEST, False, SELF, 10_000, 6_800, None, 16_800, None, None),
    (APR_2027, OT, LOWEST, False, SELF, 10_000, 6_800, None, 16_800, None, None),
    # with JHT (2%, never discounted)
    (MAY_2026, TR, LOWEST, True, SELF, 5_000, 3_400, 20_000, 28_400, END_TRANSPORT, 36_800),
    (JAN_2027, OT, LOWEST, True, SELF, 10_000, 6_800, 20_000, 36_800, None, None),
    # a mid level
    (JAN_2026, TR, MID, False, SELF, 6_000, 3_400, None, 9_400, END_TRANSPORT, 18_800),
    (JAN_2026, OT, MID, True, SELF, 12_000, 6_800, 24_000, 42_800, None, None),
    (MAY_2026, OT, MID, True, SELF, 6_000, 3_400, 24_000, 33_400, END_OTHER, 42_800),
    (APR_2027, TR, MID, True, SELF, 12_000, 6_800, 24_000, 42_800, None, None),
    # above the top level: the top level
    (MAY_2026, TR, ABOVE_TOP, True, SELF, 103_500, 3_400, 414_000, 520_900, END_TRANSPORT, 627_800),
    (JAN_2027, OT, ABOVE_TOP, False, SELF, 207_000, 6_800, None, 213_800, None, None),
    (DEC_2025, TR, ABOVE_TOP, True, SELF, 207_000, 6_800, 414_000, 627_800, None, None),
    # below the lowest level: the lowest level
    (JAN_2026, TR, BELOW_LOWEST, True, SELF, 5_000, 3_400, 20_000, 28_400, END_TRANSPORT, 36_800),
    (JAN_2026, OT, BELOW_LOWEST, True, SELF, 10_000, 6_800, 20_000, 36_800, None, None),
    (APR_2027, OT, BELOW_LOWEST, False, SELF, 10_000, 6_800, None, 16_800, None, None),
    # sponsored (APBD pays JKK + JKM at plain rates, even inside a window); JHT stays the worker's
    (JAN_2026, TR, LOWEST, False, APBD, 10_000, 6_800, None, 0, None, None),
    (MAY_2026, OT, LOWEST, False, APBD, 10_000, 6_800, None, 0, None, None),
    (MAY_2026, TR, MID, True, APBD, 12_000, 6_800, 24_000, 24_000, None, None),
    (JAN_2027, TR, ABOVE_TOP, True, APBD, 207_000, 6_800, 414_000, 414_000, None, None),
    (APR_2027, OT, BELOW_LOWEST, True, APBD, 10_000, 6_800, 20_000, 20_000, None, None),
]  # fmt: skip


@pytest.mark.parametrize(
    (
        "on",
        "sector",
        "income",
        "jht",
        "payer",
        "jkk",
        "jkm",
        "jht_amount",
        "pays",
        "until",
        "after",
    ),
    AMOUNTS,
)
def test_amounts(
    on: date,
    sector: Sector,
    income: int,
    jht: bool,
    payer: Payer,
    jkk: int,
    jkm: int,
    jht_amount: int | None,
    pays: int,
    until: date | None,
    after: int | None,
) -> None:
    q = quote(income, jht, payer, sector, on)
    lines = {line.program: (line.amount, line.payer) for line in q.lines}
    expected = {Program.JKK: (jkk, payer), Program.JKM: (jkm, payer)}
    if jht_amount is not None:
        expected[Program.JHT] = (jht_amount, SELF)
    assert lines == expected
    assert q.self_paid == pays
    assert q.total == jkk + jkm + (jht_amount or 0)
    assert (q.relief_until, q.after, q.relief) == (until, after, until is not None)


@pytest.mark.parametrize(
    ("on", "sector", "discounted"),
    [
        (date(2025, 12, 31), TR, False),  # December 2025 is not discounted
        (
            date(2026, 1, 1),
            TR,
            True,
        ),  # any day of a month in the window: whole contribution months
        (date(2026, 3, 31), OT, False),
        (date(2026, 4, 1), OT, True),
        (date(2026, 12, 31), OT, True),
        (date(2027, 1, 1), OT, False),
        (date(2027, 3, 31), TR, True),
        (date(2027, 4, 1), TR, False),
    ],
)
def test_relief_windows_are_whole_months(on: date, sector: Sector, discounted: bool) -> None:
    assert quote(LOWEST, False, SELF, sector, on).relief is discounted


def test_dated_rates_cover_whole_months() -> None:
    for rate in RATES:
        if rate.start is not None:
            assert rate.start.day == 1
        if rate.end is not None:
            assert first_of_month(rate.end, 1).toordinal() - rate.end.toordinal() == 1
        assert rate.source
        assert (rate.percent_bp is None) != (rate.flat is None)


@pytest.mark.parametrize("payer", [Payer.APBD_REGENCY, Payer.APBN])
@pytest.mark.parametrize("on", [JAN_2026, MAY_2026, JAN_2027])
def test_no_relief_when_government_pays(payer: Payer, on: date) -> None:
    for sector in Sector:
        q = quote(LOWEST, False, payer, sector, on)
        assert (q.total, q.self_paid, q.relief) == (16_800, 0, False)


def test_unknown_sector_says_how_the_amount_depends_on_it() -> None:
    january = quote(LOWEST, False, SELF, None, JAN_2026)
    assert january.sector_matters
    assert january.self_paid == 16_800  # never below what a transport worker pays
    assert january.for_sector(TR).self_paid == 8_400
    assert january.for_sector(OT).self_paid == 16_800
    may = quote(LOWEST, False, SELF, None, MAY_2026)
    assert may.sector_matters and may.self_paid == 8_400  # same amount, different end
    assert (may.for_sector(TR).relief_until, may.for_sector(OT).relief_until) == (
        END_TRANSPORT,
        END_OTHER,
    )
    for on in (DEC_2025, APR_2027):
        plain = quote(LOWEST, False, SELF, None, on)
        assert not plain.sector_matters
        assert plain.for_sector(TR).lines == plain.for_sector(OT).lines == plain.lines
    assert not quote(LOWEST, True, APBD, None, MAY_2026).sector_matters


@pytest.mark.parametrize(
    ("on", "matters"),
    [
        (DEC_2025, True),  # the transport window starts within 12 months
        (JAN_2026, True),
        (MAY_2026, True),  # same amount now, but January-March 2027 differ
        (JAN_2027, True),
        (date(2027, 3, 31), True),
        (APR_2027, False),
        (date(2024, 12, 1), False),  # the windows start 13 months later
    ],
)
def test_sector_question_matters(on: date, matters: bool) -> None:
    assert sector_question_matters(on) is matters
    assert not sector_question_matters(on, payer=APBD)


@pytest.mark.parametrize(
    ("numerator", "denominator", "rounded"),
    [(5, 10, 1), (4, 10, 0), (15, 10, 2), (25, 10, 3), (0, 7, 0), (61_727_500, 10_000, 6_173)],
)
def test_half_up(numerator: int, denominator: int, rounded: int) -> None:
    assert half_up(numerator, denominator) == rounded


def test_half_up_refuses_what_it_cannot_round() -> None:
    with pytest.raises(ValueError):
        half_up(-1, 2)
    with pytest.raises(ValueError):
        half_up(1, 0)


def test_basis_raised_only_below_the_lowest_level() -> None:
    assert MIN_BASIS == lowest_level()
    below = quote(BELOW_LOWEST, False, SELF, TR, MAY_2026)
    assert (below.basis, below.basis_raised, below.declared_income) == (1_000_000, True, 800_000)
    banded = quote(1_150_000, False, SELF, TR, MAY_2026)  # in the band of Rp1.200.000
    assert (banded.basis, banded.basis_raised) == (1_200_000, False)


def test_compatibility_wrappers() -> None:
    assert monthly_contribution(1_500_000, True, MAY_2026) == quote(
        1_500_000, True, SELF, None, MAY_2026
    )
    assert monthly_contribution(1_000_000, False, MAY_2026, APBD) == quote(
        1_000_000, False, APBD, None, MAY_2026
    )
    assert income_basis(800_000) == 1_000_000
    assert income_basis(30_000_000) == 20_700_000
    assert [lowest_monthly_cost(on) for on in (DEC_2025, JAN_2026, MAY_2026, APR_2027)] == [
        16_800,
        8_400,
        8_400,
        16_800,
    ]


def test_first_of_month() -> None:
    assert first_of_month(date(2026, 11, 28)) == date(2026, 11, 1)
    assert first_of_month(date(2026, 11, 28), 2) == date(2027, 1, 1)
    assert first_of_month(date(2026, 1, 31), 12) == date(2027, 1, 1)


@settings(max_examples=200)
@given(
    income=st.integers(min_value=0, max_value=10**11),
    jht=st.booleans(),
    on=st.dates(min_value=date(2016, 1, 1), max_value=date(2035, 12, 31)),
    payer=st.sampled_from(list(Payer)),
    sector=st.sampled_from([None, *Sector]),
)
def test_invariants(income: int, jht: bool, on: date, payer: Payer, sector: Sector | None) -> None:
    q: Quote = quote(income, jht, payer, sector, on)
    assert q.total == sum(line.amount for line in q.lines)
    assert all(type(line.amount) is int and line.amount >= 0 for line in q.lines)
    assert 0 <= q.self_paid <= q.total
    assert len(q.lines) == (3 if jht else 2)
    jkk = next(line.amount for line in q.lines if line.program is Program.JKK)
    assert 5_000 <= jkk <= 207_000
    assert q.level == level_for(income) and level_for(q.basis) == q.level
    assert q.self_paid >= lowest_monthly_cost(on) or payer is not SELF
    if q.after is not None:
        # A sponsor's relief (JKK, JKM) leaves the worker's own share (JHT) as it is.
        assert q.after > q.self_paid if payer is SELF else q.after == q.self_paid
