"""The summary a worker confirms, and the submission record built from the same answers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from bot.domain import Flag, Sex
from bot.flow.events import Block, Day, Msg
from bot.flow.questions import (
    FIELD_LABELS,
    OCCUPATIONS,
    PAYER_LABELS,
    PROGRAM_LABELS,
    SEX_LABELS,
    contribution_for,
)
from bot.i18n import N_, format_rupiah
from bot.regions import region_by_code


def occupation_text(answers: dict[str, Any]) -> Msg:
    """The occupation as the worker chose or typed it."""
    key = answers.get("occupation", "")
    if key in OCCUPATIONS:
        return Msg(OCCUPATIONS[key])
    return Msg("{text}", {"text": str(answers.get("occupation_other", ""))})


def region_text(code: str | None) -> str:
    """A kabupaten/kota code as its short name."""
    region = region_by_code(code) if code else None
    return region.label if region else (code or "-")


def answer_value(field: str, answers: dict[str, Any]) -> str | Msg | Day:
    """One answer, ready to be a message parameter."""
    value = answers.get(field)
    if field == "birth_date":
        return Day(date.fromisoformat(value)) if value else "-"
    if field == "sex":
        return Msg(SEX_LABELS[Sex(value)]) if value else "-"
    if field == "home_code":
        return region_text(value)
    if field == "occupation":
        return occupation_text(answers)
    if field == "income":
        return format_rupiah(int(value or 0))
    if field == "jht":
        return Msg(N_("Ya")) if value else Msg(N_("Tidak"))
    return str(value or "-")


def summary_parts(answers: dict[str, Any], today: date) -> tuple[Block, ...]:
    """Every answer, one per line, then the monthly contribution per program and who pays it."""
    lines = [Msg(N_("<b>Periksa data Anda:</b>"))]
    for field, label in FIELD_LABELS.items():
        lines.append(
            Msg(
                N_("{label}: {value}"),
                {"label": Msg(label), "value": answer_value(field, answers)},
            )
        )
    money = contribution_for(answers, today)
    cost_lines = [Msg(N_("<b>Iuran per bulan</b>"))]
    if money.basis_raised:
        cost_lines.append(
            Msg(
                N_("Dihitung dari penghasilan {basis} (batas terendah)."),
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
                    "payer": Msg(PAYER_LABELS[line.payer]),
                },
            )
        )
    cost_lines.append(
        Msg(N_("<b>Anda bayar: {total} per bulan</b>"), {"total": format_rupiah(money.self_paid)})
    )
    if money.relief:
        cost_lines.append(Msg(N_("Sudah termasuk keringanan iuran JKK dan JKM (PP 50/2025).")))
    sponsor = answers.get("sponsor")
    if isinstance(sponsor, dict):
        cost_lines.append(
            Msg(N_("Iuran JKK dan JKM Anda dibayar oleh {sponsor}."), {"sponsor": sponsor["name"]})
        )
    if answers.get("sponsor_full"):
        cost_lines.append(
            Msg(
                N_(
                    "Kuota iuran yang dibayar {sponsor} sudah penuh, jadi Anda membayar sendiri. "
                    "Tekan Kirim untuk lanjut, atau Batal."
                ),
                {"sponsor": str(answers["sponsor_full"])},
            )
        )
    return (Block(tuple(lines)), Block(tuple(cost_lines)))


@dataclass(frozen=True)
class SubmissionDraft:
    """What is stored when a worker presses Kirim."""

    answers: dict[str, Any]
    flags: tuple[Flag, ...]
    monthly_self_paid: int
    event_code: str | None
    consent_at: str | None
    consent_version: str | None
    reference: str | None  # set when resubmitting a correction
    branch: str  # the branch office that will review it
    sponsor_id: int | None = None  # takes a place in this sponsor's quota


def flags_for(answers: dict[str, Any]) -> tuple[Flag, ...]:
    """What an officer should check: answers that differ from the NIK, an unknown NIK region."""
    flags = []
    if answers.get("birth_date") != answers.get("nik_birth_date"):
        flags.append(Flag.NIK_BIRTH_DATE_DIFFERS)
    if answers.get("sex") != answers.get("nik_sex"):
        flags.append(Flag.NIK_SEX_DIFFERS)
    nik_regency = str(answers.get("nik", ""))[:4]
    if region_by_code(nik_regency) is None:
        flags.append(Flag.NIK_REGION_UNKNOWN)
    home = str(answers.get("home_code", "")).replace(".", "")
    if home and home != nik_regency:
        flags.append(Flag.HOME_DIFFERS_FROM_NIK)
    return tuple(flags)
