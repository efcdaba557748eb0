"""PostgreSQL's dialect of the shared SQL (storage/sql/dialect.py).

Transactions here run side by side (READ COMMITTED), so what must not interleave takes a lock
until commit:

- the conversation row (``FOR UPDATE`` when a worker's transaction begins): another process's
  update of the same worker waits, then finds the revision moved and runs again; where no row
  existed yet, the save's compare-and-set refuses the second insert instead;
- the NIK (a transaction-scoped advisory lock) before the "one active submission per NIK" check,
  so two workers submitting one NIK at once get one submission and one "already registered",
  not a unique-index error; taken in the same round trip as the conversation's row when the
  submission begins the transaction;
- the sponsor's row before its places are counted, so the quota holds under concurrent submits;
- the jobs several processes run (inbox claims, housekeeping, payment reminders): an advisory
  lock per job and schema, so two processes never remind one worker twice or split one chat's
  updates between them.

Outbox claims skip the rows another process's claim holds (``FOR UPDATE SKIP LOCKED``), so
processes never wait for each other's claims. Received updates go in one statement whatever
their number: text arrays, not a VALUES row per update (one statement text for every batch
size, prepared once per connection; text arrays need no type look-up). A worker's save outside a
transaction goes with the others waiting at that moment (storage/postgres/saves.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.ports import InboxItem
from storage.postgres.saves import SaveBatches
from storage.sql.save import Save, compare_and_set
from storage.sql.tx import Row, Tx
from storage.sql.workers import HOLD

JOB_LOCK = (
    "SELECT pg_advisory_xact_lock(hashtextextended('bpubot:' || ? || ':' || current_schema(), 0))"
    " AS locked"
)
NIK_LOCK = "SELECT pg_advisory_xact_lock(hashtextextended(?, 0)) AS locked"
HOLD_ROW = f"{HOLD} FOR UPDATE"
# The revision check that begins a submission and the NIK's lock, in one round trip.
HOLD_AND_LOCK_NIK = (
    f"SELECT ({HOLD_ROW}) AS rev, pg_advisory_xact_lock(hashtextextended(?, 0)) IS NULL AS locked"
)
RECEIVED_ROWS = (
    "SELECT c, k, h, p, r::timestamptz FROM"
    " unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[]) AS u (c, k, h, p, r)"
)


def nik_key(nik: str) -> str:
    """The advisory lock's name for one NIK."""
    return f"bpubot:nik:{nik}"


class PostgresDialect:
    """storage.sql.dialect.Dialect on PostgreSQL (see the module's docstring)."""

    skip_locked = " FOR UPDATE SKIP LOCKED"

    def __init__(self, saves: SaveBatches | None = None) -> None:
        self.saves = saves  # the repository's batches (None: each save on its own)

    def any_of(self, column: str, values: Sequence[str]) -> tuple[str, list[Any]]:
        return f"{column} = ANY(?::text[])", [list(values)]

    def received_rows(self, items: Sequence[InboxItem]) -> list[tuple[str, list[Any]]]:
        columns = [
            [i.channel for i in items],
            [i.update_key for i in items],
            [i.chat for i in items],
            [i.payload for i in items],
            [i.received_at.isoformat() for i in items],
        ]
        return [(RECEIVED_ROWS, list(columns))]

    async def take_turns(self, tx: Tx, job: str) -> None:
        await tx.one(JOB_LOCK, job)

    async def hold(self, tx: Tx, channel: str, user_id: str, nik: str | None) -> Row | None:
        if nik is None:
            return await tx.one(HOLD_ROW, channel, user_id)
        return await tx.one(HOLD_AND_LOCK_NIK, channel, user_id, nik_key(nik))

    async def lock_nik(self, tx: Tx, nik: str) -> None:
        await tx.one(NIK_LOCK, nik_key(nik))

    async def lock_sponsor(self, tx: Tx, sponsor_id: int) -> None:
        await tx.one("SELECT id FROM sponsors WHERE id = ? FOR UPDATE", sponsor_id)

    async def save(self, tx: Tx, row: Save) -> bool:
        """Outside a transaction the save goes with the others waiting (storage/postgres/
        saves.py); in one, it commits with the transaction's other writes."""
        if self.saves is None or tx.in_transaction:
            return await compare_and_set(tx, row)
        return await self.saves.save(row)
