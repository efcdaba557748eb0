"""Drives the officer desk's pure core for transcripts: a fixed clock, an in-memory world.

Each input is stepped with bot.officers.step (through bot.officers.desk.run_desk, the runner
answering the Needs from the fake session and applying the effects), so transcripts show exactly what the
core decides; the pictures it asks for are listed, not drawn, and an export is noted, not built.
"""

from __future__ import annotations

import shlex
from datetime import date, datetime
from typing import Any

from bot.clock import WIB, as_utc
from bot.decision_sheet import read_import
from bot.domain import (
    EventDraft,
    Flag,
    Officer,
    Role,
    Sponsor,
    Status,
    Submission,
)
from bot.fields import Answers, SponsorChoice
from bot.flow.events import Command, Press, Text
from bot.flow.needs import Effect
from bot.messages import Attachment, Reply
from bot.nik import NikInfo, parse_nik
from bot.officers import officer_command
from bot.officers.context import DeskConfig, DeskContext, DeskOutcome, Upload
from bot.officers.desk import on_last_card, run_desk
from bot.officers.needs import Audit, CreateEvent, EndWebSessions, Notify, SaveOfficer
from bot.officers.state import DeskState
from bot.officers.step import desk_event
from bot.payers import BY_KEY
from bot.regions import load_branches
from bot.render import PLAIN, render_msg, render_text
from tests.transcripts.officer_world import Event, FakeOfficerSession, World
from tests.transcripts.runner import Sent, SentFile, Turn

CONFIG = DeskConfig(branches=load_branches(), default_branch="Kantor Pusat")


def options(words: list[str]) -> dict[str, str]:
    """'key=value' words (and bare flags, as 'flag': '')."""
    found: dict[str, str] = {}
    for word in words:
        key, _, value = word.partition("=")
        found[key] = value
    return found


def wib(moment: str) -> datetime:
    """'2026-11-28 09:00' in WIB, as UTC."""
    return as_utc(datetime.fromisoformat(moment).replace(tzinfo=WIB))


def describe(effect: Effect) -> str:
    """An effect as a transcript note."""
    match effect:
        case Audit(action, reference, detail):
            return f"audit: {action} · {reference or '-'} · {detail}"
        case Notify(channel, user_id, reply, _):
            body = render_text(reply, "id", PLAIN)
            buttons = " ".join(f"[{render_msg(b.text, 'id', PLAIN)}]" for b in reply.all_buttons)
            return f"pesan untuk pekerja {channel}:{user_id}:\n{body}" + (
                f"\n{buttons}" if buttons else ""
            )
        case CreateEvent(draft):
            return (
                f"acara disimpan: {draft.code} · {draft.name} · {draft.day} · {draft.region_code}"
                f" · Kantor Cabang {draft.branch} · sponsor {draft.sponsor_id or '-'}"
            )
        case SaveOfficer(officer):
            return f"petugas disimpan: {officer.user_id} · {officer.role} · {officer.branches}"
        case EndWebSessions():
            return "sesi desk web diakhiri"
    raise ValueError(effect)


