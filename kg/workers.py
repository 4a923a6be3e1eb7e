"""SPARQL requests run in worker processes that can be killed, with time and size limits.

Oxigraph has no query timeout and a thread cannot be stopped, so every query
runs in a worker process that holds its own copy of the store (or opens the
on-disk store read-only). A query that outlives the time limit gets its worker
killed and replaced, while the other workers keep answering. A result with
more rows than the limit is refused whole, never cut short.

>>> answer = execute(Backend.in_memory('<urn:a> <urn:p> "x" .', "nt"),
...                  Request("query", "SELECT ?o WHERE { ?s ?p ?o }", accept="text/csv"), Limits())
>>> answer.status, answer.media_type, answer.body
(200, 'text/csv; charset=utf-8', b'o\\r\\nx\\r\\n')
"""

from __future__ import annotations

import os
import queue
import re
import subprocess
import sys
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import islice
from multiprocessing.connection import Connection
from pathlib import Path

import pyoxigraph as ox
import rdflib.plugins.sparql
from rdflib import URIRef

from .errors import KgError, QueryError
from .guard import QueryShape, Refused, inspect_query, inspect_update
from .namespaces import PREFIXES
from .store import OxigraphStore, Store, open_store, to_ox

_SOURCE_ROOT = str(Path(__file__).resolve().parents[1])


@dataclass(frozen=True)
class Format:
    """One answer format: its name, media type, pyoxigraph format, and other names it answers to.

    ``aliases`` holds media types (matched against Accept) and short names
    (matched against the ``format`` parameter that SPARQLWrapper and browsers send).
    """

    name: str
    media_type: str
    native: ox.QueryResultsFormat | ox.RdfFormat
    aliases: tuple[str, ...] = ()

    @property
    def content_type(self) -> str:
        return self.media_type + ("; charset=utf-8" if self.media_type.startswith("text/") else "")

    def answers_to(self, name: str) -> bool:
        return name in (self.name, self.media_type, *self.aliases)


# the first of each list is the default
RESULT_FORMATS = (
    Format("json", "application/sparql-results+json", ox.QueryResultsFormat.JSON, ("application/json",)),
    Format("xml", "application/sparql-results+xml", ox.QueryResultsFormat.XML, ("application/xml", "text/xml")),
    Format("csv", "text/csv", ox.QueryResultsFormat.CSV),
    Format("tsv", "text/tab-separated-values", ox.QueryResultsFormat.TSV),
)
GRAPH_FORMATS = (
    Format("turtle", "text/turtle", ox.RdfFormat.TURTLE, ("application/x-turtle", "ttl")),
    Format("ntriples", "application/n-triples", ox.RdfFormat.N_TRIPLES, ("text/plain", "nt", "n-triples")),
    Format("jsonld", "application/ld+json", ox.RdfFormat.JSON_LD, ("application/json", "json-ld", "json")),
    Format("rdfxml", "application/rdf+xml", ox.RdfFormat.RDF_XML, ("application/xml", "text/xml", "xml", "rdf+xml")),
)


def _accepted(accept: str) -> list[tuple[str, float]]:
    """The media ranges of an Accept header, best first (stable for equal q)."""
    ranges = []
    for position, part in enumerate(accept.split(",")):
        media, *params = (piece.strip() for piece in part.split(";"))
        quality = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if media and quality > 0:
            ranges.append((-quality, position, media.lower()))
    return [(media, -neg) for neg, _, media in sorted(ranges)]


def negotiate(accept: str | None, requested: Iterable[str], returns_graph: bool) -> Format:
    """Pick the answer format from ``format`` parameters (the first one known wins) or else the Accept header.

    >>> negotiate("text/html,application/xml;q=0.9,*/*;q=0.8", (), False).name
    'xml'
    >>> negotiate(None, ("tsv", "text/tab-separated-values"), False).name
    'tsv'
    >>> negotiate("text/csv", (), True)
    Traceback (most recent call last):
    ...
    kg.guard.Refused: cannot answer in text/csv; this query gives an RDF graph: text/turtle, application/n-triples, application/ld+json, application/rdf+xml
    """
    formats = GRAPH_FORMATS if returns_graph else RESULT_FORMATS
    kind = "an RDF graph" if returns_graph else "a results table"
    requested = [name.strip().lower() for name in requested if name.strip()]
    for name in requested:
        for candidate in formats:
            if candidate.answers_to(name):
                return candidate
    if requested:
        names = ", ".join(f.name for f in formats)
        raise Refused(f"unknown format {requested[0]!r}; this query gives {kind}: {names}", 406)
    for media, _ in _accepted(accept or "*/*"):
        for candidate in formats:
            major = candidate.media_type.split("/")[0]
            if media in ("*/*", f"{major}/*") or ("/" in media and candidate.answers_to(media)):
                return candidate
    offered = ", ".join(f.media_type for f in formats)
    raise Refused(f"cannot answer in {accept}; this query gives {kind}: {offered}", 406)


