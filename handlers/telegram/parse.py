"""Telegram updates → the flow's Incoming events."""

from __future__ import annotations

from telegram import Update

from bot.flow.events import Command, Incoming, Press, SharedContact, Text, Unsupported


def incoming(update: Update) -> Incoming:
    """What the worker did, in the flow's terms."""
    if update.callback_query is not None:
        return Press(update.callback_query.data or "")
    message = update.message
    if message is None:
        return Unsupported("edited" if update.edited_message else "other")
    if message.contact is not None:
        sender = update.effective_user
        own = sender is not None and message.contact.user_id == sender.id
        return SharedContact(message.contact.phone_number, own)
    text = message.text or ""
    if text.startswith("/"):
        head, _, args = text.partition(" ")
        # "/status@bpu_bot" in groups: drop the bot's name.
        return Command(head[1:].split("@", 1)[0].lower(), args.strip())
    if text:
        return Text(text)
    return Unsupported(message.effective_attachment.__class__.__name__.lower())
