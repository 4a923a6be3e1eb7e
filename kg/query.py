"""Running SPARQL for people: named queries with their arguments, and SPARQL text with the usual prefixes.

The parts live in modules named for their job, re-exported here so that
``from kg.query import ...`` keeps working: the catalogue of ``.rq`` files
(kg.catalogue), names to IRIs (kg.lookup), arguments to bound values
(kg.parameters) and result formats (kg.formats). What stays here is running:

Two store behaviours shape the ``.rq`` files: Oxigraph only substitutes a
variable that the SELECT clause projects, so every parameter is projected (a
column that holds the bound value, so an answer has the same columns whichever
parameters are given); and Oxigraph folds ``BOUND(?p)`` to
false before substituting, so queries test optional parameters with ``COALESCE``.
A query whose values come first (``# Plan: values first``, kg.catalogue) gets
them bound in its patterns on every engine (a ``VALUES`` block; rdflib's initial
bindings), so it may instead use a parameter as the way into a pattern and
leave it out of its SELECT clause: when the
parameter is absent, the pattern binds the variable to many values, which must
not reach the answer. ``run`` then adds the parameter's column itself, holding
the bound value or nothing, where ``# Columns:`` puts it.

>>> from kg.store import open_store
>>> store = open_store("oxigraph")
>>> store.load_file(EXAMPLE)
>>> result = run(store, "ultimate-parent", {"company": "Nord Energy", "year": 2010})
>>> [str(row["parentLabel"]) for row in result.dicts()]
['Hana Corporation']
>>> print(format_result(result, "csv").splitlines()[0])
company,companyLabel,year,parent,parentLabel,depth,fromYear,untilYear
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from rdflib.term import Node

from .catalogue import (
    ENTITY_TYPES,
    PARAMETER_TYPES,
    QUERY_DIR,
    VALUE_TYPES,
    NamedQuery,
    Parameter,
    internal_query,
    is_query_name,
    named_queries,
    named_query,
    parse_header,
    query_from_file,
    read_query_file,
)
from .errors import QueryError, SparqlSyntaxError, UnknownName
from .formats import FORMATS, format_result
from .limits import Limits
from .lookup import EXAMPLE, NameIndex, expand, kind_of
from .namespaces import PREFIXES
from .parameters import bind, literal_argument
from .store import QueryResult, Store
from .tables import short_iri

__all__ = [
    "ENTITY_TYPES",
    "EXAMPLE",
    "FORMATS",
    "PARAMETER_TYPES",
    "QUERY_DIR",
    "VALUE_TYPES",
    "NameIndex",
    "NamedQuery",
    "Parameter",
    "QueryError",
    "UnknownName",
    "bind",
    "execute",
    "expand",
    "format_result",
    "internal_query",
    "is_query_name",
    "kind_of",
    "literal_argument",
    "named_queries",
    "named_query",
    "parse_header",
    "query_from_file",
    "read_query_file",
    "run",
    "short_iri",
    "with_prefixes",
]


def run(
    store: Store,
    query: NamedQuery | str,
    arguments: Mapping[str, object] | None = None,
    names: NameIndex | None = None,
) -> QueryResult:
    """Run a named query (an object or its name) with user arguments, resolved and bound.

    The answer has the columns the query declares (``# Columns:``) whichever arguments are given:
    a bound parameter keeps its column, holding the value it was bound to.
    """
    if isinstance(query, str):
        query = named_query(query)
    bindings = bind(store, query, arguments or {}, names)
    limits = Limits(store.limits.timeout, None) if query.internal else None
    result = execute(store, query.text, bindings, origin=str(query.path), limits=limits)
    unprojected = {p.name for p in query.parameters} - set(result.vars)
    if result.kind == "SELECT" and unprojected and set(query.columns) == set(result.vars) | unprojected:
        result = result.with_columns(query.columns, {name: bindings.get(name) for name in unprojected})
    return result


def with_prefixes(text: str) -> tuple[str, int]:
    """``text`` with PREFIX lines for our prefixes it does not declare itself, and how many lines were added.

    >>> with_prefixes("PREFIX bkg: <urn:x#>\\nASK {}")[1] == len(PREFIXES) - 1
    True
    """
    declared = {m.group(1) for m in re.finditer(r"(?im)^\s*PREFIX\s+([A-Za-z0-9_.-]*):", text)}
    header = [f"PREFIX {prefix}: <{namespace}>" for prefix, namespace in PREFIXES.items() if prefix not in declared]
    return "\n".join([*header, text]), len(header)


def execute(
    store: Store,
    text: str,
    bindings: Mapping[str, Node] | None = None,
    origin: str = "query",
    prefixes: bool = True,
    limits: Limits | None = None,
) -> QueryResult:
    """Run SPARQL text with bindings; a syntax error names the line and column in ``origin``.

    With ``prefixes``, the prefixes of :data:`kg.namespaces.PREFIXES` (bkg, id, schema, ...)
    need no PREFIX lines; error positions still refer to ``text`` as given. ``limits``
    replace the store's own for this query.

    >>> from kg.store import open_store
    >>> execute(open_store("memory"), "ASK { ?s ?p }", origin="my.rq")
    Traceback (most recent call last):
    ...
    kg.errors.QueryError: my.rq: SPARQL syntax error at line 1, column 7 near "?s": Expected AskQuery
      ASK { ?s ?p }
            ^
    """
    # the embedded engines take the prefixes as defaults, so error positions are the text's own
    full, added = with_prefixes(text) if prefixes and not store.default_prefixes else (text, 0)
    try:
        return store.query(full, bindings, limits=limits)
    except SparqlSyntaxError as error:
        raise QueryError(error.located(text, origin, added)) from None
