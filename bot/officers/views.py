"""What officers see: queue rows, submission cards, search results, and the workers' notices."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime

from bot.age import AGE_FLAG_WORDS
from bot.clock import today_wib
from bot.cost_text import amount_msg, cost_msg
from bot.domain import CardNotes, EventInfo, Flag, Sponsor, Status, Submission
from bot.flow.questions import REGISTRY
from bot.flow.summary import answer_lines, contribution_for, region_text
from bot.i18n import LANGUAGES, N_, format_rupiah, translate
from bot.masking import mask_name, mask_nik, mask_phone
from bot.messages import Block, Button, Day, Msg, Param, Part, Reply
from bot.payers import payer_words
from bot.payment import (
    REMIND_OFFER,
    PaymentChannel,
    approval_parts,
    rejection_next_step,
    reminder_buttons,
)

STATUS_LABELS = {
    Status.APPROVED: N_("disetujui"),
    Status.REJECTED: N_("ditolak"),
    Status.NEEDS_FIX: N_("perlu perbaikan"),
    Status.SUBMITTED: N_("diajukan"),
    Status.DRAFT: N_("draf"),
}

FLAG_WORDS = {
    Flag.NIK_BIRTH_DATE_DIFFERS: N_("Tanggal lahir berbeda dari NIK (dikonfirmasi pekerja)"),
    Flag.NIK_SEX_DIFFERS: N_("Jenis kelamin berbeda dari NIK (dikonfirmasi pekerja)"),
    Flag.HOME_DIFFERS_FROM_NIK: N_("Tempat tinggal berbeda dari wilayah NIK"),
    Flag.NIK_REGION_UNKNOWN: N_("Kode wilayah NIK tidak ada di daftar wilayah sekarang"),
    Flag.POSSIBLE_DUPLICATE: N_(
        "Kemungkinan terdaftar ganda: nama dan tanggal lahir, atau nomor HP, sama dengan NIK lain"
    ),
    Flag.AGE_65_OR_OLDER: AGE_FLAG_WORDS,
}


# Every officer dialog's way out (typed "Batal" or "batalkan" too): the dialog is forgotten.
CANCEL = Button(Msg(N_("Batal")), "off:d_batal:", aliases=("batalkan", "cancel"))

ECHO_LIMIT = 40  # characters of what an officer typed that an answer repeats back
ELLIPSIS = "…"


def shorten(value: str, limit: int) -> str:
    """``value`` in at most ``limit`` characters, cut at a word boundary and marked "…"."""
    value = " ".join(value.split())
    if len(value) <= limit:
        return value
    head = value[: limit - 1]
    cut = head.rfind(" ")
    if cut >= limit // 2:
        head = head[:cut]
    return head.rstrip(" ,.;:-") + ELLIPSIS


def labels_in_all_languages(msgid: str) -> tuple[str, ...]:
    """A label as typed in any language: what makes a button with values typeable."""
    return tuple(translate(msgid, lang) for lang in LANGUAGES)


def toggles(
    options: Mapping[str, str], chosen: Iterable[str], command: str
) -> list[tuple[Button, ...]]:
    """Choices to tick and untick, two to a row, the ticked ones marked ✓ (typing a choice's
    label ticks it too)."""
    ticked = set(chosen)
    buttons = [
        Button(
            Msg("{mark}{label}", {"mark": "✓ " if key in ticked else "", "label": Msg(label)}),
            f"off:{command}:{key}",
            aliases=labels_in_all_languages(label),
        )
        for key, label in options.items()
    ]
    return [tuple(buttons[i : i + 2]) for i in range(0, len(buttons), 2)]


def text(msgid: str, **params: Param) -> Reply:
    """A one-paragraph reply."""
    return Reply(parts=(Msg(msgid, params),))


def more_lines(hidden: int) -> Msg:
    """The last line of a capped list: how many lines were left out."""
    return Msg(N_("… dan {count} lainnya tidak ditampilkan."), {"count": hidden})


def age_words(since: datetime, now: datetime) -> Msg:
    """How long a submission has waited, in words."""
    hours = int((now - since).total_seconds() // 3600)
    if hours < 1:
        return Msg(N_("baru"))
    if hours < 48:
        return Msg(N_("{n} jam"), {"n": hours})
    return Msg(N_("{n} hari"), {"n": hours // 24})


def queue_line(number: int, sub: Submission, now: datetime) -> Msg:
    """One queue row: reference, masked name and NIK, kabupaten, event, age, flags."""
    return Msg(
        N_("{number}. <b>{reference}</b> · {name} · {nik} · {region} · {event} · {age}{flags}"),
        {
            "number": number,
            "reference": sub.reference,
            "name": mask_name(sub.name),
            "nik": mask_nik(sub.nik),
            "region": region_text(sub.home_code),
            "event": sub.event_code or "-",
            "age": age_words(sub.submitted_at, now),
            "flags": f" · ⚠{len(sub.flags)}" if sub.flags else "",
        },
    )


def search_line(sub: Submission) -> Msg:
    """A masked search result."""
    return Msg(
        N_("<b>{reference}</b> · {name} · {nik} · {phone} · {status}"),
        {
            "reference": sub.reference,
            "name": mask_name(sub.name),
            "nik": mask_nik(sub.nik),
            "phone": mask_phone(sub.phone),
            "status": Msg(STATUS_LABELS[sub.status]),
        },
    )


def not_found(reference: str) -> Reply:
    """The same answer for a reference that does not exist and one the officer may not see."""
    return text(
        N_("Pendaftaran {reference} tidak ditemukan."),
        reference=shorten(reference, ECHO_LIMIT) or "-",
    )


def already_decided(sub: Submission, officer: str) -> Reply:
    """Another decision came first; ``officer`` names who made it."""
    return text(
        N_("{reference} sudah diputuskan ({status}) oleh {officer}. Tidak ada yang diubah."),
        reference=sub.reference,
        status=Msg(STATUS_LABELS[sub.status]),
        officer=officer or "-",
    )


def event_words(code: str | None, event: EventInfo | None) -> Param:
    """An event by name and code ("-" for none)."""
    if not code:
        return "-"
    if event is None:
        return code
    return Msg(N_("{name} ({code})"), {"name": event.name, "code": code})


def card(
    sub: Submission,
    notes: CardNotes,
    today: date,
    event: EventInfo | None = None,
    sponsor: Sponsor | None = None,
) -> Reply:
    """Every answer of a submission, its flags in words, and the decision buttons."""
    lines = [
        Msg(
            N_("<b>{reference}</b> · {status} · Kantor Cabang {branch}"),
            {
                "reference": sub.reference,
                "status": Msg(STATUS_LABELS[sub.status]),
                "branch": sub.branch or "-",
            },
        )
    ]
    lines += answer_lines(sub.answers)
    lines.append(Msg(N_("Acara: {event}"), {"event": event_words(sub.event_code, event)}))
    money = contribution_for(sub.answers, today)
    if sub.sponsor_id is not None:
        sponsor_name = sponsor.name if sponsor is not None else str(sub.sponsor_id)
        lines.append(Msg(N_("Sponsor (membayar JKK dan JKM): {name}"), {"name": sponsor_name}))
        if sub.answers.sponsor is not None:
            lines.append(
                Msg(
                    N_("Dibayar sponsor ({payer}): {amount} per bulan"),
                    {
                        "payer": payer_words(sub.answers.sponsor.payer),
                        "amount": amount_msg(money.total - money.self_paid, money),
                    },
                )
            )
    lines.append(Msg(N_("Iuran bayar sendiri: {cost}"), {"cost": cost_msg(money)}))
    warnings = [Msg(N_("⚠ {flag}"), {"flag": Msg(FLAG_WORDS[flag])}) for flag in sub.flags]
    if money.estimate:
        warnings.append(
            Msg(
                N_(
                    "⚠ Iuran ini perkiraan: periksa tingkat penghasilan {basis} (penghasilan "
                    "{income}) di tabel Lampiran II PP 44/2015"
                ),
                {"basis": format_rupiah(money.basis), "income": format_rupiah(money.income)},
            )
        )
    if notes.undeliverable:
        warnings.append(
            Msg(
                N_(
                    "⚠ Pemberitahuan ke pekerja tidak terkirim (bot diblokir, chat hilang, atau ditolak WhatsApp)"
                )
            )
        )
    if notes.erasure_requested_at is not None:
        warnings.append(
            Msg(
                N_("⚠ Pekerja meminta datanya dihapus pada {day}"),
                {"day": Day(today_wib(notes.erasure_requested_at))},
            )
        )
    parts: list[Part] = [Block(tuple(lines))]
    if warnings:
        parts.append(Block(tuple(warnings)))
    buttons = decision_buttons(sub.reference) if sub.status is Status.SUBMITTED else ()
    return Reply(parts=tuple(parts), buttons=buttons)


def decision_buttons(reference: str) -> tuple[tuple[Button, ...], ...]:
    """A pending submission's card buttons: Setujui, Perlu perbaikan, Tolak."""
    return (
        (Button(Msg(N_("Setujui")), f"off:d_setujui:{reference}"),),
        (
            Button(Msg(N_("Perlu perbaikan")), f"off:d_perbaikan:{reference}"),
            Button(Msg(N_("Tolak")), f"off:d_tolak:{reference}"),
        ),
    )


