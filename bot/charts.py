"""Officer charts as PNG bytes: horizontal bars drawn with Pillow and the bundled DejaVu Sans.

Also holds the text helpers the poster uses (font loading, measuring, wrapping, ellipsis), so both
images measure text the same way and nothing runs off the picture.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable

from babel.numbers import format_decimal
from PIL import Image, ImageDraw, ImageFont

from bot.i18n import N_, translate

FONTS_DIR: Traversable = resources.files("bot") / "fonts"
ELLIPSIS = "…"

NO_DATA = N_("Belum ada data")
FUNNEL_TITLE = N_("Tahapan pendaftaran")
# The funnel's usual steps, in order; callers may pass these msgids as labels.
FUNNEL_LABELS = (
    N_("Tautan dibuka"),
    N_("Memberi persetujuan"),
    N_("Diajukan"),
    N_("Disetujui"),
    N_("Ditolak"),
)

WIDTH = 1000
_PAD = 30
_TITLE_SIZE = 28
_TEXT_SIZE = 20
_ROW = 40
_BAR = 26
_LABEL_MAX_PX = 320
_LABEL_MAX_CHARS = 40
_GAP = 12

_BACKGROUND = "#ffffff"
_INK = "#1f2933"
_MUTED = "#6b7280"
_BAR_FILL = "#00843d"

Font = ImageFont.FreeTypeFont
Row = tuple[str, int, str]  # label, value for the bar's length, text after the bar


@cache
def font(size: int, bold: bool = False) -> Font:
    """The bundled DejaVu Sans (or Sans Bold) at ``size`` pixels."""
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    return ImageFont.truetype(io.BytesIO(_font_file(name)), size)


@cache
def _font_file(name: str) -> bytes:
    """A bundled font file's bytes, read once (package data, so it works from any install)."""
    return (FONTS_DIR / name).read_bytes()


def line_height(face: Font) -> int:
    """Pixels from the top of the tallest glyph to the bottom of the deepest one."""
    ascent, descent = face.getmetrics()
    return int(ascent + descent)


