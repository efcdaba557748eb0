"""The embedded SQLite repository: one connection, WAL, explicit transactions (BEGIN IMMEDIATE).

In one process, an asyncio lock gives each unit of work the connection to itself; across processes,
``BEGIN IMMEDIATE`` takes SQLite's write lock up front and ``busy_timeout`` makes the others wait.
A worker's state is saved compare-and-set on its revision, so most updates need no transaction.
"""

from __future__ import annotations

import asyncio
import fcntl
import json
import multiprocessing
import sqlite3
from collections import Counter
from collections.abc import AsyncIterator, Iterable
from concurrent.futures import ProcessPoolExecutor
from contextlib import asynccontextmanager
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone
from importlib import resources
from pathlib import Path
from typing import Any

import aiosqlite

from bot.domain import (
    BLOCKING_STATUSES,
    Decision,
    DecisionResult,
    EventDraft,
    EventInfo,
    EventSummary,
    ExportFilter,
    FixTarget,
    Flag,
    Officer,
    Payer,
    Role,
    Sex,
    Sponsor,
    StaleConversation,
    Status,
    Submission,
    SubmissionView,
    SubmitResult,
)
from bot.flow.events import Reply, reply_from_data, reply_to_data
from bot.flow.state import Conversation
from bot.flow.summary import SubmissionDraft
from storage.export import export_submissions
from storage.repository import CardNotes, Erasure, Housekeeping, OutboxItem, Statistics

WIB = timezone(timedelta(hours=7))
BUSY_TIMEOUT_SECONDS = 10.0
_BLOCKING = tuple(str(s) for s in BLOCKING_STATUSES)
_SUBMISSION_COLUMNS = (
    "reference, channel, user_id, nik, name, birth_date, sex, phone, home_code, occupation, "
    "income, jht, monthly_self_paid, answers, flags, event_code, status, note, fix_fields, kpj, "
    "decided_by, decided_at, submitted_at, branch"
)


def database_path(url: str) -> str:
    """The file of a ``sqlite:///path`` URL (``sqlite:///:memory:`` works too)."""
    prefix = "sqlite:///"
    if not url.startswith(prefix):
        raise ValueError(f"only sqlite:/// URLs are supported, not {url.split(':', 1)[0]}")
    return url[len(prefix) :]


def migrations() -> list[tuple[int, str]]:
    """The numbered SQL files, in order."""
    folder = resources.files("storage") / "migrations"
    found = [
        (int(entry.name.split("_", 1)[0]), entry.read_text(encoding="utf-8"))
        for entry in folder.iterdir()
        if entry.name.endswith(".sql")
    ]
    return sorted(found)


def _split_statements(script: str) -> Iterable[str]:
    buffer = ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            yield buffer
            buffer = ""


async def migrate(db: aiosqlite.Connection) -> int:
    """Apply pending migrations, each in its own transaction; returns the schema version."""
    async with db.execute("PRAGMA user_version") as cursor:
        row = await cursor.fetchone()
    version = int(row[0]) if row else 0
    for number, script in migrations():
        if number <= version:
            continue
        await db.execute("BEGIN IMMEDIATE")
        try:
            # Re-read inside the lock: another process may have migrated meanwhile.
            async with db.execute("PRAGMA user_version") as cursor:
                row = await cursor.fetchone()
            if row and int(row[0]) >= number:
                await db.execute("ROLLBACK")
                continue
            for statement in _split_statements(script):
                await db.execute(statement)
            await db.execute(f"PRAGMA user_version = {number}")
            await db.execute("COMMIT")
        except BaseException:
            await db.execute("ROLLBACK")
            raise
        version = number
    return version


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


_SPONSOR_COLUMNS = (
    "id, name, payer, level, start_day, end_day, quota, regions, occupations, whole_region, branch"
)


def _sponsor(row: sqlite3.Row) -> Sponsor:
    return Sponsor(
        id=row["id"],
        name=row["name"],
        payer=Payer(row["payer"]),
        level=row["level"],
        start_day=date.fromisoformat(row["start_day"]),
        end_day=date.fromisoformat(row["end_day"]),
        quota=row["quota"],
        regions=tuple(json.loads(row["regions"])),
        occupations=tuple(json.loads(row["occupations"])),
        whole_region=bool(row["whole_region"]),
        branch=row["branch"],
    )


def _officer(row: sqlite3.Row) -> Officer:
    return Officer(row["user_id"], Role(row["role"]), tuple(json.loads(row["branches"])))


def _submission(row: sqlite3.Row) -> Submission:
    return Submission(
        reference=row["reference"],
        channel=row["channel"],
        user_id=row["user_id"],
        nik=row["nik"],
        name=row["name"],
        birth_date=row["birth_date"],
        sex=Sex(row["sex"]),
        phone=row["phone"],
        home_code=row["home_code"],
        occupation=row["occupation"],
        income=row["income"],
        jht=bool(row["jht"]),
        monthly_self_paid=row["monthly_self_paid"],
        answers=json.loads(row["answers"]),
        flags=tuple(Flag(f) for f in json.loads(row["flags"])),
        event_code=row["event_code"],
        status=Status(row["status"]),
        note=row["note"],
        fix_fields=tuple(json.loads(row["fix_fields"])),
        kpj=row["kpj"],
        decided_by=row["decided_by"],
        decided_at=datetime.fromisoformat(row["decided_at"]) if row["decided_at"] else None,
        submitted_at=datetime.fromisoformat(row["submitted_at"]),
        branch=row["branch"],
    )


