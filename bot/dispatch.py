"""One dispatch for every channel: officer command, officer dialog, or the worker's flow.

A channel adapter parses its update into an ``Inbound`` and renders what comes back; the order
of the decision lives here, once:

1. an officer command (``/antrean``, an ``off:`` button) from an officer goes to the desk;
   from anyone else it goes to the flow, which says the command is for officers;
2. typed text or a document from an officer in the middle of a dialog goes to the desk;
3. everything else is a worker's step in the registration flow.

Whether someone is an officer is known without opening a transaction (a cached set of keys), so
the common case, a worker's message, costs the flow's two round trips and nothing more. An
officer is one on the channel they were made one on: the desk looks up ``<channel>:<id>``
(bot/identity.py), and only on the channels it answers on (not WhatsApp).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime

from bot.domain import OFFICER_COMMANDS
from bot.flow.commands import WORKER_COMMANDS
from bot.flow.context import FlowConfig
from bot.flow.events import Command, Document, Text
from bot.i18n import N_, language_from_code
from bot.identity import OFFICER_CHANNELS, person_key
from bot.inbound import Inbound
from bot.messages import Msg, Reply
from bot.officers import officer_command
from bot.officers.desk import OfficerDesk
from bot.officers.help import near_officer_command, officer_help
from bot.officers.web import REPRESENTATIVE_COMMANDS
from bot.ports import Repository
from bot.service import handle_worker

FetchFile = Callable[[str], Awaitable[bytes]]


@dataclass
class Dispatched:
    """What to send back, in which language, and how to acknowledge a tap."""

    replies: list[Reply] = field(default_factory=list)
    lang: str = "id"
    toast: Msg | None = None  # a short notice on the tapped button (not a message)
    repeated: bool = False  # applied before, its replies lost: the pending question again
    # The first reply answers an accepted tap of the worker flow (it starts with "✓ choice"): a
    # channel that can edit may show it in place of the tapped message (docs/conversation.md,
    # rule 10).
    answers_tap: bool = False


def echo_choice(replies: list[Reply], choice: Msg | None) -> list[Reply]:
    """A tapped answer is acknowledged at the top of the next message: "✓ Nelayan".

    One chat-bound call per answer: on Telegram that message replaces the tapped one (an edit),
    elsewhere it is a new message (docs/conversation.md, rule 10).
    """
    if choice is None or not replies:
        return replies
    first = replies[0]
    tick = Msg(N_("✓ {choice}"), {"choice": choice})
    return [first.after(tick), *replies[1:]]


class Dispatcher:
    """Routes an Inbound to the officer desk or the worker flow (see the module's docstring)."""

    def __init__(self, repo: Repository, config: FlowConfig, desk: OfficerDesk) -> None:
        self.repo = repo
        self.config = config
        self.desk = desk

    async def dispatch(
        self, inbound: Inbound, now: datetime, fetch: FetchFile | None = None
    ) -> Dispatched:
        """Apply one update; the reply (or none) for the channel to render."""
        lang = language_from_code(inbound.language_code)
        event = inbound.event
        officer = inbound.channel in OFFICER_CHANNELS and await self.desk.is_officer(
            person_key(inbound.channel, inbound.user_id), now
        )
        if officer:
            answered = await self._officer(inbound, now, lang, fetch)
            if answered is not None:
                return answered
        elif (
            inbound.channel in OFFICER_CHANNELS
            and isinstance(event, Command)
            and event.name in REPRESENTATIVE_COMMANDS
        ):
            # A sponsor's representative signs in to the web desk as officers do; nothing else
            # of the desk answers them (every other command is the worker flow's).
            who = person_key(inbound.channel, inbound.user_id)
            replies = await self.desk.representative(who, event.name, now, lang)
            if replies is not None:
                return Dispatched(replies=replies, lang=lang)
        handled = await handle_worker(self.repo, inbound, now, self.config)
        outcome = handled.outcome
        return Dispatched(
            replies=echo_choice(outcome.replies, outcome.ack),
            lang=handled.lang,
            toast=outcome.toast,
            repeated=handled.repeated,
            answers_tap=outcome.ack is not None and bool(outcome.replies) and not handled.repeated,
        )

    async def _officer(
        self, inbound: Inbound, now: datetime, lang: str, fetch: FetchFile | None
    ) -> Dispatched | None:
        """An officer's command, dialog answer or /impor file; None: the flow answers it."""
        event, desk = inbound.event, self.desk
        who = person_key(inbound.channel, inbound.user_id)
        if isinstance(event, Command) and event.name == "bantuan":
            return Dispatched(replies=[officer_help()], lang=lang)  # help by role
        if (
            isinstance(event, Command)
            and event.name not in OFFICER_COMMANDS
            and event.name not in WORKER_COMMANDS
            and (near := near_officer_command(event.name, event.args)) is not None
        ):
            return Dispatched(replies=[near], lang=lang)
        asked = officer_command(event)
        replies: list[Reply] | None = None
        if asked is not None:
            replies = await desk.handle(
                who,
                *asked,
                now,
                lang,
                update=(inbound.channel, inbound.update_key),
                name=inbound.name,
            )
        elif isinstance(event, Text):
            replies = await desk.handle_text(
                who,
                event.text,
                now,
                update=(inbound.channel, inbound.update_key),
                name=inbound.name,
                lang=lang,
            )
        elif isinstance(event, Document) and fetch is not None:
            if await desk.wants_document(who, event.caption, now):
                data = await fetch(event.ref)
                replies = await desk.import_document(
                    who,
                    event.filename,
                    data,
                    event.caption,
                    now,
                    lang,
                    update=(inbound.channel, inbound.update_key),
                    name=inbound.name,
                )
        if replies is None:
            return None
        return Dispatched(replies=replies, lang=lang)
