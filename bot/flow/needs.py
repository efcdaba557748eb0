"""What a pure step asks of the runner (bot/runner.py): Needs it must have answered before it can
go on, and Effects it leaves to be written. Shared by both cores: the worker flow's are here, the
officer desk's in bot/officers/needs.py.

- A **Need** is a look-up, or a write whose answer the step uses (a new submission's reference):
  one small frozen dataclass, typed by its answer (``ctx.fact(NikHolder(nik))`` is a
  ``str | None``), whose ``answer`` names the session call that answers it. The runner answers
  it in the update's unit of work and steps again; the answer is kept under ``need.key``, so a
  step that asks again gets the same answer without a second call.
- An **Effect** is a write whose answer no step uses (an event's counter): its ``apply`` names
  the session call; the runner applies the outcome's effects in order after the last step, in
  the same unit of work, before the state is saved.

So the runner has one way to answer anything (``await need.answer(session, ctx)``) and one way to
write (``await effect.apply(session, ctx)``); nothing matches on need types.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Generic, Protocol, TypeVar

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


class Need(ABC, Generic[T]):
    """A look-up or write answered by the runner with a ``T``."""

    @property
    def key(self) -> Hashable:
        """Where the answer is kept: the need itself (each is a frozen, hashable dataclass)."""
        return self

    @abstractmethod
    async def answer(self, session: Any, ctx: Any) -> T:
        """The answer, from the unit of work's ``session``; ``ctx`` is the step's context (the
        time, the acting officer). Each need types both as the ones it is answered with."""


class Effect(ABC):
    """A write no step reads back, applied after the last step in the same unit of work."""

    @abstractmethod
    async def apply(self, session: Any, ctx: Any) -> None:
        """Write it through ``session``; ``ctx`` is the step's context (as for Need.answer)."""


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


class Moment(Protocol):
    """What a worker's need is answered with besides the session: the step's time."""

    @property
    def now(self) -> datetime: ...


class EventSource(Protocol):
    """Where an event is looked up: the worker's session and the officer's both."""

    async def event(self, code: str) -> EventInfo | None:
        """An event of any branch, by its link code."""
        ...


class WorkerCalls(EventSource, Protocol):
    """The calls that answer a worker's Needs and apply its Effects: the part of the worker's
    session (bot/ports.py WorkerSession) the flow's steps reach."""

    async def nik_holder(self, nik: str) -> str | None:
        """The reference of an active submission with this NIK, if any."""
        ...

    async def submit(self, draft: SubmissionDraft, now: datetime) -> SubmitResult: ...

    async def my_submissions(self) -> list[SubmissionView]: ...

    async def fix_target(self, reference: str) -> FixTarget | None: ...

    async def erase(self, now: datetime) -> Erasure:
        """Forget this worker (/hapusdata); afterwards the session's ``erased`` is True and the
        runner saves no state for them."""
        ...

    async def count(self, event_code: str, kind: str, now: datetime) -> None:
        """Count a link opening or a consent for an event (no personal data)."""
        ...

    async def sponsor_for(
        self, event_code: str | None, home_code: str, occupation: str, now: datetime
    ) -> Sponsor | None: ...

    async def set_reminder(self, reference: str | None, on: bool, now: datetime) -> bool:
        """Monthly payment reminders on or off for an approved registration (None: all)."""
        ...

    async def open_invitation(
        self, code: str, now: datetime, tries: int, pause_minutes: int
    ) -> InvitationLookup:
        """A personal code's invitation (marked opened); a code not found counts against this
        sender, who is paused for ``pause_minutes`` after ``tries`` wrong ones."""
        ...

    async def match_invitation(self, code: str, nik: str, now: datetime) -> InvitationMatch:
        """Compare a typed NIK with the code's row; three wrong ones lock the code."""
        ...

    async def invited_number(self, phone: str, now: datetime) -> str | None:
        """The personal code of the open roster row whose WhatsApp invitation went to this
        number (the newest, if several), else None."""
        ...

    async def decline_invitation(self, code: str, now: datetime) -> bool:
        """Delete the row's personal data and block its number (a keyed hash)."""
        ...


# --- shared by both cores ---------------------------------------------------------------------


