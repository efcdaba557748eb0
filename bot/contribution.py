"""BPU monthly contributions as dated, sourced rate data, and the one function that quotes them.

Every place that shows a monthly amount calls ``quote``: income (a level or a typed income), JHT
yes or no, who pays JKK and JKM, the worker's sector (None when not known yet) and the day.

Rates (each with its source, payer types, sectors and dates):
- JKK 1% and JHT 2% of the income level, JKM Rp6.800 flat (PP 44/2015 and PP 46/2015 as amended).
- PP 50/2025: half of JKK and JKM for self-paid BPU workers, by *contribution month* ("iuran bulan
  Januari 2026 sampai dengan iuran bulan Maret 2027" for transport, "iuran bulan April 2026 sampai
  dengan iuran bulan Desember 2026" for every other sector: BPJS Ketenagakerjaan, "Diskon 50 Persen
  Iuran BPJS Ketenagakerjaan, Ini Dia Syaratnya", bpjsketenagakerjaan.go.id/artikel/18931). So any
  day of a month inside a window is discounted and December 2025 is not. Not when APBN or APBD pays:
  bot/payers.py says for each payer type whether it applies (APBDes to confirm).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from enum import StrEnum
from functools import lru_cache

from bot.domain import Payer
from bot.income_levels import IncomeLevel, level_for, lowest_level
from bot.payers import RELIEF_PAYERS
from bot.sectors import Sector


class Program(StrEnum):
    """The programmes open to BPU workers (JP is not)."""

    JKK = "jkk"  # Jaminan Kecelakaan Kerja: work accident
    JKM = "jkm"  # Jaminan Kematian: death
    JHT = "jht"  # Jaminan Hari Tua: old-age savings, voluntary for BPU


ALL_PAYERS = frozenset(Payer)
ANY_SECTOR = frozenset(Sector)


@dataclass(frozen=True)
class Rate:
    """One programme's rate for some payers and sectors over whole contribution months."""

    program: Program
    percent_bp: int | None  # basis points of the income level: 100 = 1%
    flat: int | None  # whole rupiah per month
    payers: frozenset[Payer]
    sectors: frozenset[Sector]
    source: str
    start: date | None = None  # first day of the first month; None: in force before anything
    end: date | None = None  # last day of the last month (inclusive); None: open-ended

    @property
    def dated(self) -> bool:
        """True for a time-limited rate (a relief) rather than the standing one."""
        return self.start is not None or self.end is not None

    def applies(self, program: Program, payer: Payer, sector: Sector, on: date) -> bool:
        """True when this rate governs ``program`` for this payer and sector on ``on``."""
        return (
            self.program == program
            and payer in self.payers
            and sector in self.sectors
            and (self.start is None or self.start <= on)
            and (self.end is None or on <= self.end)
        )

    def amount(self, level: int) -> int:
        """The monthly amount for an income level, rounded to whole rupiah half up."""
        if self.percent_bp is not None:
            return half_up(level * self.percent_bp, 10_000)
        if self.flat is not None:
            return self.flat
        raise ValueError(f"rate for {self.program} has neither a percentage nor a flat amount")


def half_up(numerator: int, denominator: int) -> int:
    """numerator / denominator rounded to the nearest integer, halves up (no floats)."""
    if numerator < 0 or denominator <= 0:
        raise ValueError("half_up takes a non-negative numerator and a positive denominator")
    return (2 * numerator + denominator) // (2 * denominator)


PP44 = (
    "PP 44/2015 (JKK, JKM) as amended, last by PP 49/2023; Lampiran II: JKK 1% of the income "
    "level, from Rp10.000 to Rp207.000; JKM Rp6.800 (docs/domain.md; press: "
    "radarmukomuko.disway.id/read/666514, mediaindonesia.com/nusantara/629366)"
)
PP46 = "PP 46/2015 (JHT) as amended by PP 60/2015: JHT for BPU 2% of the income level"
PP50 = (
    "PP 50/2025 Pasal 2-4: 50% of JKK and JKM for BPU not paid by APBN/APBD (payer types: "
    "bot/payers.py); transport: iuran "
    "bulan Januari 2026 s.d. Maret 2027; other sectors: April 2026 s.d. Desember 2026 "
    "(bpjsketenagakerjaan.go.id/artikel/18931; ANTARA Jateng 619022; okezone 3 Feb 2026)"
)
TRANSPORT_RELIEF = (date(2026, 1, 1), date(2027, 3, 31))
OTHER_RELIEF = (date(2026, 4, 1), date(2026, 12, 31))

