"""What a WhatsApp user sees of our messages, as plain text: for ``python -m bot chat --as
whatsapp`` and for the fake Cloud API's transcripts.

Markup stays as WhatsApp shows it before styling (``*bold*``); reply buttons are ``[ Ya ]``; a
list message shows its button, then its rows as the menu that opens; a template shows its
filled-in text when we know it (handlers.whatsapp.templates).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from bot.messages import Reply
from handlers.whatsapp.render import Choices, render_reply
from handlers.whatsapp.templates import TEMPLATES, Notice, filled


def preview(message: Mapping[str, Any], template_names: Mapping[str, Notice] | None = None) -> str:
    """One message (a Cloud API message object) as the user sees it.

    ``template_names`` maps a template's name at Meta to our notice, to show its text.
    """
    kind = message.get("type")
    if kind == "text":
        return str(_get(message, "text", "body"))
    if kind == "interactive":
        return _interactive(message.get("interactive") or {})
    if kind == "template":
        return _template(message.get("template") or {}, template_names or {})
    if kind in ("image", "document"):
        media = message.get(kind) or {}
        name = media.get("filename") or media.get("id") or ""
        return f"📎 {'gambar' if kind == 'image' else 'dokumen'} {name}".rstrip()
    return f"[{kind}]"


def preview_all(
    messages: Iterable[Mapping[str, Any]], template_names: Mapping[str, Notice] | None = None
) -> str:
    """Several messages, one after the other, separated by a blank line."""
    return "\n\n".join(preview(m, template_names) for m in messages)


def preview_reply(reply: Reply, lang: str) -> tuple[str, Choices]:
    """A core reply as a WhatsApp user would see it (``chat --as whatsapp``), and what they may
    type back."""
    rendered = render_reply(reply, lang)
    shown = preview_all(rendered.messages)
    for attachment in rendered.files:
        kind = "gambar" if attachment.photo else "dokumen"
        shown += f"\n📎 {kind} {attachment.filename}"
    return shown, rendered.choices


def _interactive(interactive: Mapping[str, Any]) -> str:
    body = str(_get(interactive, "body", "text"))
    action = interactive.get("action") or {}
    if interactive.get("type") == "button":
        titles = [str(_get(b, "reply", "title")) for b in action.get("buttons") or []]
        return body + "\n" + "  ".join(f"[ {t} ]" for t in titles)
    if interactive.get("type") == "list":
        lines = [body, f"[ ☰ {action.get('button', '')} ]"]
        for section in action.get("sections") or []:
            if section.get("title"):
                lines.append(f"  {section['title']}")
            for row in section.get("rows") or []:
                detail = f" — {row['description']}" if row.get("description") else ""
                lines.append(f"   • {row.get('title', '')}{detail}")
        return "\n".join(lines)
    return body


def _template(template: Mapping[str, Any], names: Mapping[str, Notice]) -> str:
    name = str(template.get("name", ""))
    code = str(_get(template, "language", "code"))
    params: list[str] = []
    for component in template.get("components") or []:
        if component.get("type") == "body":
            params = [str(p.get("text", "")) for p in component.get("parameters") or []]
    notice = names.get(name)
    if notice is None:
        return f"[template {name} ({code}): {', '.join(params)}]"
    lang = "en" if code.startswith("en") else "id"
    text = filled(notice, lang, params)
    for button in (TEMPLATES[notice].button, TEMPLATES[notice].second_button):
        if button is not None:
            text += f"\n[ {button[lang]} ]"
    return text


def _get(value: Mapping[str, Any], *keys: str) -> Any:
    found: Any = value
    for key in keys:
        found = found.get(key) if isinstance(found, Mapping) else None
    return "" if found is None else found
