"""Amounts as people say them: hedged ("kurang lebih", "kira2", "sekitar", "2,5 jt an"), ranged
("antara 1 sampai 2 juta", "1-2jt"), uncertain ("ga tentu, kira2 sejuta") or several ("biasanya
sejutaan, pas panen 3jt").

One amount with a hedge is the amount. A range is read as its middle, several amounts as the
one said to be usual ("biasanya", "rata-rata"; else the middle of the lowest and the highest),
an amount said to vary as that amount: each of these is confirmed with a tap. Each amount is read
by bot.income (so "50rb sehari" is a day's and the flow's day/week confirmation still applies).
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

from bot.income import IncomeReading, read_income
from bot.number_words import spell_to_digits
from bot.reading.results import Confirm, Value, Why
from bot.validation import Invalid

_UNIT = r"(?:juta|jt|jta|ribu|rebu|rb|rbu|k|miliar|milyar)"
# "2,5 jt an", "500 rb-an", "1 juta an": the "-an" of "about" written apart.
_LOOSE_AN = re.compile(rf"(?<![a-z])({_UNIT})\s*-?\s*an(?![a-z])")
# "500an ribu", "2an juta".
_NUMBER_AN = re.compile(rf"([0-9])an\s+({_UNIT})(?![a-z])")


def _words(alternatives: str) -> re.Pattern[str]:
    """Whole words (or phrases) of ``alternatives`` ("a|b c|d")."""
    return re.compile(rf"(?<![a-z])(?:{alternatives})(?![a-z])")


# Said to be the usual one of several amounts: the amount right after it.
_USUAL_WORDS = "biasanya|biasane|rata rata|rata-rata|rata2|umumnya|normalnya|seringnya|kebanyakan"
_USUAL = _words(_USUAL_WORDS)
# Hedges that change nothing about the amount.
_HEDGES = _words(
    "kurang lebih|kurleb|lebih kurang|kira kira|kira-kira|kira2|kisaran|sekitaran|sekitar"
    "|skitar|sktr|paling|hampir|mungkin|kayaknya|sepertinya|bisa|dapat|dapet|ada|an|"
    + _USUAL_WORDS
)
# Said to vary: the amount read is confirmed.
_VAGUE = _words(
    "tentu|nentu|menentu|pasti|mesti|tetap|tergantung|kadang|kadang2|bervariasi|variasi"
    "|naik turun|musim|musiman|panen|sepi|ramai|rame|beda|macam|macem|kurang dari|di bawah"
    "|di atas|(?<!kurang )lebih(?! kurang)"
)
_NUMBER = r"[0-9](?:[0-9.,]*[0-9])?"
_PART = rf"{_NUMBER}\s*(?:{_UNIT}(?:an)?(?![a-z]))?"
_AMOUNT = re.compile(rf"(?<![0-9.,a-z]){_PART}(?:\s+{_PART})*")
_PERIOD = re.compile(
    r"(?<![a-z])(?:per|se|tiap|setiap)\s*(?:hari|hr|minggu|mgg|pekan|bulan|bln)(?![a-z])"
    r"|/\s*(?:hari|hr|minggu|mgg|bulan|bln)(?![a-z])"
    r"|(?<![a-z])(?:harian|mingguan|bulanan)(?![a-z])"
)
_RANGE = re.compile(
    rf"(?P<low>{_PART})\s*(?:-|–|sampai|sampe|smp|s/d|sd|hingga|ke|atau|dan|/)\s*(?P<high>{_PART})"
)
_CURRENCY = re.compile(r"(?<![a-z])(?:rp|idr)\.?(?=\s*[0-9])")
_UNIT_AT_END = re.compile(rf"{_UNIT}(?:an)?$")


def _prepared(text: str) -> str:
    lowered = " ".join(spell_to_digits(text.casefold()).split())
    lowered = _CURRENCY.sub(" ", lowered)
    lowered = _LOOSE_AN.sub(r"\1an", lowered)
    return _NUMBER_AN.sub(r"\1 \2an", lowered)


def _period(text: str) -> str:
    """The one period the text names ("sehari"), to read each amount in it; else none."""
    found = {m[0] for m in _PERIOD.finditer(text)}
    return f" {found.pop()}" if len(found) == 1 else ""


def _read(amount: str, period: str) -> IncomeReading | None:
    reading = read_income(amount + period)
    return None if isinstance(reading, Invalid) else reading


def _middle(low: IncomeReading, high: IncomeReading) -> IncomeReading | None:
    if low.period is not high.period:
        return None
    middle = (Decimal(low.amount) + Decimal(high.amount)) / 2
    return IncomeReading(int(middle.to_integral_value(rounding=ROUND_HALF_UP)), low.period)


def _range(text: str, period: str) -> IncomeReading | None:
    """The middle of "1 sampai 2 juta", "1-2jt", "500rb - 1jt" (the low end takes the high
    end's unit when it has none)."""
    match = _RANGE.search(text)
    if match is None:
        return None
    low, high = match["low"].strip(), match["high"].strip()
    unit = _UNIT_AT_END.search(high)
    if unit is not None and _UNIT_AT_END.search(low) is None:
        low = f"{low} {unit[0]}"
    read_low, read_high = _read(low, period), _read(high, period)
    if read_low is None or read_high is None or read_low.amount >= read_high.amount:
        return None
    return _middle(read_low, read_high)


def read_amount(text: str) -> Value[IncomeReading] | Confirm[IncomeReading] | Invalid:
    """An income as said, or bot.income's refusal of the text when no amount is found."""
    prepared = _prepared(text)
    vague = _VAGUE.search(prepared) is not None
    period = _period(prepared)
    ranged = _range(prepared, period)
    if ranged is not None and len(_AMOUNT.findall(_RANGE.sub(" ", prepared))) == 0:
        return Confirm(ranged, Why.RANGE)
    plain = " ".join(_HEDGES.sub(" ", prepared).split())
    whole = read_income(plain)
    if not isinstance(whole, Invalid):
        return Confirm(whole, Why.HEDGED) if vague else Value(whole)
    amounts = [(m.start(), m[0].strip()) for m in _AMOUNT.finditer(prepared)]
    found = [(at, r) for at, amount in amounts if (r := _read(amount, period)) is not None]
    # "rame 150 rb sehari, sepi 50", "kadang 700 kadang sejuta": a bare number beside other
    # amounts is in ribu or juta, whichever puts it near them (within ten times).
    for at, amount in amounts:
        if amount.isdigit() and int(amount) < 1000 and found:
            near = [
                r
                for unit in ("ribu", "juta")
                if (r := _read(f"{amount} {unit}", period)) is not None
                and any(max(r.amount, o.amount) <= 10 * min(r.amount, o.amount) for _, o in found)
            ]
            if len(near) == 1:
                found.append((at, near[0]))
    found.sort(key=lambda item: item[0])
    if len(found) == 1:
        return Confirm(found[0][1], Why.HEDGED) if vague else Value(found[0][1])
    if len(found) > 1:
        usual = [m.end() for m in _USUAL.finditer(prepared)]
        after = [r for at, r in found if usual and at >= usual[0]]
        if after:
            return Confirm(after[0], Why.USUAL)
        readings = sorted((r for _, r in found), key=lambda r: r.monthly)
        middle = _middle(readings[0], readings[-1])
        if middle is not None:
            return Confirm(middle, Why.RANGE)
    refused = read_income(text)
    return refused if isinstance(refused, Invalid) else Value(refused)
