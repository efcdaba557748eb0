"""Domain vocabulary shared by the flow, storage and officer tools."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TypeAlias

from bot.enums import BLOCKING_STATUSES, Flag, Payer, Role, Sex, Status
from bot.fields import Answers

__all__ = [
    "BLOCKING_STATUSES",
    "Flag",
    "Payer",
    "Role",
    "Sex",
    "Status",
]


@dataclass(frozen=True)
class SubmissionView:
    """What a worker sees of one of their submissions in /status."""

    reference: str
    status: Status
    note: str | None  # officer's correction note or rejection reason
    kpj: str | None
    fix_fields: tuple[str, ...]
    submitted_at: datetime
    answers: Answers | None = None  # for an approved one: what the worker pays (the guidance)
    decided_at: datetime | None = None  # an approval's time: membership starts that month


@dataclass(frozen=True)
class SubmitResult:
    """The outcome of storing a draft: its reference, or why it could not be stored."""

    reference: str | None
    duplicate_nik: bool = False
    quota_full: bool = False  # the sponsor's last place was taken meanwhile


@dataclass(frozen=True)
class FixTarget:
    """A submission waiting for the worker's correction."""

    reference: str
    answers: Answers
    fields: tuple[str, ...]
    note: str


# Officer commands: everyone else is told politely that they are for officers only.
OFFICER_COMMANDS = frozenset(
    {"antrean", "lihat", "setujui", "tolak", "perbaikan", "cari", "audit"}
    | {"masuk", "keluar", "akses_sponsor", "sponsor_nik"}
    | {"petugas", "petugas_tambah", "petugas_hapus", "cabang"}
    | {
        "acara_baru",
        "acara",
        "sponsor_baru",
        "sponsor",
        "sponsor_jenis",
        "statistik",
        "ekspor",
        "impor",
        "roster_impor",
        "roster",
        "roster_slip",
        "roster_undang",
    }
)


@dataclass(frozen=True)
class Submission:
    """A stored registration as officers see it (full data: mask before listing)."""

    reference: str
    channel: str
    user_id: str
    answers: Answers
    monthly_self_paid: int
    flags: tuple[Flag, ...]
    event_code: str | None
    status: Status
    note: str | None
    fix_fields: tuple[str, ...]
    kpj: str | None
    decided_by: str | None
    decided_at: datetime | None
    submitted_at: datetime
    branch: str = ""
    sponsor_id: int | None = None

    # What officers' lists show, read from the answers ("" once a submission is anonymised).

    @property
    def nik(self) -> str:
        return self.answers.nik or ""

    @property
    def name(self) -> str:
        return self.answers.name or ""

    @property
    def phone(self) -> str:
        return self.answers.phone or ""

    @property
    def home_code(self) -> str:
        return self.answers.home_code or ""


@dataclass(frozen=True)
class SubmissionDraft:
    """What is stored when a worker presses Kirim."""

    answers: Answers
    flags: tuple[Flag, ...]
    monthly_self_paid: int
    event_code: str | None
    consent_at: str | None
    consent_version: str | None
    reference: str | None  # set when resubmitting a correction
    branch: str  # the branch office that will review it
    sponsor_id: int | None = None  # takes a place in this sponsor's quota
    invite_code: str | None = None  # made on a roster's invitation (source "diundang")


@dataclass(frozen=True)
class Decision:
    """An officer's decision on a submission."""

    status: Status
    kpj: str | None = None
    note: str | None = None
    fix_fields: tuple[str, ...] = ()


@dataclass(frozen=True)
class DecisionResult:
    """Whether a decision was applied; when not, the submission as it stands (or None)."""

    applied: bool
    submission: Submission | None
    # A rejection applied to a submission whose worker had asked for erasure while it was
    # pending: it is anonymised in the same transaction, after its notice is queued.
    erase: bool = False


# Which branches' data a unit of work sees: None, every branch; a tuple, those branches only, so
# an empty one sees none. The one meaning of a scope, in the core (``Officer.scope``, the desk's
# checks) and in storage (storage/sql/scope.py, the exports).
BranchScope: TypeAlias = tuple[str, ...] | None


