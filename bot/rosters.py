"""Rosters: a sponsor's list of workers read from an XLSX or CSV and checked row by row.

Pure: bytes in, candidate rows out (``open_roster``, a stream read a chunk at a time; or
``read_roster``, the whole file); each line's checks that need neither the sponsor nor the database
(``pre_checked``, CPU-bound, run in a thread); then, with what storage knows (NIKs already
submitted, numbers never to invite again, the sponsor's places left), each row is kept or refused
with a reason (``RosterChecks``, which keeps what spans a file's chunks), and the officer gets a
per-row XLSX report (``RosterReportWriter``, NIKs and phones masked). Only the listed columns are
kept (docs/rosters.md). Nothing is sent at import.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import io
import itertools
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import StrEnum

import xlsxwriter  # type: ignore[import-untyped,unused-ignore]

from bot.decision_sheet import FILE_UNREADABLE, ImportProblem, describe_problem
from bot.domain import Sponsor
from bot.i18n import N_, translate
from bot.masking import mask_nik, mask_phone
from bot.messages import Msg, Param, Reply
from bot.nik import parse_nik
from bot.phone import normalize_mobile
from bot.places import match_home
from bot.regions import region_by_code
from bot.render import PLAIN, render_msg
from bot.uploads import ImportLimits, Refusal, stream_table
from bot.validation import Invalid

# The columns read, by the words a header may use for them (lower case, punctuation as spaces).
COLUMNS: dict[str, frozenset[str]] = {
    "nik": frozenset({"nik", "no nik", "nomor nik", "nomor induk kependudukan", "no ktp"}),
    "name": frozenset({"nama", "nama lengkap", "name", "nama pekerja"}),
    "phone": frozenset(
        {"hp", "no hp", "nomor hp", "telepon", "no telepon", "whatsapp", "no wa", "nomor wa"}
    ),
    "place": frozenset(
        {"desa", "kelurahan", "desa kelurahan", "kecamatan", "desa kecamatan", "wilayah"}
    ),
    "occupation": frozenset({"pekerjaan", "occupation", "profesi"}),
    "birth_place": frozenset({"tempat lahir", "birth place"}),
    "address": frozenset({"alamat", "address"}),
}
REQUIRED = ("nik", "name", "place")
_NOT_WORD = re.compile(r"[\W_]+")
TEXT_LIMIT = 120  # characters kept of a name, a place, an occupation; an address: twice

MISSING_COLUMNS = N_(
    "Berkas {filename} tidak punya kolom {columns}. Baris judul harus memuat NIK, Nama, Nomor HP "
    "dan Desa/Kecamatan (boleh juga Pekerjaan, Tempat lahir, Alamat)."
)
NIK_REPEATED = N_("NIK {nik} sudah ada di baris {first_line}.")
NIK_ACTIVE = N_("NIK {nik} sudah punya pendaftaran yang aktif.")
NAME_MISSING = N_("Nama kosong.")
PLACE_MISSING = N_("Desa/kecamatan kosong.")
PLACE_UNKNOWN = N_("Desa/kecamatan \u201c{place}\u201d tidak dikenal.")
OUTSIDE_SPONSOR = N_("{region} di luar wilayah sponsor.")
OVER_QUOTA = N_("Melebihi kuota sponsor.")
NUMBER_BLOCKED = N_("Nomor ini pernah menolak undangan; tidak diundang lagi.")


class RowState(StrEnum):
    """Where a roster row is; stored as text. Declared in the order a row goes through them
    (the order counts are shown in)."""

    IMPORTED = "imported"
    INVITED = "invited"  # queued in the outbox
    SENT = "sent"
    DELIVERED = "delivered"
    READ = "read"
    OPENED = "opened"  # the code was used
    VERIFIED = "verified"  # the NIK matched
    COMPLETED = "completed"  # submitted
    DECLINED = "declined"
    FAILED = "failed"  # with the platform's reason
    LOCKED = "locked"  # three wrong NIKs
    EXPIRED = "expired"


STATE_LABELS: dict[RowState, str] = {
    RowState.IMPORTED: N_("diimpor"),
    RowState.INVITED: N_("diundang"),
    RowState.SENT: N_("terkirim"),
    RowState.DELIVERED: N_("sampai"),
    RowState.READ: N_("dibaca"),
    RowState.OPENED: N_("dibuka"),
    RowState.VERIFIED: N_("NIK cocok"),
    RowState.COMPLETED: N_("selesai"),
    RowState.DECLINED: N_("menolak"),
    RowState.FAILED: N_("gagal"),
    RowState.EXPIRED: N_("kedaluwarsa"),
    RowState.LOCKED: N_("terkunci"),
}


@dataclass(frozen=True)
class PreChecked:
    """What a line's checks find without the sponsor or the database (done in a thread, before
    the transaction): the NIK and the phone read, and the kabupaten/kota the place may mean."""

    nik: str  # as read (its digits), or as typed when it is no NIK
    nik_problem: Invalid | None
    phone: str  # E.164, '' when none, or as typed when it is no mobile number
    phone_problem: Invalid | None
    regions: tuple[tuple[str, str], ...]  # (code, label) the place may mean, the NIK's first
    place_problem: Invalid | None


@dataclass(frozen=True)
class Candidate:
    """One data line of a roster file, as typed (trimmed)."""

    line: int
    nik: str
    name: str
    phone: str
    place: str
    occupation: str = ""
    birth_place: str = ""
    address: str = ""
    pre: PreChecked | None = None  # pre_checked's checks, once done


@dataclass(frozen=True)
class RosterFile:
    """What a roster file held: its data lines, or the problem that refused it whole.

    ``candidates`` is a tuple when the file was read whole (``read_roster``), or an iterator
    read once, in order, when it was opened as a stream (``open_roster``: a 50,000-line file is
    then checked and stored a chunk at a time, never held whole)."""

    filename: str
    candidates: Iterable[Candidate] = ()
    refusal: ImportProblem | None = None


@dataclass(frozen=True)
class RosterRow:
    """A checked row, as stored (its personal code is drawn by storage)."""

    line: int
    nik: str
    name: str
    phone: str  # E.164 or ''
    region_code: str  # kabupaten/kota, dotted ("34.01")
    place: str
    occupation: str = ""
    birth_place: str = ""
    address: str = ""


@dataclass(frozen=True)
class Checked:
    """A line's outcome: the row kept, or the problems that refused it."""

    line: int
    nik: str
    phone: str
    row: RosterRow | None
    problems: tuple[tuple[str, Mapping[str, Param]], ...] = ()


