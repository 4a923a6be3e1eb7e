"""Turn reference records into RDF: the curated graph of the dataset.

Each curated fact is asserted as a plain triple and, beside it, described by a
``bkg:SourcedFact`` node that names the page stating it, so that "where does
this come from?" is one query away. A fact that has ended (it carries an
``end``) lives only in its fact node, with its dates, so plain triples always
say what holds now; former names are the exception: they stay aliases, since
people still look things up by them. Every source URL is a ``bkg:WebSource``
with the tier the source policy gives its domain.

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
import itertools
from collections.abc import Iterable
from decimal import Decimal

from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from .namespaces import BKG, CURATED_GRAPH, DCTERMS, ORG, QUDT, QUDT_UNIT, RDF, RDFS, SDO, SKOS, WD, XSD, iri
from .records import (
    Agreement,
    Concept,
    FormerName,
    LineageEvent,
    Organization,
    PartialDate,
    Plant,
    ReferenceData,
    Role,
    Sourced,
    SourcePolicy,
    Stake,
    choices,
)

__all__ = ["CURATED_GRAPH", "add_organizations", "add_reference", "date_literal"]

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
_TIERS = {"primary": BKG.PrimarySource, "reference": BKG.ReferenceSource, "press": BKG.PressSource}
_PLANT_STATUSES = {
    "announced": BKG.Announced,
    "under-construction": BKG.UnderConstruction,
    "operating": BKG.Operating,
    "paused": BKG.Paused,
    "cancelled": BKG.Cancelled,
    "closed": BKG.Closed,
}
_UNITS = {"gwh": QUDT_UNIT["GigaW-HR"], "tonnes": QUDT_UNIT.TONNE}
_AGREEMENT_KINDS = {
    "licence": BKG.Licence,
    "supply": BKG.SupplyAgreement,
    "development": BKG.DevelopmentPartnership,
    "acquisition": BKG.AcquisitionAgreement,
    "joint-venture": BKG.JointVentureAgreement,
}
_AGREEMENT_STATUSES = {
    "announced": BKG.AgreementAnnounced,
    "active": BKG.AgreementActive,
    "completed": BKG.AgreementCompleted,
    "ended": BKG.AgreementEnded,
    "terminated": BKG.AgreementTerminated,
    "not-closed": BKG.AgreementNotClosed,
}
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

    >>> str(decimal_literal(100.0)), str(decimal_literal(1e-07)), decimal_literal(5).datatype == XSD.decimal
    ('100.0', '0.0000001', True)
    """
    text = format(Decimal(repr(value)), "f")
    return Literal(text if "." in text else f"{text}.0", datatype=XSD.decimal)


def _dates(graph: Graph, node: Node, start: PartialDate | None, end: PartialDate | None) -> None:
    """``schema:startDate``/``endDate`` as precisely as known, and ``bkg:startYear``/``endYear`` to compare."""
    if start:
        graph.add((node, SDO.startDate, date_literal(start)))
        graph.add((node, BKG.startYear, Literal(start.year)))
    if end:
        graph.add((node, SDO.endDate, date_literal(end)))
        graph.add((node, BKG.endYear, Literal(end.year)))


def _as_of(graph: Graph, node: Node, as_of: PartialDate | None) -> None:
    if as_of:
        graph.add((node, BKG.asOf, date_literal(as_of)))
        graph.add((node, BKG.asOfYear, Literal(as_of.year)))


def _fact(
    graph: Graph, s: Node, p: URIRef, o: Node, sources: Iterable[str], dated: Sourced | None = None, keep: bool = False
) -> None:
    """Record (s, p, o) with the pages that state it and its dates; assert it unless it has ended (or ``keep``)."""
    start, end, as_of = (dated.start, dated.end, dated.as_of) if dated else (None, None, None)
    if end is None or keep:
        graph.add((s, p, o))
    # a fact that ended and began again is two facts: its dates tell them apart
    period = f" {start} {end}" if start or end else ""
    digest = hashlib.sha1(f"{s} {p} {o.n3()}{period}".encode()).hexdigest()[:16]
    node = iri("fact", digest)
    graph.add((node, RDF.type, BKG.SourcedFact))
    graph.add((node, RDF.subject, s))
    graph.add((node, RDF.predicate, p))
    graph.add((node, RDF.object, o))
    _dates(graph, node, start, end)
    _as_of(graph, node, as_of)
    for url in sources:
        graph.add((node, DCTERMS.source, URIRef(url)))


