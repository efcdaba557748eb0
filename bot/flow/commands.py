"""Commands and buttons that work at any step (/status, /batal, /bahasa, /hapusdata...)."""

from __future__ import annotations

import re
from collections.abc import Callable

from bot.domain import OFFICER_COMMANDS
from bot.flow.context import Context, Outcome
from bot.flow.events import Command
from bot.flow.moves import ask_cancel, begin, goto, say, sponsor_sees, welcome_back
from bot.flow.needs import (
    Count,
    Erase,
    EventOf,
    FixTargetOf,
    MySubmissions,
    SetReminder,
)
from bot.flow.registry import REGISTRY
from bot.flow.state import Conversation, Step, in_progress
from bot.flow.status import status_reply
from bot.i18n import LANGUAGES, N_
from bot.messages import Block, Button, Msg, Part, Reply
from bot.reading.answers import read_choice
from bot.reading.officers import near_command
from bot.reading.results import Confirm, Value

# What a worker may type (an officer's commands are bot.domain.OFFICER_COMMANDS).
WORKER_COMMANDS = ("start", "status", "bantuan", "batal", "bahasa", "hapusdata", "berhenti")

# Telegram deep-link payloads: at most 64 characters of A-Za-z0-9_-.
EVENT_CODE = re.compile(r"[A-Za-z0-9_-]{1,64}")


def on_language(conv: Conversation, value: str, ctx: Context) -> Outcome:
    """Switch the worker's language, then re-ask."""
    if value not in LANGUAGES:
        return say(conv, ctx)
    conv.lang = value
    # In full: the worker may not have been able to read it in the other language.
    outcome = goto(conv, conv.step, ctx, Msg(N_("Bahasa: Bahasa Indonesia.")))
    outcome.ack = Msg(N_("English") if value == "en" else N_("Bahasa Indonesia"))
    return outcome


def on_restart(conv: Conversation, value: str, ctx: Context) -> Outcome:
    """'Mulai dari awal' from the welcome-back message: confirm, then start over."""
    if not in_progress(conv.step):
        return say(conv, ctx)
    return ask_cancel(conv, ctx)


def on_start_new(conv: Conversation, value: str, ctx: Context) -> Outcome:
    """'Daftar lagi' after a cancellation."""
    if in_progress(conv.step):
        return say(conv, ctx)
    return begin(conv, None, ctx)


def on_fix(conv: Conversation, reference: str, ctx: Context) -> Outcome:
    """Start correcting a submission an officer sent back: ask only the named fields."""
    target = ctx.fact(FixTargetOf(reference))
    if target is None:
        return say(conv, ctx, Msg(N_("Pendaftaran itu tidak sedang menunggu perbaikan.")))
    fields = [field for field in target.fields if field in REGISTRY.field_step] or ["name"]
    fixing = Conversation(
        step=Step.SUMMARY,
        answers=target.answers.copy(),
        lang=conv.lang,
        fix_reference=target.reference,
        fix_fields=fields,
    )
    first = REGISTRY.field_step[fixing.fix_fields.pop(0)]
    note = Msg(
        N_("Perbaikan untuk {reference}. Catatan petugas: {note}"),
        {"reference": target.reference, "note": target.note},
    )
    return goto(fixing, first, ctx, note)


def erase_buttons(token: str) -> tuple[Button, ...]:
    """/hapusdata's "Ya" (bound to one request) and "Tidak"."""
    return (
        Button(Msg(N_("Ya, hapus data saya")), f"erase:yes:{token}"),
        Button(Msg(N_("Tidak")), "erase:no"),
    )


def erase_in_words(conv: Conversation, text: str, ctx: Context) -> Outcome | None:
    """A typed answer right after /hapusdata: its "Ya" typed exactly ("ya, hapus data saya")
    erases; named inexactly ("hapus aja") it is asked once more with that button only; a no
    keeps everything; anything else is an answer to the question, and the request lapses."""
    token = conv.erase_token
    if token is None:
        return None
    buttons = erase_buttons(token)
    chosen = read_choice(text, buttons, {buttons[0].data})
    if isinstance(chosen, Value):
        return on_erase(conv, chosen.value.removeprefix("erase:"), ctx)
    if isinstance(chosen, Confirm):
        asked = Msg(N_("Maksud Anda {choice}?"), {"choice": buttons[0].text})
        return Outcome(conv, [Reply(parts=(asked,), buttons=((buttons[0],),))])
    conv.erase_token = None
    return None


