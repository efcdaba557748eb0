"""QR codes for event links, and the printable A4 event poster (PNG bytes, no network, no clock).

A deployment on Telegram and WhatsApp prints one poster with both codes side by side, each named
by its app: an event hall has one wall, and a worker scans the code of the app they have.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

import segno
from PIL import Image, ImageDraw

from bot.charts import Font, fit, line_height, png_bytes, text_width
from bot.i18n import N_, format_day, translate

TITLE = N_("Daftar BPJS Ketenagakerjaan")
STEPS = (
    N_("Pindai kode QR dengan kamera HP"),
    N_("Tekan Mulai di Telegram lalu jawab pertanyaannya"),
    N_("Simpan nomor pendaftaran Anda"),
)
# The steps when the poster carries both codes (the wa.me link fills in the message to send).
BOTH_APPS_STEPS = (
    N_("Pindai kode QR aplikasi Anda dengan kamera HP"),
    N_("Tekan Kirim di WhatsApp atau Mulai di Telegram, lalu jawab pertanyaannya"),
    STEPS[2],
)
ORGANISER = N_("Penyelenggara: {organiser}")
SPONSOR = N_("Iuran JKK dan JKM dibayar oleh {sponsor}")

# A4 portrait at 150 dpi.
PAGE_WIDTH = 1240
PAGE_HEIGHT = 1754
QR_MIN_PX = 700  # about 12 cm printed: scans from a few metres away
QR_MAX_PX = 900  # bigger only crowds the text
QR_PAIR_MIN_PX = 440  # two codes side by side: about 7.5 cm each, still scans from 1-2 metres
QR_PAIR_GAP = 40  # between the two codes' columns (their quiet zones add to it)
QR_BORDER = 4  # the quiet zone the QR standard asks for, in modules
QR_ERROR = "m"

_MARGIN = 80
_CONTENT = PAGE_WIDTH - 2 * _MARGIN
_BAND_PAD = 40
_MIN_GAP = 24
_STEP_DOT = 60
_STEP_GAP = 18
_STEP_INDENT = 26  # between a step's number disc and its text
_TEXT_SCALES = (1.0, 0.9, 0.8, 0.7, 0.6)
_FLEX_GAPS = 4  # band-headline, headline-QR, URL-steps, steps-band

_GREEN = "#00843d"
_PALE = "#e8f3ec"
_INK = "#1f2933"
_MUTED = "#4b5563"
_WHITE = "#ffffff"

Painter = Callable[[ImageDraw.ImageDraw, Image.Image, int], None]


@dataclass(frozen=True)
class PosterInfo:
    """What a poster announces: the event, its date and place, the link, who runs and pays."""

    event_name: str
    day: date
    place: str
    url: str
    organiser: str
    sponsor: str | None
    whatsapp_url: str | None = None  # the wa.me link: a second QR code beside Telegram's

    @property
    def codes(self) -> tuple[tuple[str, str], ...]:
        """(app, link) of each QR code on the poster, left to right."""
        if self.whatsapp_url is None:
            return (("Telegram", self.url),)
        return (("Telegram", self.url), ("WhatsApp", self.whatsapp_url))


@dataclass(frozen=True)
class _Lines:
    """Wrapped lines of one text in one font and colour."""

    face: Font
    lines: tuple[str, ...]
    fill: str

    @property
    def leading(self) -> int:
        """Distance between two baselines."""
        return round(line_height(self.face) * 1.15)

    @property
    def height(self) -> int:
        """Height of the block, from the first line's top to the last line's bottom."""
        return (len(self.lines) - 1) * self.leading + line_height(self.face)


def _make_qr(url: str) -> segno.QRCode:
    """The QR code for ``url``: always a full QR (phones often cannot read Micro QR), level M+."""
    return segno.make_qr(url, error=QR_ERROR)


def qr_png(url: str, scale: int = 10) -> bytes:
    """``url`` as a QR code PNG, ``scale`` pixels per module, 4-module quiet zone."""
    buffer = io.BytesIO()
    _make_qr(url).save(buffer, kind="png", scale=scale, border=QR_BORDER)
    return buffer.getvalue()


def qr_terminal(url: str) -> str:
    """``url`` as a QR code drawn with block characters, for the terminal chat."""
    buffer = io.StringIO()
    _make_qr(url).terminal(out=buffer, compact=True)
    return buffer.getvalue()


def qr_image(url: str, max_px: int) -> Image.Image:
    """The QR code with its quiet zone, scaled by whole pixels to at most ``max_px`` wide."""
    qr = _make_qr(url)
    modules = int(qr.symbol_size(scale=1, border=QR_BORDER)[0])
    small = Image.new("L", (modules, modules))
    small.putdata([0 if dark else 255 for row in qr.matrix_iter(border=QR_BORDER) for dark in row])
    size = modules * max(1, max_px // modules)
    return small.resize((size, size), Image.Resampling.NEAREST)


def _sizes(largest: int, smallest: int, scale: float) -> list[int]:
    """Font sizes to try, largest first, all multiplied by ``scale``."""
    return [max(8, round(size * scale)) for size in range(largest, smallest - 1, -2)]


def _text(
    text: str,
    sizes: Sequence[int],
    max_lines: int,
    fill: str,
    bold: bool = False,
    width: int = _CONTENT,
) -> _Lines:
    """``text`` fitted into ``width`` and ``max_lines``."""
    face, lines = fit(text, width, sizes, max_lines, bold)
    return _Lines(face, tuple(lines), fill)


def _paint_centred(block: _Lines, centre: int = PAGE_WIDTH // 2) -> Painter:
    """A painter that draws ``block`` centred on x = ``centre`` (the page's middle), starting at
    the y it is given."""

    def paint(draw: ImageDraw.ImageDraw, _image: Image.Image, y: int) -> None:
        for index, line in enumerate(block.lines):
            position = (centre, y + index * block.leading)
            draw.text(position, line, font=block.face, fill=block.fill, anchor="ma")

    return paint


def _steps(lang: str, scale: float, both_apps: bool = False) -> list[_Lines]:
    """The three numbered steps, each wrapped beside its number."""
    width = _CONTENT - _STEP_DOT - _STEP_INDENT
    sizes = _sizes(38, 28, scale)
    steps = BOTH_APPS_STEPS if both_apps else STEPS
    return [_text(translate(step, lang), sizes, 2, _INK, width=width) for step in steps]


def _step_offset(step: _Lines) -> int:
    """How far a step's first line sits below the top of its number disc, to centre the two."""
    return max(0, (_STEP_DOT - line_height(step.face)) // 2)


def _step_height(step: _Lines) -> int:
    """Height of one step row: the disc or the text, whichever reaches lower."""
    return max(_STEP_DOT, _step_offset(step) + step.height)


def _steps_height(steps: Sequence[_Lines]) -> int:
    """Height of the steps block."""
    return sum(_step_height(step) for step in steps) + _STEP_GAP * (len(steps) - 1)


def _paint_steps(steps: Sequence[_Lines]) -> Painter:
    """A painter for the steps: a green disc with the number, the text beside it."""
    number_face = fit("3", _STEP_DOT, [34], 1, bold=True)[0]

    widest = max(text_width(line, step.face) for step in steps for line in step.lines)
    # The block is centred like the rest of the page; the discs stay aligned in one column.
    left = max(_MARGIN, (PAGE_WIDTH - _STEP_DOT - _STEP_INDENT - widest) // 2)

    def paint(draw: ImageDraw.ImageDraw, _image: Image.Image, y: int) -> None:
        text_x = left + _STEP_DOT + _STEP_INDENT
        for number, step in enumerate(steps, start=1):
            draw.ellipse((left, y, left + _STEP_DOT, y + _STEP_DOT), fill=_GREEN)
            centre = (left + _STEP_DOT // 2, y + _STEP_DOT // 2)
            draw.text(centre, str(number), font=number_face, fill=_WHITE, anchor="mm")
            top = y + _step_offset(step)
            for index, line in enumerate(step.lines):
                xy = (text_x, top + index * step.leading)
                draw.text(xy, line, font=step.face, fill=step.fill, anchor="la")
            y += _step_height(step) + _STEP_GAP

    return paint


def _header(lang: str, scale: float) -> _Lines:
    """The white title in the green band at the top."""
    return _text(translate(TITLE, lang), _sizes(64, 40, scale), 1, _WHITE, bold=True)


def _footer(info: PosterInfo, lang: str, scale: float) -> list[_Lines]:
    """Organiser and, when someone pays the contributions, the sponsor line."""
    organiser = translate(ORGANISER, lang).format(organiser=info.organiser)
    blocks = [_text(organiser, _sizes(32, 24, scale), 2, _INK)]
    if info.sponsor:
        sponsor = translate(SPONSOR, lang).format(sponsor=info.sponsor)
        blocks.append(_text(sponsor, _sizes(34, 24, scale), 2, _GREEN, bold=True))
    return blocks


def _stack_height(blocks: Sequence[_Lines]) -> int:
    """Height of text blocks stacked with a small gap."""
    return sum(block.height for block in blocks) + _MIN_GAP // 2 * (len(blocks) - 1)


def _paint_stack(blocks: Sequence[_Lines]) -> Painter:
    """A painter for text blocks centred on the page, one under the other with a small gap."""

    def paint(draw: ImageDraw.ImageDraw, image: Image.Image, y: int) -> None:
        for block in blocks:
            _paint_centred(block)(draw, image, y)
            y += block.height + _MIN_GAP // 2

    return paint


def _headline(info: PosterInfo, lang: str, scale: float) -> list[_Lines]:
    """Event name, date and place."""
    return [
        _text(info.event_name, _sizes(60, 34, scale), 3, _INK, bold=True),
        _text(format_day(info.day, lang), _sizes(40, 30, scale), 1, _INK),
        _text(info.place, _sizes(36, 26, scale), 2, _MUTED),
    ]


def _band_height(blocks: Sequence[_Lines]) -> int:
    """Height of a coloured band holding ``blocks``."""
    return _stack_height(blocks) + 2 * _BAND_PAD


def _paint_band(
    draw: ImageDraw.ImageDraw, image: Image.Image, blocks: Sequence[_Lines], fill: str, top: int
) -> None:
    """A full-width band of ``fill`` starting at ``top``, with ``blocks`` centred in it."""
    draw.rectangle((0, top, PAGE_WIDTH, top + _band_height(blocks)), fill=fill)
    _paint_stack(blocks)(draw, image, top + _BAND_PAD)


@dataclass(frozen=True)
class _Layout:
    """Everything measured at one text scale: bands, headline, QR codes (each with its app's
    name when there are two, and its URL under it) and steps."""

    header: list[_Lines]
    footer: list[_Lines]
    headline: list[_Lines]
    labels: list[_Lines]  # empty for a single code
    urls: list[_Lines]
    steps: list[_Lines]

    @property
    def labels_height(self) -> int:
        return max((b.height for b in self.labels), default=-_MIN_GAP // 2) + _MIN_GAP // 2

    def fixed_height(self) -> int:
        """Height of everything but the QR, with the smallest gaps."""
        blocks = _band_height(self.header) + _band_height(self.footer)
        urls = max(url.height for url in self.urls)
        middle = _stack_height(self.headline) + self.labels_height + urls
        return blocks + middle + _steps_height(self.steps) + _MIN_GAP * _FLEX_GAPS


def _columns(count: int) -> list[tuple[int, int]]:
    """(centre x, width) of each QR code's column: the page's middle, or two halves."""
    if count == 1:
        return [(PAGE_WIDTH // 2, _CONTENT)]
    width = (_CONTENT - QR_PAIR_GAP) // 2
    return [(_MARGIN + width // 2, width), (PAGE_WIDTH - _MARGIN - width // 2, width)]


def _measure(info: PosterInfo, lang: str, scale: float) -> _Layout:
    """Every text block fitted at ``scale``."""
    columns = _columns(len(info.codes))
    pair = len(columns) > 1
    return _Layout(
        header=[_header(lang, scale)],
        footer=_footer(info, lang, scale),
        headline=_headline(info, lang, scale),
        labels=[
            _text(app, _sizes(40, 30, scale), 1, _GREEN, bold=True, width=width)
            for (app, _), (_, width) in zip(info.codes, columns, strict=True)
        ]
        if pair
        else [],
        urls=[
            _text(url, _sizes(28 if pair else 32, 20, scale), 3 if pair else 2, _MUTED, width=w)
            for (_, url), (_, w) in zip(info.codes, columns, strict=True)
        ],
        steps=_steps(lang, scale, both_apps=pair),
    )


def _layout(info: PosterInfo, lang: str) -> tuple[_Layout, list[Image.Image]]:
    """The largest text scale at which every QR still fits at its least size (``QR_MIN_PX``
    alone, ``QR_PAIR_MIN_PX`` side by side)."""
    columns = _columns(len(info.codes))
    least = QR_MIN_PX if len(columns) == 1 else QR_PAIR_MIN_PX
    for scale in _TEXT_SCALES:
        layout = _measure(info, lang, scale)
        room = PAGE_HEIGHT - layout.fixed_height()
        codes = [
            qr_image(url, min(QR_MAX_PX, width, room))
            for (_, url), (_, width) in zip(info.codes, columns, strict=True)
        ]
        if min(qr.width for qr in codes) >= least:
            break
    return layout, codes


def poster_png(info: PosterInfo, lang: str = "id") -> bytes:
    """The A4 poster (1240×1754 px, 150 dpi) for an event, as PNG bytes."""
    layout, codes = _layout(info, lang)
    columns = _columns(len(codes))
    image = Image.new("RGB", (PAGE_WIDTH, PAGE_HEIGHT), _WHITE)
    draw = ImageDraw.Draw(image)
    _paint_band(draw, image, layout.header, _GREEN, 0)
    _paint_band(draw, image, layout.footer, _PALE, PAGE_HEIGHT - _band_height(layout.footer))
    # Spare height widens the gaps between the blocks evenly; the QR's own quiet zone is the
    # white space between the code and its URL.
    tallest = max(qr.height for qr in codes)
    spare = max(0, PAGE_HEIGHT - layout.fixed_height() - tallest)
    gap = _MIN_GAP + spare // _FLEX_GAPS
    y = _band_height(layout.header) + gap
    _paint_stack(layout.headline)(draw, image, y)
    y += _stack_height(layout.headline) + gap
    # A single code has no label: nothing to paint.
    for label, (centre, _) in zip(layout.labels, columns, strict=False):
        _paint_centred(label, centre)(draw, image, y)
    y += layout.labels_height
    for qr, url, (centre, _) in zip(codes, layout.urls, columns, strict=True):
        image.paste(qr, (centre - qr.width // 2, y))
        _paint_centred(url, centre)(draw, image, y + qr.height)
    y += tallest + max(url.height for url in layout.urls) + gap
    _paint_steps(layout.steps)(draw, image, y)
    return png_bytes(image)
