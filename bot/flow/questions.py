"""The question each step asks, built from the conversation so far (one message per step)."""

from __future__ import annotations

from collections.abc import Callable

from bot.contribution import Program
from bot.cost_text import welcome_msg
from bot.domain import Sex
from bot.fields import OCCUPATIONS, OTHER_OCCUPATION, REGISTRATION, SEX_LABELS
from bot.flow.buttons import SUMMARY_BUTTONS, yes_no_buttons
from bot.flow.context import Context
from bot.flow.needs import EventOf
from bot.flow.readback import ask_home_choice, ask_income_confirm, ask_occupation_confirm
from bot.flow.state import STEP_NUMBER, TOTAL_STEPS, Conversation, Step
from bot.flow.summary import contribution_for, summary_parts
from bot.i18n import N_, format_rupiah
from bot.messages import Button, Day, Keyboard, Msg, Reply
from bot.phone import national_phone
from bot.regions import suggest_home_from_nik
from bot.sectors import SECTOR_QUESTION

# The step that asks each field when it is edited or corrected.
FIELD_STEP = {
    "nik": Step.NIK,
    "birth_date": Step.BIRTH_DATE,
    "sex": Step.SEX,
    "name": Step.NAME,
    "birth_place": Step.BIRTH_PLACE,
    "phone": Step.PHONE,
    "home_code": Step.HOME,
    "address": Step.ADDRESS,
    "occupation": Step.OCCUPATION,
    "income": Step.INCOME,
    "jht": Step.JHT,
}

# Income buttons: levels of the BPU income table (bot/data/income_levels.csv), so a tap pays
# exactly on what it says; anything else is typed and falls in its band.
INCOME_CHOICES = (1_000_000, 1_400_000, 2_000_000, 3_000_000, 5_000_000)


def progress(conv: Conversation) -> Msg | None:
    """'Langkah 3 dari 11' for the main questions."""
    number = STEP_NUMBER.get(conv.step)
    if number is None:
        return None
    return Msg(
        N_("<i>Langkah {number} dari {total}</i>"), {"number": number, "total": TOTAL_STEPS}
    )


def question(conv: Conversation, ctx: Context, *, short: bool = False) -> Reply:
    """The pending question of ``conv``, with its progress line and buttons.

    ``short``: asked again (after a wrong answer, a command, a pause): the long welcome is not
    repeated, only its question (docs/conversation.md, rule 5).
    """
    ask = SHORT.get(conv.step, ASK[conv.step]) if short else ASK[conv.step]
    built = ask(conv, ctx)
    head = progress(conv)
    if head is None:
        return built
    return built.after(head)


def pending_buttons(conv: Conversation, ctx: Context) -> tuple[Button, ...]:
    """The buttons of the pending question (to read a tap or a typed label against); where they
    never change, without building the question's text (the summary's is the costliest)."""
    rows = CONSTANT_BUTTONS.get(conv.step)
    if rows is None:
        return ASK[conv.step](conv, ctx).all_buttons
    return tuple(button for row in rows for button in row)


# --- one function per step -------------------------------------------------------------------


def ask_consent(conv: Conversation, ctx: Context) -> Reply:
    """Greeting, what BPU protection gives and costs, and the consent question."""
    event = ctx.fact(EventOf(conv.event_code)) if conv.event_code else None
    if event is not None:
        hello = Msg(
            N_("Selamat datang di pendaftaran BPJS Ketenagakerjaan, acara <b>{event}</b>."),
            {"event": event.name},
        )
    else:
        hello = Msg(N_("Selamat datang di pendaftaran BPJS Ketenagakerjaan."))
    return Reply(
        parts=(
            hello,
            Msg(
                N_(
                    "Untuk pekerja mandiri (tukang becak, nelayan, petani, pedagang, ojek, dan "
                    "lainnya): jika celaka saat bekerja, biaya perawatan ditanggung (JKK); jika "
                    "meninggal, keluarga mendapat santunan (JKM)."
                )
            ),
            welcome_msg(ctx.today),
            Msg(
                N_(
                    "Kami akan menanyakan NIK, nama, tanggal dan tempat lahir, jenis kelamin, nomor "
                    "HP, kabupaten/kota dan alamat tempat tinggal, pekerjaan dan penghasilan Anda. "
                    "Data hanya dipakai untuk pendaftaran BPJS Ketenagakerjaan dan dilindungi sesuai "
                    "UU No. 27 Tahun 2022 tentang Pelindungan Data Pribadi."
                )
            ),
            CONSENT_QUESTION,
        ),
        buttons=CONSENT_BUTTONS,
    )


