"""Actions per decision, chat against the web desk (docs/web-desk.md): the same officer clears
the same kind of queue (half approved, a quarter rejected with a preset reason, a quarter sent
back for the name with a preset note) once in chat and once in Chromium, and every action made
from an opened card until the decision is sent is counted.

Counted in chat: each button tapped and each message typed. Counted in the browser: each click,
each key pressed, and each value typed into a field (one, as a typed message is one in chat).
Opening a card is not counted on either side (a tap on the queue in chat; on the web the next
card opens by itself after a decision).
"""

from __future__ import annotations

from collections import Counter

import pytest

from bot.domain import Role
from bot.settings import Settings
from tests.browser.conftest import MISSING
from tests.conftest import Telegram, query
from tests.databases import in_ci
from tests.web_desk import PETUGAS, add_officer, seed

PETUGAS_CHAT = int(PETUGAS.removeprefix("tg:"))
SUBMISSIONS = 100
PLAN = ("approve", "approve", "reject", "fix")  # decision i is PLAN[i % 4]

if MISSING and not in_ci():
    pytest.skip(f"browser tests skipped: {MISSING}", allow_module_level=True)

from playwright.async_api import Page, expect  # noqa: E402  (installed: not skipped)

from tests.browser.test_desk_browser import sign_in_by_link  # noqa: E402


@pytest.fixture
def backend() -> str:
    """One backend: the count of actions does not depend on storage (a long test)."""
    return "sqlite"


def kpj(index: int) -> str:
    return f"{index + 1:011d}"


async def clear_in_chat(telegram: Telegram, references: list[str]) -> Counter[str]:
    """Each card opened from the queue's button, then decided with buttons and typed words."""
    actions: Counter[str] = Counter()
    user = PETUGAS_CHAT

    async def tap(data: str, kind: str) -> None:
        actions[kind] += 1
        await telegram.press(user, data)

    async def typed(text: str, kind: str) -> None:
        actions[kind] += 1
        await telegram.text(user, text)

    for index, reference in enumerate(references):
        await telegram.press(user, f"off:lihat:{reference}")  # opening the card: not counted
        kind = PLAN[index % len(PLAN)]
        if kind == "approve":
            await tap(f"off:d_setujui:{reference}", kind)
            await typed(kpj(index), kind)
        elif kind == "reject":
            await tap(f"off:d_tolak:{reference}", kind)
            await tap("off:d_alasan:0", kind)
        else:
            await tap(f"off:d_perbaikan:{reference}", kind)
            await tap("off:d_bagian:name", kind)
            await tap("off:d_lanjut:", kind)
            await tap("off:d_alasan:0", kind)
        await tap("off:d_kirim:", kind)
    return actions


async def clear_on_the_web(page: Page, references: list[str]) -> Counter[str]:
    """The first card opened from the queue, then each decision by keyboard or two clicks; the
    next card opens by itself."""
    actions: Counter[str] = Counter()
    await page.keyboard.press("j")  # opening the first card: not counted
    await page.keyboard.press("Enter")
    for index, reference in enumerate(references):
        await page.wait_for_url(f"**/pendaftaran/{reference}")
        kind = PLAN[index % len(PLAN)]
        if kind == "approve":
            await expect(page.locator("#kpj")).to_be_focused()  # a waiting card opens there
            await page.keyboard.type(kpj(index))  # one typed value
            await page.keyboard.press("Enter")
            actions[kind] += 2
        elif kind == "reject":
            await page.keyboard.press("r")
            await page.keyboard.press("Enter")  # the first preset reason, already picked
            actions[kind] += 2
        else:
            await page.check("#fix input[value=nama]")
            await page.click("#fix button[type=submit]")  # the first preset note
            actions[kind] += 2
    await page.wait_for_url("**/antrean")
    return actions


def decided(settings: Settings, references: list[str]) -> Counter[str]:
    wanted = set(references)
    rows = query(settings, "SELECT reference, status FROM submissions")
    return Counter(status for reference, status in rows if reference in wanted)


async def test_browser_the_web_desk_takes_fewer_actions_per_decision_than_chat(
    telegram: Telegram, settings: Settings, desk_url: str, page: Page
) -> None:
    now = telegram.now()
    await add_officer(telegram.repo, PETUGAS, Role.PETUGAS, ("Yogyakarta",), now)
    shares = Counter(PLAN[i % len(PLAN)] for i in range(SUBMISSIONS))
    expected = {
        "disetujui": shares["approve"],
        "ditolak": shares["reject"],
        "perlu_perbaikan": shares["fix"],
    }

    in_chat = await seed(telegram.repo, SUBMISSIONS, now)
    chat = await clear_in_chat(telegram, in_chat)
    assert decided(settings, in_chat) == expected

    on_web = await seed(telegram.repo, SUBMISSIONS, now, first=SUBMISSIONS + 1)
    await sign_in_by_link(page, telegram)
    web = await clear_on_the_web(page, on_web)
    assert decided(settings, on_web) == expected
    # Both queues' workers are told, through the outbox, the same way.
    delivered = 0
    while sent := await telegram.deliver():
        delivered += sent
    assert delivered == 2 * SUBMISSIONS

    per_decision = {kind: (chat[kind] / shares[kind], web[kind] / shares[kind]) for kind in shares}
    assert per_decision == {"approve": (3, 2), "reject": (3, 2), "fix": (5, 2)}
    assert sum(web.values()) < sum(chat.values())
