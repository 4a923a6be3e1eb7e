"""Consistency rules over one report's claims and against the curated facts.

Each rule reads the ``Extraction``, its resolutions and the reference data
and returns ``Flag`` records; none of them changes anything. Figures are
compared only when metric, scope, unit and time agree, so a segment growing
faster than the market, or one figure given in two currencies, is no
contradiction.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from ..countries import country, m49_areas, market_regions, normalize
from ..records import Organization, ReferenceData
from .model import Extraction, Figure
from .resolve import Resolution

__all__ = ["RULES", "About", "Flag", "run_checks"]


@dataclass(frozen=True)
class About:
    """What a flag concerns: a figure (by index), a company/country/region/statement/segment mention, or the document."""

    kind: str  # figure | company | country | region | statement | segment | document
    key: str


@dataclass(frozen=True)
class Flag:
    kind: str
    severity: str  # error | warning | info
    message: str
    evidence: tuple[str, ...] = ()
    about: tuple[About, ...] = ()


@dataclass(frozen=True)
class _Input:
    extraction: Extraction
    resolutions: dict[tuple[str, str], Resolution]
    reference: ReferenceData

    def resolved(self, kind: str, mention: str) -> Resolution | None:
        found = self.resolutions.get((kind, mention))
        return found if found is not None and found.status == "resolved" else None

    @property
    def year(self) -> int | None:
        """The year the report speaks from: the start of its forecast period."""
        return self.extraction.market.period_start


def run_checks(extraction: Extraction, resolutions: Iterable[Resolution], reference: ReferenceData) -> tuple[Flag, ...]:
    """Every rule's flags, in rule order."""
    data = _Input(extraction, {(r.kind, r.mention): r for r in resolutions}, reference)
    return tuple(dict.fromkeys(flag for rule in RULES for flag in rule(data)))


# ---------------------------------------------------------------- countries and regions

_NORMALIZATION_SEVERITY = {"unresolved": "warning", "ambiguous": "warning", "assumed": "warning", "split-glued-names": "warning",
                           "joined-split-name": "warning", "misspelling": "info", "abbreviation": "info",
                           "variant-name": "info", "grouping": "info", "residual-grouping": "info"}  # fmt: skip


def country_normalizations(data: _Input) -> list[Flag]:
    """Every country normalisation that changed or assumed something."""
    flags = []
    for listing in data.extraction.regions:
        for match in listing.countries:
            for flag in match.flags:
                flags.append(
                    Flag(
                        f"country-{flag.kind}",
                        _NORMALIZATION_SEVERITY.get(flag.kind, "info"),
                        flag.message,
                        (f"{listing.mention}: {', '.join(listing.items)}",),
                        (About("country", match.mention),),
                    )
                )
    return flags


# Countries that common market definitions put in a region its UN M49 areas do not: Mexico and the Caribbean in
# "North America", Türkiye, Israel and the Caucasus in "Europe", Iran and Pakistan in "Middle East & Africa".
# Listing one there is no error (an info flag says so); a country far outside (Korea under the Middle East) is.
_NEIGHBOURS = {
    "north-america": frozenset({"013", "029", "MX"}),
    "europe": frozenset({"TR", "CY", "IL", "GE", "AM", "AZ", "KZ", "143"}),
    "middle-east-africa": frozenset({"IR", "AF", "PK", "TR"}),
    "asia-pacific": frozenset({"143", "RU", "TR"}),
    "latin-america": frozenset({"MX"}),
}


def _neighbouring(region_id: str, iso2: str) -> bool:
    return bool(_NEIGHBOURS.get(region_id, frozenset()) & {iso2, *m49_areas(iso2)})


