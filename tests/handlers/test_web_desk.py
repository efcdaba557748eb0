"""The web desk over HTTP (httpx on the ASGI app, both backends): sign-in by a one-time link,
sessions, CSRF, scope, and decisions made through the chat desk's own step."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import socket
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import httpx
import pytest

from bot.domain import Housekeeping, Role
from bot.messages import Msg, Reply
from bot.settings import Settings
from bot.web_desk import secret_hash
from handlers.runtime import Runtime, build_core
from handlers.telegram.app import services_of
from handlers.web.app import WebDesk, web_app
from handlers.web.sessions import COOKIE, FORGET_CLIENTS_AFTER, RateLimit
from tests.conftest import NIK, OFFICER, TEST_START, Telegram, query
from tests.databases import execute_url
from tests.storage.drafts import nik
from tests.web_desk import (
    PETUGAS,
    a_sponsor,
    add_officer,
    desk_settings,
    invited,
    link_secret,
    make_sponsor,
    roster_of,
    seed,
)

BASE = "http://127.0.0.1:8090"


@pytest.fixture
def settings(database_url: str) -> Settings:
    return desk_settings(database_url, BASE)


class Browser:
    """An officer's browser on the web desk, its clock in the test's hands."""

    def __init__(self, telegram: Telegram, settings: Settings) -> None:
        self.telegram = telegram
        self.repo = telegram.repo
        self.now = TEST_START
        self.desk = WebDesk(self.repo, services_of(telegram.app).desk, settings, lambda: self.now)
        self.client = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=web_app(self.desk)), base_url=BASE
        )

    async def sign_in(self, user_id: str) -> httpx.Response:
        secret = await link_secret(self.repo, user_id, self.now)
        return await self.client.post("/masuk", data={"secret": secret})

    async def csrf(self, path: str = "/antrean") -> str:
        page = await self.client.get(path)
        found = re.search(r'name="csrf" value="([0-9a-f]+)"', page.text)
        assert found, page.text
        return found[1]

    async def post(self, path: str, data: dict[str, Any]) -> httpx.Response:
        return await self.client.post(path, data={"csrf": await self.csrf(), **data})


@pytest.fixture
async def web(telegram: Telegram, settings: Settings) -> AsyncIterator[Browser]:
    browser = Browser(telegram, settings)
    async with browser.client:
        yield browser


def outbox(settings: Settings) -> list[tuple[Any, ...]]:
    return query(settings, "SELECT user_id, reference, payload FROM outbox ORDER BY id")


async def test_masuk_sends_a_one_time_link_without_preview_that_signs_in_with_a_post(
    web: Browser, telegram: Telegram
) -> None:
    await telegram.text(OFFICER, "/masuk")
    sent = telegram.request.sends(OFFICER)[-1]
    assert sent.params["link_preview_options"] == {"is_disabled": True}
    link = re.search(rf"{BASE}/masuk/(\S+)", str(sent.params["text"]))
    assert link, sent.params["text"]
    secret = link[1]
    # Opening it (or a preview fetching it) shows a button and uses nothing up.
    for _ in range(2):
        page = await web.client.get(f"/masuk/{secret}")
        assert page.status_code == 200 and 'action="/masuk"' in page.text
    signed = await web.client.post("/masuk", data={"secret": secret})
    assert signed.status_code == 303 and signed.headers["location"] == "/antrean"
    cookie = signed.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie
    assert (await web.client.get("/antrean")).status_code == 200
    again = await httpx.AsyncClient(
        transport=httpx.ASGITransport(app=web_app(web.desk)), base_url=BASE
    ).post("/masuk", data={"secret": secret})
    assert again.status_code == 403  # one time only
    stored = query(web.telegram.settings, "SELECT token_hash FROM web_login_tokens")
    assert stored == [(secret_hash(secret),)]  # only its hash is kept


async def test_a_link_older_than_5_minutes_signs_nobody_in(web: Browser) -> None:
    secret = await link_secret(web.repo, f"tg:{OFFICER}", web.now)
    web.now += timedelta(minutes=5, seconds=1)
    refused = await web.client.post("/masuk", data={"secret": secret})
    assert refused.status_code == 403 and COOKIE not in refused.cookies


def test_the_secure_cookie_is_the_default(database_url: str) -> None:
    assert Settings(_env_file=None, database_url=database_url).web_desk_secure_cookie  # type: ignore[call-arg]


async def test_the_queue_is_masked_and_every_page_carries_the_security_headers(
    web: Browser,
) -> None:
    await seed(web.repo, 3, web.now)
    await web.sign_in(f"tg:{OFFICER}")
    page = await web.client.get("/antrean")
    assert page.status_code == 200
    assert page.text.count('<a href="/pendaftaran/BPU-') == 3
    assert NIK not in page.text and "Sri Wahyuni" not in page.text
    csp = page.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp
    assert "unsafe-inline" not in csp and "<script>" not in page.text
    assert page.headers["referrer-policy"] == "no-referrer"
    script = await web.client.get("/static/desk.js")
    assert script.status_code == 200 and script.headers["content-security-policy"] == csp


async def test_the_queue_filters_by_flag_status_and_region(web: Browser) -> None:
    references = await seed(web.repo, 3, web.now)
    flagged = '["nik_tanggal_beda"]'
    sql = "UPDATE submissions SET flags = ? WHERE reference = ?"
    if "postgres" in web.telegram.settings.database_url:
        sql = "UPDATE submissions SET flags = ?::jsonb WHERE reference = ?"
    execute_url(web.telegram.settings.database_url, sql, flagged, references[1])
    await web.sign_in(f"tg:{OFFICER}")
    page = await web.client.get("/antrean", params={"flag": "nik_tanggal_beda"})
    assert re.findall(r'<a href="/pendaftaran/(BPU-[\d-]+)"', page.text) == [references[1]]
    none = await web.client.get("/antrean", params={"status": "disetujui"})
    assert "/pendaftaran/BPU-" not in none.text
    elsewhere = await web.client.get("/antrean", params={"region": "35"})
    assert "/pendaftaran/BPU-" not in elsewhere.text
    newest = await web.client.get("/antrean", params={"sort": "newest", "region": "34.01"})
    assert re.findall(r'<a href="/pendaftaran/(BPU-[\d-]+)"', newest.text) == references[::-1]


async def test_a_form_without_its_csrf_token_is_refused(web: Browser, settings: Settings) -> None:
    (reference,) = await seed(web.repo, 1, web.now)
    await web.sign_in(f"tg:{OFFICER}")
    path = f"/pendaftaran/{reference}/setujui"
    for data in ({"kpj": "12345678901"}, {"kpj": "12345678901", "csrf": "0" * 32}):
        refused = await web.client.post(path, data=data)
        assert refused.status_code == 403
    assert outbox(settings) == []
    assert query(settings, "SELECT status FROM submissions") == [("diajukan",)]


async def test_another_branchs_submission_is_not_found(web: Browser, settings: Settings) -> None:
    (theirs,) = await seed(web.repo, 1, web.now, branch="Surabaya", first=50)
    (ours,) = await seed(web.repo, 1, web.now, first=51)
    await add_officer(web.repo, PETUGAS, Role.PETUGAS, ("Yogyakarta",), web.now)
    await web.sign_in(PETUGAS)
    assert (await web.client.get(f"/pendaftaran/{ours}")).status_code == 200
    assert (await web.client.get(f"/pendaftaran/{theirs}")).status_code == 404
    post = await web.post(f"/pendaftaran/{theirs}/setujui", {"kpj": "12345678901"})
    assert post.status_code == 404
    queue = await web.client.get("/antrean")
    assert ours in queue.text and theirs not in queue.text
    assert query(settings, "SELECT status FROM submissions WHERE reference = ?", theirs) == [
        ("diajukan",)
    ]


async def test_an_idle_session_ends(web: Browser, settings: Settings) -> None:
    await web.sign_in(f"tg:{OFFICER}")
    web.now += timedelta(minutes=29)
    assert (await web.client.get("/antrean")).status_code == 200  # used: idle time restarts
    web.now += timedelta(minutes=31)
    assert (await web.client.get("/antrean")).status_code == 401
    assert query(settings, "SELECT count(*) FROM web_sessions WHERE ended_at IS NULL") == [(0,)]


async def test_a_demoted_officers_next_click_is_refused(web: Browser, settings: Settings) -> None:
    (reference,) = await seed(web.repo, 1, web.now)
    await add_officer(web.repo, PETUGAS, Role.SUPERVISOR, (), web.now)
    await web.sign_in(PETUGAS)
    csrf = await web.csrf()
    await add_officer(web.repo, PETUGAS, Role.PETUGAS, ("Surabaya",), web.now)
    refused = await web.client.post(
        f"/pendaftaran/{reference}/setujui", data={"csrf": csrf, "kpj": "12345678901"}
    )
    assert refused.status_code == 403
    assert (await web.client.get("/antrean")).status_code == 401  # the session is over
    assert outbox(settings) == []


async def test_decisions_notify_the_worker_through_the_outbox_as_chat_does(
    web: Browser, settings: Settings
) -> None:
    first, second, third = await seed(web.repo, 3, web.now)
    await web.sign_in(f"tg:{OFFICER}")
    assert (await web.client.get(f"/pendaftaran/{first}")).status_code == 200
    approved = await web.post(f"/pendaftaran/{first}/setujui", {"kpj": "1234 5678 901"})
    assert approved.status_code == 303 and approved.headers["location"] == f"/pendaftaran/{second}"
    rejected = await web.post(f"/pendaftaran/{second}/tolak", {"reason": "2", "own": ""})
    assert rejected.headers["location"] == f"/pendaftaran/{third}"
    fixed = await web.post(
        f"/pendaftaran/{third}/perbaikan", {"fields": ["nama", "alamat"], "note": "0", "own": ""}
    )
    assert fixed.headers["location"] == "/antrean"  # the queue is empty
    statuses = query(settings, "SELECT reference, status, kpj, note FROM submissions ORDER BY id")
    assert statuses == [
        (first, "disetujui", "12345678901", None),
        (second, "ditolak", None, "Sudah terdaftar sebagai peserta aktif"),
        (third, "perlu_perbaikan", None, "Tidak sesuai dengan KTP"),
    ]
    notices = outbox(settings)
    assert [(user, reference) for user, reference, _ in notices] == [
        ("1", first),
        ("2", second),
        ("3", third),
    ]
    assert "12345678901" in notices[0][2]
    actions = query(settings, "SELECT action, reference FROM audit ORDER BY id")
    assert ("lihat", first) in actions  # the card view, audited as in chat
    assert [a for a in actions if a[0] != "lihat"] == [
        ("disetujui", first),
        ("ditolak", second),
        ("perlu_perbaikan", third),
    ]


async def test_a_wrong_kpj_is_said_on_the_card_and_decides_nothing(
    web: Browser, settings: Settings
) -> None:
    (reference,) = await seed(web.repo, 1, web.now)
    await web.sign_in(f"tg:{OFFICER}")
    page = await web.post(f"/pendaftaran/{reference}/setujui", {"kpj": "123"})
    assert page.status_code == 400 and "Nomor KPJ harus 11 angka" in page.text
    assert outbox(settings) == []


async def test_signing_out_and_keluar_in_chat_end_sessions(
    web: Browser, telegram: Telegram, settings: Settings
) -> None:
    await web.sign_in(f"tg:{OFFICER}")
    out = await web.post("/keluar", {})
    assert out.status_code == 200
    assert (await web.client.get("/antrean")).status_code == 401
    await web.sign_in(f"tg:{OFFICER}")
    assert (await web.client.get("/antrean")).status_code == 200
    await telegram.text(OFFICER, "/keluar")
    assert (await web.client.get("/antrean")).status_code == 401
    assert query(settings, "SELECT count(*) FROM web_sessions WHERE ended_at IS NULL") == [(0,)]


async def test_search_is_a_post_audited_and_masked(web: Browser, settings: Settings) -> None:
    (reference,) = await seed(web.repo, 1, web.now)
    await web.sign_in(f"tg:{OFFICER}")
    assert (await web.client.get("/cari", params={"q": NIK})).status_code == 405
    found = await web.post("/cari", {"q": NIK})
    assert f'href="/pendaftaran/{reference}"' in found.text and NIK not in found.text
    assert ("cari",) in query(settings, "SELECT action FROM audit")


async def test_english_speaking_officers_get_the_desk_in_english(
    web: Browser, telegram: Telegram
) -> None:
    await telegram.text(OFFICER, "/masuk", language_code="en")
    text = telegram.request.last_text(OFFICER)
    assert text.startswith("Your link to sign in")
    link = re.search(rf"{BASE}(/masuk/\S+)", text)
    assert link and link[1].endswith("?l=en")
    button = await web.client.get(link[1])
    assert "Press the button to sign in" in button.text
    secret = re.search(r'name="secret" value="([^"]+)"', button.text)
    assert secret
    await web.client.post("/masuk", data={"secret": secret[1], "lang": "en"})
    page = await web.client.get("/antrean")
    assert "Sign out" in page.text and "Keluar" not in page.text


def test_sign_in_attempts_are_limited_per_address() -> None:
    moment = [0.0]
    limit = RateLimit(3, clock=lambda: moment[0])
    assert [limit.allow("a") for _ in range(4)] == [True, True, True, False]
    assert limit.allow("b")
    moment[0] = 60.0
    assert limit.allow("a")


def test_the_sign_in_limit_forgets_quiet_addresses() -> None:
    moment = [0.0]
    limit = RateLimit(1, clock=lambda: moment[0])
    for client in range(FORGET_CLIENTS_AFTER + 1):
        assert limit.allow(str(client))
    moment[0] = 61.0
    assert limit.allow("new") and len(limit._seen) == 1


async def test_a_polling_only_deployment_serves_the_web_desk_on_its_own_port(
    telegram: Telegram, database_url: str
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    settings = desk_settings(database_url).model_copy(update={"web_desk_port": port})
    runtime = Runtime(build_core(settings, telegram.repo, telegram.now), channels=[])
    serving = asyncio.create_task(runtime.serve())
    async with httpx.AsyncClient() as client:
        for _ in range(200):
            try:
                answer = await client.get(f"http://127.0.0.1:{port}/antrean")
                break
            except httpx.TransportError:
                await asyncio.sleep(0.02)
        else:
            pytest.fail("the web desk did not start")
    assert answer.status_code == 401  # the desk, asking to sign in
    os.kill(os.getpid(), signal.SIGTERM)  # serve() handles it: everything stops
    await asyncio.wait_for(serving, 15)


async def test_pasted_kpj_pairs_are_previewed_then_applied_as_an_import(
    web: Browser, settings: Settings
) -> None:
    first, second, decided = await seed(web.repo, 3, web.now)
    (theirs,) = await seed(web.repo, 1, web.now, branch="Surabaya", first=60)
    await add_officer(web.repo, PETUGAS, Role.PETUGAS, ("Yogyakarta",), web.now)
    await web.sign_in(PETUGAS)
    await web.post(f"/pendaftaran/{decided}/tolak", {"reason": "0", "own": ""})
    pairs = (
        f"{first}\t1234 5678 901\n{second}, 10987654321\n"
        f"{decided} 11111111111\n{theirs} 22222222222\n{first.replace('0001', '0099')} 123"
    )
    preview = await web.post("/tempel", {"pairs": pairs})
    assert "2 dari 5 baris akan disetujui" in preview.text
    assert "tidak ditemukan di cabang Anda" in preview.text and "ditolak" in preview.text
    assert "Nomor KPJ 123 harus 11 angka" in preview.text
    assert [s for (s,) in query(settings, "SELECT status FROM submissions ORDER BY id")] == [
        "diajukan",
        "diajukan",
        "ditolak",
        "diajukan",
    ]  # a preview writes nothing
    applied = await web.post("/tempel", {"pairs": pairs, "apply": "1"})
    assert "2 diterapkan, 3 dilewati" in applied.text
    kpjs = query(settings, "SELECT reference, kpj FROM submissions WHERE kpj IS NOT NULL")
    assert sorted(kpjs) == [(first, "12345678901"), (second, "10987654321")]
    notices = [reference for _, reference, _ in outbox(settings)]
    assert notices == [decided, first, second]  # the rejection, then the import's two
    assert ("impor disetujui", first) in query(settings, "SELECT action, reference FROM audit")


async def test_the_live_count_is_scoped_and_keeps_no_session_alive(web: Browser) -> None:
    await seed(web.repo, 2, web.now)
    await seed(web.repo, 3, web.now, branch="Surabaya", first=70)
    await add_officer(web.repo, PETUGAS, Role.PETUGAS, ("Yogyakarta",), web.now)
    await web.sign_in(PETUGAS)
    assert (await web.client.get("/hitung")).json() == {"waiting": 2}
    web.now += timedelta(minutes=20)
    assert (await web.client.get("/hitung")).json() == {"waiting": 2}
    web.now += timedelta(minutes=11)  # 31 minutes since the officer last did anything
    assert (await web.client.get("/hitung")).status_code == 401


async def test_housekeeping_forgets_old_sign_in_links_and_sessions(
    web: Browser, settings: Settings
) -> None:
    await web.sign_in(f"tg:{OFFICER}")  # a link used, a session open
    await link_secret(web.repo, f"tg:{OFFICER}", web.now)  # a link never used
    policy = Housekeeping(frozenset({"name"}), timedelta(hours=1), timedelta(days=30))
    reminder = Reply(parts=(Msg("Lanjutkan?"),))
    await web.repo.housekeeping(web.now + timedelta(hours=2), policy, reminder)
    assert query(settings, "SELECT count(*) FROM web_login_tokens") == [(2,)]
    await web.repo.housekeeping(web.now + timedelta(days=1, minutes=6), policy, reminder)
    assert query(settings, "SELECT count(*) FROM web_login_tokens") == [(0,)]
    assert query(settings, "SELECT count(*) FROM web_sessions") == [(1,)]  # ended by idleness
    await web.repo.housekeeping(web.now + timedelta(days=31), policy, reminder)
    assert query(settings, "SELECT count(*) FROM web_sessions") == [(0,)]


async def test_the_eleventh_sign_in_attempt_in_a_minute_is_refused(web: Browser) -> None:
    answers = [
        (await web.client.post("/masuk", data={"secret": f"guess{n}"})).status_code
        for n in range(10)
    ]
    assert answers == [403] * 10
    good = await link_secret(web.repo, f"tg:{OFFICER}", web.now)
    assert (await web.client.post("/masuk", data={"secret": good})).status_code == 429


async def test_the_queue_filters_by_days_in_wib(web: Browser) -> None:
    (morning,) = await seed(web.repo, 1, web.now)  # 23 Nov, 10:00 WIB
    late = web.now.replace(hour=18)  # 18:00 UTC: already 24 Nov, 01:00 WIB
    (night,) = await seed(web.repo, 1, late, first=2)
    await web.sign_in(f"tg:{OFFICER}")

    async def shown(**params: str) -> list[str]:
        page = await web.client.get("/antrean", params=params)
        return re.findall(r'<a href="/pendaftaran/(BPU-[\d-]+)"', page.text)

    assert await shown(since="2026-11-23", until="2026-11-23") == [morning]
    assert await shown(since="2026-11-24") == [night]
    assert await shown(until="2026-11-22") == []
    assert await shown(since="not a day") == [morning, night]


async def test_the_queue_filters_by_roster_within_the_officers_branches(
    web: Browser, settings: Settings
) -> None:
    ours = await make_sponsor(web.repo, a_sponsor("Pemkab Kulon Progo"), web.now)
    theirs = await make_sponsor(web.repo, a_sponsor("CSR Surabaya", "Surabaya"), web.now)
    references = await seed(web.repo, 3, web.now)
    (elsewhere,) = await seed(web.repo, 1, web.now, branch="Surabaya", first=41)
    roster = await roster_of(web.repo, ours, [nik(1), nik(2)], web.now)
    other = await roster_of(web.repo, theirs, [nik(41)], web.now, "Surabaya")
    invited(settings.database_url, roster, nik(1), references[0])
    invited(settings.database_url, roster, nik(2), references[1])
    invited(settings.database_url, other, nik(41), elsewhere)
    await add_officer(web.repo, PETUGAS, Role.PETUGAS, ("Yogyakarta",), web.now)
    web.desk.desk.forget_officers()
    await web.sign_in(PETUGAS)
    page = await web.client.get("/antrean", params={"roster": str(roster)})
    assert re.findall(r'<a href="/pendaftaran/(BPU-[\d-]+)"', page.text) == references[:2]
    assert f'name="roster" value="{roster}"' in page.text
    # Another branch's roster shows nothing of it.
    page = await web.client.get("/antrean", params={"roster": str(other)})
    assert "/pendaftaran/BPU-" not in page.text
    # Without the filter, every waiting submission of the branch.
    page = await web.client.get("/antrean")
    assert re.findall(r'<a href="/pendaftaran/(BPU-[\d-]+)"', page.text) == references


async def test_the_queues_total_follows_decisions_and_filters_in_scope(web: Browser) -> None:
    """Unfiltered, the total is the counter the live count reads; filtered, the rows counted."""
    references = await seed(web.repo, 3, web.now)
    await seed(web.repo, 2, web.now, branch="Surabaya", first=41)
    await add_officer(web.repo, PETUGAS, Role.PETUGAS, ("Yogyakarta",), web.now)
    web.desk.desk.forget_officers()
    await web.sign_in(PETUGAS)

    def total(page: httpx.Response) -> str:
        found = re.search(r'<p id="total">([^<]*)</p>', page.text)
        assert found, page.text
        return found[1]

    assert total(await web.client.get("/antrean")).startswith("3 ")
    decided = await web.post(f"/pendaftaran/{references[0]}/setujui", {"kpj": "12345678901"})
    assert decided.status_code == 303
    assert total(await web.client.get("/antrean")).startswith("2 ")
    approved = await web.client.get("/antrean", params={"status": "disetujui"})
    assert total(approved).startswith("1 ")
    assert total(await web.client.get("/antrean", params={"region": "35"})).startswith("0 ")
    assert total(await web.client.get("/antrean", params={"sort": "newest"})).startswith("2 ")
