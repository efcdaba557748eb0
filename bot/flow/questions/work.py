"""The questions about a worker's work: occupation (a button, words that mean one, or "Lainnya"),
the sector where it matters, and income (a month's, or a day's or week's confirmed as a month's)."""

from __future__ import annotations

from dataclasses import replace

from bot.contribution import sector_question_matters
from bot.cost_text import month_year
from bot.fields import OCCUPATIONS, OTHER_OCCUPATION, Field, Kind
from bot.flow.buttons import NUMBERED_OVER, confirm_buttons, yes_no_buttons
from bot.flow.context import Context, Outcome
from bot.flow.events import Answer, Press, Read, Text
from bot.flow.moves import CHOOSE, finish, goto, retry, say, unclear
from bot.flow.offers import TEXT, Item, offer
from bot.flow.reading import again_at
from bot.flow.registry import Question
from bot.flow.state import Conversation, Step
from bot.flow.summary import contribution_for
from bot.i18n import N_, format_rupiah
from bot.income import (
    PER_MONTH,
    PERIOD_WORDS,
    WEEKS_PER_MONTH,
    WORKING_DAYS_PER_MONTH,
    IncomeReading,
    Period,
    read_income,
)
from bot.income_levels import lowest_level
from bot.messages import Button, Msg, Param, Part, Reply
from bot.occupations import OccupationReading
from bot.reading.answers import read_choice, read_income_readback, read_occupation
from bot.reading.answers import read_income as read_amount_said
from bot.reading.results import Ambiguous, Confirm, Value, Why
from bot.sectors import SECTOR_QUESTION, Sector, sector_of
from bot.validation import Invalid


def on_occupation(conv: Conversation, event: Answer, ctx: Context) -> Outcome:
    """An occupation button, words that name one ("narik becak"), a known trade without a button
    ("mbatik"), or other work, kept as "Lainnya" after a confirming tap."""
    if isinstance(event, Press):
        key = event.data.removeprefix("occ:")
        if key == OTHER_OCCUPATION:
            return goto(conv, Step.OCCUPATION_OTHER, ctx)
        if key in OCCUPATIONS:
            return take_occupation(conv, ctx, key, None)
    if isinstance(event, Read) and isinstance(event.value, OccupationReading):
        return understood_work(conv, event.value, ctx)
    if isinstance(event, Read) and isinstance(event.value, Confirm):
        conv.pending_work = str(event.value.value)
        return goto(conv, Step.OCCUPATION_CONFIRM, ctx)
    return retry(conv, ctx, CHOOSE)


def on_occupation_other(conv: Conversation, event: Answer, ctx: Context) -> Outcome:
    """Typed work after choosing "Lainnya" (words that name a button still take the button)."""
    if isinstance(event, Read) and isinstance(event.value, OccupationReading):
        return understood_work(conv, event.value, ctx)
    if isinstance(event, Read) and isinstance(event.value, Confirm):
        return take_occupation(conv, ctx, OTHER_OCCUPATION, str(event.value.value))
    if isinstance(event, Press):
        return on_occupation(conv, event, ctx)
    return retry(conv, ctx, Invalid(N_("Ketik pekerjaan Anda.")))


def on_occupation_confirm(conv: Conversation, event: Answer, ctx: Context) -> Outcome:
    """Yes keeps the typed work as "Lainnya"; no shows the list again; more typing is a new
    answer to the occupation question."""
    if event == Press("occok:yes") and conv.pending_work:
        work, conv.pending_work = conv.pending_work, None
        return take_occupation(conv, ctx, OTHER_OCCUPATION, work)
    if event == Press("occok:no"):
        conv.pending_work = None
        return goto(conv, Step.OCCUPATION, ctx)
    if isinstance(event, Text):
        conv.pending_work = None
        return again_at(conv, Step.OCCUPATION, event.text, ctx)
    return retry(conv, ctx, unclear(event))


