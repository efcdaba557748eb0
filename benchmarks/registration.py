"""(c) BPU Bot's full registration: ``build_application`` on a fresh SQLite file, N workers at once.

Three ways of feeding the same updates:

- ``direct``: ``process_update`` awaited per update, every worker a task of one asyncio.gather.
  PTB applies ``concurrent_updates`` only in the updater's fetch loop, so the setting plays no
  part here; the concurrency is the gather's. These are the headline numbers.
- ``updater, concurrent_updates=True``: updates go through ``app.update_queue`` with the fetch
  loop running, as with polling or a webhook; up to 256 are handled at once (the app's setting).
- ``updater, concurrent_updates=False``: the same, one update at a time (PTB's default).
"""

from __future__ import annotations

import cProfile
import io
import pstats
import sqlite3
import statistics
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from driver import QueueDriver, Stream, drive, set_concurrent_updates
from measure import Timed, timed
from offline import TOKEN, CountingBotApi, UpdateJson
from telegram.ext import Application, SimpleUpdateProcessor
from workers import make_workers

from bot.settings import Settings
from handlers.telegram.app import build_application
from storage.sqlite import SqliteRepository

MODES = ("direct", "updater, concurrent_updates=True", "updater, concurrent_updates=False")


@dataclass(frozen=True)
class Check:
    """The submissions table against the NIKs the workers submitted."""

    expected: int
    stored_rows: int
    lost: int
    duplicated: int
    done: int  # conversations that ended at the reference number

    @property
    def completed(self) -> int:
        return self.expected - self.lost


@dataclass(frozen=True)
class FlowRun:
    """One measured run of every worker's registration."""

    mode: str
    timed: Timed
    latencies: list[float]
    calls: Counter[str]
    sends: int
    edits: int
    callback_answers: int
    sends_per_chat: list[int]
    check: Check
    profile: str | None = None


def settings_for(directory: Path) -> Settings:
    """A fresh database file, no officers, an offline token."""
    return Settings(
        _env_file=None,
        database_url=f"sqlite:///{directory / 'bpu.db'}",
        telegram_bot_token=TOKEN,
        officer_ids=(),
    )


def check_submissions(database: Path, expected: set[str]) -> Check:
    """Read the file directly, after the bot has closed it."""
    with sqlite3.connect(database) as db:
        counts = dict(db.execute("SELECT nik, count(*) FROM submissions GROUP BY nik").fetchall())
        done = db.execute("SELECT count(*) FROM conversations WHERE step = 'done'").fetchone()[0]
    db.close()
    stored = sum(counts.values())
    found = expected & counts.keys()
    # Every row beyond one per expected NIK is a duplicate (a repeat, or a NIK nobody sent).
    return Check(len(expected), stored, len(expected - found), stored - len(found), done)


async def run_flow(
    mode: str, streams: Sequence[Stream], expected: set[str], *, profile: bool = False
) -> FlowRun:
    """Every worker's registration through a fresh bot on a fresh database."""
    with tempfile.TemporaryDirectory(prefix="bpu-bench-") as tmp:
        settings = settings_for(Path(tmp))
        repo = await SqliteRepository.open(settings.database_url)
        api = CountingBotApi()
        app = build_application(settings, repo, request=api, rate_limiter=False)
        if mode.endswith("=False"):
            set_concurrent_updates(app, SimpleUpdateProcessor(1))
        await app.initialize()
        latencies: list[float] = []
        # CPU of the event loop's thread only: waits (epoll, the GIL) are not anyone's cost.
        profiler = cProfile.Profile(time.thread_time) if profile else None
        try:
            if profiler is not None:
                profiler.enable()
            measured = await feed(app, mode, streams, latencies)
        finally:
            if profiler is not None:
                profiler.disable()
            await app.shutdown()
            await repo.close()
        check = check_submissions(Path(tmp) / "bpu.db", expected)
    return FlowRun(
        mode=mode,
        timed=measured,
        latencies=latencies,
        calls=api.calls,
        sends=api.sends(),
        edits=api.edits(),
        callback_answers=api.callback_answers(),
        sends_per_chat=sorted(api.sent_to.values()),
        check=check,
        profile=top_functions(profiler) if profiler is not None else None,
    )


async def feed(
    app: Application, mode: str, streams: Sequence[Stream], latencies: list[float]
) -> Timed:
    """Time the update loop of one mode."""
    if mode == "direct":
        return await timed(lambda: drive(app, streams, latencies))
    driver = QueueDriver(app)
    await app.start()
    try:
        return await timed(lambda: driver.drive(streams, latencies))
    finally:
        await app.stop()


def top_functions(profiler: cProfile.Profile, count: int = 15) -> str:
    """The functions that used the most CPU of their own, then the heaviest call trees."""
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).strip_dirs()
    stats.sort_stats("tottime").print_stats(count)
    stats.sort_stats("cumulative").print_stats(count)
    return out.getvalue()


async def warm_up() -> None:
    """Load regions, catalogs and Babel data once, so the first measured worker pays nothing extra."""
    workers = make_workers(3, seed=1, first_user_id=900_000)
    build = UpdateJson()
    await run_flow("direct", [w.updates(build) for w in workers], {w.nik for w in workers})


def spread(values: Sequence[int]) -> str:
    """min / median / max of per-worker counts."""
    if not values:
        return "-"
    return f"{min(values)} / {statistics.median(values):g} / {max(values)}"
