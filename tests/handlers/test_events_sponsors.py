"""Outreach events and sponsored contributions, through the real Application."""

from __future__ import annotations

import asyncio
import io
import re

from PIL import Image

from bot.settings import Settings
from handlers.telegram.app import build_application
from storage.backends import AnyRepository
from tests.conftest import (
    NIK,
    OFFICER,
    WORKER,
    Telegram,
    create_event,
    moving_clock,
    query,
    to_phone,
)
from tests.fakes import RecordingRequest


async def create_sponsor(
    tg: Telegram,
    quota: int = 2,
    regions: str = "Kulon Progo, Bantul",
    whole_region: bool = True,
    occupations: tuple[str, ...] = (),
) -> str:
    """The admin creates a sponsor through /sponsor_baru; returns its id."""
    await tg.text(OFFICER, "/sponsor_baru")
    await tg.text(OFFICER, "Pemkab Kulon Progo 2026")
    await tg.press(OFFICER, "off:s_dana:kabupaten")
    await tg.text(OFFICER, "1-1-2026 sampai 31-12-2027")
    await tg.text(OFFICER, str(quota))
    await tg.text(OFFICER, regions)
    for occupation in occupations:
        await tg.press(OFFICER, f"off:s_pekerjaan:{occupation}")
    await tg.press(OFFICER, "off:s_lanjut:")
    done = await tg.press(OFFICER, f"off:s_cakupan:{1 if whole_region else 0}")
    assert "dibuat" in done, done
    return str(query_last_sponsor(tg))


def query_last_sponsor(tg: Telegram) -> int:
    return int(query(tg.settings, "SELECT max(id) FROM sponsors")[0][0])


async def reach_summary(
    tg: Telegram, user: int, nik: str, start: str = "/start", job: str = "occ:nelayan"
) -> str:
    await to_phone(tg, user, nik, start=start)
    await tg.text(user, f"0813 2222 {user % 10000:04d}")
    await tg.text(user, "ya")
    await tg.text(user, "Dusun Krebet RT 02")
    await tg.press(user, job)
    await tg.press(user, "inc:1000000")
    return await tg.press(user, "jht:no")


def nik_for(i: int) -> str:
    return f"3401025203790{i + 100:03d}"


async def test_an_event_gives_a_link_qr_and_poster(telegram: Telegram, settings: Settings) -> None:
    code = await create_event(telegram, OFFICER, "Sosialisasi BPU Pasar Wates")
    assert re.fullmatch(r"ev[A-Za-z0-9_-]{11}", code)
    text = telegram.request.last_text(OFFICER)
    assert f"https://t.me/bpu_bot?start={code}" in text
    assert "wa.me" not in text  # no WHATSAPP_DISPLAY_NUMBER: Telegram only
    photos = [c for c in telegram.request.calls if c.method == "sendPhoto"]
    documents = [c for c in telegram.request.calls if c.method == "sendDocument"]
    assert len(photos) == 1 and len(documents) == 1
    assert query(settings, "SELECT name, region_code, branch FROM events") == [
        ("Sosialisasi BPU Pasar Wates", "34.01", "Yogyakarta")
    ]


async def test_with_a_whatsapp_number_an_event_hands_out_its_wa_me_link_and_qr_too(
    settings: Settings, repo: AnyRepository
) -> None:
    """WHATSAPP_DISPLAY_NUMBER reaches the desk: the handout has both links, a second QR code
    (the wa.me link, "DAFTAR <code>" pre-filled), and still one poster (carrying both)."""
    both = settings.model_copy(update={"whatsapp_display_number": "6281100001111"})
    request = RecordingRequest()
    app = build_application(both, repo, request=request, rate_limiter=False, clock=moving_clock())
    await app.initialize()
    try:
        code = await create_event(Telegram(app, request, repo, both), OFFICER)
    finally:
        await app.shutdown()
    text = request.last_text(OFFICER)
    assert f"https://t.me/bpu_bot?start={code}" in text
    assert f"https://wa.me/6281100001111?text=DAFTAR%20{code}" in text
    photos = [c for c in request.calls if c.method == "sendPhoto"]
    documents = [c for c in request.calls if c.method == "sendDocument"]
    assert len(photos) == 2 and len(documents) == 1


