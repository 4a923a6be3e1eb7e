"""The named queries and the API on the real reference data (data/), built by kg.build.

The generic tests of test_query.py run here again with this module's fixtures: expected
answers come from the records kg.loader reads from data/, walked with plain Python.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Dataset, Literal

from kg.graph import load
from kg.loader import load_reference
from kg.query import named_query
from query_fixture import company, control_table
from test_query import (  # noqa: F401  (collected here with this module's fixtures)
    test_chemistries_by_region_counts,
    test_companies_by_chemistry_application_region_country_and_year,
    test_cross_border_ownership,
    test_entity_facts_and_description,
    test_entity_names_and_aliases,
    test_neighbors_of_a_company,
    test_owner_changes_between_two_years,
    test_ownership_stakes_of_a_company,
    test_parent_chain_covers_every_year_where_something_changes,
    test_parent_chain_of_every_company_matches_the_stakes,
    test_report_claims_and_which_are_flagged,
    test_report_flags,
    test_sources_behind_the_facts_about_a_company,
    test_subsidiaries_direct_and_transitive,
    test_unresolved_and_ambiguous_names,
)

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The built graph: build/battery-kg.trig when it is newer than the data and the code, else a fresh build."""
    from kg.build import BUILD_DIR, DATA_DIR, TRIG_NAME, build

    trig = BUILD_DIR / TRIG_NAME
    inputs = [p for folder in (DATA_DIR, ROOT / "kg", ROOT / "ontology") for p in folder.rglob("*") if p.is_file()]
    if not trig.exists() or trig.stat().st_mtime < max(p.stat().st_mtime for p in inputs):
        trig = build(DATA_DIR, tmp_path_factory.mktemp("reference")).trig
    dataset = Dataset()
    dataset.parse(trig, format="trig")
    return trig, load_reference(DATA_DIR), dataset


@pytest.fixture(scope="module")
def reference(built):
    return built[1]


@pytest.fixture(scope="module")
def report_id(reference):
    return reference.sources[0].id


@pytest.fixture(scope="module")
def report_graph(built, report_id):
    from kg.namespaces import source_graph

    return built[2].graph(source_graph(report_id))


@pytest.fixture(scope="module", params=["oxigraph"])  # the memory store's turn is below, on fewer questions
def graph(request, built):
    return load(built[0], store=request.param)


@pytest.fixture(scope="module")
def memory(built):
    return load(built[0], store="memory")


@pytest.mark.parametrize("name, before, after", [("Sanyo", 2008, 2012), ("A123 Systems", 2012, 2014)])
def test_ultimate_parent_as_of_year_changes_as_the_data_says(graph, memory, reference, name, before, after):
    org_id = graph.resolve(name, "company").rsplit("/", 1)[-1]

    def expected(year):
        chain = sorted((d, p, top) for c, p, d, top in control_table(reference, year) if c == org_id)
        return [company(p) for _, p, _ in chain], next((company(p) for _, p, top in chain if top), None)

    assert expected(before) != expected(after), "the data no longer shows a change between these years"
    for g in (graph, memory):
        for year in (before, after):
            chain, top = expected(year)
            assert [link.controller.iri for link in g.parents(name, at=year)] == chain
            assert (
                (g.ultimate_parent(name, at=year) or None) and g.ultimate_parent(name, at=year).iri == top
            ) or top is None
            rows = g.store.query(
                named_query("ultimate-parent").text, {"company": company(org_id), "year": Literal(year)}
            ).rows
            assert [row[3] for row in rows] == ([top] if top else [])


def test_the_two_local_stores_agree_on_the_reference_data(graph, memory, reference):
    years = (None, 2008, 2012, 2020)
    for g in (graph, memory):
        g.names  # noqa: B018  (build the name index outside the comparison)

    def answers(g):
        return (
            [g.parents(org.id, at=y) for org in reference.organizations if org.owners for y in years],
            [
                g.subsidiaries(group, at=y)
                for group in ("panasonic-holdings", "lg-corp", "wanxiang-group")
                for y in years
            ],
            [
                g.companies(**f)
                for f in ({"chemistry": "lithium-metal"}, {"region": "europe"}, {"country": "JP", "at": 2000})
            ],
            g.entity("Samsung SDI"),
        )

    assert answers(graph) == answers(memory)
