"""The registration flow as one pure function: ``step(conversation, incoming, context)``.

It returns an Outcome (new state, replies) or a Need: something the runner must look up or write
first (a duplicate-NIK check, storing the submission). The runner then steps again with the answer
in ``context.facts``; stepping is deterministic, so repeating it is safe.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from functools import lru_cache

from bot.contribution import MIN_BASIS
from bot.dates import parse_birth_date
from bot.domain import OFFICER_COMMANDS, Sex, SubmissionDraft
from bot.fields import OCCUPATIONS, OTHER_OCCUPATION, SponsorChoice
from bot.flow.context import Context, Outcome
from bot.flow.events import (
    Block,
    Button,
    Command,
    Document,
    Incoming,
    Msg,
    Part,
    Press,
    Reply,
    SharedContact,
    Text,
    Unsupported,
)
from bot.flow.needs import (
    Erase,
    EventOf,
    FixTargetOf,
    MissingFact,
    MySubmissions,
    Need,
    NikHolder,
    SponsorFor,
    Submit,
)
from bot.flow.questions import FIELD_STEP, question
from bot.flow.state import IN_PROGRESS, Conversation, Step
from bot.flow.status import status_reply
from bot.flow.summary import contribution_for, flags_for
from bot.i18n import LANGUAGES, N_, format_rupiah, translate
from bot.income import parse_income
from bot.nik import NikInfo, parse_nik
from bot.phone import contact_phone_to_e164, normalize_mobile
from bot.regions import match_region, region_by_code, suggest_home_from_nik
from bot.text import clean_address, clean_free_text, clean_name, clean_place
from bot.validation import Invalid

# A worker back after this long is greeted and shown the pending question before answering it.
RESUME_AFTER = timedelta(hours=1)
HELP_AFTER_TRIES = 3
# Telegram deep-link payloads: at most 64 characters of A-Za-z0-9_-.
EVENT_CODE = re.compile(r"[A-Za-z0-9_-]{1,64}")

Answer = Text | Press | SharedContact
Handler = Callable[[Conversation, Answer, Context], Outcome]


def step(conv: Conversation, event: Incoming, ctx: Context) -> Outcome | Need[object]:
    """Apply one incoming event to a copy of ``conv``."""
    try:
        return _step(conv.copy(), event, ctx)
    except MissingFact as missing:
        return missing.need


def _step(conv: Conversation, event: Incoming, ctx: Context) -> Outcome:
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

    pending = question(conv, ctx)
    if isinstance(event, Text) and pending.all_buttons:
        match = match_button(event.text, pending.all_buttons)
        if match is not None:
            event = Press(match.data)
    ack = None
    if isinstance(event, Press):
        chosen = next((b for b in pending.all_buttons if b.data == event.data), None)
        if chosen is None and recent(conv, ctx.now):
            return stale_tap(conv)
        if chosen is None:
            return say(conv, ctx, Msg(N_("Tombol itu sudah tidak berlaku. Jawab pertanyaan ini:")))
        ack = chosen.text
    outcome = HANDLERS[conv.step](conv, event, ctx)
    outcome.ack = ack
    return outcome


# --- moving between steps ----------------------------------------------------------------------


def goto(conv: Conversation, step: Step, ctx: Context, *notices: Part) -> Outcome:
    """Move to ``step`` and ask its question, after any notices."""
    conv.step = step
    conv.tries = 0
    if step is Step.SUMMARY:
        conv.return_to_summary = False
    return say(conv, ctx, *notices)


def say(conv: Conversation, ctx: Context, *notices: Part) -> Outcome:
    """Notices followed by the pending question, as one message (a command or an aside answered,
    then the same question again)."""
    asked = question(conv, ctx)
    return Outcome(conv, [replace(asked, parts=(*notices, *asked.parts))])


def retry(conv: Conversation, ctx: Context, invalid: Invalid) -> Outcome:
    """A wrong answer: what was wrong, help after repeated tries, and the same question."""
    conv.tries += 1
    notices: list[Part] = [Msg(invalid.msgid, dict(invalid.params))]
    if conv.tries >= HELP_AFTER_TRIES:
        notices.append(
            Msg(N_("Kesulitan? Ketik /bantuan, atau minta bantuan petugas BPJS Ketenagakerjaan."))
        )
    return say(conv, ctx, *notices)


def finish(conv: Conversation, ctx: Context, *notices: Part) -> Outcome:
    """The current field is answered: go to the next field, the next correction, or the summary."""
    sponsor_sees(conv, ctx)
    if conv.fix_fields:
        return goto(conv, FIELD_STEP[conv.fix_fields.pop(0)], ctx, *notices)
    if conv.fix_reference or conv.return_to_summary:
        return goto(conv, Step.SUMMARY, ctx, *notices)
    return goto(conv, NEXT[conv.step](conv), ctx, *notices)


def sponsor_sees(conv: Conversation, ctx: Context) -> None:
    """Once home and occupation are known (or change), find who pays JKK + JKM, if anyone."""
    answers = conv.answers
    if answers.home_code is None or answers.occupation is None:
        return
    sponsor = ctx.fact(SponsorFor(conv.event_code, answers.home_code, answers.occupation))
    answers.sponsor = None
    answers.sponsor_full = None
    if sponsor is None:
        return
    if sponsor.remaining > 0:
        answers.sponsor = SponsorChoice(sponsor.id, sponsor.name, sponsor.payer)
    else:
        answers.sponsor_full = sponsor.name


def after_phone(conv: Conversation) -> Step:
    """Suggest the NIK's kabupaten as home when it can be trusted; otherwise ask."""
    if suggest_home_from_nik((conv.answers.nik or "")[:4]) is not None:
        return Step.HOME_CONFIRM
    return Step.HOME


