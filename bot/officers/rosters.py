"""Rosters: a sponsor's list of workers imported, listed, and printed as invitation slips.

/roster_impor [sponsor] (supervisors and admins, as for creating a sponsor) asks for the basis
of contacting the people listed (the sponsor's agreement reference, and whether they agreed to be
contacted on WhatsApp), then for the file (XLSX or CSV, opened in a thread before the transaction,
bot/rosters.py). The file is then checked and stored a chunk at a time, after the dialog's
transaction (handlers/roster_jobs.py); the good rows get a personal code each, and the officer
gets a one-line summary and a per-row XLSX report. Nothing is sent at import.
/roster lists the officer's branches' rosters with their rows counted by state; /roster_slip
<id> prints a roster's invitation slips (bot/slips.py); /roster_undang <id> (supervisors and
admins) queues its WhatsApp invitations once the officer confirmed the count and the days the
messaging limit spreads them over (docs/rosters.md).
"""

from __future__ import annotations

from datetime import timedelta

from bot.decision_sheet import FILE_UNREADABLE, ImportProblem, describe_problem
from bot.domain import Role, Sponsor
from bot.flow.events import Press
from bot.i18n import N_
from bot.messages import Block, Button, Day, Msg, Param, Reply
from bot.officers.common import CHOOSE, Answer, Family, ask, button_args, number, retry, said
from bot.officers.context import DeskContext, DeskOutcome, Upload
from bot.officers.needs import (
    Audit,
    InvitableCount,
    RosterRowsOf,
    Rosters,
    RosterSlips,
    Sponsors,
)
from bot.officers.state import ROSTER_DIALOGS, DeskState, Dialog, RosterForm
from bot.officers.views import CANCEL, ECHO_LIMIT, more_lines, shorten, text
from bot.officers.work import RosterImportJob, RosterInviteJob, RosterStates, SlipSheet
from bot.rosters import STATE_LABELS, RosterDraft, RowState, invitation_days
from bot.text import clean_free_text
from bot.validation import Invalid

ROSTERS_SHOWN = 20
SLIPS_PER_FILE = 400  # 50 pages: a file Telegram sends and a village office prints
ONLY_SUPERVISORS = N_("Perintah ini hanya untuk supervisor dan admin.")
NO_SPONSOR = N_("Belum ada sponsor. Buat dengan /sponsor_baru.")
# The states /roster counts, in the order a row goes through them.
COUNTED = tuple(RowState)


def own_sponsor(sponsor_id: int, ctx: DeskContext) -> Sponsor | None:
    """A sponsor of the officer's branches."""
    return next((s for s in ctx.fact(Sponsors()) if s.id == sponsor_id), None)


def begin(state: DeskState, args: str, ctx: DeskContext) -> DeskOutcome:
    """/roster_impor [sponsor id]: pick the sponsor, then the dialog (any other dialog ends)."""
    if ctx.officer.role is Role.PETUGAS:
        return said(state, text(ONLY_SUPERVISORS))
    sponsors = ctx.fact(Sponsors())
    words = args.split()
    if not words:
        if not sponsors:
            return said(state, text(NO_SPONSOR))
        rows = tuple(
            (Button(Msg("{name}", {"name": s.name}), f"off:roster_impor:{s.id}"),)
            for s in sponsors[:ROSTERS_SHOWN]
        )
        asked = Msg(N_("Daftar pekerja untuk sponsor yang mana?"))
        return said(state, Reply(parts=(asked,), buttons=rows))
    sponsor_id = number(words[0], 1, 2**62)
    sponsor = own_sponsor(sponsor_id, ctx) if sponsor_id is not None else None
    if sponsor is None:
        missing = N_("Sponsor {id} tidak ditemukan. Ketik /roster_impor untuk memilih.")
        return said(state, text(missing, id=shorten(words[0], ECHO_LIMIT)))
    return ask(DeskState(Dialog.ROSTER_AGREEMENT, RosterForm(sponsor.id)), question, ctx)