# "Lanjut" is a yes here only: on /batal's question it means "go on with the registration".
CONSENT_BUTTONS = yes_no_buttons(
    "consent", N_("Setuju"), N_("Tidak"), ("lanjut", "ayo", "yuk", "daftar")
)
CONSENT_QUESTION = Msg(N_("Anda setuju data Anda dipakai untuk pendaftaran ini?"))


def ask_consent_again(conv: Conversation, ctx: Context) -> Reply:
    """The consent question alone: the welcome was read already."""
    return Reply(parts=(CONSENT_QUESTION,), buttons=CONSENT_BUTTONS)


def ask_nik(conv: Conversation, ctx: Context) -> Reply:
    """The NIK question."""
    return Reply(
        parts=(
            Msg(N_("Ketik NIK Anda, 16 angka di KTP.")),
            Msg(N_("Contoh: {example}"), {"example": "3401021203680003"}),
        ),
        keyboard=Keyboard.REMOVE,
    )


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


def ask_birth_date(conv: Conversation, ctx: Context) -> Reply:
    """The birth date, typed."""
    return Reply(
        parts=(
            Msg(N_("Ketik tanggal lahir Anda.")),
            Msg(N_("Contoh: {example}"), {"example": "17-08-1985 / 17 Agustus 1985"}),
        )
    )


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


def ask_phone(conv: Conversation, ctx: Context) -> Reply:
    """Phone number: one tap on the contact button, or typed; where the channel tells us the
    sender's number (WhatsApp), one tap to confirm it."""
    if ctx.sender_phone is not None and not conv.phone_typed:
        return Reply(
            parts=(
                Msg(N_("Nomor HP Anda {phone}?"), {"phone": national_phone(ctx.sender_phone)}),
            ),
            buttons=(
                (
                    Button(Msg(N_("Ya")), "phone:yes", means=True),
                    Button(
                        Msg(N_("Nomor lain")),
                        "phone:other",
                        aliases=("lain", "ganti"),
                        means=False,
                    ),
                ),
            ),
        )
    if ctx.sender_phone is not None or not ctx.contact_button:
        return Reply(
            parts=(
                Msg(N_("Ketik nomor HP Anda.")),
                Msg(N_("Contoh: {example}"), {"example": "0812 3456 7890"}),
            )
        )
    return Reply(
        parts=(
            Msg(N_("Tekan tombol <b>Bagikan nomor HP</b> di bawah, atau ketik nomor HP Anda.")),
            Msg(N_("Contoh: {example}"), {"example": "0812 3456 7890"}),
        ),
        buttons=((Button(Msg(N_("📱 Bagikan nomor HP")), "contact"),),),
        keyboard=Keyboard.CONTACT,
    )


def ask_home_confirm(conv: Conversation, ctx: Context) -> Reply:
    """Is the worker still living in the kabupaten/kota their NIK was issued in?"""
    region = suggest_home_from_nik((conv.answers.nik or "")[:4])
    assert region is not None  # the step is only entered when there is a suggestion
    return Reply(
        parts=(
            Msg(
                N_("NIK Anda dari <b>{region}</b>. Masih tinggal di sana?"),
                {"region": region.label},
            ),
        ),
        buttons=yes_no_buttons(
            "home", N_("Ya"), N_("Tidak, pindah"), ("masih", "tetap"), ("pindah",)
        ),
        keyboard=Keyboard.REPLY,
    )


