"""The officer desk's pure core: no input crashes a step in any dialog state, and its helpers."""

from __future__ import annotations

from datetime import date

import pytest

from bot.domain import Statistics, Status
from bot.flow.events import Command, Incoming, Press, Text
from bot.officers.common import number, officer_date
from bot.officers.decisions import check_kpj, parse_fields
from bot.officers.events import event_day
from bot.officers.reports import funnel_of
from bot.officers.state import (
    ROSTER_DIALOGS,
    ClosingForm,
    DecisionForm,
    DeskState,
    Dialog,
    EventForm,
    Form,
    ImportForm,
    RosterForm,
    SponsorForm,
)
from bot.officers.step import COMMANDS
from bot.officers.views import shorten
from bot.render import HTML, render_text
from bot.validation import Invalid
from tests.transcripts.officer_driver import OfficerDriver

REFERENCE = "BPU-2026-000001"

# A form for every dialog, as far as that dialog has come.
STATES: dict[Dialog, Form] = {
    **{
        d: DecisionForm(REFERENCE, s, kpj="12345678901", fields=["name"], note="Belum lengkap")
        for d, s in (
            (Dialog.APPROVE_KPJ, Status.APPROVED),
            (Dialog.FIX_FIELDS, Status.NEEDS_FIX),
            (Dialog.FIX_NOTE, Status.NEEDS_FIX),
            (Dialog.REJECT_REASON, Status.REJECTED),
            (Dialog.PREVIEW, Status.REJECTED),
        )
    },
    Dialog.EVENT_NAME: EventForm(),
    Dialog.EVENT_DAY: EventForm(name="Sosialisasi"),
    Dialog.EVENT_PLACE: EventForm(name="Sosialisasi", day=date(2026, 12, 12)),
    Dialog.EVENT_ORGANISER: EventForm("Sosialisasi", date(2026, 12, 12), "34.01", "Yogyakarta"),
    Dialog.EVENT_SPONSOR: EventForm(
        "Sosialisasi", date(2026, 12, 12), "34.01", "Yogyakarta", "Agen Perisai"
    ),
    Dialog.CLOSE_EVENT: ClosingForm("evWATES", "Sosialisasi"),
    Dialog.IMPORT_FILE: ImportForm(),
    **{d: RosterForm(1, "PKS 1") for d in ROSTER_DIALOGS},
    **{
        d: SponsorForm(
            "Pemkab", "kabupaten", date(2026, 1, 1), date(2026, 12, 31), 5, ["34.01"], "Yogyakarta"
        )
        for d in (
            Dialog.SPONSOR_NAME,
            Dialog.SPONSOR_LEVEL,
            Dialog.SPONSOR_PERIOD,
            Dialog.SPONSOR_QUOTA,
            Dialog.SPONSOR_REGIONS,
            Dialog.SPONSOR_OCCUPATIONS,
            Dialog.SPONSOR_SCOPE,
        )
    },
}
BUTTONS = (
    "d_setujui",
    "d_tolak",
    "d_perbaikan",
    "d_alasan",
    "d_bagian",
    "d_lanjut",
    "d_kirim",
    "d_batal",
    "e_tempat",
    "e_penyelenggara",
    "e_sponsor",
    "e_tutup",
    "acara_tutup",
    "s_dana",
    "s_pekerjaan",
    "s_lanjut",
    "s_cakupan",
    "r_wa",
    "roster_impor",
    "nope",
)
JUNK = ("", "0", "99", "-1", "²", "١٢٣", "99999999999999999999", "x" * 3000, REFERENCE, "ev:x")
EVENTS: list[Incoming] = [
    *(Press(f"off:{button}:{arg}") for button in BUTTONS for arg in JUNK),
    Press("off:"),
    Press("off"),
    *(Text(t) for t in (*JUNK, "batal", "ya", "kirim", "lanjut", "semua", "Tanpa sponsor")),
    *(Command(name, arg) for name in COMMANDS for arg in ("", "²", "x" * 3000)),
]


def test_every_dialog_has_a_form() -> None:
    assert set(STATES) == set(Dialog)


