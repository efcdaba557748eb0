"""Personal invitation codes (bot/roster_codes.py)."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.officers.events import event_code
from bot.roster_codes import ALPHABET, RANDOM_BITS, new_code, read_code

TELEGRAM_PAYLOAD = re.compile(r"[A-Za-z0-9_-]{1,64}")


def test_codes_are_written_with_the_prefix_and_fit_a_deep_link() -> None:
    code = new_code()
    assert re.fullmatch(r"UND-[2-9A-Z]{5}-[2-9A-Z]{5}", code)
    assert TELEGRAM_PAYLOAD.fullmatch(code)


def test_the_alphabet_has_no_look_alikes_and_enough_randomness() -> None:
    assert not set("01OIL") & set(ALPHABET)
    assert RANDOM_BITS >= 40
    assert len({new_code() for _ in range(2000)}) == 2000


def test_no_event_code_reads_as_a_personal_code() -> None:
    assert read_code(event_code("UND7KQ4MXP2RA")) is None
    assert read_code(event_code("abc")) is None


def test_codes_are_read_without_case_spaces_or_dashes() -> None:
    assert read_code("und 7kq4m xp2ra") == "UND-7KQ4M-XP2RA"
    assert read_code("  UND-7KQ4M-XP2RA ") == "UND-7KQ4M-XP2RA"
    assert read_code("und.7kq4m.xp2ra") == "UND-7KQ4M-XP2RA"


def test_look_alikes_and_wrong_lengths_are_not_codes() -> None:
    assert read_code("UND-7KQ4M-XP2R0") is None  # 0 is not in the alphabet
    assert read_code("UND-7KQ4M-XP2RAA") is None
    assert read_code("UND-7KQ4M") is None


@settings(max_examples=100)
@given(st.text(alphabet=ALPHABET.lower() + ALPHABET + " -", max_size=30))
def test_a_read_code_reads_back_as_itself(typed: str) -> None:
    code = read_code(typed)
    if code is not None:
        assert read_code(code) == code


def test_every_new_code_reads_back() -> None:
    for _ in range(50):
        code = new_code()
        assert read_code(code.lower()) == code
