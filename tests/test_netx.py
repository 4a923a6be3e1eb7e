"""kg.netx against real rdflib and Oxigraph stores loaded from a TriG file.

Expected values are read from the fixture with rdflib's triple API, not with
the SPARQL that kg.netx runs, so the two are independent.
"""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest
from rdflib import RDF, SDO, SKOS, Dataset, Graph

from kg.errors import KgError
from kg.namespaces import BKG, ID
from kg.netx import NODE_TYPES, RELATIONS, find_node, select, stake_active, to_networkx
from kg.store import open_store

FIXTURE = Path(__file__).parent.parent / "kg" / "examples" / "netx-viz.trig"


def _dataset(default_union: bool = True) -> Dataset:
    dataset = Dataset(default_union=default_union)
    dataset.parse(FIXTURE, format="trig")
    return dataset


def _iri(kind_key: str) -> str:
    return str(ID[kind_key])


@pytest.fixture(scope="module")
def union() -> Dataset:
    return _dataset()


@pytest.fixture(scope="module", params=["memory", "oxigraph", "dataset"])
def graph(request) -> nx.MultiDiGraph:
    if request.param == "dataset":
        return to_networkx(_dataset())
    store = open_store(request.param)
    store.load_file(FIXTURE)
    return to_networkx(store)


def test_every_entity_is_a_node_and_nothing_else(graph, union):
    classes = {
        SDO.Organization,
        BKG.UnresolvedEntity,
        BKG.BatteryChemistry,
        BKG.Application,
        BKG.MarketRegion,
        SDO.Country,
        BKG.SourceDocument,
    }
    expected = {str(s) for c in classes for s in union.subjects(RDF.type, c)}
    assert set(graph) == expected
    # stakes, control periods, mentions and sourced facts are not nodes; literals neither
    assert not any("/stake/" in n or "/control/" in n or "/mention/" in n for n in graph)
    assert all(n.startswith(str(ID)) for n in graph)


def test_node_types_and_labels(graph):
    expected = {
        "company/acme-cells": ("company", "Acme Cells"),
        "company/bolt-holdings": ("parent-group", "Bolt Holdings"),
        "company/nova-energy": ("unresolved", "Nova Energy"),
        "chemistry/lfp": ("chemistry", "LFP"),
        "application/electric-vehicles": ("application", "Electric vehicles"),
        "region/europe": ("region", "Europe"),
        "country/FR": ("country", "France"),
        "source/seed-report": ("source", "Made-up battery market report"),
    }
    for key, (node_type, label) in expected.items():
        assert (graph.nodes[_iri(key)]["type"], graph.nodes[_iri(key)]["label"]) == (node_type, label)
    assert {t for _, t in graph.nodes(data="type")} <= set(NODE_TYPES)


def test_literals_are_attributes_with_their_sources(graph):
    acme = graph.nodes[_iri("company/acme-cells")]
    assert acme["aliases"] == ["Acme", "Acme Cells Inc."]
    assert acme["founded"] == "2001"
    assert acme["sources"] == {"founded": ["https://example.org/acme/about"]}
    assert graph.nodes[_iri("country/FR")]["code"] == "FR"
    assert graph.nodes[_iri("source/seed-report")]["url"] == "https://example.org/reports/seed"
    hostile = graph.nodes[_iri("company/hostile-co")]
    assert hostile["label"] == '<img src=x onerror="window.__kgPwned=1">'


@pytest.mark.parametrize(
    "predicate, relation",
    [
        (BKG.makesChemistry, "makes"),
        (BKG.servesApplication, "serves"),
        (BKG.headquarteredIn, "headquartered-in"),
        (BKG.inRegion, "in-region"),
        (SKOS.broader, "broader"),
        (SDO.mentions, "mentions"),
        (BKG.candidate, "candidate"),
    ],
)
def test_each_relation_triple_is_one_edge(graph, union, predicate, relation):
    expected = {(str(s), str(o)) for s, o in union.subject_objects(predicate)}
    found = {(u, v) for u, v, d in graph.edges(data=True) if d["relation"] == relation}
    assert found == expected and expected


def test_edges_carry_the_sources_of_their_fact(graph):
    acme, lfp = _iri("company/acme-cells"), _iri("chemistry/lfp")
    assert graph.edges[acme, lfp, "makes"]["sources"] == [
        "https://example.org/acme/products",
        "https://example.org/news/acme-lfp",
    ]
    # inferred region membership has no sourced-fact node
    assert graph.edges[_iri("country/FR"), _iri("region/europe"), "in-region"]["sources"] == []


