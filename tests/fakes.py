"""Test doubles at the seams: a recording Bot API transport and builders of Telegram updates."""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from telegram import Update
from telegram.request import RequestData

from handlers.telegram.offline import BOT_USER, OfflineBotApi
from tests.telegram_api.rules import check


@dataclass
class Call:
    """One Bot API call the bot made."""

    method: str
    params: dict[str, Any]


class RecordingRequest(OfflineBotApi):
    """The offline Bot API, recording every call (no network).

    Every call is checked as Telegram checks it (tests/telegram_api/rules.py): one Telegram
    refuses is answered 400 (404 for an unknown method), kept in ``refused`` instead of
    ``calls``, and fails the test (tests/conftest.py). ``fail`` may return (status, error
    description) for a well-formed call to make Telegram refuse it anyway.
    """

    def __init__(
        self,
        fail: Callable[[Call], tuple[int, str] | None] | None = None,
        retry_after: int = 3,  # seconds a 429 asks the bot to wait
    ) -> None:
        super().__init__()
        self.calls: list[Call] = []
        self.refused: list[Call] = []  # calls Telegram would refuse (answered 400)
        self.fail = fail
        self.files: dict[str, bytes] = {}  # file_id → content, for downloads
        self.retry_after = retry_after

    def answer(self, url: str, name: str, request_data: RequestData | None) -> tuple[int, bytes]:
        if "/file/bot" in url:  # a download of a file the user sent
            return 200, self.files[name]
        params: dict[str, Any] = dict(request_data.parameters) if request_data else {}
        if request_data is not None and request_data.contains_files:
            # Uploaded files (photos, documents): keep their bytes under the parameter's name.
            for key, value in (request_data.multipart_data or {}).items():
                if isinstance(value, tuple):
                    params[key] = value[1]
        call = Call(name, params)
        wire = request_data.json_parameters if request_data else {}
        uploads = (request_data.multipart_data or {}) if request_data else {}
        refusal = check(name, wire, files=uploads.keys())
        if refusal is not None:
            self.refused.append(call)
            return refusal.status, json.dumps(refusal.body()).encode()
        if name != "getMe":
            self.calls.append(call)
        if self.fail is not None and (failure := self.fail(call)) is not None:
            status, description = failure
            body: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
            if status == 429:
                body["parameters"] = {"retry_after": self.retry_after}
            return status, json.dumps(body).encode()
        if name == "getFile":
            return 200, json.dumps(
                {"ok": True, "result": self.file(str(params["file_id"]))}
            ).encode()
        return super().answer(url, name, request_data)

    def file(self, file_id: str) -> dict[str, Any]:
        """getFile's answer for a file the test put in ``files``."""
        return {
            "file_id": file_id,
            "file_unique_id": file_id,
            "file_size": len(self.files.get(file_id, b"")),
            "file_path": f"documents/{file_id}",
        }

    def sent(self, chat_id: int | None = None) -> list[Call]:
        """The answers shown, optionally in one chat: messages sent, and tapped messages edited
        into the answer to the tap (handlers/telegram/updates.py edit_tapped)."""
        return [
            c
            for c in self.calls
            if c.method in SHOWN and (chat_id is None or c.params["chat_id"] == chat_id)
        ]

    def sends(self, chat_id: int | None = None) -> list[Call]:
        """sendMessage calls only."""
        return [c for c in self.sent(chat_id) if c.method == "sendMessage"]

    def last_text(self, chat_id: int | None = None) -> str:
        """The text of the last message sent (to ``chat_id``)."""
        return str(self.sent(chat_id)[-1].params["text"])

    def last_buttons(self, chat_id: int | None = None) -> list[str]:
        """Callback data of the inline buttons of the last message sent."""
        markup = self.sent(chat_id)[-1].params.get("reply_markup")
        if not markup:
            return []
        data = json.loads(markup) if isinstance(markup, str) else markup
        rows = data.get("inline_keyboard") or []
        return [b.get("callback_data", "") for row in rows for b in row]


SHOWN = frozenset({"sendMessage", "editMessageText"})


class Updates:
    """Builds Update objects from JSON, as Telegram would send them."""

    def __init__(self) -> None:
        self._ids = itertools.count(1)

    def _user(self, user_id: int, language_code: str = "id") -> dict[str, Any]:
        return {
            "id": user_id,
            "is_bot": False,
            "first_name": "Pekerja",
            "language_code": language_code,
        }

    def _message(self, user_id: int, language_code: str, **fields: Any) -> dict[str, Any]:
        return {
            "message_id": next(self._ids),
            "date": 1_790_000_000,
            "chat": {"id": user_id, "type": "private"},
            "from": self._user(user_id, language_code),
            **fields,
        }

    def text(self, user_id: int, text: str, *, language_code: str = "id") -> dict[str, Any]:
        """A typed message (a command when it starts with '/')."""
        extra: dict[str, Any] = {"text": text}
        if text.startswith("/"):
            length = len(text.split(" ", 1)[0])
            extra["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
        return {
            "update_id": next(self._ids),
            "message": self._message(user_id, language_code, **extra),
        }

    def press(
        self, user_id: int, data: str, *, text: str = "?", message_id: int = 1
    ) -> dict[str, Any]:
        """A tap on an inline button of a message the bot sent."""
        return {
            "update_id": next(self._ids),
            "callback_query": {
                "id": str(next(self._ids)),
                "from": self._user(user_id),
                "chat_instance": "1",
                "data": data,
                "message": {
                    "message_id": message_id,
                    "date": 1_790_000_000,
                    "chat": {"id": user_id, "type": "private"},
                    "from": BOT_USER,
                    "text": text,
                },
            },
        }

    def contact(self, user_id: int, phone: str, *, owner: int | None = None) -> dict[str, Any]:
        """A contact shared with the contact button (owner defaults to the sender)."""
        contact = {"phone_number": phone, "first_name": "Pekerja", "user_id": owner or user_id}
        return {
            "update_id": next(self._ids),
            "message": self._message(user_id, "id", contact=contact),
        }

    def document(
        self, user_id: int, file_id: str, file_name: str, caption: str | None = None
    ) -> dict[str, Any]:
        """A file sent as a document (with an optional caption)."""
        document = {"file_id": file_id, "file_unique_id": file_id, "file_name": file_name}
        extra: dict[str, Any] = {"document": document}
        if caption:
            extra["caption"] = caption
        return {"update_id": next(self._ids), "message": self._message(user_id, "id", **extra)}

    def sticker(self, user_id: int) -> dict[str, Any]:
        """A sticker, which the flow cannot read."""
        sticker = {
            "file_id": "s",
            "file_unique_id": "s",
            "width": 1,
            "height": 1,
            "is_animated": False,
            "is_video": False,
            "type": "regular",
        }
        return {
            "update_id": next(self._ids),
            "message": self._message(user_id, "id", sticker=sticker),
        }

    def edited(self, user_id: int, text: str) -> dict[str, Any]:
        """An edited earlier message."""
        message = self._message(user_id, "id", text=text, edit_date=1_790_000_100)
        return {"update_id": next(self._ids), "edited_message": message}


def to_update(data: dict[str, Any], bot: Any) -> Update:
    """An Update object from its JSON."""
    update = Update.de_json(data, bot)
    assert update is not None
    return update