def _normalise(text: str) -> str:
    return _NOT_WORD.sub(" ", text.lower()).strip()


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime | date):
        value = value.isoformat()
    return " ".join(str(value).split())


def _columns(header: Sequence[object]) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, cell in enumerate(header):
        name = _normalise(_cell(cell))
        for key, words in COLUMNS.items():
            if name in words and key not in found:
                found[key] = index
    return found


def open_roster(data: bytes, filename: str, limits: ImportLimits) -> RosterFile:
    """A roster file opened as a stream of its data lines (the first line naming NIK, Nama and
    Desa/Kecamatan is the header); a file past a limit or without those columns is refused
    whole before any line is given. The lines are read as they are taken (``UnreadableFile``
    when an XLSX turns out malformed on the way)."""
    table = stream_table(data, filename, limits)
    if table is None:
        return RosterFile(
            filename, refusal=ImportProblem(1, FILE_UNREADABLE, {"filename": filename})
        )
    if isinstance(table, Refusal):
        return RosterFile(filename, refusal=ImportProblem(table.line, table.msgid, table.params))
    top = list(itertools.islice(table, 10))  # a title line or two may stand above the header
    header_at, columns = 0, {}
    for at, (_, cells) in enumerate(top):
        header_at, columns = at, _columns(cells)
        if all(key in columns for key in REQUIRED):
            break
    missing = [key for key in (*REQUIRED, "phone") if key not in columns]
    if missing:
        names = {"nik": "NIK", "name": "Nama", "place": "Desa/Kecamatan", "phone": "Nomor HP"}
        params = {"filename": filename, "columns": ", ".join(names[key] for key in missing)}
        return RosterFile(filename, refusal=ImportProblem(1, MISSING_COLUMNS, params))

    def pick(cells: Sequence[object], key: str, limit: int = TEXT_LIMIT) -> str:
        index = columns.get(key)
        return _cell(cells[index])[:limit] if index is not None and index < len(cells) else ""

    lines = itertools.chain(top[header_at + 1 :], table)
    candidates = (
        Candidate(
            line,
            pick(cells, "nik", 40),
            pick(cells, "name"),
            pick(cells, "phone", 40),
            pick(cells, "place"),
            pick(cells, "occupation"),
            pick(cells, "birth_place"),
            pick(cells, "address", 2 * TEXT_LIMIT),
        )
        for line, cells in lines
        if any(_cell(cell) for cell in cells)
    )
    return RosterFile(filename, candidates)


