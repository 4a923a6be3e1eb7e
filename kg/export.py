"""The graph for the tools analysts already use: GraphML (Gephi, yEd), JSON-LD, and CSV tables.

GraphML and CSV are written from the networkx view (kg.netx), so they hold
what the network page shows: entities with their attributes, and relations
(ownership stakes with kind, share and years; plant operation; agreement
parties). JSON-LD is the whole dataset, every named graph, as RDF.

>>> import csv, tempfile
>>> from kg.netx import to_networkx
>>> from kg.store import open_store
>>> store = open_store("oxigraph")
>>> store.load_file(EXAMPLE)
>>> folder = Path(tempfile.mkdtemp())
>>> written = write_csv(to_networkx(store), folder)
>>> [path.name for path in written]
['entities.csv', 'stakes.csv', 'plants.csv', 'agreements.csv']
>>> stakes = list(csv.DictReader((folder / "stakes.csv").open(encoding="utf-8")))
>>> sorted((s["owner_label"], s["kind"], s["share"]) for s in stakes if s["owned_label"] == "Nord Energy")
[('Blue Holdings', 'parent', '100.0'), ('Kiwa Electric', 'parent', '100.0')]
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Literal

import networkx as nx

from .files import write_atomically
from .lookup import EXAMPLE
from .store import Store

__all__ = ["EXAMPLE", "FORMATS", "ExportFormat", "write_csv", "write_graphml", "write_jsonld"]

ExportFormat = Literal["graphml", "jsonld", "csv"]
FORMATS: tuple[ExportFormat, ...] = ("graphml", "jsonld", "csv")

# one column list per table; a cell holding several values joins them with "; "
ENTITY_COLUMNS = ("iri", "label", "type", "aliases", "roles", "founded", "country", "city", "sources")
STAKE_COLUMNS = (
    "stake",
    "owner",
    "owner_label",
    "owned",
    "owned_label",
    "kind",
    "share",
    "start",
    "end",
    "start_year",
    "end_year",
    "sources",
)
PLANT_COLUMNS = (
    "iri",
    "label",
    "country",
    "city",
    "status",
    "kind",
    "product",
    "production_start",
    "operators",
    "sources",
)
AGREEMENT_COLUMNS = ("iri", "title", "kind", "status", "signed", "parties", "sources")


def _joined(values: Iterable[object]) -> str:
    return "; ".join(str(value) for value in values if value not in (None, ""))


def _scalar(value: object) -> str | int | float | bool | None:
    """An attribute value as GraphML holds it: lists joined, mappings as JSON, None left out."""
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, (list, tuple, set)) and all(isinstance(v, (str, int, float)) for v in value):
        return _joined(value)
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def write_graphml(graph: nx.MultiDiGraph, path: Path) -> Path:
    """``graph`` as GraphML: every node and edge with its attributes (several values joined with "; ",
    structured ones such as ``sources`` and ``history`` as JSON text), readable by networkx, Gephi and yEd."""
    plain = nx.MultiDiGraph()
    for node, data in graph.nodes(data=True):
        plain.add_node(node, **{k: v for k, v in ((k, _scalar(v)) for k, v in data.items()) if v is not None})
    for start, end, key, data in graph.edges(keys=True, data=True):
        attributes = {k: v for k, v in ((k, _scalar(v)) for k, v in data.items()) if v is not None}
        plain.add_edge(start, end, key=str(key), **attributes)
    buffer = io.BytesIO()
    nx.write_graphml(plain, buffer, encoding="utf-8")
    write_atomically(Path(path), buffer.getvalue())
    return Path(path)


def write_jsonld(store: Store, path: Path) -> Path:
    """Every quad of ``store`` as JSON-LD (named graphs kept), with the project prefixes as its context."""
    import pyoxigraph as ox

    from .namespaces import PREFIXES
    from .terms import to_ox

    quads = [
        ox.Quad(to_ox(s), to_ox(p), to_ox(o), ox.DefaultGraph() if g is None else to_ox(g))  # type: ignore[arg-type]
        for s, p, o, g in store.quads()
    ]
    prefixes = {prefix: str(namespace) for prefix, namespace in PREFIXES.items()}
    data = ox.serialize(quads, format=ox.RdfFormat.JSON_LD, prefixes=prefixes) or b""
    write_atomically(Path(path), data)
    return Path(path)


def _label(graph: nx.MultiDiGraph, node: str) -> str:
    return str(graph.nodes[node].get("label", node))


def _sources(data: dict) -> list[str]:
    found = data.get("sources") or []
    if isinstance(found, dict):
        return sorted({url for urls in found.values() for url in urls})
    return sorted(found)


def _table(columns: tuple[str, ...], rows: list[dict[str, object]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({column: "" if row.get(column) is None else row[column] for column in columns})
    return buffer.getvalue().encode("utf-8")


def write_csv(graph: nx.MultiDiGraph, folder: Path) -> list[Path]:
    """Four tables in ``folder``: entities, ownership stakes, plants and agreements (one row each).

    Stakes carry owner and owned by IRI and label, kind, share, dates and sources; plants their
    country, current status and operators over time; agreements their kind, status and parties
    with their roles.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)

    def linked(node: str, relation: str, incoming: bool = False) -> list[tuple[str, dict]]:
        edges = graph.in_edges(node, data=True) if incoming else graph.out_edges(node, data=True)
        return [(u if incoming else v, d) for u, v, d in edges if d.get("relation") == relation]

    entities, stakes, plants, agreements = [], [], [], []
    for node, data in sorted(graph.nodes(data=True)):
        kind = data.get("type")
        if kind == "plant":
            operators = [
                f"{_label(graph, op)} ({d.get('start_year') or '?'}-{d.get('end_year') or ''})"
                for op, d in linked(node, "operates", incoming=True)
            ]
            plants.append(
                {
                    "iri": node,
                    "label": data.get("label"),
                    "country": _joined(_label(graph, c) for c, _ in linked(node, "located-in")),
                    "city": data.get("city"),
                    "status": data.get("plant-status"),
                    "kind": data.get("plant-kind"),
                    "product": data.get("product"),
                    "production_start": data.get("production-start"),
                    "operators": _joined(sorted(operators)),
                    "sources": _joined(_sources(data)),
                }
            )
        elif kind == "agreement":
            parties = [f"{_label(graph, p)} ({d.get('role')})" for p, d in linked(node, "party-to", incoming=True)]
            agreements.append(
                {
                    "iri": node,
                    "title": data.get("label"),
                    "kind": data.get("agreement-kind"),
                    "status": data.get("agreement-status"),
                    "signed": data.get("signed"),
                    "parties": _joined(sorted(parties)),
                    "sources": _joined(_sources(data)),
                }
            )
        else:
            entities.append(
                {
                    "iri": node,
                    "label": data.get("label"),
                    "type": kind,
                    "aliases": _joined(data.get("aliases") or ()),
                    "roles": _joined(data.get("roles") or ()),
                    "founded": data.get("founded"),
                    "country": _joined(_label(graph, c) for c, _ in linked(node, "headquartered-in")),
                    "city": data.get("city"),
                    "sources": _joined(_sources(data)),
                }
            )
    for owner, owned, data in graph.edges(data=True):
        if data.get("relation") == "owns":
            stakes.append(
                {
                    "stake": data.get("stake"),
                    "owner": owner,
                    "owner_label": _label(graph, owner),
                    "owned": owned,
                    "owned_label": _label(graph, owned),
                    **{key: data.get(key) for key in ("kind", "share", "start", "end", "start_year", "end_year")},
                    "sources": _joined(_sources(data)),
                }
            )
    stakes.sort(key=lambda row: str(row["stake"]))
    written = []
    for name, columns, rows in (
        ("entities.csv", ENTITY_COLUMNS, entities),
        ("stakes.csv", STAKE_COLUMNS, stakes),
        ("plants.csv", PLANT_COLUMNS, plants),
        ("agreements.csv", AGREEMENT_COLUMNS, agreements),
    ):
        write_atomically(folder / name, _table(columns, rows))
        written.append(folder / name)
    return written