def worker_notice(sub: Submission, today: date, channels: Sequence[PaymentChannel] = ()) -> Reply:
    """What the worker is told about a decision on their submission: an approval with what to
    pay, how and what happens when it is not paid (and an offer of a monthly reminder); a
    rejection with the next step that fits its reason; a correction with a button to make it."""
    if sub.status is Status.APPROVED:
        money = contribution_for(sub.answers, today)
        sponsor = sub.answers.sponsor.name if sub.answers.sponsor else None
        first = today_wib(sub.decided_at) if sub.decided_at is not None else today
        parts = approval_parts(sub.kpj or "-", money, sponsor, channels, sub.reference, first)
        if money.self_paid == 0:
            return Reply(parts=parts)
        return Reply(parts=(*parts, Msg(REMIND_OFFER)), buttons=reminder_buttons(sub.reference))
    if sub.status is Status.REJECTED:
        return Reply(
            parts=(
                Msg(
                    N_("Maaf, pendaftaran {reference} ditolak. Alasan: {reason}"),
                    {"reference": sub.reference, "reason": sub.note or "-"},
                ),
                rejection_next_step(sub.note or ""),
            )
        )
    fields = tuple(
        Msg(N_("• {field}"), {"field": Msg(REGISTRY.field_by_name[f].label)})
        for f in sub.fix_fields
    )
    return Reply(
        parts=(
            Msg(
                N_("Pendaftaran {reference} perlu perbaikan. Catatan petugas: {note}"),
                {"reference": sub.reference, "note": sub.note or "-"},
            ),
            Block(fields),
            Msg(N_("Tekan tombol di bawah untuk memperbaikinya; jawaban lain tetap tersimpan.")),
        ),
        buttons=((Button(Msg(N_("Perbaiki sekarang")), f"fix:{sub.reference}"),),),
    )
