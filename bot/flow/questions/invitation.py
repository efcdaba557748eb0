"""An invited worker's registration: a sponsor's roster row, opened with its personal code.

``/start <code>`` (Telegram, the terminal) or "DAFTAR <code>" (WhatsApp) leads here
(bot/flow/engine.py). The worker first consents, told who invited them and what of theirs the
sponsor shared; then proves the invitation is theirs by typing their full NIK, which must be the
row's (nothing of the row is shown before; three wrong NIKs lock the code); then sees the row's
data and confirms it with one tap. Only what the row lacks is asked after that (through the
correction queue ``fix_fields``, which ends at the summary): a full row finishes with consent,
NIK, confirmation, income, JHT and Kirim. The submission names the sponsor, and the code, which
links it to its roster row; its answers say "diundang" (docs/rosters.md).
"""

from __future__ import annotations

from datetime import date

from bot.domain import Payer, Sex
from bot.fields import OTHER_OCCUPATION, SEX_LABELS, SponsorChoice
from bot.flow.buttons import yes_no_buttons
from bot.flow.context import Context, Outcome
from bot.flow.events import Answer, Press, Text
from bot.flow.moves import goto, retry, unclear
from bot.flow.needs import DeclineInvitation, InvitedNumber, MatchInvitation, OpenInvitation
from bot.flow.registry import REGISTRY, Question
from bot.flow.state import Conversation, Step
from bot.flow.summary import occupation_text
from bot.i18n import N_
from bot.messages import Block, Button, Day, Msg, Reply
from bot.nik import parse_nik
from bot.occupations import read_occupation
from bot.phone import national_phone
from bot.regions import region_by_code
from bot.roster_codes import read_code
from bot.rosters import InvitedRow
from bot.sectors import sector_of
from bot.validation import Invalid

SOURCE = "diundang"  # answers.extra["sumber"] of a submission made on an invitation
CONSENT_BUTTONS = yes_no_buttons("undangan", N_("Setuju"), N_("Tidak"), ("daftar", "lanjut"))
DATA_BUTTONS = yes_no_buttons("undangan_data", N_("Benar"), N_("Ada yang salah"))
NIK_WRONG = N_("NIK itu tidak cocok dengan undangan ini. Sisa {count} kali lagi.")
# What the roster may fill in, in the order the registration asks it; the rest is asked.
ASKED_AFTER = ("birth_place", "phone", "address", "occupation", "income", "jht")


def start(conv: Conversation, typed: str, ctx: Context) -> Outcome | None:
    """``/start <code>`` with a personal code: the invitation's consent; None when the text is
    not a personal code (an event code, or nothing)."""
    code = read_code(typed)
    if code is None:
        return None
    found = ctx.fact(OpenInvitation(code, ctx.config.code_tries, ctx.config.code_pause_minutes))
    fresh = Conversation(lang=conv.lang)
    if found.paused:
        paused = N_(
            "Terlalu banyak kode undangan yang salah. Coba lagi nanti, atau ketik /start untuk "
            "mendaftar tanpa undangan."
        )
        return Outcome(fresh, [Reply(parts=(Msg(paused),))])
    invitation = found.invitation
    if invitation is None or not invitation.open:
        unknown = N_(
            "Kode undangan itu tidak dikenal atau sudah tidak berlaku. Periksa kodenya, atau "
            "ketik /start untuk mendaftar tanpa undangan."
        )
        return Outcome(fresh, [Reply(parts=(Msg(unknown),))])
    fresh.invite_code = invitation.code
    fresh.invite_sponsor = invitation.sponsor_name
    return goto(fresh, Step.INVITE_CONSENT, ctx)


def by_number(conv: Conversation, ctx: Context) -> Outcome | None:
    """A WhatsApp worker who writes in words ("iya mau daftar", DAFTAR alone) instead of tapping
    the invitation's button: the invitation sent to their number, as the button would open it;
    None when no open invitation went to it (or the channel does not tell the number)."""
    if ctx.sender_phone is None or conv.consent_at is not None:
        return None
    code = ctx.fact(InvitedNumber(ctx.sender_phone))
    return None if code is None else start(conv, code, ctx)


