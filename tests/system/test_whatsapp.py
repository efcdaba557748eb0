"""WhatsApp alone, as deployed: ``python -m bot run`` with only WhatsApp settings, a worker
registering through signed webhooks, and the officer's decision reaching them.

The fake Cloud API (tests/system/fake_whatsapp.py) refuses any message outside Meta's limits and
any free-form message more than 24 hours after the worker last wrote, so a worker who registered
and then fell silent can be reached only by the approved template. The officer decides in
``python -m bot chat --officer`` on the same database (no Telegram here); the running process's
outbox loop delivers the decision.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.masking import mask_phone
from bot.settings import Settings
from handlers.whatsapp.templates import Notice, template_name
from tests.databases import execute_url
from tests.system.fake_whatsapp import FakeWhatsApp
from tests.system.fake_whatsapp_rules import validate
from tests.system.helpers import Bots, nik, query
from tests.system.whatsapp_helpers import (
    KPJ,
    NATIONAL,
    WORKER,
    officer_says,
    register,
    shown,
    start_bot,
    wait_for,
)

SILENT = "6285712345678"  # registered, then wrote nothing for more than 24 hours
KPJ_SILENT = "12345678902"
LATE = "6281311112222"  # Meta takes the notice, then reports it failed
KPJ_LATE = "12345678903"
APPROVED = template_name(Notice.APPROVED, Settings(_env_file=None))  # type: ignore[call-arg]


def told(fake: FakeWhatsApp, user: str, marker: str) -> list[dict[str, Any]]:
    """The messages accepted for ``user`` that carry ``marker`` anywhere."""
    return [m for m in fake.sent(user) if marker in str(m)]


def outbox(database: str) -> list[tuple[Any, ...]]:
    return query(database, "SELECT user_id, status FROM outbox ORDER BY user_id")


def test_a_worker_registers_on_whatsapp_and_hears_the_decision(
    database_url: str, whatsapp: FakeWhatsApp, wa_bots: Bots, tmp_path: Path
) -> None:
    whatsapp.window_refused_later = True  # as Meta: taken, then "failed" (131047) later
    bot = start_bot(wa_bots, whatsapp, database_url)
    # Meta's passing trouble on the first answer, its explanation naming the worker's number:
    # the answer is sent again, and the number is logged masked.
    whatsapp.inject(131016, 503, details=f"Temporary failure sending to {WORKER}")
    reference = register(bot, WORKER, nik(1))
    silent_reference = register(bot, SILENT, nik(2), name="Budi Santoso")

    # The phone step was one tap: the bot offered the number WhatsApp gave it, the worker
    # confirmed it with a button, and that number was stored (nothing typed).
    asked = [m for m in whatsapp.sent(WORKER) if NATIONAL in str(m)]
    assert len(asked) == 1 and asked[0]["type"] == "interactive"
    assert [b["reply"]["id"] for b in asked[0]["interactive"]["action"]["buttons"]] == [
        "phone:yes",
        "phone:other",
    ]
    after_question = whatsapp.transcript(WORKER).split(NATIONAL, 1)[1].splitlines()
    assert next(line for line in after_question if line.startswith("> ")) == "> [Ya]"
    rows = query(
        database_url,
        "SELECT reference, channel, user_id, phone, status FROM submissions ORDER BY reference",
    )
    assert rows == [
        (reference, "wa", WORKER, f"+{WORKER}", "diajukan"),
        (silent_reference, "wa", SILENT, f"+{SILENT}", "diajukan"),
    ]

    # The second worker last wrote 25 hours ago (for Meta and in the bot's inbox): only a
    # template may reach them now.
    long_ago = datetime.now(UTC) - timedelta(hours=25)
    whatsapp.user_wrote(SILENT, long_ago)
    stored = long_ago if database_url.startswith("postgresql") else long_ago.isoformat()
    execute_url(database_url, "UPDATE inbox SET received_at = ? WHERE chat = ?", stored, SILENT)
    said = officer_says(
        tmp_path,
        database_url,
        f"/setujui {reference} {KPJ}",
        f"/setujui {silent_reference} {KPJ_SILENT}",
    )
    assert said.count("disetujui") >= 2, said

    def both_delivered() -> bool:
        assert bot.proc.alive(), bot.proc.output()
        return outbox(database_url) == [(WORKER, "sent"), (SILENT, "sent")]

    wait_for(both_delivered, "both decisions delivered")
    # (a) within 24 hours: the notice itself, a normal message with the card number.
    (notice,) = told(whatsapp, WORKER, KPJ)
    assert notice["type"] != "template"
    # (b) after 24 hours: the approved template, with the reference and the card number.
    (template,) = told(whatsapp, SILENT, KPJ_SILENT)
    assert template["type"] == "template"
    assert template["template"]["name"] == APPROVED
    assert silent_reference in str(template["template"]["components"])

    # Every message the bot sent was within Meta's limits and reached its worker: the only
    # refusal was the injected one; no free-form message went out of the window.
    sends = [body for body in whatsapp.requests if body.get("status") != "read"]
    assert [validate(body) for body in sends] == [None] * len(sends)
    accepted = len(whatsapp.sent(WORKER)) + len(whatsapp.sent(SILENT))
    assert len(sends) == accepted + 1
    assert whatsapp.failed_later == []
    assert bot.proc.terminate() == 0, bot.proc.output()

    # The process's log (at DEBUG) never has a worker's number or NIK in full.
    log = bot.proc.log.read_text()
    assert "Temporary failure sending to" in log  # the refusal was logged ...
    assert mask_phone(WORKER) in log  # ... with the number masked
    for secret in (WORKER, SILENT, nik(1), nik(2)):
        assert secret not in log, secret


def event_code(said: str) -> str:
    """The code of the event the officer just created, from its link."""
    found = re.search(r"\?start=([A-Za-z0-9_-]+)", said)
    assert found is not None, said
    return found[1]


@pytest.mark.parametrize("backend", ["sqlite"])
def test_daftar_and_an_event_code_attribute_the_registration_to_the_event(
    database_url: str, whatsapp: FakeWhatsApp, wa_bots: Bots, tmp_path: Path
) -> None:
    """The wa.me link's "DAFTAR <code>" does what Telegram's /start <code> does: the greeting
    names the event, its opens and consents are counted, the submission carries its code."""
    bot = start_bot(wa_bots, whatsapp, database_url)
    said = officer_says(
        tmp_path,
        database_url,
        "/acara_baru",
        "Sosialisasi Pasar Wates",
        "12-12-2026",
        "Kulon Progo",
        "1",  # organiser: the branch office
        "1",  # no sponsor
    )
    code = event_code(said)
    reference = register(bot, WORKER, nik(1), first=f"DAFTAR {code}")
    greeting = shown(whatsapp.sent(WORKER)[0])
    assert "Sosialisasi Pasar Wates" in greeting
    assert query(database_url, "SELECT reference, event_code FROM submissions") == [
        (reference, code)
    ]
    counts = query(
        database_url,
        "SELECT kind, sum(count) FROM event_counts WHERE event_code = ? GROUP BY kind"
        " ORDER BY kind",
        code,
    )
    assert counts == [("consented", 1), ("opened", 1)]
    assert bot.proc.terminate() == 0, bot.proc.output()


@pytest.mark.parametrize("backend", ["sqlite"])
def test_a_notice_meta_refuses_or_fails_later_is_marked_on_the_card(
    database_url: str, whatsapp: FakeWhatsApp, wa_bots: Bots, tmp_path: Path
) -> None:
    """Out of the 24-hour window, with the approved template disabled at Meta (132016), the
    decision cannot reach the worker: the row is given up and the officer's card says so, as
    for a Telegram worker who blocked the bot. A paused template (132015) is only retried
    later (Meta lifts a pause after hours), so the card says nothing yet. A notice Meta took
    and then reported as failed (a status notification: 131026) is marked too."""
    bot = start_bot(wa_bots, whatsapp, database_url)
    disabled = register(bot, WORKER, nik(1))
    paused = register(bot, SILENT, nik(2), name="Budi Santoso")
    late = register(bot, LATE, nik(3), name="Siti Aminah")
    # Meta's clock only: the bot still thinks the window open, tries the free-form notice, is
    # refused at once (131047) and falls back to the template.
    long_ago = datetime.now(UTC) - timedelta(hours=25)
    for user in (WORKER, SILENT):
        whatsapp.user_wrote(user, long_ago)
    whatsapp.refuse_template(APPROVED, 132016)
    officer_says(tmp_path, database_url, f"/setujui {disabled} {KPJ}")

    def given_up() -> bool:
        assert bot.proc.alive(), bot.proc.output()
        return outbox(database_url) == [(WORKER, "undeliverable")]

    wait_for(given_up, "the notice given up")
    ((error,),) = query(database_url, "SELECT last_error FROM outbox")
    assert "132016" in error
    assert told(whatsapp, WORKER, KPJ) == []

    whatsapp.refuse_template(APPROVED, 132015)
    officer_says(
        tmp_path, database_url, f"/setujui {paused} {KPJ_SILENT}", f"/setujui {late} {KPJ_LATE}"
    )

    def settled() -> bool:
        rows = query(database_url, "SELECT user_id, status, attempts FROM outbox WHERE id > 1")
        return sorted(rows) == [(LATE, "sent", 1), (SILENT, "pending", 1)]

    wait_for(settled, "the paused template's notice put off, the other one sent")
    assert told(whatsapp, LATE, KPJ_LATE)  # Meta took it ...
    ((wamid,),) = query(database_url, "SELECT sent_as FROM outbox WHERE user_id = ?", LATE)
    for _ in range(2):  # ... and reported (twice: Meta retries) that it could not deliver it
        assert whatsapp.post_status(bot.hook, wamid, "failed", LATE, code=131026) == 200

    def failed_later() -> bool:
        rows = query(database_url, "SELECT status, last_error FROM outbox WHERE user_id = ?", LATE)
        return rows == [("undeliverable", "WhatsApp error 131026: error 131026")]

    wait_for(failed_later, "the notice marked undeliverable after Meta's failed status")
    failures = query(
        database_url, "SELECT chat FROM inbox WHERE update_key = ?", f"{wamid}:failed"
    )
    # Stored once, and not as something the worker wrote (that would reopen the 24-hour window).
    assert failures == [(f"status:{LATE}",)]
    cards = officer_says(
        tmp_path, database_url, f"/lihat {disabled}", f"/lihat {paused}", f"/lihat {late}"
    )
    first, rest = cards.split(f"{paused} ·")
    second, third = rest.split(f"{late} ·")
    assert "tidak terkirim" in first.split(f"{disabled} ·")[1]
    assert "tidak terkirim" not in second
    assert "tidak terkirim" in third
    assert bot.proc.terminate() == 0, bot.proc.output()
