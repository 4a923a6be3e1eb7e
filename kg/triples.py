"""Turn reference records into RDF: the curated graph of the dataset.

Each curated fact is asserted as a plain triple and, beside it, described by a
``bkg:SourcedFact`` node that names the page stating it, so that "where does
this come from?" is one query away.

>>> from rdflib import Dataset
>>> from kg.records import Organization, Sourced
>>> ds = Dataset()
>>> org = Organization("acme", "Acme", headquarters=Sourced("US", ("https://example.org/acme",)))
>>> graph = add_organizations(ds.graph(CURATED_GRAPH), (org,))
>>> (iri("company", "acme"), BKG.headquarteredIn, iri("country", "US")) in graph
True
"""

from __future__ import annotations

import hashlib
from decimal import Decimal
from collections.abc import Iterable

from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from .namespaces import BKG, CURATED_GRAPH, DCTERMS, ORG, RDF, RDFS, SDO, SKOS, WD, XSD, iri
from .records import Concept, LineageEvent, Organization, PartialDate, ReferenceData, Stake

__all__ = ["CURATED_GRAPH", "add_reference", "add_organizations", "date_literal"]

_STAKE_KINDS = {"parent": BKG.ParentStake, "minority": BKG.MinorityStake, "joint-venture": BKG.JointVentureStake}
_CHANGE_KINDS = {
    "spun-off-from": BKG.SpunOffFrom,
    "acquired-by": BKG.AcquiredBy,
    "business-acquired-by": BKG.BusinessAcquiredBy,
    "assets-sold-to": BKG.AssetsSoldTo,
    "merged-into": BKG.MergedInto,
    "renamed-from": BKG.RenamedFrom,
    "bankruptcy": BKG.Bankruptcy,
    "dissolved": BKG.Dissolved,
    "bid-failed": BKG.BidFailed,
}
# For these kinds the record's subject is what came out of the change, not what went in.
_SUBJECT_RESULTS = {"spun-off-from", "renamed-from"}
_SCHEME_CLASSES = {
    "chemistries": BKG.BatteryChemistry,
    "applications": BKG.Application,
    "regions": BKG.MarketRegion,
    "m49": BKG.M49Area,
}
_SCHEME_KINDS = {"chemistries": "chemistry", "applications": "application", "regions": "region", "m49": "region"}


def concept_iri(scheme: str, concept_id: str) -> URIRef:
    """The IRI of a concept; M49 areas share the region namespace as ``m49-CODE``.

    >>> concept_iri("m49", "030")
    rdflib.term.URIRef('https://w3id.org/battery-kg/id/region/m49-030')
    """
    return iri(_SCHEME_KINDS[scheme], f"m49-{concept_id}" if scheme == "m49" else concept_id)


def date_literal(value: PartialDate) -> Literal:
    """A date typed as precisely as it is known.

    >>> date_literal(PartialDate(2013, 1)).datatype == XSD.gYearMonth
    True
    """
    if value.day is not None:
        return Literal(str(value), datatype=XSD.date)
    if value.month is not None:
        return Literal(str(value), datatype=XSD.gYearMonth)
    return Literal(str(value), datatype=XSD.gYear)


def decimal_literal(value: float) -> Literal:
    """An ``xsd:decimal`` in canonical form, so every parser and serialiser keeps it as it is.

    >>> decimal_literal(100.0), decimal_literal(1e-07)
    (rdflib.term.Literal('100.0', datatype=rdflib.term.URIRef('http://www.w3.org/2001/XMLSchema#decimal')), rdflib.term.Literal('0.0000001', datatype=rdflib.term.URIRef('http://www.w3.org/2001/XMLSchema#decimal')))
    """
    text = format(Decimal(repr(value)), "f")
    return Literal(text if "." in text else f"{text}.0", datatype=XSD.decimal)


def _fact(graph: Graph, s: Node, p: URIRef, o: Node, sources: Iterable[str]) -> None:
    """Assert (s, p, o) and record the pages that state it."""
    graph.add((s, p, o))
    digest = hashlib.sha1(f"{s} {p} {o.n3()}".encode()).hexdigest()[:16]
    node = iri("fact", digest)
    graph.add((node, RDF.type, BKG.SourcedFact))
    graph.add((node, RDF.subject, s))
    graph.add((node, RDF.predicate, p))
    graph.add((node, RDF.object, o))
    for url in sources:
        graph.add((node, DCTERMS.source, URIRef(url)))


def _labels(graph: Graph, node: URIRef, label: str, aliases: Iterable[str]) -> None:
    graph.add((node, RDFS.label, Literal(label)))
    for alias in aliases:
        graph.add((node, SKOS.altLabel, Literal(alias)))


def _stake(graph: Graph, stake: Stake, index: int) -> None:
    start = str(stake.start) if stake.start else "unknown"
    node = iri("stake", f"{stake.owner}--{stake.owned}--{start}" + (f"--{index}" if index else ""))
    graph.add((node, RDF.type, BKG.OwnershipStake))
    graph.add((node, RDFS.label, Literal(f"{stake.owner} {stake.kind} stake in {stake.owned} from {start}")))
    graph.add((node, BKG.owner, iri("company", stake.owner)))
    graph.add((node, BKG.owned, iri("company", stake.owned)))
    graph.add((node, BKG.stakeKind, _STAKE_KINDS[stake.kind]))
    graph.add((node, BKG.controlling, Literal(stake.controlling)))
    if stake.share is not None:
        graph.add((node, BKG.sharePercent, decimal_literal(stake.share)))
    if stake.start:
        graph.add((node, SDO.startDate, date_literal(stake.start)))
        graph.add((node, BKG.startYear, Literal(stake.start.year)))
    if stake.end:
        graph.add((node, SDO.endDate, date_literal(stake.end)))
        graph.add((node, BKG.endYear, Literal(stake.end.year)))
    if stake.note:
        graph.add((node, RDFS.comment, Literal(stake.note)))
    for url in stake.sources:
        graph.add((node, DCTERMS.source, URIRef(url)))