def read_roster(
    data: bytes, filename: str, limits: ImportLimits, today: date | None = None
) -> RosterFile:
    """A roster file read whole (``open_roster``'s lines in a tuple); with ``today``, each line's
    checks that need neither the sponsor nor the database are done too."""
    found = open_roster(data, filename, limits)
    if today is None:
        return replace(found, candidates=tuple(found.candidates))
    return replace(found, candidates=tuple(pre_checked(found.candidates, today)))


def pre_checked(
    candidates: Iterable[Candidate],
    today: date,
    places: Callable[[str, str | None], tuple[tuple[str, str], ...]] | None = None,
) -> Iterator[Candidate]:
    """Candidates with the checks that need neither the sponsor nor the database done (pure,
    CPU-bound: run it in a thread). Places repeat, so each is looked up once (``places``, a
    cache a caller may keep across a file's chunks)."""
    lookup = places or place_cache()
    return (replace(c, pre=pre_check(c, today, lookup)) for c in candidates)


def place_cache() -> Callable[[str, str | None], tuple[tuple[str, str], ...]]:
    """The kabupaten/kota a place may mean, remembered for the places of one file."""
    return functools.lru_cache(maxsize=4096)(_regions)


def _regions(place: str, nik_region: str | None) -> tuple[tuple[str, str], ...]:
    return tuple((r.code, r.label) for r in match_home(place, nik_region).regions)


def pre_check(
    candidate: Candidate,
    today: date,
    places: Callable[[str, str | None], tuple[tuple[str, str], ...]] = _regions,
) -> PreChecked:
    """The checks of one line that need neither the sponsor nor the database."""
    info = parse_nik(candidate.nik, today)
    nik_region = None
    if not isinstance(info, Invalid):
        nik_region = f"{info.regency_code[:2]}.{info.regency_code[2:]}"
        if region_by_code(nik_region) is None:
            nik_region = None
    phone = clean_phone(candidate.phone)
    regions: tuple[tuple[str, str], ...] = ()
    place_problem = None
    if not candidate.place:
        place_problem = Invalid(PLACE_MISSING)
    else:
        regions = places(candidate.place, nik_region)
        if not regions:
            place_problem = Invalid(PLACE_UNKNOWN, {"place": candidate.place[:40]})
    return PreChecked(
        nik=candidate.nik if isinstance(info, Invalid) else info.nik,
        nik_problem=info if isinstance(info, Invalid) else None,
        phone=candidate.phone if isinstance(phone, Invalid) else phone,
        phone_problem=phone if isinstance(phone, Invalid) else None,
        regions=regions,
        place_problem=place_problem,
    )


def phone_digest(key: bytes, e164: str) -> str:
    """The keyed hash a number is remembered by once it must never be invited again."""
    return hmac.new(key, e164.encode(), hashlib.sha256).hexdigest()


