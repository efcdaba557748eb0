"""The webhook's ASGI app in-process: secret check, route → update_queue → handlers, /healthz.

The Application is started, so updates go the real way: the route puts them on the update queue
and PTB's update fetcher hands them to the handlers (no ``process_update`` shortcut).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from pydantic import SecretStr
from telegram.ext import Application

from bot.messages import Msg, Reply
from bot.settings import Settings
from handlers.telegram.app import build_application
from handlers.telegram.webhook import SECRET_HEADER, webhook_app, webhook_target
from storage import open_repository
from storage.backends import AnyRepository
from tests.conftest import WORKER, query
from tests.fakes import SHOWN, RecordingRequest, Updates

SECRET = "s3cret_token-for-tests"
STRANGER = 6006
ANSWER_SECONDS = 5.0


@dataclass
class Hook:
    """A started Application behind its webhook app, reached without a port."""

    app: Application  # type: ignore[type-arg]
    request: RecordingRequest
    client: httpx.AsyncClient
    repo: AnyRepository
    updates: Updates

    async def post(self, data: Any, secret: str | bytes | None = SECRET) -> httpx.Response:
        if isinstance(secret, str):
            secret = secret.encode()
        headers = {SECRET_HEADER.encode(): secret} if secret is not None else {}
        return await self.client.post("/telegram", json=data, headers=headers)

    async def answers(self, chat: int, count: int) -> list[str]:
        """Wait (bounded) until ``count`` messages were sent to ``chat``; their texts."""
        deadline = asyncio.get_running_loop().time() + ANSWER_SECONDS
        while len(self.request.sent(chat)) < count:
            assert asyncio.get_running_loop().time() < deadline, f"no answer to {chat}"
            await asyncio.sleep(0.01)
        return [str(c.params["text"]) for c in self.request.sent(chat)]

    async def settle(self) -> None:
        """Stop the Application: every update already queued has been handled afterwards."""
        if self.app.running:
            await self.app.stop()


@pytest.fixture
def hook_settings(settings: Settings) -> Settings:
    return settings.model_copy(
        update={
            "webhook_url": "https://bot.example.org/telegram",
            "webhook_secret": SecretStr(SECRET),
        }
    )


@pytest.fixture
async def hook(hook_settings: Settings) -> AsyncIterator[Hook]:
    repo = await open_repository(hook_settings.database_url)
    request = RecordingRequest()
    app = build_application(hook_settings, repo, request=request, rate_limiter=False)
    transport = httpx.ASGITransport(app=webhook_app(app, hook_settings))
    async with app, httpx.AsyncClient(transport=transport, base_url="http://bot.test") as client:
        await app.start()
        try:
            yield Hook(app, request, client, repo, Updates())
        finally:
            if app.running:
                await app.stop()
    await repo.close()


async def test_no_secret_header_is_refused_and_nothing_is_handled(
    hook: Hook, hook_settings: Settings
) -> None:
    response = await hook.post(hook.updates.text(STRANGER, "/start"), secret=None)
    assert response.status_code == 403
    # A good update after it: once it is answered and the queue drained, the refused one
    # would have been handled too had it been queued.
    assert (await hook.post(hook.updates.text(WORKER, "/start"))).status_code == 200
    await hook.answers(WORKER, 1)
    await hook.settle()
    assert hook.request.sent(STRANGER) == []
    assert query(hook_settings, "SELECT user_id FROM conversations") == [(str(WORKER),)]


async def test_a_wrong_secret_is_refused(hook: Hook) -> None:
    for wrong in ("", "s3cret", SECRET + "x", SECRET.upper(), "sëcret".encode()):
        response = await hook.post(hook.updates.text(STRANGER, "/start"), secret=wrong)
        assert response.status_code == 403, wrong
    await hook.settle()
    assert hook.request.sent(STRANGER) == []


async def test_an_update_with_the_secret_reaches_the_flow(
    hook: Hook, hook_settings: Settings
) -> None:
    response = await hook.post(hook.updates.text(WORKER, "/start"))
    assert response.status_code == 200
    (greeting,) = await hook.answers(WORKER, 1)
    assert "Selamat datang" in greeting
    assert (await hook.post(hook.updates.press(WORKER, "consent:yes"))).status_code == 200
    texts = await hook.answers(WORKER, 2)
    assert "Langkah 1 dari 11" in texts[1]
    assert [c.method for c in hook.request.calls if c.method not in SHOWN] == [
        "answerCallbackQuery"
    ]
    await hook.settle()
    assert query(hook_settings, "SELECT step FROM conversations") == [("nik",)]


async def test_malformed_bodies_are_refused(hook: Hook) -> None:
    headers = {SECRET_HEADER: SECRET, "Content-Type": "application/json"}
    for body in (b"{not json", b"[1, 2]", b'"text"', b'{"message": {}}'):
        response = await hook.client.post("/telegram", content=body, headers=headers)
        assert response.status_code == 400, body
    assert (await hook.client.get("/telegram")).status_code == 405
    await hook.settle()
    assert hook.request.sent() == []


async def test_healthz_reports_the_outbox_backlog(hook: Hook) -> None:
    await hook.settle()  # no delivery loop: the backlog stays as written
    health = (await hook.client.get("/healthz")).json()
    assert health == {
        "database": "ok",
        "outbox_pending": 0,
        "inbox_unanswered": 0,
        "inbox_set_aside": 0,
    }
    notice = Reply(parts=(Msg("Pendaftaran disetujui."),))
    async with hook.repo.officer() as session:
        for user in (WORKER, STRANGER):
            await session.notify("tg", str(user), notice, "BPU-2026-000001", datetime.now(UTC))
    response = await hook.client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "database": "ok",
        "outbox_pending": 2,
        "inbox_unanswered": 0,
        "inbox_set_aside": 0,
    }


async def test_healthz_fails_when_the_database_does_not_answer(hook: Hook) -> None:
    await hook.settle()
    await hook.repo.close()
    response = await hook.client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"database": "unavailable"}


def test_the_path_comes_from_the_webhook_url(hook_settings: Settings) -> None:
    def target(url: str) -> tuple[str, str]:
        return webhook_target(hook_settings.model_copy(update={"webhook_url": url}))

    assert target("https://bot.example.org/tg/hook") == (
        "https://bot.example.org/tg/hook",
        "/tg/hook",
    )
    assert target("https://bot.example.org") == ("https://bot.example.org/telegram", "/telegram")
    assert target("https://bot.example.org/") == ("https://bot.example.org/telegram", "/telegram")
    assert target("") == ("/telegram", "/telegram")
