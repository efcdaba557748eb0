"""/impor of 100,000 rows: read in a thread and applied in one short transaction, so workers
registering meanwhile are answered while it runs (issue: "a 100,000-row import leaves other
workers' answers under 0.5 s")."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import pytest

from bot.settings import Settings
from handlers.telegram.app import build_application
from storage.backends import AnyRepository
from tests.conftest import NIK, OFFICER, WORKER, Telegram, moving_clock, register
from tests.fakes import RecordingRequest

ROWS = 100_000


@pytest.fixture
async def roomy(settings: Settings, repo: AnyRepository) -> AsyncIterator[Telegram]:
    """The bot with import limits raised to take a 100,000-row file."""
    roomy = settings.model_copy(update={"import_max_rows": ROWS, "import_max_bytes": 50_000_000})
    request = RecordingRequest()
    app = build_application(roomy, repo, request=request, rate_limiter=False, clock=moving_clock())
    await app.initialize()
    yield Telegram(app, request, repo, roomy)
    await app.shutdown()


def decisions(reference: str) -> bytes:
    """One good row for ``reference``, then 99,999 references nobody registered."""
    lines = ["Nomor pendaftaran,Nomor KPJ", f"{reference},12345678901"]
    lines += [f"BPU-2026-{n:06d},{10_000_000_000 + n}" for n in range(ROWS + 1, 2 * ROWS)]
    return ("\n".join(lines) + "\n").encode()


async def test_a_100000_row_import_leaves_workers_answered_meanwhile(roomy: Telegram) -> None:
    await register(roomy, WORKER, NIK)
    reference = roomy.request.last_text(WORKER).split("<b>")[1].split("</b>")[0]
    roomy.request.files["big"] = decisions(reference)
    upload = roomy.updates.document(OFFICER, "big", "hasil.csv", caption="/impor")
    importing = asyncio.create_task(roomy.feed(upload))
    await asyncio.sleep(0)  # the import starts: the file is fetched, read in a thread, applied
    waits = []
    turn = 0
    while not importing.done():  # workers keep answering until the import is over
        began = time.perf_counter()
        answer = await roomy.text(WORKER + 1 + turn, "/start")
        waits.append(time.perf_counter() - began)
        assert "Anda setuju" in answer
        turn += 1
    # Workers were answered all along: many answers came while the import ran, not one after it.
    assert len(waits) >= 5, f"only {len(waits)} answer(s) while the import ran"
    await importing
    summary = roomy.request.last_text(OFFICER)
    assert "1 diterapkan" in summary and "99999 dilewati" in summary.replace(".", "")
    print(f"{len(waits)} worker answers during the import, slowest {max(waits):.3f} s")
