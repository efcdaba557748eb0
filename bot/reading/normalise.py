"""The first stage of reading: a typed answer as words with their place in the text.

Each word gets a *key* to compare: lower case, no accents, letters held down written once
("iyaaa" → "iya", as bot.yes_no squeezes them), common chat abbreviations written out ("yg",
"sy", "tdk", "gk"), a doubled word written "2" spelled twice ("kira2", "laki2"), and the regional
and everyday forms of a few answer words made standard (Javanese "nggih", "mboten", "ora";
Sundanese "sumuhun", "teu"; "ntar", "mengko"). Thumbs and ticks are words too ("👍" is "iya").
Zero-width characters are dropped; other emoji and punctuation are not words at all.

What is kept is always cut from the text as typed (``Said.span``), so a value never carries the
normalised form or the words around it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cached_property
from typing import NamedTuple

from bot.yes_no import squeeze

# Letters and digits; "laki-laki", "1.500.000" and "0812-3344" are several words.
_WORD = re.compile(r"[^\W_]+")
_INVISIBLE = frozenset({"Cc", "Cf"})
# The same for ASCII text (control characters that are not spaces), dropped by str.translate.
_ASCII_INVISIBLE = dict.fromkeys(
    c for c in range(128) if not chr(c).isspace() and unicodedata.category(chr(c)) in _INVISIBLE
)
_REPEATED = re.compile(r"([^\W\d_])\1+")
_DOUBLED = re.compile(r"([^\W\d_]{2,})2")
_EMOJI = {
    "👍": "iya",
    "👌": "iya",
    "✅": "iya",
    "✔": "iya",
    "🙆": "iya",
    "👎": "tidak",
    "❌": "tidak",
    "✖": "tidak",
    "🚫": "tidak",
    "🙅": "tidak",
}


def _table(rows: str) -> dict[str, tuple[str, ...]]:
    """ "a b c=x y" lines: each word left of "=" is written as the words on the right."""
    table: dict[str, tuple[str, ...]] = {}
    for line in rows.strip().splitlines():
        left, _, right = line.partition("=")
        for word in left.split():
            table[squeeze(word)] = tuple(right.split())
    return table


# Everyday, abbreviated and regional forms → the standard word(s). Left: as typed (squeezed),
# right: the key. Javanese (jv) and Sundanese (su) forms are marked where they are not plain
# Indonesian chat.
CANONICAL = _table(
    """
    ya iya iye iyes iyup yoi yup yes ok oke okey okay okeh oce siap sip=iya
    nggih enggih inggih ngih nggeh ngeh injih njih njeh iyo=iya
    sumuhun muhun=iya
    heeh hooh=iya
    tdk tak ga gak gk ngak nga enggak engga engak enga ndak nda endak kagak kaga kgk=tidak
    ora orak ra mboten boten=tidak
    teu henteu hente moal=tidak
    emoh ogah embung wegah=tidak mau
    monggo mangga sae=iya
    blm belom durung dereng=belum
    jgn jngn=jangan
    bkn sanes dudu=bukan
    bnr bener btl betul leres=benar
    sdh udah udh dah sampun wis uwis=sudah
    purun kersa hoyong daek gelem ikut=mau
    lengkapnya=lengkap
    nang=di
    menyang=ke
    ntar entar ntr nti tar mengko mengke mangke engke ngke=nanti
    bsk besuk sesuk isukan=besok
    bentar sbntar sebntar sakedap sekedap sedelok=sebentar
    mawon wae ae=saja
    dl dlu rumiyin heula disik dhisik sik=dulu
    satuju=setuju
    luwih=lebih
    kedah=perlu
    sing=yang
    ojo ojok=jangan
    teng wonten=di
    yg=yang
    sy sya aku aq ak gue gw gua ane kula kulo abdi=saya
    dgn dg=dengan
    utk tuk=untuk
    krn karna=karena
    skrg skrng skrang skr saiki=sekarang
    tp tpi=tapi
    lg lgi=lagi
    kl klo kalo=kalau
    jd jdi=jadi
    tgl tggl tangal tanggl=tanggal
    lhr lair lahirnya laire=lahir
    taksih tasih=masih
    nami=nama
    perbaiki diperbaiki perbaikin dibenerin benerin=perbaikan
    umurnya umure=umur
    usianya=usia
    kebaca=terbaca
    pensiunan=pensiun
    tmpt tmp=tempat
    almt alamt=alamat
    nmr nomer nmor nomr nomer=nomor
    hape hpe henpon handphone=hp
    whatsapp wasap watsap=wa
    telp tlp tlpn telpon tilpun=telepon
    thn=tahun
    bln=bulan
    krj=kerja
    kurleb=kurang lebih
    krg=kurang
    lbh=lebih
    sktr skitar sekitaran=sekitar
    namaku namaq namae namane jeneng jenenge asma wasta=nama saya
    namanya=nama
    alamatnya alamate=alamat
    nomornya nomore=nomor
    tanggalnya tanggale tglnya=tanggal
    tahunnya taune=tahun
    bulannya=bulan
    hpnya=hp
    kelaminnya=kelamin
    kotanya kabupatennya kabnya=kabupaten
    tempatnya=tempat
    jhtnya=jht
    ultah=ulang tahun
    ingetin ingatin ingetkan ingatkan diingatkan diingetin diingetke ingetke=ingatkan
    batalkan batalin dibatalkan dibatalin dibatalke batalke cancel=batal
    lanjutkan lanjutin terusin teruskan lanjutken lanjutkeun=lanjut
    kirimkan kirimin dikirim send=kirim
    hapuskan hapusin dihapus=hapus
    setujuin disetujui acc approve=setujui
    tolakin ditolak reject=tolak
    kerjaan pekerjaan pekerjaannya kerjanya gawean=kerja
    penghasilannya pendapatan pendapatannya gaji gajinya hasilnya=penghasilan
    cowok cowo lanang lalaki pameget=pria
    cewek cewe wedok wadon awewe=wanita
    """
)


def key(word: str) -> tuple[str, ...]:
    """The key(s) of one typed word: "Iyaaa" → ("iya",), "kira2" → ("kira", "kira")."""
    plain = word.casefold()
    if not plain.isascii():  # ASCII has no accents to take off
        folded = unicodedata.normalize("NFKD", plain)
        plain = "".join(c for c in folded if not unicodedata.combining(c))
    doubled = _DOUBLED.fullmatch(plain)
    if doubled:
        return key(doubled[1]) * 2
    plain = _REPEATED.sub(r"\1", plain)
    return CANONICAL.get(plain, (plain,))


class Word(NamedTuple):
    """One word's key and where it was typed (several keys of one word share the place). (A
    NamedTuple: a typed answer makes one per word, and a frozen dataclass is slower to make.)"""

    key: str
    start: int
    end: int


@dataclass(frozen=True)
class Said:
    """A typed answer: the text (invisible characters dropped) and its words."""

    text: str
    words: tuple[Word, ...]

    @cached_property
    def keys(self) -> tuple[str, ...]:
        """Every word's key, in order."""
        return tuple(w.key for w in self.words)

    def span(self, first: int, last: int) -> str:
        """The text as typed from word ``first`` to word ``last - 1`` (inclusive)."""
        if first >= last:
            return ""
        return self.text[self.words[first].start : self.words[last - 1].end]

    def find(self, phrase: tuple[str, ...], start: int = 0) -> int | None:
        """Where the keys ``phrase`` occur in a row, from word ``start`` on."""
        keys, size = self.keys, len(phrase)
        if size and phrase[0] not in keys:  # most phrases looked for are not there at all
            return None
        for at in range(start, len(keys) - size + 1):
            if keys[at : at + size] == phrase:
                return at
        return None


