"""Rosters on the web desk (docs/web-desk.md, "Rosters"), for supervisors and admins: the
branch's rosters with their rows counted by state, importing a roster file into a sponsor,
each roster's slips and per-row states, and its WhatsApp invitations after a confirmation.

Every action is the chat command's (bot/officers/rosters.py), run by the desk's own step: the
import walks /roster_impor's dialog (the sponsor, the agreement, the WhatsApp statement, then
the file read by the same bounded reader), so its role, scope and per-row checks are the
chat's; the slips are /roster_slip, the states /roster <id>, the invitations /roster_undang.
Files are drawn after the transaction has committed, as in chat."""

from __future__ import annotations

import secrets
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from email.message import Message
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bot.domain import Role
from bot.flow.events import Command, Press, Text
from bot.i18n import translate
from bot.messages import Attachment, Day, Msg
from bot.officers.context import DeskEvent, DeskOutcome, Upload
from bot.officers.desk import run_desk
from bot.officers.rosters import COUNTED, ONLY_SUPERVISORS, ROSTERS_SHOWN
from bot.officers.state import DeskState, Dialog
from bot.rosters import STATE_LABELS, RosterSummary
from bot.web_desk import secret_hash
from handlers.web.app import html_of
from handlers.web.reports import MEDIA, attachment
from handlers.web.sessions import Refused, Visit
from handlers.web.sponsor import said
from handlers.web.texts import words

if TYPE_CHECKING:
    from handlers.web.app import WebDesk

FORM_OVERHEAD = 64 * 1024  # the upload form's other fields and multipart framing
REPORT_KEPT_SECONDS = 15 * 60  # an import's per-row report stays downloadable this long
REPORTS_KEPT = 50  # reports remembered by this process at most (the oldest go first)
PDF = "application/pdf"
WALK = (Dialog.ROSTER_AGREEMENT, Dialog.ROSTER_CONSENT, Dialog.ROSTER_FILE)


@dataclass(frozen=True)
class Uploaded:
    """A multipart form: its text fields, and its one file (name and bytes)."""

    fields: dict[str, str]
    filename: str
    data: bytes


def multipart(content_type: str, body: bytes) -> Uploaded | None:
    """The fields and the file of a ``multipart/form-data`` body; None when it is not one.
    Read by hand (the file's bytes as sent): the body is already bounded by the caller."""
    header = Message()
    header["content-type"] = content_type
    boundary = header.get_param("boundary")
    if header.get_content_type() != "multipart/form-data" or not isinstance(boundary, str):
        return None
    fields: dict[str, str] = {}
    filename, data = "", b""
    for part in body.split(b"--" + boundary.encode())[1:]:
        if part.startswith(b"--"):  # the closing delimiter
            break
        head, _, content = part.partition(b"\r\n\r\n")
        disposition = Message()
        for line in head.decode("utf-8", "replace").split("\r\n"):
            name, _, value = line.partition(":")
            if name.strip().lower() == "content-disposition":
                disposition["content-disposition"] = value.strip()
        field = disposition.get_param("name", header="content-disposition")
        if not isinstance(field, str):
            continue
        content = content.removesuffix(b"\r\n")
        given = disposition.get_filename()
        if given is not None:
            filename, data = given, content
        else:
            fields[field] = content.decode("utf-8", "replace")
    return Uploaded(fields, filename, data)


async def bounded_body(request: Request, limit: int) -> bytes | None:
    """The request's body, or None past ``limit`` bytes (a declared length is refused unread)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        return None
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            return None
    return bytes(body)


class ImportReports:
    """Each import's per-row report (XLSX, NIKs and phones masked), downloadable for a while by
    the session that imported it; kept in this process only (the report of refused lines is
    not stored: the roster keeps only the rows it imported)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self._kept: OrderedDict[str, tuple[str, float, Attachment]] = OrderedDict()

    def put(self, owner: str, report: Attachment) -> str:
        now = self.clock()
        for token, (_, at, _) in list(self._kept.items()):
            if now - at > REPORT_KEPT_SECONDS or len(self._kept) >= REPORTS_KEPT:
                del self._kept[token]
        token = secrets.token_urlsafe(16)
        self._kept[token] = (owner, now, report)
        return token

    def get(self, owner: str, token: str) -> Attachment | None:
        found = self._kept.get(token)
        if found is None or found[0] != owner or self.clock() - found[1] > REPORT_KEPT_SECONDS:
            return None
        return found[2]


def roster_line(roster: RosterSummary, lang: str) -> dict[str, Any]:
    """A roster's row in the table: its rows counted by state, in the order /roster counts."""
    return {
        "id": roster.id,
        "sponsor": roster.sponsor_name,
        "agreement": roster.agreement,
        "total": roster.total,
        "until": said(Msg("{d}", {"d": Day(roster.expires_at.date())}), lang),
        "counts": ", ".join(
            f"{translate(STATE_LABELS[s], lang)} {roster.counts[s]}"
            for s in COUNTED
            if roster.counts.get(s)
        ),
    }


