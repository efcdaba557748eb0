"""The answers of a registration and what describes one field of it.

Each field is declared with the question that asks it (bot/flow/questions/); the registry
(bot/flow/registry.py) lists them in order for the summary and the officer's card, the fields an
officer may ask to correct (and the words typed for them in /perbaikan), the export's columns and
the submissions table's columns (docs/adding-a-question.md).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import date
from enum import StrEnum
from typing import Any, TypeVar

from bot.enums import Payer, Sex
from bot.i18n import N_
from bot.sectors import Sector

SEX_LABELS = {Sex.MALE: N_("Laki-laki"), Sex.FEMALE: N_("Perempuan")}

# Occupation key → label; "lainnya" asks for a typed answer (kept in ``occupation_other``).
OCCUPATIONS = {
    "becak": N_("Tukang becak"),
    "nelayan": N_("Nelayan"),
    "petani": N_("Petani"),
    "pedagang": N_("Pedagang"),
    "ojek": N_("Pengemudi ojek"),
    "buruh_harian": N_("Buruh harian"),
}
OTHER_OCCUPATION = "lainnya"


T = TypeVar("T")


def shallow_copy(obj: T) -> T:
    """A new instance with the same attributes: what copy.copy makes of a plain dataclass,
    without its generic protocol (__reduce_ex__), which cost a measurable part of each update."""
    twin = object.__new__(type(obj))
    vars(twin).update(vars(obj))
    return twin


@dataclass(frozen=True)
class SponsorChoice:
    """The budget that pays this worker's JKK + JKM (chosen when home and occupation are known)."""

    id: int
    name: str
    payer: Payer


@dataclass
class Answers:
    """What a worker answered so far; None means not asked (or not answered) yet.

    Stored as JSON with these names as keys (``to_data``), in the conversation while registering
    and in the submission afterwards, so the keys never change.
    """

    nik: str | None = None
    nik_birth_date: date | None = None  # what the NIK says; the worker confirms or corrects it
    nik_sex: Sex | None = None
    birth_date: date | None = None
    sex: Sex | None = None
    name: str | None = None
    birth_place: str | None = None
    phone: str | None = None  # E.164
    home_code: str | None = None  # kabupaten/kota code, "34.01"
    address: str | None = None
    occupation: str | None = None  # a key of OCCUPATIONS, or OTHER_OCCUPATION
    occupation_other: str | None = None  # typed when the occupation is OTHER_OCCUPATION
    sector: Sector | None = None  # PP 50/2025's sector: from the occupation, or asked
    income: int | None = None  # whole rupiah a month
    jht: bool | None = None
    sponsor: SponsorChoice | None = None
    sponsor_full: str | None = None  # a sponsor's name whose quota ran out
    # Answers of declared fields without an attribute above (JSON values), by field name;
    # replaced, never changed in place, so a shallow copy stays independent.
    extra: dict[str, Any] = field(default_factory=dict)

    def to_data(self) -> dict[str, Any]:
        """A JSON-ready dict: dates as ISO text, enums as their value, unset answers left out."""
        data: dict[str, Any] = {}
        for name, value in vars(self).items():  # the fields, in order (no slots, no extras)
            if value is None or value == {}:
                continue
            if isinstance(value, date):
                value = value.isoformat()
            elif isinstance(value, SponsorChoice):
                value = {"id": value.id, "name": value.name, "payer": str(value.payer)}
            elif isinstance(value, StrEnum):
                value = str(value)
            data[name] = value
        return data

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Answers:
        """The answers stored by ``to_data`` (unknown keys from a newer release are ignored)."""
        answers = cls()
        for f in fields(cls):
            value = data.get(f.name)
            if value is None:
                continue
            if f.name in ("nik_birth_date", "birth_date"):
                value = date.fromisoformat(value)
            elif f.name in ("nik_sex", "sex"):
                value = Sex(value)
            elif f.name == "sector":
                value = Sector(value)
            elif f.name == "sponsor":
                value = SponsorChoice(int(value["id"]), value["name"], Payer(value["payer"]))
            setattr(answers, f.name, value)
        return answers

    def copy(self) -> Answers:
        """An independent copy (every value is immutable, so a shallow copy is one)."""
        return shallow_copy(self)

    @property
    def occupation_words(self) -> str:
        """The occupation as stored and searched: the typed one for 'Lainnya', else the key."""
        return self.occupation_other or self.occupation or ""


ANSWER_NAMES = frozenset(f.name for f in fields(Answers))


class Kind(StrEnum):
    """How a field's value is shown, exported and stored."""

    TEXT = "text"
    NIK = "nik"
    DATE = "date"
    SEX = "sex"
    PHONE = "phone"
    REGION = "region"  # exported as its code and its name
    OCCUPATION = "occupation"
    MONEY = "money"
    YES_NO = "yes_no"


@dataclass(frozen=True)
class Field:
    """One registration field: where it shows, how officers name it, where it is stored."""

    name: str  # the Answers attribute and JSON key
    label: str  # msgid: the summary, the card, the "Ubah" menu, a correction request
    kind: Kind
    export: str  # the export's column header (Indonesian: the sheets go to BPJS staff)
    column: str | None = None  # a column of the submissions table (for queries), if any
    words: tuple[str, ...] = field(default=())  # what officers may type in /perbaikan
    correctable: bool = True  # an officer may send it back to the worker to correct

    def value(self, answers: Answers) -> Any:
        """This field's answer."""
        if self.name in ANSWER_NAMES:
            return getattr(answers, self.name)
        return answers.extra.get(self.name)

    def keep(self, answers: Answers, value: Any) -> None:
        """Record this field's answer."""
        if self.name in ANSWER_NAMES:
            setattr(answers, self.name, value)
        else:
            answers.extra = {**answers.extra, self.name: value}
