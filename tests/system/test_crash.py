"""SIGKILL a real ``python -m bot run`` (polling the fake Bot API) and start it again.

What must survive: a half-finished registration (state is in the database, never only in
memory) and a notification being delivered (the outbox is at least once: it may repeat once,
it is never lost). Nothing may be submitted twice.
"""

from __future__ import annotations

import re

from tests.fakes import Updates
from tests.system.fake_telegram import FakeTelegram
from tests.system.helpers import (
    OFFICER,
    Bots,
    bot_env,
    conversation,
    nik,
    query,
    registration,
    say,
    wait_polling,
)

WORKER = 5001
KPJ = "12345678901"
HELD_SECONDS = 10.0  # the outbox loop runs every 2 s: the held send comes well within this


def test_killed_mid_registration_resumes_at_the_same_question(
    database_url: str, fake: FakeTelegram, bots: Bots
) -> None:
    database = database_url
    env = bot_env(fake, database)
    steps = registration(Updates(), WORKER, nik(1), name="Sarjono")

    first = bots.start(env, "first")
    wait_polling(fake, first)
    for update, expected in steps[:5]:  # up to the name, answered with the birth-place question
        assert expected in say(fake, update, WORKER, first)
    assert "tempat lahir" in fake.sent(WORKER)[-1].text
    # Killed once the answers are marked answered (a fraction of a second after the reply): a
    # kill before that makes the restart send the pending question once more (at least once).
    fake.wait_for(
        lambda: query(database, "SELECT count(*) FROM inbox WHERE answered_at IS NULL") == [(0,)],
        HELD_SECONDS,
        "the answers to be marked",
    )
    first.kill()

    state = conversation(database, WORKER)
    assert state["step"] == "birth_place"
    assert state["answers"]["nik"] == nik(1)
    assert state["answers"]["name"] == "Sarjono"

    second = bots.start(env, "second")
    wait_polling(fake, second)
    # The worker answers the question they were shown before the crash: it is taken as such.
    update, expected = steps[5]
    assert expected in say(fake, update, WORKER, second)
    state = conversation(database, WORKER)
    assert state["answers"]["birth_place"] == "Kulon Progo"
    assert state["answers"]["name"] == "Sarjono"
    for update, expected in steps[6:]:
        assert expected in say(fake, update, WORKER, second)

    rows = query(database, "SELECT reference, nik, name, status FROM submissions")
    assert len(rows) == 1
    reference, stored_nik, name, status = rows[0]
    assert reference in fake.sent(WORKER)[-1].text
    assert (stored_nik, name, status) == (nik(1), "Sarjono", "diajukan")
    # Every question was asked once: the restart repeated nothing and skipped nothing.
    steps_seen = [
        int(found.group(1))
        for c in fake.sent(WORKER)
        if (found := re.search(r"Langkah (\d+) dari 11", c.text))
    ]
    assert steps_seen == list(range(1, 12))
    assert second.terminate() == 0, second.output()


def test_killed_while_its_answer_is_in_flight(
    database_url: str, fake: FakeTelegram, bots: Bots
) -> None:
    """The answer was saved but its reply never reached the worker: /start asks again."""
    database = database_url
    env = bot_env(fake, database)
    updates = Updates()
    steps = registration(updates, WORKER, nik(2), name="Sarjono")

    first = bots.start(env, "first")
    wait_polling(fake, first)
    for update, expected in steps[:4]:
        assert expected in say(fake, update, WORKER, first)
    fake.hold_send(1, chat_id=WORKER)
    fake.push(steps[4][0])  # the name; its reply (the birth-place question) is held
    assert fake.wait_held(HELD_SECONDS), first.output()
    first.kill()
    fake.disarm()
    assert conversation(database, WORKER)["answers"]["name"] == "Sarjono"

    second = bots.start(env, "second")
    wait_polling(fake, second)
    asked = say(fake, updates.text(WORKER, "/start"), WORKER, second)
    assert "Langkah 4 dari 11" in asked and "tempat lahir" in asked
    for update, expected in steps[5:]:
        assert expected in say(fake, update, WORKER, second)
    assert query(database, "SELECT count(*) FROM submissions") == [(1,)]
    assert second.terminate() == 0, second.output()


def test_killed_while_a_notification_is_in_flight(
    database_url: str, fake: FakeTelegram, bots: Bots
) -> None:
    database = database_url
    env = bot_env(fake, database)
    updates = Updates()

    first = bots.start(env, "first")
    wait_polling(fake, first)
    for update, expected in registration(updates, WORKER, nik(3)):
        assert expected in say(fake, update, WORKER, first)
    ((reference,),) = query(database, "SELECT reference FROM submissions")

    # The officer approves; the worker's notification goes into the outbox in that transaction.
    fake.hold_send(1, chat_id=WORKER)
    decided = say(fake, updates.text(OFFICER, f"/setujui {reference} {KPJ}"), OFFICER, first)
    assert "disetujui" in decided
    assert fake.wait_held(HELD_SECONDS), f"the outbox loop never sent\n{first.output()}"
    first.kill()  # Telegram got the request; the bot never heard back
    fake.disarm()
    assert query(database, "SELECT status FROM outbox") == [("pending",)]

    second = bots.start(env, "second")
    wait_polling(fake, second)

    def delivered() -> bool:
        return query(database, "SELECT status FROM outbox") == [("sent",)]

    fake.wait_for(delivered, HELD_SECONDS, f"the outbox row to be sent\n{second.output()}")
    notifications = [c for c in fake.sent(WORKER, held=True) if KPJ in c.text]
    # The held attempt and the one after the restart: at least once, repeated at most once.
    assert [c.held for c in notifications] == [True, False]
    assert query(database, "SELECT reference, status, kpj FROM submissions") == [
        (reference, "disetujui", KPJ)
    ]
    assert query(database, "SELECT count(*) FROM outbox") == [(1,)]
    assert second.terminate() == 0, second.output()
