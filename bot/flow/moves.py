"""Moving between steps: ask the next question, re-ask after a wrong answer, resume, begin."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta

from bot.fields import SponsorChoice
from bot.flow.context import Context, Outcome
from bot.flow.events import Answer, Text
from bot.flow.needs import (
    Count,
    EventOf,
    SponsorFor,
)
from bot.flow.registry import REGISTRY, Handler, question
from bot.flow.state import Conversation, Step, in_progress
from bot.i18n import N_
from bot.messages import Button, Msg, Param, Part
from bot.validation import Invalid
from bot.yes_no import read_yes_no

CHOOSE = Invalid(N_("Pilih salah satu tombol, atau ketik jawabannya."))
ECHO_LIMIT = 60  # characters of the worker's text shown back

# A worker back after this long is greeted and shown the pending question before answering it.
RESUME_AFTER = timedelta(hours=1)
HELP_AFTER_TRIES = 3

# --- moving between steps ----------------------------------------------------------------------


def goto(conv: Conversation, step: str, ctx: Context, *notices: Part) -> Outcome:
    """Move to ``step`` and ask its question, after any notices."""
    conv.step = step
    conv.tries = 0
    if step is Step.SUMMARY:
        conv.return_to_summary = False
    return ask(conv, ctx, notices, short=False)


def say(conv: Conversation, ctx: Context, *notices: Part) -> Outcome:
    """Notices followed by the pending question, as one message (a command or an aside answered,
    then the same question again, in its short form)."""
    return ask(conv, ctx, notices, short=True)


def ask(conv: Conversation, ctx: Context, notices: tuple[Part, ...], *, short: bool) -> Outcome:
    """Notices, then the pending question (in its short form when asked again)."""
    asked = question(conv, ctx, short=short)
    return Outcome(conv, [asked.after(*notices)])


def retry(conv: Conversation, ctx: Context, invalid: Invalid) -> Outcome:
    """A wrong answer: what was wrong, help after repeated tries, and the same question."""
    conv.tries += 1
    notices: list[Part] = [Msg(invalid.msgid, dict(invalid.params))]
    if conv.tries >= HELP_AFTER_TRIES:
        notices.append(
            Msg(N_("Kesulitan? Ketik /bantuan, atau minta bantuan petugas BPJS Ketenagakerjaan."))
        )
    return say(conv, ctx, *notices)


def unclear(event: Answer, *choices: str) -> Invalid:
    """The refusal of a yes/no question's answer, saying what was read in a typed one;
    ``choices``: the labels (msgids) of a question whose buttons are not a yes and a no, named
    in the refusal instead ("Kirim, Ubah atau Batal?")."""
    if not isinstance(event, Text) or not event.text.strip():
        return CHOOSE
    shown: dict[str, Param] = {"text": " ".join(event.text.split())[:ECHO_LIMIT]}
    if read_yes_no(event.text).mixed:
        return Invalid(
            N_("“{text}” berisi ya dan tidak sekaligus. Pilih salah satu tombol."), shown
        )
    if choices:
        return Invalid(
            N_("“{text}” belum jelas bagi kami: {choices}? Pilih salah satu tombol."),
            {**shown, "choices": either(choices)},
        )
    return Invalid(
        N_("“{text}” belum jelas bagi kami: ya atau tidak? Pilih salah satu tombol."), shown
    )


def either(choices: tuple[str, ...]) -> Msg:
    """Labels (msgids) as one choice: "Kirim, Ubah atau Batal"."""
    said = Msg(choices[-1])
    for at, label in enumerate(reversed(choices[:-1])):
        joined = N_("{first} atau {rest}") if at == 0 else N_("{first}, {rest}")
        said = Msg(joined, {"first": Msg(label), "rest": said})
    return said


def finish(conv: Conversation, ctx: Context, *notices: Part) -> Outcome:
    """The current field is answered: go to the next field, the next correction, or the summary."""
    if conv.fix_fields:
        target = REGISTRY.field_step[conv.fix_fields.pop(0)]
    elif conv.fix_reference or conv.return_to_summary:
        target = Step.SUMMARY
    else:
        target = REGISTRY.next_step(conv)
    if REGISTRY.by_step[target].shows_sponsor:
        # Its amounts depend on who pays JKK + JKM: the sponsor is looked up (again) just
        # before, so it shows as it is then (a quota may fill meanwhile; the submission checks
        # it once more).
        sponsor_sees(conv, ctx)
    return goto(conv, target, ctx, *notices)


def sponsor_sees(conv: Conversation, ctx: Context) -> None:
    """Once home and occupation are known (or change), find who pays JKK + JKM, if anyone."""
    answers = conv.answers
    if answers.home_code is None or answers.occupation is None:
        return
    if conv.invite_code is not None:  # the roster's sponsor pays, whatever else would
        return
    sponsor = ctx.fact(SponsorFor(conv.event_code, answers.home_code, answers.occupation))
    answers.sponsor = None
    answers.sponsor_full = None
    if sponsor is None:
        return
    if sponsor.remaining > 0:
        answers.sponsor = SponsorChoice(sponsor.id, sponsor.name, sponsor.payer)
    else:
        answers.sponsor_full = sponsor.name


def typed(field: str, clean: Callable[[str], str | Invalid], missing: str) -> Handler:
    """A handler for a field answered by typing, cleaned by ``clean``."""

    def handle(conv: Conversation, event: Answer, ctx: Context) -> Outcome:
        if not isinstance(event, Text):
            return retry(conv, ctx, Invalid(missing))
        value = clean(event.text)
        if isinstance(value, Invalid):
            return retry(conv, ctx, value)
        REGISTRY.field_by_name[field].keep(conv.answers, value)
        return finish(conv, ctx)

    return handle


def paused(conv: Conversation, now: datetime) -> bool:
    """The worker left a registration half-way and comes back much later."""
    if not in_progress(conv.step) or conv.updated_at is None:
        return False
    return now - datetime.fromisoformat(conv.updated_at) >= RESUME_AFTER


def recent(conv: Conversation, now: datetime) -> bool:
    """The last update was a moment ago: the worker's latest message is right in front of them."""
    return conv.updated_at is not None and now - datetime.fromisoformat(conv.updated_at) < (
        RESUME_AFTER
    )