def read_work(text: str, conv: Conversation, ctx: Context, buttons: tuple[Button, ...]) -> object:
    """An occupation: a button named exactly or by its number, else words (bot.reading): the
    several buttons they name are offered, other work is kept as "Lainnya" after a tap."""
    if buttons:
        chosen = read_choice(text, buttons, numbered=len(buttons) > NUMBERED_OVER)
        if isinstance(chosen, Value):
            return chosen
    reading = read_occupation(text)
    if isinstance(reading, Ambiguous):
        return Ambiguous(tuple(f"occ:{key}" for key in reading.choices))
    return reading


def understood_work(conv: Conversation, reading: OccupationReading, ctx: Context) -> Outcome:
    """The occupation typed words name (echoed like a tap)."""
    if reading.key is not None:
        outcome = take_occupation(conv, ctx, reading.key, None)
        outcome.ack = Msg(OCCUPATIONS[reading.key])
        return outcome
    assert reading.trade is not None  # the reader gives several keys as Ambiguous
    outcome = take_occupation(conv, ctx, OTHER_OCCUPATION, reading.trade)
    outcome.ack = Msg(N_("Lainnya: {work}"), {"work": reading.trade})
    return outcome


def take_occupation(conv: Conversation, ctx: Context, key: str, other: str | None) -> Outcome:
    """Keep the occupation and go on (to the sector question if it is needed)."""
    conv.answers.occupation = key
    conv.answers.occupation_other = other
    return after_occupation(conv, ctx)


def after_occupation(conv: Conversation, ctx: Context) -> Outcome:
    """The sector follows from most occupations; otherwise it is asked, but only while it
    changes what the worker pays (PP 50/2025's windows differ by sector)."""
    answers = conv.answers
    answers.sector = sector_of(answers.occupation, answers.occupation_other)
    if answers.sector is None and sector_question_matters(ctx.today):
        return goto(conv, Step.SECTOR, ctx)
    return finish(conv, ctx)


def on_sector(conv: Conversation, event: Answer, ctx: Context) -> Outcome:
    """Carries people or goods for pay: transport; otherwise every other sector."""
    if isinstance(event, Press) and event.data in ("sector:yes", "sector:no"):
        conv.answers.sector = Sector.TRANSPORT if event.data == "sector:yes" else Sector.OTHER
        return finish(conv, ctx)
    return retry(conv, ctx, unclear(event))


def on_income(conv: Conversation, event: Answer, ctx: Context) -> Outcome:
    """Monthly income by button or typed; a day's or week's is confirmed as a month's first, a
    hedged or ranged amount with a tap."""
    if isinstance(event, Press):
        return take_income(conv, ctx, int(event.data.removeprefix("inc:")))
    if isinstance(event, Read) and isinstance(event.value, Confirm):
        return confirm_income(conv, ctx, event.value)
    if isinstance(event, Read) and isinstance(event.value, IncomeReading):
        reading: IncomeReading | Invalid = event.value
    elif isinstance(event, Text):
        reading = read_income(event.text)
    else:
        return retry(conv, ctx, Invalid(N_("Ketik penghasilan Anda sebulan.")))
    if isinstance(reading, Invalid):
        return retry(conv, ctx, reading)
    if reading.period is not Period.MONTH:
        conv.pending_income, conv.pending_period = reading.amount, str(reading.period)
        return goto(conv, Step.INCOME_CONFIRM, ctx)
    notices: list[Part] = []
    if reading.spelled:
        # Read from words: say the figure, so a misreading shows before the summary.
        notices.append(
            Msg(
                N_("Kami baca: {income} {per}."),
                {"income": format_rupiah(reading.amount), "per": Msg(PERIOD_WORDS[Period.MONTH])},
            )
        )
    return take_income(conv, ctx, reading.monthly, *notices)


