"""A registration as the storage tests submit it: every answer filled, the branch known."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.domain import SubmissionDraft
from bot.fields import Answers
from tests.conftest import NIK

ANSWERS = {
    "nik": NIK,
    "nik_birth_date": "1979-03-12",
    "nik_sex": "P",
    "birth_date": "1979-03-12",
    "sex": "P",
    "name": "Sri Wahyuni",
    "birth_place": "Kulon Progo",
    "phone": "+6281234567890",
    "home_code": "34.01",
    "address": "Dusun Krebet",
    "occupation": "nelayan",
    "income": 1_500_000,
    "jht": False,
}
NOW = datetime(2026, 6, 1, 3, 0, tzinfo=UTC)


def draft(**answers: object) -> SubmissionDraft:
    return SubmissionDraft(
        answers=Answers.from_data({**ANSWERS, **answers}),
        flags=(),
        monthly_self_paid=10_900,
        event_code=None,
        consent_at=NOW.isoformat(),
        consent_version="1",
        reference=None,
        branch="Yogyakarta",
    )


def nik(serial: int) -> str:
    return f"340102520379{serial:04d}"