def clean_phone(typed: str) -> str | Invalid:
    """A roster's phone cell as E.164 ('' when empty)."""
    return normalize_mobile(typed) if typed.strip() else ""


def check_rows(
    candidates: Iterable[Candidate],
    sponsor: Sponsor,
    today: date,
    active_niks: frozenset[str],
    blocked_phones: frozenset[str],
) -> list[Checked]:
    """Each line of a whole file kept or refused (``RosterChecks`` on one chunk)."""
    return RosterChecks(sponsor, today).check(candidates, active_niks, blocked_phones)


class RosterChecks:
    """The checks of a file's lines, which may come in chunks: what spans chunks (the line each
    NIK was first seen on, and the sponsor's places left) is kept here, so a NIK repeated two
    chunks apart is refused and the quota holds over the whole file."""

    def __init__(self, sponsor: Sponsor, today: date) -> None:
        self.sponsor = sponsor
        self.today = today
        self.first_line: dict[str, int] = {}
        self.places_left = max(0, sponsor.quota - sponsor.taken)

    def check(
        self,
        candidates: Iterable[Candidate],
        active_niks: frozenset[str],
        blocked_phones: frozenset[str],
    ) -> list[Checked]:
        """Each line kept or refused: NIK structure and region, a NIK repeated in the file or
        with an active submission, the phone, the region within the sponsor's (the first the
        place may mean that the sponsor covers), numbers never to invite again, and the
        sponsor's places left (rows past the quota are refused in file order)."""
        return [self._one(c, active_niks, blocked_phones) for c in candidates]

    def _one(
        self, candidate: Candidate, active_niks: frozenset[str], blocked_phones: frozenset[str]
    ) -> Checked:
        pre = candidate.pre or pre_check(candidate, self.today)
        problems: list[tuple[str, Mapping[str, Param]]] = []
        nik = pre.nik
        if pre.nik_problem is not None:
            problems.append((pre.nik_problem.msgid, dict(pre.nik_problem.params)))
        elif nik in self.first_line:
            repeated = {"nik": mask_nik(nik), "first_line": str(self.first_line[nik])}
            problems.append((NIK_REPEATED, repeated))
        elif nik in active_niks:
            problems.append((NIK_ACTIVE, {"nik": mask_nik(nik)}))
        if pre.nik_problem is None:
            self.first_line.setdefault(nik, candidate.line)
        name = candidate.name.strip()
        if not name:
            problems.append((NAME_MISSING, {}))
        if pre.phone_problem is not None:
            problems.append((pre.phone_problem.msgid, dict(pre.phone_problem.params)))
        elif pre.phone and pre.phone in blocked_phones:
            problems.append((NUMBER_BLOCKED, {}))
        region = next((code for code, _ in pre.regions if code in self.sponsor.regions), None)
        if pre.place_problem is not None:
            problems.append((pre.place_problem.msgid, dict(pre.place_problem.params)))
        elif region is None:
            problems.append((OUTSIDE_SPONSOR, {"region": pre.regions[0][1]}))
        if not problems and self.places_left <= 0:
            problems.append((OVER_QUOTA, {}))
        if problems or region is None:
            return Checked(candidate.line, nik, pre.phone, None, tuple(problems))
        self.places_left -= 1
        row = RosterRow(
            candidate.line,
            nik,
            name,
            pre.phone,
            region,
            candidate.place,
            candidate.occupation,
            candidate.birth_place,
            candidate.address,
        )
        return Checked(candidate.line, nik, pre.phone, row)


def report_xlsx(
    checked: Iterable[Checked], lang: str = "id", refusal: ImportProblem | None = None
) -> bytes:
    """The per-row report: line, NIK and phone masked, kept or not, and why (in ``lang``)."""
    report = RosterReportWriter(lang, refusal)
    report.add(checked)
    return report.close()


