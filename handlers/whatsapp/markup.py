"""Our texts in WhatsApp's own markup: ``*bold*``, ``_italic_``, never HTML.

The msgids mark emphasis with ``<b>``, ``<i>`` and ``<code>`` (for Telegram's HTML); here those
become WhatsApp's markers (Meta's "Formatting" help lists * _ ~ and ```). WhatsApp has no escape
character, so user data (a name, an address, an officer's note) that contains one of the markers
could pair with a marker of ours or of its own and turn into formatting. We neutralise it by
showing look-alike characters instead (``*`` → ``∗``, ``_`` → ``ˍ``, ``~`` → ``˜``, a backtick
→ ``ˋ``): certain to stay plain in every WhatsApp version, where invisible separators (U+200B and
the like) depend on how each client's parser treats them. Only the copy shown is changed; the
answers stored are what the worker typed. Web addresses in user data are left alone, since a
look-alike would break the link.
"""

from __future__ import annotations

import re
from functools import lru_cache

from bot.i18n import format_day, translate
from bot.messages import Block, Day, Msg, Param, Part, Reply

_MARKERS = {"<b>": "*", "</b>": "*", "<i>": "_", "</i>": "_", "<code>": "```", "</code>": "```"}
_TAG = re.compile("|".join(re.escape(tag) for tag in _MARKERS))
_LOOK_ALIKES = str.maketrans({"*": "\u2217", "_": "\u02cd", "~": "\u02dc", "`": "\u02cb"})
_URL = re.compile(r"https?://\S+")


def neutralise(value: str) -> str:
    """User data that cannot become WhatsApp formatting (web addresses kept as they are)."""
    pieces: list[str] = []
    last = 0
    for url in _URL.finditer(value):
        pieces.append(value[last : url.start()].translate(_LOOK_ALIKES))
        pieces.append(url.group())
        last = url.end()
    pieces.append(value[last:].translate(_LOOK_ALIKES))
    return "".join(pieces)


@lru_cache(maxsize=4096)
def _template(msgid: str, lang: str) -> str:
    """The translated text with our tags as WhatsApp markers."""
    return _TAG.sub(lambda tag: _MARKERS[tag.group()], translate(msgid, lang))


def _param(value: Param, lang: str) -> str:
    if isinstance(value, Msg):
        return render_msg(value, lang)
    if isinstance(value, Day):
        return format_day(value.value, lang)
    if isinstance(value, int):
        return str(value)
    return neutralise(value)


def render_msg(msg: Msg, lang: str) -> str:
    """One message in ``lang``: our emphasis as WhatsApp markup, user data kept plain."""
    template = _template(msg.msgid, lang)
    if not msg.params:
        return template.format()
    return template.format(**{name: _param(value, lang) for name, value in msg.params.items()})


def render_part(part: Part, lang: str) -> str:
    """A paragraph, or a block of lines."""
    if isinstance(part, Block):
        return "\n".join(render_msg(line, lang) for line in part.lines)
    return render_msg(part, lang)


def render_text(reply: Reply, lang: str) -> str:
    """The whole text of a reply: paragraphs separated by a blank line."""
    return "\n\n".join(render_part(part, lang) for part in reply.parts)
