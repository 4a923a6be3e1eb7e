"""Industry-shaped synthetic datasets for the benchmarks, seeded and deterministic.

Sizes: about 10k, 100k and 1M triples (and 2k for the quick smoke run).

A synthetic dataset is what ``kg build`` would make of a much larger ``data/``:
the real ontology and concept schemes (chemistries, applications, market
regions, M49 areas), then made-up organisations run through the **same code
the build uses** (``kg.triples.add_reference`` for labels, sourced facts and
dated ownership stakes, ``kg.inference.add_control`` for control periods and
current parent edges, ``kg.inference.add_geography`` for countries and their
regions; made-up plants and agreements between the made-up organisations go
through ``add_reference`` too), plus report documents whose mentions and market claims sit in one
named graph per document. Nothing is serialised through rdflib: the build's
functions write into a sink that emits N-Quads lines, so 1M triples take
seconds, not minutes.

The shape follows the industry: headquarters skewed towards a few countries
(China, Japan, Korea, the US, Germany) with a long tail over every ISO 3166
country; ownership forests grown by preferential attachment (a few large
groups, many small ones, chains up to six levels), with owner changes,
minority and joint-venture stakes, and dates as precise as sources give them;
plants and agreements in the proportions of ``data/plants/`` and ``data/agreements/``.

>>> graph = generate(3_000, seed=1, path=Path(tempfile.mkdtemp()) / "tiny.nq")
>>> graph.triples == sum(1 for _ in open(graph.path))
True
>>> graph.picks.company.startswith("https://w3id.org/battery-kg/id/company/synth-")
True
"""

from __future__ import annotations

import hashlib
import json
import random
import string
import tempfile
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from kg import countries
from kg.build import DATA_DIR, ONTOLOGY_DIR
from kg.inference import (
    add_broader_transitive,
    add_control,
    add_geography,
    add_memberships,
    control_periods,
    memberships,
)
from kg.loader import load_reference
from kg.namespaces import (
    BKG,
    CURATED_GRAPH,
    DCTERMS,
    INFERRED_GRAPH,
    ONTOLOGY_GRAPH,
    ORG,
    PROV,
    QUDT_UNIT,
    RDF,
    RDFS,
    SDO,
    XSD,
    iri,
    source_graph,
)
from kg.records import (
    Agreement,
    AgreementKind,
    AgreementStatus,
    Capacity,
    LineageEvent,
    Organization,
    PartialDate,
    Party,
    PartyRole,
    Plant,
    PlantOperator,
    PlantStatus,
    ReferenceData,
    Role,
    Site,
    Sourced,
    Stake,
    StatusChange,
    choices,
)
from kg.triples import add_reference

__all__ = ["SIZES", "Picks", "SyntheticGraph", "cached", "generate", "reference_data"]

SIZES = {"2k": 2_000, "10k": 10_000, "100k": 100_000, "1M": 1_000_000, "10M": 10_000_000}

# Bump when the generated shape changes, so cached files are regenerated.
GENERATOR_VERSION = 4

# Triples one organisation brings on average (its facts, stakes, control periods, plants, agreements and
# report mentions), measured on generated data; used to size a dataset to a target.
_TRIPLES_PER_COMPANY = 166
_FIXED_TRIPLES = 2_000  # ontology, concept schemes, countries

