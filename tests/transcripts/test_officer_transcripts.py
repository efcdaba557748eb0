"""The officer desk's conversations as golden transcripts (tests/transcripts/officer_*.txt)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.transcripts.officer_driver import OfficerDriver
from tests.transcripts.runner import check

FOLDER = Path(__file__).parent
TRANSCRIPTS = sorted(FOLDER.glob("officer_*.txt"))


def test_there_are_officer_transcripts() -> None:
    assert len(TRANSCRIPTS) >= 6


@pytest.mark.parametrize("path", TRANSCRIPTS, ids=[p.stem for p in TRANSCRIPTS])
async def test_officer_transcript(path: Path) -> None:
    await check(path, OfficerDriver())
