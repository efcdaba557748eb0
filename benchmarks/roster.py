"""Rosters (docs/rosters.md): importing a sponsor's list, and invited workers finishing.

What is measured, offline, with the real officer desk and worker flow on a real database:

(a) import: a CSV of ``--rows`` workers (50,000 by default, ROSTER_MAX_ROWS) sent to
    /roster_impor: the file opened in a thread, then checked and stored a chunk at a time; wall
    seconds until the answer (``import_s``) and the process's peak memory during it
    (``import_peak_mb``, peak RSS growth). With ``--tracemalloc``, also what Python allocated
    (``tracemalloc_peak_mb``): tracing every allocation slows the import and the workers' replies
    (a quick run's import took twice as long), so the timed runs go without it;
(b) meanwhile, ``--workers`` workers answer a registration's first questions in a loop: the wall
    time of each reply (``reply_p95_s``, the 95th percentile; the target is under 0.5 s);
(c) then ``--invited`` of the imported workers open their personal code and finish in six
    answers (consent, NIK, Benar, income, JHT, Kirim), all at once: ``completed`` counts the
    registrations stored, ``invited_p95_s`` the replies' 95th percentile.

(d) at the same time as (c), the roster is invited on WhatsApp (/roster_undang confirmed through
    the desk, its queue filled a chunk at a time; the outbox; the WhatsApp channel's pacing)
    through the strict fake Cloud API enforcing 80 messages a second, the pair rate (6 s) and a
    messaging limit of ``--send`` unique users per 24 hours; the outbox is delivered until the limit's day is sent: ``invited`` counts the
    invitations Meta's fake took, ``send_s`` the wall seconds, ``http_429`` every 429 it gave
    (130429 and 131056), ``pair_rate_errors`` the 131056 among them.

    python benchmarks/roster.py [--quick] [--rows N] [--workers N] [--invited N] [--send N]
                                [--database sqlite | postgresql://user@host/db] [--tracemalloc]

``--quick`` is 5,000 rows, 20 workers, 50 invited and 500 sent: under a minute, for a check.
The last line printed is one JSON object with every number.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import resource
import sys
import tempfile
import time
import tracemalloc
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # the fake Cloud API lives in tests/system
    sys.path.insert(0, str(ROOT))

from databases import Target  # noqa: E402
from whatsapp import settings_for  # noqa: E402

from bot.domain import Payer, Sponsor  # noqa: E402
from bot.flow.context import FlowConfig  # noqa: E402
from bot.flow.events import Command, Press, Text  # noqa: E402
from bot.inbound import Inbound  # noqa: E402
from bot.officers.desk import OfficerDesk  # noqa: E402
from bot.rosters import RowState  # noqa: E402
from bot.service import handle_worker  # noqa: E402
from bot.settings import Settings  # noqa: E402
from bot.uploads import ImportLimits  # noqa: E402
from handlers.desk_io import DeskThreads, OfficerIds  # noqa: E402
from handlers.outbox import deliver_due  # noqa: E402
from handlers.runtime import build_core  # noqa: E402
from handlers.whatsapp.channel import WhatsAppChannel  # noqa: E402
from handlers.whatsapp.templates import notices_by_name  # noqa: E402
from storage.backends import open_repository  # noqa: E402
from tests.system.fake_whatsapp import FakeWhatsApp  # noqa: E402

OFFICER = "tg:9001"
NOW = datetime(2026, 12, 7, 3, 0, tzinfo=UTC)
PLACES = ("Wates", "Pengasih", "Sentolo", "Nanggulan", "Galur", "Lendah", "Temon", "Panjatan")


def roster_csv(rows: int) -> tuple[bytes, list[str]]:
    """A roster of ``rows`` distinct workers of Kulon Progo; and their NIKs."""
    rng = random.Random(27)
    lines = ["NIK,Nama,Nomor HP,Desa/Kecamatan,Pekerjaan,Tempat lahir,Alamat"]
    niks = []
    for number in range(rows):
        # Distinct by construction: the serial runs 0001-9999, then the birth day moves on.
        serial, day = number % 9999 + 1, 1 + number // 9999
        nik = f"340101{day + (40 if number % 2 else 0):02d}0385{serial:04d}"
        niks.append(nik)
        phone = f"0812{rng.randrange(10**8):08d}"
        place = PLACES[number % len(PLACES)]
        lines.append(f"{nik},Pekerja {number},{phone},{place},pedagang,Kulon Progo,Dusun {number}")
    return ("\n".join(lines) + "\n").encode(), niks


def rss_mb() -> float:
    """The process's peak resident memory so far (MB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def p95(values: list[float]) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))], 4)


