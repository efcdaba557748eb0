"""Officer commands on a big, realistic database: the queue, /cari and the counts, per scope.

    python benchmarks/officer.py [--quick] [--rows N] [--database sqlite | postgresql://...]

Seeds N synthetic submissions (default 100,000) straight into the real schema (rows.py's fill),
spread over the branches of bot/data/branches.csv with uneven sizes plus DEFAULT_BRANCH, over eight
months, mostly still ``diajukan`` (older ones more often decided), with Indonesian names drawn
from weighted pools (a common name such as "wahyu" matches a few hundred rows, a rare one a few),
operator-shaped phone numbers and unique valid NIKs (mostly of the home regency).

``--database`` picks the backend (rows.py's seeding: executemany into a SQLite file, or COPY
into a fresh schema of the PostgreSQL database named, dropped afterwards; then VACUUM ANALYZE, as
autovacuum would have done on a database that grew to this size in service).

Then, on a freshly opened repository (as after a restart), it times whole
officer units of work, each ``async with repo.officer() as s: s.restrict(scope)`` plus the calls
of one command, for a branch's petugas (``restrict(("Yogyakarta",))``) and an admin
(``restrict(None)``):

- /antrean: ``queue(10, 0)`` and ``count_pending()`` (the header shows the count);
- /cari: ``search("nik", ...)``, ``search("name", "wahyu", 20)`` and a rare name,
  ``search("phone", "+62812...", 20)``;
- the counts per status: ``count_by_status()``.

Only the repository API is timed, so the numbers follow whatever storage does (indexes, counter
tables, round trips). One cold round first (reported, not counted), then the median of 5 rounds
(``--quick``) or 15, the commands interleaved so that a busy neighbour slows them alike. Every
answer is checked against what was seeded (a wrong count or a missing hit exits 1). Afterwards,
outside the timing, one more round runs with a trace on (sqlite3's trace callback, asyncpg's query
logger) to list each command's statements, and the plan of every SELECT is printed (``EXPLAIN
QUERY PLAN``; PostgreSQL: ``EXPLAIN`` with the same arguments). The target, 200 ms per command
(50 ms on PostgreSQL at 1,000,000 rows, issue #15), is reported (PASS/FAIL), not enforced.

Then the web desk's pages (docs/web-desk.md): the real starlette app in-process (httpx's ASGI
transport, no socket), signed in through a one-time link as a petugas of Yogyakarta and as an
admin, timing ``GET /antrean`` (the first page of 25 with its total) and ``GET
/pendaftaran/<reference>`` (a waiting card of the officer's scope: the card, its history, the
next reference; the view is audited, as every view is). Server time per request (the app's whole
work, HTML rendered), the median against a 100 ms target. The last line printed is one JSON
object.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import re
import secrets
import sqlite3
import sys
import tempfile
import time
from collections import Counter, defaultdict, deque
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import accumulate
from pathlib import Path
from typing import Any

import httpx
from databases import Target
from measure import median
from rows import NikSpace, Person, RowMaker, seed

from bot.domain import Officer, Role, Statistics, Status, Submission
from bot.flow.questions import REGISTRY
from bot.ports import OfficerSession
from bot.regions import all_regions, branch_for
from bot.settings import Settings
from bot.web_desk import LINK_VALID, secret_hash
from handlers.runtime import build_core
from handlers.web.app import WebDesk, web_app
from storage import open_repository
from storage.backends import AnyRepository
from storage.postgres.connection import numbered
from storage.sqlite import database_path

STARTED = time.perf_counter()
TARGET_MS = 200.0
WEB_TARGET_MS = 100.0
WEB_BASE = "http://127.0.0.1:8090"
WEB_USERS = {"petugas": "tg:9000001", "admin": "tg:9000002"}
ROWS = 100_000
RUNS_QUICK, RUNS_FULL = 5, 15
SPAN = timedelta(days=240)
BRANCH = "Yogyakarta"
COMMON_NAME = "wahyu"
RARE_NAME = "sastrowardoyo"
PHONE_PREFIX = "+62812"
SAMPLES = 64  # NIKs and phones kept per branch to search for
DEFAULT_BRANCH = Settings.model_fields["default_branch"].default

# Relative sizes of the branches (busy cities first); DEFAULT_BRANCH takes workers whose home is
# outside the mapped provinces. A branch of branches.csv missing here gets weight 1.
BRANCH_WEIGHTS = {
    "Semarang": 12,
    "Surakarta": 10,
    "Palembang": 9,
    "Yogyakarta": 9,
    "Pekalongan": 6,
    "Tegal": 6,
    "Purwokerto": 6,
    "Magelang": 5,
    "Kudus": 5,
    "Pati": 4,
    "Klaten": 4,
    "Cilacap": 3.5,
    "Kebumen": 3.5,
    "Baturaja": 2.5,
    "Lubuklinggau": 2.5,
    "Salatiga": 2,
    "Lahat": 2,
    "Prabumulih": 1.5,
    "Kayuagung": 1.5,
    "Muara Enim": 1.5,
    "Sekayu": 1,
    DEFAULT_BRANCH: 3,
}
# The rare name is given to the rows with these per-branch ordinals in these branches only.
RARE_BRANCHES = (BRANCH, "Pekalongan", "Palembang")
RARE_ORDINALS = frozenset({10, 2_500})

# Name parts with relative weights; a name has one to three distinct parts.
MALE_NAMES = """
Muhammad:50 Ahmad:30 Agus:30 Budi:25 Eko:25 Joko:15 Slamet:15 Bambang:12 Heru:12 Hendra:10
Rudi:10 Andi:12 Dedi:10 Yusuf:8 Rizky:12 Fajar:10 Arif:12 Aris:8 Bayu:10 Dimas:8 Teguh:8 Sugeng:8
Suparman:5 Sutrisno:6 Sugiyono:5 Supriyadi:6 Hartono:6 Imam:6 Iwan:6 Yanto:6 Rohmat:4 Irfan:5
Ilham:6 Firman:4 Gunawan:6 Hadi:8 Nugroho:8 Prasetyo:10 Santoso:12 Setiawan:10 Susanto:8
Kurniawan:10 Saputra:14 Pratama:10 Hidayat:10 Firmansyah:6 Ramadhan:8 Maulana:6 Syahputra:6
Dwi:10 Tri:8 Eka:5 Nur:6 Adi:10 Aditya:6 Rahmat:6 Hermanto:4 Sumarno:4 Wibowo:8 Purnomo:5
Suryadi:4 Mulyadi:4 Darmawan:3 Hasan:4 Rizal:5 Taufik:4 Zainal:2 Anwar:4 Syaiful:3 Fauzi:4
Lukman:3 Sholeh:3 Yogi:3 Wahyu:0.7 Wahyudi:0.4
"""
FEMALE_NAMES = """
Siti:45 Sri:40 Nur:25 Dewi:25 Rina:10 Yuni:10 Endang:12 Ratna:8 Lestari:14 Rahayu:12 Puspita:5
Ayu:12 Putri:14 Indah:10 Fitri:12 Ani:8 Tuti:6 Sumarni:6 Suryani:6 Sulastri:5 Wulandari:10
Handayani:8 Kartika:6 Anisa:10 Nurul:12 Rahmawati:10 Susilowati:5 Purwanti:6 Yulianti:8
Novitasari:6 Maya:6 Dian:8 Lina:6 Mega:5 Eka:8 Dwi:14 Tri:10 Astuti:8 Kurniasih:5 Setyowati:5
Mulyani:6 Hartati:5 Sartini:4 Suparmi:4 Rohmah:4 Khasanah:4 Fatimah:6 Aisyah:6 Nabila:4
Salsabila:4 Amelia:4 Safitri:6 Permata:3 Utami:6 Pertiwi:5 Anggraini:6 Oktaviani:5 Wati:6
Wahyuni:0.7 Wahyuningsih:0.4
"""
# Operators' mobile prefixes, roughly by market share (Telkomsel, Indosat, XL, Tri, Smartfren).
PHONE_PREFIXES = """
+62812:15 +62813:10 +62821:8 +62822:8 +62823:4 +62852:6 +62853:5 +62851:2 +62814:1 +62815:2
+62816:2 +62855:2 +62856:6 +62857:7 +62858:3 +62817:4 +62818:3 +62819:3 +62859:2 +62877:3
+62878:4 +62895:3 +62896:4 +62897:3 +62898:3 +62899:2 +62881:1 +62882:1 +62888:1
"""


class Pool:
    """Weighted choice among words written ``word:weight``."""

    def __init__(self, spec: str) -> None:
        pairs = [item.rsplit(":", 1) for item in spec.split()]
        self.words = [word for word, _ in pairs]
        self.cumulative = list(accumulate(float(weight) for _, weight in pairs))

    def draw(self, rng: random.Random) -> str:
        return rng.choices(self.words, cum_weights=self.cumulative)[0]


class OfficerRows(RowMaker):
    """RowMaker with realistic branches, names, phones and statuses, tallying what it made."""

    def __init__(self, rows: int, seed: int = 11) -> None:
        super().__init__(rows, seed, SPAN)
        regions = all_regions()
        self.regencies = [r.regency_code for r in regions]
        self.regions_of: dict[str, list[str]] = defaultdict(list)
        for region in regions:
            self.regions_of[branch_for(region.code, self.branches, DEFAULT_BRANCH)].append(
                region.code
            )
        weights = {b: BRANCH_WEIGHTS.get(b, 1.0) for b in sorted(self.regions_of)}
        missing = {BRANCH, *RARE_BRANCHES} - set(weights)
        if missing:
            raise RuntimeError(f"branches.csv has no region for {sorted(missing)}")
        self.branch_names = list(weights)
        self.branch_cumulative = list(accumulate(weights.values()))
        self.male, self.female = Pool(MALE_NAMES), Pool(FEMALE_NAMES)
        self.prefixes = Pool(PHONE_PREFIXES)
        self.spaces: dict[str, NikSpace] = {}
        self.reset()

    def reset(self) -> None:
        super().reset()
        self.pick = random.Random(self.seed + 1)  # for the samples: leaves the rows alone
        self.serial: Counter[str] = Counter()  # NIKs issued per regency
        self.ordinal: Counter[str] = Counter()  # rows per branch
        self.statuses: Counter[tuple[str, str]] = Counter()  # (branch, status)
        self.name_hits: Counter[tuple[str, str]] = Counter()  # (branch, query)
        self.seen: Counter[tuple[str | None, str]] = Counter()
        self.samples: dict[tuple[str | None, str], list[str]] = defaultdict(list)
        self.recent_phones: deque[str] = deque(maxlen=1000)

    def submitted(self, index: int) -> datetime:
        """Registrations grow as word spreads: the rate rises linearly over the span."""
        return self.start + self.span * ((index + self.rng.random()) / self.rows) ** 0.5

    def person(self, index: int) -> Person:
        """A branch by weight, a home region it serves, a NIK mostly from that regency."""
        rng = self.rng
        branch = rng.choices(self.branch_names, cum_weights=self.branch_cumulative)[0]
        home = rng.choice(self.regions_of[branch])
        regency = home.replace(".", "") if rng.random() < 0.85 else rng.choice(self.regencies)
        space = self.spaces.get(regency) or self.spaces.setdefault(regency, NikSpace([regency]))
        nik, born, sex = space.nik(self.serial[regency])
        self.serial[regency] += 1
        self.ordinal[branch] += 1
        return Person(nik, born, sex, home, branch)

    def full_name(self, index: int, person: Person) -> str:
        rng = self.rng
        pool = self.female if person.sex == "P" else self.male
        if person.branch in RARE_BRANCHES and self.ordinal[person.branch] in RARE_ORDINALS:
            return f"{pool.draw(rng)} {RARE_NAME.title()}"
        wanted = 1 if (r := rng.random()) < 0.2 else 2 if r < 0.8 else 3
        parts: list[str] = []
        while len(parts) < wanted:
            part = pool.draw(rng)
            if part not in parts:
                parts.append(part)
        return " ".join(parts)

    def phone(self, index: int) -> str:
        """Mostly the worker's own number; 2 % share one with a relative who registered lately."""
        rng = self.rng
        if self.recent_phones and rng.random() < 0.02:
            return rng.choice(self.recent_phones)
        digits = (
            rng.randint(10**6, 10**7 - 1) if rng.random() < 0.3 else rng.randint(10**7, 10**8 - 1)
        )
        return f"{self.prefixes.draw(rng)}{digits}"

    def status(self, index: int, person: Person) -> str:
        """Mostly still waiting; the older a submission, the likelier it has been decided."""
        rng = self.rng
        age = 1 - index / self.rows
        if rng.random() < 0.97 - 0.45 * age:
            return str(Status.SUBMITTED)
        r = rng.random()
        return str(
            Status.APPROVED if r < 0.7 else Status.REJECTED if r < 0.88 else Status.NEEDS_FIX
        )

    def row(self, index: int) -> dict[str, Any]:
        row = super().row(index)
        branch = row["branch"]
        self.statuses[branch, row["status"]] += 1
        for query in (COMMON_NAME, RARE_NAME):
            if query in row["name_search"]:
                self.name_hits[branch, query] += 1
        self.recent_phones.append(row["phone"])
        for scope in (branch, None):
            self.keep((scope, "nik"), row["nik"])
            if row["phone"].startswith(PHONE_PREFIX):
                self.keep((scope, "phone"), row["phone"])
        return row

    def keep(self, key: tuple[str | None, str], value: str) -> None:
        """Reservoir sampling: SAMPLES values drawn evenly from every row seen."""
        self.seen[key] += 1
        bucket = self.samples[key]
        if len(bucket) < SAMPLES:
            bucket.append(value)
        elif (slot := self.pick.randrange(self.seen[key])) < SAMPLES:
            bucket[slot] = value


