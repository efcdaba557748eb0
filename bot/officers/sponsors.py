"""Sponsored contributions: a regional budget pays JKK + JKM for eligible workers, up to a quota.

/sponsor_baru (admins and supervisors) is a short dialog; /sponsor shows registered vs quota,
approved, and the monthly bill (approved workers × the sponsored JKK + JKM).
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from datetime import date
from typing import TYPE_CHECKING, Any

from bot.contribution import MIN_BASIS, monthly_contribution
from bot.dates import parse_date
from bot.domain import Payer, Role, Sponsor
from bot.fields import OCCUPATIONS
from bot.i18n import N_, format_rupiah
from bot.messages import Block, Button, Day, Msg, Reply
from bot.officers.views import CANCEL, text, toggles
from bot.regions import match_region
from bot.text import clean_free_text
from bot.validation import Invalid

if TYPE_CHECKING:
    from bot.officers.desk import OfficerDesk, Request

LEVELS = {
    "kabupaten": (Payer.APBD, N_("APBD kabupaten/kota")),
    "provinsi": (Payer.APBD, N_("APBD provinsi")),
    "pusat": (Payer.APBN, N_("APBN")),
}
PERIOD_SPLIT = re.compile(r"\s*(?:\.\.|sampai|s/d|hingga|–|—)\s*", re.IGNORECASE)


def sponsored_amount(sponsor: Sponsor, on: date) -> int:
    """What the sponsor pays per worker and month: JKK + JKM at the minimum basis."""
    return monthly_contribution(MIN_BASIS, False, on, sponsor.payer).total


async def begin(desk: OfficerDesk, req: Request) -> list[Reply]:
    """/sponsor_baru: start the dialog (admins and supervisors)."""
    if req.officer.role is Role.PETUGAS:
        return [text(N_("Perintah ini hanya untuk supervisor dan admin."))]
    state: dict[str, Any] = {"action": "sponsor_baru", "occupations": []}
    await req.session.set_dialog(req.officer.user_id, state, req.now)
    return [ask(state)]


def ask(state: dict[str, Any]) -> Reply:
    """The dialog's next question."""
    if "name" not in state:
        question = N_("Nama program sponsor? Contoh: Pemkab Kulon Progo 2026")
        return Reply(parts=(Msg(question),), buttons=((CANCEL,),))
    if "level" not in state:
        rows = tuple(
            (Button(Msg(label), f"off:s_dana:{key}"),) for key, (_, label) in LEVELS.items()
        )
        return Reply(parts=(Msg(N_("Dari anggaran mana?")),), buttons=(*rows, (CANCEL,)))
    if "start" not in state:
        question = N_("Berlaku dari kapan sampai kapan? Contoh: 1-1-2026 sampai 31-12-2026")
        return Reply(parts=(Msg(question),), buttons=((CANCEL,),))
    if "quota" not in state:
        return Reply(
            parts=(Msg(N_("Kuota: berapa pekerja paling banyak? Contoh: 500")),),
            buttons=((CANCEL,),),
        )
    if "regions" not in state:
        question = N_(
            "Kabupaten/kota yang dicakup, pisahkan dengan koma. Contoh: Kulon Progo, Bantul"
        )
        return Reply(parts=(Msg(question),), buttons=((CANCEL,),))
    if not state.get("occupations_done"):
        grid = toggles(OCCUPATIONS, state["occupations"], "s_pekerjaan")
        grid.append(
            (Button(Msg(N_("Lanjut (tanpa pilihan = semua pekerjaan)")), "off:s_lanjut:"),)
        )
        return Reply(
            parts=(Msg(N_("Hanya untuk pekerjaan tertentu? Pilih, lalu Lanjut.")),),
            buttons=(*grid, (CANCEL,)),
        )
    return Reply(
        parts=(Msg(N_("Siapa yang bisa memakai sponsor ini?")),),
        buttons=(
            (Button(Msg(N_("Semua warga wilayah itu")), "off:s_cakupan:1"),),
            (Button(Msg(N_("Hanya pendaftar lewat acara")), "off:s_cakupan:0"),),
            (CANCEL,),
        ),
    )


def parse_period(typed: str, today: date) -> tuple[date, date] | Invalid:
    """'1-1-2026 sampai 31-12-2026' → the two dates, in order."""
    parts = PERIOD_SPLIT.split(typed.strip())
    if len(parts) != 2:
        return Invalid(N_("Tulis dua tanggal, misalnya 1-1-2026 sampai 31-12-2026."))
    start, end = (parse_date(part, today) for part in parts)
    if isinstance(start, Invalid):
        return start
    if isinstance(end, Invalid):
        return end
    if end < start:
        return Invalid(N_("Tanggal akhir lebih awal dari tanggal mulai."))
    return start, end


def parse_regions(typed: str) -> list[str] | Invalid:
    """'Kulon Progo, Bantul' → region codes; every name must match exactly one region."""
    codes = []
    for name in (part.strip() for part in typed.split(",")):
        if not name:
            continue
        found = match_region(name)
        if found.region is None:
            return Invalid(
                N_(
                    "Kabupaten/kota \u201c{name}\u201d tidak jelas. Tulis lengkap, misalnya \u201cKota Pekalongan\u201d."
                ),
                {"name": name},
            )
        codes.append(found.region.code)
    return codes or Invalid(N_("Tulis minimal satu kabupaten/kota."))


