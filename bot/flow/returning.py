"""A worker who writes again after submitting: the submission's status and what they can do
next (correct it, pay, register someone else on the same phone), not the welcome; a correction
an officer asked for, reached from any message that asks for it; the payment-reminder offer
answered in words."""

from __future__ import annotations

import re

from bot.domain import Status, SubmissionView
from bot.flow.commands import on_fix, on_remind
from bot.flow.context import Context, Outcome
from bot.flow.moves import begin
from bot.flow.needs import Count, EventOf, MySubmissions
from bot.flow.state import Conversation, Step
from bot.flow.status import status_parts
from bot.i18n import N_
from bot.messages import Button, Msg, Part, Reply
from bot.payment import reminder_buttons
from bot.reading.answers import read_choice
from bot.reading.results import Value

# A submission's reference, as shown in every notice ("BPU-2026-000003").
REFERENCE = re.compile(r"\b[A-Za-z]{2,5}-\d{4}-\d{6}\b")
# Words asking for the correction an officer sent back ("perbaiki sekarang", "ubah").
FIX_WORDS = (
    "perbaiki",
    "perbaiki sekarang",
    "perbaikan",
    "ubah",
    "ubah data",
    "koreksi",
    "betulkan",
    "benerin",
    "edit",
    "ganti data",
)
ACTIVE = frozenset({Status.SUBMITTED, Status.NEEDS_FIX, Status.APPROVED})

OTHER_PERSON = Button(
    Msg(N_("Daftarkan orang lain")),
    "start:new",
    aliases=("daftar lagi", "daftar baru", "orang lain", "daftarkan orang lain"),
)


def fix_button(view: SubmissionView) -> Button:
    """The button that starts the correction of ``view`` (its label typed does too)."""
    ref = view.reference
    return Button(
        Msg(N_("Perbaiki {reference}"), {"reference": ref}),
        f"fix:{ref}",
        aliases=(*FIX_WORDS, *(f"{word} {ref}" for word in ("perbaiki", "ubah")), ref),
    )


def done_reply(conv: Conversation, ctx: Context) -> Reply:
    """After submitting: each submission's status and the next steps, with a button to correct
    one an officer sent back and one to register someone else on this phone."""
    views = ctx.fact(MySubmissions())
    if not views:
        return Reply(
            parts=(
                Msg(
                    N_("Pendaftaran Anda sudah terkirim dengan nomor <b>{reference}</b>."),
                    {"reference": conv.reference or "-"},
                ),
                Msg(
                    N_("Ketik /status untuk melihat statusnya, atau /bantuan jika perlu bantuan.")
                ),
            ),
            buttons=((OTHER_PERSON,),),
        )
    parts: list[Part] = [Msg(N_("Status pendaftaran Anda:"))]
    for view in views:
        parts.extend(status_parts(view, ctx.today, ctx.config.payment_channels))
    statuses = {view.status for view in views}
    if Status.NEEDS_FIX in statuses:
        parts.append(Msg(N_("Petugas meminta perbaikan: tekan <b>Perbaiki</b> di bawah.")))
    elif Status.SUBMITTED in statuses:
        parts.append(Msg(N_("Petugas sedang memeriksa data Anda, biasanya dalam 3 hari kerja.")))
    if not statuses & ACTIVE:
        parts.append(Msg(N_("Anda bisa mendaftar lagi.")))
        again = Button(Msg(N_("Daftar lagi")), "start:new", aliases=OTHER_PERSON.aliases)
        return Reply(parts=tuple(parts), buttons=((again,),))
    parts.append(
        Msg(N_("Untuk mendaftarkan orang lain dari HP ini, tekan <b>Daftarkan orang lain</b>."))
    )
    fixes = tuple((fix_button(v),) for v in views if v.status is Status.NEEDS_FIX)
    return Reply(parts=tuple(parts), buttons=(*fixes, (OTHER_PERSON,)))


def start_again(conv: Conversation, event_code: str | None, ctx: Context) -> Outcome:
    """/start (a reopened chat, an event's link, DAFTAR) with nothing in progress: the status
    and next steps to a worker with a submission under way or approved; otherwise, and to a
    worker whose submissions were all rejected or erased, a fresh registration."""
    if conv.step is Step.DONE or conv.reference is not None:
        views = ctx.fact(MySubmissions())
        if any(view.status in ACTIVE for view in views):
            done = Conversation(
                step=Step.DONE, lang=conv.lang, reference=conv.reference or views[0].reference
            )
            outcome = Outcome(done, [done_reply(done, ctx)])
            event = ctx.fact(EventOf(event_code)) if event_code else None
            if event is not None and event.open:
                outcome.effects.append(Count(event.code, "opened"))  # the link was opened
            return outcome
    return begin(conv, event_code, ctx)


def at_rest(conv: Conversation, text: str, ctx: Context) -> Outcome | None:
    """A typed message with nothing in progress: a correction asked for, a yes or no to the
    payment reminder, or a tap's label typed; None: the usual answer (the welcome, the
    status)."""
    views = ctx.fact(MySubmissions())
    fixes = [v for v in views if v.status is Status.NEEDS_FIX]
    named = {m.upper() for m in REFERENCE.findall(text)}
    for view in fixes:
        if view.reference in named:
            return on_fix(conv, view.reference, ctx)
    buttons = [fix_button(v) for v in fixes]
    if conv.step is Step.DONE:
        buttons.append(OTHER_PERSON)
    approved = next((v for v in views if v.status is Status.APPROVED), None)
    if approved is not None and not fixes:
        buttons.extend(b for row in reminder_buttons(approved.reference) for b in row)
    chosen = read_choice(text, buttons) if buttons else None
    if isinstance(chosen, Value):
        kind, _, value = chosen.value.partition(":")
        if kind == "fix":
            return on_fix(conv, value, ctx)
        if kind == "remind":
            return on_remind(conv, value, ctx)
        if kind == "start" and conv.step is Step.DONE:
            return begin(conv, None, ctx)
    if conv.step is Step.DONE or not fixes:
        return None
    return Outcome(conv, [done_reply(conv, ctx)])  # a correction waits: shown, not the welcome
