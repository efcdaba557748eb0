"""What reading one typed answer can give: a value, a value to confirm with one tap, two or more
readings to choose from, a pause ("later"), or a correction of another answer. A refusal is the
parser's own ``bot.validation.Invalid``."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Generic, TypeVar

from bot.validation import Invalid

T = TypeVar("T")


class Why(StrEnum):
    """Why a reading asks for a confirming tap rather than being taken as it is."""

    INEXACT = "inexact"  # a button that acts for good, named inside longer words
    HEDGED = "hedged"  # an amount said to vary ("ga tentu, kira2 sejuta")
    RANGE = "range"  # the middle of a range ("antara 1 sampai 2 juta")
    USUAL = "usual"  # the usual of several amounts ("biasanya sejutaan, pas panen 3jt")
    CLOSEST = "closest"  # the preset closest to an officer's words
    OTHER = "other"  # words we do not know as a trade: kept as "Lainnya" after a tap


@dataclass(frozen=True)
class Value(Generic[T]):
    """The answer, taken as it is."""

    value: T


@dataclass(frozen=True)
class Confirm(Generic[T]):
    """The answer as read, to be confirmed once ("Maksud Anda …?") before it is taken."""

    value: T
    why: Why


@dataclass(frozen=True)
class Ambiguous(Generic[T]):
    """Two or more readings remain: the person chooses (never a guess between them)."""

    choices: tuple[T, ...]


@dataclass(frozen=True)
class Later:
    """The person will answer later ("ntar aja", "besok ya"): not a no, not a refusal."""


@dataclass(frozen=True)
class Correction:
    """Another answer is wrong ("ganti nomor hp", "bukan, lahir saya 17 agustus 85"): the field
    (a name of bot.fields.REGISTRATION) and, when given, the new value as typed."""

    field: str
    value: str | None = None


Reading = Value[T] | Confirm[T] | Ambiguous[T] | Later | Correction | Invalid
LATER = Later()
