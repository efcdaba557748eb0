"""What the flow is given besides the conversation, and what it gives back."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from typing import Any

from bot.flow.events import MissingFact, Msg, Need, Reply
from bot.flow.state import Conversation

WIB = timezone(timedelta(hours=7), "WIB")


@dataclass(frozen=True)
class Context:
    """The time, the settings the flow reads, and the answers to its Needs so far."""

    now: datetime  # aware, UTC
    facts: Mapping[str, Any] = field(default_factory=dict)
    consent_version: str = "1"

    @property
    def today(self) -> date:
        """Today's date in Indonesia (WIB), which decides ages, years and rates."""
        return self.now.astimezone(WIB).date()

    def fact(self, need: Need) -> Any:
        """The answer to ``need``; when missing, stop stepping so the runner can fetch it."""
        if need.key not in self.facts:
            raise MissingFact(need)
        return self.facts[need.key]


@dataclass
class Outcome:
    """The new conversation, the messages to send, and the tick for a tapped button."""

    conv: Conversation
    replies: list[Reply]
    ack: Msg | None = None  # shown on the message whose button was tapped
