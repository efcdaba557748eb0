"""Running ``python -m bot run`` as a real process against the fake Bot API, and driving it.

Every wait is bounded; every process started here is ended by the fixture that started it.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.settings import Settings
from tests.databases import query_url
from tests.fakes import Updates
from tests.system.fake_telegram import FakeTelegram
from tests.system.local_server import HOST

OFFICER = 9001
TOKEN = "123:TEST"
# Upper bounds for a failure, not how long a passing test waits: a bot process starting while the
# two test processes, PostgreSQL and Chromium share two cores has taken over 15 s to first poll.
STARTUP_SECONDS = 45.0
ANSWER_SECONDS = 20.0
_SETTINGS_NAMES = {name.upper() for name in Settings.model_fields}


def free_port() -> int:
    """A port of 127.0.0.1 that was free a moment ago."""
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def nik(serial: int) -> str:
    """A valid NIK (Kulon Progo, a woman born 12 March 1979) with the given serial (1-9999)."""
    return f"340102520379{serial:04d}"


def database_url(database: Path | str) -> str:
    """A database URL as is, or a SQLite file's path as its URL."""
    return database if isinstance(database, str) else f"sqlite:///{database}"


def shell_env() -> dict[str, str]:
    """This shell's environment without any of the bot's settings (a process gets only the
    settings its test gives it)."""
    return {k: v for k, v in os.environ.items() if k.upper() not in _SETTINGS_NAMES}


def bot_env(fake: FakeTelegram, database: Path | str, **settings: str) -> dict[str, str]:
    """The environment of a bot process: only our settings, none inherited from the shell.

    ``database``: a URL (either backend), or a SQLite file's path."""
    env = shell_env()
    env.update(
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_API_BASE_URL=fake.base_url,
        DATABASE_URL=database_url(database),
        OFFICER_IDS=str(OFFICER),
        LOG_LEVEL="INFO",
        OUTBOX_LEASE_SECONDS="3",  # a crashed send is retried after this (30 s in production)
        NO_PROXY="127.0.0.1,localhost",  # the bot's HTTP client must never leave this machine
        PYTHONUNBUFFERED="1",
    )
    env.update(settings)
    return env


@dataclass
class BotProcess:
    """One ``python -m bot run``, its output in a log file."""

    name: str
    proc: subprocess.Popen[bytes]
    log: Path

    def output(self, tail: int = 3000) -> str:
        """The end of what the process wrote (for failure messages)."""
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return text[-tail:]

    def alive(self) -> bool:
        return self.proc.poll() is None

    def kill(self) -> None:
        """SIGKILL: no shutdown, no flush, no goodbye."""
        if self.alive():
            self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=10)

    def terminate(self, timeout: float = 15.0) -> int:
        """SIGTERM and wait for the exit code."""
        if self.alive():
            self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(timeout=timeout)


@dataclass
class Bots:
    """Starts bot processes and ends every one of them at teardown."""

    workdir: Path
    started: list[BotProcess] = field(default_factory=list)

    def start(self, env: dict[str, str], name: str = "bot") -> BotProcess:
        """``python -m bot run`` in ``workdir`` (so no stray .env is read)."""
        log = self.workdir / f"{name}-{len(self.started)}.log"
        with log.open("wb") as out:
            proc = subprocess.Popen(
                [sys.executable, "-m", "bot", "run"],
                env=env,
                cwd=self.workdir,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        bot = BotProcess(name, proc, log)
        self.started.append(bot)
        return bot

    def close(self) -> None:
        for bot in self.started:
            if bot.alive():
                bot.kill()


def wait_polling(fake: FakeTelegram, bot: BotProcess) -> None:
    """Until the process asks for updates (it is then initialised and polling)."""
    before = sum(1 for c in fake.snapshot() if c.method == "getUpdates")

    def polling() -> bool:
        assert bot.alive(), f"{bot.name} exited early:\n{bot.output()}"
        return sum(1 for c in fake.snapshot() if c.method == "getUpdates") > before

    fake.wait_for(polling, STARTUP_SECONDS, f"{bot.name} to poll\n{bot.output()}")


def say(
    fake: FakeTelegram, update: dict[str, Any], chat: int, bot: BotProcess, answers: int = 1
) -> str:
    """Send one update through getUpdates; wait for ``answers`` more messages to ``chat``."""
    before = len(fake.sent(chat))
    fake.push(update)

    def answered() -> bool:
        assert bot.alive(), f"{bot.name} died:\n{bot.output()}"
        return len(fake.sent(chat)) >= before + answers

    fake.wait_for(answered, ANSWER_SECONDS, f"an answer to {_describe(update)}\n{bot.output()}")
    return fake.sent(chat)[-1].text


def _describe(update: dict[str, Any]) -> str:
    message = update.get("message") or {}
    query = update.get("callback_query") or {}
    what = message.get("text") or query.get("data") or ("contact" if "contact" in message else "?")
    return f"update {update['update_id']} ({what!r})"


# A clean registration, and what the bot's answer to each update must contain.
def registration(
    updates: Updates, user: int, nik: str = nik(1), name: str = "Sri Wahyuni"
) -> list[tuple[dict[str, Any], str]]:
    """The 13 updates of a registration with the marker expected in each answer."""
    return [
        (updates.text(user, "/start"), "Selamat datang"),
        (updates.press(user, "consent:yes"), "Langkah 1 dari 11"),
        (updates.text(user, nik), "Langkah 2 dari 11"),
        (updates.press(user, "nikok:yes"), "Langkah 3 dari 11"),
        (updates.text(user, name), "Langkah 4 dari 11"),
        (updates.text(user, "Kulon Progo"), "Langkah 5 dari 11"),
        (updates.contact(user, "6281234567890"), "Langkah 6 dari 11"),
        (updates.text(user, "Ya"), "Langkah 7 dari 11"),
        (updates.text(user, "Dusun Krebet RT 02 RW 05, Sendangsari"), "Langkah 8 dari 11"),
        (updates.press(user, "occ:nelayan"), "Langkah 9 dari 11"),
        (updates.text(user, "1,5 juta"), "Langkah 10 dari 11"),
        (updates.press(user, "jht:no"), "Langkah 11 dari 11"),
        (updates.press(user, "sum:send"), "BPU-"),
    ]


def steps_seen(fake: FakeTelegram, user: int) -> list[int]:
    """The registration steps (\"Langkah N dari 11\") a worker was shown, in order."""
    return [
        int(found.group(1))
        for c in fake.sent(user)
        if (found := re.search(r"Langkah (\d+) dari 11", c.text))
    ]


def query(database: Path | str, sql: str, *args: Any) -> list[tuple[Any, ...]]:
    """Read the bot's database directly (a separate connection, as an inspector would)."""
    return query_url(database_url(database), sql, *args)


def conversation(database: Path | str, user: int) -> dict[str, Any]:
    """The stored conversation of a Telegram user."""
    rows = query(
        database, "SELECT state FROM conversations WHERE channel = 'tg' AND user_id = ?", str(user)
    )
    assert rows, f"no conversation stored for {user}"
    state: dict[str, Any] = json.loads(rows[0][0])
    return state


def elapsed(start: float) -> float:
    return time.monotonic() - start
