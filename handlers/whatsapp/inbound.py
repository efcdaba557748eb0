"""A Cloud API notification → incoming messages (in the core's terms) and delivery statuses.

Shapes from Meta's webhook reference (developers.facebook.com/documentation/business-messaging/
whatsapp/webhooks/reference/messages/{text,interactive,contacts,status}) and the business-scoped
user ID page: since April 2026 ``contacts[].user_id`` (the BSUID, e.g. ``ID.1234...``) and
``messages[].from_user_id`` carry the user's business-scoped id, and ``contacts[].wa_id`` /
``messages[].from`` (the phone number) may be missing for users who adopted a username. Older
payloads (and Meta's own examples until 2026) have no ``user_id`` at all. Both are modelled:
``Sender.key`` is the BSUID when there is one, else the ``wa_id``.

Parsing never raises: the raw notification has been stored before this runs, and a part we
cannot read is counted in ``Notification.skipped`` (and logged by the caller), not fatal.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from bot.flow.events import Command, Incoming, Press, SharedContact, Text, Unsupported
from bot.links import START_WORD, whatsapp_link

# The text a wa.me link pre-fills (bot.links): "DAFTAR" or "DAFTAR <event code>", which means
# what /start <code> means on Telegram. Codes are Telegram's payload alphabet.
_START = re.compile(rf"\s*{START_WORD}(?:\s+([A-Za-z0-9_-]{{1,64}}))?\s*", re.IGNORECASE)
# Template quick-reply buttons carry a payload we chose (handlers.whatsapp.templates); "cmd:x"
# means the command /x, anything else is the callback data of a button press.
COMMAND_PAYLOAD = "cmd:"


# The wa.me link a poster's QR code carries is built in the core (bot.links), which events use.
start_link = whatsapp_link


@dataclass(frozen=True)
class Sender:
    """Who wrote: the business-scoped user id and/or the phone, as the payload gives them."""

    user_id: str | None  # BSUID, e.g. "ID.1502576394655843"
    wa_id: str | None  # phone number, international digits without "+"
    parent_user_id: str | None = None
    username: str | None = None
    name: str | None = None  # the WhatsApp profile name (not verified; never the KTP name)

    @property
    def key(self) -> str:
        """The id to key the conversation by: the BSUID when known, else the phone's wa_id."""
        return self.user_id or self.wa_id or ""

    @property
    def phone(self) -> str | None:
        """The sender's number as E.164 (``+6281...``), when WhatsApp shares it."""
        return f"+{self.wa_id}" if self.wa_id and self.wa_id.isdigit() else None


@dataclass(frozen=True)
class InboundMessage:
    """One message from a worker."""

    message_id: str  # wamid: the inbox key (Meta may deliver a notification more than once)
    sender: Sender
    sent_at: datetime  # UTC
    kind: str  # Meta's type: text, interactive, button, contacts, image, ...
    event: Incoming
    reply_to: str | None = None  # the wamid of our message a button reply belongs to
    # Set when it was written in a WhatsApp group the business number is in (Meta's group
    # messages webhook: ``messages[].group_id``): nothing personal is handled there.
    group_id: str | None = None


@dataclass(frozen=True)
class StatusUpdate:
    """What happened to a message we sent: sent, delivered, read, or failed (with a code)."""

    message_id: str
    status: str
    at: datetime
    recipient: str | None  # BSUID or wa_id, whichever the payload carries
    error_code: int | None = None
    error_title: str | None = None


@dataclass(frozen=True)
class Notification:
    """Everything one webhook POST carried."""

    messages: tuple[InboundMessage, ...]
    statuses: tuple[StatusUpdate, ...]
    skipped: int = 0  # messages or statuses we could not read


def parse_notification(payload: Any) -> Notification:
    """Read a decoded notification (``object: whatsapp_business_account``)."""
    messages: list[InboundMessage] = []
    statuses: list[StatusUpdate] = []
    skipped = 0
    for value in _values(payload):
        senders = [_sender(c) for c in _dicts(value.get("contacts"))]
        raw_messages = _list(value.get("messages"))
        raw_statuses = _list(value.get("statuses"))
        for raw in raw_messages:
            message = _message(raw, senders) if isinstance(raw, dict) else None
            if message is None:
                skipped += 1
            else:
                messages.append(message)
        for raw in raw_statuses:
            status = _status(raw) if isinstance(raw, dict) else None
            if status is None:
                skipped += 1
            else:
                statuses.append(status)
    return Notification(tuple(messages), tuple(statuses), skipped)


def message_ids(payload: Any) -> list[str]:
    """The wamids of the messages in a notification (to key the inbox before parsing fully)."""
    return [m.message_id for m in parse_notification(payload).messages]


# --- the envelope --------------------------------------------------------------------------------


def _values(payload: Any) -> list[dict[str, Any]]:
    """The ``value`` of every ``messages`` change of every entry."""
    found = []
    for entry in _dicts(payload.get("entry") if isinstance(payload, dict) else None):
        for change in _dicts(entry.get("changes")):
            value = change.get("value")
            if change.get("field", "messages") == "messages" and isinstance(value, dict):
                found.append(value)
    return found


