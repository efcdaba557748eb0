"""Outreach events: /acara_baru (a short dialog) gives a deep link, a QR code and a poster;
/acara lists the branch's events with their counts; events can be closed."""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable
from datetime import date
from typing import TYPE_CHECKING, Any

from bot.dates import parse_date
from bot.domain import EventDraft
from bot.i18n import N_
from bot.messages import Attachment, Block, Button, Day, Msg, Reply
from bot.officers.views import CANCEL, text
from bot.poster import PosterInfo, poster_png, qr_png
from bot.regions import match_region, region_by_code
from bot.text import clean_free_text
from bot.validation import Invalid

if TYPE_CHECKING:
    from bot.officers.desk import OfficerDesk, Request

ORGANISERS = (
    N_("Kantor Cabang BPJS Ketenagakerjaan"),
    N_("Dinas Tenaga Kerja kabupaten/kota"),
    N_("Agen Perisai"),
)


def new_code() -> str:
    """A short code nobody can guess: 'ev' + 64 random bits in Telegram's payload alphabet."""
    return "ev" + secrets.token_urlsafe(8)


def deep_link(bot_username: str, code: str) -> str:
    """The link a QR code and a poster carry."""
    return f"https://t.me/{bot_username}?start={code}"


async def begin(desk: OfficerDesk, req: Request) -> list[Reply]:
    """/acara_baru: start the dialog."""
    state: dict[str, Any] = {"action": "acara_baru"}
    await req.session.set_dialog(req.officer.user_id, state, req.now)
    return [await ask(desk, req, state)]


async def ask(desk: OfficerDesk, req: Request, state: dict[str, Any]) -> Reply:
    """The dialog's next question."""
    if "name" not in state:
        return Reply(
            parts=(Msg(N_("Nama acara? Contoh: Sosialisasi BPU Pasar Wates")),),
            buttons=((CANCEL,),),
        )
    if "day" not in state:
        return Reply(parts=(Msg(N_("Tanggal acara? Contoh: 12-12-2026")),), buttons=((CANCEL,),))
    if "region" not in state:
        choices = tuple(
            (Button(Msg("{name}", {"name": region.label}), f"off:e_tempat:{region.code}"),)
            for code in state.get("candidates", [])
            if (region := region_by_code(code)) is not None
        )
        question = N_("Di kabupaten/kota mana? Contoh: Kulon Progo")
        return Reply(parts=(Msg(question),), buttons=(*choices, (CANCEL,)))
    if "organiser" not in state:
        rows = tuple(
            (Button(Msg(o), f"off:e_penyelenggara:{i}"),) for i, o in enumerate(ORGANISERS)
        )
        return Reply(
            parts=(Msg(N_("Siapa penyelenggaranya? Pilih, atau ketik.")),),
            buttons=(*rows, (CANCEL,)),
        )
    sponsors = await req.session.sponsors()
    rows = tuple(
        (Button(Msg("{name}", {"name": s.name}), f"off:e_sponsor:{s.id}"),)
        for s in sponsors
        if s.start_day <= state_day(state) <= s.end_day
    )
    return Reply(
        parts=(Msg(N_("Ada sponsor yang membayar iuran JKK dan JKM peserta acara ini?")),),
        buttons=(*rows, (Button(Msg(N_("Tanpa sponsor")), "off:e_sponsor:0"),), (CANCEL,)),
    )


def state_day(state: dict[str, Any]) -> date:
    """The event's date as chosen so far."""
    return date.fromisoformat(state["day"])


async def typed(desk: OfficerDesk, req: Request, state: dict[str, Any]) -> list[Reply]:
    """A typed answer in the dialog."""
    problem: Invalid | None = None
    if "name" not in state:
        name = clean_free_text(req.args, 80)
        problem = name if isinstance(name, Invalid) else None
        if problem is None:
            state["name"] = name
    elif "day" not in state:
        day = parse_date(req.args, req.now.date())
        if isinstance(day, Invalid):
            problem = day
        else:
            state["day"] = day.isoformat()
    elif "region" not in state:
        found = match_region(req.args)
        if found.region is not None:
            return await choose_region(desk, req, state, found.region.code)
        state["candidates"] = [r.code for r in found.candidates]
        if not found.candidates:
            problem = Invalid(N_("Kabupaten/kota itu tidak kami temukan."))
    elif "organiser" not in state:
        organiser = clean_free_text(req.args, 80)
        problem = organiser if isinstance(organiser, Invalid) else None
        if problem is None:
            state["organiser"] = organiser
    else:
        return [text(N_("Pilih sponsor dengan tombol."))]
    await req.session.set_dialog(req.officer.user_id, state, req.now)
    replies = [Reply(parts=(Msg(problem.msgid, problem.params),))] if problem else []
    return [*replies, await ask(desk, req, state)]


async def choose_region(
    desk: OfficerDesk, req: Request, state: dict[str, Any], code: str
) -> list[Reply]:
    """The event's place; it must lie in one of the officer's branches."""
    branch = desk.config.queue_of(code)
    scope = req.officer.scope
    if scope is not None and branch not in scope:
        return [
            text(
                N_("Tempat itu dilayani Kantor Cabang {branch}, di luar cabang Anda."),
                branch=branch,
            ),
            await ask(desk, req, state),
        ]
    state.update(region=code, branch=branch)
    state.pop("candidates", None)
    await req.session.set_dialog(req.officer.user_id, state, req.now)
    return [await ask(desk, req, state)]


