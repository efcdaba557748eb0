"""BPU Bot benchmark: CPU per update against two baselines, latency, memory, correctness, look-ups.

What is measured, all offline (a BaseRequest that answers like Telegram, no network), with the
rate limiter off and updates fed to ``Application.process_update``:

(a) a minimal echo bot: PTB's own cost per update (parse the update, route it, send a message);
(b) the echo bot plus one upsert and commit per update on the same backend as (c): a persistent
    aiosqlite connection (WAL, synchronous=NORMAL), or a pooled asyncpg connection: the least a
    bot that keeps its state in that database must pay;
(c) BPU Bot's full registration (``build_application`` on a fresh database) for N workers at
    once, each with a realistic mix of answers (typos, retries, typed labels, corrections).

``--database`` picks the backend: ``sqlite`` (the default: fresh files in a temporary directory)
or a ``postgresql://`` URL (fresh schemas in that database, dropped afterwards). With a local
PostgreSQL server, the server's CPU during (c) is reported too (not part of the ratios: the
process's own CPU is what the targets are about).

Before the rounds, the garbage collector is settled as ``python -m bot run`` settles it once
started (handlers/collector.py: start-up data frozen, young objects collected every 10,000); the
three measurements share that process-wide setting.

CPU time is ``time.process_time`` around the update loop (every thread of the process, so
aiosqlite's too), divided by the number of updates. Absolute numbers depend on the machine; the
ratios c/a and c/b do much less, which is why the targets are ratios: c/b at most 1.5 (the
median over ``--runs``) means the bot's own logic costs at most half of (b), the echo bot with
the storage round trip every stateful bot pays.

Also: p50/p99 wall latency per update of (c) with all N workers in flight, peak RSS, lost and
duplicated submissions (set of NIKs sent vs rows stored: must be 0), Bot API calls, sent
messages, edits and callback answers per completed registration; (c) again through PTB's update queue with concurrent_updates on and
off; ``--rows`` officer look-ups on a big database; ``--loopback`` an echo bot over real HTTP.

    python benchmarks/run.py [--quick] [--workers N] [--rows R] [--rounds K] [--runs N]
                             [--loopback] [--profile]
                             [--database sqlite | postgresql://user@host/db]
                             [--channel telegram | whatsapp]

``--runs N`` repeats the measurement of (a), (b) and (c) N times in this process (each run its
``--rounds`` rounds, as a run without the option) and prints the median and the spread (min-max)
of c/b and c/a over the runs; the target is checked against the median. The rest (the updater
modes, ``--profile``, ``--loopback``, ``--rows``) is measured once, after the runs.

``--channel whatsapp`` runs the same workers' registrations through the WhatsApp channel instead
(benchmarks/whatsapp.py: the real handlers.whatsapp code against the strict fake Cloud API of
tests/system/fake_whatsapp.py) and reports messages sent and mark-as-read calls per completed
registration, and completions; its JSON line has ``"channel": "whatsapp"``.

The last line printed is one JSON object with every number. ``edits_per_registration`` counts
editMessageText and editMessageReplyMarkup only; until 2026-11 it also counted answerCallbackQuery
(old value = ``edits_per_registration + callback_answers_per_registration``). Exit status 1 only when a submission
was lost or duplicated or the bot logged an error; a missed speed target is printed, not fatal.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from databases import Target
from driver import Stream, drive
from echo import echo_application, open_store, writing_echo_application
from loopback import BurstResult, run_loopback
from measure import ErrorCounter, Timed, peak_rss_mb, percentile, timed
from offline import CountingBotApi, UpdateJson
from registration import MODES, FlowRun, run_flow, spread, warm_up
from rows import TARGET_MS, Lookups, run_rows
from workers import Worker, make_workers

from handlers.collector import settle_collector

T = TypeVar("T")
STARTED = time.perf_counter()
RATIO_TARGET = 1.5  # c/b, the median over the runs
MESSAGES_TARGET = 14  # sent messages per registration (issue: Telegram's flood budget)
CALLS_TARGET = 16  # chat-bound calls (sends and edits) per registration


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--quick", action="store_true", help="N=100, rows=20,000 (under a minute)")
    parser.add_argument("--workers", type=int, help="workers registering at once (default 1000)")
    parser.add_argument(
        "--rows", type=int, help="synthetic submissions for look-ups (default 1,000,000; 0 skips)"
    )
    parser.add_argument(
        "--rounds",
        type=int,
        help="rounds of (a), (b), (c) one after the other; medians (default 3)",
    )
    parser.add_argument(
        "--runs",
        type=int,
        default=1,
        help="repeat the rounds of (a), (b), (c) this many times; median and spread of the"
        " ratios over the runs (default 1)",
    )
    parser.add_argument(
        "--loopback", action="store_true", help="also the echo bot over loopback HTTP"
    )
    parser.add_argument(
        "--profile", action="store_true", help="cProfile the (c) run and print its top functions"
    )
    parser.add_argument(
        "--database",
        default="sqlite",
        help="sqlite (default) or postgresql://user@host:port/db (fresh schemas, dropped after)",
    )
    parser.add_argument(
        "--channel",
        choices=("telegram", "whatsapp"),
        default="telegram",
        help="telegram (default: everything above) or whatsapp (the registration run only,"
        " through the WhatsApp channel against a fake Cloud API)",
    )
    args = parser.parse_args(argv)
    args.workers = args.workers or (100 if args.quick else 1000)
    args.rows = args.rows if args.rows is not None else (20_000 if args.quick else 1_000_000)
    args.rounds = args.rounds or 3
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    return args


# --- the three measurements -----------------------------------------------------------------------


def echo_streams(workers: list[Worker], streams: list[Stream], build: UpdateJson) -> list[Stream]:
    """For (a) and (b): as many plain texts per person as each worker sends in (c)."""
    return [
        [build.text(worker.user_id, f"halo {n}") for n in range(len(stream))]
        for worker, stream in zip(workers, streams, strict=True)
    ]


async def run_echo(streams: list[Stream]) -> Timed:
    """(a): the echo bot."""
    app = echo_application(CountingBotApi())
    async with app:
        await drive(app, streams[:3])  # warm-up
        return await timed(lambda: drive(app, streams))


async def run_echo_write(streams: list[Stream], target: Target) -> Timed:
    """(b): the echo bot writing one row per update, on the backend under test."""
    store = await open_store(target)
    app = writing_echo_application(CountingBotApi(), store)
    try:
        async with app:
            await drive(app, streams[:3])  # warm-up
            result = await timed(lambda: drive(app, streams))
        assert await store.rows() == len(streams), "one row per user expected"
    finally:
        await store.close()
    return result


@dataclass
class Rounds:
    """Every round's (a), (b) and (c, direct); each reported by its median round."""

    echo: list[Timed] = field(default_factory=list)
    write: list[Timed] = field(default_factory=list)
    flow: list[FlowRun] = field(default_factory=list)

    @property
    def a(self) -> Timed:
        return middle(self.echo, lambda t: t.cpu_us_per_update)

    @property
    def b(self) -> Timed:
        return middle(self.write, lambda t: t.cpu_us_per_update)

    @property
    def c(self) -> FlowRun:
        return middle(self.flow, lambda r: r.timed.cpu_us_per_update)

    @property
    def ratio_a(self) -> float:
        """c/a of this run (its median rounds)."""
        return self.c.timed.cpu_us_per_update / self.a.cpu_us_per_update

    @property
    def ratio_b(self) -> float:
        """c/b of this run (its median rounds)."""
        return self.c.timed.cpu_us_per_update / self.b.cpu_us_per_update


