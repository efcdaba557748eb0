"""An officer's dialog state: which question is pending, and what the dialog gathered so far.

Stored per officer as JSON (the officer_dialogs table). Each dialog family has one typed form;
the state names the question (a ``Dialog``) and holds the form. A stored state this release
cannot read (from an older release, or a hand-edited row) is forgotten, never a crash.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field, fields
from datetime import date
from enum import StrEnum
from typing import Any, TypeVar, Union

from bot.enums import Status


class Dialog(StrEnum):
    """The question an officer is expected to answer; stored as text, so never renamed."""

    # Deciding from a card
    APPROVE_KPJ = "approve_kpj"  # the KPJ number, typed
    FIX_FIELDS = "fix_fields"  # the fields to correct, ticked
    FIX_NOTE = "fix_note"  # a note for the worker, a button or typed
    REJECT_REASON = "reject_reason"  # a reason, a button or typed
    PREVIEW = "preview"  # the worker's message shown: send or cancel
    # /acara_baru
    EVENT_NAME = "event_name"
    EVENT_DAY = "event_day"
    EVENT_PLACE = "event_place"
    EVENT_ORGANISER = "event_organiser"
    EVENT_SPONSOR = "event_sponsor"
    # Closing an event from /acara
    CLOSE_EVENT = "close_event"
    # /sponsor_baru
    SPONSOR_NAME = "sponsor_name"
    SPONSOR_LEVEL = "sponsor_level"
    SPONSOR_PERIOD = "sponsor_period"
    SPONSOR_QUOTA = "sponsor_quota"
    SPONSOR_REGIONS = "sponsor_regions"
    SPONSOR_OCCUPATIONS = "sponsor_occupations"
    SPONSOR_SCOPE = "sponsor_scope"
    # /impor without a file
    IMPORT_FILE = "import_file"
    # /roster_impor
    ROSTER_AGREEMENT = "roster_agreement"
    ROSTER_CONSENT = "roster_consent"
    ROSTER_FILE = "roster_file"


DECIDING = frozenset(
    {
        Dialog.APPROVE_KPJ,
        Dialog.FIX_FIELDS,
        Dialog.FIX_NOTE,
        Dialog.REJECT_REASON,
        Dialog.PREVIEW,
    }
)
EVENT_DIALOGS = frozenset(
    {
        Dialog.EVENT_NAME,
        Dialog.EVENT_DAY,
        Dialog.EVENT_PLACE,
        Dialog.EVENT_ORGANISER,
        Dialog.EVENT_SPONSOR,
    }
)
SPONSOR_DIALOGS = frozenset(
    {
        Dialog.SPONSOR_NAME,
        Dialog.SPONSOR_LEVEL,
        Dialog.SPONSOR_PERIOD,
        Dialog.SPONSOR_QUOTA,
        Dialog.SPONSOR_REGIONS,
        Dialog.SPONSOR_OCCUPATIONS,
        Dialog.SPONSOR_SCOPE,
    }
)


@dataclass
class DecisionForm:
    """A decision being prepared on one submission."""

    reference: str
    status: Status
    kpj: str | None = None
    fields: list[str] = field(default_factory=list)  # to correct (perlu perbaikan)
    note: str | None = None  # the reason or the note for the worker


@dataclass
class EventForm:
    """What /acara_baru has gathered."""

    name: str = ""
    day: date | None = None
    region: str = ""  # kabupaten/kota code
    branch: str = ""
    organiser: str = ""
    candidates: list[str] = field(default_factory=list)  # region codes offered as buttons


@dataclass
class SponsorForm:
    """What /sponsor_baru has gathered."""

    name: str = ""
    level: str = ""  # a key of sponsors.LEVELS
    start: date | None = None
    end: date | None = None
    quota: int = 0
    regions: list[str] = field(default_factory=list)
    branch: str = ""
    occupations: list[str] = field(default_factory=list)


@dataclass
class ClosingForm:
    """The event an officer asked to close, waiting for the confirmation."""

    code: str
    name: str


ROSTER_DIALOGS = frozenset({Dialog.ROSTER_AGREEMENT, Dialog.ROSTER_CONSENT, Dialog.ROSTER_FILE})


@dataclass
class RosterForm:
    """What /roster_impor has gathered: the sponsor and the basis for contacting those listed."""

    sponsor_id: int = 0
    agreement: str = ""
    whatsapp: bool = False


@dataclass
class ImportForm:
    """/impor was sent without a file: the next document is the import."""


Form = Union[DecisionForm, EventForm, SponsorForm, ClosingForm, ImportForm, RosterForm]  # noqa: UP007

# Which form each dialog keeps (and reads back from storage).
FORM_OF: dict[Dialog, type[Form]] = {
    **dict.fromkeys(DECIDING, DecisionForm),
    **dict.fromkeys(EVENT_DIALOGS, EventForm),
    **dict.fromkeys(SPONSOR_DIALOGS, SponsorForm),
    Dialog.CLOSE_EVENT: ClosingForm,
    Dialog.IMPORT_FILE: ImportForm,
    **dict.fromkeys(ROSTER_DIALOGS, RosterForm),
}
_DATES = frozenset({"day", "start", "end"})
F = TypeVar("F", DecisionForm, EventForm, SponsorForm, ClosingForm, ImportForm, RosterForm)


def _to_data(form: Form) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for f in fields(form):
        value = getattr(form, f.name)
        if isinstance(value, date):
            value = value.isoformat()
        elif isinstance(value, StrEnum):
            value = str(value)
        elif isinstance(value, list):
            value = list(value)
        data[f.name] = value
    return data


def _from_data(kind: type[Form], data: dict[str, Any]) -> Form:
    values: dict[str, Any] = {}
    for f in fields(kind):
        if f.name not in data:
            continue
        value = data[f.name]
        if f.name in _DATES and value is not None:
            value = date.fromisoformat(value)
        elif f.name == "status":
            value = Status(value)
        elif isinstance(value, list):
            value = [str(item) for item in value]
        values[f.name] = value
    return kind(**values)


@dataclass
class DeskState:
    """The pending question (None: no dialog) and its form; ``card``: the submission whose
    card (with its decision buttons) was shown last, so that its buttons' words typed outside
    a dialog act on it ("Setujui" after /lihat)."""

    dialog: Dialog | None = None
    form: Form | None = None
    card: str | None = None

    @property
    def idle(self) -> bool:
        """No dialog is open."""
        return self.dialog is None

    def form_as(self, kind: type[F]) -> F:
        """The form, as the dialog's family knows it (states are built consistent: FORM_OF)."""
        if not isinstance(self.form, kind):
            raise TypeError(f"dialog {self.dialog} keeps no {kind.__name__}")
        return self.form

    def to_data(self) -> dict[str, Any] | None:
        """JSON-ready, for storage; None when there is nothing to keep."""
        data: dict[str, Any] = {"card": self.card} if self.card else {}
        if self.dialog is not None and self.form is not None:
            data |= {"dialog": str(self.dialog), "form": _to_data(self.form)}
        return data or None

    @classmethod
    def from_data(cls, data: dict[str, Any] | None) -> DeskState:
        """The stored state; anything unreadable means no dialog."""
        if not data:
            return cls()
        card = data.get("card")
        card = card if isinstance(card, str) and card else None
        if "dialog" not in data:
            return cls(card=card)
        try:
            dialog = Dialog(data["dialog"])
            form = _from_data(FORM_OF[dialog], dict(data["form"]))
        except (KeyError, TypeError, ValueError, AttributeError):
            return cls()
        return cls(dialog, form, card)

    def copy(self) -> DeskState:
        """An independent copy: a step never changes the caller's state."""
        return DeskState(self.dialog, copy.deepcopy(self.form), self.card)
