"""Telegram updates → the core's Inbound events."""

from __future__ import annotations

from telegram import Update

from bot.flow.events import Command, Document, Incoming, Press, SharedContact, Text, Unsupported
from bot.inbound import Inbound
from handlers.telegram.groups import from_a_person_in_private

CHANNEL = "tg"


def incoming(update: Update) -> Incoming:
    """What the person did, in the flow's terms."""
    if update.callback_query is not None:
        return Press(update.callback_query.data or "")
    message = update.message
    if message is None:
        return Unsupported("edited" if update.edited_message else "other")
    if message.contact is not None:
        sender = update.effective_user
        own = sender is not None and message.contact.user_id == sender.id
        return SharedContact(message.contact.phone_number, own)
    if message.document is not None:
        return Document(
            message.document.file_name or "impor", message.caption or "", message.document.file_id
        )
    text = message.text or ""
    if text.startswith("/"):
        head, _, args = text.partition(" ")
        # "/status@bpu_bot" in groups: drop the bot's name.
        return Command(head[1:].split("@", 1)[0].lower(), args.strip())
    if text:
        return Text(text)
    return Unsupported(message.effective_attachment.__class__.__name__.lower())


def chat_key(update: Update) -> str:
    """Whose update this is: one chat's updates are applied in order."""
    if update.effective_chat is not None:
        return str(update.effective_chat.id)
    if update.effective_user is not None:
        return str(update.effective_user.id)
    return "0"


def inbound(update: Update) -> Inbound | None:
    """The update as the dispatcher takes it; None unless a person wrote in their private chat
    with the bot (a group, a channel post, an anonymous admin: handlers/telegram/groups.py)."""
    user = update.effective_user
    if user is None or not from_a_person_in_private(update):
        return None
    return Inbound(
        channel=CHANNEL,
        user_id=str(user.id),
        event=incoming(update),
        update_key=str(update.update_id),
        language_code=user.language_code,
        name=user.first_name,
    )
