"""A roster invited on WhatsApp: /roster_undang, the outbox paced by Meta's three limits against
the strict fake Cloud API, the statuses kept per row, and the one reminder."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timedelta

import pytest

from bot.flow.reminders import draft_reminder
from bot.settings import Settings
from handlers import roster_jobs
from handlers.housekeeping import policy
from handlers.outbox import deliver_due
from handlers.runtime import build_core
from handlers.telegram.app import services_of
from handlers.whatsapp.channel import WhatsAppChannel
from handlers.whatsapp.client import WhatsAppClient
from handlers.whatsapp.pacing import Pacer
from storage.sql.tx import as_datetime
from tests.conftest import OFFICER, Telegram, query
from tests.databases import execute_url
from tests.handlers.conftest import WhatsApp
from tests.handlers.test_events_sponsors import create_sponsor
from tests.handlers.test_rosters import import_roster
from tests.system.fake_whatsapp import PHONE_NUMBER_ID, TOKEN, FakeWhatsApp, _envelope

# The roster's rows with a number, in file order (the sample's fourth has none: slips only).
INVITED = ("6281234567801", "6281322334402", "6285711223303", "6281299990000")
INVITATION = "bpu_undangan_pendaftaran"
REMINDER = "bpu_undangan_pengingat"
LIMIT = 2  # a small messaging limit: four invitations take two days
PAIR = 0.05  # seconds: the pair rate, small so the test stays fast


class Clock:
    """A time the test moves."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now


def paced_channel(
    telegram: Telegram, settings: Settings, cloud: FakeWhatsApp, clock: Callable[[], datetime]
) -> WhatsAppChannel:
    """The WhatsApp channel with the deployment's pacing, against the strict fake."""
    paced = settings.model_copy(
        update={"whatsapp_messaging_limit": LIMIT, "whatsapp_pair_seconds": PAIR}
    )
    core = build_core(paced, telegram.repo, clock)
    client = WhatsAppClient(
        base_url=cloud.base_url,
        phone_number_id=PHONE_NUMBER_ID,
        access_token=TOKEN,
        pacer=Pacer(80, PAIR),
    )
    return WhatsAppChannel(core, client)


def strict(cloud: FakeWhatsApp, clock: Callable[[], datetime]) -> None:
    """Meta's limits enforced: 80 a second, the pair rate, LIMIT unique users a day."""
    cloud.messages_per_second = 80
    cloud.pair_seconds = PAIR
    cloud.messaging_limit = LIMIT
    cloud.clock = clock


def templates(cloud: FakeWhatsApp, user: str) -> list[str]:
    return [m["template"]["name"] for m in cloud.sent(user) if m["type"] == "template"]


def rows(settings: Settings) -> list[tuple[str, str, str]]:
    return [
        (str(r[0]), str(r[1]), str(r[2]))
        for r in query(settings, "SELECT phone, state, reason FROM roster_rows ORDER BY line")
    ]


async def invite(telegram: Telegram) -> int:
    """A roster imported and invited (the officer confirms); its id."""
    services_of(telegram.app).desk.messaging_limit = LIMIT
    sponsor = await create_sponsor(telegram, quota=100)
    await import_roster(telegram, OFFICER, sponsor)
    roster_id = int(query(telegram.settings, "SELECT max(id) FROM rosters")[0][0])
    asked = await telegram.text(OFFICER, f"/roster_undang {roster_id}")
    assert "<b>4</b> orang" in asked and f"Batas WhatsApp {LIMIT} orang per 24 jam" in asked
    assert "selama 2 hari" in asked
    done = await telegram.press(OFFICER, f"off:roster_undang:{roster_id} ya")
    assert "4 undangan WhatsApp" in done and "selama 2 hari" in done
    return roster_id


async def test_a_roster_is_invited_within_the_limits_and_its_statuses_kept(
    telegram: Telegram, settings: Settings, cloud: FakeWhatsApp
) -> None:
    roster_id = await invite(telegram)
    clock = Clock(services_of(telegram.app).clock())
    strict(cloud, clock)
    channel = paced_channel(telegram, settings, cloud, clock)
    try:
        # Day one: the limit's two; the other two wait for tomorrow.
        assert await deliver_due(telegram.repo, channel.deliver, clock(), channels=("wa",)) == 2
        assert [templates(cloud, u) for u in INVITED] == [[INVITATION], [INVITATION], [], []]
        assert [r[1] for r in rows(settings)] == ["sent", "sent", "invited", "imported", "invited"]
        clock.now += timedelta(days=1, seconds=1)
        assert await deliver_due(telegram.repo, channel.deliver, clock(), channels=("wa",)) == 2
        assert templates(cloud, INVITED[3]) == [INVITATION]
        assert not {130429, 131056, 131049} & set(cloud.refused)
        sent = cloud.sent(INVITED[0])[0]["template"]
        code = query(settings, "SELECT code FROM roster_rows ORDER BY line")[0][0]
        assert sent["components"][0]["parameters"][1]["text"] == code
        assert sent["components"][1]["parameters"][0]["payload"] == f"cmd:start {code}"

        # Statuses: delivered and read move the row forward; a late "sent" never back; a
        # failure keeps Meta's reason.
        wamids = [r[0] for r in query(settings, "SELECT sent_as FROM roster_rows ORDER BY line")]

        async def status(wamid: str, state: str, code: int | None = None) -> None:
            record: dict[str, object] = {
                "id": wamid,
                "status": state,
                "timestamp": str(int(clock().timestamp())),
                "recipient_id": "x",
            }
            if code is not None:
                record["errors"] = [{"code": code, "title": "Message undeliverable"}]
            payload = _envelope({"statuses": [record]}, PHONE_NUMBER_ID)
            for task in await channel.store(payload):
                await task

        await status(wamids[0], "delivered")
        await status(wamids[0], "read")
        await status(wamids[0], "sent")
        await status(wamids[1], "delivered")
        await status(wamids[2], "failed", 131026)
        states = rows(settings)
        assert [r[1] for r in states] == ["read", "delivered", "failed", "imported", "sent"]
        assert "131026" in states[2][2]
        listed = await telegram.text(OFFICER, "/roster")
        assert "dibaca 1" in listed and "sampai 1" in listed and "gagal 1" in listed
    finally:
        await channel.stop()
    assert roster_id


