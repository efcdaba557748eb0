"""What the officer desk's pure step asks of the runner (bot/runner.py, through
bot/officers/desk.py), as the worker flow's do (bot/flow/needs.py): each names the session call
that answers or applies it, so the runner has one dispatch for both cores.

The rule for writes, the same in both cores: a write whose answer the step uses is a **Need**
(``CreateSponsor``: the new sponsor's id goes into its audit row; ``CloseEvent``: whether there
was one decides the reply), answered in the transaction the
moment the step asks for it. A write whose answer no step uses is an **Effect** (``CreateEvent``:
the step chose the event's code itself; an audit row; a notice to a worker), applied in the same
transaction, in order, after the last step. Pictures, the export and a roster's import or
invitations are neither: they are made after the transaction has committed (bot/officers/work.py;
a roster job in units of work of its own, a chunk at a time).

A desk need is answered with the officer's session (bot/ports.py OfficerSession), restricted to
the acting officer's branches, and the step's context (``ctx.officer`` acts, at ``ctx.now``).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from bot.domain import (
    AuditTrail,
    CardNotes,
    Decision,
    DecisionResult,
    EventDraft,
    EventInfo,
    EventSummary,
    Officer,
    Payer,
    Sponsor,
    Statistics,
    Submission,
)
from bot.flow.needs import Effect, Need
from bot.flow.questions import REGISTRY
from bot.messages import Reply
from bot.rosters import RosterSummary, RowReport, SlipRow
from bot.web_desk import LINK_VALID, SponsorAccess, secret_hash

if TYPE_CHECKING:
    from bot.ports import OfficerSession


class Acting(Protocol):
    """What a desk need is answered with besides the session: who acts, and when (the step's
    DeskContext)."""

    @property
    def now(self) -> datetime: ...

    @property
    def officer(self) -> Officer: ...


# --- look-ups ------------------------------------------------------------------------------


@dataclass(frozen=True)
class QueuePage(Need[list[Submission]]):
    """Pending submissions of the officer's branches, oldest first."""

    limit: int
    offset: int

    async def answer(self, session: OfficerSession, ctx: Acting) -> list[Submission]:
        return await session.queue(self.limit, self.offset)


@dataclass(frozen=True)
class PendingCount(Need[int]):
    """How many submissions of the officer's branches wait for a decision."""

    async def answer(self, session: OfficerSession, ctx: Acting) -> int:
        return await session.count_pending()


@dataclass(frozen=True)
class SubmissionOf(Need[Submission | None]):
    """One submission of the officer's branches (None: not found, or another branch's)."""

    reference: str

    async def answer(self, session: OfficerSession, ctx: Acting) -> Submission | None:
        return await session.get(self.reference)


@dataclass(frozen=True)
class CardNotesOf(Need[CardNotes]):
    """What the card must say besides the answers (erasure requested, notices undelivered)."""

    reference: str

    async def answer(self, session: OfficerSession, ctx: Acting) -> CardNotes:
        return await session.card_notes(self.reference)


@dataclass(frozen=True)
class OwnEvent(Need[EventInfo | None]):
    """An event of the officer's branches (any branch's: bot.flow.needs.EventOf)."""

    code: str

    async def answer(self, session: OfficerSession, ctx: Acting) -> EventInfo | None:
        return await session.own_event(self.code)


@dataclass(frozen=True)
class SponsorOf(Need[Sponsor | None]):
    """A sponsor by id."""

    sponsor_id: int

    async def answer(self, session: OfficerSession, ctx: Acting) -> Sponsor | None:
        return await session.sponsor(self.sponsor_id)


@dataclass(frozen=True)
class OfficerOf(Need[Officer | None]):
    """An officer by user id (to name who decided)."""

    user_id: str

    async def answer(self, session: OfficerSession, ctx: Acting) -> Officer | None:
        return await session.officer(self.user_id)


@dataclass(frozen=True)
class Search(Need[list[Submission]]):
    """Submissions by NIK, phone or name ('nik' | 'phone' | 'name')."""

    kind: str
    value: str
    limit: int

    async def answer(self, session: OfficerSession, ctx: Acting) -> list[Submission]:
        return await session.search(self.kind, self.value, self.limit)


@dataclass(frozen=True)
class AuditOf(Need[AuditTrail]):
    """A submission's newest audit entries and their total."""

    reference: str
    limit: int

    async def answer(self, session: OfficerSession, ctx: Acting) -> AuditTrail:
        return await session.audit_trail(self.reference, self.limit)