@dataclass(frozen=True)
class Limits:
    """How long one query may run (seconds) and how many rows or triples its answer may have."""

    timeout: float = 10.0
    max_rows: int = 100_000


@dataclass(frozen=True)
class Request:
    """One SPARQL protocol request: ``operation`` is ``query``, ``update`` or ``graphs`` (list graph names).

    ``formats`` holds the values of ``format``/``output`` parameters, which some
    clients send (repeated, or empty) beside the Accept header.
    """

    operation: str
    text: str = ""
    accept: str | None = None
    formats: tuple[str, ...] = ()
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()


@dataclass(frozen=True)
class Reply:
    """The answer to a request: HTTP status, Content-Type and body."""

    status: int
    media_type: str
    body: bytes

    @classmethod
    def message(cls, status: int, text: str) -> Reply:
        return cls(status, "text/plain; charset=utf-8", (text.rstrip("\n") + "\n").encode())


# ---------------------------------------------------------------- the store inside a worker


def _syntax_message(error: SyntaxError) -> str:
    """Oxigraph's "error at 1:10: expected ..." as "SPARQL syntax error at line 1, column 10: expected ..."."""
    found = re.match(r"error at (\d+):(\d+): (.*)", str(error), re.DOTALL)
    if found:
        return f"SPARQL syntax error at line {found[1]}, column {found[2]}: {found[3]}"
    return f"SPARQL syntax error: {error}"


class Backend:
    """The store a worker answers from, giving pyoxigraph results whatever the store is."""

    def __init__(self, store: Store | ox.Store):
        self.store = store

    @classmethod
    def in_memory(cls, data: str | bytes, format: str) -> Backend:
        """An in-memory Oxigraph backend holding ``data`` (for examples and tests)."""
        store = OxigraphStore()
        store.load_data(data, format)
        return cls(store.native)

    def graph_names(self) -> list[URIRef]:
        if isinstance(self.store, ox.Store):
            return sorted(URIRef(graph.value) for graph in self.store.named_graphs() if isinstance(graph, ox.NamedNode))
        answer = self.store.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
        return sorted(row[0] for row in answer.rows if isinstance(row[0], URIRef))

    def has_graph(self, name: str) -> bool:
        if isinstance(self.store, ox.Store):
            return self.store.contains_named_graph(ox.NamedNode(name))
        return self.store.query("ASK { GRAPH ?g { ?s ?p ?o } }", {"g": URIRef(name)}).boolean

    def query(self, request: Request, shape: QueryShape):
        """Run a checked query; a SELECT gives (variables, row iterator) of pyoxigraph terms."""
        if isinstance(self.store, ox.Store):
            dataset = {}
            if request.default_graphs or request.named_graphs:
                dataset = {
                    "default_graph": [ox.NamedNode(g) for g in request.default_graphs] or ox.DefaultGraph(),
                    "named_graphs": [ox.NamedNode(g) for g in request.named_graphs] or None,
                }
            # the query's own FROM / FROM NAMED only apply when the union flag is off
            union = not (dataset or shape.from_graphs or shape.from_named)
            try:
                result = self.store.query(request.text, use_default_graph_as_union=union, **dataset)
            except SyntaxError as error:
                raise QueryError(_syntax_message(error)) from error
            if isinstance(result, ox.QuerySolutions):
                return [v.value for v in result.variables], (list(solution) for solution in result)
            return result
        if request.default_graphs or request.named_graphs:
            raise Refused(f"the {self.store.name} store does not take default-graph-uri / named-graph-uri")
        answer = self.store.query(request.text)
        if answer.kind == "ASK":
            return answer.boolean
        if answer.kind == "SELECT":
            return list(answer.vars), ([None if t is None else to_ox(t) for t in row] for row in answer.rows)
        return (ox.Triple(to_ox(s), to_ox(p), to_ox(o)) for s, p, o in answer.graph)

    def update(self, text: str) -> None:
        if isinstance(self.store, ox.Store):
            try:
                self.store.update(text)
            except SyntaxError as error:
                raise QueryError(_syntax_message(error)) from error
        elif hasattr(self.store, "update"):
            self.store.update(text)
        else:
            raise Refused(f"the {self.store.name} store cannot run updates", 501)


def _tsv_row(terms: Iterable) -> str:
    return "\t".join("" if term is None else str(term) for term in terms)


