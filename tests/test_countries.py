"""Country normalisation: ISO 3166 / M49 through country_converter plus our alias layer."""

from __future__ import annotations

import logging

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.countries import country, find_in_text, m49_areas, market_regions, normalize, normalize_items
from kg.records import Concept

REGIONS = (
    Concept("regions", "north-america", "North America", m49_include=("021",)),
    Concept("regions", "latin-america", "Latin America", m49_include=("419",)),
    Concept("regions", "europe", "Europe", m49_include=("150",)),
    Concept("regions", "asia-pacific", "Asia-Pacific", m49_include=("142", "009"), m49_exclude=("145",)),
    Concept("regions", "middle-east-africa", "Middle East & Africa", m49_include=("145", "002")),
)


def one(mention: str):
    matches = normalize(mention)
    assert len(matches) == 1, matches
    return matches[0]


def kinds(match) -> list[str]:
    return [flag.kind for flag in match.flags]


@pytest.mark.parametrize(
    "mention, iso2, flag_kinds",
    [
        ("United States", "US", []),
        ("Germany", "DE", []),
        ("South Korea", "KR", []),
        ("Russia", "RU", []),
        ("U.K.", "GB", ["abbreviation"]),
        ("UK", "GB", ["abbreviation"]),
        ("U.S.", "US", ["abbreviation"]),
        ("UAE", "AE", ["abbreviation"]),
        ("KSA", "SA", ["abbreviation"]),
        ("China Taiwan", "TW", ["variant-name"]),
        ("Taiwan, China", "TW", ["variant-name"]),
        ("Korea", "KR", ["assumed"]),
        ("Columbia", "CO", ["misspelling"]),
        ("Colombia", "CO", []),
        ("Turkey", "TR", ["variant-name"]),
        ("Phillipines", "PH", ["misspelling"]),
        ("Namibia", "NA", []),  # "NA" must not be read as a missing value
    ],
)
def test_single_country_mentions(mention, iso2, flag_kinds):
    match = one(mention)
    assert (match.status, match.iso2, kinds(match)) == ("resolved", iso2, flag_kinds)
    assert match.name == country(iso2).name


def test_korea_flag_says_north_korea_is_possible():
    message = one("Korea").flags[0].message
    assert "KP" in message and "KR" in message


def test_glued_names_split_into_two_countries():
    matches = normalize("Argentina Korea")
    assert [m.iso2 for m in matches] == ["AR", "KR"]
    assert all(kinds(m) == ["split-glued-names"] for m in matches)


@pytest.mark.parametrize(
    "name", ["Guinea-Bissau", "Papua New Guinea", "Bosnia and Herzegovina", "South Africa", "Trinidad and Tobago"]
)
def test_multi_word_names_are_not_split(name):
    assert one(name).status == "resolved"


def test_name_split_across_items_is_joined():
    matches = normalize_items(["Turkey", "Saudi", "Arabia", "UAE", "Korea"])
    assert [(m.mention, m.iso2) for m in matches] == [
        ("Turkey", "TR"), ("Saudi Arabia", "SA"), ("UAE", "AE"), ("Korea", "KR"),
    ]  # fmt: skip
    assert "joined-split-name" in kinds(matches[1])


def test_items_that_resolve_alone_are_not_joined():
    assert [m.iso2 for m in normalize_items(["Niger", "Nigeria"])] == ["NE", "NG"]


@pytest.mark.parametrize(
    "mention, members",
    [
        ("GCC", ("BH", "KW", "OM", "QA", "SA", "AE")),
        ("Nordics", ("DK", "FI", "IS", "NO", "SE")),
        ("Benelux", ("BE", "NL", "LU")),
    ],
)
def test_groupings(mention, members):
    match = one(mention)
    assert (match.status, match.grouping, match.members, kinds(match)) == ("grouping", mention, members, ["grouping"])


@pytest.mark.parametrize("mention", ["Rest of Europe", "Rest of the World", "Others"])
def test_residual_groupings(mention):
    match = one(mention)
    assert (match.status, match.members, kinds(match)) == ("grouping", (), ["residual-grouping"])


