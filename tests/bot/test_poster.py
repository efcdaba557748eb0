"""QR codes and the A4 event poster: sizes, an exact QR on the page, text kept on the page."""

from __future__ import annotations

import io
from datetime import date

import pytest
import segno
from PIL import Image

from bot.poster import (
    PAGE_HEIGHT,
    PAGE_WIDTH,
    QR_BORDER,
    QR_MIN_PX,
    QR_PAIR_MIN_PX,
    PosterInfo,
    poster_png,
    qr_png,
    qr_terminal,
)

URL = "https://t.me/bpu_bot?start=ev_KP2026-01"
INFO = PosterInfo(
    event_name="Sosialisasi BPJS Ketenagakerjaan untuk Pedagang Pasar Beringharjo",
    day=date(2026, 3, 14),
    place="Pendopo Kelurahan Ngupasan, Yogyakarta",
    url=URL,
    organiser="BPJS Ketenagakerjaan Cabang Yogyakarta",
    sponsor="Pemerintah Kota Yogyakarta",
)
LONG = PosterInfo(
    event_name=" ".join(
        ["Pendaftaran Massal Pekerja Bukan Penerima Upah se-Kepulauan Seribu"] * 4
    ),
    day=date(2026, 12, 31),
    place="Gedung Serba Guna Kecamatan Kepulauan Seribu Utara, Pulau Kelapa, " * 3,
    url="https://t.me/bpu_registration_bot?start=ev_" + "X" * 60,
    organiser="Kantor Cabang Jakarta Cilincing dan Dinas Tenaga Kerja Provinsi DKI Jakarta " * 2,
    sponsor="Pemerintah Provinsi DKI Jakarta melalui APBD Tahun Anggaran 2026 " * 2,
)
WHITE = (255, 255, 255)
BAND_COLOURS = {WHITE, (0, 132, 61), (232, 243, 236)}  # page, header band, footer band


