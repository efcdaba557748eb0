"""Feeding updates to an Application: directly through ``process_update``, or through its updater
queue, where PTB's ``concurrent_updates`` setting decides how many are handled at once."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from typing import Any

from telegram import Update
from telegram.ext import Application, BaseUpdateProcessor, ContextTypes, TypeHandler

Stream = Sequence[dict[str, Any]]  # one chat's updates, in the order the person sent them


async def drive(
    app: Application,
    streams: Sequence[Stream],
    latencies: list[float] | None = None,
) -> int:
    """Every chat at once (asyncio.gather), each chat's updates in order; returns the count.

    Each update is parsed from JSON inside the loop, as PTB's updater would, and its wall time
    (parse + handling) is appended to ``latencies`` when given.
    """

    async def one_chat(stream: Stream) -> None:
        for data in stream:
            start = time.perf_counter()
            await app.process_update(Update.de_json(data, app.bot))
            if latencies is not None:
                latencies.append(time.perf_counter() - start)

    await asyncio.gather(*(one_chat(stream) for stream in streams))
    return sum(len(stream) for stream in streams)


async def drive_inbox(
    app: Application,
    streams: Sequence[Stream],
    latencies: list[float] | None = None,
) -> int:
    """Like :func:`drive`, but the way the running bot receives updates: each is stored in the
    inbox first (the webhook's or the poller's step), then handled by the inbox pump, and the
    answered ones are marked so in batches."""
    from handlers.telegram.app import services_of
    from handlers.telegram.receive import store

    pump = services_of(app).pump

    async def one_chat(stream: Stream) -> None:
        for data in stream:
            start = time.perf_counter()
            for task in await store(pump, [data]):
                await task  # the bot has answered it
            if latencies is not None:
                latencies.append(time.perf_counter() - start)

    await asyncio.gather(*(one_chat(stream) for stream in streams))
    await pump.settle()
    return sum(len(stream) for stream in streams)


class QueueDriver:
    """Puts updates on ``app.update_queue`` (as the poller or webhook does) and waits for each.

    A handler in a later group marks an update done, so every chat sends its next message only
    once the bot has answered the previous one, like a person would.
    """

    def __init__(self, app: Application) -> None:
        self.app = app
        self.pending: dict[int, asyncio.Future[None]] = {}
        app.add_handler(TypeHandler(Update, self._done), group=99)

    async def _done(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Runs after the bot's own handlers (group 0) have finished with ``update``."""
        future = self.pending.pop(update.update_id, None)
        if future is not None:
            future.set_result(None)

    async def drive(self, streams: Sequence[Stream], latencies: list[float]) -> int:
        """Like :func:`drive`, but through the update queue; the app must be started."""
        loop = asyncio.get_running_loop()

        async def one_chat(stream: Stream) -> None:
            for data in stream:
                start = time.perf_counter()
                update = Update.de_json(data, self.app.bot)
                future = self.pending[update.update_id] = loop.create_future()
                await self.app.update_queue.put(update)
                await future
                latencies.append(time.perf_counter() - start)

        await asyncio.gather(*(one_chat(stream) for stream in streams))
        return sum(len(stream) for stream in streams)


def set_concurrent_updates(app: Application, processor: BaseUpdateProcessor) -> None:
    """Swap the update processor of an app that is not yet initialised.

    build_application() hard-codes ``concurrent_updates(True)``; to measure ``False`` without
    touching the bot's code, install what ``ApplicationBuilder.concurrent_updates(False)`` would
    have built (a SimpleUpdateProcessor of 1). PTB has no public setter, hence the private slot.
    """
    app._update_processor = processor
