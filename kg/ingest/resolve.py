"""Mentions → reference entities, each with a status and a confidence.

Names are matched by the one resolver kg query, the API and kg viz --focus use
(:class:`kg.names.NameTable`), built here from the reference records before a
store exists: the same labels, aliases, former names and preferred senses the
store's ``entity-names`` query reads. Companies match organisation names;
concepts (chemistries, applications, market regions) their labels: as written
or compared (case, punctuation, legal forms, plurals), then in running text by
a word-prefix, then fuzzily. A mention that fits several entities is
``ambiguous`` with its candidates; one that fits none is ``unresolved`` and
becomes a new entity of its own document. A reference organisation whose
status is ``unresolved`` (a name the curators could not tie to a company)
stays unresolved. Nothing is merged silently or dropped.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace

from rdflib import URIRef

from ..names import Match, NameTable, company_key
from ..namespaces import iri
from ..records import ReferenceData
from ..triples import concept_iri
from .model import Extraction
from .text import slug, split_list

__all__ = ["Candidate", "Resolution", "Resolver", "reference_names", "resolve_extraction"]


@dataclass(frozen=True)
class Candidate:
    """An entity a mention may stand for, by its reference id (or, for a curated unresolved name, a name)."""

    id: str
    label: str
    score: float


def _candidates(match: Match) -> tuple[Candidate, ...]:
    return tuple(Candidate(_id(c.iri), c.label, c.score) for c in match.candidates)


def _id(entity: URIRef) -> str:
    return str(entity).rsplit("/", 1)[-1]


@dataclass(frozen=True)
class Resolution:
    """What a mention stands for: ``status`` resolved | ambiguous | unresolved."""

    kind: str  # company | chemistry | application | region
    mention: str
    status: str
    iri: URIRef
    id: str | None = None  # the reference id when the mention matched a reference entity
    label: str | None = None
    confidence: float = 0.0
    candidates: tuple[Candidate, ...] = ()
    reason: str | None = None


# One-word names that are also English words or places, which running text uses as such ("Total revenue ...",
# "Senior analysts", "Morrow" in a date line); they are recognised only in lists, tables and profiles.
_ENGLISH_WORDS = frozenset(
    [
        "total",
        "senior",
        "envision",
        "factorial",
        "morrow",
        "berkshire",
        "general",
        "ion",
        "great",
        "power",
        "energy",
        "future",
        "premier",
        "summit",
        "pioneer",
        "vision",
        "unity",
        "element",
        "origin",
        "apex",
        "nova",
        "leading",
        "advanced",
        "ample",
    ]
)


def reference_names(reference: ReferenceData) -> Iterator[tuple[URIRef, str, bool]]:
    """The names of the things reports are resolved against, as kg.triples writes them (``rdfs:label``,
    ``skos:altLabel``): ``(iri, name, alias)`` rows of a :class:`~kg.names.NameTable`.

    Organisations with their aliases and former names; chemistries, applications and market regions with
    their alternative labels (countries and UN M49 areas are read by kg.countries).
    """
    for org in reference.organizations:
        yield iri("company", org.id), org.name, False
        for alias in (*org.aliases, *(former.name for former in org.former_names)):
            yield iri("company", org.id), alias, True
    for scheme, concepts in (
        ("chemistries", reference.chemistries),
        ("applications", reference.applications),
        ("regions", reference.regions),
    ):
        for concept in concepts:
            yield concept_iri(scheme, concept.id), concept.label, False
            for alt in concept.alt:
                yield concept_iri(scheme, concept.id), alt, True


class Resolver:
    """Resolves mentions against one ``ReferenceData``; build it once per reference."""

    def __init__(self, reference: ReferenceData) -> None:
        self.organizations = {org.id: org for org in reference.organizations}
        # a name that fits several things means the preferred one: the market region (all regions here)
        self.names = NameTable(reference_names(reference), (concept_iri("regions", r.id) for r in reference.regions))

    def known_names(self) -> dict[str, str]:
        """Names and aliases distinctive enough to be recognised in running text.

        Every name of two or more words, a name with capitals inside ("BYD", "CATL", "HiTHIUM"), a name in a
        script without case (宁德时代), and a one-word name of five letters or more ("Northvolt", "Volkswagen");
        the extractor passes over a one-word name that the document also writes in lower case ("Total" beside
        "total"). Never a curated unresolved name.
        """
        names: dict[str, str] = {}
        for org in self.organizations.values():
            if org.status == "unresolved":
                continue
            for name in (org.name, *org.aliases):
                words = name.split()
                if len(name) < 2 or (not name[0].isalpha() and not name[0].isdigit()):
                    continue
                inner_capitals = sum(1 for ch in name[1:] if ch.isupper()) >= 1 and len(name) >= 2
                caseless = not any(ch.isascii() for ch in name)
                if name.casefold() in _ENGLISH_WORDS:
                    continue
                if len(words) >= 2 or inner_capitals or caseless or len(name) >= 5 or name == org.name:
                    names.setdefault(name, org.id)
        return names

    def company(self, mention: str, source_id: str) -> Resolution:
        """A company mention: a reference organisation, or a new entity of the source ``source_id``."""
        match = self.names.match(mention, "company")
        candidates = _candidates(match)
        if match.status == "resolved":
            org = self.organizations[candidates[0].id]
            if org.status == "unresolved":
                return Resolution(
                    "company", mention, "unresolved", iri("company", org.id), org.id, org.name, match.confidence,
                    tuple(Candidate(name, name, 0.0) for name in org.candidates),
                    org.reason or "the curated data keeps this name unresolved",
                )  # fmt: skip
            return Resolution(
                "company", mention, "resolved", iri("company", org.id), org.id, org.name, match.confidence, candidates
            )
        entity = iri("company", f"unresolved.{source_id}.{slug(mention)[:60]}")
        if match.status == "ambiguous":
            reason = "fits several organisations: " + ", ".join(c.label for c in candidates)
        else:
            reason = "no organisation in the reference data has this name or a close one"
        return Resolution("company", mention, match.status, entity, None, mention, match.confidence, candidates, reason)

    def concept(self, kind: str, mention: str, source_id: str, *, contained: bool = False) -> Resolution | None:
        """A chemistry, application or region mention; with ``contained`` also a concept named inside a phrase."""
        match = self.names.match(mention, kind)
        if match.status != "resolved" and contained:
            inside = self.names.contained(mention, kind)
            if not inside:
                return None
            match = self.names.found(inside, 90.0)
        candidates = _candidates(match)
        if match.status == "resolved":
            found = match.candidates[0]
            return Resolution(
                kind, mention, "resolved", found.iri, _id(found.iri), found.label, match.confidence, candidates
            )
        entity = iri(kind, f"unresolved.{source_id}.{slug(mention)[:60]}")
        reason = (
            "fits several concepts: " + ", ".join(c.label for c in candidates)
            if match.status == "ambiguous"
            else f"no {kind} in the reference data has this name or a close one"
        )
        return Resolution(kind, mention, match.status, entity, None, mention, match.confidence, candidates, reason)


def resolve_extraction(
    extraction: Extraction, reference: ReferenceData | Resolver, source_id: str
) -> tuple[Resolution, ...]:
    """Resolutions for every company, application, chemistry and region the extraction mentions.

    Type segments and statements are read for chemistry names inside them ("Lithium Iron Phosphate
    batteries"); a capacity range such as "0 to 3000mAh" names no chemistry and gets none.
    """
    resolver = reference if isinstance(reference, Resolver) else Resolver(reference)
    found: dict[tuple[str, str], Resolution] = {}

    def add(resolution: Resolution | None) -> None:
        if resolution is not None:
            found.setdefault((resolution.kind, resolution.mention), resolution)

    for company in extraction.companies:
        resolution = resolver.company(company.mention, source_id)
        alias = dict(company.attributes).get("alias")
        if resolution.status != "resolved" and alias:
            # "Shanghai Energy New Materials (SEMCORP)": the short name may be the one the reference data knows
            by_alias = resolver.company(alias, source_id)
            if by_alias.status == "resolved":
                resolution = replace(by_alias, mention=company.mention)
        add(resolution)
        for chemistry in (value for what, value in company.attributes if what == "chemistry"):
            for name in split_list(chemistry):  # what a companies table says it makes
                add(resolver.concept("chemistry", name, source_id, contained=True))
    _short_forms(extraction, found)
    for segment in extraction.segments:
        if segment.kind == "application":
            add(resolver.concept("application", segment.mention, source_id))
        elif segment.min is None and segment.max is None:
            add(resolver.concept("chemistry", segment.mention, source_id, contained=True))
    if extraction.market.product:
        add(resolver.concept("chemistry", extraction.market.product, source_id, contained=True))
    for statement in extraction.statements:
        if statement.kind == "equivalence":
            for phrase in (*statement.subjects, statement.object or ""):
                if phrase:
                    add(resolver.concept("chemistry", phrase, source_id, contained=True))
    for listing in extraction.regions:
        if listing.mention:
            add(resolver.concept("region", listing.mention, source_id))
    for figure in extraction.figures:
        if figure.scope_kind == "region":
            add(resolver.concept("region", figure.scope, source_id))
    for statement in extraction.statements:
        if statement.kind == "dominance":
            for subject in statement.subjects:
                add(resolver.concept("region", subject, source_id, contained=True))
    return tuple(found.values())


def _short_forms(extraction: Extraction, found: dict[tuple[str, str], Resolution]) -> None:
    """A company the reference data does not know, named by the first words of a longer name the same document
    gives ("Fluence" beside "Fluence Energy, Inc."), is that company, unless the document relates the two."""
    related = {
        frozenset((company_key(c.mention), company_key(r.object))) for c in extraction.companies for r in c.relations
    }
    keys = {company_key(c.mention): c.mention for c in extraction.companies}
    for key, mention in keys.items():
        short = found[("company", mention)]
        if short.status != "unresolved" or short.id is not None:
            continue
        longer = [m for k, m in keys.items() if k.startswith(key + " ") and frozenset((key, k)) not in related]
        if len(longer) == 1:
            found[("company", mention)] = replace(found[("company", longer[0])], mention=mention)
