"""Telegram's HTML parse mode, as the fake Bot API checks it.

Written from the Bot API page "Formatting options", section "HTML style" (Bot API 10.0): only
the tags listed there; ``<``, ``>`` and ``&`` that are not part of a tag or an entity written as
entities; every numeric entity, and of the named ones only ``&lt; &gt; &amp; &quot;``; tags
closed in the order they were opened; the nesting rules of the same page (bold, italic,
underline, strikethrough and spoiler may hold and be held by anything but pre and code;
blockquotes do not nest; the other entities do not hold each other, except a ``<code>`` inside
``<pre>`` naming the language).

One rule is read more strictly than the server applies it: a lone ``&`` is refused (the page
says it must be written ``&amp;``; the server lets an ``&`` that starts no entity through), so
that text shown unescaped fails a test. A lone ``>`` is accepted, as the server does.
Descriptions follow the server's ("Can't parse entities: Unsupported start tag ...").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

STYLES = frozenset({"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span"})
STYLES |= {"tg-spoiler"}
OTHERS = frozenset({"a", "code", "pre", "tg-emoji", "tg-time", "blockquote"})
TAGS = STYLES | OTHERS
NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_NAME = re.compile(r"[a-zA-Z0-9-]*")
_ATTRIBUTE = re.compile(r"""\s*([a-zA-Z-]+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s"'>]+))?""")
_ENTITY = re.compile(r"&(?:#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6})|([a-zA-Z]+));")


class HtmlError(ValueError):
    """Text Telegram cannot parse; the message is the server's description after "Bad Request:
    can't parse entities: "."""


@dataclass
class _Open:
    tag: str
    attributes: dict[str, str]


def plain_text(text: str) -> str:
    """The text a message shows once its HTML is parsed (tags gone, entities decoded); raises
    HtmlError where Telegram would refuse the text."""
    out: list[str] = []
    stack: list[_Open] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char == "&":
            decoded, i = _entity(text, i)
            out.append(decoded)
        elif char == "<":
            i = _tag(text, i, stack)
        else:
            out.append(char)
            i += 1
    if stack:
        raise HtmlError(f'Can\'t find end tag corresponding to start tag "{stack[-1].tag}"')
    return "".join(out)


def _offset(text: str, i: int) -> int:
    return len(text[:i].encode("utf-8", "surrogatepass"))


def _entity(text: str, i: int) -> tuple[str, int]:
    match = _ENTITY.match(text, i)
    if match is None:
        raise HtmlError(
            f'Character "&" at byte offset {_offset(text, i)} must be written as "&amp;"'
        )
    decimal, hexadecimal, name = match.groups()
    if name is not None:
        if name not in NAMED:
            raise HtmlError(
                f'Unsupported HTML entity "&{name};" at byte offset {_offset(text, i)}'
            )
        return NAMED[name], match.end()
    code = int(decimal) if decimal is not None else int(hexadecimal, 16)
    if not 0 < code <= 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        raise HtmlError(f"Invalid numeric HTML entity at byte offset {_offset(text, i)}")
    return chr(code), match.end()


def _tag(text: str, i: int, stack: list[_Open]) -> int:
    start = i
    closing = text.startswith("</", i)
    i += 2 if closing else 1
    name_match = _NAME.match(text, i)
    assert name_match is not None  # the pattern matches the empty string
    tag = name_match.group().lower()
    i = name_match.end()
    if closing:
        end = text.find(">", i)
        if end < 0 or text[i:end].strip():
            raise HtmlError(f"Can't find end of the tag at byte offset {_offset(text, start)}")
        if not stack:
            raise HtmlError(f"Unexpected end tag at byte offset {_offset(text, start)}")
        if stack[-1].tag != tag:
            raise HtmlError(
                f"Unmatched end tag at byte offset {_offset(text, start)}, expected "
                f'"</{stack[-1].tag}>", found "</{tag}>"'
            )
        stack.pop()
        return end + 1
    if tag not in TAGS:
        raise HtmlError(f'Unsupported start tag "{tag}" at byte offset {_offset(text, start)}')
    attributes: dict[str, str] = {}
    while True:
        if i >= len(text):
            raise HtmlError(f'Unclosed start tag "{tag}" at byte offset {_offset(text, start)}')
        if text[i] == ">":
            break
        match = _ATTRIBUTE.match(text, i)
        if match is None or match.end() == i:
            raise HtmlError(
                f'Expected equal sign in declaration of an attribute of the tag "{tag}" at '
                f"byte offset {_offset(text, i)}"
            )
        value = match.group(2) or ""
        if value[:1] in ("'", '"'):
            value = value[1:-1]
        attributes[match.group(1).lower()] = _attribute_value(value)
        i = match.end()
        while i < len(text) and text[i].isspace():
            i += 1
    _may_open(tag, attributes, stack, _offset(text, start))
    stack.append(_Open(tag, attributes))
    return i + 1


def _attribute_value(value: str) -> str:
    out, i = [], 0
    while i < len(value):
        if value[i] == "&":
            decoded, i = _entity(value, i)
            out.append(decoded)
        else:
            out.append(value[i])
            i += 1
    return "".join(out)


def _may_open(tag: str, attributes: dict[str, str], stack: list[_Open], offset: int) -> None:
    """The page's rules for one tag and what it may sit inside."""
    if tag == "span" and attributes.get("class") != "tg-spoiler":
        raise HtmlError('Tag "span" must have class "tg-spoiler"')
    if tag == "a" and "href" not in attributes:
        raise HtmlError(f'Tag "a" must have attribute "href" at byte offset {offset}')
    if tag == "tg-emoji" and not attributes.get("emoji-id"):
        raise HtmlError('Tag "tg-emoji" must have attribute "emoji-id"')
    if tag == "tg-time" and not attributes.get("unix", "").isdigit():
        raise HtmlError('Tag "tg-time" must have attribute "unix" with a Unix time')
    inside = stack[-1].tag if stack else None
    if tag == "code" and "class" in attributes and inside != "pre":
        raise HtmlError("Programming language can be specified only for a code inside pre")
    for held in stack:
        if held.tag in ("pre", "code") and not (held.tag == "pre" and tag == "code"):
            raise HtmlError(f'Tag "{tag}" can\'t be inside "{held.tag}"')
        if tag == "blockquote" and held.tag == "blockquote":
            raise HtmlError("Blockquotes can't be nested")
        if tag not in STYLES and tag != "blockquote" and held.tag not in STYLES | {"blockquote"}:
            if not (held.tag == "pre" and tag == "code"):
                raise HtmlError(f'Tag "{tag}" can\'t be inside "{held.tag}"')
