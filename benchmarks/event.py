"""BPU Bot at an outreach event: hundreds of workers scan the poster within minutes.

The real bot (``python -m bot run``, polling, a fresh SQLite file in a temp dir) talks over HTTP
to the fake Bot API on 127.0.0.1 (tests/system/fake_telegram.py), which *enforces* Telegram's
flood limits as we model them: 30 chat-bound calls in any second, per chat a burst of 3 then one
a second, 429 with ``retry_after`` beyond (answerCallbackQuery and sendChatAction not counted).

N workers arrive at seeded random times over a window. Each follows a scripted registration of
benchmarks/workers.py (typos, typed labels, corrections, contact or typed phone...), answers only
once the bot's next question has arrived at the fake (as a person reads before answering), and
thinks a seeded random time between answers. While they register, officers approve M finished
submissions with ``/setujui <ref> <KPJ>``, and the outbox tells those workers.

The fake also checks every call as Telegram does (tests/telegram_api/rules.py: parameters, types,
keyboards, lengths, HTML) and answers one Telegram would refuse with 400; a worker whose chat (or
tap) got such an answer counts as failed, not completed.

Reported: reply latency (answer pushed → the bot's next question arrived at the fake), p50, p95,
p99, max; chat-bound calls per completed registration by kind (sends, edits; callback answers
apart, they are not chat messages) and per answer; 429s the fake sent; calls it refused as
Telegram would (4xx other than 429) by method; completed and lost registrations; the outbox
drain (the last decision confirmed → the last notification delivered); the most chat-bound
calls the fake saw in any one second; the bot process's CPU.

    python benchmarks/event.py --quick     # 60 workers over 30 s, thinking 1-3 s (~65 s: the
                                           # last one arrives at ~30 s and needs ~30 s more)
    python benchmarks/event.py             # 300 workers over 5 minutes, thinking 5-15 s (~8 min)
        [--workers N] [--window S] [--think LO HI] [--seed S] [--decisions M] [--officers K]
        [--dump calls.jsonl]               # every call the fake saw, with its arrival time

The last line printed is one JSON object. Exit status 1 when a registration is lost (or
duplicated, or an officer's notification never arrives, or a call is refused as malformed, or
the bot process dies).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import sqlite3
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # the fake Bot API and the process helpers live in tests/system
    sys.path.insert(0, str(ROOT))

from crowd import ANSWER_TIMEOUT_S, Crowd, Decision, Outcome, Pace, Screen, messages_per_act  # noqa: E402
from measure import percentile  # noqa: E402
from workers import make_workers  # noqa: E402

from tests.system.fake_telegram import Call, FakeTelegram, FloodModel  # noqa: E402
from tests.system.helpers import BotProcess, Bots, bot_env, wait_polling  # noqa: E402

STARTED = time.monotonic()
FIRST_OFFICER = 9001
FIRST_KPJ = 91_000_000_000  # 11 digits, one per decision: it identifies the notification
SENDS = frozenset({"sendMessage", "sendPhoto", "sendDocument"})
EDITS = frozenset({"editMessageText", "editMessageReplyMarkup"})
NOTIFY_TIMEOUT_S = 120.0  # after the last decision, a notification not there by then is lost
TARGETS = {
    "reply_p95_s": 2.0,
    "calls_per_registration": 16,
    "sends_per_registration": 14,
    "calls_per_answer": 1.0,
    "most_calls_for_one_answer": 1,
}


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--quick", action="store_true", help="60 workers over 30 s, think 1-3 s")
    parser.add_argument("--workers", type=int, help="workers at the event (default 300)")
    parser.add_argument("--window", type=float, help="seconds over which they arrive (300)")
    parser.add_argument("--think", type=float, nargs=2, metavar=("LO", "HI"), help="(5 15)")
    parser.add_argument("--seed", type=int, default=2026, help="arrivals, scripts, thinking")
    parser.add_argument("--decisions", type=int, help="approvals during the event (N/3)")
    parser.add_argument("--officers", type=int, default=4, help="officer accounts deciding")
    parser.add_argument(
        "--dump", type=Path, help="write every call the fake saw (JSON lines) to this file"
    )
    args = parser.parse_args(argv)
    args.workers = args.workers or (60 if args.quick else 300)
    args.window = args.window if args.window is not None else (30.0 if args.quick else 300.0)
    args.think = tuple(args.think or ((1.0, 3.0) if args.quick else (5.0, 15.0)))
    args.decisions = args.decisions if args.decisions is not None else args.workers // 3
    if not 0 < args.think[0] <= args.think[1] or args.workers < 1 or args.officers < 1:
        parser.error("need workers ≥ 1, officers ≥ 1 and 0 < think LO ≤ HI")
    return args


def progress(message: str) -> None:
    """What is running now, on stderr (stdout is the report)."""
    print(f"[{time.monotonic() - STARTED:6.1f} s] {message}", file=sys.stderr, flush=True)


# --- the run -----------------------------------------------------------------------------------


@dataclass
class Run:
    """Everything one event left behind."""

    outcomes: list[Outcome]
    decisions: list[Decision]
    calls: list[Call]
    refused: list[Call]  # 429
    rejected: list[Call]  # refused as Telegram refuses a malformed call (400, 404)
    stored: Counter[str]  # submissions per NIK in the bot's database
    elapsed_s: float
    bot_cpu_s: float
    bot_errors: int
    bot_exit: int | None


async def decide(crowd: Crowd, args: argparse.Namespace, registering: list[Any]) -> list[Decision]:
    """Once M workers have finished, officers approve them while the others still register."""
    while len(crowd.completed) < args.decisions and not all(t.done() for t in registering):
        crowd.finished.clear()
        try:
            await asyncio.wait_for(crowd.finished.wait(), 1.0)
        except TimeoutError:
            pass
    work = [(o, str(FIRST_KPJ + n)) for n, o in enumerate(crowd.completed[: args.decisions])]
    if not work:
        return []
    progress(f"{len(work)} approvals by {args.officers} officer(s), workers still registering")
    shares = [work[k :: args.officers] for k in range(args.officers)]
    done = await asyncio.gather(
        *(crowd.approve(FIRST_OFFICER + k, share) for k, share in enumerate(shares) if share)
    )
    decisions = [d for share in done for d in share]
    await asyncio.gather(*(crowd.notified(d, NOTIFY_TIMEOUT_S) for d in decisions))
    return decisions


async def run_event(args: argparse.Namespace) -> Run:
    workers = make_workers(args.workers, seed=args.seed)
    progress(f"dry run of {len(workers)} scripts offline (messages each answer gets)")
    expected = await messages_per_act(workers)
    pace = Pace(args.window, args.think, args.seed)
    screen = Screen(asyncio.get_running_loop())
    officers = ",".join(str(FIRST_OFFICER + k) for k in range(args.officers))
    with (
        tempfile.TemporaryDirectory(prefix="bpu-event-") as tmp,
        FakeTelegram(limits=FloodModel(), observer=screen.observe) as fake,
    ):
        bots = Bots(Path(tmp))
        try:
            env = bot_env(
                fake,
                Path(tmp) / "bpu.db",
                OFFICER_IDS=officers,
                OUTBOX_LEASE_SECONDS="30",  # production's default (helpers use 3 for crash tests)
                LOG_LEVEL="WARNING",
            )
            bot = bots.start(env, "event")
            await asyncio.to_thread(wait_polling, fake, bot)
            progress(f"bot polling; {len(workers)} workers arrive over {args.window:g} s")
            crowd = Crowd(fake, screen)
            start = time.monotonic()
            registering = [
                asyncio.create_task(crowd.register(w, expected[w.user_id], start, at, pace))
                for w, at in zip(workers, pace.arrivals(len(workers)), strict=True)
            ]
            deciding = asyncio.create_task(decide(crowd, args, registering))
            longest = max(len(w.acts) for w in workers)
            bound = args.window + longest * (args.think[1] + ANSWER_TIMEOUT_S)
            outcomes = await asyncio.wait_for(asyncio.gather(*registering), bound)
            progress(f"registrations over: {len(crowd.completed)} of {len(workers)} completed")
            decisions = await asyncio.wait_for(deciding, NOTIFY_TIMEOUT_S + bound)
            elapsed = time.monotonic() - start
            cpu = process_cpu_s(bot)
            exit_code = bot.terminate() if bot.alive() else bot.proc.returncode
            errors = bot.output(tail=10**7).count("ERROR")
        finally:
            bots.close()
        stored = stored_niks(Path(tmp) / "bpu.db")
        return Run(
            outcomes,
            decisions,
            fake.snapshot(),
            list(fake.refused),
            list(fake.rejected),
            stored,
            elapsed,
            cpu,
            errors,
            exit_code,
        )


def process_cpu_s(bot: BotProcess) -> float:
    """User + system CPU seconds the bot process has used (Linux /proc)."""
    try:
        fields = Path(f"/proc/{bot.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def stored_niks(database: Path) -> Counter[str]:
    with sqlite3.connect(database) as db:
        rows = db.execute("SELECT nik, count(*) FROM submissions GROUP BY nik").fetchall()
    db.close()
    return Counter({nik: count for nik, count in rows})


# --- the numbers ---------------------------------------------------------------------------------


def peak_per_window(times: list[float], window: float = 1.0) -> int:
    """The most of ``times`` inside any one window."""
    ordered, best, first = sorted(times), 0, 0
    for last, at in enumerate(ordered):
        while ordered[first] <= at - window:
            first += 1
        best = max(best, last - first + 1)
    return best


def machine() -> dict[str, Any]:
    cpuinfo = Path("/proc/cpuinfo")
    model = next(
        (
            line.split(":", 1)[1].strip()
            for line in (cpuinfo.read_text().splitlines() if cpuinfo.exists() else [])
            if line.startswith("model name")
        ),
        platform.processor() or "?",
    )
    return {"cpu": model, "cpus": os.cpu_count(), "python": platform.python_version()}


def failed_by_refusal(run: Run) -> set[int]:
    """Workers whose chat, or one of whose taps, got a call Telegram would refuse."""
    chats = {c.chat_id for c in run.rejected if c.chat_id is not None}
    taps = {str(c.params.get("callback_query_id")) for c in run.rejected}
    return {
        o.worker.user_id for o in run.outcomes if o.worker.user_id in chats or o.query_ids & taps
    }


def summarise(run: Run, args: argparse.Namespace) -> dict[str, Any]:
    failed = failed_by_refusal(run)
    completed = [
        o for o in run.outcomes if o.reference is not None and o.worker.user_id not in failed
    ]
    chats = {o.worker.user_id for o in completed}
    queries = set().union(*(o.query_ids for o in completed)) if completed else set()
    notices = {(d.outcome.worker.user_id, d.kpj) for d in run.decisions}
    kinds: Counter[str] = Counter()
    for call in run.calls:
        if call.held:
            continue
        if call.method == "answerCallbackQuery":
            if call.params.get("callback_query_id") in queries:
                kinds["callback_answers"] += 1
        elif call.chat_id in chats:
            notice = any(call.chat_id == c and kpj in call.text for c, kpj in notices)
            if call.method in SENDS and not notice:
                kinds["sends"] += 1
            elif call.method in EDITS:
                kinds["edits"] += 1
            elif call.method == "sendChatAction":
                kinds["chat_actions"] += 1
    per = max(len(completed), 1)
    acts = sum(len(o.worker.acts) for o in completed)
    latencies = [s for o in run.outcomes for s in o.latencies]
    niks = {o.worker.nik for o in completed}
    lost = len(run.outcomes) - len(completed) + len(niks - run.stored.keys())
    duplicated = sum(count - 1 for count in run.stored.values() if count > 1)
    confirmed = [d.confirmed for d in run.decisions if d.confirmed is not None]
    delivered = [d.delivered for d in run.decisions if d.delivered is not None]
    waits = [
        d.delivered - d.confirmed
        for d in run.decisions
        if d.delivered is not None and d.confirmed is not None
    ]
    counted = [
        c.at
        for c in run.calls
        if c.chat_id is not None and c.method not in FloodModel().uncounted and not c.held
    ]
    return {
        "completed": len(completed),
        "lost": lost,
        "failed_by_refused_call": len(failed),
        "duplicated": duplicated,
        "workers": args.workers,
        "window_s": args.window,
        "think_s": list(args.think),
        "seed": args.seed,
        "answers": len(latencies),
        "reply_p50_s": round(percentile(latencies, 0.5), 3),
        "reply_p95_s": round(percentile(latencies, 0.95), 3),
        "reply_p99_s": round(percentile(latencies, 0.99), 3),
        "reply_max_s": round(max(latencies, default=0.0), 3),
        "calls_per_registration": round((kinds["sends"] + kinds["edits"]) / per, 2),
        "sends_per_registration": round(kinds["sends"] / per, 2),
        "edits_per_registration": round(kinds["edits"] / per, 2),
        "calls_per_answer": round((kinds["sends"] + kinds["edits"]) / max(acts, 1), 3),
        "most_calls_for_one_answer": max((n for o in completed for n in o.messages), default=0),
        "callback_answers_per_registration": round(kinds["callback_answers"] / per, 2),
        "chat_actions_per_registration": round(kinds["chat_actions"] / per, 2),
        "http_429": len(run.refused),
        "http_429_by_method": dict(Counter(c.method for c in run.refused)),
        "http_4xx": len(run.rejected),
        "http_4xx_by_method": dict(Counter(c.method for c in run.rejected)),
        "peak_chat_calls_in_1s": peak_per_window(counted),
        "decisions": len(run.decisions),
        "notifications_delivered": len(delivered),
        "notifications_lost": len(run.decisions) - len(delivered),
        "decisions_s": round(max(confirmed) - min(d.sent for d in run.decisions), 2)
        if confirmed
        else None,
        "outbox_drain_s": round(max(delivered) - max(confirmed), 2)
        if delivered and confirmed
        else None,
        "notify_p50_s": round(percentile(waits, 0.5), 2) if waits else None,
        "notify_max_s": round(max(waits), 2) if waits else None,
        "elapsed_s": round(run.elapsed_s, 1),
        "bot_cpu_s": round(run.bot_cpu_s, 1),
        "bot_errors": run.bot_errors,
        "bot_exit": run.bot_exit,
        "machine": machine(),
        "load_avg_1m_end": round(os.getloadavg()[0], 2),
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def report(line: dict[str, Any]) -> None:
    """The human-readable part."""
    m = line["machine"]
    print(f"machine: {m['cpus']} CPUs, {m['cpu']}, Python {m['python']}; {line['date']}")
    print(
        f"\nevent: {line['workers']} workers arriving over {line['window_s']:g} s, thinking"
        f" {line['think_s'][0]:g}-{line['think_s'][1]:g} s (seed {line['seed']});"
        f" {line['elapsed_s']:g} s; bot process CPU {line['bot_cpu_s']:g} s"
    )
    print(
        f"  registrations: {line['completed']} completed, {line['lost']} lost"
        f" ({line['failed_by_refused_call']} of them after a call Telegram refuses),"
        f" {line['duplicated']} duplicated"
    )
    print(
        f"  reply latency over {line['answers']} answers (answer → next question at the fake):"
        f" p50 {line['reply_p50_s']:.2f} s, p95 {line['reply_p95_s']:.2f} s,"
        f" p99 {line['reply_p99_s']:.2f} s, max {line['reply_max_s']:.2f} s"
    )
    print(
        f"  chat-bound calls per registration: {line['calls_per_registration']:.2f}"
        f" ({line['sends_per_registration']:.2f} sends + {line['edits_per_registration']:.2f}"
        f" edits); not chat-bound: {line['callback_answers_per_registration']:.2f} callback"
        f" answers, {line['chat_actions_per_registration']:.2f} chat actions;"
        f" {line['calls_per_answer']:.3f} chat-bound calls per answer (at most"
        f" {line['most_calls_for_one_answer']} for one)"
    )
    print(
        f"  flood limits: {line['http_429']} × 429 from the fake {line['http_429_by_method']};"
        f" most chat-bound calls in any second: {line['peak_chat_calls_in_1s']} (limit 30)"
    )
    print(
        f"  calls Telegram refuses (4xx other than 429): {line['http_4xx']}"
        f" {line['http_4xx_by_method']}"
    )
    print(
        f"  officers: {line['decisions']} approvals in {line['decisions_s']} s;"
        f" notifications delivered {line['notifications_delivered']}, lost"
        f" {line['notifications_lost']}; outbox drain after the last decision"
        f" {line['outbox_drain_s']} s (each: p50 {line['notify_p50_s']} s, max"
        f" {line['notify_max_s']} s after its decision)"
    )
    print(f"  bot errors logged: {line['bot_errors']}, exit status {line['bot_exit']}")
    checks = [
        ("all complete, 0 lost", line["lost"] == 0 and line["completed"] == line["workers"]),
        ("no 429", line["http_429"] == 0),
        ("no 4xx", line["http_4xx"] == 0),
        *(
            (f"{key} ≤ {limit:g}", line[key] <= limit)
            for key, limit in TARGETS.items()
            if line[key] is not None
        ),
    ]
    print("  targets: " + ", ".join(f"{name} {'PASS' if ok else 'FAIL'}" for name, ok in checks))


def dump(run: Run, path: Path) -> None:
    """Every call the fake answered or refused, in arrival order, for a closer look."""
    calls = sorted(
        [(c, None) for c in run.calls]
        + [(c, "429") for c in run.refused]
        + [(c, "4xx") for c in run.rejected],
        key=lambda pair: pair[0].at,
    )
    with path.open("w") as out:
        for call, refused in calls:
            row = {
                "at": round(call.at - STARTED, 4),
                "method": call.method,
                "chat": call.chat_id,
                "refused": refused,  # None (answered), "429" (flood), "4xx" (malformed)
                "text": call.text[:60],
            }
            out.write(json.dumps(row, ensure_ascii=False) + "\n")


def main() -> int:
    args = parse_args()
    run = asyncio.run(run_event(args))
    if args.dump:
        dump(run, args.dump)
    line = summarise(run, args)
    report(line)
    print(json.dumps(line))
    failed = line["lost"] or line["duplicated"] or line["notifications_lost"] or line["http_4xx"]
    return 1 if failed or line["bot_exit"] not in (0, None) else 0


if __name__ == "__main__":
    sys.exit(main())