class RosterReportWriter:
    """The per-row report written as a file's chunks are checked: each row goes to a temporary
    file at once (xlsxwriter's constant-memory mode), so a 50,000-line report is never held
    whole. Rows must come in file order."""

    def __init__(self, lang: str = "id", refusal: ImportProblem | None = None) -> None:
        self.lang = lang
        self.out = io.BytesIO()
        self.workbook = xlsxwriter.Workbook(
            self.out, {"constant_memory": True, "strings_to_formulas": False}
        )
        self.sheet = self.workbook.add_worksheet("Laporan")
        self.sheet.set_column(0, 0, 7)
        self.sheet.set_column(1, 3, 18)
        self.sheet.set_column(4, 4, 60)
        bold = self.workbook.add_format({"bold": True})
        header = [translate(N_("Baris"), lang), "NIK", translate(N_("Nomor HP"), lang)]
        header += [translate(N_("Hasil"), lang), translate(N_("Alasan"), lang)]
        self.sheet.write_row(0, 0, header, bold)
        self.at = 1
        self.results = {
            True: translate(N_("diimpor"), lang),
            False: translate(N_("ditolak"), lang),
        }
        if refusal is not None:
            why = describe_problem(refusal, lang)
            self.sheet.write_row(self.at, 0, [refusal.line, "", "", "", why])
            self.at += 1

    def add(self, checked: Iterable[Checked]) -> None:
        """The next lines' outcomes."""
        for one in checked:
            why = "; ".join(
                render_msg(Msg(msgid, params), self.lang, PLAIN) for msgid, params in one.problems
            )
            nik = mask_nik(one.nik) if one.nik else ""
            phone = mask_phone(one.phone) if one.phone else ""
            result = self.results[one.row is not None]
            self.sheet.write_row(self.at, 0, [one.line, nik, phone, result, why])
            self.at += 1

    def close(self) -> bytes:
        """The finished workbook."""
        self.workbook.close()
        return self.out.getvalue()


@dataclass(frozen=True)
class RosterDraft:
    """A roster to store: whose, on what basis, and until when."""

    sponsor_id: int
    branch: str
    agreement: str  # the sponsor's agreement reference
    whatsapp_consent: bool  # those listed agreed to be contacted on WhatsApp
    filename: str
    expires_at: datetime


@dataclass(frozen=True)
class RosterSummary:
    """A roster as /roster lists it: its rows counted by state."""

    id: int
    sponsor_id: int
    sponsor_name: str
    agreement: str
    created_at: datetime
    expires_at: datetime
    counts: Mapping[RowState, int]

    @property
    def total(self) -> int:
        """Every row imported."""
        return sum(self.counts.values())


@dataclass(frozen=True)
class SlipRow:
    """What a printed invitation slip says: the worker's name as listed and their code."""

    name: str
    code: str


NIK_TRIES = 3  # wrong NIKs against one code before it is locked
OPEN_STATES = frozenset(
    {
        RowState.IMPORTED,
        RowState.INVITED,
        RowState.SENT,
        RowState.DELIVERED,
        RowState.READ,
        RowState.OPENED,
        RowState.VERIFIED,
    }
)


@dataclass(frozen=True)
class Invitation:
    """A personal code as the worker's flow sees it before the NIK matches: no personal data."""

    code: str
    sponsor_id: int
    sponsor_name: str
    open: bool  # not completed, declined, expired, locked, nor past the roster's expiry


@dataclass(frozen=True)
class InvitationLookup:
    """A typed code looked up: the invitation, or None; ``paused`` when this sender typed too
    many wrong codes (then nothing was looked up)."""

    invitation: Invitation | None
    paused: bool = False


@dataclass(frozen=True)
class InvitedRow:
    """A roster row's data, given to the flow once the worker typed its NIK."""

    nik: str
    name: str
    phone: str
    region_code: str
    occupation: str
    birth_place: str
    address: str
    sponsor_id: int
    sponsor_name: str
    sponsor_payer: str  # bot.domain.Payer's value


