"""What the bot says, as data: texts (msgids with parameters), buttons, files, whole replies.

Channel-free: the Telegram, WhatsApp and terminal renderers turn a Reply into their own format;
the outbox stores one as JSON and renders it at delivery time.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any, Union

# --- outgoing -------------------------------------------------------------------------------

Param = Union[str, int, "Msg", "Day"]


@dataclass(frozen=True)
class Day:
    """A date parameter, written out in the reader's language when rendered."""

    value: date


@dataclass(frozen=True)
class Msg:
    """One translatable text: the Indonesian msgid and its named parameters.

    str parameters are user data and are escaped by HTML renderers; Msg parameters are our own texts
    and are translated in turn.
    """

    msgid: str
    params: Mapping[str, Param] = field(default_factory=dict)


@dataclass(frozen=True)
class Block:
    """Several texts shown as consecutive lines of one paragraph."""

    lines: tuple[Msg, ...]


Part = Union[Msg, Block]  # noqa: UP007


@dataclass(frozen=True)
class Button:
    """A choice; ``aliases`` are extra typed words that count as tapping it; ``means`` marks the
    yes (True) or no (False) answer of a yes/no question, so a typed "iya pak" or "gak" taps it."""

    text: Msg
    data: str
    aliases: tuple[str, ...] = ()
    means: bool | None = None


@dataclass(frozen=True)
class Attachment:
    """A file sent with a reply: a picture (QR code, poster, chart) or a document (export)."""

    filename: str
    data: bytes
    photo: bool = True


class Keyboard(StrEnum):
    """How buttons are shown: under the message, or as the phone's keyboard."""

    INLINE = "inline"
    REPLY = "reply"  # the phone's keyboard shows the choices; tapping one sends its text
    CONTACT = "contact"  # one button that shares the sender's phone number
    REMOVE = "remove"  # hide a keyboard shown earlier


@dataclass(frozen=True)
class Reply:
    """One message to send: paragraphs, then buttons in rows."""

    parts: tuple[Part, ...]
    buttons: tuple[tuple[Button, ...], ...] = ()
    keyboard: Keyboard = Keyboard.INLINE
    files: tuple[Attachment, ...] = ()  # sent after the text, in order
    no_preview: bool = False  # send without link previews (a one-time link a preview would open)

    @property
    def all_buttons(self) -> tuple[Button, ...]:
        """Every button, row after row."""
        return tuple(button for row in self.buttons for button in row)

    def after(self, *parts: Part) -> Reply:
        """The same reply with ``parts`` before its own (a notice, a progress line, a tick).
        (Not dataclasses.replace: that inspects the fields each time, and every update does
        this once or twice.)"""
        if not parts:
            return self
        return Reply(
            (*parts, *self.parts), self.buttons, self.keyboard, self.files, self.no_preview
        )


# --- replies as JSON (the outbox stores them and renders them at delivery time) -----------------


def _param_to_data(value: Param) -> Any:
    if isinstance(value, Msg):
        return {"msg": _msg_to_data(value)}
    if isinstance(value, Day):
        return {"day": value.value.isoformat()}
    return value


def _param_from_data(data: Any) -> Param:
    if isinstance(data, dict) and "msg" in data:
        return _msg_from_data(data["msg"])
    if isinstance(data, dict) and "day" in data:
        return Day(date.fromisoformat(data["day"]))
    if isinstance(data, str | int):
        return data
    raise ValueError(f"not a message parameter: {data!r}")


def _msg_to_data(msg: Msg) -> dict[str, Any]:
    return {"id": msg.msgid, "params": {k: _param_to_data(v) for k, v in msg.params.items()}}


def _msg_from_data(data: dict[str, Any]) -> Msg:
    return Msg(data["id"], {k: _param_from_data(v) for k, v in data["params"].items()})


def reply_to_data(out: Reply) -> dict[str, Any]:
    """A JSON-ready form of a reply."""
    return {
        "parts": [
            {"lines": [_msg_to_data(m) for m in p.lines]}
            if isinstance(p, Block)
            else _msg_to_data(p)
            for p in out.parts
        ],
        "buttons": [
            [{"text": _msg_to_data(b.text), "data": b.data} for b in row] for row in out.buttons
        ],
        "keyboard": str(out.keyboard),
    }


def reply_from_data(data: dict[str, Any]) -> Reply:
    """The reply stored by ``reply_to_data``."""
    parts: list[Part] = [
        Block(tuple(_msg_from_data(m) for m in p["lines"])) if "lines" in p else _msg_from_data(p)
        for p in data["parts"]
    ]
    buttons = tuple(
        tuple(Button(_msg_from_data(b["text"]), b["data"]) for b in row) for row in data["buttons"]
    )
    return Reply(parts=tuple(parts), buttons=buttons, keyboard=Keyboard(data["keyboard"]))
