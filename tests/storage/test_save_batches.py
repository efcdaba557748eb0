"""Workers' saves on PostgreSQL go together (storage/postgres/saves.py): fewer statements, the
same compare-and-set per conversation, a failing row failing alone, and no connection held
while a save waits for its statement."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from typing import Any

import pytest

from bot.flow.state import Conversation, Step
from bot.settings import Settings
from storage.postgres import PostgresRepository
from storage.postgres.saves import SaveBatches
from storage.sql.save import Save
from tests.conftest import query
from tests.storage.drafts import NOW


@pytest.fixture(params=["postgresql"])
def backend(request: pytest.FixtureRequest) -> str:
    """PostgreSQL only."""
    return str(request.param)


def row(user_id: str, rev: int | None = None, **changes: Any) -> Save:
    conv = Conversation(step=Step.NIK, event_code=f"ev-{user_id}")
    return replace(
        Save(
            channel="tg",
            user_id=user_id,
            step=str(conv.step),
            state=conv.to_json(),
            event_code=conv.event_code,
            lang=None,
            at=NOW,
            applied_update=None,
            rev=rev,
        ),
        **changes,
    )


def statements(repo: PostgresRepository, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The number of rows of each batch statement ``repo`` sends from now on."""
    sent: list[int] = []
    send = SaveBatches._statement

    async def counted(self: SaveBatches, rows: list[Save]) -> set[tuple[str, str]]:
        sent.append(len(rows))
        return await send(self, rows)

    monkeypatch.setattr(SaveBatches, "_statement", counted)
    return sent


async def test_saves_arriving_together_share_statements(
    repo: PostgresRepository, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    sent = statements(repo, monkeypatch)
    # The updates arrive together: each has read its state before any saves (the reads' own
    # round trips would otherwise spread the saves out over time on a busy machine).
    read = asyncio.Barrier(60)

    async def update(n: int) -> None:
        async with repo.worker("tg", str(n)) as session:
            await session.load()
            await read.wait()
            await session.save(Conversation(event_code=f"ev-{n}"), NOW)

    await asyncio.gather(*(update(n) for n in range(60)))
    assert sum(sent) == 60
    assert len(sent) <= 3  # the first alone, the rest together (one more if it split)
    stored = query(settings, "SELECT user_id, event_code, rev FROM conversations")
    assert sorted(stored) == sorted((str(n), f"ev-{n}", 0) for n in range(60))


async def test_a_row_whose_revision_moved_is_refused_and_the_others_are_saved(
    repo: PostgresRepository, settings: Settings
) -> None:
    for user in ("1", "2"):
        assert await repo.saves.save(row(user)) is True  # rev 0 each
    results = await asyncio.gather(
        repo.saves.save(row("1", rev=0, event_code="new-1")),  # still rev 0: applies
        repo.saves.save(row("2", rev=7, event_code="new-2")),  # read an old revision
        repo.saves.save(row("3", rev=None, event_code="new-3")),  # a first save
    )
    assert list(results) == [True, False, True]
    stored = query(settings, "SELECT user_id, event_code, rev FROM conversations ORDER BY 1")
    assert stored == [("1", "new-1", 1), ("2", "ev-2", 0), ("3", "new-3", 0)]


async def test_two_saves_of_one_conversation_go_in_turn(
    repo: PostgresRepository, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    sent = statements(repo, monkeypatch)
    results = await asyncio.gather(
        repo.saves.save(row("1", event_code="first")),
        repo.saves.save(row("2")),
        repo.saves.save(row("1", rev=0, event_code="second")),  # not in the same statement
    )
    assert list(results) == [True, True, True]
    assert sent == [2, 1]
    assert query(settings, "SELECT event_code, rev FROM conversations WHERE user_id = '1'") == [
        ("second", 1)
    ]


async def test_a_row_the_table_refuses_fails_alone(
    repo: PostgresRepository, settings: Settings
) -> None:
    results = await asyncio.gather(
        repo.saves.save(row("1")),
        repo.saves.save(row("2", state="{not json")),
        repo.saves.save(row("3")),
        return_exceptions=True,
    )
    assert results[0] is True and results[2] is True
    assert isinstance(results[1], Exception)
    assert query(settings, "SELECT user_id FROM conversations ORDER BY 1") == [("1",), ("3",)]


async def test_updates_waiting_for_their_saves_hold_no_connection(settings: Settings) -> None:
    """One pooled connection for thirty workers at once: a session that kept its connection
    while its save waited for the statement in flight would leave none for that statement."""
    repo = await PostgresRepository.open(settings.database_url, 1, 1)
    try:

        async def update(n: int) -> None:
            async with repo.worker("tg", str(n)) as session:
                await session.load()
                await session.event("no-such-event")  # a look-up: takes and gives back
                await session.save(Conversation(event_code=f"ev-{n}"), NOW)

        await asyncio.wait_for(asyncio.gather(*(update(n) for n in range(30))), 30)
    finally:
        await repo.close()
    assert query(settings, "SELECT count(*) FROM conversations") == [(30,)]


async def test_a_save_in_a_transaction_commits_with_it_not_with_a_batch(
    repo: PostgresRepository, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    sent = statements(repo, monkeypatch)
    with pytest.raises(RuntimeError):
        async with repo.worker("tg", "1") as session:
            await session.load()
            await session.count("ev", "opened", NOW)  # a write: the transaction begins
            await session.save(Conversation(event_code="rolled back"), NOW)
            raise RuntimeError("the update fails after its save")
    assert sent == []
    assert query(settings, "SELECT count(*) FROM conversations") == [(0,)]
    assert query(settings, "SELECT count(*) FROM event_counts") == [(0,)]
