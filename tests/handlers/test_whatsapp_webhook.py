"""The WhatsApp webhook's checks (handshake, signature, size, shape) and the notification parser.

Payloads are shaped like the examples of Meta's webhook reference (messages: text, interactive,
button, contacts, status) and of its business-scoped user ID page (contacts with ``user_id``,
and without ``wa_id`` for a user with a username).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC, datetime
from typing import Any

import pytest

from bot.flow.events import Command, Press, SharedContact, Text, Unsupported
from handlers.whatsapp.inbound import Sender, parse_notification, start_link, text_event
from handlers.whatsapp.webhook import (
    MAX_BODY_BYTES,
    Accepted,
    HttpAnswer,
    depth,
    read_notification,
    signature_matches,
    too_large,
    verify_subscription,
)

SECRET = "app-secret-for-tests"
WA_ID = "6281234567890"
BSUID = "ID.1502576394655843"
TIMESTAMP = "1795834800"  # 2026-11-28 03:00 UTC


def sign(body: bytes, secret: str = SECRET) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def notification(
    *messages: dict[str, Any],
    contacts: list[dict[str, Any]] | None = None,
    statuses: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """Meta's envelope around one change of the ``messages`` field."""
    value: dict[str, Any] = {
        "messaging_product": "whatsapp",
        "metadata": {
            "display_phone_number": "6281100001111",
            "phone_number_id": "106540352242922",
        },
    }
    if contacts is not None:
        value["contacts"] = contacts
    if messages:
        value["messages"] = list(messages)
    if statuses is not None:
        value["statuses"] = statuses
    return {
        "object": "whatsapp_business_account",
        "entry": [{"id": "102290129340398", "changes": [{"value": value, "field": "messages"}]}],
    }


def contact(
    wa_id: str | None = WA_ID, user_id: str | None = None, **profile: str
) -> dict[str, Any]:
    built: dict[str, Any] = {"profile": {"name": "Sri Wahyuni", **profile}}
    if wa_id is not None:
        built["wa_id"] = wa_id
    if user_id is not None:
        built["user_id"] = user_id
    return built


def message(kind: str, body: Any, **extra: Any) -> dict[str, Any]:
    return {
        "from": WA_ID,
        "id": "wamid.A1",
        "timestamp": TIMESTAMP,
        "type": kind,
        kind: body,
        **extra,
    }


# --- the handshake ----------------------------------------------------------------------------


def test_the_handshake_echoes_the_challenge_for_the_right_token() -> None:
    params = {"hub.mode": "subscribe", "hub.verify_token": "s3cret", "hub.challenge": "1158201444"}
    assert verify_subscription(params, "s3cret") == HttpAnswer(200, "1158201444")


@pytest.mark.parametrize(
    ("params", "configured"),
    [
        ({"hub.mode": "subscribe", "hub.verify_token": "wrong", "hub.challenge": "1"}, "s3cret"),
        (
            {"hub.mode": "unsubscribe", "hub.verify_token": "s3cret", "hub.challenge": "1"},
            "s3cret",
        ),
        ({"hub.mode": "subscribe", "hub.challenge": "1"}, "s3cret"),
        ({"hub.mode": "subscribe", "hub.verify_token": "s3cret"}, "s3cret"),
        ({"hub.mode": "subscribe", "hub.verify_token": "", "hub.challenge": "1"}, ""),
        (
            {"hub.mode": "subscribe", "hub.verify_token": "s3cret", "hub.challenge": "9" * 300},
            "s3cret",
        ),
    ],
)
def test_the_handshake_is_refused_otherwise(params: dict[str, str], configured: str) -> None:
    assert verify_subscription(params, configured).status == 403


# --- the signature, the size, the shape --------------------------------------------------------


def test_a_signed_notification_is_accepted_with_its_raw_bytes() -> None:
    body = json.dumps(
        notification(message("text", {"body": "halo"}), contacts=[contact()])
    ).encode()
    accepted = read_notification(body, sign(body), SECRET)
    assert isinstance(accepted, Accepted)
    assert accepted.raw == body
    assert accepted.payload["entry"][0]["id"] == "102290129340398"


@pytest.mark.parametrize(
    "header",
    [
        None,
        "",
        "sha256=",
        "sha1=abc",
        sign(b"other body"),
        sign(b"{}", "other secret"),
        "sha256=zz",
    ],
)
def test_a_missing_or_wrong_signature_is_refused(header: str | None) -> None:
    body = b'{"object": "whatsapp_business_account", "entry": []}'
    assert read_notification(body, header, SECRET) == HttpAnswer(403, "bad signature")


def test_no_signature_matches_when_no_app_secret_is_configured() -> None:
    body = b"{}"
    assert not signature_matches(body, sign(body, ""), "")


