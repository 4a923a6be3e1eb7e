"""The Python API: ``kg.load()`` gives a ``KnowledgeGraph`` to look things up and walk ownership in time.

Every method runs one of the named queries in ``kg/queries/`` (the same text
``kg query NAME`` runs), so the API and SPARQL give the same answers. Results are
frozen records: an :class:`Entity` is an IRI with its label and type.

>>> import kg
>>> g = kg.load(EXAMPLE)
>>> g.ultimate_parent("Nord Energy", at=2008).label
'Kiwa Electric'
>>> g.ultimate_parent("Nord Energy", at=2010).label
'Hana Corporation'
>>> [(link.depth, link.controller.label) for link in g.parents("Volta Cells", at=2014)]
[(1, 'Volta America'), (2, 'Volta Group')]
>>> g.parents("Volta Cells", at=2012)
[]
>>> [c.label for c in g.companies(chemistry="lithium-ion", country="JP")]
['Hana Corporation', 'Kiwa Electric']
>>> g.entity("Volta Selles")
Traceback (most recent call last):
...
kg.errors.UnknownName: no thing is called 'Volta Selles'; did you mean: Volta Cells?
"""

from __future__ import annotations

import datetime
from collections import namedtuple
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from rdflib import XSD, Graph, Literal, URIRef
from rdflib.term import Node

from .errors import KgError
from .limits import NO_LIMITS, Limits
from .namespaces import SKOS
from .query import (
    EXAMPLE,  # noqa: F401  # the doctests' data
    VALUE_TYPES,
    NameIndex,
    execute,
    internal_query,
    is_query_name,
    kind_of,
    named_queries,
    run,
    short_iri,
)
from .store import QueryResult, Store, open_store

if TYPE_CHECKING:
    import networkx
    import pandas

__all__ = ["ControlLink", "Entity", "EntityRecord", "Fact", "KnowledgeGraph", "Neighbor", "Rows", "load"]


@dataclass(frozen=True)
class Entity:
    """A thing of the graph: its IRI, its label and its type.

    ``type`` is one of ``company``, ``parent-group``, ``chemistry``, ``application``,
    ``region``, ``country``, ``source``, ``unresolved`` (as in the network view), or
    for other things the kind its IRI was minted with (``stake``, ``claim``, ...).
    """

    iri: URIRef
    label: str
    type: str

    def __str__(self) -> str:
        return self.label


@dataclass(frozen=True)
class Fact:
    """One statement about an entity: property, value and the pages that state it."""

    predicate: URIRef
    value: object  # an Entity for things of the graph, an IRI for other resources, a Python value for literals
    sources: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        """The property as a prefixed name, e.g. ``bkg:makesChemistry``."""
        return short_iri(self.predicate)


@dataclass(frozen=True)
class EntityRecord(Entity):
    """An entity with its aliases and everything the graph states about it."""

    aliases: tuple[str, ...] = ()
    facts: tuple[Fact, ...] = ()

    def values(self, predicate: URIRef) -> list[object]:
        """The values of one property, e.g. ``record.values(BKG.makesChemistry)``."""
        return [fact.value for fact in self.facts if fact.predicate == predicate]


@dataclass(frozen=True)
class ControlLink:
    """``controller`` controlled ``controlled`` at ``depth`` (1 = direct parent) from ``from_year`` until ``until_year``.

    ``until_year`` is exclusive and None while the link still holds; ``ultimate`` says
    the controller had no controlling owner itself; ``via`` (subsidiaries only) is the
    controlled company's direct parent.
    """

    controlled: Entity
    controller: Entity
    depth: int
    ultimate: bool
    from_year: int | None
    until_year: int | None
    via: Entity | None = None


@dataclass(frozen=True)
class Neighbor:
    """An entity linked to another one: by ``relation``, pointing ``out`` from it or ``in`` to it."""

    entity: Entity
    relation: URIRef
    direction: str

    @property
    def relation_name(self) -> str:
        return short_iri(self.relation)