@dataclass(frozen=True)
class Sponsors(Need[list[Sponsor]]):
    """The sponsors of the officer's branches, newest first."""

    async def answer(self, session: OfficerSession, ctx: Acting) -> list[Sponsor]:
        return await session.sponsors()


@dataclass(frozen=True)
class SponsorReport(Need[list[tuple[Sponsor, list[tuple[int, str, int]]]]]):
    """Each sponsor of the officer's branches with its approved workers by income and occupation:
    (income, occupation, count), since the sponsored JKK depends on each worker's income level and
    the PP 50/2025 relief on their sector."""

    async def answer(
        self, session: OfficerSession, ctx: Acting
    ) -> list[tuple[Sponsor, list[tuple[int, str, int]]]]:
        return [(s, await session.sponsor_approved(s.id)) for s in await session.sponsors()]


@dataclass(frozen=True)
class Events(Need[list[EventSummary]]):
    """The officer's branches' events, newest first, with their counts."""

    limit: int

    async def answer(self, session: OfficerSession, ctx: Acting) -> list[EventSummary]:
        return await session.events(self.limit)


@dataclass(frozen=True)
class StatisticsOf(Need[Statistics]):
    """/statistik's counts for the officer's branches (and one event); drafts are "in progress"
    at the questions the registry says are."""

    event_code: str | None

    async def answer(self, session: OfficerSession, ctx: Acting) -> Statistics:
        return await session.statistics(self.event_code, REGISTRY.in_progress)


@dataclass(frozen=True)
class Officers(Need[list[Officer]]):
    """Every officer."""

    async def answer(self, session: OfficerSession, ctx: Acting) -> list[Officer]:
        return await session.officers()


@dataclass(frozen=True)
class Rosters(Need[list[RosterSummary]]):
    """The officer's branches' rosters with their counts."""

    limit: int

    async def answer(self, session: OfficerSession, ctx: Acting) -> list[RosterSummary]:
        return await session.rosters(self.limit)


@dataclass(frozen=True)
class RosterRowsOf(Need[list[RowReport]]):
    """A roster's rows with their states (its per-row report)."""

    roster_id: int

    async def answer(self, session: OfficerSession, ctx: Acting) -> list[RowReport]:
        return await session.roster_report(self.roster_id)


@dataclass(frozen=True)
class RosterSlips(Need[list[SlipRow]]):
    """A roster's rows to print slips for."""

    roster_id: int

    async def answer(self, session: OfficerSession, ctx: Acting) -> list[SlipRow]:
        return await session.roster_slips(self.roster_id)


@dataclass(frozen=True)
class InvitableCount(Need[int]):
    """How many rows of a roster WhatsApp may invite now."""

    roster_id: int

    async def answer(self, session: OfficerSession, ctx: Acting) -> int:
        return await session.invitable_count(self.roster_id, ctx.now)


@dataclass(frozen=True)
class Existing(Need[frozenset[str]]):
    """Which of these references (upper case) exist in the officer's scope: one look for a
    whole import, so a file of 100,000 rows costs a few statements, not one per row."""

    references: tuple[str, ...]

    async def answer(self, session: OfficerSession, ctx: Acting) -> frozenset[str]:
        return frozenset(await session.existing(self.references))


@dataclass(frozen=True)
class SponsorAccesses(Need[list[SponsorAccess]]):
    """The open accesses to the sponsors of the officer's branches."""

    async def answer(self, session: OfficerSession, ctx: Acting) -> list[SponsorAccess]:
        return await session.sponsor_accesses()


# --- writes whose answer the step uses -----------------------------------------------------


@dataclass(frozen=True)
class Order:
    """A decision on one submission."""

    reference: str
    decision: Decision


@dataclass(frozen=True)
class Decide(Need[tuple[DecisionResult, ...]]):
    """Apply decisions, in order; each applies only to a submission still waiting for one."""

    orders: tuple[Order, ...]

    async def answer(self, session: OfficerSession, ctx: Acting) -> tuple[DecisionResult, ...]:
        by, now = ctx.officer.user_id, ctx.now
        return tuple([await session.decide(o.reference, o.decision, by, now) for o in self.orders])


@dataclass(frozen=True)
class CreateSponsor(Need[int]):
    """Store a sponsor; its new id (named in the audit row)."""

    sponsor: Sponsor

    async def answer(self, session: OfficerSession, ctx: Acting) -> int:
        return await session.create_sponsor(self.sponsor, ctx.officer.user_id, ctx.now)


