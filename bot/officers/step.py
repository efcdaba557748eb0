"""The officer desk as one pure function: ``step(state, event, context)``.

Like the worker flow (bot/flow/engine.py), it returns an outcome (the new dialog state, replies,
effects to apply in the transaction, pictures and an export to make after it) or a Need: a
look-up or write the runner (bot/runner.py) must answer first, after which it steps
again with the answer in ``context.facts``. Stepping is deterministic, so repeating it is safe.

Routing, in order:
1. an uploaded file: the /impor it was sent for, or a note that it was not read;
2. a command (typed, or a button naming one, like the queue's page buttons): run it; a command
   that opens a dialog (/acara_baru, a card's Setujui) replaces any open dialog;
3. in a dialog the officer may no longer finish (their role or branches changed since it
   began, or what it acts on left their scope): the dialog ends with a notice;
   otherwise typed text naming one of the pending question's buttons counts as tapping it;
   "Batal" ends the dialog; a tap on one of the question's own buttons, or typed text, is the
   dialog's answer;
4. a tap on a card's decision button or an event's close button opens that dialog;
5. any other tap (an old button) gets a clear answer and, in a dialog, its question again;
   typed text outside any dialog naming a decision button of the card shown last (/lihat, a
   queue's numbered button) counts as tapping it; any other is not for the desk (the worker
   flow answers it).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.domain import Role, Status
from bot.flow.events import Command, Press, Text
from bot.flow.needs import MissingFact, Need
from bot.i18n import N_
from bot.messages import Msg, Reply
from bot.officers import (
    access,
    admin,
    decisions,
    events,
    reports,
    review,
    rosters,
    sponsors,
    web,
)
from bot.officers.common import STALE, Family, as_press, ask, said
from bot.officers.context import DeskContext, DeskEvent, DeskOutcome, Upload
from bot.officers.state import DeskState, Dialog
from bot.officers.views import CANCEL, decision_buttons, text

Run = Callable[[DeskState, str, DeskContext], DeskOutcome]

COMMANDS: dict[str, Run] = {
    "antrean": review.queue,
    "lihat": review.view,
    "cari": review.search,
    "audit": review.audit_trail,
    "setujui": decisions.approve,
    "tolak": decisions.reject,
    "perbaikan": decisions.request_fix,
    "acara_baru": events.begin,
    "acara": events.list_events,
    "sponsor_baru": sponsors.begin,
    "sponsor": sponsors.report,
    "sponsor_jenis": sponsors.change_type,
    "statistik": reports.statistics,
    "ekspor": reports.export,
    "impor": reports.ask_import,
    "roster_impor": rosters.begin,
    "roster": rosters.list_rosters,
    "roster_slip": rosters.slips,
    "roster_undang": rosters.invite,
    "petugas": admin.list_officers,
    "cabang": admin.list_branches,
    "petugas_tambah": admin.add_officer,
    "petugas_hapus": admin.remove_officer,
    "masuk": web.sign_in_link,
    "keluar": web.sign_out,
    "akses_sponsor": access.sponsor_access,
    "sponsor_nik": access.nik_agreement,
}
ADMIN_ONLY = frozenset({"petugas", "petugas_tambah", "petugas_hapus", "cabang"})
NO_LONGER = N_(
    "Peran atau cabang Anda sudah berubah, jadi isian ini tidak bisa diselesaikan dan "
    "dibatalkan. Tidak ada yang disimpan."
)


def starter(status: Status) -> Run:
    """A card's decision button."""
    return lambda state, args, ctx: decisions.start(state, status, args, ctx)


# Buttons valid whatever dialog is open: each opens its own dialog.
OPENERS: dict[str, Run] = {
    "d_setujui": starter(Status.APPROVED),
    "d_tolak": starter(Status.REJECTED),
    "d_perbaikan": starter(Status.NEEDS_FIX),
    "acara_tutup": events.close_event,
}
FAMILIES = (
    decisions.FAMILY,
    events.FAMILY,
    events.CLOSING,
    sponsors.FAMILY,
    reports.FAMILY,
    rosters.FAMILY,
)
FAMILY_OF = {dialog: family for family in FAMILIES for dialog in family.dialogs}


def desk_event(command: str, args: str) -> Command | Press:
    """An officer's (command, args), typed or from an 'off:' button, as the step takes it."""
    if command in COMMANDS:
        return Command(command, args)
    return Press(f"off:{command}:{args}")


