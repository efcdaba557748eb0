"""Webhook mode: Telegram POSTs updates to a small ASGI app (Starlette) served by uvicorn.

PTB's "custom webhook" pattern: this module owns the HTTP server. Each accepted update is
stored in the inbox before the 200 goes back (so Telegram, told it arrived, never loses it), then
applied by the inbox pump like a polled one. The same server answers ``GET /healthz``.

Requests without Telegram's secret header are refused before their body is read, so only
Telegram (which learnt the secret from ``setWebhook``) can make the bot do anything.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import re
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from telegram import Update

from bot.settings import Settings
from handlers.telegram.app import PTBApplication, running, services_of
from handlers.telegram.receive import ALLOWED_UPDATES, store

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
DEFAULT_PATH = "/telegram"
HEALTH_PATH = "/healthz"
# Telegram's updates are a few KB; anything much larger is not one.
MAX_BODY_BYTES = 1_000_000
# A health check that hangs is as bad as one that fails: the balancer should hear back quickly.
HEALTH_TIMEOUT_SECONDS = 3.0
# Open connections get this long to finish at shutdown; then they are dropped.
GRACEFUL_SHUTDOWN_SECONDS = 10
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


def webhook_app(application: PTBApplication, settings: Settings) -> Starlette:
    """The ASGI app: ``POST <path>`` for Telegram's updates, ``GET /healthz`` for monitoring."""
    secret = (
        settings.webhook_secret.get_secret_value() if settings.webhook_secret else ""
    ).encode()
    services = services_of(application)
    repo = services.repo

    async def receive_update(request: Request) -> Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        # Constant time, so the secret cannot be guessed byte by byte from response times.
        if not secret or not hmac.compare_digest(given, secret):
            return Response(status_code=403)
        body = await read_limited(request, MAX_BODY_BYTES)
        if body is None:
            return Response(status_code=413)
        raw = parse_update(body)
        if raw is None:
            return Response(status_code=400)
        try:
            await store(services.pump, application.bot, [raw])
        except Exception:  # not stored: Telegram must try again, so it must not hear 200
            log.exception("could not store an update")
            return Response(status_code=503)
        return Response(status_code=200)

    async def health(request: Request) -> Response:
        try:
            backlog = await asyncio.wait_for(repo.outbox_backlog(), HEALTH_TIMEOUT_SECONDS)
            unapplied = await asyncio.wait_for(repo.inbox_pending(), HEALTH_TIMEOUT_SECONDS)
        except Exception:  # any failure at all means: do not send traffic here
            log.warning("health check: the database does not answer", exc_info=True)
            return JSONResponse({"database": "unavailable"}, status_code=503)
        return JSONResponse(
            {"database": "ok", "outbox_pending": backlog, "inbox_unapplied": unapplied}
        )

    _, path = webhook_target(settings)
    return Starlette(
        routes=[
            Route(path, receive_update, methods=["POST"]),
            Route(HEALTH_PATH, health, methods=["GET"]),
        ]
    )


async def read_limited(request: Request, limit: int) -> bytes | None:
    """The request's body, or None when it is larger than ``limit`` bytes."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        return None
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            return None
    return body


def parse_update(body: bytes) -> dict[str, Any] | None:
    """The update in a webhook body, checked to parse as an Update; None for anything else
    (never an exception)."""
    try:
        data = json.loads(body)
        if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
            return None
        Update.de_json(data, None)
    except (ValueError, TypeError, KeyError, AttributeError, RecursionError):
        # RecursionError: deeply nested JSON, which json.loads refuses that way.
        return None
    return data


class _Server(uvicorn.Server):
    """uvicorn without its own signal handling.

    uvicorn re-raises a captured SIGTERM once it has stopped, which would end the process
    before the Application is stopped; run_webhook handles the signals itself instead.
    """

    @contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


@contextmanager
def _stop_on_signals(server: uvicorn.Server) -> Iterator[None]:
    """SIGINT/SIGTERM ask the server to stop (a second SIGINT drops open connections)."""
    loop = asyncio.get_running_loop()

    def stop(sig: signal.Signals) -> None:
        log.info("%s received: stopping the webhook server", sig.name)
        if server.should_exit and sig == signal.SIGINT:
            server.force_exit = True
        server.should_exit = True

    handled = []
    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(sig, stop, sig)
        except (NotImplementedError, RuntimeError):  # no signals here (Windows, not main thread)
            continue
        handled.append(sig)
    try:
        yield
    finally:
        for sig in handled:
            loop.remove_signal_handler(sig)


async def run_webhook(application: PTBApplication, settings: Settings) -> None:
    """Register the webhook, start the Application and serve until SIGINT/SIGTERM."""
    problem = secret_problem(settings)
    if problem is not None:
        raise ValueError(problem)
    assert settings.webhook_secret is not None  # secret_problem refuses a missing one
    url, path = webhook_target(settings)
    config = uvicorn.Config(
        webhook_app(application, settings),
        host=settings.webhook_listen,
        port=settings.webhook_port,
        lifespan="off",
        log_config=None,  # keep the redacting handlers set up by handlers.logs
        access_log=False,
        timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_SECONDS,
    )
    server = _Server(config)
    async with running(application):
        await application.bot.set_webhook(
            url=url,
            secret_token=settings.webhook_secret.get_secret_value(),
            allowed_updates=ALLOWED_UPDATES,
        )
        log.info(
            "webhook: serving %s and %s on %s:%s",
            path,
            HEALTH_PATH,
            settings.webhook_listen,
            settings.webhook_port,
        )
        with _stop_on_signals(server):
            await server.serve()
