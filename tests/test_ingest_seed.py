"""The seed report end to end: extraction, resolution against data/, flags, named graph, JSON."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import PROV, RDF, RDFS, Literal
from rdflib.namespace import DCTERMS

from kg.ingest import ingest, to_json
from kg.loader import load_reference
from kg.namespaces import BKG, QUDT_UNIT, iri, source_graph

SEED = Path("data/sources/secondary-lithium-metal-batteries-report.html")


@pytest.fixture(scope="module")
def reference():
    return load_reference(Path("data"))


@pytest.fixture(scope="module")
def result(reference):
    source = next(s for s in reference.sources if s.file.endswith(SEED.name))
    return ingest(SEED, reference, source=source)


def flags_of(result, kind):
    return [f for f in result.flags if f.kind == kind]


def test_market_and_publisher(result):
    extraction = result.extraction
    assert extraction.market.name == "Secondary Lithium Metal Batteries Market"
    assert extraction.market.product == "Secondary Lithium Metal Batteries"
    assert (extraction.market.period_start, extraction.market.period_end) == (2025, 2032)
    assert extraction.document.publisher == "reliableresearchtimes.com"
    assert extraction.document.report_id == "2908121"
    assert extraction.document.url == "https://www.reliableresearchtimes.com/secondary-lithium-metal-batteries-r2908121"
    assert extraction.document.title.startswith("Secondary Lithium Metal Batteries Market Size and Growth")
    assert result.warnings == ()


EXPECTED_COMPANIES = {
    "BYD": ("resolved", "byd"),
    "LG Chem": ("resolved", "lg-chem"),
    "Samsung SDI": ("resolved", "samsung-sdi"),
    "Sanyo": ("resolved", "sanyo"),
    "Sony": ("resolved", "sony"),
    "MBI": ("unresolved", "mbi"),
    "Maxell": ("resolved", "maxell"),
    "SGS": ("unresolved", "sgs"),
    "NEC": ("resolved", "nec"),
    "Johnson Controls-Saft": ("resolved", "johnson-controls-saft"),
    "A123 Systems": ("resolved", "a123-systems"),
    "Wanxiang America": ("resolved", "wanxiang-america"),
}


def test_every_company_and_what_it_resolves_to(result):
    resolutions = {r.mention: r for r in result.resolutions if r.kind == "company"}
    assert [c.mention for c in result.extraction.companies] == list(EXPECTED_COMPANIES)
    for mention, (status, org_id) in EXPECTED_COMPANIES.items():
        resolution = resolutions[mention]
        assert (resolution.status, resolution.id) == (status, org_id), mention
        assert resolution.iri == iri("company", org_id)
    assert resolutions["MBI"].candidates and "Matsushita" in resolutions["MBI"].candidates[0].label
    assert resolutions["SGS"].reason


def test_company_sentences_and_stated_relation(result):
    companies = {c.mention: c for c in result.extraction.companies}
    assert companies["A123 Systems"].relations[0].relation == "subsidiary-of"
    assert companies["A123 Systems"].relations[0].object == "Wanxiang America"
    assert any("reported revenues exceeding $23 billion" in s for s in companies["LG Chem"].sentences)
    assert any(
        s.startswith("BYD (Build Your Dreams) is a leading Chinese manufacturer") for s in companies["BYD"].sentences
    )
    assert companies["MBI"].sentences == (companies["SGS"].sentences[0],)  # only the players list names them
    everything = " ".join(s for c in result.extraction.companies for s in c.sentences)
    assert "Purchase" not in everything and "Sample PDF" not in everything and "http" not in everything


def test_segments_and_applications(result, reference):
    segments = [(s.kind, s.mention, s.min, s.max, s.unit) for s in result.extraction.segments]
    assert segments == [
        ("type", "0 to 3000mAh", 0, 3000, "mAh"),
        ("type", "3000mAh to 10000mAh", 3000, 10000, "mAh"),
        ("type", "10000mAh to 60000mAh", 10000, 60000, "mAh"),
        ("type", "More Than 60000mAh", 60000, None, "mAh"),
        ("application", "Aerospace and Defense", None, None, None),
        ("application", "Automotive", None, None, None),
        ("application", "Consumer Electronics", None, None, None),
        ("application", "Industrial", None, None, None),
        ("application", "Other", None, None, None),
    ]
    applications = {r.mention: r.id for r in result.resolutions if r.kind == "application"}
    assert applications == {
        "Aerospace and Defense": "aerospace-defense",
        "Automotive": "automotive",
        "Consumer Electronics": "consumer-electronics",
        "Industrial": "industrial",
        "Other": "other",
    }


EXPECTED_REGIONS = {
    "North America": ("north-america", [("United States", "US", []), ("Canada", "CA", [])]),
    "Europe": ("europe", [("Germany", "DE", []), ("France", "FR", []), ("U.K.", "GB", ["abbreviation"]),
                          ("Italy", "IT", []), ("Russia", "RU", [])]),
    "Asia-Pacific": ("asia-pacific", [("China", "CN", []), ("Japan", "JP", []), ("South Korea", "KR", []),
                                      ("India", "IN", []), ("Australia", "AU", []), ("China Taiwan", "TW", ["variant-name"]),
                                      ("Indonesia", "ID", []), ("Thailand", "TH", []), ("Malaysia", "MY", [])]),
    "Latin America": ("latin-america", [("Mexico", "MX", []), ("Brazil", "BR", []),
                                        ("Argentina Korea", "AR", ["split-glued-names"]),
                                        ("Argentina Korea", "KR", ["split-glued-names"]), ("Colombia", "CO", [])]),
    "Middle East & Africa": ("middle-east-africa", [("Turkey", "TR", ["variant-name"]),
                                                    ("Saudi Arabia", "SA", ["joined-split-name"]),
                                                    ("UAE", "AE", ["abbreviation"]), ("Korea", "KR", ["assumed"])]),
}  # fmt: skip


def test_every_country_with_its_normalisation_and_flags(result):
    regions = {r.mention: r.id for r in result.resolutions if r.kind == "region"}
    listed = {
        listing.mention: (
            regions[listing.mention],
            [(m.mention, m.iso2, [f.kind for f in m.flags]) for m in listing.countries],
        )
        for listing in result.extraction.regions
    }
    assert listed == EXPECTED_REGIONS
    middle_east = next(r for r in result.extraction.regions if r.mention == "Middle East & Africa")
    assert middle_east.items == ("Turkey", "Saudi", "Arabia", "UAE", "Korea")


def test_korea_in_the_wrong_regions(result):
    wrong = {(f.about[0].key, f.about[1].key) for f in flags_of(result, "country-in-wrong-region")}
    assert wrong == {("Korea", "Middle East & Africa"), ("Argentina Korea", "Latin America")}
    twice = flags_of(result, "country-listed-twice")
    assert len(twice) == 1 and "South Korea (KR)" in twice[0].message


EXPECTED_FIGURES = [
    ("cagr", 4.5, "percent", "market", None, None, 2025, 2032),
    ("revenue", 23e9, "USD", "company", "exceeding", 2022, None, None),
    ("market_size", 150e9, "USD", "other-market", "approximately", 2030, None, None),
    ("cagr", 15.0, "percent", "market", "exceeding", None, None, 2030),
    ("market_share", 30.0, "percent", "region", None, None, None, None),
    ("market_share", 25.0, "percent", "region", None, None, None, None),
    ("market_share", 35.0, "percent", "region", None, None, None, None),
    ("market_share", 10.0, "percent", "country", None, None, None, None),
]


def test_every_figure(result):
    figures = result.extraction.figures
    assert [
        (f.metric, f.value, f.unit, f.scope_kind, f.qualifier, f.year, f.period_start, f.period_end) for f in figures
    ] == EXPECTED_FIGURES
    assert [f.scope for f in figures] == [
        "Secondary Lithium Metal Batteries", "LG Chem", "overall secondary lithium battery market",
        "Secondary Lithium Metal Batteries", "North America", "Europe", "Asia-Pacific", "U.S.",
    ]  # fmt: skip
    assert figures[3].text.startswith("The projected CAGR for this sector is robust, potentially exceeding 15%")


def test_contradictory_cagr(result):
    (flag,) = flags_of(result, "contradictory-figures")
    assert flag.severity == "error"
    assert "4.5%" in flag.message and "exceeding 15%" in flag.message
    assert [a.key for a in flag.about] == ["0", "3"]


def test_country_share_beside_its_region(result):
    (flag,) = flags_of(result, "overlapping-shares")
    assert "U.S. (10%) is part of North America (30%)" in flag.message
    assert not flags_of(result, "shares-exceed-100")  # 30 + 25 + 35 = 90


def test_dominance_statement_against_shares(result):
    (flag,) = flags_of(result, "statement-contradicts-figures")
    assert "North America and Europe dominate" in flag.message and "Asia-Pacific the largest share (35%" in flag.message


def test_scope_of_the_150bn_figure(result):
    (flag,) = flags_of(result, "figure-scope-differs")
    assert "overall secondary lithium battery market" in flag.message and flag.about[0].key == "2"


def test_lithium_metal_called_lithium_ion(result):
    (flag,) = flags_of(result, "contradicts-curated-chemistry")
    assert "Rechargeable lithium-metal" in flag.message and "Lithium-ion" in flag.message
    chemistry = {r.mention: r.id for r in result.resolutions if r.kind == "chemistry"}
    assert chemistry["Secondary Lithium Metal Batteries"] == "lithium-metal"
    assert chemistry["lithium-ion batteries"] == "lithium-ion"


def test_companies_that_ended_or_changed_hands(result):
    by_company = {}
    for flag in result.flags:
        if flag.about and flag.about[0].kind == "company":
            by_company.setdefault(flag.about[0].key, set()).add(flag.kind)
    assert by_company["Johnson Controls-Saft"] == {"entity-ended"}
    assert by_company["Sony"] == {"business-sold"}
    assert by_company["Sanyo"] == {"absorbed-by-parent"}
    assert "A123 Systems" not in {k for k, v in by_company.items() if "absorbed-by-parent" in v}  # the report says so
    assert "BYD" not in by_company and "LG Chem" not in by_company and "Samsung SDI" not in by_company


def test_named_graph(result):
    graph = result.graph
    doc = iri("source", "seed-slmb-2025")
    assert graph.identifier == source_graph("seed-slmb-2025")
    assert (doc, RDF.type, BKG.SourceDocument) in graph and (doc, RDF.type, PROV.Entity) in graph
    assert graph.value(doc, BKG.sha256) == Literal(result.sha256)
    assert str(graph.value(doc, DCTERMS.publisher)) == "Reliable Research Times"
    assert str(graph.value(doc, PROV.generatedAtTime)) == "2026-11-29"
    assert graph.value(doc, BKG.namedGraph) == graph.identifier
    claims = set(graph.subjects(RDF.type, BKG.MarketClaim))
    assert len(claims) == 8
    assert all((c, PROV.wasDerivedFrom, doc) in graph for c in claims)
    cagr = [c for c in claims if graph.value(c, BKG.value) == Literal(Decimal("4.5"))]
    assert len(cagr) == 1 and graph.value(cagr[0], BKG.unit) == QUDT_UNIT["PERCENT"]
    assert str(graph.value(cagr[0], BKG.period)) == "2025-2032"
    segments = set(graph.subjects(RDF.type, BKG.CapacitySegment))

    def number(node):
        return None if node is None else node.toPython()

    assert {(number(graph.value(s, BKG.minCapacity)), number(graph.value(s, BKG.maxCapacity))) for s in segments} == {
        (Decimal(0), Decimal(3000)), (Decimal(3000), Decimal(10000)), (Decimal(10000), Decimal(60000)),
        (Decimal(60000), None),
    }  # fmt: skip
    assert all(graph.value(s, BKG.unit) == QUDT_UNIT["MilliA-HR"] for s in segments)
    assert all(graph.value(s, RDFS.label) for s in segments)


def test_report_region_groupings_are_claims(result):
    graph = result.graph
    in_region = {
        (graph.value(c, BKG.claimSubject), graph.value(c, BKG.claimObject))
        for c in graph.subjects(BKG.claimRelation, BKG.inRegion)
    }
    assert (iri("country", "KR"), iri("region", "middle-east-africa")) in in_region
    assert (iri("country", "KR"), iri("region", "latin-america")) in in_region
    assert (iri("country", "SA"), iri("region", "middle-east-africa")) in in_region
    assert len(in_region) == 25


def test_mentions_and_flags_in_the_graph(result):
    graph = result.graph
    mentions = {str(graph.value(m, BKG.mentionText)): m for m in graph.subjects(RDF.type, BKG.Mention)}
    assert graph.value(mentions["MBI"], BKG.status) == Literal("unresolved")
    assert graph.value(mentions["MBI"], BKG.resolvesTo) == iri("company", "mbi")
    assert graph.value(mentions["BYD"], BKG.resolvesTo) == iri("company", "byd")
    assert graph.value(mentions["Korea"], BKG.resolvesTo) == iri("country", "KR")
    flags = list(graph.subjects(RDF.type, BKG.Flag))
    assert len(flags) == len(result.flags)
    korea_flags = {str(graph.value(f, BKG.flagKind)) for f in graph.subjects(BKG.about, mentions["Korea"])}
    assert korea_flags == {"country-assumed", "country-in-wrong-region"}
    assert not list(graph.subjects(RDF.type, BKG.UnresolvedEntity))  # MBI and SGS are curated unresolved entities


def test_reingest_gives_the_same_triples(result, reference):
    source = next(s for s in reference.sources if s.file.endswith(SEED.name))
    again = ingest(SEED, reference, source=source)
    assert set(again.graph) == set(result.graph)
    assert to_json(again) == to_json(result)


def test_json_document(result):
    data = json.loads(json.dumps(to_json(result)))
    assert data["market"]["name"] == "Secondary Lithium Metal Batteries Market"
    assert data["market"]["period"] == {"start": 2025, "end": 2032}
    mbi = next(c for c in data["companies"] if c["mention"] == "MBI")
    assert (mbi["status"], mbi["iri"]) == ("unresolved", "https://w3id.org/battery-kg/id/company/mbi")
    korea = next(c for c in data["countries"] if c["mention"] == "Korea")
    assert (korea["iso2"], korea["region"], korea["region_id"]) == ("KR", "Middle East & Africa", "middle-east-africa")
    assert korea["flags"][0]["kind"] == "assumed"
    assert data["segments"][0] == {
        "kind": "type", "mention": "0 to 3000mAh", "min": 0.0, "max": 3000.0, "unit": "mAh", "resolution": None
    }  # fmt: skip
    assert data["figures"][0]["period"] == "2025-2032" and data["figures"][0]["scope"]["kind"] == "market"
    assert {f["kind"] for f in data["flags"]} >= {"contradictory-figures", "country-in-wrong-region"}
    assert data["triples"] == len(result.graph)
