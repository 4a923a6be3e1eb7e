"""The benchmarks: the synthetic data is what the build makes of its records, and ``python -m bench --quick`` runs.

No timing is asserted (the machine is shared); what is asserted is that every
part ran, that the three ways of answering each named query (our layer over
Oxigraph, raw pyoxigraph, rdflib) agree on the number of rows, and that the
generated graph passes our SHACL shapes.
"""

from __future__ import annotations

import doctest
import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from rdflib import Dataset, Graph, URIRef

import bench.cases
import bench.measure
import bench.report
import bench.synthetic
from bench.synthetic import generate, reference_data
from kg.build import ONTOLOGY_DIR, PROJECT_DIR
from kg.inference import add_control
from kg.namespaces import BKG, CURATED_GRAPH, INFERRED_GRAPH, ONTOLOGY_GRAPH, RDF, SDO
from kg.query import named_queries
from kg.shacl import check
from kg.triples import add_reference

CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    return generate(2_000, seed=3, path=tmp_path_factory.mktemp("synthetic") / "small.nq")


@pytest.fixture(scope="module")
def small_dataset(small) -> Dataset:
    dataset = Dataset(default_union=True)
    dataset.parse(small.path, format="nquads")
    return dataset


@pytest.mark.parametrize("module", [bench.synthetic, bench.cases, bench.measure, bench.report])
def test_doctests(module):
    # bench/ is outside pytest's doctest paths
    assert doctest.testmod(module).failed == 0


def test_synthetic_graph_is_what_the_build_makes_of_its_records(small, small_dataset):
    reference = reference_data(2_000, seed=3)
    expected = Dataset()
    add_reference(expected.graph(CURATED_GRAPH), reference)
    add_control(expected.graph(INFERRED_GRAPH), reference.stakes)
    assert set(small_dataset.graph(CURATED_GRAPH)) == set(expected.graph(CURATED_GRAPH))
    inferred = set(small_dataset.graph(INFERRED_GRAPH))
    assert set(expected.graph(INFERRED_GRAPH)) <= inferred
    assert any(p == BKG.inRegion for _, p, _ in inferred)  # geography beside the control periods
    ontology = Graph().parse(ONTOLOGY_DIR / "battery-kg.ttl", format="turtle")
    assert set(small_dataset.graph(ONTOLOGY_GRAPH)) == set(ontology)
    assert sum(1 for _ in small_dataset.quads()) == small.triples


def test_every_report_sits_in_its_own_named_graph(small_dataset):
    documents = list(small_dataset.subjects(RDF.type, BKG.SourceDocument))
    assert len(documents) >= 2
    for document in documents:
        graph = small_dataset.value(document, BKG.namedGraph)
        assert (document, RDF.type, BKG.SourceDocument) in small_dataset.graph(graph)
        assert any(True for _ in small_dataset.graph(graph).subjects(RDF.type, BKG.MarketClaim))


def test_plants_and_agreements_have_the_seed_data_proportions():
    reference = reference_data(60_000, seed=3)
    organizations = {o.id: o for o in reference.organizations}
    plants, agreements = reference.plants, reference.agreements
    assert 0.8 < len(plants) / len(organizations) < 1.1 and 0.35 < len(agreements) / len(organizations) < 0.6
    runs = Counter(p.operators[-1].org for p in plants)
    assert max(runs.values()) >= 5 and sum(1 for n in runs.values() if n == 1) > len(runs) / 3  # a long tail
    assert sum(len(p.status) >= 2 for p in plants) > len(plants) / 5
    assert all(f.as_of and f.sources for p in plants for f in p.capacity)
    assert sum(bool(p.chemistries) for p in plants) > len(plants) / 3
    assert len({p.site.country for p in plants}) > 10
    # joint ventures run plants and are organisations with the role and their partners' stakes
    joint_ventures = {p.operators[-1].org for p in plants} & {
        o.id for o in organizations.values() if "joint-venture" in o.roles
    }
    assert joint_ventures and all(
        sum(s.kind == "joint-venture" for s in organizations[jv].owners) == 2 for jv in joint_ventures
    )
    assert {a.kind for a in agreements} == {"licence", "supply", "development", "acquisition", "joint-venture"}
    assert any(a.volume_gwh for a in agreements) and any(a.amount for a in agreements)
    assert all(organizations[p.org].status == "resolved" for a in agreements for p in a.parties)


