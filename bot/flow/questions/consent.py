"""Before the questions: nothing in progress, then the welcome and the consent to use the data."""

from __future__ import annotations

from bot.cost_text import welcome_msg
from bot.flow.buttons import yes_no_buttons
from bot.flow.context import Context, Outcome
from bot.flow.events import Answer, Press
from bot.flow.moves import goto, retry, unclear
from bot.flow.needs import Count, EventOf
from bot.flow.registry import Question
from bot.flow.state import Conversation, Step
from bot.i18n import N_
from bot.messages import Msg, Reply


def ask_idle(conv: Conversation, ctx: Context) -> Reply:
    """Nothing in progress."""
    return Reply(parts=(Msg(N_("Ketik /start untuk mulai mendaftar BPJS Ketenagakerjaan.")),))


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


def on_consent(conv: Conversation, event: Answer, ctx: Context) -> Outcome:
    """Consent recorded with its time and text version; a refusal keeps nothing."""
    if event == Press("consent:yes"):
        conv.consent_at = ctx.now.isoformat()
        conv.consent_version = ctx.config.consent_version
        outcome = goto(conv, Step.NIK, ctx)
        if conv.event_code:
            outcome.effects.append(Count(conv.event_code, "consented"))
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


QUESTIONS = (
    Question(Step.IDLE, ask_idle),
    Question(
        Step.CONSENT,
        ask_consent,
        on_consent,
        ask_again=ask_consent_again,
        stats=N_("persetujuan data"),
    ),
)
