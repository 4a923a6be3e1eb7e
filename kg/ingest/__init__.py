"""Ingest market-research reports: document → extraction → resolutions → flags → named graph.

>>> from pathlib import Path
>>> from kg.loader import load_reference
>>> result = ingest("data/sources/secondary-lithium-metal-batteries-report.html", load_reference(Path("data")))
>>> result.extraction.market.name, len(result.extraction.companies) > 10, len(result.graph) > 100
('Secondary Lithium Metal Batteries Market', True, True)
"""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import urlparse

from rdflib import Graph

from ..countries import all_countries, market_regions
from ..records import PartialDate, ReferenceData, SourceDocument
from .check import Flag, run_checks
from .claims import DocumentMeta, build_graph, period_text
from .document import parse_bytes, read_file
from .extract import extract_document
from .fetch import fetch, is_url
from .model import Extraction
from .resolve import Resolution, Resolver, resolve_extraction
from .text import slug

__all__ = ["IngestResult", "ingest", "source_id_for", "to_json"]


@dataclass(frozen=True)
class IngestResult:
    """Everything one ingested document yields; ``graph`` is its named graph."""

    source_id: str
    path: Path
    sha256: str
    extraction: Extraction
    resolutions: tuple[Resolution, ...]
    flags: tuple[Flag, ...]
    graph: Graph
    warnings: tuple[str, ...]
    content: bytes = field(default=b"", repr=False)  # the document's bytes, as read or downloaded
    url: str | None = None  # where it was downloaded from, for a URL
    retrieved: str | None = None  # the download date (ISO), for a URL
    suffix: str = ""  # the file suffix its format stands for


@functools.lru_cache(maxsize=4)
def _resolver(reference: ReferenceData) -> Resolver:
    """One resolver per reference data set: building its name indexes is the costly part."""
    return Resolver(reference)


def source_id_for(path: Path | str, sha256: str) -> str:
    """The id of a document that is not registered: its file name plus the start of its hash.

    >>> source_id_for("reports/Sodium Ion Battery Market.md", "0123456789abcdef" * 4)
    'sodium-ion-battery-market-01234567'
    >>> source_id_for("https://example.org/reports/zinc-air.html?id=7", "0123456789abcdef" * 4)
    'zinc-air-01234567'
    """
    text = str(path)
    if is_url(text):
        parsed = urlparse(text)
        text = parsed.path.rstrip("/") or parsed.netloc
    return f"{slug(Path(text).stem or 'report')[:60]}-{sha256[:8]}"


def ingest(path: Path | str, reference: ReferenceData, source: SourceDocument | str | None = None) -> IngestResult:
    """Read, extract, resolve and check one report; build its named graph. Changes no file.

    ``path`` is a file or an http(s) URL (fetched with a time, size and
    content-type limit; its retrieval date is kept). ``source`` is the
    registered ``SourceDocument`` (its id, title, publisher, URL and
    retrieval date go into the graph), a source id, or None for an id made
    from the file name and hash. Raises ``IngestError`` only when nothing at
    all can be read; everything else becomes warnings and flags.
    """
    url = retrieved = None
    if isinstance(path, str) and is_url(path):
        fetched = fetch(path)
        url, retrieved, data, suffix = fetched.final_url, fetched.retrieved.isoformat(), fetched.content, fetched.suffix
        document = parse_bytes(data, path, suffix, fetched.content_type)
        name = path
    else:
        path = Path(path)
        data = read_file(path)
        suffix = path.suffix
        document = parse_bytes(data, str(path), suffix)
        name = str(path)
    sha256 = hashlib.sha256(data).hexdigest()
    warnings = list(document.warnings)
    registered = source if isinstance(source, SourceDocument) else None
    if registered is not None:
        source_id = registered.id
        if registered.sha256 and registered.sha256 != sha256:
            warnings.append(f"{name}: SHA-256 {sha256} differs from the registered {registered.sha256}")
    else:
        source_id = source if isinstance(source, str) else source_id_for(name, sha256)
    resolver = _resolver(reference)
    extraction = extract_document(document, resolver.known_names())
    resolutions = resolve_extraction(extraction, resolver, source_id)
    extraction = _residual_candidates(extraction, resolutions, reference)
    flags = run_checks(extraction, resolutions, reference)
    meta = DocumentMeta(
        source_id=source_id,
        sha256=sha256,
        title=registered.title if registered else None,
        publisher=registered.publisher if registered else None,
        url=registered.url if registered else url,
        retrieved=registered.retrieved if registered else (PartialDate.parse(retrieved) if retrieved else None),
    )
    graph = build_graph(meta, extraction, resolutions, flags)
    warnings.extend(w for w in extraction.warnings if w not in warnings)
    return IngestResult(
        source_id, Path(name) if url is None else Path(source_id_for(name, sha256)[:-9] + suffix), sha256, extraction, resolutions,
        flags, graph, tuple(warnings), data, url, retrieved, suffix,
    )  # fmt: skip


