"""Branch officers' commands over the repository, scoped to each officer's branches.

Channel-agnostic like the flow: commands come in as (name, args), answers go out as Replies.
Every command is one transaction. Every decision and every view of a full NIK is audited; the
worker is told of every decision through the outbox, in the decision's transaction.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from bot.domain import Decision, Officer, Role, Status
from bot.flow.context import FlowConfig
from bot.i18n import N_
from bot.messages import Block, Button, Msg, Reply
from bot.nik import clean_digits
from bot.officers import admin, dialogs, events, reports, sponsors
from bot.officers.views import (
    STATUS_LABELS,
    already_decided,
    card,
    not_found,
    queue_line,
    search_line,
    text,
    worker_notice,
)
from bot.phone import normalize_mobile
from bot.validation import Invalid

if TYPE_CHECKING:
    from bot.ports import OfficerSession, Repository

OFFICERS_TTL = timedelta(seconds=60)
Update = tuple[str, str | None]  # (channel, inbox key) of the update being applied
NO_UPDATE: Update = ("", None)
PAGE_SIZE = 10
SEARCH_LIMIT = 20


@dataclass
class Request:
    """One officer command: who, in which transaction, with what arguments."""

    session: OfficerSession
    officer: Officer
    args: str
    now: datetime
    lang: str = "id"


@dataclass(frozen=True)
class Later:
    """Work a command hands back to run after its transaction (a long export)."""

    run: Callable[[], Awaitable[list[Reply]]]


Command = Callable[["OfficerDesk", Request], Awaitable["list[Reply] | Later"]]


class OfficerDesk:
    """The officer commands; ``branches`` are the branch names officers may be assigned to."""

    def __init__(
        self,
        repo: Repository,
        config: FlowConfig,
        *,
        kpj_length: int = 11,
        bot_username: str = "bpu_bot",
    ) -> None:
        self.repo = repo
        self.config = config
        self.kpj_length = kpj_length
        self.bot_username = bot_username  # for deep links; Telegram's getMe may correct it
        self._officer_ids: frozenset[str] = frozenset()
        self._officers_read_at: datetime | None = None

    async def is_officer(self, user_id: str, now: datetime) -> bool:
        """A cheap check for every typed message: officers are re-read at most once a minute
        (at once after a change made in this process), so workers' messages cost no query."""
        stale = self._officers_read_at is None or now - self._officers_read_at > OFFICERS_TTL
        if stale:
            self._officer_ids = await self.repo.officer_ids()
            self._officers_read_at = now
        return user_id in self._officer_ids

    def forget_officers(self) -> None:
        """Officers changed: read them again next time."""
        self._officers_read_at = None

    @property
    def branches(self) -> frozenset[str]:
        """The branch names officers may be assigned to: the branch table's and the default."""
        return frozenset(self.config.branches.values()) | {self.config.default_branch}

    @staticmethod
    def later(run: Callable[[], Awaitable[list[Reply]]]) -> Later:
        """Defer ``run`` until the command's transaction has ended."""
        return Later(run)

    async def handle(
        self,
        user_id: str,
        command: str,
        args: str,
        now: datetime,
        lang: str = "id",
        update: Update = NO_UPDATE,
    ) -> list[Reply] | None:
        """Run a command; None when the user is not an officer (the flow answers them).

        ``update`` (channel, inbox key) is applied once: a redelivery gets no answer.
        """
        async with self.repo.officer() as session:
            officer = await session.officer(user_id)
            if officer is None:
                return None
            if await session.already_applied(*update):
                return []
            await session.mark_applied(*update, now)
            session.restrict(officer.scope)
            run = COMMANDS.get(command)
            if run is None:
                return [text(N_("Perintah petugas tidak dikenal."))]
            if command in admin.COMMANDS and officer.role is not Role.ADMIN:
                return [text(N_("Perintah ini hanya untuk admin."))]
            result = await run(self, Request(session, officer, args.strip(), now, lang))
        # Long work runs here, outside the transaction, so other updates are not held up.
        return await result.run() if isinstance(result, Later) else result

    async def import_document(
        self,
        user_id: str,
        filename: str,
        data: bytes,
        caption: str,
        now: datetime,
        lang: str = "id",
        update: Update = NO_UPDATE,
    ) -> list[Reply] | None:
        """A spreadsheet sent with the caption /impor or after /impor; None if it is not one."""
        async with self.repo.officer() as session:
            officer = await session.officer(user_id)
            if officer is None:
                return None
            state = await session.dialog(user_id)
            waiting = state is not None and state.get("action") == "impor"
            if not waiting and not caption.strip().lower().startswith("/impor"):
                return None
            if await session.already_applied(*update):
                return []
            await session.mark_applied(*update, now)
            session.restrict(officer.scope)
            return await reports.apply_import(
                self, Request(session, officer, "", now, lang), filename, data
            )

    async def wants_document(self, user_id: str, caption: str, now: datetime) -> bool:
        """Whether a document from this user should be read as an /impor file (officers only:
        nobody else's files are downloaded)."""
        if not await self.is_officer(user_id, now):
            return False
        return caption.strip().lower().startswith("/impor") or await self.repo.has_dialog(user_id)

    async def handle_text(
        self, user_id: str, typed: str, now: datetime, update: Update = NO_UPDATE
    ) -> list[Reply] | None:
        """Typed text during an officer's decision dialog; None when there is no dialog."""
        if not await self.is_officer(user_id, now):
            return None  # the common case (every worker message): no query at all
        async with self.repo.officer() as session:
            officer = await session.officer(user_id)
            state = await session.dialog(user_id) if officer is not None else None
            if officer is None or state is None:
                return None
            if await session.already_applied(*update):
                return []
            await session.mark_applied(*update, now)
            session.restrict(officer.scope)
            typed_in = DIALOGS.get(state.get("action", ""), dialogs.typed)
            return await typed_in(self, Request(session, officer, typed.strip(), now), state)

    # --- reading --------------------------------------------------------------------------------

    async def queue(self, req: Request) -> list[Reply]:
        """/antrean [page]: the branch's pending submissions, oldest first, masked."""
        page = int(req.args) if req.args.isdigit() and int(req.args) > 0 else 1
        total = await req.session.count_pending()
        rows = await req.session.queue(PAGE_SIZE, (page - 1) * PAGE_SIZE)
        if not rows:
            return [text(N_("Antrean kosong: tidak ada pendaftaran yang menunggu."))]
        first = (page - 1) * PAGE_SIZE + 1
        lines = [
            Msg(
                N_("<b>Antrean</b>: {total} menunggu, halaman {page}"),
                {"total": total, "page": page},
            )
        ]
        lines += [queue_line(first + i, sub, req.now) for i, sub in enumerate(rows)]
        buttons = [
            tuple(
                Button(Msg("{n}", {"n": first + i}), f"off:lihat:{sub.reference}")
                for i, sub in list(enumerate(rows))[start : start + 5]
            )
            for start in range(0, len(rows), 5)
        ]
        paging = []
        if page > 1:
            paging.append(Button(Msg(N_("« Sebelumnya")), f"off:antrean:{page - 1}"))
        if first + len(rows) - 1 < total:
            paging.append(Button(Msg(N_("Berikutnya »")), f"off:antrean:{page + 1}"))
        if paging:
            buttons.append(tuple(paging))
        return [Reply(parts=(Block(tuple(lines)),), buttons=tuple(buttons))]

    async def view(self, req: Request) -> list[Reply]:
        """/lihat <ref>: the whole submission; the view of the full NIK is audited."""
        reference = first_word(req.args)
        sub = await req.session.get(reference)
        if sub is None:
            return [not_found(reference)]
        notes = await req.session.card_notes(sub.reference)
        await req.session.audit(
            req.officer.user_id, "lihat", sub.reference, "NIK lengkap ditampilkan", req.now
        )
        return [card(sub, notes)]

    async def search(self, req: Request) -> list[Reply]:
        """/cari <query>: 16 digits → NIK, a phone number → phone, otherwise a name."""
        query = req.args
        digits = clean_digits(query)
        phone = normalize_mobile(query) if re.fullmatch(r"\+?[\d\s().\-]{8,}", query) else None
        if digits.isdigit() and len(digits) == 16:
            kind, value = "nik", digits
        elif isinstance(phone, str):
            kind, value = "phone", phone
        elif len(query) >= 3:
            kind, value = "name", query
        else:
            return [text(N_("Tulis: /cari <NIK, nomor HP, atau minimal 3 huruf nama>"))]
        found = await req.session.search(kind, value, SEARCH_LIMIT)
        await req.session.audit(
            req.officer.user_id, "cari", None, f"{kind}: {len(found)} hasil", req.now
        )
        if not found:
            return [text(N_("Tidak ada yang cocok."))]
        lines = [Msg(N_("<b>Hasil pencarian</b> ({count})"), {"count": len(found)})]
        lines += [search_line(sub) for sub in found]
        return [Reply(parts=(Block(tuple(lines)),))]

    async def audit_trail(self, req: Request) -> list[Reply]:
        """/audit <ref>: who viewed and decided what, and when."""
        reference = first_word(req.args)
        sub = await req.session.get(reference)
        if sub is None:
            return [not_found(reference)]
        trail = await req.session.audit_trail(sub.reference)
        lines = [Msg(N_("<b>Riwayat {reference}</b>"), {"reference": sub.reference})]
        lines += [
            Msg(
                "{at} · {actor} · {action} {detail}",
                {
                    "at": at.strftime("%Y-%m-%d %H:%M UTC"),
                    "actor": actor,
                    "action": action,
                    "detail": detail,
                },
            )
            for at, actor, action, detail in trail
        ]
        return [Reply(parts=(Block(tuple(lines)),))]

    # --- deciding -------------------------------------------------------------------------------

    async def approve(self, req: Request) -> list[Reply]:
        """/setujui <ref> <KPJ>."""
        words = req.args.split()
        if len(words) != 2:
            return [text(N_("Tulis: /setujui <nomor pendaftaran> <nomor KPJ>"))]
        kpj = self.check_kpj(words[1])
        if isinstance(kpj, Invalid):
            return [Reply(parts=(Msg(kpj.msgid, kpj.params),))]
        return await self.decide(req, words[0], Decision(Status.APPROVED, kpj=kpj))

    async def reject(self, req: Request) -> list[Reply]:
        """/tolak <ref> <reason...>."""
        reference, _, reason = req.args.partition(" ")
        if not reason.strip():
            return [text(N_("Tulis: /tolak <nomor pendaftaran> <alasan>"))]
        decision = Decision(Status.REJECTED, note=reason.strip()[:300])
        return await self.decide(req, reference, decision)

    async def request_fix(self, req: Request) -> list[Reply]:
        """/perbaikan <ref> <field[,field]> <note...>."""
        parts = req.args.split(maxsplit=2)
        if len(parts) < 3:
            return [text(N_("Tulis: /perbaikan <nomor pendaftaran> <bagian> <catatan>"))]
        fields = dialogs.parse_fields(parts[1])
        if isinstance(fields, Invalid):
            return [Reply(parts=(Msg(fields.msgid, fields.params),))]
        decision = Decision(Status.NEEDS_FIX, note=parts[2].strip()[:300], fix_fields=fields)
        return await self.decide(req, parts[0], decision)

    def check_kpj(self, kpj: str) -> str | Invalid:
        """A KPJ card number: digits only, ``KPJ_LENGTH`` of them."""
        if kpj.isdigit() and len(kpj) == self.kpj_length:
            return kpj
        return Invalid(
            N_("Nomor KPJ harus {length} angka; yang Anda tulis: {kpj}"),
            {"length": self.kpj_length, "kpj": kpj},
        )

    async def decide(self, req: Request, reference: str, decision: Decision) -> list[Reply]:
        """Apply a decision once, audit it, and queue the worker's notification with it."""
        reference = reference.upper()
        result = await req.session.decide(reference, decision, req.officer.user_id, req.now)
        sub = result.submission
        if sub is None:
            return [not_found(reference)]
        if not result.applied:
            return [already_decided(sub)]
        detail = dialogs.decision_detail(decision)
        await req.session.audit(
            req.officer.user_id, str(decision.status), reference, detail, req.now
        )
        await req.session.notify(sub.channel, sub.user_id, worker_notice(sub), reference, req.now)
        await req.session.set_dialog(req.officer.user_id, None, req.now)
        return [
            text(
                N_("{reference}: {status}. Pekerja akan diberi tahu."),
                reference=reference,
                status=Msg(STATUS_LABELS[decision.status]),
            )
        ]

    async def preview(self, req: Request, reference: str, decision: Decision) -> list[Reply]:
        """Show the officer the worker's message before it is sent."""
        sub = await req.session.get(reference)
        if sub is None:
            return [not_found(reference)]
        if sub.status is not Status.SUBMITTED:
            return [already_decided(sub)]
        notice = worker_notice(
            replace(
                sub,
                status=decision.status,
                kpj=decision.kpj,
                note=decision.note,
                fix_fields=decision.fix_fields,
            )
        )
        return [
            Reply(
                parts=(Msg(N_("<b>Pesan untuk pekerja:</b>")), *notice.parts),
                buttons=(
                    (
                        Button(Msg(N_("Kirim keputusan")), "off:d_kirim:"),
                        Button(Msg(N_("Batal")), "off:d_batal:"),
                    ),
                ),
            )
        ]


def first_word(args: str) -> str:
    """The first word of the arguments, upper-cased (references are typed in any case)."""
    return args.split()[0].upper() if args.split() else ""


COMMANDS: dict[str, Command] = {
    "antrean": OfficerDesk.queue,
    "lihat": OfficerDesk.view,
    "setujui": OfficerDesk.approve,
    "tolak": OfficerDesk.reject,
    "perbaikan": OfficerDesk.request_fix,
    "cari": OfficerDesk.search,
    "audit": OfficerDesk.audit_trail,
    **dialogs.COMMANDS,
    **admin.COMMANDS,
    **events.COMMANDS,
    **sponsors.COMMANDS,
    **reports.COMMANDS,
}

# Typed text in a dialog goes to the dialog that asked for it (decisions by default).
DIALOGS: dict[str, Callable[[OfficerDesk, Request, dict[str, Any]], Awaitable[list[Reply]]]] = {
    "acara_baru": events.typed,
    "sponsor_baru": sponsors.typed,
}
