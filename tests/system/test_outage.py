"""Telegram down for a minute in the middle of twenty registrations: every worker still gets the
question that answers their last message, once, as soon as Telegram is back.

The bot stores and applies what arrives (getUpdates still answers: the outage is on sending), but
its replies fail; the inbox keeps each update unanswered and tries it again until its reply goes
out, without counting the outage against it. Sixty seconds: seventeen times the send's own
retries (~3.5 s), and twice the inbox's lease (30 s), which the process renews meanwhile.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from tests.fakes import Updates
from tests.system.fake_telegram import FakeTelegram
from tests.system.helpers import (
    BotProcess,
    Bots,
    bot_env,
    conversation,
    nik,
    query,
    registration,
    say,
    steps_seen,
    wait_polling,
)

OUTAGE_SECONDS = 60.0
WORKERS = [7101 + i for i in range(20)]
BEFORE = 4  # steps each worker takes before the outage (up to the name question)
AFTER_SECONDS = 30.0  # once Telegram is back, every pending question is sent within this


def test_replies_lost_to_an_outage_are_sent_once_it_is_over(
    tmp_path: Path, fake: FakeTelegram, bots: Bots
) -> None:
    database = tmp_path / "bpu.db"
    bot: BotProcess = bots.start(bot_env(fake, database))
    wait_polling(fake, bot)
    updates = Updates()
    steps = {user: registration(updates, user, nik(i + 1)) for i, user in enumerate(WORKERS)}

    def walk(user: int, first: int, last: int) -> None:
        for update, marker in steps[user][first:last]:
            assert marker in say(fake, update, user, bot)

    with ThreadPoolExecutor(max_workers=len(WORKERS)) as people:
        list(people.map(lambda user: walk(user, 0, BEFORE), WORKERS))

    # Telegram goes down; every worker types their name, which is received and applied.
    fake.outage(OUTAGE_SECONDS)
    for user in WORKERS:
        fake.push(steps[user][BEFORE][0])

    def applied() -> bool:
        assert bot.alive(), bot.output()
        rows = query(database, "SELECT count(*) FROM inbox WHERE applied_at IS NOT NULL")
        return rows == [(len(WORKERS) * (BEFORE + 1),)]

    fake.wait_for(applied, 20.0, f"the names to be applied\n{bot.output()}")
    assert all(len(fake.sent(user)) == BEFORE for user in WORKERS)  # nothing got through

    # Telegram is back: each worker is asked the next question, once.
    marker = steps[WORKERS[0]][BEFORE][1]

    def asked() -> bool:
        assert bot.alive(), bot.output()
        return all(marker in fake.sent(user)[-1].text for user in WORKERS if fake.sent(user))

    fake.wait_for(asked, OUTAGE_SECONDS + AFTER_SECONDS, f"the questions\n{bot.output()}")
    assert fake.down, "the outage answered nothing with 502"
    for user in WORKERS:
        assert steps_seen(fake, user) == [1, 2, 3, 4], fake.sent(user)
        assert conversation(database, user)["answers"]["name"] == "Sri Wahyuni"
    # And the registrations go on.
    with ThreadPoolExecutor(max_workers=len(WORKERS)) as people:
        list(people.map(lambda user: walk(user, BEFORE + 1, BEFORE + 2), WORKERS))
    fake.wait_for(
        lambda: query(database, "SELECT count(*) FROM inbox WHERE answered_at IS NULL") == [(0,)],
        10.0,
        "the inbox to be answered",
    )
    assert query(database, "SELECT count(*) FROM inbox WHERE attempts > 0") == [(0,)]
    assert bot.terminate() == 0, bot.output()
