"""Rosters on the web desk over HTTP (httpx on the ASGI app, both backends): the list, an import
through /roster_impor's own step, its per-row report, slips, per-row states and the WhatsApp
invitations after a confirmation; supervisors and admins only, within their branches."""

from __future__ import annotations

import io
import re
from collections.abc import AsyncIterator

import httpx
import openpyxl
import pytest

from bot.domain import Role
from bot.settings import Settings
from handlers.web.rosters import FORM_OVERHEAD, multipart
from tests.conftest import OFFICER, Telegram, query
from tests.handlers.test_rosters import SAMPLE
from tests.handlers.test_web_desk import BASE, Browser
from tests.web_desk import PETUGAS, a_sponsor, add_officer, desk_settings, make_sponsor, roster_of

ADMIN = f"tg:{OFFICER}"
# The sample roster, and its first worker again (line 6): refused as a repeated NIK.
ROSTER = SAMPLE.read_bytes() + b"3401011203850001,Sri Lagi,081299990000,Wates,,,\n"
INVITATIONS = "SELECT count(*) FROM outbox WHERE reference LIKE 'roster:%'"


@pytest.fixture
def settings(database_url: str) -> Settings:
    return desk_settings(database_url, BASE)


@pytest.fixture
async def web(telegram: Telegram, settings: Settings) -> AsyncIterator[Browser]:
    browser = Browser(telegram, settings)
    async with browser.client:
        yield browser


async def upload(
    web: Browser, sponsor: int, data: bytes = ROSTER, *, csrf: str | None = None, wa: bool = True
) -> httpx.Response:
    """The import form sent as a browser sends it (multipart, the file as a part)."""
    fields = {
        "csrf": await web.csrf("/roster") if csrf is None else csrf,
        "sponsor": str(sponsor),
        "agreement": "PKS 12/2026",
        **({"whatsapp": "1"} if wa else {}),
    }
    files = {"file": ("pekerja.csv", data, "text/csv")}
    return await web.client.post("/roster/impor", data=fields, files=files)


async def kulon_progo(web: Browser, branch: str = "Yogyakarta") -> int:
    sponsor = a_sponsor("Pemkab Kulon Progo 2026", branch=branch)
    return await make_sponsor(web.repo, sponsor, web.now)


async def test_an_admin_imports_a_roster_and_downloads_its_per_row_report(
    web: Browser, settings: Settings
) -> None:
    sponsor = await kulon_progo(web)
    await web.sign_in(ADMIN)
    page = await web.client.get("/roster")
    assert page.status_code == 200 and 'enctype="multipart/form-data"' in page.text
    assert "Pemkab Kulon Progo 2026" in page.text  # the sponsor to pick
    answer = await upload(web, sponsor)
    assert answer.status_code == 200, answer.text
    assert "4 diimpor, 1 ditolak" in answer.text and "Belum ada yang dikirim" in answer.text
    link = re.search(r'id="report" href="(/roster/laporan/[\w-]+)"', answer.text)
    assert link, answer.text
    report = await web.client.get(link[1])
    assert report.status_code == 200 and "attachment" in report.headers["content-disposition"]
    lines = list(
        openpyxl.load_workbook(io.BytesIO(report.content)).active.iter_rows(values_only=True)
    )
    assert lines[5][:4] == (6, "3401********0001", "+62812****0000", "ditolak")
    assert "3401011203850001" not in repr(lines)
    # The roster is stored as chat stores it, with its basis, and audited.
    assert query(settings, "SELECT agreement, whatsapp_consent, imported_by FROM rosters") == [
        ("PKS 12/2026", "agreed to be contacted on WhatsApp", ADMIN)
    ]
    assert query(settings, "SELECT count(*) FROM audit WHERE action = 'roster_impor'") == [(1,)]
    assert query(settings, "SELECT count(*) FROM outbox") == [(0,)]  # nothing sent
    listed = await web.client.get("/roster")
    roster_id = query(settings, "SELECT max(id) FROM rosters")[0][0]
    row = re.search(rf'<tr id="roster-{roster_id}">.*?</tr>', listed.text, re.S)
    assert row and "diimpor 4" in row[0] and "<td>4</td>" in row[0]
    # The report is the importing session's only.
    other = Browser(web.telegram, settings)
    async with other.client:
        await other.sign_in(ADMIN)
        assert (await other.client.get(link[1])).status_code == 404


async def test_a_refused_file_a_missing_csrf_and_a_file_too_big_import_nothing(
    web: Browser, settings: Settings
) -> None:
    sponsor = await kulon_progo(web)
    await web.sign_in(ADMIN)
    columns = await upload(web, sponsor, b"Nama;Alamat\nSri;Wates\n")
    assert columns.status_code == 400 and "tidak punya kolom NIK" in columns.text
    assert 'id="report"' not in columns.text
    forged = await upload(web, sponsor, csrf="0" * 32)
    assert forged.status_code == 403
    limit = web.desk.desk.roster_limits.max_bytes
    huge = await upload(web, sponsor, b"x" * (limit + FORM_OVERHEAD + 1))
    assert huge.status_code == 413 and "terlalu besar" in huge.text
    no_agreement = await web.client.post(
        "/roster/impor",
        data={"csrf": await web.csrf("/roster"), "sponsor": str(sponsor), "agreement": ""},
        files={"file": ("pekerja.csv", ROSTER, "text/csv")},
    )
    assert no_agreement.status_code == 400
    assert query(settings, "SELECT count(*) FROM rosters") == [(0,)]


