"""Replies to a worker's own message must arrive: retry server and network errors a few times."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import ParamSpec, TypeVar

from telegram.error import BadRequest, NetworkError

T = TypeVar("T")
P = ParamSpec("P")

ATTEMPTS = 4
FIRST_DELAY_SECONDS = 0.5


async def with_retries(call: Callable[P, Awaitable[T]], *args: P.args, **kwargs: P.kwargs) -> T:
    """Run ``call(*args, **kwargs)``, retrying 5xx and network errors with exponential backoff.

    A bad request will not get better by retrying, so it is raised at once. (429s are waited out
    by the rate limiter.) A timed-out send may have reached Telegram, so a retry can repeat one
    message: better twice than a worker left without the next question.
    """
    for attempt in range(ATTEMPTS):
        try:
            return await call(*args, **kwargs)
        except BadRequest:
            raise
        except NetworkError:
            if attempt == ATTEMPTS - 1:
                raise
            await asyncio.sleep(FIRST_DELAY_SECONDS * 2**attempt)
    raise AssertionError("unreachable")