# --- what is timed ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    key: str  # petugas | admin
    label: str
    branches: tuple[str, ...] | None

    def holds(self, branch: str) -> bool:
        return self.branches is None or branch in self.branches


@dataclass(frozen=True)
class Expected:
    """What the seeding made, per scope: the answers the repository must give."""

    counts: dict[str, int]
    name_hits: dict[str, int]

    @classmethod
    def of(cls, rows: OfficerRows, scope: Scope) -> Expected:
        counts: Counter[str] = Counter()
        for (branch, status), n in rows.statuses.items():
            if scope.holds(branch):
                counts[status] += n
        hits: Counter[str] = Counter()
        for (branch, query), n in rows.name_hits.items():
            if scope.holds(branch):
                hits[query] += n
        return cls(dict(counts), {q: hits[q] for q in (COMMON_NAME, RARE_NAME)})


Call = Callable[[OfficerSession, str], Awaitable[Any]]
Check = Callable[[Any, str, Scope, Expected], str | None]


@dataclass(frozen=True)
class Measure:
    key: str  # detail key, e.g. search_name_rare
    group: str  # headline key it counts toward, e.g. search_name
    label: str
    call: Call
    check: Check
    args: Callable[[OfficerRows, Scope], list[str]]


async def antrean(session: OfficerSession, _: str) -> tuple[list[Submission], int]:
    return await session.queue(10, 0), await session.count_pending()


