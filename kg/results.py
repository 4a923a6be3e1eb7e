"""The answer to a query, the same from every store: ``QueryResult``.

An Oxigraph answer keeps Oxigraph's own terms and turns them into rdflib terms
only when they are read (``Converted``), so the endpoint, which writes answers
from Oxigraph's terms (kg.formats), never pays for rdflib terms it does not need.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar, overload
from typing import Literal as Kind

import pyoxigraph as ox
from rdflib import Graph
from rdflib.term import Node

from .terms import OxTerm, to_ox

__all__ = ["Converted", "QueryResult", "ResultKind", "Row", "Triple"]

ResultKind = Kind["SELECT", "ASK", "GRAPH"]
# rdflib terms, None where unbound; Any because which column holds an IRI or a literal is the query's to say
Row = tuple[Any, ...]
Triple = tuple[Node, Node, Node]
T = TypeVar("T")


class Converted(Sequence[T]):
    """Items of an engine's own terms, turned into rdflib terms on first use.

    The endpoint writes an Oxigraph answer straight from Oxigraph's terms
    (:meth:`QueryResult.native_rows`), so it never pays for rdflib terms it does
    not need; the API reads them as rdflib terms like any other result.
    """

    def __init__(self, native: list[Any], convert: Callable[[Any], T]):
        self.native = native
        self._convert = convert
        self._items: list[T] | None = None

    def _all(self) -> list[T]:
        if self._items is None:
            self._items = [self._convert(item) for item in self.native]
        return self._items

    def __len__(self) -> int:
        return len(self.native)

    @overload
    def __getitem__(self, index: int) -> T: ...
    @overload
    def __getitem__(self, index: slice) -> list[T]: ...
    def __getitem__(self, index: int | slice) -> T | list[T]:
        return self._all()[index]

    def __iter__(self) -> Iterator[T]:
        return iter(self._all())

    def __eq__(self, other: object) -> bool:
        return list(self) == (list(other) if isinstance(other, Sequence) else other)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return repr(self._all())

    def __reduce__(self) -> tuple[type[list[T]], tuple[list[T]]]:
        return list, (self._all(),)

    def reshaped(self, reshape: Callable[[Any], Any]) -> Converted[T]:
        """The same items, each engine item passed through ``reshape`` first (still converted on first use)."""
        return Converted([reshape(item) for item in self.native], self._convert)


@dataclass(frozen=True)
class QueryResult:
    """The answer to one query.

    ``kind`` is ``SELECT``, ``ASK`` or ``GRAPH`` (CONSTRUCT and DESCRIBE).
    SELECT fills ``vars`` and ``rows`` (a row holds ``None`` for an unbound
    variable); ASK fills ``boolean``; GRAPH fills ``triples``, also offered as
    an rdflib ``graph`` (built on first use). Terms are rdflib terms;
    :meth:`native_rows` and :meth:`native_triples` give pyoxigraph terms, which
    the result writers (kg.formats) take.
    """

    kind: ResultKind
    vars: tuple[str, ...] = ()
    rows: Sequence[Row] = field(default_factory=list)
    boolean: bool | None = None
    triples: Sequence[Triple] = field(default_factory=list)

    def dicts(self) -> list[dict[str, Any]]:
        """The rows as dictionaries keyed by variable name: rdflib terms, ``None`` where unbound.

        Typed ``Any``: what a column holds (an IRI, a literal) is the query's to say, not the store's.
        """
        return [dict(zip(self.vars, row, strict=True)) for row in self.rows]

    @functools.cached_property
    def graph(self) -> Graph:
        """The triples of a CONSTRUCT or DESCRIBE answer as an rdflib ``Graph``."""
        graph = Graph()
        for triple in self.triples:
            graph.add(triple)
        return graph

    def with_columns(self, order: Sequence[str], values: Mapping[str, Node | None]) -> QueryResult:
        """This SELECT answer with the columns in ``order``: its own, and those of ``values``, which hold
        the same value (``None``: unbound) in every row.

        >>> from rdflib import URIRef
        >>> answer = QueryResult("SELECT", ("name",), [("A",), ("B",)])
        >>> answer.with_columns(("company", "name"), {"company": URIRef("urn:x")}).rows
        [(rdflib.term.URIRef('urn:x'), 'A'), (rdflib.term.URIRef('urn:x'), 'B')]
        """
        positions = [self.vars.index(name) if name in self.vars else -1 for name in order]

        def reshape(row: Sequence[Any], filler: Mapping[str, Any]) -> list[Any]:
            return [row[at] if at >= 0 else filler[name] for at, name in zip(positions, order, strict=True)]

        rows: Sequence[Row]
        if isinstance(self.rows, Converted):
            native = {name: None if value is None else to_ox(value) for name, value in values.items()}
            rows = self.rows.reshaped(lambda row: reshape(row, native))
        else:
            rows = [tuple(reshape(row, values)) for row in self.rows]
        return replace(self, vars=tuple(order), rows=rows)

    def native_rows(self) -> Iterable[Sequence[OxTerm | None]]:
        """The rows as pyoxigraph terms: the engine's own when it was Oxigraph, else converted."""
        if isinstance(self.rows, Converted):
            return self.rows.native
        term = _cached(to_ox)
        return ([None if value is None else term(value) for value in row] for row in self.rows)

    def native_triples(self) -> Iterable[ox.Triple]:
        """The triples as pyoxigraph triples (see :meth:`native_rows`)."""
        if isinstance(self.triples, Converted):
            return self.triples.native
        term = _cached(to_ox)
        return (ox.Triple(term(s), term(p), term(o)) for s, p, o in self.triples)  # type: ignore[arg-type]


def _cached(convert: Callable[[Node], OxTerm]) -> Callable[[Node], OxTerm]:
    seen: dict[Node, OxTerm] = {}

    def cached(term: Node) -> OxTerm:
        found = seen.get(term)
        if found is None:
            found = seen[term] = convert(term)
        return found

    return cached
