"""One person, two chat apps: a NIK has one active submission whichever channel it came from.

The real Telegram Application and the real WhatsApp channel share one core and one database
(as in a process serving both); WhatsApp's notifications go through the channel's inbox as the
webhook would hand them over, and its answers to the fake Cloud API on a real port.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest

from bot.settings import Settings
from handlers.runtime import build_core
from handlers.telegram.app import services_of
from handlers.whatsapp.channel import WhatsAppChannel
from handlers.whatsapp.client import WhatsAppClient
from handlers.whatsapp.templates import notices_by_name
from tests.conftest import NIK, WORKER, Telegram, query, register
from tests.system.fake_whatsapp import PHONE_NUMBER_ID, TOKEN, FakeWhatsApp

WA_ID = "6281234567890"


@pytest.fixture
def cloud(settings: Settings) -> Iterator[FakeWhatsApp]:
    with FakeWhatsApp(templates=notices_by_name(settings)) as fake:
        yield fake


class WhatsApp:
    """The WhatsApp channel in-process: a worker's messages in, the bot's answers read back."""

    def __init__(self, channel: WhatsAppChannel, cloud: FakeWhatsApp) -> None:
        self.channel = channel
        self.cloud = cloud

    async def _receive(self, notification: dict[str, Any]) -> str:
        await asyncio.gather(*await self.channel.store(notification))
        last = self.cloud.sent(WA_ID)[-1]
        body = last["text"] if last["type"] == "text" else last["interactive"]["body"]
        return str(body.get("body") or body.get("text"))

    async def text(self, text: str) -> str:
        """The worker types ``text``; the text of the bot's last answer."""
        return await self._receive(self.cloud.message(WA_ID, "text", {"body": text}, text))

    async def tap(self, data: str) -> str:
        """The worker taps the button ``data``; the text of the bot's last answer."""
        reply = {"type": "button_reply", "button_reply": {"id": data, "title": data}}
        return await self._receive(self.cloud.message(WA_ID, "interactive", reply, data))


@pytest.fixture
async def whatsapp(
    telegram: Telegram, settings: Settings, cloud: FakeWhatsApp
) -> AsyncIterator[WhatsApp]:
    core = build_core(settings, telegram.repo, services_of(telegram.app).clock)
    client = WhatsAppClient(
        base_url=cloud.base_url, phone_number_id=PHONE_NUMBER_ID, access_token=TOKEN
    )
    channel = WhatsAppChannel(core, client)
    yield WhatsApp(channel, cloud)
    await channel.stop()


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
    for typed, tapped in (
        ("halo", "consent:yes"),
        (NIK, "nikok:yes"),
        ("Sri Wahyuni", None),
        ("Kulon Progo", "phone:yes"),
        (None, "home:yes"),
        ("Dusun Krebet RT 02 RW 05, Sendangsari", "occ:nelayan"),
        ("1,5 juta", "jht:no"),
    ):
        if typed is not None:
            await whatsapp.text(typed)
        if tapped is not None:
            summary = await whatsapp.tap(tapped)
    assert "Kirim" in summary
    await register(telegram, WORKER)
    answer = await whatsapp.tap("sum:send")
    assert "baru saja didaftarkan" in answer
    assert query(settings, "SELECT channel, user_id FROM submissions") == [("tg", str(WORKER))]


async def test_a_text_with_a_lone_surrogate_is_stored_and_answered(
    whatsapp: WhatsApp, settings: Settings
) -> None:
    """Half an emoji ("\\ud83d" in the notification's JSON) no database stores: the webhook
    answered 503 and Meta would have sent it again forever. Mended, it is answered."""
    answer = await whatsapp.text("halo \ud83d")
    assert answer and "\ud83d" not in answer
    await whatsapp.channel.pump.settle()
    rows = query(settings, "SELECT answered_at IS NOT NULL FROM inbox WHERE channel = 'wa'")
    assert rows == [(1,)]
