"""A roster from file to registrations with the real process, on both backends.

One ``python -m bot run`` serves Telegram (polling the fake Bot API), WhatsApp (signed webhooks
from the fake Cloud API) and the web desk. The officer creates the sponsor in chat, signs in
to the web desk with ``/masuk``, imports the roster there and invites it on WhatsApp; the slip
sheet downloaded from the desk carries the Telegram links (its QR codes decoded). Then:

- one worker completes in six answers on WhatsApp (from the invitation's button), one on
  Telegram (from the slip's link);
- one declines on WhatsApp: the row's data is deleted and the number is refused by the next
  import (never invited again);
- one types a wrong NIK three times on Telegram: the code is locked, the row never shown;
- one never answers: one reminder (the housekeeping pass, after the rows are aged by
  ``ROSTER_REMINDER_DAYS``), never a second, then the roster expires and the row's personal
  data is deleted.

Days cannot pass in a test: the rows' and the roster's times are moved back in the database,
and the housekeeping pass the process runs every ten minutes (handlers/housekeeping.py) is run
by the test against the same database; the running process's outbox loop sends what it queues.
"""

from __future__ import annotations

import asyncio
import io
import re
from collections.abc import Awaitable, Callable, Iterator
from datetime import UTC, datetime, timedelta
from functools import partial
from itertools import zip_longest
from pathlib import Path
from typing import Any, TypeVar

import httpx
import openpyxl
import pytest
import zxingcpp
from PIL import Image

from bot.ports import Repository
from bot.settings import Settings
from handlers.housekeeping import housekeep
from storage import open_repository
from tests.databases import execute_url
from tests.fakes import Updates
from tests.system.fake_telegram import FakeTelegram
from tests.system.fake_whatsapp import FakeWhatsApp
from tests.system.helpers import (
    OFFICER,
    STARTUP_SECONDS,
    TOKEN,
    Bots,
    free_port,
    query,
    say,
    wait_polling,
)
from tests.system.local_server import HOST
from tests.system.whatsapp_helpers import WhatsAppBot, shown, wait_for, whatsapp_env
from tests.web_desk import a_sponsor, make_sponsor

T = TypeVar("T")

INVITATION = "bpu_undangan_pendaftaran"
REMINDER = "bpu_undangan_pengingat"
COMPLETES = "6281234567801"  # WhatsApp: finishes from the invitation's button
SILENT = "6281322334402"  # WhatsApp: never answers
DECLINES = "6285711223303"  # WhatsApp: says no
ON_TELEGRAM = 7101  # finishes from the slip's Telegram link
GUESSER = 7102  # types a wrong NIK three times
ROSTER = (
    "NIK,Nama,Nomor HP,Desa/Kecamatan,Pekerjaan,Tempat lahir,Alamat\n"
    "3401011203850001,Sri Wahyuni,0812-3456-7801,Wates,pedagang,Kulon Progo,Dusun Bendungan\n"
    "3401025507900002,Tukiman,0813-2233-4402,Pengasih,petani,Kulon Progo,Dusun Margosari\n"
    "3401034101880003,Ngatinem,+62 857 1122 3303,Sentolo,petani,Bantul,Dusun Kaliagung\n"
    "3401042008920004,Suparjo,,Nanggulan,petani,Kulon Progo,Dusun Jatisarono\n"
    "3401051507870005,Wagiyo,,Wates,petani,Kulon Progo,Dusun Graulan\n"
)
# A later roster listing the number that declined, under another NIK.
AGAIN = (
    "NIK,Nama,Nomor HP,Desa/Kecamatan\n3401034101880009,Ngatinem Lagi,+62 857 1122 3303,Sentolo\n"
)


@pytest.fixture
def cloud(whatsapp: FakeWhatsApp) -> FakeWhatsApp:
    whatsapp.pair_seconds = 0.2  # Meta's pair rate enforced (scaled down with the setting)
    return whatsapp


@pytest.fixture
def both_bots(tmp_path: Path, fake: FakeTelegram, cloud: FakeWhatsApp) -> Iterator[Bots]:
    """The processes are ended before either fake stops."""
    started = Bots(tmp_path)
    try:
        yield started
    finally:
        started.close()


