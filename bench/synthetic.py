"""Industry-shaped synthetic datasets for the benchmarks, seeded and deterministic.

Sizes: about 10k, 100k and 1M triples (and 2k for the quick smoke run).

A synthetic dataset is what ``kg build`` would make of a much larger ``data/``:
the real ontology and concept schemes (chemistries, applications, market
regions, M49 areas), then made-up organisations run through the **same code
the build uses** (``kg.triples.add_reference`` for labels, sourced facts and
dated ownership stakes, ``kg.inference.add_control`` for control periods and
current parent edges, ``kg.inference.add_geography`` for countries and their
regions), plus report documents whose mentions and market claims sit in one
named graph per document. Nothing is serialised through rdflib: the build's
functions write into a sink that emits N-Quads lines, so 1M triples take
seconds, not minutes.

The shape follows the industry: headquarters skewed towards a few countries
(China, Japan, Korea, the US, Germany) with a long tail over every ISO 3166
country; ownership forests grown by preferential attachment (a few large
groups, many small ones, chains up to six levels), with owner changes,
minority and joint-venture stakes, and dates as precise as sources give them.

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
from kg.inference import add_control, add_geography, add_memberships, control_periods
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
from kg.records import LineageEvent, Organization, PartialDate, ReferenceData, Sourced, Stake
from kg.triples import add_reference

__all__ = ["SIZES", "Picks", "SyntheticGraph", "cached", "generate", "reference_data"]

SIZES = {"2k": 2_000, "10k": 10_000, "100k": 100_000, "1M": 1_000_000, "10M": 10_000_000}

# Bump when the generated shape changes, so cached files are regenerated.
GENERATOR_VERSION = 3

# Triples one organisation brings on average (its facts, stakes, control periods and
# report mentions), measured on generated data; used to size a dataset to a target.
_TRIPLES_PER_COMPANY = 104
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


@dataclass(frozen=True)
class Picks:
    """Named-query parameters picked from the generated data (IRIs, or a year).

    ``company`` sits deep in a chain that changed over time and ``year`` is a
    year in which its chain differed from today's; ``group`` controls the most
    companies; the concepts and ``country`` are the most common ones;
    ``report`` makes the most claims; ``text`` is the first word of the
    company's name (for name searches).
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
        elif i > 2 and rng.random() < 0.05:
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
    )


def _ontology_lines(ontology_dir: Path) -> list[str]:
    ontology = Graph().parse(ontology_dir / "battery-kg.ttl", format="turtle")
    return sorted(f"{s.n3()} {p.n3()} {o.n3()} <{ONTOLOGY_GRAPH}> .\n" for s, p, o in ontology)


def reference_data(target: int, seed: int = 7, data_dir: Path = DATA_DIR) -> ReferenceData:
    """What a dataset of about ``target`` triples is built from: the concept schemes of ``data_dir``
    with made-up organisations (and their stakes) in place of the real ones, and no documents.

    >>> orgs = reference_data(5_000, seed=1).organizations
    >>> len(orgs), orgs[0].id
    (28, 'synth-000000')
    """
    reference = load_reference(data_dir)
    n_companies = max(10, (target - _FIXED_TRIPLES) // _TRIPLES_PER_COMPANY)
    companies = _Companies(random.Random(f"{seed}-companies"), n_companies, _every_country(), pages=n_companies // 3)
    # the real plants and agreements name real companies, which are not here (their queries answer nothing)
    return replace(reference, organizations=tuple(companies.build()), sources=(), plants=(), agreements=())


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
        headquarters = {iri("country", o.headquarters.value) for o in organizations if o.headquarters}
        add_geography(inferred, headquarters | scoped, synthetic.regions)
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
