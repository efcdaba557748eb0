"""A sponsor's own view on the web desk (docs/sponsor-view.md): read-only, one sponsor, for its
representative's session only. Its figures are /sponsor's (bot/officers/sponsors.py's
``sponsor_figures``); its download is the export's records, NIKs masked unless the sponsor's
agreement allows them (every download audited)."""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from bot.clock import today_wib
from bot.i18n import format_rupiah, translate
from bot.masking import mask_nik
from bot.messages import Day, Msg
from bot.officers.reports import occupation_label, region_label
from bot.officers.sponsors import SponsorFigures, sponsor_figures
from bot.officers.views import STATUS_LABELS
from bot.payers import payer_words
from bot.render import PLAIN, render_msg
from bot.rosters import STATE_LABELS, RosterSummary, RowState
from bot.spreadsheets import write_xlsx
from handlers.web.reports import MEDIA, attachment
from handlers.web.sessions import Guest, Refused
from handlers.web.texts import words

if TYPE_CHECKING:
    from handlers.web.app import WebDesk

FULL = "lengkap"
ROSTERS_SHOWN = 50  # the newest; a sponsor has a handful


def roster_progress(roster: RosterSummary, lang: str) -> dict[str, object]:
    """A roster's line on the sponsor's page: its number and day, its rows, and its rows by
    state in the order a row moves (as /roster counts them)."""
    return {
        "id": roster.id,
        "day": said(Msg("{d}", {"d": Day(today_wib(roster.created_at))}), lang),
        "total": roster.total,
        "states": [
            (translate(STATE_LABELS[state], lang), roster.counts[state])
            for state in RowState
            if roster.counts.get(state)
        ],
    }


def said(msg: Msg, lang: str) -> str:
    """A message as plain text (the page's template escapes it)."""
    return render_msg(msg, lang, PLAIN)


def xlsx_bytes(records: list[dict[str, object]]) -> bytes:
    """The records as one XLSX workbook, in the export's layout."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "pekerja.xlsx"
        write_xlsx(records, path)
        return path.read_bytes()


def masked(records: list[dict[str, object]]) -> list[dict[str, object]]:
    """The records with each NIK masked as in every list."""
    return [{**r, "nik": mask_nik(str(r.get("nik") or ""))} for r in records]


class SponsorPages:
    """/program/<sponsor>: the representative's page and download."""

    def __init__(self, desk: WebDesk) -> None:
        self.desk = desk

    def routes(self) -> list[Any]:
        return [
            Route("/program", self.home, methods=["GET"]),
            Route("/program/{sponsor}", self.page, methods=["GET"]),
            Route("/program/{sponsor}/unduh", self.download, methods=["POST"]),
        ]

    async def home(self, request: Request) -> Response:
        async def work(guest: Guest, form: dict[str, str]) -> Response:
            return RedirectResponse(f"/program/{guest.access.sponsor_id}", status_code=303)

        return await self.desk.guest_in(request, work)

    def own(self, request: Request, guest: Guest) -> None:
        """Another sponsor's page is not found, as one that does not exist."""
        if request.path_params["sponsor"] != str(guest.access.sponsor_id):
            raise Refused(words(guest.lang)["not_found"], 404)

    async def figures(self, guest: Guest) -> SponsorFigures:
        """The sponsor's figures exactly as /sponsor computes them, today (WIB)."""
        session = guest.session
        sponsor = await session.sponsor(guest.access.sponsor_id)
        if sponsor is None:
            raise Refused(words(guest.lang)["not_found"], 404)
        approved = await session.sponsor_approved(sponsor.id)
        return sponsor_figures(sponsor, approved, today_wib(self.desk.clock()))

    async def page(self, request: Request) -> Response:
        async def work(guest: Guest, form: dict[str, str]) -> Response:
            self.own(request, guest)
            lang = guest.lang
            figures = await self.figures(guest)
            sponsor = figures.sponsor
            split = await guest.session.sponsor_breakdown(sponsor.id)
            t = words(lang)
            sources = {
                "roster": t["source_roster"],
                "event": t["source_event"],
                "self": t["source_self"],
            }
            rosters = await guest.session.sponsor_rosters(sponsor.id, ROSTERS_SHOWN)
            return self.desk.page(
                "sponsor.html",
                lang,
                visit=guest,
                sponsor=sponsor,
                payer=said(Msg("{p}", {"p": payer_words(sponsor.payer)}), lang),
                period=said(
                    Msg("{a} – {b}", {"a": Day(sponsor.start_day), "b": Day(sponsor.end_day)}),
                    lang,
                ),
                figures=figures,
                bill=format_rupiah(figures.bill),
                by_region=[(said(region_label(k), lang), n) for k, n in split.by_region],
                by_occupation=[
                    (said(occupation_label(k), lang), n) for k, n in split.by_occupation
                ],
                by_status=[(translate(STATUS_LABELS[k], lang), n) for k, n in split.by_status],
                by_source=[(sources.get(k, k), n) for k, n in split.by_source],
                full_allowed=sponsor.nik_agreement is not None,
                rosters=[roster_progress(r, lang) for r in rosters],
            )

        return await self.desk.guest_in(request, work)

    async def download(self, request: Request) -> Response:
        """The sponsor's workers as XLSX (a POST: nothing personal in the URL); full NIKs only
        where the agreement allows them. Every download is audited, by the representative."""

        async def work(guest: Guest, form: dict[str, str]) -> Response:
            self.own(request, guest)
            figures = await self.figures(guest)
            sponsor = figures.sponsor
            full = form.get("nik") == FULL and sponsor.nik_agreement is not None
            now = self.desk.clock()
            records = await guest.session.sponsor_records(sponsor.id, today_wib(now))
            action = "unduh_sponsor_nik_lengkap" if full else "unduh_sponsor"
            detail = f"sponsor {sponsor.id} baris {len(records)}"
            if full:
                detail += f" perjanjian {sponsor.nik_agreement}"
            await guest.session.audit(guest.access.user_id, action, None, detail, now)
            data = await asyncio.to_thread(xlsx_bytes, records if full else masked(records))
            filename = f"sponsor-{sponsor.id}-{today_wib(now):%Y%m%d}.xlsx"
            return attachment(data, filename, MEDIA["xlsx"])

        return await self.desk.guest_in(request, work, post=True)
