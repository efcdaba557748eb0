"""Telegram's checks of one Bot API call, for both fake Bot APIs.

The in-process one (tests/fakes.py RecordingRequest, under the handler and transcript tests) and
the HTTP one (tests/system/fake_telegram.py, under the system tests and benchmarks/event.py) ask
``check`` about every call and answer a refused one as Telegram does: 400 (404 for a method that
does not exist) with Telegram's kind of description. ``check`` also records the refusal in
``REFUSED``, which the test session's fixture (tests/conftest.py) reads after every test: a call
Telegram would refuse fails the test even when the bot swallowed the 400.

What is checked comes from api.json (Bot API 10.0, see README.md here): every method and its
parameters, each value's type (which keyboards a method takes; union members told apart by their
``type``), required fields (and "required if ... is not specified"), lengths written in the
fields' descriptions ("1-4096 characters after entities parsing", "1-64 bytes"), integer ranges,
"at most N" elements, a button's one action field; and, through entities.py, HTML text. Rules the
description does not state in a machine-readable way are in EXTRA below, each with its source.
Stricter than Telegram on purpose: a parameter or field the API does not have is refused
(Telegram ignores it silently, which hides a misspelling).

Lengths in "characters" are counted in UTF-16 code units, the unit of the Bot API's entity
offsets (to confirm: the server may count code points, which is never more).
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from tests.telegram_api.entities import HtmlError, plain_text

SPEC: dict[str, Any] = json.loads((Path(__file__).parent / "api.json").read_text())
VERSION: str = SPEC["version"]

# Rules the published description gives only in prose, with where they come from.
PARSE_MODES = frozenset({"HTML", "MarkdownV2", "Markdown"})  # "Formatting options"
CHAT_ACTIONS = frozenset(  # sendChatAction.action's description lists them
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
EXTRA: dict[tuple[str, str], re.Pattern[str]] = {
    # BotCommand.command: "Can contain only lowercase English letters, digits and underscores."
    ("BotCommand", "command"): re.compile(r"[a-z0-9_]{1,32}"),
    # A button without a label cannot be shown (to confirm: Telegram's exact answer).
    ("InlineKeyboardButton", "text"): re.compile(r"(?s).*\S.*"),
    ("KeyboardButton", "text"): re.compile(r"(?s).*\S.*"),
    ("sendChatAction", "action"): re.compile("|".join(sorted(CHAT_ACTIONS))),
    # setWebhook.secret_token: "Only characters A-Z, a-z, 0-9, _ and - are allowed."
    ("setWebhook", "secret_token"): re.compile(r"[A-Za-z0-9_-]{1,256}"),
}
# The answer Telegram gives when a method takes only an inline keyboard and gets another one.
NOT_INLINE = "inline keyboard expected"

_LENGTH = re.compile(r"(\d+)-(\d+) (characters|bytes)")
_RANGE = re.compile(r"Values between (\d+)-(\d+)")
_AT_MOST = re.compile(r"At most (\d+)")
_CONSTANT = re.compile(r'must be ([a-z0-9_]+)|always "([a-z0-9_]+)"')
_REQUIRED_IF = re.compile(r"[Rr]equired if ([a-z_]+)(?: and ([a-z_]+))? (?:is|are)(?: not|n't)")
_ONE_OF = re.compile(r"(Exactly|At most) one of the fields other than (.+?) must be used")


@dataclass(frozen=True)
class Refusal:
    """Telegram's answer to a call it refuses."""

    status: int
    description: str

    def body(self) -> dict[str, Any]:
        return {"ok": False, "error_code": self.status, "description": self.description}


@dataclass(frozen=True)
class Refused:
    """A call a fake refused: its method, its parameters as received, and the answer."""

    method: str
    params: dict[str, Any]
    refusal: Refusal


REFUSED: list[Refused] = []  # every refusal in this process, until taken (take_refused)


def take_refused() -> list[Refused]:
    """The refusals recorded so far, forgetting them (a test that expects some takes them)."""
    taken = list(REFUSED)
    del REFUSED[: len(taken)]
    return taken


def check(method: str, params: Mapping[str, Any], files: Collection[str] = ()) -> Refusal | None:
    """Telegram's refusal of ``method`` called with ``params`` (recorded), None when accepted.

    ``params`` as they arrive: form values are strings (objects JSON-encoded inside them), a JSON
    body's are typed. ``files`` names the multipart parts uploaded with the call.
    """
    refusal = problem(method, params, files)
    if refusal is not None:
        REFUSED.append(Refused(method, dict(params), refusal))
    return refusal


def problem(method: str, params: Mapping[str, Any], files: Collection[str] = ()) -> Refusal | None:
    """``check`` without recording: why Telegram refuses the call, or None."""
    spec = SPEC["methods"].get(method)
    if spec is None:
        return Refusal(404, "Not Found")
    try:
        _call(method, spec["fields"], params, set(files))
    except _Wrong as wrong:
        return Refusal(400, f"Bad Request: {wrong}")
    return None


