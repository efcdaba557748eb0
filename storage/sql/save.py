"""A worker's state saved compare-and-set on its revision: the statement every backend runs.

The upsert changes nothing if another process saved the conversation since it was read: a new
row where there was none (a NULL revision equals nothing), or a newer revision. A backend may send
several of these together (PostgreSQL: storage/postgres/saves.py), each row still compared.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from storage.sql.tx import Tx

SAVE_COLUMNS = (
    "channel, user_id, step, state, event_code, lang, created_at, updated_at, applied_update"
)
SAVE_ON_CONFLICT = (
    " ON CONFLICT (channel, user_id) DO UPDATE SET step = excluded.step, state = excluded.state,"
    " event_code = excluded.event_code, lang = excluded.lang, updated_at = excluded.updated_at,"
    " applied_update = excluded.applied_update, rev = conversations.rev + 1,"
    " reminded_at = CASE WHEN excluded.step IN ('idle', 'done', 'consent') THEN NULL"
    " ELSE conversations.reminded_at END"
)
SAVE = (
    f"INSERT INTO conversations ({SAVE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
    f"{SAVE_ON_CONFLICT} WHERE conversations.rev = ?"
)


@dataclass(frozen=True)
class Save:
    """One conversation's save: its new state and the revision its update read."""

    channel: str
    user_id: str
    step: str
    state: str  # JSON
    event_code: str | None
    lang: str | None
    at: datetime
    applied_update: str | None
    rev: int | None  # None: there was no row

    @property
    def key(self) -> tuple[str, str]:
        return (self.channel, self.user_id)


async def compare_and_set(tx: Tx, row: Save) -> bool:
    """The upsert on ``tx``; False when the revision moved since the state was read.

    Outside a transaction the statement commits itself. In one, the revision was checked when
    the transaction began; the condition still matters where no row existed then and the
    database locked none (PostgreSQL: another process may insert it meanwhile).
    """
    changed = await tx.run(
        SAVE,
        row.channel,
        row.user_id,
        row.step,
        row.state,
        row.event_code,
        row.lang,
        row.at,
        row.at,
        row.applied_update,
        row.rev,
    )
    return changed == 1
