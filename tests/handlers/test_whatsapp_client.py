"""The Cloud API client against the fake Cloud API over real HTTP: sending, marking as read,
uploading, and each refusal mapped to what the outbox does (retry, give up, use a template)."""

from __future__ import annotations

import logging
import socket
from collections.abc import AsyncIterator, Iterator
from datetime import timedelta

import httpx
import pytest

from bot.messages import Attachment, Button, Msg, Reply
from bot.settings import Settings
from handlers.outbox import RetryLater, Undeliverable
from handlers.whatsapp.client import WhatsAppClient, recipient_fields
from handlers.whatsapp.errors import PAUSED_WAIT, SETUP_WAIT, SPAM_WAIT, Fate, WindowClosed, fate
from handlers.whatsapp.render import render_reply
from handlers.whatsapp.templates import notice_template, notices_by_name
from tests.system.fake_whatsapp import PHONE_NUMBER_ID, TOKEN, FakeWhatsApp

USER = "6281234567890"
BSUID = "ID.1502576394655843"


@pytest.fixture
def settings() -> Settings:
    return Settings(_env_file=None)  # type: ignore[call-arg]


@pytest.fixture
def fake(settings: Settings) -> Iterator[FakeWhatsApp]:
    with FakeWhatsApp(templates=notices_by_name(settings)) as whatsapp:
        yield whatsapp


@pytest.fixture
async def client(fake: FakeWhatsApp) -> AsyncIterator[WhatsAppClient]:
    async with WhatsAppClient(
        base_url=fake.base_url, phone_number_id=PHONE_NUMBER_ID, access_token=TOKEN
    ) as whatsapp:
        yield whatsapp


async def test_a_text_is_sent_and_its_wamid_returned(
    fake: FakeWhatsApp, client: WhatsAppClient
) -> None:
    fake.user_wrote(USER)
    wamid = await client.send_text(USER, "Halo")
    assert wamid.startswith("wamid.")
    (sent,) = fake.sent(USER)
    assert sent["messaging_product"] == "whatsapp" and sent["to"] == USER
    assert sent["text"] == {"body": "Halo", "preview_url": False}


async def test_a_user_known_only_by_business_scoped_id_is_sent_to_as_recipient(
    fake: FakeWhatsApp, client: WhatsAppClient
) -> None:
    assert recipient_fields("+6281234567890") == {"to": USER}
    assert recipient_fields(BSUID) == {"recipient": BSUID}
    fake.user_wrote(BSUID)
    await client.send_text(BSUID, "Halo")
    assert fake.sent(BSUID)[0]["recipient"] == BSUID


async def test_a_rendered_reply_and_its_files_go_out_in_order(
    fake: FakeWhatsApp, client: WhatsAppClient
) -> None:
    fake.user_wrote(USER)
    reply = Reply(
        parts=(Msg("Anda setuju data Anda dipakai untuk pendaftaran ini?"),),
        buttons=((Button(Msg("Setuju"), "consent:yes"), Button(Msg("Tidak"), "consent:no")),),
        files=(Attachment("qr-ev1.png", b"\x89PNG"),),
    )
    wamids = await client.send_rendered(USER, render_reply(reply, "id"))
    assert len(wamids) == 2
    interactive, image = fake.sent(USER)
    assert interactive["type"] == "interactive"
    media_id = image["image"]["id"]
    assert fake.media[media_id] == ("qr-ev1.png", "image/png", b"\x89PNG")
    assert "[ Setuju ]  [ Tidak ]" in fake.transcript(USER)


async def test_marking_as_read_acknowledges_an_answer(
    fake: FakeWhatsApp, client: WhatsAppClient
) -> None:
    await client.mark_read("wamid.IN7")
    await client.mark_read("wamid.IN8", typing=True)
    assert fake.reads == ["wamid.IN7", "wamid.IN8"]
    assert fake.requests[-1]["typing_indicator"] == {"type": "text"}


async def test_outside_the_window_the_refusal_asks_for_a_template(
    fake: FakeWhatsApp, client: WhatsAppClient, settings: Settings
) -> None:
    notice = Reply(
        parts=(
            Msg(
                "Maaf, pendaftaran {reference} ditolak. Alasan: {reason}",
                {"reference": "BPU-2026-000009", "reason": "NIK ganda"},
            ),
        )
    )
    with pytest.raises(WindowClosed) as closed:
        await client.send_rendered(USER, render_reply(notice, "id"))
    assert isinstance(closed.value, Undeliverable)  # unhandled, the outbox gives up cleanly
    assert "131047" in str(closed.value)
    template = notice_template(notice, "id", settings)
    assert template is not None
    await client.send(USER, template)
    assert "BPU-2026-000009 ditolak. Alasan: NIK ganda." in fake.transcript(USER)


@pytest.mark.parametrize("code", [130429, 131056, 80007, 4])
async def test_rate_limits_are_retried_after_metas_wait(
    fake: FakeWhatsApp, client: WhatsAppClient, code: int
) -> None:
    fake.user_wrote(USER)
    fake.rate_limit(code, retry_after=30)
    with pytest.raises(RetryLater) as later:
        await client.send_text(USER, "Halo")
    assert later.value.after == timedelta(seconds=30)
    await client.send_text(USER, "Halo")  # the next try goes through


