"""Builds the python-telegram-bot Application: services, handlers in order, the outbox job."""

from __future__ import annotations

from datetime import timedelta

from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)
from telegram.request import BaseRequest

from bot.domain import OFFICER_COMMANDS
from bot.flow.context import FlowConfig
from bot.officers.desk import OfficerDesk
from bot.settings import Settings
from handlers.housekeeping import housekeep
from handlers.locks import UserLocks
from handlers.outbox import deliver_due
from handlers.telegram.bot import bot_of, make_bot
from handlers.telegram.delivery import telegram_sender
from handlers.telegram.errors import on_error
from handlers.telegram.officer import on_document, on_officer_update
from handlers.telegram.ratelimit import PerChatRateLimiter
from handlers.telegram.services import KEY, Services, utcnow
from handlers.telegram.worker import on_worker_update
from storage.repository import Repository

OUTBOX_INTERVAL_SECONDS = 2.0
HOUSEKEEPING_INTERVAL_SECONDS = 600.0


def build_application(
    settings: Settings,
    repo: Repository,
    *,
    request: BaseRequest | None = None,
    rate_limiter: bool = True,
) -> Application:  # type: ignore[type-arg]
    """The application with every handler registered; ``request`` replaces the HTTP layer."""
    token = settings.telegram_bot_token.get_secret_value() if settings.telegram_bot_token else ""
    bot = make_bot(
        token,
        settings.telegram_api_base_url,
        request=request,
        rate_limiter=PerChatRateLimiter(max_retries=3) if rate_limiter else None,
    )
    builder = ApplicationBuilder().bot(bot)
    # Different workers in parallel; one worker's updates are serialised by UserLocks.
    application = builder.concurrent_updates(True).build()
    config = FlowConfig.from_settings(settings)
    application.bot_data[KEY] = Services(
        repo=repo,
        settings=settings,
        config=config,
        desk=OfficerDesk(
            repo, config, kpj_length=settings.kpj_length, bot_username=settings.bot_username
        ),
        locks=UserLocks(),
    )
    # Order matters: officer commands and buttons first (the desk checks the officer's role and
    # hands anyone else back to the flow), then everything else goes to the flow.
    application.add_handlers(
        [
            CommandHandler(sorted(OFFICER_COMMANDS), on_officer_update),
            CallbackQueryHandler(on_officer_update, pattern=r"^off:"),
            MessageHandler(filters.Document.ALL & filters.UpdateType.MESSAGE, on_document),
            MessageHandler(filters.UpdateType.MESSAGES, on_worker_update),
            CallbackQueryHandler(on_worker_update),
        ]
    )
    application.add_error_handler(on_error)
    if application.job_queue is not None:
        application.job_queue.run_repeating(
            deliver_outbox, interval=OUTBOX_INTERVAL_SECONDS, first=1.0, name="outbox"
        )
        application.job_queue.run_repeating(
            housekeeping, interval=HOUSEKEEPING_INTERVAL_SECONDS, first=30.0, name="housekeeping"
        )
    return application


async def deliver_outbox(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Delivers due notifications from the database (survives restarts: nothing kept in memory)."""
    services = Services.of(context)
    lease = timedelta(seconds=services.settings.outbox_lease_seconds)
    await deliver_due(services.repo, telegram_sender(bot_of(context)), utcnow(), lease)


async def housekeeping(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Reminders to stalled workers and purge of abandoned drafts."""
    services = Services.of(context)
    await housekeep(services.repo, services.settings, utcnow())
