"""Names to IRIs: what a user types for a company, chemistry, region ... and the one thing it stands for.

Labels, aliases, codes and ids are compared in kg.names' normal form (the one
report ingestion and country look-up use too), company names also without
their legal form; an unknown name is an error that suggests near matches, and
a name that fits several things lists them.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

from rapidfuzz import process
from rdflib import URIRef

from .catalogue import internal_query, named_query
from .errors import QueryError, UnknownName
from .limits import Limits
from .names import company_key, name_key
from .namespaces import ID, PREFIXES
from .store import Store
from .terms import iri_problem

__all__ = ["EXAMPLE", "NameIndex", "expand", "kind_of"]

# made-up data for the doctests, shipped with the package (which never reads tests/)
EXAMPLE = Path(__file__).parent / "examples" / "query-graph.trig"

# kinds of IRI that are bookkeeping, not things anyone names: reachable by IRI only
_UNNAMED = frozenset({"stake", "control", "fact", "claim", "flag", "mention", "event"})


def kind_of(iri: URIRef | str) -> str | None:
    """The kind an IRI was minted with (``company``, ``chemistry``, ...), or None for other IRIs.

    >>> kind_of(ID["company/a123-systems"])
    'company'
    """
    text = str(iri)
    if not text.startswith(str(ID)):
        return None
    return text[len(str(ID)) :].split("/", 1)[0]


def expand(text: str) -> URIRef | None:
    """``<IRI>``, ``http(s)://...`` or a prefixed name such as ``bkg:ParentStake`` as an IRI; else None.

    Text that is written as an IRI but is not a valid one is an error, never a term a store chokes on.

    >>> expand("bkg:ParentStake")
    rdflib.term.URIRef('https://w3id.org/battery-kg/ontology#ParentStake')
    >>> expand("Volta Cells") is None
    True
    >>> expand("<a b>")
    Traceback (most recent call last):
    ...
    kg.errors.QueryError: '<a b>' is not a valid IRI (Invalid IRI code point ' ')
    """
    text = text.strip()
    if text.startswith("<") and text.endswith(">"):
        iri = text[1:-1]
    elif re.match(r"^(https?|urn):\S+$", text):
        iri = text
    else:
        prefix, colon, local = text.partition(":")
        if not (colon and prefix in PREFIXES and re.match(r"^[^\s<>\"{}|^`\\]*$", local)):
            return None
        iri = str(PREFIXES[prefix]) + local
    problem = iri_problem(iri)
    if problem:
        raise QueryError(f"{text!r} is not a valid IRI ({problem})")
    return str.__new__(URIRef, iri)  # checked above: rdflib's own check would only warn


class NameIndex:
    """Every label, alias and code of the things in a store, for turning names into IRIs.

    Built from the named query ``entity-names``, so it sees exactly what SPARQL sees.
    """

    def __init__(self, store: Store):
        # every name in the graph: the row limit is for answers people asked for, not for this table
        everything = Limits(timeout=store.limits.timeout, max_rows=None)
        rows = store.query(named_query("entity-names").text, limits=everything).dicts()
        self._by_name: dict[str, set[URIRef]] = defaultdict(set)
        self._by_core: dict[str, set[URIRef]] = defaultdict(set)
        self._by_key: dict[str, set[URIRef]] = defaultdict(set)
        self.labels: dict[URIRef, str] = {}
        for row in rows:
            entity, name = URIRef(str(row["entity"])), str(row["name"])
            if str(row["alias"]) != "true" and entity not in self.labels:
                self.labels[entity] = name
            if kind_of(entity) not in _UNNAMED:
                self._by_name[name_key(name)].add(entity)
                self._by_core[company_key(name)].add(entity)
                self._by_key[name_key(str(entity).rsplit("/", 1)[-1])].add(entity)
        self.iris = frozenset(URIRef(str(row["entity"])) for row in rows)
        # the sense a name has when it fits several things (internal/preferred-senses.rq)
        preferred = store.query(internal_query("preferred-senses").text, limits=everything).dicts()
        self.preferred = frozenset(URIRef(str(row["entity"])) for row in preferred)

    def resolve(self, name: str | URIRef, kind: str | None = None) -> URIRef:
        """The one IRI that ``name`` (IRI, label, alias, code or id) stands for, among things of ``kind``.

        >>> from kg.store import open_store
        >>> store = open_store("memory")
        >>> store.load_file(EXAMPLE)
        >>> index = NameIndex(store)
        >>> index.resolve("volta cells inc", "company")
        rdflib.term.URIRef('https://w3id.org/battery-kg/id/company/volta-cells')
        >>> index.resolve("Hana Corp.", "company") == index.resolve("hana", "company")
        True
        >>> index.resolve("test", "source") == index.resolve("Test Cell Market", "source")  # id or title, by its start
        True
        >>> index.resolve("Volta Cels", "company")
        Traceback (most recent call last):
        ...
        kg.errors.UnknownName: no company is called 'Volta Cels'; did you mean: Volta Cells?
        """
        text = str(name).strip()
        wanted = "thing" if kind is None else kind

        def of_kind(found: Iterable[URIRef]) -> set[URIRef]:
            return {iri for iri in found if kind is None or kind_of(iri) == kind}

        iri = expand(text)
        if iri is not None and iri in self.iris and of_kind([iri]):
            return iri
        # an id as written wins over names ("europe" is the market region, "Europe" also the M49 area)
        exact = {m for m in of_kind(self._by_key.get(name_key(text), ())) if str(m).rsplit("/", 1)[-1] == text}
        if len(exact) == 1:
            return next(iter(exact))
        for table, form in ((self._by_name, name_key), (self._by_key, name_key), (self._by_core, company_key)):
            matches = of_kind(table.get(form(text), ()))
            if len(matches) > 1 and len(matches & self.preferred) == 1:
                matches = matches & self.preferred
            if len(matches) == 1:
                return next(iter(matches))
            if matches:
                raise self._several(text, matches)
        if kind in ("source", None):
            # a report by the start of its id (without the hash an ingested report's id ends with) or of its title
            key = name_key(text)
            matches = {
                iri
                for iri, label in self.labels.items()
                if kind_of(iri) == "source"
                and key
                and (
                    re.match(re.escape(text.strip()) + r"([-.]|$)", str(iri).rsplit("/", 1)[-1])
                    or f"{name_key(label)} ".startswith(f"{key} ")
                )
            }
            if len(matches) == 1:
                return next(iter(matches))
            if matches:
                raise self._several(text, matches)
        choices = sorted({self.labels[i] for i in self.labels if of_kind([i]) and kind_of(i) not in _UNNAMED})
        near = tuple(match for match, _, _ in process.extract(text, choices, limit=3, score_cutoff=70))
        hint = f"; did you mean: {', '.join(near)}?" if near else ""
        raise UnknownName(f"no {wanted} is called {text!r}{hint}", near)

    def _several(self, text: str, matches: set[URIRef]) -> UnknownName:
        listed = ", ".join(f"{self.labels.get(m, m)} (id {str(m).rsplit('/', 1)[-1]})" for m in sorted(matches))
        return UnknownName(f"{text!r} names several: {listed}; give the id or IRI", matches=tuple(sorted(matches)))