def countries_in_wrong_region(data: _Input) -> list[Flag]:
    """A country the report lists under a market region that, by its UN M49 areas, does not contain it.

    A country that common market definitions place there (Mexico in North America) is an ``info``; a country
    far outside the region is an ``error``.
    """
    flags = []
    seen: dict[str, list[str]] = defaultdict(list)
    for listing in data.extraction.regions:
        region = data.resolved("region", listing.mention)
        for match in listing.countries:
            codes = [match.iso2] if match.iso2 else list(match.members)
            for iso2 in codes:
                seen[iso2].append(listing.mention)
                if region is None:
                    continue
                actual = market_regions(iso2, data.reference.regions)
                if region.id not in actual:
                    labels = ", ".join(_region_label(data.reference, r) for r in actual) or "no market region"
                    near = _neighbouring(region.id or "", iso2)
                    flags.append(
                        Flag(
                            "country-in-neighbouring-region" if near else "country-in-wrong-region",
                            "info" if near else "error",
                            f"{match.mention} ({country(iso2).name}, {iso2}) is listed under {listing.mention}, "
                            f"but its UN M49 area ({country(iso2).subregion}) belongs to {labels}"
                            + ("; common market definitions often place it there" if near else ""),
                            (f"{listing.mention}: {', '.join(listing.items)}",),
                            (About("country", match.mention), About("region", listing.mention)),
                        )
                    )
    for iso2, regions in seen.items():
        if len(set(regions)) > 1:
            flags.append(
                Flag(
                    "country-listed-twice",
                    "warning",
                    f"{country(iso2).name} ({iso2}) is listed under {len(set(regions))} regions: {', '.join(dict.fromkeys(regions))}",
                    tuple(regions),
                    tuple(About("region", r) for r in dict.fromkeys(regions)),
                )
            )
    return flags


def _region_label(reference: ReferenceData, region_id: str) -> str:
    return next((r.label for r in reference.regions if r.id == region_id), region_id)


# ---------------------------------------------------------------- figures


def _interval(figure: Figure) -> tuple[float, float]:
    """The values a figure allows: "exceeding 15%" is (15, inf); "4.5%" allows rounding to its last digit."""
    value = figure.value
    text = f"{value:g}"
    half_step = (
        0.5 * 10 ** -(len(text.split(".")[1]) if "." in text else 0) if figure.unit == "percent" else abs(value) * 0.005
    )
    if figure.qualifier == "exceeding":
        return value, math.inf
    if figure.qualifier == "at-least":
        return value, math.inf
    if figure.qualifier == "at-most":
        return -math.inf, value
    if figure.qualifier == "approximately":
        return value * 0.9 - half_step, value * 1.1 + half_step
    return value - half_step, value + half_step


def _scope_key(data: _Input, figure: Figure) -> str:
    if figure.scope_kind == "market":
        return "market"
    if figure.scope_kind == "region":
        region = data.resolved("region", figure.scope)
        return f"region:{region.id if region else figure.scope.casefold()}"
    if figure.scope_kind == "country":
        matches = [m for m in _country_of(figure.scope)]
        return f"country:{matches[0] if matches else figure.scope.casefold()}"
    if figure.scope_kind == "company":
        company = data.resolved("company", figure.scope)
        return f"company:{company.id if company else figure.scope.casefold()}"
    return f"{figure.scope_kind}:{figure.scope.casefold()}"


def _country_of(text: str) -> list[str]:
    return [m.iso2 for m in normalize(text) if m.iso2]


def _overlap(a: Figure, b: Figure) -> bool:
    """Whether two figures speak of the same time (an unstated time overlaps everything)."""
    if a.year is not None and b.year is not None:
        return a.year == b.year
    a_start, a_end = (a.period_start, a.period_end) if a.year is None else (a.year, a.year)
    b_start, b_end = (b.period_start, b.period_end) if b.year is None else (b.year, b.year)
    low = max(a_start or -math.inf, b_start or -math.inf)
    high = min(a_end or math.inf, b_end or math.inf)
    return low <= high


_PAIRWISE_MAX = 60  # figures of one metric and scope compared pair by pair; a longer run is compared by its extremes