async def setup(url: str) -> tuple[Any, OfficerDesk, str]:
    repo = await open_repository(url, pool_min=1, pool_max=4)
    await repo.bootstrap_admins((9001,), NOW)
    async with repo.officer() as session:
        session.restrict(None)
        sponsor_id = await session.create_sponsor(
            Sponsor(
                id=0,
                name="Pemkab Kulon Progo 2026",
                payer=Payer.APBD_REGENCY,
                level="apbd_kabupaten",
                start_day=date(2026, 1, 1),
                end_day=date(2027, 12, 31),
                quota=1_000_000,
                regions=("34.01",),
                occupations=(),
                whole_region=True,
                branch="Yogyakarta",
            ),
            OFFICER,
            NOW,
        )
    limits = ImportLimits(max_bytes=50_000_000, max_rows=100_000)
    desk = OfficerDesk(
        repo,
        FlowConfig(),
        officers=OfficerIds(repo),
        work=DeskThreads(repo),
        roster_limits=limits,
    )
    return repo, desk, str(sponsor_id)


async def chatter(repo: Any, worker: int, stop: asyncio.Event, latencies: list[float]) -> None:
    """A worker starting a registration again and again while the import runs."""
    user = f"{100000 + worker}"
    while not stop.is_set():
        for event in (Command("start", ""), Press("consent:yes"), Text("3401025203790001")):
            started = time.perf_counter()
            await handle_worker(repo, Inbound("tg", user, event), NOW)
            latencies.append(time.perf_counter() - started)
        await handle_worker(repo, Inbound("tg", user, Command("batal", "")), NOW)
        await handle_worker(repo, Inbound("tg", user, Press("cancel:yes")), NOW)


async def invited(repo: Any, worker: int, code: str, nik: str, latencies: list[float]) -> None:
    user = f"{200000 + worker}"
    for event in (
        Command("start", code),
        Press("undangan:yes"),
        Text(nik),
        Press("undangan_data:yes"),
        Press("inc:1400000"),
        Press("jht:no"),
        Press("sum:send"),
    ):
        started = time.perf_counter()
        await handle_worker(repo, Inbound("tg", user, event), NOW)
        latencies.append(time.perf_counter() - started)


async def run(args: argparse.Namespace, url: str) -> dict[str, Any]:
    repo, desk, sponsor = await setup(url)
    data, _ = roster_csv(args.rows)
    await desk.handle(OFFICER, "roster_impor", sponsor, NOW)
    await desk.handle_text(OFFICER, "PKS 12/2026", NOW)
    await desk.handle(OFFICER, "r_wa", "1", NOW)
    stop = asyncio.Event()
    latencies: list[float] = []
    talkers = [asyncio.create_task(chatter(repo, w, stop, latencies)) for w in range(args.workers)]
    rss_before = rss_mb()
    if args.tracemalloc:
        tracemalloc.start()
    started = time.perf_counter()
    replies = await desk.import_document(OFFICER, "roster.csv", data, "", NOW)
    import_s = time.perf_counter() - started
    traced_peak = tracemalloc.get_traced_memory()[1] / 1e6 if args.tracemalloc else None
    tracemalloc.stop()
    stop.set()
    await asyncio.gather(*talkers)
    async with repo.officer() as session:
        session.restrict(None)
        (summary,) = await session.rosters(1)
        imported = summary.total
    rows = await rows_of(repo, min(args.invited, imported))
    invited_latencies: list[float] = []
    with FakeWhatsApp(
        templates=notices_by_name(Settings(_env_file=None)),  # type: ignore[call-arg]
        messages_per_second=MESSAGES_PER_SECOND,
        pair_seconds=PAIR_SECONDS,
        messaging_limit=args.send,
    ) as fake:
        sending = asyncio.create_task(send_invitations(repo, desk, url, fake, args.send))
        await asyncio.gather(
            *(invited(repo, w, code, nik, invited_latencies) for w, (code, nik) in enumerate(rows))
        )
        sent, send_s = await sending
        refused = list(fake.refused)
    async with repo.officer() as session:
        session.restrict(None)
        (summary,) = await session.rosters(1)
    await repo.close()
    assert replies, "the import gave no answer"
    return {
        "database": url.split(":", 1)[0],
        "rows": args.rows,
        "imported": imported,
        "import_s": round(import_s, 2),
        "import_peak_mb": round(max(0.0, rss_mb() - rss_before), 1),
        "tracemalloc_peak_mb": None if traced_peak is None else round(traced_peak, 1),
        "reply_p95_s": p95(latencies),
        "replies_during_import": len(latencies),
        "invited_p95_s": p95(invited_latencies),
        "completed": summary.counts.get(RowState.COMPLETED, 0),
        "invited": sent,
        "http_429": sum(code in (130429, 131056) for code in refused),
        "pair_rate_errors": refused.count(131056),
        "send_s": round(send_s, 2),
        "refused": len(refused),
    }


