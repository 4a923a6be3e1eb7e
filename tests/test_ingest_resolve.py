"""Entity resolution and checks against reference data built directly from kg.records."""

from __future__ import annotations

import pytest

from kg.ingest.check import run_checks
from kg.ingest.model import CompanyMention, DocumentInfo, Extraction, Figure, Market, Statement
from kg.ingest.resolve import Resolver
from kg.namespaces import iri
from kg.records import Concept, FormerName, LineageEvent, Organization, PartialDate, ReferenceData, Stake

URL = ("https://example.org/page",)
REFERENCE = ReferenceData(
    organizations=(
        Organization(
            "sony",
            "Sony Group Corporation",
            ("Sony", "Sony Corporation"),
            former_names=(FormerName("Tokyo Tsushin Kogyo K.K.", PartialDate(1958), URL),),
        ),
        Organization("sony-energy-devices", "Sony Energy Devices Corporation", ("Sony Energy Devices",)),
        Organization("murata", "Murata Manufacturing Co., Ltd.", ("Murata",)),
        Organization("samsung-sdi", "Samsung SDI Co., Ltd.", ("Samsung SDI",)),
        Organization("samsung-electronics", "Samsung Electronics Co., Ltd.", ("Samsung Electronics",)),
        Organization(
            "mbi",
            "MBI",
            ("MBI",),
            status="unresolved",
            candidates=("Matsushita Battery Industrial",),
            reason="no evidence",
        ),
        Organization(
            "jv",
            "Alpha-Beta Batteries LLC",
            ("Alpha-Beta Batteries",),
            owners=(
                Stake("alpha", "jv", "joint-venture", 50, PartialDate(2006), PartialDate(2011), URL),
                Stake("beta", "jv", "joint-venture", 50, PartialDate(2006), PartialDate(2011), URL),
            ),
        ),
        Organization("alpha", "Alpha Corp"),
        Organization("beta", "Beta SA"),
        Organization(
            "gamma", "Gamma Cells", events=(LineageEvent("gamma", "merged-into", "alpha", PartialDate(2020, 3), URL),)
        ),
    ),
    chemistries=(
        Concept("chemistries", "lithium-ion", "Lithium-ion", ("Li-ion", "lithium-ion battery")),
        Concept(
            "chemistries",
            "lfp",
            "Lithium iron phosphate (LFP)",
            ("LFP", "lithium iron phosphate"),
            broader="lithium-ion",
        ),
        Concept("chemistries", "lithium-metal", "Rechargeable lithium-metal", ("secondary lithium metal battery",)),
    ),
    applications=(Concept("applications", "automotive", "Automotive"),),
    regions=(
        Concept("regions", "europe", "Europe", m49_include=("150",)),
        Concept("regions", "asia-pacific", "Asia-Pacific", ("APAC",), m49_include=("142", "009"), m49_exclude=("145",)),
    ),
    sources=(),
)


@pytest.fixture(scope="module")
def resolver():
    return Resolver(REFERENCE)


@pytest.mark.parametrize(
    "mention, status, org_id, confidence",
    [
        ("Sony", "resolved", "sony", 1.0),
        ("Sony Corp.", "resolved", "sony", 1.0),  # legal suffix dropped
        ("Murata Manufacturing", "resolved", "murata", 1.0),
        ("Samsung SDl", "resolved", "samsung-sdi", 0.91),  # a typo: fuzzy
        ("MBI", "unresolved", "mbi", 1.0),  # curated as unresolved: stays so
        ("Tokyo Tsushin Kogyo", "resolved", "sony", 1.0),  # a former name, as the API reads it
    ],
)
def test_company_resolution(resolver, mention, status, org_id, confidence):
    resolution = resolver.company(mention, "doc")
    assert (resolution.status, resolution.id) == (status, org_id)
    assert resolution.confidence == pytest.approx(confidence, abs=0.01)
    assert resolution.iri == iri("company", org_id)


def test_ambiguous_company_keeps_its_candidates(resolver):
    resolution = resolver.company("Samsung", "doc")
    assert resolution.status == "ambiguous"
    assert [c.id for c in resolution.candidates] == ["samsung-electronics", "samsung-sdi"]
    assert resolution.iri == iri("company", "unresolved.doc.samsung")  # its own entity, never merged


def test_unknown_company_becomes_a_new_unresolved_entity(resolver):
    resolution = resolver.company("Natron Energy", "doc")
    assert (resolution.status, resolution.id, resolution.label) == ("unresolved", None, "Natron Energy")
    assert resolution.iri == iri("company", "unresolved.doc.natron-energy")
    assert "no organisation" in resolution.reason


def test_curated_unresolved_entity_keeps_candidates_and_reason(resolver):
    resolution = resolver.company("MBI", "doc")
    assert [c.label for c in resolution.candidates] == ["Matsushita Battery Industrial"]
    assert resolution.reason == "no evidence"


@pytest.mark.parametrize(
    "kind, mention, contained, expected",
    [
        ("chemistry", "lithium-ion batteries", False, "lithium-ion"),
        ("chemistry", "Secondary Lithium Metal Batteries", False, "lithium-metal"),
        ("chemistry", "Lithium Iron Phosphate batteries for buses", True, "lfp"),
        ("chemistry", "LFP cells", True, "lfp"),
        ("application", "automotive", False, "automotive"),
        ("region", "APAC", False, "asia-pacific"),
    ],
)
def test_concept_resolution(resolver, kind, mention, contained, expected):
    resolution = resolver.concept(kind, mention, "doc", contained=contained)
    assert (resolution.status, resolution.id) == ("resolved", expected)


