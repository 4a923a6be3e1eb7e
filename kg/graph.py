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
>>> g.entity("Volta Selles")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
kg.errors.UnknownName: no thing is called 'Volta Selles'; did you mean: Volta Cells, ...?
"""

from __future__ import annotations

import dataclasses
import datetime
import re
import warnings
from collections import namedtuple
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rdflib import XSD, Graph, Literal, URIRef
from rdflib.term import Node

from .display import Shown, html_table
from .embedded import for_joins
from .errors import KgError, QueryError
from .limits import NO_LIMITS, Limits
from .namespaces import BKG, SKOS
from .query import (
    EXAMPLE,  # noqa: F401  # the doctests' data
    NameIndex,
    execute,
    internal_query,
    is_query_name,
    kind_of,
    run,
    short_iri,
)
from .store import QueryResult, Store, open_store, read_aside
from .tables import readable

if TYPE_CHECKING:
    import networkx
    import pandas

__all__ = [
    "AgreementRecord",
    "Capacity",
    "CapacityFigure",
    "Change",
    "ControlLink",
    "Entity",
    "EntityRecord",
    "Fact",
    "KnowledgeGraph",
    "Neighbor",
    "PlantCapacity",
    "PlantRecord",
    "Rows",
    "StaleBuild",
    "StatusPeriod",
    "load",
]


@dataclass(frozen=True, repr=False)
class Entity(Shown):
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


@dataclass(frozen=True, repr=False)
class Fact(Shown):
    """One statement about an entity: property, value and the pages that state it."""

    predicate: URIRef
    value: object  # an Entity for things of the graph, an IRI for other resources, a Python value for literals
    sources: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        """The property as a prefixed name, e.g. ``bkg:makesChemistry``."""
        return short_iri(self.predicate)


@dataclass(frozen=True, repr=False)
class EntityRecord(Entity):
    """An entity with its aliases and everything the graph states about it."""

    aliases: tuple[str, ...] = ()
    facts: tuple[Fact, ...] = ()

    def values(self, predicate: URIRef) -> list[object]:
        """The values of one property, e.g. ``record.values(BKG.makesChemistry)``."""
        return [fact.value for fact in self.facts if fact.predicate == predicate]


@dataclass(frozen=True, repr=False)
class ControlLink(Shown):
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


@dataclass(frozen=True, repr=False)
class StatusPeriod(Shown):
    """A plant was in ``status`` from ``since`` until ``until`` (exclusive; None while it still is)."""

    status: str
    since: object  # a date, "YYYY-MM" or a year, as precise as the source
    until: object


@dataclass(frozen=True, repr=False)
class CapacityFigure(Shown):
    """A plant's capacity per year as a source states it, with the date and plant state it refers to."""

    value: Decimal
    unit: str  # GWh (cells) or t (materials)
    as_of: object
    status: str | None


@dataclass(frozen=True, repr=False)
class PlantRecord(Shown):
    """A plant with its operator, site, status history (oldest first) and capacity figures (oldest first)."""

    plant: Entity
    operator: Entity
    country: Entity
    city: str | None
    kind: str  # production | pilot
    product: str
    statuses: tuple[StatusPeriod, ...] = ()
    capacity: tuple[CapacityFigure, ...] = ()

    @property
    def status(self) -> str | None:
        """The latest status."""
        return self.statuses[-1].status if self.statuses else None


@dataclass(frozen=True, repr=False)
class PlantCapacity(Shown):
    """One plant's capacity in a capacity answer: its operator, status and latest figure as of the year asked."""

    plant: Entity
    operator: Entity
    country: Entity
    status: str
    value: Decimal
    unit: str  # GWh or t
    as_of: object


