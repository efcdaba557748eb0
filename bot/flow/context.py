"""What the flow is given besides the conversation, and what it gives back."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from typing import Any

from bot.flow.events import MissingFact, Msg, Need, Reply
from bot.flow.state import Conversation
from bot.regions import load_branches
from bot.settings import Settings

WIB = timezone(timedelta(hours=7), "WIB")


@dataclass(frozen=True)
class FlowConfig:
    """The deployment's choices the flow depends on (from Settings and data files)."""

    consent_version: str = "1"
    branches: Mapping[str, str] = field(default_factory=dict)  # region code → branch office
    default_branch: str = "Kantor Pusat"

    @classmethod
    def from_settings(cls, settings: Settings) -> FlowConfig:
        """The configuration of this deployment: settings and the branch table."""
        return cls(
            consent_version=settings.consent_version,
            branches=load_branches(),
            default_branch=settings.default_branch,
        )

    def branch_for(self, region_code: str) -> str:
        """The branch office serving a kabupaten/kota."""
        return self.branches.get(region_code, self.default_branch)


@dataclass(frozen=True)
class Context:
    """The time, the deployment's choices, and the answers to the flow's Needs so far."""

    now: datetime  # aware, UTC
    facts: Mapping[str, Any] = field(default_factory=dict)
    config: FlowConfig = field(default_factory=FlowConfig)

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
    counters: list[tuple[str, str]] = field(default_factory=list)  # (event code, what happened)