class _Wrong(Exception):
    """What is wrong with a call, in Telegram's words where we know them."""


def _call(
    method: str, fields: list[dict[str, Any]], params: Mapping[str, Any], files: set[str]
) -> None:
    given = {k: v for k, v in params.items() if v is not None}
    known = {f["name"] for f in fields}
    for name in given:
        if name not in known and name not in files:
            raise _Wrong(f'unknown parameter "{name}" of {method}')
    uploaded = {f["name"] for f in fields if f["name"] in files}
    present = set(given) | uploaded
    for field in fields:
        name = field["name"]
        if name not in present:
            if _required(field, present, known):
                raise _Wrong(f"{_label(method, name)} is empty")
            continue
        if name in uploaded and "InputFile" in field["types"]:
            continue
        value = _decode(given[name], field["types"], files)
        _value(value, field, method, given, files, at=f"{method}.{name}")


def _label(owner: str, name: str) -> str:
    """How Telegram names a field in trouble ("message text is empty")."""
    return "message text" if name == "text" and owner.startswith(("send", "edit")) else name


def _required(field: dict[str, Any], present: set[str], known: set[str]) -> bool:
    """Required, or "Required if <other> (and <other>) are not specified" and they are not."""
    if field["required"]:
        return True
    match = _REQUIRED_IF.search(field.get("description", ""))
    if match is None or match.group(1) not in known:
        return False  # "required if the message is sent to ..." names no parameter
    return not any(other in present for other in match.groups() if other)


def _decode(value: Any, types: list[str], files: set[str]) -> Any:
    """A form value as Telegram reads it: JSON unless the parameter is a plain String."""
    if not isinstance(value, str) or types == ["String"]:
        return value
    if value.startswith("attach://") and value.removeprefix("attach://") in files:
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


def _value(
    value: Any,
    field: dict[str, Any],
    owner: str,
    siblings: Mapping[str, Any],
    files: set[str],
    at: str,
) -> None:
    """One field's value (of the method or type ``owner``, next to ``siblings``; ``at`` is its
    path in the call) against its types, then the rules its description states."""
    problems: dict[str, _Wrong] = {}
    for kind in field["types"]:
        try:
            _fits(value, kind, at, files)
            break
        except _Wrong as wrong:
            problems[kind] = wrong
    else:
        if field["types"] == ["InlineKeyboardMarkup"] and isinstance(value, dict):
            raise _Wrong(NOT_INLINE)
        raise _telling(value, problems, at)
    name = field["name"]
    constant = _constant(field)
    if constant is not None and value != constant:
        raise _Wrong(f'{at} must be "{constant}"')
    extra = EXTRA.get((owner, name))
    if extra is not None and not extra.fullmatch(str(value)):
        raise _Wrong(f"wrong value of {at}: {str(value)[:40]!r}")
    _described(value, field, owner, siblings, at)


def _telling(value: Any, problems: dict[str, _Wrong], at: str) -> _Wrong:
    """The most telling of several types' problems: that of the one type whose required fields
    the value has (a keyboard with a wrong button), else "must be of type A or B"."""
    if len(problems) == 1:
        return next(iter(problems.values()))
    if isinstance(value, dict):
        meant = [
            kind
            for kind in problems
            if kind in SPEC["types"]
            and all(value.get(f["name"]) is not None for f in _fields(kind) if f["required"])
        ]
        if len(meant) == 1:
            return problems[meant[0]]
    return _Wrong(f"{at} must be of type {' or '.join(problems)}")


def _fields(kind: str) -> list[dict[str, Any]]:
    return list(SPEC["types"][kind].get("fields", []))


def _described(
    value: Any, field: dict[str, Any], owner: str, siblings: Mapping[str, Any], at: str
) -> None:
    """Lengths, ranges and counts the field's description states."""
    name, description = field["name"], field.get("description", "")
    if isinstance(value, str):
        length = _LENGTH.search(description)
        if length is not None:
            low, high, unit = int(length.group(1)), int(length.group(2)), length.group(3)
            measured = value
            if "entities parsing" in description or "entity parsing" in description:
                measured = _parsed(value, _parse_mode(name, siblings))
            size = len(measured.encode()) if unit == "bytes" else _utf16(measured)
            if size < low or (low > 0 and not measured.strip()):
                raise _Wrong(f"{_label(owner, name)} is empty")
            if size > high:
                raise _Wrong(f"{_label(owner, name)} is too long ({size} > {high} {unit})")
        elif name.endswith("parse_mode") and value not in PARSE_MODES:
            raise _Wrong(f"unsupported parse_mode {value!r}")
    if isinstance(value, int) and not isinstance(value, bool):
        ranged = _RANGE.search(description)
        if ranged is not None and not int(ranged.group(1)) <= value <= int(ranged.group(2)):
            raise _Wrong(f"{at} must be between {ranged.group(1)} and {ranged.group(2)}")
    if isinstance(value, list):
        most = _AT_MOST.search(description)
        if most is not None and len(value) > int(most.group(1)):
            raise _Wrong(f"{at}: at most {most.group(1)} elements")


