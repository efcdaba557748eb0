"""Decisions: /setujui, /tolak, /perbaikan typed in full, the same from a card's buttons (a short
dialog: KPJ, fields, reason or note, then a preview of the worker's message), and
``apply_decision``, the one way a decision is made (decide → audit → notify the worker)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from bot.domain import Decision, DecisionResult, Status, Submission
from bot.flow.events import Press, Text
from bot.flow.needs import Effect
from bot.flow.questions import REGISTRY
from bot.i18n import N_
from bot.masking import redact
from bot.messages import Button, Msg, Reply
from bot.officers.common import (
    CHOOSE,
    Answer,
    Family,
    ask,
    button_args,
    first_word,
    number,
    problem,
    retry,
    said,
)
from bot.officers.context import DeskContext, DeskOutcome
from bot.officers.needs import (
    Audit,
    CardNotesOf,
    Decide,
    EraseRejected,
    Notify,
    OfficerOf,
    Order,
    SubmissionOf,
)
from bot.officers.state import DECIDING, DecisionForm, DeskState, Dialog
from bot.officers.views import (
    CANCEL,
    ECHO_LIMIT,
    STATUS_LABELS,
    already_decided,
    labels_in_all_languages,
    not_found,
    shorten,
    text,
    toggles,
    worker_notice,
)
from bot.payment import REMIND_OFFER
from bot.reading.officers import read_reason
from bot.reading.results import Ambiguous, Confirm, Value
from bot.validation import Invalid

# The preview's button that sends a decision (the web desk presses it for its own forms).
SEND_DECISION = "off:d_kirim:"
REJECT_REASONS = (
    N_("NIK tidak sesuai dengan KTP"),
    N_("Data tidak lengkap atau tidak jelas"),
    N_("Sudah terdaftar sebagai peserta aktif"),
    N_("Pekerja penerima upah, bukan BPU"),
    N_("Usia di luar ketentuan kepesertaan"),
)
FIX_NOTES = (
    N_("Tidak sesuai dengan KTP"),
    N_("Belum lengkap"),
    N_("Salah ketik atau tidak terbaca"),
)
NOTE_LIMIT = 300
KPJ_SEPARATORS = re.compile(r"[\s.\-]")

# --- checking what officers type ------------------------------------------------------------


def check_kpj(typed: str, length: int) -> str | Invalid:
    """A KPJ card number: ``length`` ASCII digits (spaces, dots and dashes between are dropped)."""
    kpj = KPJ_SEPARATORS.sub("", typed)
    if kpj.isascii() and kpj.isdigit() and len(kpj) == length:
        return kpj
    return Invalid(
        N_("Nomor KPJ harus {length} angka; yang Anda tulis: {kpj}"),
        {"length": length, "kpj": shorten(typed, ECHO_LIMIT)},
    )


def field_named(word: str) -> str | None:
    """The field an officer means: a /perbaikan word ("tgl_lahir") or its label ("Tanggal lahir",
    in either language)."""
    typed = " ".join(word.casefold().replace("_", " ").split())
    for f in REGISTRY.fields:
        if not f.correctable:
            continue
        names = {w.replace("_", " ") for w in f.words}
        names.update(label.casefold() for label in labels_in_all_languages(f.label))
        if typed in names:
            return f.name
    return None


def parse_fields(words: str) -> tuple[str, ...] | Invalid:
    """'nama,alamat' (or 'Nama, Tanggal lahir') → ('name', 'address')."""
    fields = []
    for word in (w.strip() for w in words.split(",")):
        if not word:
            continue
        field = field_named(word)
        if field is None:
            return Invalid(
                N_("Bagian \u201c{word}\u201d tidak dikenal. Pilih dari: {choices}"),
                {
                    "word": shorten(word, ECHO_LIMIT),
                    "choices": ", ".join(sorted(REGISTRY.field_words)),
                },
            )
        fields.append(field)
    if not fields:
        return Invalid(N_("Pilih minimal satu bagian."))
    return tuple(sorted(set(fields), key=REGISTRY.correctable.index))


def decision_detail(decision: Decision) -> str:
    """The audit line of a decision."""
    if decision.status is Status.APPROVED:
        return f"KPJ {decision.kpj}"
    fields = ",".join(decision.fix_fields)
    return f"{fields} {decision.note or ''}".strip()


# --- the one way a decision is made ----------------------------------------------------------


# Told once, in the rejection of a submission whose worker asked for erasure while it was
# pending (docs/identity.md): it is anonymised as the notice is queued.
ERASED_AS_ASKED = N_("Sesuai permintaan Anda, data pendaftaran ini sudah kami hapus.")


def apply_decision(
    ctx: DeskContext, orders: Sequence[Order], *, via: str = "", source: str = ""
) -> tuple[tuple[DecisionResult, ...], list[Effect]]:
    """Decide (each only if the submission still waits), then, for each one applied, audit it
    and queue the worker's notice through the outbox, once, in the same transaction.

    ``via`` names where the decisions came from in the audit's action ("impor"; "" for a
    button or a command), ``source`` what they came with (the imported file's name).
    """
    # An officer's own words (a reason, a note) are kept and sent with NIKs and phone numbers
    # masked: they end up in the submission, the audit trail and the worker's notice.
    orders = [
        replace(o, decision=replace(o.decision, note=redact(o.decision.note)))
        if o.decision.note
        else o
        for o in orders
    ]
    results = ctx.fact(Decide(tuple(orders)))
    effects: list[Effect] = []
    for order, result in zip(orders, results, strict=True):
        sub = result.submission
        if not result.applied or sub is None:
            continue
        action = f"{via} {order.decision.status}".strip()
        detail = decision_detail(order.decision)
        effects.append(
            Audit(action, sub.reference, f"{detail} · {redact(source)}" if source else detail)
        )
        notice = worker_notice(sub, ctx.today, ctx.config.payment_channels)
        if result.erase:
            notice = replace(notice, parts=(*notice.parts, Msg(ERASED_AS_ASKED)))
        effects.append(Notify(sub.channel, sub.user_id, notice, sub.reference))
        if result.erase:  # after the notice: it still goes out, once
            effects.append(EraseRejected(sub.reference))
    return results, effects


def decider(sub: Submission, ctx: DeskContext) -> str:
    """Who decided a submission, by name when known."""
    if not sub.decided_by:
        return "-"
    officer = ctx.fact(OfficerOf(sub.decided_by))
    return officer.shown if officer is not None else sub.decided_by


def decide(state: DeskState, ctx: DeskContext, reference: str, decision: Decision) -> DeskOutcome:
    """Apply one decision and say what happened; a decision dialog on it is over."""
    reference = reference.upper()
    (result,), effects = apply_decision(ctx, [Order(reference, decision)])
    sub = result.submission
    form = state.form
    if isinstance(form, DecisionForm) and form.reference == reference:
        state = DeskState()
    if sub is None:
        return said(state, not_found(reference))
    if not result.applied:
        return said(state, already_decided(sub, decider(sub, ctx)))
    done = text(
        N_("{reference}: {status}. Pekerja akan diberi tahu."),
        reference=reference,
        status=Msg(STATUS_LABELS[decision.status]),
    )
    return DeskOutcome(state, [done], effects=effects)


# --- the typed commands ----------------------------------------------------------------------


def approve(state: DeskState, args: str, ctx: DeskContext) -> DeskOutcome:
    """/setujui <ref> <KPJ>."""
    words = args.split()
    if len(words) != 2:
        return said(state, text(N_("Tulis: /setujui <nomor pendaftaran> <nomor KPJ>")))
    kpj = check_kpj(words[1], ctx.config.kpj_length)
    if isinstance(kpj, Invalid):
        return said(state, Reply(parts=(problem(kpj),)))
    return decide(state, ctx, words[0], Decision(Status.APPROVED, kpj=kpj))


def reject(state: DeskState, args: str, ctx: DeskContext) -> DeskOutcome:
    """/tolak <ref> <reason...>."""
    reference, _, reason = args.strip().partition(" ")
    if not reason.strip():
        return said(state, text(N_("Tulis: /tolak <nomor pendaftaran> <alasan>")))
    decision = Decision(Status.REJECTED, note=reason.strip()[:NOTE_LIMIT])
    # A preset typed as it is (in any case, with particles) is that preset; the officer's own
    # words are matched to the closest one in the card's dialog, where they can be confirmed.
    matched = matched_reason(DecisionForm(reference, Status.REJECTED, note=decision.note))
    if isinstance(matched, Value):
        decision = replace(decision, note=REJECT_REASONS[matched.value])
    return decide(state, ctx, reference, decision)


def request_fix(state: DeskState, args: str, ctx: DeskContext) -> DeskOutcome:
    """/perbaikan <ref> <field[,field]> <note...>."""
    parts = args.split(maxsplit=2)
    if len(parts) < 3:
        return said(state, text(N_("Tulis: /perbaikan <nomor pendaftaran> <bagian> <catatan>")))
    fields = parse_fields(parts[1])
    if isinstance(fields, Invalid):
        return said(state, Reply(parts=(problem(fields),)))
    decision = Decision(Status.NEEDS_FIX, note=parts[2].strip()[:NOTE_LIMIT], fix_fields=fields)
    return preview_first(state, ctx, parts[0], decision)


def preview_first(
    state: DeskState, ctx: DeskContext, reference: str, decision: Decision
) -> DeskOutcome:
    """A typed correction request: the worker's message shown first (its fields and note are
    longer to check than a KPJ or a reason), sent with "Kirim keputusan" as from a card."""
    sub = ctx.fact(SubmissionOf(reference.upper()))
    if sub is None:
        return said(state, not_found(reference.upper()))
    if sub.status is not Status.SUBMITTED:
        return said(state, already_decided(sub, decider(sub, ctx)))
    form = DecisionForm(
        sub.reference,
        decision.status,
        kpj=decision.kpj,
        fields=list(decision.fix_fields),
        note=decision.note,
    )
    return ask(DeskState(Dialog.PREVIEW, form), question, ctx)


# --- from a card: the dialog -----------------------------------------------------------------

FIRST_QUESTION = {
    Status.APPROVED: Dialog.APPROVE_KPJ,
    Status.REJECTED: Dialog.REJECT_REASON,
    Status.NEEDS_FIX: Dialog.FIX_FIELDS,
}


def start(state: DeskState, status: Status, args: str, ctx: DeskContext) -> DeskOutcome:
    """A decision button on a card: open the dialog for that submission (any other dialog ends)."""
    reference = first_word(args)
    sub = ctx.fact(SubmissionOf(reference))
    if sub is None:
        return said(state, not_found(reference))
    if sub.status is not Status.SUBMITTED:
        return said(state, already_decided(sub, decider(sub, ctx)))
    fresh = DeskState(FIRST_QUESTION[status], DecisionForm(sub.reference, status))
    return ask(fresh, question, ctx)


def question(state: DeskState, ctx: DeskContext) -> Reply:
    """The dialog's pending question."""
    form = state.form_as(DecisionForm)
    reference = form.reference
    if state.dialog is Dialog.APPROVE_KPJ:
        return Reply(
            parts=(
                Msg(
                    N_("Ketik nomor KPJ ({length} angka) untuk {reference}."),
                    {"length": ctx.config.kpj_length, "reference": reference},
                ),
            ),
            buttons=((CANCEL,),),
        )
    if state.dialog is Dialog.FIX_FIELDS:
        labels = {f.name: f.label for f in REGISTRY.fields if f.correctable}
        rows = toggles(labels, form.fields, "d_bagian")
        rows.append((Button(Msg(N_("Lanjut")), "off:d_lanjut:"), CANCEL))
        ask_fields = N_("Bagian mana yang harus diperbaiki di {reference}?")
        return Reply(parts=(Msg(ask_fields, {"reference": reference}),), buttons=tuple(rows))
    if state.dialog is Dialog.PREVIEW:
        return preview(form, ctx)
    reasons = REJECT_REASONS if form.status is Status.REJECTED else FIX_NOTES
    closest = matched_reason(form)
    if isinstance(closest, Confirm | Ambiguous):
        return closest_reasons(form, reasons, closest)
    rows = [(Button(Msg(reason), f"off:d_alasan:{i}"),) for i, reason in enumerate(reasons)]
    rows.append((CANCEL,))
    asked = (
        N_("Pilih alasan penolakan {reference}, atau ketik alasan lain.")
        if form.status is Status.REJECTED
        else N_("Pilih catatan untuk pekerja, atau ketik catatan lain.")
    )
    return Reply(parts=(Msg(asked, {"reference": reference}),), buttons=tuple(rows))