def _dicts(value: Any) -> list[dict[str, Any]]:
    """The objects of a JSON list (nothing, for anything else)."""
    if not isinstance(value, list):
        return []
    return [item for item in value if isinstance(item, dict)]


def _obj(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _time(value: Any) -> datetime | None:
    """Meta's timestamps: Unix seconds, as a string."""
    try:
        return datetime.fromtimestamp(int(value), UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        return None


# --- messages ------------------------------------------------------------------------------------


def _sender(contact: dict[str, Any]) -> Sender:
    profile = _obj(contact.get("profile"))
    return Sender(
        user_id=_str(contact.get("user_id")),
        wa_id=_str(contact.get("wa_id")),
        parent_user_id=_str(contact.get("parent_user_id")),
        username=_str(profile.get("username")),
        name=_str(profile.get("name")),
    )


def _who(raw: dict[str, Any], senders: list[Sender]) -> Sender | None:
    """The sender of ``raw``: its contacts[] entry, completed from the message's own fields."""
    user_id, wa_id = _str(raw.get("from_user_id")), _str(raw.get("from"))
    match = next(
        (s for s in senders if (user_id and s.user_id == user_id) or (wa_id and s.wa_id == wa_id)),
        senders[0] if len(senders) == 1 else None,
    )
    if match is None:
        match = Sender(user_id=user_id, wa_id=wa_id)
    elif match.user_id is None or match.wa_id is None:
        match = Sender(
            user_id=match.user_id or user_id,
            wa_id=match.wa_id or wa_id,
            parent_user_id=match.parent_user_id,
            username=match.username,
            name=match.name,
        )
    return match if match.key else None


def _message(raw: dict[str, Any], senders: list[Sender]) -> InboundMessage | None:
    message_id, sent_at = _str(raw.get("id")), _time(raw.get("timestamp"))
    sender = _who(raw, senders)
    if message_id is None or sent_at is None or sender is None:
        return None
    kind = _str(raw.get("type")) or "unknown"
    context = _obj(raw.get("context"))
    return InboundMessage(
        message_id=message_id,
        sender=sender,
        sent_at=sent_at,
        kind=kind,
        event=_event(kind, raw, sender),
        reply_to=_str(context.get("id")),
        group_id=_str(raw.get("group_id")),
    )


def _event(kind: str, raw: dict[str, Any], sender: Sender) -> Incoming:
    """The message in the core's terms."""
    body = _obj(raw.get(kind))
    if kind == "text":
        return text_event(_str(body.get("body")) or "")
    if kind == "interactive":
        reply_kind = _str(body.get("type")) or ""
        reply = _obj(body.get(reply_kind))
        data = _str(reply.get("id"))
        if reply_kind in ("button_reply", "list_reply") and data is not None:
            return Press(data)
        return Unsupported("interactive")
    if kind == "button":  # a quick-reply button of a template
        payload = _str(body.get("payload"))
        if payload is not None and payload.startswith(COMMAND_PAYLOAD):
            name, _, args = payload.removeprefix(COMMAND_PAYLOAD).partition(" ")
            return Command(name, args.strip())
        if payload is not None:
            return Press(payload)
        return text_event(_str(body.get("text")) or "")
    if kind == "contacts":
        return _contact(raw.get("contacts"), sender)
    if kind == "edit":
        return Unsupported("edited")
    return Unsupported(kind)


def text_event(text: str) -> Incoming:
    """A typed text: a /command, DAFTAR [code] (the wa.me link's text), or an answer."""
    if text.startswith("/"):
        head, _, args = text.partition(" ")
        return Command(head[1:].lower(), args.strip())
    start = _START.fullmatch(text)
    if start is not None:
        return Command("start", start.group(1) or "")
    if not text.strip():
        return Unsupported("empty")
    return Text(text)


def _contact(cards: Any, sender: Sender) -> Incoming:
    """A shared contact card: its first phone, and whether it is the sender's own number."""
    for card in _dicts(cards):
        for phone in _dicts(card.get("phones")):
            number = _str(phone.get("phone"))
            card_wa_id = _str(phone.get("wa_id"))
            if number is None and card_wa_id is not None:
                number = f"+{card_wa_id}"
            if number is not None:
                own = card_wa_id is not None and card_wa_id == sender.wa_id
                return SharedContact(number, own)
    return Unsupported("contacts")


# --- statuses ------------------------------------------------------------------------------------


def _status(raw: dict[str, Any]) -> StatusUpdate | None:
    message_id, status = _str(raw.get("id")), _str(raw.get("status"))
    at = _time(raw.get("timestamp"))
    if message_id is None or status is None or at is None:
        return None
    errors = _dicts(raw.get("errors"))
    code = errors[0].get("code") if errors else None
    return StatusUpdate(
        message_id=message_id,
        status=status,
        at=at,
        recipient=_str(raw.get("recipient_user_id")) or _str(raw.get("recipient_id")),
        error_code=code if isinstance(code, int) else None,
        error_title=_str(errors[0].get("title")) if errors else None,
    )
