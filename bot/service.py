"""Runs the pure flow against storage: one worker update = one unit of work.

The flow asks for what it needs (Need); this loop answers from the session and steps again. The
state is read, stepped and saved compare-and-set; an update whose flow needs look-ups or writes
does them in one transaction with the save (see storage/sqlite.py's SqliteWorkerSession).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from bot.domain import StaleConversation
from bot.flow.context import Context, FlowConfig, Outcome
from bot.flow.engine import step
from bot.flow.events import Incoming, Need, NeedKind
from bot.flow.state import Conversation
from bot.i18n import language_from_code

if TYPE_CHECKING:
    from storage.repository import Repository, WorkerSession

MAX_NEEDS = 8  # a flow step asks at most a few questions; more means a bug, not a loop
# Update ids remembered per chat. Telegram delivers a chat's updates in order and retries within
# minutes, so a replay is always among a chat's last few; keeping them in the state row costs no
# extra database round trip.
REMEMBERED_UPDATES = 20
# Runs of one update when other processes keep saving the same worker's state (a replay racing
# its original, two webhook processes): each retry starts from the state they saved.
STALE_ATTEMPTS = 5


@dataclass(frozen=True)
class Handled:
    """What the channel adapter renders: the outcome and the worker's language."""

    outcome: Outcome
    lang: str
    duplicate: bool = False  # the update was applied before: nothing to send


async def answer_need(session: WorkerSession, need: Need, now: datetime) -> Any:
    """Look up or write what the flow asked for."""
    match need.kind:
        case NeedKind.NIK_BLOCKED:
            return await session.nik_holder(need.arg)
        case NeedKind.SUBMIT:
            return await session.submit(need.arg, now)
        case NeedKind.MY_SUBMISSIONS:
            return await session.my_submissions()
        case NeedKind.FIX_TARGET:
            return await session.fix_target(need.arg)
        case NeedKind.EVENT:
            return await session.event(need.arg)
        case NeedKind.ERASE:
            return await session.erase(now)
        case NeedKind.SPONSOR:
            event_code, home_code, occupation = need.arg.split("|")
            return await session.sponsor_for(event_code or None, home_code, occupation, now)
    raise ValueError(f"unknown need {need.kind}")


async def handle_worker(
    repo: Repository,
    channel: str,
    user_id: str,
    event: Incoming,
    now: datetime,
    *,
    language_code: str | None = None,
    config: FlowConfig | None = None,
    update_id: int | None = None,
) -> Handled:
    """Load the conversation, step the flow (answering its Needs), save, and return the replies.

    With an ``update_id``, an update delivered twice is applied once (the replay gets no reply).
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
                update_id,
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
    update_id: int | None,
) -> Handled:
    async with repo.worker(channel, user_id) as session:
        conv = await session.load() or Conversation()
        if update_id is not None and update_id in conv.recent_updates:
            lang = conv.lang or language_from_code(language_code)
            return Handled(Outcome(conv, []), lang, duplicate=True)
        facts: dict[str, Any] = {}
        for _ in range(MAX_NEEDS):
            ctx = Context(now=now, facts=facts, config=config)
            result = step(conv, event, ctx)
            if isinstance(result, Outcome):
                break
            facts[result.key] = await answer_need(session, result, now)
        else:
            raise RuntimeError(f"flow kept asking at step {conv.step}")
        if update_id is not None:
            result.conv.recent_updates = [*conv.recent_updates, update_id][-REMEMBERED_UPDATES:]
        # Counts first: they begin the transaction the save then joins (one commit for both).
        for event_code, kind in result.counters:
            await session.count(event_code, kind, now)
        await session.save(result.conv.touched(now), now)
    return Handled(result, result.conv.lang or language_from_code(language_code))