async def test_the_limit_holds_where_invitations_are_sent(
    telegram: Telegram, settings: Settings, cloud: FakeWhatsApp
) -> None:
    """All four due at once (as after a restart): the sender still stops at the limit."""
    await invite(telegram)
    execute_url(settings.database_url, "UPDATE outbox SET next_attempt_at = created_at")
    clock = Clock(services_of(telegram.app).clock())
    strict(cloud, clock)
    channel = paced_channel(telegram, settings, cloud, clock)
    try:
        assert await deliver_due(telegram.repo, channel.deliver, clock(), channels=("wa",)) == 2
        waiting = query(settings, "SELECT last_error FROM outbox WHERE status = 'pending'")
        assert waiting == [("WhatsApp messaging limit",)] * 2
        assert not {130429, 131056, 131049} & set(cloud.refused)
    finally:
        await channel.stop()


async def test_one_reminder_then_none_and_none_after_berhenti_or_a_decline(
    telegram: Telegram, settings: Settings, cloud: FakeWhatsApp, whatsapp: WhatsApp
) -> None:
    await invite(telegram)
    clock = Clock(services_of(telegram.app).clock())
    strict(cloud, clock)
    channel = paced_channel(telegram, settings, cloud, clock)
    rules = policy(settings)
    try:
        await deliver_due(telegram.repo, channel.deliver, clock(), channels=("wa",))
        clock.now += timedelta(days=1, seconds=1)
        await deliver_due(telegram.repo, channel.deliver, clock(), channels=("wa",))
        # The second worker asks for no more reminders; the third declines.
        assert "Tidak ada pengingat" in await whatsapp.text("/berhenti", wa_id=INVITED[1])
        code = query(settings, "SELECT code FROM roster_rows ORDER BY line")[2][0]
        await whatsapp.text(f"DAFTAR {code}", wa_id=INVITED[2])
        assert "tidak akan diundang" in await whatsapp.tap("undangan:no", wa_id=INVITED[2])
        reminders = "SELECT count(*) FROM outbox WHERE reference LIKE 'roster-reminder:%'"
        # Not before ROSTER_REMINDER_DAYS.
        await telegram.repo.housekeeping(clock(), rules, draft_reminder())
        assert query(settings, reminders) == [(0,)]
        clock.now += timedelta(days=settings.roster_reminder_days)
        await telegram.repo.housekeeping(clock(), rules, draft_reminder())
        await telegram.repo.housekeeping(clock() + timedelta(days=1), rules, draft_reminder())
        assert query(settings, reminders) == [(2,)]  # the first and the fifth row's
        clock.now += timedelta(days=1, seconds=1)
        assert await deliver_due(telegram.repo, channel.deliver, clock(), channels=("wa",)) == 2
        assert templates(cloud, INVITED[0]) == [INVITATION, REMINDER]
        assert templates(cloud, INVITED[1]) == [INVITATION]
        assert not {130429, 131056, 131049} & set(cloud.refused)
    finally:
        await channel.stop()


async def test_retention_keeps_invitations_not_yet_sent_until_the_roster_expires(
    telegram: Telegram, settings: Settings
) -> None:
    await invite(telegram)
    start = services_of(telegram.app).clock()
    rules = policy(settings)
    pending = "SELECT count(*) FROM outbox WHERE status = 'pending' AND reference LIKE 'roster:%'"
    # Past the outbox's retention, before the roster's expiry: all four still to be sent.
    later = start + rules.outbox_after + timedelta(days=1)
    assert later < start + timedelta(days=settings.roster_retention_days)
    await telegram.repo.housekeeping(later, rules, draft_reminder())
    assert query(settings, pending) == [(4,)]
    # The roster expired: its codes no longer work, so its unsent invitations are given up.
    expired = start + timedelta(days=settings.roster_retention_days, seconds=1)
    await telegram.repo.housekeeping(expired, rules, draft_reminder())
    assert query(settings, pending) == [(0,)]
    given_up = "SELECT last_error FROM outbox WHERE reference LIKE 'roster:%'"
    assert query(settings, given_up) == [("roster expired",)] * 4