@dataclass(frozen=True)
class Spread:
    """One ratio over the runs: its median, lowest and highest, and every run's value."""

    values: list[float]

    @property
    def median(self) -> float:
        return statistics.median(self.values)

    def summary(self, key: str) -> dict[str, Any]:
        """``<key>_median``, ``_min``, ``_max`` and ``_runs`` for the JSON line."""
        return {
            f"{key}_median": round(self.median, 3),
            f"{key}_min": round(min(self.values), 3),
            f"{key}_max": round(max(self.values), 3),
            f"{key}_runs": [round(value, 3) for value in self.values],
        }

    def __str__(self) -> str:
        every = " / ".join(f"{value:.2f}" for value in self.values)
        return (
            f"median {self.median:.2f}, spread {min(self.values):.2f}-{max(self.values):.2f}"
            f" (runs {every})"
        )


def middle(items: list[T], key: Callable[[T], float]) -> T:
    """The median item by ``key`` (the upper one of an even count)."""
    return sorted(items, key=key)[len(items) // 2]


async def run_rounds(
    rounds: int, workers: list[Worker], streams: list[Stream], build: UpdateJson, target: Target
) -> Rounds:
    """(a), (b), (c) one after the other, ``rounds`` times: a busy neighbour on a shared machine
    then slows all three alike instead of one."""
    texts = echo_streams(workers, streams, build)
    expected = {worker.nik for worker in workers}
    found = Rounds()
    for number in range(rounds):
        progress(
            f"round {number + 1} of {rounds}: (a) echo, (b) echo + {target.label},"
            " (c) registration"
        )
        found.echo.append(await run_echo(texts))
        found.write.append(await run_echo_write(texts, target))
        found.flow.append(await run_flow(target, MODES[0], streams, expected))
    return found


# --- printing ---------------------------------------------------------------------------------------


def progress(message: str) -> None:
    """What is running now, on stderr (stdout is the report)."""
    print(f"[{time.perf_counter() - STARTED:6.1f} s] {message}", file=sys.stderr, flush=True)


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def print_machine() -> None:
    model = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor() or "?",
    )
    print(f"machine: {os.cpu_count()} CPUs, {model}, Python {platform.python_version()}")


