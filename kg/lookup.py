"""Names to IRIs: what a user types for a company, chemistry, region ... and the one thing it stands for.

Labels, aliases, codes and ids are matched by kg.names' NameTable (the one
report ingestion uses too, with the normal form country look-up uses),
company names also without their legal form; here the table is built from a
store, and an unknown name is an error that suggests near matches, a name that
fits several things one that lists them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cached_property
from pathlib import Path

from rdflib import Literal, URIRef

from .catalogue import internal_query, named_query
from .errors import QueryError, UnknownName
from .limits import Limits
from .names import LEGAL_FORMS, NameTable, kind_of, name_key
from .namespaces import PREFIXES
from .store import Store, read_aside
from .terms import iri_problem

__all__ = ["EXAMPLE", "NameIndex", "expand", "kind_of"]

# made-up data for the doctests, shipped with the package (which never reads tests/)
EXAMPLE = Path(__file__).parent / "examples" / "query-graph.trig"


def _name_table(store: Store, containing: str | None = None) -> NameTable:
    # every name in the graph, or those ``containing`` a text: the row limit is for answers people asked for
    everything = Limits(timeout=store.limits.timeout, max_rows=None)
    given = {"text": Literal(containing)} if containing else None
    answer = store.query(named_query("entity-names").text, given, limits=everything)
    # read as the engine's terms (rdflib terms for half a million names cost seconds), and in a fixed
    # order, so that a thing with several labels is always shown by the same one
    rows = answer.native_rows()
    names = sorted((alias.value == "true", name.value, entity.value) for entity, name, alias, _ in rows)  # type: ignore[union-attr]  # bound in every row
    # the sense a name has when it fits several things (internal/preferred-senses.rq)
    preferred = store.query(internal_query("preferred-senses").text, limits=everything).dicts()
    return NameTable(
        ((URIRef(entity), name, alias) for alias, name, entity in names),
        (URIRef(str(row["entity"])) for row in preferred),
    )


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


# up to this many things are looked up one by one (a fraction of a millisecond each); more read the whole table
_ONE_BY_ONE = 2000
# names looked up from the names that share a word with them (one scan of the names each) before a process
# reads every name once instead
_NARROW_LOOKUPS = 3


class NameIndex:
    """Every label, alias and code of the things in a store, for turning names into IRIs.

    Built from the named query ``entity-names``, so it sees exactly what SPARQL sees; the matching is
    kg.names' :class:`~kg.names.NameTable`, the one report ingestion uses too. The table is read on
    first need: an IRI is checked with a question about that IRI alone, and the first few names from
    the names that share their longest word, which on a large store takes milliseconds to a second or
    two against the half minute that reading every name takes (bench/README.md).
    """

    def __init__(self, store: Store):
        self.store = store
        self._narrow_lookups = 0

    @cached_property
    def table(self) -> NameTable:
        return read_aside(lambda: _name_table(self.store))

    @property
    def _read_every_name(self) -> bool:
        return "table" in self.__dict__  # where cached_property keeps the table once read

    @property
    def labels(self) -> dict[URIRef, str]:
        return self.table.labels

    @property
    def iris(self) -> frozenset[URIRef]:
        return self.table.iris

    def label(self, iri: URIRef) -> str | None:
        """The label of one thing of the graph (None for a thing without one, or not of the graph's own).

        >>> from kg.store import open_store
        >>> store = open_store("oxigraph")
        >>> store.load_file(EXAMPLE)
        >>> NameIndex(store).label(expand("id:company/volta-cells"))
        'Volta Cells'
        """
        if self._read_every_name:
            return self.labels.get(iri)
        if kind_of(iri) is None:
            return None  # the table holds the graph's own things only
        rows = self.store.query(internal_query("entity-label").text, {"entity": iri}).rows
        return str(rows[0][1]) if rows else None

    def labels_of(self, terms: Iterable[object]) -> dict[URIRef, str]:
        """The labels of the IRIs among ``terms``, asked one by one while they are few: an answer's things by name.

        >>> from kg.store import open_store
        >>> store = open_store("memory")
        >>> store.load_file(EXAMPLE)
        >>> NameIndex(store).labels_of([expand("id:company/kiwa-electric"), "not an IRI"])
        {rdflib.term.URIRef('https://w3id.org/battery-kg/id/company/kiwa-electric'): 'Kiwa Electric'}
        """
        iris = {term for term in terms if isinstance(term, URIRef)}
        if len(iris) > _ONE_BY_ONE:
            return {iri: self.labels[iri] for iri in iris if iri in self.labels}
        return {iri: label for iri in iris if (label := self.label(iri)) is not None}

    def _narrow(self, text: str, kind: str | None) -> URIRef | None:
        """The one thing ``text`` names exactly among the names that share its longest word, before the table is
        read; None when that does not settle it (no match, several, a word too short), or after a few look-ups,
        when reading every name once is the cheaper way."""
        if self._read_every_name or self._narrow_lookups >= _NARROW_LOOKUPS:
            return None
        words = [word for word in re.findall(r"\w+", text.casefold()) if word not in LEGAL_FORMS]
        longest = max(words, key=len, default="")
        if len(longest) < 3:
            return None
        self._narrow_lookups += 1
        matches = read_aside(lambda: _name_table(self.store, longest)).exact(text, kind)
        return next(iter(matches)) if len(matches) == 1 else None

    def _is_named(self, iri: URIRef) -> bool:
        if self._read_every_name:
            return iri in self.iris
        ask = internal_query("named-entity").text
        return bool(self.store.query(ask, {"entity": iri}).boolean)

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
        iri = expand(text)
        if iri is not None and kind_of(iri) is not None and kind in (None, kind_of(iri)) and self._is_named(iri):
            return iri
        narrow = self._narrow(text, kind) if iri is None else None  # an IRI the graph does not name is no name
        if narrow is not None:
            return narrow
        matches = self.table.exact(text, kind)
        if kind in ("source", None) and not matches:
            # a report by the start of its id (without the hash an ingested report's id ends with) or of its title
            key = name_key(text)
            matches = {
                iri
                for iri, label in self.labels.items()
                if kind_of(iri) == "source"
                and key
                and (
                    re.match(re.escape(text) + r"([-.]|$)", str(iri).rsplit("/", 1)[-1])
                    or f"{name_key(label)} ".startswith(f"{key} ")
                )
            }
        if len(matches) == 1:
            return next(iter(matches))
        if matches:
            listed = ", ".join(f"{self.labels.get(m, m)} (id {str(m).rsplit('/', 1)[-1]})" for m in sorted(matches))
            raise UnknownName(f"{text!r} names several: {listed}; give the id or IRI", matches=tuple(sorted(matches)))
        near = self.table.near(text, kind)
        hint = f"; did you mean: {', '.join(near)}?" if near else ""
        raise UnknownName(f"no {wanted} is called {text!r}{hint}", near)
