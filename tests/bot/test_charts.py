"""Bar charts and the registration funnel as PNG, and the text helpers they share with the poster."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from bot.charts import (
    ELLIPSIS,
    FUNNEL_LABELS,
    WIDTH,
    bar_chart_png,
    ellipsize,
    fit,
    font,
    format_count,
    funnel_png,
    text_width,
    wrap,
)


def size_of(data: bytes) -> tuple[int, int]:
    image = Image.open(io.BytesIO(data))
    assert image.format == "PNG"
    image.load()
    return image.size


def bars(count: int) -> list[tuple[str, int]]:
    return [(f"Kabupaten {index}", index * 7) for index in range(count)]


def test_width_is_fixed_and_height_grows_with_bars() -> None:
    heights = []
    for count in (5, 10, 15):
        width, height = size_of(bar_chart_png("Pendaftar per kabupaten", bars(count)))
        assert width == WIDTH == 1000
        heights.append(height)
    assert heights[0] < heights[1] < heights[2]


def test_empty_and_all_zero_input() -> None:
    empty = size_of(bar_chart_png("Pendaftar per acara", []))
    zero = size_of(bar_chart_png("Pendaftar per acara", [("A", 0), ("B", 0), ("C", 0)]))
    assert empty[0] == zero[0] == WIDTH
    assert empty[1] > 0 and zero[1] > empty[1]


def test_long_labels_big_numbers_and_odd_input_do_not_crash() -> None:
    data = [
        ("Kabupaten Kepulauan Siau Tagulandang Biaro, Sulawesi Utara, Indonesia" * 3, 1_234_567),
        ("", 1),
        ("—Emoji 🙂 and Ünïcode", 0),
        ("Negative", -5),
    ]
    assert size_of(bar_chart_png("X" * 500, data))[0] == WIDTH


def test_funnel() -> None:
    steps = list(zip(FUNNEL_LABELS, [1250, 980, 812, 640, 37], strict=True))
    assert size_of(funnel_png(steps))[0] == WIDTH
    assert size_of(funnel_png(steps, lang="en"))[0] == WIDTH
    assert size_of(funnel_png([(label, 0) for label in FUNNEL_LABELS]))[0] == WIDTH
    assert size_of(funnel_png([]))[0] == WIDTH


def test_format_count_uses_indonesian_grouping() -> None:
    assert format_count(1234567) == "1.234.567"
    assert format_count(0) == "0"


@pytest.mark.parametrize("text", ["Pendaftar", "Kabupaten Kepulauan Siau Tagulandang Biaro" * 4])
def test_ellipsize_fits(text: str) -> None:
    face = font(20)
    cut = ellipsize(text, face, 200)
    assert text_width(cut, face) <= 200
    assert cut == text or cut.endswith(ELLIPSIS)
    assert len(ellipsize(text, face, 10_000, max_chars=12)) <= 12


def test_wrap_never_exceeds_the_width_and_keeps_every_character() -> None:
    face = font(30, bold=True)
    text = "Pendaftaran https://t.me/bpu_bot?start=ev_" + "A" * 80 + " untuk semua pekerja"
    lines = wrap(text, face, 300)
    assert all(text_width(line, face) <= 300 for line in lines)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")


def test_fit_shrinks_then_cuts() -> None:
    face, lines = fit("Satu dua tiga empat lima", 2000, [40, 30], 1)
    assert face.size == 40 and lines == ["Satu dua tiga empat lima"]
    face, lines = fit("kata " * 200, 400, [40, 30, 20], 2)
    assert face.size == 20 and len(lines) == 2 and lines[-1].endswith(ELLIPSIS)
