"""The web desk in a real browser: Debian's headless Chromium driven by Playwright, against the
desk served by uvicorn on a real port, the chat side on the recording fake Bot API.

Skipped with one line when Chromium or Playwright is missing, except under CI=true (.ci/run
installs Debian's chromium and chromium-driver), where that fails.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from bot.domain import Role
from bot.settings import Settings
from tests.browser.conftest import MISSING
from tests.conftest import Telegram, query
from tests.databases import in_ci
from tests.web_desk import PETUGAS, add_officer, seed

SAMPLES = Path(__file__).resolve().parents[2] / "docs" / "samples"
PETUGAS_CHAT = int(PETUGAS.removeprefix("tg:"))
KPJ = "12345678901"

if MISSING and not in_ci():
    pytest.skip(f"browser tests skipped: {MISSING}", allow_module_level=True)

from playwright.async_api import Page, expect  # noqa: E402  (installed: not skipped)


async def sign_in_by_link(page: Page, telegram: Telegram) -> None:
    """/masuk in chat, the link opened, the button pressed."""
    await telegram.text(PETUGAS_CHAT, "/masuk")
    link = re.search(r"http://\S+/masuk/\S+", telegram.request.last_text(PETUGAS_CHAT))
    assert link, telegram.request.last_text(PETUGAS_CHAT)
    await page.goto(link[0])
    await page.click("#sign-in")
    await page.wait_for_url("**/antrean")


async def status_of(page: Page, path: str) -> int:
    response = await page.goto(path)
    assert response is not None
    return response.status


async def test_browser_an_officer_signs_in_by_link_and_clears_the_queue(
    telegram: Telegram, settings: Settings, desk_url: str, page: Page
) -> None:
    now = telegram.now()
    await add_officer(telegram.repo, PETUGAS, Role.PETUGAS, ("Yogyakarta",), now)
    references = await seed(telegram.repo, 6, now)
    (theirs,) = await seed(telegram.repo, 1, now, branch="Surabaya", first=40)

    await sign_in_by_link(page, telegram)
    assert await page.locator("#queue tbody tr").count() == 6
    await expect(page.locator("#waiting")).to_have_text("6 menunggu")  # the live count
    SAMPLES.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(SAMPLES / "desk-queue.png"), full_page=True)

    # j picks the first row, Enter opens it.
    await page.keyboard.press("j")
    await page.keyboard.press("Enter")
    await page.wait_for_url(f"**/pendaftaran/{references[0]}")
    await page.screenshot(path=str(SAMPLES / "desk-card.png"), full_page=True)

    # A form without its CSRF token is refused, and decides nothing.
    await page.locator("#approve input[name=csrf]").evaluate("field => field.remove()")
    await page.fill("#kpj", KPJ)
    async with page.expect_response(re.compile(r".*/setujui$")) as refused:
        await page.press("#kpj", "Enter")
    assert (await refused.value).status == 403
    assert await status_of(page, f"{desk_url}/pendaftaran/{references[0]}") == 200

    # Two approved (a, the KPJ, Enter), two rejected (r, a reason), two sent back.
    for index in range(6):
        await page.wait_for_url(f"**/pendaftaran/{references[index]}")
        if index < 2:
            await page.keyboard.press("a")
            await page.keyboard.type(KPJ)
            await page.keyboard.press("Enter")
        elif index < 4:
            await page.keyboard.press("r")
            await page.select_option("#reason", "1")
            await page.click("#reject button[type=submit]")
        else:
            await page.check("#fix input[value=nama]")
            await page.click("#fix button[type=submit]")
    await page.wait_for_url("**/antrean")
    assert await page.locator("#queue tbody tr").count() == 0

    statuses = query(settings, "SELECT status FROM submissions WHERE branch = 'Yogyakarta'")
    assert sorted(s for (s,) in statuses) == sorted(
        ["disetujui"] * 2 + ["ditolak"] * 2 + ["perlu_perbaikan"] * 2
    )
    # The workers hear of it as from chat: through the outbox, to the fake Bot API.
    assert await telegram.deliver() == 6
    first_notice = telegram.request.last_text(1)
    assert KPJ in first_notice and references[0] in first_notice

    # Another branch's submission does not exist for this officer.
    assert await status_of(page, f"{desk_url}/pendaftaran/{theirs}") == 404


async def test_browser_a_demoted_officers_next_click_is_refused(
    telegram: Telegram, settings: Settings, desk_url: str, page: Page
) -> None:
    now = telegram.now()
    await add_officer(telegram.repo, PETUGAS, Role.PETUGAS, ("Yogyakarta",), now)
    (reference,) = await seed(telegram.repo, 1, now)
    await sign_in_by_link(page, telegram)
    await page.goto(f"{desk_url}/pendaftaran/{reference}")
    await add_officer(telegram.repo, PETUGAS, Role.PETUGAS, ("Surabaya",), now)
    await page.fill("#kpj", KPJ)
    async with page.expect_response(re.compile(r".*/setujui$")) as refused:
        await page.press("#kpj", "Enter")
    # Refused: 403 when this click is the first request to see the change; 401 when the page's
    # own count request saw it first and ended the session already.
    assert (await refused.value).status in (401, 403)
    assert await page.locator("#message").count() == 1
    rows: list[Any] = query(settings, "SELECT status FROM submissions")
    assert rows == [("diajukan",)]


async def test_browser_pasted_kpj_pairs_are_previewed_then_applied(
    telegram: Telegram, settings: Settings, desk_url: str, page: Page
) -> None:
    now = telegram.now()
    await add_officer(telegram.repo, PETUGAS, Role.PETUGAS, ("Yogyakarta",), now)
    first, second = await seed(telegram.repo, 2, now)
    await sign_in_by_link(page, telegram)
    await page.goto(f"{desk_url}/tempel")
    await page.fill("#pairs", f"{first}\t{KPJ}\n{second} 10987654321\n")
    await page.click("#paste button[type=submit]")
    assert await page.locator("#preview tr.ready").count() == 2
    assert query(settings, "SELECT count(*) FROM submissions WHERE kpj IS NOT NULL") == [(0,)]
    await page.click("#apply button[type=submit]")
    await page.wait_for_selector("#answer")
    kpjs = query(settings, "SELECT reference, kpj FROM submissions ORDER BY id")
    assert kpjs == [(first, KPJ), (second, "10987654321")]