@dataclass(frozen=True)
class InvitationMatch:
    """A typed NIK against an invitation: the row when it matched; else the tries left (0:
    the code is locked now)."""

    row: InvitedRow | None
    tries_left: int = 0


@dataclass(frozen=True)
class RowReport:
    """A roster row as its per-row report shows it (NIK and phone masked when written)."""

    line: int
    nik: str  # '' once deleted
    phone: str
    state: RowState
    reason: str
    reference: str | None


def states_xlsx(rows: Iterable[RowReport], lang: str = "id") -> bytes:
    """A roster's rows with where each invitation is: line, NIK and phone masked, state, the
    platform's reason of a failure, the registration it became."""
    out = io.BytesIO()
    workbook = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_formulas": False})
    sheet = workbook.add_worksheet("Undangan")
    bold = workbook.add_format({"bold": True})
    header = [translate(N_("Baris"), lang), "NIK", translate(N_("Nomor HP"), lang)]
    header += [translate(N_("Keadaan"), lang), translate(N_("Alasan"), lang)]
    header += [translate(N_("Nomor pendaftaran"), lang)]
    sheet.write_row(0, 0, header, bold)
    for at, row in enumerate(rows, start=1):
        nik = mask_nik(row.nik) if row.nik else ""
        phone = mask_phone(row.phone) if row.phone else ""
        state = translate(STATE_LABELS[row.state], lang)
        sheet.write_row(at, 0, [row.line, nik, phone, state, row.reason, row.reference or ""])
    sheet.set_column(0, 0, 7)
    sheet.set_column(1, 5, 18)
    workbook.close()
    return out.getvalue()


# A roster's WhatsApp invitation and its one reminder, as queued in the outbox (the first text
# names the template: handlers/whatsapp/templates.py; the same words as Meta's template, so the
# worker reads the same whether it goes as a template or, inside the 24-hour window, as text).
INVITATION_TEXT = N_(
    "Halo, {sponsor} mengundang Anda mendaftar BPJS Ketenagakerjaan (jaminan kecelakaan kerja "
    "dan kematian); iurannya mereka yang bayar. Tekan Daftar, atau balas DAFTAR {code}. Jika "
    "tidak berminat, tekan Tidak: nomor Anda tidak akan dihubungi lagi."
)
INVITATION_REMINDER_TEXT = N_(
    "Pengingat: undangan {sponsor} untuk mendaftar BPJS Ketenagakerjaan masih berlaku. Tekan "
    "Daftar, atau balas DAFTAR {code}. Ini pengingat terakhir."
)
INVITATION_REFERENCE = "roster:"  # the outbox's reference of an invitation: "roster:<row id>"
REMINDER_REFERENCE = "roster-reminder:"  # and of its reminder
# Rows that may still get their one reminder: invited, not yet opened, declined nor finished.
REMINDABLE = (RowState.INVITED, RowState.SENT, RowState.DELIVERED, RowState.READ)
# WhatsApp statuses, in the order a message goes through them (a late "sent" never undoes
# "read").
STATUS_ORDER = (RowState.INVITED, RowState.SENT, RowState.DELIVERED, RowState.READ)


def invitation_reply(sponsor: str, code: str, reminder: bool = False) -> Reply:
    """The outbox's invitation (or its reminder) to one roster row."""
    msgid = INVITATION_REMINDER_TEXT if reminder else INVITATION_TEXT
    return Reply(parts=(Msg(msgid, {"sponsor": sponsor, "code": code}),))


def invitation_days(count: int, daily: int) -> int:
    """Over how many days ``count`` invitations go at ``daily`` unique users per rolling 24
    hours (0: unlimited, all on the first)."""
    if count <= 0:
        return 0
    return 1 if daily <= 0 else -(-count // daily)


def invitation_delay_days(position: int, daily: int) -> int:
    """The day (0: today) the ``position``-th invitation of a batch is due."""
    return 0 if daily <= 0 else position // daily
