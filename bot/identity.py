"""Who someone is: a channel and that channel's id for them, never a bare number.

A Telegram user id and a WhatsApp number can be the same digits and still be two people
(4512345678 is a plausible Telegram id and a Danish number). Workers are keyed by the pair
(channel, user_id) in their own columns; where one string must name a person (an officer's row,
``decided_by``, an audit actor) it is the key ``<channel>:<id>``, e.g. ``tg:123456789``.

Officers work on Telegram (and in the local terminal chat); a WhatsApp sender is always a
worker (docs/identity.md says why).
"""

from __future__ import annotations

import re

TELEGRAM = "tg"
WHATSAPP = "wa"
TERMINAL = "terminal"
# The channels the officer desk answers on. WhatsApp is not one of them: an officer row can
# never be made for it, and a WhatsApp sender is never looked up as an officer.
OFFICER_CHANNELS = frozenset({TELEGRAM, TERMINAL})
USER_ID_MAX = 10**15  # Telegram user ids have up to 52 bits
_TELEGRAM_ID = re.compile(r"[0-9]{1,16}")


def person_key(channel: str, user_id: str) -> str:
    """The one-string name of (channel, id): ``tg:123456789``."""
    return f"{channel}:{user_id}"


def worker_actor(channel: str, user_id: str) -> str:
    """A worker as an audit actor: ``worker:<channel>:<id>``."""
    return f"worker:{person_key(channel, user_id)}"


def split_key(key: str) -> tuple[str, str]:
    """``tg:123`` → ("tg", "123"); a key without a channel is a Telegram id of old rows."""
    channel, sep, user_id = key.partition(":")
    return (channel, user_id) if sep else (TELEGRAM, key)


def telegram_officer(typed: str) -> str | None:
    """An officer as an admin or OFFICER_IDS names them: a Telegram user id, plain (``123``) or
    with its channel (``tg:123``); its key, or None (anything else, a ``wa:`` number included)."""
    typed = typed.strip()
    channel, user_id = split_key(typed.lower())
    if channel != TELEGRAM or not _TELEGRAM_ID.fullmatch(user_id):
        return None
    number = int(user_id)
    return person_key(TELEGRAM, str(number)) if 1 <= number <= USER_ID_MAX else None


def names_whatsapp(typed: str) -> bool:
    """Whether an admin tried to name a WhatsApp account (``wa:628...``): refused with a reason."""
    return typed.strip().lower().startswith(("wa:", "whatsapp:", "+"))
