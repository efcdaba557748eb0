"""Conversation transcripts as golden files: replay what a person sends, compare what comes back.

A transcript is a plain text file (the format is described in README.md next to this file). The
runner keeps its script (comments, set-up lines, what the person sends), replays it through a
``Driver`` (the officer desk, the worker flow, ...), writes the transcript again with what
actually came back, and compares that with the file. A reader reviews a behaviour change by
reading the diff; ``UPDATE_TRANSCRIPTS=1 pytest tests/transcripts`` rewrites the files.
"""

from __future__ import annotations

import asyncio
import difflib
import os
import shlex
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from bot.flow.events import Command, Incoming, Press, SharedContact, Text
from bot.messages import Reply
from bot.render import PLAIN, render_msg, render_text

UPDATE = os.environ.get("UPDATE_TRANSCRIPTS") == "1"


@dataclass(frozen=True)
class SentFile:
    """A file the person sends (``! file``), with its caption and content."""

    filename: str
    caption: str
    data: bytes


Sent = Incoming | SentFile


@dataclass
class Turn:
    """What one input produced: the messages sent back, and other things that happened
    (``=`` lines: a notice queued for someone else, an audit row, a state change)."""

    replies: list[Reply] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


class Driver(Protocol):
    """Steps one kind of conversation (the officer desk, the worker flow) for the runner."""

    async def setup(self, directive: str) -> None:
        """An ``@`` line (without the "@ "); raise ValueError when it is not understood."""
        ...

    async def send(self, sent: Sent) -> Turn:
        """One input, as the person sent it."""
        ...


@dataclass(frozen=True)
class Line:
    """One line of a transcript's script (bot output is not part of the script)."""

    number: int
    kind: str  # "#", "@", ">", "!"
    text: str  # after the marker and one space
    content: tuple[str, ...] = ()  # a "! file"'s lines ("| " lines)


class TranscriptError(Exception):
    """A transcript line the runner or its driver cannot read."""


def script(text: str) -> list[Line]:
    """The script of a transcript: everything except what the bot said and blank lines."""
    lines: list[Line] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        if raw.startswith("| ") or raw == "|":
            if not lines or not lines[-1].text.startswith("file "):
                raise TranscriptError(f"line {number}: '| ' content outside a '! file'")
            last = lines[-1]
            lines[-1] = Line(last.number, last.kind, last.text, (*last.content, raw[2:]))
        elif raw[:1] in ("#", "@", ">", "!"):
            lines.append(Line(number, raw[0], raw[1:].strip()))
        elif raw.strip() and not raw.startswith(("<", "=", "  ")):
            raise TranscriptError(f"line {number}: cannot read {raw!r}")
    return lines


def parse_typed(typed: str) -> Incoming:
    """'/status' → Command('status'); anything else is text."""
    if typed.startswith("/"):
        head, _, args = typed.partition(" ")
        return Command(head[1:].split("@", 1)[0].lower(), args.strip())
    return Text(typed)


def reply_lines(reply: Reply, lang: str = "id") -> list[str]:
    """A message as transcript lines: '< ' first line, '  ' the rest, buttons, files."""
    body = render_text(reply, lang, PLAIN).split("\n")
    out = [f"< {body[0]}".rstrip()] + [f"  {line}".rstrip() for line in body[1:]]
    for row in reply.buttons:
        out.append("  " + " ".join(f"[{render_msg(b.text, lang, PLAIN)}]" for b in row))
    for attachment in reply.files:
        kind = "gambar" if attachment.photo else "dokumen"
        out.append(f"  📎 {attachment.filename} ({kind})")
    return out


def note_lines(note: str) -> list[str]:
    """A note as '= ' first line, '  ' the rest."""
    first, *rest = note.split("\n")
    return [f"= {first}".rstrip(), *(f"  {line}".rstrip() for line in rest)]


class Replay:
    """Replays a script, tracking the buttons on screen so taps can name them by label."""

    def __init__(self, driver: Driver, lang: str = "id") -> None:
        self.driver = driver
        self.lang = lang
        self.buttons: dict[str, str] = {}  # label → data, of the last message with buttons

    def tapped(self, line: Line, what: str) -> Press:
        """'[Setujui]' by its label on the last buttons shown, or 'off:...' by its data."""
        if what.startswith("[") and what.endswith("]"):
            label = what[1:-1]
            if label not in self.buttons:
                shown = ", ".join(f"[{b}]" for b in self.buttons) or "none"
                raise TranscriptError(f"line {line.number}: no button {what}; shown: {shown}")
            return Press(self.buttons[label])
        return Press(what)

    def sent(self, line: Line) -> Sent:
        """What a '>' or '!' line sends."""
        if line.kind == ">":
            return parse_typed(line.text)
        verb, _, rest = line.text.partition(" ")
        if verb == "tap":
            return self.tapped(line, rest.strip())
        if verb in ("share", "share-other"):
            return SharedContact(rest.strip(), own=verb == "share")
        if verb == "file":
            words = shlex.split(rest)
            if not words:
                raise TranscriptError(f"line {line.number}: '! file <name> [caption]'")
            data = "".join(f"{c}\n" for c in line.content).encode()
            return SentFile(words[0], " ".join(words[1:]), data)
        raise TranscriptError(f"line {line.number}: unknown action {verb!r}")

    def remember(self, replies: Sequence[Reply]) -> None:
        for reply in replies:
            if reply.buttons:
                self.buttons = {
                    render_msg(b.text, self.lang, PLAIN): b.data for b in reply.all_buttons
                }

    async def run(self, lines: Sequence[Line]) -> str:
        """The transcript, written again with what the driver answered."""
        out: list[str] = []
        after_output = False
        for line in lines:
            if line.kind == "#" and out and not out[-1].startswith("#"):
                out.append("")
            elif line.kind in (">", "!", "@") and after_output:
                out.append("")
            after_output = False
            out.append(f"{line.kind} {line.text}".rstrip() if line.text else line.kind)
            out.extend(f"| {c}".rstrip() for c in line.content)
            if line.kind == "@":
                try:
                    await self.driver.setup(line.text)
                except ValueError as error:
                    raise TranscriptError(f"line {line.number}: {error}") from error
            elif line.kind in (">", "!"):
                turn = await self.driver.send(self.sent(line))
                for reply in turn.replies:
                    out.extend(reply_lines(reply, self.lang))
                for note in turn.notes:
                    out.extend(note_lines(note))
                if not turn.replies and not turn.notes:
                    out.append("= (tidak ada balasan)")
                self.remember(turn.replies)
                after_output = True
        return "\n".join(out) + "\n"


async def check(path: Path, driver: Driver) -> None:
    """Replay ``path`` and fail with a diff when the conversation went differently (or, with
    UPDATE_TRANSCRIPTS=1, write what happened into the file)."""
    expected = await asyncio.to_thread(path.read_text, encoding="utf-8")
    actual = await Replay(driver).run(script(expected))
    if actual == expected:
        return
    if UPDATE:
        await asyncio.to_thread(path.write_text, actual, encoding="utf-8")
        return
    diff = "".join(
        difflib.unified_diff(
            expected.splitlines(keepends=True),
            actual.splitlines(keepends=True),
            f"{path.name} (expected)",
            f"{path.name} (actual)",
        )
    )
    raise AssertionError(
        f"{path.name}: the conversation went differently (UPDATE_TRANSCRIPTS=1 to accept):\n{diff}"
    )
