"""A worker's unit of work: the state read, the compare-and-set save, and the flow's Needs.

The common update is two statements and no transaction: the state read (which also tells
whether this update was applied already) and one self-committing upsert that only applies if
the revision is still the one read. A look-up the flow asks for (an event, a sponsor, the
worker's submissions, who holds a NIK) is one more statement, still without a transaction: it
reads committed data, and the save's compare-and-set refuses the update if the worker was saved
meanwhile. The first write (the submission, a counter, an erasure) begins a transaction and
re-checks the revision, so from there on the update is serialised as a whole and everything
commits with the save; a write re-checks what it relies on (the NIK's unique index, the
sponsor's places under its lock). Saving marks the update's inbox row applied (a trigger), in
the same statement.
"""

from __future__ import annotations

from datetime import datetime

from bot.clock import today_wib
from bot.domain import (
    Erasure,
    EventInfo,
    FixTarget,
    Flag,
    Sponsor,
    StaleConversation,
    Status,
    SubmissionDraft,
    SubmissionView,
    SubmitResult,
)
from bot.fields import Answers
from bot.flow.questions import REGISTRY
from bot.flow.registry import column_values
from bot.flow.state import Conversation
from bot.identity import worker_actor
from bot.rosters import InvitationLookup, InvitationMatch
from storage.sql import erasure, invitations, outreach, rows
from storage.sql.cache import StateCache
from storage.sql.dialect import Dialect
from storage.sql.save import Save
from storage.sql.tx import Tx, as_datetime, as_json, as_optional_datetime, to_json

LOAD = (
    "SELECT c.state, c.rev, (SELECT applied_at FROM inbox WHERE channel = ? AND update_key = ?)"
    " AS applied FROM (SELECT 1) AS one LEFT JOIN conversations c"
    " ON c.channel = ? AND c.user_id = ?"
)


# The revision check that begins a worker's transaction (storage/sql/dialect.py: ``hold``).
HOLD = "SELECT rev FROM conversations WHERE channel = ? AND user_id = ?"


