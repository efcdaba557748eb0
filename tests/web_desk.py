"""What the web desk's tests share: settings with the desk on, submissions stored directly,
officers of branches, and a sign-in link made as /masuk makes one."""

from __future__ import annotations

import secrets
from dataclasses import replace
from datetime import datetime

from bot.domain import Officer, Role
from bot.ports import Repository
from bot.settings import Settings
from bot.web_desk import LINK_VALID, secret_hash
from tests.conftest import OFFICER
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
