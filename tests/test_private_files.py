"""Personal data on disk is private to the bot's user (0600 files, 0700 directories) whatever the
umask: the database with its -wal, -shm and set-up lock, exports, the terminal chat's output."""

from __future__ import annotations

import io
import os
import stat
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from bot.domain import ExportFilter
from bot.settings import Settings
from handlers.terminal import TerminalChat
from storage.files import create_private, private_dir, write_private
from storage.sqlite import SqliteRepository
from tests.conftest import OFFICER
from tests.storage.drafts import draft


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def umask() -> Iterator[int]:
    """The usual umask, under which a plain open() makes world-readable files (0644)."""
    old = os.umask(0o022)
    try:
        yield 0o022
    finally:
        os.umask(old)


@pytest.fixture
async def nested(umask: int, tmp_path: Path) -> AsyncIterator[SqliteRepository]:
    """A repository whose database lies in directories the bot has to create, in one that exists."""
    (tmp_path / "srv").mkdir()  # 0755 under this umask
    repo = await SqliteRepository.open(f"sqlite:///{tmp_path / 'srv' / 'data' / 'bot' / 'bpu.db'}")
    await repo.bootstrap_admins((OFFICER,), datetime.now(UTC))
    yield repo
    await repo.close()


def test_the_umask_would_otherwise_leak(umask: int, tmp_path: Path) -> None:
    """The baseline the tests below are measured against."""
    (tmp_path / "plain").write_bytes(b"x")
    (tmp_path / "folder").mkdir()
    assert mode(tmp_path / "plain") == 0o644 and mode(tmp_path / "folder") == 0o755


async def test_database_wal_shm_and_lock_are_private(
    nested: SqliteRepository, tmp_path: Path
) -> None:
    async with nested.worker("tg", "1") as session:
        await session.submit(draft(), datetime.now(UTC))
    folder = tmp_path / "srv" / "data" / "bot"
    files = {p.name: mode(p) for p in folder.iterdir()}
    # While the connection is open SQLite keeps its -wal and -shm beside the database.
    assert files == {
        "bpu.db": 0o600,
        "bpu.db-wal": 0o600,
        "bpu.db-shm": 0o600,
        "bpu.db.setup-lock": 0o600,
    }
    assert mode(folder) == 0o700 and mode(folder.parent) == 0o700
    assert mode(tmp_path / "srv") == 0o755  # a directory that existed is left as it was


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
async def test_exports_are_private(nested: SqliteRepository, tmp_path: Path, fmt: str) -> None:
    async with nested.worker("tg", "1") as session:
        await session.submit(draft(), datetime.now(UTC))
    out = tmp_path / f"ekspor.{fmt}"
    assert await nested.export(None, ExportFilter(), fmt, out, date(2026, 11, 23)) == 1
    assert mode(out) == 0o600 and out.stat().st_size > 0


async def test_terminal_chat_output_is_private(
    nested: SqliteRepository, settings: Settings, tmp_path: Path
) -> None:
    files = tmp_path / "work" / "chat-output"
    # The terminal user is an officer on the terminal channel (as `chat --officer` makes them).
    await nested.bootstrap_admins((OFFICER,), datetime.now(UTC), channel="terminal")
    chat = TerminalChat(nested, settings, user_id=str(OFFICER), out=io.StringIO(), files=files)
    await chat.send("/statistik")  # answers with a chart, written to chat-output/
    (chart,) = files.iterdir()
    assert chart.name.startswith("statistik-") and chart.suffix == ".png"
    assert mode(chart) == 0o600
    assert mode(files) == 0o700 and mode(files.parent) == 0o700


def test_helpers_under_a_strict_umask(tmp_path: Path) -> None:
    """A umask that takes the owner's own bits away still gives exactly 0600 and 0700."""
    old = os.umask(0o277)
    try:
        folder = private_dir(tmp_path / "a" / "b")
        assert create_private(folder / "new") is True
        write_private(folder / "written", b"data")
    finally:
        os.umask(old)
    assert mode(tmp_path / "a") == mode(folder) == 0o700
    assert mode(folder / "new") == mode(folder / "written") == 0o600
    assert (folder / "written").read_bytes() == b"data"


def test_create_private_leaves_an_existing_file_alone(umask: int, tmp_path: Path) -> None:
    existing = tmp_path / "bpu.db"
    existing.write_bytes(b"kept")
    assert create_private(existing) is False
    assert existing.read_bytes() == b"kept" and mode(existing) == 0o644


def test_write_private_replaces_and_tightens_an_existing_file(umask: int, tmp_path: Path) -> None:
    existing = tmp_path / "statistik.png"
    existing.write_bytes(b"old picture")
    write_private(existing, b"new")
    assert existing.read_bytes() == b"new" and mode(existing) == 0o600
