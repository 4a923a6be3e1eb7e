"""The built graph holds what the reference data says: seed companies, dated parent chains, sources, shapes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import Dataset, Literal, URIRef

from kg.build import ONTOLOGY_DIR
from kg.inference import control_periods
from kg.namespaces import BKG, CURATED_GRAPH, DCTERMS, RDF, SKOS, iri
from kg.shacl import union, violations

SEED = Path(__file__).parent.parent / "data" / "sources" / "secondary-lithium-metal-batteries-report.html"


def seed_player_names() -> list[str]:
    """The companies the seed report lists as major players, read from the report itself."""
    text = re.sub(r"<[^>]+>", " ", SEED.read_text(encoding="utf-8"))
    sentence = re.search(r"key players like (.+?)\. ", text).group(1)
    return [name.strip() for name in re.split(r",\s*(?:and\s+)?", sentence)]


@pytest.fixture(scope="module")
def dataset(built_trig) -> Dataset:
    ds = Dataset()
    ds.parse(built_trig, format="trig")
    return ds


def names_of(org) -> set[str]:
    return {org.name.casefold(), *(alias.casefold() for alias in org.aliases)}


def test_seed_lists_eleven_players():
    assert len(seed_player_names()) == 11


@pytest.mark.parametrize("name", seed_player_names())
def test_every_seed_company_is_in_the_graph(name, reference, dataset):
    matches = [org for org in reference.organizations if name.casefold() in names_of(org)]
    assert len(matches) == 1, f"{name!r} should name exactly one organisation, found {[o.id for o in matches]}"
    node = iri("company", matches[0].id)
    assert (node, None, None) in dataset.graph(CURATED_GRAPH)
    if matches[0].status == "unresolved":
        assert (node, RDF.type, BKG.UnresolvedEntity) in dataset.graph(CURATED_GRAPH)
        assert matches[0].candidates and matches[0].reason


CONTROLLERS = """
PREFIX bkg: <https://w3id.org/battery-kg/ontology#>
SELECT ?controller ?depth ?ultimate ?company ?year WHERE {
  ?c bkg:controlled ?company ; bkg:controller ?controller ; bkg:depth ?depth ; bkg:ultimate ?ultimate .
  OPTIONAL { ?c bkg:fromYear ?from } OPTIONAL { ?c bkg:untilYear ?until }
  FILTER ((!BOUND(?from) || ?from <= ?year) && (!BOUND(?until) || ?year < ?until))
} ORDER BY ?depth
"""


def _controllers(store, company: str, year: int) -> list[tuple[str, int, bool]]:
    result = store.query(CONTROLLERS, {"company": iri("company", company), "year": Literal(year)})
    return [(str(row[0]).rsplit("/", 1)[-1], int(row[1]), bool(row[2].toPython())) for row in result.rows]


def test_a123_chain_wanxiang_from_2013(store):
    assert _controllers(store, "a123-systems", 2014) == [
        ("wanxiang-america", 1, False),
        ("wanxiang-group", 2, True),
    ]
    assert all(c[0] not in ("wanxiang-america", "wanxiang-group") for c in _controllers(store, "a123-systems", 2012))


def test_a123_stake_dates_come_from_the_data(reference):
    stake = next(s for s in reference.stakes if s.owned == "a123-systems" and s.owner == "wanxiang-america")
    assert stake.start.year == 2013 and stake.controlling and stake.sources


def test_ultimate_parent_changes_between_years(store, reference):
    """For every company whose ultimate controller changed, the graph answers both years as the data implies."""
    periods = [p for p in control_periods(reference.stakes) if p.ultimate]
    changed = {}
    for p in periods:
        changed.setdefault(p.controlled, []).append(p)
    checked = 0
    for company, spans in changed.items():
        dated = [p for p in spans if p.from_year is not None]
        if not dated:
            continue
        span = dated[0]
        before, during = span.from_year - 1, span.from_year
        expected_before = {p.controller for p in spans if (p.from_year or -9999) <= before < (p.until_year or 9999)}
        got_before = {c for c, _, ultimate in _controllers(store, company, before) if ultimate}
        got_during = {c for c, _, ultimate in _controllers(store, company, during) if ultimate}
        assert span.controller in got_during
        assert got_before == expected_before
        checked += 1
    assert checked >= 2
    sanyo_then = {c for c, _, u in _controllers(store, "sanyo", 2005) if u}
    sanyo_later = {c for c, _, u in _controllers(store, "sanyo", 2012) if u}
    assert sanyo_then != sanyo_later and sanyo_later


def test_every_curated_fact_has_a_source(dataset):
    curated = dataset.graph(CURATED_GRAPH)
    sourced = {
        (curated.value(f, RDF.subject), curated.value(f, RDF.predicate), curated.value(f, RDF.object))
        for f in curated.subjects(RDF.type, BKG.SourcedFact)
        if curated.value(f, DCTERMS.source) is not None
    }
    fact_predicates = [BKG.headquarteredIn, BKG.makesChemistry, BKG.servesApplication]
    facts = [t for p in fact_predicates for t in curated.triples((None, p, None))]
    assert facts
    assert [t for t in facts if t not in sourced] == []
    for stake in curated.subjects(RDF.type, BKG.OwnershipStake):
        assert isinstance(curated.value(stake, DCTERMS.source), URIRef), stake


def test_built_graph_conforms_to_shapes(dataset):
    assert violations(union(dataset), ONTOLOGY_DIR / "shapes.ttl") == []


def test_shapes_catch_a_fact_without_source(dataset):
    graph = union(dataset)
    fact = next(graph.subjects(RDF.type, BKG.SourcedFact))
    graph.remove((fact, DCTERMS.source, None))
    found = violations(graph, ONTOLOGY_DIR / "shapes.ttl")
    assert found and any("source" in v.message for v in found)


def test_build_output_is_reproducible(built, tmp_path):
    """Same data, same bytes: whatever order Python's hashing gives sets and dicts in another process."""
    import os
    import subprocess
    import sys

    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run([sys.executable, "-m", "kg", "build", "-q", "--out", str(tmp_path / seed)], check=True, env=env)
    for name in (built.trig.name, built.turtle.name):
        assert (
            (tmp_path / "1" / name).read_bytes()
            == (tmp_path / "2" / name).read_bytes()
            == (built.trig.parent / name).read_bytes()
        )


def test_every_concept_is_linked_to_each_concept_above_it(dataset):
    # rdflib evaluates the path; the build computes the closure from the records, umbrellas included
    union_graph = union(dataset)
    closure = {
        (row.concept, row.ancestor)
        for row in union_graph.query(
            "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
            "SELECT ?concept ?ancestor WHERE { ?concept skos:broader+ ?ancestor FILTER(?concept != ?ancestor) }"
        )
    }
    written = set(union_graph.subject_objects(SKOS.broaderTransitive))
    assert written == closure
    lfp = iri("chemistry", "lfp")
    assert (lfp, iri("chemistry", "lithium-ion")) in written
    assert {str(concept).split("/")[-2] for concept, _ in written} >= {"chemistry", "application"}