class _Transaction:
    """Shared by both sessions: the connection while this unit of work holds it."""

    def __init__(self, db: aiosqlite.Connection) -> None:
        self.db = db

    # Each aiosqlite call is a round trip to its database thread, the main cost of an update:
    # execute_fetchall does a query in one trip (execute + fetch + close would be three).

    async def one(self, sql: str, *args: Any) -> sqlite3.Row | None:
        rows = await self.db.execute_fetchall(sql, args)
        return next(iter(rows), None)

    async def all(self, sql: str, *args: Any) -> list[sqlite3.Row]:
        return list(await self.db.execute_fetchall(sql, args))

    async def sponsor(self, sponsor_id: int) -> Sponsor | None:
        row = await self.one(f"SELECT {_SPONSOR_COLUMNS} FROM sponsors WHERE id = ?", sponsor_id)
        return await self._with_taken(_sponsor(row)) if row else None

    async def _with_taken(self, sponsor: Sponsor) -> Sponsor:
        """The sponsor with the places its active submissions hold (rejections free theirs)."""
        row = await self.one(
            "SELECT count(*) AS n FROM submissions WHERE sponsor_id = ? AND status IN (?, ?, ?)",
            sponsor.id,
            *_BLOCKING,
        )
        return replace(sponsor, taken=int(row["n"]) if row else 0)

    async def submission(self, reference: str) -> Submission | None:
        row = await self.one(
            f"SELECT {_SUBMISSION_COLUMNS} FROM submissions WHERE reference = ?", reference
        )
        return _submission(row) if row else None

    async def enqueue(
        self, channel: str, user_id: str, reply: Reply, reference: str | None, now: datetime
    ) -> None:
        lang_row = await self.one(
            "SELECT lang FROM conversations WHERE channel = ? AND user_id = ?", channel, user_id
        )
        lang = (lang_row["lang"] if lang_row else None) or "id"
        await self.db.execute(
            "INSERT INTO outbox (channel, user_id, lang, payload, reference, next_attempt_at,"
            " created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                channel,
                user_id,
                lang,
                json.dumps(reply_to_data(reply), ensure_ascii=False),
                reference,
                _iso(now),
                _iso(now),
            ),
        )


_SAVE_CONVERSATION = (
    "INSERT INTO conversations (channel, user_id, step, state, event_code, lang, created_at,"
    " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
    " ON CONFLICT (channel, user_id) DO UPDATE SET step = excluded.step, state = excluded.state,"
    " event_code = excluded.event_code, lang = excluded.lang, updated_at = excluded.updated_at,"
    " rev = conversations.rev + 1, reminded_at = CASE WHEN excluded.step IN"
    " ('idle', 'done', 'consent') THEN NULL ELSE conversations.reminded_at END"
)


