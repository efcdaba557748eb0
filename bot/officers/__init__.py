"""Branch officers' workspace: the queue, cards, decisions, search, audit, officer management.

Shaped like the worker flow: ``step.step(state, event, ctx)`` is pure (state.py: the dialogs and
their typed forms; needs.py: what it asks of storage; work.py: what is made after the
transaction; context.py: what it is given and gives back), the commands and dialogs live by
noun (review, decisions, events, sponsors, reports, admin; common.py and views.py below them),
and desk.py's ``OfficerDesk`` runs it through the runner (bot/runner.py) for the dispatcher. Nothing here imports desk.py or step.py back (no cycles).
"""

from __future__ import annotations

from bot.domain import OFFICER_COMMANDS
from bot.flow.events import Command, Incoming, Press


def officer_command(event: Incoming) -> tuple[str, str] | None:
    """An officer's typed command or tapped 'off:<command>:<args>' button as (command, args)."""
    if isinstance(event, Command) and event.name in OFFICER_COMMANDS:
        return event.name, event.args
    if isinstance(event, Press) and event.data.startswith("off:"):
        _, command, args = [*event.data.split(":", 2), "", ""][:3]
        return command, args
    return None