# Where headquarters are: industry-heavy countries first, the rest share the remainder.
_HQ_WEIGHTS = {"CN": 30, "JP": 9, "KR": 8, "US": 10, "DE": 5, "FR": 2, "TW": 3, "IN": 3, "GB": 2, "SE": 1}
_HQ_TAIL_SHARE = 0.27
_CHEMISTRY_WEIGHTS = {
    "lfp": 20,
    "nmc": 18,
    "nca": 5,
    "lmfp": 3,
    "lco": 4,
    "lto": 2,
    "lithium-ion": 8,
    "sodium-ion": 4,
    "lead-acid": 8,
    "solid-state-li-ion": 3,
    "li-s": 1,
    "nimh": 2,
}
_APPLICATION_WEIGHTS = {
    "electric-vehicles": 20,
    "energy-storage": 15,
    "consumer-electronics": 12,
    "automotive": 6,
    "industrial": 6,
    "power-tools": 3,
    "medical": 2,
    "e-mobility": 3,
}
_METRICS = (
    ("cagr", QUDT_UNIT.PERCENT),
    ("market_size", QUDT_UNIT.CCY_USD),
    ("market_share", QUDT_UNIT.PERCENT),
    ("revenue", QUDT_UNIT.CCY_USD),
)
_SYLLABLES = [
    "vol",
    "tar",
    "ion",
    "lux",
    "cel",
    "gen",
    "nova",
    "ener",
    "ampe",
    "cath",
    "ode",
    "lith",
    "grid",
    "max",
    "zen",
    "tera",
    "sun",
    "bolt",
    "kor",
    "ra",
]
_SUFFIXES = ("Energy", "Battery", "Power", "Cells", "New Energy", "Technology", "Materials", "Storage")
# Plants and agreements in the seed data's proportions (data/plants/, data/agreements/): about one plant per
# organisation, run by two in five of them with a long tail (a few makers run a dozen), a sixth of them run
# by joint ventures; one agreement per two organisations.
_PLANTS_PER_ORGANIZATION = 0.95
_NEW_OPERATOR = 0.45  # a plant goes to a new operator; otherwise to one in proportion to the plants it runs
_MOST_PLANTS = 15  # the most any one operator runs (CATL, Gotion and BYD run 10-12 in the seed data)
_JOINT_VENTURE_PLANTS = 0.16
_AGREEMENTS_PER_ORGANIZATION = 0.47
_PLANT_COUNTRY_WEIGHTS = {"CN": 56, "US": 38, "HU": 12, "JP": 9, "DE": 8, "FR": 6, "CA": 6, "PL": 6, "SE": 5, "KR": 5}
_PLANT_TAIL_SHARE = 0.17
_PRODUCT_WEIGHTS = {
    "cells": 149,
    "modules": 6,
    "cathode": 9,
    "electrolyte": 6,
    "separator": 5,
    "anode": 4,
    "lithium": 2,
}
_PLANT_CHEMISTRY_WEIGHTS = {
    "lithium-ion": 38,
    "lfp": 24,
    "nmc": 10,
    "solid-state-li-ion": 5,
    "solid-state-li-metal": 4,
    "li-metal-liquid": 3,
    "nca": 2,
    "sodium-ion": 1,
}
# Status histories, oldest first, as often as in the seed data (a few plants have none sourced).
_HISTORIES: dict[tuple[PlantStatus, ...], float] = {
    ("operating",): 35,
    ("announced",): 20,
    ("under-construction",): 10,
    ("announced", "under-construction"): 12,
    ("under-construction", "operating"): 8,
    ("announced", "operating"): 3,
    ("announced", "under-construction", "operating"): 4,
    ("announced", "cancelled"): 4,
    ("announced", "under-construction", "paused"): 2,
    ("operating", "paused"): 1,
    ("operating", "closed"): 1,
    (): 5,
}
_GWH = (0.2, 1, 2, 4, 5, 8, 10, 12, 15, 16.5, 20, 24, 30, 36, 40, 45, 50, 60, 70, 100)
_AGREEMENT_KINDS: dict[AgreementKind, float] = {"supply": 43, "development": 9, "acquisition": 7, "licence": 4}
_ROLES: dict[AgreementKind, tuple[PartyRole, ...]] = {
    "supply": ("supplier", "customer"),
    "development": ("partner", "partner"),
    "licence": ("licensor", "licensee"),
    "acquisition": ("buyer", "seller"),
}
_VERBS = {"supply": "supplies", "development": "develops with", "licence": "licenses to", "acquisition": "buys from"}
_CURRENCIES = {"USD": 10, "KRW": 8, "EUR": 2, "CAD": 2, "CNY": 1, "JPY": 1}


@dataclass(frozen=True)
class Picks:
    """Named-query parameters picked from the generated data (IRIs, or a year).

    ``company`` sits deep in a chain that changed over time and ``year`` is a
    year in which its chain differed from today's; ``group`` controls the most
    companies; the concepts and ``country`` are the most common ones;
    ``report`` makes the most claims; ``text`` is the first word of the
    company's name (for name searches). For the plant, capacity, agreement
    and event questions: ``operator`` runs the most plants, ``operator_group``
    has the most plants among the companies it controls and its joint
    ventures, and the group has capacity in ``plant_country`` (and so in
    ``plant_region``) of ``plant_chemistry`` with a figure as of
    ``plant_year``; ``agreement_kind`` is the group's most common kind of
    agreement.
    """

    company: str
    year: int
    group: str
    chemistry: str
    application: str
    region: str
    country: str
    report: str
    text: str
    operator: str
    operator_group: str
    plant_year: int
    plant_country: str
    plant_region: str
    plant_chemistry: str
    agreement_kind: str


@dataclass(frozen=True)
class SyntheticGraph:
    """A generated N-Quads file and what it holds."""

    path: Path
    target: int
    seed: int
    triples: int
    companies: int
    sources: int
    picks: Picks


class _QuadSink:
    """Stands in for an rdflib ``Graph`` for the build's functions: ``add`` writes an N-Quads line.

    Duplicates are dropped as rdflib would (the build adds ``bkg:ParentGroup`` once per period).
    """

    def __init__(self, out, graph: URIRef, seen: set[str]):
        self._out, self._graph, self._seen = out, f" <{graph}> .\n", seen
        self._sources: dict[Node, None] = {}

    def add(self, triple: tuple[Node, Node, Node]) -> _QuadSink:
        s, p, o = triple
        if p == DCTERMS.source:
            self._sources[o] = None
        line = f"{s.n3()} {p.n3()} {o.n3()}{self._graph}"
        if line not in self._seen:
            self._seen.add(line)
            self._out.write(line)
        return self

    def objects(self, subject: None, predicate: URIRef) -> Iterator[Node]:
        """The ``dct:source`` URLs added so far: the build reads them back to type them by tier."""
        if subject is not None or predicate != DCTERMS.source:
            raise NotImplementedError("the sink remembers only the dct:source objects")
        return iter(list(self._sources))


def _every_country() -> list[str]:
    """Every ISO 3166-1 alpha-2 code kg.countries knows, in code order."""
    found = []
    for a in string.ascii_uppercase:
        for b in string.ascii_uppercase:
            try:
                found.append(countries.country(a + b).iso2)
            except KeyError:
                continue
    return found