def _residual_candidates(
    extraction: Extraction, resolutions: tuple[Resolution, ...], reference: ReferenceData
) -> Extraction:
    """A residual ("Rest of Europe") under a market region gets that region's other countries as candidates.

    It stays a grouping without members: the report does not say which countries it means, so none is added.
    """
    regions = {r.mention: r.id for r in resolutions if r.kind == "region" and r.status == "resolved" and r.id}
    listings = []
    for listing in extraction.regions:
        region_id = regions.get(listing.mention)
        residual = [m for m in listing.countries if m.status == "grouping" and not m.members and not m.candidates]
        if region_id is None or not residual:
            listings.append(listing)
            continue
        listed = {code for m in listing.countries for code in ((m.iso2,) if m.iso2 else m.members)}
        inside = tuple(
            c.iso2
            for c in all_countries()
            if c.iso2 not in listed and region_id in market_regions(c.iso2, reference.regions)
        )
        countries = tuple(replace(m, candidates=inside) if m in residual else m for m in listing.countries)
        listings.append(replace(listing, countries=countries))
    return replace(extraction, regions=tuple(listings))


def to_json(result: IngestResult) -> dict:
    """The extraction, resolutions and flags as plain JSON data (schema: docs/ingest-json.md)."""
    extraction = result.extraction
    by_key = {(r.kind, r.mention): r for r in result.resolutions}

    def entity(kind: str, mention: str) -> dict | None:
        resolution = by_key.get((kind, mention))
        if resolution is None:
            return None
        return {
            "id": resolution.id,
            "label": resolution.label,
            "iri": str(resolution.iri),
            "status": resolution.status,
            "confidence": resolution.confidence,
            "candidates": [{"id": c.id, "label": c.label, "score": c.score} for c in resolution.candidates],
            "reason": resolution.reason,
        }

    countries = []
    for listing in extraction.regions:
        region = by_key.get(("region", listing.mention))
        for match in listing.countries:
            countries.append(
                {
                    "mention": match.mention,
                    "iso2": match.iso2,
                    "name": match.name,
                    "status": match.status,
                    "region": listing.mention or None,
                    "region_id": region.id if region and region.status == "resolved" else None,
                    "m49_subregion": match.m49_subregion,
                    "grouping": match.grouping,
                    "members": list(match.members),
                    "candidates": list(match.candidates),
                    "flags": [{"kind": f.kind, "message": f.message} for f in match.flags],
                }
            )
    document = extraction.document
    return {
        "source": {
            "id": result.source_id,
            "file": str(result.path) if result.url is None else None,
            "fetched_from": result.url,
            "retrieved": result.retrieved,
            "sha256": result.sha256,
            "format": document.format,
            "title": document.title,
            "publisher": document.publisher,
            "report_id": document.report_id,
            "url": document.url,
        },
        "market": {
            "name": extraction.market.name,
            "product": extraction.market.product,
            "period": {"start": extraction.market.period_start, "end": extraction.market.period_end},
            "chemistry": entity("chemistry", extraction.market.product or ""),
        },
        "companies": [
            {
                "mention": c.mention,
                "context": c.context,
                **{k: v for k, v in (entity("company", c.mention) or {}).items()},
                "sentences": list(c.sentences),
                "relations": [
                    {"relation": r.relation, "object": r.object, "text": r.text, "share": r.share} for r in c.relations
                ],
                "attributes": dict(c.attributes),
            }
            for c in extraction.companies
        ],
        "regions": [
            {"mention": r.mention, "items": list(r.items), "resolution": entity("region", r.mention)}
            for r in extraction.regions
        ],
        "countries": countries,
        "segments": [
            {
                "kind": s.kind,
                "mention": s.mention,
                "min": s.min,
                "max": s.max,
                "unit": s.unit,
                "resolution": entity("application" if s.kind == "application" else "chemistry", s.mention),
            }
            for s in extraction.segments
        ],
        "figures": [
            {
                "metric": f.metric,
                "value": f.value,
                "unit": f.unit,
                "period": period_text(f),
                "year": f.year,
                "period_start": f.period_start,
                "period_end": f.period_end,
                "scope": {"kind": f.scope_kind, "text": f.scope},
                "qualifier": f.qualifier,
                "text": f.text,
            }
            for f in extraction.figures
        ],
        "statements": [
            {"kind": s.kind, "subjects": list(s.subjects), "object": s.object, "text": s.text}
            for s in extraction.statements
        ],
        "flags": [
            {
                "kind": f.kind,
                "severity": f.severity,
                "message": f.message,
                "evidence": list(f.evidence),
                "about": [{"kind": a.kind, "key": a.key} for a in f.about],
            }
            for f in result.flags
        ],
        "warnings": list(result.warnings),
        "triples": len(result.graph),
    }
