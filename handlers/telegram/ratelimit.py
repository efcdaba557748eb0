"""Keep a burst within Telegram's limits, and let a 429 hold up only the chat it was about.

PTB's AIORateLimiter pauses *every* request after any 429. At an outreach event that means one
worker's flood-control wait freezes everyone's next question. Here the overall limit (about 30
messages per second per bot) is shared, and a ``retry_after`` pauses only the chat it came for.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Coroutine
from typing import Any

from aiolimiter import AsyncLimiter
from telegram.constants import FloodLimit
from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

from handlers.telegram.delivery import retry_after

Result = bool | dict[str, Any] | list[dict[str, Any]]


class PerChatRateLimiter(BaseRateLimiter[None]):
    """An overall rate for the bot; 429 waits per chat; ``max_retries`` retries after a 429."""

    def __init__(
        self, overall_per_second: float = FloodLimit.MESSAGES_PER_SECOND, max_retries: int = 3
    ) -> None:
        self._overall = AsyncLimiter(overall_per_second, 1)
        self._max_retries = max_retries
        self._resume_at: dict[object, float] = {}  # chat → loop time its wait ends

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to tear down."""

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Result]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: None,
    ) -> Result:
        """Send within the overall rate; after a 429 wait for that chat only, then retry."""
        chat = data.get("chat_id")
        retries = self._max_retries
        loop = asyncio.get_running_loop()
        for attempt in range(retries + 1):
            await self._wait_for(chat, loop)
            limiter = self._overall if chat is not None else contextlib.nullcontext()
            try:
                async with limiter:
                    return await callback(*args, **kwargs)
            except RetryAfter as error:
                if attempt == retries:
                    raise
                seconds = retry_after(error).total_seconds()
                self._resume_at[chat] = max(
                    self._resume_at.get(chat, 0.0), loop.time() + seconds + 0.1
                )
        raise AssertionError("unreachable")

    async def _wait_for(self, chat: object, loop: asyncio.AbstractEventLoop) -> None:
        """Sleep while this chat is paused by a 429."""
        resume = self._resume_at.get(chat)
        if resume is None:
            return
        delay = resume - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        if self._resume_at.get(chat) == resume:
            del self._resume_at[chat]
