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
    when signing in (a change of either ends it)."""

    user_id: str
    lang: str
    role: Role
    branches: tuple[str, ...]
    last_seen_at: datetime


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
