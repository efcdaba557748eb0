"""WhatsApp's 24-hour window, on a clock the test moves: a notice goes free-form while the
worker's last message is less than 23 h 50 min old (handlers.whatsapp.channel.OPEN_WINDOW, a
margin inside Meta's 24 hours), and as its approved template after that."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest

from bot.domain import Status
from bot.officers.views import worker_notice
from bot.ports import OutboxItem
from bot.settings import Settings
from handlers.runtime import build_core
from handlers.whatsapp.channel import CHANNEL, WhatsAppChannel
from handlers.whatsapp.client import WhatsAppClient
from handlers.whatsapp.templates import notices_by_name
from storage.backends import AnyRepository
from tests.bot.test_flow import NOW
from tests.handlers.test_whatsapp_render import WA_ID, submission
from tests.system.fake_whatsapp import PHONE_NUMBER_ID, TOKEN, FakeWhatsApp

WROTE = NOW  # when the worker's last message arrived


@pytest.fixture
def backend() -> str:
    return "sqlite"


class Clock:
    """The time the channel (and the fake Cloud API) reads: moved by the test."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock(WROTE)


@pytest.fixture
def cloud(settings: Settings, clock: Clock) -> Iterator[FakeWhatsApp]:
    with FakeWhatsApp(templates=notices_by_name(settings), clock=clock) as fake:
        yield fake


@pytest.fixture
async def channel(
    settings: Settings, repo: AnyRepository, cloud: FakeWhatsApp, clock: Clock
) -> AsyncIterator[WhatsAppChannel]:
    client = WhatsAppClient(
        base_url=cloud.base_url, phone_number_id=PHONE_NUMBER_ID, access_token=TOKEN
    )
    whatsapp = WhatsAppChannel(build_core(settings, repo, clock), client)
    # The worker writes at WROTE (its answers sent at once, inside the window).
    await asyncio.gather(*await whatsapp.store(cloud.message(WA_ID, "text", {"body": "halo"}, "")))
    yield whatsapp
    await whatsapp.stop()


async def notice_after(
    channel: WhatsAppChannel, cloud: FakeWhatsApp, clock: Clock, elapsed: timedelta
) -> dict[str, Any]:
    """The approval notice delivered ``elapsed`` after the worker last wrote: what went out."""
    clock.now = WROTE + elapsed
    notice = worker_notice(submission(Status.APPROVED), WROTE.date())
    before = len(cloud.sent(WA_ID))
    await channel.deliver(OutboxItem(1, CHANNEL, WA_ID, "id", notice, 0))
    (sent,) = cloud.sent(WA_ID)[before:]
    return sent


async def test_a_notice_23_h_49_min_after_the_last_message_goes_free_form(
    channel: WhatsAppChannel, cloud: FakeWhatsApp, clock: Clock
) -> None:
    sent = await notice_after(channel, cloud, clock, timedelta(hours=23, minutes=49))
    assert sent["type"] != "template"
    assert "BPU-2026-000123" in str(sent)


async def test_a_notice_23_h_51_min_after_the_last_message_goes_as_its_template(
    channel: WhatsAppChannel, cloud: FakeWhatsApp, clock: Clock
) -> None:
    sent = await notice_after(channel, cloud, clock, timedelta(hours=23, minutes=51))
    assert sent["type"] == "template"
    assert sent["template"]["name"] == "bpu_pendaftaran_disetujui"
