"""What the web desk's tests share: settings with the desk on, submissions stored directly,
officers of branches, and a sign-in link made as /masuk makes one."""

from __future__ import annotations

import secrets
from dataclasses import replace
from datetime import date, datetime, timedelta

from bot.domain import Decision, Officer, Payer, Role, Sponsor, Status
from bot.ports import Repository
from bot.rosters import RosterDraft, RosterRow
from bot.settings import Settings
from bot.web_desk import LINK_VALID, secret_hash
from tests.conftest import OFFICER
from tests.databases import execute_url
from tests.storage.drafts import draft, nik

PETUGAS = "tg:7001"  # an officer of Yogyakarta only
ADMIN = f"tg:{OFFICER}"


def desk_settings(database_url: str, public_url: str = "http://127.0.0.1:8090") -> Settings:
    """The test settings with the web desk on, its cookie allowed over http://127.0.0.1."""
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=database_url,
        telegram_bot_token="123456:TEST",  # type: ignore[arg-type]
        officer_ids=(OFFICER,),
        web_desk_enabled=True,
        web_desk_public_url=public_url,
        web_desk_secure_cookie=False,
    )


async def seed(
    repo: Repository, count: int, now: datetime, *, branch: str = "Yogyakarta", first: int = 1
) -> list[str]:
    """``count`` waiting submissions of ``branch`` (workers tg:<serial>); their references."""
    references = []
    for serial in range(first, first + count):
        async with repo.worker("tg", str(serial)) as session:
            made = await session.submit(replace(draft(nik=nik(serial)), branch=branch), now)
        assert made.reference is not None
        references.append(made.reference)
    return references


async def add_officer(
    repo: Repository, user_id: str, role: Role, branches: tuple[str, ...], now: datetime
) -> None:
    async with repo.officer() as session:
        session.restrict(None)
        await session.save_officer(Officer(user_id, role, branches), ADMIN, now)


async def link_secret(repo: Repository, user_id: str, now: datetime, lang: str = "id") -> str:
    """A one-time sign-in link's secret, stored as /masuk stores it."""
    secret = secrets.token_urlsafe(32)
    async with repo.officer() as session:
        await session.create_login_token(secret_hash(secret), user_id, lang, now, now + LINK_VALID)
    return secret


# --- sponsors and their representatives (docs/sponsor-view.md) ------------------------------

REPRESENTATIVE = 7301  # a Telegram user who is no officer
OTHER_REPRESENTATIVE = 7302


def a_sponsor(name: str, branch: str = "Yogyakarta", quota: int = 10) -> Sponsor:
    return Sponsor(
        id=0,
        name=name,
        payer=Payer.APBD_REGENCY,
        level="kabupaten",
        start_day=date(2026, 1, 1),
        end_day=date(2027, 12, 31),
        quota=quota,
        regions=("34.01",),
        occupations=(),
        whole_region=True,
        branch=branch,
    )


async def make_sponsor(repo: Repository, sponsor: Sponsor, now: datetime) -> int:
    async with repo.officer() as session:
        session.restrict(None)
        return await session.create_sponsor(sponsor, ADMIN, now)


async def sponsored(
    repo: Repository,
    serial: int,
    sponsor: Sponsor,
    sponsor_id: int,
    now: datetime,
    *,
    income: int = 1_500_000,
    occupation: str = "nelayan",
    approve: bool = False,
) -> str:
    """A worker registered under a sponsor (approved if asked); their reference."""
    choice = {"id": sponsor_id, "name": sponsor.name, "payer": str(sponsor.payer)}
    made = replace(
        draft(nik=nik(serial), sponsor=choice, income=income, occupation=occupation),
        sponsor_id=sponsor_id,
        branch=sponsor.branch,
    )
    async with repo.worker("tg", str(serial)) as session:
        reference = (await session.submit(made, now)).reference
    assert reference is not None
    if approve:
        async with repo.officer() as session:
            session.restrict(None)
            kpj = f"{serial:011d}"
            await session.decide(reference, Decision(Status.APPROVED, kpj=kpj), ADMIN, now)
    return reference


async def grant(repo: Repository, sponsor_id: int, user: int, now: datetime) -> int:
    """An access for Telegram user ``user``, as /akses_sponsor grants it; its id."""
    async with repo.officer() as session:
        session.restrict(None)
        made = await session.grant_sponsor_access(sponsor_id, f"tg:{user}", "Bu Rina", ADMIN, now)
    assert made is not None
    return made


async def access_link(repo: Repository, user: int, access_id: int, now: datetime) -> str:
    """A representative's one-time sign-in link's secret, stored as /masuk stores it."""
    secret = secrets.token_urlsafe(32)
    async with repo.officer() as session:
        await session.create_login_token(
            secret_hash(secret), f"tg:{user}", "id", now, now + LINK_VALID, access_id
        )
    return secret


# --- rosters (docs/rosters.md) ---------------------------------------------------------------


async def roster_of(
    repo: Repository, sponsor_id: int, niks: list[str], now: datetime, branch: str = "Yogyakarta"
) -> int:
    """A roster of ``sponsor_id`` listing workers with these NIKs (nothing sent); its id."""
    rows = tuple(
        RosterRow(line, n, f"Pekerja {line}", f"+62812345678{line:02d}", "34.01", "Bendungan")
        for line, n in enumerate(niks, start=2)
    )
    draft = RosterDraft(sponsor_id, branch, "PKS 1", True, "r.csv", now + timedelta(days=60))
    async with repo.officer() as session:
        session.restrict(None)
        return await session.create_roster(draft, rows, ADMIN, now)


def invited(url: str, roster_id: int, nik: str, reference: str, state: str = "completed") -> None:
    """The roster row of ``nik`` became submission ``reference``, as the invitation records."""
    changed = execute_url(
        url,
        "UPDATE roster_rows SET reference = ?, state = ? WHERE roster_id = ? AND nik = ?",
        reference,
        state,
        roster_id,
        nik,
    )
    assert changed == 1