def _sourced_fact(graph: Graph, s: Node, p: URIRef, o: Node, fact: Sourced) -> None:
    _fact(graph, s, p, o, fact.sources, fact)


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
    _dates(graph, node, stake.start, stake.end)
    _as_of(graph, node, stake.as_of)
    if stake.note:
        graph.add((node, RDFS.comment, Literal(stake.note)))
    for url in stake.sources:
        graph.add((node, DCTERMS.source, URIRef(url)))


def _event(graph: Graph, event: LineageEvent, index: int) -> None:
    when = str(event.date) if event.date else "undated"
    # two sales of one company's assets on the same (or an unknown) date are two events
    node = iri("event", f"{event.subject}--{event.kind}--{when}" + (f"--{index}" if index else ""))
    subject, other = iri("company", event.subject), iri("company", event.other) if event.other else None
    original: URIRef | None
    resulting: URIRef | None
    if event.kind == "bid-failed":
        # the bidder did not become anything: the target stays what it was
        original, resulting = subject, None
        if other is not None:
            graph.add((node, BKG.bidder, other))
    elif event.kind in _SUBJECT_RESULTS:
        original, resulting = other, subject
    else:
        original, resulting = subject, other
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
        graph.add((node, BKG.year, Literal(event.date.year)))
    if event.signed:
        graph.add((node, BKG.signedDate, date_literal(event.signed)))
        graph.add((node, BKG.signedYear, Literal(event.signed.year)))
    if event.note:
        graph.add((node, RDFS.comment, Literal(event.note)))
    for url in event.sources:
        graph.add((node, DCTERMS.source, URIRef(url)))


def _former_name(graph: Graph, org: str, former: FormerName) -> None:
    """The old name: an alias whose fact ends on the rename, and a rename event."""
    company = iri("company", org)
    name = Literal(former.name)
    _fact(graph, company, SKOS.altLabel, name, former.sources, Sourced(name, former.sources, end=former.until), True)
    when = str(former.until) if former.until else "undated"
    node = iri("event", f"{org}--renamed--{when}--{hashlib.sha1(former.name.encode()).hexdigest()[:8]}")
    graph.add((node, RDF.type, ORG.ChangeEvent))
    graph.add((node, RDFS.label, Literal(f"{former.name} renamed {when}")))
    graph.add((node, BKG.changeKind, BKG.Renamed))
    graph.add((node, BKG.formerName, name))
    graph.add((node, ORG.resultingOrganization, company))
    if former.until:
        graph.add((node, DCTERMS.date, date_literal(former.until)))
        graph.add((node, BKG.year, Literal(former.until.year)))
    for url in former.sources:
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
        for role in org.roles:
            graph.add((node, BKG.hasRole, iri("role", role)))
        if org.headquarters:
            hq = org.headquarters
            _sourced_fact(graph, node, BKG.headquarteredIn, iri("country", str(hq.value)), hq)
            if org.headquarters_city:
                _sourced_fact(graph, node, BKG.headquartersCity, Literal(org.headquarters_city), hq)
        if org.founded:
            founded = Literal(str(org.founded.value), datatype=XSD.gYear)
            _sourced_fact(graph, node, SDO.foundingDate, founded, org.founded)
        if org.wikidata:
            _sourced_fact(graph, node, SDO.sameAs, WD[str(org.wikidata.value)], org.wikidata)
        for fact in org.chemistries:
            _sourced_fact(graph, node, BKG.makesChemistry, iri("chemistry", str(fact.value)), fact)
        for fact in org.applications:
            _sourced_fact(graph, node, BKG.servesApplication, iri("application", str(fact.value)), fact)
        for former in org.former_names:
            _former_name(graph, org.id, former)
        seen: dict[str, int] = {}
        for stake in org.owners:
            key = f"{stake.owner}{stake.start}"
            seen[key] = seen.get(key, -1) + 1
            _stake(graph, stake, seen[key])
        events: dict[tuple[str, str], int] = {}
        for event in org.events:
            event_key = (event.kind, str(event.date))
            events[event_key] = events.get(event_key, -1) + 1
            _event(graph, event, events[event_key])
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
        for narrower in concept.narrower:  # an umbrella: its members have it as a second broader concept
            graph.add((node, SKOS.narrower, concept_iri(scheme, narrower)))
            graph.add((concept_iri(scheme, narrower), SKOS.broader, node))
        if scheme == "m49":
            graph.add((node, SKOS.notation, Literal(concept.id)))
        if concept.definition:
            graph.add((node, SKOS.definition, Literal(concept.definition, lang="en")))
        for match in concept.close_match:
            _fact(graph, node, SKOS.closeMatch, URIRef(str(match.value)), match.sources)
        for code in concept.m49_include:
            graph.add((node, BKG.includesArea, concept_iri("m49", code)))
        for code in concept.m49_exclude:
            graph.add((node, BKG.excludesArea, concept_iri("m49", code)))


