"""The core's replies as Cloud API messages, within WhatsApp's limits (handlers.whatsapp.limits).

A reply's choices become, in this order of preference:
1. up to 3 reply buttons, when every title fits (≤ 20, shortened through labels.SHORT_LABELS)
   and the titles are different;
2. a list message for up to 10 choices (row titles ≤ 24 with a description ≤ 72);
3. a numbered list in the text, answered by number or by name: ``Rendered.choices`` maps what
   may be typed back to the callback data, for the adapter to turn into a ``Press``.
The text goes in WhatsApp's markup (bot.render's ``WHATSAPP`` dialect). A text over 4,096 characters is
split at line boundaries into several messages; the body of an interactive message is its last
≤ 1,024 characters (again cut at a line), sent after the rest as plain text.

``Keyboard.CONTACT`` has no WhatsApp equivalent and never comes: told there is no contact
button, the core asks for a one-tap confirmation of the sender's number, or a typed one.
``Keyboard.REMOVE`` means nothing on WhatsApp. Files are returned as they are, to be uploaded
and sent by media id (``WhatsAppClient.send_rendered``).
"""

from __future__ import annotations

import mimetypes
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from bot.i18n import N_, translate
from bot.messages import Attachment, Button, Keyboard, Reply
from bot.render import WHATSAPP, neutralise, render_text
from handlers.whatsapp import labels
from handlers.whatsapp.limits import (
    BUTTON_TITLE,
    INTERACTIVE_BODY,
    LIST_BUTTON,
    MAX_LIST_ROWS,
    MAX_REPLY_BUTTONS,
    ROW_ID,
    SECTION_TITLE,
    TEXT_BODY,
    wa_len,
)

Payload = dict[str, Any]  # one message object of the Cloud API, without its recipient

LIST_LABEL = N_("Pilih")  # the button that opens a list message
SECTION = N_("Pilihan")  # the list's only section
NUMBERED_HINT = N_("Balas dengan angka pilihan Anda.")
CHOOSE = N_("Silakan pilih:")  # the body of a message that has choices and no text


def normalise(text: str) -> str:
    """A typed answer or a label for comparison: case and punctuation ignored."""
    return " ".join("".join(c if c.isalnum() else " " for c in text.casefold()).split())


@dataclass(frozen=True)
class Choices:
    """What a worker may type back instead of tapping: numbers and shown labels → callback data."""

    numbers: Mapping[str, str] = field(default_factory=dict)
    names: Mapping[str, str] = field(default_factory=dict)

    def resolve(self, text: str) -> str | None:
        """The callback data a typed answer means, if any ("2", "2.", a label shown)."""
        typed = normalise(text)
        return self.numbers.get(typed) or self.names.get(typed)

    def to_data(self) -> dict[str, dict[str, str]]:
        """A JSON-ready form (to keep with the conversation until the answer comes)."""
        return {"numbers": dict(self.numbers), "names": dict(self.names)}

    @classmethod
    def from_data(cls, data: Mapping[str, Mapping[str, str]]) -> Choices:
        return cls(dict(data.get("numbers", {})), dict(data.get("names", {})))


@dataclass(frozen=True)
class Rendered:
    """One reply on WhatsApp: messages to send in order, then files; the typed-answer map."""

    messages: tuple[Payload, ...]
    choices: Choices = Choices()
    files: tuple[Attachment, ...] = ()


def render_reply(reply: Reply, lang: str) -> Rendered:
    """The messages a reply becomes on WhatsApp."""
    text = render_text(reply, lang, WHATSAPP)
    buttons = () if reply.keyboard is Keyboard.CONTACT else reply.all_buttons
    if not buttons:
        messages = tuple(text_message(piece) for piece in split_text(text, TEXT_BODY))
        return Rendered(messages, Choices(), reply.files)
    if not text.strip():
        text = translate(CHOOSE, lang)
    if all(b.data and wa_len(b.data) <= ROW_ID for b in buttons):
        rendered = _as_buttons(text, buttons, lang) or _as_list(text, buttons, lang)
        if rendered is not None:
            return replace(rendered, files=reply.files)
    return replace(_as_numbered(text, buttons, lang), files=reply.files)


def _as_buttons(text: str, buttons: tuple[Button, ...], lang: str) -> Rendered | None:
    """Up to 3 reply buttons, if every title fits and no two are the same."""
    if len(buttons) > MAX_REPLY_BUTTONS:
        return None
    titles = [labels.title(b.text, lang, BUTTON_TITLE) for b in buttons]
    if not _distinct(titles):
        return None
    action: Payload = {
        "buttons": [
            {"type": "reply", "reply": {"id": b.data, "title": t}}
            for b, t in zip(buttons, titles, strict=True)
        ]
    }
    return _interactive(text, "button", action, _names(buttons, titles, lang))