RATES: tuple[Rate, ...] = (
    Rate(Program.JKK, 100, None, ALL_PAYERS, ANY_SECTOR, PP44),
    Rate(Program.JKM, None, 6_800, ALL_PAYERS, ANY_SECTOR, PP44),
    Rate(Program.JHT, 200, None, ALL_PAYERS, ANY_SECTOR, PP46),
    Rate(Program.JKK, 50, None, RELIEF_PAYERS, frozenset({Sector.TRANSPORT}), PP50, *TRANSPORT_RELIEF),
    Rate(Program.JKM, None, 3_400, RELIEF_PAYERS, frozenset({Sector.TRANSPORT}), PP50, *TRANSPORT_RELIEF),
    Rate(Program.JKK, 50, None, RELIEF_PAYERS, frozenset({Sector.OTHER}), PP50, *OTHER_RELIEF),
    Rate(Program.JKM, None, 3_400, RELIEF_PAYERS, frozenset({Sector.OTHER}), PP50, *OTHER_RELIEF),
)  # fmt: skip

# The lowest income level (Rp1.000.000): a worker who earns less pays on it and is told so.
MIN_BASIS = 1_000_000


def rate_for(
    program: Program, payer: Payer, sector: Sector, on: date, rates: tuple[Rate, ...] = RATES
) -> Rate:
    """The rate in force for a programme, payer and sector on a day; the most specific wins."""
    matching = [rate for rate in rates if rate.applies(program, payer, sector, on)]
    if not matching:
        raise LookupError(f"no {program} rate for {payer}/{sector} on {on.isoformat()}")
    # A dated rate (a relief) overrides the standing one; among dated rates the one aimed at fewer
    # payers and sectors, then the one that started last, is the more specific.
    return max(
        matching,
        key=lambda r: (r.dated, -len(r.payers), -len(r.sectors), r.start or date.min),
    )


@dataclass(frozen=True)
class Line:
    """One programme's monthly amount, who pays it, and whether a relief rate was used."""

    program: Program
    amount: int
    payer: Payer
    relief: bool = False


@dataclass(frozen=True)
class Quote:
    """A month's contribution for one worker, line by line, with how long it lasts.

    When the sector is unknown and changes the amount or its end date, ``per_sector`` holds one
    quote per sector and the quote's own lines are the other-sector ones, which are never below what
    a transport worker pays.
    """

    income: int  # as typed or chosen
    level: IncomeLevel  # the table row the income falls in
    jht: bool
    payer: Payer  # who pays JKK and JKM; JHT is always the worker's own
    sector: Sector | None
    on: date
    lines: tuple[Line, ...]
    relief_until: date | None  # last day of the discounted months; None: no relief applied
    after: int | None  # what the worker pays per month once the relief ends
    per_sector: tuple[Quote, ...] = ()
    # The sector rests on a trade no source names as transport (becak, dokar: bot/sectors.py):
    # the transport relief's longer end is told as likely, not as certain.
    sector_likely: bool = False

    @property
    def total(self) -> int:
        """Everything due for the month, whoever pays it."""
        return sum(line.amount for line in self.lines)

    @property
    def self_paid(self) -> int:
        """The part the worker pays themselves."""
        return sum(line.amount for line in self.lines if line.payer == Payer.SELF)

    @property
    def relief(self) -> bool:
        """True when a PP 50/2025 rate was used for at least one line."""
        return self.relief_until is not None

    @property
    def estimate(self) -> bool:
        """True when the income level is not confirmed: every amount is an estimate."""
        return self.level.estimate

    @property
    def basis(self) -> int:
        """The income level JKK and JHT are computed on."""
        return self.level.level

    @property
    def declared_income(self) -> int:
        """The income as the worker gave it (name kept for older callers)."""
        return self.income

    @property
    def basis_raised(self) -> bool:
        """True when the income is below the lowest level (the worker must be told)."""
        return self.income < lowest_level()

    @property
    def sector_matters(self) -> bool:
        """True when the sector is unknown and changes the amount or how long it lasts."""
        return bool(self.per_sector)

    def for_sector(self, sector: Sector) -> Quote:
        """This quote for a worker of ``sector``."""
        if self.sector is sector:
            return self
        found = [q for q in self.per_sector if q.sector is sector]
        if found:
            return found[0]
        if self.sector is None:
            return replace(self, sector=sector)  # the sector changes nothing
        raise ValueError(f"a quote for {self.sector} says nothing about {sector}")