def contradictory_figures(data: _Input) -> list[Flag]:
    """Two values for one metric, scope, unit and time that cannot both hold.

    Figures are grouped by metric, unit and scope first; a group of at most ``_PAIRWISE_MAX`` is compared pair
    by pair (times that overlap), a larger one per exact time by its lowest ceiling against its highest floor,
    so a document with thousands of figures is checked in linear time.
    """
    groups: dict[tuple[str, str, str], list[tuple[int, Figure]]] = defaultdict(list)
    for i, figure in enumerate(data.extraction.figures):
        # a share "of the market" whose holder the text does not name cannot be compared with another one
        if figure.metric != "percentage" and not (figure.metric == "market_share" and figure.scope_kind == "market"):
            groups[(figure.metric, figure.unit, _scope_key(data, figure))].append((i, figure))
    pairs: list[tuple[tuple[int, Figure], tuple[int, Figure]]] = []
    for members in groups.values():
        if len(members) <= _PAIRWISE_MAX:
            pairs.extend(
                (a, b) for position, a in enumerate(members) for b in members[position + 1 :] if _overlap(a[1], b[1])
            )
            continue
        by_time: dict[tuple, list[tuple[int, Figure]]] = defaultdict(list)
        for item in members:
            by_time[(item[1].year, item[1].period_start, item[1].period_end)].append(item)
        for same_time in by_time.values():
            lowest_ceiling = min(same_time, key=lambda item: _interval(item[1])[1])
            highest_floor = max(same_time, key=lambda item: _interval(item[1])[0])
            pairs.append((lowest_ceiling, highest_floor))
    flags = []
    for (i, a), (j, b) in pairs:
        (a_low, a_high), (b_low, b_high) = _interval(a), _interval(b)
        if a_high < b_low or b_high < a_low:
            first, second = ((i, a), (j, b)) if i < j else ((j, b), (i, a))
            flags.append(
                Flag(
                    "contradictory-figures",
                    "error",
                    f"{first[1].metric} of {first[1].scope}: {_show(first[1])} and {_show(second[1])} cannot both hold",
                    (first[1].text, second[1].text),
                    (About("figure", str(first[0])), About("figure", str(second[0]))),
                )
            )
    return flags


def _show(figure: Figure) -> str:
    qualifier = f"{figure.qualifier} " if figure.qualifier else ""
    value = f"{figure.value:g}%" if figure.unit == "percent" else f"{figure.value:,.0f} {figure.unit}"
    when = (
        f" in {figure.year}"
        if figure.year
        else f" ({figure.period_start or '…'}–{figure.period_end or '…'})"
        if figure.period_start or figure.period_end
        else ""
    )
    return f"{qualifier}{value}{when}"


def shares_that_do_not_add_up(data: _Input) -> list[Flag]:
    """Regional shares over 100 %, a country's share beside its own region's, a country above its region."""
    shares = [
        (i, f) for i, f in enumerate(data.extraction.figures) if f.metric == "market_share" and f.unit == "percent"
    ]
    regions = [(i, f, data.resolved("region", f.scope)) for i, f in shares if f.scope_kind == "region"]
    countries = [(i, f, next(iter(_country_of(f.scope)), None)) for i, f in shares if f.scope_kind == "country"]
    flags = []
    covered_countries: set[int] = set()
    for ci, cf, iso2 in countries:
        if iso2 is None:
            continue
        containing = set(market_regions(iso2, data.reference.regions))
        for ri, rf, region in regions:
            if region is None or region.id not in containing or not _overlap(cf, rf):
                continue
            covered_countries.add(ci)
            if cf.value > rf.value:
                kind, severity = "country-share-exceeds-region", "error"
                message = f"{cf.scope} is given {cf.value:g}% but its region {rf.scope} only {rf.value:g}%"
            else:
                kind, severity = "overlapping-shares", "warning"
                message = (
                    f"{cf.scope} ({cf.value:g}%) is part of {rf.scope} ({rf.value:g}%): the shares overlap and "
                    f"cannot be added up; {rf.scope} without {cf.scope} would be {rf.value - cf.value:g}%"
                )
            flags.append(Flag(kind, severity, message, tuple(dict.fromkeys((cf.text, rf.text))),
                              (About("figure", str(ci)), About("figure", str(ri)))))  # fmt: skip
    disjoint = [(i, f) for i, f, _ in regions] + [(i, f) for i, f, _ in countries if i not in covered_countries]
    by_time: dict[tuple, list[tuple[int, Figure]]] = defaultdict(list)
    for i, f in disjoint:
        by_time[(f.year, f.period_start, f.period_end)].append((i, f))
    for group in by_time.values():
        total = sum(f.value for _, f in group)
        if total > 100.5:
            flags.append(
                Flag(
                    "shares-exceed-100",
                    "error",
                    f"the shares of {', '.join(f.scope for _, f in group)} add up to {total:g}%",
                    tuple(dict.fromkeys(f.text for _, f in group)),
                    tuple(About("figure", str(i)) for i, _ in group),
                )
            )
    return flags


