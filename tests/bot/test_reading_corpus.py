"""The project's own corpus of typed answers (tests/corpus/answers.tsv), read by the reading
pipeline: one table test, each row the reading it must give.

The buttons below are those the questions show (labels, data and aliases as the flow and the
officer desk declare them), so a row reads exactly as it would in a chat.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from bot.income import IncomeReading
from bot.messages import Button, Msg
from bot.nik import NikInfo
from bot.occupations import OccupationReading
from bot.officers.decisions import FIX_NOTES, REJECT_REASONS, check_kpj
from bot.officers.step import COMMANDS
from bot.places import HomeMatch
from bot.reading import answers, officers
from bot.reading.results import Ambiguous, Confirm, Correction, Later, Value
from bot.validation import Invalid

CORPUS = Path(__file__).parents[1] / "corpus" / "answers.tsv"
DOC = Path(__file__).parents[2] / "docs" / "understanding.md"
TODAY = date(2026, 12, 7)
NIK_REGION = "34.01"  # Kulon Progo: the NIK's kabupaten offered first
KPJ_LENGTH = 11


def _yes_no(
    prefix: str, yes: str, no: str, yes_words: tuple[str, ...] = (), no_words: tuple[str, ...] = ()
) -> tuple[Button, ...]:
    return (
        Button(Msg(yes), f"{prefix}:yes", aliases=yes_words, means=True),
        Button(Msg(no), f"{prefix}:no", aliases=no_words, means=False),
    )


CONSENT = _yes_no("consent", "Setuju", "Tidak", ("lanjut", "ayo", "yuk", "daftar"))
NIK_READBACK = _yes_no("nikok", "Benar", "Ubah", ("cocok", "sesuai"), ("ganti", "beda"))
SEX = (
    Button(
        Msg("Laki-laki"),
        "sex:L",
        aliases=("l", "lk", "laki", "lakilaki", "lelaki", "pria", "cowok", "cowo", "male", "man"),
    ),
    Button(
        Msg("Perempuan"),
        "sex:P",
        aliases=("p", "pr", "wanita", "cewek", "cewe", "female", "woman"),
    ),
)
HOME_READBACK = _yes_no("home", "Ya", "Tidak, pindah", ("masih", "tetap"), ("pindah",))
INCOME_READBACK = _yes_no("inccf", "Ya", "Bukan")
JHT = _yes_no("jht", "Ya, ikut JHT", "Tidak", ("ikut",))
SUMMARY = (
    Button(Msg("Kirim"), "sum:send", aliases=("kirim", "send"), means=True),
    Button(Msg("Ubah"), "sum:edit", aliases=("ubah", "edit"), means=False),
    Button(Msg("Batal"), "sum:cancel", aliases=("batal", "cancel")),
)
SUMMARY_FINAL = ("sum:send", "sum:cancel")
REMINDER = (
    Button(Msg("Ya, ingatkan saya"), "remind:yes:R", aliases=("ya",)),
    Button(Msg("Tidak usah"), "remind:no:R", aliases=("tidak",)),
)
CANCEL = _yes_no("cancel", "Ya, batalkan", "Tidak, lanjutkan")
ERASE = (Button(Msg("Ya, hapus data saya"), "erase:yes:T"), Button(Msg("Tidak"), "erase:no"))
CARD = (
    Button(Msg("Setujui"), "off:d_setujui:R"),
    Button(Msg("Perlu perbaikan"), "off:d_perbaikan:R"),
    Button(Msg("Tolak"), "off:d_tolak:R"),
)
OFFICER_CANCEL = Button(Msg("Batal"), "off:d_batal:", aliases=("batalkan", "cancel"))
PREVIEW = (
    Button(Msg("Kirim keputusan"), "off:d_kirim:", aliases=("kirim", "ya")),
    OFFICER_CANCEL,
)


def _kpj(text: str) -> object:
    return officers.read_kpj(text, lambda typed: check_kpj(typed, KPJ_LENGTH))


def _reason(presets: tuple[str, ...]) -> Callable[[str], object]:
    def read(text: str) -> object:
        found = officers.read_reason(text, presets)
        if isinstance(found, Value):
            return Value(presets[found.value])
        if isinstance(found, Confirm):
            return Confirm(presets[found.value], found.why)
        if isinstance(found, Ambiguous):
            return Ambiguous(tuple(presets[i] for i in found.choices))
        return found

    return read


READERS: dict[str, Callable[[str], object]] = {
    "consent": lambda t: answers.read_choice(t, CONSENT),
    "nik": lambda t: answers.read_nik(t, TODAY),
    "nik_readback": lambda t: answers.read_nik_readback(t, NIK_READBACK),
    "birth_date": lambda t: answers.read_birth_date(t, TODAY),
    "sex": lambda t: answers.read_choice(t, SEX),
    "name": answers.read_name,
    "birth_place": answers.read_birth_place,
    "phone": answers.read_phone,
    "home_readback": lambda t: answers.read_home_readback(t, HOME_READBACK),
    "home": lambda t: answers.read_home(t, NIK_REGION),
    "address": answers.read_address,
    "occupation": answers.read_occupation,
    "income": answers.read_income,
    "income_readback": lambda t: answers.read_income_readback(t, INCOME_READBACK),
    "jht": lambda t: answers.read_choice(t, JHT),
    "summary": lambda t: answers.read_summary(t, SUMMARY, SUMMARY_FINAL),
    "reminder": lambda t: answers.read_choice(t, REMINDER),
    "cancel": lambda t: answers.read_choice(t, CANCEL, ("cancel:yes",)),
    "erase": lambda t: answers.read_choice(t, ERASE, ("erase:yes:T",)),
    "card": lambda t: answers.read_choice(t, CARD, tuple(b.data for b in CARD)),
    "preview": lambda t: answers.read_choice(t, PREVIEW, ("off:d_kirim:",)),
    "reject_reason": _reason(REJECT_REASONS),
    "fix_note": _reason(FIX_NOTES),
    "kpj": _kpj,
    "command": lambda t: officers.near_command(t, tuple(COMMANDS)),
}


def shown(value: object) -> str:
    """A value as the corpus writes it."""
    if isinstance(value, NikInfo):
        return value.nik
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, IncomeReading):
        return f"{value.amount}/{value.period}"
    if isinstance(value, HomeMatch):
        codes = ",".join(region.code for region in value.regions)
        return codes if value.sure else f"~{codes}"
    if isinstance(value, OccupationReading):
        return value.key or f"trade:{value.trade}"
    return str(value)


def written(reading: object) -> str:
    """A reading as the corpus writes it: "= value", "? why value", "either a | b", "later",
    "fix field[: value]", "refused", "none"."""
    if isinstance(reading, Value):
        return f"= {shown(reading.value)}"
    if isinstance(reading, Confirm):
        return f"? {reading.why} {shown(reading.value)}"
    if isinstance(reading, Ambiguous):
        return "either " + " | ".join(
            written(c)[4:] if isinstance(c, Correction) else shown(c) for c in reading.choices
        )
    if isinstance(reading, Later):
        return "later"
    if isinstance(reading, Correction):
        return f"fix {reading.field}" + (f": {reading.value}" if reading.value else "")
    if isinstance(reading, Invalid):
        return "refused"
    assert reading is None, reading
    return "none"


@dataclass(frozen=True)
class Row:
    question: str
    typed: str
    expected: str
    line: int


def rows() -> list[Row]:
    found = []
    for number, line in enumerate(CORPUS.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        question, typed, expected = line.split("\t")
        found.append(Row(question, typed, expected, number))
    return found


ROWS = rows()


@pytest.mark.parametrize("row", ROWS, ids=[f"{r.line}:{r.question}" for r in ROWS])
def test_the_corpus_reads_as_people_meant(row: Row) -> None:
    assert written(READERS[row.question](row.typed)) == row.expected, row.typed


def counts() -> Counter[str]:
    return Counter(row.question for row in ROWS)


def test_the_corpus_is_large_and_covers_every_question() -> None:
    assert len(ROWS) >= 600
    assert set(counts()) == set(READERS)
    assert len({(r.question, r.typed) for r in ROWS}) == len(ROWS), "a phrasing twice"


def test_the_docs_state_the_counts() -> None:
    table = "\n".join(f"| {question} | {count} |" for question, count in sorted(counts().items()))
    doc = DOC.read_text(encoding="utf-8")
    assert f"{table}\n| all | {len(ROWS)} |" in doc, (
        "update the table of docs/understanding.md:\n" + table + f"\n| all | {len(ROWS)} |"
    )
