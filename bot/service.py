"""Runs the pure flow against storage: one worker update = one unit of work.

The flow asks for what it needs (Need); this loop answers from the session and steps again. The
state is read, stepped and saved compare-and-set; an update whose flow needs look-ups or writes
does them in one transaction with the save (see storage/sqlite.py's SqliteWorkerSession).
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from bot.domain import StaleConversation
from bot.flow.context import Context, FlowConfig, Outcome
from bot.flow.engine import step
from bot.flow.events import Incoming, Repeat
from bot.flow.needs import (
    DeclineInvitation,
    Erase,
    EventOf,
    FixTargetOf,
    MatchInvitation,
    MySubmissions,
    Need,
    NikHolder,
    OpenInvitation,
    SetReminder,
    SponsorFor,
    Submit,
)
from bot.flow.state import Conversation
from bot.i18n import language_from_code

if TYPE_CHECKING:
    from bot.ports import Repository, WorkerSession

MAX_NEEDS = 8  # a flow step asks at most a few questions; more means a bug, not a loop
# Runs of one update when other processes keep saving the same worker's state (a replay racing
# its original, two webhook processes): each retry starts from the state they saved.
STALE_ATTEMPTS = 5


@dataclass(frozen=True)
class Handled:
    """What the channel adapter renders: the outcome and the worker's language."""

    outcome: Outcome
    lang: str
    repeated: bool = False  # applied before (its replies were lost): the pending question again


async def answer_need(session: WorkerSession, need: Need[Any], now: datetime) -> Any:
    """Look up or write what the flow asked for."""
    match need:
        case NikHolder(nik):
            return await session.nik_holder(nik)
        case Submit(draft):
            return await session.submit(draft, now)
        case MySubmissions():
            return await session.my_submissions()
        case FixTargetOf(reference):
            return await session.fix_target(reference)
        case EventOf(code):
            return await session.event(code)
        case Erase():
            return await session.erase(now)
        case SponsorFor(event_code, home_code, occupation):
            return await session.sponsor_for(event_code, home_code, occupation, now)
        case SetReminder(reference, on):
            return await session.set_reminder(reference, on, now)
        case OpenInvitation(code, tries, pause_minutes):
            return await session.open_invitation(code, now, tries, pause_minutes)
        case MatchInvitation(code, nik):
            return await session.match_invitation(code, nik, now)
        case DeclineInvitation(code):
            return await session.decline_invitation(code, now)
    raise ValueError(f"unknown need {need!r}")


async def handle_worker(
    repo: Repository,
    channel: str,
    user_id: str,
    event: Incoming,
    now: datetime,
    *,
    language_code: str | None = None,
    config: FlowConfig | None = None,
    update_key: str | None = None,
    sender_phone: str | None = None,
    contact_button: bool = True,
) -> Handled:
    """Load the conversation, step the flow (answering its Needs), save, and return the replies.

    With an ``update_key`` (its inbox row), an update delivered twice is applied once (the
    replay gets no reply); the save marks it applied.
    When another process saved this worker's state meanwhile, the update runs again on it.
    """
    for attempt in range(STALE_ATTEMPTS):
        try:
            return await _handle_once(
                repo,
                channel,
                user_id,
                event,
                now,
                language_code,
                config or FlowConfig(),
                update_key,
                sender_phone,
                contact_button,
            )
        except StaleConversation:
            if attempt == STALE_ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


async def _handle_once(
    repo: Repository,
    channel: str,
    user_id: str,
    event: Incoming,
    now: datetime,
    language_code: str | None,
    config: FlowConfig,
    update_key: str | None,
    sender_phone: str | None,
    contact_button: bool,
) -> Handled:
    async with repo.worker(channel, user_id, update_key) as session:
        conv = await session.load() or Conversation()
        repeated = session.already_applied
        if repeated:  # applied before a crash lost its replies: answer, change nothing
            event = Repeat()
        facts: dict[Hashable, Any] = {}
        for _ in range(MAX_NEEDS):
            ctx = Context(
                now=now,
                facts=facts,
                config=config,
                sender_phone=sender_phone,
                contact_button=contact_button,
            )
            result = step(conv, event, ctx)
            if isinstance(result, Outcome):
                break
            facts[result.key] = await answer_need(session, result, now)
        else:
            raise RuntimeError(f"flow kept asking at step {conv.step}")
        if repeated:
            return Handled(result, result.conv.lang or language_from_code(language_code), True)
        # Counts first: they begin the transaction the save then joins (one commit for both).
        for event_code, kind in result.counters:
            await session.count(event_code, kind, now)
        if not session.erased:  # erased: no row keyed by this person is written again
            await session.save(result.conv.touched(now), now)
    return Handled(result, result.conv.lang or language_from_code(language_code))
