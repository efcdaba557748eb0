"""What the web desk shares between the core, storage and its pages: sign-in secrets,
sessions, and the queue's filters."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from bot.enums import Flag, Role, Status

LINK_VALID = timedelta(minutes=5)
SIGN_IN_PATH = "/masuk/"


def secret_hash(secret: str) -> str:
    """What is stored of a sign-in link's or a session's secret."""
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True)
class WebSession:
    """A signed-in browser: whose, in which language, with the role and branches the officer had
    when signing in (a change of either ends it); or a sponsor's representative's, opened under
    their access ``access_id`` (role None), which revoking the access ends."""

    user_id: str
    lang: str
    role: Role | None
    branches: tuple[str, ...]
    last_seen_at: datetime
    access_id: int | None = None


@dataclass(frozen=True)
class SponsorAccess:
    """A named person who may see one sponsor's own view on the web desk, granted by an
    officer of the sponsor's branch (revoked: no longer listed, no session)."""

    id: int
    sponsor_id: int
    sponsor_name: str
    user_id: str
    name: str
    granted_by: str
    granted_at: datetime


@dataclass(frozen=True)
class SponsorBreakdown:
    """A sponsor's registrations counted four ways (every status, rejected included)."""

    by_region: tuple[tuple[str, int], ...]  # kabupaten/kota code
    by_occupation: tuple[tuple[str, int], ...]
    by_status: tuple[tuple[Status, int], ...]
    by_source: tuple[tuple[str, int], ...]  # "roster" (an invitation), "event" or "self"


AUDIT_PAGE = 50


@dataclass(frozen=True)
class AuditFilter:
    """The audit log's filters on the web desk: an officer (their id), an action, a day range."""

    actor: str = ""
    action: str = ""
    since: date | None = None
    until: date | None = None  # inclusive, WIB


@dataclass(frozen=True)
class AuditLogEntry:
    at: datetime
    actor: str
    action: str
    reference: str | None
    detail: str


QUEUE_SORTS = ("oldest", "newest", "reference")


@dataclass(frozen=True)
class QueueFilter:
    """The web queue's filters; every one optional but the status."""

    status: Status = Status.SUBMITTED
    event_code: str = ""
    sponsor_id: int | None = None
    region: str = ""  # a region code or its start ("32", "32.04")
    since: date | None = None  # submitted on or after this day (WIB)
    until: date | None = None  # submitted on or before this day (WIB)
    flag: Flag | None = None
    sort: str = "oldest"
    roster_id: int | None = None  # submitted on an invitation of this roster
