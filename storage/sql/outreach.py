"""Outreach: events (link codes and their counters) and sponsors (budgets paying JKK + JKM)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

from bot.clock import today_wib
from bot.domain import (
    BLOCKING_STATUSES,
    EventDraft,
    EventInfo,
    EventSummary,
    Payer,
    Sponsor,
    Status,
    SubmissionDraft,
)
from bot.fields import Answers, SponsorChoice
from storage.sql import rows
from storage.sql.scope import Scoped
from storage.sql.tx import Tx, as_date, as_json, to_json

BLOCKING = tuple(str(s) for s in BLOCKING_STATUSES)


async def event_info(tx: Tx, code: str) -> EventInfo | None:
    """An event as a worker arriving through its link sees it."""
    row = await tx.one("SELECT code, name, closed_at, sponsor_id FROM events WHERE code = ?", code)
    if row is None:
        return None
    return EventInfo(row["code"], row["name"], row["closed_at"] is None, row["sponsor_id"])


async def count_event(tx: Tx, event_code: str, kind: str, now: datetime) -> None:
    """Count a link opening or a consent for an event, per WIB day (no personal data)."""
    await tx.run(
        "INSERT INTO event_counts (event_code, kind, day, count) VALUES (?, ?, ?, 1)"
        " ON CONFLICT (event_code, kind, day) DO UPDATE SET count = event_counts.count + 1",
        event_code,
        kind,
        today_wib(now),
    )


async def with_taken(tx: Tx, sponsor: Sponsor) -> Sponsor:
    """The sponsor with the places its active submissions hold (rejections free theirs)."""
    row = await tx.one(
        "SELECT count(*) AS n FROM submissions WHERE sponsor_id = ? AND status IN (?, ?, ?)",
        sponsor.id,
        *BLOCKING,
    )
    return replace(sponsor, taken=int(row["n"]) if row else 0)


async def sponsor_by_id(tx: Tx, sponsor_id: int) -> Sponsor | None:
    """One sponsor with its places taken."""
    row = await tx.one(f"SELECT {rows.SPONSOR} FROM sponsors WHERE id = ?", sponsor_id)
    return await with_taken(tx, rows.sponsor(row)) if row else None


async def sponsor_for(
    tx: Tx, event_code: str | None, home_code: str, occupation: str, today: date
) -> Sponsor | None:
    """The event's sponsor if it covers the worker, else a sponsor of their whole region."""
    event = await event_info(tx, event_code) if event_code else None
    candidates: list[Sponsor | None] = []
    if event is not None and event.sponsor_id is not None:
        candidates.append(await sponsor_by_id(tx, event.sponsor_id))
    found = await tx.all(
        f"SELECT {rows.SPONSOR} FROM sponsors WHERE whole_region = ? AND start_day <= ?"
        " AND end_day >= ? ORDER BY id",
        True,
        today,
        today,
    )
    candidates += [await with_taken(tx, rows.sponsor(r)) for r in found]
    for sponsor in candidates:
        if sponsor is not None and sponsor.covers(home_code, occupation, today):
            return sponsor
    return None


def with_sponsor_payer(draft: SubmissionDraft, payer: Payer) -> SubmissionDraft:
    """The draft with its copy of the sponsor's payer type as the sponsor has it now: an
    officer may have changed the type (/sponsor_jenis) while the worker was registering."""
    chosen = draft.answers.sponsor
    if chosen is None or chosen.payer is payer:
        return draft
    answers = draft.answers.copy()
    answers.sponsor = SponsorChoice(chosen.id, chosen.name, payer)
    return replace(draft, answers=answers)


