"""The fake Bot API hands out updates as Telegram does, whatever order a test built them in."""

from __future__ import annotations

import httpx

from tests.fakes import Updates
from tests.system.fake_telegram import FakeTelegram
from tests.system.helpers import TOKEN


def poll(fake: FakeTelegram, client: httpx.Client, offset: int) -> list[dict[str, object]]:
    answer = client.post(f"{fake.base_url}{TOKEN}/getUpdates", json={"offset": offset})
    updates: list[dict[str, object]] = answer.json()["result"]
    return updates


def test_an_update_built_early_but_pushed_late_is_not_lost(fake: FakeTelegram) -> None:
    updates = Updates()
    early = updates.text(5001, "Sri Wahyuni")  # built first: the lower id
    late = updates.text(5001, "/start")
    with httpx.Client() as client:
        fake.push(late)
        (got,) = poll(fake, client, 0)
        assert got["update_id"] == late["update_id"]
        assert poll(fake, client, late["update_id"] + 1) == []  # confirmed, and nothing new
        fake.push(early)  # between two polls whose offset is already past its id
        (got,) = poll(fake, client, late["update_id"] + 1)
    assert got["message"] == early["message"]
    assert got["update_id"] == late["update_id"] + 1  # renumbered, as Telegram's ids only grow
