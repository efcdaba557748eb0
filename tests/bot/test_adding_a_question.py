"""A question added by one declaration (here, in this module) shows everywhere a question must:
in the flow (in turn, with its progress number), the summary, the officer's card, both
correction pickers, the export, the statistics and the WhatsApp rendering; no other module is
touched (docs/adding-a-question.md). Its answer is kept with the others, through storage too.

The declarations of the real questions are checked for completeness in test_questions.py.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from bot.domain import CardNotes, Officer, Role, Status, Submission
from bot.fields import Answers, Field, Kind
from bot.flow.context import Context
from bot.flow.events import Command, Press, Text
from bot.flow.moves import typed
from bot.flow.questions import REGISTRY
from bot.flow.registry import Question
from bot.flow.state import Conversation, Step
from bot.messages import Msg, Reply
from bot.officers.context import DeskContext
from bot.officers.decisions import parse_fields
from bot.officers.decisions import question as desk_question
from bot.officers.reports import step_label
from bot.officers.state import DecisionForm, DeskState, Dialog
from bot.officers.views import card
from bot.render import PLAIN, render_text
from bot.spreadsheets import export_layout, export_record, write_csv
from bot.text import clean_name
from handlers.whatsapp.render import render_reply
from tests.bot.test_flow import HAPPY, NOW, run, walk
from tests.handlers.test_whatsapp_render import checked

# --- the declaration: all an added question needs (its msgids would go to the catalogs) ------


def ask_mother(conv: Conversation, ctx: Context) -> Reply:
    """The mother's maiden name, typed."""
    return Reply(
        parts=(
            Msg("Ketik nama ibu kandung Anda."),
            Msg("Contoh: {example}", {"example": "Siti Aminah"}),
        )
    )


MOTHER = Question(
    "mother_name",
    ask_mother,
    typed("mother_name", clean_name, "Ketik nama ibu kandung Anda."),
    in_turn=True,
    number=10,
    field=Field("mother_name", "Nama ibu kandung", Kind.TEXT, "Nama ibu kandung", None, ("ibu",)),
    stats="nama ibu kandung",
)

# ---------------------------------------------------------------------------------------------


@pytest.fixture
def mother() -> Iterator[Question]:
    """The question declared after JHT for one test."""
    REGISTRY.add(MOTHER, after=Step.JHT)
    try:
        yield MOTHER
    finally:
        REGISTRY.remove(MOTHER.step)


def answered() -> Conversation:
    """A registration that answered every question, the added one too."""
    conv = walk(HAPPY)
    return run(conv, Text("siti aminah")).conv


def submission(answers: Answers) -> Submission:
    return Submission(
        reference="BPU-2026-000001", channel="telegram", user_id="1", answers=answers,
        monthly_self_paid=8400, flags=(), event_code=None, status=Status.SUBMITTED, note=None,
        fix_fields=(), kpj=None, decided_by=None, decided_at=None, submitted_at=NOW,
    )  # fmt: skip


def test_it_is_asked_in_turn_with_its_progress_number(mother: Question) -> None:
    before = walk(HAPPY[:-1])
    asked = run(before, Press("jht:no"))
    assert asked.conv.step == "mother_name"
    text = render_text(asked.replies[0], "id", PLAIN)
    assert "Langkah 10 dari 11" in text and "Ketik nama ibu kandung Anda." in text
    wrong = run(asked.conv, Text("12345"))
    assert wrong.conv.step == "mother_name"  # read by its own handler: a name has letters
    assert run(asked.conv, Command("batal")).conv.step is Step.CONFIRM_CANCEL  # under way
    done = run(asked.conv, Text("siti aminah"))
    assert done.conv.step is Step.SUMMARY
    assert done.conv.answers.extra == {"mother_name": "Siti Aminah"}


def test_its_answer_is_in_the_summary_and_survives_storage(mother: Question) -> None:
    conv = answered()
    picker = run(conv, Press("sum:edit"))
    summary = run(picker.conv, Press("edit:back")).replies[0]  # the summary shown again
    assert "Nama ibu kandung: Siti Aminah" in render_text(summary, "id", PLAIN)
    stored = Conversation.from_json(conv.to_json())
    assert stored.answers.extra == {"mother_name": "Siti Aminah"}
    assert Answers.from_data(stored.answers.to_data()) == stored.answers


def test_the_worker_can_change_it_from_the_summary(mother: Question) -> None:
    picker = run(answered(), Press("sum:edit"))
    assert "edit:mother_name" in [b.data for b in picker.replies[0].all_buttons]
    asked = run(picker.conv, Press("edit:mother_name"))
    assert asked.conv.step == "mother_name"
    back = run(asked.conv, Text("Sri Lestari"))
    assert back.conv.step is Step.SUMMARY
    assert back.conv.answers.extra == {"mother_name": "Sri Lestari"}


def test_the_officer_sees_it_on_the_card_and_can_send_it_back(mother: Question) -> None:
    sub = submission(answered().answers)
    shown = card(sub, CardNotes(None, 0), date(2026, 11, 23))
    assert "Nama ibu kandung: Siti Aminah" in render_text(shown, "id", PLAIN)
    assert parse_fields("ibu, nama") == ("name", "mother_name")
    ctx = DeskContext(now=NOW, officer=Officer("9001", Role.ADMIN))
    picker = desk_question(
        DeskState(Dialog.FIX_FIELDS, DecisionForm(sub.reference, Status.NEEDS_FIX)), ctx
    )
    assert "off:d_bagian:mother_name" in [b.data for b in picker.all_buttons]


def test_it_is_exported_in_its_column(mother: Question, tmp_path: Path) -> None:
    sub = submission(answered().answers)
    record = export_record(sub, "Bantul", None, None, date(2026, 11, 23))
    assert record["mother_name"] == "Siti Aminah"
    keys = [key for _, key in export_layout().columns]
    assert keys.index("jht") + 1 == keys.index("mother_name")
    write_csv([record], tmp_path / "export.csv")
    with (tmp_path / "export.csv").open(encoding="utf-8-sig") as handle:
        header, row = list(csv.reader(handle))
    assert row[header.index("Nama ibu kandung")] == "Siti Aminah"


def test_the_statistics_name_it_where_drafts_stop(mother: Question) -> None:
    assert step_label("mother_name") == Msg("nama ibu kandung")
    assert "mother_name" in REGISTRY.in_progress  # its drafts are counted


def test_whatsapp_renders_it(mother: Question) -> None:
    asked = run(walk(HAPPY[:-1]), Press("jht:no"), datetime(2026, 11, 23, 3, 1, tzinfo=UTC))
    rendered = checked(render_reply(asked.replies[0], "id"))
    body = str(rendered.messages)
    assert "Ketik nama ibu kandung Anda." in body and "Langkah 10 dari 11" in body


def test_taking_it_out_again_leaves_the_registration_as_it_was(mother: Question) -> None:
    REGISTRY.remove(MOTHER.step)
    assert walk(HAPPY).step is Step.SUMMARY
    assert "mother_name" not in REGISTRY.field_by_name
    REGISTRY.add(MOTHER, after=Step.JHT)  # for the fixture to take out