def matched_reason(form: DecisionForm) -> Value[int] | Confirm[int] | Ambiguous[int] | None:
    """The preset rejection reason the officer's own words are (the worker's next step follows
    the reason); a correction's note stays as typed."""
    if form.status is not Status.REJECTED or not form.note:
        return None
    return read_reason(form.note, REJECT_REASONS)


def closest_reasons(
    form: DecisionForm, reasons: tuple[str, ...], closest: Confirm[int] | Ambiguous[int]
) -> Reply:
    """The officer's own words matched to the closest preset (or presets), confirmed once: the
    worker's next step follows the preset; "Pakai kata saya" keeps the words as typed."""
    indices = [closest.value] if isinstance(closest, Confirm) else list(closest.choices)
    rows: list[tuple[Button, ...]] = [
        (Button(Msg(reasons[i]), f"off:d_alasan:{i}"),) for i in indices
    ]
    rows.append((Button(Msg(N_("Pakai kata saya")), "off:d_catatan:"), CANCEL))
    asked = (
        Msg(N_("Maksud Anda {choice}?"), {"choice": Msg(reasons[indices[0]])})
        if len(indices) == 1
        else Msg(N_("Maksud Anda yang mana? Pilih salah satu."))
    )
    return Reply(
        parts=(asked, Msg(N_("Anda menulis: “{note}”"), {"note": form.note or ""})),
        buttons=tuple(rows),
    )


