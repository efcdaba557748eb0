"""Outreach events: /acara_baru (a short dialog) gives a deep link, a QR code and a poster;
/acara lists the branch's events with their counts; an event is closed after a confirmation.

A deployment with a WhatsApp number (WHATSAPP_DISPLAY_NUMBER) hands out the event's wa.me link
and its QR code too, and one poster carries both codes: the same event code reaches the flow
as /start <code> on Telegram and as "DAFTAR <code>" on WhatsApp."""

from __future__ import annotations

from datetime import date, timedelta

from bot.domain import EventDraft
from bot.flow.events import Press, Text
from bot.i18n import N_
from bot.links import telegram_link, whatsapp_link
from bot.messages import Block, Button, Day, Msg, Reply
from bot.officers.common import (
    CHOOSE,
    Answer,
    Family,
    ask,
    button_args,
    number,
    officer_date,
    retry,
    said,
)
from bot.officers.context import DeskConfig, DeskContext, DeskOutcome
from bot.officers.needs import (
    Audit,
    CloseEvent,
    CreateEvent,
    Events,
    OwnEvent,
    Sponsors,
)
from bot.officers.state import EVENT_DIALOGS, ClosingForm, DeskState, Dialog, EventForm
from bot.officers.views import CANCEL, ECHO_LIMIT, shorten, text
from bot.officers.work import Picture, PosterPicture, QrPicture
from bot.poster import PosterInfo
from bot.regions import match_region, region_by_code
from bot.text import clean_free_text
from bot.validation import Invalid

ORGANISERS = (
    N_("Kantor Cabang BPJS Ketenagakerjaan"),
    N_("Dinas Tenaga Kerja kabupaten/kota"),
    N_("Agen Perisai"),
)
EVENTS_SHOWN = 20
CLOSE_LABEL_LIMIT = 30  # characters of an event's name on its close button
PLACE_TYPED_LIMIT = 100
NO_SPONSOR = Button(
    Msg(N_("Tanpa sponsor")), "off:e_sponsor:0", aliases=("tidak ada", "tidak", "none")
)


def event_code(nonce: str) -> str:
    """A short code nobody can guess: 'ev' + the update's random word (Telegram's payload
    alphabet; the runner draws 64 random bits)."""
    return "ev" + nonce


def begin(state: DeskState, args: str, ctx: DeskContext) -> DeskOutcome:
    """/acara_baru: start the dialog (any other dialog ends)."""
    return ask(DeskState(Dialog.EVENT_NAME, EventForm()), question, ctx)


def question(state: DeskState, ctx: DeskContext) -> Reply:
    """The dialog's pending question."""
    form = state.form_as(EventForm)
    if state.dialog is Dialog.EVENT_NAME:
        asked = N_("Nama acara? Contoh: Sosialisasi BPU Pasar Wates")
        return Reply(parts=(Msg(asked),), buttons=((CANCEL,),))
    if state.dialog is Dialog.EVENT_DAY:
        return Reply(parts=(Msg(N_("Tanggal acara? Contoh: 12-12-2026")),), buttons=((CANCEL,),))
    if state.dialog is Dialog.EVENT_PLACE:
        choices = tuple(
            (
                Button(
                    Msg("{name}", {"name": region.label}),
                    f"off:e_tempat:{region.code}",
                    aliases=(region.label, region.name),
                ),
            )
            for code in form.candidates
            if (region := region_by_code(code)) is not None
        )
        asked = N_("Di kabupaten/kota mana? Contoh: Kulon Progo")
        return Reply(parts=(Msg(asked),), buttons=(*choices, (CANCEL,)))
    if state.dialog is Dialog.EVENT_ORGANISER:
        rows = tuple(
            (Button(Msg(o), f"off:e_penyelenggara:{i}"),) for i, o in enumerate(ORGANISERS)
        )
        return Reply(
            parts=(Msg(N_("Siapa penyelenggaranya? Pilih, atau ketik.")),),
            buttons=(*rows, (CANCEL,)),
        )
    sponsors = tuple(
        (Button(Msg("{name}", {"name": s.name}), f"off:e_sponsor:{s.id}", aliases=(s.name,)),)
        for s in ctx.fact(Sponsors())
        if form.day is not None and s.start_day <= form.day <= s.end_day
    )
    return Reply(
        parts=(Msg(N_("Ada sponsor yang membayar iuran JKK dan JKM peserta acara ini?")),),
        buttons=(*sponsors, (NO_SPONSOR,), (CANCEL,)),
    )


