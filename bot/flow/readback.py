"""Questions that read an understood answer back for a tap: a place that led to a kabupaten
(or to several), an income per day or week as a monthly one, an occupation not in the list."""

from __future__ import annotations

from bot.flow.context import Context
from bot.flow.state import Conversation
from bot.i18n import N_, format_rupiah
from bot.income import PER_MONTH, WEEKS_PER_MONTH, WORKING_DAYS_PER_MONTH, Period
from bot.messages import Button, Msg, Reply
from bot.regions import region_by_code


def confirm_buttons(
    prefix: str, yes: str = N_("Ya"), no: str = N_("Bukan")
) -> tuple[tuple[Button, ...], ...]:
    """[Ya] [Bukan] for a read-back answer: ``prefix:yes`` and ``prefix:no``."""
    return (
        (
            Button(Msg(yes), f"{prefix}:yes", means=True),
            Button(Msg(no), f"{prefix}:no", means=False),
        ),
    )


def ask_home_choice(conv: Conversation, ctx: Context) -> Reply:
    """The kabupaten/kota a typed place led to: one to confirm, or several to pick from."""
    regions = [r for code in conv.home_candidates if (r := region_by_code(code)) is not None]
    place = conv.home_place
    if len(regions) == 1:
        region = regions[0]
        if place:
            asked = Msg(
                N_("{place} ada di <b>{region}</b>. Benar?"),
                {"place": place, "region": region.label},
            )
        else:
            asked = Msg(N_("Maksud Anda <b>{region}</b>?"), {"region": region.label})
        return Reply(
            parts=(asked,),
            buttons=(
                (
                    Button(Msg(N_("Ya")), f"home:{region.code}", means=True),
                    Button(Msg(N_("Bukan")), "home:none", aliases=("lain",), means=False),
                ),
            ),
        )
    if place:
        asked = Msg(
            N_("{place} ada di beberapa kabupaten/kota. Yang mana? Pilih, atau ketik lagi."),
            {"place": place},
        )
    else:
        asked = Msg(N_("Maksud Anda yang mana? Pilih, atau ketik lagi."))
    return Reply(
        parts=(asked,),
        buttons=tuple(
            (Button(Msg("{name}", {"name": r.label}), f"home:{r.code}"),) for r in regions
        ),
    )


def ask_income_confirm(conv: Conversation, ctx: Context) -> Reply:
    """A day's or a week's income, shown as the monthly figure it makes, for a tap."""
    amount, period = conv.pending_income or 0, Period(conv.pending_period or Period.DAY)
    values = {
        "amount": format_rupiah(amount),
        "monthly": format_rupiah(amount * PER_MONTH[period]),
    }
    if period is Period.WEEK:
        asked = Msg(
            N_("{amount} seminggu ≈ {monthly} sebulan ({weeks} minggu). Benar?"),
            {**values, "weeks": WEEKS_PER_MONTH},
        )
    else:
        asked = Msg(
            N_("{amount} sehari ≈ {monthly} sebulan ({days} hari kerja). Benar?"),
            {**values, "days": WORKING_DAYS_PER_MONTH},
        )
    return Reply(parts=(asked,), buttons=confirm_buttons("inccf"))


def ask_occupation_confirm(conv: Conversation, ctx: Context) -> Reply:
    """Typed work not in the list, kept as "Lainnya" after a tap."""
    return Reply(
        parts=(
            Msg(
                N_("Kami catat pekerjaan Anda sebagai Lainnya: “{work}”. Benar?"),
                {"work": conv.pending_work or ""},
            ),
        ),
        buttons=confirm_buttons("occok"),
    )