def search(kind: str) -> Call:
    async def call(session: OfficerSession, value: str) -> list[Submission]:
        return await session.search(kind, value, 20)

    return call


async def counts(session: OfficerSession, _: str) -> dict[Status, int]:
    return await session.count_by_status()


async def statistik(session: OfficerSession, _: str) -> Statistics:
    return await session.statistics(None, IN_PROGRESS_STEPS)


def check_statistik(found: Any, _: str, scope: Scope, expected: Expected) -> str | None:
    got = {str(status): n for status, n in found.by_status.items() if n}
    if got != expected.counts:
        return f"statistik counts {got}, seeded {expected.counts}"
    return None


def outside(found: Sequence[Submission], scope: Scope) -> str | None:
    stray = sorted({s.branch for s in found if not scope.holds(s.branch)})
    return f"rows of other branches {stray}" if stray else None


def check_queue(found: Any, _: str, scope: Scope, expected: Expected) -> str | None:
    page, pending = found
    want = expected.counts.get(str(Status.SUBMITTED), 0)
    if pending != want:
        return f"count_pending {pending}, seeded {want}"
    if len(page) != min(10, want):
        return f"{len(page)} rows on the first page"
    if any(s.status != Status.SUBMITTED for s in page):
        return "a row on the queue is not diajukan"
    if [s.submitted_at for s in page] != sorted(s.submitted_at for s in page):
        return "the page is not oldest first"
    return outside(page, scope)