MESSAGES_PER_SECOND = 80  # Meta's defaults (docs/whatsapp.md)
PAIR_SECONDS = 6.0
SEND_TIMEOUT = 3600.0


async def send_invitations(
    repo: Any, desk: OfficerDesk, url: str, fake: FakeWhatsApp, limit: int
) -> tuple[int, float]:
    """/roster_undang confirmed through the officer desk with a messaging limit of ``limit`` a
    day (its invitations queued a chunk at a time), then the outbox delivered through the
    WhatsApp channel until the day's ``limit`` went out: (taken by the fake, wall seconds)."""
    settings = settings_for(url, fake).model_copy(
        update={
            "whatsapp_messaging_limit": limit,
            "whatsapp_messages_per_second": MESSAGES_PER_SECOND,
            "whatsapp_pair_seconds": PAIR_SECONDS,
        }
    )
    began = time.perf_counter()

    def clock() -> datetime:
        return NOW + timedelta(seconds=time.perf_counter() - began)

    channel = WhatsAppChannel(build_core(settings, repo, clock))
    async with repo.officer() as session:
        session.restrict(None)
        (summary,) = await session.rosters(1)
    desk.messaging_limit = limit
    queued = await desk.handle(OFFICER, "roster_undang", f"{summary.id} ya", clock())
    assert queued and "masuk antrean" in str(queued[-1]), queued
    started = time.perf_counter()
    sent = 0
    try:
        while sent < limit and time.perf_counter() - started < SEND_TIMEOUT:
            delivered = await deliver_due(repo, channel.deliver, clock(), channels=("wa",))
            sent += delivered
            if not delivered:
                await asyncio.sleep(0.05)
    finally:
        await channel.stop()
    taken = sum(
        1
        for user in list(fake._sent)
        for message in fake.sent(user)
        if message.get("type") == "template"
    )
    return taken, time.perf_counter() - started


async def rows_of(repo: Any, count: int) -> list[tuple[str, str]]:
    """(code, NIK) of the first ``count`` rows of the roster (a benchmark may read them)."""
    async with repo.officer() as session:
        session.restrict(None)
        found = await session.tx.all(
            "SELECT code, nik FROM roster_rows ORDER BY line LIMIT ?", count
        )
    return [(r["code"], r["nik"]) for r in found]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--workers", type=int, default=50)
    parser.add_argument("--invited", type=int, default=300)
    parser.add_argument("--send", type=int, default=10_000)
    parser.add_argument("--database", default="sqlite")
    parser.add_argument(
        "--tracemalloc",
        action="store_true",
        help="also trace Python's allocations during the import (slows it and the workers)",
    )
    args = parser.parse_args()
    if args.quick:
        args.rows, args.workers, args.invited, args.send = 5_000, 20, 50, 500
    with tempfile.TemporaryDirectory() as folder:
        result = asyncio.run(measure(args, Path(folder)))
    print(json.dumps(result))


async def measure(args: argparse.Namespace, folder: Path) -> dict[str, Any]:
    """One run on a fresh database of the chosen backend (a PostgreSQL schema is dropped)."""
    target = Target(args.database, folder)
    try:
        return await run(args, await target.fresh("roster"))
    finally:
        await target.close()


if __name__ == "__main__":
    main()
