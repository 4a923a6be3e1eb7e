"""A remote SPARQL 1.1 server as a store: queries by the SPARQL protocol, writes by
SPARQL Update or the Graph Store Protocol, and ``push`` of a built dataset.

Bound values reach the server as a ``VALUES`` block (kg.store.with_values).
"""

from __future__ import annotations

import hashlib
import re
import time
import urllib.parse
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, cast

import pyoxigraph as ox
import requests
import requests.auth
from rdflib import URIRef
from rdflib.term import Node

from .errors import KgError, QueryError, Refused
from .limits import take
from .store import CheckedQuery, QueryResult, Store, Triple, rows_within, with_values
from .terms import from_ox

# Graphs are filled here before they replace their target in one step (see RemoteStore._write_graph).
_STAGING = "urn:x-battery-kg:push-staging:"
# A server that answers a deadlock has rolled the transaction back, so the request is resent after these pauses
# (Virtuoso: "SR172: Transaction deadlocked", SQL state 40001, seen on large Graph Store writes).
_DEADLOCK = re.compile(r"SR172|40001|deadlock", re.IGNORECASE)
_RETRY_PAUSES = (0.5, 1.0, 2.0, 4.0)


def _ntriples(triples: Iterable[ox.Triple]) -> bytes:
    return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""


def _bnode_components(triples: list[ox.Triple]) -> list[list[ox.Triple]]:
    """Triples grouped so that triples sharing a blank node stay together.

    A blank node label only means the same node within one request, so a fact
    node and its triples must never be split across two INSERT DATA requests.
    """
    parent: dict[str, str] = {}

    def root(label: str) -> str:
        while parent.setdefault(label, label) != label:
            parent[label] = parent[parent[label]]
            label = parent[label]
        return label

    for triple in triples:
        labels = [t.value for t in (triple.subject, triple.object) if isinstance(t, ox.BlankNode)]
        for other in labels[1:]:
            parent[root(other)] = root(labels[0])
    groups: dict[object, list[ox.Triple]] = defaultdict(list)
    for index, triple in enumerate(triples):
        label = next((t.value for t in (triple.subject, triple.object) if isinstance(t, ox.BlankNode)), None)
        groups[root(label) if label else index].append(triple)
    return list(groups.values())


def _chunks(triples: list[ox.Triple], size: int) -> Iterator[list[ox.Triple]]:
    chunk: list[ox.Triple] = []
    for group in _bnode_components(triples):
        if chunk and len(chunk) + len(group) > size:
            yield chunk
            chunk = []
        chunk.extend(group)
    if chunk:
        yield chunk


def _refuse_partial(url: str, response: requests.Response) -> None:
    """Refuse an answer the server says is incomplete, which it sends as if it were whole.

    Virtuoso stops an "anytime" query at its time limit and answers the rows found so far (HTTP 206 in
    later releases; 200 with ``X-SQL-State: S1TAT`` from the 7.2.5 Debian ships), and cuts an answer at
    ``ResultSetMaxRows`` (10,000 as it comes), saying so only in ``X-SPARQL-MaxRows``, which it also sends
    when an answer has exactly that many rows: such an answer may be whole, but cannot be told from a cut one.
    """
    headers = response.headers
    if response.status_code == 206 or headers.get("X-SQL-State") == "S1TAT":
        said = headers.get("X-SQL-Message", "").split("Activity:")[0].strip()
        raise Refused(
            f"{url} answered part of the result: the server stopped the query at its time limit"
            + (f" ({said})" if said else ""),
            status=503,
        )
    if limit := headers.get("X-SPARQL-MaxRows"):
        raise Refused(
            f"{url} cut the answer at its row limit of {limit} rows (Virtuoso's ResultSetMaxRows): "
            "narrow the query or raise the server's limit",
            status=413,
        )


