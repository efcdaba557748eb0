"""Sponsored contributions: a budget or a body pays JKK + JKM for eligible workers, up to a quota.

/sponsor_baru (admins and supervisors) is a short dialog, whose second question is the payer type
(bot/payers.py: APBN, APBD provinsi or kabupaten/kota, APBDes, zakat, CSR, other), which decides
whether the PP 50/2025 relief applies; /sponsor_jenis changes the type of an existing sponsor (a
sponsor recorded with the wrong type); /sponsor shows registered vs quota, approved, and the
monthly bill (approved workers × the sponsored JKK + JKM).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from bot.contribution import quote
from bot.domain import Role, Sponsor
from bot.fields import OCCUPATIONS
from bot.flow.events import Press
from bot.i18n import N_, format_rupiah
from bot.messages import Block, Button, Day, Msg, Reply
from bot.officers.common import (
    CHOOSE,
    Answer,
    Family,
    ask,
    button_args,
    number,
    officer_date,
    retry,
    said,
)
from bot.officers.context import DeskContext, DeskOutcome
from bot.officers.needs import Audit, CreateSponsor, SetSponsorPayer, SponsorReport, Sponsors
from bot.officers.state import SPONSOR_DIALOGS, DeskState, Dialog, SponsorForm
from bot.officers.views import CANCEL, ECHO_LIMIT, more_lines, shorten, text, toggles
from bot.payers import BY_KEY, SPONSOR_TYPES, payer_type, payer_words
from bot.regions import match_region
from bot.sectors import OCCUPATION_SECTORS, sector_of
from bot.text import clean_free_text
from bot.validation import Invalid

PERIOD_SPLIT = re.compile(r"\s*(?:\.\.|sampai|s/d|hingga|–|—)\s*", re.IGNORECASE)
PAYER_QUESTION = N_("Siapa yang membayar iurannya?")
SPONSOR_KEYS = frozenset(t.key for t in SPONSOR_TYPES)
MAX_QUOTA = 1_000_000
MAX_REGIONS = 60
SPONSORS_SHOWN = 20


def sponsored_amount(sponsor: Sponsor, income: int, on: date, occupation: str = "") -> int:
    """What the sponsor pays a month for a worker of this income and occupation: JKK + JKM at its
    level (the same quote the worker and the officer's card see; the worker's own JHT is not the
    sponsor's). The occupation gives the PP 50/2025 sector; an unknown one pays the other sectors'
    amount, never below a transport worker's."""
    sector = sector_of(occupation if occupation in OCCUPATION_SECTORS else None, occupation)
    money = quote(income, False, sponsor.payer, sector, on)
    return sum(line.amount for line in money.lines if line.payer == sponsor.payer)


def monthly_bill(sponsor: Sponsor, approved: list[tuple[int, str, int]], on: date) -> int:
    """The sponsor's monthly bill: each approved worker (income, occupation, count) at their own
    income level and sector."""
    return sum(
        count * sponsored_amount(sponsor, income, on, occupation)
        for income, occupation, count in approved
    )


@dataclass(frozen=True)
class SponsorFigures:
    """What /sponsor says of one sponsor, and its own page on the web desk shows: places taken
    of the quota, approved workers, and the monthly bill."""

    sponsor: Sponsor
    approved: int
    bill: int

    @property
    def left(self) -> int:
        return self.sponsor.remaining


def sponsor_figures(
    sponsor: Sponsor, by_income: list[tuple[int, str, int]], on: date
) -> SponsorFigures:
    """One sponsor's figures from its approved workers by (income, occupation, count)."""
    approved = sum(count for _, _, count in by_income)
    return SponsorFigures(sponsor, approved, monthly_bill(sponsor, by_income, on))


def type_buttons(prefix: str) -> tuple[tuple[Button, ...], ...]:
    """One button per sponsor payer type, two to a row; ``prefix`` + the type's key."""
    buttons = [Button(Msg(t.label), f"{prefix}{t.key}", aliases=(t.key,)) for t in SPONSOR_TYPES]
    return tuple(tuple(buttons[i : i + 2]) for i in range(0, len(buttons), 2))


def begin(state: DeskState, args: str, ctx: DeskContext) -> DeskOutcome:
    """/sponsor_baru: start the dialog (admins and supervisors; any other dialog ends)."""
    if ctx.officer.role is Role.PETUGAS:
        return said(state, text(N_("Perintah ini hanya untuk supervisor dan admin.")))
    return ask(DeskState(Dialog.SPONSOR_NAME, SponsorForm()), question, ctx)


def question(state: DeskState, ctx: DeskContext) -> Reply:
    """The dialog's pending question."""
    form = state.form_as(SponsorForm)
    typed_questions = {
        Dialog.SPONSOR_NAME: N_("Nama program sponsor? Contoh: Pemkab Kulon Progo 2026"),
        Dialog.SPONSOR_PERIOD: N_(
            "Berlaku dari kapan sampai kapan? Contoh: 1-1-2026 sampai 31-12-2026"
        ),
        Dialog.SPONSOR_QUOTA: N_("Kuota: berapa pekerja paling banyak? Contoh: 500"),
        Dialog.SPONSOR_REGIONS: N_(
            "Kabupaten/kota yang dicakup, pisahkan dengan koma. Contoh: Kulon Progo, Bantul"
        ),
    }
    if state.dialog in typed_questions:
        return Reply(parts=(Msg(typed_questions[state.dialog]),), buttons=((CANCEL,),))
    if state.dialog is Dialog.SPONSOR_LEVEL:
        return Reply(
            parts=(Msg(PAYER_QUESTION),), buttons=(*type_buttons("off:s_dana:"), (CANCEL,))
        )
    if state.dialog is Dialog.SPONSOR_OCCUPATIONS:
        grid = toggles(OCCUPATIONS, form.occupations, "s_pekerjaan")
        go_on = Button(
            Msg(N_("Lanjut (tanpa pilihan = semua pekerjaan)")),
            "off:s_lanjut:",
            aliases=("lanjut",),
        )
        return Reply(
            parts=(Msg(N_("Hanya untuk pekerjaan tertentu? Pilih, lalu Lanjut.")),),
            buttons=(*grid, (go_on,), (CANCEL,)),
        )
    return Reply(
        parts=(Msg(N_("Siapa yang bisa memakai sponsor ini?")),),
        buttons=(
            (Button(Msg(N_("Semua warga wilayah itu")), "off:s_cakupan:1", aliases=("semua",)),),
            (
                Button(
                    Msg(N_("Hanya pendaftar lewat acara")), "off:s_cakupan:0", aliases=("acara",)
                ),
            ),
            (CANCEL,),
        ),
    )


def parse_period(typed: str, today: date) -> tuple[date, date] | Invalid:
    """'1-1-2026 sampai 31-12-2026' → the two dates, in order."""
    parts = PERIOD_SPLIT.split(typed.strip())
    if len(parts) != 2:
        return Invalid(N_("Tulis dua tanggal, misalnya 1-1-2026 sampai 31-12-2026."))
    start, end = (officer_date(part, today) for part in parts)
    if isinstance(start, Invalid):
        return start
    if isinstance(end, Invalid):
        return end
    if end < start:
        return Invalid(N_("Tanggal akhir lebih awal dari tanggal mulai."))
    return start, end


def parse_regions(typed: str) -> list[str] | Invalid:
    """'Kulon Progo, Bantul' → region codes; every name must match exactly one region."""
    codes: list[str] = []
    for name in (part.strip() for part in typed.split(",")):
        if not name:
            continue
        found = match_region(name[:100])
        if found.region is None:
            return Invalid(
                N_(
                    "Kabupaten/kota \u201c{name}\u201d tidak jelas. Tulis lengkap, misalnya \u201cKota Pekalongan\u201d."
                ),
                {"name": shorten(name, ECHO_LIMIT)},
            )
        if found.region.code not in codes:
            codes.append(found.region.code)
        if len(codes) > MAX_REGIONS:
            return Invalid(N_("Paling banyak {count} kabupaten/kota."), {"count": MAX_REGIONS})
    return codes or Invalid(N_("Tulis minimal satu kabupaten/kota."))


def outside_branches(codes: list[str], ctx: DeskContext) -> Invalid | None:
    """Every region must be served by one of the officer's branches (not only the first)."""
    scope = ctx.officer.scope
    if scope is None:
        return None
    for code in codes:
        branch = ctx.config.branch_for(code)
        if branch not in scope:
            return Invalid(
                N_("Wilayah itu dilayani Kantor Cabang {branch}, di luar cabang Anda."),
                {"branch": branch},
            )
    return None


def holds(state: DeskState, ctx: DeskContext) -> bool:
    """Still a supervisor or admin, and every region chosen so far still in their branches."""
    form = state.form_as(SponsorForm)
    return ctx.officer.role is not Role.PETUGAS and outside_branches(form.regions, ctx) is None


def answer(state: DeskState, event: Answer, ctx: DeskContext) -> DeskOutcome:
    """Typed text, or a tap on one of the pending question's buttons."""
    form = state.form_as(SponsorForm)
    if isinstance(event, Press):
        return pressed(state, form, event, ctx)
    typed = event.text
    if state.dialog is Dialog.SPONSOR_NAME:
        name = clean_free_text(typed, 80)
        if isinstance(name, Invalid):
            return retry(state, question, ctx, name)
        form.name = name
        return ask(DeskState(Dialog.SPONSOR_LEVEL, form), question, ctx)
    if state.dialog is Dialog.SPONSOR_PERIOD:
        period = parse_period(typed, ctx.today)
        if isinstance(period, Invalid):
            return retry(state, question, ctx, period)
        form.start, form.end = period
        return ask(DeskState(Dialog.SPONSOR_QUOTA, form), question, ctx)
    if state.dialog is Dialog.SPONSOR_QUOTA:
        quota = number(typed.replace(".", "").replace(",", ""), 1, MAX_QUOTA)
        if quota is None:
            return retry(state, question, ctx, Invalid(N_("Kuota harus angka lebih dari 0.")))
        form.quota = quota
        return ask(DeskState(Dialog.SPONSOR_REGIONS, form), question, ctx)
    if state.dialog is Dialog.SPONSOR_REGIONS:
        codes = parse_regions(typed)
        if isinstance(codes, Invalid):
            return retry(state, question, ctx, codes)
        if (outside := outside_branches(codes, ctx)) is not None:
            return retry(state, question, ctx, outside)
        form.regions, form.branch = codes, ctx.config.branch_for(codes[0])
        return ask(DeskState(Dialog.SPONSOR_OCCUPATIONS, form), question, ctx)
    return retry(state, question, ctx, CHOOSE)


def pressed(state: DeskState, form: SponsorForm, event: Press, ctx: DeskContext) -> DeskOutcome:
    """A button of the pending question."""
    if (level := button_args(event, "s_dana")) in SPONSOR_KEYS:
        form.level = level
        return ask(DeskState(Dialog.SPONSOR_PERIOD, form), question, ctx)
    if (occupation := button_args(event, "s_pekerjaan")) in OCCUPATIONS:
        form.occupations = sorted(set(form.occupations) ^ {occupation})
        return ask(state, question, ctx)
    if event.data == "off:s_lanjut:":
        return ask(DeskState(Dialog.SPONSOR_SCOPE, form), question, ctx)
    if (whole := button_args(event, "s_cakupan")) in ("0", "1"):
        return create(form, whole == "1", ctx)
    return retry(state, question, ctx, CHOOSE)


def create(form: SponsorForm, whole_region: bool, ctx: DeskContext) -> DeskOutcome:
    """Store the sponsor."""
    payer = BY_KEY[form.level].payer
    assert form.start is not None and form.end is not None  # asked before the scope
    sponsor = Sponsor(
        id=0,
        name=form.name,
        payer=payer,
        level=form.level,
        start_day=form.start,
        end_day=form.end,
        quota=form.quota,
        regions=tuple(form.regions),
        occupations=tuple(form.occupations),
        whole_region=whole_region,
        branch=form.branch,
    )
    sponsor_id = ctx.fact(CreateSponsor(sponsor))
    done = text(
        N_("Sponsor <b>{name}</b> dibuat (kuota {quota}). Pilih sponsor ini saat membuat acara."),
        name=sponsor.name,
        quota=sponsor.quota,
    )
    return DeskOutcome(DeskState(), [done], effects=[Audit("sponsor_baru", None, str(sponsor_id))])


def report(state: DeskState, args: str, ctx: DeskContext) -> DeskOutcome:
    """/sponsor: registered vs quota, approved, and the monthly bill per sponsor."""
    sponsors = ctx.fact(SponsorReport())
    if not sponsors:
        return said(state, text(N_("Belum ada sponsor. Buat dengan /sponsor_baru.")))
    lines = [Msg(N_("<b>Sponsor</b>"))]
    for sponsor, by_income in sponsors[:SPONSORS_SHOWN]:
        figures = sponsor_figures(sponsor, by_income, ctx.today)
        lines.append(
            Msg(
                N_(
                    "<b>{name}</b> ({payer}) · {start} s/d {end} · terdaftar {taken} dari kuota "
                    "{quota} · disetujui {approved} · tagihan {bill} per bulan (JKK dan JKM tiap "
                    "peserta menurut tingkat penghasilannya)"
                ),
                {
                    "name": sponsor.name,
                    "payer": payer_words(sponsor.payer),
                    "start": Day(sponsor.start_day),
                    "end": Day(sponsor.end_day),
                    "taken": sponsor.taken,
                    "quota": sponsor.quota,
                    "approved": figures.approved,
                    "bill": format_rupiah(figures.bill),
                },
            )
        )
    if len(sponsors) > SPONSORS_SHOWN:
        lines.append(more_lines(len(sponsors) - SPONSORS_SHOWN))
    return said(state, Reply(parts=(Block(tuple(lines)),)))


def change_type(state: DeskState, args: str, ctx: DeskContext) -> DeskOutcome:
    """/sponsor_jenis [id [type]]: pick a sponsor, then its payer type; the amounts of its
    workers follow (admins and supervisors, within their branches)."""
    if ctx.officer.role is Role.PETUGAS:
        return said(state, text(N_("Perintah ini hanya untuk supervisor dan admin.")))
    sponsors = ctx.fact(Sponsors())
    words = args.split()
    if not words:
        if not sponsors:
            return said(state, text(N_("Belum ada sponsor. Buat dengan /sponsor_baru.")))
        rows = tuple(
            (
                Button(
                    Msg(
                        "{name} ({payer})",
                        {"name": s.name, "payer": Msg(payer_type(s.payer).label)},
                    ),
                    f"off:sponsor_jenis:{s.id}",
                ),
            )
            for s in sponsors[:SPONSORS_SHOWN]
        )
        return said(
            state, Reply(parts=(Msg(N_("Ubah jenis pembayar sponsor yang mana?")),), buttons=rows)
        )
    sponsor_id = number(words[0], 1, 2**62)
    sponsor = next((s for s in sponsors if s.id == sponsor_id), None)
    if sponsor is None:
        return said(
            state,
            text(
                N_("Sponsor {id} tidak ditemukan. Ketik /sponsor_jenis untuk memilih."),
                id=shorten(words[0], ECHO_LIMIT),
            ),
        )
    chosen = BY_KEY.get(words[1].lower()) if len(words) > 1 else None
    if chosen is None or chosen.key not in SPONSOR_KEYS:
        return said(
            state,
            Reply(
                parts=(
                    Msg(
                        N_(
                            "Sponsor <b>{name}</b> sekarang: {payer}. Pilih jenis pembayar yang benar:"
                        ),
                        {"name": sponsor.name, "payer": payer_words(sponsor.payer)},
                    ),
                ),
                buttons=type_buttons(f"off:sponsor_jenis:{sponsor.id} "),
            ),
        )
    if chosen.payer is sponsor.payer:
        return said(
            state,
            text(
                N_("Sponsor <b>{name}</b> sudah {payer}. Tidak ada yang diubah."),
                name=sponsor.name,
                payer=payer_words(sponsor.payer),
            ),
        )
    ctx.fact(SetSponsorPayer(sponsor.id, chosen.payer, chosen.key))
    done = text(
        N_(
            "Jenis pembayar sponsor <b>{name}</b> diubah dari {old} menjadi {new}. Iuran pesertanya "
            "dihitung menurut jenis yang baru."
        ),
        name=sponsor.name,
        old=Msg(payer_type(sponsor.payer).label),
        new=payer_words(chosen.payer),
    )
    detail = f"{sponsor.id} {sponsor.payer}->{chosen.payer}"
    return DeskOutcome(state, [done], effects=[Audit("sponsor_jenis", None, detail)])


FAMILY = Family(
    dialogs=SPONSOR_DIALOGS,
    question=question,
    answer=answer,
    cancelled=N_("Dibatalkan. Sponsor tidak dibuat."),
    holds=holds,
)
