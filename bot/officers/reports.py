"""Reports for partners: /statistik (funnel, where drafts stop, breakdowns, a chart), /ekspor
(XLSX or CSV with full data, built after the transaction in a worker process), /impor (KPJ
numbers and decisions from a spreadsheet, read off the event loop, applied in one transaction)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from datetime import date

from babel.numbers import format_decimal

from bot.charts import FUNNEL_LABELS
from bot.dates import parse_date
from bot.decision_sheet import ImportProblem, describe_problem
from bot.domain import Decision, ExportFilter, Statistics, Status
from bot.fields import OCCUPATIONS, SEX_LABELS
from bot.flow.questions import REGISTRY
from bot.i18n import N_
from bot.messages import Attachment, Block, Msg, Reply
from bot.officers.common import Answer, Family, ask, retry, said
from bot.officers.context import DeskContext, DeskOutcome, Upload
from bot.officers.decisions import apply_decision
from bot.officers.needs import (
    Audit,
    Existing,
    Order,
    OwnEvent,
    StatisticsOf,
)
from bot.officers.state import DeskState, Dialog, ImportForm
from bot.officers.views import (
    CANCEL,
    ECHO_LIMIT,
    STATUS_LABELS,
    more_lines,
    shorten,
    text,
)
from bot.officers.work import ExportJob, FunnelPicture
from bot.regions import region_by_code
from bot.validation import Invalid

RANGE = re.compile(r"(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})", re.ASCII)
IMPORT_NOTES_SHOWN = 30
NOTE_LIMIT = 200  # characters of one import problem (a cell may hold a whole paragraph)

# --- /statistik ------------------------------------------------------------------------------


def funnel_of(
    stats: Statistics, one_event: bool
) -> tuple[tuple[int, ...], tuple[int | None, ...]]:
    """The funnel's counts and each step's base for a percentage (None: no percentage).

    Link opens are counted for events only; of all events together, the submissions include
    those made without a link, so only the consents are a share of the opens then.
    """
    submitted = sum(stats.by_status.values())
    counts = (
        stats.opened,
        stats.consented,
        submitted,
        stats.by_status.get(Status.APPROVED, 0),
        stats.by_status.get(Status.REJECTED, 0),
    )
    base = stats.opened if stats.opened > 0 else None
    bases = (None, base, base, base, base) if one_event else (None, base, None, None, None)
    return counts, bases


def share(value: int, base: int | None) -> str:
    """' (45%)' of a base, or '' without one."""
    if base is None:
        return ""
    percent = format_decimal(100 * value / base, format="#,##0.#", locale="id_ID")
    return f" ({percent}%)"


def statistics(state: DeskState, args: str, ctx: DeskContext) -> DeskOutcome:
    """/statistik [event-code]: counts as text, then the funnel as a chart (drawn after commit)."""
    code = args.split()[0] if args.split() else None
    if code is not None and ctx.fact(OwnEvent(code)) is None:
        missing = text(N_("Acara {code} tidak ditemukan."), code=shorten(code, ECHO_LIMIT))
        return said(state, missing)
    stats = ctx.fact(StatisticsOf(code))
    counts, bases = funnel_of(stats, one_event=code is not None)
    lines = [
        Msg(N_("<b>Statistik {scope}</b>"), {"scope": code or Msg(N_("semua acara"))}),
        *(
            Msg("{label}: {count}{share}", {"label": Msg(label), "count": n, "share": share(n, b)})
            for label, n, b in zip(FUNNEL_LABELS, counts, bases, strict=True)
        ),
    ]
    stopped = [
        Msg("{label}: {count}", {"label": step_label(step), "count": n})
        for step, n in stats.stopped_at
    ]
    parts = [Block(tuple(lines))]
    if stopped:
        parts.append(Block((Msg(N_("<b>Draf berhenti di</b>")), *stopped)))
    parts.append(breakdown(N_("<b>Pekerjaan</b>"), stats.by_occupation, occupation_label))
    parts.append(breakdown(N_("<b>Kabupaten/kota</b>"), stats.by_region, region_label))
    parts.append(breakdown(N_("<b>Jenis kelamin</b>"), stats.by_sex, sex_label))
    chart = FunnelPicture(
        f"statistik-{ctx.now:%Y%m%d-%H%M%S}-{ctx.nonce[:6]}.png",
        tuple(zip(FUNNEL_LABELS, counts, strict=True)),
        bases,
        ctx.lang,
    )
    return DeskOutcome(state, [Reply(parts=tuple(parts))], pictures=[chart])


def step_label(step: str) -> Msg:
    """Where a draft stopped, in words."""
    declared = REGISTRY.by_step.get(step)
    if declared is None:  # a step a newer release added
        return Msg("{v}", {"v": step})
    return Msg(declared.stats or step)


def breakdown(title: str, rows: list[tuple[str, int]], label: Callable[[str], Msg]) -> Block:
    """One breakdown: a title and 'value: count' lines."""
    lines = [Msg("{label}: {count}", {"label": label(value), "count": n}) for value, n in rows]
    return Block((Msg(title), *(lines or [Msg(N_("Belum ada data"))])))


def occupation_label(value: str) -> Msg:
    """An occupation key (or the typed occupation) in words."""
    return Msg(OCCUPATIONS[value]) if value in OCCUPATIONS else Msg("{v}", {"v": value})


def region_label(value: str) -> Msg:
    """A kabupaten/kota code as its name."""
    region = region_by_code(value)
    return Msg("{v}", {"v": region.label if region else value})


def sex_label(value: str) -> Msg:
    """L/P in words."""
    labels = {str(sex): label for sex, label in SEX_LABELS.items()}
    return Msg(labels.get(value, value))


# --- /ekspor ----------------------------------------------------------------------------------


def export_filter(args: str, today: date) -> tuple[ExportFilter, str] | None:
    """'/ekspor [event-code | sponsor | YYYY-MM-DD..YYYY-MM-DD] [csv]' → the filter and format."""
    chosen, fmt = ExportFilter(), "xlsx"
    for word in args.split():
        if word.lower() in ("csv", "xlsx"):
            fmt = word.lower()
        elif word.lower() == "sponsor":
            chosen = ExportFilter(sponsored=True)
        elif found := RANGE.fullmatch(word):
            start, end = (parse_date(part, today) for part in found.groups())
            if not isinstance(start, date) or not isinstance(end, date) or end < start:
                return None
            chosen = ExportFilter(start=start, end=end)
        elif len(word) <= 64:
            chosen = ExportFilter(event_code=word)
        else:
            return None
    return chosen, fmt


def export(state: DeskState, args: str, ctx: DeskContext) -> DeskOutcome:
    """/ekspor: audited here; the file is built after the transaction, in a worker process."""
    parsed = export_filter(args, ctx.today)
    if parsed is None:
        usage = N_("Tulis: /ekspor [kode acara | sponsor | 2026-01-01..2026-01-31] [csv]")
        return said(state, text(usage))
    chosen, fmt = parsed
    # Unique per update: two exports in the same minute must not overwrite each other's file.
    filename = f"pendaftaran-{ctx.now:%Y%m%d-%H%M%S}-{ctx.nonce[:6]}.{fmt}"
    job = ExportJob(ctx.officer.scope, chosen, fmt, filename, ctx.today)
    detail = shorten(args, 200) or "semua"
    return DeskOutcome(state, [], effects=[Audit("ekspor", None, detail)], export=job)


def exported(count: int, filename: str, data: bytes) -> Reply:
    """What the officer gets once the export is built (the runner calls this after commit)."""
    if count == 0:
        return text(N_("Tidak ada pendaftaran untuk diekspor."))
    return Reply(
        parts=(Msg(N_("Ekspor {count} pendaftaran, dengan data lengkap."), {"count": count}),),
        files=(Attachment(filename, data, photo=False),),
    )


# --- /impor -----------------------------------------------------------------------------------


def ask_import(state: DeskState, args: str, ctx: DeskContext) -> DeskOutcome:
    """/impor without a file: wait for the officer's next document (any other dialog ends)."""
    return ask(DeskState(Dialog.IMPORT_FILE, ImportForm()), question, ctx)


