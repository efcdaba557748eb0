"""Branch officers' commands: the queue, a submission's card, decisions, search, audit trail.

Channel-agnostic like the flow: commands come in as (name, args), answers go out as Replies.
Every decision and every view of a full NIK is written to the audit table; the worker is told of
every decision through the outbox, in the same transaction.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import TYPE_CHECKING

from bot.domain import FIELDS, OFFICER_COMMANDS, Decision, Flag, Status, Submission
from bot.flow.events import Block, Button, Command, Day, Incoming, Msg, Param, Press, Reply
from bot.flow.questions import FIELD_LABELS
from bot.flow.summary import answer_value, region_text
from bot.i18n import N_, format_rupiah
from bot.masking import mask_name, mask_nik, mask_phone
from bot.phone import normalize_mobile
from bot.validation import Invalid

if TYPE_CHECKING:
    from storage.repository import CardNotes, Repository

PAGE_SIZE = 10
SEARCH_LIMIT = 20
REFERENCE = re.compile(r"BPU-\d{4}-\d{6}", re.IGNORECASE)

FLAG_WORDS = {
    Flag.NIK_BIRTH_DATE_DIFFERS: N_("Tanggal lahir berbeda dari NIK (dikonfirmasi pekerja)"),
    Flag.NIK_SEX_DIFFERS: N_("Jenis kelamin berbeda dari NIK (dikonfirmasi pekerja)"),
    Flag.HOME_DIFFERS_FROM_NIK: N_("Tempat tinggal berbeda dari wilayah NIK"),
    Flag.NIK_REGION_UNKNOWN: N_("Kode wilayah NIK tidak ada di daftar wilayah sekarang"),
    Flag.POSSIBLE_DUPLICATE: N_("Mungkin ganda: nama dan tanggal lahir atau nomor HP sama"),
}

# Words officers may type for a field in /perbaikan.
FIELD_WORDS = {
    "nik": "nik",
    "tanggal_lahir": "birth_date",
    "tgl_lahir": "birth_date",
    "jenis_kelamin": "sex",
    "jk": "sex",
    "nama": "name",
    "tempat_lahir": "birth_place",
    "hp": "phone",
    "nomor_hp": "phone",
    "telepon": "phone",
    "kabupaten": "home_code",
    "kota": "home_code",
    "domisili": "home_code",
    "alamat": "address",
    "pekerjaan": "occupation",
    "penghasilan": "income",
    "jht": "jht",
}


def text(msgid: str, **params: Param) -> Reply:
    """A one-paragraph reply."""
    return Reply(parts=(Msg(msgid, params),))


def age_words(since: datetime, now: datetime) -> Msg:
    """How long a submission has waited, in words."""
    hours = int((now - since).total_seconds() // 3600)
    if hours < 1:
        return Msg(N_("baru"))
    if hours < 48:
        return Msg(N_("{n} jam"), {"n": hours})
    return Msg(N_("{n} hari"), {"n": hours // 24})


def queue_line(number: int, sub: Submission, now: datetime) -> Msg:
    """One queue row: reference, masked name and NIK, kabupaten, event, age, flags."""
    return Msg(
        N_("{number}. <b>{reference}</b> · {name} · {nik} · {region} · {event} · {age}{flags}"),
        {
            "number": number,
            "reference": sub.reference,
            "name": mask_name(sub.name),
            "nik": mask_nik(sub.nik),
            "region": region_text(sub.home_code),
            "event": sub.event_code or "-",
            "age": age_words(sub.submitted_at, now),
            "flags": f" · ⚠{len(sub.flags)}" if sub.flags else "",
        },
    )


class OfficerDesk:
    """The officer commands, over the repository."""

    def __init__(self, repo: Repository, kpj_length: int = 11) -> None:
        self.repo = repo
        self.kpj_length = kpj_length
        self.commands: dict[str, Callable[[str, str, datetime], Awaitable[list[Reply]]]] = {
            "antrean": self.queue,
            "lihat": self.view,
            "setujui": self.approve,
            "tolak": self.reject,
            "perbaikan": self.request_fix,
            "cari": self.search,
            "audit": self.audit_trail,
        }

    async def handle(self, officer: str, command: str, args: str, now: datetime) -> list[Reply]:
        """Run one officer command."""
        run = self.commands.get(command)
        if run is None:
            return [text(N_("Perintah petugas tidak dikenal."))]
        return await run(officer, args.strip(), now)

    async def queue(self, officer: str, args: str, now: datetime) -> list[Reply]:
        """/antrean [page]: pending submissions, oldest first, masked."""
        page = int(args) if args.isdigit() and int(args) > 0 else 1
        async with self.repo.officer() as desk:
            total = await desk.count_pending()
            rows = await desk.queue(PAGE_SIZE, (page - 1) * PAGE_SIZE)
        if not rows:
            return [text(N_("Antrean kosong: tidak ada pendaftaran yang menunggu."))]
        first = (page - 1) * PAGE_SIZE + 1
        lines = [
            Msg(
                N_("<b>Antrean</b>: {total} menunggu, halaman {page}"),
                {"total": total, "page": page},
            )
        ]
        lines += [queue_line(first + i, sub, now) for i, sub in enumerate(rows)]
        buttons: list[tuple[Button, ...]] = [
            (
                Button(
                    Msg("{reference}", {"reference": sub.reference}), f"off:lihat:{sub.reference}"
                ),
            )
            for sub in rows
        ]
        paging = []
        if page > 1:
            paging.append(Button(Msg(N_("« Sebelumnya")), f"off:antrean:{page - 1}"))
        if first + len(rows) - 1 < total:
            paging.append(Button(Msg(N_("Berikutnya »")), f"off:antrean:{page + 1}"))
        if paging:
            buttons.append(tuple(paging))
        return [Reply(parts=(Block(tuple(lines)),), buttons=tuple(buttons))]

    async def view(self, officer: str, args: str, now: datetime) -> list[Reply]:
        """/lihat <ref>: the whole submission; the full-NIK view is audited."""
        reference = args.split()[0].upper() if args else ""
        async with self.repo.officer() as desk:
            sub = await desk.get(reference)
            if sub is None:
                return [not_found(reference)]
            notes = await desk.card_notes(sub.reference)
            await desk.audit(officer, "lihat", sub.reference, "NIK lengkap ditampilkan", now)
        return [card(sub, notes)]

    async def approve(self, officer: str, args: str, now: datetime) -> list[Reply]:
        """/setujui <ref> <KPJ>."""
        words = args.split()
        if len(words) != 2:
            return [text(N_("Tulis: /setujui <nomor pendaftaran> <nomor KPJ>"))]
        kpj = words[1]
        if not (kpj.isdigit() and len(kpj) == self.kpj_length):
            return [
                text(
                    N_("Nomor KPJ harus {length} angka; yang Anda tulis: {kpj}"),
                    length=self.kpj_length,
                    kpj=kpj,
                )
            ]
        return await self.decide(officer, words[0], Decision(Status.APPROVED, kpj=kpj), now)

    async def reject(self, officer: str, args: str, now: datetime) -> list[Reply]:
        """/tolak <ref> <reason...>."""
        reference, _, reason = args.partition(" ")
        if not reason.strip():
            return [text(N_("Tulis: /tolak <nomor pendaftaran> <alasan>"))]
        decision = Decision(Status.REJECTED, note=reason.strip()[:300])
        return await self.decide(officer, reference, decision, now)

    async def request_fix(self, officer: str, args: str, now: datetime) -> list[Reply]:
        """/perbaikan <ref> <field[,field]> <note...>."""
        parts = args.split(maxsplit=2)
        if len(parts) < 3:
            return [text(N_("Tulis: /perbaikan <nomor pendaftaran> <bagian> <catatan>"))]
        fields = parse_fields(parts[1])
        if isinstance(fields, Invalid):
            return [Reply(parts=(Msg(fields.msgid, fields.params),))]
        decision = Decision(Status.NEEDS_FIX, note=parts[2].strip()[:300], fix_fields=fields)
        return await self.decide(officer, parts[0], decision, now)

    async def decide(
        self, officer: str, reference: str, decision: Decision, now: datetime
    ) -> list[Reply]:
        """Apply a decision once, audit it, and queue the worker's notification with it."""
        reference = reference.upper()
        async with self.repo.officer() as desk:
            result = await desk.decide(reference, decision, officer, now)
            sub = result.submission
            if sub is None:
                return [not_found(reference)]
            if not result.applied:
                return [already_decided(sub)]
            await desk.audit(
                officer, str(decision.status), reference, decision_detail(decision), now
            )
            await desk.notify(sub.channel, sub.user_id, worker_notice(sub), reference, now)
        return [
            text(
                N_("{reference}: {status}. Pekerja akan diberi tahu."),
                reference=reference,
                status=Msg(STATUS_LABELS[decision.status]),
            )
        ]

    async def search(self, officer: str, args: str, now: datetime) -> list[Reply]:
        """/cari <query>: 16 digits → NIK, a phone number → phone, otherwise a name."""
        query = args.strip()
        digits = re.sub(r"[\s.\-]", "", query)
        phone = normalize_mobile(query) if re.fullmatch(r"\+?[\d\s().\-]{8,}", query) else None
        if digits.isdigit() and len(digits) == 16:
            kind, value = "nik", digits
        elif isinstance(phone, str):
            kind, value = "phone", phone
        elif len(query) >= 3:
            kind, value = "name", query
        else:
            return [text(N_("Tulis: /cari <NIK, nomor HP, atau minimal 3 huruf nama>"))]
        async with self.repo.officer() as desk:
            found = await desk.search(kind, value, SEARCH_LIMIT)
            await desk.audit(officer, "cari", None, f"{kind}: {len(found)} hasil", now)
        if not found:
            return [text(N_("Tidak ada yang cocok."))]
        lines = [Msg(N_("<b>Hasil pencarian</b> ({count})"), {"count": len(found)})]
        lines += [search_line(sub) for sub in found]
        return [Reply(parts=(Block(tuple(lines)),))]

    async def audit_trail(self, officer: str, args: str, now: datetime) -> list[Reply]:
        """/audit <ref>: who viewed and decided what, and when."""
        reference = args.split()[0].upper() if args else ""
        async with self.repo.officer() as desk:
            sub = await desk.get(reference)
            if sub is None:
                return [not_found(reference)]
            trail = await desk.audit_trail(sub.reference)
        lines = [Msg(N_("<b>Riwayat {reference}</b>"), {"reference": sub.reference})]
        lines += [
            Msg(
                "{at} · {actor} · {action} {detail}",
                {
                    "at": at.strftime("%Y-%m-%d %H:%M UTC"),
                    "actor": actor,
                    "action": action,
                    "detail": detail,
                },
            )
            for at, actor, action, detail in trail
        ]
        return [Reply(parts=(Block(tuple(lines)),))]