def answer(state: DeskState, event: Answer, ctx: DeskContext) -> DeskOutcome:
    """Typed text, or a tap on one of the pending question's buttons."""
    form = state.form_as(EventForm)
    if state.dialog is Dialog.EVENT_SPONSOR:
        if isinstance(event, Text):
            return retry(state, question, ctx, Invalid(N_("Pilih sponsor dengan tombol.")))
        return create(form, event, ctx)
    if state.dialog is Dialog.EVENT_PLACE:
        if isinstance(event, Press):
            return choose_region(state, form, button_args(event, "e_tempat") or "", ctx)
        found = match_region(event.text[:PLACE_TYPED_LIMIT])
        if found.region is not None:
            return choose_region(state, form, found.region.code, ctx)
        form.candidates = [r.code for r in found.candidates]
        if not found.candidates:
            return retry(
                state, question, ctx, Invalid(N_("Kabupaten/kota itu tidak kami temukan."))
            )
        similar = Msg(N_("Ada beberapa yang mirip: pilih salah satu, atau ketik lebih lengkap."))
        return ask(state, question, ctx, similar)
    if state.dialog is Dialog.EVENT_ORGANISER and isinstance(event, Press):
        index = number(button_args(event, "e_penyelenggara") or "", 0, len(ORGANISERS) - 1)
        if index is None:
            return retry(state, question, ctx, CHOOSE)
        form.organiser = ORGANISERS[index]
        return ask(DeskState(Dialog.EVENT_SPONSOR, form), question, ctx)
    if not isinstance(event, Text):
        return retry(state, question, ctx, CHOOSE)
    if state.dialog is Dialog.EVENT_DAY:
        day = event_day(event.text, ctx.today)
        if isinstance(day, Invalid):
            return retry(state, question, ctx, day)
        form.day = day
        return ask(DeskState(Dialog.EVENT_PLACE, form), question, ctx)
    words = clean_free_text(event.text, 80)
    if isinstance(words, Invalid):
        return retry(state, question, ctx, words)
    if state.dialog is Dialog.EVENT_NAME:
        form.name = words
        return ask(DeskState(Dialog.EVENT_DAY, form), question, ctx)
    form.organiser = words
    return ask(DeskState(Dialog.EVENT_SPONSOR, form), question, ctx)


def event_day(typed: str, today: date) -> date | Invalid:
    """The event's date: not more than two years ahead of today (WIB), a sure typo."""
    day = officer_date(typed, today)
    if isinstance(day, Invalid):
        return day
    if day > today + timedelta(days=2 * 366):
        return Invalid(N_("Tanggal itu lebih dari dua tahun lagi."))
    return day


def choose_region(state: DeskState, form: EventForm, code: str, ctx: DeskContext) -> DeskOutcome:
    """The event's place; it must lie in one of the officer's branches."""
    if region_by_code(code) is None:
        return retry(state, question, ctx, CHOOSE)
    branch = ctx.config.branch_for(code)
    scope = ctx.officer.scope
    if scope is not None and branch not in scope:
        outside = Invalid(
            N_("Tempat itu dilayani Kantor Cabang {branch}, di luar cabang Anda."),
            {"branch": branch},
        )
        return retry(state, question, ctx, outside)
    form.region, form.branch, form.candidates = code, branch, []
    return ask(DeskState(Dialog.EVENT_ORGANISER, form), question, ctx)


def event_poster(draft: EventDraft, sponsor_name: str | None, config: DeskConfig) -> PosterInfo:
    """What an event's poster shows (made when the event is created; the web desk's events
    page draws it again from the stored event)."""
    url = telegram_link(config.bot_username, draft.code)
    wa_number = config.whatsapp_number
    region = region_by_code(draft.region_code)
    return PosterInfo(
        draft.name,
        draft.day,
        region.label if region else draft.region_code,
        url,
        draft.organiser,
        sponsor_name,
        whatsapp_url=whatsapp_link(wa_number, draft.code) if wa_number else None,
    )


def create(form: EventForm, event: Press, ctx: DeskContext) -> DeskOutcome:
    """The sponsor chosen (or none): store the event, hand out its link, QR code and poster."""
    chosen = number(button_args(event, "e_sponsor") or "", 0, 2**62)
    sponsor = next((s for s in ctx.fact(Sponsors()) if s.id == chosen), None)
    assert form.day is not None  # the dialog asks the day before the sponsor
    draft = EventDraft(
        code=event_code(ctx.nonce),
        name=form.name,
        day=form.day,
        region_code=form.region,
        organiser=form.organiser,
        sponsor_id=sponsor.id if sponsor else None,
        branch=form.branch,
    )
    poster = event_poster(draft, sponsor.name if sponsor else None, ctx.config)
    url, wa_url = poster.url, poster.whatsapp_url
    links = [Msg(N_("Tautan pendaftaran: {url}"), {"url": url})]
    pictures: list[Picture] = [QrPicture(f"qr-{draft.code}.png", url)]
    if wa_url is not None:
        links = [
            Msg(N_("Tautan Telegram: {url}"), {"url": url}),
            Msg(N_("Tautan WhatsApp: {url}"), {"url": wa_url}),
        ]
        pictures.append(QrPicture(f"qr-wa-{draft.code}.png", wa_url))
    handout = Reply(
        parts=(
            Msg(N_("Acara <b>{name}</b> dibuat."), {"name": draft.name}),
            *links,
            Msg(N_("Kode QR dan poster (A4) terlampir.")),
        )
    )
    return DeskOutcome(
        DeskState(),
        [handout],
        effects=[CreateEvent(draft), Audit("acara_baru", None, draft.code)],
        pictures=[*pictures, PosterPicture(f"poster-{draft.code}.png", poster)],
    )


