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

from bot.flow.events import Keyboard, Reply
from bot.render import render_msg, render_text

Markup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove | None


Rows = tuple[tuple[tuple[str, str], ...], ...]  # (label, callback data) per button


def markup(reply: Reply, lang: str) -> Markup:
    """The keyboard of a reply."""
    if not reply.buttons:
        return ReplyKeyboardRemove() if reply.keyboard is Keyboard.REMOVE else None
    rows = tuple(
        tuple((render_msg(b.text, lang, as_html=False), b.data) for b in row)
        for row in reply.buttons
    )
    return keyboard(rows, reply.keyboard)


@lru_cache(maxsize=2048)
def keyboard(rows: Rows, kind: Keyboard) -> Markup:
    """PTB's (immutable) keyboard objects, built once per distinct keyboard: most questions'
    buttons never change, and building them is a measurable part of an update's CPU time."""
    if kind is Keyboard.CONTACT:
        contact = [KeyboardButton(label, request_contact=True) for row in rows for label, _ in row]
        return ReplyKeyboardMarkup([contact], resize_keyboard=True, one_time_keyboard=True)
    if kind is Keyboard.REPLY:
        buttons = [[KeyboardButton(label) for label, _ in row] for row in rows]
        return ReplyKeyboardMarkup(buttons, resize_keyboard=True, one_time_keyboard=True)
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=data) for label, data in row] for row in rows]
    )


def html(reply: Reply, lang: str) -> str:
    """The message text as Telegram HTML (user data escaped by the renderer)."""
    return render_text(reply, lang, as_html=True)
