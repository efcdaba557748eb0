"""The registration flow as one pure function: ``step(conversation, incoming, context)``.

It returns an Outcome (new state, replies) or a Need: something the runner must look up or write
first (a duplicate-NIK check, storing the submission). The runner then steps again with the answer
in ``context.facts``; stepping is deterministic, so repeating it is safe.
"""

from __future__ import annotations

from bot.flow.buttons import match_button
from bot.flow.commands import GLOBAL_PRESSES, on_command
from bot.flow.context import Context, Outcome
from bot.flow.events import Command, Document, Incoming, Press, Repeat, Text, Unsupported
from bot.flow.moves import begin, paused, recent, say, stale_tap, welcome_back
from bot.flow.needs import (
    MissingFact,
    Need,
)
from bot.flow.questions import REGISTRY
from bot.flow.registry import pending_buttons
from bot.flow.state import Conversation, Step
from bot.i18n import N_
from bot.messages import Msg


def step(conv: Conversation, event: Incoming, ctx: Context) -> Outcome | Need[object]:
    """Apply one incoming event to a copy of ``conv``."""
    try:
        return _step(conv.copy(), event, ctx)
    except MissingFact as missing:
        return missing.need


def _step(conv: Conversation, event: Incoming, ctx: Context) -> Outcome:
    if isinstance(event, Repeat):
        return say(conv, ctx)
    if isinstance(event, Command):
        return on_command(conv, event, ctx)
    if isinstance(event, Unsupported) and event.kind == "edited":
        notice = N_("Pesan yang diubah tidak kami baca. Kirim jawaban Anda sebagai pesan baru.")
        return say(conv, ctx, Msg(notice))
    if isinstance(event, Unsupported | Document):
        return say(conv, ctx, Msg(N_("Maaf, kami hanya bisa membaca teks dan tombol.")))
    if isinstance(event, Press):
        kind, _, value = event.data.partition(":")
        if kind in GLOBAL_PRESSES:
            return GLOBAL_PRESSES[kind](conv, value, ctx)
    if conv.step is Step.IDLE:
        if isinstance(event, Press) and recent(conv, ctx.now):
            return stale_tap(conv)
        return begin(conv, conv.event_code, ctx)
    if conv.step is Step.DONE:
        return (
            stale_tap(conv)
            if isinstance(event, Press) and recent(conv, ctx.now)
            else say(conv, ctx)
        )
    if paused(conv, ctx.now) and not isinstance(event, Press):
        return welcome_back(conv, ctx)

    buttons = pending_buttons(conv, ctx)
    if isinstance(event, Text) and buttons:
        match = match_button(event.text, buttons)
        if match is not None:
            event = Press(match.data)
    ack = None
    if isinstance(event, Press):
        chosen = next((b for b in buttons if b.data == event.data), None)
        if chosen is None and recent(conv, ctx.now):
            return stale_tap(conv)
        if chosen is None:
            return say(conv, ctx, Msg(N_("Tombol itu sudah tidak berlaku. Jawab pertanyaan ini:")))
        ack = chosen.text
    answer = REGISTRY.by_step[conv.step].answer
    assert answer is not None  # only the idle and done steps have none (handled above)
    outcome = answer(conv, event, ctx)
    if ack is not None:
        outcome.ack = ack  # else what a handler understood from typed words, if it says
    return outcome