def stale_tap(conv: Conversation) -> Outcome:
    """A tap on a button already answered (a double tap, a slow phone tapping twice) or on an
    old question: a short notice on the button, no second message (the question is the last
    message in the chat)."""
    return Outcome(conv, [], toast=Msg(N_("Sudah dijawab. Lihat pertanyaan terakhir di bawah.")))


def welcome_back(conv: Conversation, ctx: Context) -> Outcome:
    """Offer to continue where the worker stopped, or to start over."""
    outcome = say(conv, ctx, Msg(N_("Selamat datang kembali! Lanjutkan pendaftaran Anda:")))
    restart = (Button(Msg(N_("Mulai dari awal")), "restart:yes"),)
    outcome.replies[0] = replace(
        outcome.replies[0], buttons=(*outcome.replies[0].buttons, restart)
    )
    return outcome


def begin(conv: Conversation, event_code: str | None, ctx: Context) -> Outcome:
    """A fresh registration: only the step, the event code and the time are kept until consent."""
    notices: list[Part] = []
    event = ctx.fact(EventOf(event_code)) if event_code else None
    if event_code and (event is None or not event.open):
        notices.append(
            Msg(
                N_(
                    "Tautan acara itu tidak dikenal atau acaranya sudah ditutup. Anda tetap bisa "
                    "mendaftar di sini."
                )
            )
        )
        event_code = None
    fresh = Conversation(step=Step.CONSENT, event_code=event_code, lang=conv.lang)
    outcome = goto(fresh, Step.CONSENT, ctx, *notices)
    if event_code:
        outcome.effects.append(Count(event_code, "opened"))
    return outcome


def ask_cancel(conv: Conversation, ctx: Context) -> Outcome:
    """Ask before throwing a draft away."""
    conv.resume_step = conv.step
    return goto(conv, Step.CONFIRM_CANCEL, ctx)
