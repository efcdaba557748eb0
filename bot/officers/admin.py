"""Admins manage officers: who they are (by name), their role, and the branches they serve."""

from __future__ import annotations

from bot.branches import CONFLICT, SOURCED, TO_CONFIRM
from bot.domain import Officer, Role
from bot.flow.summary import region_text
from bot.i18n import N_
from bot.identity import names_whatsapp, telegram_officer
from bot.messages import Block, Msg, Reply
from bot.officers.common import said
from bot.officers.context import DeskContext, DeskOutcome
from bot.officers.needs import Audit, Officers, RemoveOfficer, SaveOfficer
from bot.officers.state import DeskState
from bot.officers.views import ECHO_LIMIT, more_lines, shorten, text

OFFICERS_SHOWN = 50
# Officers work on Telegram only (docs/identity.md): a WhatsApp number is refused with this.
TELEGRAM_ONLY = N_(
    "Petugas hanya bisa memakai Telegram. Tulis id Telegram-nya (angka), misalnya 123456789."
)


def describe(officer: Officer) -> Msg:
    """One officer on one line: name (id), role, branches."""
    who = (
        Msg(N_("{name} ({user})"), {"name": officer.name, "user": officer.user_id})
        if officer.name
        else officer.user_id
    )
    return Msg(
        "{user} · {role} · {branches}",
        {
            "user": who,
            "role": str(officer.role),
            "branches": branches_seen(officer),
        },
    )


def branches_seen(officer: Officer) -> str | Msg:
    """The branches an officer sees (``Officer.scope``), as /petugas lists them."""
    if officer.scope is None:
        return Msg(N_("semua cabang"))
    return ", ".join(officer.scope) or Msg(N_("tidak ada cabang"))


def list_officers(state: DeskState, args: str, ctx: DeskContext) -> DeskOutcome:
    """/petugas: every officer with role and branches."""
    officers = ctx.fact(Officers())
    lines = [Msg(N_("<b>Petugas</b> ({count})"), {"count": len(officers)})]
    lines += [describe(o) for o in officers[:OFFICERS_SHOWN]]
    if len(officers) > OFFICERS_SHOWN:
        lines.append(more_lines(len(officers) - OFFICERS_SHOWN))
    return said(state, Reply(parts=(Block(tuple(lines)),)))


def add_officer(state: DeskState, args: str, ctx: DeskContext) -> DeskOutcome:
    """/petugas_tambah <user id> <petugas|supervisor|admin> [branch, branch...]: add or change."""
    words = args.split(maxsplit=2)
    usage = text(
        N_("Tulis: /petugas_tambah <id Telegram> <petugas|supervisor|admin> [cabang, ...]")
    )
    if words and names_whatsapp(words[0]):
        return said(state, text(TELEGRAM_ONLY))
    user_id = telegram_officer(words[0]) if words else None
    if len(words) < 2 or user_id is None or words[1].lower() not in set(Role):
        return said(state, usage)
    role = Role(words[1].lower())
    # Branch names are matched without regard to case ("yogyakarta" is Yogyakarta).
    known = {name.casefold(): name for name in ctx.config.branch_names}
    typed = [b.strip() for b in (words[2] if len(words) > 2 else "").split(",") if b.strip()]
    unknown = [b for b in typed if " ".join(b.split()).casefold() not in known]
    if unknown:
        return said(
            state,
            text(
                N_("Cabang tidak dikenal: {names}. Cabang yang ada: {known}"),
                names=shorten(", ".join(unknown), ECHO_LIMIT),
                known=", ".join(sorted(ctx.config.branch_names)),
            ),
        )
    branches = tuple(dict.fromkeys(known[" ".join(b.split()).casefold()] for b in typed))
    if role is Role.PETUGAS and len(branches) != 1:
        return said(state, text(N_("Petugas melayani tepat satu cabang.")))
    officer = Officer(user_id, role, branches)
    detail = f"{officer.user_id} {role} {branches}"
    return DeskOutcome(
        state,
        [Reply(parts=(Msg(N_("Disimpan:")), describe(officer)))],
        effects=[SaveOfficer(officer), Audit("petugas_tambah", None, detail)],
        officers_changed=True,
    )


def remove_officer(state: DeskState, args: str, ctx: DeskContext) -> DeskOutcome:
    """/petugas_hapus <user id>."""
    user_id = telegram_officer(args)
    if user_id is None:
        return said(state, text(N_("Tulis: /petugas_hapus <id Telegram>")))
    if user_id == ctx.officer.user_id:
        return said(state, text(N_("Anda tidak bisa menghapus diri sendiri.")))
    if not ctx.fact(RemoveOfficer(user_id)):
        return said(state, text(N_("Petugas {user} tidak ditemukan."), user=user_id))
    return DeskOutcome(
        state,
        [text(N_("Petugas {user} dihapus."), user=user_id)],
        effects=[Audit("petugas_hapus", None, user_id)],
        officers_changed=True,
    )


# How /cabang marks a region whose row is not settled (the legend explains them).
BRANCH_MARKS = {SOURCED: "", TO_CONFIRM: " (?)", CONFLICT: " (⚠)"}


def list_branches(state: DeskState, args: str, ctx: DeskContext) -> DeskOutcome:
    """/cabang: every branch with the regions it serves, how sure each row is, and the rows
    whose sources disagree (with their notes)."""
    rows = ctx.config.branch_rows
    by_branch: dict[str, list[str]] = {}
    for row in rows:
        mark = BRANCH_MARKS[row.status]
        by_branch.setdefault(row.branch, []).append(region_text(row.region_code) + mark)
    lines = [
        Msg(
            N_("<b>Cabang</b> ({count}); wilayah lain ke {default}"),
            {"count": len(by_branch), "default": ctx.config.default_branch},
        )
    ]
    lines += [
        Msg("<b>{branch}</b>: {regions}", {"branch": name, "regions": ", ".join(regions)})
        for name, regions in sorted(by_branch.items())
    ]
    lines.append(Msg(N_("(?) perlu dikonfirmasi · (⚠) konflik: sumber menyebut kantor lain")))
    conflicts = [
        Msg(
            N_("⚠ Konflik: {region} tetap ke {branch} sampai dipastikan. Catatan: {note}"),
            {"region": region_text(row.region_code), "branch": row.branch, "note": row.note},
        )
        for row in rows
        if row.conflict
    ]
    parts = [Block(tuple(lines))]
    if conflicts:
        parts.append(Block(tuple(conflicts)))
    return said(state, Reply(parts=tuple(parts)))
