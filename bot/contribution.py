"""BPU monthly contributions (PP 44/2015 as amended; PP 50/2025 relief) as dated rate data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from functools import lru_cache

from bot.domain import Payer


class Program(StrEnum):
    """The programmes open to BPU workers (JP is not)."""

    JKK = "jkk"  # Jaminan Kecelakaan Kerja: work accident
    JKM = "jkm"  # Jaminan Kematian: death
    JHT = "jht"  # Jaminan Hari Tua: old-age savings, voluntary for BPU


@dataclass(frozen=True)
class Rate:
    """One programme's rate for some payers over a date range: a percentage or a flat sum."""

    program: Program
    percent_bp: int | None  # basis points of the income basis: 100 = 1%
    flat: int | None  # whole rupiah per month
    start: date | None  # None: in force since before anything we handle
    end: date | None  # inclusive; None: open-ended
    payers: frozenset[Payer]
    source: str
    to_confirm: bool = False

    @property
    def dated(self) -> bool:
        """True for a time-limited rate (a relief) rather than the standing one."""
        return self.start is not None or self.end is not None

    def applies(self, program: Program, payer: Payer, on: date) -> bool:
        """True when this rate governs ``program`` for ``payer`` on ``on``."""
        return (
            self.program == program
            and payer in self.payers
            and (self.start is None or self.start <= on)
            and (self.end is None or on <= self.end)
        )

    def amount(self, basis: int) -> int:
        """The monthly amount for an income basis, rounded to whole rupiah half up."""
        if self.percent_bp is not None:
            # Integer half-up rounding: floats would drift on large incomes.
            return (basis * self.percent_bp + 5_000) // 10_000
        if self.flat is not None:
            return self.flat
        raise ValueError(f"rate for {self.program} has neither a percentage nor a flat amount")


ALL_PAYERS = frozenset(Payer)
_PP44 = "PP 44/2015 as amended by PP 82/2019 (JKK/JKM, BPU)"
_PP46 = "PP 46/2015 as amended by PP 60/2015 (JHT, BPU)"
_PP50 = "PP 50/2025 (relief for self-paid BPU)"
# The relief's dates are as reported (promulgated 22 Dec 2025, running to March 2027); they
# must be confirmed against the regulation's text before they are relied on in production.
_RELIEF_START = date(2025, 12, 22)
_RELIEF_END = date(2027, 3, 31)

RATES: tuple[Rate, ...] = (
    Rate(Program.JKK, 100, None, None, None, ALL_PAYERS, _PP44),
    Rate(Program.JKM, None, 6_800, None, None, ALL_PAYERS, _PP44),
    Rate(Program.JHT, 200, None, None, None, ALL_PAYERS, _PP46),
    Rate(Program.JKK, 50, None, _RELIEF_START, _RELIEF_END, frozenset({Payer.SELF}), _PP50, True),
    Rate(
        Program.JKM, None, 3_400, _RELIEF_START, _RELIEF_END, frozenset({Payer.SELF}), _PP50, True
    ),
)

# Contributions use at least this income even when the worker earns less (never a refusal).
MIN_BASIS = 1_000_000


def income_basis(declared: int) -> int:
    """The income contributions are computed on: the declared income, at least MIN_BASIS."""
    if declared < 0:
        raise ValueError("declared income cannot be negative")
    return max(declared, MIN_BASIS)


def rate_for(program: Program, payer: Payer, on: date, rates: tuple[Rate, ...] = RATES) -> Rate:
    """The rate in force for ``program`` and ``payer`` on a day; the most specific one wins."""
    matching = [rate for rate in rates if rate.applies(program, payer, on)]
    if not matching:
        raise LookupError(f"no {program} rate for {payer} on {on.isoformat()}")
    # A dated rate (a relief) overrides the open-ended one; among dated rates the one aimed at
    # fewer payer types, then the one that started last, is the more specific.
    return max(
        matching,
        key=lambda r: (r.dated, -len(r.payers), r.start or date.min),
    )


@dataclass(frozen=True)
class Line:
    """One programme's monthly amount and who pays it."""

    program: Program
    amount: int
    payer: Payer


@dataclass(frozen=True)
class Contribution:
    """A month's contribution for one worker, line by line."""

    declared_income: int
    basis: int
    lines: tuple[Line, ...]
    relief: bool  # a time-limited (PP 50/2025) rate was used for at least one line

    @property
    def total(self) -> int:
        """Everything due for the month, whoever pays it."""
        return sum(line.amount for line in self.lines)

    @property
    def self_paid(self) -> int:
        """The part the worker pays themselves."""
        return sum(line.amount for line in self.lines if line.payer == Payer.SELF)

    @property
    def basis_raised(self) -> bool:
        """True when the declared income was below MIN_BASIS (the worker must be told)."""
        return self.basis > self.declared_income


@lru_cache(maxsize=4096)  # pure, and asked for every income button of every income question
def monthly_contribution(
    declared_income: int, jht: bool, on: date, sponsor: Payer | None = None
) -> Contribution:
    """JKK + JKM (paid by ``sponsor`` when given) and, if chosen, self-paid JHT, as of ``on``."""
    basis = income_basis(declared_income)
    protection_payer = sponsor if sponsor is not None else Payer.SELF
    wanted = [(Program.JKK, protection_payer), (Program.JKM, protection_payer)]
    if jht:
        # A government sponsor covers JKK/JKM only; JHT stays the worker's own saving.
        wanted.append((Program.JHT, Payer.SELF))
    lines: list[Line] = []
    relief = False
    for program, payer in wanted:
        rate = rate_for(program, payer, on)
        relief = relief or rate.dated
        lines.append(Line(program, rate.amount(basis), payer))
    return Contribution(declared_income, basis, tuple(lines), relief)


def lowest_monthly_cost(on: date) -> int:
    """The cheapest self-paid package (JKK + JKM at MIN_BASIS) on a day."""
    return monthly_contribution(MIN_BASIS, jht=False, on=on).total
