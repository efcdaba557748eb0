"""Show "typing…" only when an answer is slow.

At a busy event a reply may wait for its place in Telegram's flood budget. A worker who sees
nothing for more than a second taps again or gives up, so after a second the bot says it is
typing; an answer that comes sooner costs no extra call. sendChatAction is not a chat message:
the rate limiter neither counts nor queues it (handlers/telegram/ratelimit.py).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from telegram.constants import ChatAction
from telegram.error import TelegramError

from handlers.telegram.bot import BpuBot

log = logging.getLogger(__name__)

TYPING_AFTER_SECONDS = 1.0


@asynccontextmanager
async def typing_if_slow(
    bot: BpuBot, chat_id: int, after: float = TYPING_AFTER_SECONDS
) -> AsyncIterator[None]:
    """Around one update's handling: if it still runs after ``after`` seconds, show "typing".

    One chat action at most (Telegram shows it for five seconds or until the next message).
    Showing it is a courtesy: a failure is logged, never raised into the update. A timer, not a
    task, waits for the second: most answers come sooner and then cost nothing but its cancel.
    """
    loop = asyncio.get_running_loop()
    started: list[asyncio.Task[None]] = []

    def show() -> None:
        started.append(loop.create_task(_typing(bot, chat_id)))

    timer = loop.call_later(after, show)
    try:
        yield
    finally:
        timer.cancel()
        for task in started:
            task.cancel()
        if started:  # let it finish cancelling; our own cancellation still raises
            await asyncio.wait(started)


async def _typing(bot: BpuBot, chat_id: int) -> None:
    try:
        await bot.post("sendChatAction", chat_id=chat_id, action=ChatAction.TYPING)
    except TelegramError as error:
        log.info("typing action not shown: %s", error)