def test_the_pacer_spaces_the_number_and_each_user() -> None:
    """Pure: a clock the test moves; slots a little under Meta's rate, a pair gap per user."""
    now = [100.0]
    pacer = Pacer(80, 6.0, clock=lambda: now[0])
    assert pacer.pair_wait("62811") == 0.0
    pacer.sent("62811")
    now[0] += 2.0
    assert pacer.pair_wait("62811") == 4.0 and pacer.pair_wait("62822") == 0.0
    now[0] += 4.0
    assert pacer.pair_wait("62811") == 0.0
    assert 1 / 80 < pacer.spacing < 1 / 70


def test_the_fake_enforces_metas_three_limits(cloud: FakeWhatsApp) -> None:
    now = [0.0]
    cloud.monotonic = lambda: now[0]
    cloud.messages_per_second = 3
    cloud.pair_seconds = 6.0
    cloud.messaging_limit = 2
    template = {
        "messaging_product": "whatsapp",
        "type": "template",
        "template": {"name": "bpu_pendaftaran_belum_selesai", "language": {"code": "id"}},
    }
    auth = f"Bearer {TOKEN}"

    def send(user: str) -> int:
        body = json.dumps({**template, "to": user}).encode()
        status, answer, _ = cloud.answer(
            f"/{PHONE_NUMBER_ID}/messages", auth, "application/json", body
        )
        return int(answer["error"]["code"]) if status != 200 else 0

    assert send("62811") == 0
    assert send("62811") == 131056
    now[0] += 6.0
    assert send("62811") == 0
    assert send("62822") == 0
    assert send("62822") == 131056
    assert send("62833") == 130429  # a fourth message within one second
    now[0] += 1.0
    assert send("62833") == 131049  # a third unique user within 24 hours


async def test_an_invited_number_answering_in_words_gets_its_invitation(
    telegram: Telegram, whatsapp: WhatsApp, settings: Settings
) -> None:
    """Many answer a template by typing rather than tapping its button: a number whose
    invitation was sent opens it whatever it writes first; a number never invited, or one that
    was only given a slip, starts a registration of its own."""
    await invite(telegram)
    invited_wa = INVITED[1]
    consent = await whatsapp.text("iya saya mau daftar", wa_id=invited_wa)
    assert "Pemkab Kulon Progo 2026" in consent and "mengundang Anda" in consent
    assert "Tukiman" not in consent  # nothing of the row before the NIK matches
    await whatsapp.tap("undangan:yes", wa_id=invited_wa)
    shown = await whatsapp.text("3401025507900002", wa_id=invited_wa)
    assert "Tukiman" in shown and "Benar?" in shown
    # DAFTAR alone (a wa.me link without a code) from another invited number: the same.
    assert "mengundang Anda" in await whatsapp.text("DAFTAR", wa_id=INVITED[2])
    # A number on no roster: the ordinary welcome.
    stranger = await whatsapp.text("halo", wa_id="6281311112222")
    assert "mengundang" not in stranger and "Anda setuju data Anda dipakai" in stranger
    assert query(settings, "SELECT state FROM roster_rows WHERE phone = ?", "+" + invited_wa) == [
        ("verified",)
    ]


async def test_a_number_only_imported_is_not_taken_for_invited(
    telegram: Telegram, whatsapp: WhatsApp
) -> None:
    """Imported, not invited on WhatsApp (slips only so far): its number writing is a worker
    like any other until it types the slip's code."""
    await import_roster(telegram, OFFICER, await create_sponsor(telegram, quota=100))
    welcome = await whatsapp.text("iya saya mau daftar", wa_id=INVITED[1])
    assert "mengundang" not in welcome and "Anda setuju data Anda dipakai" in welcome


async def test_invitations_are_queued_a_chunk_at_a_time_days_counted_over_the_chunks(
    telegram: Telegram, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One row per unit of work: the messaging limit still spreads the batch over its days, and
    a second confirmation queues nothing again (each row was claimed when marked invited)."""
    monkeypatch.setattr(roster_jobs, "CHUNK", 1)
    roster_id = await invite(telegram)
    due = query(
        settings,
        "SELECT user_id, next_attempt_at FROM outbox WHERE reference LIKE 'roster:%' ORDER BY id",
    )
    assert [d[0] for d in due] == list(INVITED)
    days = [(as_datetime(d[1]) - as_datetime(due[0][1])).days for d in due]
    assert days == [0, 0, 1, 1]
    again = await telegram.press(OFFICER, f"off:roster_undang:{roster_id} ya")
    assert "Tidak ada yang bisa diundang" in again
    assert len(query(settings, "SELECT id FROM outbox WHERE reference LIKE 'roster:%'")) == 4