class Outreach(Scoped):
    """The officer's side of events and sponsors, within their branches."""

    async def create_event(self, draft: EventDraft, by: str, now: datetime) -> None:
        await self.tx.run(
            "INSERT INTO events (code, name, day, region_code, organiser, sponsor_id, branch,"
            " created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            draft.code,
            draft.name,
            draft.day,
            draft.region_code,
            draft.organiser,
            draft.sponsor_id,
            draft.branch,
            by,
            now,
        )

    async def events(self, limit: int) -> list[EventSummary]:
        scope, args = self.in_scope("e.branch")
        found = await self.tx.all(
            "SELECT e.code, e.name, e.day, e.region_code, e.closed_at,"
            " (SELECT coalesce(sum(count), 0) FROM event_counts c"
            "   WHERE c.event_code = e.code AND c.kind = 'opened') AS opened,"
            " (SELECT coalesce(sum(count), 0) FROM event_counts c"
            "   WHERE c.event_code = e.code AND c.kind = 'consented') AS consented,"
            " (SELECT count(*) FROM submissions s WHERE s.event_code = e.code) AS submitted,"
            " (SELECT count(*) FROM submissions s WHERE s.event_code = e.code AND s.status = ?)"
            "   AS approved"
            f" FROM events e WHERE {scope} ORDER BY e.day DESC, e.created_at DESC LIMIT ?",
            str(Status.APPROVED),
            *args,
            limit,
        )
        return [
            EventSummary(
                code=r["code"],
                name=r["name"],
                day=as_date(r["day"]),
                region_code=r["region_code"],
                closed=r["closed_at"] is not None,
                opened=int(r["opened"]),
                consented=int(r["consented"]),
                submitted=int(r["submitted"]),
                approved=int(r["approved"]),
            )
            for r in found
        ]

    async def close_event(self, code: str, now: datetime) -> bool:
        scope, args = self.in_scope()
        changed = await self.tx.run(
            f"UPDATE events SET closed_at = ? WHERE code = ? AND closed_at IS NULL AND {scope}",
            now,
            code,
            *args,
        )
        return changed == 1

    async def event(self, code: str) -> EventInfo | None:
        return await event_info(self.tx, code)

    async def own_event(self, code: str) -> EventInfo | None:
        scope, args = self.in_scope()
        row = await self.tx.one(f"SELECT code FROM events WHERE code = ? AND {scope}", code, *args)
        return await event_info(self.tx, code) if row else None

    async def sponsors(self) -> list[Sponsor]:
        scope, args = self.in_scope()
        found = await self.tx.all(
            f"SELECT {rows.SPONSOR} FROM sponsors WHERE {scope} ORDER BY id DESC", *args
        )
        return [await with_taken(self.tx, rows.sponsor(r)) for r in found]

    async def sponsor(self, sponsor_id: int) -> Sponsor | None:
        return await sponsor_by_id(self.tx, sponsor_id)

    async def create_sponsor(self, sponsor: Sponsor, by: str, now: datetime) -> int:
        row = await self.tx.one(
            "INSERT INTO sponsors (name, payer, level, start_day, end_day, quota, regions,"
            " occupations, whole_region, branch, created_by, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            sponsor.name,
            str(sponsor.payer),
            sponsor.level,
            sponsor.start_day,
            sponsor.end_day,
            sponsor.quota,
            to_json(list(sponsor.regions)),
            to_json(list(sponsor.occupations)),
            sponsor.whole_region,
            sponsor.branch,
            by,
            now,
        )
        assert row is not None
        return int(row["id"])

    async def set_sponsor_payer(self, sponsor_id: int, payer: Payer, level: str) -> bool:
        scope, args = self.in_scope()
        changed = await self.tx.run(
            f"UPDATE sponsors SET payer = ?, level = ? WHERE id = ? AND {scope}",
            str(payer),
            level,
            sponsor_id,
            *args,
        )
        if changed != 1:
            return False
        # Each submission keeps a copy of its sponsor in its answers, which every amount shown
        # (summary, card, /status, export) is computed from: the copies follow the sponsor.
        found = await self.tx.all(
            "SELECT id, answers FROM submissions WHERE sponsor_id = ?", sponsor_id
        )
        changes: list[tuple[str, object]] = []
        for row in found:
            answers = Answers.from_data(as_json(row["answers"]))
            if answers.sponsor is None or answers.sponsor.payer is payer:
                continue
            old = answers.sponsor
            answers.sponsor = SponsorChoice(old.id, old.name, payer)
            changes.append((to_json(answers.to_data()), row["id"]))
        await self.tx.run_many("UPDATE submissions SET answers = ? WHERE id = ?", changes)
        return True

    async def sponsor_approved(self, sponsor_id: int) -> list[tuple[int, str, int]]:
        found = await self.tx.all(
            "SELECT income, occupation, count(*) AS n FROM submissions"
            " WHERE sponsor_id = ? AND status = ? GROUP BY income, occupation"
            " ORDER BY income, occupation",
            sponsor_id,
            str(Status.APPROVED),
        )
        return [(int(r["income"]), r["occupation"], int(r["n"])) for r in found]