def print_cpu(results: Results) -> None:
    rounds, runs = results.rounds, results.runs
    a, b, c = rounds.a, rounds.b, rounds.c
    which = f"; the run of median c/b of {len(runs)} runs" if len(runs) > 1 else ""
    print(
        "\nCPU per update (process_time around the update loop / updates;"
        f" median of {len(rounds.flow)} round(s), each round a, b, c{which}):"
    )
    for label, run, every in (
        ("(a) echo", a, rounds.echo),
        (f"(b) echo + {results.backend} upsert", b, rounds.write),
        ("(c) BPU registration", c.timed, [r.timed for r in rounds.flow]),
    ):
        all_rounds = " / ".join(f"{t.cpu_us_per_update:.0f}" for t in every)
        print(
            f"  {label:28} {run.cpu_us_per_update:6.0f} µs  ({run.count} updates,"
            f" {run.per_second:.0f}/s wall; rounds {all_rounds})"
        )
    met = verdict(results.cb.median <= RATIO_TARGET)
    if len(runs) == 1:
        print(f"  c/a = {rounds.ratio_a:.2f}")
        print(f"  c/b = {rounds.ratio_b:.2f}  target ≤ {RATIO_TARGET:g}: {met}")
    else:
        print(f"  over {len(runs)} runs of {len(rounds.flow)} round(s) each:")
        print(f"  c/a {results.ca}")
        print(f"  c/b {results.cb}  target median ≤ {RATIO_TARGET:g}: {met}")
    if c.server_cpu_s is not None:
        print(
            f"  PostgreSQL server CPU during (c): {c.server_cpu_s / c.timed.count * 1e6:.0f} µs"
            " per update (every postgres process on this machine; not in the ratios)"
        )


def print_flow(c: FlowRun, workers: int) -> None:
    check = c.check
    completed = max(check.completed, 1)
    print(
        f"\n(c) {workers} workers at once, {c.timed.count} updates ({c.timed.count / workers:.1f} per worker):"
    )
    print(
        f"  wall latency per update: p50 {percentile(c.latencies, 0.5) * 1000:.1f} ms,"
        f" p99 {percentile(c.latencies, 0.99) * 1000:.1f} ms (every worker in flight at once:"
        " an update waits for the others' transactions)"
    )
    print(
        f"  submissions: {check.expected} sent, {check.stored_rows} rows, lost {check.lost},"
        f" duplicated {check.duplicated}, conversations done {check.done}"
        f"  {verdict(check.lost == 0 and check.duplicated == 0)}"
    )
    per = c.sends / completed
    chat_bound = (c.sends + c.edits) / completed
    print(
        f"  per registration: {sum(c.calls.values()) / completed:.1f} Bot API calls,"
        f" {per:.1f} sent messages (min/median/max per worker {spread(c.sends_per_chat)}),"
        f" {c.edits / completed:.1f} edits, {c.callback_answers / completed:.1f} callback answers"
        f"  sent ≤ {MESSAGES_TARGET}: {verdict(per <= MESSAGES_TARGET)};"
        f" chat-bound {chat_bound:.1f} ≤ {CALLS_TARGET}: {verdict(chat_bound <= CALLS_TARGET)}"
    )
    print(f"  calls: {dict(sorted(c.calls.items()))}")


def print_modes(runs: list[FlowRun]) -> None:
    print("\n(c) by how updates reach the bot (same workers, fresh database each):")
    for run in runs:
        print(
            f"  {run.mode:36} {run.timed.cpu_us_per_update:6.0f} µs CPU/update,"
            f" {run.timed.per_second:5.0f} updates/s, p50 {percentile(run.latencies, 0.5) * 1000:7.1f} ms,"
            f" p99 {percentile(run.latencies, 0.99) * 1000:7.1f} ms, lost {run.check.lost},"
            f" duplicated {run.check.duplicated}"
        )
    print(
        "  direct = process_update awaited per update, workers via asyncio.gather: PTB's\n"
        "  concurrent_updates is not involved (it acts only in the updater's fetch loop).\n"
        "  updater = app.update_queue with the fetch loop running (polling/webhook path); each\n"
        "  worker sends its next answer only after the bot has handled the previous one.\n"
        "  Offline, a Bot API call never waits on the network, so this shows the CPU and\n"
        "  throughput cost of each setting only; with real Telegram, concurrent_updates=False\n"
        "  makes every worker wait for every other worker's round trips (1-3 calls per update)."
    )


