"""The browser tests' shared fixtures: the web desk served on a real port, and a page of
Debian's headless Chromium driven by Playwright."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from bot.settings import Settings
from handlers.server import serve_on
from handlers.telegram.app import services_of
from handlers.web.app import WebDesk, web_app
from tests.conftest import Telegram
from tests.web_desk import desk_settings

CHROMIUM = Path("/usr/bin/chromium")

try:
    from playwright.async_api import Page, async_playwright
except ImportError:  # pragma: no cover - the dev extras install it
    async_playwright = None  # type: ignore[assignment]

MISSING = (
    "Playwright is not installed"
    if async_playwright is None
    else f"{CHROMIUM} is missing (apt-get install chromium chromium-driver)"
    if not CHROMIUM.exists()
    else ""
)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def port() -> int:
    return free_port()


@pytest.fixture
def settings(database_url: str, port: int) -> Settings:
    return desk_settings(database_url, f"http://127.0.0.1:{port}")


@pytest.fixture
async def desk_url(telegram: Telegram, settings: Settings, port: int) -> AsyncIterator[str]:
    """The web desk served on a real port by this process, as ``run`` serves it."""
    services = services_of(telegram.app)
    desk = WebDesk(telegram.repo, services.desk, settings, services.clock)
    stop = asyncio.Event()
    serving = asyncio.create_task(serve_on(web_app(desk), "127.0.0.1", port, stop))
    url = f"http://127.0.0.1:{port}"
    async with httpx.AsyncClient() as client:
        for _ in range(100):
            try:
                await client.get(f"{url}/static/desk.css")
                break
            except httpx.TransportError:
                await asyncio.sleep(0.05)
    yield url
    stop.set()
    await serving


@pytest.fixture
async def page() -> AsyncIterator[Page]:
    assert async_playwright is not None, MISSING
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox"]
        )
        context = await browser.new_context(viewport={"width": 1366, "height": 768})
        yield await context.new_page()
        await browser.close()
