"""A sponsor's own view on the web desk and the officers' reports (httpx on the ASGI app, both
backends): access granted and revoked in chat, a representative's scope, downloads with masked
and full NIKs (audited), and the figures agreeing with /sponsor and the XLSX."""

from __future__ import annotations

import io
import re
from collections.abc import AsyncIterator
from typing import Any

import pytest
from openpyxl import load_workbook

from bot.domain import Role
from bot.i18n import format_rupiah
from bot.settings import Settings
from tests.conftest import NIK, OFFICER, Telegram, create_event, query
from tests.databases import execute_url
from tests.handlers.test_web_desk import Browser
from tests.storage.drafts import nik
from tests.web_desk import (
    OTHER_REPRESENTATIVE,
    PETUGAS,
    REPRESENTATIVE,
    a_sponsor,
    access_link,
    add_officer,
    desk_settings,
    grant,
    invited,
    link_secret,
    make_sponsor,
    roster_of,
    seed,
    sponsored,
)

BASE = "http://127.0.0.1:8090"


@pytest.fixture
def settings(database_url: str) -> Settings:
    return desk_settings(database_url, BASE)


@pytest.fixture
async def web(telegram: Telegram, settings: Settings) -> AsyncIterator[Browser]:
    browser = Browser(telegram, settings)
    async with browser.client:
        yield browser


async def programme(web: Browser, telegram: Telegram) -> dict[str, Any]:
    """Two sponsors of Yogyakarta; the first with three approved workers of different incomes
    and occupations, one waiting (through an event) and one rejected... as stored."""
    first = a_sponsor("Pemkab Kulon Progo 2026")
    first_id = await make_sponsor(web.repo, first, web.now)
    second = a_sponsor("BAZNAS Bantul")
    second_id = await make_sponsor(web.repo, second, web.now)
    await sponsored(web.repo, 1, first, first_id, web.now, approve=True)
    await sponsored(
        web.repo, 2, first, first_id, web.now, income=3_500_000, occupation="ojek", approve=True
    )
    await sponsored(
        web.repo, 3, first, first_id, web.now, income=6_000_000, occupation="petani", approve=True
    )
    await sponsored(web.repo, 4, first, first_id, web.now)
    await sponsored(web.repo, 5, second, second_id, web.now, approve=True)
    return {"first": first_id, "second": second_id}


async def officer(web: Browser, user_id: str, role: Role, branches: tuple[str, ...]) -> None:
    """An officer added straight to storage; the desk reads its officers again."""
    await add_officer(web.repo, user_id, role, branches, web.now)
    web.desk.desk.forget_officers()


async def sign_in_representative(web: Browser, sponsor_id: int, user: int = REPRESENTATIVE) -> int:
    access = await grant(web.repo, sponsor_id, user, web.now)
    secret = await access_link(web.repo, user, access, web.now)
    signed = await web.client.post("/masuk", data={"secret": secret})
    assert signed.status_code == 303
    assert signed.headers["location"] == f"/program/{sponsor_id}"
    return access


async def test_akses_sponsor_grants_lists_and_revokes_and_masuk_signs_the_person_in(
    web: Browser, telegram: Telegram, settings: Settings
) -> None:
    ids = await programme(web, telegram)
    # A petugas may not grant; an officer of another branch finds no such sponsor.
    await officer(web, PETUGAS, Role.PETUGAS, ("Yogyakarta",))
    refused = await telegram.text(7001, f"/akses_sponsor {ids['first']} {REPRESENTATIVE} Rina")
    assert "hanya untuk supervisor dan admin" in refused
    await officer(web, "tg:7002", Role.SUPERVISOR, ("Surabaya",))
    elsewhere = await telegram.text(7002, f"/akses_sponsor {ids['first']} {REPRESENTATIVE} Rina")
    assert "tidak ditemukan di cabang Anda" in elsewhere
    # Before any access, /masuk from that person is the worker flow's, not a link.
    before = await telegram.text(REPRESENTATIVE, "/masuk")
    assert "/masuk/" not in before
    done = await telegram.text(OFFICER, f"/akses_sponsor {ids['first']} {REPRESENTATIVE} Bu Rina")
    assert "Bu Rina" in done and "/masuk" in done
    listed = await telegram.text(OFFICER, "/akses_sponsor")
    assert "Bu Rina" in listed and "Pemkab Kulon Progo 2026" in listed
    assert "Bu Rina" not in await telegram.text(7002, "/akses_sponsor")  # not their branch's
    # The representative signs in exactly as officers do.
    await telegram.text(REPRESENTATIVE, "/masuk")
    sent = telegram.request.sends(REPRESENTATIVE)[-1]
    assert sent.params["link_preview_options"] == {"is_disabled": True}
    link = re.search(rf"{BASE}/masuk/(\S+)", str(sent.params["text"]))
    assert link
    signed = await web.client.post("/masuk", data={"secret": link[1]})
    assert signed.headers["location"] == f"/program/{ids['first']}"
    assert (await web.client.get(f"/program/{ids['first']}")).status_code == 200
    # No officer command answers them in chat.
    assert "Antrean" not in await telegram.text(REPRESENTATIVE, "/antrean")
    (access,) = query(settings, "SELECT id FROM sponsor_access")
    revoked = await telegram.text(OFFICER, f"/akses_sponsor cabut {access[0]}")
    assert "dicabut" in revoked
    assert (await web.client.get(f"/program/{ids['first']}")).status_code == 401
    actions = [a for (a,) in query(settings, "SELECT action FROM audit ORDER BY id")]
    assert actions == ["akses_sponsor", "akses_sponsor_cabut"]


