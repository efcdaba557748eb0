"""Monthly income typed as Indonesians write it ("1.500.000", "Rp1,5jt", "800 ribu")."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal
from itertools import pairwise

from bot.i18n import N_, format_rupiah
from bot.validation import Invalid

MAX_INCOME = 1_000_000_000
# Below this, a bare number is far more likely a forgotten "ribu"/"juta" than a monthly income.
MIN_BARE_INCOME = 10_000
# Bare numbers under this read best as juta ("2" → "2 juta"), the rest as ribu ("800 ribu").
_SUGGEST_JUTA_BELOW = 100

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

# Words around the amount that carry no number: currency, "per month", hedges, ",-" endings.
_NOISE = re.compile(
    r"(?<![a-z])(?:rp|idr|rupiah|sekitar|kira-kira|kira2|kurang lebih|kurleb|rata-rata|rata2"
    r"|(?:per|se)\s*(?:bulan|bln)|a month|per month|monthly)\.?(?![a-z])"
    r"|/\s*(?:bulan|bln|bl)\.?(?![a-z])"
    r"|[±~]|(?<=[0-9])[.,]-"
)
_NEGATIVE = re.compile(r"(?:[-−–]|minus\b)\s*[0-9]")
_SPELLED = (("setengah juta", "0,5 juta"), ("sejuta", "1 juta"))
# A number starts and ends with a digit, so "1.500.000" is never split into several parts.
_PART = re.compile(
    r"\s*(?P<number>[0-9](?:[0-9.,]*[0-9])?)\s*(?P<unit>" + "|".join(_UNITS) + r")?(?![a-z])\s*"
)
# "1 500 000": spaces used as thousands separators.
_SPACE_GROUPED = re.compile(r"(?<![0-9.,])[0-9]{1,3}(?: [0-9]{3})+(?![0-9]|[.,][0-9]{3})")
_PARTS = re.compile(f"(?:{_PART.pattern})+")
_GROUPED = re.compile(r"[0-9]{1,3}(?:(?P<sep>[.,])[0-9]{3})(?:(?P=sep)[0-9]{3})*")

_NOT_UNDERSTOOD = N_("Format angka penghasilan tidak dikenali.")


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


def parse_income(raw: str) -> int | Invalid:
    """A monthly income in whole rupiah, from digits with optional Rp, separators and units."""
    text = " ".join(raw.casefold().split())
    for spelled, written in _SPELLED:
        text = text.replace(spelled, written)
    # Sentence punctuation after the amount ("2 jt.", "1.500.000!") says nothing.
    text = _NOISE.sub(" ", text).strip().rstrip(".,!")
    text = _SPACE_GROUPED.sub(lambda match: match[0].replace(" ", ""), text)
    if not re.search(r"[0-9]", text):
        return Invalid(N_("Penghasilan harus ditulis dengan angka."))
    if _NEGATIVE.match(text):
        return Invalid(N_("Penghasilan tidak boleh negatif."))
    if _PARTS.fullmatch(text) is None:
        return Invalid(_NOT_UNDERSTOOD)

    parts = list(_PART.finditer(text))
    units = [_UNITS[part["unit"]] for part in parts if part["unit"]]
    # "1 juta 500 ribu" is fine; "1 juta 500" or "500 ribu 1 juta" are guesses we won't make.
    if len(parts) > 1 and (len(units) != len(parts) or any(a <= b for a, b in pairwise(units))):
        return Invalid(_NOT_UNDERSTOOD)

    exact = Decimal(0)
    for part in parts:
        value = _to_decimal(part["number"])
        if value is None:
            return Invalid(_NOT_UNDERSTOOD)
        exact += value * (_UNITS[part["unit"]] if part["unit"] else 1)

    if exact == 0:
        return Invalid(N_("Penghasilan tidak boleh nol."))
    if exact > MAX_INCOME:
        return Invalid(
            N_("Penghasilan lebih dari {max} terlalu besar, periksa lagi."),
            {"max": format_rupiah(MAX_INCOME)},
        )
    amount = int(exact.to_integral_value(rounding=ROUND_HALF_UP))
    if not units and amount < MIN_BARE_INCOME:
        number = parts[0]["number"]
        unit_word = "juta" if exact < _SUGGEST_JUTA_BELOW else "ribu"
        return Invalid(
            N_("{amount} terlalu kecil untuk sebulan; maksud Anda “{suggestion}”?"),
            {"amount": f"Rp{number}", "suggestion": f"{number} {unit_word}"},
        )
    if amount == 0:
        return Invalid(N_("Penghasilan tidak boleh nol."))
    return amount
