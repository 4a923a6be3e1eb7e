"""What the build works out so that queries stay simple and fast.

* **Control periods.** SPARQL property paths cannot filter each hop by date, so
  "the parent chain of X as of year Y" is computed here once: for every
  organisation, the periods in which its chain of controlling owners did not
  change, each controller with its depth and whether it was the ultimate one.
* **Current structure** as W3C ORG / schema.org edges (direct and transitive).
* **Group membership**: the organisations whose plants, capacity, chemistries and
  agreements roll up to a group: those it controls and the joint ventures it or
  a company it controls is a partner in, each over the years it held.
* **Geography**: names, codes and region membership (UN M49 areas and market
  regions) of every country the dataset mentions.
* **Concept hierarchies**: ``skos:broaderTransitive`` from every concept to each
  concept above it, so "LFP or anything under it" is one triple pattern: a
  ``skos:broader*`` path inside an ``EXISTS`` is read for every node of the graph
  when the concept is not given on Oxigraph, and does not compile when nested on
  Virtuoso (docs/scale.md).

>>> from kg.records import Organization, PartialDate, Stake
>>> stake = Stake("wanxiang", "a123", "parent", 100, PartialDate(2013), None, ("https://example.org",))
>>> periods = control_periods([stake])
>>> [(p.controlled, p.controller, p.depth, p.from_year, p.until_year, p.ultimate) for p in periods]
[('a123', 'wanxiang', 1, 2013, None, True)]
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from rdflib import Graph, Literal, URIRef

from . import countries
from .namespaces import BKG, ID, ORG, RDF, RDFS, SDO, SKOS, iri
from .records import Concept, Stake
from .triples import concept_iri


@dataclass(frozen=True)
class ControlPeriod:
    """``controller`` controlled ``controlled`` at ``depth`` from ``from_year`` until (not including) ``until_year``."""

    controlled: str
    controller: str
    depth: int
    from_year: int | None  # None: since before any dated change
    until_year: int | None  # None: still so
    ultimate: bool


def _chain_at(company: str, year: int | None, owners: dict[str, list[Stake]]) -> dict[str, tuple[int, bool]]:
    """Controllers of ``company`` in ``year`` (None = before every change) -> (depth, ultimate)."""

    def parents(org: str) -> list[str]:
        found = []
        for stake in owners.get(org, ()):
            active = stake.start is None if year is None else stake.active_in(year)
            if active:
                found.append(stake.owner)
        return found

    result: dict[str, tuple[int, bool]] = {}
    frontier, depth = [company], 0
    while frontier:
        depth += 1
        next_frontier = []
        for org in frontier:
            for parent in parents(org):
                if parent not in result and parent != company:
                    result[parent] = (depth, not parents(parent))
                    next_frontier.append(parent)
        frontier = next_frontier
    return result


def control_periods(stakes: Iterable[Stake]) -> list[ControlPeriod]:
    """Every (controlled, controller, depth) with the years it held, merged into maximal periods."""
    owners: dict[str, list[Stake]] = defaultdict(list)
    for stake in stakes:
        if stake.controlling:
            owners[stake.owned].append(stake)

    periods: list[ControlPeriod] = []
    for company in sorted(owners):
        # Only changes somewhere up this company's chain can change its chain.
        seen, todo, changes = {company}, [company], set[int]()
        while todo:
            for stake in owners.get(todo.pop(), ()):
                changes.update(d.year for d in (stake.start, stake.end) if d)
                if stake.owner not in seen:
                    seen.add(stake.owner)
                    todo.append(stake.owner)
        bounds: list[int | None] = [None, *sorted(changes)]
        open_since: dict[tuple[str, int, bool], int | None] = {}
        for year in bounds:
            chain = _chain_at(company, year, owners)
            current = {(p, d, u) for p, (d, u) in chain.items()}
            for key in list(open_since):
                if key not in current:
                    periods.append(ControlPeriod(company, key[0], key[1], open_since.pop(key), year, key[2]))
            for key in current:
                open_since.setdefault(key, year)
        for (controller, depth, ultimate), since in open_since.items():
            periods.append(ControlPeriod(company, controller, depth, since, None, ultimate))
    return sorted(periods, key=lambda p: (p.controlled, p.from_year or 0, p.depth, p.controller))


def _direct_parents(periods: list[ControlPeriod]) -> dict[ControlPeriod, str]:
    """The direct parent through which each period's controller held control, where one held throughout.

    Periods split wherever a chain changes, so a depth-1 period of the same company covers the whole of
    each period in which the direct parent stayed the same. Written on the period (``bkg:directParent``),
    it spares the queries a join over every depth-1 period (bench/: 130 ms at 1M triples).
    """
    direct: dict[str, list[ControlPeriod]] = defaultdict(list)
    for period in periods:
        if period.depth == 1:
            direct[period.controlled].append(period)
    found = {}
    for period in periods:
        for parent in direct.get(period.controlled, ()):
            starts_before = parent.from_year is None or (
                period.from_year is not None and parent.from_year <= period.from_year
            )
            ends_after = parent.until_year is None or (
                period.until_year is not None and period.until_year <= parent.until_year
            )
            if starts_before and ends_after:
                found[period] = parent.controller
    return found


def add_control(graph: Graph, stakes: Iterable[Stake]) -> Graph:
    """Add control periods (with the direct parent of each), current parent edges and ``bkg:ParentGroup`` types."""
    periods = control_periods(stakes)
    direct_parents = _direct_parents(periods)
    for period in periods:
        since = str(period.from_year) if period.from_year is not None else "start"
        node = iri("control", f"{period.controlled}--{period.controller}--{since}")
        controlled, controller = iri("company", period.controlled), iri("company", period.controller)
        graph.add((node, RDF.type, BKG.Control))
        graph.add((node, BKG.controlled, controlled))
        graph.add((node, BKG.controller, controller))
        graph.add((node, BKG.depth, Literal(period.depth)))
        graph.add((node, BKG.ultimate, Literal(period.ultimate)))
        if period in direct_parents:
            graph.add((node, BKG.directParent, iri("company", direct_parents[period])))
        if period.from_year is not None:
            graph.add((node, BKG.fromYear, Literal(period.from_year)))
        if period.until_year is not None:
            graph.add((node, BKG.untilYear, Literal(period.until_year)))
        graph.add((controller, RDF.type, BKG.ParentGroup))
        if period.until_year is None:
            graph.add((controlled, ORG.transitiveSubOrganizationOf, controller))
            if period.depth == 1:
                graph.add((controlled, ORG.subOrganizationOf, controller))
                graph.add((controlled, SDO.parentOrganization, controller))
                graph.add((controller, SDO.subOrganization, controlled))
    return graph


@dataclass(frozen=True)
class Membership:
    """``member`` rolls up to ``group`` (``via`` control or a joint venture) from ``from_year`` until ``until_year``.

    >>> from kg.records import PartialDate, Stake
    >>> jv = Stake("ford", "blueoval-sk", "joint-venture", 50, PartialDate(2021), PartialDate(2025), ("https://x.org",))
    >>> sk = Stake("sk-innovation", "sk-on", "parent", 100, PartialDate(2021), None, ("https://x.org",))
    >>> jv2 = Stake("sk-on", "blueoval-sk", "joint-venture", 50, PartialDate(2022), PartialDate(2025), ("https://x.org",))
    >>> for m in memberships([jv, sk, jv2]):
    ...     print(m.member, m.group, m.via, m.from_year, m.until_year)
    blueoval-sk ford joint-venture 2021 2025
    blueoval-sk sk-innovation joint-venture 2022 2025
    blueoval-sk sk-on joint-venture 2022 2025
    sk-on sk-innovation control 2021 None
    """

    member: str
    group: str
    via: str  # self | control | joint-venture
    from_year: int | None
    until_year: int | None


Years = tuple[int | None, int | None]  # from (inclusive) and until (exclusive); None = unbounded


def _overlap(a: Years, b: Years) -> Years | None:
    """The years two periods share (None = unbounded), or None when they do not meet."""
    starts = [y for y in (a[0], b[0]) if y is not None]
    ends = [y for y in (a[1], b[1]) if y is not None]
    start, end = (max(starts) if starts else None), (min(ends) if ends else None)
    return None if start is not None and end is not None and start >= end else (start, end)


def memberships(stakes: Iterable[Stake]) -> list[Membership]:
    """Who rolls up to whom: control periods, and joint ventures to their partners and the partners' controllers."""
    stakes = tuple(stakes)
    control = control_periods(stakes)
    controllers: dict[str, list[ControlPeriod]] = defaultdict(list)
    for period in control:
        controllers[period.controlled].append(period)
    found = {Membership(p.controlled, p.controller, "control", p.from_year, p.until_year) for p in control}
    for stake in stakes:
        if stake.kind != "joint-venture":
            continue
        held = (stake.start.year if stake.start else None, stake.end.year if stake.end else None)
        if held[0] is not None and held[1] is not None and held[0] >= held[1]:
            continue  # began and ended within one year: never held on a 31 December
        found.add(Membership(stake.owned, stake.owner, "joint-venture", *held))
        for period in controllers.get(stake.owner, ()):
            shared = _overlap(held, (period.from_year, period.until_year))
            if shared is not None and period.controller != stake.owned:
                found.add(Membership(stake.owned, period.controller, "joint-venture", *shared))
    return _merged(found)


