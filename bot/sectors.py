"""Which PP 50/2025 sector a worker's occupation belongs to: transport or every other sector.

PP 50/2025 gives transport workers a longer contribution relief than everyone else, so the sector
decides what a self-paid worker pays in some months. Transport means carrying people or goods for
pay: the government named "pengemudi transportasi online atau ojol, ojek pangkalan, sopir, kurir,
dan logistik" (Menko Perekonomian, jpnn.com 15 Sep 2025); the Semarang Majapahit branch head named
"driver ojek online, kurir logistik, dan sopir" (ANTARA Jateng, "Pemerintah diskon 50 persen Iuran
BPJS Ketenagakerjaan bagi pekerja BPU").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from bot.i18n import N_


class Sector(StrEnum):
    """The two sectors PP 50/2025 distinguishes."""

    TRANSPORT = "transportasi"
    OTHER = "lainnya"  # every sector other than transport


@dataclass(frozen=True)
class OccupationSector:
    """The sector of one occupation button, and why."""

    sector: Sector
    note: str
    to_confirm: bool = False


_NAMED = "named by the government or BPJS Ketenagakerjaan as transport (see module docstring)"
_NOT_TRANSPORT = "does not carry people or goods for pay"

# Occupation keys of bot/fields.py OCCUPATIONS. "lainnya" is decided from the typed text.
OCCUPATION_SECTORS: dict[str, OccupationSector] = {
    "ojek": OccupationSector(Sector.TRANSPORT, _NAMED),
    "becak": OccupationSector(
        Sector.TRANSPORT,
        "carries people or goods for pay, but no source names becak among the PP 50/2025 "
        "transport trades (named: ojol, ojek pangkalan, sopir, kurir, logistik)",
        to_confirm=True,
    ),
    "nelayan": OccupationSector(Sector.OTHER, _NOT_TRANSPORT),
    "petani": OccupationSector(Sector.OTHER, _NOT_TRANSPORT),
    "pedagang": OccupationSector(Sector.OTHER, _NOT_TRANSPORT),
    "buruh_harian": OccupationSector(Sector.OTHER, _NOT_TRANSPORT),
}

# Words in a typed occupation that mean carrying people or goods for pay. Delman, dokar, andong and
# becak are to confirm like the becak button (not named by any source, but they carry passengers).
TRANSPORT_WORDS = frozenset(
    {
        "ojol", "ojek", "opang", "kurir", "courier", "sopir", "supir", "driver", "pengemudi",
        "angkot", "becak", "bentor", "delman", "dokar", "andong", "kusir", "taksi", "taxi",
        "truk", "truck", "ekspedisi", "gojek", "grab", "maxim", "angkut", "angkutan",
    }
)  # fmt: skip
UNCONFIRMED_TRANSPORT_WORDS = frozenset({"becak", "bentor", "delman", "dokar", "andong", "kusir"})

# Words that clearly name a trade that does not carry people or goods for pay.
OTHER_WORDS = frozenset(
    {
        "nelayan", "petani", "tani", "pekebun", "peternak", "pedagang", "dagang", "jualan",
        "penjual", "warung", "buruh", "penjahit", "jahit", "tukang", "bangunan", "pengrajin",
        "perajin", "guru", "marbot", "pembantu", "cleaning", "salon", "cukur", "montir",
        "bengkel", "satpam", "kader",
    }
)  # fmt: skip

_WORD = re.compile(r"[a-z]+")

# The question the flow asks when the sector is unknown and it can change what the worker pays.
SECTOR_QUESTION = N_(
    "Apakah pekerjaan Anda mengangkut orang atau barang, seperti ojek, kurir atau sopir?"
)


def words_of(text: str) -> frozenset[str]:
    """The lower-case words of a typed occupation."""
    return frozenset(_WORD.findall(text.lower()))


def sector_of(occupation_key: str | None, typed_text: str | None = None) -> Sector | None:
    """The sector of an occupation button, or of typed text; None when it cannot be told.

    Typed text naming both kinds of work ("petani dan ojek") is None too: the worker is asked.
    """
    known = OCCUPATION_SECTORS.get(occupation_key or "")
    if known is not None:
        return known.sector
    words = words_of(typed_text or "")
    transport = bool(words & TRANSPORT_WORDS)
    other = bool(words & OTHER_WORDS)
    # "Tukang becak" is a transport trade even though "tukang" alone is not.
    if transport and (not other or words & OTHER_WORDS <= {"tukang"}):
        return Sector.TRANSPORT
    if other and not transport:
        return Sector.OTHER
    return None


def sector_to_confirm(occupation_key: str | None, typed_text: str | None = None) -> bool:
    """True when the sector found rests on a trade no source names (becak, dokar, ...)."""
    known = OCCUPATION_SECTORS.get(occupation_key or "")
    if known is not None:
        return known.to_confirm
    words = words_of(typed_text or "")
    found = words & TRANSPORT_WORDS
    return bool(found) and found <= UNCONFIRMED_TRANSPORT_WORDS
