"""Property-based tests: whatever text people put in the data, serialising and parsing keeps every triple."""

from __future__ import annotations

import pyoxigraph as ox
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import Dataset, Graph

from kg.build import PREFIXES
from kg.namespaces import CURATED_GRAPH
from kg.records import Organization, PartialDate, Sourced, Stake
from kg.shacl import oxigraph_quads
from kg.triples import add_organizations

names = st.text(min_size=1, max_size=80).filter(lambda text: text.strip())
years = st.integers(min_value=1800, max_value=2100)
SOURCE = ("https://example.org/source?a=1&b=%22x%22",)


@st.composite
def organizations(draw) -> list[Organization]:
    count = draw(st.integers(min_value=1, max_value=5))
    orgs = []
    for index in range(count):
        owners = ()
        if index:
            start = draw(years)
            owners = (
                Stake(
                    "org-0",
                    f"org-{index}",
                    draw(st.sampled_from(["parent", "minority", "joint-venture"])),
                    draw(st.none() | st.floats(min_value=0, max_value=100, allow_nan=False)),
                    PartialDate(start),
                    None,
                    SOURCE,
                    draw(st.none() | names),
                ),
            )
        orgs.append(
            Organization(
                id=f"org-{index}",
                name=draw(names),
                aliases=tuple(draw(st.lists(names, max_size=3))),
                headquarters=Sourced(draw(st.sampled_from(["DE", "CN", "KR", "US", "NA"])), SOURCE),
                founded=Sourced(draw(years), SOURCE) if draw(st.booleans()) else None,
                owners=owners,
                note=draw(st.none() | names),
            )
        )
    return orgs


def _curated(orgs) -> Dataset:
    dataset = Dataset()
    add_organizations(dataset.graph(CURATED_GRAPH), orgs)
    return dataset


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(organizations())
def test_trig_written_as_the_build_writes_it_parses_back_to_the_same_triples(orgs):
    dataset = _curated(orgs)
    quads = oxigraph_quads(dataset)
    prefixes = {prefix: str(namespace) for prefix, namespace in PREFIXES.items()}
    trig = ox.serialize(quads, format=ox.RdfFormat.TRIG, prefixes=prefixes)

    back_ox = set(ox.parse(trig, format=ox.RdfFormat.TRIG))
    assert back_ox == set(quads)

    back_rdflib = Dataset()
    back_rdflib.parse(data=trig, format="trig")
    assert set(back_rdflib.graph(CURATED_GRAPH)) == set(dataset.graph(CURATED_GRAPH))


@settings(max_examples=60, deadline=None)
@given(organizations())
def test_turtle_from_rdflib_round_trips_too(orgs):
    graph = Graph()
    add_organizations(graph, orgs)
    again = Graph().parse(data=graph.serialize(format="turtle"), format="turtle")
    assert set(again) == set(graph)
