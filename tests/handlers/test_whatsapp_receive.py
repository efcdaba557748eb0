"""What the ``/whatsapp`` route answers to signed notifications, in-process (Starlette over
httpx's ASGI transport): 200 for every notification it has stored what it could read of (parts of
the wrong JSON type are skipped, never retried by Meta for ever), 400 for a body that is not a
notification, 503 only when the database cannot store it. SQLite: the answers do not depend on
the backend."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from hypothesis import given
from hypothesis import settings as examples
from hypothesis import strategies as st
from pydantic import SecretStr
from starlette.applications import Starlette

from bot.settings import Settings
from handlers.runtime import build_core
from handlers.whatsapp.channel import WhatsAppChannel, one_item_envelopes
from handlers.whatsapp.client import WhatsAppClient
from handlers.whatsapp.inbound import parse_notification
from handlers.whatsapp.templates import notices_by_name
from storage.backends import AnyRepository
from tests.conftest import moving_clock, query
from tests.system.fake_whatsapp import APP_SECRET, PHONE_NUMBER_ID, TOKEN, FakeWhatsApp

WA_ID = "6281234567890"
WABA = "whatsapp_business_account"


@pytest.fixture
def backend() -> str:
    return "sqlite"


@pytest.fixture
def cloud(settings: Settings) -> Iterator[FakeWhatsApp]:
    with FakeWhatsApp(templates=notices_by_name(settings)) as fake:
        yield fake


@dataclass
class Route:
    client: httpx.AsyncClient
    channel: WhatsAppChannel
    repo: AnyRepository

    async def post(self, payload: Any) -> httpx.Response:
        """``payload`` POSTed as JSON, signed with the app secret as Meta signs it."""
        body = json.dumps(payload).encode()
        digest = hmac.new(APP_SECRET.encode(), body, hashlib.sha256).hexdigest()
        headers = {"Content-Type": "application/json", "X-Hub-Signature-256": f"sha256={digest}"}
        return await self.client.post("/whatsapp", content=body, headers=headers)


@pytest.fixture
async def route(
    settings: Settings, repo: AnyRepository, cloud: FakeWhatsApp
) -> AsyncIterator[Route]:
    settings = settings.model_copy(update={"whatsapp_app_secret": SecretStr(APP_SECRET)})
    client = WhatsAppClient(
        base_url=cloud.base_url, phone_number_id=PHONE_NUMBER_ID, access_token=TOKEN
    )
    channel = WhatsAppChannel(build_core(settings, repo, moving_clock()), client)
    transport = httpx.ASGITransport(app=Starlette(routes=channel.routes()))
    async with httpx.AsyncClient(transport=transport, base_url="http://bot.test") as http:
        yield Route(http, channel, repo)
    await channel.stop()


def notification(value: Any) -> dict[str, Any]:
    return {
        "object": WABA,
        "entry": [{"id": "1", "changes": [{"field": "messages", "value": value}]}],
    }


def good_message(message_id: str = "wamid.GOOD") -> dict[str, Any]:
    return {
        "id": message_id,
        "from": WA_ID,
        "timestamp": "1767225600",
        "type": "text",
        "text": {"body": "halo"},
    }


CONTACTS = [{"wa_id": WA_ID, "profile": {"name": "Sri"}}]

# Signed, a WhatsApp Business Account notification, and nothing in it can ever be read.
UNREADABLE = {
    "messages a number": notification({"messages": 5}),
    "messages an object": notification({"messages": {"id": "wamid.X"}}),
    "messages items not objects": notification({"messages": [5, "x", None, []]}),
    "statuses a string": notification({"statuses": "failed"}),
    "statuses items not objects": notification({"statuses": ["failed", 1]}),
    "value null": notification(None),
    "value a list": notification([good_message()]),
    "changes a number": {"object": WABA, "entry": [{"id": "1", "changes": 5}]},
    "changes items not objects": {"object": WABA, "entry": [{"id": "1", "changes": [1, "x"]}]},
    "entry items not objects": {"object": WABA, "entry": [5, "x", None]},
    "a message without its fields": notification({"messages": [{"type": 5}]}),
    "contacts a number": notification({"contacts": 5, "messages": [{"id": 7, "from": []}]}),
}


@pytest.mark.parametrize("payload", UNREADABLE.values(), ids=UNREADABLE.keys())
async def test_a_signed_notification_that_will_never_parse_is_acknowledged(
    route: Route, payload: Any, settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="handlers.whatsapp.channel"):
        response = await route.post(payload)
    assert (response.status_code, response.text) == (200, "ok")
    assert query(settings, "SELECT count(*) FROM inbox") == [(0,)]
    assert "cannot be read: skipped" in caplog.text


@pytest.mark.parametrize(
    "payload",
    [
        {"object": WABA, "entry": {"id": "1", "changes": []}},
        {"object": WABA, "entry": "x"},
        {"object": "page", "entry": []},
        [notification({"messages": [good_message()]})],
    ],
    ids=["entry an object", "entry a string", "another object", "a list"],
)
async def test_a_body_that_is_not_a_notification_is_refused_with_400(
    route: Route, payload: Any, settings: Settings
) -> None:
    assert (await route.post(payload)).status_code == 400
    assert query(settings, "SELECT count(*) FROM inbox") == [(0,)]


async def test_the_readable_messages_beside_unreadable_parts_are_stored(
    route: Route, settings: Settings
) -> None:
    payload = notification(
        {"contacts": CONTACTS, "messages": [5, good_message(), {"id": None}], "statuses": "x"}
    )
    payload["entry"].append(7)
    assert (await route.post(payload)).status_code == 200
    assert query(settings, "SELECT update_key FROM inbox") == [("wamid.GOOD",)]


async def test_a_notification_that_cannot_be_stored_is_answered_503(
    route: Route, caplog: pytest.LogCaptureFixture
) -> None:
    """The database is down: Meta is asked to post it again (it retries what gets no 200)."""
    await route.repo.close()
    with caplog.at_level(logging.ERROR, logger="handlers.whatsapp.channel"):
        response = await route.post(
            notification({"contacts": CONTACTS, "messages": [good_message()]})
        )
    assert response.status_code == 503
    assert "could not store a WhatsApp notification" in caplog.text
    # With nothing to store, nothing needs the database: still acknowledged.
    assert (await route.post(notification({"messages": 5}))).status_code == 200


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(
            st.sampled_from(["entry", "changes", "value", "messages", "statuses", "id", "type"]),
            inner,
            max_size=4,
        )
    ),
    max_leaves=20,
)


@examples(max_examples=200, deadline=None)
@given(entry=JSON, value=JSON)
def test_reading_a_notification_never_raises_whatever_its_json(entry: Any, value: Any) -> None:
    """What the route reads before storing: any JSON where Meta's shape has objects and lists."""
    for payload in (
        {"object": WABA, "entry": entry},
        {"object": WABA, "entry": [{"changes": [{"value": value}]}]},
        {"object": WABA, "entry": [{"changes": value}]},
    ):
        envelopes, _ = one_item_envelopes(payload)
        for envelope in envelopes:
            parse_notification(envelope)
