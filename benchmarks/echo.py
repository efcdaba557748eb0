"""The baselines: (a) an echo bot, and (b) the same echo bot writing one row per update.

(b) is the least any bot that keeps its state in SQLite must do per update: one upsert keyed by
user id and one commit on a persistent aiosqlite connection (WAL, synchronous=NORMAL), serialised
by a lock as the bot's repository serialises its transactions.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path

import aiosqlite
from offline import TOKEN
from telegram import Update
from telegram.ext import Application, ApplicationBuilder, ContextTypes, MessageHandler, filters
from telegram.request import BaseRequest

Callback = Callable[[Update, ContextTypes.DEFAULT_TYPE], Awaitable[None]]
UPSERT = (
    "INSERT INTO echo (user_id, text, seen) VALUES (?, ?, 1)"
    " ON CONFLICT (user_id) DO UPDATE SET text = excluded.text, seen = seen + 1"
)


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Sends the text back."""
    message = update.effective_message
    if message is not None and message.text:
        await context.bot.send_message(message.chat_id, message.text)


def echo_application(request: BaseRequest, handler: Callback = echo) -> Application:
    """A minimal PTB application with one text handler; no rate limiter."""
    app = (
        ApplicationBuilder()
        .token(TOKEN)
        .request(request)
        .get_updates_request(request)
        .concurrent_updates(True)
        .build()
    )
    app.add_handler(MessageHandler(filters.TEXT, handler))
    return app


class EchoStore:
    """One persistent connection; each update upserts its user's row and commits."""

    def __init__(self, db: aiosqlite.Connection) -> None:
        self.db = db
        self.lock = asyncio.Lock()

    @classmethod
    async def open(cls, path: Path) -> EchoStore:
        """Connect with the bot's pragmas and create the one table."""
        db = await aiosqlite.connect(path)
        await db.execute("PRAGMA journal_mode = WAL")
        await db.execute("PRAGMA synchronous = NORMAL")
        await db.execute(
            "CREATE TABLE IF NOT EXISTS echo"
            " (user_id INTEGER PRIMARY KEY, text TEXT NOT NULL, seen INTEGER NOT NULL)"
        )
        await db.commit()
        return cls(db)

    async def record(self, user_id: int, text: str) -> None:
        """One transaction per update, as in the bot."""
        async with self.lock:
            await self.db.execute(UPSERT, (user_id, text))
            await self.db.commit()

    async def rows(self) -> int:
        """Rows written (one per user)."""
        async with self.db.execute("SELECT count(*) FROM echo") as cursor:
            row = await cursor.fetchone()
        return int(row[0]) if row else 0

    async def close(self) -> None:
        await self.db.close()


def writing_echo_application(request: BaseRequest, store: EchoStore) -> Application:
    """The echo bot that first writes the update to SQLite."""

    async def echo_and_write(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Upserts the user's row, commits, then sends the text back."""
        user, message = update.effective_user, update.effective_message
        if user is not None and message is not None and message.text:
            await store.record(user.id, message.text)
        await echo(update, context)

    return echo_application(request, echo_and_write)
