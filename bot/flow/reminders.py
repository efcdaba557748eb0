"""What the outbox sends later, unasked: the reminder to finish a draft, and the monthly
reminder to pay that an approved worker asked for."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from bot.cost_text import month_year
from bot.domain import Status, Submission
from bot.flow.summary import contribution_for
from bot.i18n import N_
from bot.messages import Msg, Reply
from bot.payment import PaymentChannel, payment_reminder


def draft_reminder() -> Reply:
    """The one reminder to a worker who stopped half-way."""
    return Reply(
        parts=(
            Msg(
                N_(
                    "Pendaftaran BPJS Ketenagakerjaan Anda belum selesai. Jawaban Anda tersimpan; "
                    "ketik /start untuk melanjutkan."
                )
            ),
        )
    )


def payment_reminder_for(
    sub: Submission, today: date, channels: Sequence[PaymentChannel]
) -> Reply | None:
    """This month's reminder to pay, or None when there is nothing to remind of: not approved
    (any more), or a sponsor pays the whole package."""
    if sub.status is not Status.APPROVED:
        return None
    money = contribution_for(sub.answers, today)
    if money.self_paid == 0:
        return None
    return payment_reminder(sub.kpj or "-", money, channels, month_year(today))
