"""kill -9 right after Telegram was told twenty answers arrived, and a worker who types on: the
restarted process answers every one of them within seconds, each chat's in order.

The first process holds the twenty updates (the replies of the first in each chat are in the
air, one worker's second update waits behind their first). The restarted process finds the dead
process gone at its first heartbeat (same host, its pid no longer runs) and takes its updates
over then, not after the 30 s lease; the worker's newer message, received by the new process
meanwhile, waits for the two older ones of the same chat.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from tests.fakes import Updates
from tests.system.fake_telegram import FakeTelegram
from tests.system.helpers import (
    ANSWER_SECONDS,
    Bots,
    bot_env,
    conversation,
    nik,
    query,
    say,
    steps_seen,
    wait_polling,
)

WORKERS = [7301 + i for i in range(19)]
TYPIST = 7399
WITHIN_SECONDS = 10.0  # of the restart (the target is 5 s once polling; start-up takes ~2 s)


def nothing_unanswered(database: str) -> Callable[[], bool]:
    return lambda: (
        query(database, "SELECT count(*) FROM inbox WHERE answered_at IS NULL") == [(0,)]
    )


def test_after_a_kill_every_confirmed_update_is_answered_at_once_in_order(
    database_url: str, fake: FakeTelegram, bots: Bots
) -> None:
    database = database_url
    env = bot_env(fake, database)  # INBOX_LEASE_SECONDS at its default, 30
    updates = Updates()
    first = bots.start(env, "first")
    wait_polling(fake, first)

    def to_nik(user: int) -> None:
        say(fake, updates.text(user, "/start"), user, first)
        assert "Langkah 1" in say(fake, updates.press(user, "consent:yes"), user, first)

    with ThreadPoolExecutor(max_workers=len(WORKERS) + 1) as people:
        list(people.map(to_nik, [*WORKERS, TYPIST]))
    fake.wait_for(nothing_unanswered(database), ANSWER_SECONDS, "the answers to be marked")

    # Every reply is held; twenty answers arrive and are confirmed to Telegram; kill -9.
    fake.hold_all_sends()
    fake.push(updates.text(TYPIST, nik(99)))
    fake.push(updates.press(TYPIST, "nikok:yes"))  # waits behind the NIK in the typist's chat
    for k, user in enumerate(WORKERS):
        fake.push(updates.text(user, nik(k + 1)))
    last = fake.last_update_id()
    fake.wait_for(
        lambda: len(fake.held()) >= len(WORKERS) + 1 and fake.confirmed() > last,
        ANSWER_SECONDS,
        first.output(),
    )
    first.kill()
    fake.disarm()
    before = {user: len(fake.sent(user)) for user in [*WORKERS, TYPIST]}

    # The restart; the typist, answered nothing, types their name meanwhile.
    restarted = time.monotonic()
    second = bots.start(env, "second")
    fake.push(updates.text(TYPIST, "Sri Wahyuni"))
    wait_polling(fake, second)

    def everyone_answered() -> bool:
        assert second.alive(), second.output()
        typed_on = steps_seen(fake, TYPIST)[-1:] == [4]
        return typed_on and all("Dari NIK" in fake.sent(user)[-1].text for user in WORKERS)

    fake.wait_for(everyone_answered, 40.0, f"answers after the restart\n{second.output()}")
    took = time.monotonic() - restarted
    assert took < WITHIN_SECONDS, f"answered {took:.1f} s after the restart"

    # In order: the NIK's question again (its reply was lost), the confirmation, then the name.
    assert steps_seen(fake, TYPIST) == [1, 2, 3, 4], fake.sent(TYPIST)
    state = conversation(database, TYPIST)
    assert state["step"] == "birth_place"
    assert (state["answers"]["nik"], state["answers"]["name"]) == (nik(99), "Sri Wahyuni")
    for k, user in enumerate(WORKERS):  # each answer applied once and answered once
        assert len(fake.sent(user)) == before[user] + 1
        assert conversation(database, user)["answers"]["nik"] == nik(k + 1)
    fake.wait_for(nothing_unanswered(database), 10.0, "the inbox to be answered")
    assert second.terminate() == 0, second.output()