def _merged(found: Iterable[Membership]) -> list[Membership]:
    """One membership per member, group and unbroken run of years: a group can reach a joint venture
    both through its own stake and through a subsidiary's, and each year must count once. A run that
    control reaches in any part is ``control``, the stronger tie."""
    by_pair: dict[tuple[str, str], list[Membership]] = defaultdict(list)
    for m in found:
        by_pair[(m.member, m.group)].append(m)
    merged = []
    for (member, group), runs in by_pair.items():
        runs.sort(key=lambda m: -1 if m.from_year is None else m.from_year)
        current = runs[0]
        for m in runs[1:]:
            touches = current.until_year is None or (m.from_year is not None and m.from_year <= current.until_year)
            if not touches:
                merged.append(current)
                current = m
                continue
            until = (
                None if current.until_year is None or m.until_year is None else max(current.until_year, m.until_year)
            )
            via = "control" if "control" in (current.via, m.via) else current.via
            current = Membership(member, group, via, current.from_year, until)
        merged.append(current)
    return sorted(merged, key=lambda m: (m.member, m.group, m.from_year or 0, m.until_year or 9999))


def add_memberships(graph: Graph, stakes: Iterable[Stake], organizations: Iterable[str] = ()) -> Graph:
    """Add ``bkg:GroupMembership`` nodes (``bkg:member`` rolls up to ``bkg:group`` from/until a year), one
    ``self`` membership for each of ``organizations``, and ``member bkg:rollsUpTo group`` edges for the
    memberships to another organisation that still hold."""
    # every organisation is a member of its own group ("self"), so "a company or its group" is one pattern
    own = [Membership(org, org, "self", None, None) for org in organizations]
    for m in [*own, *memberships(stakes)]:
        since = str(m.from_year) if m.from_year is not None else "start"
        until = str(m.until_year) if m.until_year is not None else "now"
        node = iri("membership", f"{m.member}--{m.group}--{since}--{until}")
        graph.add((node, RDF.type, BKG.GroupMembership))
        graph.add((node, BKG.member, iri("company", m.member)))
        graph.add((node, BKG.group, iri("company", m.group)))
        graph.add((node, BKG.via, Literal(m.via)))
        if m.from_year is not None:
            graph.add((node, BKG.fromYear, Literal(m.from_year)))
        if m.until_year is not None:
            graph.add((node, BKG.untilYear, Literal(m.until_year)))
        elif m.via != "self":
            # the current roll-up as one edge, so questions about now need no year filters
            graph.add((iri("company", m.member), BKG.rollsUpTo, iri("company", m.group)))
    return graph


