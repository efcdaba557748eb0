"""/hapusdata erases: after it, no column of any table ties a row to the person.

A worker registers on Telegram and one on WhatsApp; an officer rejects both with a reason that
names the worker's NIK and phone; both erase their data. Then every column of every table
(found by reading the schema, on both backends) is searched for their NIKs, phones, names and
channel ids.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

from bot.settings import Settings
from handlers.housekeeping import housekeep
from handlers.telegram.app import services_of
from tests.conftest import OFFICER, Telegram, query, to_phone
from tests.databases import columns_url, query_url
from tests.handlers.conftest import WA_ID, WhatsApp, registration_steps

TG_WORKER = 730155501
TG_NIK, TG_NAME, TG_PHONE = "3401025203790001", "Sri Wahyuni", "081234567001"
WA_NIK, WA_NAME = "3401025203790002", "Budi Santoso"


def tables(url: str) -> list[str]:
    """Every table of the test's database (its own schema on PostgreSQL)."""
    if url.startswith("sqlite:///"):
        sql = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    else:
        sql = (
            "SELECT table_name FROM information_schema.tables"
            " WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
        )
    return sorted(str(name) for (name,) in query_url(url, sql))


def found_anywhere(url: str, needles: list[str]) -> list[tuple[str, str, str]]:
    """(table, column, needle) for every needle found in any value of any column."""
    hits = []
    for table in tables(url):
        for column in columns_url(url, table):
            cast = f'CAST("{column}" AS TEXT)'
            for (value,) in query_url(url, f'SELECT {cast} FROM "{table}"'):
                text = str(value or "").casefold()
                hits += [(table, column, n) for n in needles if n.casefold() in text]
    return sorted(set(hits))


async def all_answered(tg: Telegram) -> None:
    """Every Telegram update answered so far marked answered (their payloads dropped), a mark
    already under way in the background included."""
    pump = services_of(tg.app).pump
    if pump._flushing is not None:
        await asyncio.gather(pump._flushing, return_exceptions=True)
    await pump.flush()


async def register_on_telegram(tg: Telegram) -> str:
    await to_phone(tg, TG_WORKER, TG_NIK, name=TG_NAME)
    await tg.text(TG_WORKER, TG_PHONE)
    await tg.text(TG_WORKER, "Ya")
    await tg.text(TG_WORKER, "Dusun Krebet RT 02 RW 05, Sendangsari")
    await tg.press(TG_WORKER, "occ:nelayan")
    await tg.text(TG_WORKER, "1,5 juta")
    await tg.press(TG_WORKER, "jht:no")
    done = await tg.press(TG_WORKER, "sum:send")
    return "BPU-" + done.split("BPU-")[1][:11]


async def register_on_whatsapp(wa: WhatsApp) -> str:
    for typed, tapped in registration_steps(WA_NIK, WA_NAME):
        if typed is not None:
            await wa.text(typed)
        if tapped is not None:
            await wa.tap(tapped)
    done = await wa.tap("sum:send")
    return "BPU-" + done.split("BPU-")[1][:11]


async def erase_on_telegram(tg: Telegram) -> str:
    """/hapusdata and its "Ya"; the bot's answer."""
    await tg.text(TG_WORKER, "/hapusdata")
    button = next(b for b in tg.request.last_buttons(TG_WORKER) if b.startswith("erase:yes"))
    return await tg.press(TG_WORKER, button)


def erase_button(wa: WhatsApp) -> str:
    last = wa.cloud.sent(WA_ID)[-1]
    buttons = last["interactive"]["action"]["buttons"]
    return str(next(b["reply"]["id"] for b in buttons if b["reply"]["id"].startswith("erase:yes")))


async def test_after_erasure_nothing_ties_a_row_to_the_person(
    telegram: Telegram, whatsapp: WhatsApp, settings: Settings
) -> None:
    tg = telegram
    on_telegram = await register_on_telegram(tg)
    on_whatsapp = await register_on_whatsapp(whatsapp)
    await tg.text(OFFICER, f"/lihat {on_telegram}")  # an audited view of the full card
    reason = f"NIK {TG_NIK} dan nomor {TG_PHONE} tidak cocok"
    await tg.text(OFFICER, f"/tolak {on_telegram} {reason}")
    await tg.text(OFFICER, f"/tolak {on_whatsapp} NIK {WA_NIK} tidak cocok dengan +{WA_ID}")
    # Masked as written: the officer's words keep no NIK or phone (the worker's notice, the
    # submission's note, the audit trail), before any erasure.
    written = query(
        settings,
        "SELECT note FROM submissions UNION ALL SELECT detail FROM audit"
        " UNION ALL SELECT CAST(payload AS TEXT) FROM outbox",
    )
    words = " ".join(str(v) for (v,) in written)
    assert "3401********0001" in words and "+62812****7890" in words
    assert all(n not in words for n in (TG_NIK, WA_NIK, "1234567001", "1234567890"))
    await tg.deliver()  # the Telegram notice goes out (sent rows are erased too)
    assert "sudah dihapus" in await erase_on_telegram(tg)
    await whatsapp.text("/hapusdata")
    assert "sudah dihapus" in await whatsapp.tap(erase_button(whatsapp))
    await services_of(tg.app).pump.flush()
    await whatsapp.channel.pump.flush()
    needles = [
        TG_NIK, TG_NIK[4:12], WA_NIK, WA_NIK[4:12],  # whole, or the part a mask hides
        TG_NAME, WA_NAME,
        "1234567001", "1234567890",  # the two phones (wa_id included), in any form
        str(TG_WORKER),
    ]  # fmt: skip
    assert found_anywhere(settings.database_url, needles) == []
    # What is kept, and why (docs/identity.md): the requests, under a pseudonym.
    kept = query(settings, "SELECT reference, channel, user_id, outcome FROM erasure_requests")
    assert {(r, c, o) for r, c, _, o in kept} == {
        (on_telegram, "tg", "anonymised"),
        (on_whatsapp, "wa", "anonymised"),
    }
    assert all(user.startswith("dihapus-") for _, _, user, _ in kept)
    # A message after it starts afresh, before consent, with nothing of the erased history.
    assert "BPU-" not in await tg.text(TG_WORKER, "/status")
    await tg.text(TG_WORKER, "/start")
    assert "consent:yes" in tg.request.last_buttons(TG_WORKER)
    assert found_anywhere(settings.database_url, needles[:-1]) == []


