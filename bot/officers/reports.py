"""Reports for partners: /statistik (funnel, where drafts stop, breakdowns, a chart), /ekspor
(XLSX or CSV with full data, built in a worker process), /impor (KPJ numbers and decisions from
a spreadsheet, applied in one transaction)."""

from __future__ import annotations

import re
import tempfile
from collections.abc import Awaitable, Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from bot.charts import FUNNEL_LABELS, funnel_png
from bot.dates import parse_date
from bot.domain import Decision, ExportFilter, Status
from bot.fields import OCCUPATIONS, SEX_LABELS
from bot.flow.state import IN_PROGRESS, Step
from bot.i18n import N_
from bot.messages import Attachment, Block, Msg, Reply
from bot.officers.views import STATUS_LABELS, text, worker_notice
from bot.regions import region_by_code
from bot.spreadsheets import describe_problem, read_import

if TYPE_CHECKING:
    from bot.officers.desk import Later, OfficerDesk, Request

STEP_LABELS = {
    Step.CONSENT: N_("persetujuan data"),
    Step.NIK: N_("NIK"),
    Step.NIK_CONFIRM: N_("cek tanggal lahir dan jenis kelamin"),
    Step.BIRTH_DATE: N_("tanggal lahir"),
    Step.SEX: N_("jenis kelamin"),
    Step.NAME: N_("nama"),
    Step.BIRTH_PLACE: N_("tempat lahir"),
    Step.PHONE: N_("nomor HP"),
    Step.HOME_CONFIRM: N_("kabupaten/kota"),
    Step.HOME: N_("kabupaten/kota"),
    Step.ADDRESS: N_("alamat"),
    Step.OCCUPATION: N_("pekerjaan"),
    Step.OCCUPATION_OTHER: N_("pekerjaan"),
    Step.SECTOR: N_("pekerjaan"),
    Step.INCOME: N_("penghasilan"),
    Step.JHT: N_("JHT"),
    Step.SUMMARY: N_("ringkasan"),
    Step.EDIT_PICK: N_("ringkasan"),
}
RANGE = re.compile(r"(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})")


async def statistics(desk: OfficerDesk, req: Request) -> list[Reply]:
    """/statistik [event-code]: counts as text, then the funnel as a chart."""
    code = req.args.split()[0] if req.args.split() else None
    if code is not None and code not in {e.code for e in await req.session.events(10_000)}:
        return [text(N_("Acara {code} tidak ditemukan."), code=code)]
    stats = await req.session.statistics(code, frozenset(str(s) for s in IN_PROGRESS))
    submitted = sum(stats.by_status.values())
    funnel = (
        stats.opened,
        stats.consented,
        submitted,
        stats.by_status.get(Status.APPROVED, 0),
        stats.by_status.get(Status.REJECTED, 0),
    )
    lines = [
        Msg(N_("<b>Statistik {scope}</b>"), {"scope": code or Msg(N_("semua acara"))}),
        *(
            Msg("{label}: {count}", {"label": Msg(label), "count": count})
            for label, count in zip(FUNNEL_LABELS, funnel, strict=True)
        ),
    ]
    stopped = [
        Msg("{label}: {count}", {"label": Msg(STEP_LABELS.get(Step(step), step)), "count": n})
        for step, n in stats.stopped_at
    ]
    parts = [Block(tuple(lines))]
    if stopped:
        parts.append(Block((Msg(N_("<b>Draf berhenti di</b>")), *stopped)))
    parts.append(breakdown(N_("<b>Pekerjaan</b>"), stats.by_occupation, occupation_label))
    parts.append(breakdown(N_("<b>Kabupaten/kota</b>"), stats.by_region, region_label))
    parts.append(breakdown(N_("<b>Jenis kelamin</b>"), stats.by_sex, sex_label))
    chart = funnel_png(list(zip(FUNNEL_LABELS, funnel, strict=True)), req.lang)
    return [Reply(parts=tuple(parts), files=(Attachment("statistik.png", chart),))]


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
        else:
            chosen = ExportFilter(event_code=word)
    return chosen, fmt