class RemoteStore(Store):
    """A SPARQL 1.1 server: ``endpoint`` is its query URL.

    Updates go to ``update_endpoint`` (default: the endpoint itself); graphs are
    written with the Graph Store Protocol at ``graph_store`` when given, else
    with SPARQL Update. ``union_default_graph`` sends Oxigraph's
    ``union-default-graph`` parameter so queries see every named graph; other
    servers need their own setting (docs/scale.md). SPARQL Update writes go in
    requests of about ``chunk_size`` triples, Graph Store writes in requests of
    about ``graph_store_chunk_size``.
    """

    name = "remote"

    def __init__(
        self,
        endpoint: str,
        update_endpoint: str | None = None,
        graph_store: str | None = None,
        union_default_graph: bool = True,
        timeout: float = 300.0,
        user: str | None = None,
        password: str | None = None,
        chunk_size: int = 1_000,
        graph_store_chunk_size: int = 50_000,
    ):
        self.endpoint = endpoint
        self.chunk_size = chunk_size
        self.graph_store_chunk_size = graph_store_chunk_size
        self.update_endpoint = update_endpoint or endpoint
        self.graph_store = graph_store
        self.union_default_graph = union_default_graph
        self.timeout = timeout
        self._session = requests.Session()
        self._credentials = None if user is None else (user, password or "")
        self._challenged: set[str] = set()

    @classmethod
    def from_url(cls, endpoint: str, **options: Any) -> RemoteStore:
        """A store for a query URL; one ending in ``/query`` gets Oxigraph server's ``/update`` and ``/store``.

        >>> store = RemoteStore.from_url("http://127.0.0.1:7878/query")
        >>> store.update_endpoint, store.graph_store
        ('http://127.0.0.1:7878/update', 'http://127.0.0.1:7878/store')
        """
        base = endpoint.rstrip("/")
        if base.endswith("/query"):
            base = base[: -len("/query")]
            options.setdefault("update_endpoint", base + "/update")
            options.setdefault("graph_store", base + "/store")
        return cls(endpoint, **options)

    # ------------------------------------------------------------ HTTP

    def _authenticate(self, url: str) -> None:
        """Answer the server's challenge once per URL with a bodiless request, before any large body is sent.

        Servers such as Virtuoso close the connection when a long body arrives
        without credentials, so the body cannot simply be resent after a 401.
        Once a Digest challenge is answered, requests signs every later request
        up front; for a Basic challenge the credentials always go up front.
        """
        if self._credentials is None or url in self._challenged:
            return
        self._challenged.add(url)
        try:
            probe = self._session.get(url, timeout=self.timeout, auth=self._session.auth)
        except requests.RequestException as error:
            raise KgError(f"cannot reach the SPARQL server at {url}: {error}") from None
        scheme = probe.headers.get("WWW-Authenticate", "").split(" ", 1)[0].lower()
        if probe.status_code == 401 and scheme == "digest":
            self._session.auth = requests.auth.HTTPDigestAuth(*self._credentials)
            self._session.get(url, timeout=self.timeout)  # primes the nonce that later requests reuse
        elif self._session.auth is None:
            self._session.auth = requests.auth.HTTPBasicAuth(*self._credentials)

    def _call(self, method: str, url: str, body: bytes | None, headers: dict[str, str]) -> tuple[str, bytes]:
        self._authenticate(url.split("?", 1)[0])
        for pause in (*_RETRY_PAUSES, None):
            try:
                response = self._session.request(method, url, data=body, headers=headers, timeout=self.timeout)
            except requests.RequestException as error:
                raise KgError(f"cannot reach the SPARQL server at {url}: {error}") from None
            _refuse_partial(url, response)
            if response.status_code < 400:
                return response.headers.get("Content-Type", ""), response.content
            detail = response.content.decode("utf-8", "replace").strip()[:1000]
            if pause is None or not _DEADLOCK.search(detail):
                break
            time.sleep(pause)
        raise QueryError(f"{url} answered {response.status_code} {response.reason}: {detail}")

    def _form(self, url: str, fields: dict[str, str], accept: str, union: bool) -> tuple[str, bytes]:
        if union:
            url += ("&" if "?" in url else "?") + "union-default-graph"
        body = urllib.parse.urlencode(fields).encode()
        return self._call("POST", url, body, {"Content-Type": "application/x-www-form-urlencoded", "Accept": accept})

    # ------------------------------------------------------------ Store

    def _query(self, query: CheckedQuery) -> QueryResult:
        graph = query.shape.returns_graph
        answer = self._ask(with_values(query.text, query.bindings), self.union_default_graph, query.max_rows, graph)
        bound = {i: query.bindings[name] for i, name in enumerate(answer.vars) if name in query.bindings}
        if not bound:
            return answer
        # A bound variable holds the value sent, but a server may write it back in its own form (Virtuoso
        # answers true as 1): give it back as sent, as Oxigraph's substitution does
        rows = [
            tuple(bound.get(i, value) if value is not None else None for i, value in enumerate(row))
            for row in answer.rows
        ]
        return replace(answer, rows=rows)

    def _ask(self, sparql: str, union: bool, max_rows: int | None = None, graph: bool = False) -> QueryResult:
        """Send a query as it is (our own, or checked by :meth:`Store.query`) and read the answer.

        A CONSTRUCT or DESCRIBE asks for RDF first: Virtuoso would otherwise answer it as a table of
        ``s p o`` rows. (Other differences between engines are handled in the queries themselves, in the
        portable forms docs/scale.md lists.)
        """
        accept = (
            "application/n-triples, text/turtle;q=0.9, application/sparql-results+json;q=0.8"
            if graph
            else "application/sparql-results+json, application/n-triples;q=0.9, text/turtle;q=0.8"
        )
        content_type, body = self._form(self.endpoint, {"query": sparql}, accept, union)
        media = content_type.split(";")[0].strip().lower()
        results_format = ox.QueryResultsFormat.from_media_type(media) if media else None
        if results_format is not None:
            result = ox.parse_query_results(body, results_format)
            if isinstance(result, ox.QueryBoolean):
                return QueryResult("ASK", boolean=bool(result))
            names = tuple(v.value for v in result.variables)
            rows = rows_within(
                (tuple(from_ox(solution[i]) for i in range(len(names))) for solution in result), max_rows
            )
            return QueryResult("SELECT", vars=names, rows=rows)
        rdf_format = ox.RdfFormat.from_media_type(media) if media else None
        if rdf_format is None:
            raise QueryError(f"{self.endpoint} answered with {content_type or 'no Content-Type'}, not SPARQL results")
        quads = take(ox.parse(body, rdf_format), max_rows, "triples")
        triples = [cast(Triple, (from_ox(q.subject), from_ox(q.predicate), from_ox(q.object))) for q in quads]
        return QueryResult("GRAPH", triples=triples)

    def _update(self, sparql: str) -> None:
        """Send an update as it is (our own, or checked by :meth:`Store.update`)."""
        self._form(self.update_endpoint, {"update": sparql}, "*/*", False)

    def load_file(self, path: Path, format: str | None = None) -> None:
        for graph, triples in read_graphs(Path(path)).items():
            self.add_graph(graph, triples)

    def load_data(self, data: str | bytes, format: str) -> None:
        fmt = {
            "trig": ox.RdfFormat.TRIG,
            "nq": ox.RdfFormat.N_QUADS,
            "ttl": ox.RdfFormat.TURTLE,
            "turtle": ox.RdfFormat.TURTLE,
            "nt": ox.RdfFormat.N_TRIPLES,
        }[format]
        for graph, triples in _group(ox.parse(data if isinstance(data, bytes) else data.encode(), fmt)).items():
            self.add_graph(graph, triples)

    def quads(self) -> Iterator[tuple[Node, Node, Node, Node | None]]:
        # every position is bound in these answers
        named = self._ask("SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }", union=False)
        yield from (cast(tuple[Node, Node, Node, Node], row) for row in named.rows)
        default = self._ask("SELECT ?s ?p ?o WHERE { ?s ?p ?o }", union=False)
        yield from (cast(tuple[Node, Node, Node, None], (*row, None)) for row in default.rows)

    # ------------------------------------------------------------ graphs

    def _gsp_url(self, graph: str | None) -> str:
        query = "default" if graph is None else urllib.parse.urlencode({"graph": graph})
        return f"{self.graph_store}?{query}"

    def _write_graph(self, graph: str | None, triples: list[ox.Triple], replace: bool) -> None:
        target = "DEFAULT" if graph is None else f"GRAPH {URIRef(graph).n3()}"
        if not replace:
            if self.graph_store:
                self._write_in_chunks(graph, triples, first="POST")
            else:
                self._insert(target, triples)
            return
        # Filled beside the graph and swapped in by one MOVE, so that a push killed half-way leaves the old graph
        # whole (and a stale staging graph, which the next push replaces). A Graph Store PUT alone is not enough:
        # Virtuoso empties the graph before it reads the body.
        staging = f"{_STAGING}{hashlib.sha256((graph or '').encode()).hexdigest()[:16]}"
        if self.graph_store:
            self._write_in_chunks(staging, triples, first="PUT")
        else:
            self._update(f"DROP SILENT GRAPH <{staging}>")
            self._insert(f"GRAPH <{staging}>", triples)
        self._update(f"MOVE SILENT GRAPH <{staging}> TO {target}" if triples else f"DROP SILENT {target}")

    def _write_in_chunks(self, graph: str | None, triples: list[ox.Triple], first: str) -> None:
        """Graph Store writes in chunks that keep blank-node groups together: ``first`` (PUT or POST), then POSTs.

        One request per graph deadlocked Virtuoso at 1M triples; a chunk is a transaction small enough to
        commit, and the staging graph keeps the target whole until the MOVE.
        """
        url, headers = self._gsp_url(graph), {"Content-Type": "application/n-triples"}
        method = first
        for chunk in list(_chunks(triples, self.graph_store_chunk_size)) or [[]]:  # an empty graph: one empty PUT
            self._call(method, url, _ntriples(chunk), headers)
            method = "POST"

    def _insert(self, target: str, triples: list[ox.Triple]) -> None:
        for chunk in _chunks(triples, self.chunk_size):
            data = _ntriples(chunk).decode()
            # INSERT {...} WHERE {} rather than INSERT DATA, which Virtuoso refuses when it holds blank nodes
            self._update(f"INSERT {{ {data if target == 'DEFAULT' else f'{target} {{ {data} }}'} }} WHERE {{}}")

    def add_graph(self, graph: str | None, triples: list[ox.Triple]) -> None:
        """Add triples to a named graph (``None``: the default graph)."""
        self._write_graph(graph, triples, replace=False)

    def replace_graph(self, graph: str | None, triples: list[ox.Triple]) -> None:
        """Make a named graph (``None``: the default graph) hold exactly these triples."""
        self._write_graph(graph, triples, replace=True)

    def graph_sizes(self) -> dict[str | None, int]:
        """Triples per named graph on the server, and in its default graph (key ``None``)."""
        named = self._ask("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g", union=False)
        sizes: dict[str | None, int] = {str(g): int(str(n)) for g, n in named.rows}
        default = self._ask("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", union=False)
        sizes[None] = int(str(default.rows[0][0]))
        return sizes


