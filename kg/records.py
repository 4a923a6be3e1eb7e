"""Typed, immutable records that cross module borders.

The loader produces them from ``data/``; triples, ingest and the API consume them.
Every fact that needs a source carries ``sources`` (one or more URLs) and the
``Location`` it was read from, so errors and provenance can point back to it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from .errors import Location


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
    def parse(cls, text: str) -> "PartialDate":
        parts = str(text).strip().split("-")
        if not 1 <= len(parts) <= 3 or not all(p.isdigit() for p in parts) or len(parts[0]) != 4:
            raise ValueError(f"{text!r} is not a date of the form YYYY, YYYY-MM or YYYY-MM-DD")
        numbers = [int(p) for p in parts] + [None] * (3 - len(parts))
        year, month, day = numbers
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


@dataclass(frozen=True)
class Sourced:
    """A value and the URLs of the pages that state it."""

    value: object
    sources: tuple[str, ...]
    location: Location | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Stake:
    """An ownership stake: ``owner`` holds ``share`` percent of ``owned`` from ``start`` to ``end``."""

    owner: str
    owned: str
    kind: str  # parent | minority | joint-venture
    share: float | None
    start: PartialDate | None
    end: PartialDate | None
    sources: tuple[str, ...]
    note: str | None = None
    location: Location | None = field(default=None, compare=False)

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
    kind: str  # spun-off-from | business-acquired-by | merged-into | renamed-from | dissolved
    other: str | None
    date: PartialDate | None
    sources: tuple[str, ...]
    note: str | None = None
    location: Location | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Organization:
    """A company, parent group, joint venture or investor, or an unresolved name."""

    id: str
    name: str
    aliases: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()  # see kg.loader.ROLES
    status: str = "resolved"  # resolved | unresolved
    headquarters: Sourced | None = None  # value: ISO 3166-1 alpha-2
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
class ReferenceData:
    """Everything read from ``data/``, validated."""

    organizations: tuple[Organization, ...]
    chemistries: tuple[Concept, ...]
    applications: tuple[Concept, ...]
    regions: tuple[Concept, ...]
    sources: tuple[SourceDocument, ...]
    m49_areas: tuple[Concept, ...] = ()  # id = M49 code, broader = parent code
    scheme_sources: tuple[tuple[str, str], ...] = ()  # (scheme id, URL) for whole-scheme sources

    def organization(self, org_id: str) -> Organization:
        for org in self.organizations:
            if org.id == org_id:
                return org
        raise KeyError(org_id)

    @property
    def stakes(self) -> tuple[Stake, ...]:
        return tuple(stake for org in self.organizations for stake in org.owners)