class SqliteWorkerSession(_Transaction):
    """A worker's unit of work: the state read and, in most updates, its compare-and-set save are
    one statement each, with no transaction around them (two round trips, like any bot that
    keeps state in SQLite). The first look-up or write the flow asks for (a Need) begins a
    transaction and checks the state is still the one read, so from there on the update is
    serialised as a whole: the submission and the state it leads to commit together."""

    def __init__(self, db: aiosqlite.Connection, channel: str, user_id: str) -> None:
        super().__init__(db)
        self.channel = channel
        self.user_id = user_id
        self._rev: int | None = None  # the revision read; None: no row yet

    async def load(self) -> Conversation | None:
        row = await self.one(
            "SELECT state, rev FROM conversations WHERE channel = ? AND user_id = ?",
            self.channel,
            self.user_id,
        )
        self._rev = None if row is None else int(row["rev"])
        return Conversation.from_json(row["state"]) if row else None

    async def _hold(self) -> None:
        """Begin the transaction (SQLite's write lock), if not yet begun, and make sure the
        conversation is still as it was read."""
        if self.db.in_transaction:
            return
        await self.db.execute("BEGIN IMMEDIATE")
        row = await self.one(
            "SELECT rev FROM conversations WHERE channel = ? AND user_id = ?",
            self.channel,
            self.user_id,
        )
        if (None if row is None else int(row["rev"])) != self._rev:
            raise StaleConversation(self.channel, self.user_id)

    async def save(self, conv: Conversation, now: datetime) -> None:
        params = (
            self.channel,
            self.user_id,
            str(conv.step),
            conv.to_json(),
            conv.event_code,
            conv.lang,
            _iso(now),
            _iso(now),
        )
        if self.db.in_transaction:  # _hold checked the revision already
            await self.db.execute(_SAVE_CONVERSATION, params)
            return
        # Outside a transaction the statement commits itself; it changes nothing (rowcount 0)
        # if another process saved since load(): a new row where there was none, or a new rev.
        cursor = await self.db.execute(
            f"{_SAVE_CONVERSATION} WHERE ? IS NOT NULL AND conversations.rev = ?",
            (*params, self._rev, self._rev),
        )
        if cursor.rowcount != 1:
            raise StaleConversation(self.channel, self.user_id)

    async def erase(self, now: datetime) -> Erasure:
        """Forget the draft; anonymise rejected submissions; record requests for the others."""
        await self._hold()
        await self.db.execute(
            "DELETE FROM conversations WHERE channel = ? AND user_id = ?",
            (self.channel, self.user_id),
        )
        rows = await self.all(
            "SELECT id, reference, status FROM submissions WHERE channel = ? AND user_id = ?"
            " AND reference NOT IN (SELECT reference FROM erasure_requests)",
            self.channel,
            self.user_id,
        )
        anonymised, recorded = [], []
        for row in rows:
            if row["status"] == str(Status.REJECTED):
                await self.db.execute(
                    "UPDATE submissions SET nik = ?, name = '', name_search = '', birth_date = '',"
                    " phone = '', answers = '{}', note = NULL, updated_at = ? WHERE id = ?",
                    (f"dihapus-{row['id']}", _iso(now), row["id"]),
                )
                anonymised.append(row["reference"])
            else:
                recorded.append(row["reference"])
            outcome = "anonymised" if row["status"] == str(Status.REJECTED) else "recorded"
            await self.db.execute(
                "INSERT INTO erasure_requests (reference, channel, user_id, requested_at, outcome)"
                " VALUES (?, ?, ?, ?, ?)",
                (row["reference"], self.channel, self.user_id, _iso(now), outcome),
            )
        return Erasure(tuple(anonymised), tuple(recorded))

    async def nik_holder(self, nik: str) -> str | None:
        await self._hold()
        row = await self.one(
            "SELECT reference FROM submissions WHERE nik = ? AND status IN (?, ?, ?)",
            nik,
            *_BLOCKING,
        )
        return str(row["reference"]) if row else None

    async def submit(self, draft: SubmissionDraft, now: datetime) -> SubmitResult:
        await self._hold()
        if draft.reference is not None:
            return await self._resubmit(draft, now)
        if await self.nik_holder(draft.answers["nik"]) is not None:
            return SubmitResult(None, duplicate_nik=True)
        if draft.sponsor_id is not None:
            # Exact under concurrency: this transaction holds SQLite's write lock (BEGIN IMMEDIATE).
            sponsor = await self.sponsor(draft.sponsor_id)
            if sponsor is None or sponsor.remaining == 0:
                return SubmitResult(None, quota_full=True)
        year = now.astimezone(WIB).year
        row = await self.one(
            "INSERT INTO sequences (name, value) VALUES (?, 1)"
            " ON CONFLICT (name) DO UPDATE SET value = value + 1 RETURNING value",
            f"ref-{year}",
        )
        assert row is not None
        reference = f"BPU-{year}-{int(row['value']):06d}"
        a = draft.answers
        flags = [str(f) for f in draft.flags]
        if await self._looks_duplicate(a):
            flags.append(str(Flag.POSSIBLE_DUPLICATE))
        await self.db.execute(
            "INSERT INTO submissions (reference, channel, user_id, nik, name, name_search,"
            " birth_date, sex, phone, home_code, occupation, income, jht, monthly_self_paid,"
            " answers, flags, event_code, consent_at, consent_version, status, submitted_at,"
            " updated_at, branch, sponsor_id)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                reference,
                self.channel,
                self.user_id,
                a["nik"],
                a["name"],
                a["name"].casefold(),
                a["birth_date"],
                a["sex"],
                a["phone"],
                a["home_code"],
                a.get("occupation_other") or a["occupation"],
                a["income"],
                int(bool(a.get("jht"))),
                draft.monthly_self_paid,
                json.dumps(a, ensure_ascii=False),
                json.dumps(flags),
                draft.event_code,
                draft.consent_at,
                draft.consent_version,
                str(Status.SUBMITTED),
                _iso(now),
                _iso(now),
                draft.branch,
                draft.sponsor_id,
            ),
        )
        return SubmitResult(reference)

    async def _looks_duplicate(self, answers: dict[str, Any]) -> bool:
        """Same name and birth date, or same phone, on another NIK: an officer should compare."""
        row = await self.one(
            "SELECT 1 FROM submissions WHERE nik != ? AND status != ? AND"
            " ((name_search = ? AND birth_date = ?) OR phone = ?) LIMIT 1",
            answers["nik"],
            str(Status.REJECTED),
            answers["name"].casefold(),
            answers["birth_date"],
            answers["phone"],
        )
        return row is not None

    async def _resubmit(self, draft: SubmissionDraft, now: datetime) -> SubmitResult:
        a = draft.answers
        holder = await self.nik_holder(a["nik"])
        if holder is not None and holder != draft.reference:
            return SubmitResult(None, duplicate_nik=True)
        cursor = await self.db.execute(
            "UPDATE submissions SET nik = ?, name = ?, name_search = ?, birth_date = ?, sex = ?,"
            " phone = ?, home_code = ?, occupation = ?, income = ?, jht = ?,"
            " monthly_self_paid = ?, answers = ?, flags = ?, status = ?, fix_fields = '[]',"
            " branch = ?, updated_at = ?"
            " WHERE reference = ? AND channel = ? AND user_id = ? AND status = ?",
            (
                a["nik"],
                a["name"],
                a["name"].casefold(),
                a["birth_date"],
                a["sex"],
                a["phone"],
                a["home_code"],
                a.get("occupation_other") or a["occupation"],
                a["income"],
                int(bool(a.get("jht"))),
                draft.monthly_self_paid,
                json.dumps(a, ensure_ascii=False),
                json.dumps([str(f) for f in draft.flags]),
                str(Status.SUBMITTED),
                draft.branch,
                _iso(now),
                draft.reference,
                self.channel,
                self.user_id,
                str(Status.NEEDS_FIX),
            ),
        )
        if cursor.rowcount != 1:
            # Already resubmitted (a repeated Kirim): the reference stands, nothing changes.
            current = await self.submission(draft.reference or "")
            ok = current is not None and current.user_id == self.user_id
            return SubmitResult(draft.reference if ok else None)
        await self.db.execute(
            "INSERT INTO audit (at, actor, action, reference, detail) VALUES (?, ?, ?, ?, ?)",
            (_iso(now), f"worker:{self.user_id}", "diajukan_ulang", draft.reference, ""),
        )
        return SubmitResult(draft.reference)

    async def my_submissions(self) -> list[SubmissionView]:
        await self._hold()
        rows = await self.all(
            "SELECT reference, status, note, kpj, fix_fields, submitted_at FROM submissions"
            " WHERE channel = ? AND user_id = ? ORDER BY id DESC LIMIT 10",
            self.channel,
            self.user_id,
        )
        return [
            SubmissionView(
                reference=r["reference"],
                status=Status(r["status"]),
                note=r["note"],
                kpj=r["kpj"],
                fix_fields=tuple(json.loads(r["fix_fields"])),
                submitted_at=datetime.fromisoformat(r["submitted_at"]),
            )
            for r in rows
        ]

    async def fix_target(self, reference: str) -> FixTarget | None:
        await self._hold()
        found = await self.submission(reference)
        if (
            found is None
            or found.status is not Status.NEEDS_FIX
            or (found.channel, found.user_id) != (self.channel, self.user_id)
        ):
            return None
        return FixTarget(found.reference, dict(found.answers), found.fix_fields, found.note or "")

    async def event(self, code: str) -> EventInfo | None:
        await self._hold()
        row = await self.one(
            "SELECT code, name, closed_at, sponsor_id FROM events WHERE code = ?", code
        )
        if row is None:
            return None
        return EventInfo(row["code"], row["name"], row["closed_at"] is None, row["sponsor_id"])

    async def count(self, event_code: str, kind: str, now: datetime) -> None:
        await self._hold()
        await self.db.execute(
            "INSERT INTO event_counts (event_code, kind, day, count) VALUES (?, ?, ?, 1)"
            " ON CONFLICT (event_code, kind, day) DO UPDATE SET count = count + 1",
            (event_code, kind, now.astimezone(WIB).date().isoformat()),
        )

    async def sponsor_for(
        self, event_code: str | None, home_code: str, occupation: str, now: datetime
    ) -> Sponsor | None:
        """The event's sponsor if it covers the worker, else a sponsor of their whole region."""
        await self._hold()
        today = now.astimezone(WIB).date()
        event = await self.event(event_code) if event_code else None
        candidates = []
        if event is not None and event.sponsor_id is not None:
            candidates.append(await self.sponsor(event.sponsor_id))
        rows = await self.all(
            f"SELECT {_SPONSOR_COLUMNS} FROM sponsors WHERE whole_region = 1 AND start_day <= ?"
            " AND end_day >= ? ORDER BY id",
            today.isoformat(),
            today.isoformat(),
        )
        candidates += [await self._with_taken(_sponsor(r)) for r in rows]
        for sponsor in candidates:
            if sponsor is not None and sponsor.covers(home_code, occupation, today):
                return sponsor
        return None


