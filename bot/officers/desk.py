"""Runs the officer desk's pure step against storage: one officer update = one transaction.

Like bot/service.py for workers: the update's officer and dialog state are read, the step is
run (its Needs answered from the session, stepping again after each), its effects and new state
are written, and the update is marked applied, all in one transaction. Long work waits until
that transaction has committed: pictures are drawn in a thread, an export is built in a worker
process, and an /impor file is read in a thread before the transaction begins.
"""

from __future__ import annotations

import asyncio
import secrets
import tempfile
from collections.abc import Callable, Hashable
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.charts import funnel_png
from bot.decision_sheet import read_import
from bot.flow.context import FlowConfig
from bot.flow.events import Text
from bot.flow.needs import Need
from bot.i18n import N_
from bot.messages import Attachment, Reply
from bot.officers.context import DeskConfig, DeskContext, DeskEvent, DeskOutcome, Upload
from bot.officers.needs import (
    Audit,
    AuditOf,
    CardNotesOf,
    CloseEvent,
    CreateEvent,
    CreateSponsor,
    Decide,
    Effect,
    EndWebSessions,
    EraseRejected,
    EventOf,
    Events,
    Existing,
    ExportJob,
    FunnelPicture,
    GrantAccess,
    InvitableCount,
    OfficerOf,
    Officers,
    OwnEvent,
    PendingCount,
    Picture,
    PosterPicture,
    QrPicture,
    QueuePage,
    RemoveOfficer,
    RevokeAccess,
    RosterImportJob,
    RosterInviteJob,
    RosterRowsOf,
    Rosters,
    RosterSlips,
    RosterStates,
    SaveOfficer,
    Search,
    SetNikAgreement,
    SetSponsorPayer,
    SlipSheet,
    SponsorAccesses,
    SponsorOf,
    SponsorReport,
    Sponsors,
    StatisticsOf,
    SubmissionOf,
    WebLink,
)
from bot.officers.needs import Notify as NotifyWorker
from bot.officers.reports import IN_PROGRESS_STEPS, exported
from bot.officers.roster_jobs import run_import, run_invitations
from bot.officers.state import DeskState, Dialog
from bot.officers.step import desk_event, on_card, step
from bot.officers.views import text
from bot.officers.web import NOT_ENABLED, SIGNED_OUT, link_reply
from bot.poster import poster_png, qr_png
from bot.rosters import open_roster, states_xlsx
from bot.slips import slips_pdf
from bot.uploads import DEFAULT_LIMITS, ImportLimits
from bot.web_desk import LINK_VALID, secret_hash

if TYPE_CHECKING:
    from bot.ports import OfficerSession, Repository

ROSTER_LIMITS = ImportLimits(max_rows=50_000)
OFFICERS_TTL = timedelta(seconds=60)
Update = tuple[str, str | None]  # (channel, inbox key) of the update being applied
NO_UPDATE: Update = ("", None)
# A step asks a handful of questions (the card: submission, notes, event, sponsor); more means
# a bug, not a loop.
MAX_NEEDS = 16
NAME_LIMIT = 64
ALREADY_DONE = N_(
    "Perintah Anda sebelumnya sudah dijalankan sebelum bot dimulai ulang. Periksa dengan /audit "
    "atau /antrean."
)


def new_nonce() -> str:
    """64 random bits in Telegram's deep-link alphabet (11 characters)."""
    return secrets.token_urlsafe(8)


