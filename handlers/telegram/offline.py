"""A Bot API without a network: answers every call the way Telegram would.

Tests record the calls on top of it (tests/fakes.py) and the benchmarks count them
(benchmarks/offline.py); a dry run could use it too. Subclasses see each call in ``answer``.
"""

from __future__ import annotations

import itertools
import json
from typing import Any

from telegram.request import BaseRequest, RequestData

BOT_USER = {"id": 777000, "is_bot": True, "first_name": "BPU Bot", "username": "bpu_bot"}
DATE = 1_790_000_000
# Bot API methods whose answer is the message they sent or edited.
MESSAGE_METHODS = frozenset({"sendMessage", "sendPhoto", "sendDocument", "editMessageText"})


class OfflineBotApi(BaseRequest):
    """Answers like Telegram: the bot itself for getMe, a message for sends and edits, else True."""

    def __init__(self) -> None:
        self._message_ids = itertools.count(1000)

    @property
    def read_timeout(self) -> float | None:
        """No network, so no timeout."""
        return None

    async def initialize(self) -> None:
        """Nothing to open."""

    async def shutdown(self) -> None:
        """Nothing to close."""

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        """One Bot API call (or a file download): Telegram's answer, as status and JSON body."""
        return self.answer(url, url.rsplit("/", 1)[-1], request_data)

    def answer(self, url: str, name: str, request_data: RequestData | None) -> tuple[int, bytes]:
        """Telegram's answer to ``name``; override to record, count or refuse calls."""
        params = request_data.json_parameters if request_data else {}
        return 200, json.dumps({"ok": True, "result": self.result(name, params)}).encode()

    def result(self, name: str, params: dict[str, Any]) -> Any:
        """The ``result`` Telegram returns for a successful call."""
        if name == "getMe":
            return BOT_USER
        if name in MESSAGE_METHODS:
            return {
                "message_id": next(self._message_ids),
                "date": DATE,
                "chat": {"id": int(params.get("chat_id", 1)), "type": "private"},
                "from": BOT_USER,
                "text": params.get("text", ""),
            }
        return True