def fixed(step: Step) -> Callable[[Conversation], Step]:
    """The next step does not depend on the answers."""
    return lambda conv: step


NEXT: dict[Step, Callable[[Conversation], Step]] = {
    Step.NIK_CONFIRM: fixed(Step.NAME),
    Step.BIRTH_DATE: fixed(Step.SEX),
    Step.SEX: fixed(Step.NAME),
    Step.NAME: fixed(Step.BIRTH_PLACE),
    Step.BIRTH_PLACE: fixed(Step.PHONE),
    Step.PHONE: after_phone,
    Step.HOME_CONFIRM: fixed(Step.ADDRESS),
    Step.HOME: fixed(Step.ADDRESS),
    Step.ADDRESS: fixed(Step.OCCUPATION),
    Step.OCCUPATION: fixed(Step.INCOME),
    Step.OCCUPATION_OTHER: fixed(Step.INCOME),
    Step.INCOME: fixed(Step.JHT),
    Step.JHT: fixed(Step.SUMMARY),
}


def paused(conv: Conversation, now: datetime) -> bool:
    """The worker left a registration half-way and comes back much later."""
    if conv.step not in IN_PROGRESS or conv.updated_at is None:
        return False
    return now - datetime.fromisoformat(conv.updated_at) >= RESUME_AFTER


def recent(conv: Conversation, now: datetime) -> bool:
    """The last update was a moment ago: the worker's latest message is right in front of them."""
    return conv.updated_at is not None and now - datetime.fromisoformat(conv.updated_at) < (
        RESUME_AFTER
    )


def stale_tap(conv: Conversation) -> Outcome:
    """A tap on a button already answered (a double tap, a slow phone tapping twice) or on an
    old question: a short notice on the button, no second message (the question is the last
    message in the chat)."""
    return Outcome(conv, [], toast=Msg(N_("Sudah dijawab. Lihat pertanyaan terakhir di bawah.")))


def welcome_back(conv: Conversation, ctx: Context) -> Outcome:
    """Offer to continue where the worker stopped, or to start over."""
    outcome = say(conv, ctx, Msg(N_("Selamat datang kembali! Lanjutkan pendaftaran Anda:")))
    restart = (Button(Msg(N_("Mulai dari awal")), "restart:yes"),)
    outcome.replies[0] = replace(
        outcome.replies[0], buttons=(*outcome.replies[0].buttons, restart)
    )
    return outcome


