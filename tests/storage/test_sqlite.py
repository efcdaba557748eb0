"""The SQLite schema keeps its promises even when code does not check."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.domain import StaleConversation
from bot.flow.events import Command
from bot.flow.state import Conversation, Step
from bot.inbound import Inbound
from bot.render import PLAIN, render_text
from bot.service import handle_worker
from bot.settings import Settings
from storage.sqlite import SqliteRepository, database_path, migrations
from tests.conftest import query
from tests.storage.drafts import draft


@pytest.fixture(params=["sqlite"])
def backend(request: pytest.FixtureRequest) -> str:
    """These tests are about the SQLite file itself (tests/storage/test_backends.py holds the
    promises both backends keep, test_postgres.py PostgreSQL's own)."""
    return str(request.param)


async def test_migrations_run_once_and_set_the_version(settings: Settings) -> None:
    first = await SqliteRepository.open(settings.database_url)
    await first.close()
    second = await SqliteRepository.open(settings.database_url)
    await second.close()
    with sqlite3.connect(database_path(settings.database_url)) as db:
        (version,) = db.execute("PRAGMA user_version").fetchone()
        (journal,) = db.execute("PRAGMA journal_mode").fetchone()
    assert version == max(number for number, _ in migrations())
    assert journal == "wal"


async def test_processes_starting_together_on_a_new_file_all_open_it(tmp_path: Path) -> None:
    # Each aiosqlite connection has its own thread, so these race like separate processes do;
    # unserialised, about one round in six ended in "database is locked" while switching to WAL.
    for round_ in range(25):
        url = f"sqlite:///{tmp_path / f'round{round_}.db'}"
        repos = await asyncio.gather(*(SqliteRepository.open(url) for _ in range(4)))
        for repo in repos:
            await repo.close()
        with sqlite3.connect(database_path(url)) as db:
            (version,) = db.execute("PRAGMA user_version").fetchone()
        assert version == max(number for number, _ in migrations())


async def test_references_count_up_per_year_in_wib(repo: SqliteRepository) -> None:
    # 23:30 UTC on 31 Dec 2026 is already 1 Jan 2027 in WIB.
    late = datetime(2026, 12, 31, 23, 30, tzinfo=UTC)
    async with repo.worker("tg", "1") as session:
        first = await session.submit(draft(), datetime(2026, 6, 1, tzinfo=UTC))
    async with repo.worker("tg", "2") as session:
        second = await session.submit(draft(nik="3401025203790002"), late)
    async with repo.worker("tg", "3") as session:
        third = await session.submit(draft(nik="3401025203790003"), late)
    assert [first.reference, second.reference, third.reference] == [
        "BPU-2026-000001",
        "BPU-2027-000001",
        "BPU-2027-000002",
    ]


async def test_the_schema_refuses_a_second_active_submission_for_a_nik(
    repo: SqliteRepository, settings: Settings
) -> None:
    async with repo.worker("tg", "1") as session:
        assert (await session.submit(draft(), datetime.now(UTC))).reference
    with sqlite3.connect(database_path(settings.database_url)) as db:
        row = db.execute("SELECT * FROM submissions").fetchone()
        columns = [c[1] for c in db.execute("PRAGMA table_info(submissions)")]
        copy = dict(zip(columns, row, strict=True))
        copy.update(id=None, reference="BPU-2026-999999", user_id="2")
        placeholders = ", ".join("?" for _ in columns)
        with pytest.raises(sqlite3.IntegrityError):
            db.execute(f"INSERT INTO submissions VALUES ({placeholders})", list(copy.values()))


async def test_the_code_path_reports_a_duplicate_nik(repo: SqliteRepository) -> None:
    async with repo.worker("tg", "1") as session:
        await session.submit(draft(), datetime.now(UTC))
    async with repo.worker("tg", "2") as session:
        result = await session.submit(draft(), datetime.now(UTC))
    assert result.reference is None and result.duplicate_nik


async def test_a_failed_update_rolls_back_everything(
    repo: SqliteRepository, settings: Settings
) -> None:
    with pytest.raises(RuntimeError):
        async with repo.worker("tg", "1") as session:
            await session.submit(draft(), datetime.now(UTC))
            raise RuntimeError("crash after the insert")
    with sqlite3.connect(database_path(settings.database_url)) as db:
        assert db.execute("SELECT count(*) FROM submissions").fetchone() == (0,)


async def test_status_counts_follow_every_change(
    repo: SqliteRepository, settings: Settings
) -> None:
    from bot.domain import Decision, Status

    now = datetime.now(UTC)
    for i in range(4):
        async with repo.worker("tg", str(i)) as session:
            await session.submit(draft(nik=f"34010252037900{i + 10:02d}"), now)
    async with repo.officer() as desk:
        desk.restrict(None)
        await desk.decide(
            "BPU-" + str(now.year) + "-000001", Decision(Status.APPROVED, kpj="1" * 11), "9", now
        )
        await desk.decide(
            "BPU-" + str(now.year) + "-000002", Decision(Status.REJECTED, note="x"), "9", now
        )
        counts = await desk.count_by_status()
    with sqlite3.connect(database_path(settings.database_url)) as db:
        scanned = dict(db.execute("SELECT status, count(*) FROM submissions GROUP BY status"))
        db.execute("UPDATE submissions SET branch = 'Pekalongan' WHERE id = 3")
        by_branch = dict(
            ((b, s), n)
            for b, s, n in db.execute("SELECT branch, status, n FROM status_counts WHERE n > 0")
        )
    assert (
        {str(k): v for k, v in counts.items()}
        == scanned
        == {"diajukan": 2, "disetujui": 1, "ditolak": 1}
    )
    assert by_branch == {
        ("Yogyakarta", "diajukan"): 1,
        ("Pekalongan", "diajukan"): 1,
        ("Yogyakarta", "disetujui"): 1,
        ("Yogyakarta", "ditolak"): 1,
    }


@pytest.fixture
async def other(settings: Settings) -> AsyncIterator[SqliteRepository]:
    """A second connection to the same file: another process, as SQLite sees it."""
    second = await SqliteRepository.open(settings.database_url)
    yield second
    await second.close()


def _state(settings: Settings, user_id: str) -> Conversation:
    with sqlite3.connect(database_path(settings.database_url)) as db:
        (state,) = db.execute(
            "SELECT state FROM conversations WHERE user_id = ?", (user_id,)
        ).fetchone()
    return Conversation.from_json(state)


async def _save_meanwhile(other: SqliteRepository, now: datetime) -> None:
    """Another process handles worker 1 while this one is in the middle of an update."""
    async with other.worker("tg", "1") as theirs:
        await theirs.load()
        await theirs.save(Conversation(event_code="theirs"), now)


@pytest.mark.parametrize("existing", [False, True])
async def test_a_state_saved_by_another_process_meanwhile_is_not_overwritten(
    repo: SqliteRepository, other: SqliteRepository, settings: Settings, existing: bool
) -> None:
    now = datetime.now(UTC)
    if existing:
        async with repo.worker("tg", "1") as session:
            await session.load()
            await session.save(Conversation(event_code="first"), now)
    with pytest.raises(StaleConversation):
        async with repo.worker("tg", "1") as mine:
            await mine.load()
            await _save_meanwhile(other, now)
            await mine.save(Conversation(event_code="mine"), now)
    assert _state(settings, "1").event_code == "theirs"
    async with repo.worker("tg", "1") as mine:  # read again: saved
        assert await mine.load() == _state(settings, "1")
        await mine.save(Conversation(event_code="mine"), now)
    assert _state(settings, "1").event_code == "mine"


async def test_a_look_up_after_a_concurrent_save_refuses_and_keeps_nothing(
    repo: SqliteRepository, other: SqliteRepository, settings: Settings
) -> None:
    now = datetime.now(UTC)
    with pytest.raises(StaleConversation):
        async with repo.worker("tg", "1") as mine:
            await mine.load()
            await _save_meanwhile(other, now)
            await mine.submit(draft(), now)  # begins the transaction: the revision moved
    with sqlite3.connect(database_path(settings.database_url)) as db:
        assert db.execute("SELECT count(*) FROM submissions").fetchone() == (0,)


class _Interrupted:
    """A repository whose first unit of work is interrupted, right after its read, by ``meanwhile``
    (another process handling the same worker)."""

    def __init__(self, repo: SqliteRepository, meanwhile: Callable[[], Awaitable[object]]) -> None:
        self.repo = repo
        self.meanwhile: Callable[[], Awaitable[object]] | None = meanwhile
        self.loads = 0

    @asynccontextmanager
    async def worker(
        self, channel: str, user_id: str, update_key: str | None = None
    ) -> AsyncIterator[object]:
        async with self.repo.worker(channel, user_id, update_key) as session:
            real_load = session.load

            async def load() -> Conversation | None:
                self.loads += 1
                conv = await real_load()
                if self.meanwhile is not None:
                    meanwhile, self.meanwhile = self.meanwhile, None
                    await meanwhile()
                return conv

            session.load = load  # type: ignore[method-assign]
            yield session


async def test_an_update_racing_another_process_runs_again_on_its_state(
    repo: SqliteRepository, other: SqliteRepository, settings: Settings
) -> None:
    now = datetime.now(UTC)

    async def their_update() -> object:
        return await handle_worker(other, Inbound("tg", "1", Command("start")), now)

    racing = _Interrupted(repo, their_update)
    handled = await handle_worker(
        racing,  # type: ignore[arg-type]
        Inbound("tg", "1", Command("bantuan")),
        now,
    )
    assert racing.loads == 2  # stale once, then run again on the state the other one saved
    assert not handled.repeated
    # Neither update lost: theirs began the registration, ours asked its question again.
    assert _state(settings, "1").step is Step.CONSENT
    assert query(settings, "SELECT rev FROM conversations") == [(1,)]  # two saves
    assert "Anda setuju" in render_text(handled.outcome.replies[0], "id", PLAIN)