def check_equal(field_name: str) -> Check:
    def check(found: Any, value: str, scope: Scope, expected: Expected) -> str | None:
        if not found:
            return f"no row with {field_name} {value}"
        if any(getattr(s, field_name) != value for s in found):
            return f"a row without {field_name} {value}"
        return outside(found, scope)

    return check


def check_name(found: Any, value: str, scope: Scope, expected: Expected) -> str | None:
    want = min(20, expected.name_hits[value])
    if len(found) != want:
        return f"{len(found)} rows for {value!r}, seeded {expected.name_hits[value]} (limit 20)"
    if any(value not in s.name.casefold() for s in found):
        return f"a row whose name lacks {value!r}"
    return outside(found, scope)


def check_counts(found: Any, _: str, scope: Scope, expected: Expected) -> str | None:
    got = {str(status): n for status, n in found.items() if n}
    return None if got == expected.counts else f"counts {got}, seeded {expected.counts}"


def samples(kind: str) -> Callable[[OfficerRows, Scope], list[str]]:
    def pick(rows: OfficerRows, scope: Scope) -> list[str]:
        key = (scope.branches[0] if scope.branches else None, kind)
        found = rows.samples.get(key)
        if not found:
            raise RuntimeError(f"no {kind} seeded for {scope.label}: more --rows?")
        return found

    return pick


def constant(value: str) -> Callable[[OfficerRows, Scope], list[str]]:
    return lambda rows, scope: [value]