def ask_consent(conv: Conversation, ctx: Context) -> Reply:
    """Who invites, what they shared, and the consent question."""
    sponsor = conv.invite_sponsor or ""
    return Reply(
        parts=(
            Msg(
                N_(
                    "<b>{sponsor}</b> mengundang Anda mendaftar BPJS Ketenagakerjaan: jika celaka "
                    "saat bekerja, biaya perawatan ditanggung (JKK); jika meninggal, keluarga "
                    "mendapat santunan (JKM). Iurannya dibayar oleh {sponsor}."
                ),
                {"sponsor": sponsor},
            ),
            Msg(
                N_(
                    "{sponsor} sudah memberi kami data Anda: NIK, nama, nomor HP, desa atau "
                    "kecamatan, dan bila ada pekerjaan, tempat lahir dan alamat. Data itu dan "
                    "jawaban Anda hanya dipakai untuk pendaftaran ini, sesuai UU No. 27 Tahun 2022 "
                    "tentang Pelindungan Data Pribadi. Jika Anda tidak setuju, data itu kami hapus "
                    "dan nomor Anda tidak diundang lagi."
                ),
                {"sponsor": sponsor},
            ),
            Msg(N_("Anda setuju?")),
        ),
        buttons=CONSENT_BUTTONS,
    )


def on_consent(conv: Conversation, event: Answer, ctx: Context) -> Outcome:
    """Consent recorded; a refusal deletes the row's data and blocks the number."""
    code = conv.invite_code or ""
    if event == Press("undangan:yes"):
        conv.consent_at = ctx.now.isoformat()
        conv.consent_version = ctx.config.consent_version
        return goto(conv, Step.INVITE_NIK, ctx)
    if event == Press("undangan:no"):
        ctx.fact(DeclineInvitation(code))
        declined = N_(
            "Baik. Data Anda dari {sponsor} sudah kami hapus, dan nomor Anda tidak akan diundang "
            "lagi. Ketik /start kapan saja jika ingin mendaftar sendiri."
        )
        fresh = Conversation(lang=conv.lang)
        return Outcome(
            fresh, [Reply(parts=(Msg(declined, {"sponsor": conv.invite_sponsor or ""}),))]
        )
    return retry(conv, ctx, unclear(event))


def ask_nik(conv: Conversation, ctx: Context) -> Reply:
    """The full NIK, typed, to prove the invitation is theirs."""
    asked = N_(
        "Untuk memastikan undangan ini untuk Anda, ketik NIK Anda (16 angka, seperti di KTP)."
    )
    return Reply(parts=(Msg(asked),))


def on_nik(conv: Conversation, event: Answer, ctx: Context) -> Outcome:
    """The row's NIK: its data is filled in and shown; a wrong one counts (three lock the code)."""
    if not isinstance(event, Text):
        return retry(conv, ctx, Invalid(N_("Ketik NIK Anda, 16 angka.")))
    info = parse_nik(event.text, ctx.today)
    if isinstance(info, Invalid):  # no row has such a NIK: not counted as a try
        return retry(conv, ctx, info)
    matched = ctx.fact(MatchInvitation(conv.invite_code or "", info.nik))
    if matched.row is None and matched.tries_left > 0:
        return retry(conv, ctx, Invalid(NIK_WRONG, {"count": matched.tries_left}))
    if matched.row is None:
        locked = N_(
            "Undangan ini dikunci karena NIK yang diketik tidak cocok. Hubungi petugas BPJS "
            "Ketenagakerjaan atau {sponsor}, atau ketik /start untuk mendaftar tanpa undangan."
        )
        fresh = Conversation(lang=conv.lang)
        return Outcome(
            fresh, [Reply(parts=(Msg(locked, {"sponsor": conv.invite_sponsor or ""}),))]
        )
    fill(conv, matched.row, info.birth_date, info.sex)
    return goto(conv, Step.INVITE_CONFIRM, ctx)


def fill(conv: Conversation, row: InvitedRow, born: date, sex: Sex) -> None:
    """The row's data as answers (the NIK's birth date and sex as read from it)."""
    answers = conv.answers
    answers.nik = row.nik
    answers.nik_birth_date = answers.birth_date = born
    answers.nik_sex = answers.sex = sex
    answers.name = row.name
    answers.birth_place = row.birth_place or None
    answers.phone = row.phone or None
    answers.home_code = row.region_code
    answers.address = row.address or None
    # Read as a typed answer to the occupation question is: a button's trade, or another
    # known trade kept as "Lainnya"; anything else is asked.
    reading = read_occupation(row.occupation)
    if reading.key is not None:
        answers.occupation, answers.occupation_other = reading.key, None
    elif reading.trade is not None:
        answers.occupation, answers.occupation_other = OTHER_OCCUPATION, reading.trade
    else:
        answers.occupation = answers.occupation_other = None
    answers.sector = (
        sector_of(answers.occupation, answers.occupation_other) if answers.occupation else None
    )
    answers.sponsor = SponsorChoice(row.sponsor_id, row.sponsor_name, Payer(row.sponsor_payer))
    answers.extra = {**answers.extra, "sumber": SOURCE}


