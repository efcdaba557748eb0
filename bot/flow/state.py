"""Conversation state: the pending step and the answers so far, stored as JSON per worker."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from bot.fields import Answers, shallow_copy


class Step(StrEnum):
    """The names of the steps the code refers to: each is declared, with its question, in
    bot/flow/questions/. Stored as text, so never renamed; a conversation's step is one of these
    or the step of a question declared without a name here."""

    IDLE = "idle"  # nothing in progress
    CONSENT = "consent"
    NIK = "nik"
    NIK_CONFIRM = "nik_confirm"
    BIRTH_DATE = "birth_date"
    SEX = "sex"
    NAME = "name"
    BIRTH_PLACE = "birth_place"
    PHONE = "phone"
    HOME_CONFIRM = "home_confirm"
    HOME = "home"
    ADDRESS = "address"
    OCCUPATION = "occupation"
    OCCUPATION_OTHER = "occupation_other"
    OCCUPATION_CONFIRM = "occupation_confirm"  # typed work not in the list: "Lainnya" with a tap
    SECTOR = "sector"  # carries people or goods? (only while it changes the amount)
    INCOME = "income"
    INCOME_CONFIRM = "income_confirm"  # a day's or week's income as a month's, with a tap
    JHT = "jht"
    SUMMARY = "summary"
    EDIT_PICK = "edit_pick"
    CONFIRM_CANCEL = "confirm_cancel"
    DONE = "done"
    # An invitation of a sponsor's roster (bot/flow/questions/invitation.py)
    INVITE_CONSENT = "invite_consent"
    INVITE_NIK = "invite_nik"
    INVITE_CONFIRM = "invite_confirm"
    INVITE_FIX = "invite_fix"


NAMED = {str(step): step for step in Step}


def named_step(stored: str) -> str:
    """A stored step as its Step member (the code compares them with ``is``), if it has one."""
    return NAMED.get(stored, stored)


# The steps with no registration under way; at every other one (a question declared later
# too) a /batal has something to throw away.
AT_REST = frozenset({Step.IDLE, Step.DONE, Step.CONFIRM_CANCEL})


def in_progress(step: str) -> bool:
    """A registration is under way at ``step``."""
    return step not in AT_REST


@dataclass
class Conversation:
    """Everything the flow knows about one worker's chat. Only ``answers`` holds personal data."""

    step: str = Step.IDLE
    answers: Answers = field(default_factory=Answers)
    event_code: str | None = None
    consent_at: str | None = None  # ISO time in UTC
    consent_version: str | None = None
    lang: str | None = None  # chosen with /bahasa; None means the channel's language
    tries: int = 0  # wrong answers in a row at the current step
    return_to_summary: bool = False  # answering one field picked from the summary
    resume_step: str | None = None  # where /batal's "No" goes back to
    fix_reference: str | None = None  # correcting this submission
    fix_fields: list[str] = field(default_factory=list)  # fields still to ask in a correction
    home_candidates: list[str] = field(default_factory=list)  # region codes offered as buttons
    home_place: str | None = None  # the kecamatan or town that led to home_candidates
    pending_work: str | None = None  # typed occupation waiting for its "Lainnya" tap
    pending_income: int | None = None  # typed amount per pending_period, waiting for a tap
    pending_period: str | None = None  # bot.income.Period: "day" or "week"
    reference: str | None = None  # the last submission made from this chat
    phone_typed: bool = False  # asked to type a number other than the channel's own
    offer: list[list[str]] = field(default_factory=list)  # bot.flow.offers: readings to tap
    erase_token: str | None = None  # binds /hapusdata's "Ya" button to the request it answers
    updated_at: str | None = None  # ISO time in UTC of the last update
    invite_code: str | None = None  # the personal code of a roster's invitation being used
    invite_sponsor: str | None = None  # its sponsor's name (shown before the NIK matches)

    def to_json(self) -> str:
        """Serialise for storage (from the instance's own dict: dataclasses.asdict deep-copies,
        which showed up as a tenth of an update's CPU time in benchmarks/run.py)."""
        data = dict(vars(self))
        data["answers"] = self.answers.to_data()
        return json.dumps(data, ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Conversation:
        """Load from storage, ignoring keys a newer release may have added."""
        data = json.loads(text)
        known = {name: data[name] for name in cls.__dataclass_fields__ if name in data}
        conv = cls(**known)
        conv.answers = Answers.from_data(data.get("answers") or {})
        conv.step = named_step(conv.step)
        if conv.resume_step is not None:
            conv.resume_step = named_step(conv.resume_step)
        return conv

    def copy(self) -> Conversation:
        """A deep-enough copy: the flow never mutates the caller's conversation. (A shallow copy
        and new lists: dataclasses.replace runs __init__ again, a measurable cost per update.)"""
        twin = shallow_copy(self)
        twin.answers = self.answers.copy()
        twin.fix_fields = list(self.fix_fields)
        twin.home_candidates = list(self.home_candidates)
        twin.offer = list(self.offer)
        return twin

    def touched(self, now: datetime) -> Conversation:
        """Record the time of this update."""
        self.updated_at = now.isoformat()
        return self