def _figure_key(data: _Input, figure: Figure) -> str:
    if figure.scope_kind in ("region", "country"):
        region = data.resolved("region", figure.scope)
        if region and region.id:
            return region.id
        iso = _country_of(figure.scope)
        return iso[0] if iso else figure.scope.casefold()
    if figure.scope_kind == "company":
        company = data.resolved("company", figure.scope)
        return company.id if company and company.id else figure.scope.casefold()
    return figure.scope.casefold()


def _subject_key(data: _Input, subject: str, category: str) -> str:
    if category == "region":
        region = data.resolved("region", subject)
        if region and region.id:
            return region.id
        iso = _country_of(subject)
        return iso[0] if iso else subject.casefold()
    if category == "company":
        company = data.resolved("company", subject)
        return company.id if company and company.id else subject.casefold()
    return subject.casefold()


_CATEGORY_KINDS = {"region": ("region", "country"), "segment": ("segment",), "company": ("company",)}


def _leaders(data: _Input, category: str, future: bool) -> dict[str, tuple[int, Figure]]:
    """The report's own shares (else sizes) of one kind of scope, at the time a statement speaks of."""
    start = data.year
    for metric in ("market_share", "market_size"):
        found: dict[str, tuple[int, Figure]] = {}
        for i, f in enumerate(data.extraction.figures):
            if f.metric != metric or f.scope_kind not in _CATEGORY_KINDS[category]:
                continue
            year = f.year if f.year is not None else f.period_end if metric == "market_size" else None
            if year is not None and start is not None and (year > start if not future else year < start):
                continue
            found.setdefault(_figure_key(data, f), (i, f))
        units = {f.unit for _, f in found.values()}
        years = {f.year for _, f in found.values()}
        if len(found) >= 2 and len(units) == 1 and len(years) == 1:
            return found
    return {}


def dominance_against_shares(data: _Input) -> list[Flag]:
    """ "X dominates" (or "X is the largest application") while the report's own figures put another first."""
    flags = []
    for s_index, statement in enumerate(data.extraction.statements):
        if statement.kind != "dominance":
            continue
        category = statement.object or "region"
        shares = _leaders(data, category, statement.future)
        if category == "region":
            # countries are compared with countries and regions with regions: China leads inside Asia-Pacific
            countries = [bool(_country_of(subject)) for subject in statement.subjects]
            kind = "country" if all(countries) else "region" if not any(countries) else None
            shares = {k: v for k, v in shares.items() if v[1].scope_kind == kind}
            if len(shares) < 2:
                continue
        if not shares:
            continue
        dominant = {_subject_key(data, subject, category) for subject in statement.subjects}
        leader, (leader_index, leader_figure) = max(shares.items(), key=lambda item: item[1][1].value)
        stated = [(k, shares[k]) for k in sorted(dominant) if k in shares]
        if leader in dominant or not stated or all(f.value >= leader_figure.value for _, (_, f) in stated):
            continue
        what = "share" if leader_figure.metric == "market_share" else "market"
        flags.append(
            Flag(
                "statement-contradicts-figures",
                "error",
                f"the report says {' and '.join(statement.subjects)} dominate, but its own figures give "
                f"{leader_figure.scope} the largest {what} ({_show(leader_figure)} against "
                + ", ".join(f"{f.scope} {_show(f)}" for _, (_, f) in stated)
                + ")",
                tuple(dict.fromkeys((statement.text, leader_figure.text, *(f.text for _, (_, f) in stated)))),
                (
                    About("statement", str(s_index)),
                    About("figure", str(leader_index)),
                    *(About("figure", str(i)) for _, (i, _) in stated),
                ),
            )
        )
    return flags


