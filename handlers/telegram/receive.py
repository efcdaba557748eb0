"""Receiving Telegram updates into the inbox: long polling, or the webhook (webhook.py).

Polling is our own loop rather than PTB's Updater, because the Updater confirms updates to
Telegram (the next getUpdates offset) before anything is stored. Here a batch is stored first;
only then does the next call move the offset past it. A crash in between means Telegram sends
the batch again, and the inbox ignores what it already has.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from telegram.error import NetworkError, RetryAfter, TelegramError

from bot.ports import InboxItem
from handlers.inbox import Pump, storable_json
from handlers.telegram.bot import BpuBot
from handlers.telegram.parse import CHANNEL, Received, chat_key, received
from handlers.telegram.ratelimit import retry_after

log = logging.getLogger(__name__)

ALLOWED_UPDATES = ["message", "edited_message", "callback_query"]
POLL_TIMEOUT_SECONDS = 10
STORE_RETRY_SECONDS = 1.0


def inbox_items(
    raw: Sequence[dict[str, Any]], parsed: Sequence[Received] | None, now: datetime
) -> tuple[list[InboxItem], list[Received]]:
    """Updates as inbox rows (keyed by update_id, stored as the JSON Telegram sent) and as what
    the bot reads of them (``parsed``, if already read). Text with a lone surrogate (a broken
    emoji, which no database stores and Telegram would refuse to send back) is mended first:
    U+FFFD in its place, the update read from the mended JSON."""
    items, updates = [], []
    for index, data in enumerate(raw):
        payload, mended = storable_json(data)
        update = parsed[index] if mended is data and parsed is not None else received(mended)
        updates.append(update)
        items.append(
            InboxItem(
                channel=CHANNEL,
                update_key=str(update.update_id),
                chat=chat_key(update),
                payload=payload,
                received_at=now,
            )
        )
    return items, updates


async def store(
    pump: Pump, raw: Sequence[dict[str, Any]], parsed: Sequence[Received] | None = None
) -> list[asyncio.Task[None]]:
    """Store updates (Telegram's JSON; ``parsed``: what the bot reads of them, if already read)
    in the inbox and start applying them (raises if the database fails); returns the tasks
    applying the new ones."""
    items, updates = inbox_items(raw, parsed, pump.clock())
    return await pump.receive(items, updates)


async def poll(bot: BpuBot, pump: Pump, stop: asyncio.Event) -> None:
    """Long-poll Telegram until ``stop`` is set; every batch is stored before it is confirmed."""
    await bot.delete_webhook()
    offset: int | None = None
    while not stop.is_set():
        try:
            updates = await bot.fetch_updates(offset, POLL_TIMEOUT_SECONDS, ALLOWED_UPDATES)
        except RetryAfter as error:
            await _pause(stop, retry_after(error).total_seconds())
            continue
        except (NetworkError, TelegramError) as error:
            log.warning("getUpdates failed: %s", error)
            await _pause(stop, STORE_RETRY_SECONDS)
            continue
        if not updates:
            continue
        while not stop.is_set():
            try:
                await store(pump, updates)
                break
            except Exception:
                # Not stored, so not confirmed: keep the offset and try again.
                log.exception("could not store %d update(s); retrying", len(updates))
                await _pause(stop, STORE_RETRY_SECONDS)
        else:
            return  # stopping: the batch was not stored, and Telegram will send it again
        offset = int(updates[-1]["update_id"]) + 1
    # Confirm the last stored batch, so a restart does not receive it again (harmless if it
    # did: the inbox ignores updates it has).
    if offset is not None:
        try:
            await bot.fetch_updates(offset, 0, ALLOWED_UPDATES)
        except TelegramError:
            pass


async def _pause(stop: asyncio.Event, seconds: float) -> None:
    """Sleep, or less if asked to stop."""
    try:
        await asyncio.wait_for(stop.wait(), seconds)
    except TimeoutError:
        pass