@dataclass(frozen=True)
class EventOf(Need[EventInfo | None]):
    """The event of a link code, of any branch: the one a worker's link names, or the one a
    submission on an officer's card came through."""

    code: str

    async def answer(self, session: EventSource, ctx: Any) -> EventInfo | None:
        return await session.event(self.code)


# --- the worker flow's ------------------------------------------------------------------------


@dataclass(frozen=True)
class NikHolder(Need[str | None]):
    """The reference of an active submission with this NIK, if any."""

    nik: str

    async def answer(self, session: WorkerCalls, ctx: Moment) -> str | None:
        return await session.nik_holder(self.nik)


@dataclass(frozen=True, eq=False)
class Submit(Need[SubmitResult]):
    """Store the draft as a submission (or the corrected one). One per update."""

    draft: SubmissionDraft

    @property
    def key(self) -> Hashable:
        return Submit

    async def answer(self, session: WorkerCalls, ctx: Moment) -> SubmitResult:
        return await session.submit(self.draft, ctx.now)


@dataclass(frozen=True)
class MySubmissions(Need[list[SubmissionView]]):
    """This worker's submissions, newest first."""

    async def answer(self, session: WorkerCalls, ctx: Moment) -> list[SubmissionView]:
        return await session.my_submissions()


@dataclass(frozen=True)
class FixTargetOf(Need[FixTarget | None]):
    """This worker's submission ``reference`` if it is waiting for their correction."""

    reference: str

    async def answer(self, session: WorkerCalls, ctx: Moment) -> FixTarget | None:
        return await session.fix_target(self.reference)


@dataclass(frozen=True)
class Erase(Need[Erasure]):
    """Forget the draft; handle the submissions' erasure as far as BPJS may let them."""

    async def answer(self, session: WorkerCalls, ctx: Moment) -> Erasure:
        return await session.erase(ctx.now)


@dataclass(frozen=True)
class SponsorFor(Need[Sponsor | None]):
    """Who pays JKK + JKM for a worker of this home and occupation (through this event), if any."""

    event_code: str | None
    home_code: str
    occupation: str

    async def answer(self, session: WorkerCalls, ctx: Moment) -> Sponsor | None:
        return await session.sponsor_for(self.event_code, self.home_code, self.occupation, ctx.now)


@dataclass(frozen=True)
class SetReminder(Need[bool]):
    """Turn the monthly payment reminder of this worker's approved ``reference`` on or off
    (``reference`` None: every one of theirs); True when something changed."""

    reference: str | None
    on: bool

    async def answer(self, session: WorkerCalls, ctx: Moment) -> bool:
        return await session.set_reminder(self.reference, self.on, ctx.now)


@dataclass(frozen=True)
class OpenInvitation(Need[InvitationLookup]):
    """A personal code typed or linked: its invitation (marked opened), or a wrong try counted
    against this sender (paused for ``pause_minutes`` after ``tries``)."""

    code: str
    tries: int
    pause_minutes: int

    async def answer(self, session: WorkerCalls, ctx: Moment) -> InvitationLookup:
        return await session.open_invitation(self.code, ctx.now, self.tries, self.pause_minutes)


@dataclass(frozen=True)
class InvitedNumber(Need[str | None]):
    """The code of the invitation sent on WhatsApp to the number writing, if one is open: a
    worker who answers the invitation in words instead of tapping its button."""

    phone: str

    async def answer(self, session: WorkerCalls, ctx: Moment) -> str | None:
        return await session.invited_number(self.phone, ctx.now)


@dataclass(frozen=True)
class MatchInvitation(Need[InvitationMatch]):
    """The NIK typed against an invitation's row: a wrong one counts, three lock the code."""

    code: str
    nik: str

    async def answer(self, session: WorkerCalls, ctx: Moment) -> InvitationMatch:
        return await session.match_invitation(self.code, self.nik, ctx.now)


@dataclass(frozen=True)
class DeclineInvitation(Need[bool]):
    """The worker declined: the row's personal data goes at once, its number is never invited
    again."""

    code: str

    async def answer(self, session: WorkerCalls, ctx: Moment) -> bool:
        return await session.decline_invitation(self.code, ctx.now)


@dataclass(frozen=True)
class Count(Effect):
    """Count a link opening ("opened") or a consent ("consented") for an event."""

    event_code: str
    kind: str

    async def apply(self, session: WorkerCalls, ctx: Moment) -> None:
        await session.count(self.event_code, self.kind, ctx.now)
