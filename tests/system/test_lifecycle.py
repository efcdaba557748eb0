"""``python -m bot run`` refuses an unprotected webhook or a refused token (exit 2, one line),
keeps trying a Bot API it cannot reach (one line a try), and stops cleanly on SIGTERM."""

from __future__ import annotations

import json
import time
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from tests.system.fake_telegram import FakeTelegram
from tests.system.helpers import TOKEN, Bots, bot_env, free_port, wait_polling
from tests.system.local_server import HOST, LocalServer

EXIT_SECONDS = 15.0


@pytest.mark.parametrize(
    ("secret", "complaint"),
    [("", "WEBHOOK_SECRET is not set"), ("has spaces!", "may only hold")],
)
def test_a_webhook_without_a_usable_secret_is_refused(
    tmp_path: Path, fake: FakeTelegram, bots: Bots, secret: str, complaint: str
) -> None:
    port = free_port()
    env = bot_env(
        fake,
        tmp_path / "bpu.db",
        WEBHOOK_URL=f"http://{HOST}:{port}/telegram",
        WEBHOOK_SECRET=secret,
        WEBHOOK_PORT=str(port),
        WEBHOOK_LISTEN=HOST,
    )
    bot = bots.start(env, "unprotected")
    assert bot.proc.wait(timeout=EXIT_SECONDS) == 2
    assert complaint in bot.output()
    assert fake.snapshot() == []  # not even getMe: nothing was started


def test_polling_stops_cleanly_on_sigterm(
    database_url: str, fake: FakeTelegram, bots: Bots
) -> None:
    bot = bots.start(bot_env(fake, database_url), "polling")
    wait_polling(fake, bot)
    assert bot.terminate(EXIT_SECONDS) == 0, bot.output()
    assert "Traceback" not in bot.output()
    methods = [c.method for c in fake.snapshot() if c.method != "setMyCommands"]
    assert methods[:2] == ["getMe", "deleteWebhook"]


def test_an_unreachable_bot_api_is_one_line_per_try_until_it_stops(
    tmp_path: Path, fake: FakeTelegram, bots: Bots
) -> None:
    """Nothing listens where TELEGRAM_API_BASE_URL points: the process says so in one line
    per try (no traceback, no token), keeps trying with a growing pause, and a SIGTERM
    meanwhile ends it cleanly."""
    closed = f"http://{HOST}:{free_port()}"
    env = bot_env(fake, tmp_path / "bpu.db", TELEGRAM_API_BASE_URL=closed + "/bot")
    bot = bots.start(env, "unreachable")
    deadline = time.monotonic() + EXIT_SECONDS
    while bot.output().count("cannot reach") < 2:
        assert bot.alive(), bot.output()
        assert time.monotonic() < deadline, bot.output()
        time.sleep(0.05)
    assert bot.terminate(EXIT_SECONDS) == 0, bot.output()
    lines = bot.output().splitlines()
    tries = [line for line in lines if "cannot reach" in line]
    assert tries[0].endswith(
        f"cannot reach the Telegram Bot API at {closed} (TELEGRAM_API_BASE_URL): httpx."
        "ConnectError: All connection attempts failed; trying again in 1 s"
    ), tries
    assert tries[1].endswith("trying again in 2 s"), tries
    assert "Traceback" not in bot.output() and TOKEN not in bot.output()
    assert len(lines) <= len(tries) + 2, lines  # and the stop's own line


class _Unauthorized(BaseHTTPRequestHandler):
    """A Bot API that refuses the token, as Telegram does for a wrong one."""

    def do_POST(self) -> None:
        body = json.dumps({"ok": False, "error_code": 401, "description": "Unauthorized"})
        self.send_response(401)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body.encode())

    def log_message(self, format: str, *args: object) -> None:
        """Quiet."""


def test_a_refused_token_is_one_line_naming_the_setting_and_exit_2(
    tmp_path: Path, fake: FakeTelegram, bots: Bots
) -> None:
    server = LocalServer(_Unauthorized)
    try:
        env = bot_env(fake, tmp_path / "bpu.db", TELEGRAM_API_BASE_URL=server.url + "/bot")
        bot = bots.start(env, "refused")
        assert bot.proc.wait(timeout=EXIT_SECONDS) == 2, bot.output()
    finally:
        server.close()
    assert bot.output().splitlines() == [
        "Telegram refused the bot token (TELEGRAM_BOT_TOKEN): it is wrong or was revoked; copy"
        f" it again from @BotFather. Or TELEGRAM_API_BASE_URL ({server.url}) is not a Bot API"
        " server."
    ]