async def test_the_link_greets_with_the_event_and_counts_opens(
    telegram: Telegram, settings: Settings
) -> None:
    code = await create_event(telegram, OFFICER, "Sosialisasi Pasar Wates")
    greeting = await telegram.text(WORKER, f"/start {code}")
    assert "Sosialisasi Pasar Wates" in greeting
    await telegram.press(WORKER, "consent:yes")
    await telegram.text(WORKER + 1, f"/start {code}")
    counts = dict(
        query(
            settings,
            "SELECT kind, sum(count) FROM event_counts WHERE event_code = ? GROUP BY kind",
            code,
        )
    )
    assert counts == {"opened": 2, "consented": 1}
    listing = await telegram.text(OFFICER, "/acara")
    assert "dibuka 2" in listing and "setuju 1" in listing


async def test_unknown_and_closed_codes_get_the_normal_flow(telegram: Telegram) -> None:
    unknown = await telegram.text(WORKER, "/start evNOPE")
    assert "tidak dikenal" in unknown and "Anda setuju" in unknown
    code = await create_event(telegram, OFFICER)
    # Closing asks for a confirmation first; until then the event stays open.
    asked = await telegram.press(OFFICER, f"off:acara_tutup:{code}")
    assert "Tutup acara" in asked and "off:e_tutup:" in telegram.request.last_buttons(OFFICER)
    assert "ditutup" in await telegram.press(OFFICER, "off:e_tutup:")
    closed = await telegram.text(WORKER + 1, f"/start {code}")
    assert "sudah ditutup" in closed and "Anda setuju" in closed


async def test_an_eligible_worker_sees_the_sponsor_pay(
    telegram: Telegram, settings: Settings
) -> None:
    await create_sponsor(telegram, quota=5)
    summary = await reach_summary(telegram, WORKER, NIK)
    assert "dibayar oleh Pemkab Kulon Progo 2026" in summary
    assert "Anda bayar: Rp0 per bulan" in summary
    assert "Rp10.000" in summary and "Rp6.800" in summary  # no PP 50/2025 relief for APBD
    await telegram.press(WORKER, "sum:send")
    assert query(settings, "SELECT sponsor_id, monthly_self_paid FROM submissions") == [(1, 0)]
    report = await telegram.text(OFFICER, "/sponsor")
    assert "terdaftar 1 dari kuota 5" in report


async def test_jht_stays_self_paid_and_occupations_can_restrict(telegram: Telegram) -> None:
    await create_sponsor(telegram, quota=5, occupations=("petani",))
    summary = await reach_summary(telegram, WORKER, NIK)  # a fisher: not covered
    assert "dibayar oleh" not in summary
    summary = await reach_summary(telegram, WORKER + 1, nik_for(1), job="occ:petani")
    assert "dibayar oleh" in summary


async def test_events_only_sponsor_needs_the_event(telegram: Telegram) -> None:
    sponsor = await create_sponsor(telegram, quota=5, whole_region=False)
    assert "dibayar oleh" not in await reach_summary(telegram, WORKER, NIK)
    code = await create_event(telegram, OFFICER, sponsor=sponsor)
    summary = await reach_summary(telegram, WORKER + 1, nik_for(1), start=f"/start {code}")
    assert "dibayar oleh" in summary


async def test_the_quota_is_exact_under_concurrent_submissions(
    telegram: Telegram, settings: Settings
) -> None:
    await create_sponsor(telegram, quota=3)
    workers = [WORKER + i for i in range(8)]
    for i, worker in enumerate(workers):
        assert "dibayar oleh" in await reach_summary(telegram, worker, nik_for(i))
    await asyncio.gather(
        *(telegram.feed(telegram.updates.press(worker, "sum:send")) for worker in workers)
    )
    assert query(settings, "SELECT count(*) FROM submissions WHERE sponsor_id IS NOT NULL") == [
        (3,)
    ]
    full = [w for w in workers if "sudah penuh" in telegram.request.last_text(w)]
    assert len(full) == 5
    # Those told the quota is full may go on, self-paid.
    await telegram.press(full[0], "sum:send")
    assert query(settings, "SELECT count(*) FROM submissions") == [(4,)]


