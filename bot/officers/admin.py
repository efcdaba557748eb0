"""Admins manage officers: who they are, their role, and the branches they serve."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from bot.domain import Officer, Role
from bot.i18n import N_
from bot.messages import Block, Msg, Reply
from bot.officers.views import text

if TYPE_CHECKING:
    from bot.officers.desk import OfficerDesk, Request


def describe(officer: Officer) -> Msg:
    """One officer on one line."""
    return Msg(
        "{user} · {role} · {branches}",
        {
            "user": officer.user_id,
            "role": str(officer.role),
            "branches": ", ".join(officer.branches) or Msg(N_("semua cabang")),
        },
    )


async def list_officers(desk: OfficerDesk, req: Request) -> list[Reply]:
    """/petugas: every officer with role and branches."""
    officers = await req.session.officers()
    lines = [Msg(N_("<b>Petugas</b> ({count})"), {"count": len(officers)})]
    lines += [describe(o) for o in officers]
    return [Reply(parts=(Block(tuple(lines)),))]


async def add_officer(desk: OfficerDesk, req: Request) -> list[Reply]:
    """/petugas_tambah <user id> <petugas|supervisor|admin> [branch, branch...]: add or change."""
    words = req.args.split(maxsplit=2)
    usage = text(
        N_("Tulis: /petugas_tambah <id Telegram> <petugas|supervisor|admin> [cabang, ...]")
    )
    if len(words) < 2 or not words[0].isdigit() or words[1].lower() not in set(Role):
        return [usage]
    role = Role(words[1].lower())
    branches = tuple(
        b.strip() for b in (words[2] if len(words) > 2 else "").split(",") if b.strip()
    )
    unknown = [b for b in branches if b not in desk.branches]
    if unknown:
        return [
            text(
                N_("Cabang tidak dikenal: {names}. Cabang yang ada: {known}"),
                names=", ".join(unknown),
                known=", ".join(sorted(desk.branches)),
            )
        ]
    if role is Role.PETUGAS and len(branches) != 1:
        return [text(N_("Petugas melayani tepat satu cabang."))]
    officer = Officer(words[0], role, branches)
    await req.session.save_officer(officer, req.officer.user_id, req.now)
    desk.forget_officers()
    await req.session.audit(
        req.officer.user_id,
        "petugas_tambah",
        None,
        f"{officer.user_id} {role} {branches}",
        req.now,
    )
    return [Reply(parts=(Msg(N_("Disimpan:")), describe(officer)))]


async def remove_officer(desk: OfficerDesk, req: Request) -> list[Reply]:
    """/petugas_hapus <user id>."""
    user_id = req.args.strip()
    if user_id == req.officer.user_id:
        return [text(N_("Anda tidak bisa menghapus diri sendiri."))]
    desk.forget_officers()
    if not await req.session.remove_officer(user_id):
        return [text(N_("Petugas {user} tidak ditemukan."), user=user_id or "-")]
    await req.session.audit(req.officer.user_id, "petugas_hapus", None, user_id, req.now)
    return [text(N_("Petugas {user} dihapus."), user=user_id)]


COMMANDS: dict[str, Callable[[OfficerDesk, Request], Awaitable[list[Reply]]]] = {
    "petugas": list_officers,
    "petugas_tambah": add_officer,
    "petugas_hapus": remove_officer,
}