def list_events(state: DeskState, args: str, ctx: DeskContext) -> DeskOutcome:
    """/acara: the branch's events, newest first, with their counts and a close button."""
    events = ctx.fact(Events(EVENTS_SHOWN))
    if not events:
        return said(state, text(N_("Belum ada acara. Buat dengan /acara_baru.")))
    lines = [Msg(N_("<b>Acara</b>"))]
    buttons = []
    for e in events:
        lines.append(
            Msg(
                N_(
                    "<b>{name}</b> ({code}) · {day} · {status} · dibuka {opened} · setuju "
                    "{consented} · terkirim {submitted} · disetujui {approved}"
                ),
                {
                    "name": e.name,
                    "code": e.code,
                    "day": Day(e.day),
                    "status": Msg(N_("ditutup") if e.closed else N_("aktif")),
                    "opened": e.opened,
                    "consented": e.consented,
                    "submitted": e.submitted,
                    "approved": e.approved,
                },
            )
        )
        if not e.closed:
            label = Msg(N_("Tutup {name}"), {"name": shorten(e.name, CLOSE_LABEL_LIMIT)})
            buttons.append((Button(label, f"off:acara_tutup:{e.code}"),))
    return said(state, Reply(parts=(Block(tuple(lines)),), buttons=tuple(buttons)))


def close_event(state: DeskState, args: str, ctx: DeskContext) -> DeskOutcome:
    """A close button from /acara: ask to confirm first (any other dialog ends)."""
    code = args.strip()
    event = ctx.fact(OwnEvent(code)) if code else None
    if event is None:
        missing = text(N_("Acara {code} tidak ditemukan."), code=shorten(code, ECHO_LIMIT) or "-")
        return said(state, missing)
    if not event.open:
        return said(state, text(N_("Acara {name} sudah ditutup."), name=event.name))
    return ask(DeskState(Dialog.CLOSE_EVENT, ClosingForm(event.code, event.name)), confirm, ctx)


def confirm(state: DeskState, ctx: DeskContext) -> Reply:
    """Are you sure? Closing cannot be undone."""
    form = state.form_as(ClosingForm)
    yes = Button(Msg(N_("Ya, tutup")), "off:e_tutup:", aliases=("ya", "tutup"))
    return Reply(
        parts=(
            Msg(
                N_(
                    "Tutup acara <b>{name}</b> ({code})? Tautan dan kode QR-nya lalu membuka "
                    "pendaftaran biasa, tanpa nama acara. Ini tidak bisa dibatalkan."
                ),
                {"name": form.name, "code": form.code},
            ),
        ),
        buttons=((yes, CANCEL),),
    )


def on_confirm(state: DeskState, event: Answer, ctx: DeskContext) -> DeskOutcome:
    """'Ya, tutup': close the event (its link then opens the normal flow)."""
    form = state.form_as(ClosingForm)
    if event != Press("off:e_tutup:"):
        return retry(state, confirm, ctx, CHOOSE)
    if not ctx.fact(CloseEvent(form.code)):
        return said(DeskState(), text(N_("Acara {code} tidak ditemukan."), code=form.code))
    return DeskOutcome(
        DeskState(),
        [text(N_("Acara {name} ({code}) ditutup."), name=form.name, code=form.code)],
        effects=[Audit("acara_tutup", None, form.code)],
    )


def holds(state: DeskState, ctx: DeskContext) -> bool:
    """The place chosen so far (if any) is still in one of the officer's branches."""
    branch, scope = state.form_as(EventForm).branch, ctx.officer.scope
    return not branch or scope is None or branch in scope


def still_own(state: DeskState, ctx: DeskContext) -> bool:
    """The event to close is still one of the officer's branches' events."""
    return ctx.fact(OwnEvent(state.form_as(ClosingForm).code)) is not None


FAMILY = Family(
    dialogs=EVENT_DIALOGS,
    question=question,
    answer=answer,
    cancelled=N_("Dibatalkan. Acara tidak dibuat."),
    holds=holds,
)
CLOSING = Family(
    dialogs=frozenset({Dialog.CLOSE_EVENT}),
    question=confirm,
    answer=on_confirm,
    cancelled=N_("Dibatalkan. Acara tetap aktif."),
    holds=still_own,
)
