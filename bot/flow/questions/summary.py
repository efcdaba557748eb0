"""After the questions: the summary (send, change an answer, cancel), the picker of the answer
to change, the confirmation of a cancellation, and the submission done."""

from __future__ import annotations

from bot.domain import SubmissionDraft
from bot.flow.buttons import SUMMARY_BUTTONS, yes_no_buttons
from bot.flow.context import Context, Outcome
from bot.flow.events import Answer, Press
from bot.flow.moves import CHOOSE, ask_cancel, goto, retry, unclear
from bot.flow.needs import Submit
from bot.flow.registry import REGISTRY, Question
from bot.flow.returning import done_reply
from bot.flow.state import Conversation, Step
from bot.flow.summary import contribution_for, flags_for, office_words, summary_parts
from bot.i18n import N_
from bot.messages import Button, Msg, Reply
from bot.reading.answers import read_summary

# The summary's buttons that act for good: typed inexactly ("kirim sekarang"), confirmed once.
SUMMARY_FINAL = frozenset({"sum:send", "sum:cancel"})


def ask_summary(conv: Conversation, ctx: Context) -> Reply:
    """Every answer and the monthly contribution per program, with Kirim / Ubah / Batal."""
    return Reply(
        parts=(
            *summary_parts(conv.answers, ctx.today),
            SUMMARY_QUESTION,
        ),
        buttons=SUMMARY_BUTTONS,
    )


SUMMARY_QUESTION = Msg(N_("Sudah benar semua? Tekan <b>Kirim</b>."))


def ask_summary_again(conv: Conversation, ctx: Context) -> Reply:
    """The summary's question and its buttons only (the answers were just shown)."""
    return Reply(
        parts=(
            SUMMARY_QUESTION,
            Msg(N_("Tekan <b>Ubah</b> untuk mengganti jawaban, atau <b>Batal</b>.")),
        ),
        buttons=SUMMARY_BUTTONS,
    )


def on_summary(conv: Conversation, event: Answer, ctx: Context) -> Outcome:
    """Kirim stores the submission; Ubah picks a field; Batal asks to confirm."""
    if event == Press("sum:send"):
        return submit(conv, ctx)
    if event == Press("sum:edit"):
        return goto(conv, Step.EDIT_PICK, ctx)
    if event == Press("sum:cancel"):
        return ask_cancel(conv, ctx)
    return retry(conv, ctx, unclear(event, N_("Kirim"), N_("Ubah"), N_("Batal")))


def submit(conv: Conversation, ctx: Context) -> Outcome:
    """Store the submission (or the corrected one) and tell the worker its reference."""
    draft = SubmissionDraft(
        answers=conv.answers.copy(),
        flags=flags_for(conv.answers, ctx.today),
        monthly_self_paid=contribution_for(conv.answers, ctx.today).self_paid,
        event_code=conv.event_code,
        consent_at=conv.consent_at,
        consent_version=conv.consent_version,
        reference=conv.fix_reference,
        branch=ctx.config.branch_for(conv.answers.home_code or "") or ctx.config.default_branch,
        sponsor_id=conv.answers.sponsor.id if conv.answers.sponsor else None,
        invite_code=conv.invite_code,
    )
    result = ctx.fact(Submit(draft))
    if result.quota_full and conv.answers.sponsor is not None:
        # The last places went to others meanwhile: the worker decides to go on self-paid or not.
        conv.answers.sponsor_full = conv.answers.sponsor.name
        conv.answers.sponsor = None
        return goto(conv, Step.SUMMARY, ctx)
    if result.reference is None:
        return goto(
            conv,
            Step.NIK,
            ctx,
            Msg(
                N_(
                    "NIK ini baru saja didaftarkan dan sedang diproses. Ketik /status, atau "
                    "periksa lagi NIK Anda."
                )
            ),
        )
    done = Conversation(step=Step.DONE, lang=conv.lang, reference=result.reference)
    return Outcome(
        done,
        [
            Reply(
                parts=(
                    Msg(
                        N_(
                            "Terima kasih! Pendaftaran Anda terkirim dengan nomor <b>{reference}</b>."
                        ),
                        {"reference": result.reference},
                    ),
                    Msg(
                        N_(
                            "Petugas BPJS Ketenagakerjaan di {office} akan memeriksa data "
                            "Anda, biasanya dalam 3 hari kerja. Hasilnya (dan nomor kartu peserta/KPJ "
                            "jika disetujui) kami kirim lewat chat ini."
                        ),
                        {"office": office_words(ctx.config.branch_for(draft.answers.home_code))},
                    ),
                    Msg(N_("Cek kapan saja dengan /status.")),
                )
            )
        ],
    )


