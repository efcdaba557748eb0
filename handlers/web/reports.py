"""The web desk's reports for officers (docs/web-desk.md, "Reports"): statistics with the chat's
chart, exports, events with their posters, sponsors with their bills, and the audit log. Each
runs as the chat command does (/statistik, /ekspor, /acara, /sponsor: the same step, scope and
audit); downloads are POSTs or carry only codes (an event's code) in their URL."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bot.clock import wib_text
from bot.domain import Role
from bot.officers.events import event_poster
from bot.officers.work import FunnelPicture
from bot.poster import poster_png
from bot.web_desk import AUDIT_PAGE, AuditFilter
from handlers.desk_io import draw
from handlers.web.sessions import Refused, Visit
from handlers.web.texts import words

if TYPE_CHECKING:
    from handlers.web.app import WebDesk

CODE_LIMIT = 64  # an event's code: [A-Za-z0-9_-]{1,64}
EXPORT_FORMATS = ("xlsx", "csv")
MEDIA = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


def event_code(value: str) -> str:
    """An event's code from a query string, or "" (anything else is dropped)."""
    value = value.strip()[:CODE_LIMIT]
    return value if value.replace("-", "").replace("_", "").isalnum() else ""


def attachment(data: bytes, filename: str, media: str) -> Response:
    return Response(
        data,
        media_type=media,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


class ReportPages:
    """/statistik, /ekspor, /acara, /sponsor and /log-audit, for officers."""

    def __init__(self, desk: WebDesk) -> None:
        self.desk = desk

    def routes(self) -> list[Any]:
        return [
            Route("/statistik", self.statistics, methods=["GET"]),
            Route("/statistik/grafik.png", self.chart, methods=["GET"]),
            Route("/ekspor", self.export_page, methods=["GET"]),
            Route("/ekspor", self.export, methods=["POST"]),
            Route("/acara", self.events, methods=["GET"]),
            Route("/acara/{code}/poster.png", self.poster, methods=["GET"]),
            Route("/sponsor", self.sponsors, methods=["GET"]),
            Route("/sponsor/akses", self.access, methods=["POST"]),
            Route("/log-audit", self.audit, methods=["GET", "POST"]),
        ]

    async def command_page(
        self, visit: Visit, command: str, args: str, title: str, **values: Any
    ) -> Response:
        """A chat command's answer as a page (its buttons left out: the desk has its own)."""
        from handlers.web.app import html_of

        outcome = await self.desk.run(visit, command, args)
        answer = [html_of(reply, visit.lang) for reply in outcome.replies]
        return self.desk.page(
            "report.html", visit.lang, visit=visit, title=title, answer=answer, **values
        )

    async def statistics(self, request: Request) -> Response:
        code = event_code(request.query_params.get("acara", ""))

        async def work(visit: Visit, form: dict[str, str]) -> Response:
            t = words(visit.lang)
            chart = "/statistik/grafik.png" + (f"?acara={code}" if code else "")
            return await self.command_page(
                visit, "statistik", code, t["statistics"], code=code, chart=chart, stats=True
            )

        return await self.desk.signed_in(request, work)

    async def chart(self, request: Request) -> Response:
        """/statistik's funnel chart, drawn as chat draws it."""
        code = event_code(request.query_params.get("acara", ""))

        async def work(visit: Visit, form: dict[str, str]) -> Response:
            outcome = await self.desk.run(visit, "statistik", code)
            funnel = [p for p in outcome.pictures if isinstance(p, FunnelPicture)]
            if not funnel:  # no such event in the officer's branches
                raise Refused(words(visit.lang)["not_found"], 404)
            drawn = await asyncio.to_thread(draw, funnel[0])
            return Response(drawn.data, media_type="image/png")

        return await self.desk.signed_in(request, work)

    async def export_page(self, request: Request) -> Response:
        async def work(visit: Visit, form: dict[str, str]) -> Response:
            return self.desk.page("export.html", visit.lang, visit=visit, answer=[])

        return await self.desk.signed_in(request, work)

    async def export(self, request: Request) -> Response:
        """/ekspor from a form (a POST: the choice stays out of URLs): audited as in chat, the
        file built in the repository's worker process."""

        async def work(visit: Visit, form: dict[str, str]) -> Response:
            from handlers.web.app import html_of

            fmt = form.get("format", "xlsx")
            fmt = fmt if fmt in EXPORT_FORMATS else "xlsx"
            which = " ".join(form.get("which", "").split())[:100]
            args = f"{which} csv".strip() if fmt == "csv" else which
            outcome = await self.desk.run(visit, "ekspor", args)
            replies = await self.desk.desk.finish(outcome)
            files = [f for reply in replies for f in reply.files]
            if files:
                return attachment(files[0].data, files[0].filename, MEDIA[fmt])
            answer = [html_of(reply, visit.lang) for reply in replies]
            return self.desk.page("export.html", visit.lang, visit=visit, answer=answer)

        return await self.desk.signed_in(request, work, post=True)

    async def events(self, request: Request) -> Response:
        async def work(visit: Visit, form: dict[str, str]) -> Response:
            found = await visit.session.events(50)
            return await self.command_page(
                visit,
                "acara",
                "",
                words(visit.lang)["events"],
                posters=[(e.code, e.name) for e in found],
            )

        return await self.desk.signed_in(request, work)

    async def poster(self, request: Request) -> Response:
        """An event's A4 poster, drawn again from the stored event (its code is no personal
        data)."""
        code = event_code(request.path_params["code"])

        async def work(visit: Visit, form: dict[str, str]) -> Response:
            stored = await visit.session.event_draft(code) if code else None
            if stored is None:
                raise Refused(words(visit.lang)["not_found"], 404)
            info = event_poster(stored[0], stored[1], self.desk.desk.desk_config)
            data = await asyncio.to_thread(poster_png, info)
            return Response(data, media_type="image/png")

        return await self.desk.signed_in(request, work)

    async def sponsors(self, request: Request) -> Response:
        async def work(visit: Visit, form: dict[str, str]) -> Response:
            return await self.sponsors_page(visit, [])

        return await self.desk.signed_in(request, work)

    async def sponsors_page(self, visit: Visit, notice: list[Any]) -> Response:
        """/sponsor's answer; for supervisors and admins, its representatives' accesses too."""
        manages = visit.officer.role is not Role.PETUGAS
        accesses = await visit.session.sponsor_accesses() if manages else []
        return await self.command_page(
            visit,
            "sponsor",
            "",
            words(visit.lang)["sponsors"],
            manages=manages,
            accesses=accesses,
            notice=notice,
        )

    async def access(self, request: Request) -> Response:
        """Grant or revoke a representative's access: /akses_sponsor, run by the chat's step
        (its role and scope checks, its audit; revoking ends their sessions at once)."""

        async def work(visit: Visit, form: dict[str, str]) -> Response:
            from handlers.web.app import html_of

            revoke = form.get("revoke", "")
            if revoke:
                args = f"cabut {revoke[:20]}"
            else:
                fields = (form.get(k, "") for k in ("sponsor", "user", "name"))
                args = " ".join(" ".join(f.split())[:80] for f in fields)
            outcome = await self.desk.run(visit, "akses_sponsor", args)
            notice = [html_of(reply, visit.lang) for reply in outcome.replies]
            return await self.sponsors_page(visit, notice)

        return await self.desk.signed_in(request, work, post=True)

    async def audit(self, request: Request) -> Response:
        """The audit log, newest first, as the officer may see it; filtered by a POSTed form
        (an officer's id stays out of URLs)."""
        post = request.method == "POST"

        async def work(visit: Visit, form: dict[str, str]) -> Response:
            from handlers.web.app import _day

            chosen = AuditFilter(
                actor=form.get("actor", "").strip()[:40],
                action=form.get("action", "").strip()[:40],
                since=_day(form.get("since", "")),
                until=_day(form.get("until", "")),
            )
            page = form.get("page", "1")
            number = max(1, min(int(page), 100_000)) if page.isdigit() else 1
            total, entries = await visit.session.audit_log(
                chosen, visit.officer.user_id, AUDIT_PAGE, (number - 1) * AUDIT_PAGE
            )
            pages = max(1, (total + AUDIT_PAGE - 1) // AUDIT_PAGE)
            rows = [
                {
                    "at": wib_text(e.at),
                    "actor": e.actor,
                    "action": e.action,
                    "reference": e.reference or "",
                    "detail": e.detail,
                }
                for e in entries
            ]
            return self.desk.page(
                "audit.html",
                visit.lang,
                visit=visit,
                chosen=chosen,
                rows=rows,
                total=total,
                page=number,
                pages=pages,
            )

        return await self.desk.signed_in(request, work, post=post)
