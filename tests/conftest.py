"""Shared fixtures: a real database per test, on each backend (SQLite and PostgreSQL: test ids
end in ``[sqlite]`` / ``[postgresql]``), and the real Telegram Application, offline."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from telegram.ext import Application

from bot.settings import Settings
from handlers.outbox import deliver_due
from handlers.telegram.app import build_application, services_of
from handlers.telegram.delivery import telegram_sender
from handlers.telegram.receive import store
from storage import open_repository
from storage.backends import AnyRepository
from tests.databases import (
    BACKENDS,
    drop_schema,
    empty_schema,
    in_ci,
    migrate_schema,
    new_schema,
    postgres_problem,
    postgres_server_url,
    query_url,
    schema_url,
)
from tests.fakes import RecordingRequest, Updates
from tests.telegram_api.rules import take_refused

OFFICER = 9001
WORKER = 5001


@pytest.fixture(autouse=True)
def telegram_accepts_every_call() -> Iterator[None]:
    """Fails a test in which the bot made a call Telegram refuses (either fake Bot API checks
    every call: tests/telegram_api/rules.py), even when the bot carried on after the 400.
    A test that provokes refusals on purpose takes them (``take_refused``)."""
    take_refused()
    yield
    refused = take_refused()
    if refused:
        lines = [f"{r.method}: {r.refusal.description}" for r in refused[:5]]
        pytest.fail(f"{len(refused)} call(s) Telegram refuses:\n" + "\n".join(lines))


@pytest.fixture(scope="session")
def postgres_server() -> str:
    """The PostgreSQL server's URL; skips (fails under CI=true) when it does not answer."""
    url = postgres_server_url()
    problem = postgres_problem(url)
    if problem is not None:
        reason = f"PostgreSQL at {url} does not answer ({problem}); set TEST_POSTGRES_URL"
        if in_ci():
            pytest.fail(reason)
        pytest.skip(reason)
    return url


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """Which backend this test runs on (a module may override it to pin one)."""
    return str(request.param)


@pytest.fixture(scope="session")
def postgres_schema(postgres_server: str) -> Iterator[tuple[str, str]]:
    """The session's PostgreSQL schema, migrated: its URL and the SQL that empties it."""
    schema = new_schema(postgres_server)
    try:
        url = schema_url(postgres_server, schema)
        yield url, migrate_schema(url)
    finally:
        drop_schema(postgres_server, schema)


@pytest.fixture
def database_url(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    """An empty database: a fresh SQLite file in tmp_path, or the session's PostgreSQL schema
    with every row deleted (tests/databases.py)."""
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'bpu.db'}"
    url, reset = request.getfixturevalue("postgres_schema")
    empty_schema(url, reset)
    return str(url)


@pytest.fixture
def settings(database_url: str) -> Settings:
    """Settings for one test: a fresh database, one officer, a dummy token."""
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=database_url,
        telegram_bot_token="123456:TEST",  # type: ignore[arg-type]
        officer_ids=(OFFICER,),
    )


@pytest.fixture
async def repo(settings: Settings) -> AsyncIterator[AnyRepository]:
    """The real repository (the backend the URL names) on the test's database."""
    repository = await open_repository(settings.database_url, pool_min=1, pool_max=4)
    await repository.bootstrap_admins(settings.officer_ids, datetime.now(UTC))
    yield repository
    await repository.close()


def query(settings: Settings, sql: str, *args: Any) -> list[tuple[Any, ...]]:
    """Read the test's database directly, outside the bot (``?`` placeholders, values as
    SQLite gives them back, on either backend: tests/databases.py)."""
    return query_url(settings.database_url, sql, *args)


# Handler tests run on a fixed day (contribution rates and reliefs depend on the date), with the
# time moving on from there as the test runs (leases and retries still pass).
TEST_START = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)


def moving_clock() -> Callable[[], datetime]:
    """TEST_START plus the real time elapsed since this call."""
    began = time.monotonic()
    return lambda: TEST_START + timedelta(seconds=time.monotonic() - began)


