"""Free-text answers: names, places, addresses, trimmed and checked before they are stored."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from bot.i18n import N_
from bot.validation import Invalid

NAME_MIN, NAME_MAX = 2, 100
PLACE_MIN, PLACE_MAX = 2, 60
ADDRESS_MIN, ADDRESS_MAX = 5, 200
FREE_TEXT_MIN = 2

# Punctuation that appears in names on a KTP: "Moh. Ali", "Sitompul, S.Pd.", "Ma'ruf", "Al-Amin".
_NAME_PUNCTUATION = frozenset(" '’.,-")
# Invisible characters pasted from other apps (zero-width spaces, BOMs, control codes).
_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf"})


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


def clean_name(raw: str) -> str | Invalid:
    """A full name as on the KTP: letters with the punctuation names carry, one space apart."""
    text = squash(raw)
    if any(ch.isdigit() for ch in text):
        return Invalid(N_("Nama tidak boleh berisi angka."))
    for ch in text:
        # Marks (M*) stay allowed: NFC cannot compose every accent or script onto its letter.
        if not (ch.isalpha() or ch in _NAME_PUNCTUATION or unicodedata.category(ch)[0] == "M"):
            return Invalid(N_("Nama tidak boleh berisi tanda “{char}”."), {"char": ch})
    return _check(
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


def clean_place(raw: str) -> str | Invalid:
    """A place of birth (kota/kabupaten as the user writes it)."""
    return _check(
        squash(raw),
        PLACE_MIN,
        PLACE_MAX,
        _Messages(
            empty=N_("Tempat lahir belum diisi."),
            no_letter=N_("Tempat lahir harus berisi nama tempat, bukan hanya angka."),
            too_short=N_("Tempat lahir terlalu pendek, minimal {min_len} karakter."),
            too_long=N_("Tempat lahir terlalu panjang, maksimal {max_len} karakter."),
        ),
    )


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
