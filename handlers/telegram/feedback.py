"""Show "typing…" only when an answer is slow.

At a busy event a reply may wait for its place in Telegram's flood budget. A worker who sees
nothing for more than a second taps again or gives up, so after a second the bot says it is
typing; an answer that comes sooner costs no extra call. sendChatAction is not a chat message:
the rate limiter neither counts nor queues it (handlers/telegram/ratelimit.py).
"""

from __future__ import annotations

import asyncio
import logging

from telegram.constants import ChatAction
from telegram.error import TelegramError

from handlers.telegram.bot import BpuBot

log = logging.getLogger(__name__)

TYPING_AFTER_SECONDS = 1.0


class TypingIfSlow:
    """Around one update's handling: if it still runs after ``after`` seconds, show "typing".

    One chat action at most (Telegram shows it for five seconds or until the next message).
    Showing it is a courtesy: a failure is logged, never raised into the update. A timer, not a
    task, waits for the second: most answers come sooner and then cost nothing but its cancel.
    (A class rather than an @asynccontextmanager: it wraps every update, and the generator
    machinery cost more than the timer.)
    """

    __slots__ = ("_task", "_timer", "after", "bot", "chat_id")

    def __init__(self, bot: BpuBot, chat_id: int, after: float = TYPING_AFTER_SECONDS) -> None:
        self.bot = bot
        self.chat_id = chat_id
        self.after = after
        self._timer: asyncio.TimerHandle | None = None
        self._task: asyncio.Task[None] | None = None

    async def __aenter__(self) -> None:
        self._timer = asyncio.get_running_loop().call_later(self.after, self._show)

    async def __aexit__(self, *exc: object) -> None:
        if self._timer is not None:
            self._timer.cancel()
        task = self._task
        if task is not None:
            task.cancel()
            await asyncio.wait([task])  # let it finish cancelling; our own cancellation raises

    def _show(self) -> None:
        self._task = asyncio.get_running_loop().create_task(_typing(self.bot, self.chat_id))


async def _typing(bot: BpuBot, chat_id: int) -> None:
    try:
        await bot.post("sendChatAction", chat_id=chat_id, action=ChatAction.TYPING)
    except TelegramError as error:
        log.info("typing action not shown: %s", error)
