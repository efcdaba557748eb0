"""The HTTP side of a running bot: the channels' webhook routes and ``GET /healthz``, served by
uvicorn on WEBHOOK_LISTEN:WEBHOOK_PORT, and the signals that stop it all.

Requests that fail a channel's check (a secret header, a signature) are refused before their
body is read or parsed; routes are Starlette's, each channel brings its own.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from bot.ports import Repository
from bot.settings import Settings

log = logging.getLogger(__name__)

HEALTH_PATH = "/healthz"
# A health check that hangs is as bad as one that fails: the balancer should hear back quickly.
HEALTH_TIMEOUT_SECONDS = 3.0
# Open connections get this long to finish at shutdown; then they are dropped.
GRACEFUL_SHUTDOWN_SECONDS = 10


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


def health_route(repo: Repository) -> Route:
    """``GET /healthz``: the database answers, and how much waits in the outbox and inbox."""

    async def health(request: Request) -> Response:
        try:
            backlog = await asyncio.wait_for(repo.outbox_backlog(), HEALTH_TIMEOUT_SECONDS)
            unanswered = await asyncio.wait_for(repo.inbox_pending(), HEALTH_TIMEOUT_SECONDS)
            aside = await asyncio.wait_for(repo.inbox_set_aside(), HEALTH_TIMEOUT_SECONDS)
        except Exception:  # any failure at all means: do not send traffic here
            log.warning("health check: the database does not answer", exc_info=True)
            return JSONResponse({"database": "unavailable"}, status_code=503)
        return JSONResponse(
            {
                "database": "ok",
                "outbox_pending": backlog,
                "inbox_unanswered": unanswered,
                "inbox_set_aside": aside,  # failed their attempts: see docs/delivery.md
            }
        )

    return Route(HEALTH_PATH, health, methods=["GET"])


def http_app(routes: Sequence[BaseRoute], repo: Repository) -> Starlette:
    """The channels' routes and the health check, as one ASGI app."""
    return Starlette(routes=[*routes, health_route(repo)])


class _Server(uvicorn.Server):
    """uvicorn without its own signal handling (``stopping`` handles SIGINT/SIGTERM: uvicorn would
    re-raise a captured SIGTERM once stopped, before the channels are stopped)."""

    @contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


async def serve_http(app: Starlette, settings: Settings, stop: asyncio.Event) -> None:
    """Serve ``app`` on WEBHOOK_LISTEN:WEBHOOK_PORT until ``stop`` is set."""
    await serve_on(app, settings.webhook_listen, settings.webhook_port, stop)


async def serve_on(app: Starlette, host: str, port: int, stop: asyncio.Event) -> None:
    """Serve ``app`` on ``host``:``port`` until ``stop`` is set (no access log: URLs and
    addresses stay out of the logs)."""
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        lifespan="off",
        log_config=None,  # keep the redacting handlers set up by handlers.logs
        access_log=False,
        timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_SECONDS,
    )
    server = _Server(config)
    serving = asyncio.create_task(server.serve())
    stopped = asyncio.create_task(stop.wait())
    await asyncio.wait({serving, stopped}, return_when=asyncio.FIRST_COMPLETED)
    server.should_exit = True
    stopped.cancel()
    await serving


@contextmanager
def stopping() -> Iterator[asyncio.Event]:
    """An event set by SIGINT or SIGTERM (where the platform has signals)."""
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()

    def on_signal(sig: signal.Signals) -> None:
        log.info("%s received: stopping", sig.name)
        stop.set()

    handled = []
    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(sig, on_signal, sig)
        except (NotImplementedError, RuntimeError):  # no signals here (Windows, not main thread)
            continue
        handled.append(sig)
    try:
        yield stop
    finally:
        for sig in handled:
            loop.remove_signal_handler(sig)
