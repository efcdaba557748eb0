"""What the officer desk's pure step asks of the runner (bot/officers/desk.py).

- Needs: look-ups and writes whose answer the step uses, one frozen dataclass each, typed by
  that answer (``ctx.fact(PendingCount())`` is an ``int``). The runner answers them inside the
  officer's one transaction and steps again.
- Effects: writes that answer nothing (an audit row, a notice to a worker, a new event, an
  officer saved), applied by the runner in the same transaction, in order, after the last step.
- Pictures, the export and the roster jobs: long work, done by the runner after the
  transaction has committed (a roster job in units of work of its own, a chunk at a time).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Union

from bot.domain import (
    AuditTrail,
    CardNotes,
    Decision,
    DecisionResult,
    EventDraft,
    EventInfo,
    EventSummary,
    ExportFilter,
    Officer,
    Payer,
    Sponsor,
    Statistics,
    Submission,
)
from bot.flow.needs import Need
from bot.messages import Reply
from bot.poster import PosterInfo
from bot.rosters import RosterDraft, RosterFile, RosterSummary, RowReport, SlipRow
from bot.web_desk import SponsorAccess

# --- look-ups ------------------------------------------------------------------------------


@dataclass(frozen=True)
class QueuePage(Need[list[Submission]]):
    """Pending submissions of the officer's branches, oldest first."""

    limit: int
    offset: int


@dataclass(frozen=True)
class PendingCount(Need[int]):
    """How many submissions of the officer's branches wait for a decision."""


@dataclass(frozen=True)
class SubmissionOf(Need[Submission | None]):
    """One submission of the officer's branches (None: not found, or another branch's)."""

    reference: str


@dataclass(frozen=True)
class CardNotesOf(Need[CardNotes]):
    """What the card must say besides the answers (erasure requested, notices undelivered)."""

    reference: str


@dataclass(frozen=True)
class EventOf(Need[EventInfo | None]):
    """The event a submission came through (any branch's: the card names it)."""

    code: str


@dataclass(frozen=True)
class OwnEvent(Need[EventInfo | None]):
    """An event of the officer's branches."""

    code: str


@dataclass(frozen=True)
class SponsorOf(Need[Sponsor | None]):
    """A sponsor by id."""

    sponsor_id: int


@dataclass(frozen=True)
class OfficerOf(Need[Officer | None]):
    """An officer by user id (to name who decided)."""

    user_id: str


@dataclass(frozen=True)
class Search(Need[list[Submission]]):
    """Submissions by NIK, phone or name ('nik' | 'phone' | 'name')."""

    kind: str
    value: str
    limit: int


@dataclass(frozen=True)
class AuditOf(Need[AuditTrail]):
    """A submission's newest audit entries and their total."""

    reference: str
    limit: int


@dataclass(frozen=True)
class Sponsors(Need[list[Sponsor]]):
    """The sponsors of the officer's branches, newest first."""


@dataclass(frozen=True)
class SponsorReport(Need[list[tuple[Sponsor, list[tuple[int, str, int]]]]]):
    """Each sponsor of the officer's branches with its approved workers by income and occupation:
    (income, occupation, count), since the sponsored JKK depends on each worker's income level and
    the PP 50/2025 relief on their sector."""


@dataclass(frozen=True)
class Events(Need[list[EventSummary]]):
    """The officer's branches' events, newest first, with their counts."""

    limit: int


@dataclass(frozen=True)
class StatisticsOf(Need[Statistics]):
    """/statistik's counts for the officer's branches (and one event)."""

    event_code: str | None


@dataclass(frozen=True)
class Officers(Need[list[Officer]]):
    """Every officer."""


@dataclass(frozen=True)
class Rosters(Need[list[RosterSummary]]):
    """The officer's branches' rosters with their counts."""

    limit: int


@dataclass(frozen=True)
class RosterRowsOf(Need[list[RowReport]]):
    """A roster's rows with their states (its per-row report)."""

    roster_id: int


@dataclass(frozen=True)
class RosterSlips(Need[list[SlipRow]]):
    """A roster's rows to print slips for."""

    roster_id: int


@dataclass(frozen=True)
class InvitableCount(Need[int]):
    """How many rows of a roster WhatsApp may invite now."""

    roster_id: int


# --- writes that answer something ----------------------------------------------------------


@dataclass(frozen=True)
class Order:
    """A decision on one submission."""

    reference: str
    decision: Decision


@dataclass(frozen=True)
class Existing(Need[frozenset[str]]):
    """Which of these references (upper case) exist in the officer's scope: one look for a
    whole import, so a file of 100,000 rows costs a few statements, not one per row."""

    references: tuple[str, ...]


@dataclass(frozen=True)
class Decide(Need[tuple[DecisionResult, ...]]):
    """Apply decisions, in order; each applies only to a submission still waiting for one."""

    orders: tuple[Order, ...]


@dataclass(frozen=True)
class CreateSponsor(Need[int]):
    """Store a sponsor; its new id."""

    sponsor: Sponsor


