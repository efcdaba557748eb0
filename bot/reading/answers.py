"""One reader per answer of the registration: the pipeline (later, corrections, lead-ins,
hedges, buttons), then the answer's own parser (bot.nik, bot.phone, bot.dates, bot.text,
bot.places, bot.occupations, bot.income). Each returns a reading (bot.reading.results) or the
parser's refusal; a button question gives the tapped button's ``data``."""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Sequence
from datetime import date
from typing import TypeVar

from bot.dates import month_from_name, parse_birth_date
from bot.income import IncomeReading
from bot.messages import Button
from bot.nik import NikInfo, parse_nik
from bot.number_words import spell_to_digits
from bot.occupations import OccupationReading, typed_work
from bot.occupations import read_occupation as occupation_of
from bot.phone import normalize_mobile
from bot.places import HomeMatch, match_home
from bot.reading.amounts import read_amount
from bot.reading.buttons import Choice, choose
from bot.reading.intents import FIELD_NAMES, correction, is_later
from bot.reading.leadins import HONORIFICS, Kind, value_text, value_words
from bot.reading.normalise import Said, said
from bot.reading.results import LATER, Ambiguous, Confirm, Correction, Later, Value, Why
from bot.text import clean_address, clean_name, clean_place
from bot.validation import Invalid
from bot.yes_no import NEUTRAL, NO_WORDS, YES_WORDS

T = TypeVar("T")
# A run of digits with what people put between groups: "3375 0301 0785 0003", "0821-3344-5566".
_DIGIT_RUN = re.compile(r"\+?\(?[0-9][0-9 ().\-]*[0-9]")
_DIGIT = re.compile(r"[0-9]")
# Words that only answer a read-back, before a place: "tidak, pindah ke Sleman".
_ANSWER_WORDS = YES_WORDS | NO_WORDS | NEUTRAL | {"iya", "tidak", "sudah", "bukan", "masih"}

# Words that start the date written after a birthplace.
_DATE_WORDS = frozenset({"tahun", "tanggal", "pada", "thn", "lahir"})

Corrected = Correction | Ambiguous[Correction]


def _from_numbers(
    heard: Said, kind: Kind, parse: Callable[[str], T | Invalid]
) -> Value[T] | Ambiguous[T] | Invalid:
    """The one digit run that ``parse`` takes ("nik saya 3375…", "no hp 0821-3344-5566");
    several valid ones are asked about; none: ``parse``'s refusal of the value's words."""
    readings = [parse(m[0].strip()) for m in _DIGIT_RUN.finditer(heard.text)]
    valid: list[T] = []
    for parsed in readings:
        if not isinstance(parsed, Invalid) and parsed not in valid:
            valid.append(parsed)
    if len(valid) == 1:
        return Value(valid[0])
    if valid:
        return Ambiguous(tuple(valid))
    # One run: its refusal, already read (a phone number's reading is not cheap).
    refused = readings[0] if len(readings) == 1 else parse(value_text(heard, kind))
    return refused if isinstance(refused, Invalid) else Value(refused)


def read_nik(text: str, today: date) -> Value[NikInfo] | Ambiguous[NikInfo] | Later | Invalid:
    """The NIK question."""
    heard = said(text)
    if is_later(heard):
        return LATER
    return _from_numbers(heard, Kind.NIK, lambda run: parse_nik(run, today))


def read_phone(text: str) -> Value[str] | Ambiguous[str] | Later | Invalid:
    """A typed mobile number (E.164)."""
    heard = said(text)
    if is_later(heard):
        return LATER
    return _from_numbers(heard, Kind.PHONE, normalize_mobile)


def read_birth_date(text: str, today: date) -> Value[date] | Later | Invalid:
    """A typed birth date ("lahir tgl 17 agustus 85 pak")."""
    heard = said(text)
    if is_later(heard):
        return LATER
    first, end = value_words(heard, Kind.BIRTH_DATE)
    # "ttl klaten 17 agustus 1985", "17 agustus 1985 di klaten": the place is not the date.
    while first < end and not _dated(heard.keys[first]):
        first += 1
    place = next((at for at in range(first, end) if heard.keys[at] == "di"), end)
    born = parse_birth_date(heard.span(first, place) or heard.text, today)
    return born if isinstance(born, Invalid) else Value(born)


