"""Fixtures for system tests: the fake Bot API on a real port and bot processes that always end."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.system.fake_telegram import FakeTelegram
from tests.system.helpers import Bots


@pytest.fixture
def fake() -> Iterator[FakeTelegram]:
    """A fake Bot API listening on 127.0.0.1 for this test."""
    with FakeTelegram() as telegram:
        yield telegram


@pytest.fixture
def bots(tmp_path: Path, fake: FakeTelegram) -> Iterator[Bots]:
    """Starts ``python -m bot run`` processes; kills any still running at the end.

    It depends on ``fake`` so that the processes are ended before the fake Bot API stops.
    """
    started = Bots(tmp_path)
    try:
        yield started
    finally:
        started.close()
