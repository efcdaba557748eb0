"""The fake Bot APIs refuse what Telegram refuses, and accept the well-formed calls."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from telegram import InputFile, ReplyKeyboardRemove
from telegram.constants import BOT_API_VERSION
from telegram.error import BadRequest

from handlers.telegram.bot import make_bot
from tests.fakes import RecordingRequest
from tests.system.fake_telegram import FakeTelegram
from tests.telegram_api.entities import HtmlError, plain_text
from tests.telegram_api.rules import SPEC, VERSION, problem, take_refused

INLINE = {"inline_keyboard": [[{"text": "Setuju", "callback_data": "consent:yes"}]]}
CONTACT = {
    "keyboard": [[{"text": "📱 Bagikan nomor HP", "request_contact": True}]],
    "resize_keyboard": True,
    "one_time_keyboard": True,
}
COMMANDS = [{"command": "status", "description": "Cek status pendaftaran"}]


def test_the_spec_is_the_bot_api_version_python_telegram_bot_speaks() -> None:
    assert VERSION == f"Bot API {BOT_API_VERSION}"
    assert SPEC["source"].startswith("https://github.com/") and len(SPEC["commit"]) == 40


ACCEPTED: list[tuple[str, dict[str, Any]]] = [
    ("sendMessage", {"chat_id": 5, "text": "<b>Halo</b> &amp; &#8212; &quot;x&quot;"}),
    ("sendMessage", {"chat_id": "5", "text": "x", "reply_markup": json.dumps(INLINE)}),
    ("sendMessage", {"chat_id": 5, "text": "x", "reply_markup": CONTACT}),
    ("sendMessage", {"chat_id": 5, "text": "x", "reply_markup": {"remove_keyboard": True}}),
    ("sendMessage", {"chat_id": 5, "text": "x", "reply_markup": {"keyboard": [["Ya", "Tidak"]]}}),
    ("sendMessage", {"chat_id": 5, "text": "x" * 4096}),
    ("sendMessage", {"chat_id": 5, "text": "<b>" + "x" * 4096 + "</b>", "parse_mode": "HTML"}),
    (
        "sendMessage",
        {
            "chat_id": 5,
            "parse_mode": "HTML",
            "text": '<b>a <i>b <u>c</u></i></b> <a href="https://x.id/?a=1&amp;b=2">l</a> '
            '<span class="tg-spoiler">s</span> <pre><code class="language-py">1 &lt; 2'
            "</code></pre> <blockquote expandable>q</blockquote> 3 > 2",
        },
    ),
    ("editMessageText", {"chat_id": 5, "message_id": 7, "text": "✓ Setuju"}),
    ("editMessageText", {"chat_id": 5, "message_id": 7, "text": "x", "reply_markup": INLINE}),
    ("editMessageText", {"inline_message_id": "abc", "text": "x"}),
    ("answerCallbackQuery", {"callback_query_id": "1", "text": "x" * 200}),
    ("sendChatAction", {"chat_id": 5, "action": "typing"}),
    ("setMyCommands", {"commands": COMMANDS, "scope": {"type": "chat", "chat_id": 5}}),
    ("setMyCommands", {"commands": json.dumps(COMMANDS), "scope": '{"type": "default"}'}),
    ("deleteMyCommands", {"scope": {"type": "chat_member", "chat_id": 5, "user_id": 6}}),
    ("setChatMenuButton", {"chat_id": 5, "menu_button": {"type": "commands"}}),
    ("getUpdates", {"offset": "3", "timeout": "10", "allowed_updates": '["message"]'}),
    ("setWebhook", {"url": "https://x.id/tg", "secret_token": "Ab_9-x"}),
    (
        "editMessageMedia",
        {"chat_id": 5, "message_id": 7, "media": {"type": "photo", "media": "file-id"}},
    ),
]


@pytest.mark.parametrize(("method", "params"), ACCEPTED)
def test_well_formed_calls_are_accepted(method: str, params: dict[str, Any]) -> None:
    assert problem(method, params) is None


REFUSED: list[tuple[str, dict[str, Any], str]] = [
    # Edits take only an inline keyboard.
    (
        "editMessageText",
        {"chat_id": 5, "message_id": 7, "text": "x", "reply_markup": {"remove_keyboard": True}},
        "inline keyboard expected",
    ),
    (
        "editMessageText",
        {"chat_id": 5, "message_id": 7, "text": "x", "reply_markup": json.dumps(CONTACT)},
        "inline keyboard expected",
    ),
    # Lengths.
    ("sendMessage", {"chat_id": 5, "text": "x" * 4097}, "too long (4097 > 4096"),
    ("sendMessage", {"chat_id": 5, "text": "😀" * 2049}, "too long (4098 > 4096"),
    ("sendMessage", {"chat_id": 5, "text": "<b> </b>", "parse_mode": "HTML"}, "text is empty"),
    ("sendMessage", {"chat_id": 5}, "message text is empty"),
    ("answerCallbackQuery", {"callback_query_id": "1", "text": "x" * 201}, "too long"),
    ("sendPhoto", {"chat_id": 5, "photo": "id", "caption": "x" * 1025}, "too long"),
    (
        "sendMessage",
        {"chat_id": 5, "text": "x", "reply_markup": {"inline_keyboard": [[{"text": "A"}]]}},
        "text buttons are unallowed",
    ),
    (
        "sendMessage",
        {
            "chat_id": 5,
            "text": "x",
            "reply_markup": {"inline_keyboard": [[{"text": "A", "callback_data": "é" * 33}]]},
        },
        "callback_data is too long (66 > 64 bytes)",
    ),
    (
        "setMyCommands",
        {"commands": [{"command": "status", "description": "x" * 257}]},
        "description is too long",
    ),
    ("setMyCommands", {"commands": [{"command": "Status", "description": "x"}]}, "command"),
    # Broken HTML.
    ("sendMessage", {"chat_id": 5, "text": "<b>x", "parse_mode": "HTML"}, "end tag"),
    ("sendMessage", {"chat_id": 5, "text": "<b>x<i>y</b></i>", "parse_mode": "HTML"}, "Unmatched"),
    ("sendMessage", {"chat_id": 5, "text": "a<br>b", "parse_mode": "HTML"}, 'start tag "br"'),
    ("sendMessage", {"chat_id": 5, "text": "1 < 2", "parse_mode": "HTML"}, 'start tag ""'),
    ("sendMessage", {"chat_id": 5, "text": "R&D", "parse_mode": "HTML"}, '"&amp;"'),
    ("sendMessage", {"chat_id": 5, "text": "&nbsp;", "parse_mode": "HTML"}, "&nbsp;"),
    (
        "sendMessage",
        {"chat_id": 5, "text": "<code><b>x</b></code>", "parse_mode": "HTML"},
        "inside",
    ),
    ("sendMessage", {"chat_id": 5, "text": "<span>x</span>", "parse_mode": "HTML"}, "tg-spoiler"),
    ("sendMessage", {"chat_id": 5, "text": "x", "parse_mode": "html5"}, "parse_mode"),
    # Union members whose type does not fit their fields.
    (
        "setMyCommands",
        {"commands": COMMANDS, "scope": {"type": "chat", "user_id": 6}},
        'BotCommandScopeChat has no field "user_id"',
    ),
    (
        "setMyCommands",
        {"commands": COMMANDS, "scope": {"type": "chat"}},
        'field "chat_id" of BotCommandScopeChat is required',
    ),
    (
        "setMyCommands",
        {"commands": COMMANDS, "scope": {"type": "default", "chat_id": 5}},
        'BotCommandScopeDefault has no field "chat_id"',
    ),
    ("setMyCommands", {"commands": COMMANDS, "scope": {"type": "users"}}, "unsupported"),
    ("setMyCommands", {"commands": COMMANDS, "scope": {"chat_id": 5}}, "unsupported"),
    (
        "setChatMenuButton",
        {"menu_button": {"type": "commands", "text": "Menu", "web_app": {"url": "https://x"}}},
        'MenuButtonCommands has no field "text"',
    ),
    (
        "editMessageMedia",
        {"chat_id": 5, "message_id": 7, "media": {"type": "photo", "media": "f", "duration": 3}},
        'InputMediaPhoto has no field "duration"',
    ),
    # Types, names, required fields, methods.
    ("sendMessage", {"chat_id": 5, "text": "x", "reply_markup": "[1]"}, "must be of type"),
    ("sendMessage", {"chat_id": [5], "text": "x"}, "must be of type Integer or String"),
    ("sendChatAction", {"chat_id": 5, "action": "dancing"}, "action"),
    ("sendMessage", {"chat_id": 5, "text": "x", "colour": "red"}, 'unknown parameter "colour"'),
    ("editMessageText", {"message_id": 7, "text": "x"}, "chat_id is empty"),
    ("getUpdates", {"limit": 101}, "between 1 and 100"),
    ("setWebhook", {"url": "https://x.id/tg", "secret_token": "a b"}, "secret_token"),
]


@pytest.mark.parametrize(("method", "params", "said"), REFUSED)
def test_calls_telegram_refuses_are_refused(
    method: str, params: dict[str, Any], said: str
) -> None:
    refusal = problem(method, params)
    assert refusal is not None and refusal.status == 400
    assert refusal.description.startswith("Bad Request: ") and said in refusal.description


def test_a_method_that_does_not_exist_is_not_found() -> None:
    refusal = problem("sendMesage", {"chat_id": 5, "text": "x"})
    assert refusal is not None and (refusal.status, refusal.description) == (404, "Not Found")


def test_html_is_read_as_telegram_reads_it() -> None:
    assert plain_text("<b>Rp16.800</b> &lt;3 &#x1F600; &#128512;") == "Rp16.800 <3 😀 😀"
    with pytest.raises(HtmlError, match="byte offset 3"):
        plain_text("Rp <x>")


async def test_the_recording_fake_answers_400_and_records_the_refusal() -> None:
    request = RecordingRequest()
    bot = make_bot("123:TEST", "http://fake/bot", request=request, rate_limiter=None)
    async with bot:
        with pytest.raises(BadRequest, match=r"(?i)inline keyboard expected"):
            # Wrong on purpose (mypy knows it too): the fake must refuse it as Telegram does.
            remove: Any = REMOVE
            await bot.edit_message_text("x", chat_id=5, message_id=7, reply_markup=remove)
        await bot.send_document(5, InputFile(b"a;b\n", filename="x.csv"), caption="<b>x</b>")
        await bot.send_message(5, "✓ Setuju", reply_markup=REMOVE)
    assert [c.method for c in request.refused] == ["editMessageText"]
    assert [c.method for c in request.calls] == ["sendDocument", "sendMessage"]
    assert [r.refusal.description for r in take_refused()] == [
        "Bad Request: inline keyboard expected"
    ]


REMOVE = ReplyKeyboardRemove()


def test_the_http_fake_answers_400_and_records_the_refusal() -> None:
    with FakeTelegram() as fake, httpx.Client() as client:
        url = f"{fake.base_url}123:TEST"
        markup = json.dumps({"remove_keyboard": True})
        edit = {"chat_id": "5", "message_id": "7", "text": "x", "reply_markup": markup}
        refused = client.post(f"{url}/editMessageText", data=edit)
        too_long = client.post(f"{url}/sendMessage", data={"chat_id": "5", "text": "x" * 4097})
        sent = client.post(f"{url}/sendMessage", data={"chat_id": "5", "text": "x"})
        document = client.post(
            f"{url}/sendDocument", data={"chat_id": "5"}, files={"document": ("x.csv", b"a;b")}
        )
        unknown = client.post(f"{url}/sendMesage", data={"chat_id": "5", "text": "x"})
    assert refused.status_code == 400 and refused.json() == {
        "ok": False,
        "error_code": 400,
        "description": "Bad Request: inline keyboard expected",
    }
    assert too_long.status_code == 400 and "too long" in too_long.json()["description"]
    assert (sent.status_code, document.status_code, unknown.status_code) == (200, 200, 404)
    assert [c.method for c in fake.rejected] == ["editMessageText", "sendMessage", "sendMesage"]
    assert fake.rejected[0].params["reply_markup"] == {"remove_keyboard": True}
    assert [c.method for c in fake.calls] == ["sendMessage", "sendDocument"]
    assert len(take_refused()) == 3
