"""Rosters on the web desk in a real browser (Debian's headless Chromium driven by Playwright;
skipped as tests/browser/test_desk_browser.py is when either is missing): a supervisor imports
the sample roster with the form, downloads the per-row report, and invites the roster on
WhatsApp after the confirmation page."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import TYPE_CHECKING

from openpyxl import load_workbook

from bot.domain import Role
from bot.settings import Settings
from tests.browser.test_desk_browser import SAMPLES
from tests.browser.test_sponsor_browser import download
from tests.conftest import Telegram, query
from tests.web_desk import a_sponsor, add_officer, make_sponsor

if TYPE_CHECKING:
    from playwright.async_api import Page

SUPERVISOR = 7002
SAMPLE = SAMPLES / "roster.csv"


async def test_browser_a_supervisor_imports_a_roster_and_invites_it(
    telegram: Telegram, settings: Settings, desk_url: str, page: Page, tmp_path: Path
) -> None:
    now = telegram.now()
    await add_officer(telegram.repo, f"tg:{SUPERVISOR}", Role.SUPERVISOR, ("Yogyakarta",), now)
    sponsor = await make_sponsor(telegram.repo, a_sponsor("Pemkab Kulon Progo 2026"), now)
    await telegram.text(SUPERVISOR, "/masuk")
    link = re.search(r"http://\S+/masuk/\S+", telegram.request.last_text(SUPERVISOR))
    assert link
    await page.goto(link[0])
    await page.click("#sign-in")
    await page.wait_for_url("**/antrean")

    await page.click("header a[href='/roster']")
    await page.select_option("#sponsor", str(sponsor))
    await page.fill("#agreement", "PKS 12/2026")
    await page.check("#whatsapp")
    await page.set_input_files("#file", str(SAMPLE))
    await page.click("#import-submit")
    answer = await page.text_content("#answer") or ""
    assert "4 diimpor, 0 ditolak" in answer and "Belum ada yang dikirim" in answer
    report = await download(page, "#report", tmp_path)
    rows = list(load_workbook(io.BytesIO(report.read_bytes())).active.iter_rows(values_only=True))
    assert rows[1][:2] == (2, "3401********0001")

    await page.click("#back")
    roster = int(query(settings, "SELECT max(id) FROM rosters")[0][0])
    counts = await page.text_content(f"#roster-{roster} .counts") or ""
    assert "diimpor 4" in counts
    SAMPLES.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(SAMPLES / "desk-rosters.png"), full_page=True)
    slips = await download(page, f"#roster-{roster} .slips", tmp_path)
    assert slips.read_bytes().startswith(b"%PDF")

    await page.click(f"#roster-{roster} .invite")
    asked = await page.text_content("#answer") or ""
    assert "Undang 3 orang" in asked
    invitations = "SELECT count(*) FROM outbox WHERE reference LIKE 'roster:%'"
    assert query(settings, invitations) == [(0,)]  # the page only asks
    await page.click("#invite-yes")
    assert "3 undangan WhatsApp" in (await page.text_content("#answer") or "")
    assert query(settings, invitations) == [(3,)]
