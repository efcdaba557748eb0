"""A worker's unit of work on PostgreSQL: the shared one, with row locks where SQLite's single
writer made them unnecessary.

On SQLite a transaction holds the whole database's write lock; here transactions run side by
side (READ COMMITTED), so what must not interleave takes a lock until commit:

- the conversation row (``HOLD ... FOR UPDATE``): another process's update of the same worker
  waits, then finds the revision moved and runs again; where no row existed yet, the save's
  compare-and-set refuses the second insert instead;
- the NIK (a transaction-scoped advisory lock) before the "one active submission per NIK" check,
  so two workers submitting one NIK at once get one submission and one "already registered",
  not a unique-index error;
- the sponsor's row before its places are counted, so the quota holds under concurrent submits;
- the year's row of ``sequences`` (taken by the shared upsert), so reference numbers have no
  gaps beyond what a rollback gives back: none, since a rolled-back increment is undone.

A look-up alone (an event, a sponsor, the worker's submissions) begins no transaction, as on
SQLite (storage/sql/workers.py): under READ COMMITTED every statement reads its own snapshot
inside a transaction or out of it, and the save's compare-and-set still refuses an update whose
worker was saved meanwhile. Writes begin the transaction.
"""

from __future__ import annotations

from datetime import datetime

from bot.domain import SubmissionDraft, SubmitResult
from storage.postgres.saves import SaveBatches
from storage.sql.workers import Save, WorkerSession

NIK_LOCK = "SELECT pg_advisory_xact_lock(hashtextextended(?, 0)) AS locked"
# The revision check that begins a submission and the NIK's lock, in one round trip.
HOLD_AND_LOCK_NIK = (
    "SELECT (SELECT rev FROM conversations WHERE channel = ? AND user_id = ? FOR UPDATE) AS rev,"
    " pg_advisory_xact_lock(hashtextextended(?, 0)) IS NULL AS locked"
)


def nik_key(nik: str) -> str:
    """The advisory lock's name for one NIK."""
    return f"bpubot:nik:{nik}"


class PgWorkerSession(WorkerSession):
    """bot.ports.WorkerSession on PostgreSQL (see the module's docstring)."""

    HOLD = f"{WorkerSession.HOLD} FOR UPDATE"
    saves: SaveBatches | None = None  # the repository's, where saves go together

    async def _save(self, row: Save) -> bool:
        """Outside a transaction, the save goes with the others waiting (storage/postgres/
        saves.py); in one, it commits with the transaction's other writes."""
        if self.saves is None or self.tx.in_transaction:
            return await super()._save(row)
        return await self.saves.save(row)

    async def submit(self, draft: SubmissionDraft, now: datetime) -> SubmitResult:
        nik = draft.answers.nik
        if not nik:
            await self.hold()
        elif not self.tx.in_transaction:  # a write: the transaction begins here
            await self.tx.begin()
            row = await self.tx.one(HOLD_AND_LOCK_NIK, self.channel, self.user_id, nik_key(nik))
            assert row is not None  # one row whatever the table holds
            self.held(row["rev"])
        else:
            await self.tx.one(NIK_LOCK, nik_key(nik))
        return await super().submit(draft, now)

    async def lock_sponsor(self, sponsor_id: int) -> None:
        """Hold the sponsor's row, so its places are counted by one submission at a time."""
        await self.tx.one("SELECT id FROM sponsors WHERE id = ? FOR UPDATE", sponsor_id)
