"""The one age rule: future and under 15 refused with a reason, 65 and older flagged."""

from __future__ import annotations

from datetime import date

import pytest

from bot.age import MIN_AGE, AgeOk, check_age
from bot.domain import Flag
from bot.validation import Invalid

ON = date(2026, 11, 28)


@pytest.mark.parametrize(
    ("born", "expected"),
    [
        (date(2011, 11, 28), AgeOk(15)),  # 15th birthday today
        (date(1990, 5, 1), AgeOk(36)),
        (date(1961, 11, 29), AgeOk(64)),  # 65 tomorrow
        (date(1961, 11, 28), AgeOk(65, (Flag.AGE_65_OR_OLDER,))),
        (date(1930, 1, 1), AgeOk(96, (Flag.AGE_65_OR_OLDER,))),
    ],
)
def test_accepted(born: date, expected: AgeOk) -> None:
    assert check_age(born, ON) == expected


def test_future_is_refused() -> None:
    result = check_age(date(2026, 11, 29), ON)
    assert isinstance(result, Invalid) and "masa depan" in result.msgid


@pytest.mark.parametrize("born", [date(2011, 11, 29), ON])
def test_under_15_is_refused(born: date) -> None:
    result = check_age(born, ON)
    assert isinstance(result, Invalid)
    assert result.params == {"min_age": MIN_AGE} and "{min_age}" in result.msgid


def test_leap_day_birthday() -> None:
    born = date(2008, 2, 29)
    assert isinstance(check_age(born, date(2023, 2, 28)), Invalid)  # turns 15 on 1 March
    assert check_age(born, date(2023, 3, 1)) == AgeOk(15)
