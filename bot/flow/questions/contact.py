"""How to reach the worker: the phone number (a tap where the channel knows it)."""

from __future__ import annotations

from bot.fields import Field, Kind
from bot.flow.context import Context, Outcome
from bot.flow.events import Answer, Press, SharedContact, Text
from bot.flow.moves import finish, retry, say
from bot.flow.registry import Question
from bot.flow.state import Conversation, Step
from bot.i18n import N_
from bot.messages import Button, Keyboard, Msg, Reply
from bot.phone import contact_phone_to_e164, national_phone, normalize_mobile
from bot.reading.answers import read_choice, read_phone
from bot.regions import suggest_home_from_nik
from bot.validation import Invalid

Buttons = tuple[Button, ...]


def ask_phone(conv: Conversation, ctx: Context) -> Reply:
    """Phone number: one tap on the contact button, or typed; where the channel tells us the
    sender's number (WhatsApp), one tap to confirm it."""
    if ctx.sender_phone is not None and not conv.phone_typed:
        return Reply(
            parts=(
                Msg(N_("Nomor HP Anda {phone}?"), {"phone": national_phone(ctx.sender_phone)}),
            ),
            buttons=(
                (
                    Button(Msg(N_("Ya")), "phone:yes", means=True),
                    Button(
                        Msg(N_("Nomor lain")),
                        "phone:other",
                        aliases=("lain", "ganti"),
                        means=False,
                    ),
                ),
            ),
        )
    if ctx.sender_phone is not None or not ctx.contact_button:
        return Reply(
            parts=(
                Msg(N_("Ketik nomor HP Anda.")),
                Msg(N_("Contoh: {example}"), {"example": "0812 3456 7890"}),
            )
        )
    return Reply(
        parts=(
            Msg(N_("Tekan tombol <b>Bagikan nomor HP</b> di bawah, atau ketik nomor HP Anda.")),
            Msg(N_("Contoh: {example}"), {"example": "0812 3456 7890"}),
        ),
        buttons=((Button(Msg(N_("📱 Bagikan nomor HP")), "contact"),),),
        keyboard=Keyboard.CONTACT,
    )


def on_phone(conv: Conversation, event: Answer, ctx: Context) -> Outcome:
    """The contact button (the sender's own number), the channel's number confirmed with a tap,
    or a typed Indonesian mobile number."""
    if event == Press("phone:yes") and ctx.sender_phone is not None:
        conv.phone_typed = False
        conv.answers.phone = ctx.sender_phone
        return finish(conv, ctx)
    if event == Press("phone:other"):
        conv.phone_typed = True
        return say(conv, ctx)
    if isinstance(event, SharedContact) and not event.own:
        # Someone else's contact card: their number must not become this worker's.
        return retry(
            conv, ctx, Invalid(N_("Bagikan nomor HP Anda sendiri, atau ketik nomor Anda."))
        )
    if isinstance(event, SharedContact):
        phone = contact_phone_to_e164(event.phone)
    elif isinstance(event, Text):
        phone = normalize_mobile(event.text)
    else:
        return retry(conv, ctx, Invalid(N_("Ketik nomor HP Anda, atau tekan tombol di bawah.")))
    if isinstance(phone, Invalid):
        return retry(conv, ctx, phone)
    conv.answers.phone = phone
    return finish(conv, ctx)


def read_phone_answer(text: str, conv: Conversation, ctx: Context, buttons: Buttons) -> object:
    """A typed number ("no hp 0821-3344-5566"), else one of the buttons ("iya" to the
    channel's number; the contact button is a tap only: its words are the question's own)."""
    typed = read_phone(text)
    if not isinstance(typed, Invalid):
        return typed
    words = tuple(b for b in buttons if b.data != "contact")
    chosen = read_choice(text, words) if words else None
    return chosen if chosen is not None else typed


def after_phone(conv: Conversation) -> str:
    """Suggest the NIK's kabupaten as home when it can be trusted; otherwise ask."""
    if suggest_home_from_nik((conv.answers.nik or "")[:4]) is not None:
        return Step.HOME_CONFIRM
    return Step.HOME


QUESTIONS = (
    Question(
        Step.PHONE,
        ask_phone,
        on_phone,
        next=after_phone,
        in_turn=True,
        number=5,
        field=Field(
            "phone", N_("Nomor HP"), Kind.PHONE, "Nomor HP", "phone", ("hp", "nomor_hp", "telepon")
        ),
        stats=N_("nomor HP"),
        read=read_phone_answer,
    ),
)
