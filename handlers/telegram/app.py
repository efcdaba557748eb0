"""Builds the python-telegram-bot Application: services, handlers, the inbox pump, the jobs."""

from __future__ import annotations

import asyncio
import contextlib
import json
import signal
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any, TypeAlias

from telegram import Update
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ContextTypes,
    MessageHandler,
    filters,
)
from telegram.request import BaseRequest

from bot.dispatch import Dispatcher
from bot.flow.context import FlowConfig
from bot.officers.desk import OfficerDesk
from bot.ports import Repository
from bot.settings import Settings
from handlers.housekeeping import housekeep
from handlers.inbox import Delivery, Pump
from handlers.outbox import OutboxWake, deliver_due, deliver_on_wake
from handlers.telegram.bot import BpuBot, bot_of, make_bot
from handlers.telegram.delivery import telegram_sender
from handlers.telegram.errors import on_error
from handlers.telegram.parse import CHANNEL
from handlers.telegram.ratelimit import PerChatRateLimiter
from handlers.telegram.receive import poll
from handlers.telegram.services import KEY, Services, utcnow
from handlers.telegram.updates import on_update

OUTBOX_INTERVAL_SECONDS = 2.0
HOUSEKEEPING_INTERVAL_SECONDS = 600.0

PTBApplication: TypeAlias = "Application[Any, Any, Any, Any, Any, Any]"


def build_application(
    settings: Settings,
    repo: Repository,
    *,
    request: BaseRequest | None = None,
    rate_limiter: bool = True,
) -> PTBApplication:
    """The application with every handler registered; ``request`` replaces the HTTP layer."""
    token = settings.telegram_bot_token.get_secret_value() if settings.telegram_bot_token else ""
    bot = make_bot(
        token,
        settings.telegram_api_base_url,
        request=request,
        rate_limiter=PerChatRateLimiter(max_retries=3) if rate_limiter else None,
    )
    # Updates are applied by the inbox pump (handlers/inbox.py), which calls process_update
    # itself: one chat's updates in order, different chats' in parallel.
    application = ApplicationBuilder().bot(bot).updater(None).build()
    config = FlowConfig.from_settings(settings)
    desk = OfficerDesk(
        repo, config, kpj_length=settings.kpj_length, bot_username=settings.bot_username
    )

    async def apply(delivery: Delivery) -> None:
        update = delivery.parsed
        if update is None:  # recovered from the database after a crash
            update = Update.de_json(json.loads(delivery.item.payload), application.bot)
        await application.process_update(update)

    pump = Pump(
        repo,
        CHANNEL,
        apply,
        clock=utcnow,
        lease=timedelta(seconds=settings.inbox_lease_seconds),
    )
    application.bot_data[KEY] = Services(
        repo=repo,
        settings=settings,
        config=config,
        desk=desk,
        dispatcher=Dispatcher(repo, config, desk),
        pump=pump,
    )
    # Every message (typed, a contact, a document, an edit) and every tap goes to the one
    # dispatch in the core, which decides officer command / officer dialog / worker flow.
    application.add_handlers(
        [
            MessageHandler(filters.UpdateType.MESSAGES, on_update),
            CallbackQueryHandler(on_update),
        ]
    )
    application.add_error_handler(on_error)
    if application.job_queue is not None:
        if not isinstance(repo, OutboxWake):  # otherwise running() delivers when woken
            application.job_queue.run_repeating(
                deliver_outbox, interval=OUTBOX_INTERVAL_SECONDS, first=1.0, name="outbox"
            )
        application.job_queue.run_repeating(
            housekeeping, interval=HOUSEKEEPING_INTERVAL_SECONDS, first=30.0, name="housekeeping"
        )
    return application


def services_of(application: PTBApplication) -> Services:
    """The services an application was built with."""
    services = application.bot_data[KEY]
    assert isinstance(services, Services)
    return services


async def deliver_outbox(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Delivers due notifications from the database (survives restarts: nothing kept in memory)."""
    services = Services.of(context)
    lease = timedelta(seconds=services.settings.outbox_lease_seconds)
    await deliver_due(services.repo, telegram_sender(bot_of(context)), utcnow(), lease)


async def housekeeping(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Reminders to stalled workers and purge of abandoned drafts."""
    services = Services.of(context)
    await housekeep(services.repo, services.settings, utcnow())


@asynccontextmanager
async def running(application: PTBApplication) -> AsyncIterator[Services]:
    """The application started (outbox and housekeeping jobs) with its inbox pump recovering
    what a previous process left unapplied; on exit, what is in flight is finished first."""
    services = services_of(application)
    async with application:  # initialize() ... shutdown()
        await application.start()
        services.pump.start_recovering()
        delivering = wake_delivery(application, services)
        try:
            yield services
        finally:
            if delivering is not None:
                delivering.cancel()
                await asyncio.gather(delivering, return_exceptions=True)
            await services.pump.stop()
            await application.stop()


def wake_delivery(application: PTBApplication, services: Services) -> asyncio.Task[None] | None:
    """Where the repository wakes on new notifications, the delivery loop that waits for it
    (instead of the 2 s job): a decision's notification leaves as soon as it is committed."""
    repo = services.repo
    if not isinstance(repo, OutboxWake):
        return None
    lease = timedelta(seconds=services.settings.outbox_lease_seconds)
    sender = telegram_sender(bot_of_application(application))
    loop = deliver_on_wake(repo, repo, sender, utcnow, lease, OUTBOX_INTERVAL_SECONDS)
    return asyncio.create_task(loop, name="outbox-delivery")


async def run_polling(application: PTBApplication) -> None:
    """Long-poll Telegram until SIGINT/SIGTERM (updates stored before they are confirmed)."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
    async with running(application) as services:
        await poll(bot_of_application(application), services.pump, stop)


def bot_of_application(application: PTBApplication) -> BpuBot:
    """The application's bot."""
    bot = application.bot
    assert isinstance(bot, BpuBot)
    return bot
