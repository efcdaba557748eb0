"""One update as a channel adapter parsed it: what the dispatcher routes (bot/dispatch.py) and
the worker flow's runner takes whole (bot/service.py)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.flow.events import Incoming


@dataclass(frozen=True)
class Inbound:
    """One update, parsed by its channel."""

    channel: str
    user_id: str
    event: Incoming
    update_key: str | None = None  # its inbox row, if it came through the inbox
    language_code: str | None = None  # what the channel says the person's language is
    name: str | None = None  # the person's display name on the channel (officers are named)
    phone: str | None = None  # their mobile number (E.164), where the channel gives it (WhatsApp)
    contact_button: bool = True  # the channel can share a contact with one tap (Telegram)