def question(state: DeskState, ctx: DeskContext) -> Reply:
    """The dialog's pending question."""
    form = state.form_as(RosterForm)
    sponsor = own_sponsor(form.sponsor_id, ctx)
    name = sponsor.name if sponsor else ""
    if state.dialog is Dialog.ROSTER_AGREEMENT:
        asked = N_(
            "Nomor perjanjian kerja sama dengan <b>{sponsor}</b> yang menjadi dasar daftar ini? "
            "Contoh: PKS 12/2026"
        )
        return Reply(parts=(Msg(asked, {"sponsor": name}),), buttons=((CANCEL,),))
    if state.dialog is Dialog.ROSTER_CONSENT:
        asked = N_(
            "Apakah semua orang di daftar ini sudah setuju dihubungi lewat WhatsApp? Meta "
            "mewajibkan persetujuan itu sebelum kita mengirim pesan lebih dulu. Tanpa itu, "
            "undangan hanya lewat slip cetak."
        )
        yes = Button(Msg(N_("Ya, sudah setuju")), "off:r_wa:1", aliases=("ya", "sudah"))
        no = Button(Msg(N_("Belum: slip cetak saja")), "off:r_wa:0", aliases=("belum", "slip"))
        return Reply(parts=(Msg(asked),), buttons=((yes,), (no,), (CANCEL,)))
    asked = N_(
        "Kirim berkas XLSX atau CSV dengan kolom NIK, Nama, Nomor HP dan Desa/Kecamatan (boleh "
        "juga Pekerjaan, Tempat lahir, Alamat). Belum ada yang dikirim ke pekerja saat impor."
    )
    return Reply(parts=(Msg(asked),), buttons=((CANCEL,),))


def holds(state: DeskState, ctx: DeskContext) -> bool:
    """Still a supervisor or admin, and the sponsor still of their branches."""
    form = state.form_as(RosterForm)
    return ctx.officer.role is not Role.PETUGAS and own_sponsor(form.sponsor_id, ctx) is not None


def answer(state: DeskState, event: Answer, ctx: DeskContext) -> DeskOutcome:
    """The agreement reference typed, the WhatsApp consent tapped; text while a file is awaited
    says what is expected."""
    form = state.form_as(RosterForm)
    if isinstance(event, Press):
        whatsapp = button_args(event, "r_wa")
        if state.dialog is Dialog.ROSTER_CONSENT and whatsapp in ("0", "1"):
            form.whatsapp = whatsapp == "1"
            return ask(DeskState(Dialog.ROSTER_FILE, form), question, ctx)
        return retry(state, question, ctx, CHOOSE)
    if state.dialog is Dialog.ROSTER_AGREEMENT:
        agreement = clean_free_text(event.text, 120)
        if isinstance(agreement, Invalid):
            return retry(state, question, ctx, agreement)
        form.agreement = agreement
        return ask(DeskState(Dialog.ROSTER_CONSENT, form), question, ctx)
    if state.dialog is Dialog.ROSTER_FILE:
        file_please = Invalid(
            N_("Kirim berkasnya sebagai dokumen (bukan teks), atau tekan Batal.")
        )
        return retry(state, question, ctx, file_please)
    return retry(state, question, ctx, CHOOSE)


def apply_import(state: DeskState, upload: Upload, ctx: DeskContext) -> DeskOutcome:
    """A roster file for the dialog's sponsor: the dialog ends, and the runner checks and
    stores the file a chunk at a time once this transaction has committed (nothing is sent);
    its answer is ``imported``."""
    form = state.form_as(RosterForm)
    sponsor = own_sponsor(form.sponsor_id, ctx)
    found = upload.roster
    if sponsor is None or found is None:  # the dialog ended while the file was read
        return said(
            DeskState(), text(N_("Berkas ini tidak dibaca. Mulai lagi dengan /roster_impor."))
        )
    if found.refusal is not None:
        problem = Msg("{text}", {"text": describe_problem(found.refusal, ctx.lang)})
        return ask(state, question, ctx, problem)
    draft = RosterDraft(
        sponsor_id=sponsor.id,
        branch=sponsor.branch,
        agreement=form.agreement,
        whatsapp_consent=form.whatsapp,
        filename=upload.filename[:200],
        expires_at=ctx.now + timedelta(days=ctx.config.roster_retention_days),
    )
    job = RosterImportJob(
        draft,
        sponsor,
        found,
        shorten(upload.filename, 60),
        f"laporan-{ctx.now:%Y%m%d-%H%M%S}-{ctx.nonce[:6]}.xlsx",
        ctx.lang,
        ctx.today,
        ctx.officer.user_id,
        ctx.officer.scope,
        ctx.now,
    )
    return DeskOutcome(DeskState(), roster_job=job)


