"""(c) BPU Bot's full registration: ``build_application`` on a fresh database, N workers at once.

Four ways of feeding the same updates:

- ``inbox``: as the running bot receives them (polling or webhook): each update is stored in the
  durable inbox first, then handled by the inbox pump (one chat's updates in order), and marked
  answered in batches. These are the headline numbers: what an update really costs.
- ``direct``: ``process_update`` awaited per update, every worker a task of one asyncio.gather
  (no inbox: the flow's own cost).
  PTB applies ``concurrent_updates`` only in the updater's fetch loop, so the setting plays no
  part here; the concurrency is the gather's.
- ``updater, concurrent_updates=True``: updates go through ``app.update_queue`` with the fetch
  loop running, as with polling or a webhook; up to 256 are handled at once (the app's setting).
- ``updater, concurrent_updates=False``: the same, one update at a time (PTB's default).
"""

from __future__ import annotations

import cProfile
import io
import pstats
import re
import statistics
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from databases import Target, rows, server_cpu_seconds
from driver import QueueDriver, Stream, drive, drive_inbox, set_concurrent_updates
from measure import Timed, timed
from offline import TOKEN, CountingBotApi, UpdateJson
from telegram.ext import Application, SimpleUpdateProcessor
from workers import make_workers

from bot.settings import Settings
from handlers.telegram.app import build_application
from storage import open_repository

MODES = (
    "inbox",
    "direct",
    "updater, concurrent_updates=True",
    "updater, concurrent_updates=False",
)


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
    server_cpu_s: float | None = None  # the local PostgreSQL server's CPU during the run


def settings_for(url: str) -> Settings:
    """A fresh database, no officers, an offline token."""
    return Settings(
        _env_file=None,
        database_url=url,
        telegram_bot_token=TOKEN,
        officer_ids=(),
    )


async def check_submissions(url: str, expected: set[str]) -> Check:
    """Read the database directly, after the bot has closed it."""
    counts = dict(await rows(url, "SELECT nik, count(*) FROM submissions GROUP BY nik"))
    ((done,),) = await rows(url, "SELECT count(*) FROM conversations WHERE step = 'done'")
    stored = sum(counts.values())
    found = expected & counts.keys()
    # Every row beyond one per expected NIK is a duplicate (a repeat, or a NIK nobody sent).
    return Check(len(expected), stored, len(expected - found), stored - len(found), done)


async def run_flow(
    target: Target,
    mode: str,
    streams: Sequence[Stream],
    expected: set[str],
    *,
    profile: bool = False,
) -> FlowRun:
    """Every worker's registration through a fresh bot on a fresh database."""
    settings = settings_for(await target.fresh("flow"))
    repo = await open_repository(
        settings.database_url,
        pool_min=settings.database_pool_min,
        pool_max=settings.database_pool_max,
    )
    api = CountingBotApi()
    app = build_application(settings, repo, request=api, rate_limiter=False)
    if mode.endswith("=False"):
        set_concurrent_updates(app, SimpleUpdateProcessor(1))
    await app.initialize()
    latencies: list[float] = []
    # CPU of the event loop's thread only: waits (epoll, the GIL) are not anyone's cost.
    profiler = cProfile.Profile(time.thread_time) if profile else None
    server_before = server_cpu_seconds() if target.backend == "postgresql" else None
    try:
        if profiler is not None:
            profiler.enable()
        measured = await feed(app, mode, streams, latencies)
    finally:
        if profiler is not None:
            profiler.disable()
        server_after = server_cpu_seconds() if server_before is not None else None
        await app.shutdown()
        await repo.close()
    check = await check_submissions(settings.database_url, expected)
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
        server_cpu_s=None
        if server_before is None or server_after is None
        else server_after - server_before,
    )


async def feed(
    app: Application, mode: str, streams: Sequence[Stream], latencies: list[float]
) -> Timed:
    """Time the update loop of one mode."""
    if mode == "direct":
        return await timed(lambda: drive(app, streams, latencies))
    if mode == "inbox":
        return await timed(lambda: drive_inbox(app, streams, latencies))
    driver = QueueDriver(app)
    await app.start()
    try:
        return await timed(lambda: driver.drive(streams, latencies))
    finally:
        await app.stop()


# The project's own packages, by their folder: what a profile's "ours" section lists.
OURS = re.escape(str(Path(__file__).resolve().parents[1])) + r"/(bot|handlers|storage)/"


def top_functions(profiler: cProfile.Profile, count: int = 15) -> str:
    """The functions that used the most CPU of their own, then the heaviest call trees, then the
    heaviest call trees of our own code (bot/, handlers/, storage/; not PTB's or the drivers')."""
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).strip_dirs()
    stats.sort_stats("tottime").print_stats(count)
    stats.sort_stats("cumulative").print_stats(count)
    ours = pstats.Stats(profiler, stream=out).sort_stats("cumulative")
    ours.print_stats(OURS, count)  # with the folders: they tell ours from theirs
    return out.getvalue()


async def warm_up(target: Target) -> None:
    """Load regions, catalogs and Babel data once, so the first measured worker pays nothing extra."""
    workers = make_workers(3, seed=1, first_user_id=900_000)
    build = UpdateJson()
    await run_flow(target, "inbox", [w.updates(build) for w in workers], {w.nik for w in workers})


def spread(values: Sequence[int]) -> str:
    """min / median / max of per-worker counts."""
    if not values:
        return "-"
    return f"{min(values)} / {statistics.median(values):g} / {max(values)}"
