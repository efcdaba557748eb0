"""The officer side of storage/sql (names, the audit trail, events by scope), on SQLite.

Written against the repository's port only, so another backend can run the same tests.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from bot.domain import EventDraft, Officer, Role
from storage.sqlite import SqliteRepository, migrations

NOW = datetime(2026, 11, 28, 2, 0, tzinfo=UTC)


def event(code: str, branch: str) -> EventDraft:
    return EventDraft(
        code, "Sosialisasi", date(2026, 12, 12), "34.01", "Agen Perisai", None, branch
    )


async def test_a_name_is_remembered_and_kept_when_an_admin_changes_the_role(
    repo: SqliteRepository,
) -> None:
    async with repo.officer() as session:
        session.restrict(None)
        await session.save_officer(Officer("7", Role.PETUGAS, ("Yogyakarta",)), "1", NOW)
        await session.rename_officer("7", "Siti", NOW)
        await session.save_officer(Officer("7", Role.SUPERVISOR, ("Yogyakarta",)), "1", NOW)
        assert await session.officer("7") == Officer("7", Role.SUPERVISOR, ("Yogyakarta",), "Siti")
        await session.save_officer(Officer("7", Role.SUPERVISOR, (), "Siti W."), "1", NOW)
        found = await session.officer("7")
        assert found is not None and found.name == "Siti W."


async def test_the_audit_trail_is_the_newest_entries_oldest_first_with_names(
    repo: SqliteRepository,
) -> None:
    async with repo.officer() as session:
        session.restrict(None)
        await session.save_officer(Officer("7", Role.PETUGAS, ("Yogyakarta",), "Siti"), "1", NOW)
        for minute in range(5):
            at = NOW + timedelta(minutes=minute)
            await session.audit("7", "lihat", "BPU-2026-000001", f"#{minute}", at)
        await session.audit("8", "lihat", "BPU-2026-000001", "#5", NOW + timedelta(minutes=5))
        await session.audit("7", "lihat", "BPU-2026-000002", "other", NOW)
        trail = await session.audit_trail("BPU-2026-000001", 3)
    assert trail.total == 6
    assert [(e.actor_name, e.detail) for e in trail.entries] == [
        ("Siti", "#3"),
        ("Siti", "#4"),
        ("", "#5"),  # not an officer (any more): no name
    ]
    assert trail.entries[0].at == NOW + timedelta(minutes=3)


async def test_own_event_is_scoped_and_event_is_not(repo: SqliteRepository) -> None:
    async with repo.officer() as session:
        session.restrict(None)
        await session.create_event(event("evJOGJA", "Yogyakarta"), "1", NOW)
        await session.create_event(event("evPKL", "Pekalongan"), "1", NOW)
    async with repo.officer() as session:
        session.restrict(("Yogyakarta",))
        assert (await session.own_event("evJOGJA")) is not None
        assert await session.own_event("evPKL") is None
        found = await session.event("evPKL")  # a card names any branch's event
        assert found is not None and found.name == "Sosialisasi" and found.open
        assert await session.event("evNOPE") is None


async def test_migration_0009_names_officers_and_forgets_old_dialogs(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    with sqlite3.connect(path) as db:
        for number, script in migrations():
            if number <= 8:
                db.executescript(script)
        db.execute(
            "INSERT INTO officers (user_id, role, branches, created_at, updated_at)"
            " VALUES ('7', 'petugas', '[\"Yogyakarta\"]', 'x', 'x')"
        )
        db.execute(
            "INSERT INTO officer_dialogs (user_id, state, updated_at)"
            ' VALUES (\'7\', \'{"action": "setujui", "reference": "BPU-2026-000001"}\', \'x\')'
        )
        db.execute("PRAGMA user_version = 8")
    repo = await SqliteRepository.open(f"sqlite:///{path}")
    try:
        async with repo.officer() as session:
            session.restrict(None)
            # ... and 0013 names it as the Telegram officer it was.
            assert await session.officer("7") is None
            officer = Officer("tg:7", Role.PETUGAS, ("Yogyakarta",), "")
            assert await session.officer("tg:7") == officer
            assert await session.dialog("tg:7") is None
    finally:
        await repo.close()
