"""What every officer dialog and command shares: reading numbers, asking, re-asking, and the
shape of a dialog family (its question and how it takes an answer)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date

from bot.dates import parse_date
from bot.flow.buttons import match_button
from bot.flow.events import Press, Text
from bot.i18n import N_
from bot.messages import Msg, Part, Reply
from bot.officers.context import DeskContext, DeskOutcome
from bot.officers.state import DeskState, Dialog
from bot.validation import Invalid

Answer = Text | Press
Question = Callable[[DeskState, DeskContext], Reply]
Answerer = Callable[[DeskState, Answer, DeskContext], DeskOutcome]
Holds = Callable[[DeskState, DeskContext], bool]

# ASCII digits only: str.isdigit() also takes "١٢٣" and "²", which int() then refuses or reads
# as another number than the officer sees.
_NUMBER = re.compile(r"[0-9]{1,12}")

CHOOSE = Invalid(N_("Pilih salah satu tombol di bawah, atau ketik pilihannya."))
STALE = N_("Tombol itu sudah tidak berlaku.")


@dataclass(frozen=True)
class Family:
    """A dialog family: the states it owns, its pending question, and how it takes an answer
    (typed text, or a tap on one of the question's own buttons)."""

    dialogs: frozenset[Dialog]
    question: Question
    answer: Answerer
    cancelled: str  # what "Batal" says
    # Whether the officer, as they are now (role and branches read in this update's
    # transaction), may still finish the dialog; checked before every answer is taken.
    holds: Holds = lambda state, ctx: True


def number(typed: str, low: int, high: int) -> int | None:
    """A whole number written in ASCII digits, between ``low`` and ``high``; else None."""
    typed = typed.strip()
    if not _NUMBER.fullmatch(typed):
        return None
    value = int(typed)
    return value if low <= value <= high else None


def officer_date(typed: str, today: date) -> date | Invalid:
    """A date an officer types for an event or a budget: like a worker's, except that a
    two-digit year is always this century ("12-12-26" is 2026, never 1926)."""
    day = parse_date(typed, today)
    if isinstance(day, date) and day.year < 2000:
        try:
            return day.replace(year=day.year + 100)
        except ValueError:  # 29 February of a year that has none
            return Invalid(N_("Tanggal {date} tidak ada di kalender."), {"date": typed.strip()})
    return day


def first_word(args: str) -> str:
    """The first word of the arguments, upper-cased (references are typed in any case)."""
    words = args.split()
    return words[0].upper() if words else ""


def problem(invalid: Invalid) -> Msg:
    """A validation result as a line to show."""
    return Msg(invalid.msgid, dict(invalid.params))


def with_notices(asked: Reply, *notices: Part) -> Reply:
    """Notices on top of a question, as one message (its buttons stay under it)."""
    return replace(asked, parts=(*notices, *asked.parts))


def ask(state: DeskState, question: Question, ctx: DeskContext, *notices: Part) -> DeskOutcome:
    """Stay in (or move to) ``state`` and ask its question, after any notices."""
    return DeskOutcome(state, [with_notices(question(state, ctx), *notices)])


def retry(state: DeskState, question: Question, ctx: DeskContext, invalid: Invalid) -> DeskOutcome:
    """A wrong answer: what was wrong in one line, then the same question with its buttons."""
    return ask(state, question, ctx, problem(invalid))


def said(state: DeskState, *replies: Reply) -> DeskOutcome:
    """Replies, the state as given."""
    return DeskOutcome(state, list(replies))


def as_press(typed: str, asked: Reply) -> Press | None:
    """Typed text that names one of the question's buttons (a label in either language, or an
    alias) counts as tapping it."""
    button = match_button(typed, asked.all_buttons)
    return Press(button.data) if button is not None else None


def button_args(press: Press, command: str) -> str | None:
    """The arguments of a tapped 'off:<command>:<args>' button; None for another button."""
    prefix = f"off:{command}:"
    return press.data[len(prefix) :] if press.data.startswith(prefix) else None
