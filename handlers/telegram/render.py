"""Replies → Telegram messages: HTML text and inline, reply or contact keyboards."""

from __future__ import annotations

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)

from bot.flow.events import Button, Keyboard, Reply
from bot.render import render_msg, render_text

Markup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove | None


def markup(reply: Reply, lang: str) -> Markup:
    """The keyboard of a reply."""

    def label(button: Button) -> str:
        return render_msg(button.text, lang, as_html=False)

    if reply.keyboard is Keyboard.CONTACT:
        return ReplyKeyboardMarkup(
            [[KeyboardButton(label(b), request_contact=True) for b in reply.all_buttons]],
            resize_keyboard=True,
            one_time_keyboard=True,
        )
    if reply.keyboard is Keyboard.REPLY:
        rows = [[KeyboardButton(label(b)) for b in row] for row in reply.buttons]
        return ReplyKeyboardMarkup(rows, resize_keyboard=True, one_time_keyboard=True)
    if reply.buttons:
        return InlineKeyboardMarkup(
            [
                [InlineKeyboardButton(label(b), callback_data=b.data) for b in row]
                for row in reply.buttons
            ]
        )
    if reply.keyboard is Keyboard.REMOVE:
        return ReplyKeyboardRemove()
    return None


def html(reply: Reply, lang: str) -> str:
    """The message text as Telegram HTML (user data escaped by the renderer)."""
    return render_text(reply, lang, as_html=True)
