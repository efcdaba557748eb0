"""WhatsApp's business-scoped user id (BSUID): a worker known by their wa_id keeps their draft
and submissions when Meta starts sending the BSUID; a BSUID without a wa_id works too."""

from __future__ import annotations

import asyncio
from typing import Any

from bot.settings import Settings
from tests.conftest import Telegram, query
from tests.handlers.test_whatsapp_registration import (
    WA_ID,
    WhatsApp,
    cloud,
    registration_steps,
    whatsapp,
)

__all__ = ["cloud", "whatsapp"]  # fixtures this module's tests use

BSUID = "ID.1502576394655843"
NIK = "3401025203790002"


async def say(wa: WhatsApp, text: str, *, wa_id: str | None = WA_ID, bsuid: str = "") -> str:
    """A text from the worker, with whichever ids the payload carries; the bot's last answer."""
    notification = wa.cloud.message(wa_id, "text", {"body": text}, text, user_id=bsuid)
    return await deliver(wa, notification, bsuid or wa_id or "")


async def tap(wa: WhatsApp, data: str, *, wa_id: str | None = WA_ID, bsuid: str = "") -> str:
    reply = {"type": "button_reply", "button_reply": {"id": data, "title": data}}
    notification = wa.cloud.message(wa_id, "interactive", reply, data, user_id=bsuid)
    return await deliver(wa, notification, bsuid or wa_id or "")


async def deliver(wa: WhatsApp, notification: dict[str, Any], to: str) -> str:
    await asyncio.gather(*await wa.channel.store(notification))
    last = wa.cloud.sent(to)[-1]
    body = last["text"] if last["type"] == "text" else last["interactive"]["body"]
    return str(body.get("body") or body.get("text"))


async def test_a_draft_continues_when_the_bsuid_appears(
    telegram: Telegram, whatsapp: WhatsApp, settings: Settings
) -> None:
    await say(whatsapp, "halo")
    await tap(whatsapp, "consent:yes")
    await say(whatsapp, NIK)
    asked = await tap(whatsapp, "nikok:yes")
    # Meta now sends both ids: the same question goes on, not the consent again.
    after = await say(whatsapp, "Budi Santoso", bsuid=BSUID)
    assert "consent" not in str(whatsapp.cloud.sent(BSUID)[-1]) and after != asked
    assert query(settings, "SELECT user_id FROM conversations WHERE channel = 'wa'") == [(BSUID,)]


async def test_submissions_follow_the_worker_to_the_bsuid(
    telegram: Telegram, whatsapp: WhatsApp, settings: Settings
) -> None:
    for typed, tapped in [*registration_steps(NIK, "Budi Santoso"), (None, "sum:send")]:
        if typed is not None:
            await say(whatsapp, typed)
        if tapped is not None:
            done = await tap(whatsapp, tapped)
    reference = "BPU-" + done.split("BPU-")[1][:11]
    status = await say(whatsapp, "/status", bsuid=BSUID)
    assert reference in status
    assert query(settings, "SELECT user_id FROM submissions") == [(BSUID,)]
    assert query(settings, "SELECT DISTINCT chat FROM inbox WHERE channel = 'wa'") == [(BSUID,)]
    # Once: a later message with both ids moves nothing more, and finds everything.
    assert reference in await say(whatsapp, "/status", bsuid=BSUID)


async def test_a_bsuid_without_a_wa_id_is_asked_for_the_phone(
    telegram: Telegram, whatsapp: WhatsApp, settings: Settings
) -> None:
    await say(whatsapp, "halo", wa_id=None, bsuid=BSUID)
    await tap(whatsapp, "consent:yes", wa_id=None, bsuid=BSUID)
    await say(whatsapp, NIK, wa_id=None, bsuid=BSUID)
    await tap(whatsapp, "nikok:yes", wa_id=None, bsuid=BSUID)
    await say(whatsapp, "Budi Santoso", wa_id=None, bsuid=BSUID)
    asked = await say(whatsapp, "Kulon Progo", wa_id=None, bsuid=BSUID)
    assert "phone:yes" not in str(whatsapp.cloud.sent(BSUID)[-1])
    assert "0812" in asked  # typed, with an example
    home = await say(whatsapp, "0812 3456 7002", wa_id=None, bsuid=BSUID)
    assert "Kulon Progo" in home
    conv = query(settings, "SELECT user_id, state FROM conversations WHERE channel = 'wa'")
    assert conv[0][0] == BSUID and "+6281234567002" in conv[0][1]
