"""Sponsors' payer types on both backends: migration 0014 of the old "apbd" sponsors, and an
officer changing a sponsor's type (its submissions' copies follow)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from bot.domain import Decision, Payer, Sponsor, Status
from bot.settings import Settings
from storage import open_repository
from storage.backends import AnyRepository
from tests.conftest import query
from tests.databases import execute_url
from tests.storage.drafts import NOW, draft, nik


def sponsor(name: str, payer: Payer, level: str) -> Sponsor:
    return Sponsor(
        id=0,
        name=name,
        payer=payer,
        level=level,
        start_day=date(2026, 1, 1),
        end_day=date(2026, 12, 31),
        quota=10,
        regions=("34.01",),
        occupations=(),
        whole_region=True,
        branch="Yogyakarta",
    )


async def create(repo: AnyRepository, *sponsors: Sponsor) -> list[int]:
    async with repo.officer() as desk:
        desk.restrict(None)
        return [await desk.create_sponsor(s, "9", NOW) for s in sponsors]


async def submit_sponsored(repo: AnyRepository, user: str, sponsor_id: int, payer: Payer) -> str:
    choice = {"id": sponsor_id, "name": "Sponsor", "payer": str(payer)}
    sponsored = replace(draft(nik=nik(int(user)), sponsor=choice), sponsor_id=sponsor_id)
    async with repo.worker("tg", user) as session:
        reference = (await session.submit(sponsored, NOW)).reference
    assert reference is not None
    return reference


async def payer_of(repo: AnyRepository, reference: str) -> Payer | None:
    async with repo.officer() as desk:
        desk.restrict(None)
        found = await desk.get(reference)
    assert found is not None
    return found.answers.sponsor.payer if found.answers.sponsor else None


async def test_migration_0014_makes_old_apbd_sponsors_regency_budgets(
    repo: AnyRepository, settings: Settings
) -> None:
    url = settings.database_url
    regency, province, state = await create(
        repo,
        sponsor("Pemkab Kulon Progo", Payer.APBD_REGENCY, "kabupaten"),
        sponsor("Pemprov DIY", Payer.APBD_PROVINCE, "provinsi"),
        sponsor("Kemnaker", Payer.APBN, "pusat"),
    )
    first = await submit_sponsored(repo, "1", regency, Payer.APBD_REGENCY)
    second = await submit_sponsored(repo, "2", province, Payer.APBD_PROVINCE)
    # The rows as releases before 0014 wrote them: one "apbd" for both budgets.
    execute_url(url, "UPDATE sponsors SET payer = 'apbd' WHERE payer LIKE 'apbd%'")
    if url.startswith("sqlite:"):
        execute_url(
            url, "UPDATE submissions SET answers = json_set(answers, '$.sponsor.payer', 'apbd')"
        )
        execute_url(url, "PRAGMA user_version = 13")
    else:
        execute_url(
            url,
            "UPDATE submissions SET answers = jsonb_set(answers, '{sponsor,payer}', '\"apbd\"')",
        )
        execute_url(url, "DELETE FROM schema_migrations WHERE version = 14")
    assert [await payer_of(repo, r) for r in (first, second)] == [Payer.APBD_REGENCY] * 2
    reopened = await open_repository(url, pool_min=1, pool_max=1)
    await reopened.close()
    assert query(settings, "SELECT id, payer, level FROM sponsors ORDER BY id") == [
        (regency, "apbd_kabupaten", "kabupaten"),
        (province, "apbd_provinsi", "provinsi"),
        (state, "apbn", "pusat"),
    ]
    assert await payer_of(repo, first) is Payer.APBD_REGENCY
    assert await payer_of(repo, second) is Payer.APBD_PROVINCE


async def test_an_officer_changes_a_sponsors_type_and_its_workers_follow(
    repo: AnyRepository, settings: Settings
) -> None:
    (wrong,) = await create(repo, sponsor("BAZNAS Kulon Progo", Payer.APBD_REGENCY, "kabupaten"))
    reference = await submit_sponsored(repo, "3", wrong, Payer.APBD_REGENCY)
    async with repo.officer() as desk:
        desk.restrict(("Semarang Pemuda",))  # another branch's officer cannot change it
        assert not await desk.set_sponsor_payer(wrong, Payer.ZAKAT, "zakat")
    async with repo.officer() as desk:
        desk.restrict(("Yogyakarta",))
        assert await desk.set_sponsor_payer(wrong, Payer.ZAKAT, "zakat")
        changed = await desk.sponsor(wrong)
    assert changed is not None and (changed.payer, changed.level) == (Payer.ZAKAT, "zakat")
    assert await payer_of(repo, reference) is Payer.ZAKAT
    async with repo.officer() as desk:
        desk.restrict(None)
        await desk.decide(reference, Decision(Status.APPROVED, kpj="12345678901"), "9", NOW)
        # The bill's groups: income and occupation (the sector follows from it).
        assert await desk.sponsor_approved(wrong) == [(1_500_000, "nelayan", 1)]


async def test_a_draft_submitted_after_a_type_change_takes_the_new_type(
    repo: AnyRepository,
) -> None:
    (sponsor_id,) = await create(repo, sponsor("CSR PT Maju", Payer.APBD_REGENCY, "kabupaten"))
    async with repo.officer() as desk:
        desk.restrict(None)
        assert await desk.set_sponsor_payer(sponsor_id, Payer.CSR, "csr")
    # The worker's draft got its sponsor (and its old type) before the change.
    reference = await submit_sponsored(repo, "4", sponsor_id, Payer.APBD_REGENCY)
    assert await payer_of(repo, reference) is Payer.CSR
