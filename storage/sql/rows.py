"""Rows ↔ the core's records: the one place that knows the tables' columns."""

from __future__ import annotations

from bot.domain import Flag, Officer, Payer, Role, Sponsor, Status, Submission
from bot.fields import Answers
from storage.sql.tx import Row, as_date, as_datetime, as_json, as_optional_datetime

SUBMISSION = (
    "reference, channel, user_id, answers, monthly_self_paid, flags, event_code, status, note,"
    " fix_fields, kpj, decided_by, decided_at, submitted_at, branch, sponsor_id"
)
SPONSOR = (
    "id, name, payer, level, start_day, end_day, quota, regions, occupations, whole_region, branch,"
    " nik_agreement"
)
OFFICER = "user_id, role, branches, name"


def submission(row: Row) -> Submission:
    """A submissions row as the record officers see."""
    return Submission(
        reference=row["reference"],
        channel=row["channel"],
        user_id=row["user_id"],
        answers=Answers.from_data(as_json(row["answers"])),
        monthly_self_paid=int(row["monthly_self_paid"]),
        flags=tuple(Flag(f) for f in as_json(row["flags"])),
        event_code=row["event_code"],
        status=Status(row["status"]),
        note=row["note"],
        fix_fields=tuple(as_json(row["fix_fields"])),
        kpj=row["kpj"],
        decided_by=row["decided_by"],
        decided_at=as_optional_datetime(row["decided_at"]),
        submitted_at=as_datetime(row["submitted_at"]),
        branch=row["branch"],
        sponsor_id=row["sponsor_id"],
    )


def sponsor(row: Row) -> Sponsor:
    """A sponsors row (its places taken are counted separately)."""
    return Sponsor(
        id=int(row["id"]),
        name=row["name"],
        payer=Payer(row["payer"]),
        level=row["level"],
        start_day=as_date(row["start_day"]),
        end_day=as_date(row["end_day"]),
        quota=int(row["quota"]),
        regions=tuple(as_json(row["regions"])),
        occupations=tuple(as_json(row["occupations"])),
        whole_region=bool(row["whole_region"]),
        branch=row["branch"],
        nik_agreement=row["nik_agreement"],
    )


def officer(row: Row) -> Officer:
    """An officers row."""
    return Officer(
        row["user_id"], Role(row["role"]), tuple(as_json(row["branches"])), row["name"] or ""
    )
