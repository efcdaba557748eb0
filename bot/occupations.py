"""Occupations as workers say them: "narik becak", "melaut", "ngojek", "jualan", "nyawah".

A typed occupation is read as one of the buttons (a key of bot.fields.OCCUPATIONS), as a known
trade without a button (kept under "Lainnya" with its usual name: "mbatik" → "Pembatik"), as
several trades at once (the worker picks one), or as something we do not know (the flow asks the
worker to confirm it as "Lainnya" with a tap). The word lists are everyday Indonesian and
Javanese; a word belongs to one entry only.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from bot.fields import OCCUPATIONS
from bot.i18n import N_
from bot.text import clean_free_text, looks_like_gibberish
from bot.validation import Invalid

WORK_MAX = 60  # characters of a typed occupation

# Button key → phrases that name it. A phrase matches whole words anywhere in the answer.
BUTTON_WORDS: dict[str, tuple[str, ...]] = {
    "becak": (
        "becak", "tukang becak", "narik becak", "tarik becak", "penarik becak", "abang becak",
        "mbecak", "ngebecak", "bentor", "becak motor", "pengayuh becak",
    ),
    "nelayan": (
        "nelayan", "melaut", "miyang", "cari ikan", "mencari ikan", "nangkap ikan",
        "menangkap ikan", "jaring ikan", "nelayan tangkap",
    ),
    "petani": (
        "petani", "tani", "bertani", "nyawah", "sawah", "ke sawah", "berkebun", "pekebun",
        "kebun", "ladang", "berladang", "macul", "nandur", "menanam padi", "garap sawah",
    ),
    "pedagang": (
        "pedagang", "dagang", "berdagang", "jualan", "berjualan", "jual", "penjual", "pkl",
        "kaki lima", "warung", "buka warung", "kelontong", "toko", "bakul", "asongan",
        "jualan online", "olshop", "dodolan", "bakulan",
    ),
    "ojek": (
        "ojek", "ojol", "ngojek", "ngojol", "ojek online", "ojek pangkalan", "opang", "gojek",
        "grab", "maxim", "tukang ojek", "driver ojol", "driver ojek",
    ),
    "buruh_harian": (
        "buruh", "buruh harian", "buruh lepas", "harian lepas", "kuli", "kuli bangunan",
        "kuli panggul", "buruh tani", "buruh bangunan",
    ),
}  # fmt: skip

# Trades without a button, under their usual name (what is stored as the "Lainnya" text).
OTHER_TRADES: dict[str, tuple[str, ...]] = {
    "Pembatik": ("pembatik", "batik", "mbatik", "membatik", "perajin batik", "pengrajin batik"),
    "Penjahit": ("penjahit", "jahit", "menjahit", "njahit", "tukang jahit"),
    "Tukang cukur": ("tukang cukur", "cukur", "pangkas rambut", "barber", "barbershop"),
    "Pemulung": ("pemulung", "mulung", "memulung", "rongsok", "rongsokan", "barang bekas"),
    "Kusir delman": ("kusir", "delman", "dokar", "andong", "kusir delman", "kusir dokar"),
    "Sopir": ("sopir", "supir", "nyopir", "nyupir", "sopir angkot", "angkot", "sopir truk"),
    "Kurir": ("kurir", "ngurir", "courier", "kurir paket"),
    "Peternak": ("peternak", "ternak", "beternak", "angon", "ngangon"),
    "Asisten rumah tangga": (
        "asisten rumah tangga", "art", "prt", "pembantu", "pembantu rumah tangga",
    ),
    "Tukang parkir": ("tukang parkir", "parkir", "jukir", "juru parkir"),
    "Tukang bangunan": ("tukang bangunan", "tukang batu", "tukang kayu"),
}  # fmt: skip

# Words that say nothing about the trade: "saya kerja sebagai nelayan", "jadi tukang ojek".
_NEUTRAL = frozenset(
    "saya aku kerja kerjanya bekerja pekerjaan pekerjaannya sebagai jadi menjadi sehari hari "
    "harinya di yang dan atau juga pak bu mas mbak kak ya dong sih".split()
)


@dataclass(frozen=True)
class OccupationReading:
    """What a typed occupation names: one button key, one known trade without a button, or
    several (``keys`` holds the buttons named when they are more than one)."""

    key: str | None = None  # a key of OCCUPATIONS
    trade: str | None = None  # a known trade without a button (OTHER_TRADES)
    keys: tuple[str, ...] = ()  # several buttons named at once


def _words(text: str) -> list[str]:
    folded = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in folded if not unicodedata.combining(c))
    return re.findall(r"[a-z]+", plain)


def _phrases() -> list[tuple[tuple[str, ...], str, bool]]:
    """Every phrase as words, longest first: (words, key or trade, is a button)."""
    found = [(tuple(p.split()), key, True) for key, ps in BUTTON_WORDS.items() for p in ps]
    found += [(tuple(p.split()), name, False) for name, ps in OTHER_TRADES.items() for p in ps]
    return sorted(found, key=lambda item: -len(item[0]))


_PHRASES = _phrases()
assert set(BUTTON_WORDS) == set(OCCUPATIONS), "every button has words, every key is a button"


def read_occupation(text: str) -> OccupationReading:
    """The buttons or trades ``text`` names (empty when it names none we know)."""
    words = [w for w in _words(text) if w not in _NEUTRAL]
    used = [False] * len(words)
    keys: list[str] = []
    trades: list[str] = []
    for phrase, name, is_key in _PHRASES:
        size = len(phrase)
        for start in range(len(words) - size + 1):
            if tuple(words[start : start + size]) != phrase or any(used[start : start + size]):
                continue
            used[start : start + size] = [True] * size
            target = keys if is_key else trades
            if name not in target:
                target.append(name)
    if len(keys) == 1:
        return OccupationReading(key=keys[0])
    if len(keys) > 1:
        return OccupationReading(keys=tuple(sorted(keys, key=list(OCCUPATIONS).index)))
    if len(trades) == 1:
        return OccupationReading(trade=trades[0])
    return OccupationReading()


def typed_work(text: str) -> str | Invalid:
    """Work typed in words, kept as "Lainnya": trimmed, with letters, and not a keyboard mash."""
    work = clean_free_text(text, WORK_MAX)
    if isinstance(work, Invalid):
        return work
    if looks_like_gibberish(work):
        return Invalid(
            N_(
                "“{text}” tidak terbaca sebagai pekerjaan. Ketik pekerjaan Anda, misalnya kusir dokar."
            ),
            {"text": work},
        )
    return work
