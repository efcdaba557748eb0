"""Personal invitation codes: one per roster row, printed on its slip and sent in its invitation.

A code reads ``UND-7KQ4M-XP2RA``:
- the prefix ``UND`` (undangan) is one no event code uses (event codes are ``ev`` + a random word,
  bot/officers/events.py), so a code tells at a glance, and to the flow, which kind it is;
- the ten characters after it come from an alphabet of 31 without look-alikes (no 0/O, no 1/I/L),
  drawn with ``secrets``: 10 × log2(31) ≈ 49.5 bits of randomness (at least 40 wanted);
- it is read without case, spaces or dashes ("und 7kq4m xp2ra" is the same code), and fits a
  Telegram deep-link payload (``A-Za-z0-9_-``, at most 64) as it is written.

A sender who types wrong codes is paused after ``ROSTER_CODE_TRIES`` (default 5) for
``ROSTER_CODE_PAUSE_MINUTES`` (default 60): guessing one code of a 50,000-row roster among 31^10
takes about 10^10 tries, and 5 an hour leave that out of reach.
"""

from __future__ import annotations

import math
import re
import secrets

PREFIX = "UND"
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L
GROUPS = (5, 5)
RANDOM_BITS = sum(GROUPS) * math.log2(len(ALPHABET))
_SEPARATORS = re.compile(r"[\s\-_.]+")
_BODY = re.compile(f"{PREFIX}([{ALPHABET}]{{{sum(GROUPS)}}})")


_CODES = len(ALPHABET) ** sum(GROUPS)


def new_code() -> str:
    """A fresh personal code, written ``UND-XXXXX-XXXXX``: one uniform draw among the 31^10
    bodies (the same as a draw per character, in one call: a roster of 50,000 draws them all
    at import)."""
    number = secrets.randbelow(_CODES)
    body = []
    for _ in range(sum(GROUPS)):
        number, digit = divmod(number, len(ALPHABET))
        body.append(ALPHABET[digit])
    return written("".join(body))


def written(body: str) -> str:
    """The code's ten characters as it is written, with its prefix and dashes."""
    parts, at = [PREFIX], 0
    for size in GROUPS:
        parts.append(body[at : at + size])
        at += size
    return "-".join(parts)


def read_code(typed: str) -> str | None:
    """A typed or linked personal code in its written form, or None when it is not one.

    Case, spaces, dashes and dots do not matter. A look-alike typed for a letter the alphabet
    leaves out (O for 0 is not possible: neither is in it) is not guessed at: it is not a code."""
    bare = _SEPARATORS.sub("", typed.strip()).upper()
    found = _BODY.fullmatch(bare)
    return written(found[1]) if found else None
