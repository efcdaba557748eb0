"""Which programmes: JHT savings on top of JKK and JKM."""

from __future__ import annotations

from bot.contribution import Program
from bot.fields import Field, Kind
from bot.flow.buttons import yes_no_buttons
from bot.flow.context import Context, Outcome
from bot.flow.events import Answer, Press
from bot.flow.moves import finish, retry, unclear
from bot.flow.registry import Question
from bot.flow.state import Conversation, Step
from bot.flow.summary import contribution_for
from bot.i18n import N_, format_rupiah
from bot.messages import Msg, Reply


def ask_jht(conv: Conversation, ctx: Context) -> Reply:
    """Whether to add JHT savings, with what it costs for this income."""
    lines = contribution_for(conv.answers, ctx.today, jht=True).lines
    extra = sum(line.amount for line in lines if line.program is Program.JHT)
    return Reply(
        parts=(
            Msg(
                N_(
                    "Jaminan Hari Tua (JHT) adalah tabungan yang bisa Anda ambil saat berhenti "
                    "bekerja atau di usia 56 tahun. Tambahannya {extra} per bulan. Ikut JHT juga?"
                ),
                {"extra": format_rupiah(extra)},
            ),
        ),
        buttons=yes_no_buttons("jht", N_("Ya, ikut JHT"), N_("Tidak"), ("ikut",)),
    )


def on_jht(conv: Conversation, event: Answer, ctx: Context) -> Outcome:
    """JHT savings: yes or no."""
    if isinstance(event, Press) and event.data in ("jht:yes", "jht:no"):
        conv.answers.jht = event.data == "jht:yes"
        return finish(conv, ctx)
    return retry(conv, ctx, unclear(event))


QUESTIONS = (
    Question(
        Step.JHT,
        ask_jht,
        on_jht,
        in_turn=True,
        number=10,
        field=Field("jht", N_("Program JHT"), Kind.YES_NO, "JHT", "jht", ("jht",)),
        stats=N_("JHT"),
    ),
)