def _limited(items: Iterable, limit: int, what: str) -> list:
    taken = list(islice(items, limit + 1))
    if len(taken) > limit:
        raise Refused(
            f"the answer has more than {limit} {what}, the limit of this endpoint; "
            "narrow the query or add LIMIT/OFFSET to page through it",
            413,
        )
    return taken


def _serialize(result, fmt: Format, max_rows: int) -> bytes:
    if isinstance(result, bool):
        result = ox.parse_query_results(f'{{"head":{{}},"boolean":{str(result).lower()}}}', ox.QueryResultsFormat.JSON)
    if isinstance(result, ox.QueryBoolean):
        return result.serialize(format=fmt.native)
    if isinstance(result, tuple):
        # pyoxigraph serializes only its own iterators, so the counted rows go through TSV
        # (one row per line, terms in N-Triples syntax) and back into its serializers
        variables, rows = result
        lines = ["\t".join("?" + v for v in variables)]
        lines += [_tsv_row(row) for row in _limited(rows, max_rows, "rows")]
        tsv = ("\n".join(lines) + "\n").encode()
        if fmt.native == ox.QueryResultsFormat.TSV:
            return tsv
        return ox.parse_query_results(tsv, ox.QueryResultsFormat.TSV).serialize(format=fmt.native)
    triples = _limited(result, max_rows, "triples")
    return ox.serialize(triples, format=fmt.native, prefixes={k: str(v) for k, v in PREFIXES.items()})


def _check_graphs(backend: Backend, names: Iterable[str]) -> None:
    for name in names:
        if not backend.has_graph(name):
            raise Refused(f"<{name}> is not a graph of this dataset, and this endpoint never fetches remote graphs")


def execute(backend: Backend, request: Request, limits: Limits) -> Reply:
    """Check, run and serialize one request; every failure becomes a 4xx/5xx reply with a message."""
    try:
        if request.operation == "graphs":
            return Reply(200, "text/plain", "\n".join(backend.graph_names()).encode())
        if request.operation == "update":
            shape = inspect_update(request.text)
            _check_graphs(backend, shape.from_graphs + shape.from_named)
            backend.update(request.text)
            return Reply.message(200, "update applied")
        shape = inspect_query(request.text)
        _check_graphs(backend, shape.from_graphs + shape.from_named + request.default_graphs + request.named_graphs)
        fmt = negotiate(request.accept, request.formats, shape.returns_graph)
        body = _serialize(backend.query(request, shape), fmt, limits.max_rows)
        return Reply(200, fmt.content_type, body)
    except Refused as error:
        return Reply.message(error.status, str(error))
    except (QueryError, SyntaxError) as error:
        return Reply.message(400, str(error))
    except Exception as error:  # a bug must cost one request, not the worker and every request queued behind it
        return Reply.message(500, f"the query failed: {type(error).__name__}: {error}")


# ---------------------------------------------------------------- worker processes


@dataclass(frozen=True)
class StoreConfig:
    """What every worker opens: a store spec, the file in-memory stores load, and whether it may write."""

    spec: str = "oxigraph"
    data: Path | None = None
    writable: bool = False

    @property
    def in_memory(self) -> bool:
        return self.spec in ("oxigraph", "memory", "rdflib")

    def open(self) -> Backend:
        """Open the store as a worker does.

        >>> StoreConfig("oxigraph").open().graph_names()
        []
        """
        kind, _, location = self.spec.partition(":")
        if kind == "oxigraph" and location and not self.writable:
            try:
                return Backend(ox.Store.read_only(location))
            except OSError as error:
                raise KgError(f"cannot open the Oxigraph store at {location} read-only: {error}") from error
        store = open_store(self.spec)
        if self.in_memory and self.data:
            store.load_file(self.data)
        return Backend(store.native if isinstance(store, OxigraphStore) else store)


def _exit_with_parent() -> None:
    parent = os.getppid()
    while True:
        time.sleep(0.5)
        if os.getppid() != parent:
            os._exit(0)


def worker_main(requests_fd: int, replies_fd: int) -> None:
    """The body of a worker process: open the store, then answer requests until the pipe closes."""
    requests, replies = Connection(requests_fd, writable=False), Connection(replies_fd, readable=False)
    # rdflib would otherwise fetch FROM graphs over the network
    rdflib.plugins.sparql.SPARQL_LOAD_GRAPHS = False
    threading.Thread(target=_exit_with_parent, daemon=True).start()
    config, limits, replay = requests.recv()
    try:
        backend = config.open()
        for update in replay:
            backend.update(update)
    except Exception as error:  # reported to the parent, which names it to the user
        replies.send(("error", str(error)))
        return
    replies.send(("ready", None))
    while True:
        try:
            request = requests.recv()
        except (EOFError, OSError):
            return
        replies.send(execute(backend, request, limits))


