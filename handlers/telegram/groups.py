"""Private chats only: the bot shows nothing personal in a group, supergroup or channel.

Anything a person does with the bot (registering, a card, an export, a status) happens in their
private chat with it. In a group the bot answers at most one line, and only when it is spoken
to (a command, a mention of it, a reply to it): where to find it privately. A tap on a button of
a message in a group gets the same line as a notice on the button, never a message.

An update sent on behalf of a chat is never taken for a person: a message with ``sender_chat``
(an anonymous group admin, a channel posting into its linked group), the accounts Telegram uses
for them (GroupAnonymousBot, the channel-post relay, the service account) are ignored wherever
they appear.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from telegram.constants import ChatType
from telegram.error import TelegramError

from bot.i18n import N_, language_from_code
from bot.messages import Msg
from bot.render import PLAIN, render_msg
from handlers.telegram.bot import BpuBot
from handlers.telegram.sending import with_retries

if TYPE_CHECKING:
    from handlers.telegram.parse import Received

log = logging.getLogger(__name__)

# Telegram's own accounts that speak for a chat (Bot API: "sender_chat"; these appear as
# ``from`` for backward compatibility): GroupAnonymousBot, Channel_Bot, Telegram (777000).
ON_BEHALF_OF_CHATS = frozenset({1087968824, 136817688, 777000})
POINTER = N_("Data pendaftaran hanya di chat pribadi. Buka {link} lalu tekan Mulai.")


def from_a_person_in_private(update: Received) -> bool:
    """Whether this is a person writing in their own private chat with the bot."""
    user, chat = update.sender, update.chat
    if user is None or chat is None or user.is_bot or user.id in ON_BEHALF_OF_CHATS:
        return False
    if update.on_behalf_of_chat:
        return False
    return chat.type == ChatType.PRIVATE and chat.id == user.id


def spoken_to(update: Received, username: str) -> bool:
    """In a group: a person's command, mention of the bot, reply to the bot, or a tap on a
    button of one of its messages (not every message of a busy group)."""
    user = update.sender
    if user is None or user.is_bot or user.id in ON_BEHALF_OF_CHATS:
        return False
    if update.tap is not None:
        return True
    text = update.said  # None for an edit: an edit is never answered
    if text is None or update.on_behalf_of_chat:
        return False
    if text.startswith("/"):
        return True
    mention = f"@{username}".lower() if username else None
    if mention is not None and mention in text.lower():
        return True
    return update.replies_to_bot


async def point_to_private(bot: BpuBot, update: Received) -> None:
    """The one line a group gets, when the bot was spoken to; nothing otherwise."""
    username = bot.username or ""
    if not spoken_to(update, username):
        return
    user = update.sender
    lang = language_from_code(user.language_code if user is not None else None)
    line = render_msg(Msg(POINTER, {"link": f"https://t.me/{username}"}), lang, PLAIN)
    try:
        if update.tap is not None:
            await bot.post("answerCallbackQuery", callback_query_id=update.tap.id, text=line[:200])
        elif update.chat is not None:
            await with_retries(bot.post, "sendMessage", chat_id=update.chat.id, text=line)
    except TelegramError as error:  # a group that muted the bot: nothing is lost
        log.info("no pointer to the private chat sent: %s", error)
