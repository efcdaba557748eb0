"""The questions of the registration, one declaration each, grouped by topic; collected here in
the order the flow asks them (see bot/flow/registry.py and docs/adding-a-question.md).

Import ``REGISTRY`` from here (not from bot.flow.registry) to be sure every question is in it.
"""

from __future__ import annotations

from bot.flow.questions import (
    consent,
    contact,
    home,
    identity,
    invitation,
    programmes,
    summary,
    work,
)
from bot.flow.registry import REGISTRY

REGISTRY.add(
    *consent.QUESTIONS,
    *identity.QUESTIONS,
    *contact.QUESTIONS,
    *home.QUESTIONS,
    *work.QUESTIONS,
    *programmes.QUESTIONS,
    *summary.QUESTIONS,
    *invitation.QUESTIONS,
)

__all__ = ["REGISTRY"]
