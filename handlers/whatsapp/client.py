"""A small async client for the Cloud API's messages and media endpoints, on httpx.

``POST <base>/<phone number id>/messages`` sends text, interactive and template messages and
marks a received message as read; ``POST <base>/<phone number id>/media`` uploads a file to send
by id (Meta, "Messages API" and "Media" references). A refusal raises what handlers.outbox
understands (``RetryLater``, ``Undeliverable``) or ``WindowClosed`` (an ``Undeliverable``: re-send
as a template), through handlers.whatsapp.errors.

The access token travels only in the Authorization header: never in a URL, an exception or a
log line. Every request has a bounded timeout.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from types import TracebackType
from typing import Any

import httpx

from bot.masking import redact
from bot.settings import Settings
from handlers.outbox import RetryLater
from handlers.whatsapp.errors import CloudApiError, outbox_error
from handlers.whatsapp.pacing import Pacer
from handlers.whatsapp.render import Payload, Rendered, media_message, mime_type

log = logging.getLogger(__name__)

TIMEOUT = httpx.Timeout(15.0, connect=5.0)


def recipient_fields(user: str) -> dict[str, str]:
    """Whom to send to: a phone number (digits) as ``to``, a business-scoped id as ``recipient``.

    Meta accepts either since the BSUID rollout; with a phone we use ``to``, which every
    account supports.
    """
    digits = user.removeprefix("+")
    return {"to": digits} if digits.isdigit() else {"recipient": user}


class WhatsAppClient:
    """Sends to WhatsApp users through one business phone number."""

    def __init__(
        self,
        *,
        base_url: str,
        phone_number_id: str,
        access_token: str,
        timeout: httpx.Timeout = TIMEOUT,
        transport: httpx.AsyncBaseTransport | None = None,
        pacer: Pacer | None = None,
    ) -> None:
        self.pacer = pacer  # None: no pacing (a test's client)
        self._http = httpx.AsyncClient(
            base_url=f"{base_url.rstrip('/')}/{phone_number_id}",
            headers={"Authorization": f"Bearer {access_token}"},
            timeout=timeout,
            transport=transport,
        )

    @classmethod
    def from_settings(cls, settings: Settings, **kwargs: Any) -> WhatsAppClient:
        """A client for the configured number (WHATSAPP_* settings)."""
        token = settings.whatsapp_access_token
        kwargs.setdefault(
            "pacer",
            Pacer(settings.whatsapp_messages_per_second, settings.whatsapp_pair_seconds),
        )
        return cls(
            base_url=settings.whatsapp_api_base_url,
            phone_number_id=settings.whatsapp_phone_number_id,
            access_token=token.get_secret_value() if token is not None else "",
            **kwargs,
        )

    async def __aenter__(self) -> WhatsAppClient:
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self._http.aclose()

    # --- sending ---------------------------------------------------------------------------

    async def send(self, user: str, message: Payload) -> str:
        """Send one message object (as handlers.whatsapp.render builds them); its wamid."""
        body = {"messaging_product": "whatsapp", "recipient_type": "individual"}
        if self.pacer is not None:
            await self.pacer.slot()
            self.pacer.sent(user)
        answer = await self._post("/messages", json={**body, **recipient_fields(user), **message})
        messages = answer.get("messages")
        if isinstance(messages, list) and messages and isinstance(messages[0], dict):
            return str(messages[0].get("id", ""))
        return ""

    async def send_text(self, user: str, text: str) -> str:
        """A plain text message (≤ 4,096 characters: split longer ones with render.split_text)."""
        return await self.send(
            user, {"type": "text", "text": {"body": text, "preview_url": False}}
        )

    async def send_rendered(self, user: str, rendered: Rendered) -> list[str]:
        """A rendered reply: its messages in order, then its files (uploaded, sent by id)."""
        sent = [await self.send(user, message) for message in rendered.messages]
        for attachment in rendered.files:
            media_id = await self.upload_media(
                attachment.filename, attachment.data, mime_type(attachment)
            )
            sent.append(await self.send(user, media_message(media_id, attachment)))
        return sent

    async def mark_read(self, message_id: str, *, typing: bool = False) -> None:
        """Mark a worker's message as read (two blue ticks): our acknowledgement of an answer.

        With ``typing`` WhatsApp also shows "typing…" until we answer (at most 25 s).
        """
        body: Payload = {
            "messaging_product": "whatsapp",
            "status": "read",
            "message_id": message_id,
        }
        if typing:
            body["typing_indicator"] = {"type": "text"}
        await self._post("/messages", json=body)

    async def upload_media(self, filename: str, data: bytes, mime: str) -> str:
        """Upload a file (kept by Meta for 30 days); the media id to send it with."""
        answer = await self._post(
            "/media",
            data={"messaging_product": "whatsapp", "type": mime},
            files={"file": (filename, data, mime)},
        )
        return str(answer.get("id", ""))

    # --- the one request ------------------------------------------------------------------

    async def _post(self, path: str, **kwargs: Any) -> dict[str, Any]:
        try:
            response = await self._http.post(path, **kwargs)
        except httpx.TimeoutException as error:
            raise RetryLater(f"WhatsApp timed out ({type(error).__name__})") from None
        except httpx.TransportError as error:
            raise RetryLater(f"WhatsApp unreachable ({type(error).__name__})") from None
        try:
            answer = response.json()
        except ValueError:
            answer = None
        if response.is_success and isinstance(answer, dict):
            return answer
        raise _refusal(response, answer) from None


def _refusal(response: httpx.Response, answer: Any) -> Exception:
    """The outbox's exception for an error response (Graph API shape: ``{"error": {...}}``)."""
    error = _object(answer.get("error") if isinstance(answer, dict) else None)
    data = _object(error.get("error_data"))
    code = error.get("code")
    # "details" says most about the cause (Meta); the message repeats the code's title.
    title = str(data.get("details") or error.get("message") or f"HTTP {response.status_code}")
    refused = CloudApiError(
        code if isinstance(code, int) else None, redact(title), response.status_code
    )
    log.warning("WhatsApp refused a request: %s (HTTP %s)", refused, response.status_code)
    return outbox_error(refused, _retry_after(response))


def _retry_after(response: httpx.Response) -> timedelta | None:
    value = response.headers.get("Retry-After")
    if value is None or not value.isdigit():
        return None
    return timedelta(seconds=min(int(value), 3600))


def _object(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}
