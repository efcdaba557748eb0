"""The fake Bot API enforces Telegram's flood limits when asked, and the bot stays inside them."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator

import httpx
import pytest
from telegram.error import RetryAfter

from handlers.telegram.bot import make_bot
from handlers.telegram.ratelimit import Limits, PerChatRateLimiter
from tests.system.fake_telegram import FakeTelegram, FloodModel
from tests.system.helpers import TOKEN

# Both sides ten times faster than Telegram, so a test waits tenths of seconds, not seconds.
FAST_MODEL = FloodModel(window=0.1, chat_interval=0.1)
FAST_LIMITS = Limits(window=0.1, chat_interval=0.1)


@pytest.fixture
def strict() -> Iterator[FakeTelegram]:
    with FakeTelegram(limits=FloodModel()) as telegram:
        yield telegram


def call(
    fake: FakeTelegram, client: httpx.Client, method: str, **params: object
) -> httpx.Response:
    return client.post(f"{fake.base_url}{TOKEN}/{method}", json=params)


def test_by_default_nothing_is_refused(fake: FakeTelegram) -> None:
    with httpx.Client() as client:
        codes = [
            call(fake, client, "sendMessage", chat_id=1, text="?").status_code for _ in range(8)
        ]
    assert codes == [200] * 8
    assert fake.http_429 == 0


def test_a_chat_gets_a_burst_of_3_then_429_with_retry_after(strict: FakeTelegram) -> None:
    with httpx.Client() as client:
        codes = [
            call(strict, client, "sendMessage", chat_id=1, text="?").status_code for _ in "abc"
        ]
        refused = call(strict, client, "sendMessage", chat_id=1, text="4th")
        other = call(strict, client, "sendMessage", chat_id=2, text="?")
        tap = call(strict, client, "answerCallbackQuery", callback_query_id="9")
        typing = call(strict, client, "sendChatAction", chat_id=1, action="typing")
        edit = call(strict, client, "editMessageText", chat_id=1, message_id=5, text="✓")
    assert codes == [200, 200, 200]
    assert refused.status_code == 429
    assert refused.json()["parameters"] == {"retry_after": 1}
    assert refused.json()["description"] == "Too Many Requests: retry after 1"
    assert (other.status_code, tap.status_code, typing.status_code) == (200, 200, 200)
    assert edit.status_code == 429, "an edit is a chat-bound call too"
    assert strict.http_429 == 2
    assert [c.text for c in strict.sent(1)] == ["?", "?", "?"], "refused calls are not sent"


def test_the_31st_call_within_a_window_is_refused() -> None:
    # A window of a minute: the test does not depend on how fast this machine is.
    with FakeTelegram(limits=FloodModel(window=60)) as strict, httpx.Client() as client:
        codes = [
            call(strict, client, "sendMessage", chat_id=chat, text="?").status_code
            for chat in range(31)
        ]
        taps = [
            call(strict, client, "answerCallbackQuery", callback_query_id=str(n)).status_code
            for n in range(5)
        ]
    assert codes == [200] * 30 + [429]
    assert taps == [200] * 5
    assert strict.http_429 == 1


def test_the_window_moves_on() -> None:
    with FakeTelegram(limits=FAST_MODEL) as fake, httpx.Client() as client:
        codes = [
            call(fake, client, "sendMessage", chat_id=1, text="?").status_code for _ in "abcd"
        ]
        time.sleep(FAST_MODEL.chat_interval * 1.2)  # a tenth of a second: one call's worth
        again = call(fake, client, "sendMessage", chat_id=1, text="?").status_code
    assert codes == [200, 200, 200, 429]
    assert again == 200


async def burst(fake: FakeTelegram, limiter: PerChatRateLimiter | None) -> None:
    """90 messages, as at an event: 60 to 30 chats, 30 more to three chats (10 each)."""
    bot = make_bot(TOKEN, fake.base_url, request=None, rate_limiter=limiter)
    async with bot:
        chats = [n % 30 for n in range(60)] + [100 + n % 3 for n in range(30)]
        await asyncio.gather(
            *(bot.post("sendMessage", chat_id=chat, text="?") for chat in chats),
            return_exceptions=limiter is None,  # unpaced, the refused ones raise
        )


async def test_the_paced_bot_gets_no_429_from_the_enforcing_fake() -> None:
    with FakeTelegram(limits=FAST_MODEL) as fake:
        await burst(fake, PerChatRateLimiter(FAST_LIMITS, max_retries=0))
        assert fake.http_429 == 0
        assert len(fake.sent()) == 90


async def test_an_unpaced_bot_does_get_429s() -> None:
    with FakeTelegram(limits=FAST_MODEL) as fake:
        await burst(fake, None)
        assert fake.http_429 > 0  # so the test above means something


async def test_a_429_reaches_the_bot_as_retry_after() -> None:
    with FakeTelegram(limits=FloodModel()) as fake:
        bot = make_bot(TOKEN, fake.base_url, request=None, rate_limiter=None)
        async with bot:
            for _ in range(3):
                await bot.post("sendMessage", chat_id=1, text="?")
            with pytest.raises(RetryAfter):
                await bot.post("sendMessage", chat_id=1, text="?")
