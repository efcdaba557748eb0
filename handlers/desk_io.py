"""The officer desk's I/O, kept out of the core (bot/officers/desk.py only sequences): who is an
officer, cached under a lock, and the desk's long work off the event loop — spreadsheets read
and pictures drawn in a thread, exports built in the repository's worker process through a
temporary file, and a roster's import or invitations run a chunk at a time
(handlers/roster_jobs.py)."""

from __future__ import annotations

import asyncio
import tempfile
from collections.abc import Sequence
from datetime import datetime, timedelta
from pathlib import Path

from bot.charts import funnel_png
from bot.decision_sheet import ImportProblem, ImportRow, read_import
from bot.messages import Attachment, Reply
from bot.officers.work import (
    ExportJob,
    FunnelPicture,
    Picture,
    PosterPicture,
    QrPicture,
    RosterImportJob,
    RosterInviteJob,
    RosterJob,
    RosterStates,
    SlipSheet,
)
from bot.ports import Repository
from bot.poster import poster_png, qr_png
from bot.rosters import RosterFile, open_roster, states_xlsx
from bot.slips import slips_pdf
from bot.uploads import ImportLimits
from handlers.roster_jobs import run_import, run_invitations

OFFICERS_TTL = timedelta(seconds=60)


class OfficerIds:
    """The officers' keys, read at most once a minute (at once after a change made in this
    process), so workers' messages cost no query. Updates arriving together while the list is
    stale wait for one read, not one each."""

    def __init__(self, repo: Repository) -> None:
        self.repo = repo
        self._ids: frozenset[str] = frozenset()
        self._read_at: datetime | None = None
        self._reading = asyncio.Lock()  # one read at a time (an event's first rush)
        self._changes = 0  # forget() calls so far

    async def contains(self, user_id: str, now: datetime) -> bool:
        if self._stale(now):
            async with self._reading:
                if self._stale(now):
                    changes = self._changes
                    self._ids = await self.repo.officer_ids()
                    if changes == self._changes:  # else it may predate the change
                        self._read_at = now
        return user_id in self._ids

    def _stale(self, now: datetime) -> bool:
        read_at = self._read_at
        return read_at is None or now - read_at > OFFICERS_TTL

    def forget(self) -> None:
        """Officers changed: read them again next time."""
        self._read_at = None
        self._changes += 1


def draw(picture: Picture) -> Attachment:
    """A picture the step asked for (CPU-bound: run it in a thread)."""
    match picture:
        case QrPicture(filename, url):
            return Attachment(filename, qr_png(url))
        case PosterPicture(filename, info):
            return Attachment(filename, poster_png(info), photo=False)
        case FunnelPicture(filename, steps, bases, lang):
            return Attachment(filename, funnel_png(list(steps), lang, bases))
        case RosterStates(filename, rows, lang):
            return Attachment(filename, states_xlsx(rows, lang), photo=False)
        case SlipSheet(filename, slips, bot_username, whatsapp_number):
            return Attachment(
                filename, slips_pdf(slips, bot_username, whatsapp_number), photo=False
            )
    raise ValueError(f"unknown picture {picture!r}")


class DeskThreads:
    """The desk's long work: in a thread each, the export in the repository's worker process."""

    def __init__(self, repo: Repository) -> None:
        self.repo = repo

    async def read_decisions(
        self, data: bytes, filename: str, kpj_length: int, limits: ImportLimits
    ) -> tuple[list[ImportRow], list[ImportProblem]]:
        return await asyncio.to_thread(read_import, data, filename, kpj_length, limits)

    async def open_roster(self, data: bytes, filename: str, limits: ImportLimits) -> RosterFile:
        return await asyncio.to_thread(open_roster, data, filename, limits)

    async def draw(self, pictures: Sequence[Picture]) -> tuple[Attachment, ...]:
        return await asyncio.to_thread(lambda: tuple(map(draw, pictures)))

    async def export(self, job: ExportJob) -> tuple[int, bytes]:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / job.filename
            count = await self.repo.export(job.branches, job.chosen, job.fmt, path, job.on)
            data = await asyncio.to_thread(path.read_bytes) if count else b""
        return count, data

    async def roster_job(self, job: RosterJob) -> list[Reply]:
        match job:
            case RosterImportJob():
                return await run_import(self.repo, job)
            case RosterInviteJob():
                return await run_invitations(self.repo, job)
        raise ValueError(f"unknown roster job {job!r}")
