"""``python -m bot run`` refuses an unprotected webhook, and stops cleanly on SIGTERM."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.system.fake_telegram import FakeTelegram
from tests.system.helpers import Bots, bot_env, free_port, wait_polling
from tests.system.local_server import HOST

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
