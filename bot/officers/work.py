"""What the officer desk's step asks for after its transaction has committed: pictures to draw
(sent with its last reply) and an export to build. Long work, done where I/O lives
(handlers/desk_io.py), off the event loop and holding up no other update."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Union

from bot.domain import BranchScope, ExportFilter
from bot.poster import PosterInfo
from bot.rosters import Checked, RowReport, SlipRow


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
class RosterReport:
    """A roster import's per-row report (XLSX, NIKs and phones masked)."""

    filename: str
    checked: tuple[Checked, ...]
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


Picture = Union[QrPicture, PosterPicture, FunnelPicture, RosterReport, RosterStates, SlipSheet]  # noqa: UP007


@dataclass(frozen=True)
class ExportJob:
    """An /ekspor file to build in a worker process."""

    branches: BranchScope  # None: every branch; empty: none
    chosen: ExportFilter
    fmt: str
    filename: str
    on: date  # the day (WIB) the amounts in it are for
