"""Officers' commands and button taps → the officer desk → replies."""

from __future__ import annotations

from telegram import Update
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from bot.i18n import language_from_code
from bot.officer import officer_command
from handlers.telegram.parse import incoming
from handlers.telegram.render import html, markup
from handlers.telegram.services import Services, utcnow


async def on_officer_update(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Runs an officer command (typed, or a tapped 'off:<command>:<args>' button)."""
    user, chat = update.effective_user, update.effective_chat
    asked = officer_command(incoming(update))
    if user is None or chat is None or asked is None:
        return
    if update.callback_query is not None:
        await update.callback_query.answer()
    replies = await Services.of(context).desk.handle(str(user.id), *asked, utcnow())
    lang = language_from_code(user.language_code)
    for reply in replies:
        await context.bot.send_message(
            chat.id, html(reply, lang), parse_mode=ParseMode.HTML, reply_markup=markup(reply, lang)
        )
