"""Reminders and retention, driven from the database so they survive restarts."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.domain import Housekeeping
from bot.flow.questions import reminder
from bot.flow.state import IN_PROGRESS
from bot.ports import Repository
from bot.settings import Settings


def policy(settings: Settings) -> Housekeeping:
    """The retention and reminder rules of this deployment."""
    return Housekeeping(
        in_progress_steps=frozenset(str(step) for step in IN_PROGRESS),
        remind_after=timedelta(hours=settings.reminder_after_hours),
        purge_after=timedelta(days=settings.draft_retention_days),
    )


async def housekeep(repo: Repository, settings: Settings, now: datetime) -> tuple[int, int]:
    """Queue one reminder per stalled draft and purge abandoned ones: (reminded, purged)."""
    return await repo.housekeeping(now, policy(settings), reminder())
