"""One person, two chat apps: a NIK has one active submission whichever channel it came from.

The real Telegram Application and the real WhatsApp channel share one core and one database
(tests/handlers/conftest.py).
"""

from __future__ import annotations

from bot.settings import Settings
from tests.conftest import NIK, WORKER, Telegram, query, register
from tests.handlers.conftest import WhatsApp, registration_steps


async def test_a_nik_registered_on_telegram_cannot_register_again_on_whatsapp(
    telegram: Telegram, whatsapp: WhatsApp, settings: Settings
) -> None:
    await register(telegram, WORKER)
    await whatsapp.text("halo")
    await whatsapp.tap("consent:yes")
    answer = await whatsapp.text(NIK)
    assert "sudah terdaftar" in answer and "/status" in answer
    assert query(settings, "SELECT channel, user_id FROM submissions") == [("tg", str(WORKER))]


async def test_a_draft_on_whatsapp_cannot_submit_a_nik_telegram_submitted_meanwhile(
    telegram: Telegram, whatsapp: WhatsApp, settings: Settings
) -> None:
    """Both drafts passed the NIK question before either was sent: the rule holds at sending."""
    for typed, tapped in registration_steps(NIK, "Sri Wahyuni"):
        if typed is not None:
            await whatsapp.text(typed)
        if tapped is not None:
            summary = await whatsapp.tap(tapped)
    assert "Kirim" in summary
    await register(telegram, WORKER)
    answer = await whatsapp.tap("sum:send")
    assert "baru saja didaftarkan" in answer
    assert query(settings, "SELECT channel, user_id FROM submissions") == [("tg", str(WORKER))]
