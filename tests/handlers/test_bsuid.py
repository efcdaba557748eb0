"""WhatsApp's business-scoped user id (BSUID): a worker known by their wa_id keeps their draft
and submissions when Meta starts sending the BSUID; a BSUID without a wa_id works too."""

from __future__ import annotations

from bot.settings import Settings
from tests.conftest import Telegram, query
from tests.handlers.conftest import WhatsApp, registration_steps

BSUID = "ID.1502576394655843"
NIK = "3401025203790002"


async def test_a_draft_continues_when_the_bsuid_appears(
    telegram: Telegram, whatsapp: WhatsApp, settings: Settings
) -> None:
    await whatsapp.text("halo")
    await whatsapp.tap("consent:yes")
    await whatsapp.text(NIK)
    asked = await whatsapp.tap("nikok:yes")
    # Meta now sends both ids: the same question goes on, not the consent again.
    after = await whatsapp.text("Budi Santoso", bsuid=BSUID)
    assert "consent" not in str(whatsapp.cloud.sent(BSUID)[-1]) and after != asked
    assert query(settings, "SELECT user_id FROM conversations WHERE channel = 'wa'") == [(BSUID,)]


async def test_submissions_follow_the_worker_to_the_bsuid(
    telegram: Telegram, whatsapp: WhatsApp, settings: Settings
) -> None:
    for typed, tapped in [*registration_steps(NIK, "Budi Santoso"), (None, "sum:send")]:
        if typed is not None:
            await whatsapp.text(typed)
        if tapped is not None:
            done = await whatsapp.tap(tapped)
    reference = "BPU-" + done.split("BPU-")[1][:11]
    status = await whatsapp.text("/status", bsuid=BSUID)
    assert reference in status
    assert query(settings, "SELECT user_id FROM submissions") == [(BSUID,)]
    assert query(settings, "SELECT DISTINCT chat FROM inbox WHERE channel = 'wa'") == [(BSUID,)]
    # Once: a later message with both ids moves nothing more, and finds everything.
    assert reference in await whatsapp.text("/status", bsuid=BSUID)


async def test_a_bsuid_without_a_wa_id_is_asked_for_the_phone(
    telegram: Telegram, whatsapp: WhatsApp, settings: Settings
) -> None:
    await whatsapp.text("halo", wa_id=None, bsuid=BSUID)
    await whatsapp.tap("consent:yes", wa_id=None, bsuid=BSUID)
    await whatsapp.text(NIK, wa_id=None, bsuid=BSUID)
    await whatsapp.tap("nikok:yes", wa_id=None, bsuid=BSUID)
    await whatsapp.text("Budi Santoso", wa_id=None, bsuid=BSUID)
    asked = await whatsapp.text("Kulon Progo", wa_id=None, bsuid=BSUID)
    assert "phone:yes" not in str(whatsapp.cloud.sent(BSUID)[-1])
    assert "0812" in asked  # typed, with an example
    home = await whatsapp.text("0812 3456 7002", wa_id=None, bsuid=BSUID)
    assert "Kulon Progo" in home
    conv = query(settings, "SELECT user_id, state FROM conversations WHERE channel = 'wa'")
    assert conv[0][0] == BSUID and "+6281234567002" in conv[0][1]
