"""Reading and checking a sponsor's roster file (bot/rosters.py)."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import openpyxl

from bot.domain import Payer, Sponsor
from bot.rosters import (
    MISSING_COLUMNS,
    NIK_ACTIVE,
    NIK_REPEATED,
    NUMBER_BLOCKED,
    OUTSIDE_SPONSOR,
    OVER_QUOTA,
    RosterChecks,
    check_rows,
    open_roster,
    phone_digest,
    read_roster,
    report_xlsx,
)
from bot.uploads import TOO_MANY_ROWS, ImportLimits

SAMPLE = Path(__file__).resolve().parents[2] / "docs" / "samples" / "roster.csv"
TODAY = date(2026, 12, 7)
LIMITS = ImportLimits(max_rows=50_000)
HEADER = "NIK,Nama,Nomor HP,Desa/Kecamatan,Pekerjaan\n"
NONE: tuple[frozenset[str], frozenset[str]] = (frozenset(), frozenset())  # active, blocked


def sponsor(quota: int = 100, taken: int = 0) -> Sponsor:
    return Sponsor(
        id=1,
        name="Pemda Kulon Progo",
        payer=Payer.APBD_REGENCY,
        level="apbd_kabupaten",
        start_day=date(2026, 1, 1),
        end_day=date(2026, 12, 31),
        quota=quota,
        regions=("34.01",),
        occupations=(),
        whole_region=True,
        branch="Yogyakarta",
        taken=taken,
    )


def checked(csv: str, **kwargs: object):  # type: ignore[no-untyped-def]
    found = read_roster((HEADER + csv).encode(), "r.csv", LIMITS)
    assert found.refusal is None
    return check_rows(
        found.candidates,
        kwargs.get("sponsor", sponsor()),  # type: ignore[arg-type]
        TODAY,
        kwargs.get("active", frozenset()),  # type: ignore[arg-type]
        kwargs.get("blocked", frozenset()),  # type: ignore[arg-type]
    )


def test_the_sample_roster_is_imported_whole() -> None:
    found = read_roster(SAMPLE.read_bytes(), "roster.csv", LIMITS)
    rows = check_rows(found.candidates, sponsor(), TODAY, frozenset(), frozenset())
    assert [c.problems for c in rows] == [()] * 4
    first = rows[0].row
    assert first is not None
    assert (first.nik, first.phone, first.region_code) == (
        "3401011203850001",
        "+6281234567801",
        "34.01",
    )
    assert rows[3].row is not None and rows[3].row.phone == ""  # no number: a slip only


def test_a_file_without_the_columns_is_refused_whole() -> None:
    found = read_roster(b"Nama,Alamat\nSri,Wates\n", "r.csv", LIMITS)
    assert found.refusal is not None and found.refusal.reason_msgid == MISSING_COLUMNS
    assert "NIK" in found.refusal.params["columns"]


def test_each_row_is_checked() -> None:
    rows = checked(
        "3401011203850001,Sri,081234567801,Wates,pedagang\n"
        "3401011203850001,Sri lagi,081234567802,Wates,\n"  # repeated NIK
        "3401011203850000,Bad,081234567803,Wates,\n"  # serial 0000
        "3401025507900002,Tukiman,0274-123456,Pengasih,\n"  # a landline
        "3401034101880003,Ngatinem,081234567805,Kota Pekalongan,\n"  # outside the sponsor
        "3401042008920004,,081234567806,Nanggulan,\n",  # no name
    )
    assert rows[0].row is not None
    assert [msgid for msgid, _ in rows[1].problems] == [NIK_REPEATED]
    assert rows[1].problems[0][1]["nik"] == "3401********0001"
    assert rows[2].row is None and "0000" in rows[2].problems[0][0]
    assert rows[3].row is None and len(rows[3].problems) == 1
    assert [msgid for msgid, _ in rows[4].problems] == [OUTSIDE_SPONSOR]
    assert rows[5].row is None


def test_active_niks_blocked_numbers_and_the_quota() -> None:
    rows = checked(
        "3401011203850001,Sri,081234567801,Wates,\n"
        "3401025507900002,Tukiman,081234567802,Pengasih,\n"
        "3401034101880003,Ngatinem,081234567803,Sentolo,\n"
        "3401042008920004,Suparjo,081234567804,Nanggulan,\n",
        active=frozenset({"3401011203850001"}),
        blocked=frozenset({"+6281234567802"}),
        sponsor=sponsor(quota=10, taken=9),
    )
    assert [[m for m, _ in r.problems] for r in rows] == [
        [NIK_ACTIVE],
        [NUMBER_BLOCKED],
        [],
        [OVER_QUOTA],
    ]


def test_the_report_masks_niks_and_phones() -> None:
    rows = checked("3401011203850001,Sri,081234567801,Wates,\n3401011203850001,Sri,,Wates,\n")
    book = openpyxl.load_workbook(io.BytesIO(report_xlsx(rows, "en")))
    values = [tuple(r) for r in book.active.iter_rows(values_only=True)]
    assert values[1][:4] == (2, "3401********0001", "+62812****7801", "imported")
    assert values[2][3] == "rejected" and "line 2" in values[2][4]
    assert "3401011203850001" not in repr(values)


def test_numbers_are_remembered_by_a_keyed_hash() -> None:
    one = phone_digest(b"k1", "+6281234567801")
    assert one != phone_digest(b"k2", "+6281234567801")
    assert "6281234567801" not in one


def test_checks_in_chunks_hold_the_quota_and_repeated_niks_across_chunks() -> None:
    """A file checked two lines at a time gives what it gives checked whole: a NIK repeated in
    a later chunk is refused, and the sponsor's places count down over every chunk."""
    found = read_roster(
        (
            HEADER + "3401011203850001,Sri,081234567801,Wates,\n"
            "3401025507900002,Tukiman,081234567802,Pengasih,\n"
            "3401011203850001,Sri lagi,081234567803,Wates,\n"
            "3401034101880003,Ngatinem,081234567804,Sentolo,\n"
            "3401042008920004,Suparjo,081234567805,Nanggulan,\n"
        ).encode(),
        "r.csv",
        LIMITS,
    )
    lines = list(found.candidates)
    whole = check_rows(lines, sponsor(quota=3), TODAY, frozenset(), frozenset())
    checks = RosterChecks(sponsor(quota=3), TODAY)
    chunked = [c for at in range(0, 5, 2) for c in checks.check(lines[at : at + 2], *NONE)]
    assert chunked == whole
    assert [[m for m, _ in c.problems] for c in chunked] == [
        [],
        [],
        [NIK_REPEATED],
        [],
        [OVER_QUOTA],
    ]


def test_a_roster_file_is_opened_as_a_stream() -> None:
    """Opened, a file gives its lines as they are taken; a file past the row limit is refused
    before any line is given."""
    data = (HEADER + "3401011203850001,Sri,081234567801,Wates,\n" * 3).encode()
    opened = open_roster(data, "r.csv", LIMITS)
    assert opened.refusal is None and not isinstance(opened.candidates, tuple)
    assert [c.line for c in opened.candidates] == [2, 3, 4]
    assert list(opened.candidates) == []  # read once
    refused = open_roster(data, "r.csv", ImportLimits(max_rows=2))
    assert refused.refusal is not None and refused.refusal.reason_msgid == TOO_MANY_ROWS
