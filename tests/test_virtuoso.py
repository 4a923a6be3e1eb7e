"""``kg push`` into a real Virtuoso Open Source 7.2 on loopback, as it is configured out of the box.

Virtuoso's anonymous ``/sparql`` refuses writes; ``/sparql-auth`` (SPARQL Update) and
``/sparql-graph-crud-auth`` (Graph Store Protocol) take HTTP Digest authentication as user
``dba``. The password comes from ``KG_SPARQL_PASSWORD``, never from the command line.
A missing ``virtuoso-t`` is a skip on a developer's machine and a failure in CI
(``KG_REQUIRE_VIRTUOSO=1``, set by ``.ci/run``).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from kg.embedded import OxigraphStore
from kg.errors import QueryError, Refused
from kg.query import NameIndex, named_queries, run
from kg.remote import RemoteStore, push, read_graphs
from tests.servers import FIXTURE, ROOT, VIRTUOSO, virtuoso_server
from tests.test_remote import _answer, _argument_sets, _bigger, _samples

if VIRTUOSO is None:
    if os.environ.get("KG_REQUIRE_VIRTUOSO"):
        pytest.fail("virtuoso-t is not installed (apt-get install virtuoso-opensource)", pytrace=False)
    pytest.skip("virtuoso-t is not installed (apt-get install virtuoso-opensource)", allow_module_level=True)

PASSWORD = {"KG_SPARQL_PASSWORD": "dba"}


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory):
    with virtuoso_server(tmp_path_factory.mktemp("virtuoso")) as base:
        yield base


def reader(base: str) -> RemoteStore:
    return RemoteStore(base + "/sparql", union_default_graph=False)


def by_update(base: str) -> RemoteStore:
    return RemoteStore(base + "/sparql-auth", union_default_graph=False, user="dba", password="dba")


def by_graph_store(base: str) -> RemoteStore:
    return RemoteStore(
        base + "/sparql-auth",
        graph_store=base + "/sparql-graph-crud-auth",
        union_default_graph=False,
        user="dba",
        password="dba",
    )


def ours(sizes: dict[str | None, int], expected: dict[str | None, int]) -> dict[str | None, int]:
    """The sizes of our graphs only: Virtuoso keeps system graphs of its own beside them."""
    return {graph: sizes.get(graph, 0) for graph in expected}


def kg(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "kg", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, **(env or {})},
    )


def test_anonymous_writes_are_refused_with_the_servers_message(virtuoso):
    with pytest.raises(Exception, match=r"SPARUL|permission|401|403"):
        push(FIXTURE, RemoteStore(virtuoso + "/sparql", union_default_graph=False))


@pytest.mark.parametrize("route", ["update", "graph-store"])
def test_push_with_digest_authentication_replaces_every_graph_and_repushing_changes_nothing(virtuoso, route):
    expected = {graph: len(triples) for graph, triples in read_graphs(FIXTURE).items()}
    remote = by_update(virtuoso) if route == "update" else by_graph_store(virtuoso)
    report = push(FIXTURE, remote)
    assert report.graphs == expected
    first = ours(reader(virtuoso).graph_sizes(), expected)
    assert first == expected
    listing = "SELECT ?s ?p ?o WHERE { GRAPH <%s> { ?s ?p ?o } } ORDER BY ?s ?p ?o" % next(iter(expected))  # noqa: UP031  # SPARQL braces
    before = reader(virtuoso).query(listing).rows
    push(FIXTURE, remote)
    assert ours(reader(virtuoso).graph_sizes(), expected) == expected
    assert reader(virtuoso).query(listing).rows == before


@pytest.mark.parametrize("route", ["update", "graph-store"])
def test_a_graph_larger_than_a_chunk_goes_in_several_requests_and_arrives_whole(virtuoso, tmp_path, route):
    bigger = tmp_path / "bigger.trig"
    expected = _bigger(bigger, 700)
    remote = by_update(virtuoso) if route == "update" else by_graph_store(virtuoso)
    # every graph in several requests, blank-node groups kept together
    remote.chunk_size = remote.graph_store_chunk_size = 250
    push(bigger, remote)
    assert ours(reader(virtuoso).graph_sizes(), expected) == expected
    embedded = OxigraphStore()
    embedded.load_file(bigger)
    listing = "SELECT ?g ?s ?o WHERE { GRAPH ?g { ?s <urn:filler> ?o } }"
    want = sorted(embedded.query(listing).rows)
    assert len(want) == 700 * len(expected)
    assert sorted(row for row in reader(virtuoso).query(listing).rows if str(row[0]) in expected) == want
    push(bigger, remote)  # again: nothing changes
    assert ours(reader(virtuoso).graph_sizes(), expected) == expected


def test_kg_push_takes_the_password_from_the_environment_only(virtuoso):
    graph_store = ["--graph-store", virtuoso + "/sparql-graph-crud-auth"]
    done = kg(
        "push",
        "--endpoint",
        virtuoso + "/sparql-auth",
        *graph_store,
        "--user",
        "dba",
        "--file",
        str(FIXTURE),
        env=PASSWORD,
    )
    assert done.returncode == 0, done.stderr
    assert "Graph Store Protocol" in done.stdout and "count checked" in done.stdout
    done = kg(
        "push",
        "--endpoint",
        virtuoso + "/sparql-auth",
        "--via",
        "update",
        "--user",
        "dba",
        "--file",
        str(FIXTURE),
        env=PASSWORD,
    )
    assert done.returncode == 0 and "SPARQL Update" in done.stdout, done.stderr
    wrong = kg(
        "push", "--endpoint", virtuoso + "/sparql-auth", "--via", "update", "--user", "dba", "--file", str(FIXTURE),
        env={"KG_SPARQL_PASSWORD": "not-the-password"},
    )  # fmt: skip
    assert wrong.returncode == 1 and "401" in wrong.stderr and "Traceback" not in wrong.stderr
    assert "--password" not in kg("push", "--help").stdout


@pytest.mark.parametrize("route", ["update", "graph-store"])
def test_a_push_killed_midway_leaves_every_graph_old_or_new(virtuoso, tmp_path, route):
    before = {graph: len(triples) for graph, triples in read_graphs(FIXTURE).items()}
    bigger = tmp_path / "bigger.trig"
    after = _bigger(bigger, 10_000)
    remote = by_update(virtuoso) if route == "update" else by_graph_store(virtuoso)
    push(FIXTURE, remote)
    if route == "update":
        target = ["--endpoint", virtuoso + "/sparql-auth", "--via", "update"]
    else:
        target = ["--endpoint", virtuoso + "/sparql-auth", "--graph-store", virtuoso + "/sparql-graph-crud-auth"]
    pushing = subprocess.Popen(
        [sys.executable, "-m", "kg", "push", *target, "--user", "dba", "--file", str(bigger)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, **PASSWORD},
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and ours(reader(virtuoso).graph_sizes(), before) == before:
        time.sleep(0.05)  # kill it once the first graph has been replaced
    pushing.send_signal(signal.SIGKILL)
    pushing.wait()
    sizes = ours(reader(virtuoso).graph_sizes(), before)
    assert all(sizes[g] in (before[g], after[g]) for g in before), (sizes, before, after)
    assert any(sizes[g] == after[g] for g in before)
    push(bigger, remote)  # the next push finishes the job (and drops what a killed one left aside)
    assert ours(reader(virtuoso).graph_sizes(), after) == after
    push(FIXTURE, remote)
    assert ours(reader(virtuoso).graph_sizes(), before) == before


# ---------------------------------------------------------------- the named queries on Virtuoso


@pytest.fixture(scope="module")
def built_on_virtuoso(tmp_path_factory, built_trig):
    """The built graph pushed into a Virtuoso of its own, and the same file in embedded Oxigraph.

    Its own: Virtuoso's default graph is the union of every graph it holds, so graphs the push tests
    left behind would answer too.
    """
    with virtuoso_server(tmp_path_factory.mktemp("virtuoso-built")) as base:
        push(built_trig, by_graph_store(base))
        embedded = OxigraphStore()
        embedded.load_file(built_trig)
        yield reader(base), embedded


def _differences(built_on_virtuoso, name: str, argument_sets) -> tuple[list, int]:
    """The argument sets answered differently on Virtuoso, and how many were non-empty on embedded Oxigraph."""
    remote, embedded = built_on_virtuoso
    query = named_queries()[name]
    names = {id(store): NameIndex(store) for store in (embedded, remote)}
    differ, nonempty = [], 0
    for arguments in argument_sets:
        want = _answer(run(embedded, query, arguments, names[id(embedded)]))
        nonempty += bool(want[-1])
        try:
            got = _answer(run(remote, query, arguments, names[id(remote)]))
        except QueryError as error:
            differ.append((name, arguments, str(error).splitlines()[0][:200]))
            continue
        if got != want:
            differ.append((name, arguments, f"{len(want[-1])} rows embedded, {len(got[-1])} on Virtuoso"))
    return differ, nonempty


def test_every_named_query_answers_the_same_on_virtuoso_as_embedded(built_on_virtuoso):
    samples = _samples(built_on_virtuoso[1])
    argument_sets = {name: list(_argument_sets(query, samples)) for name, query in named_queries().items()}
    answers = [_differences(built_on_virtuoso, name, sets) for name, sets in sorted(argument_sets.items())]
    differ = [difference for found, _ in answers for difference in found]
    compared, nonempty = sum(map(len, argument_sets.values())), sum(count for _, count in answers)
    assert not differ, "\n".join(map(str, differ))
    assert compared > 60 and nonempty > 30


# owner-changes' engine differences hid in particular pairs of years
YEAR_PAIRS = [(2000, 2026), (2001, 2023), (2008, 2009), (2010, 2024), (2013, 2022), (2020, 2025), (2024, 2010)]


def test_owner_changes_agree_on_virtuoso_for_many_pairs_of_years(built_on_virtuoso):
    pairs = [{"from_year": start, "to_year": end} for start, end in YEAR_PAIRS]
    differ, nonempty = _differences(built_on_virtuoso, "owner-changes", pairs)
    assert not differ and nonempty >= 5


# options beside the company, for the questions whose engine differences showed only for companies with answers
COMPANY_OPTIONS = {
    "events": [{}, {"include_controlled": True}, {"include_controlled": True, "from_year": 2018}],
    "plants": [{}, {"include_controlled": True, "year": 2020}],
    "agreements": [{}, {"include_controlled": True, "from_year": 2021}, {"to_year": 2020, "kind": "supply"}],
    "capacity": [{}, {"include_controlled": True, "include_planned": True}, {"include_controlled": True, "year": 2022}],
}


@pytest.mark.parametrize("name", sorted(COMPANY_OPTIONS))
def test_company_questions_agree_on_virtuoso_for_companies_with_answers(built_on_virtuoso, name):
    embedded = built_on_virtuoso[1]
    # a dozen of the groups of plant operators and agreement parties, spread over the alphabet
    groups = embedded.query(
        "PREFIX bkg: <https://w3id.org/battery-kg/ontology#> SELECT DISTINCT ?group WHERE {"
        " { [] bkg:operator ?member } UNION { [] bkg:party ?member } ?m bkg:member ?member ; bkg:group ?group }"
        " ORDER BY ?group"
    ).rows
    groups = groups[:: max(1, len(groups) // 12)]
    argument_sets = [{"company": str(group), **extra} for (group,) in groups for extra in COMPANY_OPTIONS[name]]
    differ, nonempty = _differences(built_on_virtuoso, name, argument_sets)
    assert not differ, "\n".join(map(str, differ))
    assert nonempty >= 6  # so that two empty answers cannot pass for agreement


@pytest.mark.parametrize(
    "name, params",
    [("ownership-stakes", ["company=A123 Systems"]), ("entity-names", ["text=lithium"]), ("companies", [])],
)
def test_kg_query_endpoint_gives_the_rows_of_the_embedded_store(built_on_virtuoso, built_trig, name, params):
    arguments = [option for param in params for option in ("--param", param)]
    local = kg("query", name, *arguments, "--data", str(built_trig), "--format", "csv")
    remote = kg("query", name, *arguments, "--endpoint", built_on_virtuoso[0].endpoint, "--format", "csv")
    assert local.returncode == 0 and remote.returncode == 0, local.stderr + remote.stderr
    head, *rows = local.stdout.splitlines()
    assert len(rows) > 0
    assert remote.stdout.splitlines()[0] == head and sorted(remote.stdout.splitlines()[1:]) == sorted(rows)


@pytest.fixture(scope="module")
def capped(tmp_path_factory):
    """A Virtuoso that cuts answers at 100 rows, holding a graph of 250 triples."""
    with virtuoso_server(tmp_path_factory.mktemp("virtuoso-capped"), max_rows=100) as base:
        writer = by_update(base)
        for start in range(0, 250, 50):  # Virtuoso compiles one INSERT DATA into SQL of bounded length
            triples = " ".join(f"<urn:s{i}> <urn:p> {i} ." for i in range(start, start + 50))
            writer.update(f"INSERT DATA {{ GRAPH <urn:capped> {{ {triples} }} }}")
        yield base


def test_an_answer_cut_at_the_servers_row_limit_is_refused_not_passed_off_as_whole(capped):
    store = reader(capped)
    assert len(store.query("SELECT ?s WHERE { GRAPH <urn:capped> { ?s <urn:p> ?o } } LIMIT 99").rows) == 99
    with pytest.raises(Refused, match="row limit of 100 rows") as refused:
        store.query("SELECT ?s WHERE { GRAPH <urn:capped> { ?s <urn:p> ?o } }")
    assert refused.value.status == 413
    done = kg("query", "SELECT ?s WHERE { GRAPH <urn:capped> { ?s ?p ?o } }", "--endpoint", capped + "/sparql")
    assert done.returncode != 0 and not done.stdout
    assert len(done.stderr.strip().splitlines()) == 1 and "row limit of 100 rows" in done.stderr


def test_an_answer_stopped_at_the_servers_time_limit_is_refused(capped):
    # a timeout in the request makes Virtuoso answer with the rows it found by then ("anytime" queries)
    store = RemoteStore(capped + "/sparql?timeout=500", union_default_graph=False)
    assert store.query("ASK { GRAPH <urn:capped> { <urn:s1> <urn:p> 1 } }").boolean
    with pytest.raises(Refused, match="stopped the query at its time limit") as refused:
        # 250 to the fourth power combinations: seconds of work, under Virtuoso's estimate limit
        store.query("SELECT (COUNT(*) AS ?n) { ?a <urn:p> ?b . ?c <urn:p> ?d . ?e <urn:p> ?f . ?g <urn:p> ?h }")
    assert refused.value.status == 503