class Deployment:
    """The running process, the officer's browser on its web desk, and the workers' chats."""

    def __init__(
        self, database: str, telegram: FakeTelegram, cloud: FakeWhatsApp, bots: Bots
    ) -> None:
        self.database = database
        self.telegram = telegram
        self.updates = Updates()
        webhook, desk = free_port(), free_port()
        env = whatsapp_env(
            cloud,
            database,
            webhook,
            TELEGRAM_BOT_TOKEN=TOKEN,
            TELEGRAM_API_BASE_URL=telegram.base_url,
            LOG_LEVEL="INFO",
            WEB_DESK_ENABLED="true",
            WEB_DESK_LISTEN=HOST,
            WEB_DESK_PORT=str(desk),
            WEB_DESK_SECURE_COOKIE="false",
            WHATSAPP_PAIR_SECONDS="0.2",
        )
        self.proc = bots.start(env, "roster")
        self.whatsapp = WhatsAppBot(cloud, self.proc, webhook, database)
        # Three servers and two channels start: on a loaded machine that takes longer than a
        # WhatsApp-only process (STARTUP_SECONDS), so twice as long is allowed.
        wait_for(self.serving, f"the bot to serve\n{self.proc.output()}", 2 * STARTUP_SECONDS)
        wait_polling(telegram, self.proc)
        self.desk = httpx.Client(base_url=f"http://{HOST}:{desk}", trust_env=False, timeout=30)

    def serving(self) -> bool:
        assert self.proc.alive(), f"the bot exited:\n{self.proc.output()}"
        try:
            return httpx.get(f"{self.whatsapp.url}/healthz", timeout=2).status_code == 200
        except httpx.TransportError:
            return False

    # --- chat ------------------------------------------------------------------------------

    def text(self, user: int, text: str) -> str:
        return say(self.telegram, self.updates.text(user, text), user, self.proc)

    def press(self, user: int, data: str) -> str:
        return say(self.telegram, self.updates.press(user, data), user, self.proc)

    def answer(self, user: int, how: str, what: str) -> str:
        """A typed ``text``, a ``press`` of a button or a shared ``contact``; the answer."""
        if how == "contact":
            return say(self.telegram, self.updates.contact(user, what), user, self.proc)
        return self.press(user, what) if how == "press" else self.text(user, what)

    def wa_button(self, user: str, payload: str) -> str:
        """A tap on a template's quick-reply button (Meta sends its payload)."""
        before = len(self.whatsapp.fake.sent(user))
        body = {"payload": payload, "text": "Daftar"}
        notice = self.whatsapp.fake.message(user, "button", body, "[Daftar]")
        assert self.whatsapp.fake.notify(self.whatsapp.hook, notice) == 200
        return shown(self.whatsapp.answered(user, before)[-1])

    # --- the web desk ----------------------------------------------------------------------

    def sign_in(self) -> None:
        """/masuk in chat, the link's button pressed (a POST)."""
        link = re.search(r"/masuk/([\w-]+)", self.text(OFFICER, "/masuk"))
        assert link, self.telegram.sent(OFFICER)[-1].text
        signed = self.desk.post("/masuk", data={"secret": link[1]})
        assert signed.status_code == 303, signed.text

    def csrf(self) -> str:
        found = re.search(r'name="csrf" value="([0-9a-f]+)"', self.desk.get("/roster").text)
        assert found
        return found[1]

    def import_roster(self, sponsor: int, data: str) -> httpx.Response:
        fields = {"csrf": self.csrf(), "sponsor": str(sponsor), "agreement": "PKS 12/2026"}
        files = {"file": ("pekerja.csv", data.encode(), "text/csv")}
        return self.desk.post("/roster/impor", data={**fields, "whatsapp": "1"}, files=files)

    # --- the database ----------------------------------------------------------------------

    def row(self, nik: str) -> tuple[Any, ...]:
        found = query(
            self.database,
            "SELECT code, state, nik, name, phone FROM roster_rows WHERE nik = ?",
            nik,
        )
        assert found, nik
        return found[0]

    def on_repository(self, work: Callable[[Repository], Awaitable[T]]) -> T:
        """``work`` on the deployment's database, from this test's process."""

        async def once() -> T:
            repo = await open_repository(self.database, pool_min=1, pool_max=1)
            try:
                return await work(repo)
            finally:
                await repo.close()

        return asyncio.run(once())

    def housekeeping(self, now: datetime) -> None:
        """The pass the process's housekeeping loop runs, here and now."""
        settings = Settings(_env_file=None, database_url=self.database)  # type: ignore[call-arg]
        self.on_repository(lambda repo: housekeep(repo, settings, now))

    def close(self) -> None:
        self.desk.close()