def test_one_ownership_edge_per_stake(graph, union):
    stakes = set(union.subjects(RDF.type, BKG.OwnershipStake))
    owns = [(u, v, d) for u, v, d in graph.edges(data=True) if d["relation"] == "owns"]
    assert {d["stake"] for _, _, d in owns} == {str(s) for s in stakes}
    volt = graph.edges[_iri("company/volt-group"), _iri("company/acme-cells"), _iri("stake/volt-group--acme-cells")]
    assert volt == {
        "relation": "owns",
        "stake": _iri("stake/volt-group--acme-cells"),
        "kind": "parent",
        "share": 100.0,
        "start": "2001",
        "end": "2013-01",
        "start_year": 2001,
        "end_year": 2013,
        "sources": ["https://example.org/news/acme-sold"],
    }
    minority = graph.edges[
        _iri("company/bolt-holdings"), _iri("company/hostile-co"), _iri("stake/bolt-holdings--hostile-co")
    ]
    assert (minority["kind"], minority["share"], minority["start"], minority["end"]) == (
        "minority",
        30.5,
        "2018-06-01",
        None,
    )
    assert {d["relation"] for _, _, d in graph.edges(data=True)} <= set(RELATIONS)


def test_stores_and_dataset_give_the_same_graph():
    graphs = []
    for spec in ("memory", "oxigraph"):
        store = open_store(spec)
        store.load_file(FIXTURE)
        graphs.append(to_networkx(store))
    graphs.append(to_networkx(_dataset()))
    first = graphs[0]
    for other in graphs[1:]:
        assert dict(other.nodes(data=True)) == dict(first.nodes(data=True))
        assert sorted(map(repr, other.edges(keys=True, data=True))) == sorted(
            map(repr, first.edges(keys=True, data=True))
        )


def test_a_dataset_without_default_union_is_read_as_a_union_and_left_unchanged():
    dataset = _dataset(default_union=False)
    graph = to_networkx(dataset)
    assert dataset.default_union is False
    assert graph.number_of_nodes() == 18 and graph.number_of_edges() == 22


def test_a_plain_graph_works_and_other_input_is_refused():
    plain = Graph()
    plain.parse(
        data=f"<{ID['country/FR']}> a <{SDO.Country}> ; <http://www.w3.org/2000/01/rdf-schema#label> 'France' .",
        format="turtle",
    )
    assert dict(to_networkx(plain).nodes(data="label")) == {_iri("country/FR"): "France"}
    with pytest.raises(TypeError, match=r"kg.store.Store or an rdflib Dataset"):
        to_networkx("build/battery-kg.trig")


def test_stake_activity_follows_the_31_december_rule():
    edge = {"relation": "owns", "start_year": 2001, "end_year": 2013}
    assert [year for year in range(1999, 2016) if stake_active(edge, year)] == list(range(2001, 2013))


@pytest.mark.parametrize(
    "year, owner, inactive",
    [(2005, "Volt Group", 2), (2012, "Volt Group", 2), (2013, "Bolt Holdings", 2), (2020, "Bolt Holdings", 1)],
)
def test_select_at_keeps_only_stakes_active_that_year(graph, year, owner, inactive):
    chosen = select(graph, at=year)
    acme = _iri("company/acme-cells")
    owners = [chosen.nodes[u]["label"] for u, _, d in chosen.in_edges(acme, data=True) if d["relation"] == "owns"]
    assert owners == [owner]
    # nodes stay; only edges go
    assert set(chosen) == set(graph)
    assert graph.number_of_edges() - chosen.number_of_edges() == inactive


def test_select_types_and_focus(graph):
    chosen = select(graph, types=["company", "chemistry"])
    assert {t for _, t in chosen.nodes(data="type")} == {"company", "chemistry"}
    assert all(d["relation"] in {"makes", "broader"} for _, _, d in chosen.edges(data=True))
    around = select(graph, focus="Acme Cells", depth=1, types=["chemistry"])
    assert {chosen_label for _, chosen_label in around.nodes(data="label")} == {"Acme Cells", "LFP", "NMC"}
    two = select(graph, focus="acme", depth=2, types=["company", "chemistry"])
    # a chemistry is reached but not passed through: LFP's broader concept is not near Acme
    assert "LFP" in dict(two.nodes(data="label")).values()
    assert "Lithium-ion" not in dict(two.nodes(data="label")).values()
    assert "Lithium-ion" in dict(select(graph, focus="LFP", depth=1).nodes(data="label")).values()
    assert list(select(graph, focus=_iri("country/FR"), depth=0)) == [_iri("country/FR")]
    # the source graph is not changed
    assert graph.number_of_nodes() == 18


def test_select_refuses_unknown_types_names_and_depths(graph):
    with pytest.raises(KgError, match=r"unknown node type.*warehouse"):
        select(graph, types=["company", "warehouse"])
    with pytest.raises(KgError, match="did you mean: Bolt Holdings"):
        select(graph, focus="Bolt Holdngs")
    with pytest.raises(KgError, match="depth"):
        select(graph, focus="Acme", depth=-1)


def test_find_node_by_label_alias_or_iri_and_ambiguity(graph):
    acme = _iri("company/acme-cells")
    assert find_node(graph, "ACME") == acme
    assert find_node(graph, acme) == acme
    twin = graph.copy()
    twin.add_node(_iri("company/acme-2"), label="Acme", type="company", sources={})
    with pytest.raises(KgError, match="several entities"):
        find_node(twin, "acme")
