"""User arguments to bound values: each checked against its parameter's type, names looked up.

Parameters reach the store as bindings (``Store.query(text, bindings)``), never
as query text. A name-typed parameter (``company``, ``chemistry``, ...) is
looked up by label, alias, code, id or IRI; an absent optional parameter is
left unbound, which the named queries read as "no filter".
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation

from rdflib import Literal, URIRef
from rdflib.term import Node

from .catalogue import ENTITY_TYPES, NamedQuery, Parameter
from .errors import QueryError, UnknownName
from .lookup import NameIndex, expand
from .store import Store

__all__ = ["bind", "literal_argument", "value_of"]

_BOOLEANS = {"true": True, "yes": True, "1": True, "false": False, "no": False, "0": False}


def value_of(parameter: Parameter, value: object) -> Literal | URIRef:
    """A non-name parameter value as an RDF term, checked against the parameter's type.

    >>> value_of(Parameter("year", "year", ""), "12")
    Traceback (most recent call last):
    ...
    kg.errors.QueryError: parameter year: '12' is not a year (four digits)
    """
    if isinstance(value, (URIRef, Literal)):
        return value
    text = str(value).strip()
    kind = parameter.type
    try:
        if kind == "iri":
            iri = expand(text)
            if iri is None:
                raise ValueError("not an IRI: write <...>, http(s)://... or a prefixed name such as bkg:ParentStake")
            return iri
        if kind == "year":
            year = int(text)
            if not 1000 <= year <= 9999:
                raise ValueError("not a year (four digits)")
            return Literal(year)
        if kind == "integer":
            return Literal(int(text))
        if kind == "decimal":
            return Literal(Decimal(text))
        if kind == "boolean":
            if isinstance(value, bool):
                return Literal(value)
            if text.lower() not in _BOOLEANS:
                raise ValueError("not true or false")
            return Literal(_BOOLEANS[text.lower()])
        return Literal(text)
    except (ValueError, InvalidOperation) as error:
        reason = (
            str(error) if str(error).startswith("not ") else f"not a {'year (four digits)' if kind == 'year' else kind}"
        )
        raise QueryError(f"parameter {parameter.name}: {text!r} is {reason}") from None
    except QueryError as error:
        raise QueryError(f"parameter {parameter.name}: {error}") from None


def bind(
    store: Store, query: NamedQuery, arguments: Mapping[str, object], names: NameIndex | None = None
) -> dict[str, Node]:
    """The bindings for ``query`` from user ``arguments``: types checked, names resolved, nothing left out.

    ``None`` values count as absent. ``names`` is built from the store when a name needs resolving.
    """
    given = {key: value for key, value in arguments.items() if value is not None}
    for key in given:
        query.parameter(key)  # raises for unknown parameters
    missing = [p.name for p in query.parameters if not p.optional and p.name not in given]
    if missing:
        raise QueryError(f"query {query.name!r} needs {', '.join(missing)} (see `kg queries`)")
    bindings: dict[str, Node] = {}
    for key, value in given.items():
        parameter = query.parameter(key)
        if parameter.type not in ENTITY_TYPES:
            bindings[key] = value_of(parameter, value)
            continue
        if isinstance(value, URIRef):
            bindings[key] = value
            continue
        name = getattr(value, "iri", value)  # an API record stands for its IRI
        names = names or NameIndex(store)
        try:
            bindings[key] = names.resolve(name if isinstance(name, URIRef) else str(name), ENTITY_TYPES[parameter.type])
        except UnknownName as error:
            raise UnknownName(f"parameter {key}: {error}", error.suggestions, error.matches) from None
        except QueryError as error:
            raise QueryError(f"parameter {key}: {error}") from None
    return bindings


def literal_argument(text: str, name: str = "value") -> Node:
    """A ``--param`` value for free SPARQL text, whose variables have no declared type.

    ``<IRI>`` and prefixed names become IRIs, ``true``/``false`` booleans, numbers numbers, the rest strings.

    >>> literal_argument("2012"), literal_argument("id:company/acme")
    (rdflib.term.Literal('2012', datatype=rdflib.term.URIRef('http://www.w3.org/2001/XMLSchema#integer')), rdflib.term.URIRef('https://w3id.org/battery-kg/id/company/acme'))
    >>> literal_argument("<script>alert(1)</script>", "v")
    Traceback (most recent call last):
    ...
    kg.errors.QueryError: parameter v: '<script>alert(1)</script>' is not a valid IRI (Invalid IRI code point '>')
    """
    try:
        iri = expand(text)
    except QueryError as error:
        raise QueryError(f"parameter {name}: {error}") from None
    if iri is not None:
        return iri
    if text in ("true", "false"):
        return Literal(text == "true")
    if re.fullmatch(r"[+-]?\d+", text):
        return Literal(int(text))
    if re.fullmatch(r"[+-]?(\d+\.\d*|\.\d+)", text):
        return Literal(Decimal(text))
    return Literal(text)
