"""Checks that span records: references, duplicates, dates, ownership cycles and shares.

Each check raises a :class:`~kg.errors.DataError` that names the file, line
and field of the offending entry.
"""

from __future__ import annotations

import itertools
import re
from collections import defaultdict
from collections.abc import Iterable
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

from . import countries
from .errors import DataError
from .records import Concept, PartialDate, ReferenceData, Stake

_WIKIDATA = re.compile(r"^Q[1-9][0-9]*$")
_NO_OTHER = ("bankruptcy", "dissolved")
_NEEDS_OTHER = ("spun-off-from", "acquired-by", "business-acquired-by", "assets-sold-to", "merged-into", "bid-failed")


def _is_country(code: str) -> bool:
    try:
        countries.country(code)
    except KeyError:
        return False
    return True


_KIND_NAMES = {"Organization": "organisation", "Plant": "plant", "Agreement": "agreement"}


def _no_duplicates(items: Iterable, what: str | None = None) -> None:
    """No two items share an id; ``what`` names them (default: by record type)."""
    seen: dict[str, object] = {}
    for item in items:
        if item.id in seen:
            kind = what or _KIND_NAMES.get(type(item).__name__, "")
            raise DataError(f"duplicate {kind} id {item.id!r} (first defined at {seen[item.id]})", item.location)
        seen[item.id] = item.location


def _concept_refs(concepts: tuple[Concept, ...], scheme: str) -> set[str]:
    ids = {c.id for c in concepts}
    for concept in concepts:
        if concept.broader and concept.broader not in ids:
            raise DataError(f"unknown broader {scheme} {concept.broader!r}", concept.location)
        for narrower in concept.narrower:
            if narrower not in ids:
                raise DataError(f"unknown narrower {scheme} {narrower!r}", concept.location)
    return ids


def _shares_fit(owned: str, stakes: list[Stake]) -> None:
    """The shares held in one organisation at any moment add up to at most 100 %."""
    with_share = [s for s in stakes if s.share is not None]
    years = sorted({s.start.year for s in with_share if s.start} | {s.end.year for s in with_share if s.end})
    for year in years or [0]:
        active = [s for s in with_share if s.active_in(year)] if years else with_share
        total = sum(s.share or 0 for s in active)
        if total > 100 + 1e-9:
            owners = ", ".join(f"{s.owner} {s.share:g}%" for s in active)
            raise DataError(f"stakes in {owned!r} add up to {total:g}% in {year} ({owners})", active[-1].location)


def _no_control_cycle(stakes: tuple[Stake, ...]) -> None:
    """No organisation controls itself, directly or through others, at the same time."""
    controlling = [stake for stake in stakes if stake.controlling]
    # The chains can only change at a start or an end, so checking those years checks them all.
    years = sorted({d.year for stake in controlling for d in (stake.start, stake.end) if d}) or [0]
    for year in years:
        active = [stake for stake in controlling if stake.active_in(year)] if year else controlling
        owners: dict[str, set[str]] = defaultdict(set)
        for stake in active:
            owners[stake.owned].add(stake.owner)
        try:
            tuple(TopologicalSorter(owners).static_order())
        except CycleError as error:
            cycle = error.args[1]
            first = next(s for s in active if s.owned == cycle[0] and s.owner == cycle[1])
            chain = " -> ".join(reversed(cycle))
            message = f"ownership cycle in {year}: {chain} control each other at the same time"
            raise DataError(message, first.location) from None


def _ordered(start: PartialDate | None, end: PartialDate | None, what: str, location) -> None:
    if start and end and end.before(start):
        raise DataError(f"{what} ends ({end}) before it starts ({start})", location)


