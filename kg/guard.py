"""Decide, before anything runs, whether a SPARQL request is safe to run.

The endpoint is read-only by default and must never reach other hosts. Both
engines would: Oxigraph runs ``SERVICE`` and ``LOAD`` over HTTP, rdflib also
fetches ``FROM`` graphs. So every request is parsed with rdflib's SPARQL
parser (a real grammar, so strings, comments and IRIs cannot hide or fake a
keyword) and its parse tree is inspected. A request rdflib cannot parse is
refused too: what cannot be checked does not run.

>>> inspect_query("SELECT * WHERE { ?s ?p ?o }").form
'SELECT'
>>> inspect_query('SELECT * WHERE { ?s ?p "SERVICE <http://x/>" }').form
'SELECT'
>>> inspect_query("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }")
Traceback (most recent call last):
...
kg.guard.Refused: SERVICE <http://example.org/sparql> refused: this endpoint never queries other endpoints
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from pyparsing import ParseException
from rdflib import URIRef
from rdflib.term import Node
from rdflib.plugins.sparql.algebra import translatePrologue
from rdflib.plugins.sparql.parser import parseQuery, parseUpdate
from rdflib.plugins.sparql.parserutils import CompValue

from .errors import QueryError

_FORMS = {"SelectQuery": "SELECT", "AskQuery": "ASK", "ConstructQuery": "CONSTRUCT", "DescribeQuery": "DESCRIBE"}


class Refused(QueryError):
    """A request the endpoint will not run; ``status`` is the HTTP status to answer with."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class QueryShape:
    """What a checked query is: its form and the graphs its dataset clause names.

    ``from_graphs``/``from_named`` are the IRIs of ``FROM`` / ``FROM NAMED``
    (or ``USING`` / ``USING NAMED`` in an update): the caller must make sure
    they name graphs it holds, since a store may otherwise fetch them.
    """

    form: str
    from_graphs: tuple[URIRef, ...] = ()
    from_named: tuple[URIRef, ...] = ()

    @property
    def returns_graph(self) -> bool:
        """True for CONSTRUCT and DESCRIBE, whose answer is RDF rather than a results table."""
        return self.form in ("CONSTRUCT", "DESCRIBE")


def _nodes(tree):
    """Every CompValue in a parse tree, depth first."""
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, CompValue):
            yield node
            stack.extend(node.values())
        elif isinstance(node, (list, tuple)):  # ParseResults is a list here
            stack.extend(node)


def _syntax_error(error: ParseException, what: str) -> Refused:
    return Refused(f"{what} syntax error at line {error.lineno}, column {error.col}: {error.msg}")


def _refuse_remote_access(tree) -> None:
    for node in _nodes(tree):
        if node.name == "ServiceGraphPattern":
            term = node["term"]  # an IRI, a variable, or a prefixed name (a CompValue until resolved)
            shown = term.n3() if isinstance(term, Node) else f"{dict.get(term, 'prefix', '')}:{dict.get(term, 'localname', '')}"
            raise Refused(f"SERVICE {shown} refused: this endpoint never queries other endpoints", 403)
        if node.name == "Load":
            raise Refused(f"LOAD <{node['iri']}> refused: this endpoint never fetches remote data", 403)


def _dataset(clauses, prologue) -> tuple[tuple[URIRef, ...], tuple[URIRef, ...]]:
    default, named = [], []
    for clause in clauses or ():
        if "named" in clause:
            named.append(URIRef(prologue.absolutize(clause["named"])))
        else:
            default.append(URIRef(prologue.absolutize(clause["default"])))
    return tuple(default), tuple(named)


def _is_update(text: str) -> bool:
    try:
        parseUpdate(text)
    except ParseException:
        return False
    return True


@functools.lru_cache(maxsize=512)
def inspect_query(text: str) -> QueryShape:
    """Parse a query and refuse ``SERVICE``; raise :class:`Refused` for updates and syntax errors.

    >>> inspect_query("PREFIX g: <urn:g:> ASK FROM g:one { ?s ?p ?o }")
    QueryShape(form='ASK', from_graphs=(rdflib.term.URIRef('urn:g:one'),), from_named=())
    >>> inspect_query("INSERT DATA { <urn:a> <urn:b> <urn:c> }").form
    Traceback (most recent call last):
    ...
    kg.guard.Refused: this is a SPARQL update, not a query
    """
    try:
        prologue_tree, query = parseQuery(text)
    except ParseException as error:
        if _is_update(text):
            raise Refused("this is a SPARQL update, not a query") from None
        raise _syntax_error(error, "SPARQL") from None
    _refuse_remote_access(query)
    default, named = _dataset(dict.get(query, "datasetClause"), translatePrologue(prologue_tree, None))
    return QueryShape(_FORMS[query.name], default, named)


def inspect_update(text: str) -> QueryShape:
    """Parse an update; refuse ``LOAD`` and ``SERVICE``; collect its ``USING`` graphs.

    >>> inspect_update("LOAD <http://example.org/data.ttl>")
    Traceback (most recent call last):
    ...
    kg.guard.Refused: LOAD <http://example.org/data.ttl> refused: this endpoint never fetches remote data
    """
    try:
        update = parseUpdate(text)
    except ParseException as error:
        raise _syntax_error(error, "SPARQL update") from None
    _refuse_remote_access(update.request)
    prologue = None
    default, named = [], []
    for prologue_tree, operation in zip(update.prologue, update.request):
        prologue = translatePrologue(prologue_tree, None, None, prologue)
        more_default, more_named = _dataset(dict.get(operation, "using"), prologue)
        default += more_default
        named += more_named
    return QueryShape("UPDATE", tuple(default), tuple(named))
