"""The baselines: (a) an echo bot, and (b) the same echo bot writing one row per update.

(b) is the least any bot that keeps its state in the database must do per update, on the same
backend as the bot under test: one upsert keyed by user id, committed. SQLite: on a persistent
aiosqlite connection (WAL, synchronous=NORMAL), serialised by a lock as the bot's repository
serialises its transactions. PostgreSQL: one self-committing statement on a connection taken from
a pool made exactly as the bot's repository makes its own (storage/postgres/connection.py).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import aiosqlite
from databases import Target
from offline import TOKEN
from telegram import Update
from telegram.ext import Application, ApplicationBuilder, ContextTypes, MessageHandler, filters
from telegram.request import BaseRequest

from storage.postgres.connection import create_pool, numbered

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


class PgEchoStore:
    """A pool like the bot's; each update upserts its user's row in one self-committing
    statement on a pooled connection (the bot's common update makes two such round trips)."""

    def __init__(self, pool: Any) -> None:
        self.pool = pool

    @classmethod
    async def open(cls, url: str) -> PgEchoStore:
        pool = await create_pool(url, 2, 10)
        await pool.execute(
            "CREATE TABLE IF NOT EXISTS echo"
            " (user_id bigint PRIMARY KEY, text text NOT NULL, seen integer NOT NULL)"
        )
        return cls(pool)

    async def record(self, user_id: int, text: str) -> None:
        async with self.pool.acquire() as conn:
            await conn.execute(PG_UPSERT, user_id, text)

    async def rows(self) -> int:
        return int(await self.pool.fetchval("SELECT count(*) FROM echo"))

    async def close(self) -> None:
        await self.pool.close()


PG_UPSERT = numbered(UPSERT).replace("seen = seen + 1", "seen = echo.seen + 1")
Store = EchoStore | PgEchoStore


async def open_store(target: Target) -> Store:
    """(b)'s store on the backend under test, in a fresh database."""
    url = await target.fresh("echo")
    if target.backend == "postgresql":
        return await PgEchoStore.open(url)
    return await EchoStore.open(Path(url.removeprefix("sqlite:///")))


def writing_echo_application(request: BaseRequest, store: Store) -> Application:
    """The echo bot that first writes the update to the database."""

    async def echo_and_write(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Upserts the user's row, commits, then sends the text back."""
        user, message = update.effective_user, update.effective_message
        if user is not None and message is not None and message.text:
            await store.record(user.id, message.text)
        await echo(update, context)

    return echo_application(request, echo_and_write)
