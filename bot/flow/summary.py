"""The summary a worker confirms, and the flags an officer sees, from the same answers."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from bot.age import AgeOk, check_age
from bot.branches import NEAREST_OFFICE
from bot.contribution import Program, Quote, quote
from bot.cost_text import cost_msg, estimate_note
from bot.domain import Flag, Payer
from bot.fields import OCCUPATIONS, SEX_LABELS, Answers, Field, Kind
from bot.flow.registry import REGISTRY
from bot.i18n import N_, format_rupiah
from bot.messages import Block, Day, Msg
from bot.payers import payer_type
from bot.regions import region_by_code
from bot.sectors import Sector, sector_of, sector_to_confirm

PROGRAM_LABELS = {
    Program.JKK: N_("Jaminan Kecelakaan Kerja (JKK)"),
    Program.JKM: N_("Jaminan Kematian (JKM)"),
    Program.JHT: N_("Jaminan Hari Tua (JHT)"),
}


def contribution_for(
    answers: Answers, today: date, jht: bool | None = None, income: int | None = None
) -> Quote:
    """The monthly contribution implied by the answers (JHT and income as answered unless
    given): the one quote every place that shows an amount uses."""
    declared = income if income is not None else (answers.income or 0)
    with_jht = bool(answers.jht) if jht is None else jht
    payer = answers.sponsor.payer if answers.sponsor else Payer.SELF
    # Registrations from before the sector was kept: it follows from most occupations.
    sector = answers.sector or sector_of(answers.occupation, answers.occupation_other)
    money = quote(declared, with_jht, payer, sector, today)
    if sector is Sector.TRANSPORT and sector_to_confirm(
        answers.occupation, answers.occupation_other
    ):
        return replace(money, sector_likely=True)
    return money


def occupation_text(answers: Answers) -> Msg:
    """The occupation as the worker chose or typed it."""
    if answers.occupation in OCCUPATIONS:
        return Msg(OCCUPATIONS[answers.occupation])
    return Msg("{text}", {"text": answers.occupation_other or ""})


def office_words(branch: str | None) -> Msg:
    """The office that handles a registration, as the worker reads it: its own name, or (a
    region without a known branch) the nearest office, never a made-up branch."""
    if branch is None:
        return Msg(NEAREST_OFFICE)
    return Msg(N_("Kantor Cabang {branch}"), {"branch": branch})


def region_text(code: str | None) -> str:
    """A kabupaten/kota code as its short name."""
    region = region_by_code(code) if code else None
    return region.label if region else (code or "-")


def answer_value(field: Field, answers: Answers) -> str | Msg | Day:
    """One answer, ready to be a message parameter."""
    value = field.value(answers)
    if field.kind is Kind.OCCUPATION:
        return occupation_text(answers)
    if field.kind is Kind.YES_NO:
        return Msg(N_("Ya")) if value else Msg(N_("Tidak"))
    if value is None:
        return "-"
    if field.kind is Kind.DATE:
        return Day(value)
    if field.kind is Kind.SEX:
        return Msg(SEX_LABELS[value])
    if field.kind is Kind.REGION:
        return region_text(value)
    if field.kind is Kind.MONEY:
        return format_rupiah(int(value))
    return str(value)


def answer_lines(answers: Answers) -> list[Msg]:
    """Every registration field as 'label: value', in the order the flow asks them."""
    return [
        Msg(N_("{label}: {value}"), {"label": Msg(f.label), "value": answer_value(f, answers)})
        for f in REGISTRY.fields
    ]


def summary_parts(answers: Answers, today: date) -> tuple[Block, ...]:
    """Every answer, one per line, then the monthly contribution per program and who pays it."""
    lines = [Msg(N_("<b>Periksa data Anda:</b>")), *answer_lines(answers)]
    money = contribution_for(answers, today)
    cost_lines = [Msg(N_("<b>Iuran per bulan</b>"))]
    if (note := estimate_note(money)) is not None:
        cost_lines.append(note)
    elif money.basis != money.income:
        cost_lines.append(
            Msg(
                N_("Dihitung dari tingkat penghasilan {basis} (tabel iuran BPU)."),
                {"basis": format_rupiah(money.basis)},
            )
        )
    for line in money.lines:
        cost_lines.append(
            Msg(
                N_("{program}: {amount} ({payer})"),
                {
                    "program": Msg(PROGRAM_LABELS[line.program]),
                    "amount": format_rupiah(line.amount),
                    "payer": Msg(payer_type(line.payer).paid_by),
                },
            )
        )
    cost_lines.append(Msg(N_("<b>Anda bayar: {cost}</b>"), {"cost": cost_msg(money)}))
    if money.relief:
        cost_lines.append(Msg(N_("Sudah termasuk keringanan iuran JKK dan JKM (PP 50/2025).")))
    if answers.sponsor is not None:
        cost_lines.append(
            Msg(
                N_("Iuran JKK dan JKM Anda dibayar oleh {sponsor}."),
                {"sponsor": answers.sponsor.name},
            )
        )
    if answers.sponsor_full:
        cost_lines.append(
            Msg(
                N_(
                    "Kuota iuran yang dibayar {sponsor} sudah penuh, jadi Anda membayar sendiri. "
                    "Tekan Kirim untuk lanjut, atau Batal."
                ),
                {"sponsor": answers.sponsor_full},
            )
        )
    return (Block(tuple(lines)), Block(tuple(cost_lines)))


def flags_for(answers: Answers, today: date) -> tuple[Flag, ...]:
    """What an officer should check: answers that differ from the NIK, an unknown NIK region,
    an age the officer should look at twice."""
    flags: list[Flag] = []
    if answers.birth_date is not None:
        age = check_age(answers.birth_date, today)
        if isinstance(age, AgeOk):
            flags.extend(age.flags)
    if answers.birth_date != answers.nik_birth_date:
        flags.append(Flag.NIK_BIRTH_DATE_DIFFERS)
    if answers.sex != answers.nik_sex:
        flags.append(Flag.NIK_SEX_DIFFERS)
    nik_regency = (answers.nik or "")[:4]
    if region_by_code(nik_regency) is None:
        flags.append(Flag.NIK_REGION_UNKNOWN)
    home = (answers.home_code or "").replace(".", "")
    if home and home != nik_regency:
        flags.append(Flag.HOME_DIFFERS_FROM_NIK)
    return tuple(flags)