@dataclass(frozen=True)
class SetSponsorPayer(Need[bool]):
    """Change a sponsor's payer type (and the copy its workers' answers carry); False if the
    sponsor is not in the officer's branches."""

    sponsor_id: int
    payer: Payer
    level: str  # the type's key (bot/payers.py), kept in sponsors.level

    async def answer(self, session: OfficerSession, ctx: Acting) -> bool:
        return await session.set_sponsor_payer(self.sponsor_id, self.payer, self.level)


@dataclass(frozen=True)
class CloseEvent(Need[bool]):
    """Close an open event of the officer's branches; False if there is none."""

    code: str

    async def answer(self, session: OfficerSession, ctx: Acting) -> bool:
        return await session.close_event(self.code, ctx.now)


@dataclass(frozen=True)
class RemoveOfficer(Need[bool]):
    """Remove an officer (and their dialog); False if there was none."""

    user_id: str

    async def answer(self, session: OfficerSession, ctx: Acting) -> bool:
        return await session.remove_officer(self.user_id)


@dataclass(frozen=True)
class WebLink(Need[str]):
    """A new one-time sign-in link's secret for the acting officer (its hash is stored, valid
    a few minutes, for the officer's language)."""

    lang: str

    async def answer(self, session: OfficerSession, ctx: Acting) -> str:
        secret = secrets.token_urlsafe(32)
        by, now = ctx.officer.user_id, ctx.now
        await session.create_login_token(secret_hash(secret), by, self.lang, now, now + LINK_VALID)
        return secret


@dataclass(frozen=True)
class GrantAccess(Need[int | None]):
    """Let a named person see a sponsor of the officer's branches; the access id (None: no
    such sponsor in the officer's branches)."""

    sponsor_id: int
    user_id: str
    name: str

    async def answer(self, session: OfficerSession, ctx: Acting) -> int | None:
        return await session.grant_sponsor_access(
            self.sponsor_id, self.user_id, self.name, ctx.officer.user_id, ctx.now
        )


@dataclass(frozen=True)
class RevokeAccess(Need[SponsorAccess | None]):
    """Revoke an access to a sponsor of the officer's branches, ending its web sessions at
    once; the access (None: none such)."""

    access_id: int

    async def answer(self, session: OfficerSession, ctx: Acting) -> SponsorAccess | None:
        return await session.revoke_sponsor_access(self.access_id, ctx.officer.user_id, ctx.now)


@dataclass(frozen=True)
class SetNikAgreement(Need[bool]):
    """Record the agreement allowing a sponsor's full NIKs (None: withdraw it); False if the
    sponsor is not in the officer's branches."""

    sponsor_id: int
    reference: str | None

    async def answer(self, session: OfficerSession, ctx: Acting) -> bool:
        return await session.set_nik_agreement(self.sponsor_id, self.reference)


# --- effects: writes whose answer no step uses -----------------------------------------------


@dataclass(frozen=True)
class Audit(Effect):
    """An audit row by the acting officer."""

    action: str
    reference: str | None
    detail: str

    async def apply(self, session: OfficerSession, ctx: Acting) -> None:
        by = ctx.officer.user_id
        await session.audit(by, self.action, self.reference, self.detail, ctx.now)


@dataclass(frozen=True)
class Notify(Effect):
    """A message to a worker, through the outbox."""

    channel: str
    user_id: str
    reply: Reply
    reference: str

    async def apply(self, session: OfficerSession, ctx: Acting) -> None:
        await session.notify(self.channel, self.user_id, self.reply, self.reference, ctx.now)


@dataclass(frozen=True)
class CreateEvent(Effect):
    """Store an event (its code is the step's own choice, so nothing is read back)."""

    draft: EventDraft

    async def apply(self, session: OfficerSession, ctx: Acting) -> None:
        await session.create_event(self.draft, ctx.officer.user_id, ctx.now)


@dataclass(frozen=True)
class SaveOfficer(Effect):
    """Add an officer or change their role and branches."""

    officer: Officer

    async def apply(self, session: OfficerSession, ctx: Acting) -> None:
        await session.save_officer(self.officer, ctx.officer.user_id, ctx.now)


@dataclass(frozen=True)
class EndWebSessions(Effect):
    """End every web desk session of the acting officer."""

    async def apply(self, session: OfficerSession, ctx: Acting) -> None:
        await session.end_web_sessions(ctx.officer.user_id, ctx.now)


@dataclass(frozen=True)
class EraseRejected(Effect):
    """Anonymise a rejected submission whose worker asked for erasure while it was pending, as
    /hapusdata does; its rejection notice, queued before, is still delivered (then deleted)."""

    reference: str

    async def apply(self, session: OfficerSession, ctx: Acting) -> None:
        await session.erase_rejected(self.reference, ctx.now)