class Telegram:
    """The real Application fed Update JSON, its Bot API calls recorded."""

    def __init__(
        self,
        app: Application,  # type: ignore[type-arg]
        request: RecordingRequest,
        repo: AnyRepository,
        settings: Settings,
    ) -> None:
        self.app = app
        self.settings = settings
        self.request = request
        self.repo = repo
        self.updates = Updates()

    async def feed(self, data: dict[str, Any]) -> None:
        """Receive one update as if Telegram had sent it (stored in the inbox, then applied)."""
        applying = await store(services_of(self.app).pump, [data])
        await asyncio.gather(*applying)

    async def text(self, user: int, text: str, **kwargs: Any) -> str:
        """Type a message; returns the text of the bot's last answer."""
        await self.feed(self.updates.text(user, text, **kwargs))
        return self.request.last_text(user)

    async def press(self, user: int, data: str) -> str:
        """Tap a button; returns the text of the bot's last answer."""
        await self.feed(self.updates.press(user, data))
        return self.request.last_text(user)

    async def contact(self, user: int, phone: str, owner: int | None = None) -> str:
        """Share a contact; returns the text of the bot's last answer."""
        await self.feed(self.updates.contact(user, phone, owner=owner))
        return self.request.last_text(user)

    def now(self) -> datetime:
        """The bot's time (see TEST_START)."""
        return services_of(self.app).clock()

    async def deliver(self, now: datetime | None = None) -> int:
        """Run the outbox loop once (at ``now``, default the real time)."""
        when = now or services_of(self.app).clock()
        return await deliver_due(self.repo, telegram_sender(self.app.bot), when)


@pytest.fixture
async def telegram(settings: Settings, repo: AnyRepository) -> AsyncIterator[Telegram]:
    """An initialised Application on the test database, with a recording fake Bot API."""
    request = RecordingRequest()
    app = build_application(
        settings, repo, request=request, rate_limiter=False, clock=moving_clock()
    )
    await app.initialize()
    yield Telegram(app, request, repo, settings)
    await app.shutdown()


# A valid NIK: Kulon Progo (34.01), woman born 12 March 1979 (day 12 + 40), serial 0001.
NIK = "3401025203790001"


async def to_phone(
    tg: Telegram, user: int, nik: str = NIK, *, start: str = "/start", name: str = "Sri Wahyuni"
) -> str:
    """Consent, NIK (confirmed), name and place of birth; returns the phone question."""
    await tg.text(user, start)
    await tg.press(user, "consent:yes")
    await tg.text(user, nik)
    await tg.press(user, "nikok:yes")
    await tg.text(user, name)
    return await tg.text(user, "Kulon Progo")


async def to_summary(tg: Telegram, user: int, nik: str = NIK, *, name: str = "Sri Wahyuni") -> str:
    """A registration up to its summary (nothing sent yet); returns the summary."""
    await to_phone(tg, user, nik, name=name)
    await tg.contact(user, "6281234567890")
    await tg.text(user, "Ya")
    await tg.text(user, "Dusun Krebet RT 02 RW 05, Sendangsari")
    await tg.press(user, "occ:nelayan")
    await tg.text(user, "1,5 juta")
    return await tg.press(user, "jht:no")


async def register(tg: Telegram, user: int, nik: str = NIK, *, name: str = "Sri Wahyuni") -> str:
    """A complete registration through Telegram; returns the bot's last answer."""
    await to_summary(tg, user, nik, name=name)
    return await tg.press(user, "sum:send")


async def create_event(
    tg: Telegram,
    officer: int,
    name: str = "Sosialisasi Pasar Wates",
    *,
    place: str = "Kulon Progo",
    sponsor: str = "0",
) -> str:
    """An officer creates an event through /acara_baru; returns its link code."""
    await tg.text(officer, "/acara_baru")
    await tg.text(officer, name)
    await tg.text(officer, "12-12-2026")
    await tg.text(officer, place)
    await tg.press(officer, "off:e_penyelenggara:0")
    await tg.press(officer, f"off:e_sponsor:{sponsor}")
    text = tg.request.last_text(officer)
    return text.split("?start=")[1].split()[0]
