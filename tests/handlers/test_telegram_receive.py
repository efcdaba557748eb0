"""Reading an update takes what the bot uses and keeps the update as Telegram sent it."""

from __future__ import annotations

import json
from typing import Any

from telegram import Update

from bot.flow.events import Command, Document, Press, SharedContact, Unsupported
from handlers.telegram.offline import BOT_USER
from handlers.telegram.parse import Tap, chat_key, received
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


def test_a_tap_keeps_the_tapped_message_chat_and_id() -> None:
    data = tap(Updates(), 5)
    update = received(data)
    assert update.event == Press("c:1")
    assert update.tap == Tap(data["callback_query"]["id"], (5, 41))
    assert update.chat is not None and update.chat.id == 5
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


def samples() -> list[dict[str, Any]]:
    """One update of every kind the bot meets, in private chats and in a group."""
    updates = Updates()
    group = {"id": -100123, "type": "supergroup", "title": "Relawan"}
    in_group = updates.text(7, "/lihat@bpu_bot BPU-1")
    in_group["message"]["chat"] = dict(group)
    anonymous = updates.text(1087968824, "/start")
    anonymous["message"].update(chat=dict(group), sender_chat=dict(group))
    reply = updates.text(7, "ya")
    reply["message"].update(
        chat=dict(group),
        reply_to_message={"message_id": 1, "date": 1, "chat": group, "from": BOT_USER},
    )
    old_tap = updates.press(7, "c:1")
    old_tap["callback_query"]["message"] = {"message_id": 3, "date": 0, "chat": group}
    inline_tap = updates.press(7, "c:2")
    del inline_tap["callback_query"]["message"]
    inline_tap["callback_query"]["inline_message_id"] = "abc"
    member = {
        "update_id": 99,
        "my_chat_member": {
            "chat": {"id": 7, "type": "private"},
            "from": {"id": 7, "is_bot": False, "first_name": "Sri"},
            "date": 1,
            "old_chat_member": {"status": "member", "user": BOT_USER},
            "new_chat_member": {"status": "kicked", "user": BOT_USER, "until_date": 0},
        },
    }
    return [
        updates.text(5, "Budi Santoso", language_code="en"),
        updates.text(5, "/start  abc "),
        updates.contact(5, "+6281234567890"),
        updates.contact(5, "+6281234567890", owner=6),
        updates.document(5, "f1", "daftar.xlsx", caption="/impor"),
        updates.sticker(5),
        updates.edited(5, "salah"),
        tap(updates, 5),
        in_group,
        anonymous,
        reply,
        old_tap,
        inline_tap,
        member,
    ]


def test_reading_the_json_agrees_with_ptbs_update_of_it() -> None:
    """Everything the bot reads of an update is what PTB's Update of the same JSON says."""
    for data in samples():
        mine, theirs = received(data), Update.de_json(data, None)
        user, chat = theirs.effective_user, theirs.effective_chat
        message = theirs.effective_message
        assert mine.update_id == theirs.update_id
        assert (mine.sender and (mine.sender.id, mine.sender.is_bot)) == (
            user and (user.id, user.is_bot)
        )
        if user is not None:
            assert mine.sender is not None and mine.sender.first_name == user.first_name
            assert mine.sender.language_code == user.language_code
        assert (mine.chat and (mine.chat.id, mine.chat.type)) == (chat and (chat.id, chat.type))
        assert mine.on_behalf_of_chat == bool(message and message.sender_chat)
        query = theirs.callback_query
        assert (mine.tap and mine.tap.id) == (query and query.id)
        if query is not None:
            tapped = query.message
            assert mine.event == Press(query.data or "")
            assert mine.tap is not None
            assert mine.tap.message == (tapped and (tapped.chat.id, tapped.message_id))
        new = theirs.message
        assert mine.said == (new and (new.text or new.caption or ""))
        replied = new.reply_to_message if new is not None else None
        assert mine.replies_to_bot == bool(
            replied and replied.from_user and replied.from_user.is_bot
        )
        whose = chat or user
        assert chat_key(mine) == str(whose.id if whose is not None else 0)


def test_what_a_person_did_in_the_flows_terms() -> None:
    kinds = [type(received(data).event).__name__ for data in samples()]
    assert kinds == [
        "Text",
        "Command",
        "SharedContact",
        "SharedContact",
        "Document",
        "Unsupported",
        "Unsupported",
        "Press",
        "Command",
        "Command",
        "Text",
        "Press",
        "Press",
        "Unsupported",
    ]
    start, own, other, document = (received(data).event for data in samples()[1:5])
    assert start == Command("start", "abc")
    assert own == SharedContact("+6281234567890", True)
    assert other == SharedContact("+6281234567890", False)
    assert document == Document("daftar.xlsx", "/impor", "f1")
    assert received(samples()[5]).event == Unsupported("sticker")
    assert received(samples()[6]).event == Unsupported("edited")
    assert received(samples()[8]).event == Command("lihat", "BPU-1")


def test_a_malformed_update_is_refused() -> None:
    for body in (b'{"update_id": 1, "message": {}}', b'{"update_id": 1, "message": "x"}'):
        assert parse_update(body) is None
