"""Builds the python-telegram-bot Application: services, handlers, the inbox pump, the jobs."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any, TypeAlias

from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ContextTypes,
    MessageHandler,
    filters,
)
from telegram.request import BaseRequest

from bot.clock import Clock
from bot.ports import Repository
from bot.settings import Settings
from handlers.inbox import Delivery, Pump
from handlers.runtime import Core, build_core
from handlers.telegram.bot import BpuBot, bot_of, make_bot
from handlers.telegram.errors import apologise, on_error
from handlers.telegram.menus import Menus
from handlers.telegram.parse import CHANNEL, Received, received
from handlers.telegram.ratelimit import PerChatRateLimiter
from handlers.telegram.services import KEY, Services, utcnow
from handlers.telegram.updates import handle_update, on_update

MENUS_INTERVAL_SECONDS = 60.0

PTBApplication: TypeAlias = "Application[Any, Any, Any, Any, Any, Any]"


def build_application(
    settings: Settings,
    repo: Repository,
    *,
    request: BaseRequest | None = None,
    rate_limiter: bool = True,
    clock: Clock = utcnow,
    core: Core | None = None,
) -> PTBApplication:
    """The application with every handler registered; ``request`` replaces the HTTP layer and
    ``clock`` the time (tests fix the date: contribution rates depend on it). ``core``: the
    dispatcher shared with the process's other channels (built here when not given)."""
    core = core or build_core(settings, repo, clock)
    token = settings.telegram_bot_token.get_secret_value() if settings.telegram_bot_token else ""
    bot = make_bot(
        token,
        settings.telegram_api_base_url,
        request=request,
        rate_limiter=PerChatRateLimiter(max_retries=3) if rate_limiter else None,
    )
    # Updates are applied by the inbox pump (handlers/inbox.py), which calls the handler
    # itself: one chat's updates in order, different chats' in parallel.
    application = ApplicationBuilder().bot(bot).updater(None).build()

    def update_of(delivery: Delivery) -> Received:
        if delivery.parsed is None:  # recovered from the database after a crash
            delivery.parsed = received(json.loads(delivery.item.payload))
        update: Received = delivery.parsed
        return update

    async def apply(delivery: Delivery) -> None:
        # Not process_update: it hands a handler's exception to the error handler and returns,
        # and the inbox would take an update whose replies never went out for answered.
        await handle_update(update_of(delivery), services, bot)

    async def gave_up(delivery: Delivery) -> None:
        await apologise(bot, update_of(delivery))

    pump = Pump(
        repo,
        CHANNEL,
        apply,
        clock=core.clock,
        lease=timedelta(seconds=settings.inbox_lease_seconds),
        liveness=core.liveness,
        gave_up=gave_up,
    )
    services = Services(
        repo=repo,
        settings=settings,
        config=core.config,
        desk=core.desk,
        dispatcher=core.dispatcher,
        pump=pump,
        menus=Menus(),
        clock=core.clock,
    )
    application.bot_data[KEY] = services
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
        application.job_queue.run_repeating(
            refresh_menus, interval=MENUS_INTERVAL_SECONDS, first=MENUS_INTERVAL_SECONDS
        )
    return application


def services_of(application: PTBApplication) -> Services:
    """The services an application was built with."""
    services = application.bot_data[KEY]
    assert isinstance(services, Services)
    return services


async def refresh_menus(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Officers added or removed since the last look get (or lose) their command menu."""
    services = Services.of(context)
    await services.menus.refresh(bot_of(context), services.repo)


def bot_of_application(application: PTBApplication) -> BpuBot:
    """The application's bot."""
    bot = application.bot
    assert isinstance(bot, BpuBot)
    return bot


@asynccontextmanager
async def running(application: PTBApplication) -> AsyncIterator[Services]:
    """The application started (its menus set, its jobs running) with its inbox pump
    recovering what a previous process left unanswered; on exit, what is in flight is
    finished first."""
    services = services_of(application)
    async with application:  # initialize() ... shutdown()
        bot = bot_of_application(application)
        await services.menus.set_default(bot)
        await services.menus.refresh(bot, services.repo)
        await application.start()
        await services.pump.start_recovering()
        try:
            yield services
        finally:
            await services.pump.stop()
            await application.stop()