STATUS_LABELS = {
    Status.APPROVED: N_("disetujui"),
    Status.REJECTED: N_("ditolak"),
    Status.NEEDS_FIX: N_("perlu perbaikan"),
    Status.SUBMITTED: N_("diajukan"),
    Status.DRAFT: N_("draf"),
}


def officer_command(event: Incoming) -> tuple[str, str] | None:
    """An officer's typed command or tapped 'off:<command>:<args>' button as (command, args)."""
    if isinstance(event, Command) and event.name in OFFICER_COMMANDS:
        return event.name, event.args
    if isinstance(event, Press) and event.data.startswith("off:"):
        _, command, args = [*event.data.split(":", 2), "", ""][:3]
        return command, args
    return None


def parse_fields(words: str) -> tuple[str, ...] | Invalid:
    """'nama,alamat' → ('name', 'address')."""
    fields = []
    for word in words.lower().split(","):
        field = FIELD_WORDS.get(word.strip())
        if field is None:
            return Invalid(
                N_("Bagian \u201c{word}\u201d tidak dikenal. Pilih dari: {choices}"),
                {"word": word.strip(), "choices": ", ".join(sorted(FIELD_WORDS))},
            )
        fields.append(field)
    return tuple(sorted(set(fields), key=FIELDS.index))