def png(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    assert image.format == "PNG"
    return image.convert("RGB")


def qr_box(image: Image.Image) -> tuple[int, int, int, int]:
    """The QR's dark modules: the only pure-black pixels on the poster (text ink is #1f2933)."""
    black = image.convert("L").point(lambda value: 255 if value == 0 else 0)
    box = black.getbbox()
    assert box is not None
    return box


def sampled_matrix(
    image: Image.Image, box: tuple[int, int, int, int], modules: int
) -> list[list[bool]]:
    """Dark or light at the centre of every module inside ``box``."""
    left, top, right, _ = box
    size = (right - left) // modules
    return [
        [
            image.getpixel((left + c * size + size // 2, top + r * size + size // 2)) == (0, 0, 0)
            for c in range(modules)
        ]
        for r in range(modules)
    ]


def test_qr_png_has_the_quiet_zone_and_scale() -> None:
    qr = segno.make_qr(URL, error="m")
    image = png(qr_png(URL))
    assert image.size == qr.symbol_size(scale=10, border=QR_BORDER)
    assert qr.version == 3
    assert qr.error in {"M", "Q", "H"}  # segno raises the level when the version has room


def test_qr_png_scale() -> None:
    assert png(qr_png(URL, scale=4)).size == (37 * 4, 37 * 4)


def test_qr_is_never_micro_for_short_text() -> None:
    image = png(qr_png("x", scale=1))
    assert image.size == (21 + 2 * QR_BORDER,) * 2  # version 1 QR, not an 11-module Micro QR


def test_qr_terminal_draws_blocks() -> None:
    text = qr_terminal(URL)
    lines = text.rstrip("\n").splitlines()
    assert {"█", "▀", "▄"} & set(text)
    assert len(lines) == (37 + 1) // 2  # two modules per character row
    assert "\x1b" not in text  # no colour escapes: prints in any terminal


def test_poster_is_a4_at_150_dpi() -> None:
    assert png(poster_png(INFO)).size == (PAGE_WIDTH, PAGE_HEIGHT) == (1240, 1754)


@pytest.mark.parametrize("info", [INFO, LONG], ids=["normal", "long texts"])
def test_poster_qr_is_large_exact_and_has_a_clear_quiet_zone(info: PosterInfo) -> None:
    image = png(poster_png(info))
    qr = segno.make_qr(info.url, error="m")
    modules = int(qr.symbol_size(scale=1, border=0)[0])
    box = qr_box(image)
    left, top, right, bottom = box
    width = right - left
    assert width == bottom - top and width % modules == 0
    module = width // modules
    assert width + 2 * QR_BORDER * module >= QR_MIN_PX
    assert abs((left + right) / 2 - PAGE_WIDTH / 2) <= 1
    expected = [[bool(dark) for dark in row] for row in qr.matrix_iter(border=0)]
    assert sampled_matrix(image, box, modules) == expected
    quiet = image.crop(
        (
            left - QR_BORDER * module,
            top - QR_BORDER * module,
            right + QR_BORDER * module,
            bottom + QR_BORDER * module,
        )
    )
    frame = [quiet.getpixel((x, y)) for x in range(quiet.width) for y in (0, quiet.height - 1)]
    frame += [quiet.getpixel((x, y)) for y in range(quiet.height) for x in (0, quiet.width - 1)]
    assert set(frame) == {WHITE}


def test_poster_qr_decodes_when_a_decoder_is_installed() -> None:
    zxingcpp = pytest.importorskip("zxingcpp")
    for info in (INFO, LONG):
        found = zxingcpp.read_barcodes(png(poster_png(info)))
        assert [barcode.text for barcode in found] == [info.url]


@pytest.mark.parametrize("info", [INFO, LONG], ids=["normal", "long texts"])
def test_poster_text_stays_inside_the_margins(info: PosterInfo) -> None:
    image = png(poster_png(info))
    strip = 40
    for x in [*range(strip), *range(PAGE_WIDTH - strip, PAGE_WIDTH)]:
        column = {image.getpixel((x, y)) for y in range(PAGE_HEIGHT)}
        assert column <= BAND_COLOURS, f"ink at x={x}"


def test_sponsor_line_is_optional() -> None:
    without = PosterInfo(**{**INFO.__dict__, "sponsor": None})
    assert png(poster_png(without)).size == (PAGE_WIDTH, PAGE_HEIGHT)
    assert poster_png(without) != poster_png(INFO)


WA_URL = "https://wa.me/6281100001111?text=DAFTAR%20ev_KP2026-01"
BOTH = PosterInfo(**{**INFO.__dict__, "whatsapp_url": WA_URL})


def test_a_poster_for_both_apps_carries_two_exact_qr_codes_side_by_side() -> None:
    """With a WhatsApp number the poster changes: Telegram's code on the left, WhatsApp's on the
    right, each a whole QR code of its link, at least ``QR_PAIR_MIN_PX`` with its quiet zone."""
    image = png(poster_png(BOTH))
    assert image.size == (PAGE_WIDTH, PAGE_HEIGHT)
    assert poster_png(BOTH) != poster_png(INFO)
    halves = (0, PAGE_WIDTH // 2), (PAGE_WIDTH // 2, PAGE_WIDTH)
    for (start, end), url in zip(halves, (URL, WA_URL), strict=True):
        half = image.crop((start, 0, end, PAGE_HEIGHT))
        qr = segno.make_qr(url, error="m")
        modules = int(qr.symbol_size(scale=1, border=0)[0])
        box = qr_box(half)
        width = box[2] - box[0]
        assert width == box[3] - box[1] and width % modules == 0
        assert width + 2 * QR_BORDER * (width // modules) >= QR_PAIR_MIN_PX
        expected = [[bool(dark) for dark in row] for row in qr.matrix_iter(border=0)]
        assert sampled_matrix(half, box, modules) == expected


def test_both_codes_decode_when_a_decoder_is_installed() -> None:
    zxingcpp = pytest.importorskip("zxingcpp")
    found = zxingcpp.read_barcodes(png(poster_png(BOTH)))
    assert sorted(barcode.text for barcode in found) == sorted([URL, WA_URL])


@pytest.mark.parametrize("info", [BOTH, PosterInfo(**{**LONG.__dict__, "whatsapp_url": WA_URL})])
def test_a_poster_for_both_apps_keeps_its_text_inside_the_margins(info: PosterInfo) -> None:
    image = png(poster_png(info))
    for x in [*range(40), *range(PAGE_WIDTH - 40, PAGE_WIDTH)]:
        column = {image.getpixel((x, y)) for y in range(PAGE_HEIGHT)}
        assert column <= BAND_COLOURS, f"ink at x={x}"


def test_poster_in_english_renders() -> None:
    assert png(poster_png(INFO, lang="en")).size == (PAGE_WIDTH, PAGE_HEIGHT)
