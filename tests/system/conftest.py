"""Fixtures for system tests: the fake Bot API and the fake WhatsApp Cloud API on real ports,
and bot processes that always end."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.system.fake_telegram import FakeTelegram
from tests.system.fake_whatsapp import FakeWhatsApp
from tests.system.helpers import Bots
from tests.system.whatsapp_helpers import approved_templates


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


@pytest.fixture
def whatsapp() -> Iterator[FakeWhatsApp]:
    """A fake Cloud API on 127.0.0.1 with every notice's template approved."""
    with FakeWhatsApp(templates=approved_templates()) as cloud:
        yield cloud


@pytest.fixture
def wa_bots(tmp_path: Path, whatsapp: FakeWhatsApp) -> Iterator[Bots]:
    """Like ``bots``, for WhatsApp-only processes: ended before the fake Cloud API stops."""
    started = Bots(tmp_path)
    try:
        yield started
    finally:
        started.close()