def _dated(key: str) -> bool:
    """Whether a word can start a date: digits, a month, a number in words."""
    return key[0].isdigit() or month_from_name(key) is not None or spell_to_digits(key) != key


def read_name(text: str) -> Value[str] | Ambiguous[str] | Later | Invalid:
    """The KTP name, without "nama saya" and the like; a form of address before it ("pak
    Slamet") is asked about: the name with it and without it."""
    heard = said(text)
    if is_later(heard):
        return LATER
    first, end = value_words(heard, Kind.NAME)
    name = clean_name(heard.span(first, end))
    titled = end - first > 1 and any(
        heard.keys[first : first + len(h)] == h and end - first > len(h) for h in HONORIFICS
    )
    if not titled:
        return name if isinstance(name, Invalid) else Value(name)
    size = next(len(h) for h in HONORIFICS if heard.keys[first : first + len(h)] == h)
    bare = clean_name(heard.span(first + size, end))
    if isinstance(bare, Invalid):
        return name if isinstance(name, Invalid) else Value(name)
    return Ambiguous((bare,) if isinstance(name, Invalid) else (bare, name))


def read_birth_place(text: str) -> Value[str] | Later | Invalid:
    """A birthplace, without "lahir di"; written with the date after it ("Klaten, 17-08-1985",
    as on a KTP's "tempat/tgl lahir"), the place."""
    heard = said(text)
    if is_later(heard):
        return LATER
    first, end = value_words(heard, Kind.BIRTH_PLACE)
    # "Klaten, 17-08-1985", "Tegal tahun 1980": the date after the place is not part of it.
    dated = next(
        (
            at
            for at in range(first + 1, end)
            if heard.keys[at] in _DATE_WORDS or heard.keys[at][0].isdigit()
        ),
        end,
    )
    if first < end and heard.keys[first][0].isdigit():
        dated = end  # no place before the digits: refused as typed ("1,5 juta")
    place = value_text(said(heard.span(first, dated)), Kind.BIRTH_PLACE)
    cleaned = clean_place(place)
    return cleaned if isinstance(cleaned, Invalid) else Value(cleaned)


def read_home(text: str, nik_region: str | None) -> Value[HomeMatch] | Later:
    """A home kabupaten/kota ("saya tinggal di Sleman skrg"): bot.places' match, whatever it
    found (the flow takes a sure one, offers the others, refuses none)."""
    heard = said(text)
    if is_later(heard):
        return LATER
    return Value(match_home(value_text(heard, Kind.HOME), nik_region))


def read_address(text: str) -> Value[str] | Later | Invalid:
    """A street address, without "alamat saya"."""
    heard = said(text)
    if is_later(heard):
        return LATER
    address = clean_address(value_text(heard, Kind.ADDRESS))
    return address if isinstance(address, Invalid) else Value(address)


def read_occupation(
    text: str,
) -> Value[OccupationReading] | Ambiguous[str] | Confirm[str] | Later | Invalid:
    """An occupation in words: a button's key or a known trade (``Value``), several buttons
    (``Ambiguous`` keys), or other work to keep as "Lainnya" after a tap (``Confirm``)."""
    heard = said(text)
    if is_later(heard):
        return LATER
    work = value_text(heard, Kind.OCCUPATION)
    reading = occupation_of(work)
    if reading.keys:
        return Ambiguous(reading.keys)
    if reading.key is not None or reading.trade is not None:
        return Value(reading)
    typed = typed_work(work)
    return typed if isinstance(typed, Invalid) else Confirm(typed, Why.OTHER)