def ask_home(conv: Conversation, ctx: Context) -> Reply:
    """Home kabupaten/kota, typed; a place it was found through is confirmed with a tap, and
    several come back as buttons."""
    if conv.home_candidates:
        return ask_home_choice(conv, ctx)
    return Reply(
        parts=(
            Msg(N_("Di kabupaten atau kota mana Anda tinggal sekarang?")),
            Msg(N_("Contoh: {example}"), {"example": "Bantul / Kota Pekalongan"}),
        ),
        keyboard=Keyboard.REMOVE,
    )


def ask_address(conv: Conversation, ctx: Context) -> Reply:
    """Street address, RT/RW, desa/kelurahan."""
    return Reply(
        parts=(
            Msg(N_("Ketik alamat rumah Anda: jalan atau dusun, RT/RW, desa atau kelurahan.")),
            Msg(
                N_("Contoh: {example}"),
                {"example": "Dusun Krebet RT 02 RW 05, Desa Sendangsari"},
            ),
        ),
        keyboard=Keyboard.REMOVE,
    )


def ask_occupation(conv: Conversation, ctx: Context) -> Reply:
    """Occupation, by button."""
    return OCCUPATION_QUESTION


def _occupation_question() -> Reply:
    buttons = [
        Button(Msg(label), f"occ:{key}", aliases=(key.replace("_", " "),))
        for key, label in OCCUPATIONS.items()
    ]
    buttons.append(Button(Msg(N_("Lainnya")), f"occ:{OTHER_OCCUPATION}", aliases=("lain",)))
    rows = tuple(tuple(buttons[i : i + 2]) for i in range(0, len(buttons), 2))
    return Reply(parts=(Msg(N_("Apa pekerjaan Anda?")),), buttons=rows)


OCCUPATION_QUESTION = _occupation_question()  # the same for everyone: built once


def ask_occupation_other(conv: Conversation, ctx: Context) -> Reply:
    """Occupation, typed."""
    return Reply(
        parts=(
            Msg(N_("Ketik pekerjaan Anda.")),
            Msg(N_("Contoh: {example}"), {"example": "kusir dokar"}),
        )
    )


def ask_sector(conv: Conversation, ctx: Context) -> Reply:
    """Transport or not: asked only while PP 50/2025's relief differs by sector."""
    return Reply(
        parts=(
            Msg(
                N_(
                    "Keringanan iuran untuk pekerja transportasi berlaku lebih lama, jadi kami "
                    "perlu tahu:"
                )
            ),
            Msg(SECTOR_QUESTION),
        ),
        buttons=yes_no_buttons("sector", N_("Ya"), N_("Bukan")),
    )


def ask_income(conv: Conversation, ctx: Context) -> Reply:
    """Monthly income: brackets with the contribution each implies, or typed."""
    rows = []
    for amount in INCOME_CHOICES:
        cost = contribution_for(conv.answers, ctx.today, jht=False, income=amount).self_paid
        label = Msg(
            N_("{income} · iuran {cost}"),
            {"income": format_rupiah(amount), "cost": format_rupiah(cost)},
        )
        rows.append((Button(label, f"inc:{amount}"),))
    return Reply(
        parts=(
            Msg(N_("Berapa kira-kira penghasilan Anda sebulan? Pilih, atau ketik jumlahnya.")),
            Msg(N_("Contoh: {example}"), {"example": "1,5 juta / 800 ribu"}),
        ),
        buttons=tuple(rows),
    )


