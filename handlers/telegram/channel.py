"""Telegram as one channel of the runtime: polling or a webhook route, the PTB Application that
applies updates through the core, and the outbox's Telegram sender."""

from __future__ import annotations

import asyncio
import logging
from urllib.parse import urlsplit

from starlette.routing import BaseRoute
from telegram.error import InvalidToken, NetworkError

from bot.ports import OutboxItem
from bot.settings import Settings
from handlers.inbox import Pump
from handlers.runtime import CannotStart
from handlers.telegram.app import PTBApplication, bot_of_application, services_of
from handlers.telegram.delivery import telegram_sender
from handlers.telegram.receive import ALLOWED_UPDATES, poll
from handlers.telegram.webhook import secret_problem, update_route, webhook_target

log = logging.getLogger(__name__)

# Reaching the Bot API at start-up: a network that is not up yet, DNS, Telegram's own trouble
# pass; so the process keeps trying (1 s, 2 s, 4 s, ... at most a minute apart) instead of
# exiting, and says in one line what it cannot reach. A refused token never passes: exit 2.
FIRST_RETRY_SECONDS = 1.0
MAX_RETRY_SECONDS = 60.0


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
        """Initialise (getMe), set the menus (and the webhook), start the jobs, recover the
        inbox. While the Bot API cannot be reached, tries again with a growing pause."""
        try:
            await self._set_up_until_reached()
        except asyncio.CancelledError:  # stopped while still trying
            await self.application.shutdown()
            raise
        await self.application.start()
        self.pump.start_recovering()

    async def _set_up_until_reached(self) -> None:
        delay = FIRST_RETRY_SECONDS
        while True:
            try:
                await self._set_up()
                return
            except InvalidToken:
                raise CannotStart(self._refused_token()) from None
            except NetworkError as error:
                log.warning(
                    "cannot reach the Telegram Bot API at %s (TELEGRAM_API_BASE_URL): %s; "
                    "trying again in %.0f s",
                    self.api_host,
                    self._without_token(str(error)),
                    delay,
                )
            await asyncio.sleep(delay)
            delay = min(delay * 2, MAX_RETRY_SECONDS)

    async def _set_up(self) -> None:
        """What start-up asks of the Bot API; each step may be repeated."""
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

    def _refused_token(self) -> str:
        """The one line for a 401 or 404 on getMe; a 404 may also be a base URL that is not a
        Bot API server, which only a changed TELEGRAM_API_BASE_URL can make."""
        line = (
            "Telegram refused the bot token (TELEGRAM_BOT_TOKEN): it is wrong or was revoked;"
            " copy it again from @BotFather."
        )
        default = Settings.model_fields["telegram_api_base_url"].default
        if self.settings.telegram_api_base_url != default:
            line += f" Or TELEGRAM_API_BASE_URL ({self.api_host}) is not a Bot API server."
        return line

    @property
    def api_host(self) -> str:
        """Where TELEGRAM_API_BASE_URL points, without the path (the token goes after it)."""
        parts = urlsplit(self.settings.telegram_api_base_url)
        return f"{parts.scheme}://{parts.netloc}" if parts.netloc else "(no host)"

    def _without_token(self, text: str) -> str:
        token = self.settings.telegram_bot_token
        secret = token.get_secret_value() if token is not None else ""
        return text.replace(secret, "<TELEGRAM_BOT_TOKEN>") if secret else text

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
