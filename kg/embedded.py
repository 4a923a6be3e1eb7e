"""The stores that run in this process: Oxigraph embedded (default) and rdflib's in-memory ``Dataset``.

Both turn their engine's own errors into battery-kg's: a syntax error is a
``SparqlSyntaxError`` with its line and column, whichever engine parsed it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import cast

import pyoxigraph as ox
import rdflib.plugins.sparql
from rdflib import Dataset, URIRef
from rdflib.term import Identifier, Node

from .errors import KgError, QueryError, Refused, SparqlSyntaxError
from .limits import take
from .namespaces import PREFIXES
from .store import CheckedQuery, Converted, QueryResult, Store, Triple, rows_within, values_first
from .terms import converter, from_ox, to_ox

__all__ = ["OxigraphStore", "RdflibStore", "for_joins"]

# FROM <url> must name a graph of the dataset, never make rdflib fetch a document from the web
rdflib.plugins.sparql.SPARQL_LOAD_GRAPHS = False

_UNPROJECTED = re.compile(r"does not contains? variable (\?\w+)")
_OXIGRAPH_AT = re.compile(r"error at (\d+):(\d+): (.*)", re.DOTALL)
_FORMATS = {
    "trig": ox.RdfFormat.TRIG,
    "nq": ox.RdfFormat.N_QUADS,
    "ttl": ox.RdfFormat.TURTLE,
    "turtle": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
}
_RDFLIB_PREFIX = re.compile(r"Unknown namespace prefix : (\S*)")
_PREFIXES = {prefix: str(namespace) for prefix, namespace in PREFIXES.items()}
_RDFLIB_FORMATS = {"nq": "nquads", "nt": "nt", "ttl": "turtle"}


def _format_of(path: Path, format: str | None) -> str:
    fmt = format or path.suffix.lstrip(".").lower()
    if fmt not in _FORMATS:
        raise KgError(f"{path}: cannot tell the RDF format (use .trig, .nq, .ttl or .nt)")
    return fmt


def _syntax_error(error: SyntaxError) -> SparqlSyntaxError:
    """Oxigraph's "error at 1:10: expected ..." as a SparqlSyntaxError at line 1, column 10."""
    found = _OXIGRAPH_AT.search(str(error))
    if found:
        return SparqlSyntaxError(found[3], int(found[1]), int(found[2]))
    return SparqlSyntaxError(str(error))


class OxigraphStore(Store):
    """Oxigraph embedded: in memory (``path=None``) or on disk, optionally ``read_only`` (many readers)."""

    name = "oxigraph"
    takes_dataset = True
    default_prefixes = True

    def __init__(self, path: Path | None = None, read_only: bool = False):
        try:
            if path and read_only:
                self._store = ox.Store.read_only(str(path))
            else:
                self._store = ox.Store(str(path)) if path else ox.Store()
        except OSError as error:
            how = " read-only" if read_only else ""
            raise KgError(f"cannot open the Oxigraph store at {path}{how}: {error}") from error
        self.path = path

    @property
    def native(self) -> ox.Store:
        """The underlying ``pyoxigraph.Store``, for bulk work the interface does not cover."""
        return self._store

    def _load(self, data: bytes | None, format: ox.RdfFormat, path: str | None = None) -> None:
        if not self.path:
            # In memory a plain load is as fast as the bulk loader, peaks lower, and keeps the process quick:
            # after a bulk load every later query in the process, on any store, took up to 2.9x as long
            self._store.load(data, format, path=path)
            return
        # On disk the bulk loader is the fast way in (1M triples: 8.9 s, against 28.8 s in one transaction),
        # but it leaves the store uncompacted (Oxigraph's own loader advises optimizing before reading), and
        # lookups pay for that: optimizing made one-entity questions on a 10M store 2-4x faster, for 23 s
        # more (bench/README.md)
        self._store.bulk_load(data, format, path=path)
        self._store.optimize()

    def load_file(self, path: Path, format: str | None = None) -> None:
        fmt = _FORMATS[_format_of(Path(path), format)]
        try:
            self._load(None, fmt, path=str(path))
        except SyntaxError as error:
            raise KgError(f"{path}: {error}") from error

    def load_data(self, data: str | bytes, format: str) -> None:
        try:
            self._load(data if isinstance(data, bytes) else data.encode(), _FORMATS[format])
        except SyntaxError as error:
            raise KgError(f"RDF data: {error}") from error

    def _query(self, query: CheckedQuery) -> QueryResult:
        dataset, shape, max_rows = query.dataset, query.shape, query.max_rows
        graphs: dict[str, object] = {}
        if dataset:
            graphs = {
                "default_graph": [ox.NamedNode(g) for g in dataset.default_graphs] or ox.DefaultGraph(),
                "named_graphs": [ox.NamedNode(g) for g in dataset.named_graphs] or None,
            }
        text, bindings = values_first(query.text, query.bindings)
        substitutions: dict[ox.Variable, ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple] = {
            ox.Variable(name): to_ox(value) for name, value in bindings.items()
        }
        try:
            result = self._store.query(
                text,
                prefixes=_PREFIXES,  # declared ones win: a query's own PREFIX lines override these
                # a FROM clause or the protocol's dataset choose the graphs; the union would silently override them
                use_default_graph_as_union=not (dataset or shape.from_graphs or shape.from_named),
                substitutions=substitutions or None,
                **graphs,  # type: ignore[arg-type]
            )
            if isinstance(result, ox.QueryBoolean):
                return QueryResult("ASK", boolean=bool(result))
            convert = converter()
            if isinstance(result, ox.QuerySolutions):
                names = tuple(v.value for v in result.variables)
                # a solution's terms as a list: reading them one by one costs more (bench/endpoint.py)
                solutions: list[list[object]] = take(map(list, result), max_rows, "rows")
                return QueryResult("SELECT", names, Converted(solutions, lambda row: tuple(map(convert, row))))

            def triple(t: ox.Triple) -> Triple:
                return cast(Triple, (convert(t.subject), convert(t.predicate), convert(t.object)))

            return QueryResult("GRAPH", triples=Converted(take(result, max_rows, "triples"), triple))
        except SyntaxError as error:
            raise _syntax_error(error) from error
        except (OSError, RuntimeError) as error:  # evaluation errors may surface while rows are read
            missing = _UNPROJECTED.search(str(error))
            hint = (
                f": add {missing[1]} to the SELECT clause (Oxigraph binds only projected variables)" if missing else ""
            )
            raise QueryError(f"query failed: {error}{hint}") from error

    def _update(self, sparql: str) -> None:
        try:
            self._store.update(sparql)
        except SyntaxError as error:
            raise _syntax_error(error) from error
        except OSError as error:
            raise QueryError(f"update failed: {error}") from error

    def graph_names(self) -> list[URIRef]:
        named = self._store.named_graphs()
        return sorted(URIRef(graph.value) for graph in named if isinstance(graph, ox.NamedNode))

    def has_graph(self, name: str) -> bool:
        return self._store.contains_named_graph(ox.NamedNode(name))

    def quads(self) -> Iterator[tuple[Node, Node, Node, Node | None]]:
        for quad in self._store:
            yield from_ox(quad.subject), from_ox(quad.predicate), from_ox(quad.object), from_ox(quad.graph_name)  # type: ignore[misc]

    def close(self) -> None:
        if self.path:
            self._store.flush()


