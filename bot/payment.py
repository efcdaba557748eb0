"""What a worker is told after the officer's decision: how to pay once approved, what next if not.

Paying: a BPU participant pays every month through the JMO app or a partner channel, giving the NIK
or KPJ number; there is no fine for paying late, but after 3 unpaid months the membership becomes
inactive (BPJS Ketenagakerjaan's FAQ for BPU participants as copied on perisaiblora.blogspot.com,
April 2023, and star.grid.id 453722708 "dikutip dari laman resmi BPJS Ketenagakerjaan"). Which
partner channels are named is deployment data: bot/data/payment_channels.csv.

Paying ahead: JMO asks a new BPU participant for a payment period at registration, so the guidance
gives what 1, 3, 6 and 12 months cost at once (``PAYING_AHEAD``, to confirm), month by month at
each month's rates: a relief that ends inside the period is counted only for its own months.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib.resources import files
from pathlib import Path

from bot.contribution import Quote, first_of_month, paid_ahead
from bot.cost_text import cost_msg, estimate_note, month_year
from bot.i18n import N_, format_rupiah
from bot.messages import Block, Button, Msg, Part, Reply

_FILE = "payment_channels.csv"
_COLUMNS = ("name", "status", "source")


@dataclass(frozen=True)
class PaymentChannel:
    """A place to pay contributions, named as the worker will see it."""

    name: str
    to_confirm: bool
    source: str


def parse_payment_channels(text: str, name: str = _FILE) -> tuple[PaymentChannel, ...]:
    """The channels of a CSV (columns name,status,source); an empty file names none."""
    reader = csv.DictReader(io.StringIO(text.removeprefix("\ufeff")))
    if tuple(reader.fieldnames or ()) != _COLUMNS:
        raise ValueError(f"{name}: expected columns {','.join(_COLUMNS)}")
    channels = []
    for line, row in enumerate(reader, start=2):
        if None in row:
            raise ValueError(f"{name}:{line}: too many fields")
        title = (row["name"] or "").strip()
        if not title:
            continue
        status = (row["status"] or "").strip()
        if status not in ("sourced", "to confirm"):
            raise ValueError(f"{name}:{line}: status must be 'sourced' or 'to confirm'")
        channels.append(
            PaymentChannel(title, status == "to confirm", (row["source"] or "").strip())
        )
    return tuple(channels)


@cache
def load_payment_channels(path: Path | None = None) -> tuple[PaymentChannel, ...]:
    """The shipped default channels, or a deployment's own file at ``path``."""
    if path is not None:
        return parse_payment_channels(path.read_text(encoding="utf-8"), str(path))
    return parse_payment_channels(files("bot").joinpath("data", _FILE).read_text(encoding="utf-8"))


APPROVED = N_(
    "Selamat! Pendaftaran {reference} disetujui. Nomor kartu peserta (KPJ) Anda: <b>{kpj}</b>."
)
KPJ_LINE = N_("Nomor kartu peserta (KPJ): <b>{kpj}</b>")
YOU_PAY = N_("Iuran yang Anda bayar: {cost}")
SPONSOR_PAYS = N_("Iuran JKK dan JKM Anda dibayar oleh {sponsor}.")
NOTHING_TO_PAY = N_("Anda tidak perlu membayar iuran.")
PAY_JMO_OR = N_(
    "Bayar setiap bulan lewat aplikasi JMO (Jamsostek Mobile), atau di tempat berikut dengan "
    "menyebut NIK atau nomor KPJ Anda:"
)
PAY_JMO = N_(
    "Bayar setiap bulan lewat aplikasi JMO (Jamsostek Mobile) dengan NIK atau nomor KPJ Anda."
)
NO_FINE = N_("Tidak ada denda jika terlambat membayar.")
# Said as a reason to pay monthly. Whether an accident in an unpaid month is covered was not
# found in any source: the text claims neither.
INACTIVE = N_(
    "Bayar setiap bulan agar tetap terlindungi; jika 3 bulan tidak membayar, kepesertaan menjadi "
    "tidak aktif."
)


@dataclass(frozen=True)
class PayingAhead:
    """The periods the payment guidance prices, and from which month (data, with its source)."""

    months: tuple[int, ...]
    first_month: str  # which month membership (and the first payment) starts
    status: str
    source: str


PAYING_AHEAD = PayingAhead(
    months=(1, 3, 6, 12),
    first_month="the month of approval",
    status="to confirm",
    source=(
        "JMO asks a new BPU participant for a payment period at registration (inforadar.disway.id, "
        "'Cara Mudah Daftar BPJS Ketenagakerjaan untuk Peserta Bukan Penerima Upah'); which "
        "periods it offers, and that membership starts in the month of approval, are to confirm: "
        "the amounts are a guide"
    ),
)
PAY_AHEAD = N_("Jika membayar beberapa bulan sekaligus, mulai {month}:")
PAY_AHEAD_ESTIMATE = N_("Perkiraan jika membayar beberapa bulan sekaligus, mulai {month}:")
PAY_AHEAD_LINE = N_("• {count} bulan, sampai {until}: {amount}")