def ask_erase(conv: Conversation, ctx: Context) -> Outcome:
    """/hapusdata: ask first; the "Ya" button is bound to this very request (and draft)."""
    conv.erase_token = f"{int(ctx.now.timestamp() * 1000):x}"
    confirm = Reply(
        parts=(
            Msg(
                N_(
                    "Hapus data Anda? Jawaban yang belum dikirim langsung dihapus. Untuk "
                    "pendaftaran yang sudah dikirim, permintaan Anda dicatat untuk petugas."
                )
            ),
        ),
        buttons=(erase_buttons(conv.erase_token),),
    )
    return Outcome(conv, [confirm])


def on_erase(conv: Conversation, value: str, ctx: Context) -> Outcome:
    """/hapusdata confirmed: the draft goes at once; submissions as far as BPJS may let them.

    A "Ya" from an older request (the draft may have changed since) asks again.
    """
    answer, _, token = value.partition(":")
    if answer != "yes":
        conv.erase_token = None
        return say(conv, ctx, Msg(N_("Baik, data Anda tidak dihapus.")))
    if conv.erase_token is None or token != conv.erase_token:
        return ask_erase(conv, ctx)
    erasure = ctx.fact(Erase())
    notices: list[Part] = [Msg(N_("Jawaban yang belum dikirim sudah kami hapus."))]
    if erasure.anonymised:
        notices.append(
            Msg(
                N_("Data pendaftaran yang ditolak ({references}) sudah dihapus."),
                {"references": ", ".join(erasure.anonymised)},
            )
        )
    if erasure.recorded:
        notices.append(
            Msg(
                N_(
                    "Permintaan hapus data untuk {references} kami catat dan diteruskan ke petugas. "
                    "Data kepesertaan yang wajib disimpan BPJS Ketenagakerjaan tetap disimpan "
                    "sesuai aturan."
                ),
                {"references": ", ".join(erasure.recorded)},
            )
        )
    outcome = say(Conversation(lang=conv.lang), ctx, *notices)
    outcome.ack = Msg(N_("Ya, hapus data saya"))
    return outcome


def on_remind(conv: Conversation, value: str, ctx: Context) -> Outcome:
    """Yes or no to the monthly payment reminder offered with an approval."""
    answer, _, reference = value.partition(":")
    wanted = answer == "yes"
    changed = ctx.fact(SetReminder(reference or None, wanted))
    if not changed:
        notice = Msg(N_("Pengingat hanya untuk pendaftaran Anda yang sudah disetujui."))
    elif wanted:
        notice = Msg(
            N_(
                "Baik, kami ingatkan setiap tanggal {day}. Ketik /berhenti jika tidak mau "
                "diingatkan lagi."
            ),
            {"day": ctx.config.reminder_day},
        )
    else:
        notice = Msg(N_("Baik, tidak ada pengingat."))
    outcome = aside(conv, ctx, notice)
    outcome.ack = Msg(N_("Ya, ingatkan saya") if wanted else N_("Tidak usah"))
    return outcome


def aside(conv: Conversation, ctx: Context, notice: Msg) -> Outcome:
    """A notice, then the pending question only if a registration is under way."""
    if in_progress(conv.step):
        return say(conv, ctx, notice)
    return Outcome(conv, [Reply(parts=(notice,))])


GLOBAL_PRESSES: dict[str, Callable[[Conversation, str, Context], Outcome]] = {
    "remind": on_remind,
    "erase": on_erase,
    "lang": on_language,
    "restart": on_restart,
    "start": on_start_new,
    "fix": on_fix,
}


# --- commands ------------------------------------------------------------------------------------


