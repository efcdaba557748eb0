"""What an answer does besides giving a value: "later" (a pause), a negation (that undoes a
button's word inside it), a correction of another answer named in words."""

from __future__ import annotations

import re

from bot.reading.leadins import CLOSERS, FILLERS
from bot.reading.normalise import Phrases, Said, phrases
from bot.reading.results import Ambiguous, Correction
from bot.yes_no import NEGATABLE

# "Later": the person will answer, not now. Wins over a yes ("iya nanti aja", "besok ya").
LATER = phrases(
    """
    nanti, besok, sebentar, tunggu, kapan kapan, lain kali, lain waktu, belum sempat, tunda
    jangan sekarang, ditunda, nanti lagi, nanti malam, nanti sore, lusa, minggu depan
    bulan depan, pikir pikir, dipikir dulu, mikir dulu, pikir dulu
    """
)
_LATER = Phrases(LATER)
# Words that turn the next words around ("jangan kirim", "tidak jadi", "belum mau").
NEGATORS = frozenset({"tidak", "belum", "jangan", "bukan"})
# Between a negator and the word it turns around: "jangan *di*kirim", "gak *jadi* batal".
_SOFTENERS = frozenset({"jadi", "mau", "usah", "perlu", "saya", "di", "dulu", "saja", "aja"})
# A negated action with "dulu" is a pause: "jangan kirim dulu" (but "nggak dulu", "ga usah
# dulu", "gak mau dulu" are a no for now).
PAUSE_AFTER_NEGATION = "dulu"
# Skipped after a negator to find the word it turns around ("gak *usah* dikirim dulu").
_AUXILIARIES = frozenset({"usah", "perlu", "mau", "jadi", "bisa", "di", "saya"})

# Words that say an answer is wrong or should change.
MARKERS = phrases(
    """
    salah, keliru, ganti, diganti, ubah, diubah, rubah, dirubah, ralat, koreksi, perbaiki
    diperbaiki, benerin, dibenerin, betulkan, edit, bukan, beda, typo, tidak sesuai, tidak cocok
    kurang, ketuker, tertukar, harusnya, seharusnya, mestinya, yang benar, salah ketik
    salah tulis, perbaikan
    """
)
_MARKERS = Phrases(MARKERS)
# Field → the words that name it in a correction (keys). Several fields for one word ("lahir"
# alone) are asked about unless the value shows which.
FIELD_NAMES: dict[str, tuple[tuple[str, ...], ...]] = {
    "nik": phrases("nik, ktp, nomor ktp, nomor nik, nomor induk, nomor"),
    "birth_date": phrases(
        """
        tanggal lahir, lahir tanggal, tanggal, tahun lahir, ulang tahun, bulan lahir, tahun
        bulan
        """
    ),
    "birth_place": phrases("tempat lahir, lahir di, kota lahir, kelahiran, tempat"),
    "sex": phrases("jenis kelamin, kelamin, jk, gender"),
    "name": phrases("nama, nama lengkap"),
    "phone": phrases("nomor hp, hp, nomor wa, wa, telepon, nomor telepon, no hp, no wa, nomor"),
    "home_code": phrases("kabupaten, kota, domisili, tempat tinggal, kab, tinggal"),
    "address": phrases("alamat, rt, rw, jalan, desa, rumah"),
    "occupation": phrases("kerja, profesi"),
    "income": phrases("penghasilan, pendapatan"),
    "jht": phrases("jht, hari tua, jaminan hari tua"),
}
# "lahir" alone: the date or the place, by what follows.
_BORN = ("lahir",)
SEX_WORDS = {
    "L": phrases("pria, laki laki, lelaki, laki, lk, l, bapak"),
    "P": phrases("wanita, perempuan, pr, p, ibu"),
}
# Between a field and its new value: "nama *jadi* Siti", "hp *yang benar* 0812…".
_CONNECTORS = phrases(
    """
    jadi, menjadi, ke, di, yang benar, saya, lahir, tanggal, harusnya, seharusnya, mestinya
    itu, yang, seharusnya adalah, ada
    """
)
_DIGIT = re.compile(r"[0-9]")
_CLAUSE_END = re.compile(r"[,.;:!?]")
# A "value" that only says how the answer is ("nama kurang *lengkap*"), not a new one.
_NO_VALUE = frozenset({"lengkap", "jelas", "benar", "sesuai", "tepat", "pas", "semua", "nya"})
# "tanggalnya benar *tapi* saya perempuan": the correction is in what follows.
_BUT = frozenset({"tapi", "tetapi", "cuma", "hanya", "namun"})


def is_later(said: Said) -> bool:
    """Whether the answer is "later" ("ntar aja", "nanti dulu", "besok ya", "jangan kirim
    dulu"), not an answer."""
    if _LATER.occur_in(said.keys):
        return True
    keys = said.keys
    for at, key in enumerate(keys):
        if key not in NEGATORS:
            continue
        turned = at + 1
        while turned < len(keys) and keys[turned] in _AUXILIARIES:
            turned += 1
        # An action put off ("jangan kirim dulu"), not an answer turned down ("gak setuju
        # dulu", "ga usah dulu": a no for now).
        if (
            turned < len(keys)
            and keys[turned] != PAUSE_AFTER_NEGATION
            and keys[turned] not in NEGATABLE
            and PAUSE_AFTER_NEGATION in keys[turned + 1 :]
        ):
            return True
    return False


