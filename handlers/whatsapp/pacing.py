"""Pacing of what we send through one WhatsApp business number (docs/whatsapp.md).

Meta limits a number to ``WHATSAPP_MESSAGES_PER_SECOND`` messages a second (error 130429 beyond)
and one user to about one message every ``WHATSAPP_PAIR_SECONDS`` (error 131056, the pair
rate). Every message the client sends takes the next free slot of the number (a short sleep:
replies and notices alike, in the order they ask); the outbox asks ``pair_wait`` before a
notice or an invitation and, rather than sleep in the delivery loop, lets that one wait (the
replies of a conversation are answers the worker asked for, sent at once, and count for the
pair rate of what follows). The slots run a little under the limit, as the network may bring
two requests to Meta closer together than they left.
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from collections.abc import Callable

MARGIN = 0.9  # share of Meta's throughput used
REMEMBERED = 100_000  # users whose last message is remembered (older ones are forgotten first)


class Pacer:
    """One business number's pace: slots a second, and when each user was last sent to."""

    def __init__(
        self,
        per_second: int,
        pair_seconds: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.spacing = 1 / (per_second * MARGIN)
        self.pair_seconds = pair_seconds
        self.clock = clock
        self._next = 0.0
        self._last: OrderedDict[str, float] = OrderedDict()

    async def slot(self) -> None:
        """Wait for the number's next free slot (and take it)."""
        now = self.clock()
        at = max(now, self._next)
        self._next = at + self.spacing
        if at > now:
            await asyncio.sleep(at - now)

    def sent(self, user: str) -> None:
        """A message to ``user`` left now."""
        self._last[user] = self.clock()
        self._last.move_to_end(user)
        while len(self._last) > REMEMBERED:
            self._last.popitem(last=False)

    def pair_wait(self, user: str) -> float:
        """Seconds before ``user`` may be sent another notice (0: now)."""
        last = self._last.get(user)
        if last is None:
            return 0.0
        return max(0.0, last + self.pair_seconds - self.clock())