def _weighted(rng: random.Random, weights: dict[str, float], k: int = 1) -> list[str]:
    keys = list(weights)
    chosen: list[str] = []
    while len(chosen) < min(k, len(keys)):
        pick = rng.choices(keys, weights=[weights[x] for x in keys])[0]
        if pick not in chosen:
            chosen.append(pick)
    return chosen


def _date(rng: random.Random, year: int) -> PartialDate:
    """A date as precise as a source might give it: the year, the month or the day."""
    precision = rng.random()
    if precision < 0.4:
        return PartialDate(year)
    if precision < 0.75:
        return PartialDate(year, rng.randint(1, 12))
    return PartialDate(year, rng.randint(1, 12), rng.randint(1, 28))


class _Companies:
    """Made-up organisations with ownership forests, as ``kg.records.Organization`` records."""

    def __init__(self, rng: random.Random, count: int, codes: list[str], pages: int):
        self.rng, self.count, self.pages = rng, count, max(pages, 1)
        tail = [c for c in codes if c not in _HQ_WEIGHTS]
        head_total = sum(_HQ_WEIGHTS.values())
        self.hq_weights = {c: w * (1 - _HQ_TAIL_SHARE) / head_total for c, w in _HQ_WEIGHTS.items()}
        self.hq_weights.update({c: _HQ_TAIL_SHARE / len(tail) for c in tail})
        self.tail = tail

    def _source(self) -> tuple[str, ...]:
        return (f"https://example.org/synthetic/page/{self.rng.randrange(self.pages)}",)

    def _name(self, i: int, root: bool) -> str:
        rng = self.rng
        stem = "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()
        suffix = "Group" if root and rng.random() < 0.5 else rng.choice(_SUFFIXES)
        return f"{stem} {suffix} {i}"

    def build(self) -> list[Organization]:
        rng, n = self.rng, self.count
        parent: list[int | None] = [None] * n
        depth = [0] * n
        # Preferential attachment: a company joins a group in proportion to the group's size.
        attach: list[int] = []
        for i in range(n):
            if i > 0 and rng.random() < 0.7:
                for _ in range(4):
                    j = rng.choice(attach) if attach and rng.random() < 0.8 else rng.randrange(i)
                    if depth[j] < 5:
                        parent[i], depth[i] = j, depth[j] + 1
                        attach.append(j)
                        break
            attach.append(i)
        headquarters: list[str] = []
        for i in range(n):
            p = parent[i]
            if p is not None and rng.random() < 0.6:
                headquarters.append(headquarters[p])
            else:
                headquarters.append(_weighted(rng, self.hq_weights)[0])
        return [self._organization(i, parent[i], headquarters[i]) for i in range(n)]

    def _organization(self, i: int, parent: int | None, hq: str) -> Organization:
        rng = self.rng
        key = f"synth-{i:06d}"
        name = self._name(i, parent is None)
        if rng.random() < 0.01:
            return Organization(
                key,
                name,
                status="unresolved",
                candidates=(f"{name} Ltd", f"{name} Inc"),
                reason="two registered companies share this name",
            )
        stakes = self._stakes(i, parent)
        starts = [s.start.year for s in stakes if s.start]
        founded = min(starts, default=rng.randint(1950, 2022)) - rng.randint(0, 12)
        aliases = tuple(f"{name.split()[0].upper()[:4]}{k}" for k in range(rng.choice((0, 0, 1, 2))))
        events = ()
        if i > 10 and rng.random() < 0.03:
            kind = rng.choice(("spun-off-from", "renamed-from", "business-acquired-by"))
            events = (
                LineageEvent(
                    key, kind, f"synth-{rng.randrange(i):06d}", _date(rng, rng.randint(2000, 2023)), self._source()
                ),
            )
        return Organization(
            id=key,
            name=name,
            aliases=aliases,
            headquarters=Sourced(hq, self._source()),
            founded=Sourced(founded, self._source()) if rng.random() < 0.9 else None,
            chemistries=tuple(
                Sourced(c, self._source()) for c in _weighted(rng, _CHEMISTRY_WEIGHTS, rng.randint(1, 3))
            ),
            applications=tuple(
                Sourced(a, self._source()) for a in _weighted(rng, _APPLICATION_WEIGHTS, rng.randint(1, 2))
            ),
            owners=stakes,
            events=events,
        )

    def _stakes(self, i: int, parent: int | None) -> tuple[Stake, ...]:
        """Stakes held in company ``i``: owners always come earlier in the list, so control never cycles."""
        rng, key = self.rng, f"synth-{i:06d}"
        stakes: list[Stake] = []
        held = 0.0
        if parent is not None:
            start = rng.randint(1985, 2022)
            owner = f"synth-{parent:06d}"
            if rng.random() < 0.05:
                stakes.append(Stake(owner, key, "parent", None, None, None, self._source()))
            elif rng.random() < 0.25 and parent > 0 and start > 1990:
                # The company changed hands: an earlier controlling owner until ``start``.
                before = f"synth-{rng.randrange(parent):06d}"
                first = rng.randint(1980, start - 1)
                stakes.append(Stake(before, key, "parent", 100.0, _date(rng, first), _date(rng, start), self._source()))
                stakes.append(Stake(owner, key, "parent", 100.0, _date(rng, start), None, self._source()))
                held = 100.0
            else:
                share = rng.choice((100.0, 100.0, 100.0, float(rng.randint(51, 99))))
                stakes.append(Stake(owner, key, "parent", share, _date(rng, start), None, self._source()))
                held = share
        elif i > 2 and rng.random() < 0.15:
            # A joint venture of two earlier companies, half each: neither controls it.
            a, b = rng.sample(range(i), 2)
            start = _date(rng, rng.randint(1995, 2023))
            for owner in (a, b):
                stakes.append(Stake(f"synth-{owner:06d}", key, "joint-venture", 50.0, start, None, self._source()))
            held = 100.0
        if i > 2 and held < 90 and rng.random() < 0.3:
            owner = rng.randrange(i)
            if owner != parent:
                share = float(rng.randint(2, min(45, int(100 - held))))
                start = rng.randint(1995, 2023)
                end = _date(rng, rng.randint(start + 1, 2025)) if rng.random() < 0.3 else None
                stakes.append(
                    Stake(f"synth-{owner:06d}", key, "minority", share, _date(rng, start), end, self._source())
                )
        return tuple(stakes)