async def test_a_rejection_frees_a_place(telegram: Telegram, settings: Settings) -> None:
    await create_sponsor(telegram, quota=1)
    await reach_summary(telegram, WORKER, NIK)
    answer = await telegram.press(WORKER, "sum:send")
    reference = re.search(r"BPU-\d{4}-\d{6}", answer).group(0)  # type: ignore[union-attr]
    assert "sudah penuh" in await reach_summary(telegram, WORKER + 1, nik_for(1))
    await telegram.text(OFFICER, f"/tolak {reference} data tidak lengkap")
    assert "dibayar oleh" in await reach_summary(telegram, WORKER + 2, nik_for(2))


async def test_qr_and_poster_are_valid_pngs(telegram: Telegram) -> None:
    from datetime import date

    from bot.poster import PosterInfo, poster_png, qr_png

    url = "https://t.me/bpu_bot?start=evABCDEFGHIJK"
    qr = Image.open(io.BytesIO(qr_png(url)))
    assert qr.format == "PNG" and qr.size[0] == qr.size[1]
    poster = Image.open(
        io.BytesIO(
            poster_png(
                PosterInfo(
                    "Sosialisasi",
                    date(2026, 12, 12),
                    "Kab. Kulon Progo",
                    url,
                    "Kantor Cabang",
                    None,
                )
            )
        )
    )
    assert poster.size == (1240, 1754)


async def test_an_event_link_opened_mid_draft_joins_the_draft_and_its_sponsor(
    telegram: Telegram, settings: Settings
) -> None:
    # The sponsor pays only through its events: without the event the worker pays.
    sponsor = await create_sponsor(telegram, quota=5, whole_region=False)
    code = await create_event(telegram, OFFICER, "Sosialisasi Pasar Wates", sponsor=sponsor)
    await telegram.text(WORKER, "/start")
    await telegram.press(WORKER, "consent:yes")
    await telegram.text(WORKER, NIK)
    # The worker scans the poster now, half-way through.
    answer = await telegram.text(WORKER, f"/start {code}")
    assert "tercatat di acara <b>Sosialisasi Pasar Wates</b>" in answer
    assert "Dari NIK" in answer  # the pending question, asked again
    await telegram.press(WORKER, "nikok:yes")
    await telegram.text(WORKER, "Sri Wahyuni")
    await telegram.text(WORKER, "Kulon Progo")
    await telegram.text(WORKER, "0813 2222 0001")
    await telegram.text(WORKER, "ya")
    await telegram.text(WORKER, "Dusun Krebet RT 02")
    await telegram.press(WORKER, "occ:nelayan")
    await telegram.press(WORKER, "inc:1000000")
    summary = await telegram.press(WORKER, "jht:no")
    assert "dibayar oleh Pemkab Kulon Progo 2026" in summary
    await telegram.press(WORKER, "sum:send")
    assert query(settings, "SELECT event_code, sponsor_id FROM submissions") == [
        (code, int(sponsor))
    ]
    counts = dict(query(settings, "SELECT kind, sum(count) FROM event_counts GROUP BY kind"))
    assert counts == {"opened": 1, "consented": 1}
    listing = await telegram.text(OFFICER, "/acara")
    assert "dibuka 1" in listing and "terkirim 1" in listing


async def test_an_event_link_opened_at_the_consent_step_is_kept(
    telegram: Telegram, settings: Settings
) -> None:
    code = await create_event(telegram, OFFICER, "Sosialisasi Pasar Wates")
    await telegram.text(WORKER, "/start")  # the welcome, without the event
    answer = await telegram.text(WORKER, f"/start {code}")
    assert "Sosialisasi Pasar Wates" in answer and "Anda setuju" in answer
    await reach_summary(telegram, WORKER, NIK, start="/start")
    await telegram.press(WORKER, "sum:send")
    assert query(settings, "SELECT event_code FROM submissions") == [(code,)]
    counts = dict(query(settings, "SELECT kind, sum(count) FROM event_counts GROUP BY kind"))
    assert counts == {"opened": 1, "consented": 1}


async def test_an_event_link_opened_after_submitting_counts_as_an_open(
    telegram: Telegram, settings: Settings
) -> None:
    code = await create_event(telegram, OFFICER, "Sosialisasi Pasar Wates")
    await reach_summary(telegram, WORKER, NIK)
    await telegram.press(WORKER, "sum:send")
    await telegram.text(WORKER, f"/start {code}")
    assert query(settings, "SELECT event_code FROM submissions") == [(None,)]
    counts = dict(query(settings, "SELECT kind, sum(count) FROM event_counts GROUP BY kind"))
    assert counts == {"opened": 1}