def competing_largest_claims(data: _Input) -> list[Flag]:
    """Two statements naming different leaders of the same kind (region, segment, company) for the same time."""
    flags = []
    claims = [
        (i, s) for i, s in enumerate(data.extraction.statements) if s.kind == "dominance" and len(s.subjects) == 1
    ]
    claims = claims[:_PAIRWISE_MAX]  # leadership claims are few in a real report; a flood of them is not compared
    for position, (i, a) in enumerate(claims):
        for j, b in claims[position + 1 :]:
            category = a.object or "region"
            if (b.object or "region") != category or a.future != b.future or a.text == b.text:
                continue  # one sentence contrasting two leaders ("X is ..., while Y was ... in 2023") is no conflict
            years_a, years_b = (
                set(re.findall(r"\b(?:19|20)\d\d\b", a.text)),
                set(re.findall(r"\b(?:19|20)\d\d\b", b.text)),
            )
            if years_a and years_b and not years_a & years_b:
                continue
            key_a, key_b = _subject_key(data, a.subjects[0], category), _subject_key(data, b.subjects[0], category)
            if key_a == key_b or _inside(data, key_a, key_b) or _inside(data, key_b, key_a):
                continue
            flags.append(
                Flag(
                    "competing-largest-claims",
                    "error",
                    f"the report names two leaders: {a.subjects[0]} and {b.subjects[0]} ({category})",
                    (a.text, b.text),
                    (About("statement", str(i)), About("statement", str(j))),
                )
            )
    return flags


def _inside(data: _Input, part: str, whole: str) -> bool:
    """Whether a country code lies in a market region (China leading inside Asia-Pacific is no competing claim)."""
    return len(part) == 2 and part.isupper() and whole in market_regions(part, data.reference.regions)


def parts_above_total(data: _Input) -> list[Flag]:
    """A region's, country's or segment's market size above the whole market's for the same time and unit."""
    figures = list(enumerate(data.extraction.figures))
    largest: dict[tuple, tuple[int, Figure]] = {}
    for i, f in figures:
        if f.metric == "market_size" and f.scope_kind == "market":
            key = (f.unit, f.year, f.period_start, f.period_end)
            if key not in largest or _interval(f)[1] > _interval(largest[key][1])[1]:
                largest[key] = (i, f)
    totals = list(largest.values())  # a part is compared with the most generous total the report gives
    flags = []
    for i, part in figures:
        if part.metric != "market_size" or part.scope_kind not in ("region", "country", "segment"):
            continue
        for j, total in totals:
            if (
                total.unit != part.unit
                or (part.year, part.period_start, part.period_end) != (total.year, total.period_start, total.period_end)
                or (part.year is None and part.period_end is None)
            ):
                continue
            low, _ = _interval(part)
            _, high = _interval(total)
            if low > high:
                flags.append(
                    Flag(
                        "part-exceeds-total",
                        "error",
                        f"{part.scope} is given {_show(part)}, more than the whole market's {_show(total)}",
                        tuple(dict.fromkeys((part.text, total.text))),
                        (About("figure", str(i)), About("figure", str(j))),
                    )
                )
    return flags


