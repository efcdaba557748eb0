"""Parsing a tap builds what the bot uses and keeps the update as Telegram sent it."""

from __future__ import annotations

import json
from typing import Any

from handlers.telegram.receive import telegram_update
from handlers.telegram.webhook import parse_update
from tests.conftest import Telegram
from tests.fakes import Updates

KEYBOARD = {
    "inline_keyboard": [[{"text": f"Pilihan {n}", "callback_data": f"c:{n}"}] for n in range(7)]
}


def tap(updates: Updates, user: int) -> dict[str, Any]:
    data = updates.press(user, "c:1", text="Apa pekerjaan Anda?", message_id=41)
    data["callback_query"]["message"]["reply_markup"] = KEYBOARD
    return data


def test_a_tap_keeps_the_tapped_message_chat_and_id_not_its_text_and_buttons() -> None:
    data = tap(Updates(), 5)
    update = telegram_update(data, None)
    query_ = update.callback_query
    assert query_ is not None and query_.data == "c:1"
    message = query_.message
    assert message is not None and message.message_id == 41 and message.chat.id == 5
    assert getattr(message, "reply_markup", None) is None  # not built: the bot never reads it
    assert data["callback_query"]["message"]["reply_markup"] == KEYBOARD  # the input is untouched


def test_a_webhook_body_is_parsed_once_into_json_and_update() -> None:
    data = tap(Updates(), 5)
    parsed = parse_update(json.dumps(data).encode())
    assert parsed is not None
    raw, update = parsed
    assert raw == data and update.update_id == data["update_id"]


async def test_the_tapped_message_is_edited_by_its_chat_and_id(telegram: Telegram) -> None:
    """Through the real Application: the consent tap edits message 41 of chat 5 in place."""
    await telegram.text(5, "/start")
    before = len(telegram.request.calls)
    data = telegram.updates.press(5, "consent:yes", text="Anda setuju?", message_id=41)
    data["callback_query"]["message"]["reply_markup"] = KEYBOARD
    await telegram.feed(data)
    edits = [c.params for c in telegram.request.calls[before:] if c.method == "editMessageText"]
    assert [(int(e["chat_id"]), int(e["message_id"])) for e in edits] == [(5, 41)]
