"""What a worker is told about the monthly amount: how much, until when, and what it costs after.

The PP 50/2025 relief is temporary and its end depends on the sector, so every line that shows a
discounted amount says until which month and what follows. Months are written as words ("Desember
2026"), translated like every other text.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.contribution import MIN_BASIS, Quote, quote
from bot.domain import Payer
from bot.i18n import N_, format_rupiah
from bot.messages import Msg, Param
from bot.sectors import Sector

MONTHS = (
    N_("Januari"),
    N_("Februari"),
    N_("Maret"),
    N_("April"),
    N_("Mei"),
    N_("Juni"),
    N_("Juli"),
    N_("Agustus"),
    N_("September"),
    N_("Oktober"),
    N_("November"),
    N_("Desember"),
)
MONTH_YEAR = N_("{month} {year}")


def month_year(day: date) -> Msg:
    """``Desember 2026`` for any day of that month."""
    return Msg(MONTH_YEAR, {"month": Msg(MONTHS[day.month - 1]), "year": day.year})


@dataclass(frozen=True)
class WelcomeQuote:
    """What the greeting says before the sector is known (the cheapest self-paid package)."""

    amount: int  # what every worker pays now at the lowest level, JKK + JKM
    until: date | None  # last day of that amount; None: it is the plain amount
    transport_amount: int  # what a transport worker pays now
    transport_until: date | None
    amount_after: int  # the plain amount once the reliefs end


def welcome_quote(on: date) -> WelcomeQuote:
    """The pieces of the greeting's price line on ``on``."""
    other = quote(MIN_BASIS, False, Payer.SELF, Sector.OTHER, on)
    transport = quote(MIN_BASIS, False, Payer.SELF, Sector.TRANSPORT, on)
    after = other.after if other.after is not None else other.self_paid
    return WelcomeQuote(
        amount=other.self_paid,
        until=other.relief_until,
        transport_amount=transport.self_paid,
        transport_until=transport.relief_until,
        amount_after=after,
    )


WELCOME_PLAIN = N_("Iuran mulai <b>{amount}</b> per bulan.")
WELCOME_BOTH = N_(
    "Iuran mulai <b>{amount}</b> per bulan sampai {until}; pekerja transportasi (ojek, kurir, "
    "sopir) sampai {transport_until}. Setelah itu {after}."
)
WELCOME_SAME_END = N_("Iuran mulai <b>{amount}</b> per bulan sampai {until}, lalu {after}.")
WELCOME_TRANSPORT_ONLY = N_(
    "Iuran <b>{amount}</b> per bulan; pekerja transportasi (ojek, kurir, sopir) "
    "<b>{transport_amount}</b> sampai {transport_until}."
)


def welcome_msg(on: date) -> Msg:
    """The greeting's price line: the cheapest amount now, until when, and for transport workers."""
    w = welcome_quote(on)
    money: dict[str, Param] = {
        "amount": format_rupiah(w.amount),
        "after": format_rupiah(w.amount_after),
        "transport_amount": format_rupiah(w.transport_amount),
    }
    if w.until is not None and w.transport_until is not None:
        if w.until == w.transport_until and w.amount == w.transport_amount:
            return Msg(WELCOME_SAME_END, {**money, "until": month_year(w.until)})
        return Msg(
            WELCOME_BOTH,
            {
                **money,
                "until": month_year(w.until),
                "transport_until": month_year(w.transport_until),
            },
        )
    if w.transport_until is not None:
        return Msg(
            WELCOME_TRANSPORT_ONLY, {**money, "transport_until": month_year(w.transport_until)}
        )
    # No relief now, or one the data do not describe for transport: the plain lowest amount.
    return Msg(WELCOME_PLAIN, {"amount": format_rupiah(max(w.amount, w.transport_amount))})


COST_PLAIN = N_("{amount} per bulan")
COST_UNTIL = N_("{amount} per bulan sampai {until}, lalu {after}")
COST_TRANSPORT_LONGER = N_(
    "{amount} per bulan sampai {until} (pekerja transportasi sampai {transport_until}), lalu {after}"
)
COST_TRANSPORT_ONLY = N_(
    "{amount} per bulan; pekerja transportasi {transport_amount} sampai {transport_until}, lalu "
    "{after}"
)


