"""One worker's updates are handled one at a time; different workers' in parallel."""

from __future__ import annotations

import asyncio


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
