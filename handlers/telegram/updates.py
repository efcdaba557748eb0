"""Every Telegram update → the core's one dispatch → messages back.

The only PTB callback for people's messages and taps: parse, dispatch, render, send. A tap is
answered (answerCallbackQuery stops the phone's spinner) and its choice is echoed at the top of
the next message by the core, so a tapped answer costs one chat-bound call, like a typed one.
"""

from __future__ import annotations

import logging
from contextlib import nullcontext

from telegram import InputFile, Update
from telegram.constants import MessageLimit, ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.ext import ContextTypes

from bot.dispatch import Dispatched
from bot.messages import Keyboard, Reply
from bot.render import PLAIN, render_msg, split_text
from handlers.inbox import Refused, Unreachable
from handlers.telegram.bot import BpuBot, bot_of
from handlers.telegram.feedback import TYPING_AFTER_SECONDS, TypingIfSlow
from handlers.telegram.groups import point_to_private
from handlers.telegram.parse import Received, inbound, of_update
from handlers.telegram.render import html, markup
from handlers.telegram.sending import with_retries
from handlers.telegram.services import Services

log = logging.getLogger(__name__)


# An answer slower than this (a busy event: replies wait for their place in the flood budget)
# shows "typing…" first (handlers/telegram/feedback.py).
TYPING_AFTER = TYPING_AFTER_SECONDS
# Telegram's description when the chat does not exist (any more): refused for good.
GONE = "chat not found"


async def handle_update(update: Received, services: Services, bot: BpuBot) -> None:
    """``respond`` for the inbox, its failures told as the inbox needs them
    (handlers/inbox.py): Telegram unreachable (5xx, network, flood wait) is ``Unreachable``,
    the bot blocked or the chat gone is ``Refused``; anything else is raised as it is (a bug, or
    a call Telegram refuses)."""
    try:
        await respond(update, services, bot)
    except Forbidden as error:
        raise Refused(str(error)) from error
    except BadRequest as error:  # before NetworkError: PTB derives it from NetworkError
        if GONE in error.message.lower():
            raise Refused(str(error)) from error
        raise
    except (NetworkError, RetryAfter) as error:
        raise Unreachable(f"{type(error).__name__}: {error}") from error


async def on_update(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """PTB's handler, for an update given to ``Application.process_update``: the same answer."""
    await respond(of_update(update), Services.of(context), bot_of(context))


async def respond(update: Received, services: Services, bot: BpuBot) -> None:
    """Applies one person's update and sends what the core answers."""
    parsed = inbound(update)
    if parsed is None:  # not a person in their private chat: at most one line in a group
        await point_to_private(bot, update)
        return
    if services.desk.bot_username != bot.username and bot.username:
        services.desk.bot_username = bot.username  # from getMe: deep links name the real bot
    if services.menus.failed:
        await services.menus.retry_for(bot, parsed.user_id)
    chat = update.chat
    async with TypingIfSlow(bot, chat.id, TYPING_AFTER) if chat else nullcontext():
        result = await services.dispatcher.dispatch(parsed, services.clock(), fetch=fetcher(bot))
        await acknowledge(bot, update, result)
        if chat is not None:
            replies = result.replies
            if result.answers_tap and await edit_tapped(bot, update, replies[0], result.lang):
                replies = replies[1:]
            await send_all(bot, chat.id, replies, result.lang)


def fetcher(bot: BpuBot):  # type: ignore[no-untyped-def]
    """Downloads a file the person sent (only ever asked for officers' /impor files)."""

    async def fetch(file_id: str) -> bytes:
        telegram_file = await bot.get_file(file_id)
        return bytes(await telegram_file.download_as_bytearray())

    return fetch


# A one-time link must not be opened by Telegram fetching its preview.
NO_PREVIEW = {"is_disabled": True}


async def send_all(bot: BpuBot, chat_id: int, replies: list[Reply], lang: str) -> None:
    """Send replies in order (a long one in pieces), with their pictures and documents."""
    for reply in replies:
        pieces = split_text(html(reply, lang), MessageLimit.MAX_TEXT_LENGTH)
        for number, piece in enumerate(pieces, start=1):
            await with_retries(
                bot.post,
                "sendMessage",
                chat_id=chat_id,
                text=piece,
                parse_mode=ParseMode.HTML,
                # The buttons go under the last piece, next to the question they answer.
                reply_markup=markup(reply, lang) if number == len(pieces) else None,
                link_preview_options=NO_PREVIEW if reply.no_preview else None,
            )
        for attachment in reply.files:
            upload = InputFile(attachment.data, filename=attachment.filename)
            send = bot.send_photo if attachment.photo else bot.send_document
            await with_retries(send, chat_id, upload)


# An edit takes only an inline keyboard (or none): a question with the phone's keyboard (the
# contact button, the Ya/Tidak of the home question) cannot replace the tapped message.
EDITABLE = frozenset({Keyboard.INLINE, Keyboard.REMOVE})


async def edit_tapped(bot: BpuBot, update: Received, reply: Reply, lang: str) -> bool:
    """Show the answer to a tap in place of the tapped message ("✓ Nelayan" and the next
    question, its buttons under it): one edit instead of a new message, so an event's flood
    budget goes further, and the change appears where the worker's finger is.

    Telegram edits only inline keyboards: a typed question next (``Keyboard.REMOVE``) is an
    edit without buttons, which takes the tapped ones away; removing the phone's keyboard
    needs a new message, and none is showing while a worker taps an inline button in the
    flow's order (docs/telegram.md). A question with the phone's keyboard, a file or a text
    longer than one message cannot be an edit: False, and it is sent as a new message (still
    one call; the tapped buttons stay, and a second tap on them changes nothing).
    """
    tapped = update.tap.message if update.tap is not None else None
    if tapped is None or reply.keyboard not in EDITABLE or reply.files:
        return False
    text = html(reply, lang)
    if len(text) > MessageLimit.MAX_TEXT_LENGTH:
        return False
    try:
        await with_retries(
            bot.post,
            "editMessageText",
            chat_id=tapped[0],
            message_id=tapped[1],
            text=text,
            parse_mode=ParseMode.HTML,
            reply_markup=markup(reply, lang) if reply.keyboard is Keyboard.INLINE else None,
        )
    except BadRequest as error:  # deleted, too old, or not the bot's: send it instead
        log.info("tapped message not edited (%s); sent instead", error)
        return False
    return True


async def acknowledge(bot: BpuBot, update: Received, result: Dispatched) -> None:
    """Stop the tapped button's spinner (with a short notice for an already-answered tap).

    Cosmetic: a failure is logged and never costs the replies.
    """
    if update.tap is None:
        return
    params: dict[str, object] = {"callback_query_id": update.tap.id}
    if result.toast is not None:
        params["text"] = render_msg(result.toast, result.lang, PLAIN)
    try:
        await bot.post("answerCallbackQuery", **params)
    except TelegramError as error:
        log.warning("could not answer a button tap: %s", error)
