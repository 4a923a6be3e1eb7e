"""RemoteStore and ``kg push`` against a real Oxigraph server (and ``kg serve``) on loopback."""

from __future__ import annotations

import collections
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from rdflib import BNode, Literal, URIRef

from kg.embedded import OxigraphStore
from kg.errors import KgError, QueryError
from kg.namespaces import BKG, CURATED_GRAPH, ID
from kg.query import NameIndex, named_queries, run
from kg.remote import RemoteStore, push, read_graphs, with_values
from kg.store import open_store
from tests.servers import FIXTURE, ROOT, kg_serve, oxigraph_server

PREFIX = "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> PREFIX bkg: <https://w3id.org/battery-kg/ontology#> "


@pytest.fixture(scope="module")
def oxigraph(tmp_path_factory):
    """A real Oxigraph server holding the fixture, pushed by Graph Store Protocol."""
    with oxigraph_server(tmp_path_factory.mktemp("oxigraph") / "db") as base:
        remote = RemoteStore.from_url(base + "/query")
        report = push(FIXTURE, remote)
        yield remote, report


# ---------------------------------------------------------------- bindings as a VALUES block


BOUND_QUERIES = [
    (PREFIX + "SELECT ?c ?label WHERE { ?c rdfs:label ?label }", {"c": ID["company/volta-cells"]}),
    (PREFIX + "SELECT ?c ?label WHERE { ?c rdfs:label ?label }", {"label": Literal("Volta Cells")}),
    (PREFIX + 'SELECT * WHERE { ?c rdfs:label ?l FILTER(?l != "}{") } ORDER BY ?l', {"c": ID["company/nord-energy"]}),
    (PREFIX + "SELECT ?c (COUNT(?p) AS ?n) WHERE { ?c ?p ?o } GROUP BY ?c", {"c": ID["company/volta-group"]}),
    (
        PREFIX + "SELECT (EXISTS { ?c a bkg:ParentGroup } AS ?parent) ?c WHERE { ?c rdfs:label ?l }",
        {"c": ID["company/volta-group"]},
    ),
    (PREFIX + "CONSTRUCT { ?c rdfs:label ?l } WHERE { ?c rdfs:label ?l }", {"c": ID["company/volta-cells"]}),
    (PREFIX + "# a { comment } with SELECT\nASK { ?c a bkg:ParentGroup }", {"c": ID["company/volta-group"]}),
    (PREFIX + "ASK WHERE { ?c a bkg:ParentGroup }", {"c": ID["company/volta-cells"]}),
    (
        PREFIX + "SELECT ?c WHERE { { SELECT ?c WHERE { ?c a bkg:ParentGroup } } ?c rdfs:label ?l }",
        {"c": ID["company/volta-group"]},
    ),
]


@pytest.mark.parametrize("query, bindings", BOUND_QUERIES)
def test_values_block_answers_like_substitution(embedded, query, bindings):
    substituted = embedded.query(query, bindings)
    rewritten = with_values(query, bindings)
    assert rewritten != query
    answered = embedded.query(rewritten)
    if substituted.kind == "GRAPH":
        assert set(answered.graph) == set(substituted.graph) and len(answered.graph) > 0
    elif substituted.kind == "ASK":
        assert answered.boolean == substituted.boolean
    else:
        assert collections.Counter(answered.rows) == collections.Counter(substituted.rows) and substituted.rows


