"""Printable invitation slips: 8 to an A4 page (2 columns, 4 rows), cut along the dashed lines.

Each slip carries the worker's name as the roster lists it, their personal code in large type
(typed by hand where no camera works), a QR code of the Telegram link ``t.me/<bot>?start=<code>``
and, when WhatsApp is set up, one of ``wa.me/<number>?text=DAFTAR%20<code>``, which opens the
chat with the message filled in. Telegram cannot write first, so on Telegram a slip is the
invitation. Pure: rows in, PDF bytes (or page images) out; no network, no clock.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from urllib.parse import quote

from PIL import Image, ImageDraw

from bot.charts import fit, line_height
from bot.i18n import N_, translate
from bot.poster import qr_image
from bot.rosters import SlipRow

PAGE_WIDTH = 1240  # A4 portrait at 150 dpi, as the event poster
PAGE_HEIGHT = 1754
COLUMNS, ROWS = 2, 4
PER_PAGE = COLUMNS * ROWS
SLIP_WIDTH = PAGE_WIDTH // COLUMNS
SLIP_HEIGHT = PAGE_HEIGHT // ROWS
QR_PX = 200  # about 3.4 cm printed: scanned from a hand's length
_PAD = 24
_INK = "#1f2933"
_MUTED = "#4b5563"
_GREEN = "#00843d"
TITLE = N_("Undangan daftar BPJS Ketenagakerjaan")
CODE_LABEL = N_("Kode undangan: {code}")
HINT = N_("Pindai salah satu kode QR, atau kirim DAFTAR {code} lewat WhatsApp.")
TELEGRAM_HINT = N_("Pindai kode QR, atau buka Telegram dan ketik /start {code}.")


def telegram_link(bot_username: str, code: str) -> str:
    """The deep link that opens the bot on Telegram with the code."""
    return f"https://t.me/{bot_username}?start={code}"


def whatsapp_link(number: str, code: str) -> str:
    """The wa.me link that opens the chat with "DAFTAR <code>" filled in."""
    return f"https://wa.me/{number}?text={quote('DAFTAR ' + code)}"


def _slip(
    draw: ImageDraw.ImageDraw,
    page: Image.Image,
    left: int,
    top: int,
    slip: SlipRow,
    bot_username: str,
    whatsapp_number: str,
    lang: str,
) -> None:
    width = SLIP_WIDTH - 2 * _PAD
    y = top + _PAD
    face, lines = fit(translate(TITLE, lang), width, (26, 24, 22), 1, bold=True)
    draw.text((left + _PAD, y), lines[0], font=face, fill=_GREEN)
    y += line_height(face) + 8
    face, lines = fit(slip.name, width, (34, 30, 26, 22), 1, bold=True)
    draw.text((left + _PAD, y), lines[0], font=face, fill=_INK)
    y += line_height(face) + 6
    code_text = translate(CODE_LABEL, lang).format(code=slip.code)
    face, lines = fit(code_text, width, (30, 28, 26), 1, bold=True)
    draw.text((left + _PAD, y), lines[0], font=face, fill=_INK)
    y += line_height(face) + 10
    codes = [("Telegram", telegram_link(bot_username, slip.code))]
    if whatsapp_number:
        codes.append(("WhatsApp", whatsapp_link(whatsapp_number, slip.code)))
    x = left + _PAD
    label_face, _ = fit("WhatsApp", QR_PX, (20,), 1, bold=True)
    for label, url in codes:
        qr = qr_image(url, QR_PX)
        page.paste(qr, (x, y))
        draw.text(
            (x + qr.width // 2, y + qr.height), label, font=label_face, fill=_INK, anchor="ma"
        )
        x += qr.width + _PAD
    hint = translate(HINT if whatsapp_number else TELEGRAM_HINT, lang).format(code=slip.code)
    hint_width = left + SLIP_WIDTH - _PAD - x
    if hint_width > 120:
        face, lines = fit(hint, hint_width, (20, 18, 16), 6)
        for index, line in enumerate(lines):
            draw.text((x, y + index * line_height(face)), line, font=face, fill=_MUTED)


def _cut_lines(draw: ImageDraw.ImageDraw) -> None:
    """Dashed lines between the slips."""
    for column in range(1, COLUMNS):
        x = column * SLIP_WIDTH
        for y in range(0, PAGE_HEIGHT, 24):
            draw.line([(x, y), (x, y + 12)], fill=_MUTED, width=1)
    for row in range(1, ROWS):
        y = row * SLIP_HEIGHT
        for x in range(0, PAGE_WIDTH, 24):
            draw.line([(x, y), (x + 12, y)], fill=_MUTED, width=1)


def slip_pages(
    slips: Sequence[SlipRow], bot_username: str, whatsapp_number: str = "", lang: str = "id"
) -> list[Image.Image]:
    """The pages, 8 slips each, as images."""
    pages: list[Image.Image] = []
    for start in range(0, len(slips), PER_PAGE):
        page = Image.new("RGB", (PAGE_WIDTH, PAGE_HEIGHT), "white")
        draw = ImageDraw.Draw(page)
        for index, slip in enumerate(slips[start : start + PER_PAGE]):
            row, column = divmod(index, COLUMNS)
            left, top = column * SLIP_WIDTH, row * SLIP_HEIGHT
            _slip(draw, page, left, top, slip, bot_username, whatsapp_number, lang)
        _cut_lines(draw)
        pages.append(page)
    return pages


def slips_pdf(
    slips: Sequence[SlipRow], bot_username: str, whatsapp_number: str = "", lang: str = "id"
) -> bytes:
    """The slips as a printable PDF, A4 pages at 150 dpi."""
    pages = slip_pages(slips, bot_username, whatsapp_number, lang)
    out = io.BytesIO()
    if pages:
        pages[0].save(out, "PDF", save_all=True, append_images=pages[1:], resolution=150.0)
    return out.getvalue()
