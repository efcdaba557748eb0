"""DATABASE_URL picks the backend; a URL that names none, or a server that does not answer, is
one clear line and exit code 2 for every command that opens the database."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from storage import DatabaseUnavailable, backend_of
from storage.backends import shown


def bot(command: str, database_url: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", command],
        capture_output=True,
        text=True,
        timeout=60,
        input="",
        env={
            "DATABASE_URL": database_url,
            "TELEGRAM_BOT_TOKEN": "123:TEST",
            "PATH": "",
            "PYTHONPATH": str(Path.cwd()),
        },
        check=False,
    )


@pytest.mark.parametrize("command", ["migrate", "chat", "run"])
@pytest.mark.parametrize(
    ("url", "said"),
    [
        ("mysql://bpu@localhost/bpu", "is not a database URL"),
        (
            "postgresql://bpu:s3cret@127.0.0.1:1/bpu",
            "cannot open postgresql://bpu:***@127.0.0.1:1",
        ),
    ],
    ids=["unknown-scheme", "no-server"],
)
def test_a_database_that_cannot_be_opened_is_one_line_and_exit_2(
    command: str, url: str, said: str
) -> None:
    done = bot(command, url)
    assert done.returncode == 2, done.stderr
    assert said in done.stderr
    assert done.stderr.strip().count("\n") == 0, done.stderr
    assert "s3cret" not in done.stderr


def test_the_scheme_picks_the_backend() -> None:
    assert backend_of("sqlite:///bpu.db") == "sqlite"
    assert backend_of("postgresql://bpu@db/bpu") == "postgresql"
    assert backend_of("postgres://bpu@db/bpu") == "postgresql"
    for wrong in ("bpu.db", "sqlite://bpu.db", "mysql://x", ""):
        with pytest.raises(DatabaseUnavailable):
            backend_of(wrong)
    assert shown("postgresql://bpu:pw@db:5432/bpu") == "postgresql://bpu:***@db:5432/bpu"