IN_PROGRESS_STEPS = REGISTRY.in_progress
MEASURES = (
    Measure(
        "queue",
        "queue",
        "/antrean: queue(10, 0) + count_pending()",
        antrean,
        check_queue,
        constant(""),
    ),
    Measure(
        "search_nik",
        "search_nik",
        "/cari NIK: search('nik', ...)",
        search("nik"),
        check_equal("nik"),
        samples("nik"),
    ),
    Measure(
        "search_name_common",
        "search_name",
        f"/cari name: search('name', '{COMMON_NAME}', 20)",
        search("name"),
        check_name,
        constant(COMMON_NAME),
    ),
    Measure(
        "search_name_rare",
        "search_name",
        f"/cari name: search('name', '{RARE_NAME}', 20)",
        search("name"),
        check_name,
        constant(RARE_NAME),
    ),
    Measure(
        "search_phone",
        "search_phone",
        f"/cari phone: search('phone', '{PHONE_PREFIX}...', 20)",
        search("phone"),
        check_equal("phone"),
        samples("phone"),
    ),
    Measure(
        "counts",
        "counts",
        "counts per status: count_by_status()",
        counts,
        check_counts,
        constant(""),
    ),
    Measure(
        "statistik",
        "statistik",
        "/statistik: funnel, drafts, breakdowns (text part)",
        statistik,
        check_statistik,
        constant(""),
    ),
)
GROUPS = ("queue", "search_nik", "search_name", "search_phone", "counts", "statistik")
SCOPES = (
    Scope("petugas", f"petugas {BRANCH}", (BRANCH,)),
    Scope("admin", "admin (every branch)", None),
)


@dataclass
class Series:
    """One measure in one scope: its cold run, its timed runs, what went wrong."""

    cold_ms: float = 0.0
    runs_ms: list[float] = field(default_factory=list)
    statements: list[str] = field(default_factory=list)
    wrong: str | None = None

    @property
    def median_ms(self) -> float:
        return median(self.runs_ms)


async def unit(
    repo: AnyRepository, scope: Scope, measure: Measure, value: str
) -> tuple[float, Any]:
    """One officer command: its transaction, restrict, its calls; wall milliseconds and answer."""
    start = time.perf_counter()
    async with repo.officer() as session:
        session.restrict(scope.branches)
        found = await measure.call(session, value)
    return (time.perf_counter() - start) * 1000, found


async def time_all(
    repo: AnyRepository, rows: OfficerRows, runs: int
) -> dict[tuple[str, str], Series]:
    """A cold round, then ``runs`` rounds; each round every measure in every scope once."""
    series = {(s.key, m.key): Series() for s in SCOPES for m in MEASURES}
    expected = {s.key: Expected.of(rows, s) for s in SCOPES}
    arguments = {(s.key, m.key): m.args(rows, s) for s in SCOPES for m in MEASURES}
    for number in range(runs + 1):
        for scope in SCOPES:
            for measure in MEASURES:
                found = series[scope.key, measure.key]
                values = arguments[scope.key, measure.key]
                value = values[number % len(values)]
                ms, answer = await unit(repo, scope, measure, value)
                if number == 0:
                    found.cold_ms = ms
                else:
                    found.runs_ms.append(ms)
                wrong = measure.check(answer, value, scope, expected[scope.key])
                if wrong and not found.wrong:
                    found.wrong = wrong
    return series


async def trace_all(
    repo: AnyRepository, rows: OfficerRows, series: dict[tuple[str, str], Series]
) -> None:
    """One untimed round with a trace on: the statements each command runs (with arguments)."""
    async with traced(repo) as seen:
        for scope in SCOPES:
            for measure in MEASURES:
                seen.clear()
                await unit(repo, scope, measure, measure.args(rows, scope)[0])
                series[scope.key, measure.key].statements = list(seen)


@asynccontextmanager
async def traced(repo: AnyRepository) -> AsyncIterator[list[Statement]]:
    """The statements ``repo`` runs meanwhile: sqlite3's trace callback, or asyncpg's query
    logger on a pool of one connection (see main)."""
    seen: list[Statement] = []
    sqlite_db = getattr(repo, "db", None)
    if sqlite_db is not None:
        await sqlite_db.set_trace_callback(lambda sql: seen.append((sql, ())))
    else:
        async with repo.pool.acquire() as conn:  # type: ignore[union-attr]
            conn.add_query_logger(lambda logged: seen.append((logged.query, logged.args)))
    try:
        yield seen
    finally:
        if sqlite_db is not None:
            await sqlite_db.set_trace_callback(None)


Statement = tuple[str, tuple[Any, ...]]


# --- the web desk's pages ---------------------------------------------------------------------


WEB_PAGES = (
    ("queue_page", "GET /antrean (25 rows + total)"),
    ("card_page", "GET /pendaftaran/<ref>"),
)


