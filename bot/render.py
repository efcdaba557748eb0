"""Turn replies into text in the reader's language, in the dialect of the channel that shows it.

One renderer for every channel: it translates each msgid, fills in its parameters and joins the
parts; a ``Dialect`` says what our emphasis tags become and how user data (a name, an address,
an officer's note) is made inert. The msgids mark emphasis with ``<b>``, ``<i>`` and ``<code>``.

- ``HTML`` (Telegram): the tags stay; every other ``<``, ``>`` and ``&`` of our texts (usage lines
  such as "/setujui <ref> <KPJ>") and of user data is escaped, or Telegram refuses the message.
- ``WHATSAPP``: the tags become WhatsApp's markers (``*bold*``, ``_italic_``, ```` ```code``` ````;
  Meta's "Formatting" help lists * _ ~ and ```). WhatsApp has no escape character, so a marker
  in user data could pair with one of ours or of its own and turn into formatting. We show
  look-alike characters instead (``*`` → ``∗``, ``_`` → ``ˍ``, ``~`` → ``˜``, a backtick → ``ˋ``):
  certain to stay plain in every WhatsApp version, where invisible separators (U+200B and the
  like) depend on how each client's parser treats them. Web addresses in user data are left
  alone, since a look-alike would break the link.
- ``PLAIN`` (the terminal, button labels, toasts): the tags dropped, user data as it is.

In every dialect a lone surrogate in user data (half of an emoji, which a client may send
escaped in JSON) becomes U+FFFD: no channel can encode it, and one would make the whole message
fail. Only the copy shown is changed; the answers stored are what the worker typed.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from functools import lru_cache

from bot.i18n import format_day, translate
from bot.messages import Block, Day, Msg, Param, Part, Reply

_TAGS = re.compile(r"</?(b|i|code)>")
_ESCAPED_TAGS = re.compile(r"&lt;(/?(?:b|i|code))&gt;")
_ATOMS = re.compile(r"</?(?:b|i|code)>|&#?\w+;|.", re.DOTALL)
_WHATSAPP_MARKERS = {"b": "*", "i": "_", "code": "```"}
_LOOK_ALIKES = str.maketrans({"*": "\u2217", "_": "\u02cd", "~": "\u02dc", "`": "\u02cb"})
_URL = re.compile(r"https?://\S+")
_SURROGATE = re.compile("[\ud800-\udfff]")


class Dialect:
    """How one channel writes our texts: what our tags become, and how user data is made inert."""

    __slots__ = ("escape", "name", "tags")

    def __init__(
        self, name: str, tags: Callable[[str], str], escape: Callable[[str], str]
    ) -> None:
        self.name = name
        self.tags = tags  # a translated template → the same text in this dialect
        self.escape = escape  # user data → text that shows as typed in this dialect

    def __repr__(self) -> str:
        return f"Dialect({self.name!r})"


def encodable(text: str) -> str:
    """``text`` with any lone surrogate replaced by U+FFFD, so that it encodes as UTF-8."""
    if text.isascii():
        return text
    return _SURROGATE.sub("\ufffd", text)


def escape_html(text: str) -> str:
    """User data for Telegram's HTML."""
    return html.escape(encodable(text), quote=False)


def neutralise(text: str) -> str:
    """User data that cannot become WhatsApp formatting (web addresses kept as they are)."""
    text = encodable(text)
    pieces: list[str] = []
    last = 0
    for url in _URL.finditer(text):
        pieces.append(text[last : url.start()].translate(_LOOK_ALIKES))
        pieces.append(url.group())
        last = url.end()
    pieces.append(text[last:].translate(_LOOK_ALIKES))
    return "".join(pieces)


def _html_tags(template: str) -> str:
    # Our texts may use <b>, <i> and <code>; anything else in angle brackets is text.
    return _ESCAPED_TAGS.sub(r"<\1>", html.escape(template, quote=False))


def _whatsapp_tags(template: str) -> str:
    return _TAGS.sub(lambda tag: _WHATSAPP_MARKERS[tag.group(1)], template)


def _plain_tags(template: str) -> str:
    return _TAGS.sub("", template)


HTML = Dialect("html", _html_tags, escape_html)
WHATSAPP = Dialect("whatsapp", _whatsapp_tags, neutralise)
PLAIN = Dialect("plain", _plain_tags, encodable)


def render_msg(msg: Msg, lang: str, dialect: Dialect) -> str:
    """One message: translated, parameters filled in, user data made inert for ``dialect``."""
    template = _template(msg.msgid, lang, dialect)
    if not msg.params:
        return template.format()
    return template.format(
        **{name: _param(value, lang, dialect) for name, value in msg.params.items()}
    )


