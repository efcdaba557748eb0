"""'typing…' is shown once when handling an update is slow, never when the answer comes at once."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest

from bot.dispatch import Dispatched
from handlers.telegram import updates
from handlers.telegram.app import services_of
from handlers.telegram.bot import BpuBot, make_bot
from handlers.telegram.feedback import TypingIfSlow
from handlers.telegram.ratelimit import Limits, PerChatRateLimiter
from tests.conftest import WORKER, Telegram
from tests.fakes import RecordingRequest

AFTER = 0.05  # the helper's one second, scaled down
PACE = Limits(window=0.1, chat_interval=0.3)  # per chat: a burst of 3, then one per 0.3 s


@pytest.fixture
async def bot() -> AsyncIterator[tuple[BpuBot, RecordingRequest]]:
    request = RecordingRequest()
    bpu = make_bot(
        "123:TEST", "http://x/bot", request=request, rate_limiter=PerChatRateLimiter(PACE)
    )
    async with bpu:
        yield bpu, request


def methods(request: RecordingRequest) -> list[str]:
    return [c.method for c in request.calls]


async def test_a_quick_answer_shows_no_typing(bot: tuple[BpuBot, RecordingRequest]) -> None:
    bpu, request = bot
    async with TypingIfSlow(bpu, WORKER, after=AFTER):
        await bpu.post("sendMessage", chat_id=WORKER, text="Langkah 2 dari 11")
    await asyncio.sleep(AFTER * 2)  # the timer was stopped: nothing comes later either
    assert methods(request) == ["sendMessage"]


async def test_a_slow_answer_shows_typing_once_first(bot: tuple[BpuBot, RecordingRequest]) -> None:
    bpu, request = bot
    async with TypingIfSlow(bpu, WORKER, after=AFTER):
        await asyncio.sleep(AFTER * 4)  # a slow database, or a reply waiting for its turn
        await bpu.post("sendMessage", chat_id=WORKER, text="Langkah 2 dari 11")
    assert methods(request) == ["sendChatAction", "sendMessage"]
    assert request.calls[0].params == {"chat_id": WORKER, "action": "typing"}


async def test_typing_goes_while_the_chat_is_paced(bot: tuple[BpuBot, RecordingRequest]) -> None:
    bpu, request = bot
    # The chat's burst is used up: its next message waits for its turn (0.3 s here, 1 s live).
    for n in range(3):
        await bpu.post("sendMessage", chat_id=WORKER, text=str(n))
    async with TypingIfSlow(bpu, WORKER, after=AFTER):
        await bpu.post("sendMessage", chat_id=WORKER, text="Langkah 2 dari 11")
    assert methods(request)[-2:] == ["sendChatAction", "sendMessage"]


async def test_a_failed_typing_action_does_not_break_the_update(
    bot: tuple[BpuBot, RecordingRequest],
) -> None:
    bpu, request = bot
    request.fail = lambda call: (
        (400, "Bad Request: chat not found") if call.method == "sendChatAction" else None
    )
    async with TypingIfSlow(bpu, WORKER, after=AFTER):
        await asyncio.sleep(AFTER * 3)
        await bpu.post("sendMessage", chat_id=WORKER, text="Langkah 2 dari 11")
    assert methods(request) == ["sendChatAction", "sendMessage"]


async def test_an_error_in_the_update_stops_the_timer(
    bot: tuple[BpuBot, RecordingRequest],
) -> None:
    bpu, request = bot
    with pytest.raises(RuntimeError):
        async with TypingIfSlow(bpu, WORKER, after=AFTER):
            raise RuntimeError("database is locked")
    await asyncio.sleep(AFTER * 2)
    assert methods(request) == []


async def test_a_slow_update_in_the_application_shows_typing_first(
    telegram: Telegram, monkeypatch: pytest.MonkeyPatch
) -> None:
    """on_update wraps the handling: a slow answer gets 'typing' before its message, a quick one
    gets none."""
    await telegram.text(WORKER, "/start")
    assert "sendChatAction" not in methods(telegram.request)
    dispatcher = services_of(telegram.app).dispatcher
    dispatch = dispatcher.dispatch

    async def slow(*args: Any, **kwargs: Any) -> Dispatched:
        await asyncio.sleep(AFTER * 3)
        return await dispatch(*args, **kwargs)

    monkeypatch.setattr(updates, "TYPING_AFTER", AFTER)
    monkeypatch.setattr(dispatcher, "dispatch", slow)
    telegram.request.calls.clear()
    await telegram.text(WORKER, "/bantuan")
    assert methods(telegram.request)[:2] == ["sendChatAction", "sendMessage"]
