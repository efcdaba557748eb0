"""What every Telegram callback needs, built once and kept in ``application.bot_data``."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from telegram.ext import ContextTypes

from bot.clock import Clock
from bot.dispatch import Dispatcher
from bot.flow.context import FlowConfig
from bot.officers.desk import OfficerDesk
from bot.ports import Repository
from bot.settings import Settings
from handlers.inbox import Pump
from handlers.telegram.menus import Menus

KEY = "services"


@dataclass
class Services:
    """The repository, the settings, the dispatcher (with the officer desk) and the inbox pump."""

    repo: Repository
    settings: Settings
    config: FlowConfig
    desk: OfficerDesk
    dispatcher: Dispatcher
    pump: Pump
    menus: Menus
    clock: Clock = field(default=lambda: datetime.now(UTC))  # the time, read at the edge

    @staticmethod
    def of(context: ContextTypes.DEFAULT_TYPE) -> Services:
        """The services of the running application."""
        services = context.bot_data[KEY]
        assert isinstance(services, Services)
        return services


def utcnow() -> datetime:
    """The time an update is handled; read here, at the edge, and passed into the core."""
    return datetime.now(UTC)