def ask_jht(conv: Conversation, ctx: Context) -> Reply:
    """Whether to add JHT savings, with what it costs for this income."""
    lines = contribution_for(conv.answers, ctx.today, jht=True).lines
    extra = sum(line.amount for line in lines if line.program is Program.JHT)
    return Reply(
        parts=(
            Msg(
                N_(
                    "Jaminan Hari Tua (JHT) adalah tabungan yang bisa Anda ambil saat berhenti "
                    "bekerja atau di usia 56 tahun. Tambahannya {extra} per bulan. Ikut JHT juga?"
                ),
                {"extra": format_rupiah(extra)},
            ),
        ),
        buttons=yes_no_buttons("jht", N_("Ya, ikut JHT"), N_("Tidak"), ("ikut",)),
    )


def ask_summary(conv: Conversation, ctx: Context) -> Reply:
    """Every answer and the monthly contribution per program, with Kirim / Ubah / Batal."""
    return Reply(
        parts=(
            *summary_parts(conv.answers, ctx.today),
            Msg(N_("Sudah benar semua? Tekan <b>Kirim</b>.")),
        ),
        buttons=SUMMARY_BUTTONS,
    )


def ask_edit_pick(conv: Conversation, ctx: Context) -> Reply:
    """Which answer to change."""
    buttons = [Button(Msg(f.label), f"edit:{f.name}") for f in REGISTRATION]
    rows = [tuple(buttons[i : i + 2]) for i in range(0, len(buttons), 2)]
    rows.append((Button(Msg(N_("Kembali ke ringkasan")), "edit:back", aliases=("kembali",)),))
    return Reply(parts=(Msg(N_("Bagian mana yang ingin diubah?")),), buttons=tuple(rows))


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


def ask_done(conv: Conversation, ctx: Context) -> Reply:
    """After submitting: where things stand."""
    return Reply(
        parts=(
            Msg(
                N_("Pendaftaran Anda sudah terkirim dengan nomor <b>{reference}</b>."),
                {"reference": conv.reference or "-"},
            ),
            Msg(N_("Ketik /status untuk melihat statusnya, atau /bantuan jika perlu bantuan.")),
        )
    )


def ask_idle(conv: Conversation, ctx: Context) -> Reply:
    """Nothing in progress."""
    return Reply(parts=(Msg(N_("Ketik /start untuk mulai mendaftar BPJS Ketenagakerjaan.")),))


ASK: dict[Step, Callable[[Conversation, Context], Reply]] = {
    Step.IDLE: ask_idle,
    Step.CONSENT: ask_consent,
    Step.NIK: ask_nik,
    Step.NIK_CONFIRM: ask_nik_confirm,
    Step.BIRTH_DATE: ask_birth_date,
    Step.SEX: ask_sex,
    Step.NAME: ask_name,
    Step.BIRTH_PLACE: ask_birth_place,
    Step.PHONE: ask_phone,
    Step.HOME_CONFIRM: ask_home_confirm,
    Step.HOME: ask_home,
    Step.ADDRESS: ask_address,
    Step.OCCUPATION: ask_occupation,
    Step.OCCUPATION_OTHER: ask_occupation_other,
    Step.OCCUPATION_CONFIRM: ask_occupation_confirm,
    Step.SECTOR: ask_sector,
    Step.INCOME: ask_income,
    Step.INCOME_CONFIRM: ask_income_confirm,
    Step.JHT: ask_jht,
    Step.SUMMARY: ask_summary,
    Step.EDIT_PICK: ask_edit_pick,
    Step.CONFIRM_CANCEL: ask_confirm_cancel,
    Step.DONE: ask_done,
}


# Questions with a shorter form for asking again.
SHORT: dict[Step, Callable[[Conversation, Context], Reply]] = {Step.CONSENT: ask_consent_again}
# Questions whose buttons are the same whatever was answered: pending_buttons reads them here.
CONSTANT_BUTTONS: dict[Step, tuple[tuple[Button, ...], ...]] = {Step.SUMMARY: SUMMARY_BUTTONS}