def as_decision(form: DecisionForm) -> Decision:
    """The decision a dialog has gathered."""
    return Decision(form.status, kpj=form.kpj, note=form.note, fix_fields=tuple(form.fields))


def preview(form: DecisionForm, ctx: DeskContext) -> Reply:
    """The worker's message, shown to the officer before it is sent (or, when another officer
    decided meanwhile, who did: sending then changes nothing and ends the dialog)."""
    send = Button(Msg(N_("Kirim keputusan")), SEND_DECISION, aliases=("kirim", "ya"))
    buttons = ((send, CANCEL),)
    sub = ctx.fact(SubmissionOf(form.reference))
    if sub is None:
        return replace(not_found(form.reference), buttons=buttons)
    if sub.status is not Status.SUBMITTED:
        return replace(already_decided(sub, decider(sub, ctx)), buttons=buttons)
    decision = as_decision(form)
    notice = worker_notice(
        replace(
            sub,
            status=decision.status,
            kpj=decision.kpj,
            note=decision.note,
            fix_fields=decision.fix_fields,
        ),
        ctx.today,
        ctx.config.payment_channels,
    )
    # The reminder offer is the worker's own question, with the worker's buttons: under the
    # officer's buttons it would read as theirs, so the preview says it instead.
    parts = [part for part in notice.parts if part != Msg(REMIND_OFFER)]
    if (
        decision.status is Status.REJECTED
        and ctx.fact(CardNotesOf(sub.reference)).erasure_requested_at
    ):
        parts.append(Msg(ERASED_AS_ASKED))  # as the notice will say (apply_decision)
    if len(parts) < len(notice.parts):
        parts.append(Msg(N_("(Pekerja juga ditawari pengingat bayar iuran setiap bulan.)")))
    return Reply(parts=(Msg(N_("<b>Pesan untuk pekerja:</b>")), *parts), buttons=buttons)