async def test_old_notifications_are_purged_but_never_one_still_to_be_delivered(
    telegram: Telegram, settings: Settings
) -> None:
    tg = telegram
    reference = await register_on_telegram(tg)
    await tg.text(OFFICER, f"/tolak {reference} Foto KTP tidak jelas")
    later = tg.now() + timedelta(days=settings.outbox_retention_days + 1)
    await housekeep(tg.repo, settings, later)
    assert query(settings, "SELECT status FROM outbox") == [("pending",)]  # still to go out
    await tg.deliver()
    await housekeep(tg.repo, settings, tg.now() + timedelta(days=1))
    assert query(settings, "SELECT status FROM outbox") == [("sent",)]  # recent: kept
    await housekeep(tg.repo, settings, later)
    assert query(settings, "SELECT count(*) FROM outbox") == [(0,)]


async def test_a_pending_submission_asked_to_erase_is_erased_when_rejected(
    telegram: Telegram, settings: Settings
) -> None:
    tg = telegram
    reference = await register_on_telegram(tg)
    assert "kami catat" in await erase_on_telegram(tg)
    # Kept whole while pending (the officer decides; the worker is told), the request recorded.
    assert query(settings, "SELECT user_id, name FROM submissions") == [(str(TG_WORKER), TG_NAME)]
    await tg.press(OFFICER, f"off:d_tolak:{reference}")
    preview = await tg.text(OFFICER, "Data tidak lengkap atau tidak jelas")
    assert "sudah kami hapus" in preview  # the officer sees what the worker will be told
    await tg.press(OFFICER, "off:d_kirim:")
    # Anonymised at once, without the worker asking again; the notice still goes out, once.
    assert query(settings, "SELECT name, phone FROM submissions") == [("", "")]
    assert query(settings, "SELECT outcome FROM erasure_requests") == [("anonymised",)]
    assert await tg.deliver() == 1
    told = tg.request.last_text(TG_WORKER)
    assert f"{reference} ditolak" in told and told.count("sudah kami hapus") == 1
    await all_answered(tg)
    needles = [TG_NIK, TG_NIK[4:12], TG_NAME, "1234567001", str(TG_WORKER)]
    assert found_anywhere(settings.database_url, needles) == []
    assert await tg.deliver() == 0  # nothing left to send again


async def test_an_undeliverable_notice_of_an_erased_rejection_is_not_kept(
    telegram: Telegram, settings: Settings
) -> None:
    tg = telegram
    reference = await register_on_telegram(tg)
    await erase_on_telegram(tg)
    await tg.text(OFFICER, f"/tolak {reference} Foto KTP tidak jelas")
    await tg.text(OFFICER, "kirim")  # the preview's "Kirim keputusan"
    assert query(settings, "SELECT status FROM outbox") == [("pending",)]
    tg.request.fail = lambda call: (403, "Forbidden: bot was blocked by the user")
    await tg.deliver()
    tg.request.fail = None
    assert query(settings, "SELECT count(*) FROM outbox") == [(0,)]
    await all_answered(tg)
    assert found_anywhere(settings.database_url, [str(TG_WORKER), TG_NAME]) == []


async def test_a_reason_typed_in_the_decision_dialog_is_masked_before_it_is_shown(
    telegram: Telegram, settings: Settings
) -> None:
    tg = telegram
    reference = await register_on_telegram(tg)
    await tg.press(OFFICER, f"off:d_tolak:{reference}")
    asked = await tg.text(OFFICER, f"Hubungi {TG_PHONE}, NIK {TG_NIK} ganda")
    # The words are the officer's own: the closest preset reasons are offered, the words shown
    # (masked) for "Pakai kata saya".
    assert TG_PHONE not in asked and TG_NIK not in asked and "3401********0001" in asked
    preview = await tg.press(OFFICER, "off:d_catatan:")
    assert TG_PHONE not in preview and TG_NIK not in preview and "3401********0001" in preview
    await tg.press(OFFICER, "off:d_kirim:")
    (note,) = query(settings, "SELECT note FROM submissions")[0]
    assert TG_PHONE not in note and TG_NIK not in note and "0812****7001" in note