def python_value(term: Node | None) -> object:
    """An RDF term as a Python value: IRIs stay IRIs; numbers, booleans and dates convert; a gYear is an int.

    >>> python_value(Literal("2001", datatype=XSD.gYear)), python_value(Literal("50.2", datatype=XSD.decimal))
    (2001, Decimal('50.2'))
    """
    if not isinstance(term, Literal):
        return term
    if term.datatype == XSD.gYear:
        return int(str(term)[:4]) if str(term)[:4].isdigit() else str(term)
    value = term.toPython()
    if isinstance(value, (bool, int, float, Decimal, datetime.date, datetime.datetime)):
        return value
    return str(term)


class Rows(Sequence):
    """The answer to a SELECT query as typed rows (named tuples of Python values).

    >>> g = load(EXAMPLE)
    >>> rows = g.sparql("SELECT ?year WHERE { ?c bkg:fromYear ?year } ORDER BY ?year LIMIT 1")
    >>> rows.vars, rows[0].year
    (('year',), 2001)
    """

    def __init__(self, result: QueryResult):
        self.vars = result.vars
        self._type = namedtuple("Row", result.vars, rename=True)
        self._rows = [self._type(*(python_value(term) for term in row)) for row in result.rows]

    def __getitem__(self, index):
        return self._rows[index]

    def __len__(self) -> int:
        return len(self._rows)

    def __repr__(self) -> str:
        return f"Rows({len(self)} rows: {', '.join(self.vars)})"

    def to_dataframe(self) -> pandas.DataFrame:
        """The rows as a pandas DataFrame, one column per variable (needs pandas)."""
        try:
            import pandas
        except ImportError as error:
            raise KgError("to_dataframe needs pandas: pip install pandas") from error
        return pandas.DataFrame(self._rows, columns=list(self.vars))


def _term(value: object) -> Node:
    """A Python value as an RDF term for binding into free SPARQL text."""
    if isinstance(value, Node):
        return value
    if isinstance(value, Entity):
        return value.iri
    if isinstance(value, (bool, int, float, Decimal, str, datetime.date)):
        return Literal(value)
    raise KgError(
        f"cannot bind {value!r}: give an IRI (rdflib URIRef), an Entity, a number, a boolean, a date or a string"
    )


