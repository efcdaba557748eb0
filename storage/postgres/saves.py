"""Group commit for workers' common save on PostgreSQL: many conversations, one statement.

A worker's common update ends in one self-committing compare-and-set upsert of its state
(storage/sql/save.py). At an event a hundred workers answer at once, and each upsert alone
is a round trip whose client-side cost (the pool, the protocol, the event loop's wake-ups) is
most of what the update costs the process. Here the saves that arrive while one statement is in
flight wait for it and then go together in the next: one ``INSERT ... SELECT FROM unnest(...)
ON CONFLICT DO UPDATE`` for all of them, each row still compared with the revision its update
read (the row is left alone, and its caller told, when another process saved it meanwhile). A
lone save goes at once, so a quiet bot waits for nothing.

Each row commits or not with its batch: a statement that fails (a broken connection, a value
the table refuses) is run again row by row, so only the rows that really fail raise, each in
the unit of work that asked for it. A save inside a transaction (a submission, a counter) is
not batched: it must commit with that transaction's other writes.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from storage.postgres.connection import numbered
from storage.sql.save import SAVE_COLUMNS, SAVE_ON_CONFLICT, Save

log = logging.getLogger(__name__)

MAX_BATCH = 500  # rows per statement (an event's crowd; arrays, not parameters, carry them)

# Every column travels as a text array, cast in the statement: asyncpg looks up the type of any
# other array (bigint[], timestamptz[]) with extra queries on each new connection.

BATCH_SAVE = numbered(
    "WITH v (channel, user_id, step, state, event_code, lang, at, applied_update, rev) AS ("
    " SELECT * FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[],"
    " ?::text[], ?::text[], ?::text[]))"
    f" INSERT INTO conversations ({SAVE_COLUMNS})"
    " SELECT channel, user_id, step, state::jsonb, event_code, lang, at::timestamptz,"
    " at::timestamptz, applied_update FROM v"
    f"{SAVE_ON_CONFLICT} WHERE conversations.rev = (SELECT v.rev::bigint FROM v"
    " WHERE v.channel = excluded.channel AND v.user_id = excluded.user_id)"
    " RETURNING channel, user_id"
)


class SaveBatches:
    """Saves waiting for the statement in flight, sent together in the next (see the docstring)."""

    def __init__(self, pool: Any) -> None:
        self.pool = pool
        self._waiting: list[tuple[Save, asyncio.Future[bool]]] = []
        self._flushing: asyncio.Task[None] | None = None

    async def save(self, row: Save) -> bool:
        """Store ``row`` if its revision is still the one read; False when it is not."""
        done: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self._waiting.append((row, done))
        if self._flushing is None:
            self._flushing = asyncio.create_task(self._flush(), name="conversations:save")
        return await done

    async def _flush(self) -> None:
        """Send what is waiting, statement after statement, until nothing is."""
        try:
            while self._waiting:
                batch, self._waiting = _one_per_conversation(self._waiting)
                await self._send(batch)
        finally:
            self._flushing = None

    async def _send(self, batch: list[tuple[Save, asyncio.Future[bool]]]) -> None:
        try:
            saved = await self._statement([row for row, _ in batch])
        except Exception as error:
            if len(batch) == 1:
                _settle(batch[0][1], error=error)
                return
            log.warning(
                "a batch of %d saves failed (%s); saving them one by one", len(batch), error
            )
            for entry in batch:
                await self._send([entry])
            return
        for row, done in batch:
            _settle(done, result=row.key in saved)

    async def _statement(self, rows: list[Save]) -> set[tuple[str, str]]:
        """One upsert of ``rows``; the conversations it changed."""
        columns = (
            [r.channel for r in rows],
            [r.user_id for r in rows],
            [r.step for r in rows],
            [r.state for r in rows],
            [r.event_code for r in rows],
            [r.lang for r in rows],
            [r.at.isoformat() for r in rows],
            [r.applied_update for r in rows],
            [None if r.rev is None else str(r.rev) for r in rows],
        )
        async with self.pool.acquire() as conn:
            found = await conn.fetch(BATCH_SAVE, *columns)
        return {(str(r["channel"]), str(r["user_id"])) for r in found}


def _one_per_conversation(
    waiting: list[tuple[Save, asyncio.Future[bool]]],
) -> tuple[list[tuple[Save, asyncio.Future[bool]]], list[tuple[Save, asyncio.Future[bool]]]]:
    """The next batch (one save per conversation: a statement may change a row only once; and
    at most MAX_BATCH) and what stays waiting, in order. Callers that gave up are dropped."""
    batch: list[tuple[Save, asyncio.Future[bool]]] = []
    later: list[tuple[Save, asyncio.Future[bool]]] = []
    keys: set[tuple[str, str]] = set()
    for entry in waiting:
        row, done = entry
        if done.done():
            continue
        if row.key in keys or len(batch) >= MAX_BATCH:
            later.append(entry)
            continue
        keys.add(row.key)
        batch.append(entry)
    return batch, later


def _settle(
    done: asyncio.Future[bool], *, result: bool = False, error: BaseException | None = None
) -> None:
    if done.done():  # the caller gave up (cancelled)
        return
    if error is not None:
        done.set_exception(error)
    else:
        done.set_result(result)