async def web_clients(
    repo: AnyRepository, url: str
) -> tuple[dict[str, httpx.AsyncClient], dict[str, list[str]]]:
    """The web desk's app over ``repo``; a client signed in per scope (by a one-time link, as
    /masuk makes one) and the waiting references of that scope whose cards are opened."""
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=url,
        telegram_bot_token="123456:BENCH",  # type: ignore[arg-type]
        web_desk_enabled=True,
        web_desk_public_url=WEB_BASE,
        web_desk_secure_cookie=False,
        web_desk_sign_ins_per_minute=100,
    )
    clock = lambda: datetime.now(UTC)  # noqa: E731
    core = build_core(settings, repo, clock)
    app = web_app(WebDesk(repo, core.desk, settings, clock))
    clients: dict[str, httpx.AsyncClient] = {}
    references: dict[str, list[str]] = {}
    now = clock()
    for scope in SCOPES:
        user = WEB_USERS[scope.key]
        role = Role.ADMIN if scope.branches is None else Role.PETUGAS
        secret = secrets.token_urlsafe(32)
        async with repo.officer() as session:
            session.restrict(None)
            await session.save_officer(Officer(user, role, scope.branches or ()), user, now)
            await session.create_login_token(
                secret_hash(secret), user, "id", now, now + LINK_VALID
            )
            session.restrict(scope.branches)
            references[scope.key] = [s.reference or "" for s in await session.queue(SAMPLES, 0)]
        client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=WEB_BASE)
        signed = await client.post("/masuk", data={"secret": secret})
        if signed.status_code != 303:
            raise RuntimeError(f"sign-in as {scope.key}: {signed.status_code}")
        clients[scope.key] = client
    return clients, references


async def web_request(client: httpx.AsyncClient, path: str) -> tuple[float, httpx.Response]:
    start = time.perf_counter()
    response = await client.get(path)
    return (time.perf_counter() - start) * 1000, response


def check_page(key: str, response: httpx.Response, reference: str, scope: Scope) -> str | None:
    if response.status_code != 200:
        return f"HTTP {response.status_code}"
    if key == "card_page" and reference not in response.text:
        return f"the card of {reference} does not name it"
    if key == "queue_page" and response.text.count("/pendaftaran/") < 10:
        return "fewer than 10 rows on the queue page"
    return None


async def time_web(repo: AnyRepository, url: str, runs: int) -> dict[tuple[str, str], Series]:
    """A cold round, then ``runs`` rounds of each page in each scope, interleaved."""
    series = {(s.key, key): Series() for s in SCOPES for key, _ in WEB_PAGES}
    clients, references = await web_clients(repo, url)
    try:
        for number in range(runs + 1):
            for scope in SCOPES:
                refs = references[scope.key]
                reference = refs[number % len(refs)]
                for key, _ in WEB_PAGES:
                    path = "/antrean" if key == "queue_page" else f"/pendaftaran/{reference}"
                    ms, response = await web_request(clients[scope.key], path)
                    found = series[scope.key, key]
                    if number == 0:
                        found.cold_ms = ms
                    else:
                        found.runs_ms.append(ms)
                    wrong = check_page(key, response, reference, scope)
                    if wrong and not found.wrong:
                        found.wrong = wrong
    finally:
        for client in clients.values():
            await client.aclose()
    return series


async def trace_web(repo: AnyRepository, url: str, series: dict[tuple[str, str], Series]) -> None:
    """One untimed request per page and scope with a trace on: its statements."""
    clients, references = await web_clients(repo, url)
    try:
        async with traced(repo) as seen:
            for scope in SCOPES:
                for key, _ in WEB_PAGES:
                    ref = references[scope.key][-1]
                    path = "/antrean" if key == "queue_page" else f"/pendaftaran/{ref}"
                    seen.clear()
                    await clients[scope.key].get(path)
                    series[scope.key, key].statements = list(seen)
    finally:
        for client in clients.values():
            await client.aclose()


def print_web(series: dict[tuple[str, str], Series], runs: int) -> None:
    print(
        f"\nweb desk pages, server time (the starlette app in-process, HTML rendered): median of"
        f" {runs} rounds after one cold round; target < {WEB_TARGET_MS:g} ms\n"
    )
    for key, label in WEB_PAGES:
        for scope in SCOPES:
            s = series[scope.key, key]
            ok = (
                f"WRONG: {s.wrong}"
                if s.wrong
                else ("PASS" if s.median_ms < WEB_TARGET_MS else "FAIL")
            )
            print(
                f"  {label:58} {scope.label:22} {s.median_ms:6.2f} ms {s.cold_ms:6.2f} ms"
                f" {max(s.runs_ms):6.2f} ms {len(s.statements):5}  {ok}"
            )