class KnowledgeGraph:
    """A store holding the battery-kg dataset, with questions as methods.

    Names may be labels, aliases, codes, ids or IRIs; an unknown name raises
    :class:`kg.query.UnknownName` (a ``KgError``) that suggests near matches.
    """

    def __init__(self, store: Store):
        self.store = store
        self._names: NameIndex | None = None
        self._typed: dict[URIRef, Entity] | None = None
        self._network = None

    def __repr__(self) -> str:
        return f"KnowledgeGraph(store={self.store.name!r})"

    def __enter__(self) -> KnowledgeGraph:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self.store.close()

    # ------------------------------------------------------------ plumbing

    @property
    def names(self) -> NameIndex:
        """Every name and alias in the graph (built on first use)."""
        if self._names is None:
            self._names = NameIndex(self.store)
        return self._names

    def _entities(self) -> dict[URIRef, Entity]:
        # the same typing and labelling rules as the network view (kg/queries/internal/netx-entities.rq)
        if self._typed is None:
            best: dict[URIRef, tuple] = {}
            for row in run(self.store, internal_query("netx-entities")).dicts():
                label = row["label"]
                english = label is None or label.language in (None, "en")
                key = (int(row["rank"]), int(row["labelRank"] or 9), not english, str(label or ""), str(row["type"]))
                best[row["entity"]] = min(best.get(row["entity"], key), key)
            self._typed = {iri: Entity(iri, key[3] or _local(iri), key[4]) for iri, key in best.items()}
        return self._typed

    def _entity(self, iri: URIRef, label: Node | None = None) -> Entity:
        known = self._entities().get(iri)
        if known is not None:
            return known
        name = str(label) if label is not None else self.names.labels.get(iri, _local(iri))
        return Entity(iri, name, kind_of(iri) or "thing")

    def _run(self, name: str, **arguments: object) -> QueryResult:
        return run(self.store, name, arguments, names=self._names_if_needed(name, arguments))

    def _names_if_needed(self, name: str, arguments: Mapping[str, object]) -> NameIndex | None:
        # only build the name index when some argument is a name to look up
        query = named_queries()[name]
        needs = any(
            query.parameter(key).type not in VALUE_TYPES and not isinstance(value, URIRef)
            for key, value in arguments.items()
            if value is not None
        )
        return self.names if needs else None

    def resolve(self, name: str | Entity | URIRef, kind: str | None = None) -> URIRef:
        """The IRI a name stands for (``kind``: ``company``, ``chemistry``, ... or None for anything).

        >>> load(EXAMPLE).resolve("Kiwa", "company")
        rdflib.term.URIRef('https://w3id.org/battery-kg/id/company/kiwa-electric')
        """
        if isinstance(name, Entity):
            return name.iri
        return self.names.resolve(name, kind)

    # ------------------------------------------------------------ questions

    def sparql(self, query: str, **bindings: object) -> Rows | bool | Graph:
        """Run a named query (by name, arguments resolved as in ``kg query``) or SPARQL text with bound variables.

        SELECT gives :class:`Rows`, ASK a bool, CONSTRUCT an rdflib ``Graph``. Keyword
        arguments bind variables (``year=2012``, ``company=URIRef(...)`` or an Entity);
        they are never pasted into the text.

        Raises ``kg.errors.QueryError`` (a ``KgError``) for text that does not parse, an
        unknown name or parameter, or a value that is not a valid RDF term (an IRI with a
        space, say), whichever store runs the query; ``kg.errors.Refused`` (a ``QueryError``)
        for a query past the limits given to :func:`load`.

        >>> g = load(EXAMPLE)
        >>> [row.parentLabel for row in g.sparql("parent-chain", company="Nord Energy", year=2010)]
        ['Kiwa Electric', 'Hana Corporation']
        >>> g.sparql("ASK { ?c bkg:fromYear ?y }", y=2009)
        True
        >>> g.sparql("ASK { ?c bkg:fromYear ?y }", c=URIRef("not an iri"))
        Traceback (most recent call last):
        ...
        kg.errors.QueryError: cannot bind ?c to 'not an iri': not a valid IRI (Invalid IRI code point ' ')
        """
        if is_query_name(query):
            result = self._run(query, **bindings)
        else:
            result = execute(self.store, query, {k: _term(v) for k, v in bindings.items()}, origin="query")
        if result.kind == "ASK":
            return bool(result.boolean)
        if result.kind == "GRAPH":
            return result.graph
        return Rows(result)

    def entity(self, name: str | Entity | URIRef) -> EntityRecord:
        """An entity by name, alias, code, id or IRI, with its aliases and facts (and their sources).

        >>> record = load(EXAMPLE).entity("Kiwa")
        >>> record.label, record.type, record.aliases
        ('Kiwa Electric', 'parent-group', ('Kiwa',))
        >>> [(str(f.value), f.sources) for f in record.facts if f.name == "bkg:headquarteredIn"]
        [('Japan', ('https://example.org/kiwa/profile',))]
        """
        iri = self.resolve(name)
        base = self._entity(iri)
        sources: dict[tuple[URIRef, Node], list[str]] = {}
        labels: dict[Node, Node | None] = {}
        for row in self._run("entity-facts", entity=iri).dicts():
            urls = sources.setdefault((row["predicate"], row["object"]), [])
            labels[row["object"]] = row["objectLabel"]
            if row["source"] is not None and str(row["source"]) not in urls:
                urls.append(str(row["source"]))
        facts = []
        for (predicate, obj), urls in sources.items():
            value = self._value(obj, labels[obj])
            facts.append(Fact(predicate, value, tuple(sorted(urls))))
        aliases = tuple(sorted(str(f.value) for f in facts if f.predicate == SKOS.altLabel))
        return EntityRecord(base.iri, base.label, base.type, aliases, tuple(facts))

    def _value(self, term: Node, label: Node | None) -> object:
        if isinstance(term, URIRef) and (kind_of(term) or term in self._entities()):
            return self._entity(term, label)
        return python_value(term)

    def parents(self, name: str | Entity | URIRef, at: int | None = None) -> list[ControlLink]:
        """The controlling owners of a company as of 31 December of ``at`` (default: now), direct parent first."""
        company = self.resolve(name, "company")
        rows = self._run("parent-chain", company=company, year=at).dicts()
        return [self._link(self._entity(company), self._entity(r["parent"], r["parentLabel"]), r) for r in rows]

    def ultimate_parent(self, name: str | Entity | URIRef, at: int | None = None) -> Entity | None:
        """The top of a company's control chain as of 31 December of ``at`` (default: now); None if nobody controls it.

        >>> print(load(EXAMPLE).ultimate_parent("Hana Corporation"))
        None
        """
        company = self.resolve(name, "company")
        rows = self._run("ultimate-parent", company=company, year=at).dicts()
        return self._entity(rows[0]["parent"], rows[0]["parentLabel"]) if rows else None

    def subsidiaries(
        self, name: str | Entity | URIRef, transitive: bool = True, at: int | None = None
    ) -> list[ControlLink]:
        """The companies a group controls as of 31 December of ``at`` (default: now), nearest first.

        >>> [(s.controlled.label, s.depth, s.via.label) for s in load(EXAMPLE).subsidiaries("Hana", at=2010)]
        [('Kiwa Electric', 1, 'Hana Corporation'), ('Nord Energy', 2, 'Kiwa Electric')]
        """
        group = self.resolve(name, "company")
        rows = self._run("subsidiaries", group=group, year=at, transitive=None if transitive else False).dicts()
        controller = self._entity(group)
        links = []
        for r in rows:
            via = self._entity(r["via"], r["viaLabel"]) if r["via"] is not None else None
            links.append(self._link(self._entity(r["subsidiary"], r["subsidiaryLabel"]), controller, r, via))
        return links

    @staticmethod
    def _link(
        controlled: Entity, controller: Entity, row: Mapping[str, Node | None], via: Entity | None = None
    ) -> ControlLink:
        def year(name: str) -> int | None:
            return None if row.get(name) is None else int(row[name])

        ultimate = row["ultimate"].toPython() if "ultimate" in row else False
        return ControlLink(
            controlled, controller, int(row["depth"]), ultimate, year("fromYear"), year("untilYear"), via
        )

    def companies(
        self,
        chemistry: str | Entity | URIRef | None = None,
        application: str | Entity | URIRef | None = None,
        region: str | Entity | URIRef | None = None,
        country: str | Entity | URIRef | None = None,
        at: int | None = None,
    ) -> list[Entity]:
        """Companies by chemistry (narrower ones included), application, headquarters region or country, combined.

        ``at`` keeps the companies that existed on 31 December of that year: founded by
        then, and not yet merged into another, dissolved or renamed into a new identity.

        >>> [c.label for c in load(EXAMPLE).companies(region="europe", chemistry="lithium-metal")]
        ['Kiwa Nord Cells', 'Nord Energy']
        """
        rows = self._run(
            "companies", chemistry=chemistry, application=application, region=region, country=country, year=at
        ).dicts()
        return [self._entity(r["company"], r["label"]) for r in rows]

    def neighbors(self, name: str | Entity | URIRef) -> list[Neighbor]:
        """The entities directly linked to an entity, with the relation and its direction.

        >>> sorted({n.entity.label for n in load(EXAMPLE).neighbors("Nord Energy") if n.entity.type == "parent-group"})
        ['Blue Holdings', 'Kiwa Electric']
        """
        iri = self.resolve(name)
        rows = self._run("neighbors", entity=iri).dicts()
        return [
            Neighbor(self._entity(r["neighbor"], r["neighborLabel"]), r["relation"], str(r["direction"])) for r in rows
        ]

    def to_networkx(self) -> networkx.MultiDiGraph:
        """The graph as a networkx ``MultiDiGraph`` (see :mod:`kg.netx`): nodes keyed by IRI string.

        Ready for networkx algorithms, e.g. ranking companies by how connected they are:

        >>> import networkx as nx
        >>> network = load(EXAMPLE).to_networkx()
        >>> companies = [n for n, t in network.nodes(data="type") if t in ("company", "parent-group")]
        >>> centrality = nx.degree_centrality(network)
        >>> [network.nodes[n]["label"] for n in sorted(companies, key=lambda n: (-centrality[n], n))[:3]]
        ['Kiwa Electric', 'Volta Cells', 'Nord Energy']
        """
        from .netx import to_networkx

        if self._network is None:
            self._network = to_networkx(self.store)
        return self._network

    def shortest_path(self, a: str | Entity | URIRef, b: str | Entity | URIRef) -> list[Entity]:
        """The fewest links from one entity to another, in either direction, over the network view.

        >>> [e.label for e in load(EXAMPLE).shortest_path("Volta Cells", "Volta Group")]
        ['Volta Cells', 'Volta America', 'Volta Group']
        """
        import networkx as nx

        start, end = self.resolve(a), self.resolve(b)
        network = self.to_networkx()
        for iri in (start, end):
            if str(iri) not in network:
                raise KgError(
                    f"{self._entity(iri).label} <{iri}> is not a node of the network view, so no path leads to it"
                )
        try:
            path = nx.shortest_path(network.to_undirected(as_view=True), str(start), str(end))
        except nx.NetworkXNoPath:
            raise KgError(f"no path links {self._entity(start).label} and {self._entity(end).label}") from None
        return [self._entity(URIRef(node)) for node in path]