class _Industry:
    """Made-up plants and agreements of the made-up organisations, as ``kg.records`` records."""

    def __init__(self, rng: random.Random, organizations: list[Organization], codes: list[str], pages: int):
        self.rng, self.pages = rng, max(pages, 1)
        self.resolved = [o for o in organizations if o.status == "resolved"]
        self.names = {o.id: o.name for o in self.resolved}
        self.headquarters = {o.id: str(o.headquarters.value) for o in self.resolved if o.headquarters}
        # a joint venture's partners are the owners of its joint-venture stakes
        self.partners = {
            o.id: [s for s in o.owners if s.kind == "joint-venture"]
            for o in self.resolved
            if any(s.kind == "joint-venture" for s in o.owners)
        }
        tail = [c for c in codes if c not in _PLANT_COUNTRY_WEIGHTS]
        head_total = sum(_PLANT_COUNTRY_WEIGHTS.values())
        self.country_weights = {c: w * (1 - _PLANT_TAIL_SHARE) / head_total for c, w in _PLANT_COUNTRY_WEIGHTS.items()}
        self.country_weights.update({c: _PLANT_TAIL_SHARE / len(tail) for c in tail})

    def _source(self) -> tuple[str, ...]:
        return (f"https://example.org/synthetic/page/{self.rng.randrange(self.pages)}",)

    def _place(self) -> str:
        return "".join(self.rng.choice(_SYLLABLES) for _ in range(2)).capitalize()

    def plants(self) -> list[Plant]:
        """About one plant per organisation; operators picked in proportion to the plants they already run."""
        rng = self.rng
        newcomers = [o.id for o in self.resolved if o.id not in self.partners]
        rng.shuffle(newcomers)
        joint_ventures = sorted(self.partners)
        runs: Counter[str] = Counter()
        attach: list[str] = []
        plants = []
        for k in range(round(len(self.resolved) * _PLANTS_PER_ORGANIZATION)):
            if joint_ventures and rng.random() < _JOINT_VENTURE_PLANTS:
                operator = rng.choice(joint_ventures)
            else:
                operator = rng.choice(attach) if attach and rng.random() > _NEW_OPERATOR else ""
                if (not operator or runs[operator] >= _MOST_PLANTS) and newcomers:
                    operator = newcomers.pop()
                attach.append(operator)
            if runs[operator] >= _MOST_PLANTS:
                continue
            runs[operator] += 1
            plants.append(self._plant(k, operator))
        return plants

    def _plant(self, k: int, operator: str) -> Plant:
        rng = self.rng
        product = _weighted(rng, _PRODUCT_WEIGHTS)[0]
        home = self.headquarters.get(operator)
        country = home if home and rng.random() < 0.5 else _weighted(rng, self.country_weights)[0]
        place = self._place()
        site = Site(
            country,
            f"{place} City" if rng.random() < 0.9 else None,
            f"{self._place()} Province" if rng.random() < 0.87 else None,
            None,
            None,
            self._source(),
        )
        chemistries: tuple[Sourced, ...] = ()
        if product == "cells" and rng.random() < 0.55:
            count = 2 if rng.random() < 0.05 else 1
            chemistries = tuple(Sourced(c, self._source()) for c in _weighted(rng, _PLANT_CHEMISTRY_WEIGHTS, count))
        history = rng.choices(list(_HISTORIES), weights=list(_HISTORIES.values()))[0]
        year = rng.randint(2008, 2026 - 2 * len(history))
        status = []
        for state in history:
            status.append(StatusChange(state, _date(rng, year), self._source()))
            year += rng.randint(1, 2)
        operators = self._operators(operator, status)
        capacity = []
        planned = ("announced", "under-construction", "operating")
        for _ in range(rng.choices((0, 1, 2, 3), weights=(32, 46, 18, 4))[0]):
            # a figure dated at a change of status refers to that state; without a history, to the plant as announced
            change = rng.choice(status) if status else None
            as_of = change.since if change and change.since else _date(rng, rng.randint(2015, 2025))
            state = change.status if change and change.status in planned else ("announced" if not change else None)
            if product in ("cells", "modules"):
                value, unit = float(rng.choice(_GWH)), "gwh"
            else:
                value, unit = float(rng.choice((5_000, 10_000, 20_000, 50_000, 100_000))), "tonnes"
            capacity.append(Capacity(value, unit, as_of, state, self._source()))  # type: ignore[arg-type]
        start, planned_start = None, False
        operating = next((c for c in status if c.status == "operating"), None)
        if operating and operating.since and rng.random() < 0.8:
            start = Sourced(operating.since, self._source())
        elif status and status[-1].status in ("announced", "under-construction") and rng.random() < 0.6:
            start, planned_start = Sourced(PartialDate(year + rng.randint(0, 2)), self._source()), True
        return Plant(
            id=f"synth-plant-{k:06d}",
            name=f"{self.names[operator].split()[0]} {place} {'pilot line' if product == 'cells' and rng.random() < 0.07 else 'plant'} {k}",
            kind="pilot" if rng.random() < 0.07 else "production",
            product=product,  # type: ignore[arg-type]
            operators=operators,
            site=site,
            chemistries=chemistries,
            status=tuple(status),
            capacity=tuple(capacity),
            production_start=start,
            production_start_planned=planned_start,
        )

    def _operators(self, operator: str, status: list[StatusChange]) -> tuple[PlantOperator, ...]:
        """Who runs the plant: a few changed hands at their latest change of status, a quarter give a start."""
        rng = self.rng
        first = status[0].since if status else None
        if len(status) >= 2 and rng.random() < 0.05:
            before = rng.choice(self.resolved).id
            handover = status[-1].since
            if before != operator and first and handover and first.year < handover.year:
                return (
                    PlantOperator(before, first, handover, self._source()),
                    PlantOperator(operator, handover, None, self._source()),
                )
        start = first if rng.random() < 0.24 else None
        return (PlantOperator(operator, start, None, self._source()),)

    def agreements(self, plants: list[Plant]) -> list[Agreement]:
        """One joint-venture agreement per joint venture, then supply, development, acquisition and licence deals."""
        rng = self.rng
        runs: dict[str, list[Plant]] = defaultdict(list)
        for plant in plants:
            runs[plant.operators[-1].org].append(plant)
        found: list[Agreement] = []
        for joint_venture in sorted(self.partners):
            if any(s.owner not in self.names for s in self.partners[joint_venture]):
                continue  # a partner is an unresolved name, which cannot be party to anything
            found.append(self._joint_venture(len(found), joint_venture, runs[joint_venture]))
        operators = sorted(runs)
        for k in range(len(found), round(len(self.resolved) * _AGREEMENTS_PER_ORGANIZATION)):
            kind = _weighted(rng, _AGREEMENT_KINDS)[0]
            first = rng.choice(operators) if operators and rng.random() < 0.7 else rng.choice(self.resolved).id
            second = rng.choice(self.resolved).id
            if second == first:
                continue
            parties = [Party(first, _ROLES[kind][0]), Party(second, _ROLES[kind][1])]
            title = f"{self.names[first]} {_VERBS[kind]} {self.names[second]}"
            if kind == "acquisition" and rng.random() < 0.7:
                target = rng.choice(self.resolved).id
                if target not in (first, second):
                    parties.append(Party(target, "target"))
                    title = f"{self.names[first]} buys {self.names[target]} from {self.names[second]}"
            if kind == "acquisition":
                status = rng.choices(("completed", "not-closed", "announced"), weights=(6, 2, 2))[0]
            else:
                status = rng.choices(("active", "announced", "ended", "terminated"), weights=(15, 3, 1, 1))[0]
            plant = rng.choice(runs[first]).id if kind == "supply" and runs[first] and rng.random() < 0.1 else None
            found.append(self._agreement(k, kind, title, tuple(parties), status, plant))  # type: ignore[arg-type]
        return found

    def _agreement(
        self,
        k: int,
        kind: AgreementKind,
        title: str,
        parties: tuple[Party, ...],
        status: AgreementStatus,
        plant: str | None,
        signed: PartialDate | None = None,
    ) -> Agreement:
        rng = self.rng
        year = signed.year if signed else rng.randint(2010, 2025)
        if signed is None and rng.random() < 0.92:
            signed = _date(rng, year)
        start = (signed if signed and rng.random() < 0.5 else _date(rng, year + 1)) if rng.random() < 0.42 else None
        end = _date(rng, year + rng.randint(2, 10)) if rng.random() < 0.31 else None
        if end and end.year < 2026 and status == "active":
            status = "ended"
        volume = float(rng.choice(_GWH)) if kind in ("supply", "joint-venture") and rng.random() < 0.35 else None
        amount = float(rng.choice((5e7, 1e8, 2.5e8, 5e8, 1e9, 3.5e9))) if rng.random() < 0.28 else None
        return Agreement(
            id=f"synth-agreement-{k:06d}",
            kind=kind,
            title=title,
            parties=parties,
            status=status,
            sources=self._source(),
            signed=signed,
            start=start,
            end=end,
            volume_gwh=volume,
            volume_note="over the term of the agreement" if volume and rng.random() < 0.5 else None,
            amount=amount,
            currency=_weighted(rng, _CURRENCIES)[0] if amount else None,
            plant=plant,
        )

    def _joint_venture(self, k: int, joint_venture: str, plants: list[Plant]) -> Agreement:
        partners = self.partners[joint_venture]
        parties = tuple(Party(s.owner, "partner") for s in partners)
        if self.rng.random() < 0.15:
            parties += (Party(joint_venture, "target"),)
        title = f"{' and '.join(self.names[s.owner] for s in partners)} form {self.names[joint_venture]}"
        plant = plants[0].id if plants else None
        return self._agreement(k, "joint-venture", title, parties, "active", plant, partners[0].start)

    def roles(self, organizations: list[Organization], plants: list[Plant]) -> list[Organization]:
        """Organisations with the roles their plants and stakes give them: cell maker, materials supplier, joint venture."""
        roles: dict[str, set[Role]] = defaultdict(set)
        for plant in plants:
            for operator in plant.operators:
                roles[operator.org].add("cell-maker" if plant.product in ("cells", "modules") else "materials-supplier")
        for joint_venture in self.partners:
            roles[joint_venture].add("joint-venture")
        order = {role: i for i, role in enumerate(choices(Role))}
        return [
            replace(o, roles=tuple(sorted(roles[o.id], key=order.__getitem__))) if o.id in roles else o
            for o in organizations
        ]