def is_select(sql: str) -> bool:
    return re.match(r"\s*(SELECT|WITH)\b", sql, re.IGNORECASE) is not None


async def query_plans(url: str, statements: list[Statement]) -> list[tuple[str, list[str]]]:
    """The plan of each SELECT: EXPLAIN QUERY PLAN read-only with the sqlite3 module, or
    PostgreSQL's EXPLAIN with the statement's own arguments."""
    plans = []
    if url.startswith("sqlite:"):
        db = sqlite3.connect(f"file:{database_path(url)}?mode=ro", uri=True)
        try:
            for sql, _ in statements:
                if not is_select(sql):
                    continue
                depth: dict[int, int] = {0: -1}
                lines = []
                for node, parent, _, detail in db.execute(f"EXPLAIN QUERY PLAN {sql}"):
                    depth[node] = depth.get(parent, -1) + 1
                    lines.append("   " * depth[node] + detail)
                plans.append((sql, lines))
        finally:
            db.close()
        return plans
    import asyncpg

    conn = await asyncpg.connect(url)
    try:
        for sql, args in statements:
            if not is_select(sql) or "pg_advisory" in sql:
                continue
            with suppress(asyncpg.PostgresError):
                found = await conn.fetch(f"EXPLAIN {numbered(sql)}", *args)
                plans.append((sql, [str(r[0]) for r in found]))
    finally:
        await conn.close()
    return plans


def short_sql(sql: str) -> str:
    """The statement with its column list folded, on one line."""
    sql = " ".join(sql.split())
    return re.sub(r"^SELECT (.{40,}?) FROM ", "SELECT … FROM ", sql, flags=re.IGNORECASE)


# --- the run ---------------------------------------------------------------------------------------


def progress(message: str) -> None:
    print(f"[{time.perf_counter() - STARTED:6.1f} s] {message}", file=sys.stderr, flush=True)


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument(
        "--quick", action="store_true", help=f"{RUNS_QUICK} timed rounds instead of {RUNS_FULL}"
    )
    parser.add_argument("--rows", type=int, default=ROWS, help=f"submissions (default {ROWS:,})")
    parser.add_argument(
        "--database",
        default="sqlite",
        help="sqlite (default) or postgresql://user@host:port/db (a fresh schema, dropped after)",
    )
    args = parser.parse_args(argv)
    if args.rows < 1:
        parser.error("--rows must be at least 1")
    args.runs = RUNS_QUICK if args.quick else RUNS_FULL
    return args


def verdict(ms: float) -> str:
    return "PASS" if ms < TARGET_MS else "FAIL"


def print_table(
    rows: OfficerRows, series: dict[tuple[str, str], Series], runs: int, fill_s: float, size: int
) -> None:
    sizes = Counter[str]()
    for (branch, _), n in rows.statuses.items():
        sizes[branch] += n
    print(
        f"officer commands on {rows.rows:,} submissions, {len(sizes)} branches"
        f" ({BRANCH} {sizes[BRANCH]:,}, largest {sizes.most_common(1)[0][0]}"
        f" {sizes.most_common(1)[0][1]:,}, smallest {min(sizes.values()):,});"
        f" filled in {fill_s:.1f} s, {size / rows.rows:.0f} bytes per submission"
    )
    for scope in SCOPES:
        expected = Expected.of(rows, scope)
        hits = ", ".join(f"{q!r} {n}" for q, n in expected.name_hits.items())
        print(f"  {scope.label}: statuses {expected.counts}; name hits {hits}")
    print(
        f"\nwall time per command (transaction + calls + Submission objects): median of {runs}"
        f" rounds after one cold round; target < {TARGET_MS:g} ms\n"
    )
    header = f"  {'command':58} {'scope':22} {'median':>9} {'cold':>9} {'max':>9} {'stmts':>5}"
    print(header)
    print("  " + "-" * (len(header) - 2))
    for measure in MEASURES:
        for scope in SCOPES:
            s = series[scope.key, measure.key]
            ok = f"WRONG: {s.wrong}" if s.wrong else verdict(s.median_ms)
            print(
                f"  {measure.label:58} {scope.label:22} {s.median_ms:6.2f} ms {s.cold_ms:6.2f} ms"
                f" {max(s.runs_ms):6.2f} ms {len(s.statements):5}  {ok}"
            )
    print("  (stmts: SQL statements per command, BEGIN and COMMIT included)")


