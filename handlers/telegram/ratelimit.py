"""Stay inside Telegram's flood limits by ourselves, with replies to waiting people first.

Telegram allows about 30 messages a second per bot and about one a second per chat (a burst of a
few), and answers 429 with ``retry_after`` beyond that. At an outreach event a few hundred workers
scan a poster within minutes, so the bot paces itself instead of learning its pace from 429s:

- **Overall**: at most ``overall`` chat-bound calls in any ``window`` (one second). A call counts
  from the moment it starts until one window after its answer came back. Telegram received it
  somewhere in between, so the count holds whatever the network's delay (the price: one round
  trip of headroom).
- **Per chat**: a burst of ``chat_burst``, then one every ``chat_interval`` (the generic cell rate
  algorithm, with the same "somewhere between start and answer" rule). A chat has one call in
  flight at a time, which also keeps its messages in order.
- **Priority**, inside that one budget: a reply to someone waiting (the default) goes before
  background sends (outbox notifications and reminders, ``Priority.BACKGROUND``), and background
  sends leave the last ``reply_reserve`` places of the window to replies, so a reply never queues
  behind a batch of notifications.
- **Not counted, never queued**: calls without a chat (``answerCallbackQuery``) and
  ``sendChatAction``: they are not chat messages, and a tap must be answered at once.
- A 429's ``retry_after`` pauses only its own chat. (PTB's AIORateLimiter pauses every request
  after any 429: one worker's wait would freeze everyone's next question.)

A request's priority travels as PTB's ``rate_limit_args`` (``BpuBot.post(..., priority=...)``).
"""

from __future__ import annotations

import asyncio
import bisect
import itertools
import math
from collections import deque
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from typing import Any

from telegram.constants import FloodLimit
from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

Result = bool | dict[str, Any] | list[dict[str, Any]]

# Methods with a chat that are not messages in it: Telegram does not count them, neither do we.
UNCOUNTED = frozenset({"sendChatAction"})
# Float noise and the server's own rounding: a call is counted this much longer than needed.
SLACK_SECONDS = 0.001
# After a 429, wait this much beyond Telegram's whole-second retry_after.
RETRY_SLACK_SECONDS = 0.1
SWEEP_EVERY = 512  # releases between sweeps of idle chats' state


class Priority(StrEnum):
    """Who is waiting for a call: a person now (``REPLY``), or nobody in particular."""

    REPLY = "reply"  # the answer to a worker's or officer's own message
    BACKGROUND = "background"  # outbox notifications, reminders


@dataclass(frozen=True)
class Limits:
    """Telegram's flood limits as the bot keeps them (seconds; tests scale them down)."""

    overall: int = FloodLimit.MESSAGES_PER_SECOND  # chat-bound calls in any one window
    window: float = 1.0
    chat_burst: int = 3  # calls to one chat at once, then one every chat_interval
    chat_interval: float = 1.0
    reply_reserve: int = 5  # places of each window background sends leave to replies

    def __post_init__(self) -> None:
        if not 0 <= self.reply_reserve < self.overall or self.chat_burst < 1:
            raise ValueError(f"inconsistent limits: {self}")

    def share(self, priority: Priority) -> int:
        """How many calls of a window ``priority`` may fill."""
        return self.overall if priority is Priority.REPLY else self.overall - self.reply_reserve


@dataclass
class _Chat:
    """One chat's pacing: its theoretical arrival time (GCRA), a call in flight, a 429 pause."""

    tat: float = -math.inf
    busy: bool = False
    paused_until: float = -math.inf

    def ready_at(self, limits: Limits) -> float:
        """When this chat may take its next call (when it is not busy)."""
        burst = (limits.chat_burst - 1) * limits.chat_interval
        return max(self.tat - burst + SLACK_SECONDS, self.paused_until)


@dataclass(eq=False)
class _Waiter:
    """A call waiting for its turn; ``seq`` orders it within its priority (a retry keeps it)."""

    seq: int
    chat: str
    granted: asyncio.Future[None]