def _claims(
    sink_for, rng: random.Random, count: int, organizations: list[Organization], regions: list[str], codes: list[str]
) -> tuple[set[URIRef], str]:
    """Report documents, shaped as ``kg.ingest`` writes them, each in its own named graph.

    A document's description, the companies it mentions (``bkg:Mention`` nodes), its market
    figures (``bkg:MarketClaim``), relations it states (``bkg:RelationClaim``) and the flags
    the checks raised (``bkg:Flag``). Returns the country IRIs claims are scoped to, so that
    geography describes them too, and the IRI of the document with the most claims.
    """
    resolved = [o for o in organizations if o.status == "resolved"]
    parents = {s.owned: s.owner for o in organizations for s in o.owners if s.controlling and s.end is None}
    scoped: set[URIRef] = set()
    claims: Counter[str] = Counter()
    for d in range(count):
        source_id = f"synthetic-report-{d:05d}"
        graph_iri = source_graph(source_id)
        g = sink_for(graph_iri)
        doc = iri("source", source_id)
        market = iri("market", source_id)
        chemistry = rng.choice(list(_CHEMISTRY_WEIGHTS))
        title = f"Global {chemistry} battery market report {d}"
        g.add((doc, RDF.type, PROV.Entity))
        g.add((doc, RDF.type, BKG.SourceDocument))
        g.add((doc, RDFS.label, Literal(title)))
        g.add((doc, DCTERMS.title, Literal(title)))
        g.add((doc, DCTERMS.publisher, Literal(f"Synthetic Research {d % 17}")))
        g.add((doc, DCTERMS.identifier, Literal(str(100000 + d))))
        g.add((doc, DCTERMS.source, URIRef(f"https://example.org/synthetic/report/{d}")))
        g.add((doc, PROV.generatedAtTime, Literal(f"2026-{d % 12 + 1:02d}-15", datatype=XSD.date)))
        g.add((doc, BKG.sha256, Literal(hashlib.sha256(source_id.encode()).hexdigest())))
        g.add((doc, BKG.namedGraph, graph_iri))
        g.add((doc, SDO.about, market))
        g.add((market, RDF.type, BKG.Market))
        g.add((market, RDFS.label, Literal(f"{chemistry} battery market")))
        g.add((doc, SDO.mentions, iri("chemistry", chemistry)))
        mentioned = rng.sample(resolved, min(len(resolved), rng.randint(6, 14)))
        for m, org in enumerate(mentioned):
            company = iri("company", org.id)
            mention = iri("mention", f"{source_id}-{m}")
            g.add((doc, SDO.mentions, company))
            g.add((mention, RDF.type, BKG.Mention))
            g.add((mention, BKG.mentionText, Literal(org.name)))
            g.add((mention, BKG.status, Literal("resolved")))
            g.add((mention, BKG.resolvesTo, company))
            g.add((mention, BKG.confidence, Literal(f"{rng.uniform(0.8, 1):.2f}", datatype=XSD.decimal)))
            g.add((mention, BKG.quotedText, Literal(f"{org.name} is a key player in the {chemistry} market.")))
            g.add((mention, PROV.wasDerivedFrom, doc))
            if org.id in parents and rng.random() < 0.3:
                relation = iri("claim", f"{source_id}-r{m}")
                g.add((relation, RDF.type, BKG.RelationClaim))
                g.add((relation, RDFS.label, Literal(f"{org.name} subsidiary-of")))
                g.add((relation, BKG.claimSubject, company))
                g.add((relation, BKG.claimRelation, ORG.subOrganizationOf))
                g.add((relation, BKG.claimObject, iri("company", parents[org.id])))
                g.add((relation, BKG.quotedText, Literal(f"{org.name} is a subsidiary of its group.")))
                g.add((relation, PROV.wasDerivedFrom, doc))
        claims[str(doc)] = rng.randint(8, 20)
        for c in range(claims[str(doc)]):
            metric, unit = rng.choice(_METRICS)
            scope_kind = rng.random()
            if scope_kind < 0.35:
                scope = market
            elif scope_kind < 0.6:
                scope = iri("region", rng.choice(regions))
            elif scope_kind < 0.8:
                scope = iri("country", rng.choice(codes))
                scoped.add(scope)
            else:
                scope = iri("company", rng.choice(mentioned).id)
            claim = iri("claim", f"{source_id}-{c}")
            value = rng.uniform(1, 40) if unit == QUDT_UNIT.PERCENT else rng.uniform(1e7, 5e10)
            g.add((claim, RDF.type, BKG.MarketClaim))
            g.add((claim, RDFS.label, Literal(f"{metric} {value:.1f} ({chemistry})")))
            g.add((claim, BKG.metric, Literal(metric)))
            g.add((claim, BKG.value, Literal(f"{value:.1f}", datatype=XSD.decimal)))
            g.add((claim, BKG.unit, unit))
            g.add((claim, BKG.period, Literal(f"{2024 + c % 3}-{2030 + c % 4}")))
            g.add((claim, BKG.scope, scope))
            if rng.random() < 0.2:
                g.add((claim, BKG.qualifier, Literal(rng.choice(("exceeding", "approximately", "nearly")))))
            g.add((claim, BKG.quotedText, Literal(f"The {metric.replace('_', ' ')} is {value:.1f} in this scope.")))
            g.add((claim, PROV.wasDerivedFrom, doc))
            if rng.random() < 0.1:
                flag = iri("flag", f"{source_id}-{c}")
                g.add((flag, RDF.type, BKG.Flag))
                g.add((flag, RDFS.label, Literal("contradictory-figures")))
                g.add((flag, BKG.flagKind, Literal("contradictory-figures")))
                g.add((flag, BKG.severity, Literal("warning")))
                g.add((flag, RDFS.comment, Literal(f"another figure for {metric} in the same scope differs")))
                g.add((flag, BKG.evidence, Literal(f"{value:.1f} vs {value * 1.5:.1f}")))
                g.add((flag, BKG.about, claim))
                g.add((flag, PROV.wasDerivedFrom, doc))
    return scoped, max(claims, key=lambda r: (claims[r], r))