async def test_a_representative_sees_one_sponsor_and_no_officer_page(
    web: Browser, telegram: Telegram
) -> None:
    ids = await programme(web, telegram)
    (waiting,) = await seed(web.repo, 1, web.now, first=40)
    await sign_in_representative(web, ids["first"])
    page = await web.client.get(f"/program/{ids['first']}")
    assert "Pemkab Kulon Progo 2026" in page.text and "BAZNAS" not in page.text
    assert (await web.client.get(f"/program/{ids['second']}")).status_code == 404
    assert (await web.client.get("/program/999999")).status_code == 404
    for path in (
        "/antrean",
        f"/pendaftaran/{waiting}",
        "/tempel",
        "/hitung",
        "/statistik",
        "/statistik/grafik.png",
        "/ekspor",
        "/acara",
        "/sponsor",
        "/log-audit",
    ):
        assert (await web.client.get(path)).status_code == 404, path
    csrf = await web.csrf(f"/program/{ids['first']}")
    other = await web.client.post(
        f"/program/{ids['second']}/unduh", data={"csrf": csrf, "nik": "tersamar"}
    )
    assert other.status_code == 404
    decided = await web.client.post(
        f"/pendaftaran/{waiting}/setujui", data={"csrf": csrf, "kpj": "12345678901"}
    )
    assert decided.status_code == 404


async def test_revoking_ends_the_session_mid_way(
    web: Browser, telegram: Telegram, settings: Settings
) -> None:
    ids = await programme(web, telegram)
    access = await sign_in_representative(web, ids["first"])
    csrf = await web.csrf(f"/program/{ids['first']}")
    await telegram.text(OFFICER, f"/akses_sponsor cabut {access}")
    refused = await web.client.post(
        f"/program/{ids['first']}/unduh", data={"csrf": csrf, "nik": "tersamar"}
    )
    assert refused.status_code == 401 and "xlsx" not in refused.headers["content-type"]
    assert query(settings, "SELECT count(*) FROM web_sessions WHERE ended_at IS NULL") == [(0,)]
    # An old link of the revoked access signs nobody in.
    secret = await access_link(web.repo, REPRESENTATIVE, access, web.now)
    assert (await web.client.post("/masuk", data={"secret": secret})).status_code == 403


async def test_downloads_mask_niks_unless_the_agreement_allows_and_are_audited(
    web: Browser, telegram: Telegram, settings: Settings
) -> None:
    ids = await programme(web, telegram)
    await sign_in_representative(web, ids["first"])
    path = f"/program/{ids['first']}"
    assert "download-full" not in (await web.client.get(path)).text
    csrf = await web.csrf(path)
    masked = await web.client.post(f"{path}/unduh", data={"csrf": csrf, "nik": "lengkap"})
    assert masked.status_code == 200
    niks = nik_column(masked.content)
    assert len(niks) == 4 and all("*" in n for n in niks)
    assert NIK[:4] in niks[0]
    said = await telegram.text(OFFICER, f"/sponsor_nik {ids['first']} PKS-12/2026")
    assert "PKS-12/2026" in said
    assert "download-full" in (await web.client.get(path)).text
    full = await web.client.post(f"{path}/unduh", data={"csrf": csrf, "nik": "lengkap"})
    assert all("*" not in n and len(n) == 16 for n in nik_column(full.content))
    assert "Content-Disposition".lower() in full.headers
    audited = query(settings, "SELECT actor, action, detail FROM audit ORDER BY id")
    assert audited[0] == ("tg:7301", "unduh_sponsor", f"sponsor {ids['first']} baris 4")
    assert audited[-1] == (
        "tg:7301",
        "unduh_sponsor_nik_lengkap",
        f"sponsor {ids['first']} baris 4 perjanjian PKS-12/2026",
    )
    # A supervisor may not set the agreement: admins only.
    await officer(web, "tg:7003", Role.SUPERVISOR, ("Yogyakarta",))
    assert "hanya untuk admin" in await telegram.text(7003, f"/sponsor_nik {ids['first']} -")


