"""One handler per step: check the answer, keep it, and move on (or ask again)."""

from __future__ import annotations

from collections.abc import Callable

from bot.age import check_age
from bot.dates import parse_birth_date
from bot.domain import Sex, SubmissionDraft
from bot.flow.context import Context, Outcome
from bot.flow.events import Press, SharedContact, Text
from bot.flow.moves import CHOOSE, Answer, ask_cancel, finish, goto, retry, say, unclear
from bot.flow.needs import (
    NikHolder,
    Submit,
)
from bot.flow.questions import FIELD_STEP
from bot.flow.state import Conversation, Step
from bot.flow.summary import contribution_for, flags_for, office_words
from bot.flow.work import (
    on_income,
    on_income_confirm,
    on_occupation,
    on_occupation_confirm,
    on_occupation_other,
    on_sector,
)
from bot.i18n import N_
from bot.messages import Button, Msg, Reply
from bot.nik import NikInfo, parse_nik
from bot.phone import contact_phone_to_e164, normalize_mobile
from bot.places import match_home
from bot.regions import region_by_code, suggest_home_from_nik
from bot.text import clean_address, clean_name, clean_place
from bot.validation import Invalid
from bot.yes_no import read_yes_no

Handler = Callable[[Conversation, Answer, Context], Outcome]

# --- one handler per step ------------------------------------------------------------------------


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
    return retry(conv, ctx, unclear(event))


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
        born = conv.answers.nik_birth_date
        age = check_age(born, ctx.today) if born is not None else None
        if isinstance(age, Invalid):
            # The same rule as a typed date; a wrong date in the NIK is corrected with Ubah.
            return retry(conv, ctx, age)
        conv.answers.birth_date = born
        conv.answers.sex = conv.answers.nik_sex
        return finish(conv, ctx)
    if event == Press("nikok:no"):
        return goto(conv, Step.BIRTH_DATE, ctx)
    return retry(conv, ctx, unclear(event))


def on_birth_date(conv: Conversation, event: Answer, ctx: Context) -> Outcome:
    """A typed birth date; differing from the NIK is kept (and flagged), never refused."""
    if not isinstance(event, Text):
        return retry(conv, ctx, Invalid(N_("Ketik tanggal lahir Anda.")))
    born = parse_birth_date(event.text, ctx.today)
    if isinstance(born, Invalid):
        return retry(conv, ctx, born)
    age = check_age(born, ctx.today)
    if isinstance(age, Invalid):
        return retry(conv, ctx, age)
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
    """The contact button (the sender's own number), the channel's number confirmed with a tap,
    or a typed Indonesian mobile number."""
    if event == Press("phone:yes") and ctx.sender_phone is not None:
        conv.phone_typed = False
        conv.answers.phone = ctx.sender_phone
        return finish(conv, ctx)
    if event == Press("phone:other"):
        conv.phone_typed = True
        return say(conv, ctx)
    if isinstance(event, SharedContact) and not event.own:
        # Someone else's contact card: their number must not become this worker's.
        return retry(
            conv, ctx, Invalid(N_("Bagikan nomor HP Anda sendiri, atau ketik nomor Anda."))
        )
    if isinstance(event, SharedContact):
        phone = contact_phone_to_e164(event.phone)
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
    if isinstance(event, Text) and not read_yes_no(event.text).mixed:
        # A typed place name is an answer too: look it up as on the typed question.
        conv.step = Step.HOME
        return on_home(conv, event, ctx)
    return retry(conv, ctx, unclear(event))


def on_home(conv: Conversation, event: Answer, ctx: Context) -> Outcome:
    """A kabupaten/kota: an exact name is taken; a kecamatan, a town or a near spelling is
    confirmed with a tap, or offered with others as buttons."""
    if event == Press("home:none"):
        conv.home_candidates, conv.home_place = [], None
        return goto(conv, Step.HOME, ctx)
    if isinstance(event, Press):
        code = event.data.removeprefix("home:")
        if region_by_code(code) is None:
            return retry(conv, ctx, CHOOSE)
        conv.answers.home_code = code
        conv.home_candidates, conv.home_place = [], None
        return finish(conv, ctx)
    if not isinstance(event, Text):
        return retry(conv, ctx, Invalid(N_("Ketik nama kabupaten atau kota tempat tinggal Anda.")))
    nik_region = region_by_code((conv.answers.nik or "")[:4])
    found = match_home(event.text, nik_region.code if nik_region else None)
    if found.sure:
        conv.answers.home_code = found.regions[0].code
        conv.home_candidates, conv.home_place = [], None
        return finish(conv, ctx)
    conv.home_candidates = [region.code for region in found.regions]
    conv.home_place = found.place
    if found.regions:
        return say(conv, ctx)
    return retry(
        conv,
        ctx,
        Invalid(
            N_("Kabupaten/kota \u201c{text}\u201d tidak kami temukan. Periksa ejaannya."),
            {"text": event.text.strip()[:60]},
        ),
    )


def on_jht(conv: Conversation, event: Answer, ctx: Context) -> Outcome:
    """JHT savings: yes or no."""
    if isinstance(event, Press) and event.data in ("jht:yes", "jht:no"):
        conv.answers.jht = event.data == "jht:yes"
        return finish(conv, ctx)
    return retry(conv, ctx, unclear(event))


def on_summary(conv: Conversation, event: Answer, ctx: Context) -> Outcome:
    """Kirim stores the submission; Ubah picks a field; Batal asks to confirm."""
    if event == Press("sum:send"):
        return submit(conv, ctx)
    if event == Press("sum:edit"):
        return goto(conv, Step.EDIT_PICK, ctx)
    if event == Press("sum:cancel"):
        return ask_cancel(conv, ctx)
    return retry(conv, ctx, unclear(event))


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


def on_edit_pick(conv: Conversation, event: Answer, ctx: Context) -> Outcome:
    """Go to the picked field's question; its answer returns to the summary."""
    if isinstance(event, Press):
        field = event.data.removeprefix("edit:")
        if field == "back":
            return goto(conv, Step.SUMMARY, ctx)
        if field in FIELD_STEP:
            conv.return_to_summary = True
            conv.home_candidates, conv.home_place = [], None
            return goto(conv, FIELD_STEP[field], ctx)
    return retry(conv, ctx, CHOOSE)


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
    Step.OCCUPATION_CONFIRM: on_occupation_confirm,
    Step.SECTOR: on_sector,
    Step.INCOME: on_income,
    Step.INCOME_CONFIRM: on_income_confirm,
    Step.JHT: on_jht,
    Step.SUMMARY: on_summary,
    Step.EDIT_PICK: on_edit_pick,
    Step.CONFIRM_CANCEL: on_confirm_cancel,
}
