"""Where the questions of the registration are collected, in the order the flow asks them.

Each question is declared once, with everything about it, in a module of bot/flow/questions/
grouped by topic; that package adds them here. Every list of steps or fields elsewhere is
derived from this registry: the engine's handlers, the progress numbers, the path from one
question to the next, the summary and the officer's card, the correction pickers, the export,
the statistics and the searchable columns (docs/adding-a-question.md).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from bot.fields import Answers, Field, Kind
from bot.flow.context import Context, Outcome
from bot.flow.events import Answer
from bot.flow.offers import offer_reply
from bot.flow.state import Conversation, in_progress
from bot.i18n import N_
from bot.messages import Button, Msg, Reply

Asker = Callable[[Conversation, Context], Reply]
Handler = Callable[[Conversation, Answer, Context], Outcome]
Rows = tuple[tuple[Button, ...], ...]
# Reads a typed answer: (text, conversation, context, the question's buttons) → a reading of
# bot.reading.results, the parser's Invalid, or None (the handler reads the text itself).
Reader = Callable[[str, Conversation, Context, tuple[Button, ...]], object]


@dataclass(frozen=True)
class Question:
    """One question: its step and everything the flow, the officers and the reports need."""

    step: str  # stored in the conversation as text (bot.flow.state.Step), so never renamed
    ask: Asker  # the question as first asked
    answer: Handler | None = None  # reads an answer; None: the engine answers (idle, done)
    ask_again: Asker | None = None  # a shorter form for asking again (default: ``ask``)
    buttons: Rows | None = None  # buttons that never change (read without building ``ask``)
    next: Callable[[Conversation], str] | None = None  # after an answer (default: in turn)
    in_turn: bool = False  # on the path: an answer to the question before it leads here
    number: int | None = None  # "Langkah N dari M"; a confirmation keeps its question's
    field: Field | None = None  # the answer it asks for (summary, card, export, corrections)
    stats: str | None = None  # msgid: where a draft stopped, in /statistik
    shows_sponsor: bool = False  # shows amounts: who pays JKK + JKM is looked up first
    read: Reader | None = None  # reads typed answers (default: as one of the buttons)
    final: frozenset[str] = frozenset()  # buttons that act for good: named inexactly, confirmed


def fixed(step: str) -> Callable[[Conversation], str]:
    """The next step does not depend on the answers."""
    return lambda conv: step


class Registry:
    """The declared questions in order, and what is derived from them (kept up to date)."""

    def __init__(self) -> None:
        self._questions: list[Question] = []
        self.by_step: dict[str, Question] = {}
        self.in_turn_after: dict[str, str] = {}  # step → the next step on the path after it
        self.fields: tuple[Field, ...] = ()  # in the order the flow asks them
        self.field_by_name: dict[str, Field] = {}
        self.field_step: dict[str, str] = {}  # field name → the step that asks it
        self.correctable: tuple[str, ...] = ()  # the fields an officer may send back, in order
        self.field_words: dict[str, str] = {}  # what officers type in /perbaikan → field name
        self.columns: tuple[str, ...] = ()  # the submissions table's searchable columns
        self.in_progress: frozenset[str] = frozenset()  # steps with a registration under way
        self.total_steps = 0

    def __iter__(self) -> Iterator[Question]:
        return iter(self._questions)

    def add(self, *questions: Question, after: str | None = None) -> None:
        """Declare ``questions`` at the end, or right after the step ``after``."""
        for question in questions:
            if question.step in self.by_step:
                raise ValueError(f"step {question.step!r} is declared twice")
        at = len(self._questions)
        if after is not None:
            at = [q.step for q in self._questions].index(after) + 1
        self._questions[at:at] = questions
        self._derive()

    def remove(self, *steps: str) -> None:
        """Take questions out again (a test's extra question)."""
        self._questions = [q for q in self._questions if q.step not in steps]
        self._derive()

    def _derive(self) -> None:
        questions = self._questions
        self.by_step = {q.step: q for q in questions}
        self.in_turn_after = {}
        for i, question in enumerate(questions):
            later = next((q.step for q in questions[i + 1 :] if q.in_turn), None)
            if later is not None:
                self.in_turn_after[question.step] = later
        asking = [(q.field, q.step) for q in questions if q.field is not None]
        self.fields = tuple(f for f, _ in asking)
        self.field_by_name = {f.name: f for f in self.fields}
        self.field_step = {f.name: step for f, step in asking}
        self.correctable = tuple(f.name for f in self.fields if f.correctable)
        self.field_words = {word: f.name for f in self.fields if f.correctable for word in f.words}
        self.columns = (*(f.column for f in self.fields if f.column), "name_search")
        self.in_progress = frozenset(str(q.step) for q in questions if in_progress(q.step))
        self.total_steps = max((q.number or 0 for q in questions), default=0)

    def next_step(self, conv: Conversation) -> str:
        """Where an answer to the pending question leads (not during a correction)."""
        question = self.by_step[conv.step]
        if question.next is not None:
            return question.next(conv)
        return self.in_turn_after[conv.step]


REGISTRY = Registry()


def question(conv: Conversation, ctx: Context, *, short: bool = False) -> Reply:
    """The pending question of ``conv``, with its progress line and buttons.

    ``short``: asked again (after a wrong answer, a command, a pause): the long welcome is not
    repeated, only its question.
    """
    if conv.offer:
        return offer_reply(conv)
    declared = REGISTRY.by_step[conv.step]
    ask = (declared.ask_again or declared.ask) if short else declared.ask
    built = ask(conv, ctx)
    if declared.number is None:
        return built
    return built.after(
        Msg(
            N_("<i>Langkah {number} dari {total}</i>"),
            {"number": declared.number, "total": REGISTRY.total_steps},
        )
    )


def pending_buttons(conv: Conversation, ctx: Context) -> tuple[Button, ...]:
    """The buttons of the pending question (to read a tap or a typed label against); where they
    never change, without building the question's text (the summary's is the costliest)."""
    if conv.offer:
        return offer_reply(conv).all_buttons
    declared = REGISTRY.by_step[conv.step]
    if declared.buttons is None:
        return declared.ask(conv, ctx).all_buttons
    return tuple(button for row in declared.buttons for button in row)


def column_values(answers: Answers) -> dict[str, Any]:
    """The submissions table's searchable columns for these answers (the one storage mapping)."""
    values: dict[str, Any] = {}
    for f in REGISTRY.fields:
        if f.column is None:
            continue
        value = f.value(answers)
        if f.kind is Kind.OCCUPATION:
            value = answers.occupation_words
        elif isinstance(value, date):
            value = value.isoformat()
        elif isinstance(value, bool):
            value = int(value)
        elif isinstance(value, StrEnum):
            value = str(value)
        values[f.column] = value if value is not None else ""
    # Names are searched without regard to case (/cari).
    values["name_search"] = (answers.name or "").casefold()
    return values