@pytest.mark.parametrize("mention", ["Saudi", "Arabia", "Atlantis", "", "   ", "Asia-Pacific"])
def test_unresolved_mentions_are_kept_with_a_flag(mention):
    match = one(mention)
    assert match.status == "unresolved" and match.iso2 is None and match.flags


def test_m49_chain_and_subregion():
    assert m49_areas("TW") == ("158", "030", "142", "001")
    assert one("China Taiwan").m49_subregion == "Eastern Asia"
    assert country("MX").areas == ("013", "419", "019", "001")


@pytest.mark.parametrize(
    "iso2, regions",
    [("US", ("north-america",)), ("MX", ("latin-america",)), ("RU", ("europe",)), ("TR", ("middle-east-africa",)),
     ("KR", ("asia-pacific",)), ("AU", ("asia-pacific",)), ("SA", ("middle-east-africa",)), ("ZA", ("middle-east-africa",))],
)  # fmt: skip
def test_market_regions_from_include_exclude_lists(iso2, regions):
    assert market_regions(iso2, REGIONS) == regions


def test_most_specific_code_decides():
    region = Concept("regions", "x", "X", m49_include=("150", "616"), m49_exclude=("151",))
    assert market_regions("PL", [region]) == ("x",)  # Poland re-included inside excluded Eastern Europe
    assert market_regions("CZ", [region]) == ()


def test_market_regions_read_the_project_regions_file():
    from pathlib import Path

    from kg.loader import load_reference

    regions = load_reference(Path("data"), check=False).regions
    assert market_regions("KR", regions) == ("asia-pacific",)
    assert market_regions("TR", regions) == ("middle-east-africa",)


def test_find_in_text():
    text = "The U.S. market grows, China Taiwan too; revenue of US$ 5 billion in the UK."
    assert [(text[s:e], m.iso2) for s, e, m in find_in_text(text)] == [
        ("U.S.", "US"),
        ("China Taiwan", "TW"),
        ("UK", "GB"),
    ]


def test_converter_logging_is_silenced(caplog):
    with caplog.at_level(logging.DEBUG):
        normalize("Atlantis")
        normalize("China Taiwan Korea Argentina")
    assert not [r for r in caplog.records if r.name.startswith("country_converter")]


def test_every_canonical_name_normalises_to_itself():
    from kg.countries import _table

    for entry in _table().countries:
        assert [m.iso2 for m in normalize(entry.name)] == [entry.iso2], entry.name


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_arbitrary_text_never_crashes_and_normalisation_is_idempotent(text):
    for match in normalize(text):
        assert match.status in ("resolved", "grouping", "unresolved")
        if match.status == "resolved":
            again = normalize(match.name)
            assert [m.iso2 for m in again] == [match.iso2]
            assert not [f for f in again[0].flags if f.kind != "variant-name"]


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.sampled_from(["Saudi", "Arabia", "UAE", "Korea", "U.K.", "Argentina Korea", "GCC", "x", ""]), max_size=8
    )
)
def test_item_lists_never_lose_an_item(items):
    matches = normalize_items(items)
    covered = " ".join(m.mention for m in matches)
    for item in items:
        assert item.strip() in covered


def test_m49_areas_come_from_one_table_with_its_source():
    """kg/m49.yaml is the only M49 area table: the countries and the build's concept scheme both read it."""
    import yaml

    from kg.countries import M49_TABLE, _table, m49_concepts, m49_table

    document = yaml.safe_load(M49_TABLE.read_text(encoding="utf-8"))
    assert document["source"].startswith("https://unstats.un.org/unsd/methodology/m49/")
    codes = {area.code for area in m49_table()}
    assert len(codes) == len(m49_table()) and all(len(code) == 3 and code.isdigit() for code in codes)
    assert all(area.parent in codes for area in m49_table() if area.parent)
    assert [(c.id, c.label, c.broader) for c in m49_concepts()] == [(a.code, a.name, a.parent) for a in m49_table()]
    # every country country_converter places in an M49 sub-region reaches the world through this table
    placed = [c for c in _table().countries if c.subregion]
    assert len(placed) > 240
    assert all(c.areas and c.areas[-1] == "001" for c in placed), [c.name for c in placed if not c.areas]
