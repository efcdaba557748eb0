"""Typed answers read through the question's reader (bot.reading), handled the same way at
every question: a value answers it, a reading to confirm or several readings are offered for a
tap (bot.flow.offers), "later" pauses, a correction said in words goes to that question."""

from __future__ import annotations

from datetime import date

from bot.age import check_age
from bot.flow.buttons import NUMBERED_OVER
from bot.flow.context import Context, Outcome
from bot.flow.events import Answer, Press, Read, Text
from bot.flow.moves import goto, recent, retry, say, stale_tap
from bot.flow.offers import FIELD, PRESS, TEXT, Item, offer
from bot.flow.registry import REGISTRY, pending_buttons, question
from bot.flow.state import Conversation, Step
from bot.i18n import N_, format_rupiah
from bot.income import IncomeReading, Period
from bot.masking import mask_nik
from bot.messages import Button, Msg, Reply
from bot.nik import NikInfo
from bot.reading.answers import read_choice
from bot.reading.results import Ambiguous, Confirm, Correction, Later, Value
from bot.validation import Invalid

# Read-backs of the very answer a correction names: a new value there is a new answer, taken
# through that question's own checks at once (it offers its own confirmation where it needs one).
SAME_ANSWER = frozenset({Step.HOME_CONFIRM, Step.INCOME_CONFIRM})

LATER_NOTE = N_(
    "Baik, tidak apa-apa. Jawaban Anda sejauh ini sudah kami simpan. Kapan saja Anda siap, "
    "kirim pesan apa saja ke sini untuk melanjutkan."
)


def read_typed(conv: Conversation, text: str, ctx: Context, buttons: tuple[Button, ...]) -> object:
    """The pending question's reading of ``text`` (its own reader, else its buttons)."""
    declared = REGISTRY.by_step[conv.step]
    if declared.read is not None:
        return declared.read(text, conv, ctx, buttons)
    if buttons:
        return read_choice(text, buttons, declared.final, numbered=len(buttons) > NUMBERED_OVER)
    return None


def as_text(value: object) -> tuple[str, str] | None:
    """A read value as the text its question's own parser takes as it is, and as shown in a
    question (a NIK masked); None for a value that has no such text."""
    if isinstance(value, NikInfo):
        return value.nik, mask_nik(value.nik)
    if isinstance(value, date):
        written = value.strftime("%d-%m-%Y")
        return written, written
    if isinstance(value, str):
        return value, value
    return None


def offered_text(value: object) -> tuple[str, str] | None:
    """A read value as the text that answers its question, and as shown in "Maksud Anda …?"
    (a month's income too)."""
    if isinstance(value, IncomeReading) and value.period is Period.MONTH:
        return str(value.amount), format_rupiah(value.amount)
    return as_text(value)


def understand(
    conv: Conversation, text: str, ctx: Context, buttons: tuple[Button, ...]
) -> Outcome | Answer | None:
    """What the typed ``text`` is at the pending question: an answer for its handler, or an
    outcome already (an offer, a pause, a refusal, a correction); None: the handler reads it."""
    reading = read_typed(conv, text, ctx, buttons)
    if reading is None:
        return None
    if isinstance(reading, Invalid):
        return retry(conv, ctx, reading)
    if isinstance(reading, Later):
        return later(conv)
    if isinstance(reading, Correction):
        return correct(conv, reading, ctx)
    by_data = {b.data: b for b in buttons}
    if isinstance(reading, Value):
        if isinstance(reading.value, str) and reading.value in by_data:
            return Press(reading.value)
        typed = as_text(reading.value)
        return Text(typed[0]) if typed is not None else Read(reading.value)
    if isinstance(reading, Confirm):
        button = by_data.get(reading.value) if isinstance(reading.value, str) else None
        if button is None:
            return Read(reading)  # the question words its own confirmation
        if button.text.params:
            return Press(button.data)
        offer(conv, Item(PRESS, button.data, button.text.msgid, conv.step))
        return ask_offer(conv, ctx)
    if isinstance(reading, Ambiguous):
        return choices(conv, reading, ctx, by_data)
    return None


def choices(
    conv: Conversation, reading: Ambiguous[object], ctx: Context, by_data: dict[str, Button]
) -> Outcome | Answer:
    """Two or more readings: offered as buttons, only those."""
    offered: list[Item] = []
    for choice in reading.choices:
        if isinstance(choice, Correction):
            field = REGISTRY.field_by_name.get(choice.field)
            if field is not None:
                offered.append(Item(FIELD, field.name, field.label, conv.step))
        elif isinstance(choice, str) and choice in by_data and not by_data[choice].text.params:
            offered.append(Item(PRESS, choice, by_data[choice].text.msgid, conv.step))
        elif (typed := as_text(choice)) is not None:
            offered.append(Item(TEXT, typed[0], typed[1], conv.step))
    if len(offered) < 2:
        return Read(reading)
    offer(conv, *offered)
    return ask_offer(conv, ctx)