@dataclass(frozen=True)
class SetSponsorPayer(Need[bool]):
    """Change a sponsor's payer type (and the copy its workers' answers carry); False if the
    sponsor is not in the officer's branches."""

    sponsor_id: int
    payer: Payer
    level: str  # the type's key (bot/payers.py), kept in sponsors.level


@dataclass(frozen=True)
class CloseEvent(Need[bool]):
    """Close an open event of the officer's branches; False if there is none."""

    code: str


@dataclass(frozen=True)
class RemoveOfficer(Need[bool]):
    """Remove an officer (and their dialog); False if there was none."""

    user_id: str


@dataclass(frozen=True)
class WebLink(Need[str]):
    """A new one-time sign-in link's secret for the acting officer (its hash is stored, valid
    a few minutes, for the officer's language)."""

    lang: str


@dataclass(frozen=True)
class SponsorAccesses(Need[list[SponsorAccess]]):
    """The open accesses to the sponsors of the officer's branches."""


@dataclass(frozen=True)
class GrantAccess(Need[int | None]):
    """Let a named person see a sponsor of the officer's branches; the access id (None: no
    such sponsor in the officer's branches)."""

    sponsor_id: int
    user_id: str
    name: str


@dataclass(frozen=True)
class RevokeAccess(Need[SponsorAccess | None]):
    """Revoke an access to a sponsor of the officer's branches, ending its web sessions at
    once; the access (None: none such)."""

    access_id: int


@dataclass(frozen=True)
class SetNikAgreement(Need[bool]):
    """Record the agreement allowing a sponsor's full NIKs (None: withdraw it); False if the
    sponsor is not in the officer's branches."""

    sponsor_id: int
    reference: str | None


# --- effects ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Audit:
    """An audit row by the acting officer."""

    action: str
    reference: str | None
    detail: str


@dataclass(frozen=True)
class Notify:
    """A message to a worker, through the outbox."""

    channel: str
    user_id: str
    reply: Reply
    reference: str


@dataclass(frozen=True)
class CreateEvent:
    """Store an event."""

    draft: EventDraft


@dataclass(frozen=True)
class SaveOfficer:
    """Add an officer or change their role and branches."""

    officer: Officer


@dataclass(frozen=True)
class EndWebSessions:
    """End every web desk session of the acting officer."""


@dataclass(frozen=True)
class EraseRejected:
    """Anonymise a rejected submission whose worker asked for erasure while it was pending, as
    /hapusdata does; its rejection notice, queued before, is still delivered (then deleted)."""

    reference: str


Effect = Union[Audit, Notify, CreateEvent, SaveOfficer, EndWebSessions, EraseRejected]  # noqa: UP007

# --- after the transaction ------------------------------------------------------------------


@dataclass(frozen=True)
class QrPicture:
    """A QR code of ``url``."""

    filename: str
    url: str


@dataclass(frozen=True)
class PosterPicture:
    """An event's printable A4 poster (a document, not a photo)."""

    filename: str
    info: PosterInfo


@dataclass(frozen=True)
class FunnelPicture:
    """The /statistik funnel chart; ``bases`` gives each step's denominator (None: no %)."""

    filename: str
    steps: tuple[tuple[str, int], ...]
    bases: tuple[int | None, ...]
    lang: str


@dataclass(frozen=True)
class RosterStates:
    """A roster's per-row report of its invitations (XLSX, NIKs and phones masked)."""

    filename: str
    rows: tuple[RowReport, ...]
    lang: str


@dataclass(frozen=True)
class SlipSheet:
    """A roster's printable invitation slips (PDF, 8 to an A4 page)."""

    filename: str
    slips: tuple[SlipRow, ...]
    bot_username: str
    whatsapp_number: str  # '' when WhatsApp is not set up: no WhatsApp QR code


Picture = Union[QrPicture, PosterPicture, FunnelPicture, RosterStates, SlipSheet]  # noqa: UP007


@dataclass(frozen=True)
class ExportJob:
    """An /ekspor file to build in a worker process."""

    branches: tuple[str, ...] | None
    chosen: ExportFilter
    fmt: str
    filename: str
    on: date  # the day (WIB) the amounts in it are for


@dataclass(frozen=True)
class RosterImportJob:
    """A roster file to check and store a chunk at a time, each chunk in its own unit of work
    (bot/officers/roster_jobs.py), once the dialog's transaction has closed it."""

    draft: RosterDraft
    sponsor: Sponsor  # as read when the file came: its places left hold over every chunk
    file: RosterFile  # its lines a stream, read once
    filename: str  # as shown in the answer
    report_name: str
    lang: str
    today: date  # WIB
    by: str  # the importing officer
    scope: tuple[str, ...] | None  # their branches (None: all)
    now: datetime  # the file's update: the rows' times


@dataclass(frozen=True)
class RosterInviteJob:
    """A roster's WhatsApp invitations to queue a chunk at a time, each chunk in its own unit of
    work, once the officer confirmed (role and branch checked in the confirmation's
    transaction)."""

    roster_id: int
    daily: int  # the messaging limit: invitations a day (0: unlimited)
    by: str
    scope: tuple[str, ...] | None
    now: datetime  # the confirmation's update: the first day's invitations are due then


RosterJob = Union[RosterImportJob, RosterInviteJob]  # noqa: UP007
