"""The WhatsApp channel in-process, beside the Telegram application of tests/conftest.py: one
core and one database, as in a process serving both. WhatsApp's notifications go through the
channel's inbox as the webhook would hand them over, and its answers to the fake Cloud API on a
real port."""

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
from tests.conftest import Telegram
from tests.system.fake_whatsapp import PHONE_NUMBER_ID, TOKEN, FakeWhatsApp

WA_ID = "6281234567890"


def registration_steps(nik: str, name: str) -> list[tuple[str | None, str | None]]:
    """A WhatsApp registration up to its summary: (what is typed, then what is tapped)."""
    return [
        ("halo", "consent:yes"),
        (nik, "nikok:yes"),
        (name, None),
        ("Kulon Progo", "phone:yes"),
        (None, "home:yes"),
        ("Dusun Krebet RT 02 RW 05, Sendangsari", "occ:nelayan"),
        ("1,5 juta", "jht:no"),
    ]


@pytest.fixture
def cloud(settings: Settings) -> Iterator[FakeWhatsApp]:
    with FakeWhatsApp(templates=notices_by_name(settings)) as fake:
        yield fake


class WhatsApp:
    """A worker's messages in, the bot's answers read back. The payload carries the worker's
    ``wa_id`` (default ``WA_ID``; None: none), and their business-scoped id when ``bsuid``."""

    def __init__(self, channel: WhatsAppChannel, cloud: FakeWhatsApp) -> None:
        self.channel = channel
        self.cloud = cloud

    async def _receive(self, notification: dict[str, Any], to: str) -> str:
        await asyncio.gather(*await self.channel.store(notification))
        last = self.cloud.sent(to)[-1]
        body = last["text"] if last["type"] == "text" else last["interactive"]["body"]
        return str(body.get("body") or body.get("text"))

    async def text(self, text: str, *, wa_id: str | None = WA_ID, bsuid: str = "") -> str:
        """The worker types ``text``; the text of the bot's last answer."""
        sent = self.cloud.message(wa_id, "text", {"body": text}, text, user_id=bsuid)
        return await self._receive(sent, bsuid or wa_id or "")

    async def tap(self, data: str, *, wa_id: str | None = WA_ID, bsuid: str = "") -> str:
        """The worker taps the button ``data``; the text of the bot's last answer."""
        reply = {"type": "button_reply", "button_reply": {"id": data, "title": data}}
        sent = self.cloud.message(wa_id, "interactive", reply, data, user_id=bsuid)
        return await self._receive(sent, bsuid or wa_id or "")


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