@dataclass(frozen=True)
class Officer:
    """A branch officer and the branches they were given (a petugas: exactly one; a supervisor or
    an admin: some, or none). What they see is ``scope``, the one place that says what a role
    given no branch sees."""

    user_id: str
    role: Role
    branches: tuple[str, ...] = ()
    name: str = ""  # their name on the channel (Telegram's first name), as last seen

    @property
    def shown(self) -> str:
        """How others see this officer: their name, or their user id until it is known."""
        return self.name or self.user_id

    @property
    def scope(self) -> BranchScope:
        """The branches this officer sees: the ones given. A supervisor or admin given none sees
        every branch (None); a petugas given none (an officers row changed by hand) sees none."""
        if self.branches or self.role is Role.PETUGAS:
            return self.branches
        return None


@dataclass(frozen=True)
class EventInfo:
    """An outreach event, as a worker arriving through its link sees it."""

    code: str
    name: str
    open: bool
    sponsor_id: int | None = None


@dataclass(frozen=True)
class Sponsor:
    """A budget that pays JKK + JKM for eligible workers, up to a quota."""

    id: int
    name: str
    payer: Payer
    level: str  # the payer type's key (bot/payers.py): kabupaten, provinsi, pusat, desa, ...
    start_day: date
    end_day: date
    quota: int
    regions: tuple[str, ...]
    occupations: tuple[str, ...]  # empty: any occupation
    whole_region: bool  # any resident of its regions, not only through its events
    branch: str
    taken: int = 0  # places held by active submissions
    nik_agreement: str | None = None  # the agreement allowing full NIKs (None: masked)

    def covers(self, home_code: str, occupation: str, on: date) -> bool:
        """Whether a worker with this home and occupation is eligible on this day."""
        return (
            self.start_day <= on <= self.end_day
            and home_code in self.regions
            and (not self.occupations or occupation in self.occupations)
        )

    @property
    def remaining(self) -> int:
        """Places left in the quota."""
        return max(self.quota - self.taken, 0)


@dataclass(frozen=True)
class EventDraft:
    """What /acara_baru gathered."""

    code: str
    name: str
    day: date
    region_code: str
    organiser: str
    sponsor_id: int | None
    branch: str


@dataclass(frozen=True)
class EventSummary:
    """One event in /acara, with its counts."""

    code: str
    name: str
    day: date
    region_code: str
    closed: bool
    opened: int
    consented: int
    submitted: int
    approved: int


@dataclass(frozen=True)
class ExportFilter:
    """Which submissions: all in scope, one event's, the sponsored ones, or a date range (WIB)."""

    event_code: str | None = None
    sponsored: bool = False
    start: date | None = None
    end: date | None = None  # inclusive


class StaleConversation(Exception):
    """A worker's state was saved by someone else (another process) after this update read it;
    nothing of this update was kept, and it is run again from the new state."""

    def __init__(self, channel: str, user_id: str) -> None:
        super().__init__(f"conversation {channel}:{user_id} changed meanwhile")
        self.channel = channel
        self.user_id = user_id


@dataclass(frozen=True)
class Erasure:
    """What a worker's request to erase their data did."""

    anonymised: tuple[str, ...]  # rejected submissions: nothing to keep, anonymised at once
    recorded: tuple[str, ...]  # pending or approved: recorded for BPJS to handle


@dataclass(frozen=True)
class CardNotes:
    """What an officer must know besides the answers: erasure requests, failed notifications."""

    erasure_requested_at: datetime | None
    undeliverable: int


@dataclass(frozen=True)
class AuditEntry:
    """One line of a submission's audit trail; ``actor_name`` is '' for an unknown name."""

    at: datetime
    actor: str
    actor_name: str
    action: str
    detail: str


@dataclass(frozen=True)
class AuditTrail:
    """The newest entries of a submission's audit trail, and how many there are in all."""

    entries: tuple[AuditEntry, ...]
    total: int


@dataclass(frozen=True)
class Statistics:
    """Counts for /statistik: the funnel, where drafts stopped, and breakdowns (value, count)."""

    opened: int
    consented: int
    by_status: dict[Status, int]
    stopped_at: list[tuple[str, int]]
    by_occupation: list[tuple[str, int]]
    by_region: list[tuple[str, int]]
    by_sex: list[tuple[str, int]]


@dataclass(frozen=True)
class Housekeeping:
    """When stalled drafts are reminded and abandoned ones purged."""

    in_progress_steps: frozenset[str]
    remind_after: timedelta
    purge_after: timedelta
    # Notifications sent (or given up) longer ago than this are deleted; pending ones never.
    outbox_after: timedelta = timedelta(days=30)
    # A roster's WhatsApp invitation not yet opened gets its one reminder this long after it
    # was sent (None: no reminders).
    invitation_reminder_after: timedelta | None = None
