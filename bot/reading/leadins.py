"""The words around a value, by the kind of question: "nik saya …", "no hp …", "nama saya …",
"saya tinggal di …", "lahir tgl …", greetings before, thanks and particles after.

They are cut off so that only the value is kept ("nama saya Siti Aminah" stores "Siti Aminah").
A form of address right before a name ("pak Slamet") is not cut: it is how the person is
called, not part of the KTP name, yet cutting it would be a guess, so the name reader asks
(bot.reading.answers); after the value ("Siti Aminah kak") it addresses the reader and goes.
"""

from __future__ import annotations

from enum import StrEnum

from bot.reading.normalise import Phrases, Said, phrases


class Kind(StrEnum):
    """What a typed value is: which lead-ins come before it."""

    NIK = "nik"
    PHONE = "phone"
    NAME = "name"
    BIRTH_PLACE = "birth_place"
    BIRTH_DATE = "birth_date"
    HOME = "home"
    ADDRESS = "address"
    OCCUPATION = "occupation"
    INCOME = "income"
    KPJ = "kpj"
    NOTE = "note"


# Before any value: greetings, politeness, a yes before the answer ("iya, 0812…"), pointers.
OPENERS = phrases(
    """
    halo, hallo, helo, hai, hi, assalamualaikum, assalamu alaikum, asalamualaikum, ass, salam
    selamat pagi, selamat siang, selamat sore, selamat malam, pagi, siang, sore, malam, punten
    permisi, maaf, mohon maaf, nuwun sewu, sugeng enjing, mohon, tolong
    iya, sudah, baik, baiklah, siap, ini, itu, berikut, yaitu, yakni, adalah, ialah, nih, tuh
    kak, min, admin, gan, sis, bro, kakak, mas, mbak, mba, pak, bu, bapak, ibu, bang, teh, kang
    """
)
# Forms of address that may be taken for part of a name (asked, never cut, before a name).
HONORIFICS = phrases(
    """
    pak, bapak, bpk, bp, bu, ibu, mas, mbak, mba, kak, kakak, bang, abang, dik, adik, dek, cak
    ning, teh, aa, akang, kang, neng, mang, bli, uda, uni, koh, ko, cik, ci, om, tante, mbah
    mbok, sdr, sdri, saudara, saudari, tuan, nyonya, nona
    """
)
# After any answer: particles, thanks, forms of address.
PARTICLES = phrases(
    """
    iya, dong, deh, sih, nih, tuh, kok, lah, loh, lho, saja, aja, yah, toh, mah, atuh, euy, ah
    kak, min, admin, gan, sis, bro, kakak, mas, mbak, mba, pak, bu, bapak, ibu, bang, teh, kang
    terima kasih, terimakasih, makasih, trims, tq, thx, thanks, matur nuwun, hatur nuhun, nuhun
    """
)
# After a value: particles, and words that only say the value is right or current.
CLOSERS = (
    *PARTICLES,
    *phrases(
        """
        sesuai ktp, seperti di ktp, sama dengan ktp, di ktp, benar, sudah benar
        sekarang, saat ini, juga, ini
        """
    ),
)
# Between a lead-in and the value.
FILLERS = phrases("saya, adalah, yaitu, yakni, ialah, ini, nya, sesuai ktp, di ktp, kita, iya")