def ask_offer(conv: Conversation, ctx: Context) -> Outcome:
    """The offer, as the pending question."""
    return Outcome(conv, [question(conv, ctx)])


# Before the consent nothing is kept, so nothing is said to be saved.
LATER_BEFORE_CONSENT = N_(
    "Baik, tidak apa-apa. Kapan saja Anda siap, kirim pesan apa saja ke sini untuk mulai."
)


def later(conv: Conversation) -> Outcome:
    """ "Later": the draft stays as it is (no try counted); how to go on."""
    note = LATER_NOTE if conv.consent_at is not None else LATER_BEFORE_CONSENT
    return Outcome(conv, [Reply(parts=(Msg(note),))])


def go_to_field(conv: Conversation, field: str, ctx: Context) -> Outcome:
    """The question of ``field``; from the summary, its answer goes back to the summary."""
    move_to(conv, REGISTRY.field_step[field], ctx.today)
    return goto(conv, conv.step, ctx)


def move_to(conv: Conversation, step: str, today: date) -> None:
    """Answer ``step`` now, instead of the pending question (a correction)."""
    if conv.step is Step.SUMMARY or conv.return_to_summary:
        conv.return_to_summary = True
    if step is Step.HOME:
        conv.home_candidates, conv.home_place = [], None
    answers = conv.answers
    if conv.step is Step.NIK_CONFIRM and step is Step.SEX and answers.nik_birth_date is not None:
        # Only the sex is disputed: the NIK's birth date stands, under the same age rule.
        if isinstance(check_age(answers.nik_birth_date, today), Invalid):
            step = Step.BIRTH_DATE
        else:
            answers.birth_date = answers.nik_birth_date
    conv.step = step
    conv.tries = 0


def again_at(conv: Conversation, step: str, text: str, ctx: Context) -> Outcome:
    """``text`` read as the answer to ``step``'s question (a new answer given at a read-back)."""
    move_to(conv, step, ctx.today)
    return answer(conv, Text(text), ctx)


def answer(
    conv: Conversation, event: Answer, ctx: Context, *, read: bool = True, ack: Msg | None = None
) -> Outcome:
    """The pending question answered by ``event`` (a typed one read by its reader first, unless
    it is a reading already confirmed)."""
    buttons = pending_buttons(conv, ctx)
    if read and isinstance(event, Text):
        understood = understand(conv, event.text, ctx, buttons)
        if isinstance(understood, Outcome):
            return understood
        if understood is not None:
            event = understood
    if isinstance(event, Press):
        chosen = next((b for b in buttons if b.data == event.data), None)
        if chosen is None and recent(conv, ctx.now):
            return stale_tap(conv)
        if chosen is None:
            return say(conv, ctx, Msg(N_("Tombol itu sudah tidak berlaku. Jawab pertanyaan ini:")))
        ack = chosen.text
    handle = REGISTRY.by_step[conv.step].answer
    assert handle is not None  # only the idle and done steps have none (handled above)
    outcome = handle(conv, event, ctx)
    if ack is not None:
        outcome.ack = ack  # else what a handler understood from typed words, if it says
    return outcome


def correct(conv: Conversation, correction: Correction, ctx: Context) -> Outcome | Answer:
    """A correction named in words: to that question; a new value given with it is confirmed
    once ("Maksud Anda Tanggal lahir: 17-08-1985?"), or, at a read-back of that very answer,
    taken at once as a new answer."""
    if correction.field not in REGISTRY.field_step:
        return Read(correction)
    target = REGISTRY.field_step[correction.field]
    if correction.value is None:
        return go_to_field(conv, correction.field, ctx)
    if conv.step in SAME_ANSWER:
        return again_at(conv, target, correction.value, ctx)
    probe = conv.copy()
    probe.step, probe.offer = target, []
    buttons = pending_buttons(probe, ctx)
    reading = read_typed(probe, correction.value, ctx, buttons)
    field = REGISTRY.field_by_name[correction.field]
    item: Item | None = None
    if isinstance(reading, Value):
        button = next((b for b in buttons if b.data == reading.value), None)
        typed = offered_text(reading.value)
        if button is not None and not button.text.params:
            item = Item(PRESS, button.data, button.text.msgid, target)
        elif button is None and typed is not None:
            item = Item(TEXT, typed[0], typed[1], target, field.label)
    if item is None:
        return again_at(conv, target, correction.value, ctx)
    offer(conv, item)
    return ask_offer(conv, ctx)
