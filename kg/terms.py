"""RDF terms between pyoxigraph and rdflib: the rest of battery-kg speaks rdflib, Oxigraph speaks its own.

>>> from_ox(to_ox(Literal("1.5", datatype=XSD.decimal)))
rdflib.term.Literal('1.5', datatype=rdflib.term.URIRef('http://www.w3.org/2001/XMLSchema#decimal'))
"""

from __future__ import annotations

from collections.abc import Callable

import pyoxigraph as ox
from rdflib import XSD, BNode, Literal, URIRef
from rdflib.term import Node

from .errors import QueryError

__all__ = ["OxTerm", "bindable", "converter", "from_ox", "iri_problem", "to_ox"]

OxTerm = ox.NamedNode | ox.BlankNode | ox.Literal

_XSD_STRING = str(XSD.string)
# An Oxigraph store gives these in the canonical form, which rdflib's normalisation leaves as it is
# (doubles and dates with a time zone it writes differently, so those are still normalised)
_CANONICAL = frozenset(str(XSD[t]) for t in ("integer", "decimal", "boolean", "gYear", "gYearMonth"))
_DATATYPES: dict[str, URIRef] = {}


def to_ox(term: Node) -> OxTerm:
    """An rdflib term as a pyoxigraph term; pyoxigraph checks IRIs and language tags (``ValueError``)."""
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


def iri_problem(text: str) -> str | None:
    """Why ``text`` is not a valid absolute IRI (as Oxigraph checks it), or None when it is one.

    >>> iri_problem("https://example.org/x"), iri_problem("a b")
    (None, "Invalid IRI code point ' '")
    """
    try:
        ox.NamedNode(text)
    except ValueError as error:
        return str(error)
    return None


def bindable(name: str, value: object) -> OxTerm:
    """``value`` checked as a value for ``?name``, whatever store will run the query.

    >>> bindable("v", URIRef("<script>"))
    Traceback (most recent call last):
    ...
    kg.errors.QueryError: cannot bind ?v to '<script>': not a valid IRI (Invalid IRI code point '<')
    """
    if not isinstance(value, (URIRef, BNode, Literal)):
        raise QueryError(f"cannot bind ?{name} to {value!r}: give an rdflib URIRef or Literal")
    try:
        return to_ox(value)
    except ValueError as error:
        what = "a valid IRI" if isinstance(value, URIRef) else "a valid RDF term"
        raise QueryError(f"cannot bind ?{name} to {str(value)!r}: not {what} ({error})") from None


def from_ox(term: object, stored: bool = False) -> Node | None:
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


def converter() -> Callable[[object], Node | None]:
    """``from_ox`` remembering each term it converted: within one result, IRIs, types, years and
    labels repeat down the columns, and building rdflib terms is most of the cost of a large answer
    (measured in bench/: whole-graph queries 1.5-4x slower than raw pyoxigraph without it).
    Equal terms come back as the same object, which the result writers (kg.formats) rely on."""
    seen: dict[object, Node | None] = {}

    def convert(term: object) -> Node | None:
        if term is None:
            return None
        node = seen.get(term)
        if node is None:
            node = seen[term] = from_ox(term, stored=True)
        return node

    return convert
