"""What the officer desk's step asks for after its transaction has committed: pictures to draw
(sent with its last reply), an export to build, and a roster's import or invitations to run a
chunk at a time. Long work, done where I/O lives (handlers/desk_io.py, handlers/roster_jobs.py),
off the event loop and holding up no other update."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Union

from bot.domain import BranchScope, ExportFilter, Sponsor
from bot.poster import PosterInfo
from bot.rosters import RosterDraft, RosterFile, RowReport, SlipRow


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

    branches: BranchScope  # None: every branch; empty: none
    chosen: ExportFilter
    fmt: str
    filename: str
    on: date  # the day (WIB) the amounts in it are for


@dataclass(frozen=True)
class RosterImportJob:
    """A roster file to check and store a chunk at a time, each chunk in its own unit of work
    (handlers/roster_jobs.py), once the dialog's transaction has closed it."""

    draft: RosterDraft
    sponsor: Sponsor  # as read when the file came: its places left hold over every chunk
    file: RosterFile  # its lines a stream, read once
    filename: str  # as shown in the answer
    report_name: str
    lang: str
    today: date  # WIB
    by: str  # the importing officer
    scope: BranchScope  # their branches
    now: datetime  # the file's update: the rows' times


@dataclass(frozen=True)
class RosterInviteJob:
    """A roster's WhatsApp invitations to queue a chunk at a time, each chunk in its own unit of
    work, once the officer confirmed (role and branch checked in the confirmation's
    transaction)."""

    roster_id: int
    daily: int  # the messaging limit: invitations a day (0: unlimited)
    by: str
    scope: BranchScope
    now: datetime  # the confirmation's update: the first day's invitations are due then


RosterJob = Union[RosterImportJob, RosterInviteJob]  # noqa: UP007