def begin(conv: Conversation, event_code: str | None, ctx: Context) -> Outcome:
    """A fresh registration: only the step, the event code and the time are kept until consent."""
    notices: list[Part] = []
    event = ctx.fact(EventOf(event_code)) if event_code else None
    if event_code and (event is None or not event.open):
        notices.append(
            Msg(
                N_(
                    "Tautan acara itu tidak dikenal atau acaranya sudah ditutup. Anda tetap bisa "
                    "mendaftar di sini."
                )
            )
        )
        event_code = None
    fresh = Conversation(step=Step.CONSENT, event_code=event_code, lang=conv.lang)
    outcome = goto(fresh, Step.CONSENT, ctx, *notices)
    if event_code:
        outcome.counters.append((event_code, "opened"))
    return outcome


# --- typed answers that mean a button -------------------------------------------------------------


def normalise(text: str) -> str:
    """Lower-case letters and digits only, for comparing a typed answer with button labels."""
    folded = unicodedata.normalize("NFKD", text.casefold())
    return " ".join("".join(c if c.isalnum() else " " for c in folded).split())


def match_button(text: str, buttons: tuple[Button, ...]) -> Button | None:
    """The button a typed answer names (its label in any language, or an alias)."""
    typed = normalise(text)
    if not typed:
        return None
    for button in buttons:
        label = None if button.text.params else button.text.msgid
        if typed in _names(label, button.aliases):
            return button
    return None


@lru_cache(maxsize=1024)  # labels and aliases only (never what a worker typed)
def _names(msgid: str | None, aliases: tuple[str, ...]) -> frozenset[str]:
    """What typing a button's label (in any language; None: a label with values) or alias is."""
    labels = [translate(msgid, lang) for lang in LANGUAGES] if msgid is not None else []
    return frozenset(normalise(name) for name in (*aliases, *labels))


# --- one handler per step ------------------------------------------------------------------------

CHOOSE = Invalid(N_("Pilih salah satu tombol, atau ketik jawabannya."))


def on_consent(conv: Conversation, event: Answer, ctx: Context) -> Outcome:
    """Consent recorded with its time and text version; a refusal keeps nothing."""
    if event == Press("consent:yes"):
        conv.consent_at = ctx.now.isoformat()
        conv.consent_version = ctx.config.consent_version
        outcome = goto(conv, Step.NIK, ctx)
        if conv.event_code:
            outcome.counters.append((conv.event_code, "consented"))
        return outcome
    if event == Press("consent:no"):
        fresh = Conversation(lang=conv.lang)
        return Outcome(
            fresh,
            [
                Reply(
                    parts=(
                        Msg(
                            N_(
                                "Baik, tidak ada data Anda yang kami simpan. Ketik /start kapan saja "
                                "jika ingin mendaftar."
                            )
                        ),
                    )
                )
            ],
        )
    return retry(conv, ctx, CHOOSE)


def on_nik(conv: Conversation, event: Answer, ctx: Context) -> Outcome:
    """Check the NIK's structure and that it is not already registered."""
    if not isinstance(event, Text):
        return retry(conv, ctx, Invalid(N_("Ketik NIK Anda dengan angka.")))
    parsed = parse_nik(event.text, ctx.today)
    if isinstance(parsed, Invalid):
        return retry(conv, ctx, parsed)
    holder = ctx.fact(NikHolder(parsed.nik))
    if holder is not None and holder != conv.fix_reference:
        return retry(
            conv,
            ctx,
            Invalid(
                N_(
                    "NIK ini sudah terdaftar dan sedang diproses atau sudah disetujui. Ketik "
                    "/status untuk melihat status pendaftaran Anda, atau periksa lagi NIK Anda."
                )
            ),
        )
    remember_nik(conv, parsed)
    return goto(conv, Step.NIK_CONFIRM, ctx)


def remember_nik(conv: Conversation, nik: NikInfo) -> None:
    """Keep the NIK and what it says; the worker's own birth date and sex are asked next."""
    answers = conv.answers
    answers.nik, answers.nik_birth_date, answers.nik_sex = nik.nik, nik.birth_date, nik.sex
    answers.birth_date = None
    answers.sex = None


def on_nik_confirm(conv: Conversation, event: Answer, ctx: Context) -> Outcome:
    """The NIK's birth date and sex are right, or the worker gives their own."""
    if event == Press("nikok:yes"):
        conv.answers.birth_date = conv.answers.nik_birth_date
        conv.answers.sex = conv.answers.nik_sex
        return finish(conv, ctx)
    if event == Press("nikok:no"):
        return goto(conv, Step.BIRTH_DATE, ctx)
    return retry(conv, ctx, CHOOSE)


