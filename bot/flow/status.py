"""What /status shows a worker about their own submissions."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from bot.clock import today_wib
from bot.domain import Status, SubmissionView
from bot.flow.summary import contribution_for
from bot.i18n import N_
from bot.messages import Block, Button, Msg, Part, Reply
from bot.payment import PaymentChannel, approval_parts, rejection_next_step

STATUS_WORDS = {
    Status.SUBMITTED: N_("diajukan, sedang diperiksa petugas"),
    Status.NEEDS_FIX: N_("perlu perbaikan"),
    Status.APPROVED: N_("disetujui"),
    Status.REJECTED: N_("ditolak"),
    Status.DRAFT: N_("draf"),
}


def status_parts(
    view: SubmissionView, today: date, channels: Sequence[PaymentChannel]
) -> tuple[Part, ...]:
    """One submission; an approved one with the same payment guidance as its approval notice
    (paying ahead counted from the month of approval)."""
    lines = status_lines(view)
    if view.status is not Status.APPROVED or not view.kpj or view.answers is None:
        return (lines,)
    money = contribution_for(view.answers, today)
    sponsor = view.answers.sponsor.name if view.answers.sponsor else None
    first = today_wib(view.decided_at) if view.decided_at is not None else today
    return (lines, *approval_parts(view.kpj, money, sponsor, channels, first_month=first)[1:])


def status_lines(view: SubmissionView) -> Block:
    """One submission: its reference and status, and what the officer said."""
    lines = [
        Msg(
            N_("<b>{reference}</b>: {status}"),
            {"reference": view.reference, "status": Msg(STATUS_WORDS[view.status])},
        )
    ]
    if view.status is Status.APPROVED and view.kpj:
        lines.append(Msg(N_("Nomor kartu peserta (KPJ): <b>{kpj}</b>"), {"kpj": view.kpj}))
    if view.status is Status.NEEDS_FIX and view.note:
        lines.append(Msg(N_("Catatan petugas: {note}"), {"note": view.note}))
    if view.status is Status.REJECTED and view.note:
        lines.append(Msg(N_("Alasan: {reason}"), {"reason": view.note}))
        lines.append(rejection_next_step(view.note))
    return Block(tuple(lines))


def status_reply(
    views: list[SubmissionView], today: date, channels: Sequence[PaymentChannel] = ()
) -> Reply:
    """Every submission of the worker, newest first, with a button to start each correction."""
    if not views:
        return Reply(parts=(Msg(N_("Anda belum punya pendaftaran yang terkirim.")),))
    buttons = tuple(
        (
            Button(
                Msg(N_("Perbaiki {reference}"), {"reference": v.reference}), f"fix:{v.reference}"
            ),
        )
        for v in views
        if v.status is Status.NEEDS_FIX
    )
    return Reply(
        parts=(
            Msg(N_("Status pendaftaran Anda:")),
            *(part for v in views for part in status_parts(v, today, channels)),
        ),
        buttons=buttons,
    )