async def answer_need(session: OfficerSession, need: Need[Any], ctx: DeskContext) -> Any:
    """Look up or write what the step asked for."""
    by, now = ctx.officer.user_id, ctx.now
    match need:
        case QueuePage(limit, offset):
            return await session.queue(limit, offset)
        case PendingCount():
            return await session.count_pending()
        case SubmissionOf(reference):
            return await session.get(reference)
        case CardNotesOf(reference):
            return await session.card_notes(reference)
        case EventOf(code):
            return await session.event(code)
        case OwnEvent(code):
            return await session.own_event(code)
        case SponsorOf(sponsor_id):
            return await session.sponsor(sponsor_id)
        case OfficerOf(user_id):
            return await session.officer(user_id)
        case Search(kind, value, limit):
            return await session.search(kind, value, limit)
        case AuditOf(reference, limit):
            return await session.audit_trail(reference, limit)
        case Sponsors():
            return await session.sponsors()
        case SponsorReport():
            return [(s, await session.sponsor_approved(s.id)) for s in await session.sponsors()]
        case Events(limit):
            return await session.events(limit)
        case StatisticsOf(event_code):
            return await session.statistics(event_code, IN_PROGRESS_STEPS)
        case Officers():
            return await session.officers()
        case Existing(references):
            return frozenset(await session.existing(references))
        case Decide(orders):
            return tuple([await session.decide(o.reference, o.decision, by, now) for o in orders])
        case CreateSponsor(sponsor):
            return await session.create_sponsor(sponsor, by, now)
        case SetSponsorPayer(sponsor_id, payer, level):
            return await session.set_sponsor_payer(sponsor_id, payer, level)
        case CloseEvent(code):
            return await session.close_event(code, now)
        case RemoveOfficer(user_id):
            return await session.remove_officer(user_id)
        case SponsorAccesses():
            return await session.sponsor_accesses()
        case GrantAccess(sponsor_id, user_id, name):
            return await session.grant_sponsor_access(sponsor_id, user_id, name, by, now)
        case RevokeAccess(access_id):
            return await session.revoke_sponsor_access(access_id, by, now)
        case SetNikAgreement(sponsor_id, reference):
            return await session.set_nik_agreement(sponsor_id, reference)
        case WebLink(lang):
            secret = secrets.token_urlsafe(32)
            expires = now + LINK_VALID
            await session.create_login_token(secret_hash(secret), by, lang, now, expires)
            return secret
        case Rosters(limit):
            return await session.rosters(limit)
        case InvitableCount(roster_id):
            return await session.invitable_count(roster_id, now)
        case RosterSlips(roster_id):
            return await session.roster_slips(roster_id)
        case RosterRowsOf(roster_id):
            return await session.roster_report(roster_id)
    raise ValueError(f"unknown need {need!r}")


async def apply_effect(session: OfficerSession, effect: Effect, ctx: DeskContext) -> None:
    """Write what the step decided, in the same transaction."""
    by, now = ctx.officer.user_id, ctx.now
    match effect:
        case Audit(action, reference, detail):
            await session.audit(by, action, reference, detail, now)
        case NotifyWorker(channel, user_id, reply, reference):
            await session.notify(channel, user_id, reply, reference, now)
        case CreateEvent(draft):
            await session.create_event(draft, by, now)
        case SaveOfficer(officer):
            await session.save_officer(officer, by, now)
        case EndWebSessions():
            await session.end_web_sessions(by, now)
        case EraseRejected(reference):
            await session.erase_rejected(reference, now)


async def settle(
    session: OfficerSession, state: DeskState, event: DeskEvent, ctx: DeskContext
) -> DeskOutcome:
    """Step until the outcome is known, answering each Need, then apply its effects."""
    facts: dict[Hashable, Any] = {}
    for _ in range(MAX_NEEDS):
        result = step(state, event, replace(ctx, facts=facts))
        if isinstance(result, DeskOutcome):
            break
        facts[result.key] = await answer_need(session, result, ctx)
    else:
        raise RuntimeError(f"the desk kept asking in dialog {state.dialog}")
    for effect in result.effects:
        await apply_effect(session, effect, ctx)
    return result


def draw(picture: Picture) -> Attachment:
    """A picture the step asked for (CPU-bound: run it in a thread)."""
    match picture:
        case QrPicture(filename, url):
            return Attachment(filename, qr_png(url))
        case PosterPicture(filename, info):
            return Attachment(filename, poster_png(info), photo=False)
        case FunnelPicture(filename, steps, bases, lang):
            return Attachment(filename, funnel_png(list(steps), lang, bases))
        case RosterStates(filename, rows, lang):
            return Attachment(filename, states_xlsx(rows, lang), photo=False)
        case SlipSheet(filename, slips, bot_username, whatsapp_number):
            return Attachment(
                filename, slips_pdf(slips, bot_username, whatsapp_number), photo=False
            )
    raise ValueError(f"unknown picture {picture!r}")


def on_last_card(state: DeskState, event: DeskEvent) -> bool:
    """Whether text typed outside a dialog names a button of the card shown last (else it is
    not for the desk)."""
    return isinstance(event, Text) and on_card(state, event.text) is not None


