"""One worker's updates are handled one at a time; different workers' in parallel, a bounded
number at once."""

from __future__ import annotations

import asyncio
from collections import deque


class UserLocks:
    """A lock per chat account, dropped again when nobody holds or waits for it."""

    def __init__(self) -> None:
        self._locks: dict[str, asyncio.Lock] = {}
        self._users: dict[str, int] = {}

    def hold(self, key: str) -> Held:
        """Hold ``key``'s lock for the duration of one update (``async with``)."""
        return Held(self, key)

    async def acquire(self, key: str) -> None:
        """Wait for ``key``'s lock (in arrival order) and take it."""
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._users[key] = self._users.get(key, 0) + 1
        try:
            await lock.acquire()
        except BaseException:
            self._leave(key)
            raise

    def release(self, key: str) -> None:
        """Give ``key``'s lock back."""
        self._locks[key].release()
        self._leave(key)

    def _leave(self, key: str) -> None:
        self._users[key] -= 1
        if self._users[key] == 0:
            del self._users[key]
            del self._locks[key]


class Held:
    """``async with`` one key's lock: a plain class rather than an @asynccontextmanager, as it
    wraps every update."""

    __slots__ = ("key", "locks")

    def __init__(self, locks: UserLocks, key: str) -> None:
        self.locks = locks
        self.key = key

    async def __aenter__(self) -> None:
        await self.locks.acquire(self.key)

    async def __aexit__(self, *exc: object) -> None:
        self.locks.release(self.key)


class Slots:
    """At most ``size`` holders at once, the others served in arrival order (``async with``).

    asyncio.Semaphore does the same, but on Python 3.11 each acquire scans every waiter
    (``locked()``): with an event's crowd waiting, the wait for a slot cost more than the update.
    """

    def __init__(self, size: int) -> None:
        self._free = size
        self._waiting: deque[asyncio.Future[None]] = deque()

    async def __aenter__(self) -> None:
        if self._free > 0 and not self._waiting:
            self._free -= 1
            return
        turn: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiting.append(turn)
        try:
            await turn  # the slot is handed over by __aexit__
        except asyncio.CancelledError:
            if turn.done() and not turn.cancelled():  # handed over as it was cancelled
                self._hand_over()
            elif turn in self._waiting:
                self._waiting.remove(turn)
            raise

    async def __aexit__(self, *exc: object) -> None:
        self._hand_over()

    def _hand_over(self) -> None:
        """A slot came free: to the first one waiting, or back to the pool."""
        while self._waiting:
            turn = self._waiting.popleft()
            if not turn.done():
                turn.set_result(None)
                return
        self._free += 1
