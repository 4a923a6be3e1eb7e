"""One interface over the triple stores battery-kg can use, and the one path every query takes.

* ``oxigraph`` (default): Oxigraph embedded through pyoxigraph, in memory, or
  on disk with ``oxigraph:PATH``. Fast joins and property paths.
* ``memory``: rdflib's in-memory ``Dataset``, the pure-Python baseline.
* a SPARQL endpoint URL: a remote server (kg.remote), registered here by name only.

Every store answers queries with the **union of all named graphs as the
default graph**, and takes parameters as bindings, never as query text. The
CLI, the Python API and the endpoint's workers all call :meth:`Store.query`,
which checks the request (kg.guard: nesting depth, ``SERVICE``, updates) and
every bound value before a store-specific ``_query`` runs it: no path can skip
the checks.

>>> from rdflib import Literal
>>> store = open_store("oxigraph")
>>> store.load_data('<urn:a> <urn:p> "x" .', "nt")
>>> store.query("SELECT ?o WHERE { <urn:a> <urn:p> ?o }").rows
[(rdflib.term.Literal('x'),)]
>>> store.query("ASK { <urn:a> <urn:p> ?o }", {"o": Literal("y")}).boolean
False
"""

from __future__ import annotations

import abc
import functools
import importlib
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from rdflib import Literal, URIRef
from rdflib.term import Node

from .errors import KgError, QueryError, SparqlSyntaxError
from .guard import QueryShape, Refused, check_depth, inspect_query, inspect_update, tokens
from .limits import NO_LIMITS, Limits, take, within
from .results import Converted, QueryResult, Row, Triple
from .terms import bindable, from_ox, to_ox

__all__ = [
    "CheckedQuery",
    "Converted",
    "Limits",
    "QueryDataset",
    "QueryResult",
    "Row",
    "Store",
    "StoreSpec",
    "Triple",
    "checked",
    "from_ox",
    "open_store",
    "read_aside",
    "takes_values_first",
    "to_ox",
    "values_first",
    "with_values",
]

T = TypeVar("T")
_VARIABLE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_FORMS = {"SELECT", "CONSTRUCT", "DESCRIBE", "ASK"}


@dataclass(frozen=True)
class QueryDataset:
    """The SPARQL protocol's ``default-graph-uri`` and ``named-graph-uri``: the graphs a query may see."""

    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.default_graphs or self.named_graphs)


@dataclass(frozen=True)
class CheckedQuery:
    """A query :meth:`Store.query` has checked, as a store's ``_query`` runs it."""

    text: str
    bindings: dict[str, Node]
    shape: QueryShape
    dataset: QueryDataset | None
    max_rows: int | None


@functools.lru_cache(maxsize=256)
def checked(sparql: str) -> QueryShape:
    """Refuse what no store here may run (deep nesting, updates, ``SERVICE``); remember the verdict per text.

    The scan costs milliseconds and named queries repeat, hence the cache.
    """
    check_depth(sparql)
    return inspect_query(sparql)


@functools.lru_cache(maxsize=64)
def checked_update(sparql: str) -> QueryShape:
    """The same for an update (``LOAD`` and ``SERVICE`` refused)."""
    check_depth(sparql)
    return inspect_update(sparql)