class SqlWorkerUnit:
    """bot.ports.WorkerSession over a Tx, in a backend's Dialect; see the module's docstring for
    the transactions."""

    def __init__(
        self,
        tx: Tx,
        dialect: Dialect,
        channel: str,
        user_id: str,
        update_key: str | None,
        cache: StateCache | None = None,
    ) -> None:
        self.tx = tx
        self.dialect = dialect
        self.channel = channel
        self.user_id = user_id
        self.update_key = update_key
        self.cache = cache
        self._rev: int | None = None  # the revision read; None: no row yet
        self._applied = False
        self._saved: Conversation | None = None
        self.erased = False  # erase() ran: the state is gone and is not saved again

    async def load(self) -> Conversation | None:
        if self.cache is not None:
            found = self.cache.take(self.channel, self.user_id, self.update_key)
            if found is not None:  # this process saved it last (storage/sql/cache.py)
                self._rev = found.rev
                return found.conv
        row = await self.tx.one(LOAD, self.channel, self.update_key, self.channel, self.user_id)
        assert row is not None  # one row whatever the tables hold
        self._applied = row["applied"] is not None
        self._rev = None if row["rev"] is None else int(row["rev"])
        return Conversation.from_json(row["state"]) if row["state"] is not None else None

    @property
    def already_applied(self) -> bool:
        """This update was applied before (a redelivery): nothing to do, nothing to send."""
        return self._applied

    async def hold(self, nik: str | None = None) -> None:
        """Begin the transaction, if not yet begun, and make sure the state is as it was read
        (held until commit where the backend must lock it); with a ``nik``, that NIK's turn
        too (storage/sql/dialect.py)."""
        if self.tx.in_transaction:
            if nik is not None:
                await self.dialect.lock_nik(self.tx, nik)
            return
        await self.tx.begin()
        row = await self.dialect.hold(self.tx, self.channel, self.user_id, nik)
        self.held(None if row is None else row["rev"])

    def held(self, rev: int | None) -> None:
        """The revision the transaction found (None: no row): the one read, or the update is
        stale."""
        if (None if rev is None else int(rev)) != self._rev:
            raise StaleConversation(self.channel, self.user_id)

    async def save(self, conv: Conversation, now: datetime) -> None:
        saving = Save(
            channel=self.channel,
            user_id=self.user_id,
            step=str(conv.step),
            state=conv.to_json(),
            event_code=conv.event_code,
            lang=conv.lang,
            at=now,
            applied_update=self.update_key,
            rev=self._rev,
        )
        if not await self.dialect.save(self.tx, saving):
            raise StaleConversation(self.channel, self.user_id)
        self._saved = conv

    def committed(self) -> None:
        """The unit of work committed: remember what it saved (or that the state is gone)."""
        if self.cache is None:
            return
        if self._saved is None:
            self.cache.forget(self.channel, self.user_id)
            return
        rev = 0 if self._rev is None else self._rev + 1  # the column's default, or one up
        self.cache.saved(self.channel, self.user_id, rev, self._saved)

    async def erase(self, now: datetime) -> Erasure:
        """Forget the worker (storage/sql/erasure.py); the conversation is not saved again
        after this (``erased``): a later message starts afresh, before consent."""
        await self.hold()
        done = await erasure.erase(self.tx, self.channel, self.user_id, now)
        await self.mark_applied(now)
        self.erased = True
        return done

    async def mark_applied(self, now: datetime) -> None:
        """Mark this update's inbox row applied (when no save will: the state was deleted)."""
        if self.update_key is not None:
            await self.tx.run(
                "UPDATE inbox SET applied_at = ?"
                " WHERE channel = ? AND update_key = ? AND applied_at IS NULL",
                now,
                self.channel,
                self.update_key,
            )

    async def nik_holder(self, nik: str) -> str | None:
        row = await self.tx.one(
            "SELECT reference FROM submissions WHERE nik = ? AND status IN (?, ?, ?)",
            nik,
            *outreach.BLOCKING,
        )
        return str(row["reference"]) if row else None

    async def submit(self, draft: SubmissionDraft, now: datetime) -> SubmitResult:
        await self.hold(draft.answers.nik or None)
        if draft.reference is not None:
            return await self._resubmit(draft, now)
        holder, similar = await self._holder_and_similar(draft.answers)
        if holder is not None:
            return SubmitResult(None, duplicate_nik=True)
        if draft.sponsor_id is not None:
            # Exact under concurrency: one submission at a time counts the sponsor's places.
            await self.dialect.lock_sponsor(self.tx, draft.sponsor_id)
            sponsor = await outreach.sponsor_by_id(self.tx, draft.sponsor_id)
            if sponsor is None or sponsor.remaining == 0:
                return SubmitResult(None, quota_full=True)
            draft = outreach.with_sponsor_payer(draft, sponsor.payer)
        reference = await self.next_reference(now)
        flags = [str(f) for f in draft.flags]
        if similar:
            flags.append(str(Flag.POSSIBLE_DUPLICATE))
        columns = column_values(draft.answers)
        names = (
            "reference, channel, user_id, "
            + ", ".join(REGISTRY.columns)
            + ", monthly_self_paid, answers, flags, event_code, consent_at, consent_version,"
            " status, submitted_at, updated_at, branch, sponsor_id"
        )
        values = (
            reference,
            self.channel,
            self.user_id,
            *(columns[c] for c in REGISTRY.columns),
            draft.monthly_self_paid,
            to_json(draft.answers.to_data()),
            to_json(flags),
            draft.event_code,
            draft.consent_at,
            draft.consent_version,
            str(Status.SUBMITTED),
            now,
            now,
            draft.branch,
            draft.sponsor_id,
        )
        marks = ", ".join("?" for _ in values)
        await self.tx.run(f"INSERT INTO submissions ({names}) VALUES ({marks})", *values)
        if draft.invite_code is not None:
            await invitations.completed(self.tx, draft.invite_code, reference, now)
        return SubmitResult(reference)

    async def next_reference(self, now: datetime) -> str:
        """BPU-<WIB year>-<6 digits> from a counter per year (gaps allowed, duplicates never)."""
        year = today_wib(now).year
        row = await self.tx.one(
            "INSERT INTO sequences (name, value) VALUES (?, 1) ON CONFLICT (name)"
            " DO UPDATE SET value = sequences.value + 1 RETURNING value",
            f"ref-{year}",
        )
        assert row is not None
        return f"BPU-{year}-{int(row['value']):06d}"

    async def _holder_and_similar(self, answers: Answers) -> tuple[str | None, bool]:
        """In one read (after the locks): the active submission holding this NIK, if any, and
        whether another NIK has the same name and birth date, or the same phone: an officer
        should compare them."""
        row = await self.tx.one(
            "SELECT (SELECT reference FROM submissions WHERE nik = ? AND status IN (?, ?, ?)"
            " LIMIT 1) AS holder, EXISTS (SELECT 1 FROM submissions WHERE nik != ? AND status != ?"
            " AND ((name_search = ? AND birth_date = ?) OR phone = ?)) AS similar",
            answers.nik or "",
            *outreach.BLOCKING,
            answers.nik or "",
            str(Status.REJECTED),
            (answers.name or "").casefold(),
            answers.birth_date.isoformat() if answers.birth_date else "",
            answers.phone or "",
        )
        assert row is not None  # one row whatever the table holds
        holder = row["holder"]
        return (None if holder is None else str(holder)), bool(row["similar"])

    async def _resubmit(self, draft: SubmissionDraft, now: datetime) -> SubmitResult:
        holder = await self.nik_holder(draft.answers.nik or "")
        if holder is not None and holder != draft.reference:
            return SubmitResult(None, duplicate_nik=True)
        columns = column_values(draft.answers)
        sets = ", ".join(f"{c} = ?" for c in REGISTRY.columns)
        changed = await self.tx.run(
            f"UPDATE submissions SET {sets}, monthly_self_paid = ?, answers = ?, flags = ?,"
            " status = ?, fix_fields = ?, branch = ?, updated_at = ?"
            " WHERE reference = ? AND channel = ? AND user_id = ? AND status = ?",
            *(columns[c] for c in REGISTRY.columns),
            draft.monthly_self_paid,
            to_json(draft.answers.to_data()),
            to_json([str(f) for f in draft.flags]),
            str(Status.SUBMITTED),
            to_json([]),
            draft.branch,
            now,
            draft.reference,
            self.channel,
            self.user_id,
            str(Status.NEEDS_FIX),
        )
        if changed != 1:
            # Already resubmitted (a repeated Kirim): the reference stands, nothing changes.
            row = await self.tx.one(
                "SELECT user_id FROM submissions WHERE reference = ?", draft.reference
            )
            ok = row is not None and row["user_id"] == self.user_id
            return SubmitResult(draft.reference if ok else None)
        await self.tx.run(
            "INSERT INTO audit (at, actor, action, reference, detail) VALUES (?, ?, ?, ?, ?)",
            now,
            worker_actor(self.channel, self.user_id),
            "diajukan_ulang",
            draft.reference,
            "",
        )
        return SubmitResult(draft.reference)

    async def my_submissions(self) -> list[SubmissionView]:
        found = await self.tx.all(
            "SELECT reference, status, note, kpj, fix_fields, submitted_at, answers, decided_at"
            " FROM submissions WHERE channel = ? AND user_id = ? ORDER BY id DESC LIMIT 10",
            self.channel,
            self.user_id,
        )
        return [
            SubmissionView(
                reference=r["reference"],
                status=Status(r["status"]),
                note=r["note"],
                kpj=r["kpj"],
                fix_fields=tuple(as_json(r["fix_fields"])),
                submitted_at=as_datetime(r["submitted_at"]),
                answers=Answers.from_data(as_json(r["answers"])),
                decided_at=as_optional_datetime(r["decided_at"]),
            )
            for r in found
        ]

    async def fix_target(self, reference: str) -> FixTarget | None:
        row = await self.tx.one(
            f"SELECT {rows.SUBMISSION} FROM submissions WHERE reference = ?", reference
        )
        found = rows.submission(row) if row else None
        if (
            found is None
            or found.status is not Status.NEEDS_FIX
            or (found.channel, found.user_id) != (self.channel, self.user_id)
        ):
            return None
        return FixTarget(found.reference, found.answers.copy(), found.fix_fields, found.note or "")

    async def event(self, code: str) -> EventInfo | None:
        return await outreach.event_info(self.tx, code)

    async def open_invitation(
        self, code: str, now: datetime, tries: int, pause_minutes: int
    ) -> InvitationLookup:
        await self.hold()
        return await invitations.open_invitation(
            self.tx, self.channel, self.user_id, code, now, tries, pause_minutes
        )

    async def match_invitation(self, code: str, nik: str, now: datetime) -> InvitationMatch:
        await self.hold()
        return await invitations.match_invitation(self.tx, code, nik, now)

    async def decline_invitation(self, code: str, now: datetime) -> bool:
        await self.hold()
        return await invitations.decline_invitation(self.tx, code, now)

    async def invited_number(self, phone: str, now: datetime) -> str | None:
        return await invitations.invited_number(self.tx, phone, now)

    async def count(self, event_code: str, kind: str, now: datetime) -> None:
        await self.hold()
        await outreach.count_event(self.tx, event_code, kind, now)

    async def sponsor_for(
        self, event_code: str | None, home_code: str, occupation: str, now: datetime
    ) -> Sponsor | None:
        return await outreach.sponsor_for(
            self.tx, event_code, home_code, occupation, today_wib(now)
        )

    async def set_reminder(self, reference: str | None, on: bool, now: datetime) -> bool:
        """A worker's yes or no to monthly payment reminders (only for their approved ones)."""
        await self.hold()
        if reference is None:
            if self.channel == "wa" and self.user_id.isdigit():
                # Nor the one reminder of a roster's invitation to this number.
                await self.tx.run(
                    "UPDATE roster_rows SET reminded_at = ? WHERE phone = ? AND reminded_at IS NULL",
                    now,
                    f"+{self.user_id}",
                )
            changed = await self.tx.run(
                "UPDATE payment_reminders SET active = ?, updated_at = ?"
                " WHERE channel = ? AND user_id = ? AND active = ?",
                False,
                now,
                self.channel,
                self.user_id,
                True,
            )
            return changed > 0
        row = await self.tx.one(
            "SELECT 1 AS mine FROM submissions WHERE reference = ? AND channel = ? AND user_id = ?"
            " AND status = ?",
            reference,
            self.channel,
            self.user_id,
            str(Status.APPROVED),
        )
        if row is None:
            return False
        await self.tx.run(
            "INSERT INTO payment_reminders (reference, channel, user_id, active, created_at,"
            " updated_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (reference) DO UPDATE SET"
            " active = excluded.active, updated_at = excluded.updated_at",
            reference,
            self.channel,
            self.user_id,
            on,
            now,
            now,
        )
        return True