def paying_ahead(money: Quote, first_month: date) -> Block:
    """What 1, 3, 6 and 12 months cost at once from ``first_month`` (the worker's own share)."""
    head = PAY_AHEAD_ESTIMATE if money.estimate else PAY_AHEAD
    lines = [Msg(head, {"month": month_year(first_month)})]
    for count in PAYING_AHEAD.months:
        amount = paid_ahead(money.income, money.jht, money.payer, money.sector, first_month, count)
        lines.append(
            Msg(
                PAY_AHEAD_LINE,
                {
                    "count": count,
                    "until": month_year(first_of_month(first_month, count - 1)),
                    "amount": format_rupiah(amount),
                },
            )
        )
    return Block(tuple(lines))


def approval_parts(
    kpj: str,
    money: Quote,
    sponsor: str | None,
    channels: Sequence[PaymentChannel],
    reference: str | None = None,
    first_month: date | None = None,
) -> tuple[Part, ...]:
    """The approval notice: the card number, the monthly amount and who pays it, how to pay,
    and (given the first month of membership) what paying several months at once costs."""
    head = (
        Msg(APPROVED, {"reference": reference, "kpj": kpj})
        if reference
        else Msg(KPJ_LINE, {"kpj": kpj})
    )
    amount: list[Msg] = []
    if sponsor:
        amount.append(Msg(SPONSOR_PAYS, {"sponsor": sponsor}))
    if money.self_paid == 0:
        amount.append(Msg(NOTHING_TO_PAY))
        return (head, Block(tuple(amount)))
    amount.append(Msg(YOU_PAY, {"cost": cost_msg(money)}))
    if (note := estimate_note(money)) is not None:
        amount.append(note)
    parts: list[Part] = [head, Block(tuple(amount)), Block(tuple(pay_where(channels)))]
    if first_month is not None:
        parts.append(paying_ahead(money, first_month))
    return (*parts, Block((Msg(NO_FINE), Msg(INACTIVE))))


def pay_where(channels: Sequence[PaymentChannel]) -> list[Msg]:
    """Where to pay: the JMO app, and the deployment's partner channels if it names any."""
    if channels:
        return [Msg(PAY_JMO_OR), *(Msg("• {name}", {"name": c.name}) for c in channels)]
    return [Msg(PAY_JMO)]


# The officer's rejection reasons (bot/officers/dialogs.py REJECT_REASONS) and what the worker can
# do next. A reason typed by the officer gets the neutral next step.
NIK_MISMATCH = N_("NIK tidak sesuai dengan KTP")
INCOMPLETE = N_("Data tidak lengkap atau tidak jelas")
ALREADY_ACTIVE = N_("Sudah terdaftar sebagai peserta aktif")
WAGE_EARNER = N_("Pekerja penerima upah, bukan BPU")
AGE_OUTSIDE = N_("Usia di luar ketentuan kepesertaan")

NEXT_STEPS: dict[str, str] = {
    NIK_MISMATCH: N_(
        "Periksa NIK di KTP Anda, lalu daftar lagi dengan NIK yang tertulis di KTP. Ketik /start."
    ),
    INCOMPLETE: N_("Daftar lagi dengan data lengkap sesuai KTP. Ketik /start."),
    ALREADY_ACTIVE: N_("Anda sudah terlindungi; cek kartu Anda di aplikasi JMO."),
    WAGE_EARNER: N_(
        "Pekerja yang digaji pemberi kerja didaftarkan oleh pemberi kerjanya. Tanyakan ke "
        "pemberi kerja Anda."
    ),
    AGE_OUTSIDE: N_(
        "Tanyakan ketentuan usia peserta ke kantor BPJS Ketenagakerjaan terdekat atau ke nomor "
        "layanan 175."
    ),
}
NEUTRAL_NEXT_STEP = N_(
    "Jika ada yang kurang jelas, tanyakan ke kantor BPJS Ketenagakerjaan terdekat atau ke nomor "
    "layanan 175."
)


def rejection_next_step(reason: str) -> Msg:
    """What the worker can do after a rejection for ``reason`` (a reason msgid or typed text)."""
    return Msg(NEXT_STEPS.get(reason.strip(), NEUTRAL_NEXT_STEP))


# The offer at the end of an approval notice: a reminder on a day of each month, until /berhenti.
REMIND_OFFER = N_("Mau kami ingatkan membayar iuran setiap bulan lewat chat ini?")


def reminder_buttons(reference: str) -> tuple[tuple[Button, ...], ...]:
    """Yes / no to the monthly payment reminder for one registration."""
    return (
        (
            Button(Msg(N_("Ya, ingatkan saya")), f"remind:yes:{reference}", aliases=("ya",)),
            Button(Msg(N_("Tidak usah")), f"remind:no:{reference}", aliases=("tidak",)),
        ),
    )


def payment_reminder(
    kpj: str, money: Quote, channels: Sequence[PaymentChannel], month: Msg
) -> Reply:
    """The monthly reminder: what to pay this month and where; how to stop the reminders."""
    how = pay_where(channels)
    return Reply(
        parts=(
            Msg(
                N_(
                    "Pengingat: iuran BPJS Ketenagakerjaan bulan {month} untuk kartu peserta "
                    "(KPJ) {kpj}: {cost}."
                ),
                {"month": month, "kpj": kpj, "cost": cost_msg(money)},
            ),
            Block(tuple(how)),
            Msg(INACTIVE),
            Msg(N_("Ketik /berhenti jika tidak mau diingatkan lagi.")),
        )
    )
