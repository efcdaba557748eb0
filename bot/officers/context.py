"""What the officer desk's step is given besides its state, and what it gives back."""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.branches import BranchRow
from bot.decision_sheet import ImportProblem, ImportRow
from bot.domain import Officer
from bot.flow.events import Command, Press, Text
from bot.flow.needs import Effect, Facts
from bot.messages import Reply
from bot.officers.state import DeskState
from bot.officers.work import ExportJob, Picture, RosterJob
from bot.payment import PaymentChannel
from bot.rosters import RosterFile


@dataclass(frozen=True)
class Upload:
    """A spreadsheet an officer sent, already read (off the event loop, outside any
    transaction); ``for_import`` when its caption was /impor."""

    filename: str
    rows: tuple[ImportRow, ...]
    problems: tuple[ImportProblem, ...]
    for_import: bool = False
    roster: RosterFile | None = None  # opened as a roster (a /roster_impor file was awaited):
    # its lines a stream, read a chunk at a time after the transaction


# What the desk's step takes: a command (typed, or an 'off:' button naming one), a button, typed
# text, or an uploaded file.
DeskEvent = Command | Press | Text | Upload


@dataclass(frozen=True)
class DeskConfig:
    """The deployment's choices the desk depends on."""

    branches: Mapping[str, str] = field(default_factory=dict)  # region code → branch office
    branch_rows: tuple[BranchRow, ...] = ()  # the same table with each row's status and note
    default_branch: str = "Kantor Pusat"
    kpj_length: int = 11
    bot_username: str = "bpu_bot"
    whatsapp_number: str = ""  # WHATSAPP_DISPLAY_NUMBER: events get a wa.me link too when set
    payment_channels: tuple[PaymentChannel, ...] = ()  # named in approval notices
    web_desk_url: str = ""  # WEB_DESK_PUBLIC_URL when the web desk is on ("": off)
    roster_retention_days: int = 60  # ROSTER_RETENTION_DAYS
    messaging_limit: int = 250  # WHATSAPP_MESSAGING_LIMIT: invitations a day (0: unlimited)

    def branch_for(self, region_code: str) -> str:
        """The branch office serving a kabupaten/kota."""
        return self.branches.get(region_code, self.default_branch)

    @property
    def branch_names(self) -> frozenset[str]:
        """The branch names officers may be assigned to: the branch table's and the default."""
        return frozenset(self.branches.values()) | {self.default_branch}


@dataclass(frozen=True)
class DeskContext(Facts):
    """Who acts, when, in which language, and the answers to the step's Needs so far.

    ``nonce`` is a random word chosen once per update by the runner (event codes, unique file
    names): stepping again gives the same result, and transcripts can fix it.
    """

    now: datetime  # aware, UTC
    officer: Officer
    lang: str = "id"
    config: DeskConfig = field(default_factory=DeskConfig)
    facts: Mapping[Hashable, Any] = field(default_factory=dict)
    nonce: str = "0"


@dataclass
class DeskOutcome:
    """The new state, the replies, and what the runner does with and after the transaction."""

    state: DeskState
    replies: list[Reply] = field(default_factory=list)
    effects: list[Effect] = field(default_factory=list)
    pictures: list[Picture] = field(
        default_factory=list
    )  # drawn after commit, sent with the last reply
    export: ExportJob | None = None  # built after commit; its reply replaces ``replies``
    roster_job: RosterJob | None = None  # run after commit, a chunk per unit of work; its
    # replies follow ``replies``
    officers_changed: bool = False  # the runner's cache of officer ids is stale
    declined: bool = False  # typed text outside any dialog: the worker flow answers it
