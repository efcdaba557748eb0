"""Turn replies into text in the reader's language: HTML for Telegram, plain for the terminal."""

from __future__ import annotations

import html
import re
from functools import lru_cache

from bot.i18n import format_day, translate
from bot.messages import Block, Day, Msg, Param, Part, Reply

_TAGS = re.compile(r"</?(b|i|code)>")
_ESCAPED_TAGS = re.compile(r"&lt;(/?(?:b|i|code))&gt;")


def render_msg(msg: Msg, lang: str, *, as_html: bool) -> str:
    """One message: translated, parameters filled in, user data escaped when the output is HTML."""
    template = _template(msg.msgid, lang, as_html)
    if not msg.params:
        return template.format()
    values = {name: _param(value, lang, as_html=as_html) for name, value in msg.params.items()}
    return template.format(**values)


@lru_cache(maxsize=4096)  # a few hundred msgids, two languages, two outputs
def _template(msgid: str, lang: str, as_html: bool) -> str:
    template = translate(msgid, lang)
    if as_html:
        # Our texts may use <b>, <i> and <code>; anything else in angle brackets (usage lines such
        # as "/setujui <ref> <KPJ>") is text and must be escaped or Telegram refuses the message.
        return _ESCAPED_TAGS.sub(r"<\1>", html.escape(template, quote=False))
    return _TAGS.sub("", template)


def _param(value: Param, lang: str, *, as_html: bool) -> str:
    if isinstance(value, Msg):
        return render_msg(value, lang, as_html=as_html)
    if isinstance(value, Day):
        return format_day(value.value, lang)
    if isinstance(value, int):
        return str(value)
    # User-provided text: escaped here, once, before it goes into an HTML message.
    return html.escape(value, quote=False) if as_html else value


def render_part(part: Part, lang: str, *, as_html: bool) -> str:
    """A paragraph, or a block of lines."""
    if isinstance(part, Block):
        return "\n".join(render_msg(line, lang, as_html=as_html) for line in part.lines)
    return render_msg(part, lang, as_html=as_html)


def render_text(reply: Reply, lang: str, *, as_html: bool) -> str:
    """The whole message text: paragraphs separated by a blank line."""
    return "\n\n".join(render_part(part, lang, as_html=as_html) for part in reply.parts)


def split_text(text: str, limit: int) -> list[str]:
    """``text`` in pieces of at most ``limit`` characters, cut at line ends where possible.

    Paragraphs and lines stay whole (and with them any <b>...</b> on a line); only a single line
    longer than ``limit`` is cut, at a space if there is one.
    """
    if len(text) <= limit:
        return [text]
    pieces: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > limit:
            cut = line.rfind(" ", 0, limit)
            cut = cut if cut > 0 else limit
            line_head, line = line[:cut], line[cut:].lstrip(" ")
            if current:
                pieces.append(current)
                current = ""
            pieces.append(line_head)
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            pieces.append(current)
            current = line
        else:
            current = candidate
    if current:
        pieces.append(current)
    return [piece.strip("\n") for piece in pieces if piece.strip()]