def decision_detail(decision: Decision) -> str:
    """The audit line of a decision."""
    if decision.status is Status.APPROVED:
        return f"KPJ {decision.kpj}"
    fields = ",".join(decision.fix_fields)
    return f"{fields} {decision.note or ''}".strip()


def not_found(reference: str) -> Reply:
    """The same answer for a reference that does not exist or that the officer may not see."""
    return text(N_("Pendaftaran {reference} tidak ditemukan."), reference=reference or "-")


def already_decided(sub: Submission) -> Reply:
    """Another decision came first."""
    return text(
        N_("{reference} sudah diputuskan ({status}) oleh {officer}. Tidak ada yang diubah."),
        reference=sub.reference,
        status=Msg(STATUS_LABELS[sub.status]),
        officer=sub.decided_by or "-",
    )


def search_line(sub: Submission) -> Msg:
    """A masked search result."""
    return Msg(
        N_("<b>{reference}</b> · {name} · {nik} · {phone} · {status}"),
        {
            "reference": sub.reference,
            "name": mask_name(sub.name),
            "nik": mask_nik(sub.nik),
            "phone": mask_phone(sub.phone),
            "status": Msg(STATUS_LABELS[sub.status]),
        },
    )


def card(sub: Submission, notes: CardNotes) -> Reply:
    """Every answer of a submission, its flags in words, and what else the officer must know."""
    lines = [
        Msg(
            N_("<b>{reference}</b> · {status}"),
            {"reference": sub.reference, "status": Msg(STATUS_LABELS[sub.status])},
        )
    ]
    for field, label in FIELD_LABELS.items():
        lines.append(
            Msg(
                N_("{label}: {value}"),
                {"label": Msg(label), "value": answer_value(field, sub.answers)},
            )
        )
    lines.append(Msg(N_("Acara: {event}"), {"event": sub.event_code or "-"}))
    lines.append(
        Msg(
            N_("Iuran bayar sendiri: {amount}/bulan"),
            {"amount": format_rupiah(sub.monthly_self_paid)},
        )
    )
    flag_lines = [Msg(N_("⚠ {flag}"), {"flag": Msg(FLAG_WORDS[flag])}) for flag in sub.flags]
    if notes.undeliverable:
        flag_lines.append(
            Msg(N_("⚠ Pemberitahuan ke pekerja tidak terkirim (bot diblokir atau chat hilang)"))
        )
    if notes.erasure_requested_at is not None:
        flag_lines.append(
            Msg(
                N_("⚠ Pekerja meminta datanya dihapus pada {day}"),
                {"day": Day(notes.erasure_requested_at.date())},
            )
        )
    actions = Msg(
        N_(
            "Putuskan: /setujui {reference} <KPJ> · /perbaikan {reference} <bagian> <catatan> · /tolak {reference} <alasan>"
        ),
        {"reference": sub.reference},
    )
    parts: list[Block | Msg] = [Block(tuple(lines))]
    if flag_lines:
        parts.append(Block(tuple(flag_lines)))
    parts.append(actions)
    return Reply(parts=tuple(parts))


