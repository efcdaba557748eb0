"""Time in one place: stored times are UTC, every "today" and every time shown is WIB.

The core never reads a clock: the edge (handlers/) reads it once per update and passes ``now``
in. ``Clock`` is the type of that reader, so tests and the terminal can fix or move time.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta, timezone

# Western Indonesia Time (Asia/Jakarta, no daylight saving): rates, ages, reference years and
# every "today" are decided here, whatever the server's zone.
WIB = timezone(timedelta(hours=7), "WIB")

Clock = Callable[[], datetime]  # returns an aware datetime (UTC)


def today_wib(now: datetime) -> date:
    """The calendar day in Indonesia (WIB) at ``now``."""
    return now.astimezone(WIB).date()


def wib_midnight_utc(day: date) -> datetime:
    """Midnight WIB at the start of ``day``, as an aware UTC datetime."""
    return datetime.combine(day, time(), tzinfo=WIB).astimezone(UTC)


def as_utc(moment: datetime) -> datetime:
    """An aware datetime in UTC (how times are stored)."""
    return moment.astimezone(UTC)


def wib_text(moment: datetime) -> str:
    """A moment as officers read it: ``2026-11-28 14:05 WIB``."""
    return moment.astimezone(WIB).strftime("%Y-%m-%d %H:%M WIB")