def _plants_and_agreements(data: ReferenceData, org_ids: set[str], chemistry_ids: set[str]) -> None:
    """Every organisation, chemistry, country and plant a plant or an agreement names exists."""
    for plant in data.plants:
        for operator in plant.operators:
            if operator.org not in org_ids:
                raise DataError(f"unknown organisation {operator.org!r}", operator.location)
            _ordered(operator.start, operator.end, "the operation", operator.location)
        if not _is_country(plant.site.country):
            raise DataError(f"invalid ISO 3166-1 alpha-2 country code {plant.site.country!r}", plant.site.location)
        for fact in plant.chemistries:
            if fact.value not in chemistry_ids:
                raise DataError(f"unknown chemistry {fact.value!r}", fact.location)
        for before, after in itertools.pairwise(plant.status):
            if before.since and after.since and after.since.before(before.since):
                raise DataError(
                    f"status history out of order: {after.status} since {after.since} after "
                    f"{before.status} since {before.since} (oldest first)",
                    after.location,
                )
        for figure in plant.capacity:
            if figure.unit == "gwh" and plant.product not in ("cells", "modules"):
                raise DataError(f"a {plant.product} plant's capacity is in tonnes, not GWh", figure.location)
    plant_ids = {plant.id for plant in data.plants}
    for agreement in data.agreements:
        for party in agreement.parties:
            if party.org not in org_ids:
                raise DataError(f"unknown organisation {party.org!r}", party.location)
        if agreement.plant is not None and agreement.plant not in plant_ids:
            raise DataError(f"unknown plant {agreement.plant!r}", agreement.location)
        _ordered(agreement.start, agreement.end, "the agreement", agreement.location)


def validate(data: ReferenceData, data_dir: Path | None = None) -> None:
    """Check the whole of the reference data; raise on the first problem."""
    # one namespace of ids for organisations, plants and agreements, so an id names one thing
    _no_duplicates((*data.organizations, *data.plants, *data.agreements))
    _no_duplicates(data.sources, "source")
    chemistry_ids = _concept_refs(data.chemistries, "chemistry")
    application_ids = _concept_refs(data.applications, "application")
    _concept_refs(data.regions, "region")
    area_codes = _concept_refs(data.m49_areas, "M49 area")
    for region in data.regions:
        for code in region.m49_include + region.m49_exclude:
            if code not in area_codes:
                raise DataError(f"unknown M49 area {code!r} (not in m49_areas)", region.location)
    schemes = (
        ("chemistry", data.chemistries),
        ("application", data.applications),
        ("region", data.regions),
        ("M49 area", data.m49_areas),
    )
    for scheme, concepts in schemes:
        _no_duplicates(concepts, scheme)

    org_ids = {org.id for org in data.organizations}
    by_owned: dict[str, list[Stake]] = defaultdict(list)
    for org in data.organizations:
        if org.headquarters and not _is_country(str(org.headquarters.value)):
            raise DataError(
                f"invalid ISO 3166-1 alpha-2 country code {org.headquarters.value!r}", org.headquarters.location
            )
        if org.wikidata and not _WIKIDATA.match(str(org.wikidata.value)):
            raise DataError(f"invalid Wikidata id {org.wikidata.value!r}", org.wikidata.location)
        for fact in org.chemistries:
            if fact.value not in chemistry_ids:
                raise DataError(f"unknown chemistry {fact.value!r}", fact.location)
        for fact in org.applications:
            if fact.value not in application_ids:
                raise DataError(f"unknown application {fact.value!r}", fact.location)
        for stake in org.owners:
            if stake.owner not in org_ids:
                raise DataError(f"unknown owner {stake.owner!r}", stake.location)
            if stake.owner == org.id:
                raise DataError(f"{org.id!r} cannot own itself", stake.location)
            if stake.start and stake.end and stake.end.before(stake.start):
                raise DataError(f"stake ends ({stake.end}) before it starts ({stake.start})", stake.location)
            by_owned[org.id].append(stake)
        for event in org.events:
            if event.other is not None and event.other not in org_ids:
                raise DataError(f"unknown organisation {event.other!r}", event.location)
            if event.kind in _NEEDS_OTHER and event.other is None:
                raise DataError(f"a {event.kind} event names the 'other' organisation", event.location)
            if event.kind in _NO_OTHER and event.other is not None:
                raise DataError(f"a {event.kind} event has no 'other' organisation", event.location)
            if event.signed and event.date and event.date.before(event.signed):
                raise DataError(
                    f"the event takes effect ({event.date}) before it was signed ({event.signed})", event.location
                )
    for owned, stakes in by_owned.items():
        _shares_fit(owned, stakes)
    _no_control_cycle(data.stakes)
    _plants_and_agreements(data, org_ids, chemistry_ids)

    if data_dir is not None:
        registered = (Path(data_dir) / "sources").resolve()
        for document in data.sources:
            path = Path(data_dir) / document.file
            if not path.is_file():
                raise DataError(f"source file {document.file!r} not found under {data_dir}", document.location)
            if not path.resolve().is_relative_to(registered):
                # a symbolic link under sources/ must not pull another file of the machine into the graph
                raise DataError(f"source file {document.file!r} leads outside {registered}", document.location)