@dataclass(frozen=True, repr=False)
class Capacity(Shown):
    """The plants that answer a capacity question, with totals.

    >>> capacity = load(EXAMPLE).capacity(region="europe", include_planned=True, at=2022)
    >>> capacity.gwh, capacity.by("country")
    (Decimal('25.2'), {'France': Decimal('0.2'), 'Hungary': Decimal('20'), 'Poland': Decimal('5')})
    """

    plants: tuple[PlantCapacity, ...]

    @property
    def gwh(self) -> Decimal:
        """The total cell capacity in GWh per year."""
        return sum((p.value for p in self.plants if p.unit == "GWh"), Decimal(0))

    def by(self, key: str) -> dict[str, Decimal]:
        """GWh per year by ``country``, ``operator`` or ``status`` (label -> total)."""
        if key not in ("country", "operator", "status"):
            raise KgError(f"capacity by {key!r}: choose country, operator or status")
        totals: dict[str, Decimal] = {}
        for p in self.plants:
            if p.unit == "GWh":
                label = str(getattr(p, key))
                totals[label] = totals.get(label, Decimal(0)) + p.value
        return dict(sorted(totals.items()))


@dataclass(frozen=True, repr=False)
class AgreementRecord(Shown):
    """An agreement with its parties and roles, dates, status and, where stated, volume and amount."""

    agreement: Entity
    kind: str  # licence | supply | development | acquisition | joint-venture
    status: str
    parties: tuple[tuple[Entity, str], ...]  # (party, role)
    signed: object = None
    start: object = None
    end: object = None
    volume_gwh: Decimal | None = None
    amount: Decimal | None = None
    currency: str | None = None
    plant: Entity | None = None

    @property
    def title(self) -> str:
        return self.agreement.label

    def role_of(self, party: str) -> str | None:
        """The role of a party given by label or IRI (None when it is not a party)."""
        return next((role for who, role in self.parties if party in (who.label, str(who.iri))), None)


@dataclass(frozen=True, repr=False)
class Change(Shown):
    """A dated change: an event (acquisition, spin-off, rename, bankruptcy, ...) or a stake that started or ended.

    ``original`` went in (the company sold, renamed or gone bankrupt; for a stake, the owner),
    ``resulting`` came out (the buyer, the new company; for a stake, the company owned).
    """

    kind: str
    year: int | None
    date: object
    original: Entity | None
    resulting: Entity | None
    signed: object = None
    bidder: Entity | None = None
    former_name: str | None = None
    stake_kind: str | None = None
    share: Decimal | None = None
    note: str | None = None


@dataclass(frozen=True, repr=False)
class Neighbor(Shown):
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


_HTML_ROWS = 100  # rows a notebook shows of an answer