def test_a_signature_with_odd_characters_is_refused_not_an_error() -> None:
    assert not signature_matches(b"{}", "sha256=ünïcode", SECRET)


def test_a_body_over_five_megabytes_is_refused_with_413() -> None:
    body = b" " * (MAX_BODY_BYTES + 1)
    assert read_notification(body, sign(body), SECRET).status == 413  # type: ignore[union-attr]
    assert too_large(str(MAX_BODY_BYTES + 1))
    assert not too_large(str(MAX_BODY_BYTES))
    assert not too_large(None)
    assert too_large("not a number")


@pytest.mark.parametrize("levels", [40, 100_000])
def test_deeply_nested_json_is_refused_with_400_never_an_error(levels: int) -> None:
    body = ("[" * levels + "]" * levels).encode()
    answer = read_notification(body, sign(body), SECRET)
    assert isinstance(answer, HttpAnswer) and answer.status == 400


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"[]",
        b'{"object": "page", "entry": []}',
        b'{"object": "whatsapp_business_account"}',
    ],
)
def test_other_bodies_are_refused_with_400(body: bytes) -> None:
    answer = read_notification(body, sign(body), SECRET)
    assert isinstance(answer, HttpAnswer) and answer.status == 400


def test_depth_counts_nesting_without_recursion() -> None:
    assert depth(1) == 0
    assert depth({"a": [1, {"b": []}]}) == 4
    nested: Any = []
    for _ in range(5000):
        nested = [nested]
    assert depth(nested) > 32


# --- parsing ------------------------------------------------------------------------------------


def test_a_text_message_becomes_text_with_its_sender_and_time() -> None:
    payload = notification(message("text", {"body": "Sri Wahyuni"}), contacts=[contact()])
    (parsed,) = parse_notification(payload).messages
    assert parsed.message_id == "wamid.A1"
    assert parsed.event == Text("Sri Wahyuni")
    assert parsed.sent_at == datetime(2026, 11, 28, 3, 0, tzinfo=UTC)
    assert parsed.sender == Sender(user_id=None, wa_id=WA_ID, name="Sri Wahyuni")
    assert parsed.sender.key == WA_ID  # contacts[] without user_id: keyed by the phone
    assert parsed.sender.phone == "+6281234567890"


def test_a_payload_with_a_business_scoped_id_is_keyed_by_it() -> None:
    payload = notification(
        message("text", {"body": "halo"}, from_user_id=BSUID),
        contacts=[{**contact(user_id=BSUID), "parent_user_id": "ID.ENT.1181579921288684"}],
    )
    sender = parse_notification(payload).messages[0].sender
    assert sender.key == BSUID
    assert sender.wa_id == WA_ID
    assert sender.parent_user_id == "ID.ENT.1181579921288684"


def test_a_user_with_a_username_arrives_without_a_phone() -> None:
    """BSUID page: wa_id and from are omitted when a user with a username hides the number."""
    raw = {"from_user_id": BSUID, "id": "wamid.B2", "timestamp": TIMESTAMP, "type": "text"}
    payload = notification(
        {**raw, "text": {"body": "DAFTAR"}},
        contacts=[contact(wa_id=None, user_id=BSUID, username="@sriwahyuni")],
    )
    (parsed,) = parse_notification(payload).messages
    assert parsed.sender.key == BSUID
    assert parsed.sender.phone is None
    assert parsed.sender.username == "@sriwahyuni"
    assert parsed.event == Command("start", "")


def test_button_and_list_replies_become_presses() -> None:
    button = message(
        "interactive",
        {"type": "button_reply", "button_reply": {"id": "consent:yes", "title": "Setuju"}},
        context={"from": "6281100001111", "id": "wamid.OURS"},
    )
    listed = {
        **message(
            "interactive",
            {"type": "list_reply", "list_reply": {"id": "occ:nelayan", "title": "Nelayan"}},
        ),
        "id": "wamid.A2",
    }
    parsed = parse_notification(notification(button, listed, contacts=[contact()])).messages
    assert [m.event for m in parsed] == [Press("consent:yes"), Press("occ:nelayan")]
    assert parsed[0].reply_to == "wamid.OURS"


def test_template_quick_replies_become_a_press_or_a_command() -> None:
    fix = message("button", {"payload": "fix:BPU-2026-000123", "text": "Perbaiki sekarang"})
    resume = {**message("button", {"payload": "cmd:start", "text": "Lanjutkan"}), "id": "wamid.A3"}
    parsed = parse_notification(notification(fix, resume, contacts=[contact()])).messages
    assert [m.event for m in parsed] == [Press("fix:BPU-2026-000123"), Command("start")]