def share_sums(data: _Input) -> list[Flag]:
    """Company shares, or shares of one segmentation, that add up to more than 100 % for the same time."""
    kinds = {s.mention.casefold(): s.kind for s in data.extraction.segments}
    groups: dict[tuple, list[tuple[int, Figure]]] = defaultdict(list)
    for i, f in enumerate(data.extraction.figures):
        if f.metric != "market_share" or f.unit != "percent" or f.qualifier in ("exceeding", "at-least"):
            continue
        if f.scope_kind == "company":
            group = "company"
        elif f.scope_kind == "segment" and f.scope.casefold() in kinds:
            group = kinds[f.scope.casefold()]
        else:
            continue
        groups[(group, f.year, f.period_start, f.period_end)].append((i, f))
    flags = []
    for (group, *_), members in groups.items():
        unique = {_figure_key(data, f): (i, f) for i, f in members}
        total = sum(f.value for _, f in unique.values())
        if len(unique) >= 2 and total > 100.5:
            flags.append(
                Flag(
                    "shares-exceed-100",
                    "error",
                    f"the {group} shares of {', '.join(f.scope for _, f in unique.values())} add up to {total:g}%",
                    tuple(dict.fromkeys(f.text for _, f in unique.values())),
                    tuple(About("figure", str(i)) for i, _ in unique.values()),
                )
            )
    return flags


def figure_scope_differs(data: _Input) -> list[Flag]:
    """A figure about another (usually broader) market than the report's own."""
    return [
        Flag(
            "figure-scope-differs",
            "warning",
            f"this {figure.metric} is about the '{figure.scope}', not the report's market "
            f"'{data.extraction.market.name or data.extraction.market.product}'",
            (figure.text,),
            (About("figure", str(i)),),
        )
        for i, figure in enumerate(data.extraction.figures)
        if figure.scope_kind == "other-market"
    ]


# ---------------------------------------------------------------- against curated facts


def _ancestors(reference: ReferenceData, concept_id: str | None) -> set[str]:
    parents = {c.id: c.broader for c in reference.chemistries}
    chain = set()
    while concept_id and concept_id not in chain:
        chain.add(concept_id)
        concept_id = parents.get(concept_id)
    return chain


def chemistry_equivalence(data: _Input) -> list[Flag]:
    """ "X, also known as Y" where the curated hierarchy says X and Y are different chemistries."""
    flags = []
    for index, statement in enumerate(data.extraction.statements):
        if statement.kind != "equivalence" or not statement.object:
            continue
        a = data.resolved("chemistry", statement.subjects[0])
        b = data.resolved("chemistry", statement.object)
        if a is None or b is None or a.id == b.id:
            continue
        if a.id in _ancestors(data.reference, b.id) or b.id in _ancestors(data.reference, a.id):
            continue
        flags.append(
            Flag(
                "contradicts-curated-chemistry",
                "error",
                f"the report equates {statement.subjects[0]!r} ({a.label}) with {statement.object!r} ({b.label}); "
                f"in the curated chemistry hierarchy neither is a kind of the other",
                (statement.text,),
                (About("statement", str(index)),),
            )
        )
    return flags


def ended_entities(data: _Input) -> list[Flag]:
    """Companies the report presents as current players although the curated data says they ended or changed hands."""
    year = data.year
    if year is None:
        return []
    flags = []
    orgs = {org.id: org for org in data.reference.organizations}
    for company in data.extraction.companies:
        resolution = data.resolved("company", company.mention)
        if resolution is None or resolution.id is None or company.context == "relation":
            continue
        org = orgs[resolution.id]
        stated = {
            target.id
            for relation in company.relations
            if (target := data.resolved("company", relation.object)) is not None and target.id is not None
        }
        evidence = company.sentences[:2]
        about = (About("company", company.mention),)
        for kind, severity, message in _changes(org, orgs, year, stated):
            flags.append(Flag(kind, severity, f"{company.mention}: {message}", evidence, about))
    return flags


