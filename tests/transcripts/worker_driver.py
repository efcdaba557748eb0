"""Drives the worker flow's pure core for transcripts: a fixed clock, an in-memory world.

Each input is stepped with bot.flow.engine.step through the runner (bot/runner.py), its Needs
answered and its Effects applied by this driver, a small fake of the worker's storage session (no
database), and a tapped choice echoed at the top of the next message
as the dispatcher does (bot.dispatch.echo_choice). Notes show what else happened: a submission
stored (with its branch and flags), an event counter, a short notice on a tapped button.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.branches import load_branches
from bot.clock import WIB, as_utc
from bot.dispatch import echo_choice
from bot.domain import (
    Erasure,
    EventInfo,
    FixTarget,
    Status,
    SubmissionDraft,
    SubmissionView,
    SubmitResult,
)
from bot.fields import Answers
from bot.flow.context import Context, FlowConfig
from bot.flow.engine import step
from bot.flow.state import Conversation
from bot.render import PLAIN, render_msg
from bot.runner import run
from bot.service import MAX_NEEDS
from tests.transcripts.runner import Sent, SentFile, Turn

CONFIG = FlowConfig(branches=load_branches())
START = as_utc(datetime(2026, 11, 23, 10, 0, tzinfo=WIB))  # a Monday


def options(words: list[str]) -> dict[str, str]:
    """'key=value' words."""
    return dict(word.partition("=")[::2] for word in words)


@dataclass
class Stored:
    """A submission the fake keeps."""

    reference: str
    answers: Answers
    status: Status
    note: str = ""
    fields: tuple[str, ...] = ()


@dataclass
class WorkerDriver:
    """One worker's chat against the pure flow."""

    now: datetime = START
    conv: Conversation = field(default_factory=Conversation)
    events: dict[str, EventInfo] = field(default_factory=dict)
    taken_niks: set[str] = field(default_factory=set)
    submissions: dict[str, Stored] = field(default_factory=dict)
    counter: int = 0
    notes: list[str] = field(default_factory=list)  # what else happened in this turn

    async def setup(self, directive: str) -> None:
        words = shlex.split(directive)
        what, rest = words[0], words[1:]
        if what == "now":
            self.now = as_utc(datetime.fromisoformat(" ".join(rest)).replace(tzinfo=WIB))
        elif what == "later":
            amount = rest[0]
            unit = {"m": "minutes", "h": "hours", "d": "days"}[amount[-1]]
            self.now += timedelta(**{unit: int(amount[:-1])})
        elif what == "event":
            opts = options(rest[1:])
            self.events[rest[0]] = EventInfo(
                rest[0], opts.get("name", rest[0]), "closed" not in opts
            )
        elif what == "nik-taken":
            self.taken_niks.add(rest[0])
        elif what == "correction":
            # The worker's last submission now waits for a correction of these fields.
            opts = options(rest)
            stored = self.submissions[self.conv.reference or ""]
            stored.status = Status.NEEDS_FIX
            stored.fields = tuple(opts["fields"].split(","))
            stored.note = opts.get("note", "")
        elif what == "status":
            # An officer decided the worker's last submission: "@ status disetujui".
            stored = self.last()
            stored.status = Status(rest[0])
            stored.note = options(rest[1:]).get("note", "")
        else:
            raise ValueError(f"unknown set-up {what!r}")

    def last(self) -> Stored:
        """The worker's last submission."""
        return self.submissions.get(self.conv.reference or "") or [*self.submissions.values()][-1]

    # --- the worker session's calls the runner makes for the flow's Needs and Effects --------

    async def nik_holder(self, nik: str) -> str | None:
        return "BPU-2026-999999" if nik in self.taken_niks else None

    async def submit(self, draft: SubmissionDraft, now: datetime) -> SubmitResult:
        if draft.reference is not None:
            stored = self.submissions[draft.reference]
            stored.answers, stored.status = draft.answers.copy(), Status.SUBMITTED
            self.notes.append(f"diajukan ulang: {draft.reference}")
            return SubmitResult(draft.reference)
        self.counter += 1
        reference = f"BPU-2026-{self.counter:06d}"
        self.submissions[reference] = Stored(reference, draft.answers.copy(), Status.SUBMITTED)
        flags = ", ".join(str(f) for f in draft.flags) or "-"
        self.notes.append(
            f"tersimpan: {reference} · cabang {draft.branch} · iuran sendiri "
            f"{draft.monthly_self_paid} · acara {draft.event_code or '-'} · tanda {flags}"
        )
        return SubmitResult(reference)

    async def my_submissions(self) -> list[SubmissionView]:
        return [self.view(s) for s in reversed(self.submissions.values())]

    async def fix_target(self, reference: str) -> FixTarget | None:
        stored = self.submissions.get(reference)
        if stored is None or stored.status is not Status.NEEDS_FIX:
            return None
        return FixTarget(reference, stored.answers.copy(), stored.fields, stored.note)

    async def event(self, code: str) -> EventInfo | None:
        return self.events.get(code)

    async def sponsor_for(
        self, event_code: str | None, home_code: str, occupation: str, now: datetime
    ) -> None:
        return None

    async def erase(self, now: datetime) -> Erasure:
        return Erasure((), tuple(self.submissions))

    async def set_reminder(self, reference: str | None, on: bool, now: datetime) -> bool:
        approved = [s for s in self.submissions.values() if s.status is Status.APPROVED]
        if approved and (reference is None or reference == approved[-1].reference):
            self.notes.append(f"pengingat bayar: {'ya' if on else 'tidak'}")
            return True
        return False

    async def count(self, event_code: str, kind: str, now: datetime) -> None:
        self.notes.append(f"hitungan acara {event_code}: {kind}")

    def view(self, stored: Stored) -> SubmissionView:
        return SubmissionView(
            stored.reference,
            stored.status,
            stored.note or None,
            None,
            stored.fields,
            self.now,
            stored.answers,
        )

    async def send(self, sent: Sent) -> Turn:
        if isinstance(sent, SentFile):
            raise ValueError("workers send no files in these transcripts")
        self.notes = []
        ctx = Context(now=self.now, config=CONFIG)
        result = await run(step, self.conv, sent, ctx, self, limit=MAX_NEEDS)
        self.conv = result.conv.touched(self.now)
        notes = self.notes
        if result.toast is not None:
            notes.append(f"pemberitahuan di tombol: {render_msg(result.toast, 'id', PLAIN)}")
        return Turn(echo_choice(result.replies, result.ack), notes)