def test_a_shared_contact_is_own_only_when_it_is_the_senders_number() -> None:
    own = message(
        "contacts",
        [
            {
                "name": {"formatted_name": "Sri"},
                "phones": [{"phone": "+62 812-3456-7890", "wa_id": WA_ID, "type": "CELL"}],
            }
        ],
    )
    other = {
        **message(
            "contacts",
            [
                {
                    "name": {"formatted_name": "Budi"},
                    "phones": [{"phone": "+62 813-1111-2222", "wa_id": "6281311112222"}],
                }
            ],
        ),
        "id": "wamid.A4",
    }
    parsed = parse_notification(notification(own, other, contacts=[contact()])).messages
    assert parsed[0].event == SharedContact("+62 812-3456-7890", own=True)
    assert parsed[1].event == SharedContact("+62 813-1111-2222", own=False)


@pytest.mark.parametrize(
    ("kind", "body", "expected"),
    [
        ("image", {"id": "1", "mime_type": "image/jpeg"}, Unsupported("image")),
        ("audio", {"id": "2", "voice": True}, Unsupported("audio")),
        ("sticker", {"id": "3"}, Unsupported("sticker")),
        ("location", {"latitude": -7.8, "longitude": 110.1}, Unsupported("location")),
        ("reaction", {"message_id": "wamid.X", "emoji": "👍"}, Unsupported("reaction")),
        ("edit", {"original_message_id": "wamid.X"}, Unsupported("edited")),
        ("contacts", [{"name": {"formatted_name": "No phone"}}], Unsupported("contacts")),
        ("interactive", {"type": "nfm_reply", "nfm_reply": {}}, Unsupported("interactive")),
    ],
)
def test_anything_else_is_unsupported(kind: str, body: Any, expected: Unsupported) -> None:
    payload = notification(message(kind, body), contacts=[contact()])
    assert parse_notification(payload).messages[0].event == expected


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("/status", Command("status")),
        ("/bahasa en", Command("bahasa", "en")),
        ("DAFTAR", Command("start")),
        ("daftar ev_KP2026", Command("start", "ev_KP2026")),
        ("Daftar sekarang juga", Text("Daftar sekarang juga")),
        ("12", Text("12")),  # a numbered choice: resolved by the adapter (render.Choices)
        ("  ", Unsupported("empty")),
    ],
)
def test_typed_texts(typed: str, expected: object) -> None:
    assert text_event(typed) == expected


def test_statuses_are_read_with_their_error_codes() -> None:
    payload = notification(
        statuses=[
            {
                "id": "wamid.S1",
                "status": "delivered",
                "timestamp": TIMESTAMP,
                "recipient_id": WA_ID,
            },
            {
                "id": "wamid.S2",
                "status": "failed",
                "timestamp": TIMESTAMP,
                "recipient_id": WA_ID,
                "errors": [{"code": 131026, "title": "Message undeliverable"}],
            },
            {
                "id": "wamid.S3",
                "status": "read",
                "timestamp": TIMESTAMP,
                "recipient_user_id": BSUID,
            },
        ]
    )
    delivered, failed, read = parse_notification(payload).statuses
    assert (delivered.status, delivered.error_code, delivered.recipient) == (
        "delivered",
        None,
        WA_ID,
    )
    assert (failed.status, failed.error_code, failed.error_title) == (
        "failed",
        131026,
        "Message undeliverable",
    )
    assert read.recipient == BSUID


@pytest.mark.parametrize(
    "payload",
    [
        None,
        [],
        {"object": "whatsapp_business_account", "entry": "x"},
        {"entry": [{"changes": [{"value": {"messages": [1, "x", {"id": "wamid.X"}]}}]}]},
        {
            "entry": [
                {
                    "changes": [
                        {"value": {"messages": [{"id": "w", "timestamp": "x", "from": "1"}]}}
                    ]
                }
            ]
        },
        {"entry": [{"changes": [{"value": {"statuses": [{"id": "w"}, None]}}]}]},
    ],
)
def test_malformed_parts_are_skipped_never_raised(payload: Any) -> None:
    parsed = parse_notification(payload)
    assert parsed.messages == () and parsed.statuses == ()


def test_skipped_parts_are_counted() -> None:
    payload = notification(
        message("text", {"body": "ok"}),
        {"id": "wamid.bad"},  # no timestamp, no sender
        contacts=[contact()],
        statuses=[{"status": "sent"}],
    )
    parsed = parse_notification(payload)
    assert len(parsed.messages) == 1 and parsed.skipped == 2


def test_an_events_wa_me_link_types_daftar_and_its_code() -> None:
    link = start_link("6281100001111", "ev_KP2026")
    assert link == "https://wa.me/6281100001111?text=DAFTAR%20ev_KP2026"
    assert start_link("6281100001111") == "https://wa.me/6281100001111?text=DAFTAR"
    typed = link.split("text=", 1)[1].replace("%20", " ")
    assert text_event(typed) == Command("start", "ev_KP2026")