class Rows(Sequence):
    """The answer to a SELECT query as typed rows (named tuples of Python values).

    >>> g = load(EXAMPLE)
    >>> rows = g.sparql("SELECT ?year WHERE { ?c bkg:fromYear ?year } ORDER BY ?year LIMIT 1")
    >>> rows.vars, rows[0].year
    (('year',), 2001)
    """

    def __init__(self, result: QueryResult):
        self.vars = result.vars
        self._result = result
        self._type = namedtuple("Row", result.vars, rename=True)  # type: ignore[misc]
        self._rows = [self._type(*(python_value(term) for term in row)) for row in result.rows]  # type: ignore[arg-type]

    def __getitem__(self, index):
        return self._rows[index]

    def __len__(self) -> int:
        return len(self._rows)

    def __repr__(self) -> str:
        return f"Rows({len(self)} rows: {', '.join(self.vars)})"

    def _repr_html_(self) -> str:
        """The rows as ``kg query --format table`` shows them: labels, sources gathered, numbers for reading."""
        view = readable(self._result)
        shown = len(view.rows)
        footer = f"{shown} row{'s' if shown != 1 else ''}"
        if shown > _HTML_ROWS:  # a notebook cell is no place for thousands of rows: to_dataframe() has them all
            view = dataclasses.replace(view, rows=view.rows[:_HTML_ROWS])
            footer += f", the first {_HTML_ROWS} shown (to_dataframe() has them all)"
        return html_table(view, footer=footer)

    def to_dataframe(self) -> pandas.DataFrame:
        """The rows as a pandas DataFrame (needs pandas), ready for analysis.

        Each label column comes before the IRI column it names (``parentLabel``, then ``parent``);
        years are nullable integers (``Int64``), shares and other decimals floats, and kinds
        (``bkg:ParentStake``, ...) short names as in :meth:`KnowledgeGraph.to_networkx` (``parent``).

        >>> frame = load(EXAMPLE).sparql("ownership-stakes", company="Kiwa Electric").to_dataframe()
        >>> list(frame.columns[:4]), str(frame["startYear"].dtype), str(frame["share"].dtype)
        (['company', 'year', 'stake', 'ownerLabel'], 'Int64', 'float64')
        >>> sorted(set(frame["kind"]))
        ['joint-venture', 'parent']
        """
        try:
            import pandas
        except ImportError as error:
            raise KgError("to_dataframe needs pandas: pip install pandas") from error
        order: list[str] = []
        for name in self.vars:
            label = f"{name}Label"
            if label in self.vars and label not in order:
                order.append(label)
            if name not in order:
                order.append(name)
        columns = {name: [_frame_value(row[i]) for row in self._rows] for i, name in enumerate(self.vars)}
        frame = pandas.DataFrame({name: columns[name] for name in order}, columns=order)
        for name in order:
            values = [v for v in columns[name] if v is not None]
            if values and all(isinstance(v, int) and not isinstance(v, bool) for v in values):
                frame[name] = frame[name].astype("Int64")
            elif values and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
                frame[name] = frame[name].astype("float64")
        return frame


