"""Mentions → reference entities, each with a status and a confidence.

Companies match organisation names and aliases, concepts (chemistries,
applications, regions) match labels and alternative labels: first exactly
(after normalising case, punctuation and legal suffixes), then by a
word-prefix, then fuzzily with rapidfuzz. A mention that fits several
entities is ``ambiguous`` with its candidates; one that fits none is
``unresolved`` and becomes a new entity of its own document. A reference
organisation whose status is ``unresolved`` (a name the curators could not
tie to a company) stays unresolved. Nothing is merged silently or dropped.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz, process
from rdflib import URIRef

from ..names import company_key
from ..namespaces import iri
from ..records import Organization, ReferenceData
from .model import Extraction
from .text import slug

__all__ = ["Candidate", "Resolution", "Resolver", "resolve_extraction"]

RESOLVED_MIN = 90.0  # fuzzy score at or above which a single best match is accepted
AMBIGUOUS_MIN = 80.0  # below this a mention is unresolved (its near misses are kept as candidates)
CLOSE_CALL = 3.0  # two entities scoring within this of each other make a mention ambiguous


@dataclass(frozen=True)
class Candidate:
    id: str
    label: str
    score: float


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


def concept_key(text: str) -> str:
    """A comparable form of a concept label: lower case, singular words, no punctuation.

    >>> concept_key("Lithium-ion batteries"), concept_key("Aerospace & Defense")
    ('lithium ion battery', 'aerospace and defense')
    """
    text = text.casefold().replace("&", " and ")
    words = re.findall(r"[a-z0-9]+", text)
    singular = []
    for word in words:
        if word.endswith("ies") and len(word) > 4:
            word = word[:-3] + "y"
        elif word.endswith("s") and not word.endswith(("ss", "us", "is")) and len(word) > 3:
            word = word[:-1]
        singular.append(word)
    return " ".join(singular)


# Words many battery company names share; fuzzy scores are taken on the other, distinctive words
# so that "HiNa Battery Technology" does not come close to "China Lithium Battery Technology".
_GENERIC = frozenset(
    [
        "battery",
        "batteries",
        "energy",
        "technology",
        "technologies",
        "tech",
        "power",
        "systems",
        "system",
        "group",
        "holdings",
        "holding",
        "new",
        "materials",
        "material",
        "electric",
        "electronics",
        "industries",
        "industrial",
        "international",
        "global",
        "solutions",
        "advanced",
    ]
)


def _distinctive(key: str) -> str:
    words = [w for w in key.split() if w not in _GENERIC]
    return " ".join(words) or key


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


class _Index:
    """Names of a set of entities by comparable key."""

    def __init__(self, entries: Iterable[tuple[str, str, str]], key) -> None:
        self.key = key
        self.by_key: dict[str, set[str]] = defaultdict(set)
        self.labels: dict[str, str] = {}
        self.acronyms: dict[str, set[str]] = defaultdict(set)
        for entity_id, label, name in entries:
            self.labels.setdefault(entity_id, label)
            name_key = key(name)
            if name_key:
                self.by_key[name_key].add(entity_id)
            if re.fullmatch(r"[A-Z0-9&-]{2,6}", name.strip()):
                self.acronyms[name.strip()].add(entity_id)
        self.keys = list(self.by_key)
        self.fuzzy_keys = [_distinctive(k) for k in self.keys]

    def candidates(self, ids: Iterable[str], score: float) -> tuple[Candidate, ...]:
        return tuple(Candidate(i, self.labels[i], round(score, 1)) for i in sorted(ids))

    def match(self, mention: str) -> tuple[str, tuple[Candidate, ...], float]:
        """(status, candidates, confidence) of a mention against this index."""
        key = self.key(mention)
        if not key:
            return "unresolved", (), 0.0
        if key in self.by_key:
            ids = self.by_key[key]
            return ("resolved" if len(ids) == 1 else "ambiguous"), self.candidates(ids, 100.0), 1.0
        prefixed = {i for k, ids in self.by_key.items() if k.startswith(key + " ") for i in ids}
        if len(prefixed) == 1:
            return "resolved", self.candidates(prefixed, 85.0), 0.85
        if len(prefixed) > 1:
            return "ambiguous", self.candidates(prefixed, 85.0), 0.5
        if len(key.replace(" ", "")) <= 4:
            return "unresolved", (), 0.0  # a short name ("GEM") must match exactly: fuzzily it is close to any other
        best: dict[str, float] = {}
        for _, score, position in process.extract(
            _distinctive(key), self.fuzzy_keys, scorer=fuzz.token_sort_ratio, limit=12, score_cutoff=60
        ):
            for entity_id in self.by_key[self.keys[position]]:
                best[entity_id] = max(best.get(entity_id, 0.0), score)
        ranked = sorted(best.items(), key=lambda item: (-item[1], item[0]))
        if not ranked or ranked[0][1] < AMBIGUOUS_MIN:
            near = tuple(Candidate(i, self.labels[i], round(s, 1)) for i, s in ranked[:3])
            return "unresolved", near, 0.0
        top = ranked[0][1]
        close = [(i, s) for i, s in ranked if top - s <= CLOSE_CALL and s >= AMBIGUOUS_MIN]
        found = tuple(Candidate(i, self.labels[i], round(s, 1)) for i, s in close)
        if top >= RESOLVED_MIN and len(close) == 1:
            return "resolved", found, round(top / 100, 2)
        return "ambiguous", found, round(top / 100, 2)

    def contained(self, phrase: str) -> tuple[str, ...]:
        """Entities whose name occurs as whole words inside a longer phrase, longest name first."""
        key = f" {self.key(phrase)} "
        hits = sorted((k for k in self.keys if len(k) >= 3 and f" {k} " in key), key=len, reverse=True)
        ids = [i for k in hits[:1] for i in sorted(self.by_key[k])]
        ids += sorted(
            i
            for acronym, found in self.acronyms.items()
            if re.search(rf"(?<![\w-]){re.escape(acronym)}(?![\w-])", phrase)
            for i in found
        )
        return tuple(dict.fromkeys(ids))


class Resolver:
    """Resolves mentions against one ``ReferenceData``; build it once per reference."""

    def __init__(self, reference: ReferenceData) -> None:
        self.organizations = {org.id: org for org in reference.organizations}
        self.companies = _Index(
            ((org.id, org.name, name) for org in reference.organizations for name in (org.name, *org.aliases)),
            company_key,
        )
        self.concepts = {
            kind: _Index(((c.id, c.label, name) for c in concepts for name in (c.label, *c.alt)), concept_key)
            for kind, concepts in (
                ("chemistry", reference.chemistries),
                ("application", reference.applications),
                ("region", reference.regions),
            )
        }

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
        status, candidates, confidence = self.companies.match(mention)
        if status == "resolved":
            org: Organization = self.organizations[candidates[0].id]
            if org.status == "unresolved":
                return Resolution(
                    "company", mention, "unresolved", iri("company", org.id), org.id, org.name, confidence,
                    tuple(Candidate(name, name, 0.0) for name in org.candidates),
                    org.reason or "the curated data keeps this name unresolved",
                )  # fmt: skip
            return Resolution(
                "company", mention, "resolved", iri("company", org.id), org.id, org.name, confidence, candidates
            )
        entity = iri("company", f"unresolved.{source_id}.{slug(mention)[:60]}")
        if status == "ambiguous":
            reason = "fits several organisations: " + ", ".join(c.label for c in candidates)
        else:
            reason = "no organisation in the reference data has this name or a close one"
        return Resolution("company", mention, status, entity, None, mention, confidence, candidates, reason)

    def concept(self, kind: str, mention: str, source_id: str, *, contained: bool = False) -> Resolution | None:
        """A chemistry, application or region mention; with ``contained`` also a concept named inside a phrase."""
        index = self.concepts[kind]
        status, candidates, confidence = index.match(mention)
        if status != "resolved" and contained:
            inside = index.contained(mention)
            if len(inside) == 1:
                status, candidates, confidence = "resolved", index.candidates(inside, 90.0), 0.9
            elif len(inside) > 1:
                status, candidates, confidence = "ambiguous", index.candidates(inside, 90.0), 0.5
            else:
                return None
        if status == "resolved":
            concept_id = candidates[0].id
            return Resolution(
                kind,
                mention,
                status,
                iri(kind, concept_id),
                concept_id,
                index.labels[concept_id],
                confidence,
                candidates,
            )
        entity = iri(kind, f"unresolved.{source_id}.{slug(mention)[:60]}")
        reason = (
            "fits several concepts: " + ", ".join(c.label for c in candidates)
            if status == "ambiguous"
            else f"no {kind} in the reference data has this name or a close one"
        )
        return Resolution(kind, mention, status, entity, None, mention, confidence, candidates, reason)


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
        add(resolver.company(company.mention, source_id))
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
