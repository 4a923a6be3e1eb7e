"""Hostile input to `kg query` and the Python API: one line on stderr (or one KgError), never a crash.

Each case reproduces a failure found by an adversarial sweep: a deeply nested
query crashed Oxigraph (exit 139) and gave rdflib a RecursionError; an invalid
IRI as a parameter and a non-UTF-8 query file gave tracebacks; an invalid IRI
object was an error on one store and a warning on the other; and nothing
limited a local query's time or size.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest
from rdflib import URIRef

import kg
from kg.errors import KgError, QueryError, Refused
from kg.limits import Limits
from kg.lookup import EXAMPLE

CROSS_PRODUCT = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def nested(depth: int) -> str:
    return "SELECT ?x WHERE { FILTER(" + "(" * depth + "1" + ")" * depth + ") }"


def kg_query(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "kg", "query", "--data", str(EXAMPLE), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def assert_one_line_error(result: subprocess.CompletedProcess, *expected: str) -> None:
    assert result.returncode == 1, (result.returncode, result.stderr[-2000:])
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("kg: error: "), result.stderr
    for text in expected:
        assert text in lines[0], lines[0]
    assert result.stdout == ""


@pytest.fixture(scope="module", params=["oxigraph", "memory"])
def graph(request):
    with kg.load(EXAMPLE, store=request.param) as loaded:
        yield loaded


# ---------------------------------------------------------------- nesting (issue 20, item 10)


@pytest.mark.parametrize("store", ["oxigraph", "memory"])
def test_a_query_nested_5000_deep_is_refused_before_parsing(tmp_path, store):
    query = tmp_path / "deep.rq"
    query.write_text(nested(5000))
    assert len(query.read_bytes()) > 10_000
    assert_one_line_error(kg_query("--store", store, "-f", str(query)), "nests brackets more than 64 levels")


def test_nesting_is_refused_by_the_api_on_every_store(graph):
    with pytest.raises(Refused, match="nests brackets"):
        graph.sparql(nested(5000))


def test_nesting_rdflib_cannot_parse_is_an_error_not_a_recursion_error(graph):
    """Deeper than rdflib's parser can go (about 25 brackets), within the limit Oxigraph handles."""
    if graph.store.name == "memory":
        with pytest.raises(QueryError, match="nests too deeply for the memory store"):
            graph.sparql(nested(60))
    else:
        assert len(graph.sparql(nested(60))) == 1


def test_the_named_queries_nest_well_within_the_limit():
    from kg.guard import MAX_DEPTH, check_depth
    from kg.query import named_queries

    for query in named_queries().values():
        check_depth(query.text, MAX_DEPTH // 4)


# ---------------------------------------------------------------- parameters and files (item 14)


@pytest.mark.parametrize("value", ["<script>alert(1)</script>", "<a b>"])
def test_an_invalid_iri_as_a_parameter_of_sparql_text_is_one_line(value):
    assert_one_line_error(kg_query("SELECT ?v WHERE { }", "--param", f"v={value}"), "parameter v", "not a valid IRI")


def test_an_invalid_iri_as_a_typed_parameter_is_one_line():
    result = kg_query("cross-border-ownership", "--param", "kind=<a b>")
    assert_one_line_error(result, "parameter kind", "not a valid IRI")


def test_a_query_file_that_is_not_utf8_is_one_line(tmp_path):
    query = tmp_path / "latin1.rq"
    query.write_bytes("# Question: où?\nSELECT ?s WHERE { ?s ?p 'café' }".encode("latin-1"))
    assert_one_line_error(kg_query("-f", str(query)), str(query), "not UTF-8")


# ---------------------------------------------------------------- invalid IRI objects (item 16)


@pytest.mark.parametrize("value", [URIRef("not an iri"), URIRef("<script>"), URIRef("http://a b/")])
def test_an_invalid_iri_object_is_the_same_kg_error_on_every_store(graph, value, recwarn):
    with pytest.raises(QueryError, match="not a valid IRI") as raised:
        graph.sparql("SELECT ?s WHERE { ?s ?p ?o }", s=value)
    assert isinstance(raised.value, KgError)
    assert not [w for w in recwarn if "valid" in str(w.message)]


# ---------------------------------------------------------------- time and size limits (item 15)


def test_kg_query_timeout_stops_a_runaway_query():
    started = time.monotonic()
    result = kg_query(CROSS_PRODUCT, "--timeout", "1")
    assert_one_line_error(result, "ran longer than the time limit of 1 s")
    assert time.monotonic() - started < 30


def test_kg_query_max_rows_refuses_a_large_answer_whole():
    assert_one_line_error(kg_query("SELECT * WHERE { ?s ?p ?o }", "--max-rows", "5"), "more than 5 rows")
    result = kg_query("SELECT * WHERE { ?s ?p ?o } LIMIT 5", "--max-rows", "5", "--format", "csv")
    assert result.returncode == 0 and len(result.stdout.splitlines()) == 6


def test_kg_query_help_documents_the_limits_and_their_defaults():
    result = subprocess.run([sys.executable, "-m", "kg", "query", "--help"], capture_output=True, text=True)
    assert "--timeout SECONDS" in result.stdout and "--max-rows N" in result.stdout
    assert result.stdout.count("default: no limit") == 2


@pytest.mark.parametrize("store", ["oxigraph", "memory"])
def test_api_limits_stop_and_refuse_and_leave_the_graph_usable(store):
    with kg.load(EXAMPLE, store=store, limits=Limits(timeout=1, max_rows=10)) as graph:
        started = time.monotonic()
        with pytest.raises(Refused, match="time limit of 1 s") as stopped:
            graph.sparql(CROSS_PRODUCT)
        assert stopped.value.status == 503 and time.monotonic() - started < 20
        with pytest.raises(Refused, match="more than 10 rows") as refused:
            graph.sparql("SELECT * WHERE { ?s ?p ?o }")
        assert refused.value.status == 413
        assert [link.controller.label for link in graph.parents("Nord Energy", at=2010)]  # named queries answer


def test_without_limits_nothing_is_forked_or_cut(graph):
    assert len(graph.sparql("SELECT * WHERE { ?s ?p ?o }")) > 1000


def test_the_package_never_reads_tests():
    package = Path(kg.__file__).parent
    for source in package.rglob("*.py"):
        text = source.read_text(encoding="utf-8")
        assert '"tests"' not in text and "'tests'" not in text, source