def imported(job: RosterImportJob, roster_id: int | None, kept: int, refused: int) -> Reply:
    """The one-line answer to an import (its report is attached by the runner); ``roster_id``
    None when no line could be imported (nothing was kept)."""
    if roster_id is None:
        return text(
            N_("Daftar {filename}: tidak ada baris yang bisa diimpor ({refused} ditolak)."),
            filename=job.filename,
            refused=refused,
        )
    summary = N_(
        "Daftar {filename} untuk <b>{sponsor}</b> (nomor {id}): {kept} diimpor, {refused} "
        "ditolak. Belum ada yang dikirim. Rincian per baris ada di berkas laporan; slip "
        "undangan: /roster_slip {id}."
    )
    params: dict[str, Param] = {
        "filename": job.filename,
        "sponsor": job.sponsor.name,
        "id": roster_id,
        "kept": kept,
        "refused": refused,
    }
    return Reply(parts=(Msg(summary, params),))


def import_failed(job: RosterImportJob) -> Reply:
    """The answer when the file turned out unreadable midway (nothing of it was kept)."""
    problem = ImportProblem(1, FILE_UNREADABLE, {"filename": job.filename})
    return Reply(parts=(Msg("{text}", {"text": describe_problem(problem, job.lang)}),))


def list_rosters(state: DeskState, args: str, ctx: DeskContext) -> DeskOutcome:
    """/roster: the rosters of the officer's branches with their rows counted by state;
    /roster <id>: that roster's per-row report (XLSX)."""
    words = args.split()
    if words:
        return row_report(state, words[0], ctx)
    found = ctx.fact(Rosters(ROSTERS_SHOWN + 1))
    if not found:
        return said(state, text(N_("Belum ada daftar pekerja. Impor dengan /roster_impor.")))
    lines = [Msg(N_("<b>Daftar pekerja</b>"))]
    for roster in found[:ROSTERS_SHOWN]:
        counts = [
            Msg(
                "{label} {count}",
                {"label": Msg(STATE_LABELS[s]), "count": roster.counts.get(s, 0)},
            )
            for s in COUNTED
            if roster.counts.get(s, 0)
        ]
        lines.append(
            Msg(
                N_("<b>{id}</b> · {sponsor} · {total} baris · berlaku sampai {until}: {counts}"),
                {
                    "id": roster.id,
                    "sponsor": roster.sponsor_name,
                    "total": roster.total,
                    "until": Day(roster.expires_at.date()),
                    "counts": joined(counts),
                },
            )
        )
    if len(found) > ROSTERS_SHOWN:
        lines.append(more_lines(len(found) - ROSTERS_SHOWN))
    return said(state, Reply(parts=(Block(tuple(lines)),)))


def row_report(state: DeskState, typed: str, ctx: DeskContext) -> DeskOutcome:
    """One roster's rows and where each invitation is, NIKs and phones masked."""
    roster_id = number(typed, 1, 2**62)
    rows = ctx.fact(RosterRowsOf(roster_id)) if roster_id is not None else []
    if roster_id is None or not rows:
        missing = N_("Daftar {id} tidak ditemukan. Lihat nomornya di /roster.")
        return said(state, text(missing, id=shorten(typed, ECHO_LIMIT)))
    report = RosterStates(
        f"undangan-{roster_id}-{ctx.now:%Y%m%d-%H%M%S}.xlsx", tuple(rows), ctx.lang
    )
    done = text(
        N_("Keadaan tiap baris daftar {id}: {count} baris."), id=roster_id, count=len(rows)
    )
    return DeskOutcome(
        state, [done], effects=[Audit("roster", None, str(roster_id))], pictures=[report]
    )


def joined(parts: list[Msg]) -> Msg:
    """Msgs as one, separated by commas."""
    template = ", ".join(f"{{p{i}}}" for i in range(len(parts)))
    return Msg(template, {f"p{i}": part for i, part in enumerate(parts)})


