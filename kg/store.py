"""One interface over the triple stores battery-kg can use.

* ``oxigraph`` (default): Oxigraph embedded through pyoxigraph, in memory, or
  on disk with ``oxigraph:PATH``. Fast joins and property paths.
* ``memory``: rdflib's in-memory ``Dataset``, the pure-Python baseline.

Every store answers queries with the **union of all named graphs as the
default graph**, and takes parameters as bindings, never as query text.

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
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
import rdflib.plugins.sparql
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.term import Node

from .errors import KgError, QueryError
from .guard import QueryShape, inspect_query

# FROM <url> must name a graph of the dataset, never make rdflib fetch a document from the web
rdflib.plugins.sparql.SPARQL_LOAD_GRAPHS = False

_UNPROJECTED = re.compile(r"does not contains? variable (\?\w+)")
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_FORMATS = {
    "trig": ox.RdfFormat.TRIG,
    "nq": ox.RdfFormat.N_QUADS,
    "ttl": ox.RdfFormat.TURTLE,
    "turtle": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
}


@dataclass(frozen=True)
class QueryResult:
    """The answer to one query.

    ``kind`` is ``SELECT``, ``ASK`` or ``GRAPH`` (CONSTRUCT and DESCRIBE).
    SELECT fills ``vars`` and ``rows`` (a row holds ``None`` for an unbound
    variable); ASK fills ``boolean``; GRAPH fills ``graph``.
    """

    kind: str
    vars: tuple[str, ...] = ()
    rows: list[tuple[Node | None, ...]] = field(default_factory=list)
    boolean: bool | None = None
    graph: Graph | None = None

    def dicts(self) -> list[dict[str, Node | None]]:
        """The rows as dictionaries keyed by variable name."""
        return [dict(zip(self.vars, row)) for row in self.rows]


class Store(abc.ABC):
    """What every store offers the rest of battery-kg."""

    name: str

    @abc.abstractmethod
    def load_file(self, path: Path, format: str | None = None) -> None:
        """Add the triples or quads of an RDF file (TriG, N-Quads, Turtle, N-Triples)."""

    @abc.abstractmethod
    def load_data(self, data: str | bytes, format: str) -> None:
        """Add RDF given as text."""

    @abc.abstractmethod
    def query(self, sparql: str, bindings: Mapping[str, Node] | None = None) -> QueryResult:
        """Run a SPARQL 1.1 query; ``bindings`` pre-bind variables (name without ``?``)."""

    @abc.abstractmethod
    def quads(self) -> Iterator[tuple[Node, Node, Node, Node | None]]:
        """Every quad in the store as rdflib terms (graph ``None`` for the default graph)."""

    def close(self) -> None:
        """Release the store; on-disk stores flush here."""


@functools.lru_cache(maxsize=256)
def checked(sparql: str) -> QueryShape:
    """Refuse what no store here may run (updates, ``SERVICE``); remember the verdict per text.

    The scan costs milliseconds and named queries repeat, hence the cache.
    """
    return inspect_query(sparql)


def _format_of(path: Path, format: str | None) -> str:
    fmt = format or path.suffix.lstrip(".").lower()
    if fmt not in _FORMATS:
        raise KgError(f"{path}: cannot tell the RDF format (use .trig, .nq, .ttl or .nt)")
    return fmt


# ---------------------------------------------------------------- Oxigraph


def to_ox(term: Node):
    """An rdflib term as a pyoxigraph term."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"cannot bind {term!r}: not an IRI, blank node or literal")


# An Oxigraph store gives these in the canonical form, which rdflib's normalisation leaves as it is
# (doubles and dates with a time zone it writes differently, so those are still normalised)
_CANONICAL = frozenset(
    f"http://www.w3.org/2001/XMLSchema#{t}" for t in ("integer", "decimal", "boolean", "gYear", "gYearMonth")
)
_DATATYPES: dict[str, URIRef] = {}


