"""Check a dataset against ``ontology/shapes.ttl`` with pyshacl."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from oxrdflib import OxigraphStore
from rdflib import Dataset, Graph, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.namespace import SH

from .errors import KgError


@dataclass(frozen=True)
class Violation:
    """One SHACL result: the node, the property path and what is wrong."""

    focus: str
    path: str | None
    message: str

    def __str__(self) -> str:
        where = f"{self.focus} {self.path}" if self.path else self.focus
        return f"{where}: {self.message}"


class ShapeError(KgError):
    """The built graph violates the SHACL shapes; nothing was written."""

    def __init__(self, violations: list[Violation]):
        self.violations = violations
        shown = "\n  ".join(str(v) for v in violations[:20])
        more = f"\n  ... and {len(violations) - 20} more" if len(violations) > 20 else ""
        super().__init__(f"the graph violates {len(violations)} SHACL constraint(s):\n  {shown}{more}")


def oxigraph_quads(dataset: Dataset) -> list[ox.Quad]:
    """The quads of an rdflib dataset as pyoxigraph terms (through N-Quads: faster than term by term)."""
    data = dataset.serialize(format="nquads", encoding="utf-8")
    return list(ox.parse(data, format=ox.RdfFormat.N_QUADS))


def union(source: Dataset | list[ox.Quad]) -> Graph:
    """All triples of all graphs in one rdflib graph held by Oxigraph.

    pyshacl runs SPARQL-based constraints through the graph's store: on
    rdflib's memory store the "every fact has a source" join takes minutes,
    on Oxigraph a fraction of a second.
    """
    quads = oxigraph_quads(source) if isinstance(source, Dataset) else source
    store = ox.Store()
    store.extend(ox.Quad(q.subject, q.predicate, q.object) for q in quads)
    # oxrdflib maps an rdflib graph to the Oxigraph graph of the same name: ask for the default one
    return Graph(store=OxigraphStore(store=store), identifier=DATASET_DEFAULT_GRAPH_ID)


def violations(data: Graph, shapes_path: Path) -> list[Violation]:
    """The SHACL violations of ``data`` against the shapes file (empty when it conforms)."""
    from pyshacl import validate  # slow import; only builds and tests need it

    shapes = Graph().parse(shapes_path, format="turtle")
    # inplace: no inference runs, so there is nothing to protect by copying the data into a slow memory graph
    conforms, report, _ = validate(
        data, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=True, inplace=True
    )
    if conforms:
        return []
    if not isinstance(report, Graph):
        raise KgError(f"{shapes_path}: the SHACL shapes cannot be used: {report}")
    found = []
    for result in report.subjects(SH.resultSeverity, SH.Violation):
        path = report.value(result, SH.resultPath)
        found.append(
            Violation(
                focus=str(report.value(result, SH.focusNode)),
                path=str(path) if isinstance(path, URIRef) else None,
                message=str(report.value(result, SH.resultMessage) or "constraint violated"),
            )
        )
    return sorted(found, key=lambda v: (v.focus, v.path or "", v.message))


def check(source: Dataset | list[ox.Quad], shapes_path: Path) -> None:
    """Raise :class:`ShapeError` unless every graph of ``source`` together conforms."""
    found = violations(union(source), shapes_path)
    if found:
        raise ShapeError(found)
