"""A cache of the states this process saved last: a worker's next update skips reading its state.

The database stays the truth: a remembered state is used only for an update this process has
just stored in the inbox (so it cannot have been applied yet), only while it is recent, and only
as the starting point of a compare-and-set save. If another process saved that worker meanwhile
the save (or the revision check of a write) refuses, the cached state is dropped and the update
runs again on the state read from the database. Nothing is remembered past a failed unit of work.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from bot.flow.state import Conversation

MAX_STATES = 10_000  # conversations remembered (an event's crowd, many times over)
MAX_FRESH = 10_000  # stored updates not yet handled
MAX_AGE_SECONDS = 300.0  # older than this, a state is read again (drafts are purged, people pause)


@dataclass(frozen=True)
class Remembered:
    """A worker's state as this process saved it, with the revision the save gave it."""

    rev: int
    conv: Conversation
    at: float


class StateCache:
    """Per process: recently saved states, and which stored updates are new (see the docstring)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._states: OrderedDict[tuple[str, str], Remembered] = OrderedDict()
        self._fresh: OrderedDict[tuple[str, str], None] = OrderedDict()

    def stored(self, channel: str, update_keys: Iterable[str]) -> None:
        """These updates were just stored by this process (new rows: not applied anywhere)."""
        for key in update_keys:
            self._fresh[channel, key] = None
        while len(self._fresh) > MAX_FRESH:
            self._fresh.popitem(last=False)

    def take(self, channel: str, user_id: str, update_key: str | None) -> Remembered | None:
        """The remembered state to start ``update_key`` from, if it is new and the state recent.
        Asked once per update: a second look (a retry) reads the database."""
        if update_key is None or self._fresh.pop((channel, update_key), 0) == 0:
            return None
        found = self._states.get((channel, user_id))
        if found is None or self._clock() - found.at > MAX_AGE_SECONDS:
            return None
        return found

    def saved(self, channel: str, user_id: str, rev: int, conv: Conversation) -> None:
        """A save of this worker's state committed with revision ``rev``."""
        self._states[channel, user_id] = Remembered(rev, conv, self._clock())
        self._states.move_to_end((channel, user_id))
        while len(self._states) > MAX_STATES:
            self._states.popitem(last=False)

    def forget(self, channel: str, user_id: str) -> None:
        """Nothing known any more (a failed unit of work, an erased draft)."""
        self._states.pop((channel, user_id), None)