class OfficerDriver:
    """The runner's Driver for officer transcripts."""

    def __init__(self) -> None:
        self.world = World()
        self.now = wib("2026-11-28 09:00")
        self.acting: str | None = None
        self.updates = 0

    # --- set-up -------------------------------------------------------------------------

    async def setup(self, directive: str) -> None:
        verb, *words = shlex.split(directive)
        if verb == "now":
            self.now = wib(" ".join(words))
        elif verb == "officer":
            self.add_officer(words)
        elif verb == "as":
            if words[0] not in self.world.officers:
                raise ValueError(f"no officer {words[0]}")
            self.acting = words[0]
        elif verb == "submission":
            self.add_submission(words[0], options(words[1:]))
        elif verb == "event":
            self.add_event(words[0], options(words[1:]))
        elif verb == "sponsor":
            self.add_sponsor(int(words[0]), options(words[1:]))
        else:
            raise ValueError(f"unknown set-up {verb!r}")

    def add_officer(self, words: list[str]) -> None:
        """'officer 9101 petugas branches=Yogyakarta name=Siti'."""
        user_id, role, *rest = words
        found = options(rest)
        branches = tuple(b for b in found.get("branches", "").split(",") if b)
        self.world.officers[user_id] = Officer(
            user_id, Role(role), branches, found.get("name", "")
        )
        self.acting = self.acting or user_id

    def add_submission(self, reference: str, found: dict[str, str]) -> None:
        """'submission BPU-2026-000001 nik=... name=... home=34.01 submitted=...'."""
        nik = parse_nik(found.get("nik", "3401025203790001"), self.now.date())
        assert isinstance(nik, NikInfo), nik
        home = found.get("home", nik.nik[:2] + "." + nik.nik[2:4])
        sponsor = self.world.sponsors.get(int(found["sponsor"])) if "sponsor" in found else None
        answers = Answers(
            nik=nik.nik,
            nik_birth_date=nik.birth_date,
            nik_sex=nik.sex,
            birth_date=nik.birth_date,
            sex=nik.sex,
            name=found.get("name", "Sri Wahyuni"),
            birth_place=found.get("born", "Kulon Progo"),
            phone=found.get("phone", "+6281234567890"),
            home_code=home,
            address=found.get("address", "Dusun Krebet RT 02 RW 05, Sendangsari"),
            occupation=found.get("occupation", "nelayan"),
            income=int(found.get("income", "1500000")),
            jht=found.get("jht") == "ya",
            sponsor=SponsorChoice(sponsor.id, sponsor.name, sponsor.payer) if sponsor else None,
        )
        self.world.submissions[reference] = Submission(
            reference=reference,
            channel="tg",
            user_id=found.get("worker", "5001"),
            answers=answers,
            monthly_self_paid=int(found.get("paid", "0" if sponsor else "16800")),
            flags=tuple(Flag(f) for f in found.get("flags", "").split(",") if f),
            event_code=found.get("event"),
            status=Status(found.get("status", "diajukan")),
            note=None,
            fix_fields=(),
            kpj=None,
            decided_by=found.get("decided_by"),
            decided_at=None,
            submitted_at=wib(found.get("submitted", "2026-11-28 06:00")),
            branch=CONFIG.branch_for(home),
            sponsor_id=sponsor.id if sponsor else None,
        )

    def add_event(self, code: str, found: dict[str, str]) -> None:
        """'event evWATES name=... day=2026-12-12 home=34.01 sponsor=1 opened=12'."""
        home = found.get("home", "34.01")
        draft = EventDraft(
            code=code,
            name=found.get("name", "Sosialisasi BPU"),
            day=date.fromisoformat(found.get("day", "2026-12-12")),
            region_code=home,
            organiser=found.get("organiser", "Kantor Cabang BPJS Ketenagakerjaan"),
            sponsor_id=int(found["sponsor"]) if "sponsor" in found else None,
            branch=CONFIG.branch_for(home),
        )
        self.world.events[code] = Event(
            draft,
            closed="closed" in found,
            opened=int(found.get("opened", "0")),
            consented=int(found.get("consented", "0")),
        )

    def add_sponsor(self, sponsor_id: int, found: dict[str, str]) -> None:
        """'sponsor 1 name=... regions=34.01,34.02 quota=500 from=... to=... events-only'."""
        regions = tuple(found.get("regions", "34.01").split(","))
        self.world.sponsors[sponsor_id] = Sponsor(
            id=sponsor_id,
            name=found.get("name", "Pemkab Kulon Progo 2026"),
            payer=BY_KEY[found.get("level", "kabupaten")].payer,
            level=found.get("level", "kabupaten"),
            start_day=date.fromisoformat(found.get("from", "2026-01-01")),
            end_day=date.fromisoformat(found.get("to", "2026-12-31")),
            quota=int(found.get("quota", "500")),
            regions=regions,
            occupations=(),
            whole_region="events-only" not in found,
            branch=CONFIG.branch_for(regions[0]),
        )

    # --- stepping -------------------------------------------------------------------------

    def event_of(self, sent: Sent) -> Any:
        """What the desk's step takes for what was sent; None when it is not for the desk."""
        if isinstance(sent, SentFile):
            rows, problems = read_import(sent.data, sent.filename, CONFIG.kpj_length)
            for_import = sent.caption.lower().startswith("/impor")
            return Upload(sent.filename, tuple(rows), tuple(problems), for_import)
        if isinstance(sent, Command | Press):
            asked = officer_command(sent)
            return desk_event(*asked) if asked is not None else None
        if isinstance(sent, Text):
            return Text(sent.text.strip())
        return None

    async def send(self, sent: Sent) -> Turn:
        assert self.acting is not None, "no officer: add '@ officer ...' first"
        self.updates += 1
        event = self.event_of(sent)
        if event is None:
            return Turn(notes=["(bukan untuk petugas: alur pendaftaran pekerja menjawab)"])
        state = DeskState.from_data(self.world.dialogs.get(self.acting))
        if isinstance(event, Text) and state.idle and not on_last_card(state, event):
            return Turn(notes=["(tidak ada dialog: alur pendaftaran pekerja menjawab)"])
        if isinstance(event, Upload) and state.idle and not event.for_import:
            return Turn(notes=["(berkas tidak dibaca: tanpa /impor dan tanpa dialog)"])
        session = FakeOfficerSession(self.world)
        officer = self.world.officers[self.acting]
        session.restrict(officer.scope)
        ctx = DeskContext(self.now, officer, "id", CONFIG, nonce=f"T{self.updates:010d}")
        outcome = await run_desk(session, state, event, ctx)
        await session.set_dialog(self.acting, outcome.state.to_data(), self.now)
        return self.turn(state, outcome)

    def turn(self, before: DeskState, outcome: DeskOutcome) -> Turn:
        """The replies (with the pictures the runner would draw) and what else happened."""
        replies: list[Reply] = list(outcome.replies)
        if outcome.pictures and replies:
            drawn = tuple(
                Attachment(p.filename, b"", photo=not p.filename.startswith("poster"))
                for p in outcome.pictures
            )
            replies[-1] = Reply(
                replies[-1].parts, replies[-1].buttons, replies[-1].keyboard, drawn
            )
        notes = [describe(effect) for effect in outcome.effects]
        if outcome.export is not None:
            job = outcome.export
            notes.append(
                f"ekspor dibuat setelah transaksi: {job.filename} · cabang {job.branches}"
            )
        if outcome.state.dialog != before.dialog:
            notes.append(f"dialog: {outcome.state.dialog or 'selesai'}")
        return Turn(replies, notes)
