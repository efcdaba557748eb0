"""A sponsor's representative and an officer's reports on the web desk in a real browser
(Debian's headless Chromium driven by Playwright; skipped as tests/browser/test_desk_browser.py
is when either is missing)."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import TYPE_CHECKING

from openpyxl import load_workbook

from bot.domain import Role
from bot.settings import Settings
from tests.browser.test_desk_browser import SAMPLES, sign_in_by_link, status_of
from tests.conftest import OFFICER, Telegram, query
from tests.web_desk import (
    PETUGAS,
    REPRESENTATIVE,
    a_sponsor,
    add_officer,
    make_sponsor,
    seed,
    sponsored,
)

if TYPE_CHECKING:
    from playwright.async_api import Page


def niks(path: Path) -> list[str]:
    rows = list(load_workbook(io.BytesIO(path.read_bytes())).active.iter_rows(values_only=True))
    column = next(i for i, h in enumerate(rows[0]) if str(h).strip().upper() == "NIK")
    return [str(row[column]) for row in rows[1:]]


async def download(page: Page, button: str, folder: Path) -> Path:
    async with page.expect_download() as started:
        await page.click(button)
    saved = folder / (await started.value).suggested_filename
    await (await started.value).save_as(saved)
    return saved


async def test_browser_a_representative_sees_only_their_sponsor_and_loses_access_mid_session(
    telegram: Telegram, settings: Settings, desk_url: str, page: Page, tmp_path: Path
) -> None:
    now = telegram.now()
    ours = a_sponsor("Pemkab Kulon Progo 2026")
    ours_id = await make_sponsor(telegram.repo, ours, now)
    other = a_sponsor("BAZNAS Bantul")
    other_id = await make_sponsor(telegram.repo, other, now)
    await sponsored(telegram.repo, 1, ours, ours_id, now, approve=True)
    await sponsored(telegram.repo, 2, ours, ours_id, now, income=3_500_000, approve=True)
    await sponsored(telegram.repo, 3, ours, ours_id, now)
    await sponsored(telegram.repo, 4, other, other_id, now, approve=True)
    chat = await telegram.text(OFFICER, "/sponsor")
    line = next(s for s in chat.split("\n") if "Pemkab Kulon Progo 2026" in s)
    figures = re.search(
        r"terdaftar (\d+) dari kuota \d+ · disetujui (\d+) · tagihan (Rp[\d.]+)", line
    )
    assert figures, line

    granted = await telegram.text(OFFICER, f"/akses_sponsor {ours_id} {REPRESENTATIVE} Bu Rina")
    access = re.search(r"cabut (\d+)\)", granted)
    assert access, granted
    await telegram.text(REPRESENTATIVE, "/masuk")
    link = re.search(r"http://\S+/masuk/\S+", telegram.request.last_text(REPRESENTATIVE))
    assert link
    await page.goto(link[0])
    await page.click("#sign-in")
    await page.wait_for_url(f"**/program/{ours_id}")
    shown = [await page.text_content(f"#{k}") for k in ("taken", "approved", "bill")]
    assert shown == list(figures.groups())  # the numbers /sponsor gives in chat
    assert "BAZNAS" not in await page.content()
    SAMPLES.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(SAMPLES / "desk-sponsor.png"), full_page=True)

    masked = niks(await download(page, "#download-masked", tmp_path))
    assert len(masked) == 3 and all("*" in n for n in masked)
    assert await page.locator("#download-full").count() == 0
    await telegram.text(OFFICER, f"/sponsor_nik {ours_id} PKS-12/2026")
    await page.reload()
    full = niks(await download(page, "#download-full", tmp_path))
    assert len(full) == 3 and all(len(n) == 16 and "*" not in n for n in full)
    audited = query(settings, "SELECT actor, action FROM audit WHERE action LIKE 'unduh%'")
    assert audited == [
        (f"tg:{REPRESENTATIVE}", "unduh_sponsor"),
        (f"tg:{REPRESENTATIVE}", "unduh_sponsor_nik_lengkap"),
    ]

    assert await status_of(page, f"{desk_url}/program/{other_id}") == 404
    assert await status_of(page, f"{desk_url}/antrean") == 404
    assert await status_of(page, f"{desk_url}/statistik") == 404
    await page.goto(f"{desk_url}/program/{ours_id}")

    await telegram.text(OFFICER, f"/akses_sponsor cabut {access[1]}")
    async with page.expect_response(re.compile(r".*/unduh$")) as refused:
        await page.click("#download-masked")
    assert (await refused.value).status == 401
    assert await page.locator("#message").count() == 1
    assert await status_of(page, f"{desk_url}/program/{ours_id}") == 401


async def test_browser_an_officers_statistics_and_audit_pages_are_scoped(
    telegram: Telegram, settings: Settings, desk_url: str, page: Page
) -> None:
    now = telegram.now()
    await add_officer(telegram.repo, PETUGAS, Role.PETUGAS, ("Yogyakarta",), now)
    ours = await seed(telegram.repo, 3, now)
    theirs = await seed(telegram.repo, 2, now, branch="Surabaya", first=40)
    await telegram.text(OFFICER, f"/lihat {theirs[0]}")
    await sign_in_by_link(page, telegram)
    await page.goto(f"{desk_url}/pendaftaran/{ours[0]}")  # viewing is audited

    await page.click("text=Statistik")
    await page.wait_for_url("**/statistik")
    assert "Diajukan: 3" in (await page.text_content("#answer") or "")
    chart = page.locator("#chart")
    await chart.scroll_into_view_if_needed()
    assert await chart.evaluate("img => img.complete && img.naturalWidth > 0")
    await page.screenshot(path=str(SAMPLES / "desk-statistics.png"), full_page=True)

    await page.click("text=Log audit")
    await page.wait_for_url("**/log-audit")
    table = await page.text_content("#audit") or ""
    assert ours[0] in table and theirs[0] not in table
    await page.fill("input[name=action]", "lihat")
    await page.click("#audit-filter")
    rows = page.locator("#audit tbody tr")
    assert await rows.count() == 1
    assert PETUGAS in (await rows.first.text_content() or "")
