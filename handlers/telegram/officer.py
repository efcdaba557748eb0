"""Officers' commands and button taps → the officer desk → replies."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from bot.i18n import language_from_code
from bot.officers import officer_command
from handlers.telegram.parse import incoming
from handlers.telegram.services import Services, utcnow
from handlers.telegram.worker import on_worker_update, send_all


async def on_officer_update(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Runs an officer command or button; anyone who is not an officer is answered by the flow."""
    user, chat = update.effective_user, update.effective_chat
    asked = officer_command(incoming(update))
    if user is None or chat is None or asked is None:
        return
    replies = await Services.of(context).desk.handle(str(user.id), *asked, utcnow())
    if replies is None:
        await on_worker_update(update, context)
        return
    if update.callback_query is not None:
        await update.callback_query.answer()
    await send_all(context, chat.id, replies, language_from_code(user.language_code))
