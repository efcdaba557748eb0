"""The last line of defence: log the bug (masked) and tell the user something went wrong."""

from __future__ import annotations

import logging

from telegram import Bot, Update
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from bot.i18n import N_, language_from_code
from bot.messages import Msg, Reply
from handlers.telegram.parse import Received, of_update
from handlers.telegram.render import html

log = logging.getLogger(__name__)

SORRY = Reply(
    parts=(
        Msg(
            N_(
                "Maaf, ada gangguan di sistem kami. Jawaban Anda sebelumnya tetap tersimpan; coba kirim lagi sebentar lagi."
            )
        ),
    )
)


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Logs the exception and apologises to the user, never showing a stack trace."""
    log.error("error while handling an update", exc_info=context.error)
    if isinstance(update, Update):
        await apologise(context.bot, of_update(update))


async def apologise(bot: Bot, update: Received) -> None:
    """Tell the sender of an update the bot could not handle that something went wrong."""
    if update.chat is None:
        return
    user = update.sender
    lang = language_from_code(user.language_code if user else None)
    try:
        await bot.send_message(update.chat.id, html(SORRY, lang), parse_mode=ParseMode.HTML)
    except Exception:  # the apology itself failed (Telegram down): already logged above
        log.warning("could not send the apology", exc_info=True)
