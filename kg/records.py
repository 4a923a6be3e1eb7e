"""Typed, immutable records that cross module borders.

The loader produces them from ``data/``; triples, ingest and the API consume them.
Every fact that needs a source carries ``sources`` (one or more URLs) and the
``Location`` it was read from, so errors and provenance can point back to it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Any, Literal, get_args
from urllib.parse import urlsplit

from .errors import Location

# The closed sets of docs/data-format.md; the loader reads its choices from these.
Tier = Literal["primary", "reference", "press", "not-citable"]
Role = Literal[
    "cell-maker",
    "developer",
    "materials-supplier",
    "component-supplier",
    "equipment-maker",
    "recycler",
    "car-maker",
    "electronics-maker",
    "energy-company",
    "holding",
    "investor",
    "joint-venture",
]
StakeKind = Literal["parent", "minority", "joint-venture"]
OrganizationStatus = Literal["resolved", "unresolved"]
EventKind = Literal[
    "spun-off-from",
    "acquired-by",
    "business-acquired-by",
    "assets-sold-to",
    "merged-into",
    "renamed-from",
    "bankruptcy",
    "dissolved",
    "bid-failed",
]
PlantKind = Literal["production", "pilot"]
Product = Literal["cells", "cathode", "anode", "electrolyte", "separator", "lithium", "modules", "recycling"]
PlantStatus = Literal["announced", "under-construction", "operating", "paused", "cancelled", "closed"]
AgreementKind = Literal["licence", "supply", "development", "acquisition", "joint-venture"]
AgreementStatus = Literal["announced", "active", "completed", "ended", "terminated", "not-closed"]
PartyRole = Literal["licensor", "licensee", "supplier", "customer", "partner", "buyer", "seller", "target"]


def choices(closed_set: object) -> tuple[Any, ...]:
    """The values of one of the closed sets above (typed ``Any``: mypy cannot tie ``get_args`` to the set).

    >>> choices(PlantKind)
    ('production', 'pilot')
    """
    return get_args(closed_set)


@dataclass(frozen=True)
class PartialDate:
    """A date known to the year, month or day, as precise as its source.

    >>> PartialDate.parse("2013-01")
    PartialDate(year=2013, month=1, day=None)
    >>> str(PartialDate(2009, 12, 21))
    '2009-12-21'
    """

    year: int
    month: int | None = None
    day: int | None = None

    @classmethod
    def parse(cls, text: str) -> PartialDate:
        parts = str(text).strip().split("-")
        if not 1 <= len(parts) <= 3 or not all(p.isdigit() for p in parts) or len(parts[0]) != 4:
            raise ValueError(f"{text!r} is not a date of the form YYYY, YYYY-MM or YYYY-MM-DD")
        year = int(parts[0])
        month = int(parts[1]) if len(parts) > 1 else None
        day = int(parts[2]) if len(parts) > 2 else None
        # date() raises ValueError for impossible months and days (2021-02-30)
        date(year, month or 1, day or 1)
        return cls(year, month, day)

    def __str__(self) -> str:
        text = f"{self.year:04d}"
        if self.month is not None:
            text += f"-{self.month:02d}"
        if self.day is not None:
            text += f"-{self.day:02d}"
        return text

    def sort_key(self) -> tuple[int, int, int]:
        return (self.year, self.month or 0, self.day or 0)

    def before(self, other: PartialDate) -> bool:
        """Whether this date is earlier than ``other`` at the precision both know.

        >>> PartialDate(2023).before(PartialDate(2023, 5, 26)), PartialDate(2022, 12).before(PartialDate(2023))
        (False, True)
        """
        known = [(a, b) for a, b in zip(self._parts(), other._parts(), strict=True) if a is not None and b is not None]
        return [a for a, _ in known] < [b for _, b in known]

    def _parts(self) -> tuple[int | None, int | None, int | None]:
        # a day without its month is meaningless: keep only the leading known parts
        return (self.year, self.month, self.day if self.month is not None else None)


@dataclass(frozen=True)
class Sourced:
    """A value and the URLs of the pages that state it, with the dates it refers to where known.

    ``as_of`` is the date the source's statement refers to; ``start`` and ``end``
    (exclusive) bound a fact that began or stopped holding.
    """

    value: object
    sources: tuple[str, ...]
    location: Location | None = field(default=None, compare=False)
    as_of: PartialDate | None = None
    start: PartialDate | None = None
    end: PartialDate | None = None

    def holds_in(self, year: int) -> bool:
        """Whether the fact holds on 31 December of ``year`` (an undated fact always does)."""
        return (self.start is None or self.start.year <= year) and (self.end is None or year < self.end.year)


@dataclass(frozen=True)
class FormerName:
    """A name an organisation had until a rename; it stays an alias valid until ``until``."""

    name: str
    until: PartialDate | None
    sources: tuple[str, ...]
    location: Location | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Stake:
    """An ownership stake: ``owner`` holds ``share`` percent of ``owned`` from ``start`` to ``end``."""

    owner: str
    owned: str
    kind: StakeKind
    share: float | None
    start: PartialDate | None
    end: PartialDate | None
    sources: tuple[str, ...]
    note: str | None = None
    location: Location | None = field(default=None, compare=False)
    as_of: PartialDate | None = None

    @property
    def controlling(self) -> bool:
        return self.kind == "parent" or (self.share is not None and self.share > 50)

    def active_in(self, year: int) -> bool:
        """Whether the stake holds on 31 December of ``year``."""
        started = self.start is None or self.start.year <= year
        return started and (self.end is None or year < self.end.year)


@dataclass(frozen=True)
class LineageEvent:
    """A change such as a spin-off or a business sale between two organisations."""

    subject: str
    kind: EventKind
    other: str | None
    date: PartialDate | None  # when it took effect (the closing of a sale)
    sources: tuple[str, ...]
    note: str | None = None
    location: Location | None = field(default=None, compare=False)
    signed: PartialDate | None = None  # when it was agreed or announced


@dataclass(frozen=True)
class Organization:
    """A company, parent group, joint venture or investor, or an unresolved name."""

    id: str
    name: str
    aliases: tuple[str, ...] = ()
    roles: tuple[Role, ...] = ()
    status: OrganizationStatus = "resolved"
    headquarters: Sourced | None = None  # value: ISO 3166-1 alpha-2
    headquarters_city: str | None = None
    former_names: tuple[FormerName, ...] = ()
    founded: Sourced | None = None  # value: int year
    wikidata: Sourced | None = None  # value: "Q…"
    chemistries: tuple[Sourced, ...] = ()  # value: chemistry id
    applications: tuple[Sourced, ...] = ()  # value: application id
    owners: tuple[Stake, ...] = ()
    events: tuple[LineageEvent, ...] = ()
    candidates: tuple[str, ...] = ()
    reason: str | None = None
    note: str | None = None
    location: Location | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Concept:
    """A SKOS concept in one of our schemes (chemistry, application, region)."""

    scheme: str
    id: str
    label: str
    alt: tuple[str, ...] = ()
    broader: str | None = None
    definition: str | None = None
    close_match: tuple[Sourced, ...] = ()  # value: external IRI
    narrower: tuple[str, ...] = ()  # an umbrella's members, each also under its own broader concept
    m49_include: tuple[str, ...] = ()  # market regions only
    m49_exclude: tuple[str, ...] = ()
    location: Location | None = field(default=None, compare=False)


@dataclass(frozen=True)
class SourceDocument:
    """A registered document (a market report) kept under ``data/sources/``."""

    id: str
    file: str
    title: str | None
    publisher: str | None
    url: str | None
    retrieved: PartialDate | None
    sha256: str | None
    location: Location | None = field(default=None, compare=False)


@dataclass(frozen=True)
class PlantOperator:
    """``org`` ran the plant from ``start`` until ``end`` (exclusive)."""

    org: str
    start: PartialDate | None
    end: PartialDate | None
    sources: tuple[str, ...]
    location: Location | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Site:
    """Where a plant is: country (ISO 3166-1 alpha-2), city or region; coordinates only where a source gives them."""

    country: str
    city: str | None
    region: str | None
    lat: float | None
    long: float | None
    sources: tuple[str, ...]
    location: Location | None = field(default=None, compare=False)


@dataclass(frozen=True)
class StatusChange:
    """The plant has been in ``status`` since ``since`` (until the next change)."""

    status: PlantStatus
    since: PartialDate | None
    sources: tuple[str, ...]
    note: str | None = None
    location: Location | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Capacity:
    """A capacity figure per year (GWh for cells, tonnes for materials), the date and plant state it refers to."""

    value: float
    unit: Literal["gwh", "tonnes"]
    as_of: PartialDate
    status: str | None  # a PlantStatus
    sources: tuple[str, ...]
    note: str | None = None
    location: Location | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Plant:
    """A production plant or pilot line with its operators, site, status and capacity history."""

    id: str
    name: str
    kind: PlantKind
    product: Product
    operators: tuple[PlantOperator, ...]
    site: Site
    chemistries: tuple[Sourced, ...] = ()
    status: tuple[StatusChange, ...] = ()
    capacity: tuple[Capacity, ...] = ()
    production_start: Sourced | None = None  # value: PartialDate
    production_start_planned: bool = False
    aliases: tuple[str, ...] = ()
    note: str | None = None
    location: Location | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Party:
    """One party to an agreement and its role in it."""

    org: str
    role: PartyRole
    location: Location | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Agreement:
    """A licence, supply, development, acquisition or joint-venture agreement between organisations."""

    id: str
    kind: AgreementKind
    title: str
    parties: tuple[Party, ...]
    status: AgreementStatus
    sources: tuple[str, ...]
    signed: PartialDate | None = None
    start: PartialDate | None = None
    end: PartialDate | None = None
    volume_gwh: float | None = None
    volume_note: str | None = None
    amount: float | None = None
    currency: str | None = None
    plant: str | None = None
    note: str | None = None
    location: Location | None = field(default=None, compare=False)


@dataclass(frozen=True)
class DomainTier:
    """One entry of ``data/source-policy.yaml``."""

    domain: str
    tier: Tier
    reason: str | None = None
    location: Location | None = field(default=None, compare=False)


@dataclass(frozen=True)
class SourcePolicy:
    """The reviewed list of domains and their tiers; a URL's host matches the longest listed domain.

    >>> wikipedia, scots = DomainTier("wikipedia.org", "reference"), DomainTier("sco.wikipedia.org", "not-citable")
    >>> policy = SourcePolicy((wikipedia, scots))
    >>> policy.entry("https://en.wikipedia.org/wiki/CATL").tier, policy.entry("https://sco.wikipedia.org/wiki/X").tier
    ('reference', 'not-citable')
    >>> print(policy.entry("https://notwikipedia.org/"))
    None
    """

    domains: tuple[DomainTier, ...]

    def entry(self, url: str) -> DomainTier | None:
        """The entry for a URL's host: the host itself, or the longest listed domain it ends with after a dot."""
        parts = host_of(url).split(".")
        for i in range(len(parts)):
            found = self._by_domain.get(".".join(parts[i:]))
            if found is not None:
                return found
        return None

    @cached_property
    def _by_domain(self) -> dict[str, DomainTier]:
        return {d.domain: d for d in self.domains}

    def tier(self, url: str) -> str | None:
        entry = self.entry(url)
        return entry.tier if entry else None