async def export(desk: OfficerDesk, req: Request) -> Later | list[Reply]:
    """/ekspor: audited here; the file is built after this transaction, in a worker process."""
    parsed = export_filter(req.args, req.now.date())
    if parsed is None:
        return [text(N_("Tulis: /ekspor [kode acara | sponsor | 2026-01-01..2026-01-31] [csv]"))]
    chosen, fmt = parsed
    await req.session.audit(req.officer.user_id, "ekspor", None, req.args or "semua", req.now)
    scope = req.officer.scope

    async def build() -> list[Reply]:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / f"pendaftaran-{req.now:%Y%m%d-%H%M}.{fmt}"
            count = await desk.repo.export(scope, chosen, fmt, path)
            if count == 0:
                return [text(N_("Tidak ada pendaftaran untuk diekspor."))]
            data = path.read_bytes()
        return [
            Reply(
                parts=(
                    Msg(N_("Ekspor {count} pendaftaran, dengan data lengkap."), {"count": count}),
                ),
                files=(Attachment(path.name, data, photo=False),),
            )
        ]

    return desk.later(build)


async def ask_import(desk: OfficerDesk, req: Request) -> list[Reply]:
    """/impor without a file: wait for the officer's next document."""
    await req.session.set_dialog(req.officer.user_id, {"action": "impor"}, req.now)
    return [
        text(
            N_(
                "Kirim berkas XLSX atau CSV dengan kolom Nomor pendaftaran dan Nomor KPJ (boleh "
                "juga Status dan Alasan)."
            )
        )
    ]


async def apply_import(desk: OfficerDesk, req: Request, filename: str, data: bytes) -> list[Reply]:
    """Validate every row; apply all good ones in this one transaction, one notice per worker."""
    rows, problems = read_import(data, filename, desk.kpj_length)
    notes = [Msg("{text}", {"text": describe_problem(p, req.lang)}) for p in problems]
    skipped = {p.line for p in problems}
    applied = 0
    for row in rows:
        if row.status == "ditolak":
            decision = Decision(Status.REJECTED, note=row.reason)
        else:
            decision = Decision(Status.APPROVED, kpj=row.kpj)
        result = await req.session.decide(row.reference, decision, req.officer.user_id, req.now)
        if result.submission is None or not result.applied:
            skipped.add(row.line)
        if result.submission is None:
            notes.append(
                Msg(
                    N_("Baris {line}: {reference} tidak ditemukan."),
                    {"line": row.line, "reference": row.reference},
                )
            )
            continue
        if not result.applied:
            notes.append(
                Msg(
                    N_("Baris {line}: {reference} sudah diputuskan ({status})."),
                    {
                        "line": row.line,
                        "reference": row.reference,
                        "status": Msg(STATUS_LABELS[result.submission.status]),
                    },
                )
            )
            continue
        sub = result.submission
        await req.session.audit(
            req.officer.user_id, f"impor {decision.status}", sub.reference, filename, req.now
        )
        await req.session.notify(
            sub.channel, sub.user_id, worker_notice(sub), sub.reference, req.now
        )
        applied += 1
    await req.session.set_dialog(req.officer.user_id, None, req.now)
    summary = Msg(
        N_("Impor {filename}: {applied} diterapkan, {skipped} dilewati."),
        {"filename": filename, "applied": applied, "skipped": len(skipped)},
    )
    details = tuple(notes[:30])
    return [Reply(parts=(summary, *([Block(details)] if details else [])))]


COMMANDS: dict[str, Callable[[OfficerDesk, Request], Awaitable[list[Reply] | Later]]] = {
    "statistik": statistics,
    "ekspor": export,
    "impor": ask_import,
}