def on_birth_date(conv: Conversation, event: Answer, ctx: Context) -> Outcome:
    """A typed birth date; differing from the NIK is kept (and flagged), never refused."""
    if not isinstance(event, Text):
        return retry(conv, ctx, Invalid(N_("Ketik tanggal lahir Anda.")))
    born = parse_birth_date(event.text, ctx.today)
    if isinstance(born, Invalid):
        return retry(conv, ctx, born)
    conv.answers.birth_date = born
    if conv.answers.sex is None:
        return goto(conv, Step.SEX, ctx)
    return finish(conv, ctx)


def on_sex(conv: Conversation, event: Answer, ctx: Context) -> Outcome:
    """Sex by button (or typed word)."""
    if isinstance(event, Press) and event.data in ("sex:L", "sex:P"):
        conv.answers.sex = Sex(event.data.removeprefix("sex:"))
        return finish(conv, ctx)
    return retry(conv, ctx, CHOOSE)


def typed(field: str, clean: Callable[[str], str | Invalid], missing: str) -> Handler:
    """A handler for a field answered by typing, cleaned by ``clean``."""

    def handle(conv: Conversation, event: Answer, ctx: Context) -> Outcome:
        if not isinstance(event, Text):
            return retry(conv, ctx, Invalid(missing))
        value = clean(event.text)
        if isinstance(value, Invalid):
            return retry(conv, ctx, value)
        setattr(conv.answers, field, value)
        return finish(conv, ctx)

    return handle


def on_phone(conv: Conversation, event: Answer, ctx: Context) -> Outcome:
    """The contact button (the sender's own number) or a typed Indonesian mobile number."""
    if isinstance(event, SharedContact):
        phone = contact_phone_to_e164(event.phone) if event.own else normalize_mobile(event.phone)
    elif isinstance(event, Text):
        phone = normalize_mobile(event.text)
    else:
        return retry(conv, ctx, Invalid(N_("Ketik nomor HP Anda, atau tekan tombol di bawah.")))
    if isinstance(phone, Invalid):
        return retry(conv, ctx, phone)
    conv.answers.phone = phone
    return finish(conv, ctx)


def on_home_confirm(conv: Conversation, event: Answer, ctx: Context) -> Outcome:
    """Still living in the NIK's kabupaten, or moved (then typed)."""
    if event == Press("home:yes"):
        region = suggest_home_from_nik((conv.answers.nik or "")[:4])
        assert region is not None
        conv.answers.home_code = region.code
        return finish(conv, ctx)
    if event == Press("home:no"):
        return goto(conv, Step.HOME, ctx)
    if isinstance(event, Text):
        # A typed place name is an answer too: look it up as on the typed question.
        conv.step = Step.HOME
        return on_home(conv, event, ctx)
    return retry(conv, ctx, CHOOSE)


def on_home(conv: Conversation, event: Answer, ctx: Context) -> Outcome:
    """A kabupaten/kota, matched tolerantly; close calls are offered as buttons."""
    if isinstance(event, Press):
        code = event.data.removeprefix("home:")
        if region_by_code(code) is None:
            return retry(conv, ctx, CHOOSE)
        conv.answers.home_code = code
        conv.home_candidates = []
        return finish(conv, ctx)
    if not isinstance(event, Text):
        return retry(conv, ctx, Invalid(N_("Ketik nama kabupaten atau kota tempat tinggal Anda.")))
    found = match_region(event.text)
    if found.region is not None:
        conv.answers.home_code = found.region.code
        conv.home_candidates = []
        return finish(conv, ctx)
    conv.home_candidates = [region.code for region in found.candidates]
    if found.candidates:
        return say(conv, ctx)
    return retry(
        conv,
        ctx,
        Invalid(
            N_("Kabupaten/kota \u201c{text}\u201d tidak kami temukan. Periksa ejaannya."),
            {"text": event.text.strip()[:60]},
        ),
    )


def on_occupation(conv: Conversation, event: Answer, ctx: Context) -> Outcome:
    """An occupation button; 'Lainnya' or any other typed work is asked/taken as text."""
    if isinstance(event, Press):
        key = event.data.removeprefix("occ:")
        if key == OTHER_OCCUPATION:
            return goto(conv, Step.OCCUPATION_OTHER, ctx)
        if key in OCCUPATIONS:
            conv.answers.occupation = key
            conv.answers.occupation_other = None
            return finish(conv, ctx)
    if isinstance(event, Text):
        return on_occupation_other(conv, event, ctx)
    return retry(conv, ctx, CHOOSE)