def _picks(organizations: list[Organization], reference: ReferenceData, report: str) -> Picks:
    stakes = [s for o in organizations for s in o.owners]
    periods = control_periods(stakes)
    by_company: dict[str, list] = defaultdict(list)
    subsidiaries: Counter[str] = Counter()
    for period in periods:
        by_company[period.controlled].append(period)
        if period.until_year is None:
            subsidiaries[period.controller] += 1
    # Deep and changed: most distinct periods, then deepest chain, then id.
    company = max(
        by_company, key=lambda c: (len({p.from_year for p in by_company[c]}), max(p.depth for p in by_company[c]), c)
    )
    closed = sorted(p.until_year for p in by_company[company] if p.until_year is not None)
    year = closed[0] - 1 if closed else 2015
    group = max(subsidiaries, key=lambda g: (subsidiaries[g], g))
    hq = Counter(o.headquarters.value for o in organizations if o.headquarters)
    country = max(hq, key=lambda c: (hq[c], c))
    members = Counter()
    for code, n in hq.items():
        for region in countries.market_regions(code, reference.regions):
            members[region] += n
    chemistries = Counter(f.value for o in organizations for f in o.chemistries)
    tops = {c.id: c.broader or c.id for c in reference.chemistries}
    top = Counter()
    for chem, n in chemistries.items():
        top[tops[chem]] += n
    applications = {a.id: a.broader or a.id for a in reference.applications}
    served = Counter(applications[f.value] for o in organizations for f in o.applications)
    operator, operator_group, plant = _plant_picks(reference)
    in_group = _members(reference, operator_group)
    kinds = Counter(a.kind for a in reference.agreements if any(p.org in in_group for p in a.parties))
    regions = countries.market_regions(plant.country, reference.regions)
    return Picks(
        company=str(iri("company", company)),
        year=year,
        group=str(iri("company", group)),
        chemistry=str(iri("chemistry", max(top, key=lambda c: (top[c], c)))),
        application=str(iri("application", max(served, key=lambda a: (served[a], a)))),
        region=str(iri("region", max(members, key=lambda r: (members[r], r)))),
        country=str(iri("country", country)),
        report=report,
        text=next(o.name for o in organizations if o.id == company).split()[0],
        operator=str(iri("company", operator)),
        operator_group=str(iri("company", operator_group)),
        plant_year=plant.as_of.year,
        plant_country=str(iri("country", plant.country)),
        plant_region=str(iri("region", regions[0] if regions else "europe")),
        plant_chemistry=str(iri("chemistry", plant.chemistry)),
        agreement_kind=max(kinds, key=lambda k: (kinds[k], k), default="supply"),
    )


