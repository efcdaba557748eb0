"""Who the worker is: the NIK (and the birth date and sex it gives, confirmed), the name and the
place of birth."""

from __future__ import annotations

from bot.age import check_age
from bot.dates import parse_birth_date
from bot.domain import Sex
from bot.fields import SEX_LABELS, Field, Kind
from bot.flow.buttons import yes_no_buttons
from bot.flow.context import Context, Outcome
from bot.flow.events import Answer, Press, Text
from bot.flow.moves import CHOOSE, finish, goto, retry, typed, unclear
from bot.flow.needs import NikHolder
from bot.flow.registry import Question, fixed
from bot.flow.state import Conversation, Step
from bot.i18n import N_
from bot.messages import Button, Day, Keyboard, Msg, Reply
from bot.nik import NikInfo, parse_nik
from bot.reading.answers import (
    read_birth_date,
    read_birth_place,
    read_name,
    read_nik,
    read_nik_readback,
)
from bot.text import clean_name, clean_place
from bot.validation import Invalid


def ask_nik(conv: Conversation, ctx: Context) -> Reply:
    """The NIK question."""
    return Reply(
        parts=(
            Msg(N_("Ketik NIK Anda, 16 angka di KTP.")),
            Msg(N_("Contoh: {example}"), {"example": "3401021203680003"}),
        ),
        keyboard=Keyboard.REMOVE,
    )


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


def ask_nik_confirm(conv: Conversation, ctx: Context) -> Reply:
    """Birth date and sex read from the NIK, for a confirming tap."""
    born, sex = conv.answers.nik_birth_date, conv.answers.nik_sex
    assert born is not None and sex is not None  # asked right after the NIK was read
    return Reply(
        parts=(
            Msg(
                N_("Dari NIK: {sex}, lahir {born}. Benar?"),
                {"sex": Msg(SEX_LABELS[sex]), "born": Day(born)},
            ),
        ),
        buttons=yes_no_buttons(
            "nikok", N_("Benar"), N_("Ubah"), ("cocok", "sesuai"), ("ganti", "beda")
        ),
    )


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
    return retry(conv, ctx, unclear(event, N_("Benar"), N_("Ubah")))


def ask_birth_date(conv: Conversation, ctx: Context) -> Reply:
    """The birth date, typed."""
    return Reply(
        parts=(
            Msg(N_("Ketik tanggal lahir Anda.")),
            Msg(N_("Contoh: {example}"), {"example": "17-08-1985 / 17 Agustus 1985"}),
        )
    )


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


def ask_sex(conv: Conversation, ctx: Context) -> Reply:
    """Sex, by button."""
    return Reply(
        parts=(Msg(N_("Jenis kelamin Anda?")),),
        buttons=(
            (
                Button(Msg(SEX_LABELS[Sex.MALE]), "sex:L", aliases=MALE_WORDS),
                Button(Msg(SEX_LABELS[Sex.FEMALE]), "sex:P", aliases=FEMALE_WORDS),
            ),
        ),
    )


MALE_WORDS = ("l", "lk", "laki", "lakilaki", "lelaki", "pria", "cowok", "cowo", "male", "man")

FEMALE_WORDS = ("p", "pr", "wanita", "cewek", "cewe", "female", "woman")


def on_sex(conv: Conversation, event: Answer, ctx: Context) -> Outcome:
    """Sex by button (or typed word)."""
    if isinstance(event, Press) and event.data in ("sex:L", "sex:P"):
        conv.answers.sex = Sex(event.data.removeprefix("sex:"))
        return finish(conv, ctx)
    return retry(conv, ctx, CHOOSE)


def ask_name(conv: Conversation, ctx: Context) -> Reply:
    """Full name as on the KTP."""
    return Reply(
        parts=(
            Msg(N_("Ketik nama lengkap Anda, sama seperti di KTP.")),
            Msg(N_("Contoh: {example}"), {"example": "Sri Wahyuni"}),
        )
    )


def ask_birth_place(conv: Conversation, ctx: Context) -> Reply:
    """Place of birth."""
    return Reply(
        parts=(
            Msg(N_("Ketik tempat lahir Anda, seperti di KTP.")),
            Msg(N_("Contoh: {example}"), {"example": "Kulon Progo"}),
        )
    )


QUESTIONS = (
    Question(
        Step.NIK,
        ask_nik,
        on_nik,
        in_turn=True,
        number=1,
        field=Field("nik", N_("NIK"), Kind.NIK, "NIK", "nik", ("nik",)),
        stats=N_("NIK"),
        read=lambda text, conv, ctx, buttons: read_nik(text, ctx.today),
    ),
    Question(
        Step.NIK_CONFIRM,
        ask_nik_confirm,
        on_nik_confirm,
        number=2,
        stats=N_("cek tanggal lahir dan jenis kelamin"),
        read=lambda text, conv, ctx, buttons: read_nik_readback(text, buttons),
    ),
    Question(
        Step.BIRTH_DATE,
        ask_birth_date,
        on_birth_date,
        next=fixed(Step.SEX),
        number=2,
        field=Field(
            "birth_date",
            N_("Tanggal lahir"),
            Kind.DATE,
            "Tanggal lahir",
            "birth_date",
            ("tanggal_lahir", "tgl_lahir"),
        ),
        stats=N_("tanggal lahir"),
        read=lambda text, conv, ctx, buttons: read_birth_date(text, ctx.today),
    ),
    Question(
        Step.SEX,
        ask_sex,
        on_sex,
        number=2,
        field=Field(
            "sex", N_("Jenis kelamin"), Kind.SEX, "Jenis kelamin", "sex", ("jenis_kelamin", "jk")
        ),
        stats=N_("jenis kelamin"),
    ),
    Question(
        Step.NAME,
        ask_name,
        typed("name", clean_name, N_("Ketik nama lengkap Anda.")),
        in_turn=True,
        number=3,
        field=Field("name", N_("Nama"), Kind.TEXT, "Nama", "name", ("nama",)),
        stats=N_("nama"),
        read=lambda text, conv, ctx, buttons: read_name(text),
    ),
    Question(
        Step.BIRTH_PLACE,
        ask_birth_place,
        typed("birth_place", clean_place, N_("Ketik tempat lahir Anda.")),
        in_turn=True,
        number=4,
        field=Field(
            "birth_place", N_("Tempat lahir"), Kind.TEXT, "Tempat lahir", None, ("tempat_lahir",)
        ),
        stats=N_("tempat lahir"),
        read=lambda text, conv, ctx, buttons: read_birth_place(text),
    ),
)