class PerChatRateLimiter(BaseRateLimiter[Priority]):
    """Overall and per-chat pacing, replies before background sends, 429 waits per chat."""

    def __init__(self, limits: Limits | None = None, max_retries: int = 3) -> None:
        self._limits = limits or Limits()
        self._max_retries = max_retries
        self._ended: deque[float] = deque()  # when recent calls' answers came back, in order
        self._in_flight = 0
        self._chats: dict[str, _Chat] = {}
        self._queues: dict[Priority, list[_Waiter]] = {p: [] for p in Priority}
        self._seq = itertools.count()
        self._timer: asyncio.TimerHandle | None = None
        self._releases = 0

    @property
    def limits(self) -> Limits:
        return self._limits

    def waiting(self, priority: Priority | None = None) -> int:
        """Calls queued (of ``priority``, or all)."""
        queues = [self._queues[priority]] if priority else list(self._queues.values())
        return sum(1 for queue in queues for w in queue if not w.granted.done())

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Stop the wake-up timer."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Result]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: Priority | None,
    ) -> Result:
        """Send in turn (chat-bound calls) or at once (the rest); retry after a 429."""
        chat = data.get("chat_id")
        counted = chat is not None and endpoint not in UNCOUNTED
        priority = rate_limit_args or Priority.REPLY
        seq = next(self._seq)
        for attempt in range(self._max_retries + 1):
            try:
                if not counted:
                    return await callback(*args, **kwargs)
                return await self._in_turn(str(chat), priority, seq, callback, args, kwargs)
            except RetryAfter as error:
                if attempt == self._max_retries:
                    raise
                if not counted:  # its chat, if any, was paused by _in_turn
                    await asyncio.sleep(retry_after(error).total_seconds())
        raise AssertionError("unreachable")

    async def _in_turn(
        self,
        chat: str,
        priority: Priority,
        seq: int,
        callback: Callable[..., Coroutine[Any, Any, Result]],
        args: Any,
        kwargs: dict[str, Any],
    ) -> Result:
        """Wait for a place in the window and the chat's turn, make the call, give them back."""
        await self._acquire(chat, priority, seq)
        try:
            return await callback(*args, **kwargs)
        except RetryAfter as error:  # pause the chat before its next call can be granted
            state = self._state(chat)
            resume = self._now() + retry_after(error).total_seconds() + RETRY_SLACK_SECONDS
            state.paused_until = max(state.paused_until, resume)
            raise
        finally:
            self._release(chat)

    # --- the queue ---------------------------------------------------------------------------

    async def _acquire(self, chat: str, priority: Priority, seq: int) -> None:
        waiter = _Waiter(seq, chat, asyncio.get_running_loop().create_future())
        bisect.insort(self._queues[priority], waiter, key=lambda w: w.seq)
        self._pump()
        try:
            await waiter.granted
        except asyncio.CancelledError:
            queue = self._queues[priority]  # _pump replaces the lists
            if waiter in queue:
                queue.remove(waiter)
            elif not waiter.granted.cancelled():  # granted as it was cancelled: give it back
                self._release(chat)
            raise

    def _release(self, chat: str) -> None:
        """A call's answer came back (or it failed): it counts one window more."""
        now = self._now()
        self._in_flight -= 1
        self._ended.append(now)
        state = self._state(chat)
        state.busy = False
        state.tat = max(state.tat, now) + self._limits.chat_interval
        self._releases += 1
        if self._releases % SWEEP_EVERY == 0:
            self._sweep(now)
        self._pump()

    def _pump(self) -> None:
        """Grant every waiting call that may go now, replies first; set a timer for the rest."""
        now = self._now()
        limits = self._limits
        while self._ended and self._ended[0] + limits.window + SLACK_SECONDS <= now:
            self._ended.popleft()
        wake = math.inf
        for priority in Priority:  # REPLY first
            share = limits.share(priority)
            queue = self._queues[priority]
            kept: list[_Waiter] = []
            for index, waiter in enumerate(queue):
                if waiter.granted.done():  # cancelled while waiting
                    continue
                if self._in_flight + len(self._ended) >= share:
                    kept += queue[index:]  # the window is full for this priority
                    if self._ended:
                        wake = min(wake, self._ended[0] + limits.window + SLACK_SECONDS)
                    break
                state = self._state(waiter.chat)
                if state.busy:  # its release pumps again
                    kept.append(waiter)
                    continue
                ready = state.ready_at(limits)
                if ready > now:
                    kept.append(waiter)
                    wake = min(wake, ready)
                    continue
                state.busy = True
                self._in_flight += 1
                waiter.granted.set_result(None)
            self._queues[priority] = kept
        self._wake_at(wake)

    def _wake_at(self, when: float) -> None:
        """Pump again at ``when`` (the earliest of the timers asked for wins)."""
        if when == math.inf:
            return
        if self._timer is not None:
            if self._timer.when() <= when:
                return
            self._timer.cancel()
        self._timer = asyncio.get_running_loop().call_at(when, self._on_timer)

    def _on_timer(self) -> None:
        self._timer = None
        self._pump()

    # --- chats ----------------------------------------------------------------------------

    def _state(self, chat: str) -> _Chat:
        state = self._chats.get(chat)
        if state is None:
            state = self._chats[chat] = _Chat()
        return state

    def _sweep(self, now: float) -> None:
        """Forget chats whose pacing is back to a fresh chat's (keeps the dict small)."""
        idle = [
            chat
            for chat, state in self._chats.items()
            if not state.busy and state.tat <= now and state.paused_until <= now
        ]
        for chat in idle:
            del self._chats[chat]

    @staticmethod
    def _now() -> float:
        return asyncio.get_running_loop().time()


def retry_after(error: RetryAfter) -> timedelta:
    """Telegram's requested wait, whether PTB gives it in seconds (22) or as a timedelta (23)."""
    value = error.retry_after
    return value if isinstance(value, timedelta) else timedelta(seconds=value)