@lru_cache(maxsize=8192)  # pure, and asked for every income button of every question
def quote(income: int, jht: bool, payer: Payer, sector: Sector | None, on: date) -> Quote:
    """JKK + JKM (paid by ``payer``) and, if chosen, the worker's own JHT, for the month of ``on``."""
    if sector is None:
        each = tuple(quote(income, jht, payer, s, on) for s in Sector)
        shapes = {(q.lines, q.relief_until, q.after) for q in each}
        if len(shapes) == 1:
            return replace(each[0], sector=None)
        other = next(q for q in each if q.sector is Sector.OTHER)
        return replace(other, sector=None, per_sector=each)
    level = level_for(income)
    wanted = [(Program.JKK, payer), (Program.JKM, payer)]
    if jht:
        # A government sponsor covers JKK/JKM only; JHT stays the worker's own saving.
        wanted.append((Program.JHT, Payer.SELF))
    lines: list[Line] = []
    ends: list[date] = []
    for program, who in wanted:
        rate = rate_for(program, who, sector, on)
        if rate.dated and rate.end is not None:
            ends.append(rate.end)
        lines.append(Line(program, rate.amount(level.level), who, rate.dated))
    until = min(ends) if ends else None
    after = None
    if until is not None:
        after = quote(income, jht, payer, sector, until + timedelta(days=1)).self_paid
    return Quote(income, level, jht, payer, sector, on, tuple(lines), until, after)


def first_of_month(day: date, months_later: int = 0) -> date:
    """The first day of the month ``months_later`` months after the month of ``day``."""
    index = day.year * 12 + day.month - 1 + months_later
    return date(index // 12, index % 12 + 1, 1)


def months_from(first_month: date, months: int) -> tuple[date, ...]:
    """The first days of ``months`` consecutive months, starting with the month of
    ``first_month``."""
    return tuple(first_of_month(first_month, n) for n in range(months))


def paid_ahead(
    income: int, jht: bool, payer: Payer, sector: Sector | None, first_month: date, months: int
) -> int:
    """What the worker pays for ``months`` months at once from the month of ``first_month``:
    each month at the rates of that month (a relief may end inside the period)."""
    return sum(
        quote(income, jht, payer, sector, month).self_paid
        for month in months_from(first_month, months)
    )


def sector_question_matters(
    on: date, income: int = MIN_BASIS, jht: bool = False, payer: Payer = Payer.SELF
) -> bool:
    """Whether the sector changes what the worker pays this month or in the next 12 months.

    While it does, the flow asks "Apakah pekerjaan Anda mengangkut orang atau barang ...?".
    """
    for months in range(13):
        month = first_of_month(on, months)
        amounts = {quote(income, jht, payer, sector, month).self_paid for sector in Sector}
        if len(amounts) > 1:
            return True
    return False


# --- kept for callers written before quote() --------------------------------------------------

Contribution = Quote


def income_basis(declared: int) -> int:
    """The income level contributions are computed on for a declared income."""
    return level_for(declared).level


def monthly_contribution(
    declared_income: int,
    jht: bool,
    on: date,
    sponsor: Payer | None = None,
    sector: Sector | None = None,
) -> Quote:
    """``quote`` with the argument order of the first version (sponsor None: self-paid)."""
    return quote(declared_income, jht, sponsor or Payer.SELF, sector, on)


def lowest_monthly_cost(on: date) -> int:
    """The cheapest self-paid package (JKK + JKM at the lowest level) on a day, any sector."""
    return min(quote(MIN_BASIS, False, Payer.SELF, s, on).self_paid for s in Sector)
