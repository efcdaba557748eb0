"""The webhook's gatekeeping, as pure functions over bytes and query parameters.

No web framework here: the lead mounts these on the Starlette server at ``/whatsapp``.

- ``GET /whatsapp``: Meta's verification handshake (``hub.mode=subscribe``,
  ``hub.verify_token``, ``hub.challenge``): answer the challenge when the token matches, else 403
  (Meta, "Webhooks: Verification Requests").
- ``POST /whatsapp``: ``X-Hub-Signature-256: sha256=<hex>`` is the HMAC-SHA256 of the *raw* body
  with the app secret (Meta, "Webhooks: Event Notifications, Validate Payloads"). Checked before
  the body is parsed, so nothing unauthenticated is ever decoded. Then a size limit (413), JSON
  that decodes to Meta's envelope and is not absurdly nested (else 400, never a 500).

An accepted notification comes back with its raw bytes, to be stored before it is acknowledged
(the durable inbox); ``handlers.whatsapp.inbound.parse_notification`` reads it later.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

SIGNATURE_HEADER = "X-Hub-Signature-256"
MAX_BODY_BYTES = 5 * 1024 * 1024
# Meta's notifications nest about ten levels (entry → changes → value → messages → interactive
# → button_reply); anything much deeper is not from Meta and is refused before it reaches code
# that walks it.
MAX_DEPTH = 32
MAX_CHALLENGE = 256  # Meta's challenges are short numbers; we echo nothing long


@dataclass(frozen=True)
class HttpAnswer:
    """An HTTP answer for the caller to send: its status and a short plain-text body."""

    status: int
    text: str


@dataclass(frozen=True)
class Accepted:
    """A signed, well-formed notification: the raw body (to store) and its decoded JSON."""

    raw: bytes
    payload: dict[str, Any]


def verify_subscription(params: Mapping[str, str], verify_token: str) -> HttpAnswer:
    """The answer to Meta's GET handshake: 200 with the challenge, or 403.

    The token is compared in constant time; an empty configured token never matches.
    """
    mode = params.get("hub.mode", "")
    token = params.get("hub.verify_token", "")
    challenge = params.get("hub.challenge", "")
    matches = bool(verify_token) and hmac.compare_digest(
        token.encode("utf-8"), verify_token.encode("utf-8")
    )
    if mode == "subscribe" and matches and challenge and len(challenge) <= MAX_CHALLENGE:
        return HttpAnswer(200, challenge)  # served as text/plain by the caller
    return HttpAnswer(403, "forbidden")


def signature_matches(body: bytes, header: str | None, app_secret: str) -> bool:
    """Whether ``header`` is ``sha256=`` + the HMAC-SHA256 of ``body`` keyed with the secret."""
    if not header or not app_secret:
        return False
    digest = hmac.new(app_secret.encode("utf-8"), body, hashlib.sha256).hexdigest()
    expected = f"sha256={digest}".encode("ascii")
    return hmac.compare_digest(expected, header.strip().encode("utf-8"))


def too_large(content_length: str | None) -> bool:
    """Whether a declared Content-Length is over the limit (check before reading the body)."""
    if content_length is None:
        return False
    try:
        return int(content_length) > MAX_BODY_BYTES
    except ValueError:
        return True


def read_notification(
    body: bytes, signature: str | None, app_secret: str
) -> Accepted | HttpAnswer:
    """Check one POSTed notification: size, signature, then JSON shape."""
    if len(body) > MAX_BODY_BYTES:
        return HttpAnswer(413, "too large")
    if not signature_matches(body, signature, app_secret):
        return HttpAnswer(403, "bad signature")
    try:
        payload = json.loads(body)
    except (ValueError, RecursionError):  # RecursionError: nesting deeper than the decoder goes
        return HttpAnswer(400, "not JSON")
    if depth(payload) > MAX_DEPTH:
        return HttpAnswer(400, "nested too deeply")
    if not (
        isinstance(payload, dict)
        and payload.get("object") == "whatsapp_business_account"
        and isinstance(payload.get("entry"), list)
    ):
        return HttpAnswer(400, "not a WhatsApp Business Account notification")
    return Accepted(body, payload)


def depth(value: Any) -> int:
    """How deeply lists and objects nest in decoded JSON (a scalar is 0), without recursion."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict):
            children: Any = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        level += 1
        deepest = max(deepest, level)
        if level > MAX_DEPTH:  # no need to walk further: it is refused anyway
            return level
        stack.extend((child, level) for child in children)
    return deepest