@lru_cache(maxsize=4096)  # a few hundred msgids, two languages, three dialects
def _template(msgid: str, lang: str, dialect: Dialect) -> str:
    return dialect.tags(translate(msgid, lang))


def _param(value: Param, lang: str, dialect: Dialect) -> str:
    if isinstance(value, Msg):
        return render_msg(value, lang, dialect)
    if isinstance(value, Day):
        return format_day(value.value, lang)
    if isinstance(value, int):
        return str(value)
    # User-provided text: made inert here, once, for the dialect it is shown in.
    return dialect.escape(value)


def render_part(part: Part, lang: str, dialect: Dialect) -> str:
    """A paragraph, or a block of lines."""
    if isinstance(part, Block):
        return "\n".join(render_msg(line, lang, dialect) for line in part.lines)
    return render_msg(part, lang, dialect)


def render_text(reply: Reply, lang: str, dialect: Dialect) -> str:
    """The whole message text: paragraphs separated by a blank line."""
    return "\n\n".join(render_part(part, lang, dialect) for part in reply.parts)


def split_text(text: str, limit: int) -> list[str]:
    """``text`` (Telegram HTML) in pieces of at most ``limit`` characters, cut at line ends
    where possible.

    Paragraphs and lines stay whole (and with them any <b>...</b> on a line); only a single line
    longer than ``limit`` is cut, at a space if there is one, never inside an escaped character
    (``&lt;``) or a tag. A tag open where a piece ends is closed there and opened again at the
    start of the next, so that every piece is HTML Telegram accepts.
    """
    if len(text) <= limit:
        return [text]
    room = 0  # kept for the tags a piece closes and the next opens again, when there are any
    while True:
        pieces = _balanced(_split(text, limit - room))
        if all(len(piece) <= limit for piece in pieces) or limit - room <= _TAG_ROOM:
            return pieces
        room += _TAG_ROOM


_TAG_ROOM = len("<b><i><code></code></i></b>")


def _split(text: str, limit: int) -> list[str]:
    pieces: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > limit:
            line_head, line = _cut_line(line, limit)
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


def _balanced(pieces: list[str]) -> list[str]:
    """The pieces with each tag left open at the end of one closed there and opened again at the
    start of the next (a bold paragraph of several lines, cut between them)."""
    balanced: list[str] = []
    still_open: list[str] = []
    for piece in pieces:
        piece = "".join(f"<{tag}>" for tag in still_open) + piece
        still_open = _open_tags(piece)
        if _TAGS.sub("", piece).strip():  # a piece of tags only would be an empty message
            balanced.append(piece + "".join(f"</{tag}>" for tag in reversed(still_open)))
    return balanced


def _open_tags(html_text: str) -> list[str]:
    """Our tags opened in ``html_text`` and not closed in it, outermost first."""
    stack: list[str] = []
    for tag in _TAGS.finditer(html_text):
        if not tag.group().startswith("</"):
            stack.append(tag.group(1))
        elif stack and stack[-1] == tag.group(1):
            stack.pop()
    return stack


def _cut_line(line: str, limit: int) -> tuple[str, str]:
    """The first piece of a line too long for one message (at most ``limit`` with the tags it
    closes), and the rest (with those tags opened again)."""
    atoms = _ATOMS.findall(line)  # a tag, an escaped character, or one character
    stack: list[str] = []  # our tags open so far, outermost first
    size = 0
    content = False  # whether the head holds more than tags: a piece must, or nothing moves
    cut, cut_stack = 0, stack
    at_space: tuple[int, list[str]] | None = None
    for index, atom in enumerate(atoms):
        tag = _TAGS.fullmatch(atom)
        if tag is not None and atom.startswith("</"):
            if stack and stack[-1] == tag.group(1):
                stack.pop()
        elif tag is not None:
            stack.append(tag.group(1))
        size += len(atom)
        if size + sum(len(t) + 3 for t in stack) > limit and content:
            break
        if atom == " " and content:
            at_space = (index, list(stack))  # the head ends before the space
        cut, cut_stack = index + 1, list(stack)
        content = content or tag is None
    if at_space is not None:
        cut, cut_stack = at_space
    head = "".join(atoms[:cut]) + "".join(f"</{tag}>" for tag in reversed(cut_stack))
    rest = "".join(atoms[cut:]).lstrip(" ")
    return head, "".join(f"<{tag}>" for tag in cut_stack) + rest
