"""kill -9 with updates in flight: after the restart each is applied exactly once and answered.

Ten officer decisions and ten worker answers are received (stored in the inbox, confirmed to
Telegram) while every message the bot sends is held unanswered, so at the kill some updates are
applied with their replies in the air and others wait behind their chat's earlier update. The
restarted process claims what was left unanswered once its lease runs out: it applies what was
not applied and, for what was, sends the pending question again (the flow recognises an update
it already applied). Run in polling mode (the restarted process also gets the unconfirmed batch
from getUpdates again) and in webhook mode (the officer's commands are also posted twice).
"""

from __future__ import annotations

import asyncio
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.fakes import Updates
from tests.system.fake_telegram import FakeTelegram
from tests.system.helpers import (
    ANSWER_SECONDS,
    OFFICER,
    STARTUP_SECONDS,
    BotProcess,
    Bots,
    bot_env,
    conversation,
    free_port,
    nik,
    query,
    registration,
    say,
    wait_polling,
)
from tests.system.local_server import HOST

SECRET = "inbox-crash_secret"
APPLICANTS = [8101 + i for i in range(10)]  # registered before the crash, approved during it
TYPISTS = [8201 + i for i in range(10)]  # type their NIK during the crash
KPJ_BASE = 10_000_000_000
APPROVED = "Selamat! Pendaftaran"  # the approval notice
LEASE = "2"  # seconds before another process may take over what a dead one left


class Bot:
    """One bot process and the way updates reach it (polling or its webhook)."""

    def __init__(
        self, mode: str, fake: FakeTelegram, bots: Bots, database: Path, name: str
    ) -> None:
        self.mode = mode
        self.fake = fake
        extra: dict[str, str] = {"INBOX_LEASE_SECONDS": LEASE}
        self.url = ""
        if mode == "webhook":
            port = free_port()
            self.url = f"http://{HOST}:{port}"
            extra.update(
                WEBHOOK_URL=f"{self.url}/telegram",
                WEBHOOK_SECRET=SECRET,
                WEBHOOK_LISTEN=HOST,
                WEBHOOK_PORT=str(port),
            )
        self.process: BotProcess = bots.start(bot_env(fake, database, **extra), name)

    def wait_ready(self) -> None:
        if self.mode == "polling":
            wait_polling(self.fake, self.process)
            return
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            assert self.process.alive(), self.process.output()
            try:
                if httpx.get(f"{self.url}/healthz", trust_env=False).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, self.process.output()
            time.sleep(0.1)

    def send(self, update: dict[str, Any]) -> None:
        """Deliver an update the way Telegram would in this mode."""
        if self.mode == "polling":
            self.fake.push(update)
            return
        response = httpx.post(
            f"{self.url}/telegram",
            json=update,
            headers={"X-Telegram-Bot-Api-Secret-Token": SECRET},
            trust_env=False,
            timeout=10.0,
        )
        assert response.status_code == 200, (response.status_code, self.process.output())

    def talk(self, update: dict[str, Any], chat: int) -> str:
        """Send and wait for the answer (before the crash, when sends are answered)."""
        if self.mode == "polling":
            return say(self.fake, update, chat, self.process)
        before = len(self.fake.sent(chat))
        self.send(update)
        self.fake.wait_for(
            lambda: len(self.fake.sent(chat)) > before, ANSWER_SECONDS, self.process.output()
        )
        return self.fake.sent(chat)[-1].text


def reference_of(text: str) -> str:
    return text.split("<b>")[1].split("</b>")[0]


@pytest.mark.parametrize("mode", ["polling", "webhook"])
async def test_updates_in_flight_at_a_kill_are_applied_once_and_answered(
    mode: str, tmp_path: Path, fake: FakeTelegram, bots: Bots
) -> None:
    database = tmp_path / "bpu.db"
    updates = Updates()
    first = Bot(mode, fake, bots, database, "first")
    first.wait_ready()

    # Before the crash: ten registrations to decide, ten workers at the NIK question, all at
    # once (the bot paces each chat to Telegram's one message a second, as it would at an event).
    loop = asyncio.get_running_loop()
    people = ThreadPoolExecutor(max_workers=len(APPLICANTS) + len(TYPISTS))

    async def talk(update: dict[str, Any], user: int) -> str:
        return await loop.run_in_executor(people, first.talk, update, user)

    async def register(i: int, user: int) -> str:
        for update, marker in registration(updates, user, nik(i + 1)):
            answer = await talk(update, user)
            assert marker in answer, answer
        return reference_of(answer)

    async def to_nik(user: int) -> None:
        await talk(updates.text(user, "/start"), user)
        assert "Langkah 1" in await talk(updates.press(user, "consent:yes"), user)

    with people:
        references = await asyncio.gather(*(register(i, u) for i, u in enumerate(APPLICANTS)))
        await asyncio.gather(*(to_nik(user) for user in TYPISTS))

    # The crash: every reply is held; the updates arrive and are applied or queued; kill -9.
    fake.hold_all_sends()
    decisions = [
        updates.text(OFFICER, f"/setujui {reference} {KPJ_BASE + k}")
        for k, reference in enumerate(references)
    ]
    answers = [updates.text(user, nik(100 + k)) for k, user in enumerate(TYPISTS)]
    for update in [*decisions, *answers]:
        await asyncio.to_thread(first.send, update)
    if mode == "webhook":  # Telegram (or a balancer) delivers the officer's commands again
        for update in decisions:
            await asyncio.to_thread(first.send, update)
    # Every typist's answer was applied and its reply is in the air; the officer's first
    # decision too, the nine others wait behind it in the officer's chat.
    fake.wait_for(
        lambda: len(fake.held()) >= len(TYPISTS) + 1, ANSWER_SECONDS, first.process.output()
    )
    first.process.kill()

    # The restart.
    fake.disarm()
    second = Bot(mode, fake, bots, database, "second")
    second.wait_ready()

    def everyone_answered() -> bool:
        assert second.process.alive(), second.process.output()
        approvals = all(any(APPROVED in c.text for c in fake.sent(user)) for user in APPLICANTS)
        return approvals and all("Dari NIK" in fake.sent(user)[-1].text for user in TYPISTS)

    fake.wait_for(everyone_answered, 30.0, f"answers after the restart\n{second.process.output()}")

    # Each worker's answer applied exactly once: they are at the next question, their NIK kept.
    for k, user in enumerate(TYPISTS):
        state = conversation(database, user)
        assert state["step"] == "nik_confirm" and state["answers"]["nik"] == nik(100 + k)
        assert not [c for c in fake.sent(user) if "Pilih salah satu" in c.text]
    # Each decision applied exactly once: one audit row and one notice per submission.
    rows = query(database, "SELECT reference, status, kpj FROM submissions ORDER BY reference")
    assert [(r, s) for r, s, _ in rows] == [(r, "disetujui") for r in sorted(references)]
    audits = query(database, "SELECT reference FROM audit WHERE action = 'disetujui'")
    assert sorted(r for (r,) in audits) == sorted(references)
    notices = query(database, "SELECT reference FROM outbox WHERE reference IS NOT NULL")
    assert sorted(r for (r,) in notices) == sorted(references)
    for user in APPLICANTS:
        assert len([c for c in fake.sent(user) if APPROVED in c.text]) == 1
    # Nothing is left unanswered in the inbox.
    fake.wait_for(
        lambda: query(database, "SELECT count(*) FROM inbox WHERE answered_at IS NULL") == [(0,)],
        10.0,
        "the inbox to be answered",
    )
    assert second.process.terminate() == 0, second.process.output()