def ask_confirm(conv: Conversation, ctx: Context) -> Reply:
    """The row's data, shown for one tap."""
    answers = conv.answers
    lines: list[Msg] = [
        Msg(N_("Data dari <b>{sponsor}</b>:"), {"sponsor": conv.invite_sponsor or ""})
    ]

    def line(label: str, value: Msg | str | Day | None) -> None:
        if value:
            lines.append(Msg("{label}: {value}", {"label": Msg(label), "value": value}))

    region = region_by_code(answers.home_code or "")
    line(N_("Nama"), answers.name)
    line(N_("NIK"), answers.nik)
    line(N_("Tanggal lahir"), Day(answers.birth_date) if answers.birth_date else None)
    line(N_("Jenis kelamin"), Msg(SEX_LABELS[answers.sex]) if answers.sex else None)
    line(N_("Tempat lahir"), answers.birth_place)
    line(N_("Nomor HP"), national_phone(answers.phone) if answers.phone else None)
    line(N_("Kabupaten/kota"), region.label if region else None)
    line(N_("Alamat"), answers.address)
    line(N_("Pekerjaan"), occupation_text(answers) if answers.occupation else None)
    return Reply(parts=(Block(tuple(lines)), Msg(N_("Benar?"))), buttons=DATA_BUTTONS)


def on_confirm(conv: Conversation, event: Answer, ctx: Context) -> Outcome:
    """Right: only what is missing is asked, then the summary. Wrong: the worker picks what to
    change from the summary's picker, after the missing answers."""
    if event == Press("undangan_data:yes"):
        return ask_missing(conv, ctx)
    if event == Press("undangan_data:no"):
        return goto(conv, Step.INVITE_FIX, ctx)
    return retry(conv, ctx, unclear(event, N_("Benar"), N_("Ada yang salah")))


def missing(conv: Conversation) -> list[str]:
    """The fields the row did not fill, in the order they are asked."""
    return [name for name in ASKED_AFTER if getattr(conv.answers, name) is None]


def ask_missing(conv: Conversation, ctx: Context, first: str | None = None) -> Outcome:
    """Ask ``first`` (a field to correct), then what is missing, then the summary."""
    queue = missing(conv)
    if first is not None:
        queue = [first, *(name for name in queue if name != first)]
    conv.return_to_summary = True
    if not queue:
        return goto(conv, Step.SUMMARY, ctx)
    conv.fix_fields = queue[1:]
    return goto(conv, REGISTRY.field_step[queue[0]], ctx)


FIXABLE = (
    ("name", N_("Nama")),
    ("birth_place", N_("Tempat lahir")),
    ("phone", N_("Nomor HP")),
    ("home_code", N_("Kabupaten/kota")),
    ("address", N_("Alamat")),
    ("occupation", N_("Pekerjaan")),
)


def ask_fix(conv: Conversation, ctx: Context) -> Reply:
    """Which of the row's data is wrong (one now; the summary's Ubah changes any other)."""
    buttons = tuple((Button(Msg(label), f"undangan_ubah:{name}"),) for name, label in FIXABLE)
    asked = N_("Mana yang salah? Pilih satu; yang lain bisa diubah di ringkasan nanti.")
    return Reply(parts=(Msg(asked),), buttons=buttons)


def on_fix(conv: Conversation, event: Answer, ctx: Context) -> Outcome:
    """The field to correct first."""
    if isinstance(event, Press) and event.data.startswith("undangan_ubah:"):
        name = event.data.partition(":")[2]
        if name in dict(FIXABLE):
            return ask_missing(conv, ctx, first=name)
    return retry(conv, ctx, unclear(event, *(label for _, label in FIXABLE)))


QUESTIONS = (
    Question(Step.INVITE_CONSENT, ask_consent, on_consent, stats=N_("persetujuan undangan")),
    Question(Step.INVITE_NIK, ask_nik, on_nik, stats=N_("NIK undangan")),
    Question(Step.INVITE_CONFIRM, ask_confirm, on_confirm, stats=N_("data dari sponsor")),
    Question(Step.INVITE_FIX, ask_fix, on_fix, stats=N_("data dari sponsor")),
)