def _frame_value(value: object) -> object:
    """A value as a DataFrame holds it: decimals as floats, ontology terms (kinds) as short names."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, URIRef) and str(value).startswith(str(BKG)):
        words = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "-", str(value)[len(str(BKG)) :]).lower()
        return words.removesuffix("-stake")
    return value


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
    On rdflib's memory store the questions (the methods, and named queries given to
    :meth:`sparql`) run on its Oxigraph copy (:func:`kg.embedded.for_joins`); SPARQL text
    given to :meth:`sparql` runs on rdflib itself.
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
            self._names = NameIndex(self._answering)
        return self._names

    def _entities(self) -> dict[URIRef, Entity]:
        # the same typing and labelling rules as the network view (kg/queries/internal/netx-entities.rq)
        if self._typed is None:
            best: dict[URIRef, tuple] = {}
            for row in read_aside(lambda: run(self._answering, internal_query("netx-entities")).dicts()):
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

    @property
    def _answering(self) -> Store:
        return for_joins(self.store)

    def _run(self, name: str, **arguments: object) -> QueryResult:
        return run(self._answering, name, arguments, names=self.names)

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

    def entity(self, name: str | Entity | URIRef, tier: str | None = None) -> EntityRecord:
        """An entity by name, alias, code, id or IRI, with its aliases and facts (and their sources).

        ``tier`` (``primary``, ``reference`` or ``press``) keeps only the facts a source of
        that tier states, with those sources.

        >>> record = load(EXAMPLE).entity("Kiwa")
        >>> record.label, record.type, record.aliases
        ('Kiwa Electric', 'parent-group', ('Kiwa',))
        >>> [(str(f.value), f.sources) for f in record.facts if f.name == "bkg:headquarteredIn"]
        [('Japan', ('https://example.org/kiwa/profile',))]
        >>> [(f.name, f.sources) for f in load(EXAMPLE).entity("Volta Cells Springfield plant", tier="primary").facts]
        [('schema:addressLocality', ('https://example.com/volta/ohio',)), ('schema:addressRegion', ('https://example.com/volta/ohio',)), ('schema:latitude', ('https://example.com/volta/ohio',)), ('schema:longitude', ('https://example.com/volta/ohio',)), ('bkg:locatedIn', ('https://example.com/volta/ohio',)), ('bkg:makesChemistry', ('https://example.com/volta/ohio',)), ('bkg:productionStart', ('https://example.com/volta/ohio',))]
        """
        iri = self.resolve(name)
        base = self._entity(iri)
        sources: dict[tuple[URIRef, Node], list[str]] = {}
        labels: dict[Node, Node | None] = {}
        for row in self._run("entity-facts", entity=iri, tier=tier).dicts():
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
    def _link(controlled: Entity, controller: Entity, row: Mapping[str, Any], via: Entity | None = None) -> ControlLink:
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
        role: str | None = None,
        include_controlled: bool = False,
        presence: bool = False,
    ) -> list[Entity]:
        """Companies by chemistry (narrower ones included), application, role, headquarters region or country, combined.

        ``at`` keeps the companies that existed on 31 December of that year: founded by
        then, and not yet merged into another, dissolved or renamed into a new identity;
        chemistries, applications, plants and group membership are then taken as of that year.
        A chemistry belongs to the organisation that makes it: a group is returned for its
        members' chemistries and applications only with ``include_controlled`` (roll-up
        through control and joint ventures). ``presence`` lets a region or country match a
        plant the company runs there, not only its headquarters. ``role`` is a role id
        (``cell-maker``, ``holding``, ``joint-venture``, ...).

        >>> g = load(EXAMPLE)
        >>> [c.label for c in g.companies(region="europe", chemistry="lithium-metal")]
        ['Kiwa Nord Cells', 'Nord Energy']
        >>> [c.label for c in g.companies(chemistry="lfp")], [c.label for c in g.companies(chemistry="lfp", include_controlled=True)]
        (['Volta Cells'], ['Volta America', 'Volta Cells', 'Volta Group'])
        >>> europe = dict(region="europe", chemistry="lithium-ion")
        >>> [c.label for c in g.companies(**europe)], [c.label for c in g.companies(**europe, presence=True)]
        ([], ['Hana Corporation'])
        """
        rows = self._run(
            "companies",
            chemistry=chemistry,
            application=application,
            region=region,
            country=country,
            year=at,
            role=role,
            include_controlled=include_controlled or None,
            presence=presence or None,
        ).dicts()
        return [self._entity(r["company"], r["label"]) for r in rows]

    def plants(
        self, company: str | Entity | URIRef, include_controlled: bool = False, at: int | None = None
    ) -> list[PlantRecord]:
        """The plants a company runs (with ``include_controlled``, its group's too) now or on 31 December of ``at``.

        >>> [(p.plant.label, p.operator.label) for p in load(EXAMPLE).plants("Hana", include_controlled=True)]
        [('Hana Győr cell plant', 'Hana Corporation')]
        >>> [(p.plant.label, p.operator.label) for p in load(EXAMPLE).plants("Hana", include_controlled=True, at=2012)]
        [('Kiwa-Nord solid-state pilot line', 'Kiwa Nord Cells')]
        >>> plant = load(EXAMPLE).plants("Volta Cells")[0]
        >>> [(s.status, str(s.since)) for s in plant.statuses], [(str(c.value), c.unit, c.as_of) for c in plant.capacity]
        ([('announced', '2014-05'), ('under-construction', '2015-03'), ('operating', '2017-06')], [('8', 'GWh', '2014-05'), ('10', 'GWh', '2017-06'), ('16', 'GWh', '2023-02')])
        """
        group = self.resolve(company, "company")
        rows = self._run("plants", company=group, include_controlled=include_controlled or None, year=at).dicts()
        plants: dict[URIRef, dict] = {}
        for r in rows:
            plant = plants.setdefault(
                r["plant"],
                {
                    "plant": self._entity(r["plant"], r["plantLabel"]),
                    "operator": self._entity(r["operator"], r["operatorLabel"]),
                    "country": self._entity(r["country"]),
                    "city": None,
                    "kind": str(r["kind"]),
                    "product": str(r["product"]),
                    "statuses": {},
                    "capacity": {},
                },
            )
            if str(r["rowKind"]) == "plant" and r["city"] is not None:
                plant["city"] = str(r["city"])
            elif str(r["rowKind"]) == "status":
                period = StatusPeriod(str(r["status"]), python_value(r["since"]), python_value(r["until"]))
                plant["statuses"][period] = str(r["since"] or "")
            elif str(r["rowKind"]) == "capacity":
                figure = CapacityFigure(
                    Decimal(str(r["value"])),
                    _UNITS.get(str(r["unit"]), str(r["unit"])),
                    python_value(r["asOf"]),
                    str(r["status"]) if r["status"] is not None else None,
                )
                plant["capacity"][figure] = str(r["asOf"])
        # oldest first; dates of mixed precision sort as text ("2024" before "2024-05")
        return [
            PlantRecord(
                **{key: value for key, value in p.items() if key not in ("statuses", "capacity")},
                statuses=tuple(sorted(p["statuses"], key=p["statuses"].get)),
                capacity=tuple(sorted(p["capacity"], key=p["capacity"].get)),
            )
            for p in plants.values()
        ]

    def capacity(
        self,
        company: str | Entity | URIRef | None = None,
        include_controlled: bool = False,
        country: str | Entity | URIRef | None = None,
        region: str | Entity | URIRef | None = None,
        chemistry: str | Entity | URIRef | None = None,
        at: int | None = None,
        include_planned: bool = False,
    ) -> Capacity:
        """Yearly capacity of plants operating (with ``include_planned``, also announced or under construction).

        Filters combine: by ``company`` (with ``include_controlled``, its group: a joint
        venture's plant counts in full for each partner's group), ``country``, ``region``,
        ``chemistry``; each plant with its status, operator and latest figure as of 31 December
        of ``at`` (default: now). Operating capacity takes only figures stated for the plant in
        operation, so a running plant whose sources give only its plan is counted with planned ones.

        >>> [(p.plant.label, str(p.value)) for p in load(EXAMPLE).capacity(company="Volta Group", include_controlled=True, at=2020).plants]
        [('Volta Cells Springfield plant', '10')]
        >>> load(EXAMPLE).capacity(region="europe").gwh
        Decimal('12.2')
        """
        if include_controlled and company is None:
            # the named query then counts each plant once for every group it rolls up to
            raise QueryError("capacity: include_controlled needs a company")
        rows = self._run(
            "capacity",
            company=company,
            include_controlled=include_controlled or None,
            country=country,
            region=region,
            chemistry=chemistry,
            year=at,
            include_planned=include_planned or None,
        ).dicts()
        return Capacity(
            tuple(
                PlantCapacity(
                    self._entity(r["plant"], r["plantLabel"]),
                    self._entity(r["operator"], r["operatorLabel"]),
                    self._entity(r["location"]),
                    str(r["status"]),
                    Decimal(str(r["value"])),
                    _UNITS.get(str(r["unit"]), str(r["unit"])),
                    python_value(r["asOf"]),
                )
                for r in rows
            )
        )

    def agreements(
        self,
        company: str | Entity | URIRef,
        include_controlled: bool = False,
        kind: str | None = None,
        from_year: int | None = None,
        to_year: int | None = None,
    ) -> list[AgreementRecord]:
        """The agreements a company (with ``include_controlled``, its group) is party to, by kind and year signed.

        >>> [(a.title, a.role_of("Volta Cells")) for a in load(EXAMPLE).agreements("Volta Group", include_controlled=True)]
        [('Kiwa Electric licenses its cell technology to Volta Cells', 'licensee'), ('Hana Corporation supplies cells to Volta Cells from Győr', 'customer')]
        >>> [(a.kind, a.role_of("Kiwa Electric"), str(a.signed)) for a in load(EXAMPLE).agreements("Kiwa", kind="licence")]
        [('licence', 'licensor', '2019-03-14')]
        """
        group = self.resolve(company, "company")
        rows = self._run(
            "agreements",
            company=group,
            include_controlled=include_controlled or None,
            kind=kind,
            from_year=from_year,
            to_year=to_year,
        ).dicts()
        found: dict[URIRef, dict] = {}
        for r in rows:
            agreement = found.setdefault(
                r["agreement"],
                {
                    "agreement": self._entity(r["agreement"], r["title"]),
                    "kind": str(r["agreementKind"]),
                    "status": str(r["status"]),
                    "parties": {},
                    "signed": python_value(r["signed"]),
                    "start": python_value(r["start"]),
                    "end": python_value(r["end"]),
                    "volume_gwh": python_value(r["volumeGWh"]),
                    "amount": python_value(r["amount"]),
                    "currency": str(r["currency"]) if r["currency"] is not None else None,
                    "plant": self._entity(r["plant"]) if r["plant"] is not None else None,
                },
            )
            agreement["parties"][(self._entity(r["party"], r["partyLabel"]), str(r["partyRole"]))] = None
        return [AgreementRecord(**{**a, "parties": tuple(a["parties"])}) for a in found.values()]

    def changes(
        self,
        company: str | Entity | URIRef | None = None,
        include_controlled: bool = False,
        kind: str | None = None,
        from_year: int | None = None,
        to_year: int | None = None,
    ) -> list[Change]:
        """Dated changes (acquisitions, spin-offs, mergers, renames, bankruptcies, asset sales, dissolutions,
        failed bids, stakes taken and ended), oldest first, for a company (with ``include_controlled``, its
        group), of a ``kind``, from and to a year.

        >>> [(c.kind, c.year, c.original.label) for c in load(EXAMPLE).changes("Kiwa Nord Cells")]
        [('stake-start', 2010, 'Kiwa Electric'), ('stake-start', 2010, 'Nord Energy'), ('dissolved', 2018, 'Kiwa Nord Cells'), ('stake-end', 2018, 'Kiwa Electric'), ('stake-end', 2018, 'Nord Energy')]
        """
        rows = self._run(
            "events",
            company=company,
            include_controlled=include_controlled or None,
            kind=kind,
            from_year=from_year,
            to_year=to_year,
        ).dicts()

        def entity(key: str) -> Entity | None:
            return self._entity(r[key], r.get(f"{key}Label")) if r[key] is not None else None

        changes = []
        for r in rows:
            changes.append(
                Change(
                    kind=str(r["eventKind"]),
                    year=int(r["year"]) if r["year"] is not None else None,
                    date=python_value(r["date"]),
                    original=entity("original"),
                    resulting=entity("resulting"),
                    signed=python_value(r["signed"]),
                    bidder=entity("bidder"),
                    former_name=str(r["formerName"]) if r["formerName"] is not None else None,
                    stake_kind=str(r["stakeKind"]) if r["stakeKind"] is not None else None,
                    share=python_value(r["share"]),  # type: ignore[arg-type]
                    note=str(r["note"]) if r["note"] is not None else None,
                )
            )
        return changes

    def facts(self, tier: str | None = None, property: str | URIRef | None = None) -> Rows:
        """Curated facts with each source and its tier, filtered by ``tier`` and ``property``, ended ones included.

        >>> rows = load(EXAMPLE).facts(tier="primary", property="bkg:makesChemistry")
        >>> [(r.subjectLabel, r.objectLabel) for r in rows]
        [('Volta Cells Springfield plant', 'Lithium iron phosphate (LFP)')]
        """
        return Rows(self._run("facts", tier=tier, property=property))

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

    def to_networkx(self, at: int | None = None, types: Sequence[str] | None = None) -> networkx.MultiDiGraph:
        """The graph as a networkx ``MultiDiGraph`` (see :mod:`kg.netx`): nodes keyed by IRI string.

        ``at`` keeps the ownership edges that held on 31 December of that year, ``types`` the
        nodes of those types (``company``, ``parent-group``, ``chemistry`` ...), as ``kg viz`` does.
        Ready for networkx algorithms, e.g. ranking companies by how connected they are:

        >>> import networkx as nx
        >>> network = load(EXAMPLE).to_networkx()
        >>> companies = [n for n, t in network.nodes(data="type") if t in ("company", "parent-group")]
        >>> centrality = nx.degree_centrality(network)
        >>> [network.nodes[n]["label"] for n in sorted(companies, key=lambda n: (-centrality[n], n))[:3]]
        ['Volta Cells', 'Kiwa Electric', 'Nord Energy']
        >>> owners = load(EXAMPLE).to_networkx(at=2012, types=["company", "parent-group"])
        >>> sorted(owners.nodes[u]["label"] for u, v, r in owners.edges(data="relation") if r == "owns"
        ...        and owners.nodes[v]["label"] == "Nord Energy")
        ['Kiwa Electric']
        """
        from .netx import select, to_networkx

        if self._network is None:
            self._network = to_networkx(self.store)
        if at is None and types is None:
            return self._network
        return select(self._network, at=at, types=types)

    def shortest_path(self, a: str | Entity | URIRef, b: str | Entity | URIRef, reports: bool = False) -> list[Entity]:
        """The fewest industry links from one entity to another, in either direction.

        Industry links are ownership stakes, agreements, plant operation, lineage and chemistries
        made (internal/industry-links.rq); a shared chemistry counts as three links, so business
        ties win over it. A market report that names both is a path only with ``reports=True``.

        >>> [e.label for e in load(EXAMPLE).shortest_path("Volta Cells", "Volta Group")]
        ['Volta Cells', 'Volta America', 'Volta Group']
        """
        import networkx as nx

        start, end = self.resolve(a), self.resolve(b)
        links = nx.Graph()
        for row in read_aside(lambda: run(self._answering, internal_query("industry-links")).dicts()):
            if reports or str(row["relation"]) != "mentions":
                weight = 3 if str(row["relation"]) == "makes" else 1
                links.add_edge(str(row["a"]), str(row["b"]), relation=str(row["relation"]), weight=weight)
        for iri in (start, end):
            if str(iri) not in links:
                raise KgError(
                    f"no path links {self._entity(start).label} and {self._entity(end).label}: "
                    f"{self._entity(iri).label} has no ownership, agreement, plant, lineage or chemistry link"
                )
        try:
            path = nx.shortest_path(links, str(start), str(end), weight="weight")
        except nx.NetworkXNoPath:
            raise KgError(f"no path links {self._entity(start).label} and {self._entity(end).label}") from None
        return [self._entity(URIRef(node)) for node in path]


_UNITS = {"http://qudt.org/vocab/unit/GigaW-HR": "GWh", "http://qudt.org/vocab/unit/TONNE": "t"}


class StaleBuild(UserWarning):
    """The built graph is older than data/ or ontology/: answers leave out the changes until ``kg build``."""


def _local(iri: URIRef) -> str:
    return str(iri).rstrip("/#").rsplit("/", 1)[-1].rsplit("#", 1)[-1]


def load(path: str | Path | None = None, store: str | Store = "oxigraph", limits: Limits = NO_LIMITS) -> KnowledgeGraph:
    """The knowledge graph in a store: ``path`` (TriG, N-Quads, Turtle) or the built ``build/battery-kg.trig``.

    Without ``path``, a store that already holds data (an on-disk Oxigraph, a remote
    endpoint) is used as it is; otherwise the built graph is loaded, and built first
    with ``kg.build.build()`` when there is none; a build older than data/ is used as it is, with a
    :class:`StaleBuild` warning that says so (run ``kg build``). ``store`` is a spec for
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
        elif message := builder.stale(path, builder.DATA_DIR, builder.ONTOLOGY_DIR):
            warnings.warn(message, StaleBuild, stacklevel=2)
    path = Path(path)
    if not path.exists():
        raise KgError(f"{path}: no such file (build the graph with `kg build`)")
    target.load_file(path)
    target.limits = limits
    return KnowledgeGraph(target)