def on_occupation_other(conv: Conversation, event: Answer, ctx: Context) -> Outcome:
    """A typed occupation."""
    if not isinstance(event, Text):
        return retry(conv, ctx, Invalid(N_("Ketik pekerjaan Anda.")))
    work = clean_free_text(event.text, 60)
    if isinstance(work, Invalid):
        return retry(conv, ctx, work)
    conv.answers.occupation = OTHER_OCCUPATION
    conv.answers.occupation_other = work
    return finish(conv, ctx)


def on_income(conv: Conversation, event: Answer, ctx: Context) -> Outcome:
    """Monthly income; below the minimum basis is accepted and explained."""
    if isinstance(event, Press):
        amount: int | Invalid = int(event.data.removeprefix("inc:"))
    elif isinstance(event, Text):
        amount = parse_income(event.text)
    else:
        return retry(conv, ctx, Invalid(N_("Ketik penghasilan Anda sebulan.")))
    if isinstance(amount, Invalid):
        return retry(conv, ctx, amount)
    conv.answers.income = amount
    notices: list[Part] = []
    if amount < MIN_BASIS:
        notices.append(
            Msg(
                N_(
                    "Penghasilan {income} kami catat. Iuran dihitung dari penghasilan terendah "
                    "yang berlaku, {basis}."
                ),
                {"income": format_rupiah(amount), "basis": format_rupiah(MIN_BASIS)},
            )
        )
    return finish(conv, ctx, *notices)


def on_jht(conv: Conversation, event: Answer, ctx: Context) -> Outcome:
    """JHT savings: yes or no."""
    if isinstance(event, Press) and event.data in ("jht:yes", "jht:no"):
        conv.answers.jht = event.data == "jht:yes"
        return finish(conv, ctx)
    return retry(conv, ctx, CHOOSE)


def on_summary(conv: Conversation, event: Answer, ctx: Context) -> Outcome:
    """Kirim stores the submission; Ubah picks a field; Batal asks to confirm."""
    if event == Press("sum:send"):
        return submit(conv, ctx)
    if event == Press("sum:edit"):
        return goto(conv, Step.EDIT_PICK, ctx)
    if event == Press("sum:cancel"):
        return ask_cancel(conv, ctx)
    return retry(conv, ctx, CHOOSE)


def submit(conv: Conversation, ctx: Context) -> Outcome:
    """Store the submission (or the corrected one) and tell the worker its reference."""
    draft = SubmissionDraft(
        answers=conv.answers.copy(),
        flags=flags_for(conv.answers),
        monthly_self_paid=contribution_for(conv.answers, ctx.today).self_paid,
        event_code=conv.event_code,
        consent_at=conv.consent_at,
        consent_version=conv.consent_version,
        reference=conv.fix_reference,
        branch=ctx.config.branch_for(conv.answers.home_code or ""),
        sponsor_id=conv.answers.sponsor.id if conv.answers.sponsor else None,
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
                            "Petugas BPJS Ketenagakerjaan Kantor Cabang {branch} akan memeriksa data "
                            "Anda, biasanya dalam 3 hari kerja. Hasilnya (dan nomor kartu peserta/KPJ "
                            "jika disetujui) kami kirim lewat chat ini."
                        ),
                        {"branch": draft.branch},
                    ),
                    Msg(N_("Cek kapan saja dengan /status.")),
                )
            )
        ],
    )


def on_edit_pick(conv: Conversation, event: Answer, ctx: Context) -> Outcome:
    """Go to the picked field's question; its answer returns to the summary."""
    if isinstance(event, Press):
        field = event.data.removeprefix("edit:")
        if field == "back":
            return goto(conv, Step.SUMMARY, ctx)
        if field in FIELD_STEP:
            conv.return_to_summary = True
            conv.home_candidates = []
            return goto(conv, FIELD_STEP[field], ctx)
    return retry(conv, ctx, CHOOSE)