async def test_a_rate_limit_without_a_wait_uses_the_outbox_backoff(
    fake: FakeWhatsApp, client: WhatsAppClient
) -> None:
    fake.user_wrote(USER)
    fake.rate_limit(130429)
    with pytest.raises(RetryLater) as later:
        await client.send_text(USER, "Halo")
    assert later.value.after is None


@pytest.mark.parametrize("status", [500, 502, 503])
async def test_server_errors_are_retried(
    fake: FakeWhatsApp, client: WhatsAppClient, status: int
) -> None:
    fake.user_wrote(USER)
    fake.server_error(status)
    with pytest.raises(RetryLater):
        await client.send_text(USER, "Halo")


@pytest.mark.parametrize(
    ("code", "wait"),
    [(190, SETUP_WAIT), (131031, SETUP_WAIT), (131048, SPAM_WAIT), (132015, PAUSED_WAIT)],
)
async def test_slow_retries_for_what_takes_time_to_clear(
    fake: FakeWhatsApp, client: WhatsAppClient, code: int, wait: timedelta
) -> None:
    fake.user_wrote(USER)
    fake.inject(code)
    with pytest.raises(RetryLater) as later:
        await client.send_text(USER, "Halo")
    assert later.value.after == wait


async def test_a_recipient_not_on_whatsapp_is_undeliverable(
    fake: FakeWhatsApp, client: WhatsAppClient
) -> None:
    fake.user_wrote(USER)
    fake.not_on_whatsapp(USER)
    with pytest.raises(Undeliverable) as gone:
        await client.send_text(USER, "Halo")
    assert not isinstance(gone.value, WindowClosed)
    assert "131026" in str(gone.value)


@pytest.mark.parametrize("code", [132000, 132001, 132005, 132007, 132012, 132016, 100, 131009])
async def test_template_and_request_errors_are_undeliverable(
    fake: FakeWhatsApp, client: WhatsAppClient, code: int
) -> None:
    fake.user_wrote(USER)
    fake.inject(code)
    with pytest.raises(Undeliverable):
        await client.send_text(USER, "Halo")


async def test_an_unknown_template_is_undeliverable_with_metas_reason(
    fake: FakeWhatsApp, client: WhatsAppClient
) -> None:
    template = {"type": "template", "template": {"name": "promo", "language": {"code": "id"}}}
    with pytest.raises(Undeliverable) as refused:
        await client.send(USER, template)
    assert "132001" in str(refused.value)


def test_the_fate_table() -> None:
    assert fate(131047) is Fate.TEMPLATE
    assert fate(None, 429) is Fate.RETRY and fate(None, 503) is Fate.RETRY
    assert fate(None, 400) is Fate.GIVE_UP and fate(132068, 400) is Fate.GIVE_UP  # a Flow state
    assert fate(131026, 400) is Fate.GIVE_UP


async def test_a_server_that_is_not_there_means_retry_later() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed again: nothing listens there
    async with WhatsAppClient(
        base_url=f"http://127.0.0.1:{port}/v26.0", phone_number_id="1", access_token=TOKEN
    ) as client:
        with pytest.raises(RetryLater, match="unreachable"):
            await client.send_text(USER, "Halo")


async def test_a_server_that_never_answers_times_out_into_retry_later() -> None:
    with socket.socket() as silent:  # accepts connections (the backlog) and never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)
        base = f"http://127.0.0.1:{silent.getsockname()[1]}/v26.0"
        async with WhatsAppClient(
            base_url=base, phone_number_id="1", access_token=TOKEN, timeout=httpx.Timeout(0.3)
        ) as client:
            with pytest.raises(RetryLater, match="timed out"):
                await client.send_text(USER, "Halo")


async def test_the_token_is_never_logged_nor_in_an_error(
    fake: FakeWhatsApp, client: WhatsAppClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    fake.user_wrote(USER)
    await client.send_text(USER, "Halo")
    fake.inject(131009)
    with pytest.raises(Undeliverable) as refused:
        await client.send_text(USER, "Halo")
    async with WhatsAppClient(
        base_url=fake.base_url, phone_number_id=PHONE_NUMBER_ID, access_token="wrong-" + TOKEN
    ) as stranger:
        with pytest.raises(RetryLater) as unauthorised:
            await stranger.send_text(USER, "Halo")
    assert "190" in str(unauthorised.value)
    assert caplog.records  # httpx and the client did log
    for text in (caplog.text, str(refused.value), str(unauthorised.value), repr(client)):
        assert TOKEN not in text


async def test_the_client_is_built_from_the_settings(fake: FakeWhatsApp) -> None:
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        whatsapp_api_base_url=fake.root_url,  # no version in the path: the fake takes both
        whatsapp_phone_number_id=PHONE_NUMBER_ID,
        whatsapp_access_token=TOKEN,  # type: ignore[arg-type]
    )
    fake.user_wrote(USER)
    async with WhatsAppClient.from_settings(settings) as client:
        assert (await client.send_text(USER, "Halo")).startswith("wamid.")