def _roles(graph: Graph) -> None:
    scheme = iri("scheme", "roles")
    graph.add((scheme, RDF.type, SKOS.ConceptScheme))
    graph.add((scheme, RDFS.label, Literal("Roles")))
    for role in choices(Role):
        node = iri("role", role)
        label = role.replace("-", " ")
        graph.add((node, RDF.type, SKOS.Concept))
        graph.add((node, RDF.type, BKG.OrganizationRole))
        graph.add((node, SKOS.inScheme, scheme))
        graph.add((node, SKOS.topConceptOf, scheme))
        graph.add((node, SKOS.prefLabel, Literal(label, lang="en")))
        graph.add((node, SKOS.notation, Literal(role)))
        graph.add((node, RDFS.label, Literal(label)))


def _plant(graph: Graph, plant: Plant) -> None:
    node = iri("plant", plant.id)
    for kind in (BKG.Plant, SDO.Place, ORG.Site):
        graph.add((node, RDF.type, kind))
    _labels(graph, node, plant.name, plant.aliases)
    graph.add((node, SDO.name, Literal(plant.name)))
    graph.add((node, BKG.plantKind, Literal(plant.kind)))
    graph.add((node, BKG.product, Literal(plant.product)))
    if plant.note:
        graph.add((node, RDFS.comment, Literal(plant.note)))
    site = plant.site
    _fact(graph, node, BKG.locatedIn, iri("country", site.country), site.sources)
    for prop, value in ((SDO.addressLocality, site.city), (SDO.addressRegion, site.region)):
        if value:
            _fact(graph, node, prop, Literal(value), site.sources)
    if site.lat is not None and site.long is not None:
        _fact(graph, node, SDO.latitude, decimal_literal(site.lat), site.sources)
        _fact(graph, node, SDO.longitude, decimal_literal(site.long), site.sources)
    for fact in plant.chemistries:
        _sourced_fact(graph, node, BKG.makesChemistry, iri("chemistry", str(fact.value)), fact)
    for operator in plant.operators:
        org = iri("company", operator.org)
        operation = iri("operation", f"{plant.id}--{operator.org}--{operator.start or 'start'}")
        graph.add((operation, RDF.type, BKG.PlantOperation))
        graph.add((operation, RDFS.label, Literal(f"{operator.org} operates {plant.id}")))
        graph.add((operation, BKG.plant, node))
        graph.add((operation, BKG.operator, org))
        _dates(graph, operation, operator.start, operator.end)
        for url in operator.sources:
            graph.add((operation, DCTERMS.source, URIRef(url)))
        if operator.end is None:
            graph.add((node, BKG.operatedBy, org))
            graph.add((org, ORG.hasSite, node))
    for i, change in enumerate(plant.status):
        period = iri("status", f"{plant.id}--{i:02d}")
        graph.add((period, RDF.type, BKG.PlantStatusPeriod))
        graph.add((period, RDFS.label, Literal(f"{plant.id} {change.status} since {change.since or 'unknown'}")))
        graph.add((period, BKG.statusOf, node))
        graph.add((period, BKG.plantStatus, _PLANT_STATUSES[change.status]))
        # a status holds until the next one starts
        following = plant.status[i + 1].since if i + 1 < len(plant.status) else None
        _dates(graph, period, change.since, following)
        if change.note:
            graph.add((period, RDFS.comment, Literal(change.note)))
        for url in change.sources:
            graph.add((period, DCTERMS.source, URIRef(url)))
    if plant.status:
        graph.add((node, BKG.plantStatus, _PLANT_STATUSES[plant.status[-1].status]))
    # a figure stands until the next one by date (of two with the same date, the one listed last wins):
    # its bkg:endYear is the next one's year, so "the latest figure as of a year" is a plain year bound.
    # Figures stated for the plant in operation form a chain of their own (bkg:operatingEndYear), so that
    # operating capacity is never a plan's figure
    by_date = sorted(range(len(plant.capacity)), key=lambda k: (str(plant.capacity[k].as_of), k))

    def next_years(chain: list[int]) -> dict[int, int]:
        return {k: plant.capacity[n].as_of.year for k, n in itertools.pairwise(chain)}

    superseded = next_years(by_date)
    superseded_in_operation = next_years([k for k in by_date if plant.capacity[k].status == "operating"])
    for i, figure in enumerate(plant.capacity):
        capacity = iri("capacity", f"{plant.id}--{i:02d}")
        if i in superseded:
            graph.add((capacity, BKG.endYear, Literal(superseded[i])))
        if i in superseded_in_operation:
            graph.add((capacity, BKG.operatingEndYear, Literal(superseded_in_operation[i])))
        graph.add((capacity, RDF.type, BKG.CapacityFigure))
        graph.add((capacity, RDFS.label, Literal(f"{plant.id} {figure.value:g} {figure.unit} as of {figure.as_of}")))
        graph.add((capacity, BKG.plant, node))
        graph.add((capacity, QUDT.numericValue, decimal_literal(figure.value)))
        graph.add((capacity, QUDT.unit, _UNITS[figure.unit]))
        _as_of(graph, capacity, figure.as_of)
        if figure.status:
            graph.add((capacity, BKG.plantStatus, _PLANT_STATUSES[figure.status]))
        if figure.note:
            graph.add((capacity, RDFS.comment, Literal(figure.note)))
        for url in figure.sources:
            graph.add((capacity, DCTERMS.source, URIRef(url)))
    if plant.production_start:
        start = plant.production_start
        _sourced_fact(graph, node, BKG.productionStart, date_literal(start.value), start)  # type: ignore[arg-type]
        graph.add((node, BKG.productionStartPlanned, Literal(plant.production_start_planned)))