def _changes(
    org: Organization, orgs: dict[str, Organization], year: int, stated: set[str]
) -> list[tuple[str, str, str]]:
    def name(org_id: str | None) -> str:
        return orgs[org_id].name if org_id in orgs else str(org_id)

    past = [e for e in org.events if e.date is not None and e.date.year <= year]
    ended = [e for e in past if e.kind in ("dissolved", "merged-into")]
    if ended:
        event = ended[0]
        what = f"merged into {name(event.other)}" if event.kind == "merged-into" else "dissolved"
        return [("entity-ended", "error", f"curated data: {org.name} {what} in {event.date}")]
    found = [
        (
            "business-sold",
            "warning",
            f"curated data: (part of) {org.name}'s business went to {name(e.other)} in {e.date}",
        )
        for e in past
        if e.kind in ("business-acquired-by", "assets-sold-to") and e.other not in stated
    ]
    joint_venture = [s for s in org.owners if s.kind == "joint-venture"]
    # a former joint venture that lives on under other owners (Samsung SDI began as one) has not ended
    if joint_venture and not any(s.active_in(year) for s in org.owners):
        last = max((s.end.year for s in joint_venture if s.end is not None), default=None)
        if (
            last is not None
            and all(s.end is not None for s in joint_venture)
            and not any(s.start is not None and s.start.year >= last for s in org.owners if s.kind != "joint-venture")
        ):
            found.append(
                ("joint-venture-ended", "error", f"curated data: the joint venture {org.name} ended in {last}")
            )
    for stake in org.owners:
        if stake.kind == "parent" and stake.share == 100 and stake.active_in(year) and stake.owner not in stated:
            found.append(
                (
                    "absorbed-by-parent",
                    "warning",
                    f"curated data: wholly owned by {name(stake.owner)} since {stake.start}",
                )
            )
    return found


_STAKE_KINDS = {"subsidiary-of": ("parent",), "owned-by": ("parent", "minority"), "part-of": ("parent",),
                "joint-venture-of": ("joint-venture",), "affiliate-of": ("minority", "parent", "joint-venture")}  # fmt: skip


def stated_relations(data: _Input) -> list[Flag]:
    """A stated ownership or joint venture that the curated stakes do not show, or show as ended."""
    year = data.year
    flags = []
    for company in data.extraction.companies:
        subject = data.resolved("company", company.mention)
        for relation in company.relations:
            target = data.resolved("company", relation.object)
            if subject is None or target is None or relation.relation not in _STAKE_KINDS:
                continue
            stakes = [s for s in data.reference.stakes if s.owned == subject.id and s.owner == target.id]
            about = (About("company", company.mention), About("company", relation.object))
            if not stakes:
                flags.append(Flag("relation-not-in-curated-data", "info",
                                  f"no curated stake of {target.label} in {subject.label}", (relation.text,), about))  # fmt: skip
            elif year is not None and not any(
                s.active_in(year) for s in stakes if s.kind in _STAKE_KINDS[relation.relation]
            ):
                ended = max((s.end for s in stakes if s.end is not None), key=lambda d: d.sort_key(), default=None)
                when = f" (ended {ended})" if ended else ""
                flags.append(Flag("relation-ended", "warning",
                                  f"the report presents {company.mention} as {relation.relation.replace('-', ' ')} "
                                  f"{relation.object}, but curated data has no such stake active in {year}{when}",
                                  (relation.text,), about))  # fmt: skip
            elif relation.share is not None:
                shares = [s.share for s in stakes if s.share is not None and (year is None or s.active_in(year))]
                if shares and all(abs(share - relation.share) > 1.0 for share in shares):
                    curated = ", ".join(f"{share:g}%" for share in shares)
                    flags.append(Flag("stake-differs-from-curated", "warning",
                                      f"the report gives {target.label} {relation.share:g}% of {subject.label}; "
                                      f"curated data: {curated}", (relation.text,), about))  # fmt: skip
    return flags


RULES: tuple[Callable[[_Input], list[Flag]], ...] = (
    country_normalizations,
    countries_in_wrong_region,
    contradictory_figures,
    shares_that_do_not_add_up,
    dominance_against_shares,
    competing_largest_claims,
    parts_above_total,
    share_sums,
    figure_scope_differs,
    chemistry_equivalence,
    ended_entities,
    stated_relations,
)
