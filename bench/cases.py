"""What to ask each named query in a benchmark, with parameters picked from the generated data.

Every named query (``kg.query.named_queries``) yields up to three cases:

* ``bound``: every parameter given a value (``Picks`` supplies entities and a year);
* ``open``: only the required ones, when that differs, which turns "the ultimate
  parent of this company" into "of every company";
* the entity alone: the required ones and those that name an individual, when
  that differs from both, which turns "the capacity of this group in this
  country as of this year" into "the capacity of this company".

A case is ``single-entity`` when a parameter names one company, document or
other entity, otherwise ``whole-graph``; its ``features`` say whether the
SPARQL joins three or more triple patterns (in all) or follows a ``*``/``+`` property path.

>>> from kg.query import named_query
>>> picks = Picks("urn:c", 2010, "urn:g", "urn:ch", "urn:ap", "urn:r", "urn:co", "urn:s", "Volt",
...               "urn:op", "urn:og", 2024, "urn:pc", "urn:pr", "urn:pch", "supply")
>>> [(c.id, c.scope) for c in query_cases(named_query("ultimate-parent"), picks)]
[('ultimate-parent(company,year)', 'single-entity'), ('ultimate-parent()', 'whole-graph'), ('ultimate-parent(company)', 'single-entity')]
>>> [str(c.arguments["company"]) for c in query_cases(named_query("plants"), picks)]
['urn:og', 'urn:op']
>>> query_cases(named_query("companies"), picks)[0].features
('join',)
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass

from rdflib import URIRef
from rdflib.paths import MulPath
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.parserutils import CompValue

from kg.namespaces import BKG
from kg.query import NamedQuery, Parameter

from .synthetic import Picks

__all__ = ["Case", "all_cases", "query_cases"]

# Parameter types that name one individual thing: a case that binds one is "single-entity".
_INDIVIDUAL_TYPES = {"company", "entity", "source"}
# Not data but vocabulary: the one value a free IRI parameter (stake kind) gets.
_IRI_VALUE = BKG.ParentStake
_LATER_YEAR = 2024  # the second year of two-year questions ("owner changes between")
# Questions about plants, capacity, agreements and events: asked of the company that runs the most plants, or,
# with include_controlled, of the group with the most, where it has capacity.
_INDUSTRY_QUERIES = {"plants", "capacity", "agreements", "events"}
_EVENT_KIND = "stake-start"  # the most common kind of event: every dated stake has one


@dataclass(frozen=True)
class Case:
    """One named query with one set of arguments."""

    id: str
    query: str
    arguments: dict[str, object]
    scope: str  # single-entity | whole-graph
    features: tuple[str, ...]  # of: join, path


def _value(parameter: Parameter, picks: Picks, query: str, names: set[str]) -> object:
    """The argument a parameter gets: entities as IRIs (no name look-up to time), the rest as values."""
    by_name: dict[str, object] = {"group": picks.group, "to_year": _LATER_YEAR}
    if query in _INDUSTRY_QUERIES:
        by_name |= {
            "company": picks.operator_group if "include_controlled" in names else picks.operator,
            "year": picks.plant_year,
            "country": picks.plant_country,
            "region": picks.plant_region,
            "chemistry": picks.plant_chemistry,
            "kind": _EVENT_KIND if query == "events" else picks.agreement_kind,
        }
    if parameter.name in by_name:
        value = by_name[parameter.name]
    else:
        value = {
            "company": picks.company,
            "entity": picks.company,
            "chemistry": picks.chemistry,
            "application": picks.application,
            "region": picks.region,
            "country": picks.country,
            "source": picks.report,
            "year": picks.year,
            "boolean": True,
            "string": picks.text,
            "iri": _IRI_VALUE,
        }[parameter.type]
    return URIRef(value) if isinstance(value, str) and value.startswith("http") else value


@functools.cache
def _features(text: str) -> tuple[str, ...]:
    """``join``: three or more triple patterns in all (EXISTS and OPTIONAL parts too); ``path``: a ``*``/``+`` path."""
    found: set[str] = set()
    patterns = 0

    def walk(node: object) -> None:
        nonlocal patterns
        if isinstance(node, CompValue):
            # the main pattern is translated to BGPs; EXISTS parts stay as parsed TriplesBlocks
            for triple in node["triples"] if node.name in ("BGP", "TriplesBlock") else ():
                patterns += 1
                if any(isinstance(term, MulPath) or _has_mulpath(term) for term in triple):
                    found.add("path")
            for value in node.values():
                walk(value)
        elif isinstance(node, (list, tuple)):
            for item in node:
                walk(item)

    walk(prepareQuery(text).algebra)
    if patterns >= 3:
        found.add("join")
    return tuple(sorted(found))


def _has_mulpath(term: object) -> bool:
    return any(isinstance(arg, MulPath) or _has_mulpath(arg) for arg in getattr(term, "args", ()))


def query_cases(query: NamedQuery, picks: Picks) -> list[Case]:
    """The ``bound`` case of ``query``; when it has optional parameters, its ``open`` case; and when one of
    those names an individual, the case with that alone (one company, where the bound case asks of its group)."""
    variants = [query.parameters]
    for kept in (
        tuple(p for p in query.parameters if not p.optional),
        tuple(p for p in query.parameters if not p.optional or p.type in _INDIVIDUAL_TYPES),
    ):
        if kept not in variants:
            variants.append(kept)
    cases = []
    for parameters in variants:
        names = {p.name for p in parameters}
        arguments = {p.name: _value(p, picks, query.name, names) for p in parameters}
        scope = "single-entity" if any(p.type in _INDIVIDUAL_TYPES for p in parameters) else "whole-graph"
        cases.append(Case(f"{query.name}({','.join(arguments)})", query.name, arguments, scope, _features(query.text)))
    return cases


def all_cases(queries: Iterable[NamedQuery], picks: Picks) -> list[Case]:
    """The cases of every query, in name order."""
    return [case for query in sorted(queries, key=lambda q: q.name) for case in query_cases(query, picks)]