async def test_slips_states_and_whatsapp_invitations_after_a_confirmation(
    web: Browser, settings: Settings
) -> None:
    sponsor = await kulon_progo(web)
    await web.sign_in(ADMIN)
    await upload(web, sponsor)
    roster_id = query(settings, "SELECT max(id) FROM rosters")[0][0]
    csrf = await web.csrf("/roster")
    slips = await web.client.post(f"/roster/{roster_id}/slip", data={"csrf": csrf, "part": "1"})
    assert slips.status_code == 200 and slips.content.startswith(b"%PDF")
    assert slips.headers["content-type"] == "application/pdf"
    states = await web.client.post(f"/roster/{roster_id}/keadaan", data={"csrf": csrf})
    rows = list(
        openpyxl.load_workbook(io.BytesIO(states.content)).active.iter_rows(values_only=True)
    )
    assert rows[1][:4] == (2, "3401********0001", "+62812****7801", "diimpor")
    assert (await web.client.post("/roster/999/slip", data={"csrf": csrf})).status_code == 404

    # Opening the invitation page queues nothing: it asks, with the count and the days.
    asked = await web.client.get(f"/roster/{roster_id}/undang")
    assert "Undang <b>3</b> orang" in asked.text and "selama 1 hari" in asked.text
    assert 'id="invite-yes"' in asked.text
    assert query(settings, INVITATIONS) == [(0,)]
    forged = await web.client.post(f"/roster/{roster_id}/undang", data={"csrf": "0" * 32})
    assert forged.status_code == 403 and query(settings, INVITATIONS) == [(0,)]
    done = await web.client.post(f"/roster/{roster_id}/undang", data={"csrf": csrf})
    assert "3 undangan WhatsApp" in done.text
    assert query(settings, INVITATIONS) == [(3,)]
    assert query(settings, "SELECT count(*) FROM audit WHERE action = 'roster_undang'") == [(1,)]
    again = await web.client.get(f"/roster/{roster_id}/undang")  # nobody left to invite
    assert "Tidak ada yang bisa diundang" in again.text and 'id="invite-yes"' not in again.text


async def test_petugas_are_refused_and_another_branchs_roster_is_not_found(
    web: Browser, settings: Settings
) -> None:
    theirs = await kulon_progo(web, branch="Surabaya")
    other = await roster_of(web.repo, theirs, ["3401011203850001"], web.now, "Surabaya")
    await add_officer(web.repo, PETUGAS, Role.PETUGAS, ("Yogyakarta",), web.now)
    await web.sign_in(PETUGAS)
    queue = await web.client.get("/antrean")
    assert 'href="/roster"' not in queue.text
    assert (await web.client.get("/roster")).status_code == 403
    assert (await upload(web, theirs, csrf=await web.csrf())).status_code == 403

    supervisor = "tg:7002"
    await add_officer(web.repo, supervisor, Role.SUPERVISOR, ("Yogyakarta",), web.now)
    await web.sign_in(supervisor)
    page = await web.client.get("/roster")
    assert page.status_code == 200 and f'id="roster-{other}"' not in page.text
    assert "Pemkab Kulon Progo" not in page.text  # another branch's sponsor is not offered
    csrf = await web.csrf("/roster")
    slips = await web.client.post(f"/roster/{other}/slip", data={"csrf": csrf})
    assert slips.status_code == 404
    refused = await upload(web, theirs)
    assert refused.status_code == 400 and "tidak ditemukan" in refused.text
    await web.client.post(f"/roster/{other}/undang", data={"csrf": csrf})
    assert query(settings, INVITATIONS) == [(0,)]
    assert query(settings, "SELECT count(*) FROM rosters") == [(1,)]


def test_multipart_keeps_the_files_bytes_as_sent() -> None:
    data = b"PK\x03\x04\r\n\r\n--not-a-boundary\x00\xff\r\n"
    body = (
        b'--B\r\nContent-Disposition: form-data; name="csrf"\r\n\r\nabc\r\n'
        b'--B\r\nContent-Disposition: form-data; name="file"; filename="r.xlsx"\r\n'
        b"Content-Type: application/octet-stream\r\n\r\n" + data + b"\r\n--B--\r\n"
    )
    found = multipart("multipart/form-data; boundary=B", body)
    assert found is not None
    assert found.fields == {"csrf": "abc"} and found.filename == "r.xlsx" and found.data == data
    assert multipart("application/x-www-form-urlencoded", body) is None