class Store(abc.ABC):
    """What every store offers the rest of battery-kg.

    ``limits`` apply to every query of this store (default: none; ``kg query
    --timeout/--max-rows`` and ``kg.load(limits=...)`` set them).
    """

    name: str
    limits: Limits = NO_LIMITS
    takes_dataset = False  # whether _query honours a QueryDataset
    # whether the engine knows the project prefixes (kg.namespaces.PREFIXES) without PREFIX lines; else
    # kg.query adds the lines to a user's text
    default_prefixes = False

    def query(
        self,
        sparql: str,
        bindings: Mapping[str, Node] | None = None,
        *,
        dataset: QueryDataset | None = None,
        limits: Limits | None = None,
    ) -> QueryResult:
        """Run a SPARQL 1.1 query; ``bindings`` pre-bind variables (name without ``?``).

        ``dataset`` narrows the graphs the query sees (the protocol's default-graph-uri and
        named-graph-uri); ``limits`` replace the store's own for this query.

        Raises ``QueryError``: ``SparqlSyntaxError`` for text that does not parse,
        ``Refused`` for a refused feature, a value that is not a valid RDF term or
        a limit passed (``status`` 413 for size, 503 for time).
        """
        shape = checked(sparql)
        for name, value in (bindings or {}).items():
            bindable(name, value)
        if dataset and not self.takes_dataset:
            raise Refused(f"the {self.name} store does not take default-graph-uri / named-graph-uri")
        limits = limits or self.limits
        checked_query = CheckedQuery(sparql, dict(bindings or {}), shape, dataset or None, limits.max_rows)
        try:
            return within(limits.timeout, lambda: self._query(checked_query))
        except SparqlSyntaxError as error:  # the message shows the place in the text (also for the endpoint's page)
            raise SparqlSyntaxError(error.detail, error.line, error.column, sparql) from None

    @abc.abstractmethod
    def _query(self, query: CheckedQuery) -> QueryResult:
        """Run a checked query (see :meth:`query`)."""

    def update(self, sparql: str) -> None:
        """Run a SPARQL update (``LOAD`` and ``SERVICE`` refused) on a store that takes them."""
        checked_update(sparql)
        self._update(sparql)

    def _update(self, sparql: str) -> None:
        raise Refused(f"the {self.name} store cannot run updates", 501)

    def graph_names(self) -> list[URIRef]:
        """The names of the store's non-empty named graphs, sorted."""
        answer = self.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
        return sorted(row[0] for row in answer.rows if isinstance(row[0], URIRef))

    def has_graph(self, name: str) -> bool:
        """Whether the store holds a named graph called ``name``."""
        return URIRef(name) in self.graph_names()

    @abc.abstractmethod
    def load_file(self, path: Path, format: str | None = None) -> None:
        """Add the triples or quads of an RDF file (TriG, N-Quads, Turtle, N-Triples)."""

    @abc.abstractmethod
    def load_data(self, data: str | bytes, format: str) -> None:
        """Add RDF given as text."""

    @abc.abstractmethod
    def quads(self) -> Iterator[tuple[Node, Node, Node, Node | None]]:
        """Every quad in the store as rdflib terms (graph ``None`` for the default graph)."""

    def close(self) -> None:  # noqa: B027  # a store with nothing to release needs no override
        """Release the store; on-disk stores flush here."""


def rows_within(rows: Iterable[Row], max_rows: int | None) -> list[Row]:
    """The rows of a SELECT answer, refused whole past ``max_rows``."""
    return take(rows, max_rows, "rows")


# ---------------------------------------------------------------- specifications

# store kind -> "module:class", imported when first opened (as rdflib's plugin registry does), so that
# kg.remote, which builds on this module, is not imported by it
_REGISTRY = {
    "oxigraph": "kg.embedded:OxigraphStore",
    "memory": "kg.embedded:RdflibStore",
    "rdflib": "kg.embedded:RdflibStore",
    "http": "kg.remote:RemoteStore",
    "https": "kg.remote:RemoteStore",
}


@dataclass(frozen=True)
class StoreSpec:
    """A store specification, read once: ``oxigraph``, ``oxigraph:PATH``, ``memory`` or a SPARQL endpoint URL.

    >>> StoreSpec.parse("oxigraph:/tmp/kg"), StoreSpec.parse("memory").in_memory
    (StoreSpec(kind='oxigraph', location='/tmp/kg', text='oxigraph:/tmp/kg'), True)
    >>> StoreSpec.parse("sqlite")
    Traceback (most recent call last):
    ...
    kg.errors.KgError: unknown store 'sqlite': use 'oxigraph', 'oxigraph:PATH', 'memory' or a SPARQL endpoint URL
    """

    kind: str
    location: str
    text: str

    @classmethod
    def parse(cls, spec: str) -> StoreSpec:
        kind, _, location = spec.partition(":")
        if kind not in _REGISTRY or (kind in ("memory", "rdflib") and location):
            raise KgError(f"unknown store {spec!r}: use 'oxigraph', 'oxigraph:PATH', 'memory' or a SPARQL endpoint URL")
        return cls(kind, location, spec)

    @property
    def in_memory(self) -> bool:
        """Whether the store starts empty in memory (and so must be loaded from a file)."""
        return self.kind in ("memory", "rdflib") or (self.kind == "oxigraph" and not self.location)

    def open(self, read_only: bool = False) -> Store:
        """Open the store (an on-disk Oxigraph store ``read_only`` if asked)."""
        module, _, name = _REGISTRY[self.kind].partition(":")
        cls = getattr(importlib.import_module(module), name)
        if self.kind in ("http", "https"):
            return cls.from_url(self.text)  # a remote server's query URL, e.g. http://127.0.0.1:7878/query
        if self.kind == "oxigraph":
            return cls(Path(self.location) if self.location else None, read_only=read_only)
        return cls()


def open_store(spec: str = "oxigraph") -> Store:
    """Open a store from a spec: ``oxigraph``, ``oxigraph:PATH``, ``memory`` or a SPARQL endpoint URL.

    >>> open_store("memory").name
    'memory'
    """
    return StoreSpec.parse(spec).open()


