"""The income-level table (Lampiran II of PP 44/2015): the shipped rows and how incomes map."""

from __future__ import annotations

import pytest

from bot.income_levels import (
    highest_level,
    income_levels,
    level_for,
    lowest_level,
    parse_income_levels,
)

HEADER = "income_from,level,status,note\n"


def test_shipped_table_runs_from_one_million_to_twenty_point_seven() -> None:
    table = income_levels()
    assert (lowest_level(), highest_level()) == (1_000_000, 20_700_000)
    assert [row.level for row in table] == sorted({row.level for row in table})
    # Only the first two rows are sourced; every other row is marked to confirm with a note.
    assert [(r.income_from, r.level) for r in table if not r.to_confirm] == [
        (0, 1_000_000),
        (1_100_000, 1_200_000),
    ]
    assert all(row.note for row in table)


@pytest.mark.parametrize(
    ("income", "level"),
    [
        (0, 1_000_000),
        (800_000, 1_000_000),  # below the lowest level: the lowest level
        (1_000_000, 1_000_000),
        (1_099_999, 1_000_000),  # the first band ends at Rp1.099.999
        (1_100_000, 1_200_000),  # Rp1.100.000 to Rp1.299.999 pays on Rp1.200.000
        (1_299_999, 1_200_000),
        (1_300_000, 1_400_000),
        (5_000_000, 5_000_000),
        (20_699_999, 20_600_000),
        (20_700_000, 20_700_000),
        (10**11, 20_700_000),  # above the top level: the top level
    ],
)
def test_level_for(income: int, level: int) -> None:
    assert level_for(income).level == level


def test_every_level_maps_to_itself() -> None:
    for row in income_levels():
        assert level_for(row.level) == row


def test_negative_income_is_a_bug() -> None:
    with pytest.raises(ValueError):
        level_for(-1)


@pytest.mark.parametrize(
    "body",
    [
        "income_from,level\n0,1000000\n",  # columns
        HEADER + "100,1000000,sourced,x\n",  # does not start at 0
        HEADER + "0,1000000,sourced,x\n0,1200000,sourced,x\n",  # bands not ascending
        HEADER + "0,1000000,sourced,x\n900000,1200000,sourced,x\n",  # level outside its band
        HEADER + "0,1000000,maybe,x\n",  # status
        HEADER,  # empty
    ],
)
def test_malformed_tables_are_refused(body: str) -> None:
    with pytest.raises(ValueError):
        parse_income_levels(body)


def test_custom_table() -> None:
    table = parse_income_levels("\ufeff" + HEADER + "0,1000,sourced,a\n2000,2500,to confirm,b\n")
    assert level_for(1_999, table).level == 1_000
    assert level_for(2_000, table).level == 2_500 and level_for(2_000, table).to_confirm
