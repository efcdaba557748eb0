"""The web desk: officers clear the queue in a browser, served by the bot's own process on an
address and port of its own (WEB_DESK_LISTEN:WEB_DESK_PORT; docs/web-desk.md).

Every request is one officer unit of work (``repo.officer()``): the session is found by the
hash of its cookie, the officer and their role and branches are read again (a change ends the
session), the unit is restricted to their branches, and a card or a decision runs the desk's
own step (bot/officers/), exactly as a chat command would: the same rules, the same audit, the
same notice to the worker through the outbox.
"""

from __future__ import annotations

import asyncio
import csv
import io
import re
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from markupsafe import Markup
from starlette.applications import Starlette
from starlette.datastructures import MutableHeaders
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot.clock import wib_text
from bot.decision_sheet import ImportProblem, ImportRow, describe_problem, read_import
from bot.domain import Flag, Status, Submission
from bot.flow.events import Command, Press
from bot.flow.questions import REGISTRY
from bot.i18n import translate
from bot.masking import mask_name, mask_nik
from bot.messages import Block, Msg, Reply
from bot.officers.context import DeskContext, DeskOutcome, Upload
from bot.officers.decisions import FIX_NOTES, REJECT_REASONS, SEND_DECISION
from bot.officers.desk import run_desk
from bot.officers.needs import Notify
from bot.officers.state import DeskState, Dialog
from bot.officers.views import FLAG_WORDS, STATUS_LABELS
from bot.render import HTML, render_text
from bot.settings import Settings
from bot.uploads import ImportLimits
from bot.web_desk import (
    QUEUE_SORTS,
    QueueFilter,
)
from handlers.server import serve_on
from handlers.web.sessions import Refused, SessionDesk, Visit
from handlers.web.texts import words

HERE = Path(__file__).parent
PAGE_SIZE = 25
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "Referrer-Policy": "no-referrer",  # a sign-in link's secret never leaves in a Referer
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}


def _day(value: str) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def queue_filter(params: dict[str, str]) -> QueueFilter:
    """The queue's filters from its query string; anything unreadable is left out."""
    try:
        status = Status(params.get("status", "") or Status.SUBMITTED)
    except ValueError:
        status = Status.SUBMITTED
    try:
        flag = Flag(params["flag"]) if params.get("flag") else None
    except ValueError:
        flag = None
    sponsor = params.get("sponsor", "")
    roster = params.get("roster", "")
    sort = params.get("sort", "")
    return QueueFilter(
        status=status,
        event_code=params.get("event", "").strip()[:32],
        sponsor_id=int(sponsor) if sponsor.isdigit() and len(sponsor) < 10 else None,
        region=params.get("region", "").strip()[:13],
        since=_day(params.get("since", "")),
        until=_day(params.get("until", "")),
        flag=flag,
        sort=sort if sort in QUEUE_SORTS else "oldest",
        roster_id=int(roster) if roster.isdigit() and len(roster) < 10 else None,
    )


def html_of(reply: Reply, lang: str) -> Markup:
    """A desk reply as HTML: its own <b>/<i>/<code>, everything the people typed escaped."""
    # render_text escapes every parameter (what people typed) when it writes HTML.
    return Markup(render_text(reply, lang, HTML))