def _where_group(text: str) -> int:
    """The offset just after the ``{`` that opens the top-level WHERE group."""
    stream = tokens(text)
    for token in stream:
        if token.kind == "name" and token.text.upper() in _FORMS:
            form = token.text.upper()
            break
    else:
        raise QueryError("bindings need a SELECT, CONSTRUCT, DESCRIBE or ASK query")
    depth, skipping_template = 0, form == "CONSTRUCT"
    for token in stream:
        if skipping_template:
            if token.kind == "name" and token.text.upper() == "WHERE":
                raise QueryError("bindings cannot go into the short form CONSTRUCT WHERE { ... }")
            if token.text == "{":
                depth += 1
            elif token.text == "}":
                depth -= 1
                skipping_template = depth > 0
            continue
        if token.text == "(":
            depth += 1
        elif token.text == ")":
            depth -= 1
        elif token.text == "{" and depth == 0:
            return token.end
    raise QueryError("bindings need a query with a WHERE group")


# Oxigraph chooses its join order before it applies substitutions, so a query whose way in is a
# parameter says so in its header and gets the values in a VALUES block, which the planner sees
_VALUES_FIRST = re.compile(r"^#\s*Plan:\s*values first\b", re.IGNORECASE | re.MULTILINE)


def read_aside(call: Callable[[], T]) -> T:
    """``call()`` in a short-lived thread: for reading a whole graph, or most of it.

    glibc gives that thread an allocator arena of its own, and what reading hundreds of thousands of
    rows leaves behind stays there. Read in the caller's thread, on a 10M-triple on-disk Oxigraph store,
    it made each later one-entity question of that thread 1.7 times as slow (bench/README.md).

    >>> read_aside(lambda: 6 * 7)
    42
    """
    with ThreadPoolExecutor(1, thread_name_prefix="kg-read-aside") as reader:
        return reader.submit(call).result()


def takes_values_first(sparql: str) -> bool:
    """Whether the query's header asks for its bound values as a ``VALUES`` block (kg.catalogue).

    >>> takes_values_first("# Plan: values first\\nSELECT ?n WHERE { ?c <urn:name> ?n }")
    True
    """
    return bool(_VALUES_FIRST.search(sparql))


def values_first(sparql: str, bindings: Mapping[str, Node]) -> tuple[str, Mapping[str, Node]]:
    """The query and the bindings left to substitute, for an engine that plans before it substitutes.

    A query that takes its values first gets them in a ``VALUES`` block, when each is an IRI or a
    literal (all a block can hold); any other query keeps its bindings.

    >>> values_first("# Plan: values first\\nSELECT ?n WHERE { ?c <urn:name> ?n }", {"c": URIRef("urn:x")})[1]
    {}
    """
    if bindings and takes_values_first(sparql) and all(isinstance(v, (URIRef, Literal)) for v in bindings.values()):
        return with_values(sparql, bindings), {}
    return sparql, bindings


def with_values(sparql: str, bindings: Mapping[str, Node]) -> str:
    """The query with its variables bound by a ``VALUES`` block at the start of its WHERE group.

    How servers get bound values, and Oxigraph embedded for the queries that ask for it (kg.embedded).
    A value is never pasted: rdflib's ``n3()`` writes it (escaping literals, refusing malformed IRIs),
    and kg.guard's tokenizer, which skips strings, IRIs and comments, finds the group.

    >>> with_values('SELECT ?n WHERE { ?c <urn:name> ?n }', {"c": URIRef("urn:x")})
    'SELECT ?n WHERE { VALUES (?c) { (<urn:x>) } ?c <urn:name> ?n }'
    >>> with_values('SELECT * { ?s ?p "a } b" }', {"p": Literal('say "hi"')})
    'SELECT * { VALUES (?p) { ("say \\\\"hi\\\\"") } ?s ?p "a } b" }'
    """
    if not bindings:
        return sparql
    names, values = [], []
    for name, value in bindings.items():
        if not _VARIABLE.match(name):
            raise QueryError(f"cannot bind {name!r}: not a plain SPARQL variable name")
        if not isinstance(value, (URIRef, Literal)):
            raise QueryError(f"cannot bind ?{name} to {value!r}: only IRIs and literals can be sent to a server")
        try:
            values.append(value.n3())
        except Exception as error:  # rdflib raises a bare Exception for IRIs it cannot write
            raise QueryError(f"cannot bind ?{name}: {error}") from error
        names.append("?" + name)
    at = _where_group(sparql)
    block = f" VALUES ({' '.join(names)}) {{ ({' '.join(values)}) }}"
    return sparql[:at] + block + sparql[at:]
