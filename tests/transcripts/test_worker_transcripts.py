"""The worker flow's conversations as golden transcripts (tests/transcripts/worker_*.txt)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.transcripts.runner import check
from tests.transcripts.worker_driver import WorkerDriver

FOLDER = Path(__file__).parent
TRANSCRIPTS = sorted(FOLDER.glob("worker_*.txt"))


def test_there_are_worker_transcripts() -> None:
    assert len(TRANSCRIPTS) >= 6


@pytest.mark.parametrize("path", TRANSCRIPTS, ids=[p.stem for p in TRANSCRIPTS])
async def test_worker_transcript(path: Path) -> None:
    await check(path, WorkerDriver())