def text_width(text: str, face: Font) -> int:
    """The advance width of ``text`` in pixels, rounded up."""
    return int(-(-face.getlength(text) // 1))


def ellipsize(text: str, face: Font, max_width: int, max_chars: int | None = None) -> str:
    """``text`` cut with "…" so that it is at most ``max_width`` px (and ``max_chars``) long."""
    if max_chars is not None and len(text) > max_chars:
        text = text[: max_chars - 1].rstrip() + ELLIPSIS
    if text_width(text, face) <= max_width:
        return text
    while text and text_width(text.rstrip() + ELLIPSIS, face) > max_width:
        text = text[:-1]
    return text.rstrip() + ELLIPSIS


def _break_word(word: str, face: Font, max_width: int) -> list[str]:
    """A word wider than ``max_width`` (a URL) split into pieces that fit."""
    pieces: list[str] = []
    current = ""
    for char in word:
        if current and text_width(current + char, face) > max_width:
            pieces.append(current)
            current = ""
        current += char
    return [*pieces, current] if current else pieces


def wrap(text: str, face: Font, max_width: int) -> list[str]:
    """``text`` split into lines no wider than ``max_width``; words break only when too wide."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}" if current else word
        if text_width(candidate, face) <= max_width:
            current = candidate
            continue
        if current:
            lines.append(current)
        pieces = _break_word(word, face, max_width)
        lines.extend(pieces[:-1])
        current = pieces[-1]
    return [*lines, current] if current else lines


def fit(
    text: str, max_width: int, sizes: Sequence[int], max_lines: int, bold: bool = False
) -> tuple[Font, list[str]]:
    """The largest of ``sizes`` at which ``text`` wraps into ``max_lines``; else cut with "…"."""
    face = font(sizes[-1], bold)
    for size in sizes:
        face = font(size, bold)
        lines = wrap(text, face, max_width)
        if len(lines) <= max_lines:
            return face, lines
    lines = wrap(text, face, max_width)
    last = ellipsize(" ".join(lines[max_lines - 1 :]), face, max_width)
    return face, [*lines[: max_lines - 1], last]


def png_bytes(image: Image.Image) -> bytes:
    """``image`` encoded as an optimised PNG."""
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def format_count(value: int) -> str:
    """An integer with Indonesian grouping in every language, like ``format_rupiah``: ``12.345``."""
    return format_decimal(value, format="#,##0", locale="id_ID")


def _format_share(value: int, total: int) -> str:
    """``value`` as a percentage of ``total``: ``45%``, ``4,5%``; empty when ``total`` is 0."""
    if total <= 0:
        return ""
    share = 100 * value / total
    return format_decimal(share, format="#,##0.#", locale="id_ID") + "%"


def _chart_height(count: int, note: bool) -> int:
    """The picture's height for ``count`` bars (two rows of room for the empty message)."""
    rows = count or 2
    return _PAD + _ROW + (_ROW if note else 0) + rows * _ROW + _PAD


def _draw_title(draw: ImageDraw.ImageDraw, title: str, note: str | None) -> int:
    """The title line (and an optional grey note under it); returns the y below them."""
    face = font(_TITLE_SIZE, bold=True)
    draw.text((_PAD, _PAD), ellipsize(title, face, WIDTH - 2 * _PAD), font=face, fill=_INK)
    y = _PAD + _ROW
    if note is not None:
        small = font(_TEXT_SIZE)
        draw.text((_PAD, y), ellipsize(note, small, WIDTH - 2 * _PAD), font=small, fill=_MUTED)
        y += _ROW
    return y + _GAP // 2


def _draw_rows(draw: ImageDraw.ImageDraw, rows: Sequence[Row], top: int) -> None:
    """Labels on the left, bars scaled to the largest value, each bar's text at its end."""
    face = font(_TEXT_SIZE)
    bold = font(_TEXT_SIZE, bold=True)
    labels = [ellipsize(label, face, _LABEL_MAX_PX, _LABEL_MAX_CHARS) for label, _, _ in rows]
    label_px = max(text_width(label, face) for label in labels)
    text_px = max(text_width(text, bold) for _, _, text in rows)
    bar_x = _PAD + label_px + _GAP
    bar_room = WIDTH - _PAD - text_px - _GAP - bar_x
    largest = max(max(value for _, value, _ in rows), 1)
    for index, ((_, value, text), label) in enumerate(zip(rows, labels, strict=True)):
        middle = top + index * _ROW + _ROW // 2
        draw.text((_PAD, middle), label, font=face, fill=_INK, anchor="lm")
        bar_end = bar_x + round(bar_room * max(value, 0) / largest)
        if bar_end > bar_x:
            draw.rectangle(
                (bar_x, middle - _BAR // 2, bar_end, middle + _BAR // 2), fill=_BAR_FILL
            )
        else:  # a hairline keeps a zero visible as a bar of nothing, not a missing row
            draw.line((bar_x, middle - _BAR // 2, bar_x, middle + _BAR // 2), fill=_MUTED)
        draw.text((bar_end + _GAP // 2, middle), text, font=bold, fill=_INK, anchor="lm")


def _draw_empty(draw: ImageDraw.ImageDraw, top: int, message: str) -> None:
    """The centred "no data yet" message in place of the bars."""
    face = font(_TITLE_SIZE)
    text = ellipsize(message, face, WIDTH - 2 * _PAD)
    draw.text((WIDTH // 2, top + _ROW), text, font=face, fill=_MUTED, anchor="mm")


def _render(title: str, rows: Sequence[Row], lang: str) -> bytes:
    """The chart as PNG: title, then the bars, or the "no data" message."""
    no_data = translate(NO_DATA, lang)
    all_zero = bool(rows) and all(value <= 0 for _, value, _ in rows)
    note = no_data if all_zero else None
    image = Image.new("RGB", (WIDTH, _chart_height(len(rows), note is not None)), _BACKGROUND)
    draw = ImageDraw.Draw(image)
    top = _draw_title(draw, translate(title, lang), note)
    if rows:
        _draw_rows(draw, [(translate(label, lang), v, text) for label, v, text in rows], top)
    else:
        _draw_empty(draw, top, no_data)
    return png_bytes(image)


def bar_chart_png(title: str, bars: Sequence[tuple[str, int]], lang: str = "id") -> bytes:
    """Horizontal bars of integer counts; title and labels go through ``translate``."""
    rows = [(label, value, format_count(value)) for label, value in bars]
    return _render(title, rows, lang)


def funnel_png(
    steps: Sequence[tuple[str, int]],
    lang: str = "id",
    bases: Sequence[int | None] | None = None,
) -> bytes:
    """The registration funnel: each step's count and its share of a base.

    ``bases`` gives each step's denominator (None: the step shows no percentage, as when its
    count is not part of the base); by default every step is a share of the first.
    """
    first = steps[0][1] if steps else 0
    shares_of = list(bases) if bases is not None else [first] * len(steps)
    rows = []
    for (label, value), base in zip(steps, shares_of, strict=True):
        share = _format_share(value, base) if base is not None else ""
        count = format_count(value)
        rows.append((label, value, f"{count} ({share})" if share else count))
    return _render(FUNNEL_TITLE, rows, lang)