async def print_plans(
    url: str, series: dict[tuple[str, str], Series], keys: Sequence[str], what: str
) -> dict[str, list[str]]:
    """Print each command's (or page's) SELECTs with their plans; returns them for the JSON
    line."""
    print(f"\nThe plan of each {what}'s SELECTs (with the arguments the trace saw):")
    found: dict[str, list[str]] = {}
    for key in keys:
        for scope in SCOPES:
            name = f"{key}/{scope.key}"
            print(f"\n  {name}:")
            found[name] = []
            for sql, lines in await query_plans(url, series[scope.key, key].statements):
                print(f"    {short_sql(sql)}")
                for line in lines:
                    print(f"      {line}")
                found[name].extend(lines)
    return found


def summary(
    rows: OfficerRows,
    series: dict[tuple[str, str], Series],
    runs: int,
    fill_s: float,
    size: int,
    plans: dict[str, list[str]],
) -> dict[str, Any]:
    def worst(group: str) -> float:
        return round(
            max(
                series[s.key, m.key].median_ms
                for s in SCOPES
                for m in MEASURES
                if m.group == group
            ),
            3,
        )

    line: dict[str, Any] = {"rows": rows.rows}
    line |= {f"{group}_ms": worst(group) for group in GROUPS}
    for scope in SCOPES:
        line[scope.key] = {
            f"{m.key}_ms": round(series[scope.key, m.key].median_ms, 3) for m in MEASURES
        }
        line[f"{scope.key}_cold"] = {
            f"{m.key}_ms": round(series[scope.key, m.key].cold_ms, 3) for m in MEASURES
        }
        line[f"{scope.key}_statements"] = {
            m.key: len(series[scope.key, m.key].statements) for m in MEASURES
        }
        line[f"{scope.key}_name_hits"] = Expected.of(rows, scope).name_hits
    line |= {
        "branch": BRANCH,
        "branches": len({branch for branch, _ in rows.statuses}),
        "runs": runs,
        "target_ms": TARGET_MS,
        "failed": [
            f"{m.key}/{s.key}"
            for m in MEASURES
            for s in SCOPES
            if series[s.key, m.key].median_ms >= TARGET_MS
        ],
        "wrong": {
            f"{m.key}/{s.key}": series[s.key, m.key].wrong
            for m in MEASURES
            for s in SCOPES
            if series[s.key, m.key].wrong
        },
        "fill_s": round(fill_s, 2),
        "bytes_per_submission": round(size / rows.rows, 1),
        "plans": plans,
    }
    return line


async def main(args: argparse.Namespace) -> int:
    rows = OfficerRows(args.rows)
    with tempfile.TemporaryDirectory(prefix="bpu-officer-") as tmp:
        target = Target(args.database, Path(tmp))
        try:
            url = await target.fresh("officer")
            progress(f"seeding {args.rows:,} submissions ({target.label})")
            fill_s, size = await seed(url, rows)
            progress(f"timing officer commands: 1 cold + {args.runs} rounds")
            repo = await open_repository(url)  # fresh, as after a restart
            try:
                series = await time_all(repo, rows, args.runs)
            finally:
                await repo.close()
            progress("tracing statements, then their plans")
            tracing = await open_repository(url, pool_min=1, pool_max=1)
            try:
                await trace_all(tracing, rows, series)
            finally:
                await tracing.close()
            progress(f"timing the web desk's pages: 1 cold + {args.runs} rounds")
            repo = await open_repository(url)
            try:
                web = await time_web(repo, url, args.runs)
            finally:
                await repo.close()
            tracing = await open_repository(url, pool_min=1, pool_max=1)
            try:
                await trace_web(tracing, url, web)
            finally:
                await tracing.close()
            print_table(rows, series, args.runs, fill_s, size)
            print_web(web, args.runs)
            plans = await print_plans(url, series, [m.key for m in MEASURES], "command")
            plans |= await print_plans(url, web, [key for key, _ in WEB_PAGES], "web page")
        finally:
            await target.close()
    line = summary(rows, series, args.runs, fill_s, size, plans)
    line["backend"] = target.label
    line["web_target_ms"] = WEB_TARGET_MS
    for scope in SCOPES:
        for key, _ in WEB_PAGES:
            s = web[scope.key, key]
            line[scope.key][f"{key}_ms"] = round(s.median_ms, 3)
            line[f"{scope.key}_cold"][f"{key}_ms"] = round(s.cold_ms, 3)
            line[f"{scope.key}_statements"][key] = len(s.statements)
            if s.median_ms >= WEB_TARGET_MS:
                line["failed"].append(f"{key}/{scope.key}")
            if s.wrong:
                line["wrong"][f"{key}/{scope.key}"] = s.wrong
    print(json.dumps(line, ensure_ascii=False))
    return 1 if line["wrong"] else 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main(parse_args())))
