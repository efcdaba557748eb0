"""Sending outbox notifications over Telegram, mapping its errors to retry or give up."""

from __future__ import annotations

import warnings

from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter
from telegram.warnings import PTBDeprecationWarning

from bot.ports import OutboxItem
from handlers.outbox import RetryLater, Sender, Undeliverable
from handlers.telegram.bot import BpuBot
from handlers.telegram.ratelimit import Priority, retry_after
from handlers.telegram.render import html, markup


def quiet_retry_after_warning() -> None:
    """PTB 22 warns, for every 429, that ``RetryAfter.retry_after`` becomes a timedelta in
    PTB 23; ``retry_after`` below takes either form, so the warning is noise in the logs."""
    warnings.filterwarnings(
        "ignore", r"Deprecated since version v22\.2.*retry_after", PTBDeprecationWarning
    )


def telegram_sender(bot: BpuBot) -> Sender:
    """A Sender that delivers outbox items as Telegram messages, yielding to replies.

    Nobody is waiting for a notification or a reminder the way a worker waits for the next
    question, so they go at background priority: inside the same flood budget, after replies.
    """

    async def send(item: OutboxItem) -> None:
        try:
            await bot.post_at(
                Priority.BACKGROUND,
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
