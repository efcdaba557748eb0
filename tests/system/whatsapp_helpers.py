"""Running ``python -m bot run`` with only WhatsApp settings, against the fake Cloud API.

The process serves ``/whatsapp`` and ``/healthz`` on a free port of 127.0.0.1; the fake posts
signed notifications to it the way Meta does and receives what the bot sends. The officer
decides through ``python -m bot chat --officer`` on the same database: with no Telegram in the
deployment, the terminal is the officer desk that needs no chat app.
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from bot.settings import Settings
from handlers.whatsapp.templates import Notice, notices_by_name
from tests.system.fake_whatsapp import APP_SECRET, PHONE_NUMBER_ID, TOKEN, FakeWhatsApp
from tests.system.helpers import (
    ANSWER_SECONDS,
    OFFICER,
    STARTUP_SECONDS,
    BotProcess,
    Bots,
    database_url,
    free_port,
    shell_env,
)
from tests.system.local_server import HOST

VERIFY_TOKEN = "verify-me_please"
WORKER = "6281234567890"  # a wa_id: the worker's mobile number, with 62
NATIONAL = "0812-3456-7890"  # how the bot shows it back (bot.phone.national_phone)
KPJ = "12345678901"


def approved_templates() -> dict[str, Notice]:
    """Every notice's template as the default settings name them: all approved at Meta."""
    return notices_by_name(Settings(_env_file=None))  # type: ignore[call-arg]