def said(raw: str) -> Said:
    """``raw`` read into words with their keys."""
    text = unicodedata.normalize("NFC", raw)
    if text.isascii():
        text = text.translate(_ASCII_INVISIBLE)
    else:
        text = "".join(c for c in text if c.isspace() or unicodedata.category(c) not in _INVISIBLE)
    text = " ".join(text.split())
    found: list[tuple[int, int, tuple[str, ...]]] = [
        (m.start(), m.end(), key(m[0])) for m in _WORD.finditer(text)
    ]
    if not text.isascii():  # every emoji word is outside ASCII
        for emoji, word in _EMOJI.items():
            found += [(m.start(), m.end(), (word,)) for m in re.finditer(re.escape(emoji), text)]
    words = tuple(
        Word(k, start, end) for start, end, keys in sorted(found, key=lambda f: f[0]) for k in keys
    )
    return Said(text, words)


class Phrases:
    """A table of phrases by their first and by their last key, each list in the table's order:
    which of them may start or end at a word is looked up instead of trying every phrase at
    every word (a name's lead-ins were a measurable part of reading it)."""

    __slots__ = ("_first", "_last")

    def __init__(self, table: tuple[tuple[str, ...], ...]) -> None:
        self._first: dict[str, list[tuple[str, ...]]] = {}
        self._last: dict[str, list[tuple[str, ...]]] = {}
        for phrase in table:
            self._first.setdefault(phrase[0], []).append(phrase)
            self._last.setdefault(phrase[-1], []).append(phrase)

    def starting(self, keys: tuple[str, ...], at: int) -> list[tuple[str, ...]]:
        """The phrases whose first key is the word at ``at``, in the table's order."""
        return self._first.get(keys[at], []) if 0 <= at < len(keys) else []

    def occur_in(self, keys: tuple[str, ...]) -> bool:
        """Whether one of the phrases occurs in ``keys`` (anywhere, its words in a row)."""
        for at, word in enumerate(keys):
            for phrase in self._first.get(word, ()):
                if keys[at : at + len(phrase)] == phrase:
                    return True
        return False

    def ending(self, keys: tuple[str, ...], end: int) -> list[tuple[str, ...]]:
        """The phrases whose last key is the word before ``end``, in the table's order."""
        return self._last.get(keys[end - 1], []) if 0 < end <= len(keys) else []


def phrases(rows: str) -> tuple[tuple[str, ...], ...]:
    """Phrases one a line (or several, comma-separated), as keys, longest first."""
    found = {
        tuple(k for word in phrase.split() for k in key(word))
        for line in rows.strip().splitlines()
        for phrase in line.split(",")
        if phrase.strip()
    }
    return tuple(sorted(found, key=lambda p: (-len(p), p)))
