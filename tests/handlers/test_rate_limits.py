"""Outgoing traffic goes through PTB's rate limiter; one worker's 429 wait stalls nobody else."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from telegram.ext import Application

from bot.settings import Settings
from handlers.telegram.app import build_application
from storage.backends import AnyRepository
from tests.conftest import WORKER
from tests.fakes import Call, RecordingRequest, Updates, to_update

SLOW, FAST = WORKER, WORKER + 1


@pytest.fixture
async def limited(
    settings: Settings, repo: AnyRepository
) -> AsyncIterator[tuple[Application, RecordingRequest]]:  # type: ignore[type-arg]
    request = RecordingRequest(retry_after=1)
    app = build_application(settings, repo, request=request, rate_limiter=True)
    await app.initialize()
    yield app, request
    await app.shutdown()


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


async def test_a_burst_is_kept_within_the_overall_rate() -> None:
    from handlers.telegram.ratelimit import PerChatRateLimiter

    limiter = PerChatRateLimiter(overall_per_second=30)
    loop = asyncio.get_running_loop()
    sent: list[float] = []

    async def send() -> bool:
        sent.append(loop.time())
        return True

    start = loop.time()
    await asyncio.gather(
        *(
            limiter.process_request(send, (), {}, "sendMessage", {"chat_id": i}, None)
            for i in range(60)
        )
    )
    # 30 go at once, the next 30 leak out at 30 per second: never more than ~30 in any second.
    assert loop.time() - start >= 0.9
    assert sum(1 for t in sent if t - start < 0.5) <= 46
