"""What a pure step may ask the runner to look up or write before it can answer (a Need).

One small frozen dataclass per need, typed by its answer: ``ctx.fact(NikHolder(nik))`` is a
``str | None``. The runner (bot/service.py) answers it from storage and steps again; the answer
is kept under ``need.key`` so a step that asks again gets the same answer without a second call.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Generic, TypeVar

from bot.clock import today_wib
from bot.domain import (
    Erasure,
    EventInfo,
    FixTarget,
    Sponsor,
    SubmissionDraft,
    SubmissionView,
    SubmitResult,
)
from bot.rosters import InvitationLookup, InvitationMatch

T = TypeVar("T")


class Need(Generic[T]):
    """A look-up or write answered by the runner with a ``T``."""

    @property
    def key(self) -> Hashable:
        """Where the answer is kept: the need itself (each is a frozen, hashable dataclass)."""
        return self


class MissingFact(Exception):
    """Raised inside a step when it needs an answer it does not have yet (see Context.fact)."""

    def __init__(self, need: Need[Any]) -> None:
        super().__init__(repr(need))
        self.need = need


class Facts:
    """What a step's context offers both cores (worker flow and officer desk): the day, and the
    answers the runner fetched so far. The context provides ``now`` and ``facts``."""

    now: datetime
    facts: Mapping[Hashable, Any]

    @property
    def today(self) -> date:
        """Today's date in Indonesia (WIB), which decides ages, years and rates."""
        return today_wib(self.now)

    def fact(self, need: Need[T]) -> T:
        """The answer to ``need``; when missing, stop stepping so the runner can fetch it."""
        if need.key not in self.facts:
            raise MissingFact(need)
        answer: T = self.facts[need.key]
        return answer


@dataclass(frozen=True)
class NikHolder(Need[str | None]):
    """The reference of an active submission with this NIK, if any."""

    nik: str


@dataclass(frozen=True, eq=False)
class Submit(Need[SubmitResult]):
    """Store the draft as a submission (or the corrected one). One per update."""

    draft: SubmissionDraft

    @property
    def key(self) -> Hashable:
        return Submit


@dataclass(frozen=True)
class MySubmissions(Need[list[SubmissionView]]):
    """This worker's submissions, newest first."""


@dataclass(frozen=True)
class FixTargetOf(Need[FixTarget | None]):
    """This worker's submission ``reference`` if it is waiting for their correction."""

    reference: str


@dataclass(frozen=True)
class EventOf(Need[EventInfo | None]):
    """The outreach event of a link code."""

    code: str


@dataclass(frozen=True)
class Erase(Need[Erasure]):
    """Forget the draft; handle the submissions' erasure as far as BPJS may let them."""


@dataclass(frozen=True)
class SponsorFor(Need[Sponsor | None]):
    """Who pays JKK + JKM for a worker of this home and occupation (through this event), if any."""

    event_code: str | None
    home_code: str
    occupation: str


@dataclass(frozen=True)
class SetReminder(Need[bool]):
    """Turn the monthly payment reminder of this worker's approved ``reference`` on or off
    (``reference`` None: every one of theirs); True when something changed."""

    reference: str | None
    on: bool


@dataclass(frozen=True)
class OpenInvitation(Need[InvitationLookup]):
    """A personal code typed or linked: its invitation (marked opened), or a wrong try counted
    against this sender (paused for ``pause_minutes`` after ``tries``)."""

    code: str
    tries: int
    pause_minutes: int


@dataclass(frozen=True)
class MatchInvitation(Need[InvitationMatch]):
    """The NIK typed against an invitation's row: a wrong one counts, three lock the code."""

    code: str
    nik: str


@dataclass(frozen=True)
class DeclineInvitation(Need[bool]):
    """The worker declined: the row's personal data goes at once, its number is never invited
    again."""

    code: str