def ask_edit_pick(conv: Conversation, ctx: Context) -> Reply:
    """Which answer to change."""
    buttons = [Button(Msg(f.label), f"edit:{f.name}") for f in REGISTRY.fields]
    rows = [tuple(buttons[i : i + 2]) for i in range(0, len(buttons), 2)]
    rows.append((Button(Msg(N_("Kembali ke ringkasan")), "edit:back", aliases=("kembali",)),))
    return Reply(parts=(Msg(N_("Bagian mana yang ingin diubah?")),), buttons=tuple(rows))


def on_edit_pick(conv: Conversation, event: Answer, ctx: Context) -> Outcome:
    """Go to the picked field's question; its answer returns to the summary."""
    if isinstance(event, Press):
        field = event.data.removeprefix("edit:")
        if field == "back":
            return goto(conv, Step.SUMMARY, ctx)
        if field in REGISTRY.field_step:
            conv.return_to_summary = True
            conv.home_candidates, conv.home_place = [], None
            return goto(conv, REGISTRY.field_step[field], ctx)
    return retry(conv, ctx, CHOOSE)


def ask_confirm_cancel(conv: Conversation, ctx: Context) -> Reply:
    """Confirm throwing the draft away."""
    return Reply(
        parts=(Msg(N_("Batalkan pendaftaran? Semua jawaban Anda akan dihapus.")),),
        buttons=yes_no_buttons(
            "cancel",
            N_("Ya, batalkan"),
            N_("Tidak, lanjutkan"),
            ("batal", "batalkan", "hapus"),
            ("lanjut", "lanjutkan", "terus"),
        ),
    )


def on_confirm_cancel(conv: Conversation, event: Answer, ctx: Context) -> Outcome:
    """Yes deletes every answer; no goes back to the question that was pending."""
    if event == Press("cancel:yes"):
        fresh = Conversation(lang=conv.lang)
        return Outcome(
            fresh,
            [
                Reply(
                    parts=(Msg(N_("Pendaftaran dibatalkan. Semua jawaban Anda sudah dihapus.")),),
                    buttons=((Button(Msg(N_("Daftar lagi")), "start:new"),),),
                )
            ],
        )
    if event == Press("cancel:no"):
        back = conv.resume_step or Step.SUMMARY
        conv.resume_step = None
        return goto(conv, back, ctx)
    return retry(conv, ctx, unclear(event))


QUESTIONS = (
    Question(
        Step.SUMMARY,
        ask_summary,
        on_summary,
        ask_again=ask_summary_again,
        buttons=SUMMARY_BUTTONS,
        in_turn=True,
        number=11,
        stats=N_("ringkasan"),
        shows_sponsor=True,
        read=lambda text, conv, ctx, buttons: read_summary(text, buttons, SUMMARY_FINAL),
        final=SUMMARY_FINAL,
    ),
    Question(Step.EDIT_PICK, ask_edit_pick, on_edit_pick, stats=N_("ringkasan")),
    Question(
        Step.CONFIRM_CANCEL,
        ask_confirm_cancel,
        on_confirm_cancel,
        final=frozenset({"cancel:yes"}),
    ),
    Question(Step.DONE, lambda conv, ctx: done_reply(conv, ctx)),
)
