"""An in-memory fake of bot.ports.OfficerSession, for the officer transcripts.

Small and literal: lists and dicts in a ``World``, the same scoping rule as storage/sql (an
officer sees the submissions, events and sponsors of their branches). What it does not model
(the outbox's delivery, undeliverable notices, erasure requests, drafts' steps) it answers as
empty. The real SQL is covered by the Telegram tests (tests/handlers) on a SQLite file.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

from bot.domain import (
    BLOCKING_STATUSES,
    AuditEntry,
    AuditTrail,
    CardNotes,
    Decision,
    DecisionResult,
    EventDraft,
    EventInfo,
    EventSummary,
    Officer,
    Payer,
    Role,
    Sponsor,
    Statistics,
    Status,
    Submission,
)
from bot.messages import Reply
from bot.rosters import RosterDraft, RosterRow, RosterSummary, RowReport, RowState, SlipRow
from bot.web_desk import (
    AuditFilter,
    AuditLogEntry,
    QueueFilter,
    SponsorAccess,
    SponsorBreakdown,
    WebSession,
)


@dataclass
class Event:
    """An event as stored."""

    draft: EventDraft
    closed: bool = False
    opened: int = 0
    consented: int = 0


@dataclass
class Notice:
    """A notice queued for a worker."""

    channel: str
    user_id: str
    reply: Reply
    reference: str


@dataclass
class World:
    """Everything the fake session reads and writes."""

    officers: dict[str, Officer] = field(default_factory=dict)
    submissions: dict[str, Submission] = field(default_factory=dict)
    events: dict[str, Event] = field(default_factory=dict)
    sponsors: dict[int, Sponsor] = field(default_factory=dict)
    audit: list[tuple[datetime, str, str, str | None, str]] = field(default_factory=list)
    outbox: list[Notice] = field(default_factory=list)
    dialogs: dict[str, dict[str, Any]] = field(default_factory=dict)
    applied: set[tuple[str, str]] = field(default_factory=set)
    # hash → (user, lang, access)
    web_links: dict[str, tuple[str, str, int | None]] = field(default_factory=dict)
    web_sessions: dict[str, WebSession] = field(default_factory=dict)  # open ones, by hash
    accesses: dict[int, SponsorAccess] = field(default_factory=dict)  # open ones, by id

    rosters: dict[int, tuple[RosterDraft, list[RosterRow], datetime]] = field(default_factory=dict)


class FakeOfficerSession:
    """bot.ports.OfficerSession over a World."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.scope: tuple[str, ...] | None = ()

    def restrict(self, branches: tuple[str, ...] | None) -> None:
        self.scope = branches

    def _sees(self, branch: str) -> bool:
        return self.scope is None or branch in self.scope

    async def already_applied(self, channel: str, update_key: str | None) -> bool:
        return update_key is not None and (channel, update_key) in self.world.applied

    async def mark_applied(self, channel: str, update_key: str | None, now: datetime) -> None:
        if update_key is not None:
            self.world.applied.add((channel, update_key))

    # --- review ---------------------------------------------------------------------------

    def _mine(self) -> list[Submission]:
        return [s for s in self.world.submissions.values() if self._sees(s.branch)]

    async def queue(self, limit: int, offset: int) -> list[Submission]:
        waiting = [s for s in self._mine() if s.status is Status.SUBMITTED]
        waiting.sort(key=lambda s: s.submitted_at)
        return waiting[offset : offset + limit]

    async def count_pending(self) -> int:
        return (await self.count_by_status()).get(Status.SUBMITTED, 0)

    async def count_by_status(self) -> dict[Status, int]:
        return dict(Counter(s.status for s in self._mine()))

    async def get(self, reference: str) -> Submission | None:
        sub = self.world.submissions.get(reference.upper())
        return sub if sub is not None and self._sees(sub.branch) else None

    async def search(self, kind: str, value: str, limit: int) -> list[Submission]:
        if kind == "name":
            found = [s for s in self._mine() if value.casefold() in s.name.casefold()]
        else:
            found = [s for s in self._mine() if getattr(s, kind) == value]
        return found[::-1][:limit]

    async def existing(self, references: Sequence[str]) -> set[str]:
        wanted = {r.upper() for r in references}
        return {r for r in wanted if await self.get(r) is not None}

    async def decide(
        self, reference: str, decision: Decision, officer: str, now: datetime
    ) -> DecisionResult:
        sub = await self.get(reference)
        if sub is None:
            return DecisionResult(False, None)
        if sub.status is not Status.SUBMITTED:
            return DecisionResult(False, sub)
        decided = replace(
            sub,
            status=decision.status,
            kpj=decision.kpj,
            note=decision.note,
            fix_fields=decision.fix_fields,
            decided_by=officer,
            decided_at=now,
        )
        self.world.submissions[sub.reference] = decided
        return DecisionResult(True, decided)

    async def erase_rejected(self, reference: str, now: datetime) -> None:
        raise AssertionError("the transcripts' world holds no erasure requests")

    async def audit(
        self, actor: str, action: str, reference: str | None, detail: str, now: datetime
    ) -> None:
        self.world.audit.append((now, actor, action, reference, detail))

    async def audit_trail(self, reference: str, limit: int) -> AuditTrail:
        rows = [row for row in self.world.audit if row[3] == reference]
        entries = tuple(
            AuditEntry(at, actor, self._name(actor), action, detail)
            for at, actor, action, _, detail in rows[-limit:]
        )
        return AuditTrail(entries, len(rows))

    def _name(self, user_id: str) -> str:
        officer = self.world.officers.get(user_id)
        return officer.name if officer is not None else ""

    async def notify(
        self, channel: str, user_id: str, reply: Reply, reference: str, now: datetime
    ) -> None:
        self.world.outbox.append(Notice(channel, user_id, reply, reference))

    async def card_notes(self, reference: str) -> CardNotes:
        return CardNotes(erasure_requested_at=None, undeliverable=0)

    async def statistics(self, event_code: str | None, in_progress: frozenset[str]) -> Statistics:
        subs = [s for s in self._mine() if event_code is None or s.event_code == event_code]
        events = [
            e
            for code, e in self.world.events.items()
            if self._sees(e.draft.branch) and event_code in (None, code)
        ]
        return Statistics(
            opened=sum(e.opened for e in events),
            consented=sum(e.consented for e in events),
            by_status=dict(Counter(s.status for s in subs)),
            stopped_at=[],
            by_occupation=Counter(s.answers.occupation_words for s in subs).most_common(12),
            by_region=Counter(s.home_code for s in subs).most_common(12),
            by_sex=Counter(str(s.answers.sex) for s in subs).most_common(12),
        )

    # --- staff ----------------------------------------------------------------------------

    async def officer(self, user_id: str) -> Officer | None:
        return self.world.officers.get(user_id)

    async def officers(self) -> list[Officer]:
        return sorted(self.world.officers.values(), key=lambda o: (str(o.role), o.user_id))

    async def save_officer(self, officer: Officer, by: str, now: datetime) -> None:
        known = self.world.officers.get(officer.user_id)
        name = officer.name or (known.name if known is not None else "")
        self.world.officers[officer.user_id] = replace(officer, name=name)

    async def rename_officer(self, user_id: str, name: str, now: datetime) -> None:
        officer = self.world.officers.get(user_id)
        if officer is not None:
            self.world.officers[user_id] = replace(officer, name=name)

    async def remove_officer(self, user_id: str) -> bool:
        self.world.dialogs.pop(user_id, None)
        return self.world.officers.pop(user_id, None) is not None

    async def dialog(self, user_id: str) -> dict[str, Any] | None:
        return self.world.dialogs.get(user_id)

    async def set_dialog(self, user_id: str, state: dict[str, Any] | None, now: datetime) -> None:
        if state is None:
            self.world.dialogs.pop(user_id, None)
        else:
            self.world.dialogs[user_id] = state

    # --- outreach -------------------------------------------------------------------------

    async def create_event(self, draft: EventDraft, by: str, now: datetime) -> None:
        self.world.events[draft.code] = Event(draft)

    async def events(self, limit: int) -> list[EventSummary]:
        mine = [e for e in self.world.events.values() if self._sees(e.draft.branch)]
        mine.sort(key=lambda e: e.draft.day, reverse=True)
        return [self._summary(e) for e in mine[:limit]]

    def _summary(self, event: Event) -> EventSummary:
        subs = [s for s in self.world.submissions.values() if s.event_code == event.draft.code]
        return EventSummary(
            code=event.draft.code,
            name=event.draft.name,
            day=event.draft.day,
            region_code=event.draft.region_code,
            closed=event.closed,
            opened=event.opened,
            consented=event.consented,
            submitted=len(subs),
            approved=sum(s.status is Status.APPROVED for s in subs),
        )

    async def close_event(self, code: str, now: datetime) -> bool:
        event = self.world.events.get(code)
        if event is None or event.closed or not self._sees(event.draft.branch):
            return False
        event.closed = True
        return True

    async def event(self, code: str) -> EventInfo | None:
        event = self.world.events.get(code)
        if event is None:
            return None
        draft = event.draft
        return EventInfo(draft.code, draft.name, not event.closed, draft.sponsor_id)

    async def own_event(self, code: str) -> EventInfo | None:
        event = self.world.events.get(code)
        return await self.event(code) if event and self._sees(event.draft.branch) else None

    def _taken(self, sponsor: Sponsor) -> Sponsor:
        taken = sum(
            s.sponsor_id == sponsor.id and s.status in BLOCKING_STATUSES
            for s in self.world.submissions.values()
        )
        return replace(sponsor, taken=taken)

    async def sponsors(self) -> list[Sponsor]:
        mine = [s for s in self.world.sponsors.values() if self._sees(s.branch)]
        return [self._taken(s) for s in sorted(mine, key=lambda s: -s.id)]

    async def create_sponsor(self, sponsor: Sponsor, by: str, now: datetime) -> int:
        new_id = max(self.world.sponsors, default=0) + 1
        self.world.sponsors[new_id] = replace(sponsor, id=new_id)
        return new_id

    async def set_sponsor_payer(self, sponsor_id: int, payer: Payer, level: str) -> bool:
        sponsor = self.world.sponsors.get(sponsor_id)
        if sponsor is None or not self._sees(sponsor.branch):
            return False
        self.world.sponsors[sponsor_id] = replace(sponsor, payer=payer, level=level)
        for reference, sub in list(self.world.submissions.items()):
            if sub.sponsor_id == sponsor_id and sub.answers.sponsor is not None:
                answers = sub.answers.copy()
                answers.sponsor = replace(sub.answers.sponsor, payer=payer)
                self.world.submissions[reference] = replace(sub, answers=answers)
        return True

    async def sponsor_approved(self, sponsor_id: int) -> list[tuple[int, str, int]]:
        groups = Counter(
            (s.answers.income or 0, s.answers.occupation_words)
            for s in self.world.submissions.values()
            if s.sponsor_id == sponsor_id and s.status is Status.APPROVED
        )
        return [(income, job, n) for (income, job), n in sorted(groups.items())]

    async def sponsor(self, sponsor_id: int) -> Sponsor | None:
        sponsor = self.world.sponsors.get(sponsor_id)
        return self._taken(sponsor) if sponsor is not None else None

    # --- the web desk -------------------------------------------------------------------------

    async def create_login_token(
        self,
        token_hash: str,
        user_id: str,
        lang: str,
        now: datetime,
        expires: datetime,
        access_id: int | None = None,
    ) -> None:
        self.world.web_links[token_hash] = (user_id, lang, access_id)

    async def use_login_token(
        self, token_hash: str, now: datetime
    ) -> tuple[str, str, int | None] | None:
        return self.world.web_links.pop(token_hash, None)

    async def open_web_session(
        self,
        session_hash: str,
        user_id: str,
        lang: str,
        role: Role,
        branches: tuple[str, ...],
        now: datetime,
        access_id: int | None = None,
    ) -> None:
        kept = WebSession(user_id, lang, role if access_id is None else None, branches, now)
        self.world.web_sessions[session_hash] = replace(kept, access_id=access_id)

    async def web_session(self, session_hash: str) -> WebSession | None:
        return self.world.web_sessions.get(session_hash)

    async def touch_web_session(self, session_hash: str, now: datetime) -> None:
        if session_hash in self.world.web_sessions:
            found = self.world.web_sessions[session_hash]
            self.world.web_sessions[session_hash] = replace(found, last_seen_at=now)

    async def end_web_session(self, session_hash: str, now: datetime) -> None:
        self.world.web_sessions.pop(session_hash, None)

    async def end_web_sessions(self, user_id: str, now: datetime) -> None:
        for key, found in list(self.world.web_sessions.items()):
            if found.user_id == user_id:
                del self.world.web_sessions[key]

    async def queue_filtered(
        self, chosen: QueueFilter, limit: int, offset: int
    ) -> tuple[int, list[Submission]]:
        found = [s for s in self._mine() if s.status is chosen.status]
        found.sort(key=lambda s: s.submitted_at)
        return len(found), found[offset : offset + limit]

    async def active_niks(self, niks: Sequence[str]) -> frozenset[str]:
        active = {s.nik for s in self.world.submissions.values() if s.status in BLOCKING_STATUSES}
        return frozenset(set(niks) & active)

    async def blocked_phones(self, phones: Sequence[str]) -> frozenset[str]:
        return frozenset()

    async def create_roster(
        self, draft: RosterDraft, rows: Sequence[RosterRow], by: str, now: datetime
    ) -> int:
        new_id = max(self.world.rosters, default=0) + 1
        self.world.rosters[new_id] = (draft, list(rows), now)
        return new_id

    async def begin_roster(self, draft: RosterDraft, by: str, now: datetime) -> int:
        return await self.create_roster(draft, (), by, now)

    async def add_roster_rows(
        self, roster_id: int, rows: Sequence[RosterRow], now: datetime
    ) -> None:
        self.world.rosters[roster_id][1].extend(rows)

    async def finish_roster(self, roster_id: int, now: datetime) -> None:
        pass

    async def drop_roster(self, roster_id: int) -> None:
        self.world.rosters.pop(roster_id, None)

    async def rosters(self, limit: int) -> list[RosterSummary]:
        return self._summaries(lambda draft: self._sees(draft.branch), limit)

    async def sponsor_rosters(self, sponsor_id: int, limit: int) -> list[RosterSummary]:
        return self._summaries(lambda draft: draft.sponsor_id == sponsor_id, limit)

    def _summaries(self, shown: Callable[[RosterDraft], bool], limit: int) -> list[RosterSummary]:
        found = [
            RosterSummary(
                roster_id,
                draft.sponsor_id,
                self.world.sponsors[draft.sponsor_id].name,
                draft.agreement,
                created,
                draft.expires_at,
                {RowState.IMPORTED: len(rows)},
            )
            for roster_id, (draft, rows, created) in self.world.rosters.items()
            if shown(draft)
        ]
        return sorted(found, key=lambda r: -r.id)[:limit]

    async def invitable_count(self, roster_id: int, now: datetime) -> int:
        draft, rows, _ = self.world.rosters.get(roster_id, (None, [], None))
        if draft is None or not self._sees(draft.branch) or not draft.whatsapp_consent:
            return 0
        return sum(1 for row in rows if row.phone)

    async def invitable_rows(self, roster_id: int, now: datetime) -> list[int]:
        return list(range(await self.invitable_count(roster_id, now)))

    async def invite_rows(
        self, row_ids: Sequence[int], position: int, daily: int, now: datetime
    ) -> int:
        return len(row_ids)

    async def roster_slips(self, roster_id: int) -> list[SlipRow]:
        draft, rows, _ = self.world.rosters.get(roster_id, (None, [], None))
        if draft is None or not self._sees(draft.branch):
            return []
        return [SlipRow(row.name, f"UND-2345{row.line % 10}-ABCDE") for row in rows]

    async def roster_report(self, roster_id: int) -> list[RowReport]:
        draft, rows, _ = self.world.rosters.get(roster_id, (None, [], None))
        if draft is None or not self._sees(draft.branch):
            return []
        return [RowReport(r.line, r.nik, r.phone, RowState.IMPORTED, "", None) for r in rows]

    # --- sponsors' representatives ----------------------------------------------------------

    async def grant_sponsor_access(
        self, sponsor_id: int, user_id: str, name: str, by: str, now: datetime
    ) -> int | None:
        sponsor = self.world.sponsors.get(sponsor_id)
        if sponsor is None or not self._sees(sponsor.branch):
            return None
        new_id = max(self.world.accesses, default=0) + 1
        made = SponsorAccess(new_id, sponsor_id, sponsor.name, user_id, name, by, now)
        self.world.accesses[new_id] = made
        return new_id

    async def sponsor_accesses(self) -> list[SponsorAccess]:
        return [
            a
            for a in self.world.accesses.values()
            if self._sees(self.world.sponsors[a.sponsor_id].branch)
        ]

    async def revoke_sponsor_access(
        self, access_id: int, by: str, now: datetime
    ) -> SponsorAccess | None:
        found = self.world.accesses.get(access_id)
        if found is None or not self._sees(self.world.sponsors[found.sponsor_id].branch):
            return None
        del self.world.accesses[access_id]
        for key, session in list(self.world.web_sessions.items()):
            if session.access_id == access_id:
                del self.world.web_sessions[key]
        return found

    async def open_access(self, access_id: int) -> SponsorAccess | None:
        return self.world.accesses.get(access_id)

    async def accesses_of(self, user_id: str) -> list[SponsorAccess]:
        return [a for a in self.world.accesses.values() if a.user_id == user_id]

    async def set_nik_agreement(self, sponsor_id: int, reference: str | None) -> bool:
        sponsor = self.world.sponsors.get(sponsor_id)
        if sponsor is None or not self._sees(sponsor.branch):
            return False
        self.world.sponsors[sponsor_id] = replace(sponsor, nik_agreement=reference)
        return True

    async def sponsor_breakdown(self, sponsor_id: int) -> SponsorBreakdown:
        raise NotImplementedError("the web desk's pages are tested on real storage")

    async def sponsor_records(self, sponsor_id: int, on: date) -> list[dict[str, object]]:
        raise NotImplementedError("the web desk's pages are tested on real storage")

    async def event_draft(self, code: str) -> tuple[EventDraft, str | None] | None:
        raise NotImplementedError("the web desk's pages are tested on real storage")

    async def audit_log(
        self, chosen: AuditFilter, me: str, limit: int, offset: int
    ) -> tuple[int, list[AuditLogEntry]]:
        raise NotImplementedError("the web desk's pages are tested on real storage")
