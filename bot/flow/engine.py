"""The registration flow as one pure function: ``step(conversation, incoming, context)``.

It returns an Outcome (new state, replies) or a Need: something the runner must look up or write
first (a duplicate-NIK check, storing the submission). The runner then steps again with the answer
in ``context.facts``; stepping is deterministic, so repeating it is safe.
"""

from __future__ import annotations

from bot.flow.commands import EVENT_CODE, GLOBAL_PRESSES, erase_in_words, on_command
from bot.flow.context import Context, Outcome
from bot.flow.events import (
    Answer,
    Command,
    Document,
    Incoming,
    Press,
    Repeat,
    SharedContact,
    Text,
    Unsupported,
)
from bot.flow.moves import begin, goto, paused, recent, say, stale_tap, welcome_back
from bot.flow.needs import (
    MissingFact,
    Need,
)
from bot.flow.offers import FIELD, PICK, PRESS, items, shown
from bot.flow.questions import invitation
from bot.flow.reading import answer, go_to_field, later, move_to
from bot.flow.registry import question
from bot.flow.returning import at_rest, start_again
from bot.flow.state import AT_REST, Conversation, Step
from bot.i18n import N_
from bot.messages import Msg
from bot.reading.answers import read_choice
from bot.reading.results import Later, Value


def step(conv: Conversation, event: Incoming, ctx: Context) -> Outcome | Need[object]:
    """Apply one incoming event to a copy of ``conv``."""
    try:
        return _step(conv.copy(), event, ctx)
    except MissingFact as missing:
        return missing.need


def _step(conv: Conversation, event: Incoming, ctx: Context) -> Outcome:
    if isinstance(event, Repeat):
        return say(conv, ctx)
    if isinstance(event, Command) and event.name.lower() == "start" and invited(conv):
        opened = invitation.start(conv, event.args, ctx)
        if opened is None and not event.args.strip() and conv.step is Step.IDLE:
            opened = invitation.by_number(conv, ctx)
        if opened is not None:
            return opened
    if isinstance(event, Command) and event.name.lower() == "start" and conv.step in AT_REST:
        if conv.step is not Step.CONFIRM_CANCEL:
            code = event.args.strip()
            return start_again(conv, code if EVENT_CODE.fullmatch(code) else None, ctx)
    if isinstance(event, Command):
        return on_command(conv, event, ctx)
    if isinstance(event, Unsupported) and event.kind == "edited":
        notice = N_("Pesan yang diubah tidak kami baca. Kirim jawaban Anda sebagai pesan baru.")
        return say(conv, ctx, Msg(notice))
    if isinstance(event, Unsupported | Document):
        return say(conv, ctx, Msg(N_("Maaf, kami hanya bisa membaca teks dan tombol.")))
    if isinstance(event, Text) and conv.erase_token is not None:
        erased = erase_in_words(conv, event.text, ctx)
        if erased is not None:
            return erased
    if isinstance(event, Press):
        kind, _, value = event.data.partition(":")
        if kind in GLOBAL_PRESSES:
            return GLOBAL_PRESSES[kind](conv, value, ctx)
    if conv.step in (Step.IDLE, Step.DONE) and isinstance(event, Text):
        answered = at_rest(conv, event.text, ctx)
        if answered is not None:
            return answered
    if conv.step is Step.IDLE:
        if isinstance(event, Press) and recent(conv, ctx.now):
            return stale_tap(conv)
        opened = invitation.by_number(conv, ctx) if isinstance(event, Text) else None
        return opened or begin(conv, conv.event_code, ctx)
    if conv.step is Step.DONE:
        return (
            stale_tap(conv)
            if isinstance(event, Press) and recent(conv, ctx.now)
            else say(conv, ctx)
        )
    if paused(conv, ctx.now) and not isinstance(event, Press):
        return welcome_back(conv, ctx)

    assert isinstance(event, Text | Press | SharedContact)  # the rest were answered above
    given: Answer = event
    if conv.offer:
        picked = on_offer(conv, given, ctx)
        if isinstance(picked, Outcome):
            return picked
        given, read, ack = picked
    else:
        read, ack = True, None
    return answer(conv, given, ctx, read=read, ack=ack)


def invited(conv: Conversation) -> bool:
    """A personal code may start here: nothing in progress, or nothing consented to yet (the
    welcome of a registration or of another invitation: nothing of theirs is kept to lose)."""
    if conv.step is Step.CONFIRM_CANCEL:
        return False
    return conv.step in AT_REST or conv.consent_at is None


def on_offer(
    conv: Conversation, event: Answer, ctx: Context
) -> Outcome | tuple[Answer, bool, Msg | None]:
    """An answer while a reading is offered: a tap on it (or its words), its "Bukan", or
    anything else: the offer is dropped and the answer goes to the question."""
    offered = items(conv)
    data = event.data if isinstance(event, Press) else None
    if isinstance(event, Text):
        chosen = read_choice(event.text, question(conv, ctx).all_buttons)
        if isinstance(chosen, Later):
            return later(conv)
        if isinstance(chosen, Value):
            data = chosen.value
    conv.offer = []
    kind, _, pick = (data or "").partition(":")
    if kind != PICK or not (pick == "no" or (pick.isdigit() and int(pick) < len(offered))):
        return event, True, None
    if pick == "no":
        if offered[0].step != conv.step:
            move_to(
                conv, offered[0].step, ctx.today
            )  # the value was misread: that question, to type it
            return goto(conv, conv.step, ctx)
        return say(conv, ctx)
    item = offered[int(pick)]
    if item.kind == FIELD:
        return go_to_field(conv, item.payload, ctx)
    if item.step != conv.step:
        move_to(conv, item.step, ctx.today)
    if item.kind == PRESS:
        return Press(item.payload), False, None
    return Text(item.payload), False, shown(item)
