"""Domain vocabulary shared by the flow, storage and officer tools."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any


class Sex(StrEnum):
    """Sex as printed on the KTP; the NIK encodes it in the birth day (+40 for women)."""

    MALE = "L"
    FEMALE = "P"


class Status(StrEnum):
    """Life of a submission (CONVENTIONS.md)."""

    DRAFT = "draf"
    SUBMITTED = "diajukan"
    NEEDS_FIX = "perlu_perbaikan"
    APPROVED = "disetujui"
    REJECTED = "ditolak"


# A NIK with a submission in one of these cannot register again.
BLOCKING_STATUSES = (Status.SUBMITTED, Status.NEEDS_FIX, Status.APPROVED)


class Payer(StrEnum):
    """Who pays a contribution; the PP 50/2025 relief applies only to self-paid workers."""

    SELF = "mandiri"
    APBD = "apbd"
    APBN = "apbn"


class Flag(StrEnum):
    """Things an officer should look at twice; never a reason to refuse a worker."""

    NIK_BIRTH_DATE_DIFFERS = "nik_tanggal_beda"
    NIK_SEX_DIFFERS = "nik_jk_beda"
    HOME_DIFFERS_FROM_NIK = "domisili_beda"
    NIK_REGION_UNKNOWN = "wilayah_nik_tidak_dikenal"
    POSSIBLE_DUPLICATE = "kemungkinan_ganda"
    AGE_65_OR_OLDER = "usia_65_lebih"  # accepted; an upper age limit is reported, not confirmed


# Answer keys an officer may ask to correct, in the order the flow asks them.
FIELDS = (
    "nik",
    "birth_date",
    "sex",
    "name",
    "birth_place",
    "phone",
    "home_code",
    "address",
    "occupation",
    "income",
    "jht",
)


@dataclass(frozen=True)
class SubmissionView:
    """What a worker sees of one of their submissions in /status."""

    reference: str
    status: Status
    note: str | None  # officer's correction note or rejection reason
    kpj: str | None
    fix_fields: tuple[str, ...]
    submitted_at: datetime


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
    answers: dict[str, Any]
    fields: tuple[str, ...]
    note: str


# Officer commands: everyone else is told politely that they are for officers only.
OFFICER_COMMANDS = frozenset(
    {"antrean", "lihat", "setujui", "tolak", "perbaikan", "cari", "audit"}
    | {"petugas", "petugas_tambah", "petugas_hapus"}
    | {"acara_baru", "acara", "sponsor_baru", "sponsor", "statistik", "ekspor", "impor"}
)


@dataclass(frozen=True)
class Submission:
    """A stored registration as officers see it (full data: mask before listing)."""

    reference: str
    channel: str
    user_id: str
    nik: str
    name: str
    birth_date: str  # ISO date
    sex: Sex
    phone: str
    home_code: str
    occupation: str
    income: int
    jht: bool
    monthly_self_paid: int
    answers: dict[str, Any]
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


class Role(StrEnum):
    """What an officer may do: petugas (one branch), supervisor (several or all), admin."""

    PETUGAS = "petugas"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"


@dataclass(frozen=True)
class Officer:
    """A branch officer; ``branches`` empty means every branch (supervisors and admins)."""

    user_id: str
    role: Role
    branches: tuple[str, ...] = ()

    @property
    def scope(self) -> tuple[str, ...] | None:
        """The branches this officer sees; None for all of them."""
        return self.branches or None


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
    level: str  # kabupaten | provinsi | pusat
    start_day: date
    end_day: date
    quota: int
    regions: tuple[str, ...]
    occupations: tuple[str, ...]  # empty: any occupation
    whole_region: bool  # any resident of its regions, not only through its events
    branch: str
    taken: int = 0  # places held by active submissions

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
