"""Typed answers that mean a button: its label in any language, or an alias."""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from bot.i18n import LANGUAGES, translate
from bot.messages import Button

# --- typed answers that mean a button -------------------------------------------------------------


def normalise(text: str) -> str:
    """Lower-case letters and digits only, for comparing a typed answer with button labels."""
    folded = unicodedata.normalize("NFKD", text.casefold())
    return " ".join("".join(c if c.isalnum() else " " for c in folded).split())


def match_button(text: str, buttons: tuple[Button, ...]) -> Button | None:
    """The button a typed answer names (its label in any language, or an alias)."""
    typed = normalise(text)
    if not typed:
        return None
    for button in buttons:
        label = None if button.text.params else button.text.msgid
        if typed in _names(label, button.aliases):
            return button
    return None


@lru_cache(maxsize=1024)  # labels and aliases only (never what a worker typed)
def _names(msgid: str | None, aliases: tuple[str, ...]) -> frozenset[str]:
    """What typing a button's label (in any language; None: a label with values) or alias is."""
    labels = [translate(msgid, lang) for lang in LANGUAGES] if msgid is not None else []
    return frozenset(normalise(name) for name in (*aliases, *labels))