def _agreement(graph: Graph, agreement: Agreement) -> None:
    node = iri("agreement", agreement.id)
    graph.add((node, RDF.type, BKG.Agreement))
    graph.add((node, RDFS.label, Literal(agreement.title)))
    graph.add((node, DCTERMS.title, Literal(agreement.title)))
    graph.add((node, BKG.agreementKind, _AGREEMENT_KINDS[agreement.kind]))
    graph.add((node, BKG.agreementStatus, _AGREEMENT_STATUSES[agreement.status]))
    for party in agreement.parties:
        org = iri("company", party.org)
        graph.add((node, BKG.party, org))
        graph.add((node, BKG[party.role], org))
    if agreement.signed:
        graph.add((node, BKG.signedDate, date_literal(agreement.signed)))
        graph.add((node, BKG.signedYear, Literal(agreement.signed.year)))
    _dates(graph, node, agreement.start, agreement.end)
    if agreement.volume_gwh is not None:
        graph.add((node, BKG.volumeGWh, decimal_literal(agreement.volume_gwh)))
    if agreement.volume_note:
        graph.add((node, BKG.volumeNote, Literal(agreement.volume_note)))
    if agreement.amount is not None:
        graph.add((node, BKG.amount, decimal_literal(agreement.amount)))
        graph.add((node, BKG.currency, Literal(agreement.currency)))
    if agreement.plant:
        graph.add((node, BKG.plant, iri("plant", agreement.plant)))
    if agreement.note:
        graph.add((node, RDFS.comment, Literal(agreement.note)))
    for url in agreement.sources:
        graph.add((node, DCTERMS.source, URIRef(url)))


def add_source_tiers(graph: Graph, policy: SourcePolicy) -> Graph:
    """Type every URL used as ``dct:source`` in ``graph`` as a ``bkg:WebSource`` with its tier."""
    for url in set(graph.objects(None, DCTERMS.source)):
        tier = policy.tier(str(url))
        if tier in _TIERS:
            graph.add((url, RDF.type, BKG.WebSource))
            graph.add((url, BKG.sourceTier, _TIERS[tier]))
    return graph


def add_reference(graph: Graph, data: ReferenceData) -> Graph:
    """Add all reference data (concept schemes, organisations, plants, agreements) to ``graph``."""
    for scheme, concepts in data.concept_schemes.items():
        _concepts(graph, scheme, concepts)
    _roles(graph)
    for scheme, url in data.scheme_sources:
        graph.add((iri("scheme", scheme), DCTERMS.source, URIRef(url)))
    add_organizations(graph, data.organizations)
    for plant in data.plants:
        _plant(graph, plant)
    for agreement in data.agreements:
        _agreement(graph, agreement)
    if data.policy is not None:
        add_source_tiers(graph, data.policy)
    return graph
