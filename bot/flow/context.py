"""What the flow is given besides the conversation, and what it gives back."""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.branches import BranchRow, branch_rows, load_branches
from bot.flow.needs import Effect, Facts
from bot.flow.state import Conversation
from bot.messages import Msg, Reply
from bot.payment import PaymentChannel, load_payment_channels
from bot.settings import Settings


@dataclass(frozen=True)
class FlowConfig:
    """The deployment's choices the flow depends on (from Settings and data files)."""

    consent_version: str = "1"
    branches: Mapping[str, str] = field(default_factory=dict)  # region code → branch office
    branch_rows: tuple[BranchRow, ...] = ()  # the same table with each row's status and note
    default_branch: str = "Kantor Pusat"  # where unmapped regions' submissions go (admins)
    payment_channels: tuple[PaymentChannel, ...] = ()  # where to pay, named to approved workers
    reminder_day: int = 5  # the day of the month payment reminders go out
    code_tries: int = 5  # ROSTER_CODE_TRIES: wrong personal codes before a pause
    code_pause_minutes: int = 60  # ROSTER_CODE_PAUSE_MINUTES

    @classmethod
    def from_settings(cls, settings: Settings) -> FlowConfig:
        """The configuration of this deployment: settings and the branch table."""
        return cls(
            consent_version=settings.consent_version,
            branches=load_branches(settings.branches_file),
            branch_rows=branch_rows(settings.branches_file),
            default_branch=settings.default_branch,
            payment_channels=load_payment_channels(settings.payment_channels_file),
            reminder_day=settings.payment_reminder_day,
            code_tries=settings.roster_code_tries,
            code_pause_minutes=settings.roster_code_pause_minutes,
        )

    def branch_for(self, region_code: str | None) -> str | None:
        """The branch office serving a kabupaten/kota; None when the table has no row for it
        (its submissions go to ``default_branch``, the admins' queue)."""
        return self.branches.get(region_code or "")

    def queue_of(self, region_code: str | None) -> str:
        """The branch whose queue a registration from this region goes to."""
        return self.branch_for(region_code) or self.default_branch


@dataclass(frozen=True)
class Context(Facts):
    """The time, the deployment's choices, and the answers to the flow's Needs so far."""

    now: datetime  # aware, UTC
    facts: Mapping[Hashable, Any] = field(default_factory=dict)
    config: FlowConfig = field(default_factory=FlowConfig)
    # The sender's own mobile number when the channel gives it with every message (WhatsApp):
    # the phone question is then one tap. None on Telegram, whose contact button shares it.
    sender_phone: str | None = None
    contact_button: bool = True  # the channel has a button that shares the phone (Telegram)


@dataclass
class Outcome:
    """The new conversation, the messages to send, the tick for a tapped button, and the writes
    the runner applies with the save."""

    conv: Conversation
    replies: list[Reply]
    ack: Msg | None = None  # the tapped choice, echoed at the top of the next message
    toast: Msg | None = None  # a short notice on the tapped button instead of a message
    effects: list[Effect] = field(default_factory=list)  # writes no step reads back (counts)