def ask_cancel(conv: Conversation, ctx: Context) -> Outcome:
    """Ask before throwing a draft away."""
    conv.resume_step = conv.step
    return goto(conv, Step.CONFIRM_CANCEL, ctx)


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
    return retry(conv, ctx, CHOOSE)


HANDLERS: dict[Step, Handler] = {
    Step.CONSENT: on_consent,
    Step.NIK: on_nik,
    Step.NIK_CONFIRM: on_nik_confirm,
    Step.BIRTH_DATE: on_birth_date,
    Step.SEX: on_sex,
    Step.NAME: typed("name", clean_name, N_("Ketik nama lengkap Anda.")),
    Step.BIRTH_PLACE: typed("birth_place", clean_place, N_("Ketik tempat lahir Anda.")),
    Step.PHONE: on_phone,
    Step.HOME_CONFIRM: on_home_confirm,
    Step.HOME: on_home,
    Step.ADDRESS: typed("address", clean_address, N_("Ketik alamat rumah Anda.")),
    Step.OCCUPATION: on_occupation,
    Step.OCCUPATION_OTHER: on_occupation_other,
    Step.INCOME: on_income,
    Step.JHT: on_jht,
    Step.SUMMARY: on_summary,
    Step.EDIT_PICK: on_edit_pick,
    Step.CONFIRM_CANCEL: on_confirm_cancel,
}


# --- presses that work at any step ---------------------------------------------------------------


def on_language(conv: Conversation, value: str, ctx: Context) -> Outcome:
    """Switch the worker's language, then re-ask."""
    if value not in LANGUAGES:
        return say(conv, ctx)
    conv.lang = value
    outcome = say(conv, ctx, Msg(N_("Bahasa: Bahasa Indonesia.")))
    outcome.ack = Msg(N_("English") if value == "en" else N_("Bahasa Indonesia"))
    return outcome


def on_restart(conv: Conversation, value: str, ctx: Context) -> Outcome:
    """'Mulai dari awal' from the welcome-back message: confirm, then start over."""
    if conv.step not in IN_PROGRESS:
        return say(conv, ctx)
    return ask_cancel(conv, ctx)


def on_start_new(conv: Conversation, value: str, ctx: Context) -> Outcome:
    """'Daftar lagi' after a cancellation."""
    if conv.step in IN_PROGRESS:
        return say(conv, ctx)
    return begin(conv, None, ctx)


def on_fix(conv: Conversation, reference: str, ctx: Context) -> Outcome:
    """Start correcting a submission an officer sent back: ask only the named fields."""
    target = ctx.fact(FixTargetOf(reference))
    if target is None:
        return say(conv, ctx, Msg(N_("Pendaftaran itu tidak sedang menunggu perbaikan.")))
    fields = [field for field in target.fields if field in FIELD_STEP] or ["name"]
    fixing = Conversation(
        step=Step.SUMMARY,
        answers=target.answers.copy(),
        lang=conv.lang,
        fix_reference=target.reference,
        fix_fields=fields,
    )
    first = FIELD_STEP[fixing.fix_fields.pop(0)]
    note = Msg(
        N_("Perbaikan untuk {reference}. Catatan petugas: {note}"),
        {"reference": target.reference, "note": target.note},
    )
    return goto(fixing, first, ctx, note)


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
        buttons=(
            (
                Button(Msg(N_("Ya, hapus data saya")), f"erase:yes:{conv.erase_token}"),
                Button(Msg(N_("Tidak")), "erase:no"),
            ),
        ),
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


GLOBAL_PRESSES: dict[str, Callable[[Conversation, str, Context], Outcome]] = {
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
        if conv.step in IN_PROGRESS or conv.step is Step.CONFIRM_CANCEL:
            return welcome_back(conv, ctx)
        return begin(conv, code if EVENT_CODE.fullmatch(code) else None, ctx)
    if name == "status":
        views = ctx.fact(MySubmissions())
        listing = status_reply(views)
        outcome = say(conv, ctx) if conv.step in IN_PROGRESS else None
        return Outcome(conv, [listing, *(outcome.replies if outcome else [])])
    if name == "bantuan":
        return say(conv, ctx, *help_text())
    if name == "batal":
        if conv.step in IN_PROGRESS:
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
    return say(conv, ctx, Msg(N_("Perintah itu tidak dikenal.")), *help_text())


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
