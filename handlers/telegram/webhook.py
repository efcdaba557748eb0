"""Webhook mode: Telegram POSTs updates to a small ASGI app (Starlette) served by uvicorn.

PTB's "custom webhook" pattern: this module owns the HTTP server, and each accepted update is
put on ``application.update_queue``, which the started Application consumes exactly as it does
in polling mode. The same server answers ``GET /healthz`` for the load balancer.

Requests without Telegram's secret header are refused before their body is read, so only
Telegram (which learnt the secret from ``setWebhook``) can make the bot do anything.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import re
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TypeAlias
from urllib.parse import urlsplit, urlunsplit

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from telegram import Update
from telegram.ext import Application

from bot.settings import Settings
from handlers.telegram.services import KEY, Services

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
DEFAULT_PATH = "/telegram"
HEALTH_PATH = "/healthz"
ALLOWED_UPDATES = ["message", "edited_message", "callback_query"]
# A health check that hangs is as bad as one that fails: the balancer should hear back quickly.
HEALTH_TIMEOUT_SECONDS = 3.0
# Open connections get this long to finish at shutdown; then they are dropped.
GRACEFUL_SHUTDOWN_SECONDS = 10
# What Telegram accepts as secret_token (Bot API, setWebhook).
_SECRET_FORM = re.compile(r"[A-Za-z0-9_-]{1,256}")

PTBApplication: TypeAlias = "Application[Any, Any, Any, Any, Any, Any]"


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
    services = application.bot_data[KEY]
    assert isinstance(services, Services)
    repo = services.repo

    async def receive_update(request: Request) -> Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        # Constant time, so the secret cannot be guessed byte by byte from response times.
        if not secret or not hmac.compare_digest(given, secret):
            return Response(status_code=403)
        try:
            data = await request.json()
            update = Update.de_json(data, application.bot) if isinstance(data, dict) else None
        except (ValueError, TypeError, KeyError):
            update = None
        if update is None:
            return Response(status_code=400)
        # Answer at once: Telegram waits for this response before sending the next update.
        await application.update_queue.put(update)
        return Response(status_code=200)

    async def health(request: Request) -> Response:
        try:
            backlog = await asyncio.wait_for(repo.outbox_backlog(), HEALTH_TIMEOUT_SECONDS)
        except Exception:  # any failure at all means: do not send traffic here
            log.warning("health check: the database does not answer", exc_info=True)
            return JSONResponse({"database": "unavailable"}, status_code=503)
        return JSONResponse({"database": "ok", "outbox_pending": backlog})

    _, path = webhook_target(settings)
    return Starlette(
        routes=[
            Route(path, receive_update, methods=["POST"]),
            Route(HEALTH_PATH, health, methods=["GET"]),
        ]
    )


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
    async with application:  # initialize() ... shutdown()
        await application.bot.set_webhook(
            url=url,
            secret_token=settings.webhook_secret.get_secret_value(),
            allowed_updates=ALLOWED_UPDATES,
        )
        await application.start()
        log.info(
            "webhook: serving %s and %s on %s:%s",
            path,
            HEALTH_PATH,
            settings.webhook_listen,
            settings.webhook_port,
        )
        try:
            with _stop_on_signals(server):
                await server.serve()
        finally:
            # Updates already answered with 200 are in the queue: stop() handles them first.
            await application.stop()