def nik_column(data: bytes) -> list[str]:
    rows = list(load_workbook(io.BytesIO(data), read_only=True).active.iter_rows(values_only=True))
    column = next(i for i, h in enumerate(rows[0]) if str(h).strip().upper() == "NIK")
    return [str(row[column]) for row in rows[1:]]


def sheet(data: bytes) -> list[dict[str, Any]]:
    rows = list(load_workbook(io.BytesIO(data), read_only=True).active.iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


async def test_the_sponsor_page_sponsor_in_chat_and_the_xlsx_agree(
    web: Browser, telegram: Telegram
) -> None:
    ids = await programme(web, telegram)
    chat = await telegram.text(OFFICER, "/sponsor")
    line = next(s for s in chat.split("\n") if "Pemkab Kulon Progo 2026" in s)
    found = re.search(
        r"terdaftar (\d+) dari kuota (\d+) · disetujui (\d+) · tagihan (Rp[\d.]+)", line
    )
    assert found, line
    taken, quota, approved, bill = found.groups()
    await sign_in_representative(web, ids["first"])
    page = (await web.client.get(f"/program/{ids['first']}")).text

    def cell(name: str) -> str:
        got = re.search(rf'<td id="{name}">([^<]*)</td>', page)
        assert got, name
        return got[1]

    assert (cell("taken"), cell("quota"), cell("approved"), cell("bill")) == (
        taken,
        quota,
        approved,
        bill,
    )
    assert cell("left") == str(int(quota) - int(taken))
    csrf = await web.csrf(f"/program/{ids['first']}")
    data = (
        await web.client.post(
            f"/program/{ids['first']}/unduh", data={"csrf": csrf, "nik": "tersamar"}
        )
    ).content
    rows = sheet(data)
    status = next(k for k in rows[0] if str(k).lower().startswith("status"))
    paid = next(k for k in rows[0] if "sponsor" in str(k).lower() and "iuran" in str(k).lower())
    done = [r for r in rows if r[status] == "disetujui"]
    assert len(rows) == int(taken) and len(done) == int(approved)
    assert format_rupiah(sum(int(r[paid]) for r in done)) == bill
    assert int(approved) == 3 and bill != format_rupiah(0)


async def sign_in_officer(web: Browser, user_id: str) -> None:
    secret = await link_secret(web.repo, user_id, web.now)
    assert (await web.client.post("/masuk", data={"secret": secret})).status_code == 303


async def test_statistics_sponsors_and_events_pages_are_scoped_like_chat(
    web: Browser, telegram: Telegram
) -> None:
    await seed(web.repo, 2, web.now, first=60)
    await seed(web.repo, 3, web.now, branch="Surabaya", first=70)
    theirs = a_sponsor("Pemkot Surabaya", branch="Surabaya")
    await make_sponsor(web.repo, theirs, web.now)
    ours = a_sponsor("Pemkab Kulon Progo 2026")
    ours_id = await make_sponsor(web.repo, ours, web.now)
    await sponsored(web.repo, 1, ours, ours_id, web.now, approve=True)
    await officer(web, PETUGAS, Role.PETUGAS, ("Yogyakarta",))
    await sign_in_officer(web, PETUGAS)
    stats = await web.client.get("/statistik")
    assert stats.status_code == 200
    chat = await telegram.text(7001, "/statistik")
    submitted = re.search(r"Diajukan: (\d+)", chat)
    assert submitted and f"Diajukan: {submitted[1]}" in stats.text
    assert submitted[1] == "3"  # two waiting and one sponsored, of Yogyakarta only
    chart = await web.client.get("/statistik/grafik.png")
    assert chart.status_code == 200 and chart.content.startswith(b"\x89PNG")
    assert (await web.client.get("/statistik", params={"acara": "NOPE"})).status_code == 200
    assert (await web.client.get("/statistik/grafik.png?acara=NOPE")).status_code == 404
    sponsors = await web.client.get("/sponsor")
    assert "Pemkab Kulon Progo 2026" in sponsors.text and "Pemkot Surabaya" not in sponsors.text
    assert "tagihan" in sponsors.text


async def test_events_page_gives_each_events_poster(web: Browser, telegram: Telegram) -> None:
    code = [await create_event(telegram, OFFICER, "Pasar Wates")]
    await sign_in_officer(web, f"tg:{OFFICER}")
    page = await web.client.get("/acara")
    assert "Pasar Wates" in page.text and f"/acara/{code[0]}/poster.png" in page.text
    poster = await web.client.get(f"/acara/{code[0]}/poster.png")
    assert poster.status_code == 200 and poster.content.startswith(b"\x89PNG")
    await officer(web, "tg:7002", Role.SUPERVISOR, ("Surabaya",))
    await sign_in_officer(web, "tg:7002")
    assert (await web.client.get(f"/acara/{code[0]}/poster.png")).status_code == 404


async def test_the_export_is_a_post_audited_as_in_chat(
    web: Browser, telegram: Telegram, settings: Settings
) -> None:
    await seed(web.repo, 2, web.now, first=60)
    await seed(web.repo, 1, web.now, branch="Surabaya", first=70)
    await officer(web, PETUGAS, Role.PETUGAS, ("Yogyakarta",))
    await sign_in_officer(web, PETUGAS)
    assert (await web.client.get("/ekspor")).status_code == 200
    refused = await web.client.post("/ekspor", data={"which": "", "format": "xlsx"})
    assert refused.status_code == 403  # no CSRF token
    csrf = await web.csrf("/ekspor")
    done = await web.client.post("/ekspor", data={"csrf": csrf, "which": "", "format": "xlsx"})
    assert done.status_code == 200 and "attachment" in done.headers["content-disposition"]
    assert len(sheet(done.content)) == 2  # Yogyakarta's only
    assert query(settings, "SELECT actor, action FROM audit") == [("tg:7001", "ekspor")]


async def test_the_audit_log_is_scoped_and_filtered(
    web: Browser, telegram: Telegram, settings: Settings
) -> None:
    (ours,) = await seed(web.repo, 1, web.now, first=60)
    (theirs,) = await seed(web.repo, 1, web.now, branch="Surabaya", first=70)
    await telegram.text(OFFICER, f"/lihat {ours}")
    await telegram.text(OFFICER, f"/lihat {theirs}")
    await telegram.text(OFFICER, "/ekspor")
    await officer(web, PETUGAS, Role.PETUGAS, ("Yogyakarta",))
    await telegram.text(7001, "/cari Sri")
    await sign_in_officer(web, PETUGAS)
    page = logged((await web.client.get("/log-audit")).text)
    assert ("tg:7001", "cari", "") in page
    assert ("tg:9001", "lihat", ours) in page
    assert all(theirs not in row for row in page)
    assert ("tg:9001", "ekspor", "") not in page  # the admin's own entry about no submission
    csrf = await web.csrf("/log-audit")
    only = logged(
        (await web.client.post("/log-audit", data={"csrf": csrf, "action": "cari"})).text
    )
    assert only == [("tg:7001", "cari", "")]
    later = await web.client.post("/log-audit", data={"csrf": csrf, "since": "2099-01-01"})
    assert logged(later.text) == []
    await sign_in_officer(web, f"tg:{OFFICER}")  # the admin sees every branch
    everything = logged((await web.client.get("/log-audit")).text)
    assert {
        ("tg:9001", "lihat", ours),
        ("tg:9001", "lihat", theirs),
        ("tg:9001", "ekspor", ""),
    } <= set(everything)
    mine = await web.client.post(
        "/log-audit", data={"csrf": await web.csrf("/log-audit"), "actor": "tg:7001"}
    )
    assert logged(mine.text) == [("tg:7001", "cari", "")]


def logged(page: str) -> list[tuple[str, str, str]]:
    """The audit log page's rows: (actor, action, reference)."""
    body = page.split('<table id="audit">')[1]
    return [
        (actor, action, re.sub(r"<[^>]+>", "", reference))
        for actor, action, reference in re.findall(
            r"<tr><td>[^<]*</td><td>([^<]*)</td><td>([^<]*)</td><td>(.*?)</td>", body
        )
    ]


async def test_the_audit_log_pages_by_post(web: Browser) -> None:
    async with web.repo.officer() as session:
        session.restrict(None)
        for serial in range(51):
            await session.audit(f"tg:{OFFICER}", "ekspor", None, str(serial), web.now)
    await sign_in_officer(web, f"tg:{OFFICER}")
    first = await web.client.get("/log-audit")
    assert len(logged(first.text)) == 50 and 'name="page" value="2"' in first.text
    csrf = await web.csrf("/log-audit")
    second = await web.client.post("/log-audit", data={"csrf": csrf, "page": "2"})
    assert len(logged(second.text)) == 1 and 'name="page" value="1"' in second.text


async def test_officers_grant_and_revoke_access_on_the_web_as_in_chat(
    web: Browser, telegram: Telegram, settings: Settings
) -> None:
    ids = await programme(web, telegram)
    rep = Browser(telegram, settings)
    async with rep.client:
        await officer(web, "tg:7003", Role.SUPERVISOR, ("Yogyakarta",))
        await sign_in_officer(web, "tg:7003")
        csrf = await web.csrf("/sponsor")
        granted = await web.client.post(
            "/sponsor/akses",
            data={
                "csrf": csrf,
                "sponsor": str(ids["first"]),
                "user": str(REPRESENTATIVE),
                "name": "Bu Rina",
            },
        )
        assert "sekarang bisa melihat sponsor" in granted.text
        (access,) = query(settings, "SELECT id FROM sponsor_access")
        secret = await access_link(web.repo, REPRESENTATIVE, access[0], web.now)
        assert (await rep.client.post("/masuk", data={"secret": secret})).status_code == 303
        assert (await rep.client.get(f"/program/{ids['first']}")).status_code == 200
        revoked = await web.client.post(
            "/sponsor/akses", data={"csrf": csrf, "revoke": str(access[0])}
        )
        assert "dicabut" in revoked.text and 'id="accesses"' in revoked.text
        assert (await rep.client.get(f"/program/{ids['first']}")).status_code == 401
    # A petugas sees no access form, and may not grant.
    await officer(web, PETUGAS, Role.PETUGAS, ("Yogyakarta",))
    await sign_in_officer(web, PETUGAS)
    page = await web.client.get("/sponsor")
    assert 'id="grant"' not in page.text
    refused = await web.client.post(
        "/sponsor/akses",
        data={
            "csrf": await web.csrf("/sponsor"),
            "sponsor": str(ids["first"]),
            "user": "7309",
            "name": "Pak Budi",
        },
    )
    assert "hanya untuk supervisor dan admin" in refused.text
    assert query(settings, "SELECT count(*) FROM sponsor_access") == [(1,)]
    actions = [a for (a,) in query(settings, "SELECT action FROM audit ORDER BY id")]
    assert actions == ["akses_sponsor", "akses_sponsor_cabut"]


async def test_keluar_in_chat_ends_a_representatives_sessions(
    web: Browser, telegram: Telegram
) -> None:
    ids = await programme(web, telegram)
    await sign_in_representative(web, ids["first"])
    assert (await web.client.get(f"/program/{ids['first']}")).status_code == 200
    said = await telegram.text(REPRESENTATIVE, "/keluar")
    assert "diakhiri" in said
    assert (await web.client.get(f"/program/{ids['first']}")).status_code == 401


async def test_the_sponsor_page_shows_its_own_rosters_progress_and_roster_registrations(
    web: Browser, settings: Settings
) -> None:
    first = a_sponsor("Pemkab Kulon Progo 2026")
    first_id = await make_sponsor(web.repo, first, web.now)
    second = a_sponsor("BAZNAS Bantul")
    second_id = await make_sponsor(web.repo, second, web.now)
    reference = await sponsored(web.repo, 1, first, first_id, web.now)
    await sponsored(web.repo, 2, first, first_id, web.now)  # on their own
    roster = await roster_of(web.repo, first_id, [nik(1), nik(3), nik(4)], web.now)
    invited(settings.database_url, roster, nik(1), reference)
    execute_url(
        settings.database_url, "UPDATE roster_rows SET state = 'sent' WHERE nik = ?", nik(3)
    )
    theirs = await roster_of(web.repo, second_id, [nik(5)], web.now)
    await sign_in_representative(web, first_id)
    page = await web.client.get(f"/program/{first_id}")
    assert page.status_code == 200
    found = re.search(rf'<tr data-roster="{roster}">(.*?)</tr>', page.text)
    assert found, page.text
    cells = re.findall(r"<td>(.*?)</td>", found[1])
    assert cells[1] == "3"
    assert cells[2] == "diimpor 1 · terkirim 1 · selesai 1"  # in the order a row moves
    assert f'data-roster="{theirs}"' not in page.text
    by_source = dict(re.findall(r"<tr><td>([^<]+)</td><td>(\d+)</td></tr>", page.text))
    assert by_source["undangan roster"] == "1" and by_source["mendaftar sendiri"] == "1"
    # The other sponsor's representative sees that sponsor's roster.
    await sign_in_representative(web, second_id, OTHER_REPRESENTATIVE)
    other = await web.client.get(f"/program/{second_id}")
    assert f'data-roster="{theirs}"' in other.text
