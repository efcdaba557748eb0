"""Small measuring helpers shared by the benchmark parts: CPU time, percentiles, memory, errors."""

from __future__ import annotations

import logging
import resource
import statistics
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Timed:
    """CPU and wall seconds spent on ``count`` updates."""

    cpu_s: float
    wall_s: float
    count: int

    @property
    def cpu_us_per_update(self) -> float:
        """CPU microseconds per update (the whole process: aiosqlite's thread included)."""
        return self.cpu_s / max(self.count, 1) * 1e6

    @property
    def per_second(self) -> float:
        """Updates handled per wall-clock second."""
        return self.count / self.wall_s if self.wall_s else 0.0


async def timed(run: Callable[[], Awaitable[int]]) -> Timed:
    """Run ``run`` (which returns how many updates it drove) between two clock readings."""
    cpu, wall = time.process_time(), time.perf_counter()
    count = await run()
    return Timed(time.process_time() - cpu, time.perf_counter() - wall, count)


def percentile(samples: list[float], fraction: float) -> float:
    """The ``fraction`` quantile (0.5 = median) of ``samples``, nearest rank."""
    if not samples:
        return 0.0
    ordered = sorted(samples)
    index = min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))
    return ordered[index]


def median(samples: list[float]) -> float:
    """The median of ``samples`` (0 when empty)."""
    return statistics.median(samples) if samples else 0.0


def peak_rss_mb() -> float:
    """The process's peak resident set size so far, in MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class ErrorCounter(logging.Handler):
    """Counts ERROR log records: the bot's error handler logs every exception it sees."""

    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.count = 0
        self.first: str | None = None

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1
        if self.first is None:
            self.first = (
                f"{record.name}: {record.getMessage()} {record.exc_info and record.exc_info[1]!r}"
            )

    @classmethod
    def install(cls) -> ErrorCounter:
        """Attach a counter to the root logger and silence everything below WARNING."""
        counter = cls()
        root = logging.getLogger()
        root.setLevel(logging.WARNING)
        root.addHandler(counter)
        return counter
