"""The Python API (kg.load, KnowledgeGraph): same answers as the named queries' SPARQL, on both local stores."""

from __future__ import annotations

import dataclasses
import itertools

import networkx as nx
import pytest
from rdflib import Literal, URIRef

import kg
from kg.errors import KgError
from kg.graph import ControlLink, Entity, EntityRecord, KnowledgeGraph, Rows, load
from kg.namespaces import BKG, iri
from kg.query import UnknownName, named_query
from query_fixture import DATA_DIR, built, company, control_table  # noqa: F401 (built is a pytest fixture)

STORES = ("oxigraph", "memory")
YEARS = (None, 2008, 2010, 2017)


@pytest.fixture(scope="module", params=STORES)
def graph(request, built):
    return load(built[0], store=request.param)


@pytest.fixture(scope="module")
def both(built):
    return {name: load(built[0], store=name) for name in STORES}


def sparql(graph: KnowledgeGraph, name: str, **bindings):
    """The named query's own text, run straight on the store with bound terms: no kg.query, no name look-up."""
    return graph.store.query(named_query(name).text, {k: v for k, v in bindings.items() if v is not None}).dicts()


def year(value: int | None):
    return None if value is None else Literal(value)


def test_kg_exports_the_api():
    assert kg.load is load and kg.KnowledgeGraph is KnowledgeGraph and kg.Entity is Entity
    with pytest.raises(AttributeError):
        kg.nothing_here  # noqa: B018


@pytest.mark.parametrize("at", YEARS)
def test_parents_and_ultimate_parent_agree_with_sparql(graph, built, at):
    reference = built[1]
    for org in reference.organizations:
        links = graph.parents(org.id, at=at)
        rows = sparql(graph, "parent-chain", company=company(org.id), year=year(at))
        assert [
            (link.controller.iri, link.depth, link.ultimate, link.from_year, link.until_year) for link in links
        ] == [
            (
                r["parent"],
                int(r["depth"]),
                r["ultimate"].toPython(),
                r["fromYear"] and int(r["fromYear"]),
                r["untilYear"] and int(r["untilYear"]),
            )
            for r in rows
        ]
        assert all(isinstance(link, ControlLink) and link.controlled.iri == company(org.id) for link in links)
        top = graph.ultimate_parent(org.id, at=at)
        tops = sparql(graph, "ultimate-parent", company=company(org.id), year=year(at))
        assert (top and top.iri) == (tops[0]["parent"] if tops else None)
        expected_top = {p for c, p, _, t in control_table(reference, at) if c == org.id and t}
        assert {top.iri for top in [top] if top} == {company(p) for p in expected_top}


@pytest.mark.parametrize("at", YEARS)
def test_subsidiaries_agree_with_sparql(graph, at):
    for group in ("Hana Corporation", "Volta Group", "Kiwa Electric", "Blue Holdings"):
        for transitive in (True, False):
            links = graph.subsidiaries(group, transitive=transitive, at=at)
            rows = sparql(
                graph,
                "subsidiaries",
                group=graph.resolve(group),
                year=year(at),
                transitive=None if transitive else Literal(False),
            )
            assert [(link.controlled.iri, link.depth, link.via and link.via.iri) for link in links] == [
                (r["subsidiary"], int(r["depth"]), r["via"]) for r in rows
            ]


def test_companies_agree_with_sparql(graph):
    cases = [
        {},
        {"chemistry": "lithium-ion"},
        {"region": "europe", "chemistry": "lithium-metal"},
        {"country": "US", "at": 2010},
    ]
    for case in cases:
        found = graph.companies(**case)
        bindings = {k: graph.resolve(v, k) for k, v in case.items() if k != "at"}
        rows = sparql(graph, "companies", year=year(case.get("at")), **bindings)
        assert [e.iri for e in found] == [r["company"] for r in rows]
        assert all(e.type in ("company", "parent-group") for e in found)