def answer(state: DeskState, event: Answer, ctx: DeskContext) -> DeskOutcome:
    """Typed text, or a tap on one of the pending question's buttons."""
    form = state.form_as(DecisionForm)
    if state.dialog is Dialog.APPROVE_KPJ:
        if not isinstance(event, Text):
            return retry(state, question, ctx, CHOOSE)
        kpj = check_kpj(event.text, ctx.config.kpj_length)
        if isinstance(kpj, Invalid):
            return retry(state, question, ctx, kpj)
        form.kpj = kpj
        return ask(DeskState(Dialog.PREVIEW, form), question, ctx)
    if state.dialog is Dialog.FIX_FIELDS:
        return pick_fields(state, form, event, ctx)
    if state.dialog is Dialog.PREVIEW:
        if event == Press(SEND_DECISION):
            return decide(state, ctx, form.reference, as_decision(form))
        return retry(state, question, ctx, CHOOSE)
    return take_note(state, form, event, ctx)


def pick_fields(
    state: DeskState, form: DecisionForm, event: Answer, ctx: DeskContext
) -> DeskOutcome:
    """Tick or untick a field, 'Lanjut', or the fields typed as words ("nama, alamat")."""
    if isinstance(event, Text):
        fields = parse_fields(event.text)
        if isinstance(fields, Invalid):
            return retry(state, question, ctx, fields)
        form.fields = list(fields)
        return ask(DeskState(Dialog.FIX_NOTE, form), question, ctx)
    if event.data == "off:d_lanjut:":
        if not form.fields:
            return retry(state, question, ctx, Invalid(N_("Pilih minimal satu bagian.")))
        return ask(DeskState(Dialog.FIX_NOTE, form), question, ctx)
    field = button_args(event, "d_bagian")
    if field in REGISTRY.correctable:
        form.fields = sorted(set(form.fields) ^ {field}, key=REGISTRY.correctable.index)
    return ask(state, question, ctx)


