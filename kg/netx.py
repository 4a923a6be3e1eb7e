"""The knowledge graph as a networkx ``MultiDiGraph``: entities are nodes, relations are edges.

Nodes are keyed by IRI string and carry ``label``, ``type`` (one of
``NODE_TYPES``), their literal facts as attributes (``aliases``, ``founded``,
``code``, ...) and ``sources``: for each attribute the URLs that state it.
Edges carry ``relation`` (one of ``RELATIONS``) and ``sources``; an ownership
edge (``owns``, owner → owned) is one ``bkg:OwnershipStake`` and also carries
``kind``, ``share``, ``start``, ``end``, ``start_year``, ``end_year`` and
``stake`` (the stake's IRI, which is also its edge key, since a pair of
organisations can have several stakes over time; other edges are keyed by
their relation). Plants and agreements are nodes of their own (types ``plant``
and ``agreement``, with ``plant-status``, ``product``, ``city``,
``agreement-kind``, ``signed``, ... as attributes); an organisation runs a plant
by an ``operates`` edge (keyed by the operation, with its years, like a stake)
and is party to an agreement by a ``party-to`` edge with its ``role``; a plant
is ``located-in`` its country and an agreement ``concerns`` a plant. Joint
ventures are organisations whose ``roles`` include ``joint-venture``.

>>> from kg.namespaces import ID
>>> from kg.store import open_store
>>> store = open_store("memory")
>>> store.load_file(_EXAMPLE)
>>> g = to_networkx(store)
>>> acme = ID["company/acme-cells"]
>>> g.nodes[str(acme)]["label"], g.nodes[str(acme)]["type"], g.nodes[str(acme)]["founded"]
('Acme Cells', 'company', '2001')
>>> sorted(d["relation"] for _, _, d in g.out_edges(str(acme), data=True))
['headquartered-in', 'makes', 'makes', 'serves']
>>> [(g.nodes[u]["label"], d["share"], d["start_year"]) for u, _, d in g.in_edges(str(acme), data=True)
...  if d["relation"] == "owns" and stake_active(d, 2015)]
[('Bolt Holdings', 100.0, 2013)]

It is a plain networkx graph, so its algorithms apply; e.g. the best-connected company:

>>> centrality = nx.degree_centrality(g)
>>> companies = [n for n, t in g.nodes(data="type") if t in ("company", "parent-group")]
>>> g.nodes[max(companies, key=centrality.get)]["label"]
'Acme Cells'
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

import networkx as nx
from rdflib import XSD, Dataset, Graph, Literal, URIRef
from rdflib.term import Node

from .catalogue import internal_query
from .embedded import RdflibStore, for_joins
from .errors import KgError
from .names import NameTable
from .store import Store, read_aside

NODE_TYPES = (
    "company",
    "parent-group",
    "chemistry",
    "application",
    "region",
    "country",
    "source",
    "unresolved",
    "plant",
    "agreement",
)
RELATIONS = (
    "owns",
    "makes",
    "serves",
    "headquartered-in",
    "in-region",
    "broader",
    "mentions",
    "candidate",
    "operates",
    "party-to",
    "located-in",
    "concerns",
)
# shared context rather than industry relations: --focus reaches them but does not go on through them
HUB_TYPES = frozenset({"chemistry", "application", "region", "country", "source"})
# attributes that may hold several values are lists; every other attribute holds one value
MULTI_VALUED = frozenset({"aliases", "same-as", "note", "roles"})

_EXAMPLE = Path(__file__).parent / "examples" / "netx-viz.trig"  # made-up data for the doctests
_INTEGERS = {XSD.integer, XSD.int, XSD.long, XSD.short, XSD.nonNegativeInteger, XSD.positiveInteger}
_REALS = {XSD.decimal, XSD.double, XSD.float}


def to_networkx(source: Store | Dataset | Graph) -> nx.MultiDiGraph:
    """The entities of ``source`` and the relations between them, read over the union of its named graphs.

    ``source`` is a ``kg.store.Store`` or an rdflib ``Dataset``/``Graph`` (left as it is:
    a ``Dataset`` is read through a union view, whatever its ``default_union``).
    Links to things that are not entities (stakes, facts, mentions) are left out.
    """
    return read_aside(lambda: _read_network(source))


def _read_network(source: Store | Dataset | Graph) -> nx.MultiDiGraph:
    store = for_joins(_as_store(source))
    graph = nx.MultiDiGraph()
    _add_entities(graph, _rows(store, "netx-entities"))
    _add_attributes(graph, _rows(store, "netx-attributes"))
    _add_relations(graph, _rows(store, "netx-relations"))
    _add_stakes(graph, _rows(store, "netx-stakes"))
    _add_links(graph, _rows(store, "netx-links"))
    _add_history(graph, _rows(store, "netx-history"))
    graph.graph["tiers"] = {str(row["url"]): str(row["tier"]) for row in _rows(store, "netx-tiers")}
    return graph


def stake_active(edge: dict, year: int) -> bool:
    """Whether an edge holds on 31 December of ``year``: ownership and operation edges by their years, others always.

    >>> stake_active({"relation": "owns", "start_year": 2013, "end_year": None}, 2013)
    True
    >>> stake_active({"relation": "owns", "start_year": 2001, "end_year": 2013}, 2013)
    False
    >>> stake_active({"relation": "makes"}, 1900)
    True
    """
    if edge.get("relation") not in ("owns", "operates"):
        return True
    start, end = edge.get("start_year"), edge.get("end_year")
    return (start is None or start <= year) and (end is None or year < end)


def select(
    graph: nx.MultiDiGraph,
    *,
    focus: str | None = None,
    depth: int = 1,
    types: Iterable[str] | None = None,
    at: int | None = None,
) -> nx.MultiDiGraph:
    """A copy of ``graph`` cut down for viewing.

    ``at`` keeps only the ownership edges active in that year; ``types`` keeps only
    nodes of those types; ``focus`` (a name, alias or IRI) keeps the nodes within
    ``depth`` links of that entity, in either direction, over what the other two left; countries,
    regions, concepts and documents (``HUB_TYPES``) are reached but not passed through, so
    depth 2 from a company does not reach every company in its country.
    The focus entity stays even when its type is not among ``types``.

    >>> from kg.store import open_store
    >>> store = open_store("memory")
    >>> store.load_file(_EXAMPLE)
    >>> g = to_networkx(store)
    >>> small = select(g, focus="Acme", depth=1, types=["parent-group", "chemistry"], at=2010)
    >>> sorted(small.nodes[n]["label"] for n in small)
    ['Acme Cells', 'LFP', 'NMC', 'Volt Group']
    """
    if depth < 0:
        raise KgError(f"depth must be 0 or more, not {depth}")
    chosen = nx.MultiDiGraph()
    chosen.graph.update(graph.graph)
    chosen.add_nodes_from(graph.nodes(data=True))
    chosen.add_edges_from(
        (u, v, key, data)
        for u, v, key, data in graph.edges(keys=True, data=True)
        if at is None or stake_active(data, at)
    )
    center = find_node(graph, focus) if focus is not None else None
    if types is not None:
        wanted = set(types)
        unknown = wanted - set(NODE_TYPES)
        if unknown:
            raise KgError(f"unknown node type(s) {', '.join(sorted(unknown))}; known: {', '.join(NODE_TYPES)}")
        chosen.remove_nodes_from([n for n, t in graph.nodes(data="type") if t not in wanted and n != center])
    if center is not None:
        near = _near(chosen, center, depth)
        chosen.remove_nodes_from([n for n in list(chosen) if n not in near])
    return chosen


def _near(graph: nx.MultiDiGraph, center: str, depth: int) -> set[str]:
    """The nodes within ``depth`` links of ``center``, in either direction, never passing through a hub type."""
    near, frontier = {center}, [center]
    for _ in range(depth):
        reached = []
        for node in frontier:
            if node != center and graph.nodes[node]["type"] in HUB_TYPES:
                continue
            for other in (*graph.successors(node), *graph.predecessors(node)):
                if other not in near:
                    near.add(other)
                    reached.append(other)
        frontier = reached
    return near


def find_node(graph: nx.MultiDiGraph, name: str) -> str:
    """The node whose IRI, label or alias is ``name`` (ignoring case).

    >>> from kg.store import open_store
    >>> store = open_store("memory")
    >>> store.load_file(_EXAMPLE)
    >>> g = to_networkx(store)
    >>> find_node(g, "acme cells inc.")
    'https://w3id.org/battery-kg/id/company/acme-cells'
    >>> find_node(g, "Acme Cels")
    Traceback (most recent call last):
    ...
    kg.errors.KgError: no entity is called 'Acme Cels'; did you mean: Acme Cells?
    """
    if name in graph:
        return name
    # the one resolver (kg.names.NameTable), over the names the network carries
    table = NameTable(
        (URIRef(node), str(known), alias)
        for node, data in graph.nodes(data=True)
        for known, alias in ((data.get("label"), False), *((a, True) for a in data.get("aliases", ())))
        if known
    )
    matches = table.exact(name)
    if len(matches) == 1:
        return str(next(iter(matches)))
    if matches:
        raise KgError(f"{name!r} names several entities: {', '.join(sorted(matches))}; give the IRI")
    near = table.near(name)
    hint = f"; did you mean: {', '.join(near)}?" if near else ""
    raise KgError(f"no entity is called {name!r}{hint}")


def _as_store(source: Store | Dataset | Graph) -> Store:
    if isinstance(source, Store):
        return source
    if isinstance(source, Graph):
        # a view on the same triples, so the caller's default_union is not changed
        return RdflibStore(Dataset(store=source.store, default_union=True))
    raise TypeError(f"to_networkx needs a kg.store.Store or an rdflib Dataset, not {type(source).__name__}")


def _rows(store: Store, name: str) -> list[dict[str, Node | None]]:
    return store.query(internal_query(name).text).dicts()


def _value(term: Node) -> object:
    """A term as a plain Python value; dates stay text, as precise as their source."""
    if isinstance(term, Literal):
        if term.datatype in _INTEGERS:
            return int(term)
        if term.datatype in _REALS:
            return float(term)
        if term.datatype == XSD.boolean:
            return term.toPython()
    return str(term)


def _add_entities(graph: nx.MultiDiGraph, rows: list[dict]) -> None:
    best_type: dict[str, tuple[int, str]] = {}
    best_label: dict[str, tuple] = {}
    for row in rows:
        entity = str(row["entity"])
        ranked_type = (int(row["rank"]), str(row["type"]))
        best_type[entity] = min(best_type.get(entity, ranked_type), ranked_type)
        label = row["label"]
        if label is not None:
            # lowest property rank, then English or untagged, then alphabetical: the same label every run
            english = label.language in (None, "en") if isinstance(label, Literal) else True
            ranked_label = (int(row["labelRank"]), not english, str(label))
            best_label[entity] = min(best_label.get(entity, ranked_label), ranked_label)
    for entity, (_, node_type) in sorted(best_type.items()):
        label = best_label[entity][2] if entity in best_label else entity.rsplit("/", 1)[-1]
        graph.add_node(entity, label=label, type=node_type, sources={})


def _add_attributes(graph: nx.MultiDiGraph, rows: list[dict]) -> None:
    values: dict[tuple[str, str], set] = defaultdict(set)
    sources: dict[tuple[str, str], set[str]] = defaultdict(set)
    for row in rows:
        entity = str(row["entity"])
        if entity not in graph:
            continue
        key = (entity, str(row["attribute"]))
        values[key].add(_value(row["value"]))
        if row["source"] is not None:
            sources[key].add(str(row["source"]))
    for (entity, attribute), found in values.items():
        ordered = sorted(found, key=str)
        # a single-valued attribute with two values is a data error SHACL reports; show the first
        graph.nodes[entity][attribute] = ordered if attribute in MULTI_VALUED else ordered[0]
        if sources[(entity, attribute)]:
            graph.nodes[entity]["sources"][attribute] = sorted(sources[(entity, attribute)])


def _add_relations(graph: nx.MultiDiGraph, rows: list[dict]) -> None:
    sources: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    for row in rows:
        link = (str(row["subject"]), str(row["relation"]), str(row["object"]))
        if link[0] in graph and link[2] in graph:
            urls = sources.setdefault(link, set())  # an unsourced link is still a link
            if row["source"] is not None:
                urls.add(str(row["source"]))
    for (subject, relation, obj), urls in sorted(sources.items()):
        graph.add_edge(subject, obj, key=relation, relation=relation, sources=sorted(urls))


def _add_stakes(graph: nx.MultiDiGraph, rows: list[dict]) -> None:
    stakes: dict[str, dict] = {}
    for row in rows:
        owner, owned = str(row["owner"]), str(row["owned"])
        if owner not in graph or owned not in graph:
            continue
        stake = stakes.setdefault(
            str(row["stake"]),
            {
                "owner": owner,
                "owned": owned,
                "kind": _optional(row["kind"]),
                "share": _optional(row["share"]),
                "start": _optional(row["start"]),
                "end": _optional(row["end"]),
                "start_year": _optional(row["startYear"]),
                "end_year": _optional(row["endYear"]),
                "sources": set(),
            },
        )
        if row["source"] is not None:
            stake["sources"].add(str(row["source"]))
    for iri, stake in sorted(stakes.items()):
        owner, owned = stake.pop("owner"), stake.pop("owned")
        stake["sources"] = sorted(stake["sources"])
        graph.add_edge(owner, owned, key=iri, relation="owns", stake=iri, **stake)


def _add_links(graph: nx.MultiDiGraph, rows: list[dict]) -> None:
    """Plant operations (``operates``, organisation → plant, keyed by the operation, with its years) and
    agreement parties (``party-to``, organisation → agreement, keyed ``party-to:ROLE``, with ``role``)."""
    links: dict[tuple[str, str, str], dict] = {}
    for row in rows:
        start, end = str(row["from"]), str(row["to"])
        if start not in graph or end not in graph:
            continue
        relation = str(row["relation"])
        key = str(row["link"]) if relation == "operates" else f"party-to:{row['role']}"
        link = links.setdefault((start, end, key), {"relation": relation, "sources": set()})
        if relation == "operates":
            link.update(
                operation=key,
                start=_optional(row["start"]),
                end=_optional(row["end"]),
                start_year=_optional(row["startYear"]),
                end_year=_optional(row["endYear"]),
            )
        else:
            link["role"] = str(row["role"])
        if row["source"] is not None:
            link["sources"].add(str(row["source"]))
    for (start, end, key), link in sorted(links.items()):
        link["sources"] = sorted(link["sources"])
        graph.add_edge(start, end, key=key, **link)


def _add_history(graph: nx.MultiDiGraph, rows: list[dict]) -> None:
    """Each entity's ``history``: change events, plant status periods and capacity figures, oldest first.

    A record is a dict with ``kind`` (an event kind such as ``Renamed``, or ``status``, ``capacity``),
    ``side`` (``original`` or ``resulting`` organisation of an event), ``date``, ``year``,
    ``end_year``, ``value``, ``unit``, ``other``, ``note`` and ``sources``.
    """
    records: dict[tuple[str, str], dict] = {}
    for row in rows:
        subject = str(row["subject"])
        if subject not in graph:
            continue
        record = records.setdefault(
            (subject, str(row["record"])),
            {
                "kind": str(row["kind"]),
                "side": _optional(row["side"]),
                "date": _optional(row["date"]),
                "year": _optional(row["year"]),
                "end_year": _optional(row["endYear"]),
                "value": _optional(row["value"]),
                "unit": _optional(row["unit"]),
                "other": _optional(row["other"]),
                "note": _optional(row["note"]),
                "sources": set(),
            },
        )
        if row["source"] is not None:
            record["sources"].add(str(row["source"]))
    for (subject, _), record in sorted(records.items()):
        record["sources"] = sorted(record["sources"])
        graph.nodes[subject].setdefault("history", []).append(record)
    for _, data in graph.nodes(data=True):
        data.get("history", []).sort(key=lambda record: (str(record["date"] or record["year"] or ""), record["kind"]))


def _optional(term: Node | None) -> object:
    return None if term is None else _value(term)
