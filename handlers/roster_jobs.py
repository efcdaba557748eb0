"""A roster's import and its invitations, run a chunk at a time after the officer's transaction.

A 50,000-line roster stored in one transaction held the database's one writer (SQLite has one)
for the whole import, and every worker's reply waited behind it; queuing its invitations did the
same. Here each chunk of ``CHUNK`` lines is its own unit of work: its checks that need no database
run in a thread, then one short transaction looks up that chunk's NIKs with an active submission
and its numbers never to invite again, and stores its rows. Between chunks the writer is free,
and the workers' updates waiting for it go first (the SQLite lock serves in turn).

What spans chunks is kept by ``RosterChecks`` (a NIK repeated far apart, the sponsor's places
left as read when the file came) and ``RosterReportWriter`` (the per-row report, written to a
temporary file as it goes). The file itself is a stream: only one chunk of lines is held at a
time.

All or nothing, as seen from outside: the roster is stored first as importing (seen nowhere:
not in /roster, slips, invitations, nor by its codes) and shown only once its last chunk is in.
An import that fails midway (an XLSX malformed past the checks, a database error, the process
stopped) deletes what it stored; after a crash, the housekeeping loop deletes a roster still
importing an hour after it began (docs/rosters.md). It is not resumed: the officer sends the file
again.

The desk's step only says what to run (bot/officers/work.py); this runs it where the desk's other
I/O lives (handlers/desk_io.py calls it), with the threads and temporary files it takes.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING

from bot.messages import Attachment, Reply
from bot.officers.rosters import import_failed, imported, invited
from bot.officers.work import RosterImportJob, RosterInviteJob
from bot.rosters import (
    Candidate,
    Checked,
    RosterChecks,
    RosterReportWriter,
    place_cache,
    pre_checked,
)
from bot.uploads import UnreadableFile

if TYPE_CHECKING:
    from bot.ports import Repository

CHUNK = 1000  # lines checked and stored per unit of work; invitations queued per unit of work
Places = Callable[[str, str | None], tuple[tuple[str, str], ...]]


def next_chunk(lines: Iterator[Candidate], today: date, places: Places) -> list[Candidate]:
    """The file's next ``CHUNK`` lines with their checks that need no database (CPU-bound: run
    in a thread)."""
    return list(pre_checked(itertools.islice(lines, CHUNK), today, places))


async def run_import(repo: Repository, job: RosterImportJob) -> list[Reply]:
    """Check and store the file a chunk at a time; the answer with its per-row report."""
    now = job.now
    async with repo.officer() as session:
        session.restrict(job.scope)
        roster_id = await session.begin_roster(job.draft, job.by, now)
    report = RosterReportWriter(job.lang)
    try:
        kept, refused = await _chunks(repo, job, roster_id, report)
        async with repo.officer() as session:
            session.restrict(job.scope)
            if kept:
                await session.finish_roster(roster_id, now)
                detail = f"{roster_id} {job.sponsor.id} {kept}/{kept + refused}"
                await session.audit(job.by, "roster_impor", None, detail, now)
            else:
                await session.drop_roster(roster_id)
    except UnreadableFile:
        await _drop(repo, job, roster_id)
        return [import_failed(job)]
    except BaseException:
        await asyncio.shield(_drop(repo, job, roster_id))
        raise
    finally:
        data = await asyncio.to_thread(report.close)  # its temporary files go in any case
    answer = imported(job, roster_id if kept else None, kept, refused)
    return [replace(answer, files=(Attachment(job.report_name, data, photo=False),))]


async def _chunks(
    repo: Repository, job: RosterImportJob, roster_id: int, report: RosterReportWriter
) -> tuple[int, int]:
    """Every chunk checked, stored and written to the report: (kept, refused)."""
    checks = RosterChecks(job.sponsor, job.today)
    lines = iter(job.file.candidates)
    places = place_cache()
    kept = refused = 0
    while chunk := await asyncio.to_thread(next_chunk, lines, job.today, places):
        async with repo.officer() as session:
            session.restrict(job.scope)
            niks = sorted({c.pre.nik for c in chunk if c.pre and c.pre.nik_problem is None})
            phones = sorted(
                {c.pre.phone for c in chunk if c.pre and not c.pre.phone_problem and c.pre.phone}
            )
            active = await session.active_niks(niks)
            blocked = await session.blocked_phones(phones) if phones else frozenset[str]()
            checked: list[Checked] = checks.check(chunk, active, blocked)
            rows = [c.row for c in checked if c.row is not None]
            await session.add_roster_rows(roster_id, rows, now=job.now)
        kept += len(rows)
        refused += len(checked) - len(rows)
        await asyncio.to_thread(report.add, checked)
    return kept, refused


async def _drop(repo: Repository, job: RosterImportJob, roster_id: int) -> None:
    """Delete what a failed import stored."""
    async with repo.officer() as session:
        session.restrict(job.scope)
        await session.drop_roster(roster_id)


async def run_invitations(repo: Repository, job: RosterInviteJob) -> list[Reply]:
    """Queue the roster's WhatsApp invitations a chunk at a time; the answer."""
    now = job.now
    async with repo.officer() as session:
        session.restrict(job.scope)
        row_ids = await session.invitable_rows(job.roster_id, now)
    queued = 0
    for start in range(0, len(row_ids), CHUNK):
        async with repo.officer() as session:
            session.restrict(job.scope)
            chunk = row_ids[start : start + CHUNK]
            queued += await session.invite_rows(chunk, queued, job.daily, now)
    if queued:
        async with repo.officer() as session:
            session.restrict(job.scope)
            detail = f"{job.roster_id} {queued}"
            await session.audit(job.by, "roster_undang", None, detail, now)
    return [invited(job, queued)]