# How a hedged amount was read, said before "Maksud Anda …?".
CONFIRM_WHY = {
    Why.RANGE: N_("Kami ambil nilai tengahnya."),
    Why.USUAL: N_("Kami ambil yang biasanya."),
}


def confirm_income(conv: Conversation, ctx: Context, confirm: Confirm[object]) -> Outcome:
    """An amount said to vary, a range or several amounts: the one read, confirmed with a tap
    (a day's or a week's as the month it makes)."""
    reading = confirm.value
    assert isinstance(reading, IncomeReading)
    if reading.period is not Period.MONTH:
        conv.pending_income, conv.pending_period = reading.amount, str(reading.period)
        return goto(conv, Step.INCOME_CONFIRM, ctx)
    offer(
        conv,
        Item(
            TEXT,
            str(reading.amount),
            format_rupiah(reading.amount),
            Step.INCOME,
            N_("Penghasilan sebulan"),
        ),
    )
    why = CONFIRM_WHY.get(confirm.why)
    return say(conv, ctx, *((Msg(why),) if why else ()))


def read_income_answer(
    text: str, conv: Conversation, ctx: Context, buttons: tuple[Button, ...]
) -> object:
    """A bracket by its number ("nomor 2"), else an amount as people say it; when no amount is
    found, the refusal suggests an average."""
    chosen = read_choice(text, buttons) if buttons else None
    if isinstance(chosen, Value):
        return chosen
    reading = read_amount_said(text)
    if isinstance(reading, Invalid) and "jumlah uang" in reading.msgid:  # no amount found
        return Invalid(
            N_("{why} Kalau tidak tentu, ketik rata-ratanya sebulan, misalnya: 1,5 juta."),
            {"why": Msg(reading.msgid, dict(reading.params))},
        )
    if isinstance(reading, Value) and not any(c.isdigit() for c in text):
        return Value(replace(reading.value, spelled=True))  # said back: "Kami baca: …"
    return reading


def on_income_confirm(conv: Conversation, event: Answer, ctx: Context) -> Outcome:
    """Yes keeps the monthly figure; no asks the income again; a typed amount is a new answer."""
    pending, period = conv.pending_income, conv.pending_period
    if event == Press("inccf:yes") and pending is not None and period is not None:
        conv.pending_income = conv.pending_period = None
        return take_income(conv, ctx, pending * PER_MONTH[Period(period)])
    if event == Press("inccf:no"):
        conv.pending_income = conv.pending_period = None
        return goto(conv, Step.INCOME, ctx)
    if isinstance(event, Text):
        conv.pending_income = conv.pending_period = None
        return again_at(conv, Step.INCOME, event.text, ctx)
    return retry(conv, ctx, unclear(event))


def take_income(conv: Conversation, ctx: Context, amount: int, *notices: Part) -> Outcome:
    """Keep a monthly income; below the minimum basis is accepted and explained."""
    conv.answers.income = amount
    said = list(notices)
    if amount < lowest_level():
        said.append(
            Msg(
                N_(
                    "Penghasilan {income} kami catat. Iuran dihitung dari penghasilan terendah "
                    "yang berlaku, {basis}."
                ),
                {"income": format_rupiah(amount), "basis": format_rupiah(lowest_level())},
            )
        )
    return finish(conv, ctx, *said)


# --- the questions --------------------------------------------------------------------------


def ask_occupation(conv: Conversation, ctx: Context) -> Reply:
    """Occupation, by button."""
    return OCCUPATION_QUESTION


def _occupation_question() -> Reply:
    buttons = [
        Button(Msg(label), f"occ:{key}", aliases=(key.replace("_", " "),))
        for key, label in OCCUPATIONS.items()
    ]
    buttons.append(Button(Msg(N_("Lainnya")), f"occ:{OTHER_OCCUPATION}", aliases=("lain",)))
    rows = tuple(tuple(buttons[i : i + 2]) for i in range(0, len(buttons), 2))
    return Reply(parts=(Msg(N_("Apa pekerjaan Anda?")),), buttons=rows)