def negated(said: Said, at: int) -> bool:
    """Whether the word at ``at`` is turned around by a negator before it ("jangan kirim",
    "gak jadi batal", "belum mau daftar"), in the same clause ("bukan, saya laki laki" is a
    no, then the answer)."""
    before = at - 1
    while before >= 0 and said.keys[before] in _SOFTENERS:
        before -= 1
    if before < 0 or said.keys[before] not in NEGATORS or at - before > 3:
        return False
    between = said.text[said.words[before].end : said.words[at].start]
    return not _CLAUSE_END.search(between)


def has_marker(said: Said) -> bool:
    """Whether the answer says something is wrong or should change."""
    return _MARKERS.occur_in(said.keys)


def _named(said: Said, allowed: tuple[str, ...]) -> list[tuple[int, int, str]]:
    """Every (start, end, field) a field's words name, longest first, never overlapping."""
    found: list[tuple[int, int, str]] = []
    table = sorted(
        ((phrase, field) for field in allowed for phrase in FIELD_NAMES.get(field, ())),
        key=lambda item: -len(item[0]),
    )
    for phrase, field in table:
        at = said.find(phrase)
        while at is not None:
            end = at + len(phrase)
            # The same words may name two fields ("nomor": the NIK's or the phone's).
            if not any(s < end and at < e and (s, e) != (at, end) for s, e, _ in found):
                found.append((at, end, field))
            at = said.find(phrase, at + 1)
    return sorted(found)


def _value_after(said: Said, at: int) -> str | None:
    """The words after ``at`` (connectors and markers skipped, particles at the end left out)."""
    end = len(said.words)
    skip = (*_CONNECTORS, *MARKERS, *FILLERS)
    moved = True
    while moved and at < end:
        moved = False
        for phrase in skip:
            if said.keys[at : at + len(phrase)] == phrase:
                at += len(phrase)
                moved = True
                break
    while end > at:
        tail = next(
            (p for p in CLOSERS if end - len(p) >= at and said.keys[end - len(p) : end] == p), None
        )
        if tail is None:
            break
        end -= len(tail)
    if all(k in _NO_VALUE for k in said.keys[at:end]):
        return None
    return said.span(at, end) or None


def _sex(said: Said, *, turned: bool = False) -> str | None:
    """The words a correction names the sex with ("bukan, saya perempuan": "perempuan");
    ``turned``: the one it says is wrong ("saya bukan perempuan")."""
    hits = [
        (at, -len(phrase), code)
        for code, words in SEX_WORDS.items()
        for phrase in words
        if (at := said.find(phrase)) is not None and negated(said, at) is turned
    ]
    if len({code for _, _, code in hits}) != 1:
        return None
    at, size, _ = min(hits)
    return said.span(at, at - size)


def _part(said: Said, first: int, end: int) -> Said:
    """The words from ``first`` to ``end - 1``, as said."""
    return Said(said.text, said.words[first:end])


def correction(
    said: Said, allowed: tuple[str, ...], *, marked: bool = False
) -> Correction | Ambiguous[Correction] | None:
    """The correction an answer names: a field of ``allowed`` with or without its new value, or
    several to choose from. Without a word that says something is wrong (``marked``: the
    question itself asked for one, as a read-back does), only a field named with a new value
    counts ("lahir saya 17 agustus 85")."""
    marked = marked or has_marker(said)
    buts = [at for at, k in enumerate(said.keys) if k in _BUT]
    if buts and buts[-1] + 1 < len(said.words):
        tail = correction(_part(said, buts[-1] + 1, len(said.words)), allowed, marked=marked)
        if tail is not None:
            return tail
        said = _part(said, 0, buts[-1])
    named = _named(said, allowed)
    if not named and "birth_date" in allowed and (at := said.find(_BORN)) is not None:
        rest = _value_after(said, at + 1)
        dated = rest is not None and _DIGIT.search(rest) is not None
        if dated or "birth_place" not in allowed:
            named = [(at, at + 1, "birth_date")]
        elif rest is not None:
            named = [(at, at + 1, "birth_place")]
        elif marked:
            return Ambiguous((Correction("birth_date"), Correction("birth_place")))
    if not named and "sex" in allowed and marked and (sex := _sex(said)) is not None:
        return Correction("sex", sex)
    if not named and "sex" in allowed and marked and _sex(said, turned=True) is not None:
        return Correction("sex")  # "saya bukan perempuan"
    if not named and "birth_date" in allowed and marked and _DIGIT.search(said.text):
        # "keliru, harusnya 12-05-1979" at the birth date's read-back.
        return Correction("birth_date", _value_after(said, 0))
    fields = list(dict.fromkeys(field for _, _, field in named))
    if not fields:
        return None
    if len(fields) > 1:
        return Ambiguous(tuple(Correction(field) for field in fields)) if marked else None
    _, end, field = named[0]
    value = _value_after(said, end)
    if not marked and value is None:
        return None
    return Correction(field, value)
