"""Income typed as Indonesians write or say it, per month, week or day.

"1.500.000", "Rp1,5jt", "800 ribu", "satu setengah juta", "3 jutaan", "sejuta lima ratus",
"50rb sehari", "300 ribu seminggu". A daily or weekly amount is turned into a monthly one (the
flow asks the worker to confirm it with a tap); a refusal says what was read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from itertools import pairwise

from bot.i18n import N_, format_rupiah
from bot.messages import Msg, Param
from bot.number_words import spell_to_digits
from bot.validation import Invalid

MAX_INCOME = 1_000_000_000  # a month
# Below this, a bare number is far more likely a forgotten "ribu"/"juta" than a monthly income.
MIN_BARE_INCOME = 10_000

# To confirm: how many days a month a worker paid by the day works. 26 is six days a week (a
# month of 30-31 days less four or five Sundays), the divisor Indonesian payroll practice uses
# for daily wages of six-day weeks; no BPJS Ketenagakerjaan rule for BPU incomes was found. The
# worker sees the number ("26 hari kerja") and confirms the monthly figure with a tap.
WORKING_DAYS_PER_MONTH = 26
# A weekly amount times four, said to the worker as "4 minggu" (a month is 4.3 weeks: the
# figure is a little low, never high).
WEEKS_PER_MONTH = 4


class Period(StrEnum):
    """What the typed amount is earned in."""

    MONTH = "month"
    WEEK = "week"
    DAY = "day"


PER_MONTH = {Period.MONTH: 1, Period.WEEK: WEEKS_PER_MONTH, Period.DAY: WORKING_DAYS_PER_MONTH}
PERIOD_WORDS = {Period.MONTH: N_("sebulan"), Period.WEEK: N_("seminggu"), Period.DAY: N_("sehari")}
# A bare number under this (per period) is taken as a forgotten "ribu" or "juta".
_BARE_MINIMUM = {Period.MONTH: MIN_BARE_INCOME, Period.WEEK: MIN_BARE_INCOME, Period.DAY: 1_000}
# Bare numbers up to this read best as juta ("2" → "2 juta"), the rest as ribu ("800 ribu").
_SUGGEST_JUTA_UPTO = {Period.MONTH: 20, Period.WEEK: 5, Period.DAY: 0}


@dataclass(frozen=True)
class IncomeReading:
    """An amount in whole rupiah per ``period``; ``spelled`` when read from words."""

    amount: int
    period: Period = Period.MONTH
    spelled: bool = False

    @property
    def monthly(self) -> int:
        """The amount a month (a day's times WORKING_DAYS_PER_MONTH, a week's times 4)."""
        return self.amount * PER_MONTH[self.period]


_UNITS: dict[str, int] = {
    "ribu": 1_000,
    "rebu": 1_000,
    "rb": 1_000,
    "rbu": 1_000,
    "k": 1_000,
    "juta": 1_000_000,
    "jt": 1_000_000,
    "jta": 1_000_000,
    "miliar": 1_000_000_000,
    "milyar": 1_000_000_000,
    # English, for workers who chose /bahasa English (and the English examples).
    "thousand": 1_000,
    "million": 1_000_000,
    "mio": 1_000_000,
}

_START, _END = r"(?<![a-z])", r"(?![a-z])"
_PERIODS: dict[Period, re.Pattern[str]] = {
    period: re.compile(pattern)
    for period, pattern in (
        (
            Period.MONTH,
            rf"{_START}(?:per|se|tiap|setiap)\s*(?:bulan|bln|bl){_END}|/\s*(?:bulan|bln|bl){_END}"
            rf"|{_START}(?:bulanan|a month|per month|monthly){_END}",
        ),
        (
            Period.WEEK,
            rf"{_START}(?:per|se|tiap|setiap)\s*(?:minggu|mgg|pekan){_END}"
            rf"|/\s*(?:minggu|mgg|pekan){_END}|{_START}(?:mingguan|a week|per week|weekly){_END}",
        ),
        (
            Period.DAY,
            rf"{_START}(?:per|se|tiap|setiap)\s*(?:hari|hr){_END}|/\s*(?:hari|hr){_END}"
            rf"|{_START}(?:harian|a day|per day|daily){_END}",
        ),
    )
}
# Words around the amount that carry no number: currency, hedges, ",-" endings.
_NOISE = re.compile(
    rf"{_START}(?:rp|idr|rupiah|sekitar|kira-kira|kira2|kurang lebih|kurleb|rata-rata|rata2"
    rf"|penghasilan|pendapatan|gaji|saya|dapat|dapet|ya){_END}\.?"
    r"|[±~]|(?<=[0-9])[.,]-"
)
# Answers that say the income varies or is unknown: the worker is asked for a rough average.
_VAGUE = re.compile(
    rf"{_START}(?:tentu|menentu|pasti|tetap|tergantung|macam|macem|bervariasi|variasi|kadang"
    rf"|tahu|tau|lupa|lumayan|banyak|sedikit|cukup|relatif){_END}"
)
_NEGATIVE = re.compile(r"(?:[-−–]|minus\b)\s*[0-9]")
# "1 juta 0,5" (from "sejuta setengah"): the fraction belongs to the unit before it.
_UNIT_FRACTION = re.compile(r"([0-9]+) ?(juta|jt|ribu|rb) (0,[0-9]+)(?![0-9])")
# A number starts and ends with a digit, so "1.500.000" is never split into several parts;
# "jutaan", "rban": a unit with -an ("about") is the unit.
_UNIT = "(?P<unit>" + "|".join(_UNITS) + ")(?:an)?"
_PART = re.compile(rf"\s*(?P<number>[0-9](?:[0-9.,]*[0-9])?)\s*(?:{_UNIT})?{_END}\s*")
_AMOUNT = r"[0-9][0-9.,]*\s*(?:[a-z]+)?"
_RANGE = re.compile(
    rf"(?P<low>{_AMOUNT})\s*(?:-|–|sampai|smp|sd|s/d|hingga|atau|ke)\s*(?P<high>{_AMOUNT})"
)
# "1 500 000": spaces used as thousands separators.
_SPACE_GROUPED = re.compile(r"(?<![0-9.,])[0-9]{1,3}(?: [0-9]{3})+(?![0-9]|[.,][0-9]{3})")
_PARTS = re.compile(f"(?:{_PART.pattern})+")
_GROUPED = re.compile(r"[0-9]{1,3}(?:(?P<sep>[.,])[0-9]{3})(?:(?P=sep)[0-9]{3})*")
ECHO_LIMIT = 60  # characters of the worker's text shown back


def not_understood(raw: str) -> Invalid:
    """The refusal that shows the text it could not read."""
    return Invalid(
        N_(
            "Kami tidak bisa membaca “{text}” sebagai jumlah uang. Contoh: 1,5 juta atau 1.500.000."
        ),
        {"text": " ".join(raw.split())[:ECHO_LIMIT]},
    )


def _to_decimal(number: str) -> Decimal | None:
    """``number`` read with Indonesian or English separators; ``None`` if the grouping is off."""
    if "." in number and "," in number:
        # Both present: the last one is the decimal mark ("2.000.000,00", "2,000,000.00").
        decimal_mark = max(".,", key=number.rfind)
        whole, _, fraction = number.rpartition(decimal_mark)
        if not fraction or _GROUPED.fullmatch(whole) is None:
            return None
        return Decimal(re.sub(r"[.,]", "", whole) + "." + fraction)
    separators = number.count(".") + number.count(",")
    if separators == 0:
        return Decimal(number)
    if _GROUPED.fullmatch(number) is not None:
        # "1.500.000", "1,500,000" and also "1.500": three-digit groups are thousands.
        return Decimal(re.sub(r"[.,]", "", number))
    if separators == 1:
        # "1,5", "1.25", "1500000,00": a lone separator not followed by 3 digits is decimal.
        return Decimal(number.replace(",", "."))
    return None


def _unit_fraction(match: re.Match[str]) -> str:
    whole = Decimal(match[1]) + Decimal(match[3].replace(",", "."))
    return f"{format(whole, 'f').replace('.', ',')} {match[2]}"


def read_income(raw: str) -> IncomeReading | Invalid:
    """An amount in whole rupiah and what it is earned in (a month unless the text says a day
    or a week), from digits or words with optional Rp, separators and units."""
    text = " ".join(raw.casefold().split())
    if not text:
        return Invalid(N_("Penghasilan belum diisi."))
    hits = [(m.start(), p) for p, pattern in _PERIODS.items() if (m := pattern.search(text))]
    periods = [period for _, period in sorted(hits)]
    if len(periods) > 1:
        first, second = (Msg(PERIOD_WORDS[p]) for p in periods[:2])
        return Invalid(
            N_("Kami membaca dua waktu, {first} dan {second}. Tulis penghasilan satu waktu saja."),
            {"first": first, "second": second},
        )
    period = periods[0] if periods else Period.MONTH
    for pattern in _PERIODS.values():
        text = pattern.sub(" ", text)
    digits = spell_to_digits(text)
    spelled = digits != text
    text = _UNIT_FRACTION.sub(_unit_fraction, digits)
    # Sentence punctuation after the amount ("2 jt.", "1.500.000!") says nothing.
    text = " ".join(_NOISE.sub(" ", text).split()).strip(" .,!?")
    text = _SPACE_GROUPED.sub(lambda match: match[0].replace(" ", ""), text)
    if not re.search(r"[0-9]", text):
        if _VAGUE.search(text):
            return Invalid(
                N_(
                    "Tidak apa-apa jika penghasilan Anda tidak tentu: tulis kira-kira "
                    "rata-ratanya, misalnya 50 ribu sehari atau 1,5 juta sebulan."
                )
            )
        return Invalid(
            N_(
                "Kami tidak menemukan jumlah uang dalam “{text}”. Contoh: 1,5 juta atau 50 ribu sehari."
            ),
            {"text": " ".join(raw.split())[:ECHO_LIMIT]},
        )
    if _NEGATIVE.match(text):
        return Invalid(N_("Penghasilan tidak boleh negatif."))
    both = _RANGE.fullmatch(text)
    if both and _PARTS.fullmatch(both["low"]) and _PARTS.fullmatch(both["high"]):
        return Invalid(
            N_(
                "Kami membaca dua jumlah, {low} dan {high}. Tulis satu saja, kira-kira rata-ratanya."
            ),
            {"low": both["low"].strip(), "high": both["high"].strip()},
        )
    amount = _amount(text)
    if amount is None:
        return not_understood(raw)
    if isinstance(amount, Invalid):
        return amount
    exact, has_unit, number = amount
    if exact == 0:
        return Invalid(N_("Penghasilan tidak boleh nol."))
    if exact * PER_MONTH[period] > MAX_INCOME:
        return Invalid(
            N_("Penghasilan lebih dari {max} terlalu besar, periksa lagi."),
            {"max": format_rupiah(MAX_INCOME)},
        )
    rounded = int(exact.to_integral_value(rounding=ROUND_HALF_UP))
    if not has_unit and rounded < _BARE_MINIMUM[period]:
        unit = N_("juta") if exact <= _SUGGEST_JUTA_UPTO[period] else N_("ribu")
        suggestion: dict[str, Param] = {
            "amount": number,
            "unit": Msg(unit),
            "per": Msg(PERIOD_WORDS[period]),
        }
        return Invalid(
            N_(
                "Kami membaca {number} saja, tanpa “ribu” atau “juta”. Maksud Anda “{suggestion}”?"
            ),
            {"number": number, "suggestion": Msg(N_("{amount} {unit} {per}"), suggestion)},
        )
    if rounded == 0:
        return Invalid(N_("Penghasilan tidak boleh nol."))
    return IncomeReading(rounded, period, spelled)


def _amount(text: str) -> tuple[Decimal, bool, str] | Invalid | None:
    """The amount in ``text`` (only numbers and units left): exact value, whether a unit was
    written, and the first number as typed; None when it cannot be read."""
    if _PARTS.fullmatch(text) is None:
        return None
    parts = list(_PART.finditer(text))
    units = [_UNITS[part["unit"]] if part["unit"] else None for part in parts]
    values = [_to_decimal(part["number"]) for part in parts]
    if any(value is None for value in values):
        return None
    # Said aloud, "sejuta lima ratus" / "1 juta 500" leaves out the "ribu" of the last part.
    last = values[-1]
    if (
        len(parts) > 1
        and units[-1] is None
        and units[-2] == 1_000_000
        and last is not None
        and last == last.to_integral_value()
        and 0 < last < 1000
    ):
        units[-1] = 1_000
    if len(parts) > 1:
        written = [unit for unit in units if unit is not None]
        # "1 juta 500 ribu" is fine; "500 ribu 1 juta" or "1 2" are guesses we won't make.
        if len(written) != len(parts) or any(a <= b for a, b in pairwise(written)):
            return None
    exact = sum(
        (
            value * (unit or 1)
            for value, unit in zip(values, units, strict=True)
            if value is not None
        ),
        Decimal(0),
    )
    return exact, any(unit is not None for unit in units), parts[0]["number"]


def parse_income(raw: str) -> int | Invalid:
    """A monthly income in whole rupiah (a daily or weekly amount converted)."""
    reading = read_income(raw)
    return reading if isinstance(reading, Invalid) else reading.monthly
