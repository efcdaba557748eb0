"""After the decision: the approval notice (how to pay) and a next step for every rejection."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from bot.contribution import quote
from bot.domain import Payer
from bot.messages import Reply
from bot.officers.decisions import REJECT_REASONS
from bot.payment import (
    ALREADY_ACTIVE,
    NEUTRAL_NEXT_STEP,
    NEXT_STEPS,
    PaymentChannel,
    approval_parts,
    load_payment_channels,
    parse_payment_channels,
    rejection_next_step,
)
from bot.render import PLAIN, render_text
from bot.sectors import Sector

MAY_2026 = date(2026, 5, 15)
CHANNELS = (PaymentChannel("Kantor Pos", True, "s"), PaymentChannel("LinkAja", True, "s"))
INACTIVE = (
    "Bayar setiap bulan agar tetap terlindungi; jika 3 bulan tidak membayar, kepesertaan menjadi "
    "tidak aktif."
)


def notice(*args: object, **kwargs: object) -> str:
    return render_text(Reply(parts=approval_parts(*args, **kwargs)), "id", PLAIN)  # type: ignore[arg-type]


def test_self_paid_worker_learns_amount_until_when_and_how_to_pay() -> None:
    money = quote(1_000_000, False, Payer.SELF, Sector.TRANSPORT, MAY_2026)
    text = notice("12345678901", money, None, CHANNELS)
    assert "Nomor kartu peserta (KPJ): 12345678901" in text
    assert "Iuran yang Anda bayar: Rp8.400 per bulan sampai Maret 2027, lalu Rp16.800" in text
    assert "aplikasi JMO" in text and "NIK atau nomor KPJ" in text
    assert "• Kantor Pos" in text and "• LinkAja" in text
    assert INACTIVE in text and "Tidak ada denda" in text


def test_reference_in_the_heading() -> None:
    money = quote(1_000_000, False, Payer.SELF, Sector.OTHER, MAY_2026)
    text = notice("12345678901", money, None, (), reference="BPU-2026-000001")
    assert text.startswith("Selamat! Pendaftaran BPU-2026-000001 disetujui.")
    assert "Bayar setiap bulan lewat aplikasi JMO (Jamsostek Mobile) dengan NIK" in text
    assert "•" not in text


def test_fully_sponsored_worker_pays_nothing() -> None:
    money = quote(1_000_000, False, Payer.APBD_REGENCY, None, MAY_2026)
    text = notice("12345678901", money, "Pemkab Kulon Progo", CHANNELS)
    assert "Iuran JKK dan JKM Anda dibayar oleh Pemkab Kulon Progo." in text
    assert "Anda tidak perlu membayar iuran." in text
    assert "JMO" not in text and INACTIVE not in text


def test_sponsored_worker_pays_own_jht() -> None:
    money = quote(1_000_000, True, Payer.APBD_REGENCY, None, MAY_2026)
    text = notice("12345678901", money, "Pemkab Kulon Progo", CHANNELS)
    assert "dibayar oleh Pemkab Kulon Progo" in text
    assert "Iuran yang Anda bayar: Rp20.000 per bulan" in text
    assert INACTIVE in text


def test_shipped_channels_name_their_source() -> None:
    channels = load_payment_channels()
    assert channels and all(c.name and c.source for c in channels)


def test_deployment_channels(tmp_path: Path) -> None:
    path = tmp_path / "channels.csv"
    path.write_text("name,status,source\nBank X,sourced,contract 2026\n,sourced,\n", "utf-8")
    assert load_payment_channels(path) == (PaymentChannel("Bank X", False, "contract 2026"),)
    with pytest.raises(ValueError):
        parse_payment_channels("name,source\nBank X,y\n")
    with pytest.raises(ValueError):
        parse_payment_channels("name,status,source\nBank X,maybe,y\n")


def test_every_rejection_reason_has_its_own_next_step() -> None:
    assert set(NEXT_STEPS) == set(REJECT_REASONS)
    steps = [rejection_next_step(reason).msgid for reason in REJECT_REASONS]
    assert len(set(steps)) == len(steps) and NEUTRAL_NEXT_STEP not in steps


def test_already_active_is_not_told_to_register_again() -> None:
    step = rejection_next_step(ALREADY_ACTIVE).msgid
    assert step == "Anda sudah terlindungi; cek kartu Anda di aplikasi JMO."
    assert "daftar" not in step.lower() and "/start" not in step


def test_typed_reason_gets_the_neutral_step() -> None:
    assert rejection_next_step("Foto KTP buram").msgid == NEUTRAL_NEXT_STEP
