"""The embedded stores behave alike: union default graph, FROM, bindings, refusals."""

from __future__ import annotations

import pytest
from rdflib import Literal, URIRef

from kg.embedded import OxigraphStore
from kg.errors import KgError, QueryError
from kg.store import open_store

DATA = """
<urn:a> <urn:p> "x" <urn:g1> .
<urn:b> <urn:p> "y" <urn:g2> .
"""


@pytest.fixture(params=["oxigraph", "memory"])
def store(request):
    opened = open_store(request.param)
    opened.load_data(DATA, "nq")
    return opened


def test_default_graph_is_the_union_of_named_graphs(store):
    assert sorted(str(row[0]) for row in store.query("SELECT ?s WHERE { ?s ?p ?o }").rows) == ["urn:a", "urn:b"]


def test_from_narrows_to_the_graph_it_names(store):
    assert store.query("SELECT ?s FROM <urn:g1> WHERE { ?s ?p ?o }").rows == [(URIRef("urn:a"),)]


def test_bindings_are_values_not_text(store):
    hostile = Literal('x" } ; DROP ALL ; SELECT * { "')
    assert store.query("SELECT ?s ?o WHERE { ?s <urn:p> ?o }", {"o": hostile}).rows == []
    assert store.query("SELECT ?s ?o WHERE { ?s <urn:p> ?o }", {"o": Literal("y")}).rows == [
        (URIRef("urn:b"), Literal("y"))
    ]


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
        "INSERT DATA { <urn:x> <urn:y> <urn:z> }",
    ],
)
def test_service_and_updates_are_refused_before_running(store, query):
    with pytest.raises(QueryError, match=r"refused|update"):
        store.query(query)
    assert len(store.query("SELECT * WHERE { ?s ?p ?o }").rows) == 2


def test_syntax_errors_are_query_errors(store):
    with pytest.raises(QueryError, match="syntax"):
        store.query("SELECT ?s WHERE { ?s ?p }")


@pytest.mark.parametrize("on_disk", [False, True], ids=["in memory", "on disk"])
def test_a_file_broken_midway_leaves_the_oxigraph_store_as_it_was(tmp_path, on_disk):
    # in memory a load, on disk the bulk loader (kg.embedded): neither may keep the lines before the error
    opened = OxigraphStore(tmp_path / "store" if on_disk else None)
    opened.load_data(DATA, "nq")
    broken = tmp_path / "broken.nq"
    lines = [f"<urn:s{i}> <urn:p> <urn:o> <urn:g3> .\n" for i in range(5000)]
    broken.write_text("".join(lines) + "<urn:s> <urn:p> not-a-term <urn:g3> .\n")
    with pytest.raises(KgError, match=r"broken\.nq.*line 5001"):
        opened.load_file(broken)
    assert sorted(str(g) for g in opened.graph_names()) == ["urn:g1", "urn:g2"]
    assert len(opened.query("SELECT * WHERE { ?s ?p ?o }").rows) == 2
    opened.close()
