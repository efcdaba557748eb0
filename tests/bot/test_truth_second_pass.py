"""Payer types and the PP 50/2025 relief, estimates said as estimates, paying ahead, becak's
likely relief: every place a worker or an officer reads an amount (#25)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from bot.contribution import Program, paid_ahead, quote
from bot.domain import CardNotes, Payer, Sponsor, Status, Submission, SubmissionView
from bot.fields import Answers, SponsorChoice
from bot.flow.status import status_reply
from bot.flow.summary import contribution_for, summary_parts
from bot.messages import Reply
from bot.officers.sponsors import monthly_bill
from bot.officers.views import card, worker_notice
from bot.payers import BY_PAYER, PAYER_TYPES, RELIEF_PAYERS, SPONSOR_TYPES
from bot.render import PLAIN, render_text
from bot.sectors import Sector
from bot.spreadsheets import export_record
from tests.storage.drafts import ANSWERS

NOV_2026 = date(2026, 11, 23)
DECIDED = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)
SPONSOR_ID = 7


def answers(
    income: int = 1_000_000,
    jht: bool = False,
    payer: Payer | None = None,
    occupation: str = "nelayan",
    occupation_other: str | None = None,
) -> Answers:
    found = Answers.from_data({**ANSWERS, "occupation": occupation, "income": income, "jht": jht})
    found.occupation_other = occupation_other
    if payer is not None:
        found.sponsor = SponsorChoice(SPONSOR_ID, "Program Kulon Progo", payer)
    return found


def submission(given: Answers, status: Status = Status.APPROVED) -> Submission:
    return Submission(
        reference="BPU-2026-000001",
        channel="tg",
        user_id="1",
        answers=given,
        monthly_self_paid=0,
        flags=(),
        event_code=None,
        status=status,
        note=None,
        fix_fields=(),
        kpj="12345678901",
        decided_by="9",
        decided_at=DECIDED,
        submitted_at=DECIDED,
        branch="Yogyakarta",
        sponsor_id=SPONSOR_ID if given.sponsor else None,
    )


def text(reply: Reply, lang: str = "id") -> str:
    return render_text(reply, lang, PLAIN)


# --- the relief by payer type ------------------------------------------------------------------

# (payer, JKK, JKM) at the lowest level in November 2026 (inside every sector's relief window).
RELIEF_TABLE = [
    (Payer.SELF, 5_000, 3_400),
    (Payer.APBN, 10_000, 6_800),
    (Payer.APBD_PROVINCE, 10_000, 6_800),
    (Payer.APBD_REGENCY, 10_000, 6_800),
    (Payer.APBDES, 5_000, 3_400),  # to confirm: computed with the relief
    (Payer.ZAKAT, 5_000, 3_400),
    (Payer.CSR, 5_000, 3_400),
    (Payer.OTHER, 5_000, 3_400),
]


@pytest.mark.parametrize(("payer", "jkk", "jkm"), RELIEF_TABLE)
def test_the_relief_by_payer_type(payer: Payer, jkk: int, jkm: int) -> None:
    for sector in Sector:
        q = quote(1_000_000, False, payer, sector, NOV_2026)
        amounts = {line.program: line.amount for line in q.lines}
        assert (amounts[Program.JKK], amounts[Program.JKM]) == (jkk, jkm)
        assert all(line.payer is payer for line in q.lines)
    # December 2025 is before every window: the plain amounts, whoever pays.
    december = quote(1_000_000, False, payer, Sector.TRANSPORT, date(2025, 12, 15))
    assert december.total == 16_800


def test_every_payer_type_is_in_the_table_and_only_apbdes_is_to_confirm() -> None:
    assert {t.payer for t in PAYER_TYPES} == set(Payer)
    assert {p for p, _, _ in RELIEF_TABLE} == set(Payer)
    assert RELIEF_PAYERS == set(Payer) - {Payer.APBN, Payer.APBD_PROVINCE, Payer.APBD_REGENCY}
    assert [t.payer for t in PAYER_TYPES if t.to_confirm] == [Payer.APBDES]
    assert all(t.source for t in PAYER_TYPES)
    assert "to confirm" in BY_PAYER[Payer.APBDES].source


def test_a_payer_type_stored_as_the_old_apbd_reads_as_a_regency_budget() -> None:
    assert Payer("apbd") is Payer.APBD_REGENCY
    stored = {"sponsor": {"id": 1, "name": "Pemkab", "payer": "apbd"}}
    found = Answers.from_data(stored).sponsor
    assert found is not None and found.payer is Payer.APBD_REGENCY


@pytest.mark.parametrize(("payer", "jkk", "jkm"), RELIEF_TABLE[1:])
def test_a_sponsor_of_each_type_shows_its_amounts_everywhere(
    payer: Payer, jkk: int, jkm: int
) -> None:
    given = answers(payer=payer)
    kind = BY_PAYER[payer]
    summary = text(Reply(parts=summary_parts(given, NOV_2026)))
    assert (
        f"Jaminan Kecelakaan Kerja (JKK): Rp{jkk:,} ({kind.paid_by})".replace(",", ".") in summary
    )
    assert f"Jaminan Kematian (JKM): Rp{jkm:,} ({kind.paid_by})".replace(",", ".") in summary
    sponsor = Sponsor(
        SPONSOR_ID,
        "Program Kulon Progo",
        payer,
        kind.key,
        date(2026, 1, 1),
        date(2026, 12, 31),
        10,
        ("34.01",),
        (),
        True,
        "Yogyakarta",
    )
    shown = text(card(submission(given), CardNotes(None, 0), NOV_2026, sponsor=sponsor))
    assert f"Dibayar sponsor ({kind.label}" in shown
    assert f"Rp{jkk + jkm:,} per bulan".replace(",", ".") in shown
    money = contribution_for(given, NOV_2026)
    record = export_record(
        submission(given), "Kab. Kulon Progo", None, sponsor.name, NOV_2026, money
    )
    assert record["monthly_sponsor_paid"] == jkk + jkm
    assert record["payer"] == kind.label and record["monthly_self_paid"] == 0
    assert monthly_bill(sponsor, [(1_000_000, "nelayan", 3)], NOV_2026) == 3 * (jkk + jkm)


def test_the_bill_prices_each_worker_in_their_own_sector() -> None:
    zakat = Sponsor(
        1, "BAZNAS", Payer.ZAKAT, "zakat", date(2026, 1, 1), date(2027, 12, 31), 10, ("34.01",),
        (), True, "Yogyakarta",
    )  # fmt: skip
    approved = [(1_000_000, "nelayan", 2), (1_000_000, "ojek", 1), (1_000_000, "kurir paket", 1)]
    # January 2027: only transport is discounted (ojek and a typed "kurir": Rp8.400 each).
    assert monthly_bill(zakat, approved, date(2027, 1, 10)) == 2 * 16_800 + 2 * 8_400
    # November 2026: every sector is.
    assert monthly_bill(zakat, approved, NOV_2026) == 4 * 8_400
    regency = replace(zakat, payer=Payer.APBD_REGENCY)
    assert monthly_bill(regency, approved, date(2027, 1, 10)) == 4 * 16_800


def test_the_sponsor_dialog_offers_every_type_but_self() -> None:
    assert [t.key for t in SPONSOR_TYPES] == [
        "pusat",
        "provinsi",
        "kabupaten",
        "desa",
        "zakat",
        "csr",
        "lainnya",
    ]


# --- estimates ---------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["id", "en"])
def test_an_unconfirmed_level_reads_as_an_estimate_in_every_place(lang: str) -> None:
    estimate = {"id": "perkiraan", "en": "estimate"}[lang]
    given = answers(income=1_500_000)  # level Rp1.600.000: to confirm
    sub = submission(given)
    view = SubmissionView(
        sub.reference, Status.APPROVED, None, sub.kpj, (), DECIDED, given, DECIDED
    )
    places = {
        "summary": text(Reply(parts=summary_parts(given, NOV_2026)), lang),
        "approval": text(worker_notice(sub, NOV_2026), lang),
        "status": text(status_reply([view], NOV_2026), lang),
        "card": text(card(sub, CardNotes(None, 0), NOV_2026), lang),
    }
    for place, shown in places.items():
        assert estimate in shown.lower(), (place, shown)
        assert "Rp1.600.000" in shown, (place, shown)
    assert "Lampiran II" in places["card"]  # the officer is told which level to check
    record = export_record(sub, "", None, None, NOV_2026, contribution_for(given, NOV_2026))
    assert record["estimate"] is True and record["basis"] == 1_600_000

    # A sourced level, and the top one (its level is sourced, only its band start is not).
    for income in (1_200_000, 30_000_000):
        sure = submission(answers(income=income))
        for reply in (
            Reply(parts=summary_parts(sure.answers, NOV_2026)),
            worker_notice(sure, NOV_2026),
            card(sure, CardNotes(None, 0), NOV_2026),
        ):
            assert estimate not in text(reply, lang).lower(), text(reply, lang)
        money = contribution_for(sure.answers, NOV_2026)
        assert export_record(sure, "", None, None, NOV_2026, money)["estimate"] is False


# --- paying ahead ------------------------------------------------------------------------------


def test_paying_ahead_counts_each_month_at_its_own_rate_across_the_end_of_a_relief() -> None:
    # Every other sector: Rp8.400 until December 2026, then Rp16.800.
    assert [
        paid_ahead(1_000_000, False, Payer.SELF, Sector.OTHER, NOV_2026, n) for n in (1, 3, 6, 12)
    ] == [8_400, 8_400 * 2 + 16_800, 8_400 * 2 + 16_800 * 4, 8_400 * 2 + 16_800 * 10]
    # Transport: Rp8.400 until March 2027.
    february = date(2027, 2, 10)
    assert paid_ahead(1_000_000, False, Payer.SELF, Sector.TRANSPORT, february, 3) == 33_600
    # A sponsored worker pays only their own JHT (2% of the level), whatever the relief.
    assert paid_ahead(1_000_000, True, Payer.ZAKAT, Sector.OTHER, NOV_2026, 12) == 12 * 20_000


@pytest.mark.parametrize("lang", ["id", "en"])
def test_status_and_approval_give_1_3_6_12_months_from_the_month_of_approval(lang: str) -> None:
    sub = submission(answers())
    view = SubmissionView(
        sub.reference, Status.APPROVED, None, sub.kpj, (), DECIDED, sub.answers, DECIDED
    )
    later = date(2027, 2, 3)  # /status asked later still counts from November 2026
    for shown in (
        text(status_reply([view], later), lang),
        text(worker_notice(sub, NOV_2026), lang),
    ):
        if lang == "id":
            assert "mulai November 2026" in shown, shown
            assert "• 1 bulan, sampai November 2026: Rp8.400" in shown
            assert "• 3 bulan, sampai Januari 2027: Rp33.600" in shown
            assert "• 6 bulan, sampai April 2027: Rp84.000" in shown
            assert "• 12 bulan, sampai Oktober 2027: Rp184.800" in shown
        else:
            assert "from November 2026" in shown, shown
            assert "• 3 month(s), through January 2027: Rp33.600" in shown


def test_a_sponsored_worker_who_pays_nothing_gets_no_paying_ahead() -> None:
    shown = text(worker_notice(submission(answers(payer=Payer.CSR)), NOV_2026))
    assert "sekaligus" not in shown and "Anda tidak perlu membayar iuran" in shown


# --- inactivity, becak -------------------------------------------------------------------------


def test_the_approval_urges_monthly_payment_and_keeps_no_fine() -> None:
    shown = text(worker_notice(submission(answers()), NOV_2026))
    assert (
        "Bayar setiap bulan agar tetap terlindungi; jika 3 bulan tidak membayar, kepesertaan "
        "menjadi tidak aktif." in shown
    )
    assert "Tidak ada denda jika terlambat membayar." in shown


@pytest.mark.parametrize(
    ("occupation", "typed", "said"),
    [
        ("becak", None, "Rp8.400 per bulan sampai Desember 2026, kemungkinan sampai Maret 2027"),
        (
            "lainnya",
            "kusir dokar",
            "Rp8.400 per bulan sampai Desember 2026, kemungkinan sampai Maret 2027",
        ),
        ("ojek", None, "Rp8.400 per bulan sampai Maret 2027, lalu Rp16.800"),
    ],
)
def test_becak_and_dokar_are_told_the_longer_relief_only_as_likely(
    occupation: str, typed: str | None, said: str
) -> None:
    given = answers(occupation=occupation, occupation_other=typed)
    assert contribution_for(given, NOV_2026).sector is Sector.TRANSPORT
    assert said in text(Reply(parts=summary_parts(given, NOV_2026)))
    assert said in text(worker_notice(submission(given), NOV_2026))
    # In January 2027 only transport is discounted: the amount itself is likely.
    january = text(Reply(parts=summary_parts(given, date(2027, 1, 5))))
    if occupation == "ojek":
        assert "Rp8.400 per bulan sampai Maret 2027, lalu Rp16.800" in january
    else:
        assert "Rp8.400 per bulan, kemungkinan sampai Maret 2027; lalu Rp16.800" in january
