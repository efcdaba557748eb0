"""The links that open a chat with the bot, on each channel: the core builds them for events
(handout, QR codes, poster) and the WhatsApp adapter reads back the text its link pre-fills, so
they live here, below both, in one place.
"""

from __future__ import annotations

from urllib.parse import quote

# The text a wa.me link pre-fills (docs/whatsapp.md): "DAFTAR" or "DAFTAR <event code>", which
# means what /start <code> means on Telegram (handlers.whatsapp.inbound reads it back).
START_WORD = "DAFTAR"


def telegram_link(bot_username: str, code: str = "") -> str:
    """The t.me deep link: it opens the bot with a Start button that sends /start <code>."""
    return f"https://t.me/{bot_username}?start={code}" if code else f"https://t.me/{bot_username}"


def whatsapp_link(display_number: str, code: str = "") -> str:
    """The wa.me click-to-chat link: it opens a chat with "DAFTAR <code>" typed.

    ``display_number`` is WHATSAPP_DISPLAY_NUMBER (digits with the country code); wa.me takes
    the number without "+" and the text URL-encoded (WhatsApp Help Center, "How to use click
    to chat").
    """
    text = f"{START_WORD} {code}".strip()
    return f"https://wa.me/{display_number}?text={quote(text)}"
