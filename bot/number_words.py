"""Numbers written in Indonesian words, turned into digits: "dua ratus lima puluh" → "250".

Used before reading an amount ("satu setengah juta" → "1,5 juta") or a date ("tujuh belas
agustus" → "17 agustus"). Scale words (ribu, juta, miliar) stay words, so the amount reader keeps
its own rules for them; "sejuta" and "seribu" become "1 juta" and "1 ribu". Only a run of words
that forms a number is replaced; anything else in the text is left as it was.
"""

from __future__ import annotations

import re
from decimal import Decimal

ONES = {
    "nol": 0,
    "kosong": 0,
    "satu": 1,
    "dua": 2,
    "tiga": 3,
    "empat": 4,
    "lima": 5,
    "enam": 6,
    "tujuh": 7,
    "delapan": 8,
    "sembilan": 9,
}
# "se-" is "one": seratus, sepuluh, sebelas; sejuta and seribu keep their scale word.
_SE_SCALES = {"seribu": "ribu", "sejuta": "juta", "semiliar": "miliar", "semilyar": "milyar"}
# "sejutaan", "seribuan": about one of them.
_SE_SCALES |= {f"{word}an": f"{scale}an" for word, scale in _SE_SCALES.items()}
_FRACTIONS = {"setengah": Decimal("0.5"), "seperempat": Decimal("0.25")}

_TOKEN = re.compile(r"[^\W\d_]+|[0-9]+(?:[.,][0-9]+)*|\S")


def _small(tokens: list[str], i: int) -> tuple[int, int] | None:
    """A whole number below 1000 spelled from ``tokens[i]`` on: (value, index after it)."""
    value = 0
    start = i

    def word(at: int) -> str:
        return tokens[at] if at < len(tokens) else ""

    if word(i) == "seratus":
        value, i = 100, i + 1
    elif word(i) in ONES and word(i + 1) == "ratus":
        value, i = ONES[word(i)] * 100, i + 2
    if word(i) == "sepuluh":
        value, i = value + 10, i + 1
    elif word(i) == "sebelas":
        value, i = value + 11, i + 1
    elif word(i) in ONES and word(i + 1) == "belas":
        value, i = value + 10 + ONES[word(i)], i + 2
    elif word(i) in ONES and word(i + 1) == "puluh":
        value, i = value + ONES[word(i)] * 10, i + 2
        if word(i) in ONES and ONES[word(i)] > 0:
            value, i = value + ONES[word(i)], i + 1
    elif word(i) in ONES and word(i + 1) != "ratus":
        value, i = value + ONES[word(i)], i + 1
    return (value, i) if i > start else None


def _number(tokens: list[str], i: int) -> tuple[Decimal, int] | None:
    """A number, maybe with a fraction ("satu setengah", "dua koma lima", "tiga perempat")."""
    if tokens[i] in _FRACTIONS:
        return _FRACTIONS[tokens[i]], i + 1
    if tokens[i] in ("satu", "dua", "tiga") and tokens[i + 1 : i + 2] == ["perempat"]:
        return Decimal(ONES[tokens[i]]) / 4, i + 2
    if re.fullmatch(r"[0-9]+", tokens[i]):
        # "2 setengah juta": digits with a spelled fraction; digits alone stay as they are.
        after = tokens[i + 1] if i + 1 < len(tokens) else ""
        return (Decimal(tokens[i]) + _FRACTIONS[after], i + 2) if after in _FRACTIONS else None
    whole = _small(tokens, i)
    if whole is None:
        return None
    value, i = Decimal(whole[0]), whole[1]
    after = tokens[i] if i < len(tokens) else ""
    if after in _FRACTIONS:
        return value + _FRACTIONS[after], i + 1
    if after == "koma":
        decimals = ""
        i += 1
        while i < len(tokens) and tokens[i] in ONES:
            decimals += str(ONES[tokens[i]])
            i += 1
        if decimals:
            return value + Decimal("0." + decimals), i
        return None
    return value, i


def _digits(value: Decimal) -> str:
    """Digits with the Indonesian decimal comma: 1.5 → "1,5"."""
    text = format(value.normalize(), "f")
    return text.replace(".", ",")


# "limapuluh", "tujuhbelas": the parts written together.
_JOINED = re.compile(r"(?<![a-z])(" + "|".join(ONES) + r")(puluh|belas|ratus)")


def spell_to_digits(text: str) -> str:
    """``text`` (lower case) with every spelled number written in digits; the rest unchanged."""
    text = _JOINED.sub(r"\1 \2", text)
    matches = list(_TOKEN.finditer(text))
    tokens = [m[0] for m in matches]
    out: list[str] = []
    last = 0  # where the text not yet copied starts
    i = 0
    while i < len(tokens):
        if tokens[i] in _SE_SCALES:
            found: tuple[str, int] | None = (f"1 {_SE_SCALES[tokens[i]]}", i + 1)
        else:
            number = _number(tokens, i)
            found = (_digits(number[0]), number[1]) if number else None
        if found is None:
            i += 1
            continue
        digits, end = found
        out += [text[last : matches[i].start()], digits]
        last = matches[end - 1].end()
        i = end
    out.append(text[last:])
    return "".join(out)


_THOUSANDS = re.compile(r"\b([0-9]{1,3}) ribu(?: ([0-9]{1,3}))?\b")


def fold_thousands(text: str) -> str:
    """ "1 ribu 985" → "1985", "2 ribu" → "2000": a year said in words."""
    return _THOUSANDS.sub(lambda m: str(int(m[1]) * 1000 + int(m[2] or 0)), text)
