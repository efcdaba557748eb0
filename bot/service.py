"""The worker flow's instance of the runner (bot/runner.py): one worker update = one unit of work.

The state is read, stepped (each Need answered in the unit of work), its effects applied and the
state saved compare-and-set; an update whose flow needs look-ups or writes does them in one
transaction with the save (the storage's worker session). What the update brings (who, what
they sent, what their channel can do) comes whole, as the channel parsed it (bot/inbound.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from bot.domain import StaleConversation
from bot.flow.context import Context, FlowConfig, Outcome
from bot.flow.engine import step
from bot.flow.events import Repeat
from bot.flow.state import Conversation
from bot.i18n import language_from_code
from bot.inbound import Inbound
from bot.runner import run, settle

if TYPE_CHECKING:
    from bot.ports import Repository

MAX_NEEDS = 8  # a flow step asks at most a few questions; more means a bug, not a loop
# Runs of one update when other processes keep saving the same worker's state (a replay racing
# its original, two webhook processes): each retry starts from the state they saved.
STALE_ATTEMPTS = 5
DEFAULT_CONFIG = FlowConfig()


@dataclass(frozen=True)
class Handled:
    """What the channel adapter renders: the outcome and the worker's language."""

    outcome: Outcome
    lang: str
    repeated: bool = False  # applied before (its replies were lost): the pending question again


async def handle_worker(
    repo: Repository, inbound: Inbound, now: datetime, config: FlowConfig = DEFAULT_CONFIG
) -> Handled:
    """Load the conversation, step the flow (answering its Needs), save, and return the replies.

    With an ``update_key`` (its inbox row), an update delivered twice is applied once (the
    replay gets no reply); the save marks it applied.
    When another process saved this worker's state meanwhile, the update runs again on it.
    """
    for attempt in range(STALE_ATTEMPTS):
        try:
            return await _handle_once(repo, inbound, now, config)
        except StaleConversation:
            if attempt == STALE_ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


async def _handle_once(
    repo: Repository, inbound: Inbound, now: datetime, config: FlowConfig
) -> Handled:
    ctx = Context(
        now=now,
        config=config,
        sender_phone=inbound.phone,
        contact_button=inbound.contact_button,
    )
    async with repo.worker(inbound.channel, inbound.user_id, inbound.update_key) as session:
        conv = await session.load() or Conversation()
        if (
            session.already_applied
        ):  # applied before a crash lost its replies: answer, change nothing
            outcome = await settle(step, conv, Repeat(), ctx, session, limit=MAX_NEEDS)
            return Handled(
                outcome, outcome.conv.lang or language_from_code(inbound.language_code), True
            )

        async def save(outcome: Outcome) -> None:
            # After the effects (counts), which began the transaction the save joins: one commit.
            if not session.erased:  # erased: no row keyed by this person is written again
                await session.save(outcome.conv.touched(now), now)

        outcome = await run(step, conv, inbound.event, ctx, session, save, limit=MAX_NEEDS)
    return Handled(outcome, outcome.conv.lang or language_from_code(inbound.language_code))
