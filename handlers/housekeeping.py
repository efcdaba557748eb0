"""Reminders and retention, driven from the database so they survive restarts."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.clock import today_wib
from bot.domain import Housekeeping
from bot.flow.context import FlowConfig
from bot.flow.questions import REGISTRY
from bot.flow.reminders import draft_reminder, payment_reminder_for
from bot.ports import Repository
from bot.settings import Settings


def policy(settings: Settings) -> Housekeeping:
    """The retention and reminder rules of this deployment."""
    return Housekeeping(
        in_progress_steps=REGISTRY.in_progress,
        remind_after=timedelta(hours=settings.reminder_after_hours),
        purge_after=timedelta(days=settings.draft_retention_days),
        outbox_after=timedelta(days=settings.outbox_retention_days),
        invitation_reminder_after=timedelta(days=settings.roster_reminder_days),
    )


async def housekeep(
    repo: Repository, settings: Settings, now: datetime, config: FlowConfig | None = None
) -> tuple[int, int]:
    """Queue one reminder per stalled draft and purge abandoned ones: (reminded, purged); from
    the payment reminder day of each month (WIB), the monthly reminders to pay."""
    done = await repo.housekeeping(now, policy(settings), draft_reminder())
    today = today_wib(now)
    if today.day >= settings.payment_reminder_day:
        channels = config.payment_channels if config is not None else ()
        await repo.payment_reminders(
            now, f"{today:%Y-%m}", lambda sub: payment_reminder_for(sub, today, channels)
        )
    return done