def _event(graph: Graph, event: LineageEvent) -> None:
    when = str(event.date) if event.date else "undated"
    node = iri("event", f"{event.subject}--{event.kind}--{when}")
    subject, other = iri("company", event.subject), iri("company", event.other) if event.other else None
    original, resulting = (other, subject) if event.kind in _SUBJECT_RESULTS else (subject, other)
    graph.add((node, RDF.type, ORG.ChangeEvent))
    graph.add(
        (node, RDFS.label, Literal(f"{event.subject} {event.kind} {event.other or ''} {when}".replace("  ", " ")))
    )
    graph.add((node, BKG.changeKind, _CHANGE_KINDS[event.kind]))
    if original is not None:
        graph.add((node, ORG.originalOrganization, original))
    if resulting is not None:
        graph.add((node, ORG.resultingOrganization, resulting))
    if event.date:
        graph.add((node, DCTERMS.date, date_literal(event.date)))
    if event.note:
        graph.add((node, RDFS.comment, Literal(event.note)))
    for url in event.sources:
        graph.add((node, DCTERMS.source, URIRef(url)))


def add_organizations(graph: Graph, organizations: Iterable[Organization]) -> Graph:
    """Add organisations, their sourced facts, stakes and lineage events to ``graph``."""
    for org in organizations:
        node = iri("company", org.id)
        _labels(graph, node, org.name, org.aliases)
        graph.add((node, SDO.name, Literal(org.name)))
        if org.note:
            graph.add((node, RDFS.comment, Literal(org.note)))
        if org.status == "unresolved":
            graph.add((node, RDF.type, BKG.UnresolvedEntity))
            graph.add((node, BKG.status, Literal("unresolved")))
            graph.add((node, BKG.reason, Literal(org.reason)))
            for candidate in org.candidates:
                graph.add((node, BKG.candidate, Literal(candidate)))
            continue
        graph.add((node, RDF.type, SDO.Organization))
        graph.add((node, RDF.type, ORG.FormalOrganization))
        if org.headquarters:
            _fact(graph, node, BKG.headquarteredIn, iri("country", org.headquarters.value), org.headquarters.sources)
        if org.founded:
            _fact(
                graph, node, SDO.foundingDate, Literal(str(org.founded.value), datatype=XSD.gYear), org.founded.sources
            )
        if org.wikidata:
            _fact(graph, node, SDO.sameAs, WD[org.wikidata.value], org.wikidata.sources)
        for fact in org.chemistries:
            _fact(graph, node, BKG.makesChemistry, iri("chemistry", fact.value), fact.sources)
        for fact in org.applications:
            _fact(graph, node, BKG.servesApplication, iri("application", fact.value), fact.sources)
        seen: dict[str, int] = {}
        for stake in org.owners:
            key = f"{stake.owner}{stake.start}"
            seen[key] = seen.get(key, -1) + 1
            _stake(graph, stake, seen[key])
        for event in org.events:
            _event(graph, event)
    return graph


def _concepts(graph: Graph, scheme: str, concepts: Iterable[Concept]) -> None:
    scheme_node = iri("scheme", scheme)
    graph.add((scheme_node, RDF.type, SKOS.ConceptScheme))
    graph.add((scheme_node, RDFS.label, Literal(scheme.replace("-", " ").capitalize())))
    for concept in concepts:
        node = concept_iri(scheme, concept.id)
        graph.add((node, RDF.type, SKOS.Concept))
        graph.add((node, RDF.type, _SCHEME_CLASSES[scheme]))
        graph.add((node, SKOS.inScheme, scheme_node))
        graph.add((node, SKOS.prefLabel, Literal(concept.label, lang="en")))
        _labels(graph, node, concept.label, concept.alt)
        if concept.broader:
            graph.add((node, SKOS.broader, concept_iri(scheme, concept.broader)))
        else:
            graph.add((node, SKOS.topConceptOf, scheme_node))
        if scheme == "m49":
            graph.add((node, SKOS.notation, Literal(concept.id)))
        if concept.definition:
            graph.add((node, SKOS.definition, Literal(concept.definition, lang="en")))
        for match in concept.close_match:
            _fact(graph, node, SKOS.closeMatch, URIRef(match.value), match.sources)
        for code in concept.m49_include:
            graph.add((node, BKG.includesArea, concept_iri("m49", code)))
        for code in concept.m49_exclude:
            graph.add((node, BKG.excludesArea, concept_iri("m49", code)))


def add_reference(graph: Graph, data: ReferenceData) -> Graph:
    """Add all reference data (concept schemes and organisations) to ``graph``."""
    _concepts(graph, "chemistries", data.chemistries)
    _concepts(graph, "applications", data.applications)
    _concepts(graph, "regions", data.regions)
    _concepts(graph, "m49", data.m49_areas)
    for scheme, url in data.scheme_sources:
        graph.add((iri("scheme", scheme), DCTERMS.source, URIRef(url)))
    add_organizations(graph, data.organizations)
    return graph
