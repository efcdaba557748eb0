"""The officer desk's instance of the runner (bot/runner.py): one officer update = one transaction.

Like bot/service.py for workers: the update's officer and dialog state are read, the step is
run (its Needs answered from the session, stepping again after each), its effects and new state
are written, and the update is marked applied, all in one transaction. This module only
sequences: what is I/O besides the session's calls comes in through two ports implemented where
I/O lives (handlers/desk_io.py): ``KnownOfficers``, who is an officer without a transaction, and
``DeskWork``, the long work done outside the transaction and off the event loop (an /impor file
read, or a roster file opened, before it; pictures drawn, an export built and a roster's lines
stored or its invitations queued, a chunk per unit of work, after it has committed).
"""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from bot.decision_sheet import ImportProblem, ImportRow
from bot.flow.context import FlowConfig
from bot.flow.events import Text
from bot.i18n import N_
from bot.messages import Attachment, Reply
from bot.officers.context import DeskConfig, DeskContext, DeskEvent, DeskOutcome, Upload
from bot.officers.reports import exported
from bot.officers.state import DeskState, Dialog
from bot.officers.step import desk_event, on_card, step
from bot.officers.views import text
from bot.officers.web import NOT_ENABLED, SIGNED_OUT, link_reply
from bot.officers.work import ExportJob, Picture, RosterJob
from bot.rosters import RosterFile
from bot.runner import run
from bot.uploads import DEFAULT_LIMITS, ImportLimits
from bot.web_desk import LINK_VALID, secret_hash

if TYPE_CHECKING:
    from bot.ports import OfficerSession, Repository

ROSTER_LIMITS = ImportLimits(max_rows=50_000)
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


class KnownOfficers(Protocol):
    """Whether someone is an officer, known without a transaction (a cache of the ids)."""

    async def contains(self, user_id: str, now: datetime) -> bool: ...

    def forget(self) -> None:
        """Officers changed: read them again next time."""
        ...


class DeskWork(Protocol):
    """The desk's long work, outside its transaction and off the event loop."""

    async def read_decisions(
        self, data: bytes, filename: str, kpj_length: int, limits: ImportLimits
    ) -> tuple[list[ImportRow], list[ImportProblem]]:
        """An /impor spreadsheet's rows and problems."""
        ...

    async def open_roster(self, data: bytes, filename: str, limits: ImportLimits) -> RosterFile:
        """A /roster_impor spreadsheet, opened (its limits and header checked): its lines are a
        stream the roster job reads a chunk at a time."""
        ...

    async def draw(self, pictures: Sequence[Picture]) -> tuple[Attachment, ...]:
        """The pictures (and generated files) a step asked for, in order."""
        ...

    async def export(self, job: ExportJob) -> tuple[int, bytes]:
        """An /ekspor file: its row count and its bytes (none when no row)."""
        ...

    async def roster_job(self, job: RosterJob) -> list[Reply]:
        """A roster's import or invitations, a chunk per unit of work; its answer."""
        ...


def new_nonce() -> str:
    """64 random bits in Telegram's deep-link alphabet (11 characters)."""
    return secrets.token_urlsafe(8)


async def run_desk(
    session: OfficerSession,
    state: DeskState,
    event: DeskEvent,
    ctx: DeskContext,
    save: Callable[[DeskOutcome], Awaitable[None]] | None = None,
) -> DeskOutcome:
    """The desk's step through the runner in ``session``'s transaction: needs answered,
    effects applied (the chat desk saves the dialog; the web desk's forms keep none)."""
    return await run(step, state, event, ctx, session, save, limit=MAX_NEEDS)


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
        officers: KnownOfficers,
        work: DeskWork,
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
        self.officers = officers
        self.work = work
        self.kpj_length = kpj_length
        self.import_limits = import_limits
        self.roster_limits = roster_limits
        self.roster_retention_days = roster_retention_days
        self.messaging_limit = messaging_limit
        self.bot_username = bot_username  # for deep links; Telegram's getMe may correct it
        self.whatsapp_number = whatsapp_number  # for wa.me links ("": no WhatsApp)
        self.nonce = nonce
        self.web_desk_url = web_desk_url  # "" when the web desk is off

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
        """A cheap check for every typed message: no query while the known officers are fresh."""
        return await self.officers.contains(user_id, now)

    def forget_officers(self) -> None:
        """Officers changed: read them again next time."""
        self.officers.forget()

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

        The file is read off the event loop, before the transaction; the good rows are then
        applied in one short transaction (a roster's file is only opened there: its lines are
        checked and stored a chunk at a time after the dialog's transaction)."""
        if not await self.is_officer(user_id, now):
            return None
        for_import = caption.strip().lower().startswith("/impor")
        if not for_import and await self._awaits_roster(user_id):
            # Opened only: its lines are checked and stored a chunk at a time after the
            # dialog's transaction (the roster job).
            roster = await self.work.open_roster(data, filename, self.roster_limits)
            upload = Upload(filename, (), (), roster=roster)
        else:
            rows, problems = await self.work.read_decisions(
                data, filename, self.kpj_length, self.import_limits
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

            async def save(outcome: DeskOutcome) -> None:
                if outcome.state.to_data() != state.to_data():
                    await session.set_dialog(user_id, outcome.state.to_data(), now)

            outcome = await run_desk(session, state, event, ctx, save)
        # The transaction has committed; long work runs here, holding up no other update.
        if outcome.officers_changed:
            self.forget_officers()
        return await self.finish(outcome)

    async def finish(self, outcome: DeskOutcome) -> list[Reply]:
        """The replies of a settled outcome (the chat's, or the web desk's), with the pictures
        drawn and the export built the step asked for."""
        replies = list(outcome.replies)
        if outcome.pictures and replies:
            files = await self.work.draw(outcome.pictures)
            last = replies[-1]
            replies[-1] = replace(last, files=(*last.files, *files))
        if outcome.export is not None:
            count, data = await self.work.export(outcome.export)
            replies.append(exported(count, outcome.export.filename, data))
        if outcome.roster_job is not None:
            replies += await self.work.roster_job(outcome.roster_job)
        return replies
