"""Every list of registration fields in the code is derived from bot/fields.py's one table.

Adding a field is one row in REGISTRATION, one question in the flow, one migration and the
catalogs (README, "Development"): these tests fail until each place that lists fields has it.
"""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

from bot.fields import (
    BY_NAME,
    CORRECTABLE,
    FIELD_WORDS,
    REGISTRATION,
    SUBMISSION_COLUMNS,
    Answers,
    Kind,
    column_values,
)
from bot.flow.questions import REGISTRY
from bot.flow.summary import answer_lines
from bot.messages import Msg
from bot.spreadsheets import EXPORT_COLUMNS
from storage.sqlite.connection import _split_statements, migrations

FULL = Answers(
    nik="3401025203790001",
    nik_birth_date=date(1979, 3, 12),
    birth_date=date(1979, 3, 12),
    name="Sri Wahyuni",
    birth_place="Kulon Progo",
    phone="+6281234567890",
    home_code="34.01",
    address="Dusun Krebet",
    occupation="nelayan",
    income=1_500_000,
    jht=True,
)


def test_every_field_is_asked_by_a_question_of_the_flow() -> None:
    assert list(REGISTRY.field_step) == [f.name for f in REGISTRATION] == list(CORRECTABLE)
    assert [f.label for f in REGISTRY.fields] == [f.label for f in REGISTRATION]


def test_every_field_is_an_answer_and_can_be_named_by_officers() -> None:
    assert all(hasattr(Answers(), f.name) for f in REGISTRATION)
    assert set(FIELD_WORDS.values()) == set(BY_NAME)


def test_the_summary_and_the_card_list_every_field_in_order() -> None:
    labels = [line.params["label"] for line in answer_lines(FULL)]
    assert labels == [Msg(f.label) for f in REGISTRATION]


def test_the_export_has_a_column_for_every_field_in_order() -> None:
    keys = [key for _, key in EXPORT_COLUMNS]
    expected = []
    for f in REGISTRATION:
        expected.append(f.name)
        if f.kind is Kind.REGION:
            expected.append(f"{f.name}_name")
    assert [k for k in keys if k.removesuffix("_name") in BY_NAME] == expected


def test_the_searchable_columns_exist_in_the_submissions_table(tmp_path: Path) -> None:
    with sqlite3.connect(tmp_path / "schema.db") as db:
        for _, script in migrations():
            for statement in _split_statements(script):
                db.execute(statement)
        columns = {row[1] for row in db.execute("PRAGMA table_info(submissions)")}
    assert set(SUBMISSION_COLUMNS) <= columns
    assert set(column_values(FULL)) == set(SUBMISSION_COLUMNS)
    assert column_values(FULL)["occupation"] == "nelayan"
    assert column_values(FULL)["name_search"] == "sri wahyuni"


def test_answers_round_trip_through_storage_json() -> None:
    assert Answers.from_data(FULL.to_data()) == FULL
