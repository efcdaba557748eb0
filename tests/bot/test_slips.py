"""Printable invitation slips (bot/slips.py): 8 to an A4 page, QR codes that decode to the links."""

from __future__ import annotations

import re

import zxingcpp
from PIL import Image

from bot.roster_codes import new_code
from bot.rosters import SlipRow
from bot.slips import PAGE_HEIGHT, PAGE_WIDTH, SLIP_HEIGHT, SLIP_WIDTH, slip_pages, slips_pdf


def decoded(image: Image.Image) -> set[str]:
    return {result.text for result in zxingcpp.read_barcodes(image)}


def test_each_slip_has_a_telegram_and_a_whatsapp_code() -> None:
    slips = [SlipRow(f"Pekerja {i}", new_code()) for i in range(9)]
    pages = slip_pages(slips, "bpu_bot", "6281100001111")
    assert len(pages) == 2
    assert pages[0].size == (PAGE_WIDTH, PAGE_HEIGHT)  # A4 at 150 dpi
    for index, slip in enumerate(slips[:8]):
        row, column = divmod(index, 2)
        box = (
            column * SLIP_WIDTH,
            row * SLIP_HEIGHT,
            (column + 1) * SLIP_WIDTH,
            (row + 1) * SLIP_HEIGHT,
        )
        assert decoded(pages[0].crop(box)) == {
            f"https://t.me/bpu_bot?start={slip.code}",
            f"https://wa.me/6281100001111?text=DAFTAR%20{slip.code}",
        }
    assert decoded(pages[1]) == {
        f"https://t.me/bpu_bot?start={slips[8].code}",
        f"https://wa.me/6281100001111?text=DAFTAR%20{slips[8].code}",
    }


def test_without_whatsapp_only_the_telegram_code_is_printed() -> None:
    slip = SlipRow("Sri Wahyuni", new_code())
    (page,) = slip_pages([slip], "bpu_bot")
    assert decoded(page) == {f"https://t.me/bpu_bot?start={slip.code}"}


def test_the_pdf_has_one_a4_page_per_eight_slips() -> None:
    slips = [SlipRow("Tukiman", new_code()) for _ in range(17)]
    data = slips_pdf(slips, "bpu_bot", "6281100001111")
    assert data.startswith(b"%PDF")
    assert b"/Count 3" in data
    # A4 is 595 x 842 points (210 x 297 mm).
    boxes = re.findall(rb"/MediaBox \[ 0 0 ([0-9.]+) ([0-9.]+) \]", data)
    assert len(boxes) == 3
    assert all(round(float(w)) == 595 and round(float(h)) == 842 for w, h in boxes)