def test_plants_and_agreements_are_in_the_graph(small, small_dataset):
    # the picked operator runs plants with a status history; the picked group is party to agreements
    operator, group = URIRef(small.picks.operator), URIRef(small.picks.operator_group)
    plants = set(small_dataset.subjects(BKG.operatedBy, operator))
    assert plants and any(True for p in plants for _ in small_dataset.subjects(BKG.statusOf, p))
    assert any(True for _ in small_dataset.subjects(RDF.type, BKG.CapacityFigure))
    assert any(True for _ in small_dataset.subjects(RDF.type, BKG.Agreement))
    assert small_dataset.value(group, BKG.hasRole) is not None or (None, BKG.operatedBy, group) in small_dataset
    assert (URIRef(small.picks.plant_country), RDF.type, SDO.Country) in small_dataset


def test_synthetic_graph_passes_the_shapes(small_dataset):
    check(small_dataset, ONTOLOGY_DIR / "shapes.ttl")  # raises with the violations


def test_generation_is_deterministic(small, tmp_path):
    again = generate(2_000, seed=3, path=tmp_path / "again.nq")
    other = generate(2_000, seed=4, path=tmp_path / "other.nq")
    assert again.path.read_bytes() == small.path.read_bytes() and again.picks == small.picks
    assert other.path.read_bytes() != small.path.read_bytes()


def test_quick_run(tmp_path):
    command = [sys.executable, "-m", "bench", "--quick", "--out", str(tmp_path)]
    if not CHROMIUM.exists() and os.environ.get("KG_REQUIRE_BROWSER") != "1":
        # no browser here: the rest still runs
        command += ["--only", "build,load,queries,netx,page,ingest,scale,engines"]
    done = subprocess.run(command, capture_output=True, text=True, cwd=PROJECT_DIR, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    results = json.loads((tmp_path / "results-quick.json").read_text())
    assert "## Named queries at 2k" in (tmp_path / "results-quick.md").read_text()
    assert "## Named queries at 2k" in done.stdout

    failed = [entry for part in ("load", "queries", "netx", "page") for entry in results[part] if "error" in entry]
    failed += [results[part] for part in ("build", "viz", "ingest") if part in results and "error" in results[part]]
    assert not failed
    assert not results["ingest"]["failures"]

    names = set(named_queries())
    by_store = {entry["store"]: {case["case"]: case for case in entry["cases"]} for entry in results["queries"]}
    assert {case["query"] for case in by_store["oxigraph"].values()} == names
    for case_id, case in by_store["oxigraph"].items():
        rdflib = by_store["memory"][case_id]["ours"]
        counts = {case["ours"]["rows"], case["raw"]["rows"]} | ({rdflib["rows"]} if "rows" in rdflib else set())
        assert len(counts) == 1, f"{case_id}: rows differ between our layer, raw pyoxigraph and rdflib: {counts}"
        # the parse-and-plan floor is timed on a store that holds nothing, so it answers nothing
        assert case["empty"]["rows"] == 0 and case["empty"]["median_s"] > 0, case_id
    assert {t["target"].split()[0] for t in results["targets"]} >= {"load", "kg"}

    # the on-disk scale point answers every named query, and Oxigraph server gives the embedded store's rows
    scale = results["scale"][0]
    assert "error" not in scale and {case["case"].split("(")[0] for case in scale["cases"]} == names
    assert scale["serve"]["serving_rss_mb"] >= scale["serve"]["open_rss_mb"] > 0 and scale["netx"]["nodes"] > 0
    engines = results["engines"][0]["engines"]
    embedded = {case["case"]: case["rows"] for case in engines["embedded"]["cases"]}
    assert {case["case"]: case.get("rows") for case in engines["oxigraph-server"]["cases"]} == embedded


def test_a_measurement_reports_its_own_peak_memory_not_its_drivers(tmp_path):
    # getrusage's maximum outlives exec: a child started by a driver holding 600 MB would report 600 MB
    from bench.__main__ import run_task

    held = bytearray(600 * 1024 * 1024)
    held[::4096] = b"\1" * len(held[::4096])  # touch every page so that it is resident
    data = tmp_path / "small.nq"
    data.write_text("".join(f"<urn:s{i}> <urn:p> <urn:o> <urn:g> .\n" for i in range(1000)))
    result = run_task({"task": "load", "store": "oxigraph", "path": str(data)}, 120)
    assert "error" not in result, result
    assert 0 < result["start_rss_mb"] <= result["peak_rss_mb"] < 300
    del held
