"""Extraction + resolutions + flags → the triples of the document's named graph.

Every node IRI is a hash of the source id and the node's content, so
ingesting the same file again yields exactly the same triples.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

from rdflib import ORG, PROV, RDF, RDFS, SDO, SKOS, XSD, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS

from ..countries import CountryMatch, normalize
from ..namespaces import BKG, PREFIXES, QUDT_UNIT, iri, source_graph
from ..records import PartialDate
from ..triples import decimal_literal
from .check import About, Flag
from .figures import CURRENCY_CODES
from .model import Extraction, Figure
from .resolve import Resolution
from .text import slug, split_list

__all__ = ["UNITS", "DocumentMeta", "build_graph", "period_text"]

UNITS = {
    "percent": QUDT_UNIT["PERCENT"],
    **{code: QUDT_UNIT[f"CCY_{code}"] for code in CURRENCY_CODES},
    "mAh": QUDT_UNIT["MilliA-HR"],
    "Ah": QUDT_UNIT["A-HR"],
    "Wh": QUDT_UNIT["W-HR"],
    "kWh": QUDT_UNIT["KiloW-HR"],
    "MWh": QUDT_UNIT["MegaW-HR"],
    "GWh": QUDT_UNIT["GigaW-HR"],
    "TWh": QUDT_UNIT["TeraW-HR"],
    "V": QUDT_UNIT["V"],
}
# What a stated relation asserts, as the property it would be in the curated graph.
_RELATIONS = {
    "subsidiary-of": ORG.subOrganizationOf,
    "part-of": ORG.subOrganizationOf,
    "owned-by": SDO.parentOrganization,
    "affiliate-of": BKG.MinorityStake,
    "joint-venture-of": BKG.JointVentureStake,
    "acquired-by": BKG.BusinessAcquiredBy,
    "formerly": BKG.RenamedFrom,
}


@dataclass(frozen=True)
class DocumentMeta:
    """What is known about the document beyond its text: its id, hash, title, publisher, URL, retrieval date."""

    source_id: str
    sha256: str
    title: str | None
    publisher: str | None
    url: str | None
    retrieved: PartialDate | None


def period_text(figure: Figure) -> str | None:
    """The time of a figure as one string: "2030", "2025-2032" or "until 2030".

    >>> period_text(Figure("cagr", 4.5, "percent", "market", "m", "t", period_start=2025, period_end=2032))
    '2025-2032'
    """
    if figure.year is not None:
        return str(figure.year)
    if figure.period_start is not None and figure.period_end is not None:
        return f"{figure.period_start}-{figure.period_end}"
    if figure.period_end is not None:
        return f"until {figure.period_end}"
    if figure.period_start is not None:
        return f"from {figure.period_start}"
    return None


def _date_literal(date: PartialDate) -> Literal:
    datatype = XSD.date if date.day else XSD.gYearMonth if date.month else XSD.gYear
    return Literal(str(date), datatype=datatype)


class _Builder:
    def __init__(self, meta: DocumentMeta, extraction: Extraction, resolutions: Iterable[Resolution]) -> None:
        self.meta = meta
        self.extraction = extraction
        self.resolutions = {(r.kind, r.mention): r for r in resolutions}
        self.graph = Graph(identifier=source_graph(meta.source_id))
        for prefix, namespace in PREFIXES.items():
            self.graph.bind(prefix, namespace)
        self.doc = iri("source", meta.source_id)
        self.mentions: dict[tuple[str, str], URIRef] = {}
        self.figures: dict[int, URIRef] = {}
        self.statements: dict[int, URIRef] = {}

    def mint(self, kind: str, *content: object) -> URIRef:
        digest = hashlib.sha256("\x1f".join([self.meta.source_id, kind, *map(str, content)]).encode()).hexdigest()[:16]
        return iri(kind, f"{self.meta.source_id}.{digest}")

    def add(self, s, p, o) -> None:
        if o is not None:
            self.graph.add((s, p, o if isinstance(o, URIRef | Literal) else Literal(o)))

    def derived(self, node: URIRef, quotes: Iterable[str] = ()) -> None:
        self.add(node, PROV.wasDerivedFrom, self.doc)
        for quote in dict.fromkeys(quotes):
            self.add(node, BKG.quotedText, Literal(quote))

    # -------------------------------------------------------- the document and its market

    def document(self) -> None:
        meta, info = self.meta, self.extraction.document
        title = meta.title or info.title
        for cls in (PROV.Entity, BKG.SourceDocument):
            self.add(self.doc, RDF.type, cls)
        self.add(self.doc, RDFS.label, title)
        self.add(self.doc, DCTERMS.title, title)
        self.add(self.doc, DCTERMS.publisher, meta.publisher or info.publisher)
        self.add(self.doc, DCTERMS.identifier, info.report_id)
        url = meta.url or info.url
        if url:
            self.add(self.doc, DCTERMS.source, URIRef(url))
        if meta.retrieved:
            self.add(self.doc, PROV.generatedAtTime, _date_literal(meta.retrieved))
        self.add(self.doc, BKG.sha256, meta.sha256)
        self.add(self.doc, BKG.namedGraph, self.graph.identifier)
        market = self.extraction.market
        self.market = iri("market", meta.source_id)
        self.add(self.market, RDF.type, BKG.Market)
        self.add(self.market, RDFS.label, market.name or market.product or title or meta.source_id)
        if market.period_start and market.period_end:
            self.add(self.market, BKG.period, f"{market.period_start}-{market.period_end}")
        chemistry = self.resolutions.get(("chemistry", market.product or ""))
        if chemistry and chemistry.status == "resolved":
            self.add(self.market, DCTERMS.subject, chemistry.iri)
        self.add(self.doc, SDO.about, self.market)
        self.derived(self.market)

    # -------------------------------------------------------- mentions and entities

    def mention(self, resolution: Resolution, quotes: Iterable[str] = ()) -> URIRef:
        key = (resolution.kind, resolution.mention)
        if key in self.mentions:
            return self.mentions[key]
        node = self.mint("mention", resolution.kind, resolution.mention)
        self.mentions[key] = node
        self.add(node, RDF.type, BKG.Mention)
        self.add(node, BKG.mentionText, resolution.mention)
        self.add(node, BKG.status, resolution.status)
        self.add(node, BKG.confidence, decimal_literal(resolution.confidence))
        self.add(node, BKG.resolvesTo, resolution.iri)
        self.add(node, BKG.reason, resolution.reason)
        self.derived(node, quotes)
        self.add(self.doc, SDO.mentions, resolution.iri)
        if resolution.id is None:  # a name of this document only: an entity of its own, never merged
            self.add(resolution.iri, RDF.type, BKG.UnresolvedEntity)
            self.add(resolution.iri, RDFS.label, resolution.label or resolution.mention)
            if resolution.label and resolution.label != resolution.mention:
                self.add(resolution.iri, SKOS.altLabel, resolution.mention)  # "Fluence" for "Fluence Energy"
            self.add(resolution.iri, BKG.status, resolution.status)
            self.add(resolution.iri, BKG.reason, resolution.reason)
            self.derived(resolution.iri)
            for candidate in resolution.candidates:
                self.add(resolution.iri, BKG.candidate, iri(resolution.kind, candidate.id))
                self.add(node, BKG.candidate, iri(resolution.kind, candidate.id))
        return node

    def country_mention(self, match: CountryMatch, quote: str) -> URIRef:
        key = ("country", match.mention)
        if key in self.mentions:
            return self.mentions[key]
        node = self.mint("mention", "country", match.mention)
        self.mentions[key] = node
        self.add(node, RDF.type, BKG.Mention)
        self.add(node, BKG.mentionText, match.mention)
        self.add(node, BKG.status, match.status)
        self.add(node, BKG.confidence, decimal_literal(match.confidence))
        self.derived(node, [quote])
        return node

    def companies(self) -> None:
        for company in self.extraction.companies:
            resolution = self.resolutions[("company", company.mention)]
            self.mention(resolution, company.sentences)
        for company in self.extraction.companies:
            subject = self.resolutions[("company", company.mention)].iri
            for relation in company.relations:
                target = self.resolutions[("company", relation.object)].iri
                claim = self.mint("claim", "relation", relation.subject, relation.relation, relation.object)
                asserted = _RELATIONS.get(relation.relation.removeprefix("formerly-"), BKG.RenamedFrom)
                self.relation_claim(claim, subject, asserted, target, relation.text)
                self.add(claim, RDFS.comment, relation.relation)
                if relation.relation.startswith("formerly-"):
                    self.add(claim, BKG.qualifier, "former")
                if relation.share is not None:  # "X, in which Y holds 26 %": the stake, as curated stakes give it
                    self.add(claim, BKG.sharePercent, decimal_literal(relation.share))
            for name, value in company.attributes:
                if name == "headquarters":
                    for code in _countries(value):
                        claim = self.mint("claim", "headquarters", company.mention, code)
                        country = iri("country", code)
                        self.relation_claim(claim, subject, BKG.headquarteredIn, country, f"{company.mention}: {value}")
                elif name == "chemistry":
                    for mention in split_list(value):
                        made = self.resolutions.get(("chemistry", mention))
                        if made is not None and made.status == "resolved":
                            claim = self.mint("claim", "chemistry", company.mention, str(made.id))
                            text = f"{company.mention}: {value}"
                            self.relation_claim(claim, subject, BKG.makesChemistry, made.iri, text)

    def relation_claim(self, claim: URIRef, subject: URIRef, relation: URIRef, obj: URIRef, text: str) -> None:
        self.add(claim, RDF.type, BKG.RelationClaim)
        self.add(claim, BKG.claimSubject, subject)
        self.add(claim, BKG.claimRelation, relation)
        self.add(claim, BKG.claimObject, obj)
        self.derived(claim, [text])

    # -------------------------------------------------------- segments

    def segments(self) -> None:
        scheme = iri("scheme", f"{self.meta.source_id}.segments")
        self.add(scheme, RDF.type, SKOS.ConceptScheme)
        self.add(scheme, RDFS.label, f"Segments of the {self.extraction.market.name or self.meta.source_id}")
        self.add(scheme, DCTERMS.source, self.doc)
        self.segment_nodes: dict[str, URIRef] = {}
        for segment in self.extraction.segments:
            node = iri("segment", f"{self.meta.source_id}.{segment.kind}.{slug(segment.mention)[:60]}")
            self.segment_nodes[segment.mention.casefold()] = node
            self.add(node, RDF.type, SKOS.Concept)
            self.add(node, RDFS.label, segment.mention)
            self.add(node, SKOS.prefLabel, segment.mention)
            self.add(node, SKOS.inScheme, scheme)
            self.add(node, DCTERMS.type, f"{segment.kind} segment")
            self.derived(node)
            if segment.unit is not None:
                self.add(node, RDF.type, BKG.CapacitySegment)
                if segment.min is not None:
                    self.add(node, BKG.minCapacity, decimal_literal(segment.min))
                if segment.max is not None:
                    self.add(node, BKG.maxCapacity, decimal_literal(segment.max))
                self.add(node, BKG.unit, UNITS[segment.unit])
            kind = "application" if segment.kind == "application" else "chemistry"
            resolution = self.resolutions.get((kind, segment.mention))
            if resolution is not None:
                self.mention(resolution)
                if resolution.status == "resolved":
                    self.add(node, DCTERMS.subject, resolution.iri)

    # -------------------------------------------------------- regions as the report groups them

    def regions(self) -> None:
        for listing in self.extraction.regions:
            quote = f"{listing.mention}: {', '.join(listing.items)}" if listing.mention else ", ".join(listing.items)
            region = self.resolutions.get(("region", listing.mention))
            region_iri = region.iri if region else None
            if region is not None:
                self.mention(region, [quote])
            for match in listing.countries:
                node = self.country_mention(match, quote)
                codes = [match.iso2] if match.iso2 else list(match.members)
                for iso2 in codes:
                    self.add(node, BKG.resolvesTo, iri("country", iso2))
                    self.add(self.doc, SDO.mentions, iri("country", iso2))
                    if region_iri is not None:
                        claim = self.mint("claim", "in-region", listing.mention, iso2, match.mention)
                        self.relation_claim(claim, iri("country", iso2), BKG.inRegion, region_iri, quote)
                for candidate in match.candidates:
                    self.add(node, BKG.candidate, iri("country", candidate))

    # -------------------------------------------------------- figures

    def figures_and_statements(self) -> None:
        for index, figure in enumerate(self.extraction.figures):
            claim = self.mint("claim", "figure", figure)
            self.figures[index] = claim
            self.add(claim, RDF.type, BKG.MarketClaim)
            self.add(claim, RDFS.label, f"{figure.metric} {figure.value:,.10g} {figure.unit} ({figure.scope})")
            self.add(claim, BKG.metric, figure.metric)
            self.add(claim, BKG.value, decimal_literal(figure.value))
            self.add(claim, BKG.unit, UNITS.get(figure.unit))
            self.add(claim, BKG.period, period_text(figure))
            self.add(claim, BKG.scope, self.scope(figure))
            self.add(claim, BKG.qualifier, figure.qualifier)
            self.derived(claim, [figure.text])
        for index, statement in enumerate(self.extraction.statements):
            if statement.kind == "equivalence" and statement.object:
                a = self.resolutions.get(("chemistry", statement.subjects[0]))
                b = self.resolutions.get(("chemistry", statement.object))
                if a is not None and b is not None:
                    self.mention(a, [statement.text])
                    self.mention(b, [statement.text])
                    claim = self.mint("claim", "statement", statement)
                    self.relation_claim(claim, a.iri, SKOS.exactMatch, b.iri, statement.text)
                    self.statements[index] = claim

    def scope(self, figure: Figure) -> URIRef:
        if figure.scope_kind == "market":
            return self.market
        company = self.resolutions.get(("company", figure.scope)) if figure.scope_kind == "company" else None
        if company is not None:
            return company.iri
        if figure.scope_kind == "region":
            region = self.resolutions.get(("region", figure.scope))
            if region is not None:
                self.mention(region, [figure.text])
                return region.iri
        if figure.scope_kind == "country":
            found = _countries(figure.scope)
            if found:
                return iri("country", found[0])
        if figure.scope_kind == "segment" and figure.scope.casefold() in self.segment_nodes:
            return self.segment_nodes[figure.scope.casefold()]
        # another market, or a scope no reference entity stands for: a node of this document
        node = iri("market", f"{self.meta.source_id}.{slug(figure.scope)[:60]}")
        self.add(node, RDF.type, BKG.Market)
        self.add(node, RDFS.label, figure.scope)
        self.derived(node, [figure.text])
        return node

    # -------------------------------------------------------- flags

    def flags(self, flags: Iterable[Flag]) -> None:
        for flag in flags:
            node = self.mint("flag", flag.kind, flag.message, *flag.evidence)
            self.add(node, RDF.type, BKG.Flag)
            self.add(node, RDFS.label, flag.kind)
            self.add(node, BKG.flagKind, flag.kind)
            self.add(node, BKG.severity, flag.severity)
            self.add(node, RDFS.comment, flag.message)
            for evidence in flag.evidence:
                self.add(node, BKG.evidence, evidence)
            for about in flag.about:
                self.add(node, BKG.about, self.about(about))
            self.add(node, PROV.wasDerivedFrom, self.doc)

    def about(self, about: About) -> URIRef:
        if about.kind == "figure":
            return self.figures[int(about.key)]
        if about.kind == "statement":
            return self.statements.get(int(about.key), self.doc)
        if about.kind in ("company", "region", "country"):
            return self.mentions.get((about.kind, about.key), self.doc)
        return self.doc


def _countries(text: str) -> list[str]:
    """The ISO 3166 codes of the countries a text names."""
    return [m.iso2 for m in normalize(text) if m.iso2]


def build_graph(
    meta: DocumentMeta, extraction: Extraction, resolutions: Iterable[Resolution], flags: Iterable[Flag]
) -> Graph:
    """The document's named graph (its identifier is ``kg.namespaces.source_graph(meta.source_id)``)."""
    builder = _Builder(meta, extraction, resolutions)
    builder.document()
    builder.companies()
    builder.segments()
    builder.regions()
    builder.figures_and_statements()
    builder.flags(flags)
    return builder.graph