class OfficerDesk:
    """The officer desk, as the dispatcher calls it; ``config`` gives the branch table."""

    def __init__(
        self,
        repo: Repository,
        config: FlowConfig,
        *,
        kpj_length: int = 11,
        bot_username: str = "bpu_bot",
        whatsapp_number: str = "",
        nonce: Callable[[], str] = new_nonce,
        import_limits: ImportLimits = DEFAULT_LIMITS,
        web_desk_url: str = "",
        roster_limits: ImportLimits = ROSTER_LIMITS,
        roster_retention_days: int = 60,
        messaging_limit: int = 250,
    ) -> None:
        self.repo = repo
        self.config = config
        self.kpj_length = kpj_length
        self.import_limits = import_limits
        self.roster_limits = roster_limits
        self.roster_retention_days = roster_retention_days
        self.messaging_limit = messaging_limit
        self.bot_username = bot_username  # for deep links; Telegram's getMe may correct it
        self.whatsapp_number = whatsapp_number  # for wa.me links ("": no WhatsApp)
        self.nonce = nonce
        self.web_desk_url = web_desk_url  # "" when the web desk is off
        self._officer_ids: frozenset[str] = frozenset()
        self._officers_read_at: datetime | None = None
        self._officers_reading = asyncio.Lock()  # one read at a time (an event's first rush)
        self._officers_changes = 0  # forget_officers() calls so far

    @property
    def desk_config(self) -> DeskConfig:
        """What the step is told of this deployment."""
        return DeskConfig(
            branches=self.config.branches,
            branch_rows=self.config.branch_rows,
            default_branch=self.config.default_branch,
            kpj_length=self.kpj_length,
            bot_username=self.bot_username,
            whatsapp_number=self.whatsapp_number,
            payment_channels=self.config.payment_channels,
            web_desk_url=self.web_desk_url,
            roster_retention_days=self.roster_retention_days,
            messaging_limit=self.messaging_limit,
        )

    async def is_officer(self, user_id: str, now: datetime) -> bool:
        """A cheap check for every typed message: officers are re-read at most once a minute
        (at once after a change made in this process), so workers' messages cost no query.
        Updates arriving together while the list is stale wait for one read, not one each."""
        if self._officers_stale(now):
            async with self._officers_reading:
                if self._officers_stale(now):
                    changes = self._officers_changes
                    self._officer_ids = await self.repo.officer_ids()
                    if changes == self._officers_changes:  # else it may predate the change
                        self._officers_read_at = now
        return user_id in self._officer_ids

    def _officers_stale(self, now: datetime) -> bool:
        read_at = self._officers_read_at
        return read_at is None or now - read_at > OFFICERS_TTL

    def forget_officers(self) -> None:
        """Officers changed: read them again next time."""
        self._officers_read_at = None
        self._officers_changes += 1

    async def handle(
        self,
        user_id: str,
        command: str,
        args: str,
        now: datetime,
        lang: str = "id",
        update: Update = NO_UPDATE,
        name: str | None = None,
    ) -> list[Reply] | None:
        """A command or an 'off:' button; None when the user is not an officer (the flow
        answers them). ``update`` (channel, inbox key) is applied once: a redelivery gets no
        answer. ``name`` is the officer's name on the channel, remembered to show them by."""
        return await self._apply(user_id, desk_event(command, args), now, lang, update, name)

    async def handle_text(
        self,
        user_id: str,
        typed: str,
        now: datetime,
        update: Update = NO_UPDATE,
        name: str | None = None,
        lang: str = "id",
    ) -> list[Reply] | None:
        """Typed text in an officer's dialog, or naming a button of the card shown last; None
        otherwise (or for no officer)."""
        if not await self.is_officer(user_id, now):
            return None  # the common case (every worker message): no query at all
        if not await self.repo.has_dialog(user_id):
            return None  # an officer registering themselves: no write lock taken for it
        event = Text(typed.strip())
        return await self._apply(user_id, event, now, lang, update, name, only_in_dialog=True)

    async def representative(
        self, user_id: str, command: str, now: datetime, lang: str
    ) -> list[Reply] | None:
        """/masuk or /keluar from a sponsor's representative (docs/sponsor-view.md); None when
        the sender has no open access (the worker flow answers them). A person with accesses
        to several sponsors signs in to the newest one."""
        async with self.repo.officer() as session:
            session.restrict(())  # nothing of any branch: only their own accesses are read
            accesses = await session.accesses_of(user_id)
            if not accesses:
                return None
            if command == "keluar":
                await session.end_web_sessions(user_id, now)
                return [text(SIGNED_OUT)]
            if not self.web_desk_url:
                return [text(NOT_ENABLED)]
            secret = secrets.token_urlsafe(32)
            await session.create_login_token(
                secret_hash(secret), user_id, lang, now, now + LINK_VALID, accesses[-1].id
            )
        return [link_reply(self.web_desk_url, secret, lang)]

    async def wants_document(self, user_id: str, caption: str, now: datetime) -> bool:
        """Whether a document from this user should be read as an /impor file (officers only:
        nobody else's files are downloaded)."""
        if not await self.is_officer(user_id, now):
            return False
        if caption.strip().lower().startswith("/impor"):
            return True
        # The stored state may only remember a card: that is no dialog waiting for a file.
        return await self.repo.has_dialog(user_id) and not (await self._stored(user_id)).idle

    async def import_document(
        self,
        user_id: str,
        filename: str,
        data: bytes,
        caption: str,
        now: datetime,
        lang: str = "id",
        update: Update = NO_UPDATE,
        name: str | None = None,
    ) -> list[Reply] | None:
        """A spreadsheet sent with the caption /impor or after /impor; None when the officer
        has no dialog and did not caption it /impor (the flow answers them).

        The file is read in a thread, before the transaction; the good rows are then applied
        in one short transaction. A roster file is only opened there: its lines are checked
        and stored a chunk at a time after the dialog's transaction."""
        if not await self.is_officer(user_id, now):
            return None
        for_import = caption.strip().lower().startswith("/impor")
        if not for_import and await self._awaits_roster(user_id):
            # Opened only (limits and header checked): its lines are read, checked and stored a
            # chunk at a time after the dialog's transaction (bot/officers/roster_jobs.py).
            roster = await asyncio.to_thread(open_roster, data, filename, self.roster_limits)
            upload = Upload(filename, (), (), roster=roster)
        else:
            rows, problems = await asyncio.to_thread(
                read_import, data, filename, self.kpj_length, self.import_limits
            )
            upload = Upload(filename, tuple(rows), tuple(problems), for_import)
        return await self._apply(
            user_id, upload, now, lang, update, name, only_in_dialog=not for_import
        )

    async def _stored(self, user_id: str) -> DeskState:
        """The officer's dialog state as stored."""
        async with self.repo.officer() as session:
            return DeskState.from_data(await session.dialog(user_id))

    async def _awaits_roster(self, user_id: str) -> bool:
        """Whether the officer's open dialog waits for a roster file (read as one, not as
        decisions)."""
        return (await self._stored(user_id)).dialog is Dialog.ROSTER_FILE

    async def _apply(
        self,
        user_id: str,
        event: DeskEvent,
        now: datetime,
        lang: str,
        update: Update,
        name: str | None,
        *,
        only_in_dialog: bool = False,
    ) -> list[Reply] | None:
        nonce = self.nonce()
        async with self.repo.officer() as session:
            officer = await session.officer(user_id)
            if officer is None:
                return None
            state = DeskState.from_data(await session.dialog(user_id))
            if only_in_dialog and state.idle and not on_last_card(state, event):
                return None
            if await session.already_applied(*update):
                # Applied before the bot restarted (its replies were lost): say so, not again.
                return [text(ALREADY_DONE)]
            await session.mark_applied(*update, now)
            session.restrict(officer.scope)
            name = (name or "").strip()[:NAME_LIMIT]
            if name and name != officer.name:
                officer = replace(officer, name=name)
                await session.rename_officer(user_id, name, now)
            ctx = DeskContext(now, officer, lang, self.desk_config, nonce=nonce)
            outcome = await settle(session, state, event, ctx)
            if outcome.state.to_data() != state.to_data():
                await session.set_dialog(user_id, outcome.state.to_data(), now)
        # The transaction has committed; long work runs here, holding up no other update.
        if outcome.officers_changed:
            self.forget_officers()
        return await self._after(outcome)

    async def finish(self, outcome: DeskOutcome) -> list[Reply]:
        """The replies of an outcome settled elsewhere (the web desk), pictures drawn and the
        export built, as chat gets them."""
        return await self._after(outcome)

    async def _after(self, outcome: DeskOutcome) -> list[Reply]:
        """Draw the pictures and build the export the step asked for."""
        replies = list(outcome.replies)
        if outcome.pictures and replies:
            files = await asyncio.to_thread(lambda: tuple(map(draw, outcome.pictures)))
            last = replies[-1]
            replies[-1] = replace(last, files=(*last.files, *files))
        if outcome.export is not None:
            replies.append(await self._export(outcome.export))
        match outcome.roster_job:
            case RosterImportJob() as job:
                replies += await run_import(self.repo, job)
            case RosterInviteJob() as job:
                replies += await run_invitations(self.repo, job)
        return replies

    async def _export(self, job: ExportJob) -> Reply:
        """Build an export in the repository's worker process; its reply with the file."""
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / job.filename
            count = await self.repo.export(job.branches, job.chosen, job.fmt, path, job.on)
            data = await asyncio.to_thread(path.read_bytes) if count else b""
        return exported(count, job.filename, data)