@dataclass(frozen=True)
class _PlantPick:
    country: str
    chemistry: str
    as_of: PartialDate


def _members(reference: ReferenceData, group: str) -> set[str]:
    """The group itself, the companies it controls and its joint ventures, now."""
    return {group} | {m.member for m in memberships(reference.stakes) if m.group == group and m.until_year is None}


def _plant_picks(reference: ReferenceData) -> tuple[str, str, _PlantPick]:
    """The company that runs the most plants, the group with the most, and where the group has capacity."""
    runs: dict[str, list[Plant]] = defaultdict(list)
    for plant in reference.plants:
        for operator in plant.operators:
            if operator.end is None:
                runs[operator.org].append(plant)
    # of the operators with the most plants, one party to the most agreements, so its agreements are asked too
    parties = Counter(p.org for a in reference.agreements for p in a.parties)
    operator = max(runs, key=lambda o: (len(runs[o]), parties[o], o))
    groups: dict[str, set[str]] = defaultdict(set)
    for m in memberships(reference.stakes):
        if m.until_year is None:
            groups[m.group].add(m.member)
    plants = {g: [p for member in members | {g} for p in runs.get(member, ())] for g, members in groups.items()}
    group = max(plants, key=lambda g: (len(plants[g]), g), default=operator)
    # the country and chemistry with the most capacity figures among the group's plants, and the latest such figure
    figures = [
        _PlantPick(p.site.country, str(c.value), f.as_of)
        for p in plants.get(group, runs[operator])
        for c in p.chemistries
        for f in p.capacity
    ]
    if not figures:
        return operator, group, _PlantPick("CN", "lfp", PartialDate(2025))
    common = Counter((f.country, f.chemistry) for f in figures)
    country, chemistry = max(common, key=lambda k: (common[k], k))
    latest = max((f for f in figures if (f.country, f.chemistry) == (country, chemistry)), key=lambda f: str(f.as_of))
    return operator, group, latest