HOSTILE = [
    '"} } ; DROP ALL ; #',
    "'''\"\"\" \\ \n\t }",
    "<http://evil/> } SERVICE <http://evil/> { ?s ?p ?o",
    "\u202e\u200b right-to-left and zero width",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_literals_stay_literals(embedded, text):
    query = PREFIX + "SELECT ?x WHERE { BIND(?v AS ?x) }"
    answer = embedded.query(with_values(query, {"v": Literal(text)}))
    assert answer.rows == [(Literal(text),)]


def test_what_cannot_be_sent_is_refused():
    query = "SELECT * WHERE { ?s ?p ?o }"
    with pytest.raises(QueryError, match="only IRIs and literals"):
        with_values(query, {"s": BNode()})
    with pytest.raises(QueryError, match="not a plain SPARQL variable name"):
        with_values(query, {"s) {} } DROP ALL #": URIRef("urn:x")})
    with pytest.raises(QueryError, match="cannot bind"):
        with_values(query, {"s": URIRef("urn:x> } DROP ALL #")})
    with pytest.raises(QueryError, match="short form"):
        with_values("CONSTRUCT WHERE { ?s ?p ?o }", {"s": URIRef("urn:x")})
    with pytest.raises(QueryError, match="WHERE group"):
        with_values("DESCRIBE ?s", {"s": URIRef("urn:x")})


# ---------------------------------------------------------------- push into a real Oxigraph server


def test_push_puts_every_named_graph_and_checks_counts(oxigraph):
    remote, report = oxigraph
    expected = {graph: len(triples) for graph, triples in read_graphs(FIXTURE).items()}
    assert report.graphs == expected and report.method == "Graph Store Protocol PUT"
    sizes = remote.graph_sizes()
    assert {g: sizes[g] for g in expected} == expected
    assert str(CURATED_GRAPH) in sizes and sizes[None] == 0
    again = push(FIXTURE, remote)  # a second push replaces, it does not add
    assert again.graphs == expected and remote.graph_sizes() == sizes


def test_remote_quads_are_the_embedded_store_quads(oxigraph, embedded):
    remote, _ = oxigraph
    # both Oxigraphs keep values, not spellings ("10.0"^^xsd:decimal comes back as "10"): compare store to store
    assert set(remote.quads()) == set(embedded.quads())


def _samples(store) -> dict[str, list[object]]:
    """Arguments of every parameter type, taken from the data itself: IRIs of each kind, years, words."""

    def some(kind: str, pattern: str, count: int = 2) -> list[str]:
        query = (
            f"PREFIX bkg: <{BKG}> SELECT DISTINCT ?x WHERE {{ {pattern} "
            f'FILTER(STRSTARTS(STR(?x), "{ID}{kind}/")) }} ORDER BY ?x LIMIT {count}'
        )
        return [str(row[0]) for row in store.query(query).rows]

    company = some("company", "?c bkg:controlled ?x") + some("company", "?x a bkg:ParentGroup", 1)
    return {
        "company": company,
        "entity": company[:2] + some("chemistry", "?x ?p ?o", 1),
        "year": [2010, 2024],
        "chemistry": some(
            "chemistry",
            "?x <http://www.w3.org/2004/02/skos/core#narrower>|^<http://www.w3.org/2004/02/skos/core#broader> ?y",
        ),
        "application": some("application", "?c bkg:servesApplication ?x"),
        "region": some("region", "?c bkg:inRegion ?x"),
        "country": some("country", "?c bkg:headquarteredIn ?x"),
        "source": some("source", "?x bkg:namedGraph ?g"),
        "iri": [str(BKG.ParentStake)],
        "string": ["volta", "Nord"],
        "boolean": [True, False],
    }


def _argument_sets(query, samples) -> list[dict[str, object]]:
    required = {p.name: samples[p.type][0] for p in query.parameters if not p.optional}
    sets = [required]
    for parameter in query.parameters:
        for value in samples[parameter.type]:
            sets.append({**required, parameter.name: value})
    return sets


def _unordered(term):
    # SPARQL leaves the order of GROUP_CONCAT unspecified and the stores differ: the .rq files join with
    # "; ", ", " or " | ", so compare the parts as a sorted list (done alike on both sides, so plain text stays equal)
    if isinstance(term, Literal) and re.search(r"(?:[;,]| \|) ", term):
        return Literal("|".join(sorted(re.split(r"(?:[;,]| \|) ", term))), lang=term.language, datatype=term.datatype)
    return term


def _answer(result):
    if result.kind == "GRAPH":
        return ("GRAPH", frozenset(result.graph))
    if result.kind == "ASK":
        return ("ASK", result.boolean)
    return ("SELECT", result.vars, collections.Counter(tuple(map(_unordered, row)) for row in result.rows))


def _named_queries_agree(trig: Path, tmp_path: Path) -> tuple[int, int]:
    """Push ``trig`` into a real Oxigraph server, serve it with kg serve, and run every named query on
    both and on the embedded store with arguments drawn from the data; return (runs, non-empty runs)."""
    embedded = OxigraphStore()
    embedded.load_file(trig)
    samples = _samples(embedded)
    compared = nonempty = 0
    with oxigraph_server(tmp_path / "db") as base, kg_serve(tmp_path, "--quiet", data=trig) as served:
        remote = RemoteStore.from_url(base + "/query")
        push(trig, remote)
        through_serve = RemoteStore(served.url)
        names = {id(store): NameIndex(store) for store in (embedded, remote, through_serve)}
        answer = lambda store, query, arguments: _answer(run(store, query, arguments, names[id(store)]))
        for name, query in sorted(named_queries().items()):
            for arguments in _argument_sets(query, samples):
                want = answer(embedded, query, arguments)
                assert answer(remote, query, arguments) == want, (name, arguments)
                assert answer(through_serve, query, arguments) == want, (name, arguments)
                compared += 1
                nonempty += bool(want[-1])
    return compared, nonempty


def test_every_named_query_answers_the_same_on_oxigraph_server_kg_serve_and_embedded(tmp_path):
    compared, nonempty = _named_queries_agree(FIXTURE, tmp_path)
    assert compared > 40 and nonempty > 20


def test_the_built_graph_pushed_and_served_answers_every_named_query_the_same(built_trig, tmp_path):
    compared, nonempty = _named_queries_agree(built_trig, tmp_path)
    assert compared > 40 and nonempty > 20


def test_push_by_sparql_update_keeps_blank_node_groups_whole(tmp_path):
    data = tmp_path / "facts.trig"
    facts = "\n".join(
        f'<urn:c{i}> <urn:name> "company {i}" . [] <urn:subject> <urn:c{i}> ; <urn:source> <urn:s{i % 7}> ; '
        f'<urn:note> [ <urn:text> "note {i}" ] .'
        for i in range(300)
    )
    data.write_text(f"<urn:g1> {{ {facts} }}\n<urn:g2> {{ <urn:a> <urn:b> <urn:c> . }}\n<urn:d> <urn:e> <urn:f> .\n")
    with oxigraph_server(tmp_path / "db") as base:
        remote = RemoteStore(base + "/query", update_endpoint=base + "/update", chunk_size=50)
        report = push(data, remote)
        assert report.method == "SPARQL Update" and report.graphs == {"urn:g1": 1500, "urn:g2": 1, None: 1}
        # every fact node kept its three triples and its note: no blank node was split between requests
        whole = (
            "SELECT (COUNT(*) AS ?n) WHERE { GRAPH <urn:g1> { ?f <urn:subject> ?c ; <urn:source> ?s ; "
            "<urn:note> [ <urn:text> ?t ] . ?c <urn:name> ?name } }"
        )
        assert int(remote.query(whole).rows[0][0]) == 300
        push(data, remote)
        assert remote.graph_sizes() == {"urn:g1": 1500, "urn:g2": 1, None: 1}


def test_open_store_takes_an_endpoint_url_and_errors_are_clear(oxigraph, embedded):
    remote, _ = oxigraph
    opened = open_store(remote.endpoint)
    assert isinstance(opened, RemoteStore) and opened.graph_store == remote.graph_store
    ask = PREFIX + "ASK { ?c a bkg:ParentGroup }"
    assert opened.query(ask, {"c": ID["company/volta-group"]}).boolean is True
    with pytest.raises(QueryError, match="400"):
        opened.query("SELEKT nothing")
    down = RemoteStore(f"http://127.0.0.1:{_closed_port()}/query")
    with pytest.raises(KgError, match="cannot reach"):
        down.query("ASK {}")


def _closed_port() -> int:
    from tests.servers import free_port

    return free_port()


# ---------------------------------------------------------------- the kg push command


def _kg(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kg", *args], cwd=ROOT, capture_output=True, text=True, timeout=300)


def test_kg_push_command(tmp_path):
    with oxigraph_server(tmp_path / "db") as base:
        done = _kg("push", "--endpoint", base + "/query", "--file", str(FIXTURE))
        assert done.returncode == 0, done.stderr
        assert str(CURATED_GRAPH) in done.stdout and "Graph Store Protocol" in done.stdout
        done = _kg("push", "--endpoint", base + "/query", "--file", str(FIXTURE), "--via", "update")
        assert done.returncode == 0 and "SPARQL Update" in done.stdout, done.stderr
    done = _kg("push", "--endpoint", base + "/query", "--file", str(FIXTURE))
    assert done.returncode == 1 and "cannot reach" in done.stderr and "Traceback" not in done.stderr
    done = _kg("push", "--endpoint", base + "/query", "--file", str(tmp_path / "missing.trig"))
    assert done.returncode == 1 and "missing.trig" in done.stderr and "Traceback" not in done.stderr


def _bigger(path: Path, extra: int) -> dict[str | None, int]:
    """The fixture with ``extra`` more triples in every graph, so that pushing it takes a while."""
    text = FIXTURE.read_text()
    graphs = read_graphs(FIXTURE)
    blocks = [text]
    for graph in graphs:
        triples = " ".join(f'<urn:x{i}> <urn:filler> "{i}" .' for i in range(extra))
        blocks.append(f"<{graph}> {{ {triples} }}")
    path.write_text("\n".join(blocks))
    return {g: len(t) + extra for g, t in graphs.items()}


def test_a_push_killed_midway_leaves_every_graph_whole(tmp_path):
    before = {g: len(t) for g, t in read_graphs(FIXTURE).items()}
    bigger = tmp_path / "bigger.trig"
    after = _bigger(bigger, 10_000)
    location = tmp_path / "db"
    with oxigraph_server(location) as base:
        push(FIXTURE, RemoteStore.from_url(base + "/query"))
        pushing = subprocess.Popen(
            [sys.executable, "-m", "kg", "push", "--endpoint", base + "/query", "--file", str(bigger)],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        remote = RemoteStore.from_url(base + "/query")
        deadline = time.monotonic() + 60
        ours = lambda sizes: {g: sizes.get(g) for g in before}  # a push stages graphs beside ours
        while time.monotonic() < deadline and ours(remote.graph_sizes()) == before:
            time.sleep(0.05)  # kill it once the first graph has been replaced
        pushing.send_signal(signal.SIGKILL)
        pushing.wait()
        sizes = remote.graph_sizes()
        assert all(sizes[g] in (before[g], after[g]) for g in before), (sizes, before, after)
        assert any(sizes[g] == after[g] for g in before)
    # the server's on-disk store, reopened after the server is gone, holds the same whole graphs
    with oxigraph_server(location) as base:
        assert RemoteStore.from_url(base + "/query").graph_sizes() == sizes
        push(bigger, RemoteStore.from_url(base + "/query"))
        assert RemoteStore.from_url(base + "/query").graph_sizes() == {**after, None: 0}


def test_credentials_answer_the_servers_challenge(tmp_path):
    import base64
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    expected = "Basic " + base64.b64encode(b"kg:s3cret").decode()

    class Guarded(BaseHTTPRequestHandler):
        def do_POST(self):
            self.rfile.read(int(self.headers["Content-Length"]))
            if self.headers.get("Authorization") != expected:
                self.send_response(401)
                self.send_header("WWW-Authenticate", 'Basic realm="sparql"')
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            body = b'{"head":{},"boolean":true}'
            self.send_response(200)
            self.send_header("Content-Type", "application/sparql-results+json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Guarded)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/sparql"
    try:
        assert RemoteStore(url, user="kg", password="s3cret").query("ASK {}").boolean is True
        with pytest.raises(QueryError, match="401"):
            RemoteStore(url, user="kg", password="wrong").query("ASK {}")
        with pytest.raises(QueryError, match="401"):
            RemoteStore(url).query("ASK {}")
    finally:
        server.shutdown()
        server.server_close()
