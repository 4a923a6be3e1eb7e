"""What a report says, as typed records: the ``Extraction`` tree and its parts.

Extraction does not look at reference data; resolution and checks do.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..countries import CountryMatch


@dataclass(frozen=True)
class DocumentInfo:
    """The document itself: its title and who published it."""

    title: str | None
    publisher: str | None  # a stated publisher name, else the domain most of its links point to
    report_id: str | None
    url: str | None  # the report's own page, when a link names it
    format: str  # html | markdown | text | pdf


@dataclass(frozen=True)
class Market:
    """The market the report is about: "Secondary Lithium Metal Batteries Market", 2025-2032."""

    name: str | None
    product: str | None  # the name without "Global ... Market"
    period_start: int | None
    period_end: int | None


@dataclass(frozen=True)
class StatedRelation:
    """A relation between organisations as the text states it ("a subsidiary of Wanxiang America")."""

    subject: str
    relation: str  # subsidiary-of | joint-venture-of | part-of | owned-by | acquired-by | formerly
    object: str
    text: str
    share: float | None = None  # the stake in percent, when the text states one ("in which Y holds 26 %")


@dataclass(frozen=True)
class CompanyMention:
    """A company the report names, where (players list, profile, table, relation) and what it says about it."""

    mention: str
    context: str  # players-list | profile | table | relation
    sentences: tuple[str, ...]
    relations: tuple[StatedRelation, ...] = ()
    attributes: tuple[tuple[str, str], ...] = ()  # ("headquarters", "Japan"), ("chemistry", "NMC, LFP"), ("alias", ...)


@dataclass(frozen=True)
class Segment:
    """One item of a segmentation: by type (with a parsed range when it has one) or by application."""

    kind: str  # type | application
    mention: str
    min: float | None = None
    max: float | None = None
    unit: str | None = None  # mAh, Ah, Wh, kWh, V ... as the range states it


@dataclass(frozen=True)
class RegionListing:
    """A region as the report groups it, with the countries it lists under it."""

    mention: str
    items: tuple[str, ...]  # as written
    countries: tuple[CountryMatch, ...]  # normalised


@dataclass(frozen=True)
class Figure:
    """A number the report states: metric, value, unit, when, about what, how hedged, and the sentence."""

    metric: str  # cagr | market_size | market_share | revenue | growth_rate | volume | percentage
    value: float
    unit: str  # percent | USD | EUR | GBP | CNY | JPY | GWh | MWh ...
    scope_kind: str  # market | other-market | region | country | company | segment
    scope: str  # the scope as the text names it (the market name for the whole market)
    text: str
    qualifier: str | None = None  # exceeding | approximately | at-most | at-least
    year: int | None = None
    period_start: int | None = None
    period_end: int | None = None


@dataclass(frozen=True)
class Statement:
    """A qualitative statement a check can test: "North America and Europe dominate", "X, also known as Y"."""

    kind: str  # dominance | equivalence
    subjects: tuple[str, ...]
    object: str | None  # for dominance: what the subjects lead among (region, segment, company), when known
    text: str
    future: bool = False  # "is expected to dominate by 2032": a forecast, not the report's present


@dataclass(frozen=True)
class Extraction:
    """Everything extracted from one document."""

    document: DocumentInfo
    market: Market
    companies: tuple[CompanyMention, ...]
    segments: tuple[Segment, ...]
    regions: tuple[RegionListing, ...]
    figures: tuple[Figure, ...]
    statements: tuple[Statement, ...]
    warnings: tuple[str, ...]