class SqliteOfficerSession(_Transaction):
    """An officer's unit of work. Every submission query is limited to ``restrict``'s branches."""

    def __init__(self, db: aiosqlite.Connection) -> None:
        super().__init__(db)
        self._scope: tuple[str, ...] | None = ()
        self._restricted = False

    def restrict(self, branches: tuple[str, ...] | None) -> None:
        """Limit this session to these branches (None: all). Required before any query."""
        self._scope = branches
        self._restricted = True

    def _in_scope(self) -> tuple[str, list[Any]]:
        """The SQL condition (and its arguments) that keeps other branches' data out."""
        if not self._restricted:
            raise RuntimeError("officer session used before restrict()")
        if self._scope is None:
            return "1 = 1", []
        return f"branch IN ({', '.join('?' for _ in self._scope)})", list(self._scope)

    async def queue(self, limit: int, offset: int) -> list[Submission]:
        scope, args = self._in_scope()
        rows = await self.all(
            f"SELECT {_SUBMISSION_COLUMNS} FROM submissions WHERE status = ? AND {scope}"
            " ORDER BY submitted_at, id LIMIT ? OFFSET ?",
            str(Status.SUBMITTED),
            *args,
            limit,
            offset,
        )
        return [_submission(r) for r in rows]

    async def count_pending(self) -> int:
        counts = await self.count_by_status()
        return counts.get(Status.SUBMITTED, 0)

    async def count_by_status(self) -> dict[Status, int]:
        # status_counts is kept exact by triggers (migration 0005): no scan of the submissions.
        scope, args = self._in_scope()
        rows = await self.all(
            f"SELECT status, sum(n) AS n FROM status_counts WHERE {scope} GROUP BY status", *args
        )
        return {Status(r["status"]): int(r["n"]) for r in rows if r["n"]}

    async def get(self, reference: str) -> Submission | None:
        scope, args = self._in_scope()
        row = await self.one(
            f"SELECT {_SUBMISSION_COLUMNS} FROM submissions WHERE reference = ? AND {scope}",
            reference.upper(),
            *args,
        )
        return _submission(row) if row else None

    async def search(self, kind: str, value: str, limit: int) -> list[Submission]:
        if kind == "name":
            pattern = "%" + value.casefold().replace("%", "").replace("_", "") + "%"
            where, arg = "name_search LIKE ?", pattern
        elif kind in ("nik", "phone"):
            where, arg = f"{kind} = ?", value
        else:
            raise ValueError(kind)
        scope, args = self._in_scope()
        rows = await self.all(
            f"SELECT {_SUBMISSION_COLUMNS} FROM submissions WHERE {where} AND {scope}"
            " ORDER BY id DESC LIMIT ?",
            arg,
            *args,
            limit,
        )
        return [_submission(r) for r in rows]

    async def decide(
        self, reference: str, decision: Decision, officer: str, now: datetime
    ) -> DecisionResult:
        if await self.get(reference) is None:
            return DecisionResult(applied=False, submission=None)
        # Only a submission waiting for review can be decided: of two officers, one wins.
        cursor = await self.db.execute(
            "UPDATE submissions SET status = ?, kpj = ?, note = ?, fix_fields = ?,"
            " decided_by = ?, decided_at = ?, updated_at = ? WHERE reference = ? AND status = ?",
            (
                str(decision.status),
                decision.kpj,
                decision.note,
                json.dumps(list(decision.fix_fields)),
                officer,
                _iso(now),
                _iso(now),
                reference,
                str(Status.SUBMITTED),
            ),
        )
        current = await self.submission(reference)
        return DecisionResult(applied=cursor.rowcount == 1, submission=current)

    async def audit(
        self, actor: str, action: str, reference: str | None, detail: str, now: datetime
    ) -> None:
        await self.db.execute(
            "INSERT INTO audit (at, actor, action, reference, detail) VALUES (?, ?, ?, ?, ?)",
            (_iso(now), actor, action, reference, detail),
        )

    async def audit_trail(self, reference: str) -> list[tuple[datetime, str, str, str]]:
        rows = await self.all(
            "SELECT at, actor, action, detail FROM audit WHERE reference = ? ORDER BY id",
            reference,
        )
        return [
            (datetime.fromisoformat(r["at"]), r["actor"], r["action"], r["detail"] or "")
            for r in rows
        ]

    async def notify(
        self, channel: str, user_id: str, reply: Reply, reference: str, now: datetime
    ) -> None:
        await self.enqueue(channel, user_id, reply, reference, now)

    async def officer(self, user_id: str) -> Officer | None:
        row = await self.one(
            "SELECT user_id, role, branches FROM officers WHERE user_id = ?", user_id
        )
        return _officer(row) if row else None

    async def officers(self) -> list[Officer]:
        rows = await self.all(
            "SELECT user_id, role, branches FROM officers ORDER BY role, user_id"
        )
        return [_officer(r) for r in rows]

    async def save_officer(self, officer: Officer, by: str, now: datetime) -> None:
        await self.db.execute(
            "INSERT INTO officers (user_id, role, branches, created_by, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (user_id) DO UPDATE SET role = excluded.role,"
            " branches = excluded.branches, updated_at = excluded.updated_at",
            (
                officer.user_id,
                str(officer.role),
                json.dumps(list(officer.branches), ensure_ascii=False),
                by,
                _iso(now),
                _iso(now),
            ),
        )

    async def remove_officer(self, user_id: str) -> bool:
        cursor = await self.db.execute("DELETE FROM officers WHERE user_id = ?", (user_id,))
        await self.db.execute("DELETE FROM officer_dialogs WHERE user_id = ?", (user_id,))
        return cursor.rowcount == 1

    async def dialog(self, user_id: str) -> dict[str, Any] | None:
        row = await self.one("SELECT state FROM officer_dialogs WHERE user_id = ?", user_id)
        return dict(json.loads(row["state"])) if row else None

    async def set_dialog(self, user_id: str, state: dict[str, Any] | None, now: datetime) -> None:
        if state is None:
            await self.db.execute("DELETE FROM officer_dialogs WHERE user_id = ?", (user_id,))
            return
        await self.db.execute(
            "INSERT INTO officer_dialogs (user_id, state, updated_at) VALUES (?, ?, ?)"
            " ON CONFLICT (user_id) DO UPDATE SET state = excluded.state,"
            " updated_at = excluded.updated_at",
            (user_id, json.dumps(state, ensure_ascii=False), _iso(now)),
        )

    async def create_event(self, draft: EventDraft, by: str, now: datetime) -> None:
        await self.db.execute(
            "INSERT INTO events (code, name, day, region_code, organiser, sponsor_id, branch,"
            " created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                draft.code,
                draft.name,
                draft.day.isoformat(),
                draft.region_code,
                draft.organiser,
                draft.sponsor_id,
                draft.branch,
                by,
                _iso(now),
            ),
        )

    async def events(self, limit: int) -> list[EventSummary]:
        scope, args = self._in_scope()
        rows = await self.all(
            "SELECT e.code, e.name, e.day, e.region_code, e.closed_at,"
            " (SELECT coalesce(sum(count), 0) FROM event_counts c"
            "   WHERE c.event_code = e.code AND c.kind = 'opened') AS opened,"
            " (SELECT coalesce(sum(count), 0) FROM event_counts c"
            "   WHERE c.event_code = e.code AND c.kind = 'consented') AS consented,"
            " (SELECT count(*) FROM submissions s WHERE s.event_code = e.code) AS submitted,"
            " (SELECT count(*) FROM submissions s WHERE s.event_code = e.code AND s.status = ?)"
            "   AS approved"
            f" FROM events e WHERE {scope.replace('branch', 'e.branch')}"
            " ORDER BY e.day DESC, e.created_at DESC LIMIT ?",
            str(Status.APPROVED),
            *args,
            limit,
        )
        return [
            EventSummary(
                code=r["code"],
                name=r["name"],
                day=date.fromisoformat(r["day"]),
                region_code=r["region_code"],
                closed=r["closed_at"] is not None,
                opened=r["opened"],
                consented=r["consented"],
                submitted=r["submitted"],
                approved=r["approved"],
            )
            for r in rows
        ]

    async def close_event(self, code: str, now: datetime) -> bool:
        scope, args = self._in_scope()
        cursor = await self.db.execute(
            f"UPDATE events SET closed_at = ? WHERE code = ? AND closed_at IS NULL AND {scope}",
            (_iso(now), code, *args),
        )
        return cursor.rowcount == 1

    async def sponsors(self) -> list[Sponsor]:
        scope, args = self._in_scope()
        rows = await self.all(
            f"SELECT {_SPONSOR_COLUMNS} FROM sponsors WHERE {scope} ORDER BY id DESC", *args
        )
        return [await self._with_taken(_sponsor(r)) for r in rows]

    async def create_sponsor(self, sponsor: Sponsor, by: str, now: datetime) -> int:
        cursor = await self.db.execute(
            "INSERT INTO sponsors (name, payer, level, start_day, end_day, quota, regions,"
            " occupations, whole_region, branch, created_by, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                sponsor.name,
                str(sponsor.payer),
                sponsor.level,
                sponsor.start_day.isoformat(),
                sponsor.end_day.isoformat(),
                sponsor.quota,
                json.dumps(list(sponsor.regions)),
                json.dumps(list(sponsor.occupations)),
                int(sponsor.whole_region),
                sponsor.branch,
                by,
                _iso(now),
            ),
        )
        return int(cursor.lastrowid or 0)

    async def sponsor_approved(self, sponsor_id: int) -> int:
        row = await self.one(
            "SELECT count(*) AS n FROM submissions WHERE sponsor_id = ? AND status = ?",
            sponsor_id,
            str(Status.APPROVED),
        )
        return int(row["n"]) if row else 0

    async def statistics(self, event_code: str | None, in_progress: frozenset[str]) -> Statistics:
        scope, args = self._in_scope()
        where, where_args = scope, list(args)
        if event_code is not None:
            where, where_args = f"{scope} AND event_code = ?", [*args, event_code]
        # One pass over the submissions for all three breakdowns (and the statuses of one event);
        # the statuses of a whole branch come from status_counts.
        groups = await self.all(
            f"SELECT status, occupation, home_code, sex, count(*) AS n FROM submissions"
            f" WHERE {where} GROUP BY branch, occupation, home_code, sex, status",
            *where_args,
        )
        tallies: dict[str, Counter[str]] = {
            c: Counter() for c in ("occupation", "home_code", "sex")
        }
        by_status: dict[Status, int] = Counter()
        for row in groups:
            by_status[Status(row["status"])] += row["n"]
            for column, tally in tallies.items():
                tally[row[column]] += row["n"]
        if event_code is None:
            by_status = await self.count_by_status()
        breakdown = {column: tally.most_common(12) for column, tally in tallies.items()}
        events_where = scope
        events_args = list(args)
        if event_code is not None:
            events_where, events_args = f"{scope} AND code = ?", [*args, event_code]
        codes = f"SELECT code FROM events WHERE {events_where}"
        counts = dict(
            (r[0], r[1])
            for r in await self.all(
                f"SELECT kind, sum(count) FROM event_counts WHERE event_code IN ({codes})"
                " GROUP BY kind",
                *events_args,
            )
        )
        steps = tuple(sorted(in_progress))
        marks = ", ".join("?" for _ in steps)
        drafts_of = (
            f" AND event_code IN ({codes})"
            if event_code is not None or self._scope is not None
            else ""
        )
        stopped = [
            (r[0], r[1])
            for r in await self.all(
                f"SELECT step, count(*) AS n FROM conversations WHERE step IN ({marks}){drafts_of}"
                " GROUP BY step ORDER BY n DESC",
                *steps,
                *(events_args if drafts_of else []),
            )
        ]
        return Statistics(
            opened=int(counts.get("opened", 0)),
            consented=int(counts.get("consented", 0)),
            by_status=by_status,
            stopped_at=stopped,
            by_occupation=breakdown["occupation"],
            by_region=breakdown["home_code"],
            by_sex=breakdown["sex"],
        )

    async def card_notes(self, reference: str) -> CardNotes:
        erasure = await self.one(
            "SELECT requested_at FROM erasure_requests WHERE reference = ?", reference
        )
        failed = await self.one(
            "SELECT count(*) AS n FROM outbox WHERE reference = ? AND status = 'undeliverable'",
            reference,
        )
        return CardNotes(
            erasure_requested_at=datetime.fromisoformat(erasure["requested_at"])
            if erasure
            else None,
            undeliverable=int(failed["n"]) if failed else 0,
        )