def _group(quads: Iterable[ox.Quad]) -> dict[str | None, list[ox.Triple]]:
    graphs: dict[str | None, dict[ox.Triple, None]] = defaultdict(dict)
    for quad in quads:
        name = None if isinstance(quad.graph_name, ox.DefaultGraph) else quad.graph_name.value
        graphs[name][ox.Triple(quad.subject, quad.predicate, quad.object)] = None  # a set that keeps order
    return {name: list(triples) for name, triples in graphs.items()}


def read_graphs(path: Path) -> dict[str | None, list[ox.Triple]]:
    """The distinct triples of each graph of an RDF file (``None``: its default graph)."""
    fmt = ox.RdfFormat.from_extension(path.suffix.lstrip("."))
    if fmt is None:
        raise KgError(f"{path}: cannot tell the RDF format (use .trig, .nq, .ttl or .nt)")
    try:
        return _group(ox.parse(path=str(path), format=fmt))
    except SyntaxError as error:
        raise KgError(f"{path}: {error}") from error
    except FileNotFoundError:
        raise KgError(f"{path}: no such file (run kg build first)") from None


@dataclass(frozen=True)
class PushReport:
    """What ``push`` wrote: triples per graph (``None``: default graph), how, and how long it took."""

    graphs: dict[str | None, int]
    method: str
    seconds: float


def push(path: Path, remote: RemoteStore) -> PushReport:
    """Replace, graph by graph, the server's copy of the dataset in ``path``; then check every count.

    Each named graph is written whole into a staging graph (Graph Store Protocol PUT then POSTs, or DROP then
    INSERT in chunks; chunks keep blank-node groups together) and moved onto its target, so pushing
    again gives the same server state. A graph whose size on the server differs
    afterwards is an error.
    """
    started = time.perf_counter()
    graphs = read_graphs(path)
    for graph, triples in graphs.items():
        remote.replace_graph(graph, triples)
    sizes = remote.graph_sizes()
    for graph, triples in graphs.items():
        if sizes.get(graph, 0) != len(triples):
            where = f"graph <{graph}>" if graph else "the default graph"
            raise KgError(
                f"push to {remote.endpoint}: {where} holds {sizes.get(graph, 0)} triples, expected {len(triples)}"
            )
    method = "Graph Store Protocol PUT" if remote.graph_store else "SPARQL Update"
    return PushReport({g: len(t) for g, t in graphs.items()}, method, time.perf_counter() - started)