class WebDesk(SessionDesk):
    """The web desk's pages over one repository and the chat desk's runner; signing in and
    every request's session are SessionDesk's (handlers/web/sessions.py)."""

    def routes(self) -> list[Any]:
        # The page modules use this module's html_of: imported here, once this one is loaded.
        from handlers.web.reports import ReportPages
        from handlers.web.rosters import RosterPages
        from handlers.web.sponsor import SponsorPages

        return [
            Route("/", self.home, methods=["GET"]),
            *self.session_routes(),
            Route("/antrean", self.queue, methods=["GET"]),
            Route("/cari", self.search, methods=["POST"]),
            Route("/hitung", self.count, methods=["GET"]),
            Route("/tempel", self.paste_page, methods=["GET"]),
            Route("/tempel", self.paste, methods=["POST"]),
            Route("/pendaftaran/{reference}", self.card, methods=["GET"]),
            Route("/pendaftaran/{reference}/{action}", self.decide, methods=["POST"]),
            *SponsorPages(self).routes(),
            *ReportPages(self).routes(),
            *RosterPages(self).routes(),
            Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
        ]

    async def home(self, request: Request) -> Response:
        return RedirectResponse("/antrean", status_code=303)

    # --- signing in and out ------------------------------------------------------------------
    def context(self, visit: Visit) -> DeskContext:
        return DeskContext(
            self.clock(), visit.officer, visit.lang, self.desk.desk_config, nonce=self.desk.nonce()
        )

    async def run(self, visit: Visit, command: str, args: str) -> DeskOutcome:
        """One desk command, through the chat desk's own step (its rules, audit and notices).
        A dialog open in chat is left as it is. A decision the chat previews first (the worker's
        message, then "Kirim keputusan") is sent at once: the web form was the officer's choice."""
        context = self.context(visit)
        outcome = await run_desk(visit.session, DeskState(), Command(command, args), context)
        if outcome.state.dialog is Dialog.PREVIEW:
            outcome = await run_desk(visit.session, outcome.state, Press(SEND_DECISION), context)
        return outcome

    # --- the queue -------------------------------------------------------------------------------

    async def queue(self, request: Request) -> Response:
        params = {k: v for k, v in request.query_params.items()}
        chosen = queue_filter(params)
        page = int(params["page"]) if params.get("page", "").isdigit() else 1
        page = max(1, min(page, 100_000))

        async def work(visit: Visit, form: dict[str, str]) -> Response:
            total, found = await visit.session.queue_filtered(
                chosen, PAGE_SIZE, (page - 1) * PAGE_SIZE
            )
            pages = max(1, (total + PAGE_SIZE - 1) // PAGE_SIZE)
            kept = {k: v for k, v in params.items() if k != "page" and v}
            return self.page(
                "queue.html",
                visit.lang,
                visit=visit,
                rows=[self.row(sub, visit.lang) for sub in found],
                chosen=chosen,
                params=kept,
                total=total,
                page=page,
                pages=pages,
                previous=urlencode({**kept, "page": page - 1}) if page > 1 else "",
                following=urlencode({**kept, "page": page + 1}) if page < pages else "",
                statuses=[(str(s), translate(STATUS_LABELS[s], visit.lang)) for s in Status],
                flags=[(str(f), translate(FLAG_WORDS[f], visit.lang)) for f in Flag],
            )

        return await self.signed_in(request, work)

    async def count(self, request: Request) -> Response:
        """The live count in the header: how many wait in the officer's branches (a counter kept
        by triggers, no scan), asked by desk.js every 30 s while the page is in view."""

        async def work(visit: Visit, form: dict[str, str]) -> Response:
            return JSONResponse({"waiting": await visit.session.count_pending()})

        return await self.signed_in(request, work, touch=False)

    def row(self, sub: Submission, lang: str) -> dict[str, str]:
        """A queue row, masked as in chat."""
        return {
            "reference": sub.reference,
            "name": mask_name(sub.name),
            "nik": mask_nik(sub.nik),
            "region": sub.answers.home_code or "-",
            "event": sub.event_code or "-",
            "submitted": wib_text(sub.submitted_at),
            "flags": ", ".join(translate(FLAG_WORDS[f], lang) for f in sub.flags),
        }

    async def search(self, request: Request) -> Response:
        """By NIK, phone or name: a POST, so what was looked for stays out of URLs and logs."""

        async def work(visit: Visit, form: dict[str, str]) -> Response:
            outcome = await self.run(visit, "cari", form.get("q", "")[:100])
            references = [
                str(line.params["reference"])
                for reply in outcome.replies
                for part in reply.parts
                if isinstance(part, Block)
                for line in part.lines
                if isinstance(line, Msg) and "reference" in line.params
            ]
            answer = [html_of(reply, visit.lang) for reply in outcome.replies]
            return self.page(
                "search.html", visit.lang, visit=visit, answer=answer, references=references
            )

        return await self.signed_in(request, work, post=True)

    # --- a submission ----------------------------------------------------------------------------

    async def next_reference(self, visit: Visit, after: str) -> str | None:
        """The oldest waiting submission other than ``after`` (the chat queue's first two: no
        count of the queue)."""
        found = await visit.session.queue(2, 0)
        return next((s.reference for s in found if s.reference != after), None)

    async def card(self, request: Request) -> Response:
        reference = request.path_params["reference"].upper()[:32]

        async def work(visit: Visit, form: dict[str, str]) -> Response:
            return await self.card_page(visit, reference)

        return await self.signed_in(request, work)

    async def card_page(
        self, visit: Visit, reference: str, problem: list[Markup] | None = None
    ) -> Response:
        sub = await visit.session.get(reference)
        if sub is None:  # another branch's is not found either
            raise Refused(words(visit.lang)["not_found"], 404)
        shown = await self.run(visit, "lihat", reference)  # audited, as in chat
        history = await self.run(visit, "audit", reference)
        lang = visit.lang
        correctable = [
            (f.words[0] if f.words else f.name, translate(f.label, lang))
            for f in REGISTRY.fields
            if f.correctable
        ]
        return self.page(
            "card.html",
            lang,
            status=400 if problem else 200,
            visit=visit,
            reference=sub.reference,
            waiting=sub.status is Status.SUBMITTED,
            card=[html_of(r, lang) for r in shown.replies],
            history=[html_of(r, lang) for r in history.replies],
            problem=problem or [],
            following=await self.next_reference(visit, sub.reference),
            reasons=[translate(r, lang) for r in REJECT_REASONS],
            notes=[translate(n, lang) for n in FIX_NOTES],
            fields=correctable,
            kpj_length=self.desk.kpj_length,
        )

    async def decide(self, request: Request) -> Response:
        """Approve, reject or ask for a correction: the chat commands /setujui, /tolak and
        /perbaikan, run by the same step; then the next submission of the queue."""
        reference = request.path_params["reference"].upper()[:32]
        action = request.path_params["action"]

        async def work(visit: Visit, form: dict[str, str]) -> Response:
            if await visit.session.get(reference) is None:
                raise Refused(words(visit.lang)["not_found"], 404)
            args = decision_args(action, reference, form)
            if args is None:
                raise Refused(words(visit.lang)["not_found"], 404)
            outcome = await self.run(visit, *args)
            if not any(isinstance(e, Notify) for e in outcome.effects):
                problem = [html_of(r, visit.lang) for r in outcome.replies]
                return await self.card_page(visit, reference, problem)
            following = await self.next_reference(visit, reference)
            where = f"/pendaftaran/{following}" if following else "/antrean"
            return RedirectResponse(where, status_code=303)

        return await self.signed_in(request, work, post=True)

    # --- pasting reference + KPJ pairs -------------------------------------------------------

    async def paste_page(self, request: Request) -> Response:
        async def work(visit: Visit, form: dict[str, str]) -> Response:
            return self.page("paste.html", visit.lang, visit=visit, text="", preview=None)

        return await self.signed_in(request, work)

    async def paste(self, request: Request) -> Response:
        """A column of reference + KPJ pairs: first a preview (nothing written), then, with
        ``apply``, the same import as a file sent with /impor (its checks, audit and notices)."""

        async def work(visit: Visit, form: dict[str, str]) -> Response:
            text = form.get("pairs", "")
            rows, problems = pasted_pairs(text, self.desk.kpj_length, self.desk.import_limits)
            if form.get("apply") == "1":
                upload = Upload(PASTED, tuple(rows), tuple(problems), for_import=True)
                outcome = await run_desk(visit.session, DeskState(), upload, self.context(visit))
                answer = [html_of(r, visit.lang) for r in outcome.replies]
                return self.page(
                    "paste.html", visit.lang, visit=visit, text="", preview=None, answer=answer
                )
            preview = await self.preview(visit, rows, problems)
            ready = sum(1 for line in preview if line["ready"])
            return self.page(
                "paste.html", visit.lang, visit=visit, text=text, preview=preview, ready=ready
            )

        return await self.signed_in(request, work, post=True)

    async def preview(
        self, visit: Visit, rows: list[ImportRow], problems: list[ImportProblem]
    ) -> list[dict[str, Any]]:
        """Each pasted line: what applying would do with it."""
        t = words(visit.lang)
        lines: list[dict[str, Any]] = []
        for row in rows:
            sub = await visit.session.get(row.reference)
            if sub is None:
                state, ready = t["paste_not_found"], False
            elif sub.status is not Status.SUBMITTED:
                state, ready = translate(STATUS_LABELS[sub.status], visit.lang), False
            else:
                state, ready = t["paste_ready"], True
            lines.append(
                {
                    "line": row.line,
                    "reference": row.reference,
                    "kpj": row.kpj or "-",
                    "state": state,
                    "ready": ready,
                }
            )
        for problem in problems:
            lines.append(
                {
                    "line": problem.line,
                    "reference": "",
                    "kpj": "",
                    "ready": False,
                    "state": describe_problem(problem, visit.lang),
                }
            )
        return sorted(lines, key=lambda line: line["line"])


PASTED = "tempel"
_PAIR = re.compile(r"[\s,;]+")


def pasted_pairs(
    text: str, kpj_length: int, limits: ImportLimits
) -> tuple[list[ImportRow], list[ImportProblem]]:
    """Pasted lines of "reference KPJ" (spaces, tabs, commas or semicolons between), read by the
    /impor reader as a CSV; line numbers are the pasted lines'."""
    sheet = io.StringIO()
    writer = csv.writer(sheet)
    writer.writerow(["Nomor pendaftaran", "Nomor KPJ"])
    for line in text.splitlines():
        pair = _PAIR.split(line.strip(), maxsplit=1)
        writer.writerow([pair[0], pair[1] if len(pair) > 1 else ""])
    rows, problems = read_import(sheet.getvalue().encode(), f"{PASTED}.csv", kpj_length, limits)
    return (
        [replace(row, line=row.line - 1) for row in rows],
        [replace(p, line=max(1, p.line - 1)) for p in problems],
    )


def _choice(form: dict[str, str], preset: str, own: str, presets: tuple[str, ...]) -> str:
    """The officer's own words, else the preset they picked (by its number)."""
    typed = " ".join(form.get(own, "").split())
    if typed:
        return typed
    picked = form.get(preset, "")
    return presets[int(picked)] if picked.isdigit() and int(picked) < len(presets) else ""


def decision_args(action: str, reference: str, form: dict[str, str]) -> tuple[str, str] | None:
    """The chat command a web decision is: (command, its arguments)."""
    if action == "setujui":
        kpj = "".join(form.get("kpj", "").split()) or "-"
        return "setujui", f"{reference} {kpj}"
    if action == "tolak":
        return "tolak", f"{reference} {_choice(form, 'reason', 'own', REJECT_REASONS)}".strip()
    if action == "perbaikan":
        fields = ",".join(w for w in form.get("fields", "").split(",") if w.strip()) or "-"
        note = _choice(form, "note", "own", FIX_NOTES)
        return "perbaikan", f"{reference} {fields} {note}".strip()
    return None


class SecurityHeaders:
    """Every response of the desk (pages, redirects, its script and style) carries ``HEADERS``."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in HEADERS.items():
                    headers[name] = value
            await send(message)

        await self.app(scope, receive, with_headers)


def web_app(desk: WebDesk) -> Starlette:
    """The web desk as one ASGI app."""
    return Starlette(routes=desk.routes(), middleware=[Middleware(SecurityHeaders)])


async def serve_web_desk(core: Any, stop: asyncio.Event) -> None:
    """Serve the web desk on WEB_DESK_LISTEN:WEB_DESK_PORT until ``stop`` is set."""
    settings: Settings = core.settings
    desk = WebDesk(core.repo, core.desk, settings, core.clock)
    await serve_on(web_app(desk), settings.web_desk_listen, settings.web_desk_port, stop)
