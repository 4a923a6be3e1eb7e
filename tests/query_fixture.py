"""The made-up dataset of the query and API tests, built the way `kg build` builds the real one.

``tests/fixtures/query-data/`` is a complete data folder (frozen copies of the concept
schemes plus fictional companies); ``tests/fixtures/query-report.trig`` is one report's
named graph. ``kg/examples/query-graph.trig`` is both together, built once and
committed for the doctests; rebuild it after a change to the build with::

    .venv/bin/python tests/query_fixture.py
"""

from __future__ import annotations

import sys
from pathlib import Path

from rdflib import Dataset

FIXTURES = Path(__file__).parent / "fixtures"
DATA_DIR = FIXTURES / "query-data"
REPORT = FIXTURES / "query-report.trig"
GRAPH = Path(__file__).parent.parent / "kg" / "examples" / "query-graph.trig"  # the doctests read it from the package


def assemble_dataset() -> tuple[Dataset, object]:
    """The fixture dataset (reference data through kg.build, plus the report graph) and its reference records."""
    from kg.build import assemble

    assembled = assemble(DATA_DIR, include_sources=False)
    dataset, reference = assembled.dataset, assembled.reference
    assert not assembled.warnings, assembled.warnings
    dataset.parse(REPORT, format="trig")
    return dataset, reference


def write_graph(path: Path = GRAPH) -> None:
    assembled, _ = assemble_dataset()
    # one graph at a time, in name order: rdflib writes a dataset's graphs in an order that changes with
    # the hash seed, and the committed file's text would change with it from one rebuild to the next
    blocks = []
    for graph in sorted(assembled.graphs(), key=lambda g: str(g.identifier)):
        if not len(graph):
            continue
        alone = Dataset()
        for prefix, namespace in assembled.namespaces():
            alone.bind(prefix, namespace)
        copy = alone.graph(graph.identifier)
        copy += graph
        blocks.append(alone.serialize(format="trig").strip() + "\n")
    path.write_text("\n".join(blocks), encoding="utf-8")


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).parent.parent))
    write_graph()
    print(f"wrote {GRAPH}")


# ---------------------------------------------------------------- expected answers from the records alone
#
# These read the reference records (kg.records) with plain Python, without kg.inference or SPARQL,
# so a test that compares them with a query checks the build and the query together.


def company(org_id: str):
    from kg.namespaces import iri

    return iri("company", org_id)


def direct_controllers(reference, org_id: str, year: int | None) -> set[str]:
    """Who holds a controlling stake in ``org_id`` on 31 December of ``year`` (None: now)."""
    try:
        org = reference.organization(org_id)
    except KeyError:
        return set()
    return {
        stake.owner
        for stake in org.owners
        if stake.controlling and (stake.end is None if year is None else stake.active_in(year))
    }


def control_table(reference, year: int | None) -> set[tuple[str, str, int, bool]]:
    """Every (controlled, controller, depth, ultimate) on 31 December of ``year`` (None: now)."""
    table = set()
    for org in reference.organizations:
        seen, frontier, depth = {org.id}, [org.id], 0
        while frontier:
            depth += 1
            following = []
            for member in frontier:
                for parent in sorted(direct_controllers(reference, member, year)):
                    if parent not in seen:
                        seen.add(parent)
                        following.append(parent)
                        table.add((org.id, parent, depth, not direct_controllers(reference, parent, year)))
            frontier = following
    return table


def change_years(reference) -> list[int]:
    """The years in which some stake starts or ends, with the year before each: where answers change."""
    years = set()
    for stake in reference.stakes:
        for date in (stake.start, stake.end):
            if date is not None:
                years.update((date.year - 1, date.year))
    return sorted(years)


def stake_active(stake, year: int | None) -> bool:
    return stake.end is None if year is None else stake.active_in(year)


def broader_closure(concepts) -> dict[str, set[str]]:
    """concept id -> itself and every broader concept id."""
    parent = {c.id: c.broader for c in concepts}
    closure = {}
    for concept_id in parent:
        chain, current = set(), concept_id
        while current is not None and current not in chain:
            chain.add(current)
            current = parent.get(current)
        closure[concept_id] = chain
    return closure


def regions_of(reference, iso2: str) -> set[str]:
    """The region IRIs (market regions and M49 areas) a country belongs to, as kg.countries reports them."""
    from kg import countries
    from kg.namespaces import iri

    entry = countries.country(iso2)
    return {str(iri("region", f"m49-{code}")) for code in entry.areas} | {
        str(iri("region", region)) for region in countries.market_regions(iso2, reference.regions)
    }


def resolved(reference):
    return [org for org in reference.organizations if org.status == "resolved"]


# ---------------------------------------------------------------- pytest fixtures shared by the query and API tests

import pytest  # noqa: E402  (the helpers above stay importable without pytest)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """(TriG path, reference records, dataset) of the fixture, freshly built."""
    dataset, reference = assemble_dataset()
    path = tmp_path_factory.mktemp("query") / "graph.trig"
    path.write_text(dataset.serialize(format="trig"), encoding="utf-8")
    return path, reference, dataset
