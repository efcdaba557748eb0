"""The "/" menu: workers' commands for everyone, officers' in each officer's chat."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from bot.domain import Officer, Role
from handlers.telegram.app import running, services_of
from tests.conftest import OFFICER, WORKER, Telegram
from tests.fakes import Call


def menu(call: Call) -> list[str]:
    commands = call.params["commands"]
    data = json.loads(commands) if isinstance(commands, str) else commands
    return [c["command"] for c in data]


def scope(call: Call) -> dict[str, object]:
    value = call.params.get("scope")
    data = json.loads(value) if isinstance(value, str) else value
    return dict(data or {})


async def test_start_up_sets_the_menus_in_both_languages(telegram: Telegram) -> None:
    async with running(telegram.app):
        pass
    calls = [c for c in telegram.request.calls if c.method == "setMyCommands"]
    default = [c for c in calls if scope(c).get("type") == "default"]
    assert {c.params.get("language_code") for c in default} == {None, "en"}
    assert all("status" in menu(c) and "antrean" not in menu(c) for c in default)
    english = next(c for c in default if c.params.get("language_code") == "en")
    assert "Start or continue your registration" in json.dumps(english.params["commands"])
    officers = [c for c in calls if scope(c) == {"type": "chat", "chat_id": OFFICER}]
    assert len(officers) == 2 and all("antrean" in menu(c) for c in officers)


async def test_a_refused_officer_scope_is_logged_and_tried_again_at_their_message(
    telegram: Telegram, caplog: pytest.LogCaptureFixture
) -> None:
    refuse = {"on": True}

    def chat_not_found(call: Call) -> tuple[int, str] | None:
        if refuse["on"] and call.method == "setMyCommands" and scope(call).get("type") == "chat":
            return 400, "Bad Request: chat not found"
        return None

    telegram.request.fail = chat_not_found
    menus = services_of(telegram.app).menus
    await menus.refresh(telegram.app.bot, telegram.repo)
    assert menus.failed == {str(OFFICER)}
    assert any("command menu not set yet" in r.message for r in caplog.records)
    refuse["on"] = False
    await telegram.text(WORKER, "/start")  # a worker's message changes nothing
    assert menus.failed == {str(OFFICER)}
    await telegram.text(OFFICER, "/antrean")
    assert menus.failed == set()
    last = [c for c in telegram.request.calls if c.method == "setMyCommands"][-1]
    assert scope(last) == {"type": "chat", "chat_id": OFFICER}


async def test_a_removed_officer_loses_the_menu(telegram: Telegram) -> None:
    menus = services_of(telegram.app).menus
    await menus.refresh(telegram.app.bot, telegram.repo)
    async with telegram.repo.officer() as session:
        session.restrict(None)
        await session.save_officer(
            Officer("777", Role.PETUGAS, ("Yogyakarta",)), "t", datetime.now(UTC)
        )
    await menus.refresh(telegram.app.bot, telegram.repo)
    assert any(
        c.method == "setMyCommands" and scope(c).get("chat_id") == 777
        for c in telegram.request.calls
    )
    async with telegram.repo.officer() as session:
        session.restrict(None)
        await session.remove_officer("777")
    await menus.refresh(telegram.app.bot, telegram.repo)
    assert any(
        c.method == "deleteMyCommands" and scope(c).get("chat_id") == 777
        for c in telegram.request.calls
    )