def from_ox(term, stored: bool = False) -> Node | None:
    """A pyoxigraph term (or None) as an rdflib term; ``stored``: read from an Oxigraph store (canonical forms).

    >>> from_ox(ox.Literal("1.5", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#decimal")))
    rdflib.term.Literal('1.5', datatype=rdflib.term.URIRef('http://www.w3.org/2001/XMLSchema#decimal'))
    """
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        # what URIRef() adds is a validity check of an IRI Oxigraph has already checked (bench/: ~10% of a large answer)
        return str.__new__(URIRef, term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        # normalize=False: rdflib's normalisation leaves a string unchanged but costs most of the conversion
        if term.language:
            return Literal(term.value, lang=term.language, normalize=False)
        datatype = term.datatype.value
        # RDF 1.1 makes "x" and "x"^^xsd:string one literal; rdflib keeps them apart, so pick its form
        if datatype == _XSD_STRING:
            return Literal(term.value, normalize=False)
        iri = _DATATYPES.get(datatype) or _DATATYPES.setdefault(datatype, URIRef(datatype))
        return Literal(term.value, datatype=iri, normalize=False if stored and datatype in _CANONICAL else None)
    if isinstance(term, ox.DefaultGraph):
        return None
    raise TypeError(f"unexpected term {term!r}")


def _converter() -> Callable[[object], Node | None]:
    """``from_ox`` remembering each term it converted: within one result, IRIs, types, years and
    labels repeat down the columns, and building rdflib terms is most of the cost of a large answer
    (measured in bench/: whole-graph queries 1.5-4x slower than raw pyoxigraph without it)."""
    seen: dict[object, Node | None] = {}

    def convert(term: object) -> Node | None:
        if term is None:
            return None
        node = seen.get(term)
        if node is None:
            node = seen[term] = from_ox(term, stored=True)
        return node

    return convert


class OxigraphStore(Store):
    """Oxigraph embedded: in memory (``path=None``) or on disk."""

    name = "oxigraph"

    def __init__(self, path: Path | None = None):
        try:
            self._store = ox.Store(str(path)) if path else ox.Store()
        except OSError as error:
            raise KgError(f"cannot open the Oxigraph store at {path}: {error}") from error
        self.path = path

    @property
    def native(self) -> ox.Store:
        """The underlying ``pyoxigraph.Store``, for bulk work the interface does not cover."""
        return self._store

    def load_file(self, path: Path, format: str | None = None) -> None:
        fmt = _FORMATS[_format_of(Path(path), format)]
        try:
            self._store.bulk_load(path=str(path), format=fmt)
        except SyntaxError as error:
            raise KgError(f"{path}: {error}") from error

    def load_data(self, data: str | bytes, format: str) -> None:
        try:
            self._store.bulk_load(data if isinstance(data, bytes) else data.encode(), format=_FORMATS[format])
        except SyntaxError as error:
            raise KgError(f"RDF data: {error}") from error

    def query(self, sparql: str, bindings: Mapping[str, Node] | None = None) -> QueryResult:
        shape = checked(sparql)
        substitutions = {ox.Variable(name): to_ox(value) for name, value in (bindings or {}).items()}
        try:
            result = self._store.query(
                sparql,
                # a FROM clause chooses the graphs itself; the union would silently override it
                use_default_graph_as_union=not (shape.from_graphs or shape.from_named),
                substitutions=substitutions or None,
            )
            if isinstance(result, ox.QueryBoolean):
                return QueryResult("ASK", boolean=bool(result))
            convert = _converter()
            if isinstance(result, ox.QuerySolutions):
                names = tuple(v.value for v in result.variables)
                rows = [tuple(convert(solution[i]) for i in range(len(names))) for solution in result]
                return QueryResult("SELECT", vars=names, rows=rows)
            graph = Graph()
            for triple in result:
                graph.add((convert(triple.subject), convert(triple.predicate), convert(triple.object)))
            return QueryResult("GRAPH", graph=graph)
        except SyntaxError as error:
            raise QueryError(f"SPARQL syntax error: {error}") from error
        except (OSError, RuntimeError) as error:  # evaluation errors may surface while rows are read
            missing = _UNPROJECTED.search(str(error))
            hint = (
                f": add {missing[1]} to the SELECT clause (Oxigraph binds only projected variables)" if missing else ""
            )
            raise QueryError(f"query failed: {error}{hint}") from error

    def quads(self) -> Iterator[tuple[Node, Node, Node, Node | None]]:
        for quad in self._store:
            yield from_ox(quad.subject), from_ox(quad.predicate), from_ox(quad.object), from_ox(quad.graph_name)

    def close(self) -> None:
        if self.path:
            self._store.flush()


# ---------------------------------------------------------------- rdflib


class RdflibStore(Store):
    """rdflib's in-memory ``Dataset``: slow on joins, but the reference implementation."""

    name = "memory"

    def __init__(self, dataset: Dataset | None = None):
        self.dataset = dataset if dataset is not None else Dataset(default_union=True)
        self.dataset.default_union = True

    def load_file(self, path: Path, format: str | None = None) -> None:
        fmt = _format_of(Path(path), format)
        try:
            self.dataset.parse(str(path), format={"nq": "nquads", "nt": "nt", "ttl": "turtle"}.get(fmt, fmt))
        except Exception as error:  # rdflib raises parser-specific types
            raise KgError(f"{path}: {error}") from error

    def load_data(self, data: str | bytes, format: str) -> None:
        self.dataset.parse(data=data, format={"nq": "nquads", "nt": "nt", "ttl": "turtle"}.get(format, format))

    def query(self, sparql: str, bindings: Mapping[str, Node] | None = None) -> QueryResult:
        from pyparsing import ParseException

        checked(sparql)
        try:
            result = self.dataset.query(sparql, initBindings=dict(bindings or {}))
        except ParseException as error:
            raise QueryError(f"SPARQL syntax error at line {error.lineno}, column {error.col}: {error.msg}") from error
        if result.type == "ASK":
            return QueryResult("ASK", boolean=bool(result.askAnswer))
        if result.type == "SELECT":
            names = tuple(str(v) for v in result.vars)
            return QueryResult("SELECT", vars=names, rows=[tuple(row) for row in result])
        graph = Graph()
        for triple in result:
            graph.add(triple)
        return QueryResult("GRAPH", graph=graph)

    def quads(self) -> Iterator[tuple[Node, Node, Node, Node | None]]:
        for s, p, o, g in self.dataset.quads((None, None, None, None)):
            yield s, p, o, (None if g is None or g == self.dataset.default_graph.identifier else g)


def open_store(spec: str = "oxigraph") -> Store:
    """Open a store from a spec: ``oxigraph``, ``oxigraph:PATH`` or ``memory``.

    >>> open_store("memory").name
    'memory'
    """
    kind, _, location = spec.partition(":")
    if kind == "oxigraph":
        return OxigraphStore(Path(location) if location else None)
    if kind in ("memory", "rdflib"):
        return RdflibStore()
    if kind in ("http", "https"):
        from .remote import RemoteStore  # a remote server's query URL, e.g. http://127.0.0.1:7878/query

        return RemoteStore.from_url(spec)
    raise KgError(f"unknown store {spec!r}: use 'oxigraph', 'oxigraph:PATH', 'memory' or a SPARQL endpoint URL")