def take_note(
    state: DeskState, form: DecisionForm, event: Answer, ctx: DeskContext
) -> DeskOutcome:
    """A reason (rejecting) or a note (a correction): a button or the officer's own words."""
    reasons = REJECT_REASONS if form.status is Status.REJECTED else FIX_NOTES
    if event == Press("off:d_catatan:") and form.note:
        return ask(DeskState(Dialog.PREVIEW, form), question, ctx)  # the words as typed
    if isinstance(event, Press):
        index = number(button_args(event, "d_alasan") or "", 0, len(reasons) - 1)
        if index is None:
            return retry(state, question, ctx, CHOOSE)
        form.note = reasons[index]
    elif len(event.text.strip()) < 3:
        too_short = (
            N_("Alasan terlalu pendek.")
            if form.status is Status.REJECTED
            else N_("Catatan terlalu pendek: tulis minimal 3 huruf.")
        )
        return retry(state, question, ctx, Invalid(too_short))
    else:
        form.note = redact(event.text.strip())[:NOTE_LIMIT]
        reading = matched_reason(form)
        if isinstance(reading, Value):
            form.note = reasons[reading.value]
        elif reading is not None:
            return ask(state, question, ctx)  # the closest preset, asked once
    return ask(DeskState(Dialog.PREVIEW, form), question, ctx)


def holds(state: DeskState, ctx: DeskContext) -> bool:
    """The submission is still in the officer's branches (the look-up sees only those)."""
    return ctx.fact(SubmissionOf(state.form_as(DecisionForm).reference)) is not None


FAMILY = Family(
    dialogs=DECIDING,
    question=question,
    answer=answer,
    cancelled=N_("Dibatalkan. Tidak ada keputusan yang dikirim."),
    holds=holds,
)
