"""The ports: the storage Protocols the core depends on, implemented in storage/.

The core (bot/) talks to storage only through these; storage implements them and imports the
core's records, never the other way round (import-linter checks it).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any, Protocol

from bot.flow.needs import WorkerCalls

if TYPE_CHECKING:
    from pathlib import Path

    from bot.domain import (
        AuditTrail,
        BranchScope,
        CardNotes,
        Decision,
        DecisionResult,
        EventDraft,
        EventInfo,
        EventSummary,
        ExportFilter,
        Housekeeping,
        Officer,
        Payer,
        Role,
        Sponsor,
        Statistics,
        Status,
        Submission,
    )
    from bot.flow.state import Conversation
    from bot.messages import Reply
    from bot.rosters import (
        RosterDraft,
        RosterRow,
        RosterSummary,
        RowReport,
        SlipRow,
    )
    from bot.web_desk import (
        AuditFilter,
        AuditLogEntry,
        QueueFilter,
        SponsorAccess,
        SponsorBreakdown,
        WebSession,
    )


@dataclass(frozen=True)
class InboxItem:
    """An update as received from a channel, stored before the channel is told it arrived."""

    channel: str
    update_key: str  # unique per channel: Telegram's update_id, WhatsApp's message id
    chat: str  # whose update (the sender): one chat's updates are applied in order
    payload: str  # the update as the channel sent it (JSON); emptied once answered
    received_at: datetime
    attempts: int = 0


@dataclass(frozen=True)
class SetAside:
    """An update that failed its attempts (a bug, not an outage), kept for an operator."""

    channel: str
    update_key: str
    chat: str
    attempts: int
    set_aside_at: datetime
    last_error: str


@dataclass(frozen=True)
class OutboxItem:
    """A notification waiting to be delivered."""

    id: int
    channel: str
    user_id: str
    lang: str
    reply: Reply
    attempts: int


class WorkerSession(WorkerCalls, Protocol):
    """One worker's update: read the state, apply, write it back, all or nothing.

    The calls its Needs and Effects make are declared with them (bot/flow/needs.py WorkerCalls:
    the flow's needs name them, and this module, which knows the conversation, may import the
    flow but not the other way round). ``save`` (or any other call after ``load``) raises
    bot.domain.StaleConversation when the state changed since ``load``; nothing of the update
    is kept then.
    """

    async def load(self) -> Conversation | None:
        """The state (None for a new chat); also learns whether this update was applied."""
        ...

    @property
    def already_applied(self) -> bool:
        """After ``load``: this update was applied before (a redelivery); skip it."""
        ...

    erased: bool  # after ``erase``: the runner saves no state for them

    async def save(self, conv: Conversation, now: datetime) -> None: ...


class OfficerSession(Protocol):
    """One officer command, as one transaction; submissions only from ``restrict``'s branches."""

    def restrict(self, branches: BranchScope) -> None:
        """Limit every submission query to these branches (None: every branch; an empty tuple:
        none, bot.domain.BranchScope); required first."""
        ...

    async def already_applied(self, channel: str, update_key: str | None) -> bool: ...

    async def mark_applied(self, channel: str, update_key: str | None, now: datetime) -> None:
        """Mark the update applied in this transaction, with its effects."""
        ...

    async def queue(self, limit: int, offset: int) -> list[Submission]: ...

    async def count_pending(self) -> int: ...

    async def count_by_status(self) -> dict[Status, int]: ...

    async def officer(self, user_id: str) -> Officer | None: ...

    async def officers(self) -> list[Officer]: ...

    async def save_officer(self, officer: Officer, by: str, now: datetime) -> None:
        """Add or change an officer's role and branches (an empty name keeps the known one)."""
        ...

    async def rename_officer(self, user_id: str, name: str, now: datetime) -> None:
        """Remember the name the officer's channel gives them (shown instead of their id)."""
        ...

    async def remove_officer(self, user_id: str) -> bool: ...

    async def dialog(self, user_id: str) -> dict[str, Any] | None:
        """The officer's dialog state as stored (JSON data), if a dialog is open."""
        ...

    async def set_dialog(self, user_id: str, state: dict[str, Any] | None, now: datetime) -> None:
        """Keep the dialog state (None: the dialog is over)."""
        ...

    async def get(self, reference: str) -> Submission | None: ...

    async def search(self, kind: str, value: str, limit: int) -> list[Submission]:
        """kind is 'nik', 'phone' or 'name' (case-insensitive substring)."""
        ...

    async def decide(
        self, reference: str, decision: Decision, officer: str, now: datetime
    ) -> DecisionResult:
        """Apply a decision if the submission still waits; a rejection of one whose worker
        asked for erasure comes back with ``erase`` set (the caller erases it after queueing
        the notice: erase_rejected)."""
        ...

    async def erase_rejected(self, reference: str, now: datetime) -> None:
        """Anonymise a rejected submission whose erasure was asked while it was pending, as
        /hapusdata does; its notice still pending is delivered, then deleted."""
        ...

    async def existing(self, references: Sequence[str]) -> set[str]:
        """Which of these references (upper case) exist in the officer's scope: one look for a
        whole import instead of one per row."""
        ...

    async def audit(
        self, actor: str, action: str, reference: str | None, detail: str, now: datetime
    ) -> None: ...

    async def audit_trail(self, reference: str, limit: int) -> AuditTrail:
        """The ``limit`` newest entries (shown oldest first), the actors' names, and the total."""
        ...

    async def notify(
        self, channel: str, user_id: str, reply: Reply, reference: str, now: datetime
    ) -> None:
        """Queue a message to a worker (the outbox), in this transaction."""
        ...

    async def card_notes(self, reference: str) -> CardNotes: ...

    async def statistics(
        self, event_code: str | None, in_progress: frozenset[str]
    ) -> Statistics: ...

    async def create_event(self, draft: EventDraft, by: str, now: datetime) -> None: ...

    async def events(self, limit: int) -> list[EventSummary]: ...

    async def close_event(self, code: str, now: datetime) -> bool: ...

    async def event(self, code: str) -> EventInfo | None:
        """An event of any branch (a submission's card names the event it came through)."""
        ...

    async def own_event(self, code: str) -> EventInfo | None:
        """An event of the officer's branches."""
        ...

    async def sponsors(self) -> list[Sponsor]: ...

    async def create_sponsor(self, sponsor: Sponsor, by: str, now: datetime) -> int: ...

    async def set_sponsor_payer(self, sponsor_id: int, payer: Payer, level: str) -> bool:
        """Change a sponsor of the officer's branches to another payer type, and the copy of it
        in its submissions' answers (what their amounts are computed from); False if none."""
        ...

    async def sponsor_approved(self, sponsor_id: int) -> list[tuple[int, str, int]]:
        """The sponsor's approved workers, counted by declared income and occupation as stored
        (the key, or the typed text): (income, occupation, count)."""
        ...

    async def sponsor(self, sponsor_id: int) -> Sponsor | None: ...

    # The web desk. Links and sessions are not scoped (a session is found before its officer
    # is known); the filtered queue is.
    async def create_login_token(
        self,
        token_hash: str,
        user_id: str,
        lang: str,
        now: datetime,
        expires: datetime,
        access_id: int | None = None,
    ) -> None:
        """A one-time sign-in link (``access_id``: a sponsor's representative's)."""
        ...

    async def use_login_token(
        self, token_hash: str, now: datetime
    ) -> tuple[str, str, int | None] | None:
        """(user id, language, access or None) of an unused, unexpired sign-in link, which is
        used up."""
        ...

    async def open_web_session(
        self,
        session_hash: str,
        user_id: str,
        lang: str,
        role: Role,
        branches: tuple[str, ...],
        now: datetime,
        access_id: int | None = None,
    ) -> None: ...

    async def web_session(self, session_hash: str) -> WebSession | None:
        """An open session (ended ones are None; idle expiry is the caller's)."""
        ...

    async def touch_web_session(self, session_hash: str, now: datetime) -> None: ...

    async def end_web_session(self, session_hash: str, now: datetime) -> None: ...

    async def end_web_sessions(self, user_id: str, now: datetime) -> None: ...

    async def queue_filtered(
        self, chosen: QueueFilter, limit: int, offset: int
    ) -> tuple[int, list[Submission]]:
        """How many of the officer's branches' submissions match, and one page of them."""
        ...

    async def active_niks(self, niks: Sequence[str]) -> frozenset[str]:
        """Which of these NIKs have an active submission (any branch)."""
        ...

    async def blocked_phones(self, phones: Sequence[str]) -> frozenset[str]:
        """Which of these numbers (E.164) declined or were erased: never invited again."""
        ...

    async def create_roster(
        self, draft: RosterDraft, rows: Sequence[RosterRow], by: str, now: datetime
    ) -> int:
        """Store a roster and its rows at once, each with a fresh personal code; its id."""
        ...

    async def begin_roster(self, draft: RosterDraft, by: str, now: datetime) -> int:
        """A roster whose rows come in chunks, each in its own unit of work: seen nowhere
        (lists, slips, invitations, codes) until ``finish_roster``; its id."""
        ...

    async def add_roster_rows(
        self, roster_id: int, rows: Sequence[RosterRow], now: datetime
    ) -> None:
        """Store rows of a roster being imported, each with a fresh personal code."""
        ...

    async def finish_roster(self, roster_id: int, now: datetime) -> None:
        """The roster's last chunk is in: it is seen from now on."""
        ...

    async def drop_roster(self, roster_id: int) -> None:
        """An import that failed: the roster and its rows stored so far are deleted."""
        ...

    async def rosters(self, limit: int) -> list[RosterSummary]:
        """The officer's branches' rosters, newest first, with their rows counted by state."""
        ...

    async def sponsor_rosters(self, sponsor_id: int, limit: int) -> list[RosterSummary]:
        """One sponsor's rosters, newest first, with their rows counted by state."""
        ...

    async def invitable_count(self, roster_id: int, now: datetime) -> int:
        """How many rows of the roster WhatsApp may invite now (consent, a number, never
        invited, not blocked, not expired); 0 when not of the officer's branches."""
        ...

    async def invitable_rows(self, roster_id: int, now: datetime) -> list[int]:
        """The ids of those rows, in file order (empty when not of the officer's branches)."""
        ...

    async def invite_rows(
        self, row_ids: Sequence[int], position: int, daily: int, now: datetime
    ) -> int:
        """Queue the invitations of these rows still invitable, ``daily`` a day counting from
        the batch's ``position``-th (a roster is queued a chunk at a time); how many."""
        ...

    async def roster_slips(self, roster_id: int) -> list[SlipRow]:
        """A roster's rows still to be handed a slip, in file order (empty: not found)."""
        ...

    async def roster_report(self, roster_id: int) -> list[RowReport]:
        """Every row of a roster with its state, in file order (empty: not found)."""
        ...

    # Sponsors' representatives (docs/sponsor-view.md). Granting, listing, revoking and the
    # NIK agreement are scoped by the sponsor's branch; a representative's own look-ups are not
    # (their session names its access, re-read on every request).
    async def grant_sponsor_access(
        self, sponsor_id: int, user_id: str, name: str, by: str, now: datetime
    ) -> int | None: ...

    async def sponsor_accesses(self) -> list[SponsorAccess]: ...

    async def revoke_sponsor_access(
        self, access_id: int, by: str, now: datetime
    ) -> SponsorAccess | None:
        """The access revoked and every session opened under it ended (None: none here)."""
        ...

    async def open_access(self, access_id: int) -> SponsorAccess | None: ...

    async def accesses_of(self, user_id: str) -> list[SponsorAccess]: ...

    async def set_nik_agreement(self, sponsor_id: int, reference: str | None) -> bool: ...

    async def sponsor_breakdown(self, sponsor_id: int) -> SponsorBreakdown: ...

    async def sponsor_records(self, sponsor_id: int, on: date) -> list[dict[str, object]]:
        """The sponsor's workers as export records, full NIKs (mask before handing out)."""
        ...

    async def event_draft(self, code: str) -> tuple[EventDraft, str | None] | None:
        """An event of the officer's branches as stored, and its sponsor's name."""
        ...

    async def audit_log(
        self, chosen: AuditFilter, me: str, limit: int, offset: int
    ) -> tuple[int, list[AuditLogEntry]]: ...


