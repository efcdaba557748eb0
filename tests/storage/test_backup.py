"""``python -m bot backup <file>``: a consistent copy of a SQLite database while the bot writes."""

from __future__ import annotations

import asyncio
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from bot.flow.state import Conversation
from bot.settings import Settings
from storage.backends import AnyRepository
from tests.storage.drafts import NOW, nik
from tests.storage.test_backends import submit


@pytest.fixture(params=["sqlite"])
def backend(request: pytest.FixtureRequest) -> str:
    """Backups of SQLite files (PostgreSQL has pg_dump)."""
    return str(request.param)


def run_backup(database_url: str, destination: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", "backup", str(destination)],
        capture_output=True,
        text=True,
        timeout=60,
        env={"DATABASE_URL": database_url, "PATH": "", "PYTHONPATH": str(Path.cwd())},
        check=False,
    )


async def test_a_backup_taken_while_the_bot_writes_is_whole_and_consistent(
    repo: AnyRepository, settings: Settings, tmp_path: Path
) -> None:
    for n in range(20):
        await submit(repo, str(n), nik=nik(n + 1))
    stop = asyncio.Event()

    async def keep_writing() -> int:
        saves = 0
        while not stop.is_set():
            async with repo.worker("tg", f"w{saves % 7}") as session:
                await session.load()
                await session.save(Conversation(event_code=str(saves)).touched(NOW), NOW)
            saves += 1
            await asyncio.sleep(0)
        return saves

    writing = asyncio.create_task(keep_writing())
    copy = tmp_path / "backups" / "bpu-copy.db"
    done = await asyncio.to_thread(run_backup, settings.database_url, copy)
    stop.set()
    assert await writing > 0
    assert done.returncode == 0, done.stderr
    assert "Backup written" in done.stdout
    assert not list(copy.parent.glob(".*partial"))
    assert copy.stat().st_mode & 0o777 == 0o600  # personal data, whatever the umask
    assert copy.parent.stat().st_mode & 0o777 == 0o700
    db = sqlite3.connect(copy)
    try:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert db.execute("PRAGMA journal_mode").fetchone() == ("delete",)
        assert db.execute("SELECT count(*) FROM submissions").fetchone() == (20,)
        counted = dict(db.execute("SELECT status, count(*) FROM submissions GROUP BY status"))
        kept = dict(db.execute("SELECT status, sum(n) FROM status_counts GROUP BY status"))
        assert counted == kept == {"diajukan": 20}
    finally:
        db.close()


def test_backup_of_a_postgresql_url_points_to_pg_dump(tmp_path: Path) -> None:
    done = run_backup("postgresql://postgres@127.0.0.1:1/x", tmp_path / "x.db")
    assert done.returncode == 2
    assert "pg_dump" in done.stderr and done.stderr.strip().count("\n") == 0
    assert not (tmp_path / "x.db").exists()
