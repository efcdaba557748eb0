"""The Bot the application uses: PTB's ExtBot plus a send that does not parse Telegram's answer.

``send_message`` and ``edit_message_text`` turn Telegram's answer into a ``Message`` (with its
chat, sender and entities): in the benchmark that was a third of the CPU of a whole update, and the
flow never reads it. ``post`` makes the same call (same request, rate limiter and errors) and
drops the answer; ``post_at`` does the same at a priority that tells the rate limiter whether
someone is waiting for the call (see handlers/telegram/ratelimit.py).
"""

from __future__ import annotations

from typing import Any

from telegram.ext import BaseRateLimiter, ContextTypes, ExtBot
from telegram.request import BaseRequest, HTTPXRequest

from handlers.telegram.ratelimit import Priority

# As ApplicationBuilder sizes them: many sends in parallel, one long poll.
POOL_SIZE = 256


class BpuBot(ExtBot[Priority]):
    """An ExtBot with ``post``: a Bot API call whose answer is not needed."""

    async def post(self, method: str, **params: Any) -> None:
        """Call ``method`` (``sendMessage``...) with ``params`` for someone waiting for it.

        None values are left out. A reply to a person's own message: the rate limiter sends it
        before background calls (``post_at``).
        """
        await self.post_at(Priority.REPLY, method, **params)

    async def post_at(self, priority: Priority, method: str, /, **params: Any) -> None:
        """``post`` at ``priority``: ``BACKGROUND`` for what nobody is waiting for right now
        (notifications, reminders), which yields to replies inside the same flood budget."""
        api_kwargs = None
        if priority is not Priority.REPLY and self.rate_limiter is not None:
            api_kwargs = self._merge_api_rl_kwargs(None, priority)
        await self._post(method, params, api_kwargs=api_kwargs)

    async def fetch_updates(
        self, offset: int | None, wait: int, allowed: list[str]
    ) -> list[dict[str, Any]]:
        """getUpdates as Telegram's JSON: the inbox stores it as sent, and each update is parsed
        into an Update once, afterwards (``get_updates`` parses, and storing would serialise
        again). The read timeout allows for the long poll, as ``get_updates`` does."""
        read_timeout = (self._request[0].read_timeout or 0) + wait
        params = {"offset": offset, "timeout": wait, "allowed_updates": allowed}
        result = await self._post("getUpdates", params, read_timeout=read_timeout)
        return list(result) if isinstance(result, list) else []


def make_bot(
    token: str,
    base_url: str,
    *,
    request: BaseRequest | None,
    rate_limiter: BaseRateLimiter[Any] | None,
) -> BpuBot:
    """The bot for ``build_application``; files (/impor uploads) come from the same server."""
    return BpuBot(
        token,
        base_url=base_url,
        base_file_url=base_url.removesuffix("/bot") + "/file/bot"
        if base_url.endswith("/bot")
        else "https://api.telegram.org/file/bot",
        request=request or HTTPXRequest(connection_pool_size=POOL_SIZE),
        get_updates_request=request or HTTPXRequest(),
        rate_limiter=rate_limiter,
    )


def bot_of(context: ContextTypes.DEFAULT_TYPE) -> BpuBot:
    """The running application's bot."""
    bot = context.bot
    assert isinstance(bot, BpuBot)
    return bot