@asynccontextmanager
async def _setup_lock(lock_path: Path) -> AsyncIterator[None]:
    """An exclusive advisory lock on a file beside the database, held across processes."""
    with lock_path.open("a") as handle:
        await asyncio.to_thread(fcntl.flock, handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


async def _configure(path: str) -> aiosqlite.Connection:
    """Connect, set WAL, synchronous=NORMAL, the busy timeout and foreign keys, and migrate."""
    # isolation_level=None: the sqlite3 module begins no transaction by itself. Every
    # transaction here is an explicit BEGIN IMMEDIATE; a statement outside one commits itself.
    db = await aiosqlite.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT_SECONDS)
    try:
        db.row_factory = sqlite3.Row
        await db.execute("PRAGMA journal_mode = WAL")
        await db.execute("PRAGMA synchronous = NORMAL")
        await db.execute("PRAGMA foreign_keys = ON")
        await migrate(db)
    except BaseException:
        await db.close()
        raise
    return db


class SqliteRepository:
    """The SQLite implementation of storage.repository.Repository."""

    def __init__(self, db: aiosqlite.Connection, path: str = ":memory:") -> None:
        self.db = db
        self.path = path
        self._lock = asyncio.Lock()
        self._exporter: ProcessPoolExecutor | None = None

    @classmethod
    async def open(cls, url: str) -> SqliteRepository:
        """Connect, configure (WAL, synchronous=NORMAL, busy timeout) and migrate."""
        path = database_path(url)
        if path == ":memory:":
            return cls(await _configure(path), path)
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        # Switching a new file to WAL and migrating it are not safe to race: two processes
        # starting together can deadlock there ("database is locked"), so set-up takes turns.
        async with _setup_lock(Path(f"{path}.setup-lock")):
            return cls(await _configure(path), path)

    @asynccontextmanager
    async def _transaction(self) -> AsyncIterator[None]:
        async with self._lock:
            await self.db.execute("BEGIN IMMEDIATE")
            try:
                yield
            except BaseException:
                await self.db.rollback()
                raise
            await self.db.commit()

    @asynccontextmanager
    async def worker(self, channel: str, user_id: str) -> AsyncIterator[SqliteWorkerSession]:
        """One worker update: a read and a compare-and-set save, or, once the flow needs more,
        one transaction (see SqliteWorkerSession). Raises StaleConversation when another process
        saved this worker's state in between: the caller runs the update again."""
        async with self._lock:
            try:
                yield SqliteWorkerSession(self.db, channel, user_id)
            except BaseException:
                if self.db.in_transaction:
                    await self.db.rollback()
                raise
            if self.db.in_transaction:
                await self.db.commit()

    @asynccontextmanager
    async def officer(self) -> AsyncIterator[SqliteOfficerSession]:
        """One officer command as one transaction."""
        async with self._transaction():
            yield SqliteOfficerSession(self.db)

    async def due_notifications(
        self, now: datetime, limit: int, lease: timedelta = timedelta(seconds=30)
    ) -> list[OutboxItem]:
        """Claim the due notifications: their next attempt moves a lease ahead, so another
        process (or the next round here) does not send them too; a crash re-sends after it."""
        due = (
            "SELECT id, channel, user_id, lang, payload, attempts FROM outbox"
            " WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY id LIMIT ?"
        )
        async with self._lock:  # the usual answer, nothing due, needs no write lock
            if not await self.db.execute_fetchall(due, (_iso(now), 1)):
                return []
        async with self._transaction():
            rows = list(await self.db.execute_fetchall(due, (_iso(now), limit)))
            await self.db.executemany(
                "UPDATE outbox SET next_attempt_at = ? WHERE id = ?",
                [(_iso(now + lease), r["id"]) for r in rows],
            )
        return [
            OutboxItem(
                id=r["id"],
                channel=r["channel"],
                user_id=r["user_id"],
                lang=r["lang"],
                reply=reply_from_data(json.loads(r["payload"])),
                attempts=r["attempts"],
            )
            for r in rows
        ]

    async def mark_sent(self, item_id: int, now: datetime) -> None:
        async with self._transaction():
            await self.db.execute(
                "UPDATE outbox SET status = 'sent', sent_at = ?, attempts = attempts + 1"
                " WHERE id = ?",
                (_iso(now), item_id),
            )

    async def mark_failed(
        self, item_id: int, error: str, retry_at: datetime | None, now: datetime
    ) -> None:
        async with self._transaction():
            if retry_at is None:
                await self.db.execute(
                    "UPDATE outbox SET status = 'undeliverable', last_error = ?,"
                    " attempts = attempts + 1 WHERE id = ?",
                    (error, item_id),
                )
            else:
                await self.db.execute(
                    "UPDATE outbox SET next_attempt_at = ?, last_error = ?,"
                    " attempts = attempts + 1 WHERE id = ?",
                    (_iso(retry_at), error, item_id),
                )

    async def bootstrap_admins(self, user_ids: tuple[int, ...], now: datetime) -> None:
        """OFFICER_IDS are admins of every branch, whatever the table says."""
        async with self.officer() as session:
            session.restrict(None)
            for user_id in user_ids:
                await session.save_officer(Officer(str(user_id), Role.ADMIN), "OFFICER_IDS", now)

    async def officer_ids(self) -> frozenset[str]:
        """Every officer's user id (a cheap read, no transaction)."""
        async with self._lock:
            rows = await self.db.execute_fetchall("SELECT user_id FROM officers")
        return frozenset(str(r[0]) for r in rows)

    async def has_dialog(self, user_id: str) -> bool:
        """Whether an officer is in the middle of a decision dialog (a cheap read, no transaction)."""
        async with self._lock:
            rows = await self.db.execute_fetchall(
                "SELECT 1 FROM officer_dialogs WHERE user_id = ?", (user_id,)
            )
        return bool(list(rows))

    async def outbox_backlog(self) -> int:
        """Notifications not yet delivered (for /healthz)."""
        async with self._lock:
            rows = await self.db.execute_fetchall(
                "SELECT count(*) FROM outbox WHERE status = 'pending'"
            )
        return int(next(iter(rows))[0])

    async def housekeeping(
        self, now: datetime, policy: Housekeeping, reminder: Reply
    ) -> tuple[int, int]:
        """One reminder per stalled draft, purge of abandoned drafts; returns (reminded, purged)."""
        steps = tuple(policy.in_progress_steps)
        marks = ", ".join("?" for _ in steps)
        async with self._transaction():
            tx = _Transaction(self.db)
            stalled = await tx.all(
                f"SELECT channel, user_id FROM conversations WHERE step IN ({marks})"
                " AND reminded_at IS NULL AND updated_at <= ? AND updated_at > ?",
                *steps,
                _iso(now - policy.remind_after),
                _iso(now - policy.purge_after),
            )
            for row in stalled:
                await tx.enqueue(row["channel"], row["user_id"], reminder, None, now)
                await self.db.execute(
                    "UPDATE conversations SET reminded_at = ? WHERE channel = ? AND user_id = ?",
                    (_iso(now), row["channel"], row["user_id"]),
                )
            purged = await self.db.execute(
                f"DELETE FROM conversations WHERE step IN ({marks}) AND updated_at <= ?",
                (*steps, _iso(now - policy.purge_after)),
            )
        return len(stalled), purged.rowcount

    async def export(
        self, branches: tuple[str, ...] | None, chosen: ExportFilter, fmt: str, out: Path
    ) -> int:
        """Write an export in a worker process (see storage.export); returns the row count."""
        if self._exporter is None:
            # Spawned, not forked: the child must not inherit the event loop or the connection.
            context = multiprocessing.get_context("spawn")
            self._exporter = ProcessPoolExecutor(max_workers=1, mp_context=context)
        loop = asyncio.get_running_loop()
        scope = list(branches) if branches is not None else None
        return await loop.run_in_executor(
            self._exporter, export_submissions, self.path, scope, chosen, fmt, str(out)
        )

    async def close(self) -> None:
        if self._exporter is not None:
            self._exporter.shutdown(wait=True)
        await self.db.close()