def question(state: DeskState, ctx: DeskContext) -> Reply:
    """Waiting for the file."""
    asked = N_(
        "Kirim berkas XLSX atau CSV dengan kolom Nomor pendaftaran dan Nomor KPJ (boleh juga "
        "Status dan Alasan)."
    )
    return Reply(parts=(Msg(asked),), buttons=((CANCEL,),))


def answer(state: DeskState, event: Answer, ctx: DeskContext) -> DeskOutcome:
    """Text while a file is awaited: say what is expected."""
    file_please = Invalid(N_("Kirim berkasnya sebagai dokumen (bukan teks), atau tekan Batal."))
    return retry(state, question, ctx, file_please)


def shortened(problem: ImportProblem) -> ImportProblem:
    """A problem whose echoed cells are short (a cell may hold a whole paragraph)."""
    params = {key: shorten(value, ECHO_LIMIT) for key, value in problem.params.items()}
    return replace(problem, params=params)


def apply_import(state: DeskState, upload: Upload, ctx: DeskContext) -> DeskOutcome:
    """Apply every good row in this one transaction (one notice per worker); list the rest.

    A file may hold 100,000 rows, most of them not in the officer's branches: the references are
    looked up at once, decisions are made only for those found, and a note is written only for
    the lines shown. (The transaction keeps other units of work waiting: it must stay short.)"""
    known = ctx.fact(Existing(tuple(row.reference for row in upload.rows)))
    found = [row for row in upload.rows if row.reference.upper() in known]
    orders = [
        Order(
            row.reference,
            Decision(Status.REJECTED, note=row.reason)
            if row.status == str(Status.REJECTED)
            else Decision(Status.APPROVED, kpj=row.kpj),
        )
        for row in found
    ]
    results, effects = (
        apply_decision(ctx, orders, via="impor", source=shorten(upload.filename, 60))
        if orders
        else ((), [])
    )
    # (line, what to say): a problem of the file, a reference not found, or one decided already.
    notes: list[tuple[int, ImportProblem | str | tuple[str, Status]]] = [
        (p.line, p) for p in upload.problems
    ]
    notes += [
        (row.line, row.reference) for row in upload.rows if row.reference.upper() not in known
    ]
    applied = 0
    for row, result in zip(found, results, strict=True):
        if result.submission is None:
            notes.append((row.line, row.reference))
        elif not result.applied:
            notes.append((row.line, (row.reference, result.submission.status)))
        else:
            applied += 1
    skipped = len({line for line, _ in notes})
    notes.sort(key=lambda note: note[0])
    lines = [import_note(line, note, ctx) for line, note in notes[:IMPORT_NOTES_SHOWN]]
    if len(notes) > IMPORT_NOTES_SHOWN:
        lines.append(more_lines(len(notes) - IMPORT_NOTES_SHOWN))
    summary = Msg(
        N_("Impor {filename}: {applied} diterapkan, {skipped} dilewati."),
        {"filename": shorten(upload.filename, 60), "applied": applied, "skipped": skipped},
    )
    after = DeskState() if state.dialog is Dialog.IMPORT_FILE else state
    reply = Reply(parts=(summary, *([Block(tuple(lines))] if lines else [])))
    return DeskOutcome(after, [reply], effects=effects)


def import_note(
    line: int, note: ImportProblem | str | tuple[str, Status], ctx: DeskContext
) -> Msg:
    """One line of an import's answer."""
    if isinstance(note, ImportProblem):
        problem = describe_problem(shortened(note), ctx.lang)
        return Msg("{text}", {"text": shorten(problem, NOTE_LIMIT)})
    if isinstance(note, str):
        return Msg(
            N_("Baris {line}: {reference} tidak ditemukan."), {"line": line, "reference": note}
        )
    reference, status = note
    already = N_("Baris {line}: {reference} sudah diputuskan ({status}).")
    return Msg(
        already, {"line": line, "reference": reference, "status": Msg(STATUS_LABELS[status])}
    )


FAMILY = Family(
    dialogs=frozenset({Dialog.IMPORT_FILE}),
    question=question,
    answer=answer,
    cancelled=N_("Dibatalkan. Tidak ada berkas yang diimpor."),
)