def read_income(text: str) -> Value[IncomeReading] | Confirm[IncomeReading] | Later | Invalid:
    """An income: hedged, ranged or several amounts (bot.reading.amounts)."""
    heard = said(text)
    if is_later(heard):
        return LATER
    return read_amount(value_text(heard, Kind.INCOME))


def read_choice(
    text: str, buttons: Sequence[Button], final: Collection[str] = (), *, numbered: bool = False
) -> Choice | None:
    """A question answered by a button (consent, sex, JHT, sector, the reminder offer, the
    /batal and /hapusdata confirmations, an officer's card and preview): bot.reading.buttons."""
    return choose(text, buttons, final, numbered=numbered)


def read_readback(
    text: str, buttons: Sequence[Button], fields: tuple[str, ...]
) -> Choice | Corrected | None:
    """A read-back ("Dari NIK: perempuan, lahir 5 September 1979. Benar?"): a button, or a
    correction of one of its ``fields`` said in words ("bukan, lahir saya 17 agustus 85")."""
    heard = said(text)
    if is_later(heard):
        return LATER
    named = correction(heard, fields, marked=True)
    return named if named is not None else choose(text, buttons)


def read_nik_readback(text: str, buttons: Sequence[Button]) -> Choice | Corrected | None:
    """The NIK's birth date and sex read back: Benar, Ubah, or the right date or sex in words."""
    return read_readback(text, buttons, ("birth_date", "sex"))


def read_home_readback(text: str, buttons: Sequence[Button]) -> Choice | Corrected | None:
    """ "Masih tinggal di Kabupaten …?": yes, no, or the place lived in now ("tidak, pindah ke
    Sleman": a correction of the home with its value)."""
    heard = said(text)
    if is_later(heard):
        return LATER
    chosen = choose(text, buttons)
    if isinstance(chosen, Value) and chosen.value.endswith(":yes"):
        return chosen
    place = _place_after(heard)
    if place and any(k not in _ANSWER_WORDS for k in said(place).keys):
        return Correction("home_code", place)
    return chosen


def _place_after(heard: Said) -> str:
    """The place in "tidak, pindah ke Sleman", "skrg di sleman": after the last "di" or "ke",
    else the words after the yes and no words."""
    marks = [at for at, k in enumerate(heard.keys) if k in ("di", "ke", "neng", "ning")]
    first = marks[-1] + 1 if marks else 0
    while not marks and first < len(heard.words) and heard.keys[first] in _ANSWER_WORDS:
        first += 1
    rest = said(heard.span(first, len(heard.words)))
    return value_text(rest, Kind.HOME) if rest.words else ""


def _after_answer_words(heard: Said) -> str:
    """The words after a leading yes, no or "salah": "bukan, sehari cuma 40rb"."""
    first = 0
    while first < len(heard.words) and (
        heard.keys[first] in _ANSWER_WORDS or heard.keys[first] in ("salah", "keliru")
    ):
        first += 1
    return heard.span(first, len(heard.words))


def read_income_readback(text: str, buttons: Sequence[Button]) -> Choice | Corrected | None:
    """ "Rp50.000 sehari ≈ Rp1.300.000 sebulan. Benar?": yes (with a hedge: "iya kurang
    lebih"), no, or another amount (a correction of the income with its value)."""
    heard = said(text)
    if is_later(heard):
        return LATER
    if any(k[0].isdigit() for k in heard.keys):
        return Correction("income", _after_answer_words(heard))
    return choose(text, buttons)


def read_summary(
    text: str,
    buttons: Sequence[Button],
    final: Collection[str] = (),
    fields: tuple[str, ...] | None = None,
) -> Choice | Corrected | None:
    """The summary: Kirim, Ubah, Batal (``final``: those that act for good), or a field to
    change named in words ("salah, ganti nomor hp", "alamat salah"), with its value if given;
    ``fields``: those that may be changed (default: every field the words know)."""
    heard = said(text)
    if is_later(heard):
        return LATER
    named = correction(heard, fields if fields is not None else tuple(FIELD_NAMES))
    if named is not None:
        return named
    return choose(text, buttons, final)
