"""The branch mapping file: real office names, known regions, the seed regions, the loader."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.branches import branch_for, branch_rows, load_branches, parse_branch_rows
from bot.flow.context import FlowConfig
from bot.regions import region_by_code, regions_in_province
from bot.settings import Settings

README = Path(__file__).resolve().parents[2] / "bot" / "data" / "README.md"
HEADER = "region_code,branch,status,note\n"


def test_every_region_code_exists() -> None:
    for row in branch_rows():
        region = region_by_code(row.region_code)
        assert region is not None and region.code == row.region_code


def test_covers_diy_central_java_south_sumatra() -> None:
    branches = load_branches()
    for province in ("16", "33", "34"):
        assert {r.code for r in regions_in_province(province)} <= set(branches)


@pytest.mark.parametrize(
    ("code", "name", "branch"),
    [
        ("34.01", "Kabupaten Kulon Progo", "Yogyakarta"),
        ("34.02", "Kabupaten Bantul", "Yogyakarta"),
        ("33.75", "Kota Pekalongan", "Pekalongan"),
        ("33.04", "Kabupaten Banjarnegara", "Purwokerto"),
        ("16.10", "Kabupaten Ogan Ilir", "Palembang"),
    ],
)
def test_seed_regions_have_a_named_branch(code: str, name: str, branch: str) -> None:
    region = region_by_code(code)
    assert region is not None and region.name == name
    assert branch_for(code) == branch
    assert branch_for(code.replace(".", "")) == branch


def test_names_are_offices_not_bare_cities() -> None:
    names = set(load_branches().values())
    # One spelling per office.
    assert len({" ".join(n.lower().split()) for n in names}) == len(names)
    # A city with several branches is never named bare: no name is the start of another.
    for name in names:
        assert not any(other.startswith(name + " ") for other in names), name
    assert "Semarang" not in names
    # Sub-offices (KCP) fold into their branch: the old seed named these as branches.
    assert not names & {"Kebumen", "Pati", "Salatiga", "Kayuagung", "Lahat", "Baturaja"}


@pytest.mark.parametrize(
    ("code", "branch"),
    [
        ("33.05", "Cilacap"),  # KCP Kebumen
        ("33.18", "Kudus"),  # KCP Pati
        ("33.09", "Klaten"),  # KCP Boyolali
        ("33.15", "Semarang Majapahit"),  # KCP Grobogan
        ("33.06", "Magelang"),  # KCP Purworejo
        ("33.21", "Semarang Majapahit"),
        ("33.74", "Semarang Pemuda"),
    ],
)
def test_reviewed_doubts(code: str, branch: str) -> None:
    assert branch_for(code) == branch


def test_every_row_says_where_it_comes_from() -> None:
    readme = README.read_text(encoding="utf-8")
    for row in branch_rows():
        keys = re.findall(r"\[[A-Z]\d+\]", row.note)
        assert keys or row.to_confirm, row
        assert row.note, row
        for key in keys:
            assert key in readme, (row, key)


@pytest.mark.parametrize(
    ("code", "branch", "key"),
    [
        ("33.26", "Pekalongan", "[N11]"),  # Disway Jateng, 14 Dec 2025
        ("33.28", "Tegal", "[N12]"),  # Radar Tegal 2024
        ("33.73", "Ungaran", "[N13]"),  # ANTARA Jateng 2022
        ("33.08", "Magelang", "[N9]"),  # RMOL Jateng 2022-10-13
        ("16.07", "Musi Banyuasin", "[N7]"),  # KRSumsel 2026-02-20
    ],
)
def test_rows_confirmed_in_december_2026_are_sourced(code: str, branch: str, key: str) -> None:
    (row,) = [r for r in branch_rows() if r.region_code == code]
    assert (row.branch, row.status, row.to_confirm) == (branch, "sourced", False)
    assert key in row.note


def test_kendal_is_a_conflict_that_keeps_its_branch_meanwhile() -> None:
    (row,) = [r for r in branch_rows() if r.region_code == "33.24"]
    assert row.conflict and row.to_confirm and row.branch == "Semarang Pemuda"
    assert "[K1]" in row.note and "kendalkab.go.id/berita/id/20250611001" in row.note
    assert branch_for("33.24") == "Semarang Pemuda"
    assert [r.region_code for r in branch_rows() if r.conflict] == ["33.24"]


@pytest.mark.parametrize("code", ["32.01", "99.99", "nonsense", ""])
def test_unmapped_regions_have_no_branch(code: str) -> None:
    assert branch_for(code) is None


def test_a_deployment_file(tmp_path: Path) -> None:
    path = tmp_path / "branches.csv"
    path.write_text(
        "\ufeff" + HEADER + "3401,Yogyakarta,sourced,x\n\n32.01,Bogor,to confirm,y\n"
        "32.02,Sukabumi,conflict,z\n",
        encoding="utf-8",
    )
    assert dict(load_branches(path)) == {
        "34.01": "Yogyakarta",
        "32.01": "Bogor",
        "32.02": "Sukabumi",
    }
    assert branch_for("32.01", path) == "Bogor"
    assert [row.to_confirm for row in branch_rows(path)] == [False, True, True]
    assert [row.conflict for row in branch_rows(path)] == [False, False, True]


@pytest.mark.parametrize(
    "body",
    [
        "region_code,branch\n34.01,Yogyakarta\n",  # columns
        HEADER + "99.99,Nowhere,sourced,x\n",  # unknown region
        HEADER + "34.01,,sourced,x\n",  # no branch
        HEADER + "34.01,Yogyakarta,sourced,x\n3401,Yogyakarta,sourced,x\n",  # twice
        HEADER + "34.01,Yogyakarta,probably,x\n",  # status
        HEADER + "34.01,Yogyakarta,sourced,a,b\n",  # an unquoted comma
    ],
)
def test_malformed_files_are_refused(body: str) -> None:
    with pytest.raises(ValueError):
        parse_branch_rows(body)


def test_branches_file_and_payment_channels_file_reach_the_flow(tmp_path: Path) -> None:
    """BRANCHES_FILE and PAYMENT_CHANNELS_FILE replace the shipped tables for the deployment."""
    branches = tmp_path / "branches.csv"
    branches.write_text(HEADER + "32.01,Bogor,sourced,x\n", encoding="utf-8")
    channels = tmp_path / "channels.csv"
    channels.write_text("name,status,source\nBank X,sourced,contract 2026\n", encoding="utf-8")
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        branches_file=branches,
        payment_channels_file=channels,
    )
    config = FlowConfig.from_settings(settings)
    assert config.branch_for("32.01") == "Bogor"
    assert config.branch_for("34.01") is None  # not in this deployment's table: admins' queue
    assert config.queue_of("34.01") == settings.default_branch
    assert [c.name for c in config.payment_channels] == ["Bank X"]