def _as_list(text: str, buttons: tuple[Button, ...], lang: str) -> Rendered | None:
    """A list message of up to 10 rows, if every label fits a row and no two titles are alike."""
    if len(buttons) > MAX_LIST_ROWS:
        return None
    rows = [labels.row(b.text, lang) for b in buttons]
    titles = [r[0] if r else None for r in rows]
    if not _distinct(titles):
        return None
    action: Payload = {
        "button": labels.shorten(translate(LIST_LABEL, lang), LIST_BUTTON),
        "sections": [
            {
                "title": labels.shorten(translate(SECTION, lang), SECTION_TITLE),
                "rows": [_row(b.data, r) for b, r in zip(buttons, rows, strict=True) if r],
            }
        ],
    }
    return _interactive(text, "list", action, _names(buttons, titles, lang))


def _as_numbered(text: str, buttons: tuple[Button, ...], lang: str) -> Rendered:
    """Choices as "1. label" lines under the text; the worker answers with the number."""
    lines = [f"{n}. {neutralise(labels.plain(b.text, lang))}" for n, b in enumerate(buttons, 1)]
    full = "\n\n".join([text, "\n".join(lines), f"_{translate(NUMBERED_HINT, lang)}_"])
    numbers = {str(n): b.data for n, b in enumerate(buttons, 1)}
    names = _names(buttons, [None] * len(buttons), lang)
    messages = tuple(text_message(piece) for piece in split_text(full, TEXT_BODY))
    return Rendered(messages, Choices(numbers, names))


def text_message(body: str) -> Payload:
    """A plain text message (links are not previewed: they would add a card to every message)."""
    return {"type": "text", "text": {"body": body, "preview_url": False}}


def media_message(media_id: str, attachment: Attachment) -> Payload:
    """A file uploaded as ``media_id``: a picture as an image, anything else as a document."""
    if attachment.photo:
        return {"type": "image", "image": {"id": media_id}}
    return {"type": "document", "document": {"id": media_id, "filename": attachment.filename}}


def mime_type(attachment: Attachment) -> str:
    """The file's media type for the upload (``/<phone number id>/media``)."""
    guessed, _ = mimetypes.guess_type(attachment.filename)
    return guessed or ("image/png" if attachment.photo else "application/octet-stream")


# --- long texts ----------------------------------------------------------------------------------


def split_text(text: str, limit: int) -> list[str]:
    """``text`` in pieces of at most ``limit`` characters, cut at line ends where possible."""
    pieces: list[str] = []
    current = ""
    for line in text.split("\n"):
        candidate = f"{current}\n{line}" if current else line
        if wa_len(candidate) <= limit:
            current = candidate
            continue
        if current.strip():
            pieces.append(current.rstrip("\n"))
        current = ""
        while wa_len(line) > limit:  # one line longer than a whole message: cut at a space
            cut = _cut(line, limit)
            pieces.append(line[:cut].rstrip())
            line = line[cut:].lstrip()
        current = line
    if current.strip() or not pieces:
        pieces.append(current.rstrip("\n"))
    return pieces


def split_for_interactive(text: str) -> tuple[list[str], str]:
    """Plain-text messages to send first, and the interactive body (≤ 1,024) that ends the text."""
    lines = text.split("\n")
    tail: list[str] = []
    while lines and wa_len("\n".join([lines[-1], *tail])) <= INTERACTIVE_BODY:
        tail.insert(0, lines.pop())
    if not "\n".join(tail).strip():  # the last line alone is too long: cut it
        pieces = split_text(lines.pop() if lines else "", INTERACTIVE_BODY)
        lines.extend(pieces[:-1])
        tail = [pieces[-1]]
    head = "\n".join(lines).strip("\n")
    return (split_text(head, TEXT_BODY) if head.strip() else []), "\n".join(tail).strip("\n")


def _cut(line: str, limit: int) -> int:
    """Where to cut ``line`` so that the first piece fits: the last space, else at the limit."""
    end = limit
    while wa_len(line[:end]) > limit:
        end -= 1
    space = line.rfind(" ", 0, end)
    return space if space > end // 2 else end


# --- building blocks ----------------------------------------------------------------------------


def _interactive(text: str, kind: str, action: Payload, names: dict[str, str]) -> Rendered:
    """An interactive message whose body is the end of ``text``, after the rest as plain text."""
    head, body = split_for_interactive(text)
    message: Payload = {
        "type": "interactive",
        "interactive": {"type": kind, "body": {"text": body}, "action": action},
    }
    return Rendered((*(text_message(h) for h in head), message), Choices({}, names))


def _row(data: str, row: tuple[str, str | None]) -> Payload:
    title, description = row
    built: Payload = {"id": data, "title": title}
    if description:
        built["description"] = description
    return built


def _names(buttons: tuple[Button, ...], shown: list[str | None], lang: str) -> dict[str, str]:
    """Labels a worker may type back: the shown title and the full label, normalised."""
    names: dict[str, str] = {}
    for button, title in zip(buttons, shown, strict=True):
        for name in (title, labels.plain(button.text, lang)):
            if name and normalise(name):
                names.setdefault(normalise(name), button.data)
    return names


def _distinct(titles: list[str | None]) -> bool:
    """All present and different (WhatsApp refuses two buttons with the same title)."""
    present = [t for t in titles if t]
    return len(present) == len(titles) and len(set(present)) == len(present)
