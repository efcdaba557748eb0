"""The fake Cloud API itself: it refuses what Meta refuses, answers like Meta, posts like Meta."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest

from bot.flow.events import Press, SharedContact, Text
from handlers.whatsapp.inbound import InboundMessage, parse_notification
from handlers.whatsapp.templates import Notice
from handlers.whatsapp.webhook import Accepted, read_notification
from tests.system.fake_whatsapp import APP_SECRET, PHONE_NUMBER_ID, TOKEN, FakeWhatsApp

USER = "6281234567890"


@pytest.fixture
def fake() -> Iterator[FakeWhatsApp]:
    with FakeWhatsApp(templates={"bpu_pendaftaran_disetujui": Notice.APPROVED}) as whatsapp:
        yield whatsapp


def post(
    fake: FakeWhatsApp, body: dict[str, Any], token: str = TOKEN, url: str = ""
) -> httpx.Response:
    target = url or f"{fake.base_url}/{PHONE_NUMBER_ID}/messages"
    with httpx.Client(timeout=5, trust_env=False) as client:
        return client.post(target, json=body, headers={"Authorization": f"Bearer {token}"})


def text(body: str, to: str = USER) -> dict[str, Any]:
    return {"messaging_product": "whatsapp", "to": to, "type": "text", "text": {"body": body}}


def buttons(*titles: str, body: str = "Pilih") -> dict[str, Any]:
    replies = [
        {"type": "reply", "reply": {"id": f"b{i}", "title": t}} for i, t in enumerate(titles)
    ]
    return {
        "messaging_product": "whatsapp",
        "to": USER,
        "type": "interactive",
        "interactive": {"type": "button", "body": {"text": body}, "action": {"buttons": replies}},
    }


def listing(
    rows: int = 4,
    title: str = "Baris",
    description: str = "",
    button: str = "Pilih",
    section: str = "Pilihan",
    body: str = "Pilih",
) -> dict[str, Any]:
    built = [
        {
            "id": f"r{i}",
            "title": f"{title}{i}"[:100],
            **({"description": description} if description else {}),
        }
        for i in range(rows)
    ]
    return {
        "messaging_product": "whatsapp",
        "to": USER,
        "type": "interactive",
        "interactive": {
            "type": "list",
            "body": {"text": body},
            "action": {"button": button, "sections": [{"title": section, "rows": built}]},
        },
    }


def template(
    name: str = "bpu_pendaftaran_disetujui",
    params: tuple[str, ...] = ("BPU-2026-000001", "12345678901", "Rp8.400 per bulan"),
) -> dict[str, Any]:
    return {
        "messaging_product": "whatsapp",
        "to": USER,
        "type": "template",
        "template": {
            "name": name,
            "language": {"policy": "deterministic", "code": "id"},
            "components": [
                {"type": "body", "parameters": [{"type": "text", "text": p} for p in params]}
            ],
        },
    }


def error_code(response: httpx.Response) -> int:
    return int(response.json()["error"]["code"])


def test_a_text_in_the_window_is_accepted_and_answered_like_meta(fake: FakeWhatsApp) -> None:
    fake.user_wrote(USER)
    answer = post(fake, text("Halo *Sri*"))
    assert answer.status_code == 200
    body = answer.json()
    assert body["messaging_product"] == "whatsapp"
    assert body["contacts"] == [{"input": USER, "wa_id": USER}]
    assert body["messages"][0]["id"].startswith("wamid.")
    assert fake.transcript(USER) == "Halo *Sri*"


def test_the_path_may_carry_a_version_or_not(fake: FakeWhatsApp) -> None:
    fake.user_wrote(USER)
    assert (
        post(fake, text("a"), url=f"{fake.root_url}/{PHONE_NUMBER_ID}/messages").status_code == 200
    )
    assert (
        post(fake, text("b"), url=f"{fake.root_url}/v23.0/{PHONE_NUMBER_ID}/messages").status_code
        == 200
    )
    assert post(fake, text("c"), url=f"{fake.root_url}/x/{PHONE_NUMBER_ID}/y").status_code == 404


def test_a_wrong_token_or_phone_number_id_is_refused(fake: FakeWhatsApp) -> None:
    fake.user_wrote(USER)
    refused = post(fake, text("a"), token="stolen")
    assert (refused.status_code, error_code(refused)) == (401, 190)
    other = post(fake, text("a"), url=f"{fake.base_url}/999/messages")
    assert (other.status_code, error_code(other)) == (400, 100)


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        (buttons("A", "B", "C", "D"), 131009),  # four reply buttons
        (buttons(), 131009),  # none
        (buttons("x" * 21), 131009),  # a 21-character title
        (buttons("Ya", "ya"), 131009),  # titles must differ
        (buttons("Ya", body="x" * 1025), 131009),  # body over 1,024
        (buttons("Ya", body=""), 131009),
        (listing(rows=11), 131009),
        (listing(title="x" * 24), 131009),  # "x"*24 + row number: 25 characters
        (listing(description="x" * 73), 131009),
        (listing(button="x" * 21), 131009),
        (listing(section="x" * 25), 131009),
        (listing(body="x" * 4097), 131009),
        (text("x" * 4097), 131009),
        (text(""), 131009),
        (
            {"messaging_product": "whatsapp", "type": "text", "text": {"body": "a"}},
            131008,
        ),  # no to
        ({"messaging_product": "sms", "to": USER, "type": "text", "text": {"body": "a"}}, 100),
        ({"messaging_product": "whatsapp", "to": USER, "type": "sticker", "sticker": {}}, 131051),
    ],
)
def test_what_meta_refuses_is_refused(
    fake: FakeWhatsApp, payload: dict[str, Any], code: int
) -> None:
    fake.user_wrote(USER)
    answer = post(fake, payload)
    assert (answer.status_code, error_code(answer)) == (400, code)
    assert fake.sent(USER) == []


def test_limits_count_emoji_as_two_characters(fake: FakeWhatsApp) -> None:
    fake.user_wrote(USER)
    assert post(fake, buttons("📱" + "x" * 18)).status_code == 200  # 20 UTF-16 units
    assert post(fake, buttons("📱" + "x" * 19)).status_code == 400


def test_a_list_of_ten_rows_at_the_limits_is_accepted(fake: FakeWhatsApp) -> None:
    fake.user_wrote(USER)
    answer = post(
        fake,
        listing(rows=10, title="x" * 23, description="d" * 72, button="b" * 20, section="s" * 24),
    )
    assert answer.status_code == 200
    assert "[ ☰ bbbbbbbbbbbbbbbbbbbb ]" in fake.transcript(USER)


def test_free_form_messages_need_the_24_hour_window(fake: FakeWhatsApp) -> None:
    never = post(fake, text("a"))
    assert (never.status_code, error_code(never)) == (400, 131047)
    fake.user_wrote(USER, fake.clock() - timedelta(hours=25))
    closed = post(fake, text("a"))
    assert error_code(closed) == 131047
    fake.user_wrote(USER, fake.clock() - timedelta(hours=23))
    assert post(fake, text("a")).status_code == 200


def test_templates_go_out_of_the_window_if_approved_and_complete(fake: FakeWhatsApp) -> None:
    assert post(fake, template()).status_code == 200
    assert "disetujui" in fake.transcript(USER) and "12345678901" in fake.transcript(USER)
    assert error_code(post(fake, template(name="promo_lebaran"))) == 132001
    assert error_code(post(fake, template(params=("BPU-2026-000001",)))) == 132000
    assert error_code(post(fake, template(params=("BPU\n2026", "1", "x")))) == 131009


def test_injected_failures_come_first_then_pass(fake: FakeWhatsApp) -> None:
    fake.user_wrote(USER)
    fake.rate_limit(131056, times=2, retry_after=7)
    first = post(fake, text("a"))
    assert (first.status_code, error_code(first), first.headers["Retry-After"]) == (
        429,
        131056,
        "7",
    )
    assert error_code(post(fake, text("a"))) == 131056
    fake.server_error(502)
    assert post(fake, text("a")).status_code == 502
    assert post(fake, text("a")).status_code == 200


def test_a_user_not_on_whatsapp_is_refused_with_131026(fake: FakeWhatsApp) -> None:
    fake.user_wrote(USER)
    fake.not_on_whatsapp(USER)
    assert error_code(post(fake, text("a"))) == 131026


def test_marking_as_read_is_recorded(fake: FakeWhatsApp) -> None:
    answer = post(
        fake, {"messaging_product": "whatsapp", "status": "read", "message_id": "wamid.IN1"}
    )
    assert answer.json() == {"success": True}
    assert fake.reads == ["wamid.IN1"]


def test_media_uploads_are_kept(fake: FakeWhatsApp) -> None:
    with httpx.Client(timeout=5, trust_env=False) as client:
        answer = client.post(
            f"{fake.base_url}/{PHONE_NUMBER_ID}/media",
            data={"messaging_product": "whatsapp", "type": "image/png"},
            files={"file": ("qr.png", b"\x89PNG...", "image/png")},
            headers={"Authorization": f"Bearer {TOKEN}"},
        )
    media_id = answer.json()["id"]
    assert fake.media[media_id] == ("qr.png", "image/png", b"\x89PNG...")


# --- webhooks --------------------------------------------------------------------------------


class Receiver:
    """A webhook endpoint on 127.0.0.1 that checks and parses what it gets, as the bot will."""

    def __init__(self, secret: str) -> None:
        self.received: list[InboundMessage] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                checked = read_notification(raw, self.headers.get("X-Hub-Signature-256"), secret)
                if isinstance(checked, Accepted):
                    receiver.received.extend(parse_notification(checked.payload).messages)
                    status = 200
                else:
                    status = checked.status
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True
        )
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/whatsapp"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    endpoint = Receiver(APP_SECRET)
    yield endpoint
    endpoint.close()


def test_signed_webhooks_reach_the_endpoint_and_parse(
    fake: FakeWhatsApp, receiver: Receiver
) -> None:
    assert fake.post_text(receiver.url, USER, "Sri Wahyuni", name="Sri") == 200
    assert fake.post_button_reply(receiver.url, USER, "consent:yes", "Setuju") == 200
    assert fake.post_list_reply(receiver.url, USER, "occ:nelayan", "Nelayan") == 200
    assert fake.post_contacts(receiver.url, USER, "+62 812-3456-7890", USER) == 200
    assert fake.post_text(receiver.url, None, "halo", user_id="ID.1502576394655843") == 200
    events = [m.event for m in receiver.received]
    assert events == [
        Text("Sri Wahyuni"),
        Press("consent:yes"),
        Press("occ:nelayan"),
        SharedContact("+62 812-3456-7890", own=True),
        Text("halo"),
    ]
    assert receiver.received[0].sender.name == "Sri"
    assert receiver.received[-1].sender.key == "ID.1502576394655843"
    assert "> Sri Wahyuni" in fake.transcript(USER)


def test_a_webhook_signed_with_another_secret_is_refused(
    fake: FakeWhatsApp, receiver: Receiver
) -> None:
    payload = {"object": "whatsapp_business_account", "entry": []}
    assert fake.notify(receiver.url, payload, secret="not the app secret") == 403
    assert receiver.received == []


def test_posting_a_text_opens_the_window(fake: FakeWhatsApp, receiver: Receiver) -> None:
    assert error_code(post(fake, text("a"))) == 131047
    fake.post_text(receiver.url, USER, "halo")
    assert post(fake, text("a")).status_code == 200