def _ontology_lines(ontology_dir: Path) -> list[str]:
    ontology = Graph().parse(ontology_dir / "battery-kg.ttl", format="turtle")
    return sorted(f"{s.n3()} {p.n3()} {o.n3()} <{ONTOLOGY_GRAPH}> .\n" for s, p, o in ontology)


def reference_data(target: int, seed: int = 7, data_dir: Path = DATA_DIR) -> ReferenceData:
    """What a dataset of about ``target`` triples is built from: the concept schemes of ``data_dir``
    with made-up organisations (and their stakes) in place of the real ones, and no documents.

    >>> orgs = reference_data(5_000, seed=1).organizations
    >>> len(orgs), orgs[0].id
    (18, 'synth-000000')
    """
    reference = load_reference(data_dir)
    n_companies = max(10, (target - _FIXED_TRIPLES) // _TRIPLES_PER_COMPANY)
    codes = _every_country()
    organizations = _Companies(random.Random(f"{seed}-companies"), n_companies, codes, pages=n_companies // 3).build()
    # made-up plants and agreements in place of the real ones, which name real companies
    industry = _Industry(random.Random(f"{seed}-industry"), organizations, codes, pages=n_companies // 3)
    plants = industry.plants()
    return replace(
        reference,
        organizations=tuple(industry.roles(organizations, plants)),
        sources=(),
        plants=tuple(plants),
        agreements=tuple(industry.agreements(plants)),
    )


def generate(
    target: int, seed: int = 7, path: Path | None = None, data_dir: Path = DATA_DIR, ontology_dir: Path = ONTOLOGY_DIR
) -> SyntheticGraph:
    """Write a dataset of about ``target`` triples to ``path`` (N-Quads) and describe it."""
    synthetic = reference_data(target, seed, data_dir)
    organizations = list(synthetic.organizations)
    n_sources = max(2, len(organizations) // 15)
    path = Path(path) if path else Path(tempfile.mkdtemp()) / f"synthetic-{target}.nq"
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".part")
    ontology = _ontology_lines(ontology_dir)
    seen: set[str] = set()
    with open(temporary, "w", encoding="utf-8") as out:
        out.writelines(ontology)
        add_reference(_QuadSink(out, CURATED_GRAPH, seen), synthetic)
        inferred = _QuadSink(out, INFERRED_GRAPH, seen)
        add_control(inferred, synthetic.stakes)
        add_memberships(inferred, synthetic.stakes, (o.id for o in organizations if o.status == "resolved"))
        scoped, report = _claims(
            lambda g: _QuadSink(out, g, seen),
            random.Random(f"{seed}-reports"),
            n_sources,
            organizations,
            [r.id for r in synthetic.regions],
            _every_country(),
        )
        located = {iri("country", o.headquarters.value) for o in organizations if o.headquarters}
        located |= {iri("country", p.site.country) for p in synthetic.plants}
        add_geography(inferred, located | scoped, synthetic.regions)
        add_broader_transitive(inferred, synthetic.concept_schemes)
    temporary.replace(path)
    return SyntheticGraph(
        path,
        target,
        seed,
        len(seen) + len(ontology),
        len(organizations),
        n_sources,
        _picks(organizations, synthetic, report),
    )


def _fingerprint(data_dir: Path, ontology_dir: Path) -> str:
    """What the generated file depends on: this generator and the build code and data it runs."""
    import kg.inference
    import kg.triples

    digest = hashlib.sha256(str(GENERATOR_VERSION).encode())
    files: Iterable[Path] = [
        Path(__file__),
        Path(kg.triples.__file__),
        Path(kg.inference.__file__),
        ontology_dir / "battery-kg.ttl",
        *sorted(data_dir.glob("*.yaml")),
    ]
    for file in files:
        digest.update(file.read_bytes())
    return digest.hexdigest()[:16]


def cached(size: str, cache_dir: Path, seed: int = 7) -> SyntheticGraph:
    """The dataset of a named size (``SIZES``), generated once into ``cache_dir`` and reused."""
    target = SIZES[size]
    fingerprint = _fingerprint(DATA_DIR, ONTOLOGY_DIR)
    path = Path(cache_dir) / f"synthetic-{size}-seed{seed}.nq"
    meta = path.with_suffix(".json")
    if path.exists() and meta.exists():
        known = json.loads(meta.read_text())
        if known.get("fingerprint") == fingerprint:
            return SyntheticGraph(
                path=path,
                picks=Picks(**known.pop("picks")),
                **{k: known[k] for k in ("target", "seed", "triples", "companies", "sources")},
            )
    graph = generate(target, seed, path)
    record = asdict(graph) | {"path": str(path), "fingerprint": fingerprint}
    meta.write_text(json.dumps(record, indent=2))
    return graph