class RdflibStore(Store):
    """rdflib's in-memory ``Dataset``: slow on joins, but the reference implementation."""

    name = "memory"
    default_prefixes = True

    def __init__(self, dataset: Dataset | None = None):
        self.dataset = dataset if dataset is not None else Dataset(default_union=True)
        self.dataset.default_union = True
        self._loads = 0
        self._copy: tuple[tuple[int, int], OxigraphStore] | None = None

    def load_file(self, path: Path, format: str | None = None) -> None:
        fmt = _format_of(Path(path), format)
        try:
            self.dataset.parse(str(path), format=_RDFLIB_FORMATS.get(fmt, fmt))
        except Exception as error:  # rdflib raises parser-specific types
            raise KgError(f"{path}: {error}") from error
        finally:
            self._loads += 1

    def load_data(self, data: str | bytes, format: str) -> None:
        try:
            self.dataset.parse(data=data, format=_RDFLIB_FORMATS.get(format, format))
        finally:
            self._loads += 1

    def oxigraph_copy(self) -> OxigraphStore:
        """The store's quads in an in-memory Oxigraph store, copied again only after the store has changed.

        rdflib evaluates every branch of an ``||`` and joins as nested loops, so the API's questions
        take minutes on it at 100k triples (``companies()`` 102 s, bench/README.md); the copy takes
        about a second per 100k triples and Oxigraph answers them in milliseconds. A change is a load
        through this store, or a change in the number of quads of its dataset.
        """
        state = (self._loads, len(self.dataset))
        if self._copy is None or self._copy[0] != state:
            copy = OxigraphStore()
            copy.native.extend(
                ox.Quad(to_ox(s), to_ox(p), to_ox(o), ox.DefaultGraph() if g is None else to_ox(g))  # type: ignore[arg-type]
                for s, p, o, g in self.quads()
            )
            self._copy = (state, copy)
        self._copy[1].limits = self.limits
        return self._copy[1]

    def _query(self, query: CheckedQuery) -> QueryResult:
        from pyparsing import ParseException

        try:
            result = self.dataset.query(
                query.text, initNs=PREFIXES, initBindings=cast(dict[str, Identifier], query.bindings)
            )
        except ParseException as error:
            raise SparqlSyntaxError(error.msg, error.lineno, error.col) from error
        except RecursionError:
            # rdflib's parser recurses per bracket and gives up well before kg.guard's depth limit
            raise Refused("the query nests too deeply for the memory store; use the oxigraph store") from None
        except Exception as error:
            # rdflib reports an undeclared prefix as a bare Exception, without a place
            prefix = _RDFLIB_PREFIX.match(str(error))
            if prefix is None:
                raise
            raise SparqlSyntaxError(f"unknown prefix {prefix[1]}: (declare it with PREFIX)") from None
        if result.type == "ASK":
            return QueryResult("ASK", boolean=bool(result.askAnswer))
        if result.type == "SELECT":
            names = tuple(str(v) for v in result.vars or ())
            return QueryResult("SELECT", vars=names, rows=rows_within((tuple(row) for row in result), query.max_rows))  # type: ignore[arg-type]
        return QueryResult("GRAPH", triples=take(result, query.max_rows, "triples"))  # type: ignore[arg-type]

    def quads(self) -> Iterator[tuple[Node, Node, Node, Node | None]]:
        for s, p, o, g in self.dataset.quads((None, None, None, None)):
            yield s, p, o, (None if g is None or g == self.dataset.default_graph.identifier else g)


def for_joins(store: Store) -> Store:
    """The store to ask join-heavy questions (the API's, the network view's): ``store`` itself, or the
    Oxigraph copy of an rdflib memory store (:meth:`RdflibStore.oxigraph_copy`)."""
    return store.oxigraph_copy() if isinstance(store, RdflibStore) else store
