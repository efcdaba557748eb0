"""Telegram as one channel of the runtime: polling or a webhook route, the PTB Application that
applies updates through the core, and the outbox's Telegram sender."""

from __future__ import annotations

import asyncio

from starlette.routing import BaseRoute

from bot.ports import OutboxItem
from bot.settings import Settings
from handlers.inbox import Pump
from handlers.telegram.app import PTBApplication, bot_of_application, services_of
from handlers.telegram.delivery import telegram_sender
from handlers.telegram.receive import ALLOWED_UPDATES, poll
from handlers.telegram.webhook import secret_problem, update_route, webhook_target


class TelegramChannel:
    """Receives by long polling, or by webhook when WEBHOOK_URL is set."""

    name = "tg"

    def __init__(self, application: PTBApplication, settings: Settings) -> None:
        self.application = application
        self.settings = settings
        self.bot = bot_of_application(application)
        self._send = telegram_sender(self.bot)

    @property
    def pump(self) -> Pump:
        return services_of(self.application).pump

    @property
    def webhook(self) -> bool:
        return bool(self.settings.webhook_url)

    def routes(self) -> list[BaseRoute]:
        return [update_route(self.application, self.settings)] if self.webhook else []

    async def start(self) -> None:
        """Initialise, set the menus (and the webhook), start the jobs, recover the inbox."""
        services = services_of(self.application)
        await self.application.initialize()
        await services.menus.set_default(self.bot)
        await services.menus.refresh(self.bot, services.repo)
        if self.webhook:
            problem = secret_problem(self.settings)
            if problem is not None:
                raise ValueError(problem)
            assert self.settings.webhook_secret is not None
            url, _ = webhook_target(self.settings)
            await self.bot.set_webhook(
                url=url,
                secret_token=self.settings.webhook_secret.get_secret_value(),
                allowed_updates=ALLOWED_UPDATES,
            )
        await self.application.start()
        await self.pump.start_recovering()

    async def run(self, stop: asyncio.Event) -> None:
        if not self.webhook:
            await poll(self.bot, self.pump, stop)

    async def stop(self) -> None:
        """Finish what is in flight, then stop and shut the application down."""
        await self.pump.stop()
        await self.application.stop()
        await self.application.shutdown()

    async def deliver(self, item: OutboxItem) -> None:
        await self._send(item)
