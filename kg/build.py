"""Build the dataset: reference data + ingested sources + inference, checked by SHACL, written atomically.

``build()`` either writes complete new output files or leaves the previous
ones exactly as they were: every check runs before anything is written, and
each file is written to a temporary name and then renamed over the old one.
"""

from __future__ import annotations

import hashlib
import os
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import Dataset, URIRef

from .errors import DataError, KgError
from .files import publish_together
from .inference import add_broader_transitive, add_control, add_geography, add_memberships
from .loader import load_reference
from .namespaces import CURATED_GRAPH, ID, INFERRED_GRAPH, ONTOLOGY_GRAPH, PREFIXES, RDF, source_graph
from .records import ReferenceData, SourceDocument
from .shacl import check, oxigraph_quads
from .triples import add_reference


def _project_dir() -> Path:
    """The folder holding data/, ontology/ and build/: $KG_DATA's parent, this source tree, or the working directory.

    An installed package (``pip install .``, not editable) carries no data: it works on a clone of the
    project, found through ``KG_DATA`` (the clone's data folder) or as the working directory.
    """
    given = os.environ.get("KG_DATA")
    if given:
        return Path(given).expanduser().resolve().parent
    source = Path(__file__).resolve().parent.parent
    return source if (source / "data").is_dir() else Path.cwd()


PROJECT_DIR = _project_dir()
DATA_DIR = Path(os.environ["KG_DATA"]).expanduser().resolve() if os.environ.get("KG_DATA") else PROJECT_DIR / "data"
ONTOLOGY_DIR = PROJECT_DIR / "ontology"
BUILD_DIR = PROJECT_DIR / "build"
TRIG_NAME = "battery-kg.trig"
TURTLE_NAME = "battery-kg.ttl"


@dataclass(frozen=True)
class BuildReport:
    """What a build produced."""

    trig: Path
    turtle: Path
    triples: int
    graphs: tuple[str, ...]
    entities: dict[str, int]
    sources: tuple[str, ...]
    warnings: tuple[str, ...] = field(default=())
    as_of: str | None = None  # the date data/dataset.yaml says the data is current as of

    def summary(self) -> str:
        """A few lines for people: as-of date, entities by type, triples, sources, warnings."""
        lines = [f"data current as of {self.as_of}"] if self.as_of else []
        lines.append(f"wrote {self.trig} and {self.turtle}: {self.triples} triples in {len(self.graphs)} graphs")
        lines.append("entities: " + ", ".join(f"{n} {kind}" for kind, n in sorted(self.entities.items())))
        lines.append(f"sources: {', '.join(self.sources) or 'none'}")
        lines.append(f"warnings: {len(self.warnings)}")
        lines.extend(f"  {w}" for w in self.warnings)
        return "\n".join(lines)


_RDF_TYPE = str(RDF.type)


@dataclass(frozen=True)
class Assembled:
    """A checked dataset, as rdflib graphs and as Oxigraph quads, before anything is written."""

    dataset: Dataset
    quads: list[ox.Quad]
    reference: ReferenceData
    warnings: tuple[str, ...]


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _check_source(data_dir: Path, document: SourceDocument) -> Path:
    path = data_dir / document.file
    if document.sha256 and sha256_of(path) != document.sha256:
        raise DataError(
            f"{document.file} has changed since it was registered (SHA-256 differs); "
            "re-register it if the change is intended",
            document.location,
        )
    return path


def _ingest_sources(dataset: Dataset, reference: ReferenceData, data_dir: Path) -> list[str]:
    """Ingest every registered document into its own named graph; return the warnings."""
    paths = [_check_source(data_dir, document) for document in reference.sources]
    from .ingest import ingest  # ingest sits beside the reference path; import only when used

    warnings: list[str] = []
    for document, path in zip(reference.sources, paths, strict=True):
        result = ingest(path, reference, source=document)
        graph = dataset.graph(source_graph(result.source_id))
        for triple in result.graph:
            graph.add(triple)
        warnings.extend(f"{document.id}: {w}" for w in result.warnings)
    return warnings


def _entity_counts(quads: list[ox.Quad]) -> dict[str, int]:
    """How many things of each IRI kind (company, chemistry, ...) the quads type."""
    prefix = str(ID)
    typed = {q.subject.value for q in quads if q.predicate.value == _RDF_TYPE and isinstance(q.subject, ox.NamedNode)}
    return dict(Counter(iri[len(prefix) :].split("/", 1)[0] for iri in typed if iri.startswith(prefix)))


