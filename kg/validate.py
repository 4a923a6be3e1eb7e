"""Checks that span records: references, duplicates, dates, ownership cycles and shares.

Each check raises a :class:`~kg.errors.DataError` that names the file, line
and field of the offending entry.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

from . import countries
from .errors import DataError
from .records import Concept, ReferenceData, Stake

_WIKIDATA = re.compile(r"^Q[1-9][0-9]*$")


def _is_country(code: str) -> bool:
    try:
        countries.country(code)
    except KeyError:
        return False
    return True


def _no_duplicates(items: Iterable, what: str) -> None:
    seen = {}
    for item in items:
        if item.id in seen:
            raise DataError(f"duplicate {what} id {item.id!r} (first defined at {seen[item.id]})", item.location)
        seen[item.id] = item.location


def _concept_refs(concepts: tuple[Concept, ...], scheme: str) -> set[str]:
    ids = {c.id for c in concepts}
    for concept in concepts:
        if concept.broader and concept.broader not in ids:
            raise DataError(f"unknown broader {scheme} {concept.broader!r}", concept.location)
    return ids


def _shares_fit(owned: str, stakes: list[Stake]) -> None:
    """The shares held in one organisation at any moment add up to at most 100 %."""
    with_share = [s for s in stakes if s.share is not None]
    years = sorted({s.start.year for s in with_share if s.start} | {s.end.year for s in with_share if s.end})
    for year in years or [0]:
        active = [s for s in with_share if s.active_in(year)] if years else with_share
        total = sum(s.share for s in active)
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
            raise DataError(f"ownership cycle in {year}: {chain} control each other at the same time", first.location)


def validate(data: ReferenceData, data_dir: Path | None = None) -> None:
    """Check the whole of the reference data; raise on the first problem."""
    _no_duplicates(data.organizations, "organisation")
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
        if org.headquarters and not _is_country(org.headquarters.value):
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
            if stake.start and stake.end and stake.end.sort_key() < stake.start.sort_key():
                raise DataError(f"stake ends ({stake.end}) before it starts ({stake.start})", stake.location)
            by_owned[org.id].append(stake)
        for event in org.events:
            if event.other is not None and event.other not in org_ids:
                raise DataError(f"unknown organisation {event.other!r}", event.location)
    for owned, stakes in by_owned.items():
        _shares_fit(owned, stakes)
    _no_control_cycle(data.stakes)

    if data_dir is not None:
        registered = (Path(data_dir) / "sources").resolve()
        for document in data.sources:
            path = Path(data_dir) / document.file
            if not path.is_file():
                raise DataError(f"source file {document.file!r} not found under {data_dir}", document.location)
            if not path.resolve().is_relative_to(registered):
                # a symbolic link under sources/ must not pull another file of the machine into the graph
                raise DataError(f"source file {document.file!r} leads outside {registered}", document.location)