def whatsapp_env(
    fake: FakeWhatsApp, database: Path | str, port: int, **extra: str
) -> dict[str, str]:
    """A WhatsApp-only deployment: no TELEGRAM_BOT_TOKEN, nothing inherited from the shell."""
    env = shell_env()
    env.update(
        DATABASE_URL=database_url(database),
        OFFICER_IDS=str(OFFICER),
        WEBHOOK_LISTEN=HOST,
        WEBHOOK_PORT=str(port),
        WHATSAPP_API_BASE_URL=fake.base_url,
        WHATSAPP_PHONE_NUMBER_ID=PHONE_NUMBER_ID,
        WHATSAPP_ACCESS_TOKEN=TOKEN,
        WHATSAPP_APP_SECRET=APP_SECRET,
        WHATSAPP_VERIFY_TOKEN=VERIFY_TOKEN,
        LOG_LEVEL="DEBUG",  # the most the process can write: still no phone number in full
        OUTBOX_LEASE_SECONDS="3",
        NO_PROXY="127.0.0.1,localhost",
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


def wait_for(condition: Callable[[], bool], what: str, timeout: float = ANSWER_SECONDS) -> None:
    """Poll ``condition`` until it holds; AssertionError after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(0.02)


@dataclass
class WhatsAppBot:
    """One WhatsApp-only bot process and the fake Cloud API it talks to."""

    fake: FakeWhatsApp
    proc: BotProcess
    port: int
    database: str

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    @property
    def hook(self) -> str:
        return f"{self.url}/whatsapp"

    def wait_ready(self) -> None:
        """Until /healthz answers (the webhook is served)."""

        def ready() -> bool:
            assert self.proc.alive(), f"the bot exited:\n{self.proc.output()}"
            try:
                return httpx.get(f"{self.url}/healthz", timeout=2).status_code == 200
            except httpx.TransportError:
                return False

        wait_for(ready, f"the bot to serve\n{self.proc.output()}", STARTUP_SECONDS)

    def answered(self, user: str, before: int, answers: int = 1) -> list[dict[str, Any]]:
        """Wait until ``answers`` more messages were accepted for ``user``; the new ones."""

        def done() -> bool:
            assert self.proc.alive(), f"the bot died:\n{self.proc.output()}"
            return len(self.fake.sent(user)) >= before + answers

        wait_for(done, f"{answers} answer(s) to {user}\n{self.proc.output()}")
        return self.fake.sent(user)[before:]

    def text(self, user: str, text: str, answers: int = 1) -> str:
        """The worker types ``text``; the text of the bot's last answer."""
        before = len(self.fake.sent(user))
        assert self.fake.post_text(self.hook, user, text) == 200
        return shown(self.answered(user, before, answers)[-1])

    def tap(self, user: str, data: str, answers: int = 1) -> str:
        """The worker taps a reply button or list row with id ``data`` (as it was offered)."""
        before = len(self.fake.sent(user))
        kind, title = offered(self.fake.sent(user), data)
        post = self.fake.post_button_reply if kind == "button" else self.fake.post_list_reply
        assert post(self.hook, user, data, title) == 200
        return shown(self.answered(user, before, answers)[-1])


def offered(sent: list[dict[str, Any]], data: str) -> tuple[str, str]:
    """("button" or "list", its title) of the choice ``data`` in the last interactive message:
    a worker can tap only what the bot showed."""
    for message in reversed(sent):
        if message.get("type") != "interactive":
            continue
        interactive = message["interactive"]
        action = interactive["action"]
        if interactive["type"] == "button":
            for button in action["buttons"]:
                if button["reply"]["id"] == data:
                    return "button", str(button["reply"]["title"])
        else:
            for section in action["sections"]:
                for row in section["rows"]:
                    if row["id"] == data:
                        return "list", str(row["title"])
        raise AssertionError(f"{data!r} is not offered in the last message: {interactive}")
    raise AssertionError(f"no choices were offered, so {data!r} cannot be tapped")


def shown(message: dict[str, Any]) -> str:
    """The main text of one sent message (a text's body, an interactive body, a template name)."""
    kind = message["type"]
    if kind == "text":
        return str(message["text"]["body"])
    if kind == "interactive":
        return str(message["interactive"]["body"]["text"])
    if kind == "template":
        return f"template {message['template']['name']}"
    return str(kind)


def officer_says(workdir: Path, database: str, *lines: str) -> str:
    """``python -m bot chat --officer`` on the bot's database, fed ``lines``; its output."""
    env = shell_env()
    env.update(DATABASE_URL=database, OFFICER_IDS=str(OFFICER), NO_PROXY="127.0.0.1,localhost")
    done = subprocess.run(
        [sys.executable, "-m", "bot", "chat", "--officer"],
        input="".join(f"{line}\n" for line in lines).encode(),
        env=env,
        cwd=workdir,
        capture_output=True,
        timeout=60,
        check=False,
    )
    output = done.stdout.decode(errors="replace") + done.stderr.decode(errors="replace")
    assert done.returncode == 0, output
    return output


def start_bot(bots: Bots, fake: FakeWhatsApp, database: str, **extra: str) -> WhatsAppBot:
    """A WhatsApp-only ``python -m bot run``, serving once this returns."""
    port = free_port()
    proc = bots.start(whatsapp_env(fake, database, port, **extra), "whatsapp")
    bot = WhatsAppBot(fake, proc, port, database)
    bot.wait_ready()
    return bot


# A clean registration on WhatsApp: (typed text or tapped id, marker expected in the answer).
# The phone is one tap: WhatsApp tells the bot the sender's number, the worker confirms it.
def registration_steps(nik: str, name: str, first: str = "halo") -> list[tuple[str, str, str]]:
    """("text" or "tap", what, marker) for each of a registration's 13 messages."""
    return [
        ("text", first, "Selamat datang"),
        ("tap", "consent:yes", "Langkah 1 dari 11"),
        ("text", nik, "Langkah 2 dari 11"),
        ("tap", "nikok:yes", "Langkah 3 dari 11"),
        ("text", name, "Langkah 4 dari 11"),
        ("text", "Kulon Progo", "Langkah 5 dari 11"),
        ("tap", "phone:yes", "Langkah 6 dari 11"),
        ("tap", "home:yes", "Langkah 7 dari 11"),
        ("text", "Dusun Krebet RT 02 RW 05, Sendangsari", "Langkah 8 dari 11"),
        ("tap", "occ:nelayan", "Langkah 9 dari 11"),
        ("text", "1,5 juta", "Langkah 10 dari 11"),
        ("tap", "jht:no", "Langkah 11 dari 11"),
        ("tap", "sum:send", "BPU-"),
    ]


def register(
    bot: WhatsAppBot, user: str, nik: str, name: str = "Sri Wahyuni", first: str = "halo"
) -> str:
    """A complete registration, each answer checked; the submission's reference."""
    answer = ""
    for how, what, marker in registration_steps(nik, name, first):
        answer = bot.text(user, what) if how == "text" else bot.tap(user, what)
        assert marker in answer, (what, marker, answer)
    found = re.search(r"BPU-\d{4}-\d{6}", answer)
    assert found is not None, answer
    return found[0]
