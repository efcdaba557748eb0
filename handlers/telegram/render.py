"""Replies → Telegram messages: HTML text and inline, reply or contact keyboards."""

from __future__ import annotations

from functools import lru_cache

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)

from bot.messages import Keyboard, Reply
from bot.render import HTML, PLAIN, render_msg, render_text

# The Bot API takes reply_markup as a JSON string: serialised once per distinct keyboard here,
# PTB would serialise the keyboard objects again for every message.
REMOVE_KEYBOARD = ReplyKeyboardRemove().to_json()


Rows = tuple[tuple[tuple[str, str], ...], ...]  # (label, callback data) per button


def markup(reply: Reply, lang: str) -> str | None:
    """The keyboard of a reply, as the JSON of the reply_markup parameter."""
    if not reply.buttons:
        return REMOVE_KEYBOARD if reply.keyboard is Keyboard.REMOVE else None
    rows = tuple(
        tuple((render_msg(b.text, lang, PLAIN), b.data) for b in row) for row in reply.buttons
    )
    return keyboard(rows, reply.keyboard)


@lru_cache(maxsize=2048)
def keyboard(rows: Rows, kind: Keyboard) -> str:
    """A keyboard's JSON, built once per distinct keyboard: most questions' buttons never
    change, and building and serialising them was a measurable part of an update's CPU time."""
    built: InlineKeyboardMarkup | ReplyKeyboardMarkup
    if kind is Keyboard.CONTACT:
        contact = [KeyboardButton(label, request_contact=True) for row in rows for label, _ in row]
        built = ReplyKeyboardMarkup([contact], resize_keyboard=True, one_time_keyboard=True)
    elif kind is Keyboard.REPLY:
        buttons = [[KeyboardButton(label) for label, _ in row] for row in rows]
        built = ReplyKeyboardMarkup(buttons, resize_keyboard=True, one_time_keyboard=True)
    else:
        built = InlineKeyboardMarkup(
            [[InlineKeyboardButton(label, callback_data=d) for label, d in row] for row in rows]
        )
    return built.to_json()


def html(reply: Reply, lang: str) -> str:
    """The message text as Telegram HTML (user data escaped by the renderer)."""
    return render_text(reply, lang, HTML)