class RosterPages:
    """/roster and its actions: supervisors and admins only, as /roster_impor."""

    def __init__(self, desk: WebDesk) -> None:
        self.desk = desk
        self.reports = ImportReports()

    def routes(self) -> list[Any]:
        return [
            Route("/roster", self.list_page, methods=["GET"]),
            Route("/roster/impor", self.import_file, methods=["POST"]),
            Route("/roster/laporan/{token}", self.report, methods=["GET"]),
            Route("/roster/{roster:int}/slip", self.slips, methods=["POST"]),
            Route("/roster/{roster:int}/keadaan", self.states, methods=["POST"]),
            Route("/roster/{roster:int}/undang", self.invite_page, methods=["GET"]),
            Route("/roster/{roster:int}/undang", self.invite, methods=["POST"]),
        ]

    async def supervising(
        self,
        request: Request,
        work: Callable[[Visit, dict[str, str]], Awaitable[Response]],
        *,
        post: bool = False,
        form: dict[str, str] | None = None,
    ) -> Response:
        """``work`` for a supervisor or an admin; anyone else is refused (403), as in chat."""

        async def allowed(visit: Visit, fields: dict[str, str]) -> Response:
            if visit.officer.role is Role.PETUGAS:
                raise Refused(translate(ONLY_SUPERVISORS, visit.lang), 403)
            return await work(visit, fields)

        return await self.desk.signed_in(request, allowed, post=post, form=form)

    async def settled(
        self,
        request: Request,
        walk: Callable[[Visit, dict[str, str]], Awaitable[DeskOutcome]],
        *,
        post: bool = False,
        form: dict[str, str] | None = None,
    ) -> tuple[Visit, DeskOutcome] | Response:
        """Run ``walk`` (the desk's step) in the request's unit of work and give back its
        outcome once the transaction has committed, so the files it asks for are drawn
        holding up nobody; a refused request is its page."""
        done: list[tuple[Visit, DeskOutcome]] = []
        passed = Response(status_code=204)

        async def work(visit: Visit, fields: dict[str, str]) -> Response:
            done.append((visit, await walk(visit, fields)))
            return passed

        answer = await self.supervising(request, work, post=post, form=form)
        return done[0] if answer is passed and done else answer

    # --- the list ---------------------------------------------------------------------------

    async def list_page(self, request: Request) -> Response:
        async def work(visit: Visit, form: dict[str, str]) -> Response:
            return await self.rosters_page(visit)

        return await self.supervising(request, work)

    async def rosters_page(self, visit: Visit, status: int = 200, **values: Any) -> Response:
        found = await visit.session.rosters(ROSTERS_SHOWN)
        sponsors = await visit.session.sponsors()
        return self.desk.page(
            "rosters.html",
            visit.lang,
            status=status,
            visit=visit,
            rosters=[roster_line(r, visit.lang) for r in found],
            sponsors=[(s.id, s.name) for s in sponsors],
            max_mb=round(self.desk.desk.roster_limits.max_bytes / 1_000_000, 1),
            **values,
        )

    # --- importing ------------------------------------------------------------------------

    async def import_file(self, request: Request) -> Response:
        """/roster_impor from one form: the upload is bounded like a file sent in chat, the
        session and CSRF checked before the file is read, the file read (in a thread, outside
        any transaction) by chat's reader, then the dialog walked in one unit of work."""
        limits = self.desk.desk.roster_limits
        body = await bounded_body(request, limits.max_bytes + FORM_OVERHEAD)
        uploaded = multipart(request.headers.get("content-type", ""), body) if body else None
        fields = uploaded.fields if uploaded else {}

        async def checked(visit: Visit, form: dict[str, str]) -> Response:
            t = words(visit.lang)
            if body is None:
                problem = t["roster_too_big"].format(mb=round(limits.max_bytes / 1_000_000, 1))
                return await self.rosters_page(visit, 413, problem=problem)
            if uploaded is None or not uploaded.filename or not uploaded.data:
                return await self.rosters_page(visit, 400, problem=t["roster_no_file"])
            return Response(status_code=204)

        # A body past the bound is not read, so neither is its CSRF token: it is refused with
        # the page alone (nothing is written).
        first = await self.supervising(request, checked, post=body is not None, form=fields)
        if first.status_code != 204 or uploaded is None:
            return first
        # Opened as the chat opens it: its lines are checked and stored a chunk at a time once
        # the dialog's transaction has committed (the roster job, run by ``finish``).
        roster = await self.desk.desk.work.open_roster(uploaded.data, uploaded.filename, limits)
        upload = Upload(uploaded.filename, (), (), roster=roster)

        async def walk(visit: Visit, form: dict[str, str]) -> DeskOutcome:
            consent = "1" if form.get("whatsapp") == "1" else "0"
            events: tuple[DeskEvent, ...] = (
                Command("roster_impor", form.get("sponsor", "").strip()[:20] or "-"),
                Text(form.get("agreement", "")[:500]),
                Press(f"off:r_wa:{consent}"),
            )
            context = self.desk.context(visit)
            state = DeskState()
            for event, expected in zip(events, WALK, strict=True):
                outcome = await run_desk(visit.session, state, event, context)
                if outcome.state.dialog is not expected:  # refused: the step says why
                    return outcome
                state = outcome.state
            return await run_desk(visit.session, state, upload, context)

        found = await self.settled(request, walk, post=True, form=fields)
        if isinstance(found, Response):
            return found
        visit, outcome = found
        replies = await self.desk.desk.finish(outcome)
        files = [f for reply in replies for f in reply.files]
        token = self.reports.put(secret_hash(visit.secret), files[0]) if files else ""
        answer = [html_of(reply, visit.lang) for reply in replies]
        return self.desk.page(
            "roster_answer.html",
            visit.lang,
            status=200 if files else 400,
            visit=visit,
            answer=answer,
            report=f"/roster/laporan/{token}" if token else "",
        )

    async def report(self, request: Request) -> Response:
        """An import's per-row report, for the session that imported it (a random token: no
        personal data in the URL)."""
        token = request.path_params["token"][:64]

        async def work(visit: Visit, form: dict[str, str]) -> Response:
            found = self.reports.get(secret_hash(visit.secret), token)
            if found is None:
                raise Refused(words(visit.lang)["not_found"], 404)
            return attachment(found.data, found.filename, MEDIA["xlsx"])

        return await self.supervising(request, work)

    # --- a roster's files -------------------------------------------------------------------

    async def download(
        self,
        request: Request,
        command: str,
        args: Callable[[int, dict[str, str]], str],
        media: str,
    ) -> Response:
        """A chat command that answers with a file (/roster_slip, /roster <id>): its file, drawn
        after the transaction; a roster not found (or of another branch) is 404."""
        roster_id: int = request.path_params["roster"]

        async def walk(visit: Visit, form: dict[str, str]) -> DeskOutcome:
            return await self.desk.run(visit, command, args(roster_id, form))

        found = await self.settled(request, walk, post=True)
        if isinstance(found, Response):
            return found
        visit, outcome = found
        if not outcome.pictures:
            text = "".join(html_of(r, visit.lang) for r in outcome.replies)
            return self.desk.refused(Refused(text, 404), visit.lang)
        replies = await self.desk.desk.finish(outcome)
        drawn = next(f for reply in replies for f in reply.files)
        return attachment(drawn.data, drawn.filename, media)

    async def slips(self, request: Request) -> Response:
        """/roster_slip <id> [part]: the slips' PDF."""

        def args(roster_id: int, form: dict[str, str]) -> str:
            part = form.get("part", "1").strip()
            return f"{roster_id} {part if part.isdigit() and len(part) < 6 else 1}"

        return await self.download(request, "roster_slip", args, PDF)

    async def states(self, request: Request) -> Response:
        """/roster <id>: each row's state (XLSX, masked)."""
        return await self.download(request, "roster", lambda r, _: str(r), MEDIA["xlsx"])

    # --- inviting on WhatsApp -------------------------------------------------------------

    async def invite_page(self, request: Request) -> Response:
        """/roster_undang <id>: how many would be invited, over how many days; the button
        confirms (nothing is queued by opening this page)."""
        roster_id: int = request.path_params["roster"]

        async def work(visit: Visit, form: dict[str, str]) -> Response:
            outcome = await self.desk.run(visit, "roster_undang", str(roster_id))
            confirm = any(reply.buttons for reply in outcome.replies)
            return self.desk.page(
                "roster_answer.html",
                visit.lang,
                visit=visit,
                answer=[html_of(reply, visit.lang) for reply in outcome.replies],
                confirm=f"/roster/{roster_id}/undang" if confirm else "",
            )

        return await self.supervising(request, work)

    async def invite(self, request: Request) -> Response:
        """The confirmation: /roster_undang <id> ya (role and branch checked again)."""
        roster_id: int = request.path_params["roster"]

        async def walk(visit: Visit, form: dict[str, str]) -> DeskOutcome:
            return await self.desk.run(visit, "roster_undang", f"{roster_id} ya")

        # The invitations are queued a chunk per unit of work once the confirmation's
        # transaction has committed (the roster job, run by ``finish``), as in chat.
        found = await self.settled(request, walk, post=True)
        if isinstance(found, Response):
            return found
        visit, outcome = found
        replies = await self.desk.desk.finish(outcome)
        return self.desk.page(
            "roster_answer.html",
            visit.lang,
            visit=visit,
            answer=[html_of(reply, visit.lang) for reply in replies],
        )
