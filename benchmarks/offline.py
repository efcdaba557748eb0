"""An offline Bot API (a ``BaseRequest`` that counts calls) and Telegram update JSON builders."""

from __future__ import annotations

import itertools
from collections import Counter
from typing import Any

from telegram.request import RequestData

from handlers.telegram.offline import BOT_USER, DATE, OfflineBotApi

TOKEN = "123456:BENCHMARK"
# Bot API methods that put a new message in the chat, those that change an old one (both count
# against Telegram's flood limits), and the answer to a button tap (not a chat message).
SENDS = frozenset({"sendMessage", "sendPhoto", "sendDocument"})
EDITS = frozenset({"editMessageText", "editMessageReplyMarkup"})
CALLBACK_ANSWERS = frozenset({"answerCallbackQuery"})
TOUCHES = EDITS | CALLBACK_ANSWERS


class CountingBotApi(OfflineBotApi):
    """The project's offline Bot API (handlers/telegram/offline.py), counting the calls.

    The parameters are JSON-encoded as HTTPXRequest would before posting them, so the bot pays
    the same serialisation cost it pays in production; only the socket is missing.
    """

    def __init__(self) -> None:
        super().__init__()
        self.calls: Counter[str] = Counter()
        self.sent_to: Counter[int] = Counter()

    def answer(self, url: str, name: str, request_data: RequestData | None) -> tuple[int, bytes]:
        params = request_data.json_parameters if request_data else {}
        if name != "getMe":
            self.calls[name] += 1
        if name in SENDS:
            self.sent_to[int(params.get("chat_id", 0))] += 1
        return super().answer(url, name, request_data)

    def sends(self) -> int:
        """New messages the bot put in chats."""
        return sum(self.calls[m] for m in SENDS)

    def edits(self) -> int:
        """Edits of earlier messages."""
        return sum(self.calls[m] for m in EDITS)

    def callback_answers(self) -> int:
        """Answers to button taps."""
        return sum(self.calls[m] for m in CALLBACK_ANSWERS)

    def touches(self) -> int:
        """Edits of earlier messages and answers to button taps."""
        return self.edits() + self.callback_answers()


class UpdateJson:
    """Builds Update JSON as Telegram sends it; ids are unique across everything built."""

    def __init__(self) -> None:
        self._ids = itertools.count(1)

    @staticmethod
    def user(user_id: int, language_code: str = "id") -> dict[str, Any]:
        """The ``from`` of an update."""
        return {
            "id": user_id,
            "is_bot": False,
            "first_name": "Pekerja",
            "language_code": language_code,
        }

    def message(self, user_id: int, lang: str = "id", **fields: Any) -> dict[str, Any]:
        """A message from a worker in their private chat with the bot."""
        message = {
            "message_id": next(self._ids),
            "date": DATE,
            "chat": {"id": user_id, "type": "private", "first_name": "Pekerja"},
            "from": self.user(user_id, lang),
            **fields,
        }
        return {"update_id": next(self._ids), "message": message}

    def text(self, user_id: int, text: str, lang: str = "id") -> dict[str, Any]:
        """A typed message; a leading '/' makes it a command, as Telegram marks it."""
        fields: dict[str, Any] = {"text": text}
        if text.startswith("/"):
            length = len(text.split(" ", 1)[0])
            fields["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
        return self.message(user_id, lang, **fields)

    def contact(self, user_id: int, phone: str, lang: str = "id") -> dict[str, Any]:
        """The worker's own number, shared with the contact button."""
        contact = {"phone_number": phone, "first_name": "Pekerja", "user_id": user_id}
        return self.message(user_id, lang, contact=contact)

    def press(self, user_id: int, data: str, lang: str = "id") -> dict[str, Any]:
        """A tap on an inline button under a question the bot sent."""
        query = {
            "id": str(next(self._ids)),
            "from": self.user(user_id, lang),
            "chat_instance": str(user_id),
            "data": data,
            "message": {
                "message_id": next(self._ids),
                "date": DATE,
                "chat": {"id": user_id, "type": "private", "first_name": "Pekerja"},
                "from": BOT_USER,
                "text": "Pertanyaan sebelumnya",
            },
        }
        return {"update_id": next(self._ids), "callback_query": query}