def test_the_records_name_the_preferred_sense_and_ids_as_the_store_does(resolver):
    names = resolver.names
    assert names.preferred == {iri("region", "europe"), iri("region", "asia-pacific")}
    assert names.exact("europe", "region") == {iri("region", "europe")}
    assert names.exact("Samsung SDI Co., Ltd.", "company") == {iri("company", "samsung-sdi")}
    assert names.exact("Samsung", "company") == set()  # a prefix only in running text, where it is ambiguous
    assert names.match("Samsung", "company").status == "ambiguous"


def test_capacity_range_names_no_chemistry(resolver):
    assert resolver.concept("chemistry", "0 to 3000mAh", "doc", contained=True) is None


def extraction(companies=(), figures=(), statements=(), period=(2025, 2032)):
    return Extraction(
        DocumentInfo("t", None, None, None, "text"),
        Market("X Battery Market", "X Battery", *period),
        tuple(companies), (), (), tuple(figures), tuple(statements), (),
    )  # fmt: skip


def check(resolver, ex):
    resolutions = [resolver.company(c.mention, "doc") for c in ex.companies]
    resolutions += [r for s in ex.statements for p in (*s.subjects, s.object) if p
                    for r in [resolver.concept("chemistry", p, "doc", contained=True)] if r]  # fmt: skip
    resolutions += [
        r for f in ex.figures if f.scope_kind == "region" for r in [resolver.concept("region", f.scope, "doc")]
    ]
    return {f.kind: f for f in run_checks(ex, resolutions, REFERENCE)}


def figure(metric, value, unit="percent", scope_kind="market", scope="X Battery", **kw):
    return Figure(metric, value, unit, scope_kind, scope, f"{metric} {value} {scope}", **kw)


def test_same_figure_in_two_units_and_a_faster_segment_are_no_contradiction(resolver):
    flags = check(resolver, extraction(figures=[
        figure("market_size", 1.2e9, "USD", year=2025), figure("market_size", 1.1e9, "EUR", year=2025),
        figure("cagr", 12.0, period_start=2025, period_end=2032),
        figure("cagr", 25.0, scope_kind="segment", scope="automotive segment"),
        figure("cagr", 12.04, qualifier="approximately"),
    ]))  # fmt: skip
    assert "contradictory-figures" not in flags


def test_exact_and_rounded_values_and_different_years(resolver):
    flags = check(resolver, extraction(figures=[
        figure("market_size", 1.2e9, "USD", year=2024), figure("market_size", 2.0e9, "USD", year=2030),
        figure("cagr", 4.5), figure("cagr", 4.54),
    ]))  # fmt: skip
    assert "contradictory-figures" not in flags
    flags = check(resolver, extraction(figures=[figure("cagr", 4.5), figure("cagr", 4.7)]))
    assert "contradictory-figures" in flags


def test_region_shares_over_100(resolver):
    flags = check(resolver, extraction(figures=[
        figure("market_share", 60.0, scope_kind="region", scope="Europe"),
        figure("market_share", 55.0, scope_kind="region", scope="APAC"),
    ]))  # fmt: skip
    assert "shares-exceed-100" in flags


def test_country_share_above_its_region(resolver):
    flags = check(resolver, extraction(figures=[
        figure("market_share", 20.0, scope_kind="region", scope="Europe"),
        figure("market_share", 25.0, scope_kind="country", scope="Germany"),
    ]))  # fmt: skip
    assert "country-share-exceeds-region" in flags and "overlapping-shares" not in flags


def test_chemistry_hierarchy(resolver):
    narrower = Statement(
        "equivalence",
        ("LFP batteries",),
        "lithium-ion batteries",
        "LFP batteries, also known as lithium-ion batteries,",
    )
    assert "contradicts-curated-chemistry" not in check(resolver, extraction(statements=[narrower]))
    wrong = Statement("equivalence", ("secondary lithium metal batteries",), "lithium-ion batteries", "...")
    assert "contradicts-curated-chemistry" in check(resolver, extraction(statements=[wrong]))


def test_ended_joint_venture_and_merged_company(resolver):
    mentions = [CompanyMention("Alpha-Beta Batteries", "players-list", ("Alpha-Beta Batteries leads.",)),
                CompanyMention("Gamma Cells", "players-list", ("Gamma Cells grows.",))]  # fmt: skip
    flags = check(resolver, extraction(companies=mentions))
    assert "the joint venture Alpha-Beta Batteries LLC ended in 2011" in flags["joint-venture-ended"].message
    assert "merged into Alpha Corp in 2020-03" in flags["entity-ended"].message
    # a report written before the end speaks of a live company
    assert not check(resolver, extraction(companies=mentions, period=(2008, 2015)))


def test_no_report_year_no_curated_date_checks(resolver):
    mentions = [CompanyMention("Gamma Cells", "players-list", ("Gamma Cells grows.",))]
    assert not check(resolver, extraction(companies=mentions, period=(None, None)))