LEADINS: dict[Kind, tuple[tuple[str, ...], ...]] = {
    Kind.NIK: phrases(
        """
        nik, nomor nik, no nik, nomor ktp, no ktp, ktp, nik ktp, e ktp, nomor induk kependudukan
        nomor induk, nomor, no
        """
    ),
    Kind.PHONE: phrases(
        """
        nomor hp, no hp, hp, nomor wa, no wa, wa, hp wa, no hp wa, nomor telepon, no telepon
        telepon, nomor, no, kontak, bisa dihubungi di, yang bisa dihubungi, dihubungi, hubungi
        aktif, yang aktif, pakai, pake
        """
    ),
    Kind.NAME: phrases(
        """
        nama, nama lengkap, nama saya, nama asli, perkenalkan, kenalkan, kenalin, panggil
        nama lengkap saya, atas nama, an, ibu saya, bapak saya, suami saya, istri saya
        anak saya, nama ibu saya, nama bapak saya, nama suami saya, nama istri saya, dengan
        """
    ),
    Kind.BIRTH_PLACE: phrases(
        """
        tempat lahir, lahir di, lahir, kelahiran, lahirnya di, asal, asli, asli dari, di, dari
        ttl, tempat, saya lahir di, lahir ing, ing, asli orang, orang, orang asli
        """
    ),
    Kind.BIRTH_DATE: phrases(
        """
        tanggal lahir, lahir tanggal, lahir, tanggal, lahir pada, pada, lahirnya, ttl
        lahir pada tanggal, tahun lahir
        """
    ),
    Kind.HOME: phrases(
        """
        tinggal di, domisili, domisili di, sekarang di, sekarang tinggal di, pindah ke
        sudah pindah ke, pindah, rumah di, rumah saya di, rumah, di, alamat di, tinggalnya di
        menetap di, ngontrak di, ngekos di, kos di, kost di, daerah, wilayah, tinggal, masuk
        masih di, masih, tetap di, masih tinggal di, neng, ning, sekarang
        """
    ),
    Kind.ADDRESS: phrases(
        """
        alamat, alamat lengkap, alamat rumah, alamat saya, rumah saya di, rumah di, tinggal di
        alamat lengkap saya, di, rumah saya, rumah saya di jalan
        """
    ),
    Kind.OCCUPATION: phrases(
        """
        kerja, kerja sebagai, kerja jadi, sebagai, jadi, profesi, sehari hari, mata pencaharian
        usaha, kerja saya
        """
    ),
    Kind.INCOME: phrases(
        """
        penghasilan, penghasilan saya, penghasilan sebulan, sebulan dapat, dapat, dapet, hasil
        per bulan, sebulan
        """
    ),
    Kind.KPJ: phrases(
        "kpj, nomor kpj, no kpj, kpjnya, nomor kartu, kartu, nomor peserta, no peserta, nomor"
    ),
    Kind.NOTE: phrases("alasan, alasannya, karena, catatan, soalnya, sebab"),
}


# A name lead-in anywhere in the text ("an", atas nama, only at the start).
_NAMED = tuple(p for p in LEADINS[Kind.NAME] if p != ("an",))
# Words that start something other than the name after it.
_AFTER_NAME = frozenset(
    {"umur", "usia", "tinggal", "lahir", "alamat", "nik", "hp", "wa", "kerja", "tahun", "asal"}
)


# The tables value_words tries, indexed once (normalise.Phrases): the lead-ins before each kind
# of value (with the fillers, and the openers except before a name), a name's lead-ins and
# greetings, and what may close a value.
_BEFORE = {
    kind: Phrases((*table, *FILLERS) if kind is Kind.NAME else (*table, *FILLERS, *OPENERS))
    for kind, table in LEADINS.items()
}
_NAMED_INDEX = Phrases(_NAMED)
_GREETINGS = Phrases(tuple(p for p in (*OPENERS, *FILLERS) if p not in HONORIFICS))
_CLOSERS = Phrases(CLOSERS)


def _match(said: Said, at: int, table: Phrases, end: int) -> int:
    """How many words from ``at`` (before ``end``) one phrase of ``table`` covers (0: none)."""
    keys = said.keys
    for phrase in table.starting(keys, at):
        if keys[at : at + len(phrase)] == phrase and at + len(phrase) <= end:
            return len(phrase)
    return 0


def _match_end(said: Said, first: int, end: int, table: Phrases) -> int:
    keys = said.keys
    for phrase in table.ending(keys, end):
        if end - len(phrase) >= first and keys[end - len(phrase) : end] == phrase:
            return len(phrase)
    return 0


def value_words(said: Said, kind: Kind) -> tuple[int, int]:
    """The first and (one past) the last word of the value: lead-ins, greetings and fillers
    before it and particles and thanks after it left out (nothing may be left: "nama saya")."""
    first, end = 0, len(said.words)
    before = _BEFORE[kind]
    if kind is Kind.NAME:
        # "pak, nama saya Slamet": an address before the lead-in is the reader being addressed;
        # after it ("nama saya pak Slamet") it stays, to be asked about. Words before a lead-in
        # later in the text are not the name ("yang daftar ibu saya, namanya Suminah").
        leads = [at for at in range(end) if _match(said, at, _NAMED_INDEX, end)]
        if leads:
            first = leads[-1]
        else:
            while first < end and (size := _match(said, first, _GREETINGS, end)):
                first += size
        # "Rahmat Hidayat, umur 45": what follows the name is about something else.
        end = next((at for at in range(first + 1, end) if said.keys[at] in _AFTER_NAME), end)
    while first < end and (size := _match(said, first, before, end)):
        first += size
    while end > first:
        size = _match_end(said, first, end, _CLOSERS)
        if not size:
            break
        end -= size
    return first, end


def value_text(said: Said, kind: Kind) -> str:
    """The value as typed, without the words around it."""
    return said.span(*value_words(said, kind))
