"""Yes and no as people type them, read by bot.yes_no and taken by every yes/no question."""

from __future__ import annotations

import pytest

from bot.flow.buttons import match_button, yes_no_buttons
from bot.yes_no import read_yes_no, without_courtesy, yes_no

# (typed, the reading): True yes, False no, None not understood.
READINGS: list[tuple[str, bool | None]] = [
    # yes
    ("setuju pak", True),
    ("Setuju", True),
    ("mau", True),
    ("bener", True),
    ("ya benar", True),
    ("benar pak", True),
    ("sip", True),
    ("sippp", True),
    ("iya", True),
    ("iyaa", True),
    ("iyaaa bu", True),
    ("ok", True),
    ("oke", True),
    ("okee deh", True),
    ("OK!", True),
    ("yes", True),
    ("y", True),
    ("ya", True),
    ("Ya.", True),
    ("iya pak, setuju", True),
    ("betul", True),
    ("betul sekali", True),
    ("boleh", True),
    ("siap", True),
    ("saya setuju", True),
    ("setuju dong", True),
    ("iya mas", True),
    ("iya kak", True),
    ("baik", True),
    ("sudah benar", True),
    ("udah bener semua", True),
    ("sudah", True),  # answering "Sudah benar semua?"
    ("tidak salah", True),
    ("ya, terima kasih", True),
    ("👍", True),
    ("benar ya", True),
    ("I agree", True),
    ("sure", True),
    # no
    ("gak", False),
    ("nggak", False),
    ("ga", False),
    ("tidak mau", False),
    ("ndak", False),
    ("enggak", False),
    ("no", False),
    ("tidak", False),
    ("Tidak.", False),
    ("tdk", False),
    ("gakkk", False),
    ("gak mau pak", False),
    ("nggak ya", False),  # the tag particle, not a second answer
    ("saya tidak setuju", False),
    ("belum", False),
    ("bukan", False),
    ("salah", False),
    ("jangan", False),
    ("tidak usah", False),
    ("tidak jadi", False),
    ("ogah", False),
    ("kagak", False),
    ("tidak, terima kasih", False),
    ("👎", False),
    ("n", False),
    ("nope", False),
    # not understood
    ("ya tidak", None),
    ("iya gak", None),
    ("tidak tahu", None),
    ("gak tau", None),
    ("tidak pasti", None),
    ("mungkin", None),
    ("terserah", None),
    ("hmm", None),
    ("pak", None),
    ("", None),
    ("bantuan", None),
    ("3401021203790001", None),
    ("ok tidak", None),
    ("tidak iya", None),
]


def test_the_table_is_long_enough() -> None:
    assert len(READINGS) >= 40
    assert sum(r is True for _, r in READINGS) >= 20
    assert sum(r is False for _, r in READINGS) >= 20


@pytest.mark.parametrize(("typed", "expected"), READINGS)
def test_reading(typed: str, expected: bool | None) -> None:
    assert yes_no(typed) is expected


@pytest.mark.parametrize("typed", ["ya tidak", "iya gak", "ok tidak", "benar salah"])
def test_yes_and_no_at_once_is_called_mixed(typed: str) -> None:
    reading = read_yes_no(typed)
    assert reading.answer is None and reading.mixed


@pytest.mark.parametrize("typed", ["tidak tahu", "mungkin", "hmm", ""])
def test_unknown_words_are_not_mixed(typed: str) -> None:
    assert read_yes_no(typed) == read_yes_no("hmm")
    assert not read_yes_no(typed).mixed


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("masih", True),
        ("masih pak", True),
        ("tidak pindah", False),  # as the no button's label "Tidak, pindah" reads
        ("sudah pindah", False),
        ("pindah", False),
        ("iya", True),
        ("tidak", False),
    ],
)
def test_a_questions_own_words(typed: str, expected: bool) -> None:
    assert yes_no(typed, yes=("masih",), no=("pindah",)) is expected


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("nelayan pak", "nelayan"),
        ("Lainnya kak", "lainnya"),
        ("kirim ya", "kirim"),
        ("ya", "ya"),
        ("Perempuan, bu", "perempuan"),
    ],
)
def test_courtesy_words_are_left_out_when_comparing_labels(typed: str, expected: str) -> None:
    assert without_courtesy(typed) == expected


# --- the buttons of a yes/no question ---------------------------------------------------------

BUTTONS = yes_no_buttons("home", "Ya", "Tidak, pindah", ("masih",), ("pindah",))[0]


@pytest.mark.parametrize(
    ("typed", "data"),
    [
        ("iya pak", "home:yes"),
        ("masih bu", "home:yes"),
        ("gak", "home:no"),
        ("sudah pindah", "home:no"),
        ("Tidak, pindah", "home:no"),  # the label itself
        ("ya tidak", None),
        ("Bantul", None),  # a place: the home question reads it as one
    ],
)
def test_a_typed_yes_or_no_taps_its_button(typed: str, data: str | None) -> None:
    match = match_button(typed, BUTTONS)
    assert (match.data if match else None) == data


def test_buttons_without_a_yes_and_a_no_are_not_answered_by_yes() -> None:
    sex = yes_no_buttons("sex", "Laki-laki", "Perempuan")[0]
    one_sided = tuple(b for b in sex if b.means)
    assert match_button("iya", one_sided) is None