_COUNTRY_PREFIX = str(ID["country/"])


def add_geography(graph: Graph, mentioned: Iterable[URIRef], regions: Iterable[Concept]) -> Graph:
    """Describe every country IRI in ``mentioned``: names, ISO and M49 codes, regions it belongs to."""
    regions = tuple(regions)
    for node in sorted(set(mentioned)):
        if not str(node).startswith(_COUNTRY_PREFIX):
            continue
        try:
            entry = countries.country(str(node)[len(_COUNTRY_PREFIX) :])
        except KeyError:
            continue  # the loader and ingest reject unknown codes; nothing to describe here
        graph.add((node, RDF.type, SDO.Country))
        graph.add((node, RDFS.label, Literal(entry.name)))
        graph.add((node, SKOS.prefLabel, Literal(entry.name, lang="en")))
        graph.add((node, SKOS.notation, Literal(entry.iso2)))
        graph.add((node, BKG.iso3, Literal(entry.iso3)))
        graph.add((node, BKG.m49, Literal(entry.m49)))
        for code in entry.areas:
            graph.add((node, BKG.inRegion, concept_iri("m49", code)))
        for region_id in countries.market_regions(entry.iso2, regions):
            graph.add((node, BKG.inRegion, iri("region", region_id)))
    return graph


def add_broader_transitive(graph: Graph, schemes: Mapping[str, Iterable[Concept]]) -> Graph:
    """Add ``concept skos:broaderTransitive ancestor`` for every concept of ``schemes`` (scheme id to concepts)
    and each concept above it, through its broader concept and the umbrellas that list it."""
    for scheme, concepts in schemes.items():
        above: dict[str, set[str]] = defaultdict(set)
        for concept in concepts:
            if concept.broader:
                above[concept.id].add(concept.broader)
            for narrower in concept.narrower:
                above[narrower].add(concept.id)
        for concept_id in sorted(above):
            seen: set[str] = set()
            waiting = list(above[concept_id])
            while waiting:
                ancestor = waiting.pop()
                if ancestor not in seen:
                    seen.add(ancestor)
                    waiting.extend(above.get(ancestor, ()))
            for ancestor in sorted(seen - {concept_id}):
                graph.add((concept_iri(scheme, concept_id), SKOS.broaderTransitive, concept_iri(scheme, ancestor)))
    return graph
