"""Officer look-ups on a big database: ``--rows`` synthetic submissions, then repository calls.

The rows go straight into the real schema (created by the repository's migrations) with
executemany in big transactions (SQLite) or COPY (PostgreSQL); the bot's flow is far too slow a
way to make a million. Then a fresh repository (as after a restart) times whole officer units of
work: the transaction, the query and the Submission objects it returns.
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from functools import cache
from math import gcd
from typing import Any

from databases import Target, bulk_insert, execute, rows, size_bytes, table_columns
from measure import median

from bot.contribution import monthly_contribution
from bot.domain import Flag
from bot.fields import OCCUPATIONS
from bot.flow.questions.work import INCOME_CHOICES
from bot.regions import all_regions, branch_for, load_branches
from storage import open_repository
from storage.backends import AnyRepository

WIB = timezone(timedelta(hours=7))
CHUNK = 20_000  # rows per executemany
TRANSACTION = 100_000  # rows per transaction
RUNS = 7
TARGET_MS = 50.0
STATUSES = ("diajukan",) * 80 + ("disetujui",) * 12 + ("ditolak",) * 5 + ("perlu_perbaikan",) * 3
FIRST_NAMES = (
    "Sri Budi Siti Agus Dewi Joko Wahyu Endang Slamet Rina Bambang Yuni Eko Ratna".split()
)
LAST_NAMES = "Wahyuni Santoso Rahayu Susanto Lestari Prasetyo Hidayat Wibowo Kurniawan".split()
INCOMES = (*INCOME_CHOICES, 800_000, 1_750_000, 2_500_000)
BORN_FROM, BORN_DAYS = date(1960, 1, 1), 16_800  # to 2005
SUBMITTED_OVER = timedelta(days=730)


@dataclass(frozen=True)
class Timings:
    """Median milliseconds of each officer unit of work."""

    reference_ms: float  # OfficerSession.get
    nik_ms: float  # OfficerSession.search("nik", ...)
    queue_ms: float  # OfficerSession.queue(10, 0), every branch
    count_pending_ms: float  # OfficerSession.count_pending, which /antrean shows above the page
    branch_queue_ms: float | None  # queue(10, 0) for the busiest branch's officer


@dataclass(frozen=True)
class Lookups:
    """The database filled, its size, and the officer look-ups on it."""

    rows: int
    fill_s: float
    bytes_per_submission: float
    timings: Timings


class NikSpace:
    """Index → unique valid NIK: a bijection (i·A mod M) onto region × district × date × serial."""

    def __init__(self, regencies: list[str]) -> None:
        self.regencies = regencies
        self.size = len(regencies) * 20 * BORN_DAYS * 2 * 9999
        self.step = 1_000_003  # a prime; the bijection needs gcd(step, size) == 1
        while gcd(self.step, self.size) != 1:
            self.step += 2

    def nik(self, index: int) -> tuple[str, date, str]:
        """The NIK, birth date and sex of row ``index``."""
        code = index * self.step % self.size
        code, serial = divmod(code, 9999)
        code, female = divmod(code, 2)
        code, days = divmod(code, BORN_DAYS)
        regency, district = divmod(code, 20)
        born = BORN_FROM + timedelta(days=days)
        day = born.day + 40 * female
        nik = (
            f"{self.regencies[regency]}{district + 1:02d}{day:02d}{born.month:02d}"
            f"{born.year % 100:02d}{serial + 1:04d}"
        )
        return nik, born, "P" if female else "L"


@cache
def self_paid(income: int, jht: bool) -> int:
    return monthly_contribution(income, jht, datetime.now(UTC).date()).self_paid


@dataclass(frozen=True)
class Person:
    """Who a row is and where it goes: NIK (with its birth date and sex), home region, branch."""

    nik: str
    born: date
    sex: str  # "L" or "P", as the NIK says
    home: str  # kabupaten/kota code, "34.01"
    branch: str


class RowMaker:
    """Valid-looking submissions, oldest first, with per-year reference numbers.

    ``submitted``, ``person``, ``full_name``, ``phone`` and ``status`` are the places a subclass changes to make
    another population (benchmarks/officer.py: branches of uneven size, realistic names)."""

    def __init__(self, rows: int, seed: int = 7, span: timedelta = SUBMITTED_OVER) -> None:
        self.rows = rows
        self.seed = seed
        self.rng = random.Random(seed)
        regions = all_regions()
        self.homes = [r.code for r in regions]
        self.niks = NikSpace([r.regency_code for r in regions])
        self.branches = load_branches()
        self.span = span
        self.now = datetime.now(UTC)
        self.start = self.now - span
        self.sequence: dict[int, int] = {}

    def reset(self) -> None:
        """Start again from row 0 with the same seed (fill probes one row for its columns)."""
        self.rng = random.Random(self.seed)
        self.sequence.clear()

    def reference(self, submitted: datetime) -> str:
        year = submitted.astimezone(WIB).year
        self.sequence[year] = self.sequence.get(year, 0) + 1
        return f"BPU-{year}-{self.sequence[year]:06d}"

    def person(self, index: int) -> Person:
        """Row ``index``'s NIK; home mostly the NIK's regency; branch from branches.csv."""
        nik, born, sex = self.niks.nik(index)
        rng = self.rng
        home = nik[:2] + "." + nik[2:4] if rng.random() < 0.8 else rng.choice(self.homes)
        return Person(nik, born, sex, home, branch_for(home, self.branches, "Kantor Pusat"))

    def submitted(self, index: int) -> datetime:
        """Evenly spread over the span, oldest first."""
        return self.start + self.span * (index + self.rng.random()) / self.rows

    def full_name(self, index: int, person: Person) -> str:
        return f"{self.rng.choice(FIRST_NAMES)} {self.rng.choice(LAST_NAMES)}"

    def phone(self, index: int) -> str:
        return f"+628{self.rng.randint(11, 99)}{self.rng.randint(1_000_000, 99_999_999)}"

    def status(self, index: int, person: Person) -> str:
        return self.rng.choice(STATUSES)

    def row(self, index: int) -> dict[str, Any]:
        """Row ``index``: every column the bot writes, with plausible values."""
        rng = self.rng
        submitted = self.submitted(index)
        person = self.person(index)
        nik, born, sex, home = person.nik, person.born, person.sex, person.home
        name = self.full_name(index, person)
        phone = self.phone(index)
        income, jht = rng.choice(INCOMES), rng.random() < 0.3
        occupation = rng.choice(list(OCCUPATIONS))
        answers = {
            "nik": nik,
            "nik_birth_date": born.isoformat(),
            "nik_sex": sex,
            "birth_date": born.isoformat(),
            "sex": sex,
            "name": name,
            "birth_place": "Kulon Progo",
            "phone": phone,
            "home_code": home,
            "address": f"Dusun Krebet RT {rng.randint(1, 12):02d} RW {rng.randint(1, 9):02d}, Sendangsari",
            "occupation": occupation,
            "income": income,
            "jht": jht,
        }
        status = self.status(index, person)
        decided = status != "diajukan"
        at = submitted.isoformat()
        return {
            "reference": self.reference(submitted),
            "channel": "tg",
            "user_id": str(10_000_000 + index),
            "nik": nik,
            "name": name,
            "name_search": name.casefold(),
            "birth_date": born.isoformat(),
            "sex": sex,
            "phone": phone,
            "home_code": home,
            "occupation": occupation,
            "income": income,
            "jht": int(jht),
            "monthly_self_paid": self_paid(income, jht),
            "answers": json.dumps(answers, ensure_ascii=False),
            "flags": json.dumps(
                [] if home.replace(".", "") == nik[:4] else [str(Flag.HOME_DIFFERS_FROM_NIK)]
            ),
            "event_code": "ev_KP2026" if rng.random() < 0.1 else None,
            "consent_at": (submitted - timedelta(minutes=6)).isoformat(),
            "consent_version": "1",
            "status": status,
            "note": "Foto KTP tidak jelas" if status in ("ditolak", "perlu_perbaikan") else None,
            "fix_fields": '["name"]' if status == "perlu_perbaikan" else "[]",
            "kpj": f"{rng.randint(10**10, 10**11 - 1)}" if status == "disetujui" else None,
            "decided_by": "tg:9001" if decided else None,
            "decided_at": min(submitted + timedelta(days=2), self.now).isoformat()
            if decided
            else None,
            "submitted_at": at,
            "updated_at": at,
            "branch": person.branch,
        }

    def chunks(self, columns: list[str]) -> Iterator[list[tuple[Any, ...]]]:
        """Rows as tuples in ``columns`` order, CHUNK at a time."""
        for first in range(0, self.rows, CHUNK):
            yield [
                tuple(row[c] for c in columns)
                for row in map(self.row, range(first, min(first + CHUNK, self.rows)))
            ]


async def insertable_columns(url: str, offered: set[str]) -> list[str]:
    """The columns to fill: those offered that exist; fail on a required one we cannot fill."""
    table = await table_columns(url, "submissions")
    missing = [name for name, required in table if required and name not in offered]
    if missing:
        raise RuntimeError(
            f"submissions has required columns the benchmark does not fill: {missing}"
        )
    return [name for name, _ in table if name in offered]


async def fill(url: str, maker: RowMaker) -> None:
    """Insert every row, TRANSACTION rows per transaction, and move the reference counters on."""
    columns = await insertable_columns(url, set(maker.row(0)))
    maker.reset()
    await bulk_insert(url, "submissions", columns, maker.chunks(columns), TRANSACTION)
    await execute(
        url,
        "INSERT INTO sequences (name, value) VALUES (?, ?)"
        " ON CONFLICT (name) DO UPDATE SET value = excluded.value",
        [(f"ref-{year}", value) for year, value in maker.sequence.items()],
    )


async def officer_ms(
    repo: AnyRepository, call: Callable[[Any], Awaitable[Any]], scope: tuple[str, ...] | None
) -> float:
    """One officer unit of work (its transaction around ``call``), in milliseconds."""
    start = time.perf_counter()
    async with repo.officer() as session:
        if hasattr(session, "restrict"):  # branch scoping, where the repository has it
            session.restrict(scope)
        await call(session)
    return (time.perf_counter() - start) * 1000


async def expect(found: Awaitable[Any], what: str) -> None:
    """Await a look-up and insist it found something: timing a miss would flatter the index."""
    if not await found:
        raise AssertionError(f"look-up found nothing: {what}")


async def first_column(url: str, sql: str, *args: Any) -> list[Any]:
    return [row[0] for row in await rows(url, sql, *args)]


async def median_ms(
    repo: AnyRepository,
    calls: list[Callable[[Any], Awaitable[Any]]],
    scope: tuple[str, ...] | None,
) -> float:
    """The median of one officer unit of work per call."""
    return median([await officer_ms(repo, call, scope) for call in calls])


async def busiest_branch(url: str) -> str | None:
    """The branch with the most pending submissions, where submissions have branches."""
    if "branch" not in {name for name, _ in await table_columns(url, "submissions")}:
        return None
    found = await first_column(
        url,
        "SELECT branch FROM submissions WHERE status = 'diajukan'"
        " GROUP BY branch ORDER BY count(*) DESC LIMIT 1",
    )
    return found[0] if found else None


async def time_lookups(repo: AnyRepository, url: str, maker: RowMaker) -> Timings:
    """Median of RUNS of each look-up, on different random rows each time."""
    niks = [maker.niks.nik(maker.rng.randrange(maker.rows))[0] for _ in range(RUNS)]
    marks = ", ".join("?" * len(niks))
    references = await first_column(
        url, f"SELECT reference FROM submissions WHERE nik IN ({marks})", *niks
    )
    by_reference = [lambda s, r=r: expect(s.get(r), r) for r in references]
    by_nik = [lambda s, n=n: expect(s.search("nik", n, 20), n) for n in niks]
    first_page = [lambda s: expect(s.queue(10, 0), "queue")] * RUNS
    counting = [lambda s: expect(s.count_pending(), "count_pending")] * RUNS
    branch = await busiest_branch(url)
    return Timings(
        reference_ms=await median_ms(repo, by_reference, None),
        nik_ms=await median_ms(repo, by_nik, None),
        queue_ms=await median_ms(repo, first_page, None),
        count_pending_ms=await median_ms(repo, counting, None),
        branch_queue_ms=await median_ms(repo, first_page, (branch,)) if branch else None,
    )


async def seed(url: str, maker: RowMaker) -> tuple[float, int]:
    """Fill a fresh database with ``maker``'s rows; returns (seconds, bytes on disk)."""
    repo = await open_repository(url)  # creates the schema
    await repo.close()
    start = time.perf_counter()
    await fill(url, maker)
    return time.perf_counter() - start, await size_bytes(url)


async def run_rows(target: Target, rows_: int) -> Lookups:
    """Fill a fresh database with ``rows_`` submissions and time the officer look-ups."""
    url = await target.fresh("big")
    maker = RowMaker(rows_)
    fill_s, size = await seed(url, maker)
    repo = await open_repository(url)  # fresh, as after a restart
    try:
        timings = await time_lookups(repo, url, maker)
    finally:
        await repo.close()
    return Lookups(rows_, fill_s, size / max(rows_, 1), timings)
