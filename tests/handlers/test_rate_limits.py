"""Outgoing traffic keeps Telegram's flood limits by itself, replies to waiting people first.

The pacing tests run the limiter on a scaled-down clock (a window of 0.1 s instead of 1 s) and
check the calls' arrival times at a recording transport against Telegram's model: at most 30
chat-bound calls in any window, and per chat a burst of 3, then one per interval.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator
from typing import Any

import pytest
from telegram.ext import Application
from telegram.request import RequestData

from bot.messages import Msg, Reply
from bot.ports import OutboxItem
from bot.settings import Settings
from handlers.telegram.app import build_application
from handlers.telegram.bot import BpuBot, make_bot
from handlers.telegram.delivery import telegram_sender
from handlers.telegram.ratelimit import Limits, PerChatRateLimiter, Priority
from storage.backends import AnyRepository
from tests.conftest import WORKER
from tests.fakes import Call, RecordingRequest, Updates, to_update

SLOW, FAST = WORKER, WORKER + 1
FAST_CLOCK = Limits(window=0.1, chat_interval=0.1)  # Telegram's limits, ten times faster


class Network(RecordingRequest):
    """The recording Bot API behind a network: each call arrives after a random delay and its
    answer takes another; ``arrived`` holds when each call reached "Telegram" (loop time)."""

    def __init__(self, jitter: float = 0.0, seed: int = 17) -> None:
        super().__init__()
        self.jitter = jitter
        self.rng = random.Random(seed)
        self.arrived: list[tuple[float, Call]] = []

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
        await asyncio.sleep(self.rng.uniform(0, self.jitter))
        answer = self.answer(url, url.rsplit("/", 1)[-1], request_data)
        await asyncio.sleep(self.rng.uniform(0, self.jitter))
        return answer

    def answer(self, url: str, name: str, request_data: RequestData | None) -> tuple[int, bytes]:
        answer = super().answer(url, name, request_data)
        if name != "getMe":
            self.arrived.append((asyncio.get_running_loop().time(), self.calls[-1]))
        return answer

    def times(self, method: str = "sendMessage", chat_id: int | None = None) -> list[float]:
        return [
            at
            for at, call in self.arrived
            if call.method == method and (chat_id is None or call.params["chat_id"] == chat_id)
        ]


@pytest.fixture
async def limited(
    settings: Settings, repo: AnyRepository
) -> AsyncIterator[tuple[Application, RecordingRequest]]:  # type: ignore[type-arg]
    request = RecordingRequest(retry_after=1)
    app = build_application(settings, repo, request=request, rate_limiter=True)
    await app.initialize()
    yield app, request
    await app.shutdown()


async def paced_bot(request: RecordingRequest, limits: Limits) -> BpuBot:
    bot = make_bot(
        "123:TEST",
        "http://telegram.invalid/bot",
        request=request,
        rate_limiter=PerChatRateLimiter(limits),
    )
    await bot.initialize()
    return bot


def notification(number: int) -> OutboxItem:
    reply = Reply(parts=(Msg("Pemberitahuan {number}", {"number": number}),))
    return OutboxItem(number, "tg", str(100_000 + number), "id", reply, 0)


async def settle() -> None:
    """Let every task started so far run up to its first real wait."""
    for _ in range(5):
        await asyncio.sleep(0)


async def test_waiting_worker_reply_goes_before_100_queued_notifications(
    limited: tuple[Application, RecordingRequest],  # type: ignore[type-arg]
) -> None:
    app, request = limited
    send = telegram_sender(app.bot)
    batch = [asyncio.ensure_future(send(notification(n))) for n in range(100)]
    await settle()  # the batch is queued: part of it is sent, the rest waits for the window
    await app.process_update(to_update(Updates().text(WORKER, "/start"), app.bot))
    order = [c.params["chat_id"] for c in request.sent()]
    # Background sends fill at most 25 of the window's 30 places; the reply took one of the 5
    # left to it, without waiting for the window to move on.
    assert order.index(WORKER) <= 25, "the reply waited behind the queued notifications"
    assert all(not task.done() for task in batch[30:]), "the rest of the batch is still queued"
    for task in batch:
        task.cancel()
    await asyncio.gather(*batch, return_exceptions=True)
    limiter = app.bot.rate_limiter
    assert isinstance(limiter, PerChatRateLimiter)
    assert limiter.waiting() == 0, "cancelled sends must leave the queue"


async def test_replies_take_the_places_background_sends_leave_them() -> None:
    request = Network()
    # A window of a minute: nothing moves on during the test, whatever the machine's speed.
    bot = await paced_bot(request, Limits(window=60))
    limiter = bot.rate_limiter
    assert isinstance(limiter, PerChatRateLimiter)
    send = telegram_sender(bot)
    batch = [asyncio.ensure_future(send(notification(n))) for n in range(100)]
    try:
        await settle()
        assert limiter.waiting(Priority.BACKGROUND) == 75  # 25 of the window's 30 are sent
        replies = (bot.post("sendMessage", chat_id=WORKER + n, text="Langkah") for n in range(5))
        await asyncio.wait_for(asyncio.gather(*replies), 5)  # behind the batch: a minute
        chats = [c.params["chat_id"] for c in request.sent()]
        assert chats[25:] == [WORKER + n for n in range(5)]
        assert limiter.waiting(Priority.BACKGROUND) == 75, "no notification took a reply's place"
    finally:
        for task in batch:
            task.cancel()
        await asyncio.gather(*batch, return_exceptions=True)
        await bot.shutdown()


async def test_a_batch_of_notifications_drains_within_its_share() -> None:
    request = Network(jitter=0.005)
    bot = await paced_bot(request, FAST_CLOCK)
    try:
        send = telegram_sender(bot)
        await asyncio.gather(*(send(notification(n)) for n in range(100)))
    finally:
        await bot.shutdown()
    times = sorted(request.times())
    assert len(times) == 100
    share = FAST_CLOCK.overall - FAST_CLOCK.reply_reserve  # 25: the rest stays free for replies
    assert all(times[i + share] - times[i] >= FAST_CLOCK.window for i in range(100 - share))


async def test_one_chat_gets_a_burst_of_3_then_one_per_interval() -> None:
    request = Network(jitter=0.01)  # calls reach "Telegram" anywhere between start and answer
    bot = await paced_bot(request, FAST_CLOCK)
    try:
        await asyncio.gather(
            *(bot.post("sendMessage", chat_id=WORKER, text=f"{n}") for n in range(9)),
            *(bot.post("sendMessage", chat_id=WORKER + 1, text=f"{n}") for n in range(2)),
        )
    finally:
        await bot.shutdown()
    times = request.times(chat_id=WORKER)
    assert len(times) == 9
    interval = FAST_CLOCK.chat_interval
    # No 4th call within an interval, and at most burst + elapsed/interval calls in any span.
    for i in range(len(times)):
        if i + 3 < len(times):
            assert times[i + 3] - times[i] >= interval
        for j in range(i + 1, len(times)):
            assert j - i + 1 <= 3 + (times[j] - times[i]) / interval + 1e-6
    # The chat's messages arrive in the order they were sent.
    assert [c.params["text"] for c in request.sent(WORKER)] == [str(n) for n in range(9)]
    # Another chat is not held up by this one's pacing.
    other = request.times(chat_id=WORKER + 1)
    assert other[-1] < times[3]


async def test_a_burst_is_kept_within_the_overall_rate() -> None:
    request = Network(jitter=0.005)
    bot = await paced_bot(request, FAST_CLOCK)
    try:
        await asyncio.gather(*(bot.post("sendMessage", chat_id=n, text="?") for n in range(100)))
    finally:
        await bot.shutdown()
    times = sorted(request.times())
    assert len(times) == 100
    # 31 calls never fall inside one window, whatever the network did to their timing.
    overall = FAST_CLOCK.overall
    assert all(times[i + overall] - times[i] >= FAST_CLOCK.window for i in range(100 - overall))


async def test_a_tap_is_answered_and_typing_shown_while_the_queue_is_full() -> None:
    request = Network()
    bot = await paced_bot(request, Limits())  # Telegram's real limits: the queue stays full
    limiter = bot.rate_limiter
    assert isinstance(limiter, PerChatRateLimiter)
    queued = [
        asyncio.create_task(bot.post("sendMessage", chat_id=n % 50, text="?")) for n in range(200)
    ]
    try:
        await settle()
        assert limiter.waiting() >= 150
        await asyncio.wait_for(bot.post("answerCallbackQuery", callback_query_id="7"), 1)
        await asyncio.wait_for(bot.post("sendChatAction", chat_id=1, action="typing"), 1)
        assert limiter.waiting() >= 150, "they went at once, not through the queue"
        assert [c.method for c in request.calls[-2:]] == ["answerCallbackQuery", "sendChatAction"]
    finally:
        for task in queued:
            task.cancel()
        await asyncio.gather(*queued, return_exceptions=True)
        await bot.shutdown()
    assert limiter.waiting() == 0


async def test_background_priority_travels_through_post_at() -> None:
    seen: list[Priority | None] = []

    class Spy(PerChatRateLimiter):
        async def process_request(self, *args: Any, **kwargs: Any) -> Any:
            seen.append(kwargs["rate_limit_args"])
            return await super().process_request(*args, **kwargs)

    bot = make_bot("123:TEST", "http://x/bot", request=RecordingRequest(), rate_limiter=Spy())
    await bot.initialize()
    try:
        await bot.post("sendMessage", chat_id=1, text="a")
        await bot.post_at(Priority.BACKGROUND, "sendMessage", chat_id=1, text="b")
    finally:
        await bot.shutdown()
    assert seen[-2:] == [None, Priority.BACKGROUND]  # None: the default, a reply


async def test_post_at_works_without_a_rate_limiter() -> None:
    request = RecordingRequest()
    bot = make_bot("123:TEST", "http://x/bot", request=request, rate_limiter=None)
    await bot.initialize()
    await bot.post_at(Priority.BACKGROUND, "sendMessage", chat_id=1, text="b")
    await bot.shutdown()
    assert request.last_text(1) == "b"


async def test_a_429_for_one_worker_does_not_stall_another(
    limited: tuple[Application, RecordingRequest],  # type: ignore[type-arg]
) -> None:
    app, request = limited
    refused: list[int] = []

    def once_for_slow(call: Call) -> tuple[int, str] | None:
        if call.method == "sendMessage" and call.params["chat_id"] == SLOW and not refused:
            refused.append(SLOW)
            return 429, "Too Many Requests: retry after 1"
        return None

    request.fail = once_for_slow
    updates, finished = Updates(), []

    async def worker(user: int) -> None:
        await app.process_update(to_update(updates.text(user, "/start"), app.bot))
        finished.append(user)

    slow = asyncio.create_task(worker(SLOW))
    await asyncio.sleep(0.05)  # the slow worker's reply is refused and waits out retry_after
    await worker(FAST)
    assert finished == [FAST], "the other worker waited for the 429"
    await slow
    assert finished == [FAST, SLOW]
    # The refused reply was sent again after the wait: the slow worker still got the question.
    assert len([c for c in request.sent(SLOW)]) == 2