def slips(state: DeskState, args: str, ctx: DeskContext) -> DeskOutcome:
    """/roster_slip <id> [part]: a PDF of the roster's invitation slips, 8 to an A4 page, at most
    SLIPS_PER_FILE to a file (a big roster is printed in parts)."""
    words = args.split()
    roster_id = number(words[0], 1, 2**62) if words else None
    part = number(words[1], 1, 10_000) if len(words) > 1 else 1
    if roster_id is None or part is None:
        usage = N_("Tulis: /roster_slip <nomor daftar> [bagian]. Lihat nomornya di /roster.")
        return said(state, text(usage))
    rows = ctx.fact(RosterSlips(roster_id))
    chosen = rows[(part - 1) * SLIPS_PER_FILE : part * SLIPS_PER_FILE]
    if not chosen:
        missing = N_("Daftar {id} tidak ditemukan, atau tidak ada slip yang perlu dicetak.")
        return said(state, text(missing, id=roster_id))
    parts = -(-len(rows) // SLIPS_PER_FILE)
    sheet = SlipSheet(
        f"slip-{roster_id}-{part}-{ctx.now:%Y%m%d-%H%M%S}.pdf",
        tuple(chosen),
        ctx.config.bot_username,
        ctx.config.whatsapp_number,
    )
    done = text(
        N_(
            "Slip undangan daftar {id}, bagian {part} dari {parts}: {count} orang, 8 per halaman A4."
        ),
        id=roster_id,
        part=part,
        parts=parts,
        count=len(chosen),
    )
    audit = Audit("roster_slip", None, f"{roster_id} {part}")
    return DeskOutcome(state, [done], effects=[audit], pictures=[sheet])


def invite(state: DeskState, args: str, ctx: DeskContext) -> DeskOutcome:
    """/roster_undang <id> (supervisors and admins): how many rows WhatsApp would invite and
    over how many days the messaging limit spreads them, with a button to confirm; the button
    (``/roster_undang <id> ya``, role and branch checked again) queues them in the outbox."""
    if ctx.officer.role is Role.PETUGAS:
        return said(state, text(ONLY_SUPERVISORS))
    words = args.split()
    roster_id = number(words[0], 1, 2**62) if words else None
    if roster_id is None:
        usage = N_("Tulis: /roster_undang <nomor daftar>. Lihat nomornya di /roster.")
        return said(state, text(usage))
    daily = ctx.config.messaging_limit
    if len(words) > 1 and words[1].lower() == "ya":
        job = RosterInviteJob(roster_id, daily, ctx.officer.user_id, ctx.officer.scope, ctx.now)
        return DeskOutcome(state, roster_job=job)
    count = ctx.fact(InvitableCount(roster_id))
    if not count:
        return said(state, text(NONE_TO_INVITE, id=roster_id))
    asked = Msg(
        N_(
            "Undang <b>{count}</b> orang dari daftar {id} lewat WhatsApp? Batas WhatsApp {limit} "
            "orang per 24 jam, jadi undangan terkirim selama {days} hari. Yang tanpa nomor HP, "
            "yang pernah menolak, dan daftar tanpa persetujuan WhatsApp tidak diundang."
        ),
        {
            "count": count,
            "id": roster_id,
            "limit": daily if daily else Msg(N_("tanpa batas")),
            "days": invitation_days(count, daily),
        },
    )
    yes = Button(Msg(N_("Ya, undang")), f"off:roster_undang:{roster_id} ya")
    return said(state, Reply(parts=(asked,), buttons=((yes,),)))


def invited(job: RosterInviteJob, queued: int) -> Reply:
    """The answer once the invitations are queued (``queued`` of them)."""
    if not queued:
        return text(NONE_TO_INVITE, id=job.roster_id)
    return text(
        N_(
            "{count} undangan WhatsApp daftar {id} masuk antrean, selama {days} hari. "
            "Keadaannya: /roster {id}."
        ),
        count=queued,
        id=job.roster_id,
        days=invitation_days(queued, job.daily),
    )


NONE_TO_INVITE = N_(
    "Tidak ada yang bisa diundang lewat WhatsApp dari daftar {id}: tidak ditemukan, tanpa "
    "persetujuan WhatsApp, sudah diundang, atau tanpa nomor HP."
)


FAMILY = Family(
    dialogs=ROSTER_DIALOGS,
    question=question,
    answer=answer,
    cancelled=N_("Dibatalkan. Daftar pekerja tidak diimpor."),
    holds=holds,
)
