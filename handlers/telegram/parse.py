"""Telegram updates → what the bot reads of them (``Received``) → the core's Inbound events.

The kinds the bot answers (a message, an edited message, a tap) are read straight from
Telegram's JSON: building PTB's ``Update`` for them (a ``Message`` sets over a hundred
attributes) was the largest part of an update's CPU time in benchmarks/run.py, and the bot reads
a dozen fields. Any other kind is read through PTB's ``Update`` (its effective user, chat and
message), so it is taken exactly as PTB takes it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from telegram import Update

from bot.flow.events import Command, Document, Incoming, Press, SharedContact, Text, Unsupported
from bot.inbound import Inbound
from handlers.telegram.groups import from_a_person_in_private

CHANNEL = "tg"

# What a message may carry besides text (the Bot API's attachment fields, PTB's
# MessageAttachmentType): the first one present names an unsupported message's kind.
ATTACHMENTS = (
    "animation",
    "audio",
    "dice",
    "game",
    "invoice",
    "location",
    "passport_data",
    "photo",
    "poll",
    "sticker",
    "story",
    "successful_payment",
    "venue",
    "video",
    "video_note",
    "voice",
    "paid_media",
)


@dataclass(frozen=True, slots=True)
class Sender:
    """Who sent the update (PTB's ``effective_user``)."""

    id: int
    is_bot: bool = False
    first_name: str = ""
    language_code: str | None = None


@dataclass(frozen=True, slots=True)
class Chat:
    """Where the update happened (PTB's ``effective_chat``)."""

    id: int
    type: str


@dataclass(frozen=True, slots=True)
class Tap:
    """A tap on an inline button: its id (to stop the spinner) and the tapped message's chat and
    id, when it has one (to edit it into the answer)."""

    id: str
    message: tuple[int, int] | None = None


@dataclass(frozen=True, slots=True)
class Received:
    """One Telegram update, as much of it as the bot reads."""

    update_id: int
    event: Incoming  # what the person did, in the flow's terms
    sender: Sender | None = None
    chat: Chat | None = None
    on_behalf_of_chat: bool = False  # its message was sent as a chat (``sender_chat``)
    tap: Tap | None = None
    # A new message's text or caption ("" without either); None when it is not a new message.
    said: str | None = None
    replies_to_bot: bool = False  # a new message answering one of a bot's


def received(data: Mapping[str, Any]) -> Received:
    """What the bot reads of an update given as Telegram's JSON. Raises (KeyError, TypeError,
    ValueError, AttributeError) on JSON that is not an update of its kind."""
    update_id = int(data["update_id"])
    message = data.get("message")
    if message is not None:
        return _message(update_id, message)
    edited = data.get("edited_message")
    if edited is not None:
        sender = _sender(edited.get("from"))
        return Received(
            update_id,
            Unsupported("edited"),
            sender,
            _chat(edited["chat"]),
            edited.get("sender_chat") is not None,
        )
    query = data.get("callback_query")
    if query is not None:
        return _tap(update_id, query)
    return _other(data)


def _message(update_id: int, message: Mapping[str, Any]) -> Received:
    sender = _sender(message.get("from"))
    replied = message.get("reply_to_message")
    replied_from = replied.get("from") if replied is not None else None
    return Received(
        update_id,
        _incoming(message, sender),
        sender,
        _chat(message["chat"]),
        message.get("sender_chat") is not None,
        said=message.get("text") or message.get("caption") or "",
        replies_to_bot=replied_from is not None and bool(replied_from.get("is_bot")),
    )


def _incoming(message: Mapping[str, Any], sender: Sender | None) -> Incoming:
    """What the person did with a new message, in the flow's terms."""
    contact = message.get("contact")
    if contact is not None:
        own = sender is not None and contact.get("user_id") == sender.id
        return SharedContact(contact["phone_number"], own)
    document = message.get("document")
    if document is not None:
        filename = document.get("file_name") or "impor"
        return Document(filename, message.get("caption") or "", document["file_id"])
    text = message.get("text") or ""
    if text.startswith("/"):
        head, _, args = text.partition(" ")
        # "/status@bpu_bot" in groups: drop the bot's name.
        return Command(head[1:].split("@", 1)[0].lower(), args.strip())
    if text:
        return Text(text)
    return Unsupported(next((kind for kind in ATTACHMENTS if kind in message), "other"))


def _tap(update_id: int, query: Mapping[str, Any]) -> Received:
    """A tap; of the tapped message only its chat and id are read (not its text and buttons)."""
    pressed, sender, query_id = (
        Press(query.get("data") or ""),
        _sender(query["from"]),
        str(query["id"]),
    )
    tapped = query.get("message")
    if tapped is None:  # a button of an inline message: no chat, nothing to edit
        return Received(update_id, pressed, sender, tap=Tap(query_id))
    chat = _chat(tapped["chat"])
    # Only an accessible message (date not 0) is PTB's effective message.
    on_behalf = tapped.get("date") != 0 and tapped.get("sender_chat") is not None
    return Received(
        update_id,
        pressed,
        sender,
        chat,
        on_behalf,
        Tap(query_id, (chat.id, int(tapped["message_id"]))),
    )


def _other(data: Mapping[str, Any]) -> Received:
    """A kind the bot does not answer (it asks for none of them): as PTB sees its sender."""
    update = Update.de_json(dict(data), None)
    user, chat, message = update.effective_user, update.effective_chat, update.effective_message
    return Received(
        update.update_id,
        Unsupported("other"),
        Sender(user.id, user.is_bot, user.first_name, user.language_code) if user else None,
        Chat(chat.id, chat.type) if chat is not None else None,
        message is not None and message.sender_chat is not None,
    )


def _sender(user: Mapping[str, Any] | None) -> Sender | None:
    if user is None:
        return None
    return Sender(
        int(user["id"]),
        bool(user.get("is_bot", False)),
        user.get("first_name") or "",
        user.get("language_code"),
    )


def _chat(chat: Mapping[str, Any]) -> Chat:
    return Chat(int(chat["id"]), chat["type"])


def of_update(update: Update) -> Received:
    """What the bot reads of a PTB Update (one PTB's own handlers were given)."""
    return received(update.to_dict())


def chat_key(update: Received) -> str:
    """Whose update this is: one chat's updates are applied in order."""
    if update.chat is not None:
        return str(update.chat.id)
    if update.sender is not None:
        return str(update.sender.id)
    return "0"


def inbound(update: Received) -> Inbound | None:
    """The update as the dispatcher takes it; None unless a person wrote in their private chat
    with the bot (a group, a channel post, an anonymous admin: handlers/telegram/groups.py)."""
    user = update.sender
    if user is None or not from_a_person_in_private(update):
        return None
    return Inbound(
        channel=CHANNEL,
        user_id=str(user.id),
        event=update.event,
        update_key=str(update.update_id),
        language_code=user.language_code,
        name=user.first_name,
    )