async def typed(desk: OfficerDesk, req: Request, state: dict[str, Any]) -> list[Reply]:
    """A typed answer in the dialog."""
    value: Any
    if "name" not in state:
        value, key = clean_free_text(req.args, 80), "name"
    elif "level" not in state:
        return [text(N_("Pilih anggaran dengan tombol.")), ask(state)]
    elif "start" not in state:
        value, key = parse_period(req.args, req.now.date()), "period"
    elif "quota" not in state:
        digits = req.args.replace(".", "").replace(",", "")
        ok = digits.isdigit() and 0 < int(digits) <= 1_000_000
        value = int(digits) if ok else Invalid(N_("Kuota harus angka lebih dari 0."))
        key = "quota"
    elif "regions" not in state:
        value, key = parse_regions(req.args), "regions"
    else:
        return [text(N_("Pilih dengan tombol.")), ask(state)]
    if isinstance(value, Invalid):
        return [Reply(parts=(Msg(value.msgid, value.params),)), ask(state)]
    if key == "period":
        state["start"], state["end"] = value[0].isoformat(), value[1].isoformat()
    elif key == "regions":
        branch = desk.config.queue_of(value[0])
        if req.officer.scope is not None and branch not in req.officer.scope:
            return [
                text(
                    N_("Wilayah itu dilayani Kantor Cabang {branch}, di luar cabang Anda."),
                    branch=branch,
                ),
                ask(state),
            ]
        state["regions"], state["branch"] = value, branch
    else:
        state[key] = value
    await req.session.set_dialog(req.officer.user_id, state, req.now)
    return [ask(state)]


async def pressed(
    desk: OfficerDesk, req: Request, change: Callable[[dict[str, Any]], bool]
) -> list[Reply]:
    """Apply a button to the dialog (False: the button does not fit) and ask the next question."""
    state = await req.session.dialog(req.officer.user_id)
    if state is None or state.get("action") != "sponsor_baru" or not change(state):
        return [text(N_("Tombol itu sudah tidak berlaku."))]
    await req.session.set_dialog(req.officer.user_id, state, req.now)
    return [ask(state)]


async def on_level(desk: OfficerDesk, req: Request) -> list[Reply]:
    """Which budget pays."""

    def take(state: dict[str, Any]) -> bool:
        state["level"] = req.args
        return req.args in LEVELS and "name" in state

    return await pressed(desk, req, take)


async def on_occupation(desk: OfficerDesk, req: Request) -> list[Reply]:
    """Toggle an occupation."""

    def take(state: dict[str, Any]) -> bool:
        state["occupations"] = sorted(set(state["occupations"]) ^ {req.args})
        return req.args in OCCUPATIONS

    return await pressed(desk, req, take)


async def on_occupations_done(desk: OfficerDesk, req: Request) -> list[Reply]:
    """'Lanjut' after occupations."""

    def take(state: dict[str, Any]) -> bool:
        state["occupations_done"] = True
        return "regions" in state

    return await pressed(desk, req, take)


async def on_scope(desk: OfficerDesk, req: Request) -> list[Reply]:
    """Whole region or events only: create the sponsor."""
    state = await req.session.dialog(req.officer.user_id)
    if state is None or state.get("action") != "sponsor_baru" or not state.get("occupations_done"):
        return [text(N_("Tombol itu sudah tidak berlaku."))]
    payer, _ = LEVELS[state["level"]]
    sponsor = Sponsor(
        id=0,
        name=state["name"],
        payer=payer,
        level=state["level"],
        start_day=date.fromisoformat(state["start"]),
        end_day=date.fromisoformat(state["end"]),
        quota=state["quota"],
        regions=tuple(state["regions"]),
        occupations=tuple(state["occupations"]),
        whole_region=req.args == "1",
        branch=state["branch"],
    )
    sponsor_id = await req.session.create_sponsor(sponsor, req.officer.user_id, req.now)
    await req.session.set_dialog(req.officer.user_id, None, req.now)
    await req.session.audit(req.officer.user_id, "sponsor_baru", None, str(sponsor_id), req.now)
    return [
        text(
            N_(
                "Sponsor <b>{name}</b> dibuat (kuota {quota}). Pilih sponsor ini saat membuat acara."
            ),
            name=sponsor.name,
            quota=sponsor.quota,
        )
    ]


async def report(desk: OfficerDesk, req: Request) -> list[Reply]:
    """/sponsor: registered vs quota, approved, and the monthly bill per sponsor."""
    sponsors = await req.session.sponsors()
    if not sponsors:
        return [text(N_("Belum ada sponsor. Buat dengan /sponsor_baru."))]
    today = req.now.date()
    lines = [Msg(N_("<b>Sponsor</b>"))]
    for sponsor in sponsors:
        approved = await req.session.sponsor_approved(sponsor.id)
        amount = sponsored_amount(sponsor, today)
        lines.append(
            Msg(
                N_(
                    "<b>{name}</b> ({payer}) · {start} s/d {end} · terdaftar {taken} dari kuota "
                    "{quota} · disetujui {approved} · tagihan {bill} per bulan ({amount} × {approved})"
                ),
                {
                    "name": sponsor.name,
                    "payer": Msg(LEVELS[sponsor.level][1]),
                    "start": Day(sponsor.start_day),
                    "end": Day(sponsor.end_day),
                    "taken": sponsor.taken,
                    "quota": sponsor.quota,
                    "approved": approved,
                    "bill": format_rupiah(approved * amount),
                    "amount": format_rupiah(amount),
                },
            )
        )
    return [Reply(parts=(Block(tuple(lines)),))]


COMMANDS: dict[str, Callable[[OfficerDesk, Request], Awaitable[list[Reply]]]] = {
    "sponsor_baru": begin,
    "sponsor": report,
    "s_dana": on_level,
    "s_pekerjaan": on_occupation,
    "s_lanjut": on_occupations_done,
    "s_cakupan": on_scope,
}