class Repository(Protocol):
    """Storage: sessions for workers and officers, and the outbox for the delivery loop."""

    def worker(
        self, channel: str, user_id: str, update_key: str | None = None
    ) -> AbstractAsyncContextManager[WorkerSession]:
        """One worker update (``update_key``: its inbox row, marked applied by the save)."""
        ...

    def officer(self) -> AbstractAsyncContextManager[OfficerSession]: ...

    async def inbox_receive(
        self, items: Sequence[InboxItem], lease: timedelta, owner: str
    ) -> list[bool]:
        """Store received updates; True for each new one now held by ``owner`` (this process)
        for ``lease``. A new update whose chat has an older one not applied yet and held
        elsewhere is stored unheld (False): the claims take it in its turn."""
        ...

    async def inbox_claim(
        self,
        channel: str,
        now: datetime,
        limit: int,
        lease: timedelta,
        owner: str,
        alive_since: datetime,
    ) -> tuple[list[InboxItem], list[str]]:
        """A channel's updates nobody handles (unheld, lease run out, or held by a process not
        heard from since ``alive_since``), oldest first and in order per chat, now held by
        ``owner``; and the keys of those set aside now, their attempts used up."""
        ...

    async def inbox_answered(
        self, channel: str, update_keys: Sequence[str], now: datetime
    ) -> None:
        """These updates' replies went out: nothing is left to do for them."""
        ...

    async def inbox_extend(
        self, channel: str, update_keys: Sequence[str], until: datetime
    ) -> None:
        """Updates this process is still handling (an outage, a long wait): held until ``until``."""
        ...

    async def inbox_failed(self, channel: str, update_key: str, error: str, now: datetime) -> bool:
        """An attempt failed (not an outage); True when the update is now set aside."""
        ...

    async def inbox_set_aside_new(self, item: InboxItem, error: str, now: datetime) -> None:
        """Record an update that could not be stored as received, set aside."""
        ...

    async def inbox_set_aside(self) -> int:
        """Updates set aside and not answered (for /healthz)."""
        ...

    async def inbox_set_aside_list(self, limit: int) -> list[SetAside]:
        """The updates set aside and not answered, oldest first."""
        ...

    async def inbox_retry(self, update_keys: Sequence[str] | None) -> int:
        """Set-aside updates (these, or all) tried again by the running processes; how many."""
        ...

    async def process_beat(self, process: str, host: str, pid: int, now: datetime) -> None:
        """The heartbeat of process ``process`` (running as ``pid`` on ``host``)."""
        ...

    async def processes_on(self, host: str) -> list[tuple[str, int]]:
        """The processes recorded on ``host``: (id, pid)."""
        ...

    async def processes_gone(self, processes: Sequence[str], now: datetime) -> None:
        """These processes are gone (their updates are taken over at once); long-silent ones
        are forgotten too."""
        ...

    async def inbox_pending(self) -> int: ...

    async def last_received(self, channel: str, chat: str) -> datetime | None:
        """When the chat last wrote (its latest update), if within the inbox's retention: on
        WhatsApp, whether a free-form message may still reach them (the 24-hour window)."""
        ...

    async def due_notifications(
        self,
        now: datetime,
        limit: int,
        lease: timedelta = ...,
        channels: Sequence[str] = ...,
    ) -> list[OutboxItem]:
        """Claim what is due for ``channels``: not offered again until ``lease`` has passed (or
        it fails)."""
        ...

    async def keep_claimed(self, item_ids: Sequence[int], until: datetime) -> None:
        """Claimed rows still being delivered by this process: offered to nobody before
        ``until`` (rows already sent or failed are left as they are)."""
        ...

    async def mark_sent(self, item_id: int, now: datetime, sent_as: str | None = None) -> None:
        """Delivered as the channel's message ``sent_as`` (WhatsApp's wamid; None: no id)."""
        ...

    async def mark_failed_later(self, channel: str, sent_as: str, error: str) -> bool:
        """The channel reported later that its message ``sent_as`` was not delivered: that
        notification becomes undeliverable. False when no notification went out as it."""
        ...

    async def mark_failed(
        self, item_id: int, error: str, retry_at: datetime | None, now: datetime
    ) -> None:
        """retry_at None: undeliverable for good."""
        ...

    async def invitation_statuses(self, updates: Sequence[tuple[str, str]], now: datetime) -> int:
        """WhatsApp's statuses (message id, "sent" / "delivered" / "read") of roster
        invitations: each row moves forward only; how many moved (other messages: none)."""
        ...

    async def invitations_sent_since(self, since: datetime, limit: int) -> list[datetime]:
        """When each of the first ``limit`` unique users got a roster invitation (or its
        reminder) after ``since``, oldest first (WhatsApp's messaging limit)."""
        ...

    async def move_worker(self, channel: str, old: str, new: str) -> bool:
        """A worker's id changed (WhatsApp's BSUID replacing the wa_id): everything keyed by
        (channel, old) is keyed by (channel, new), once, atomically. False: nothing was."""
        ...

    async def bootstrap_admins(
        self, user_ids: tuple[int, ...], now: datetime, channel: str = ...
    ) -> None:
        """These users of ``channel`` (Telegram by default) are admins of every branch."""
        ...

    async def officer_ids(self) -> frozenset[str]:
        """Every officer's key, ``<channel>:<id>`` (bot.identity)."""
        ...

    async def has_dialog(self, user_id: str) -> bool: ...

    async def export(
        self,
        branches: BranchScope,
        chosen: ExportFilter,
        fmt: str,
        out: Path,
        on: date,
    ) -> int:
        """Write an export without holding up other updates (amounts as of ``on``, WIB);
        returns the row count."""
        ...

    async def outbox_backlog(self) -> int: ...

    async def housekeeping(
        self, now: datetime, policy: Housekeeping, reminder: Reply
    ) -> tuple[int, int]: ...

    async def payment_reminders(
        self, now: datetime, month: str, compose: Callable[[Submission], Reply | None]
    ) -> int:
        """Queue this ``month``'s ('YYYY-MM') payment reminder of every worker who asked for
        one and has none for it yet (``compose`` None: nothing to remind of); returns how many."""
        ...

    async def close(self) -> None: ...
