"""Reading: the branch's queue, a submission's card, search, and a submission's audit trail."""

from __future__ import annotations

import re

from bot.clock import wib_text
from bot.flow.needs import EventOf
from bot.i18n import N_
from bot.messages import Block, Button, Msg, Reply
from bot.nik import clean_digits
from bot.officers.common import first_word, number, said
from bot.officers.context import DeskContext, DeskOutcome
from bot.officers.needs import (
    Audit,
    AuditOf,
    CardNotesOf,
    PendingCount,
    QueuePage,
    Search,
    SponsorOf,
    SubmissionOf,
)
from bot.officers.state import DeskState
from bot.officers.views import card, not_found, queue_line, search_line, text
from bot.phone import normalize_mobile

PAGE_SIZE = 10
LAST_PAGE = 100_000  # a million pending submissions; beyond that a page number is a typo
SEARCH_LIMIT = 20
AUDIT_LIMIT = 30  # newest entries shown by /audit (a card viewed 120 times is 120 entries)
PHONE_LIKE = re.compile(r"\+?[\d\s().\-]{8,}", re.ASCII)


def queue(state: DeskState, args: str, ctx: DeskContext) -> DeskOutcome:
    """/antrean [page]: the branch's pending submissions, oldest first, masked."""
    page = number(args, 1, LAST_PAGE) if args.strip() else 1
    if page is None:
        return said(state, text(N_("Tulis: /antrean [nomor halaman], misalnya /antrean 2")))
    total = ctx.fact(PendingCount())
    if total == 0:
        return said(state, text(N_("Antrean kosong: tidak ada pendaftaran yang menunggu.")))
    pages = (total + PAGE_SIZE - 1) // PAGE_SIZE
    if page > pages:
        return said(
            state,
            Reply(
                parts=(
                    Msg(
                        N_("Halaman {page} kosong: antrean hanya {pages} halaman."),
                        {"page": page, "pages": pages},
                    ),
                ),
                buttons=((Button(Msg(N_("Halaman 1")), "off:antrean:1"),),),
            ),
        )
    rows = ctx.fact(QueuePage(PAGE_SIZE, (page - 1) * PAGE_SIZE))
    first = (page - 1) * PAGE_SIZE + 1
    lines = [
        Msg(
            N_("<b>Antrean</b>: {total} menunggu, halaman {page}"),
            {"total": total, "page": page},
        )
    ]
    lines += [queue_line(first + i, sub, ctx.now) for i, sub in enumerate(rows)]
    numbered = [
        Button(
            Msg("{n}", {"n": first + i}), f"off:lihat:{sub.reference}", aliases=(str(first + i),)
        )
        for i, sub in enumerate(rows)
    ]
    buttons = [tuple(numbered[start : start + 5]) for start in range(0, len(numbered), 5)]
    paging = []
    if page > 1:
        paging.append(Button(Msg(N_("« Sebelumnya")), f"off:antrean:{page - 1}"))
    if page < pages:
        paging.append(Button(Msg(N_("Berikutnya »")), f"off:antrean:{page + 1}"))
    if paging:
        buttons.append(tuple(paging))
    return said(state, Reply(parts=(Block(tuple(lines)),), buttons=tuple(buttons)))


def view(state: DeskState, args: str, ctx: DeskContext) -> DeskOutcome:
    """/lihat <ref>: the whole submission; the view of the full NIK is audited."""
    reference = first_word(args)
    if not reference:
        return said(
            state,
            text(N_("Tulis: /lihat <nomor pendaftaran>, misalnya /lihat BPU-2026-000123")),
        )
    sub = ctx.fact(SubmissionOf(reference))
    if sub is None:
        return said(state, not_found(reference))
    notes = ctx.fact(CardNotesOf(sub.reference))
    event = ctx.fact(EventOf(sub.event_code)) if sub.event_code else None
    sponsor = ctx.fact(SponsorOf(sub.sponsor_id)) if sub.sponsor_id is not None else None
    seen = Audit("lihat", sub.reference, "NIK lengkap ditampilkan")
    shown = card(sub, notes, ctx.today, event, sponsor)
    state.card = sub.reference if shown.buttons else None  # its buttons may be typed next
    return DeskOutcome(state, [shown], effects=[seen])


def search(state: DeskState, args: str, ctx: DeskContext) -> DeskOutcome:
    """/cari <query>: 16 digits → NIK, a phone number → phone, otherwise a name."""
    query = args.strip()
    digits = clean_digits(query)
    phone = normalize_mobile(query) if PHONE_LIKE.fullmatch(query) else None
    if digits.isascii() and digits.isdigit() and len(digits) == 16:
        kind, value = "nik", digits
    elif isinstance(phone, str):
        kind, value = "phone", phone
    elif 3 <= len(query) <= 100:
        kind, value = "name", query
    else:
        return said(state, text(N_("Tulis: /cari <NIK, nomor HP, atau minimal 3 huruf nama>")))
    found = ctx.fact(Search(kind, value, SEARCH_LIMIT))
    looked = Audit("cari", None, f"{kind}: {len(found)} hasil")
    if not found:
        return DeskOutcome(state, [text(N_("Tidak ada yang cocok."))], effects=[looked])
    lines = [Msg(N_("<b>Hasil pencarian</b> ({count})"), {"count": len(found)})]
    lines += [search_line(sub) for sub in found]
    return DeskOutcome(state, [Reply(parts=(Block(tuple(lines)),))], effects=[looked])


def audit_trail(state: DeskState, args: str, ctx: DeskContext) -> DeskOutcome:
    """/audit <ref>: who viewed and decided what, and when (WIB); the newest entries only."""
    reference = first_word(args)
    if not reference:
        return said(state, text(N_("Tulis: /audit <nomor pendaftaran>")))
    sub = ctx.fact(SubmissionOf(reference))
    if sub is None:
        return said(state, not_found(reference))
    trail = ctx.fact(AuditOf(sub.reference, AUDIT_LIMIT))
    lines = [Msg(N_("<b>Riwayat {reference}</b>"), {"reference": sub.reference})]
    hidden = trail.total - len(trail.entries)
    if hidden > 0:
        lines.append(Msg(N_("({count} catatan lebih lama tidak ditampilkan.)"), {"count": hidden}))
    lines += [
        Msg(
            "{at} · {actor} · {action} {detail}",
            {
                "at": wib_text(entry.at),
                "actor": entry.actor_name or entry.actor,
                "action": entry.action,
                "detail": entry.detail,
            },
        )
        for entry in trail.entries
    ]
    return said(state, Reply(parts=(Block(tuple(lines)),)))
