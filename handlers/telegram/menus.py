"""Telegram's command menu (the "/" button): the workers' list for everyone, in Indonesian and
English, and the officers' list in each officer's own chat (BotCommandScopeChat).

Set at start-up and whenever the officers change (checked every minute). A chat scope that
Telegram refuses (an officer who has never written to the bot: "chat not found") is logged and
tried again at that officer's first message; it never stops the bot.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field

from telegram import BotCommand, BotCommandScopeChat, BotCommandScopeDefault
from telegram.error import TelegramError

from bot.i18n import LANGUAGES, translate
from bot.identity import TELEGRAM, split_key
from bot.menus import OFFICER_MENU, WORKER_MENU
from bot.ports import Repository
from handlers.telegram.bot import BpuBot

log = logging.getLogger(__name__)


def commands(menu: Sequence[tuple[str, str]], lang: str) -> list[BotCommand]:
    """A menu in one language (Telegram allows 3-256 characters of description)."""
    return [BotCommand(name, translate(description, lang)[:256]) for name, description in menu]


@dataclass
class Menus:
    """What was set, so that only changes are sent."""

    officers: frozenset[str] = frozenset()  # officers whose chat has the officers' menu
    failed: set[str] = field(default_factory=set)  # officers to try again at their next message

    async def set_default(self, bot: BpuBot) -> None:
        """The workers' menu for every chat: Indonesian, and English for English phones."""
        for lang in LANGUAGES:
            try:
                await bot.set_my_commands(
                    commands(WORKER_MENU, lang),
                    scope=BotCommandScopeDefault(),
                    language_code=None if lang == "id" else lang,
                )
            except TelegramError as error:
                log.warning("could not set the %s command menu: %s", lang, error)

    async def refresh(self, bot: BpuBot, repo: Repository) -> None:
        """Give new officers their menu and take it from those no longer officers."""
        # Telegram officers only (their chat id is their user id); the keys are "tg:<id>".
        current = frozenset(
            user_id
            for channel, user_id in map(split_key, await repo.officer_ids())
            if channel == TELEGRAM
        )
        for user_id in sorted(current - self.officers):
            await self.set_officer(bot, user_id)
        for user_id in sorted(self.officers - current):
            for lang in LANGUAGES:
                try:
                    await bot.delete_my_commands(
                        scope=BotCommandScopeChat(int(user_id)),
                        language_code=None if lang == "id" else lang,
                    )
                except TelegramError as error:
                    log.warning("could not remove an officer's command menu: %s", error)
            self.failed.discard(user_id)
        self.officers = current

    async def set_officer(self, bot: BpuBot, user_id: str) -> None:
        """The officers' menu in one officer's chat; on failure, try again at their message."""
        try:
            for lang in LANGUAGES:
                await bot.set_my_commands(
                    commands(OFFICER_MENU, lang),
                    scope=BotCommandScopeChat(int(user_id)),
                    language_code=None if lang == "id" else lang,
                )
        except TelegramError as error:
            log.warning("officer %s: command menu not set yet (%s)", user_id, error)
            self.failed.add(user_id)
        else:
            self.failed.discard(user_id)

    async def retry_for(self, bot: BpuBot, user_id: str) -> None:
        """An officer whose menu could not be set has written: try again now."""
        if user_id in self.failed:
            await self.set_officer(bot, user_id)
