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
    lang = language_from_code(user.language_code)
    desk = Services.of(context).desk
    desk.bot_username = context.bot.username  # from getMe: deep links name the real bot
    replies = await desk.handle(str(user.id), *asked, utcnow(), lang)
    if replies is None:
        await on_worker_update(update, context)
        return
    if update.callback_query is not None:
        await update.callback_query.answer()
    await send_all(context, chat.id, replies, lang)


async def on_document(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """An officer's /impor spreadsheet; any other document goes to the flow, which says so."""
    user, message = update.effective_user, update.message
    if user is None or message is None or message.document is None:
        return
    desk, caption = Services.of(context).desk, message.caption or ""
    replies = None
    if await desk.wants_document(str(user.id), caption, utcnow()):
        telegram_file = await context.bot.get_file(message.document.file_id)
        data = bytes(await telegram_file.download_as_bytearray())
        name = message.document.file_name or "impor"
        lang = language_from_code(user.language_code)
        replies = await desk.import_document(str(user.id), name, data, caption, utcnow(), lang)
    if replies is None:
        await on_worker_update(update, context)
        return
    await send_all(context, message.chat_id, replies, language_from_code(user.language_code))