def host_of(url: str) -> str:
    """The lower-case host of a URL, without port.

    >>> host_of("https://WWW.Reuters.com:443/x")
    'www.reuters.com'
    """
    return (urlsplit(url).hostname or "").lower().rstrip(".")


@dataclass(frozen=True)
class ReferenceData:
    """Everything read from ``data/``, validated."""

    organizations: tuple[Organization, ...]
    chemistries: tuple[Concept, ...]
    applications: tuple[Concept, ...]
    regions: tuple[Concept, ...]
    sources: tuple[SourceDocument, ...]
    m49_areas: tuple[Concept, ...] = ()  # id = M49 code, broader = parent code
    scheme_sources: tuple[tuple[str, str], ...] = ()  # (scheme id, URL) for whole-scheme sources
    plants: tuple[Plant, ...] = ()
    agreements: tuple[Agreement, ...] = ()
    policy: SourcePolicy | None = None  # None: the folder has no source-policy.yaml, sources are not classified
    as_of: PartialDate | None = None  # from dataset.yaml: the date the data is current as of

    def organization(self, org_id: str) -> Organization:
        for org in self.organizations:
            if org.id == org_id:
                return org
        raise KeyError(org_id)

    @property
    def stakes(self) -> tuple[Stake, ...]:
        return tuple(stake for org in self.organizations for stake in org.owners)

    @property
    def concept_schemes(self) -> dict[str, tuple[Concept, ...]]:
        """Each concept scheme's id (the segment of its concept IRIs) and its concepts."""
        return {
            "chemistries": self.chemistries,
            "applications": self.applications,
            "regions": self.regions,
            "m49": self.m49_areas,
        }