def worker_notice(sub: Submission) -> Reply:
    """What the worker is told about a decision."""
    if sub.status is Status.APPROVED:
        return Reply(
            parts=(
                Msg(
                    N_(
                        "Selamat! Pendaftaran {reference} disetujui. Nomor kartu peserta (KPJ) Anda: <b>{kpj}</b>."
                    ),
                    {"reference": sub.reference, "kpj": sub.kpj or "-"},
                ),
                Msg(
                    N_(
                        "Simpan nomor ini. Iuran dibayar setiap bulan; tanyakan cara bayar di Kantor Cabang terdekat."
                    )
                ),
            )
        )
    if sub.status is Status.REJECTED:
        return Reply(
            parts=(
                Msg(
                    N_("Maaf, pendaftaran {reference} ditolak. Alasan: {reason}"),
                    {"reference": sub.reference, "reason": sub.note or "-"},
                ),
                Msg(N_("Anda boleh mendaftar lagi dengan /start setelah memperbaiki datanya.")),
            )
        )
    return Reply(
        parts=(
            Msg(
                N_("Pendaftaran {reference} perlu perbaikan. Catatan petugas: {note}"),
                {"reference": sub.reference, "note": sub.note or "-"},
            ),
            Block(
                tuple(
                    Msg(N_("• {field}"), {"field": Msg(FIELD_LABELS[f])}) for f in sub.fix_fields
                )
            ),
            Msg(N_("Tekan tombol di bawah untuk memperbaikinya; jawaban lain tetap tersimpan.")),
        ),
        buttons=((Button(Msg(N_("Perbaiki sekarang")), f"fix:{sub.reference}"),),),
    )