def test_neighbors_and_entity_agree_with_sparql(graph):
    for name in ("Kiwa Electric", "lfp", "JP", "europe"):
        target = graph.resolve(name)
        rows = sparql(graph, "neighbors", entity=target)
        assert [(n.entity.iri, n.relation, n.direction) for n in graph.neighbors(name)] == [
            (r["neighbor"], r["relation"], str(r["direction"])) for r in rows
        ]
        record = graph.entity(name)
        facts = sparql(graph, "entity-facts", entity=target)
        assert {(f.predicate, getattr(f.value, "iri", f.value)) for f in record.facts} == {
            (r["predicate"], r["object"] if isinstance(r["object"], URIRef) else _py(r["object"])) for r in facts
        }


def _py(term):
    from kg.graph import python_value

    return python_value(term)


def test_sparql_by_name_gives_the_same_rows_as_the_methods(graph):
    rows = graph.sparql("parent-chain", company="Nord Energy", year=2010)
    assert isinstance(rows, Rows) and rows.vars == (
        "company",
        "companyLabel",
        "year",
        "depth",
        "parent",
        "parentLabel",
        "ultimate",
        "fromYear",
        "untilYear",
    )
    assert [(r.parent, r.depth, r.ultimate) for r in rows] == [
        (link.controller.iri, link.depth, link.ultimate) for link in graph.parents("Nord Energy", at=2010)
    ]
    text = graph.sparql("SELECT ?c ?y WHERE { ?c a bkg:Control ; bkg:fromYear ?y }", y=2013)
    assert {r.c for r in text} == {
        iri("control", "volta-cells--volta-america--2013"),
        iri("control", "volta-cells--volta-group--2013"),
    }
    assert graph.sparql("ASK { ?c bkg:controller ?who }", who=graph.entity("Blue Holdings")) is True
    if graph.store.name == "oxigraph":
        with pytest.raises(KgError, match=r"add \?y to the SELECT clause"):
            graph.sparql("SELECT ?c WHERE { ?c bkg:fromYear ?y }", y=2013)
    assert len(graph.sparql("entity-description", entity="Volta Group")) > 0  # CONSTRUCT gives an rdflib Graph


def test_the_stores_give_identical_api_answers(both):
    answers = {}
    for name, graph in both.items():
        answers[name] = (
            [graph.parents(c, at=y) for c in ("Nord Energy", "Volta Cells") for y in YEARS],
            [graph.subsidiaries(g, at=y) for g in ("Hana", "Volta Group") for y in YEARS],
            graph.companies(chemistry="lithium-ion"),
            sorted(graph.neighbors("Kiwa Electric"), key=repr),
            graph.entity("Volta Cells"),
            graph.shortest_path("Nord Energy", "Volta Cells"),
        )
    assert answers["oxigraph"] == answers["memory"]


def test_a_memory_store_answers_the_api_from_a_copy_that_follows_its_loads(built):
    """rdflib runs the API's joins as nested loops (minutes at 100k triples, bench/README.md), so the
    methods ask an Oxigraph copy of its quads, made again when the store changes; own SPARQL stays on rdflib."""
    graph = load(built[0], store="memory")
    before = graph.store.oxigraph_copy()
    assert [c.label for c in graph.companies(chemistry="lfp")] == ["Volta Cells"]
    assert graph.store.oxigraph_copy() is before
    graph.store.load_data(
        "<https://w3id.org/battery-kg/id/company/zz-new> a <https://schema.org/Organization> ;"
        ' <http://www.w3.org/2000/01/rdf-schema#label> "Zz New Cells" ;'
        " <https://w3id.org/battery-kg/ontology#makesChemistry> <https://w3id.org/battery-kg/id/chemistry/lfp> .",
        "turtle",
    )
    assert graph.store.oxigraph_copy() is not before
    assert [c.label for c in graph.companies(chemistry="lfp")] == ["Volta Cells", "Zz New Cells"]
    assert len(graph.store.oxigraph_copy().native) == len(graph.store.dataset)