COST_LIKELY_LONGER = N_(
    "{amount} per bulan sampai {until}, kemungkinan sampai {likely_until}; lalu {after}"
)
COST_LIKELY = N_("{amount} per bulan, kemungkinan sampai {likely_until}; lalu {after}")
# An amount on an income level that is not confirmed (bot/income_levels.py).
ESTIMATE = N_("perkiraan {cost}")
ESTIMATE_NOTE = N_(
    "Jumlah ini perkiraan: tingkat penghasilan {basis} belum dipastikan dengan tabel iuran BPU."
)


def cost_msg(q: Quote) -> Msg:
    """What the worker pays per month, e.g. "Rp8.400 per bulan sampai Desember 2026, lalu Rp16.800",
    said as an estimate ("perkiraan ...") when the income level is not confirmed.

    For an unknown sector that matters, the line says how the amount depends on it; for a sector
    that rests on a trade no source names (becak, dokar), the transport relief's end is likely.
    """
    said = _cost(q)
    return Msg(ESTIMATE, {"cost": said}) if q.estimate and q.self_paid else said


def amount_msg(amount: int, q: Quote) -> Param:
    """One amount of ``q`` in rupiah, said as an estimate when its income level is."""
    money = format_rupiah(amount)
    return Msg(ESTIMATE, {"cost": money}) if q.estimate and amount else money


def estimate_note(q: Quote) -> Msg | None:
    """Why an amount is an estimate, for the worker; None when the level is confirmed."""
    return Msg(ESTIMATE_NOTE, {"basis": format_rupiah(q.basis)}) if q.estimate else None


def _likely(q: Quote) -> Msg | None:
    """A becak or dokar worker's relief: certain as long as every sector's, likely after."""
    if not q.sector_likely or q.sector is not Sector.TRANSPORT or q.relief_until is None:
        return None
    other = quote(q.income, q.jht, q.payer, Sector.OTHER, q.on)
    if other.relief_until == q.relief_until or q.after is None or q.after == q.self_paid:
        return None
    money: dict[str, Param] = {
        "amount": format_rupiah(q.self_paid),
        "likely_until": month_year(q.relief_until),
        "after": format_rupiah(q.after),
    }
    if other.relief_until is not None and other.self_paid == q.self_paid:
        return Msg(COST_LIKELY_LONGER, {**money, "until": month_year(other.relief_until)})
    return Msg(COST_LIKELY, money)


def _cost(q: Quote) -> Msg:
    """``cost_msg`` without the estimate."""
    if (likely := _likely(q)) is not None:
        return likely
    if q.sector_matters:
        other, transport = q.for_sector(Sector.OTHER), q.for_sector(Sector.TRANSPORT)
        if transport.relief_until is not None and transport.after is not None:
            money: dict[str, Param] = {
                "amount": format_rupiah(other.self_paid),
                "transport_amount": format_rupiah(transport.self_paid),
                "after": format_rupiah(transport.after),
                "transport_until": month_year(transport.relief_until),
            }
            if other.relief_until is not None and other.self_paid == transport.self_paid:
                return Msg(
                    COST_TRANSPORT_LONGER, {**money, "until": month_year(other.relief_until)}
                )
            if other.relief_until is None:
                return Msg(COST_TRANSPORT_ONLY, money)
        # Shapes the rate data do not produce: say the higher, other-sector amount alone.
        q = other
    # A sponsor's relief (JKK and JKM) leaves the worker's own JHT as it is: nothing ends.
    if q.relief_until is not None and q.after is not None and q.after != q.self_paid:
        return Msg(
            COST_UNTIL,
            {
                "amount": format_rupiah(q.self_paid),
                "until": month_year(q.relief_until),
                "after": format_rupiah(q.after),
            },
        )
    return Msg(COST_PLAIN, {"amount": format_rupiah(q.self_paid)})