def assemble(
    data_dir: Path = DATA_DIR,
    ontology_dir: Path = ONTOLOGY_DIR,
    include_sources: bool = True,
    progress: Callable[[str], None] = lambda step: None,
) -> Assembled:
    """Load, ingest, infer and check; return the result without writing anything."""
    for folder, what in ((Path(data_dir), "data"), (Path(ontology_dir), "ontology")):
        if not folder.is_dir():
            raise KgError(
                f"no {what} folder at {folder}: run kg in a clone of battery-kg, or set KG_DATA to the clone's "
                "data folder (kg build --data also takes one)"
            )
    progress("loading reference data")
    reference = load_reference(data_dir)
    dataset = Dataset()
    dataset.graph(ONTOLOGY_GRAPH).parse(ontology_dir / "battery-kg.ttl", format="turtle")
    add_reference(dataset.graph(CURATED_GRAPH), reference)
    warnings: list[str] = []
    if include_sources and reference.sources:
        progress("ingesting sources")
        warnings += _ingest_sources(dataset, reference, data_dir)
    progress("inferring control periods, geography and concept hierarchies")
    inferred = dataset.graph(INFERRED_GRAPH)
    add_control(inferred, reference.stakes)
    resolved = (org.id for org in reference.organizations if org.status == "resolved")
    add_memberships(inferred, reference.stakes, resolved)
    countries = {o for _, _, o, _ in dataset.quads((None, None, None, None)) if isinstance(o, URIRef)}
    add_geography(inferred, countries, reference.regions)
    add_broader_transitive(inferred, reference.concept_schemes)
    progress("checking SHACL shapes")
    quads = oxigraph_quads(dataset)
    check(quads, ontology_dir / "shapes.ttl")
    return Assembled(dataset, quads, reference, tuple(warnings))


def build(
    data_dir: Path = DATA_DIR,
    out_dir: Path = BUILD_DIR,
    ontology_dir: Path = ONTOLOGY_DIR,
    include_sources: bool = True,
    progress: Callable[[str], None] = lambda step: None,
) -> BuildReport:
    """Build the graph from ``data_dir`` and write TriG and Turtle to ``out_dir``.

    Raises :class:`~kg.errors.KgError` (naming the file, line or field) and
    leaves any previous output untouched when the data or the result is invalid.
    """
    assembled = assemble(Path(data_dir), Path(ontology_dir), include_sources, progress)
    quads, reference = assembled.quads, assembled.reference
    out_dir = Path(out_dir)
    trig, turtle = out_dir / TRIG_NAME, out_dir / TURTLE_NAME
    progress(f"writing {trig} and {turtle}")
    # Sorted, so that the same data always gives the same bytes (diffable, cacheable).
    quads.sort(key=lambda q: (str(q.graph_name), str(q.subject), str(q.predicate), str(q.object)))
    triples = sorted({ox.Triple(q.subject, q.predicate, q.object) for q in quads}, key=str)
    prefixes = {prefix: str(namespace) for prefix, namespace in PREFIXES.items()}
    trig_bytes = ox.serialize(quads, format=ox.RdfFormat.TRIG, prefixes=prefixes) or b""
    turtle_bytes = ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=prefixes) or b""
    publish_together(out_dir, {TRIG_NAME: trig_bytes, TURTLE_NAME: turtle_bytes})
    graphs = tuple(sorted({q.graph_name.value for q in quads if not isinstance(q.graph_name, ox.DefaultGraph)}))
    return BuildReport(
        trig=trig,
        turtle=turtle,
        triples=len(triples),
        graphs=graphs,
        entities=_entity_counts(quads),
        sources=tuple(d.id for d in reference.sources) if include_sources else (),
        warnings=assembled.warnings,
        as_of=str(reference.as_of) if reference.as_of else None,
    )


def stale(trig: Path, data_dir: Path = DATA_DIR, ontology_dir: Path = ONTOLOGY_DIR) -> str | None:
    """One line saying that the built ``trig`` is older than a file under data/ or ontology/; None when current.

    Answers come from the build, so an edit or a ``kg ingest`` since then is not in them yet.
    """
    if not Path(trig).is_file():
        return None
    built = Path(trig).stat().st_mtime
    newer = [
        path
        for folder in (Path(data_dir), Path(ontology_dir))
        if folder.is_dir()
        for path in folder.rglob("*")
        if path.is_file() and path.stat().st_mtime > built
    ]
    if not newer:
        return None
    newest = max(newer, key=lambda path: path.stat().st_mtime)
    more = f" and {len(newer) - 1} more" if len(newer) > 1 else ""
    return f"{trig} is older than {newest}{more}: answers leave out those changes until `kg build`"