def test_records_are_typed_and_frozen(graph):
    record = graph.entity("Volta")
    assert isinstance(record, EntityRecord) and isinstance(record, Entity)
    assert (record.iri, record.label, record.type) == (iri("company", "volta-cells"), "Volta Cells", "company")
    with pytest.raises(dataclasses.FrozenInstanceError):
        record.label = "x"
    assert sorted(str(c) for c in record.values(BKG.makesChemistry)) == [
        "Lithium iron phosphate (LFP)",
        "Lithium nickel manganese cobalt oxide (NMC)",
    ]
    types = {
        name: graph.entity(name).type
        for name in ("Volta Group", "Zeta Power", "lfp", "JP", "europe", "test-report", "electric-vehicles")
    }
    assert types == {
        "Volta Group": "parent-group",
        "Zeta Power": "unresolved",
        "lfp": "chemistry",
        "JP": "country",
        "europe": "region",
        "test-report": "source",
        "electric-vehicles": "application",
    }
    [fact] = [f for f in record.facts if f.predicate == BKG.headquarteredIn]
    assert (fact.name, fact.value.label, fact.sources) == (
        "bkg:headquarteredIn",
        "United States",
        ("https://example.org/volta/about",),
    )


def test_unknown_or_wrong_names_raise_clear_errors(graph):
    with pytest.raises(UnknownName) as raised:
        graph.entity("Volta Selles")
    assert isinstance(raised.value, KgError) and "Volta Cells" in raised.value.suggestions
    assert "did you mean: Volta Cells" in str(raised.value)
    with pytest.raises(UnknownName, match="no company is called 'lfp'"):
        graph.parents("lfp")
    # a name that fits the market region and the M49 area means the market region
    assert graph.companies(region="Europe") == graph.companies(region="europe")
    with pytest.raises(KgError, match="cannot bind"):
        graph.sparql("ASK { ?s ?p ?o }", o=object())


def test_networkx_view_and_paths(graph):
    network = graph.to_networkx()
    assert isinstance(network, nx.MultiDiGraph)
    owner, owned = str(company("volta-america")), str(company("volta-cells"))
    [edge] = [d for _, target, d in network.edges(owner, data=True) if target == owned and d["relation"] == "owns"]
    assert (edge["share"], edge["start_year"], edge["end_year"]) == (90.0, 2013, None)
    assert network.has_edge(owner, owned)
    path = graph.shortest_path("Nord Energy", "Volta Cells")
    assert path[0].label == "Nord Energy" and path[-1].label == "Volta Cells"
    industry = {"owns", "makes", "operates", "party-to"}  # shortest_path's links that the network view also has
    for a, b in itertools.pairwise(path):
        links = [*network.get_edge_data(str(a.iri), str(b.iri), default={}).values()]
        links += network.get_edge_data(str(b.iri), str(a.iri), default={}).values()
        assert any(link["relation"] in industry for link in links), (a.label, b.label)
    with pytest.raises(KgError, match="no path links"):
        graph.shortest_path("Zeta Power", "Volta Cells")


def test_rows_to_dataframe(graph):
    rows = graph.sparql("companies", country="JP")
    frame = rows.to_dataframe()
    assert list(frame.columns) == list(rows.vars) and len(frame) == len(rows) == 2
    assert set(frame["label"]) == {"Kiwa Electric", "Hana Corporation"}


def test_load_builds_the_graph_when_there_is_none(tmp_path, monkeypatch):
    from kg import build as builder

    monkeypatch.setattr(builder, "DATA_DIR", DATA_DIR)
    monkeypatch.setattr(builder, "BUILD_DIR", tmp_path / "build")
    graph = load()
    assert (tmp_path / "build" / builder.TRIG_NAME).exists()
    assert graph.ultimate_parent("Volta Cells").iri == company("volta-group")
    # an on-disk store that already holds the graph is used as it is, without building again
    store = f"oxigraph:{tmp_path / 'db'}"
    load(tmp_path / "build" / builder.TRIG_NAME, store=store).close()
    monkeypatch.setattr(builder, "BUILD_DIR", tmp_path / "nowhere")
    with load(store=store) as again:
        assert again.ultimate_parent("Volta Cells").label == "Volta Group"
    assert not (tmp_path / "nowhere").exists()
    with pytest.raises(KgError, match="no such file"):
        load(tmp_path / "missing.trig")