def _parse_mode(name: str, siblings: Mapping[str, Any]) -> str | None:
    """The parse mode of ``name``: its own (``quote_parse_mode``) or the call's."""
    mode = siblings.get(f"{name}_parse_mode", siblings.get("parse_mode"))
    return str(mode) if mode is not None else None


def _parsed(text: str, mode: str | None) -> str:
    if mode is None:
        return text
    if mode != "HTML":
        raise _Wrong(f"the fake Bot API checks only HTML text, not parse_mode {mode}")
    try:
        return plain_text(text)
    except HtmlError as error:
        raise _Wrong(f"can't parse entities: {error}") from error


def _utf16(text: str) -> int:
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def _fits(value: Any, kind: str, at: str, files: set[str]) -> None:
    """Raises _Wrong unless ``value`` is a ``kind`` ("Integer", "Array of X", a type name)."""
    if kind.startswith("Array of "):
        if not isinstance(value, list):
            raise _Wrong(f"{at} must be of type Array")
        for number, item in enumerate(value):
            _fits(item, kind.removeprefix("Array of "), f"{at}[{number}]", files)
        return
    simple = _SIMPLE.get(kind)
    if simple is not None:
        if not simple(value):
            raise _Wrong(f"{at} must be of type {kind}")
        return
    if kind == "InputFile":
        if not (isinstance(value, str) and value.removeprefix("attach://") in files):
            raise _Wrong(f"{at} must be an uploaded file")
        return
    if kind == "KeyboardButton" and isinstance(value, str):
        return  # "For simple text buttons, String can be used instead of this object"
    _object(value, kind, at, files)


_SIMPLE = {
    "String": lambda v: isinstance(v, str),
    "Integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "Float": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
    "Boolean": lambda v: isinstance(v, bool),
}


def _object(value: Any, kind: str, at: str, files: set[str]) -> None:
    spec = SPEC["types"].get(kind)
    if spec is None:
        raise _Wrong(f"{at}: the fake knows no type {kind}")
    if not isinstance(value, dict):
        raise _Wrong(f"{at} must be a JSON object ({kind})")
    members = spec.get("subtypes")
    if members:
        _member(value, kind, members, at, files)
        return
    fields = spec["fields"]
    known = {f["name"] for f in fields}
    for name in value:
        if name not in known:
            raise _Wrong(f'{at}: {kind} has no field "{name}"')
    for field in fields:
        name = field["name"]
        if value.get(name) is None:
            if field["required"]:
                raise _Wrong(f'{at}: field "{name}" of {kind} is required')
            continue
        _value(value[name], field, kind, value, files, at=f"{at}.{name}")
    _one_action(value, kind, spec, at)


def _constant(field: dict[str, Any]) -> str | None:
    """The value a union member's ``type`` (``source``) must hold: "Scope type, must be chat"."""
    if field["name"] not in ("type", "source"):
        return None  # elsewhere "must be" is prose ("must be shown above the media")
    match = _CONSTANT.search(field.get("description", ""))
    return (match.group(1) or match.group(2)) if match else None


@cache
def _discriminators(union: str) -> dict[tuple[str, str], str]:
    """Each member of a union by (field, constant): the ``type`` (or ``source``) it must hold."""
    members = {}
    for member in SPEC["types"][union]["subtypes"]:
        for field in _fields(member):
            constant = _constant(field)
            if constant is not None:
                members[field["name"], constant] = member
                break
    return members


def _member(
    value: dict[str, Any], union: str, members: list[str], at: str, files: set[str]
) -> None:
    """A union's value is the member its ``type`` names, and must then fit that member."""
    by_constant = _discriminators(union)
    if by_constant:
        named = [m for (key, constant), m in by_constant.items() if value.get(key) == constant]
        if not named:
            kinds = sorted(constant for _, constant in by_constant)
            raise _Wrong(f"{at}: unsupported {union} type {value.get('type')!r} (one of {kinds})")
        _object(value, named[0], at, files)
        return
    problems: dict[str, _Wrong] = {}
    for member in members:  # no discriminator (InputMessageContent): the first that fits
        try:
            _object(value, member, at, files)
            return
        except _Wrong as wrong:
            problems[member] = wrong
    raise _telling(value, problems, at)


def _one_action(value: dict[str, Any], kind: str, spec: dict[str, Any], at: str) -> None:
    """A button's "Exactly (At most) one of the fields other than text, ... must be used"."""
    rule = _ONE_OF.search(" ".join(spec.get("description", [])))
    if rule is None:
        return
    exempt = set(re.findall(r"[a-z_]+", rule.group(2))) - {"and"}
    used = [k for k in value if k not in exempt and value[k] is not None]
    if len(used) > 1 or (rule.group(1) == "Exactly" and not used):
        if kind == "InlineKeyboardButton" and not used:
            raise _Wrong(f"{at}: text buttons are unallowed in the inline keyboard")
        raise _Wrong(f"{at}: {kind} must use {rule.group(1).lower()} one of its action fields")
