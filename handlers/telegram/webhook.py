"""Webhook mode: Telegram POSTs updates to a route of the bot's HTTP server (handlers/server.py).

PTB's "custom webhook" pattern: we own the HTTP server. Each accepted update is stored in the
inbox before the 200 goes back (so Telegram, told it arrived, never loses it), then applied by
the inbox pump like a polled one.

Requests without Telegram's secret header are refused before their body is read, so only
Telegram (which learnt the secret from ``setWebhook``) can make the bot do anything.
"""

from __future__ import annotations

import hmac
import json
import logging
import re
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bot.settings import Settings
from handlers.server import http_app, read_limited
from handlers.telegram.app import PTBApplication, services_of
from handlers.telegram.parse import Received, received
from handlers.telegram.receive import store

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
DEFAULT_PATH = "/telegram"
# Telegram's updates are a few KB; anything much larger is not one.
MAX_BODY_BYTES = 1_000_000
# What Telegram accepts as secret_token (Bot API, setWebhook).
_SECRET_FORM = re.compile(r"[A-Za-z0-9_-]{1,256}")


def secret_problem(settings: Settings) -> str | None:
    """Why WEBHOOK_SECRET cannot protect a webhook, or None when it can."""
    secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else ""
    if not secret:
        return (
            "WEBHOOK_SECRET is not set: a webhook without it would accept updates from anyone. "
            "Set it to 1-256 characters of A-Z, a-z, 0-9, _ and - (for example the output of "
            "`python -c 'import secrets; print(secrets.token_urlsafe(32))'`)."
        )
    if not _SECRET_FORM.fullmatch(secret):
        return (
            "WEBHOOK_SECRET may only hold 1-256 characters of A-Z, a-z, 0-9, _ and - "
            "(Telegram refuses any other secret token)."
        )
    return None


def webhook_target(settings: Settings) -> tuple[str, str]:
    """The URL to register with Telegram and the path this server receives it on.

    The path is WEBHOOK_URL's own path; a URL without one gets ``/telegram`` appended, so the
    registered URL and the served path always agree.
    """
    parts = urlsplit(settings.webhook_url)
    if parts.path in ("", "/"):
        return urlunsplit(parts._replace(path=DEFAULT_PATH)), DEFAULT_PATH
    return settings.webhook_url, parts.path


def update_route(application: PTBApplication, settings: Settings) -> Route:
    """``POST <path>``: an update from Telegram, stored in the inbox before the 200."""
    secret = (
        settings.webhook_secret.get_secret_value() if settings.webhook_secret else ""
    ).encode()
    services = services_of(application)

    async def receive_update(request: Request) -> Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        # Constant time, so the secret cannot be guessed byte by byte from response times.
        if not secret or not hmac.compare_digest(given, secret):
            return Response(status_code=403)
        body = await read_limited(request, MAX_BODY_BYTES)
        if body is None:
            return Response(status_code=413)
        parsed = parse_update(body)
        if parsed is None:
            return Response(status_code=400)
        raw, update = parsed
        try:
            await store(services.pump, [raw], [update])
        except Exception:  # not stored: Telegram must try again, so it must not hear 200
            log.exception("could not store an update")
            return Response(status_code=503)
        return Response(status_code=200)

    _, path = webhook_target(settings)
    return Route(path, receive_update, methods=["POST"])


def webhook_app(application: PTBApplication, settings: Settings) -> Starlette:
    """Telegram's route and the health check alone (what ``run`` serves for Telegram)."""
    return http_app([update_route(application, settings)], services_of(application).repo)


def parse_update(body: bytes) -> tuple[dict[str, Any], Received] | None:
    """The update in a webhook body, as Telegram's JSON and as what the bot reads of it (read
    once, here); None for anything else (never an exception)."""
    try:
        data = json.loads(body)
        if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
            return None
        update = received(data)
    except (ValueError, TypeError, KeyError, AttributeError, RecursionError):
        # RecursionError: deeply nested JSON, which json.loads refuses that way.
        return None
    return data, update
