"""What comes into the flow: a person's message, tap, contact or command, as plain data."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Union


@dataclass(frozen=True)
class Text:
    """A typed message."""

    text: str


@dataclass(frozen=True)
class Press:
    """A tap on an inline button; ``data`` is the button's callback data."""

    data: str


@dataclass(frozen=True)
class Read:
    """A typed answer as the question's reader read it (bot.flow.reading): the value its
    parser gave, or a bot.reading.results.Confirm the question words itself."""

    value: object


@dataclass(frozen=True)
class SharedContact:
    """A phone number shared with the contact button; ``own`` is False for someone else's card."""

    phone: str
    own: bool


@dataclass(frozen=True)
class Command:
    """A slash command (``/status``) with the rest of the line as ``args``."""

    name: str
    args: str = ""


@dataclass(frozen=True)
class Document:
    """A file sent to the bot (an officer's /impor spreadsheet); ``ref`` fetches its bytes."""

    filename: str
    caption: str = ""
    ref: str = ""


@dataclass(frozen=True)
class Repeat:
    """Not from the person: their last update was applied but its replies were lost (a crash);
    answer again with the question now pending."""


@dataclass(frozen=True)
class Unsupported:
    """Anything the flow cannot read: a sticker, a photo, a voice note, an edited message."""

    kind: str


Incoming = Union[Text, Press, SharedContact, Command, Document, Repeat, Unsupported]  # noqa: UP007 - a runtime alias

Answer = Text | Press | SharedContact | Read  # what answers a question
