"""The Bot the application uses: PTB's ExtBot plus a send that does not parse Telegram's answer.

``send_message`` and ``edit_message_text`` turn Telegram's answer into a ``Message`` (with its
chat, sender and entities): in the benchmark that was a third of the CPU of a whole update, and the
flow never reads it. ``post`` makes the same call (same request, rate limiter and errors) and
drops the answer.
"""

from __future__ import annotations

from typing import Any

from telegram.ext import BaseRateLimiter, ContextTypes, ExtBot
from telegram.request import BaseRequest, HTTPXRequest

# As ApplicationBuilder sizes them: many sends in parallel, one long poll.
POOL_SIZE = 256


class BpuBot(ExtBot[None]):
    """An ExtBot with ``post``: a Bot API call whose answer is not needed."""

    async def post(self, method: str, **params: Any) -> None:
        """Call ``method`` (``sendMessage``...) with ``params``; None values are left out."""
        await self._post(method, params)

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
