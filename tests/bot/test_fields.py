"""Every list of registration fields in the code is derived from the questions' declarations
(bot/flow/questions/, collected in bot/flow/registry.py): these tests fail until each place that
lists fields has every declared one (docs/adding-a-question.md).
"""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

from bot.fields import Answers, Kind
from bot.flow.questions import REGISTRY
from bot.flow.registry import column_values
from bot.flow.summary import answer_lines
from bot.messages import Msg
from bot.spreadsheets import export_layout
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


NAMES = [
    "nik",
    "birth_date",
    "sex",
    "name",
    "birth_place",
    "phone",
    "home_code",
    "address",
    "occupation",
    "income",
    "jht",
]


def test_every_field_is_asked_by_a_question_of_the_flow() -> None:
    assert [f.name for f in REGISTRY.fields] == NAMES == list(REGISTRY.correctable)
    assert list(REGISTRY.field_step) == NAMES
    assert all(REGISTRY.by_step[step].field is not None for step in REGISTRY.field_step.values())


def test_every_field_is_an_answer_and_can_be_named_by_officers() -> None:
    assert all(hasattr(Answers(), f.name) for f in REGISTRY.fields)
    assert set(REGISTRY.field_words.values()) == set(REGISTRY.field_by_name)


def test_the_summary_and_the_card_list_every_field_in_order() -> None:
    labels = [line.params["label"] for line in answer_lines(FULL)]
    assert labels == [Msg(f.label) for f in REGISTRY.fields]


def test_the_export_has_a_column_for_every_field_in_order() -> None:
    keys = [key for _, key in export_layout().columns]
    expected = []
    for f in REGISTRY.fields:
        expected.append(f.name)
        if f.kind is Kind.REGION:
            expected.append(f"{f.name}_name")
    assert [k for k in keys if k.removesuffix("_name") in REGISTRY.field_by_name] == expected


def test_the_searchable_columns_exist_in_the_submissions_table(tmp_path: Path) -> None:
    with sqlite3.connect(tmp_path / "schema.db") as db:
        for _, script in migrations():
            for statement in _split_statements(script):
                db.execute(statement)
        columns = {row[1] for row in db.execute("PRAGMA table_info(submissions)")}
    assert set(REGISTRY.columns) <= columns
    assert set(column_values(FULL)) == set(REGISTRY.columns)
    assert column_values(FULL)["occupation"] == "nelayan"
    assert column_values(FULL)["name_search"] == "sri wahyuni"


def test_answers_round_trip_through_storage_json() -> None:
    assert Answers.from_data(FULL.to_data()) == FULL
