"""Meta's checks of one Cloud API message, for the fake (tests/system/fake_whatsapp.py).

The limits are written out here from Meta's pages (developers.facebook.com/documentation/
business-messaging/whatsapp/messages/{text-messages,interactive-reply-buttons-messages,
interactive-list-messages}) and not imported from handlers.whatsapp.limits, so that a mistake
there is not repeated here. Errors have Meta's shape and codes: 100 invalid parameter, 131008
required parameter missing, 131009 parameter value not valid, 131051 unsupported type.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Refusal:
    """An error answer in Meta's shape."""

    code: int
    details: str
    http_status: int = 400
    title: str = "Parameter value is not valid"

    def body(self) -> dict[str, Any]:
        return {
            "error": {
                "message": f"(#{self.code}) {self.title}",
                "type": "OAuthException",
                "code": self.code,
                "error_data": {"messaging_product": "whatsapp", "details": self.details},
                "fbtrace_id": "Afake",
            }
        }


def validate(body: Any) -> Refusal | None:
    """Meta's checks of one message object (with its addressing fields); None when valid."""
    if not isinstance(body, dict) or body.get("messaging_product") != "whatsapp":
        return Refusal(100, "messaging_product must be whatsapp", title="Invalid parameter")
    if not (body.get("to") or body.get("recipient")):
        return Refusal(
            131008, "to or recipient is required", title="Required parameter is missing"
        )
    kind = body.get("type")
    if kind == "text":
        return _length("text.body", _at(body, "text", "body"), 1, 4096)
    if kind == "interactive":
        return _interactive(body.get("interactive"))
    if kind == "template":
        template = body.get("template")
        if (
            not isinstance(template, dict)
            or not template.get("name")
            or not _at(template, "language", "code")
        ):
            return Refusal(
                131008,
                "template.name and template.language.code are required",
                title="Required parameter is missing",
            )
        return None
    if kind in ("image", "document"):
        media = body.get(kind)
        if not isinstance(media, dict) or not (media.get("id") or media.get("link")):
            return Refusal(
                131008,
                f"{kind}.id or {kind}.link is required",
                title="Required parameter is missing",
            )
        return None
    return Refusal(131051, f"Unsupported message type {kind}", title="Unsupported message type")


def _interactive(interactive: Any) -> Refusal | None:
    if not isinstance(interactive, dict):
        return Refusal(131008, "interactive is required", title="Required parameter is missing")
    kind, action = interactive.get("type"), interactive.get("action") or {}
    for part in ("header", "footer"):
        if isinstance(interactive.get(part), dict) and interactive[part].get("text") is not None:
            problem = _length(f"{part}.text", interactive[part]["text"], 1, 60)
            if problem:
                return problem
    if kind == "button":
        buttons = action.get("buttons")
        problem = _length("body.text", _at(interactive, "body", "text"), 1, 1024)
        if problem or not isinstance(buttons, list) or not 1 <= len(buttons) <= 3:
            return problem or Refusal(131009, "buttons: between 1 and 3 reply buttons")
        ids = [_at(b, "reply", "id") for b in buttons]
        titles = [_at(b, "reply", "title") for b in buttons]
        for b, button_id, title in zip(buttons, ids, titles, strict=True):
            problem = (
                (
                    None
                    if b.get("type") == "reply"
                    else Refusal(131009, "button type must be reply")
                )
                or _length("button id", button_id, 1, 256)
                or _length("button title", title, 1, 20)
            )
            if problem:
                return problem
        if len(set(ids)) != len(ids) or len({str(t).strip().casefold() for t in titles}) != len(
            titles
        ):
            return Refusal(131009, "Buttons must have unique ids and titles")
        return None
    if kind == "list":
        sections = action.get("sections")
        problem = _length("body.text", _at(interactive, "body", "text"), 1, 4096) or _length(
            "action.button", action.get("button"), 1, 20
        )
        if problem or not isinstance(sections, list) or not 1 <= len(sections) <= 10:
            return problem or Refusal(131009, "sections: between 1 and 10")
        rows = [r for s in sections for r in (s.get("rows") or [])]
        if not 1 <= len(rows) <= 10:
            return Refusal(131009, "rows: between 1 and 10 over all sections")
        for section in sections:
            problem = _length("section title", section.get("title"), 1, 24)
            if problem:
                return problem
        for row in rows:
            problem = _length("row id", row.get("id"), 1, 200) or _length(
                "row title", row.get("title"), 1, 24
            )
            if not problem and row.get("description") is not None:
                problem = _length("row description", row.get("description"), 0, 72)
            if problem:
                return problem
        if len({r.get("id") for r in rows}) != len(rows):
            return Refusal(131009, "Row ids must be unique")
        return None
    return Refusal(131009, f"Unsupported interactive type {kind}")


def _length(what: str, value: Any, least: int, most: int) -> Refusal | None:
    """Meta counts characters; we count UTF-16 units, as WhatsApp's clients do."""
    if not isinstance(value, str):
        return Refusal(131008, f"{what} is required", title="Required parameter is missing")
    size = len(value.encode("utf-16-le")) // 2
    if not least <= size <= most:
        return Refusal(131009, f"{what} must be {least}-{most} characters, got {size}")
    return None


def _at(value: Any, *keys: str) -> Any:
    for key in keys:
        value = value.get(key) if isinstance(value, dict) else None
    return value