def print_loopback(results: list[BurstResult]) -> None:
    print(
        "\n--loopback: echo bot polling a fake Bot API on 127.0.0.1 (stdlib server in a child"
        " process, not counted), bursts of 100 updates from 100 people; CPU of the bot process:"
    )
    for r in results:
        print(f"  {r.label:46} {r.cold_ms:6.2f} ms CPU/update cold, {r.warm_ms:6.2f} ms warm")


def print_rows(found: Lookups) -> None:
    t = found.timings
    print(
        f"\n--rows {found.rows}: filled in {found.fill_s:.1f} s,"
        f" {found.bytes_per_submission:.0f} bytes per submission (SQLite: file + WAL after a"
        " checkpoint; PostgreSQL: tables, indexes and TOAST of the schema)"
    )
    print("  officer units of work (transaction + query + Submission objects), median of 7:")
    lines = [
        ("reference (OfficerSession.get)", t.reference_ms),
        ("NIK (search('nik', ...))", t.nik_ms),
        ("queue first page (queue(10, 0))", t.queue_ms),
        ("count_pending (/antrean's header)", t.count_pending_ms),
    ]
    if t.branch_queue_ms is not None:
        lines.append(("queue(10, 0), busiest branch only", t.branch_queue_ms))
    for label, ms in lines:
        print(f"  {label:36} {ms:8.2f} ms  target < {TARGET_MS:g}: {verdict(ms < TARGET_MS)}")


# --- the whole run ---------------------------------------------------------------------------------


def summary(results: Results) -> dict[str, Any]:
    """Every number, for the JSON line."""
    rounds, modes, found, loop = results.rounds, results.modes, results.found, results.loop
    a, b, c = rounds.a, rounds.b, rounds.c
    every = [flow for run in results.runs for flow in run.flow] + modes
    completed = max(c.check.completed, 1)
    result: dict[str, Any] = {
        "backend": results.backend,
        "cpu_us_per_update_echo": round(a.cpu_us_per_update, 1),
        "cpu_us_per_update_write": round(b.cpu_us_per_update, 1),
        "cpu_us_per_update_flow": round(c.timed.cpu_us_per_update, 1),
        "ratio_flow_vs_echo": round(c.timed.cpu_us_per_update / a.cpu_us_per_update, 2),
        "ratio_flow_vs_write": round(c.timed.cpu_us_per_update / b.cpu_us_per_update, 2),
        "rounds": len(rounds.flow),
        "runs": len(results.runs),
        **results.cb.summary("cb"),
        **results.ca.summary("ca"),
        "p50_ms": round(percentile(c.latencies, 0.5) * 1000, 2),
        "p99_ms": round(percentile(c.latencies, 0.99) * 1000, 2),
        "peak_rss_mb": round(results.rss_mb, 1),
        "workers": c.check.expected,
        "updates": c.timed.count,
        "lost": sum(r.check.lost for r in every),
        "duplicated": sum(r.check.duplicated for r in every),
        "api_calls_per_registration": round(sum(c.calls.values()) / completed, 2),
        "messages_per_registration": round(c.sends / completed, 2),
        "edits_per_registration": round(c.edits / completed, 2),
        "calls_per_registration": round((c.sends + c.edits) / completed, 2),
        "callback_answers_per_registration": round(c.callback_answers / completed, 2),
        "cpu_us_per_update_flow_by_mode": {
            r.mode: round(r.timed.cpu_us_per_update, 1) for r in [c, *modes]
        },
        "rows": found.rows if found else 0,
        "lookup_ref_ms": round(found.timings.reference_ms, 3) if found else None,
        "lookup_nik_ms": round(found.timings.nik_ms, 3) if found else None,
        "queue_page_ms": round(found.timings.queue_ms, 3) if found else None,
        "count_pending_ms": round(found.timings.count_pending_ms, 3) if found else None,
        "bytes_per_submission": round(found.bytes_per_submission, 1) if found else None,
        "server_cpu_us_per_update_flow": round(c.server_cpu_s / c.timed.count * 1e6, 1)
        if c.server_cpu_s is not None
        else None,
    }
    if loop:
        result["loopback_cpu_ms_per_update"] = {
            r.label: {"cold": round(r.cold_ms, 3), "warm": round(r.warm_ms, 3)} for r in loop
        }
    return result


