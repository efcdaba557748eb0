"""Review: the branch's queue, one submission, search, decisions, the audit trail, card notes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.domain import (
    AuditEntry,
    AuditTrail,
    BranchScope,
    CardNotes,
    Decision,
    DecisionResult,
    Status,
    Submission,
)
from bot.messages import Reply
from storage.sql import erasure, outbox, rows
from storage.sql.scope import Scoped, branch_condition
from storage.sql.tx import Tx, as_datetime, to_json


def like_pattern(value: str) -> str:
    """A case-insensitive substring pattern in which the typed % and _ are plain characters."""
    escaped = value.casefold().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


async def count_by_status(tx: Tx, scope: BranchScope) -> dict[Status, int]:
    """The scope's submissions counted by status (status_counts is kept exact by triggers: no
    scan of the submissions)."""
    where, args = branch_condition(scope)
    found = await tx.all(
        f"SELECT status, sum(n) AS n FROM status_counts WHERE {where} GROUP BY status", *args
    )
    return {Status(r["status"]): int(r["n"]) for r in found if r["n"]}


# References looked up per statement (well under SQLite's 32,766 parameters).
LOOKUP_CHUNK = 500


class Review(Scoped):
    """Submissions as one officer may see and decide them."""

    async def queue(self, limit: int, offset: int) -> list[Submission]:
        scope, args = self.in_scope()
        found = await self.tx.all(
            f"SELECT {rows.SUBMISSION} FROM submissions WHERE status = ? AND {scope}"
            " ORDER BY submitted_at, id LIMIT ? OFFSET ?",
            str(Status.SUBMITTED),
            *args,
            limit,
            offset,
        )
        return [rows.submission(r) for r in found]

    async def count_pending(self) -> int:
        counts = await self.count_by_status()
        return counts.get(Status.SUBMITTED, 0)

    async def count_by_status(self) -> dict[Status, int]:
        return await count_by_status(self.tx, self.scope)

    async def get(self, reference: str) -> Submission | None:
        scope, args = self.in_scope()
        row = await self.tx.one(
            f"SELECT {rows.SUBMISSION} FROM submissions WHERE reference = ? AND {scope}",
            reference.upper(),
            *args,
        )
        return rows.submission(row) if row else None

    async def search(self, kind: str, value: str, limit: int) -> list[Submission]:
        if kind == "name":
            where, arg = "name_search LIKE ? ESCAPE '\\'", like_pattern(value)
        elif kind in ("nik", "phone"):
            where, arg = f"{kind} = ?", value
        else:
            raise ValueError(kind)
        scope, args = self.in_scope()
        found = await self.tx.all(
            f"SELECT {rows.SUBMISSION} FROM submissions WHERE {where} AND {scope}"
            " ORDER BY id DESC LIMIT ?",
            arg,
            *args,
            limit,
        )
        return [rows.submission(r) for r in found]

    async def existing(self, references: Sequence[str]) -> set[str]:
        scope, args = self.in_scope()
        wanted = sorted({r.upper() for r in references})
        found: set[str] = set()
        for start in range(0, len(wanted), LOOKUP_CHUNK):
            chunk = wanted[start : start + LOOKUP_CHUNK]
            marks = ", ".join("?" for _ in chunk)
            rows_found = await self.tx.all(
                f"SELECT reference FROM submissions WHERE reference IN ({marks}) AND {scope}",
                *chunk,
                *args,
            )
            found.update(str(r["reference"]) for r in rows_found)
        return found

    async def decide(
        self, reference: str, decision: Decision, officer: str, now: datetime
    ) -> DecisionResult:
        if await self.get(reference) is None:
            return DecisionResult(applied=False, submission=None)
        # Only a submission waiting for review can be decided: of two officers, one wins.
        changed = await self.tx.run(
            "UPDATE submissions SET status = ?, kpj = ?, note = ?, fix_fields = ?,"
            " decided_by = ?, decided_at = ?, updated_at = ? WHERE reference = ? AND status = ?",
            str(decision.status),
            decision.kpj,
            decision.note,
            to_json(list(decision.fix_fields)),
            officer,
            now,
            now,
            reference,
            str(Status.SUBMITTED),
        )
        row = await self.tx.one(
            f"SELECT {rows.SUBMISSION} FROM submissions WHERE reference = ?", reference
        )
        erase = (
            changed == 1
            and decision.status is Status.REJECTED
            and await erasure.asked_while_pending(self.tx, reference)
        )
        return DecisionResult(
            applied=changed == 1, submission=rows.submission(row) if row else None, erase=erase
        )

    async def erase_rejected(self, reference: str, now: datetime) -> None:
        await erasure.erase_rejected(self.tx, reference, now)

    async def audit(
        self, actor: str, action: str, reference: str | None, detail: str, now: datetime
    ) -> None:
        await self.tx.run(
            "INSERT INTO audit (at, actor, action, reference, detail) VALUES (?, ?, ?, ?, ?)",
            now,
            actor,
            action,
            reference,
            detail,
        )

    async def audit_trail(self, reference: str, limit: int) -> AuditTrail:
        total = await self.tx.one("SELECT count(*) AS n FROM audit WHERE reference = ?", reference)
        found = await self.tx.all(
            "SELECT a.at, a.actor, o.name, a.action, a.detail FROM audit a"
            " LEFT JOIN officers o ON o.user_id = a.actor"
            " WHERE a.reference = ? ORDER BY a.at DESC, a.id DESC LIMIT ?",
            reference,
            limit,
        )
        entries = tuple(
            AuditEntry(
                as_datetime(r["at"]), r["actor"], r["name"] or "", r["action"], r["detail"] or ""
            )
            for r in reversed(found)
        )
        return AuditTrail(entries, int(total["n"]) if total else 0)

    async def notify(
        self, channel: str, user_id: str, reply: Reply, reference: str, now: datetime
    ) -> None:
        await outbox.enqueue(self.tx, channel, user_id, reply, reference, now)

    async def card_notes(self, reference: str) -> CardNotes:
        erasure = await self.tx.one(
            "SELECT requested_at FROM erasure_requests WHERE reference = ?", reference
        )
        failed = await self.tx.one(
            "SELECT count(*) AS n FROM outbox WHERE reference = ? AND status = 'undeliverable'",
            reference,
        )
        return CardNotes(
            erasure_requested_at=as_datetime(erasure["requested_at"]) if erasure else None,
            undeliverable=int(failed["n"]) if failed else 0,
        )