@pytest.mark.parametrize("dialog", list(Dialog), ids=str)
async def test_no_input_crashes_a_dialog_state(dialog: Dialog) -> None:
    """Old buttons, junk and commands in every dialog state get answers, never exceptions."""
    for event in EVENTS:
        driver = OfficerDriver()
        await driver.setup("officer 9001 admin name=Budi")
        await driver.setup(f"submission {REFERENCE} home=34.02")
        await driver.setup("event evWATES home=34.01")
        await driver.setup("sponsor 1 regions=34.01")
        state = DeskState(dialog, STATES[dialog])
        driver.world.dialogs["9001"] = state.to_data() or {}
        turn = await driver.send(event)
        assert turn.replies or turn.notes, (dialog, event)
        for reply in turn.replies:  # echoes of what was typed are short
            assert len(render_text(reply, "id", HTML)) <= 4096, (dialog, event)


def test_a_state_survives_storage_and_unreadable_ones_are_forgotten() -> None:
    for dialog, form in STATES.items():
        state = DeskState(dialog, form)
        assert DeskState.from_data(state.to_data()) == state
    for stored in (
        None,
        {},
        {"action": "setujui", "reference": REFERENCE},  # the previous release's shape
        {"dialog": "nope", "form": {}},
        {"dialog": "approve_kpj", "form": {"status": "disetujui"}},  # no reference
        {"dialog": "event_day", "form": {"day": "not a date"}},
        {"dialog": "preview", "form": "text"},
    ):
        assert DeskState.from_data(stored) == DeskState()


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("1", 1),
        ("010", 10),
        (" 7 ", 7),
        ("0", None),
        ("101", None),
        ("²", None),
        ("١", None),
        ("1e3", None),
        ("-1", None),
        ("9" * 13, None),
        ("", None),
        ("１", None),
    ],
)
def test_numbers_are_ascii_digits_within_bounds(typed: str, expected: int | None) -> None:
    assert number(typed, 1, 100) == expected


@pytest.mark.parametrize(
    ("typed", "ok"),
    [
        ("12345678901", True),
        ("1234 5678-901", True),
        ("١٢٣٤٥٦٧٨٩٠١", False),
        ("¹²³⁴⁵⁶⁷⁸⁹⁰¹", False),
        ("1234567890", False),
        ("123456789012", False),
    ],
)
def test_kpj_is_ascii_digits_of_the_right_length(typed: str, ok: bool) -> None:
    assert isinstance(check_kpj(typed, 11), str) is ok


def test_fields_are_named_by_word_or_label() -> None:
    assert parse_fields("nama,alamat") == ("name", "address")
    assert parse_fields("Tanggal lahir, HP") == ("birth_date", "phone")
    assert parse_fields("date of birth") == ("birth_date",)  # the English label
    assert isinstance(parse_fields("sepatu"), Invalid)
    assert isinstance(parse_fields(" , "), Invalid)


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("Sosialisasi BPU Pasar Wates", "Sosialisasi BPU Pasar Wates"),
        ("Sosialisasi BPU bagi Nelayan dan Pedagang", "Sosialisasi BPU bagi Nelayan…"),
        ("Sosialisasi-BPU-bagi-Nelayan-dan-Pedagang", "Sosialisasi-BPU-bagi-Nelayan…"),
        ("Sosialisasi   BPU", "Sosialisasi BPU"),
    ],
)
def test_labels_are_cut_at_a_word_boundary(name: str, shown: str) -> None:
    assert shorten(name, 30) == shown
    assert len(shorten(name, 30)) <= 30


def stats(opened: int, submitted: int) -> Statistics:
    return Statistics(opened, 1, {Status.SUBMITTED: submitted}, [], [], [], [])


def test_funnel_shares_are_of_link_opens_and_only_where_they_are_a_part() -> None:
    assert funnel_of(stats(10, 8), one_event=True)[1] == (None, 10, 10, 10, 10)
    assert funnel_of(stats(1, 8), one_event=False)[1] == (None, 1, None, None, None)
    assert funnel_of(stats(0, 8), one_event=True)[1] == (None,) * 5


def test_officers_two_digit_years_are_this_century() -> None:
    today = date(2026, 11, 28)
    assert officer_date("12-12-26", today) == date(2026, 12, 12)  # a worker's would be 1926
    assert officer_date("1/1/27", today) == date(2027, 1, 1)
    assert officer_date("12-12-2026", today) == date(2026, 12, 12)
    assert isinstance(officer_date("29-2-27", today), Invalid)
    assert isinstance(event_day("12-12-2062", today), Invalid)
