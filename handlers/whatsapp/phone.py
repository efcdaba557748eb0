"""The phone question on WhatsApp: one tap, since WhatsApp already tells us the sender's number.

Telegram asks with a contact button (``Keyboard.CONTACT``). WhatsApp has none, but every
message carries the sender's number (``wa_id``) unless the worker hides it behind a username.
So the adapter, when the core asks the phone question:

1. ``phone_question(reply, sender)`` turns it into "Nomor HP Anda 0812-3456-7890?" [Ya]
   [Nomor lain], or, without a usable number, into "Ketik nomor HP Anda.";
2. ``phone_answer(event, sender)`` turns the answer into what the core understands before it
   is stepped: [Ya] (or a typed "ya") → ``SharedContact(+62..., own=True)``, the same event as
   Telegram's contact button; [Nomor lain] → a ``Reply`` asking to type the number (send it and
   do not step the core); anything else (a typed number) goes to the core unchanged.
"""

from __future__ import annotations

import phonenumbers

from bot.flow.events import Incoming, Press, SharedContact, Text
from bot.flow.questions import NO, YES
from bot.i18n import N_
from bot.messages import Button, Keyboard, Msg, Reply
from bot.phone import contact_phone_to_e164
from bot.validation import Invalid
from handlers.whatsapp.render import normalise

PHONE_YES = "wa:phone:yes"
PHONE_OTHER = "wa:phone:other"
OTHER_WORDS = ("nomor lain", "lain", "other", "another")
# Parts of the core's phone question that only make sense on Telegram (they name its contact
# button) or that the one-tap question replaces. tests/handlers/test_whatsapp_render.py checks
# that the core's question, passed through phone_question, mentions no button WhatsApp lacks.
_TELEGRAM_ONLY = frozenset(
    {"Tekan tombol <b>Bagikan nomor HP</b> di bawah, atau ketik nomor HP Anda."}
)
_EXAMPLE = "Contoh: {example}"
EXAMPLE_PHONE = "0812 3456 7890"


def sender_mobile(wa_id: str | None) -> str | None:
    """The sender's number as E.164, if it is an Indonesian mobile number (else None)."""
    if not wa_id:
        return None
    phone = contact_phone_to_e164(wa_id)
    return None if isinstance(phone, Invalid) else phone


def national(e164: str) -> str:
    """``+6281234567890`` → ``0812-3456-7890``, the way Indonesians write their number."""
    number = phonenumbers.parse(e164)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)


def phone_question(reply: Reply, wa_id: str | None) -> Reply:
    """The core's phone question for WhatsApp (replies without the contact keyboard: unchanged)."""
    if reply.keyboard is not Keyboard.CONTACT:
        return reply
    phone = sender_mobile(wa_id)
    kept = tuple(
        p
        for p in reply.parts
        if not (isinstance(p, Msg) and p.msgid in (*_TELEGRAM_ONLY, _EXAMPLE))
    )
    if phone is None:
        example = Msg(_EXAMPLE, {"example": EXAMPLE_PHONE})
        return Reply(parts=(*kept, Msg(N_("Ketik nomor HP Anda.")), example))
    confirm = Msg(N_("Nomor HP Anda {phone}?"), {"phone": national(phone)})
    buttons = ((Button(Msg(N_("Ya")), PHONE_YES), Button(Msg(N_("Nomor lain")), PHONE_OTHER)),)
    return Reply(parts=(*kept, confirm), buttons=buttons)


def phone_answer(event: Incoming, wa_id: str | None) -> Incoming | Reply:
    """An answer to the one-tap question, in the core's terms (or a reply to send instead)."""
    phone = sender_mobile(wa_id)
    typed = normalise(event.text) if isinstance(event, Text) else None
    if phone is not None and (event == Press(PHONE_YES) or typed in YES):
        return SharedContact(phone, own=True)
    if event == Press(PHONE_OTHER) or typed in OTHER_WORDS or typed in NO:
        return Reply(
            parts=(
                Msg(N_("Ketik nomor HP Anda.")),
                Msg(_EXAMPLE, {"example": EXAMPLE_PHONE}),
            )
        )
    return event
