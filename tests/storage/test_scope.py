""" "No branches" means one thing: a scope (bot.domain.BranchScope) of None sees every branch and
an empty one sees none, in the core (``Officer.scope``) and in storage (an officer's unit of work
and the export alike), on both backends."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

from bot.domain import ExportFilter, Officer, Role
from storage.backends import AnyRepository
from tests.storage.drafts import NOW, draft, nik

BRANCHES = ("Yogyakarta", "Pekalongan")

# Each officer, and the branches whose submissions they see.
SEES = [
    (Officer("1", Role.ADMIN), set(BRANCHES)),
    (Officer("2", Role.SUPERVISOR), set(BRANCHES)),
    (Officer("3", Role.SUPERVISOR, ("Pekalongan",)), {"Pekalongan"}),
    (Officer("4", Role.PETUGAS, ("Yogyakarta",)), {"Yogyakarta"}),
    (Officer("5", Role.PETUGAS), set()),  # a petugas given no branch (a row changed by hand)
]


async def test_an_officer_sees_the_branches_of_their_scope_and_no_other(
    repo: AnyRepository, tmp_path: Path
) -> None:
    for serial, branch in enumerate(BRANCHES, start=1):
        async with repo.worker("tg", str(serial)) as session:
            submitted = replace(draft(nik=nik(serial)), branch=branch)
            assert (await session.submit(submitted, NOW)).reference
    for officer, sees in SEES:
        async with repo.officer() as session:
            session.restrict(officer.scope)
            queue = await session.queue(10, 0)
            counts = await session.count_by_status()
            statistics = await session.statistics(None, frozenset({"name"}))
        out = tmp_path / f"{officer.user_id}.csv"
        exported = await repo.export(officer.scope, ExportFilter(), "csv", out, date(2026, 6, 1))
        assert {s.branch for s in queue} == sees, officer
        assert sum(counts.values()) == len(sees), officer
        assert sum(statistics.by_status.values()) == len(sees), officer
        assert exported == len(sees), officer


def test_an_empty_scope_is_none_and_only_supervisors_and_admins_see_every_branch() -> None:
    assert Officer("1", Role.ADMIN).scope is None
    assert Officer("2", Role.SUPERVISOR).scope is None
    assert Officer("3", Role.SUPERVISOR, ("Pekalongan",)).scope == ("Pekalongan",)
    assert Officer("5", Role.PETUGAS).scope == ()
