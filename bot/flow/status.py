"""What /status shows a worker about their own submissions."""

from __future__ import annotations

from bot.domain import Status, SubmissionView
from bot.i18n import N_
from bot.messages import Block, Button, Msg, Reply

STATUS_WORDS = {
    Status.SUBMITTED: N_("diajukan, sedang diperiksa petugas"),
    Status.NEEDS_FIX: N_("perlu perbaikan"),
    Status.APPROVED: N_("disetujui"),
    Status.REJECTED: N_("ditolak"),
    Status.DRAFT: N_("draf"),
}


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
    return Block(tuple(lines))


def status_reply(views: list[SubmissionView]) -> Reply:
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
        parts=(Msg(N_("Status pendaftaran Anda:")), *(status_lines(v) for v in views)),
        buttons=buttons,
    )