async def on_place(desk: OfficerDesk, req: Request) -> list[Reply]:
    """A kabupaten/kota button."""
    state = await req.session.dialog(req.officer.user_id)
    if state is None or state.get("action") != "acara_baru" or region_by_code(req.args) is None:
        return [text(N_("Tombol itu sudah tidak berlaku."))]
    return await choose_region(desk, req, state, req.args)


async def on_organiser(desk: OfficerDesk, req: Request) -> list[Reply]:
    """An organiser button."""
    state = await req.session.dialog(req.officer.user_id)
    if state is None or state.get("action") != "acara_baru" or not req.args.isdigit():
        return [text(N_("Tombol itu sudah tidak berlaku."))]
    state["organiser"] = ORGANISERS[int(req.args) % len(ORGANISERS)]
    await req.session.set_dialog(req.officer.user_id, state, req.now)
    return [await ask(desk, req, state)]


async def on_sponsor(desk: OfficerDesk, req: Request) -> list[Reply]:
    """The sponsor button (or none): create the event and hand out its link, QR and poster."""
    state = await req.session.dialog(req.officer.user_id)
    if state is None or state.get("action") != "acara_baru" or "organiser" not in state:
        return [text(N_("Tombol itu sudah tidak berlaku."))]
    sponsor_id = int(req.args) if req.args.isdigit() else 0
    sponsor = next((s for s in await req.session.sponsors() if s.id == sponsor_id), None)
    draft = EventDraft(
        code=new_code(),
        name=state["name"],
        day=state_day(state),
        region_code=state["region"],
        organiser=state["organiser"],
        sponsor_id=sponsor.id if sponsor else None,
        branch=state["branch"],
    )
    await req.session.create_event(draft, req.officer.user_id, req.now)
    await req.session.set_dialog(req.officer.user_id, None, req.now)
    await req.session.audit(req.officer.user_id, "acara_baru", None, draft.code, req.now)
    return [handout(desk, draft, sponsor.name if sponsor else None)]


def handout(desk: OfficerDesk, draft: EventDraft, sponsor: str | None) -> Reply:
    """The event's link, QR code and printable poster."""
    url = deep_link(desk.bot_username, draft.code)
    region = region_by_code(draft.region_code)
    place = region.label if region else draft.region_code
    poster = PosterInfo(draft.name, draft.day, place, url, draft.organiser, sponsor)
    return Reply(
        parts=(
            Msg(N_("Acara <b>{name}</b> dibuat."), {"name": draft.name}),
            Msg(N_("Tautan pendaftaran: {url}"), {"url": url}),
            Msg(N_("Kode QR dan poster (A4) terlampir.")),
        ),
        files=(
            Attachment(f"qr-{draft.code}.png", qr_png(url)),
            Attachment(f"poster-{draft.code}.png", poster_png(poster), photo=False),
        ),
    )


async def list_events(desk: OfficerDesk, req: Request) -> list[Reply]:
    """/acara: the branch's events, newest first, with their counts and a close button."""
    events = await req.session.events(20)
    if not events:
        return [text(N_("Belum ada acara. Buat dengan /acara_baru."))]
    lines = [Msg(N_("<b>Acara</b>"))]
    buttons = []
    for e in events:
        lines.append(
            Msg(
                N_(
                    "<b>{name}</b> ({code}) · {day} · {status} · dibuka {opened} · setuju "
                    "{consented} · terkirim {submitted} · disetujui {approved}"
                ),
                {
                    "name": e.name,
                    "code": e.code,
                    "day": Day(e.day),
                    "status": Msg(N_("ditutup") if e.closed else N_("aktif")),
                    "opened": e.opened,
                    "consented": e.consented,
                    "submitted": e.submitted,
                    "approved": e.approved,
                },
            )
        )
        if not e.closed:
            label = Msg(N_("Tutup {name}"), {"name": e.name[:30]})
            buttons.append((Button(label, f"off:acara_tutup:{e.code}"),))
    return [Reply(parts=(Block(tuple(lines)),), buttons=tuple(buttons))]


async def close_event(desk: OfficerDesk, req: Request) -> list[Reply]:
    """Close an event: its link then opens the normal flow, without the event."""
    if not await req.session.close_event(req.args, req.now):
        return [text(N_("Acara {code} tidak ditemukan."), code=req.args or "-")]
    await req.session.audit(req.officer.user_id, "acara_tutup", None, req.args, req.now)
    return [text(N_("Acara {code} ditutup."), code=req.args)]


COMMANDS: dict[str, Callable[[OfficerDesk, Request], Awaitable[list[Reply]]]] = {
    "acara_baru": begin,
    "acara": list_events,
    "acara_tutup": close_event,
    "e_tempat": on_place,
    "e_penyelenggara": on_organiser,
    "e_sponsor": on_sponsor,
}