def _local(iri: URIRef) -> str:
    return str(iri).rstrip("/#").rsplit("/", 1)[-1].rsplit("#", 1)[-1]


def load(path: str | Path | None = None, store: str | Store = "oxigraph", limits: Limits = NO_LIMITS) -> KnowledgeGraph:
    """The knowledge graph in a store: ``path`` (TriG, N-Quads, Turtle) or the built ``build/battery-kg.trig``.

    Without ``path``, a store that already holds data (an on-disk Oxigraph, a remote
    endpoint) is used as it is; otherwise the built graph is loaded, and built first
    with ``kg.build.build()`` when there is none. ``store`` is a spec for
    :func:`kg.store.open_store` (``oxigraph``, ``oxigraph:PATH``, ``memory``, a URL) or a Store.
    ``limits`` (:class:`kg.limits.Limits`: seconds per query, rows per answer) apply to every
    query afterwards; none by default. A query past them raises ``kg.errors.Refused`` (a ``KgError``).

    >>> load(EXAMPLE, store="memory").store.name
    'memory'
    """
    target = store if isinstance(store, Store) else open_store(store)
    if path is None:
        if target.query("ASK { ?s ?p ?o }").boolean:
            target.limits = limits
            return KnowledgeGraph(target)
        from . import build as builder

        path = builder.BUILD_DIR / builder.TRIG_NAME
        if not path.exists():
            builder.build(builder.DATA_DIR, builder.BUILD_DIR)
    path = Path(path)
    if not path.exists():
        raise KgError(f"{path}: no such file (build the graph with `kg build`)")
    target.load_file(path)
    target.limits = limits
    return KnowledgeGraph(target)
