"""A running bot: its channels (Telegram, WhatsApp, or both), the outbox and housekeeping loops,
and the HTTP server their webhooks need, until SIGINT/SIGTERM.

Every channel shares one core (bot/dispatch.py) and one database; each brings its inbox pump,
its way of receiving (a webhook route, or polling) and its way of delivering outbox rows. A
process claims only the outbox rows of the channels it has, so a process without WhatsApp
settings never takes WhatsApp's notices.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Coroutine, Sequence
from dataclasses import dataclass, field, replace
from datetime import timedelta
from typing import Any, Protocol

from starlette.routing import BaseRoute

from bot.clock import Clock
from bot.dispatch import Dispatcher
from bot.flow.context import FlowConfig
from bot.officers.desk import OfficerDesk
from bot.ports import OutboxItem, Repository
from bot.settings import Settings
from bot.uploads import ImportLimits
from handlers.desk_io import DeskThreads, OfficerIds
from handlers.housekeeping import housekeep
from handlers.inbox import Pump
from handlers.liveness import Liveness
from handlers.outbox import BATCH, OutboxWake, Undeliverable, deliver_due
from handlers.server import http_app, serve_http, stopping
from handlers.web.app import serve_web_desk

log = logging.getLogger(__name__)

OUTBOX_EVERY_SECONDS = 2.0
HOUSEKEEPING_EVERY_SECONDS = 600.0
HOUSEKEEPING_FIRST_SECONDS = 30.0


class CannotStart(Exception):
    """A channel cannot start for a reason another try will not fix (a refused token); the
    message says which setting to change. ``python -m bot run`` prints it and exits 2."""


class Channel(Protocol):
    """One chat app the bot serves."""

    name: str  # as stored with conversations and outbox rows: "tg", "wa"

    @property
    def pump(self) -> Pump: ...

    def routes(self) -> list[BaseRoute]:
        """Its webhook routes (none when it polls)."""
        ...

    async def start(self) -> None: ...

    async def run(self, stop: asyncio.Event) -> None:
        """Receive until ``stop`` (polling); nothing to do for a webhook."""
        ...

    async def stop(self) -> None: ...

    async def deliver(self, item: OutboxItem) -> str | None:
        """Send one outbox row (raises the outbox's RetryLater / Undeliverable); the channel's
        id of the message, where a later delivery failure is reported by it."""
        ...


@dataclass(frozen=True)
class Core:
    """The one core every channel of a process shares."""

    repo: Repository
    settings: Settings
    config: FlowConfig
    desk: OfficerDesk
    dispatcher: Dispatcher
    clock: Clock
    liveness: Liveness  # this process's heartbeat, shared by its channels' inbox pumps


def build_core(settings: Settings, repo: Repository, clock: Clock) -> Core:
    """The dispatcher and officer desk of this deployment."""
    config = FlowConfig.from_settings(settings)
    desk = OfficerDesk(
        repo,
        config,
        officers=OfficerIds(repo),
        work=DeskThreads(repo),
        kpj_length=settings.kpj_length,
        bot_username=settings.bot_username,
        whatsapp_number=settings.whatsapp_display_number,
        import_limits=ImportLimits.from_settings(settings),
        web_desk_url=settings.web_desk_url,
        roster_limits=replace(
            ImportLimits.from_settings(settings), max_rows=settings.roster_max_rows
        ),
        roster_retention_days=settings.roster_retention_days,
        messaging_limit=settings.whatsapp_messaging_limit,
    )
    liveness = Liveness(repo, clock, timedelta(seconds=settings.inbox_takeover_seconds))
    return Core(repo, settings, config, desk, Dispatcher(repo, config, desk), clock, liveness)


@dataclass
class Runtime:
    """The channels of one process and the loops they share."""

    core: Core
    channels: Sequence[Channel]
    _tasks: list[asyncio.Task[None]] = field(default_factory=list)

    async def deliver(self, item: OutboxItem) -> str | None:
        """An outbox row, through its own channel."""
        for channel in self.channels:
            if channel.name == item.channel:
                return await channel.deliver(item)
        raise Undeliverable(f"no channel {item.channel!r} in this process")

    async def deliver_due(self) -> int:
        """One round of the outbox for this process's channels."""
        lease = timedelta(seconds=self.core.settings.outbox_lease_seconds)
        names = [channel.name for channel in self.channels]
        return await deliver_due(self.core.repo, self.deliver, self.core.clock(), lease, names)

    async def _outbox(self, stop: asyncio.Event) -> None:
        """Deliver every OUTBOX_EVERY_SECONDS; where the repository wakes on a new notification
        (PostgreSQL's LISTEN/NOTIFY), also as soon as one is queued by any process."""
        repo = self.core.repo
        wake = repo if isinstance(repo, OutboxWake) else None
        await _pause(stop, 1.0)
        while not stop.is_set():
            sent = 0
            try:
                sent = await self.deliver_due()
            except Exception:
                log.exception("the outbox loop failed; it runs again")
            if sent >= BATCH:  # a full batch: more may be due already
                continue
            if wake is None or not await _until(stop, wake.wait_for_outbox(OUTBOX_EVERY_SECONDS)):
                await _pause(stop, OUTBOX_EVERY_SECONDS)

    async def _housekeeping(self, stop: asyncio.Event) -> None:
        await _pause(stop, HOUSEKEEPING_FIRST_SECONDS)
        while not stop.is_set():
            try:
                await housekeep(
                    self.core.repo, self.core.settings, self.core.clock(), self.core.config
                )
            except Exception:
                log.exception("the housekeeping loop failed; it runs again")
            await _pause(stop, HOUSEKEEPING_EVERY_SECONDS)

    async def serve(self) -> None:
        """Start every channel, serve their webhooks (if any) and loops until a signal. A
        signal while a channel is still starting (retrying) ends it there."""
        with stopping() as stop:
            started: list[Channel] = []
            try:
                for channel in self.channels:
                    if not await _until(stop, channel.start(), quiet=False):
                        return
                    started.append(channel)
                self._tasks = [
                    asyncio.create_task(self._outbox(stop)),
                    asyncio.create_task(self._housekeeping(stop)),
                    *(asyncio.create_task(channel.run(stop)) for channel in started),
                ]
                routes = [route for channel in started for route in channel.routes()]
                servers = []
                if routes:
                    app = http_app(routes, self.core.repo)
                    servers.append(serve_http(app, self.core.settings, stop))
                if self.core.settings.web_desk_enabled:  # polling-only deployments too
                    servers.append(serve_web_desk(self.core, stop))
                if servers:
                    await asyncio.gather(*servers)
                else:
                    await stop.wait()
            finally:
                stop.set()
                await asyncio.gather(*self._tasks, return_exceptions=True)
                for channel in reversed(started):
                    await channel.stop()


async def _pause(stop: asyncio.Event, seconds: float) -> None:
    """Sleep, or less if asked to stop."""
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), seconds)


async def _until(
    stop: asyncio.Event, waiting: Coroutine[Any, Any, object], *, quiet: bool = True
) -> bool:
    """Await ``waiting``, or less if asked to stop; False when it was stopped or failed. A
    failure is logged (then the caller falls back to its plain pause, so a lost connection
    cannot make it spin), or raised when not ``quiet``."""
    task = asyncio.ensure_future(waiting)
    stopped = asyncio.ensure_future(stop.wait())
    try:
        await asyncio.wait((task, stopped), return_when=asyncio.FIRST_COMPLETED)
    finally:
        for pending in (task, stopped):
            pending.cancel()
        await asyncio.gather(task, stopped, return_exceptions=True)
    if not task.done() or task.cancelled():
        return False
    error = task.exception()
    if error is not None and not quiet:
        raise error
    if error is not None:
        log.warning("waiting for new notifications failed", exc_info=error)
        return False
    return True