def step(state: DeskState, event: DeskEvent, ctx: DeskContext) -> DeskOutcome | Need[Any]:
    """Apply one event to a copy of ``state``."""
    try:
        return _step(state.copy(), event, ctx)
    except MissingFact as missing:
        return missing.need


# Questions answered in the officer's own words (a reason, a note, a name): typed text is the
# answer unless it is a button's label, alias or number exactly ("NIK ganda" is a reason of
# the officer's, not the "NIK tidak sesuai" button).
OWN_WORDS = frozenset(
    {
        Dialog.REJECT_REASON,
        Dialog.FIX_NOTE,
        Dialog.EVENT_NAME,
        Dialog.EVENT_PLACE,
        Dialog.SPONSOR_NAME,
    }
)


def _step(state: DeskState, event: DeskEvent, ctx: DeskContext) -> DeskOutcome:
    if isinstance(event, Upload):
        return uploaded(state, event, ctx)
    if isinstance(event, Command):
        return command(state, event.name, event.args.strip(), ctx)
    family = FAMILY_OF.get(state.dialog) if state.dialog is not None else None
    if family is None:
        if isinstance(event, Text):
            press = on_card(state, event.text)
            if press is None:
                return DeskOutcome(state, declined=True)
            if isinstance(press, Reply):
                return said(state, press)  # asked once: the button itself confirms
            event = press
        return elsewhere(state, event, ctx, None)
    if not family.holds(state, ctx):
        return said(DeskState(), text(NO_LONGER))
    asked = family.question(state, ctx)
    if isinstance(event, Text):
        press = as_press(event.text, asked, own_words=state.dialog in OWN_WORDS)
        if press is None:
            return family.answer(state, event, ctx)
        if isinstance(press, Reply):
            return said(state, press)  # asked once: the button itself confirms
        event = press
    if event.data == CANCEL.data:
        return said(DeskState(), text(family.cancelled))
    if any(button.data == event.data for button in asked.all_buttons):
        return family.answer(state, event, ctx)
    return elsewhere(state, event, ctx, family)


def on_card(state: DeskState, typed: str) -> Press | Reply | None:
    """Typed text outside a dialog, read against the decision buttons of the card shown last
    (under the rule for buttons that act for good: exact acts, inexact is asked once); None when
    no card is remembered or the text names none of its buttons (the worker flow answers it)."""
    if not state.idle or state.card is None:
        return None
    return as_press(typed, Reply(parts=(), buttons=decision_buttons(state.card)))


def command(state: DeskState, name: str, args: str, ctx: DeskContext) -> DeskOutcome:
    """A command, if this officer may use it (whatever it shows replaces the card shown last)."""
    state.card = None
    run = COMMANDS.get(name)
    if run is None:
        return said(state, text(N_("Perintah petugas tidak dikenal.")))
    if name in ADMIN_ONLY and ctx.officer.role is not Role.ADMIN:
        return said(state, text(N_("Perintah ini hanya untuk admin.")))
    return run(state, args, ctx)


def elsewhere(
    state: DeskState, event: Press, ctx: DeskContext, family: Family | None
) -> DeskOutcome:
    """A tap that is not an answer to the pending question: a dialog opener, or an old button."""
    _, name, args = [*event.data.split(":", 2), "", ""][:3]
    if name in OPENERS:
        return OPENERS[name](state, args, ctx)
    if family is not None:
        return ask(state, family.question, ctx, Msg(STALE))
    return said(
        state,
        Reply(
            parts=(Msg(STALE), Msg(N_("Tidak ada yang sedang diisi. Ketik /antrean atau /lihat.")))
        ),
    )


def uploaded(state: DeskState, upload: Upload, ctx: DeskContext) -> DeskOutcome:
    """A spreadsheet: the awaited /roster_impor or /impor file (or one captioned /impor), else
    not read."""
    if state.dialog is Dialog.ROSTER_FILE:
        return rosters.apply_import(state, upload, ctx)
    if upload.for_import or state.dialog in reports.FAMILY.dialogs:
        return reports.apply_import(state, upload, ctx)
    notice = Msg(N_("Berkas ini tidak dibaca. Untuk mengimpor keputusan, kirim /impor dulu."))
    family = FAMILY_OF.get(state.dialog) if state.dialog is not None else None
    if family is not None:
        return ask(state, family.question, ctx, notice)
    return said(state, Reply(parts=(notice,)))