def create_sponsor(bot: Deployment) -> int:
    """A sponsor of Kulon Progo (what /sponsor_baru stores; made directly, the chat dialog has
    its own tests)."""
    sponsor = a_sponsor("Pemkab Kulon Progo 2026", quota=100)
    return bot.on_repository(lambda repo: make_sponsor(repo, sponsor, datetime.now(UTC)))


def slip_codes(pdf: bytes) -> set[str]:
    """The personal codes of the slips' Telegram QR codes (each page is one JPEG image)."""
    codes = set()
    for page in re.findall(rb"/DCTDecode.*?stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        for found in zxingcpp.read_barcodes(Image.open(io.BytesIO(page))):
            link = re.fullmatch(r"https://t\.me/\w+\?start=(\S+)", found.text)
            if link:
                codes.add(link[1])
    return codes


def templates(cloud: FakeWhatsApp, user: str) -> list[str]:
    return [m["template"]["name"] for m in cloud.sent(user) if m["type"] == "template"]


def invited_once(cloud: FakeWhatsApp, user: str) -> bool:
    return templates(cloud, user) == [INVITATION]


def test_a_roster_from_file_to_registrations(
    database_url: str,
    fake: FakeTelegram,
    cloud: FakeWhatsApp,
    both_bots: Bots,
    request: pytest.FixtureRequest,
) -> None:
    telegram = fake
    bot = Deployment(database_url, telegram, cloud, both_bots)
    request.addfinalizer(bot.close)
    sponsor = create_sponsor(bot)
    bot.sign_in()

    # Imported on the web desk: every row checked, nothing sent.
    imported = bot.import_roster(sponsor, ROSTER)
    assert "5 diimpor, 0 ditolak" in imported.text, imported.text
    roster = int(query(database_url, "SELECT max(id) FROM rosters")[0][0])
    assert query(database_url, "SELECT count(*) FROM outbox") == [(0,)]

    # Invited on WhatsApp after the confirmation: the process's outbox sends the templates.
    asked = bot.desk.get(f"/roster/{roster}/undang")
    assert "Undang <b>3</b> orang" in asked.text
    queued = bot.desk.post(f"/roster/{roster}/undang", data={"csrf": bot.csrf()})
    assert "3 undangan WhatsApp" in queued.text
    for number in (COMPLETES, SILENT, DECLINES):
        wait_for(partial(invited_once, cloud, number), f"{number}'s invitation")

    # The slips: a PDF from the desk whose QR codes are the Telegram links of every row.
    slips = bot.desk.post(f"/roster/{roster}/slip", data={"csrf": bot.csrf()})
    assert slips.content.startswith(b"%PDF")
    codes = {nik: bot.row(nik)[0] for nik in ("3401042008920004", "3401051507870005")}
    assert set(codes.values()) <= slip_codes(slips.content)

    # On WhatsApp, from the invitation's button: six answers.
    invitation = cloud.sent(COMPLETES)[0]["template"]
    payload = invitation["components"][1]["parameters"][0]["payload"]
    assert "Pemkab Kulon Progo 2026" in bot.wa_button(COMPLETES, payload)
    wa = bot.whatsapp
    answers = [
        wa.tap(COMPLETES, "undangan:yes"),
        wa.text(COMPLETES, "3401011203850001"),
        wa.tap(COMPLETES, "undangan_data:yes"),
        wa.tap(COMPLETES, "inc:1400000"),
        wa.tap(COMPLETES, "jht:no"),
        wa.tap(COMPLETES, "sum:send"),
    ]
    assert "Sri Wahyuni" in answers[1] and re.search(r"BPU-\d{4}-\d{6}", answers[-1]), answers

    # On Telegram, from the slips' links, two workers taking turns (Telegram allows a chat one
    # message a second after a burst of three: turns halve the wait). The first row has no
    # number, so its worker gives one: one answer more than six.
    completing = [
        ("text", f"/start {codes['3401042008920004']}"),
        ("press", "undangan:yes"),
        ("text", "3401042008920004"),
        ("press", "undangan_data:yes"),
        ("contact", "6281298765432"),
        ("press", "inc:1400000"),
        ("press", "jht:no"),
        ("press", "sum:send"),
    ]
    guessing = [("text", f"/start {codes['3401051507870005']}"), ("press", "undangan:yes")]
    guessing += [("text", "3401011203850001")] * 3  # another row's NIK
    said: dict[int, list[str]] = {ON_TELEGRAM: [], GUESSER: []}
    for turns in zip_longest(completing, guessing):
        for user, turn in zip((ON_TELEGRAM, GUESSER), turns, strict=True):
            if turn is not None:
                said[user].append(bot.answer(user, *turn))
    consent, *answers = said[ON_TELEGRAM]
    assert "Pemkab Kulon Progo 2026" in consent and "Suparjo" not in consent
    assert "Suparjo" in answers[1] and re.search(r"BPU-\d{4}-\d{6}", answers[-1]), answers
    assert len(answers) == 7
    assert query(
        database_url,
        "SELECT channel, CAST(answers AS TEXT) LIKE '%diundang%' FROM submissions ORDER BY reference",
    ) == [("wa", True), ("tg", True)]

    # Three wrong NIKs: locked, and nothing of the row was ever shown.
    assert "dikunci" in said[GUESSER][-1]
    assert not [c for c in telegram.sent(GUESSER) if "Wagiyo" in c.text or "Graulan" in c.text]
    assert bot.row("3401051507870005")[1] == "locked"
    assert "terkunci 1" in bot.text(OFFICER, "/roster")

    # Declined on WhatsApp: the row's data deleted at once, the number never invited again.
    decline = cloud.sent(DECLINES)[0]["template"]["components"][1]["parameters"][0]["payload"]
    bot.wa_button(DECLINES, decline)
    assert "tidak akan diundang" in wa.tap(DECLINES, "undangan:no")
    declined = query(
        database_url, "SELECT state, nik, name, phone FROM roster_rows WHERE line = 4"
    )
    assert declined == [("declined", "", "", "")]
    blocked = repr(query(database_url, "SELECT * FROM roster_blocked"))
    assert "5711223303" not in blocked
    again = bot.import_roster(sponsor, AGAIN)
    assert "tidak ada baris yang bisa diimpor (1 ditolak)" in again.text
    report = re.search(r'id="report" href="([^"]+)"', again.text)
    assert report
    lines = list(
        openpyxl.load_workbook(io.BytesIO(bot.desk.get(report[1]).content)).active.iter_rows(
            values_only=True
        )
    )
    assert "pernah menolak undangan" in str(lines[1])

    # Never answered: one reminder once ROSTER_REMINDER_DAYS have passed, never a second.
    now = datetime.now(UTC)
    sent = now - timedelta(days=4)  # as if the invitations had gone four days ago
    execute_url(database_url, "UPDATE roster_rows SET invited_at = ?", sent)
    execute_url(
        database_url, "UPDATE outbox SET sent_at = ? WHERE reference LIKE 'roster:%'", sent
    )
    bot.housekeeping(now)
    wait_for(lambda: templates(cloud, SILENT) == [INVITATION, REMINDER], "the reminder")
    bot.housekeeping(now + timedelta(days=1))
    reminders = "SELECT user_id FROM outbox WHERE reference LIKE 'roster-reminder:%'"
    assert query(database_url, reminders) == [(SILENT,)]
    assert templates(cloud, COMPLETES) == [INVITATION]
    assert templates(cloud, DECLINES) == [INVITATION]

    # The roster expires: the unfinished rows' personal data is deleted, their codes stop.
    code = bot.row("3401025507900002")[0]
    execute_url(database_url, "UPDATE rosters SET expires_at = ?", now - timedelta(minutes=1))
    bot.housekeeping(now)
    assert query(
        database_url, "SELECT state, nik, name, phone FROM roster_rows WHERE code = ?", code
    ) == [("expired", "", "", "")]
    assert "tidak berlaku" in wa.text(SILENT, f"DAFTAR {code}")
    assert templates(cloud, SILENT) == [INVITATION, REMINDER]
    assert not {130429, 131056, 131049} & set(cloud.refused)
    assert bot.proc.terminate() == 0, bot.proc.output()
