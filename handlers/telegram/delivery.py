"""Sending outbox notifications over Telegram, mapping its errors to retry or give up."""

from __future__ import annotations

import warnings
from datetime import timedelta

from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter
from telegram.warnings import PTBDeprecationWarning

from bot.ports import OutboxItem
from handlers.outbox import RetryLater, Sender, Undeliverable
from handlers.telegram.bot import BpuBot
from handlers.telegram.render import html, markup


def quiet_retry_after_warning() -> None:
    """PTB 22 warns, for every 429, that ``RetryAfter.retry_after`` becomes a timedelta in
    PTB 23; ``retry_after`` below takes either form, so the warning is noise in the logs."""
    warnings.filterwarnings(
        "ignore", r"Deprecated since version v22\.2.*retry_after", PTBDeprecationWarning
    )


def retry_after(error: RetryAfter) -> timedelta:
    """Telegram's requested wait, whether PTB gives it in seconds (22) or as a timedelta (23)."""
    value = error.retry_after
    return value if isinstance(value, timedelta) else timedelta(seconds=value)


def telegram_sender(bot: BpuBot) -> Sender:
    """A Sender that delivers outbox items as Telegram messages."""

    async def send(item: OutboxItem) -> None:
        try:
            await bot.post(
                "sendMessage",
                chat_id=int(item.user_id),
                text=html(item.reply, item.lang),
                parse_mode=ParseMode.HTML,
                reply_markup=markup(item.reply, item.lang),
            )
        except Forbidden as error:  # the worker blocked the bot
            raise Undeliverable(str(error)) from error
        except RetryAfter as error:
            raise RetryLater(str(error), retry_after(error)) from error
        except BadRequest as error:  # chat not found, malformed: retrying will not help
            raise Undeliverable(str(error)) from error
        except NetworkError as error:  # timeouts, 5xx, connection errors
            raise RetryLater(str(error)) from error

    return send
