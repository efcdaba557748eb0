"""Each SQLite migration has its PostgreSQL mirror (storage/postgres/migrations/MIRRORING.md)."""

from __future__ import annotations

from pathlib import Path

import pytest

import storage.postgres
import storage.sqlite
from storage import open_repository
from storage.postgres import migrations as postgres_migrations
from storage.sqlite import migrations as sqlite_migrations
from tests.databases import columns_url, query_url

SQLITE_FOLDER = Path(storage.sqlite.__file__).parent / "migrations"
POSTGRES_FOLDER = Path(storage.postgres.__file__).parent / "migrations"


@pytest.fixture(params=["postgresql"])
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def test_every_sqlite_migration_has_a_postgresql_one_of_the_same_number_and_name() -> None:
    sqlite_files = sorted(p.name for p in SQLITE_FOLDER.glob("*.sql"))
    postgres_files = sorted(p.name for p in POSTGRES_FOLDER.glob("*.sql"))
    assert postgres_files == sqlite_files, "mirror each one: see " + str(
        POSTGRES_FOLDER / "MIRRORING.md"
    )
    assert [n for n, _ in postgres_migrations()] == [n for n, _ in sqlite_migrations()]


async def test_every_sqlite_table_and_column_exists_on_postgresql(
    database_url: str, tmp_path: Path
) -> None:
    sqlite_url = f"sqlite:///{tmp_path / 'mirror.db'}"
    await (await open_repository(sqlite_url)).close()
    tables = [
        t
        for (t,) in query_url(
            sqlite_url,
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
        )
    ]
    for table in tables:
        missing = set(columns_url(sqlite_url, table)) - set(columns_url(database_url, table))
        assert not missing, f"{table}: not on PostgreSQL: {sorted(missing)}"
