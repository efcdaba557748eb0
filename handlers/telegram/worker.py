"""Workers' messages and button taps → the registration flow → replies."""

from __future__ import annotations

from telegram import InputFile, Message, Update
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from bot.flow.events import Reply, Text
from bot.i18n import language_from_code
from bot.render import render_msg
from bot.service import Handled, handle_worker
from handlers.telegram.bot import BpuBot, bot_of
from handlers.telegram.parse import incoming
from handlers.telegram.render import html, markup
from handlers.telegram.sending import with_retries
from handlers.telegram.services import CHANNEL, Services, utcnow


async def on_worker_update(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Runs one update of a worker through the flow and sends what it answers."""
    user = update.effective_user
    chat = update.effective_chat
    if user is None or chat is None:
        return
    services = Services.of(context)
    event = incoming(update)
    if isinstance(event, Text):
        answers = await services.desk.handle_text(str(user.id), event.text, utcnow())
        if answers is not None:  # an officer typing a KPJ number or a reason
            await send_all(context, chat.id, answers, language_from_code(user.language_code))
            return
    async with services.locks.hold(f"{CHANNEL}:{user.id}"):
        handled = await handle_worker(
            services.repo,
            CHANNEL,
            str(user.id),
            event,
            utcnow(),
            language_code=user.language_code,
            config=services.config,
            update_id=update.update_id,
        )
        if handled.duplicate:
            return
        await acknowledge(bot_of(context), update, handled)
        await send_all(context, chat.id, handled.outcome.replies, handled.lang)


async def send_all(
    context: ContextTypes.DEFAULT_TYPE, chat_id: int, replies: list[Reply], lang: str
) -> None:
    """Send replies in order, with their pictures and documents, retrying server errors."""
    bot = bot_of(context)
    for reply in replies:
        await with_retries(
            bot.post,
            "sendMessage",
            chat_id=chat_id,
            text=html(reply, lang),
            parse_mode=ParseMode.HTML,
            reply_markup=markup(reply, lang),
        )
        for attachment in reply.files:
            upload = InputFile(attachment.data, filename=attachment.filename)
            send = context.bot.send_photo if attachment.photo else context.bot.send_document
            await with_retries(send, chat_id, upload)


async def acknowledge(bot: BpuBot, update: Update, handled: Handled) -> None:
    """A tapped button: show the choice on its message and take the buttons away."""
    query = update.callback_query
    if query is None:
        return
    await bot.post("answerCallbackQuery", callback_query_id=query.id)
    message = query.message
    if not isinstance(message, Message) or not message.text:
        return  # too old to edit (inaccessible) or not a text message
    where = {"chat_id": message.chat_id, "message_id": message.message_id}
    ack = handled.outcome.ack
    if ack is None:  # without reply_markup, an edit takes the buttons away
        await bot.post("editMessageReplyMarkup", **where)
        return
    choice = render_msg(ack, handled.lang, as_html=True)
    text = f"{message.text_html}\n\n<b>✓ {choice}</b>"
    await bot.post("editMessageText", **where, text=text, parse_mode=ParseMode.HTML)
