"""PostgreSQL's own promises: migrations under a lock, row locks where SQLite had one writer,
LISTEN/NOTIFY, and /cari through the trigram index."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

import asyncpg
import pytest

from bot.domain import Payer, Sponsor, StaleConversation
from bot.flow.state import Conversation
from bot.messages import Msg, Reply
from bot.settings import Settings
from storage import DatabaseUnavailable, open_repository
from storage.postgres import PostgresRepository, migrations
from storage.postgres.connection import PgTx, connect, numbered
from storage.sql.officers import SqlOfficerUnit
from tests.conftest import query
from tests.databases import drop_schema, execute_url, new_schema, schema_url
from tests.storage.drafts import NOW, draft, nik
from tests.storage.test_backends import save_meanwhile


@pytest.fixture(params=["postgresql"])
def backend(request: pytest.FixtureRequest) -> str:
    """PostgreSQL only."""
    return str(request.param)


@pytest.fixture
async def others(settings: Settings) -> AsyncIterator[list[PostgresRepository]]:
    """Four more repositories on the same database: four more processes."""
    opened = [await PostgresRepository.open(settings.database_url, 1, 2) for _ in range(4)]
    yield opened
    for repo in opened:
        await repo.close()


async def test_migrations_run_once_and_are_recorded(settings: Settings) -> None:
    for _ in range(2):
        repo = await PostgresRepository.open(settings.database_url, 1, 1)
        await repo.close()
    applied = query(settings, "SELECT version FROM schema_migrations ORDER BY version")
    assert applied == [(number,) for number, _ in migrations()]
    numbers = [number for number, _ in migrations()]
    assert numbers == list(range(1, len(numbers) + 1))  # mirrored one to one, no gaps


async def test_processes_starting_together_on_a_new_schema_all_open_it(
    postgres_server: str,
) -> None:
    for _ in range(5):
        schema = new_schema(postgres_server, "race")
        url = schema_url(postgres_server, schema)
        try:
            repos = await asyncio.gather(*(PostgresRepository.open(url, 1, 1) for _ in range(4)))
            for repo in repos:
                await repo.close()
            counted = execute_url(url, "UPDATE schema_migrations SET version = version")
            assert counted == len(migrations())
        finally:
            drop_schema(postgres_server, schema)


async def test_a_missing_schema_or_server_is_one_clear_line(postgres_server: str) -> None:
    with pytest.raises(DatabaseUnavailable, match="no schema of search_path") as missing:
        await open_repository(schema_url(postgres_server, "no_such_schema_here"))
    with pytest.raises(DatabaseUnavailable) as refused:
        await open_repository("postgresql://nobody:secret@127.0.0.1:1/none")
    for error in (missing, refused):
        assert "\n" not in str(error.value)
    assert "secret" not in str(refused.value)


async def test_a_first_save_racing_another_first_save_is_refused(
    repo: PostgresRepository, others: list[PostgresRepository], settings: Settings
) -> None:
    """No row existed when both began (nothing to lock): the later insert must not win."""
    with pytest.raises(StaleConversation):
        async with repo.worker("tg", "1") as mine:
            await mine.load()
            await mine.count("ev", "opened", NOW)  # a write begins the transaction; no row yet
            await save_meanwhile(others[0])
            await mine.save(Conversation(event_code="mine"), NOW)
    ((state,),) = query(settings, "SELECT state FROM conversations")
    assert Conversation.from_json(state).event_code == "theirs"


@pytest.mark.parametrize("write", ["count", "submit"])
async def test_an_update_waits_for_another_process_holding_the_same_worker(
    repo: PostgresRepository, others: list[PostgresRepository], settings: Settings, write: str
) -> None:
    async with repo.worker("tg", "1") as first:
        await first.load()
        await first.save(Conversation(event_code="first"), NOW)
    waited = asyncio.Event()

    async def theirs() -> None:
        with pytest.raises(StaleConversation):  # it read rev 0; we saved rev 1 meanwhile
            async with others[0].worker("tg", "1") as session:
                await session.load()
                waited.set()
                await session.count("ev", "opened", NOW)  # FOR UPDATE: waits for our commit
                await session.save(Conversation(event_code="theirs"), NOW)

    async with repo.worker("tg", "1") as mine:
        await mine.load()
        if write == "count":
            await mine.count("ev", "opened", NOW)  # holds the row
        else:
            await mine.submit(draft(), NOW)  # holds the row (and the NIK) in one statement
        task = asyncio.create_task(theirs())
        await waited.wait()
        await asyncio.sleep(0.1)  # theirs is waiting for the row now
        assert not task.done()
        await mine.save(Conversation(event_code="mine"), NOW)
    await task
    ((rev, state),) = query(settings, "SELECT rev, state FROM conversations")
    assert query(settings, "SELECT coalesce(sum(count), 0) FROM event_counts") == [
        (1 if write == "count" else 0,)
    ]  # theirs undone
    assert rev == 1  # two saves: the first one and ours; theirs ran on a stale read
    assert Conversation.from_json(state).event_code == "mine"


async def test_concurrent_submissions_get_consecutive_references(
    repo: PostgresRepository, others: list[PostgresRepository], settings: Settings
) -> None:
    repos = [repo, *others]

    async def one(n: int) -> str | None:
        async with repos[n % len(repos)].worker("tg", str(n)) as session:
            await session.load()
            result = await session.submit(draft(nik=nik(n + 1)), NOW)
            await session.save(Conversation().touched(NOW), NOW)
            return result.reference

    references = await asyncio.gather(*(one(n) for n in range(25)))
    assert sorted(r or "" for r in references) == [f"BPU-2026-{n:06d}" for n in range(1, 26)]
    assert query(settings, "SELECT value FROM sequences") == [(25,)]


async def test_one_nik_submitted_at_once_by_five_workers_is_registered_once(
    repo: PostgresRepository, others: list[PostgresRepository], settings: Settings
) -> None:
    async def one(n: int, target: PostgresRepository) -> Any:
        async with target.worker("tg", str(n)) as session:
            await session.load()
            return await session.submit(draft(), NOW)

    results = await asyncio.gather(*(one(n, r) for n, r in enumerate([repo, *others])))
    assert sorted(r.reference is None for r in results) == [False, True, True, True, True]
    assert all(r.duplicate_nik for r in results if r.reference is None)
    assert query(settings, "SELECT count(*) FROM submissions") == [(1,)]


async def test_a_sponsors_quota_is_exact_under_concurrent_submissions(
    repo: PostgresRepository, others: list[PostgresRepository], settings: Settings
) -> None:
    async with repo.officer() as desk:
        desk.restrict(None)
        sponsor_id = await desk.create_sponsor(
            Sponsor(
                id=0,
                name="APBD Kulon Progo",
                payer=Payer.APBD_REGENCY,
                level="kabupaten",
                start_day=date(2026, 1, 1),
                end_day=date(2026, 12, 31),
                quota=3,
                regions=("34.01",),
                occupations=(),
                whole_region=True,
                branch="Yogyakarta",
            ),
            "9",
            NOW,
        )
    repos = [repo, *others]

    async def one(n: int) -> Any:
        async with repos[n % len(repos)].worker("tg", str(n)) as session:
            await session.load()
            sponsored = replace(draft(nik=nik(n + 1)), sponsor_id=sponsor_id)
            return await session.submit(sponsored, NOW)

    results = await asyncio.gather(*(one(n) for n in range(10)))
    assert sum(r.reference is not None for r in results) == 3
    assert sum(r.quota_full for r in results) == 7
    assert query(
        settings, "SELECT count(*) FROM submissions WHERE sponsor_id = ?", sponsor_id
    ) == [(3,)]


async def test_a_queued_notification_wakes_the_delivery_loop_of_another_process(
    repo: PostgresRepository, others: list[PostgresRepository]
) -> None:
    assert await repo.wait_for_outbox(0.05) is False  # listening now; nothing queued
    waiting = asyncio.create_task(repo.wait_for_outbox(30))
    await asyncio.sleep(0.05)
    assert not waiting.done()
    async with others[0].officer() as desk:
        desk.restrict(None)
        await desk.notify("tg", "1", Reply(parts=(Msg("Halo"),)), "BPU-2026-000001", NOW)
    assert await waiting is True  # woken by the commit, long before the 30 s


async def test_another_schemas_notifications_do_not_wake_this_one(
    repo: PostgresRepository, postgres_server: str
) -> None:
    schema = new_schema(postgres_server, "other")
    try:
        stranger = await PostgresRepository.open(schema_url(postgres_server, schema), 1, 1)
        try:
            await repo.wait_for_outbox(0.01)
            async with stranger.officer() as desk:
                desk.restrict(None)
                await desk.notify("tg", "1", Reply(parts=(Msg("Halo"),)), "BPU-1", NOW)
            assert await repo.wait_for_outbox(0.3) is False
        finally:
            await stranger.close()
    finally:
        drop_schema(postgres_server, schema)


class RecordingTx(PgTx):
    """The real Tx, remembering the statements it ran (to EXPLAIN them)."""

    def __init__(self, conn: Any) -> None:
        super().__init__(conn)
        self.seen: list[tuple[str, tuple[Any, ...]]] = []

    async def all(self, sql: str, *args: Any) -> list[Any]:
        self.seen.append((sql, args))
        return await super().all(sql, *args)


async def test_a_name_search_can_read_the_trigram_index(
    repo: PostgresRepository, settings: Settings
) -> None:
    """The shared query (LIKE with ESCAPE, the officer's scope) is one the index serves. On a
    few thousand rows the planner rightly prefers reading the table, so the other ways are
    priced out here; benchmarks/officer.py shows the plans chosen at 1,000,000 rows."""
    execute_url(
        settings.database_url,
        "INSERT INTO submissions (reference, channel, user_id, nik, name, name_search,"
        " birth_date, sex, phone, home_code, occupation, income, jht, monthly_self_paid,"
        " answers, flags, status, submitted_at, updated_at, branch)"
        " SELECT 'BPU-2026-' || n, 'tg', n::text, '3401' || (100000000000 + n), 'x',"
        " CASE WHEN n = 777 THEN 'sukarnoputri' ELSE 'sri wahyuni ' || (n % 97) END,"
        " '1979-03-12', 'P', '+62812' || n, '34.01', 'nelayan', 1000000, 0, 16800,"
        " '{}', '[]', 'diajukan', now(), now(), 'Yogyakarta' FROM generate_series(1, 3000) n",
    )
    execute_url(settings.database_url, "ANALYZE submissions")
    conn = await connect(settings.database_url)
    try:
        await conn.execute("SET enable_seqscan = off; SET enable_indexscan = off")
        tx = RecordingTx(conn)
        session = SqlOfficerUnit(tx)
        session.restrict(None)
        found = await session.search("name", "Karnoput", 10)
        assert [s.reference for s in found] == ["BPU-2026-777"]
        ((sql, args),) = tx.seen
        plan = "\n".join(r[0] for r in await conn.fetch(f"EXPLAIN {numbered(sql)}", *args))
    finally:
        await conn.close()
    assert "submissions_name_trgm" in plan, plan


async def test_times_and_dates_round_trip_as_aware_utc(repo: PostgresRepository) -> None:
    async with repo.worker("tg", "1") as session:
        await session.load()
        result = await session.submit(draft(), NOW)
        await session.save(Conversation().touched(NOW), NOW)
    async with repo.officer() as desk:
        desk.restrict(None)
        got = await desk.get(result.reference or "")
    assert got is not None and got.submitted_at == NOW
    assert got.submitted_at.tzinfo is not None
    conn = await asyncpg.connect(repo.url)
    try:
        consent = await conn.fetchval("SELECT consent_at FROM submissions")
    finally:
        await conn.close()
    assert consent == NOW.astimezone(UTC) == datetime.fromisoformat(NOW.isoformat())


async def test_officer_commands_are_planned_for_their_own_arguments(
    repo: PostgresRepository,
) -> None:
    async with repo.officer() as desk:
        row = await desk.tx.one("SELECT current_setting('plan_cache_mode') AS mode")
    assert row is not None and row["mode"] == "force_custom_plan"
    async with repo.pool.acquire() as conn:  # only for the officer's transaction
        assert await conn.fetchval("SELECT current_setting('plan_cache_mode')") == "auto"
