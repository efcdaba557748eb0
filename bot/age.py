"""One age rule for every way a birth date arrives (read from the NIK and confirmed, or typed).

- A birth date after the registration day is refused: nobody is born in the future.
- Under 15 years on the registration day is refused (docs/domain.md; bot.dates.parse_birth_date
  applies the same minimum to typed dates). No regulation was found for the number: to confirm.
- 65 or older is accepted and flagged for the officer: an upper limit of 65 is reported in the
  press, not confirmed against a regulation (BPJS Ketenagakerjaan's internal process document,
  Perdir 22/PERDIR.02/072022 as quoted on flipbuilder "908 - PROBIS KEPESERTAAN", speaks of a BPU
  "batasan usia" without the number being visible): the officer decides.

A NIK carries a two-digit birth year, read elsewhere as the most recent such year not in the
future, so a NIK date is never in the future but a very old worker's can look under 15: the worker
then types the right date, which this rule checks again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.dates import age_on
from bot.domain import Flag
from bot.i18n import N_
from bot.validation import Invalid

MIN_AGE = 15
REVIEW_AGE = 65  # from this age the officer looks twice

FUTURE = N_("Tanggal lahir tidak boleh di masa depan.")
TOO_YOUNG = N_("Umur Anda belum {min_age} tahun.")
# For the officer's list of things to check (bot/officers/views.py FLAG_WORDS, wired by the lead).
AGE_FLAG_WORDS = N_("Usia 65 tahun atau lebih saat mendaftar: periksa batas usia kepesertaan")


@dataclass(frozen=True)
class AgeOk:
    """An accepted birth date: the age on the registration day and what the officer should see."""

    age: int
    flags: tuple[Flag, ...] = ()


def check_age(born: date, on: date) -> AgeOk | Invalid:
    """The age rule for a birth date on the registration day ``on`` (a WIB date)."""
    if born > on:
        return Invalid(FUTURE)
    age = age_on(born, on)
    if age < MIN_AGE:
        return Invalid(TOO_YOUNG, {"min_age": MIN_AGE})
    if age >= REVIEW_AGE:
        return AgeOk(age, (Flag.AGE_65_OR_OLDER,))
    return AgeOk(age)