def on_command(conv: Conversation, command: Command, ctx: Context) -> Outcome:
    """Commands answer, then the pending question is asked again."""
    name = command.name.lower()
    if name == "start":
        code = command.args.strip()
        code_or_none = code if EVENT_CODE.fullmatch(code) else None
        if in_progress(conv.step) or conv.step is Step.CONFIRM_CANCEL:
            if code_or_none is not None and code_or_none != conv.event_code:
                return join_event(conv, code_or_none, ctx)
            return welcome_back(conv, ctx)
        return begin(conv, code_or_none, ctx)
    if name == "status":
        views = ctx.fact(MySubmissions())
        listing = status_reply(views, ctx.today, ctx.config.payment_channels)
        outcome = say(conv, ctx) if in_progress(conv.step) else None
        return Outcome(conv, [listing, *(outcome.replies if outcome else [])])
    if name == "berhenti":
        stopped = ctx.fact(SetReminder(None, False))
        if stopped:
            return aside(conv, ctx, Msg(N_("Pengingat bayar iuran dihentikan.")))
        return aside(conv, ctx, Msg(N_("Tidak ada pengingat yang aktif.")))
    if name == "bantuan":
        return say(conv, ctx, *help_text())
    if name == "batal":
        if in_progress(conv.step):
            return ask_cancel(conv, ctx)
        return say(conv, ctx, Msg(N_("Tidak ada pendaftaran yang sedang berjalan.")))
    if name == "bahasa":
        choose = Reply(
            parts=(Msg(N_("Pilih bahasa / Choose a language:")),),
            buttons=(
                (
                    Button(Msg(N_("Bahasa Indonesia")), "lang:id"),
                    Button(Msg(N_("English")), "lang:en"),
                ),
            ),
        )
        return Outcome(conv, [choose])
    if name == "hapusdata":
        return ask_erase(conv, ctx)
    if name in OFFICER_COMMANDS:
        return say(
            conv, ctx, Msg(N_("Maaf, perintah ini hanya untuk petugas BPJS Ketenagakerjaan."))
        )
    near = near_command(f"/{name}", WORKER_COMMANDS)
    if isinstance(near, Confirm):
        # "/stat": the command meant, said before the help ("Maksud Anda /status?").
        meant = Msg(
            N_("Perintah itu tidak dikenal. Maksud Anda /{command}?"), {"command": near.value}
        )
        return say(conv, ctx, meant, *help_text())
    return say(conv, ctx, Msg(N_("Perintah itu tidak dikenal.")), *help_text())


def join_event(conv: Conversation, code: str, ctx: Context) -> Outcome:
    """An event's link opened during a draft: the draft joins the event (and its sponsor), the
    link's opening (and the consent already given) counts for it, and the question is asked
    again."""
    event = ctx.fact(EventOf(code))
    if event is None or not event.open:
        unknown = Msg(
            N_(
                "Tautan acara itu tidak dikenal atau acaranya sudah ditutup. Pendaftaran Anda "
                "tetap berjalan:"
            )
        )
        return say(conv, ctx, unknown)
    conv.event_code = event.code
    sponsor_sees(conv, ctx)  # a sponsor that pays only through its events may apply now
    joined = Msg(
        N_("Pendaftaran Anda kini tercatat di acara <b>{event}</b>."), {"event": event.name}
    )
    outcome = say(conv, ctx, joined)
    outcome.effects.append(Count(event.code, "opened"))
    if conv.consent_at is not None:
        outcome.effects.append(Count(event.code, "consented"))
    return outcome


def help_text() -> tuple[Part, ...]:
    """What the worker can type at any time."""
    return (
        Block(
            (
                Msg(N_("<b>Bantuan</b>")),
                Msg(N_("/start: mulai atau lanjutkan pendaftaran")),
                Msg(N_("/status: lihat status pendaftaran Anda")),
                Msg(N_("/batal: batalkan pendaftaran yang sedang diisi")),
                Msg(N_("/bahasa: ganti bahasa (Indonesia/English)")),
                Msg(N_("/hapusdata: hapus data Anda")),
                Msg(N_("/berhenti: hentikan pengingat bayar iuran")),
                Msg(N_("/bantuan: pesan ini")),
            )
        ),
        Msg(
            N_(
                "Jawab satu pertanyaan setiap kali. Anda boleh berhenti dan melanjutkan nanti; "
                "jawaban Anda tersimpan."
            )
        ),
    )