OCCUPATION_QUESTION = _occupation_question()  # the same for everyone: built once


def ask_occupation_other(conv: Conversation, ctx: Context) -> Reply:
    """Occupation, typed."""
    return Reply(
        parts=(
            Msg(N_("Ketik pekerjaan Anda.")),
            Msg(N_("Contoh: {example}"), {"example": "kusir dokar"}),
        )
    )


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


def ask_sector(conv: Conversation, ctx: Context) -> Reply:
    """Transport or not: asked only while PP 50/2025's relief differs by sector."""
    return Reply(
        parts=(
            Msg(
                N_(
                    "Keringanan iuran untuk pekerja transportasi berlaku lebih lama, jadi kami "
                    "perlu tahu:"
                )
            ),
            Msg(SECTOR_QUESTION),
        ),
        buttons=yes_no_buttons("sector", N_("Ya"), N_("Bukan")),
    )


# Income buttons: levels of the BPU income table (bot/data/income_levels.csv), so a tap pays
# exactly on what it says; anything else is typed and falls in its band.
INCOME_CHOICES = (1_000_000, 1_400_000, 2_000_000, 3_000_000, 5_000_000)


def ask_income(conv: Conversation, ctx: Context) -> Reply:
    """Monthly income: brackets with the contribution each implies, or typed."""
    rows = []
    for amount in INCOME_CHOICES:
        quote = contribution_for(conv.answers, ctx.today, jht=False, income=amount)
        values: dict[str, Param] = {
            "income": format_rupiah(amount),
            "cost": format_rupiah(quote.self_paid),
        }
        label = Msg(N_("{income} · iuran {cost}"), values)
        if quote.relief_until is not None and quote.self_paid:
            # A discounted amount says until when (PP 50/2025's relief is temporary).
            label = Msg(
                N_("{income} · iuran {cost} s.d. {until}"),
                {**values, "until": month_year(quote.relief_until)},
            )
        rows.append((Button(label, f"inc:{amount}"),))
    return Reply(
        parts=(
            Msg(N_("Berapa kira-kira penghasilan Anda sebulan? Pilih, atau ketik jumlahnya.")),
            Msg(N_("Contoh: {example}"), {"example": "1,5 juta / 800 ribu"}),
        ),
        buttons=tuple(rows),
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


QUESTIONS = (
    Question(
        Step.OCCUPATION,
        ask_occupation,
        on_occupation,
        in_turn=True,
        number=8,
        field=Field(
            "occupation",
            N_("Pekerjaan"),
            Kind.OCCUPATION,
            "Pekerjaan",
            "occupation",
            ("pekerjaan",),
        ),
        stats=N_("pekerjaan"),
        read=read_work,
    ),
    Question(
        Step.OCCUPATION_OTHER,
        ask_occupation_other,
        on_occupation_other,
        number=8,
        stats=N_("pekerjaan"),
        read=read_work,
    ),
    Question(
        Step.OCCUPATION_CONFIRM,
        ask_occupation_confirm,
        on_occupation_confirm,
        number=8,
        stats=N_("pekerjaan"),
    ),
    Question(Step.SECTOR, ask_sector, on_sector, number=8, stats=N_("pekerjaan")),
    Question(
        Step.INCOME,
        ask_income,
        on_income,
        in_turn=True,
        number=9,
        field=Field(
            "income", N_("Penghasilan"), Kind.MONEY, "Penghasilan", "income", ("penghasilan",)
        ),
        stats=N_("penghasilan"),
        shows_sponsor=True,
        read=read_income_answer,
    ),
    Question(
        Step.INCOME_CONFIRM,
        ask_income_confirm,
        on_income_confirm,
        number=9,
        stats=N_("penghasilan"),
        read=lambda text, conv, ctx, buttons: read_income_readback(text, buttons),
    ),
)