@dataclass(eq=False)
class _Worker:
    process: subprocess.Popen
    requests: Connection
    replies: Connection

    def stop(self) -> None:
        self.process.kill()
        self.process.wait(10)
        self.requests.close()
        self.replies.close()


def _spawn_worker(config: StoreConfig, limits: Limits, replay: tuple[str, ...]) -> _Worker:
    # a fresh interpreter rather than multiprocessing: nothing of the parent (its threads,
    # its __main__ module) is inherited, and the child can be killed at any moment
    requests_read, requests_write = os.pipe()
    replies_read, replies_write = os.pipe()
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, (_SOURCE_ROOT, os.environ.get("PYTHONPATH")))))
    code = f"from kg.workers import worker_main; worker_main({requests_read}, {replies_write})"
    try:
        process = subprocess.Popen(
            [sys.executable, "-c", code], pass_fds=(requests_read, replies_write), env=env, stdin=subprocess.DEVNULL
        )
    finally:
        os.close(requests_read)
        os.close(replies_write)
    worker = _Worker(process, Connection(requests_write, readable=False), Connection(replies_read, writable=False))
    worker.requests.send((config, limits, replay))
    return worker


class WorkerPool:
    """Worker processes answering requests; a worker that overruns the time limit is killed and replaced.

    Updates (only when ``config.writable``) run on a single worker so that every
    query sees them; for in-memory stores they are kept and replayed into a
    replacement worker.
    """

    def __init__(self, config: StoreConfig, limits: Limits, size: int = 2, start_timeout: float = 600.0):
        if config.writable and size != 1:
            raise KgError("a store that takes updates is served by exactly one worker")
        self.config, self.limits, self.size = config, limits, size
        self._start_timeout = start_timeout
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self._replayed: list[str] = []
        self._closed = False
        self.replaced = 0
        try:
            pending = [self._start() for _ in range(size)]
            for worker in pending:
                self._await_ready(worker)
                self._idle.put(worker)
        except KgError:
            self.close()
            raise

    def _start(self) -> _Worker:
        worker = _spawn_worker(self.config, self.limits, tuple(self._replayed))
        with self._lock:
            self._all.add(worker)
        return worker

    def _await_ready(self, worker: _Worker) -> None:
        if not worker.replies.poll(self._start_timeout):
            self._kill(worker)
            raise KgError(f"a SPARQL worker did not open the store within {self._start_timeout:.0f} s")
        try:
            status, message = worker.replies.recv()
        except EOFError:
            status, message = "error", f"the worker exited with code {worker.process.wait(10)}"
        if status != "ready":
            self._kill(worker)
            raise KgError(f"cannot open store {self.config.spec!r}: {message}")

    def _kill(self, worker: _Worker) -> None:
        worker.stop()
        with self._lock:
            self._all.discard(worker)

    def _replace(self, worker: _Worker) -> None:
        self._kill(worker)
        self.replaced += 1
        threading.Thread(target=self._restart, daemon=True, name="kg-worker-restart").start()

    def _restart(self) -> None:
        while not self._closed:
            try:
                worker = self._start()
                self._await_ready(worker)
            except KgError as error:
                print(f"kg serve: could not restart a worker: {error}; retrying", file=sys.stderr)
                time.sleep(5)
                continue
            if self._closed:
                self._kill(worker)
            else:
                self._idle.put(worker)
            return

    def run(self, request: Request) -> Reply:
        """Run one request on a free worker, within the time limit."""
        try:
            worker = self._idle.get(timeout=self.limits.timeout)
        except queue.Empty:
            return Reply.message(
                503, f"all {self.size} query workers stayed busy for {self.limits.timeout:g} s; try again"
            )
        try:
            worker.requests.send(request)
            if not worker.replies.poll(self.limits.timeout):
                self._replace(worker)
                return Reply.message(
                    503, f"query stopped: it ran longer than this endpoint's time limit of {self.limits.timeout:g} s"
                )
            reply = worker.replies.recv()
        except (EOFError, OSError):
            self._replace(worker)
            return Reply.message(500, "the query worker died while running this request (out of memory?)")
        if request.operation == "update" and reply.status == 200 and self.config.in_memory:
            self._replayed.append(request.text)
        self._idle.put(worker)
        return reply

    def close(self) -> None:
        """Stop every worker."""
        self._closed = True
        with self._lock:
            workers = list(self._all)
        for worker in workers:
            self._kill(worker)
