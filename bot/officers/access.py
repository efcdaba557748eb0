"""Who may see a sponsor's own view on the web desk (docs/sponsor-view.md).

/akses_sponsor (supervisors and admins, for the sponsors of their branches) lists the open
accesses, grants one to a named person on Telegram (``<sponsor> <Telegram id> <name>``) and
revokes one (``cabut <access>``: their web sessions end at once). /sponsor_nik (admins) records
the agreement that lets a sponsor download its workers' full NIKs, or withdraws it. Each is a
single command: the officer's role and branches are read again for every one of them.
"""

from __future__ import annotations

from bot.domain import Role
from bot.i18n import N_
from bot.identity import names_whatsapp, telegram_officer
from bot.messages import Block, Msg, Reply
from bot.officers.admin import TELEGRAM_ONLY
from bot.officers.common import number, said
from bot.officers.context import DeskContext, DeskOutcome
from bot.officers.needs import Audit, GrantAccess, RevokeAccess, SetNikAgreement, SponsorAccesses
from bot.officers.state import DeskState
from bot.officers.views import ECHO_LIMIT, more_lines, shorten, text
from bot.text import clean_free_text
from bot.validation import Invalid

ACCESSES_SHOWN = 50
REFERENCE_LIMIT = 80
SUPERVISORS_ONLY = N_("Perintah ini hanya untuk supervisor dan admin.")
ACCESS_USAGE = N_(
    "Tulis: /akses_sponsor <nomor sponsor> <id Telegram> <nama> untuk memberi akses, "
    "/akses_sponsor cabut <nomor akses> untuk mencabutnya, atau /akses_sponsor saja untuk "
    "melihat daftarnya."
)


def sponsor_access(state: DeskState, args: str, ctx: DeskContext) -> DeskOutcome:
    """/akses_sponsor [<sponsor> <Telegram id> <name> | cabut <access>]."""
    if ctx.officer.role is Role.PETUGAS:
        return said(state, text(SUPERVISORS_ONLY))
    words = args.split(maxsplit=2)
    if not words:
        return listed(state, ctx)
    if words[0].lower() == "cabut":
        return revoke(state, words[1] if len(words) > 1 else "", ctx)
    return grant(state, words, ctx)


def listed(state: DeskState, ctx: DeskContext) -> DeskOutcome:
    accesses = ctx.fact(SponsorAccesses())
    if not accesses:
        return said(state, text(N_("Belum ada akses sponsor.")), text(ACCESS_USAGE))
    lines = [Msg(N_("<b>Akses sponsor</b> ({count})"), {"count": len(accesses)})]
    lines += [
        Msg(
            N_("{id}. {name} ({user}) · sponsor {sponsor_id} {sponsor}"),
            {
                "id": a.id,
                "name": a.name,
                "user": a.user_id,
                "sponsor_id": a.sponsor_id,
                "sponsor": a.sponsor_name,
            },
        )
        for a in accesses[:ACCESSES_SHOWN]
    ]
    if len(accesses) > ACCESSES_SHOWN:
        lines.append(more_lines(len(accesses) - ACCESSES_SHOWN))
    return said(state, Reply(parts=(Block(tuple(lines)),)))


def grant(state: DeskState, words: list[str], ctx: DeskContext) -> DeskOutcome:
    if len(words) > 1 and names_whatsapp(words[1]):
        return said(state, text(TELEGRAM_ONLY))
    sponsor_id = number(words[0], 1, 2**62)
    user_id = telegram_officer(words[1]) if len(words) > 1 else None
    name = clean_free_text(words[2], 80) if len(words) > 2 else Invalid(ACCESS_USAGE)
    if sponsor_id is None or user_id is None or isinstance(name, Invalid):
        return said(state, text(ACCESS_USAGE))
    access_id = ctx.fact(GrantAccess(sponsor_id, user_id, name))
    if access_id is None:
        return said(
            state,
            text(
                N_("Sponsor {id} tidak ditemukan di cabang Anda. Lihat nomornya dengan /sponsor."),
                id=shorten(words[0], ECHO_LIMIT),
            ),
        )
    done = text(
        N_(
            "{name} ({user}) sekarang bisa melihat sponsor {sponsor_id} di desk web: minta "
            "ia mengirim /masuk ke bot ini. Nomor akses: {id} (cabut dengan /akses_sponsor "
            "cabut {id})."
        ),
        name=name,
        user=user_id,
        sponsor_id=sponsor_id,
        id=access_id,
    )
    detail = f"{access_id} sponsor {sponsor_id} {user_id}"
    return DeskOutcome(state, [done], effects=[Audit("akses_sponsor", None, detail)])


def revoke(state: DeskState, typed: str, ctx: DeskContext) -> DeskOutcome:
    access_id = number(typed, 1, 2**62)
    revoked = ctx.fact(RevokeAccess(access_id)) if access_id is not None else None
    if revoked is None:
        return said(
            state,
            text(
                N_("Akses {id} tidak ditemukan. Lihat daftarnya dengan /akses_sponsor."),
                id=shorten(typed, ECHO_LIMIT) or "-",
            ),
        )
    done = text(
        N_("Akses {name} ke sponsor {sponsor} dicabut; sesi desk webnya diakhiri."),
        name=revoked.name,
        sponsor=revoked.sponsor_name,
    )
    detail = f"{revoked.id} sponsor {revoked.sponsor_id} {revoked.user_id}"
    return DeskOutcome(state, [done], effects=[Audit("akses_sponsor_cabut", None, detail)])


def nik_agreement(state: DeskState, args: str, ctx: DeskContext) -> DeskOutcome:
    """/sponsor_nik <sponsor> <agreement reference | ->: admins only."""
    if ctx.officer.role is not Role.ADMIN:
        return said(state, text(N_("Perintah ini hanya untuk admin.")))
    words = args.split(maxsplit=1)
    sponsor_id = number(words[0], 1, 2**62) if words else None
    typed = words[1].strip() if len(words) > 1 else ""
    reference = None if typed == "-" else clean_free_text(typed, REFERENCE_LIMIT)
    if sponsor_id is None or isinstance(reference, Invalid) or not typed:
        return said(
            state,
            text(
                N_(
                    "Tulis: /sponsor_nik <nomor sponsor> <nomor perjanjian> bila perjanjiannya "
                    "membolehkan NIK lengkap, atau /sponsor_nik <nomor sponsor> - untuk "
                    "mencabutnya."
                )
            ),
        )
    if not ctx.fact(SetNikAgreement(sponsor_id, reference)):
        return said(
            state,
            text(N_("Sponsor {id} tidak ditemukan."), id=shorten(words[0], ECHO_LIMIT)),
        )
    if reference is None:
        done = text(N_("Sponsor {id} sekarang hanya mengunduh NIK tersamar."), id=sponsor_id)
    else:
        done = text(
            N_("Sponsor {id} boleh mengunduh NIK lengkap (perjanjian {reference})."),
            id=sponsor_id,
            reference=reference,
        )
    detail = f"{sponsor_id} {reference or '-'}"
    return DeskOutcome(state, [done], effects=[Audit("sponsor_nik", None, detail)])