@dataclass(frozen=True)
class Results:
    """Everything measured: the runs of (a), (b), (c), then the rest once."""

    runs: list[Rounds]
    rss_mb: float
    modes: list[FlowRun]
    profiled: FlowRun | None
    loop: list[BurstResult]
    found: Lookups | None
    backend: str

    @property
    def rounds(self) -> Rounds:
        """The run of median c/b (the only one without --runs): its numbers are reported."""
        return middle(self.runs, lambda run: run.ratio_b)

    @property
    def cb(self) -> Spread:
        return Spread([run.ratio_b for run in self.runs])

    @property
    def ca(self) -> Spread:
        return Spread([run.ratio_a for run in self.runs])


async def measure_all(args: argparse.Namespace) -> Results:
    """Run every measurement the arguments ask for, in an order that keeps them apart."""
    workers = make_workers(args.workers)
    build = UpdateJson()
    streams = [worker.updates(build) for worker in workers]
    expected = {worker.nik for worker in workers}
    with tempfile.TemporaryDirectory(prefix="bpu-bench-") as tmp:
        target = Target(args.database, Path(tmp))
        try:
            await warm_up(target)
            settle_collector()  # as `python -m bot run` does once started (all three alike)
            runs = []
            for number in range(args.runs):
                if args.runs > 1:
                    progress(f"run {number + 1} of {args.runs}")
                runs.append(await run_rounds(args.rounds, workers, streams, build, target))
            rss = peak_rss_mb()
            progress("(c) through the updater queue, concurrent_updates True and False")
            modes = [await run_flow(target, mode, streams, expected) for mode in MODES[1:]]
            profiled = None
            if args.profile:  # a run of its own: cProfile slows the run it watches
                progress("(c) once more under cProfile")
                profiled = await run_flow(target, MODES[0], streams, expected, profile=True)
            loop = []
            if args.loopback:
                progress("--loopback: echo bot over HTTP")
                loop = await run_loopback()
            found = None
            if args.rows:
                progress(f"--rows {args.rows}: filling a database, then officer look-ups")
                found = await run_rows(target, args.rows)
        finally:
            await target.close()
    progress("done")
    return Results(runs, rss, modes, profiled, loop, found, target.label)


def report(results: Results, workers: int) -> None:
    """The human-readable part of the output."""
    print_cpu(results)
    print_flow(results.rounds.c, workers)
    print(f"  peak RSS after (c): {results.rss_mb:.0f} MiB (whole process, ru_maxrss)")
    print_modes([results.rounds.c, *results.modes])
    if results.loop:
        print_loopback(results.loop)
    if results.found:
        print_rows(results.found)
    if results.profiled is not None:
        print(
            "\ncProfile of (c) through the inbox, a separate run (CPU of the event loop's thread only):"
        )
        print(results.profiled.profile)


async def main_whatsapp(args: argparse.Namespace, errors: ErrorCounter) -> int:
    """``--channel whatsapp``: the registration run through the WhatsApp channel."""
    from whatsapp import print_whatsapp, run_whatsapp, whatsapp_summary

    workers = make_workers(args.workers)
    with tempfile.TemporaryDirectory(prefix="bpu-bench-") as tmp:
        target = Target(args.database, Path(tmp))
        try:
            progress(f"WhatsApp: {args.workers} workers' registrations (fake Cloud API)")
            run = await run_whatsapp(target, workers)
        finally:
            await target.close()
    progress("done")
    print_whatsapp(run, args.workers)
    first = f" (first: {errors.first})" if errors.first else ""
    print(f"\nerrors logged by the bot: {errors.count}{first}")
    line = {"backend": target.label, **whatsapp_summary(run), "errors": errors.count}
    print(json.dumps(line))
    return 1 if line["lost"] or line["duplicated"] or line["refused"] or errors.count else 0


async def main(args: argparse.Namespace) -> int:
    errors = ErrorCounter.install()
    print_machine()
    if args.channel == "whatsapp":
        return await main_whatsapp(args, errors)
    results = await measure_all(args)
    report(results, args.workers)
    first = f" (first: {errors.first})" if errors.first else ""
    print(f"\nerrors logged by the bot: {errors.count}{first}")
    line = summary(results)
    line["errors"] = errors.count
    print(json.dumps(line))
    return 1 if line["lost"] or line["duplicated"] or errors.count else 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main(parse_args())))
