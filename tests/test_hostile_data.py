"""Hostile or huge text in the reference data is kept exactly as text, or refused with a clear error."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
import yaml
from rdflib import Dataset, Literal

from kg.build import DATA_DIR, build
from kg.errors import DataError
from kg.loader import MAX_FILE_BYTES, load_reference
from kg.namespaces import CURATED_GRAPH, ID, RDFS, iri

HOSTILE_NAMES = [
    "<img src=x onerror=alert(1)>",
    "</script><script>window.pwned=1</script>",
    'Quote " and \\" and \'\'\' and """ end',
    "} ; DROP GRAPH <urn:x> ; INSERT DATA { <a> <b> <c> }",
    "Back\\slash \\u0041 and @prefix x: <y> .",
    "Line one\nLine two\r\nthree",
    "\u202eRight-to-left override\u202c and \u200bzero\u200dwidth",
    "مشروع البطاريات العربي",
    "ÅÄÖ ü ß 電池 🔋",
    "L" * 10_000,
]


@pytest.fixture(scope="module")
def concepts_only(tmp_path_factory) -> Path:
    data = tmp_path_factory.mktemp("hostile") / "data"
    (data / "companies").mkdir(parents=True)
    for scheme in ("chemistries", "applications", "regions"):
        shutil.copy(DATA_DIR / f"{scheme}.yaml", data)
    return data


def test_hostile_names_round_trip_exactly(concepts_only, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(concepts_only, data)
    orgs = [
        {
            "id": f"hostile-{i}",
            "name": name,
            "aliases": [name[::-1]],
            "headquarters": {"country": "DE", "source": "https://example.org/hostile?q=%22x%22&y=%3Cz%3E"},
        }
        for i, name in enumerate(HOSTILE_NAMES)
    ]
    (data / "companies" / "hostile.yaml").write_text(yaml.safe_dump(orgs, allow_unicode=True))
    report = build(data, tmp_path / "out", include_sources=False)

    dataset = Dataset()
    dataset.parse(report.trig, format="trig")
    curated = dataset.graph(CURATED_GRAPH)
    store = ox.Store()
    store.bulk_load(path=str(report.trig), format=ox.RdfFormat.TRIG)
    for i, name in enumerate(HOSTILE_NAMES):
        node = iri("company", f"hostile-{i}")
        assert curated.value(node, RDFS.label) == Literal(name)
        labels = [
            q.object.value
            for q in store.quads_for_pattern(ox.NamedNode(str(node)), ox.NamedNode(str(RDFS.label)), None)
        ]
        assert labels == [name]
    # Text that looks like Turtle or SPARQL stayed inside its literals: every subject is one of ours.
    assert {str(s).startswith(str(ID)) for s in curated.subjects()} == {True}


@pytest.mark.parametrize("bad_id", ["<script>", "a b", "x/../../etc", "", "ü-umlaut"])
def test_ids_that_cannot_be_iris_are_refused(concepts_only, bad_id):
    path = concepts_only / "companies" / "bad-id.yaml"
    path.write_text(yaml.safe_dump([{"id": bad_id, "name": "X"}], allow_unicode=True))
    try:
        with pytest.raises(DataError, match=r"bad-id\.yaml:\d+ \(\[0\]\.id\)"):
            load_reference(concepts_only)
    finally:
        path.unlink()


def test_a_huge_but_valid_file_loads(concepts_only):
    orgs = [{"id": f"bulk-{i}", "name": f"Bulk {i}", "aliases": [f"B{i}"]} for i in range(20_000)]
    path = concepts_only / "companies" / "bulk.yaml"
    path.write_text(yaml.safe_dump(orgs))
    try:
        assert len(load_reference(concepts_only).organizations) == 20_000
    finally:
        path.unlink()


def test_an_oversized_file_is_refused_by_name(concepts_only):
    path = concepts_only / "companies" / "oversized.yaml"
    with path.open("wb") as handle:
        handle.truncate(MAX_FILE_BYTES + 1)
    try:
        with pytest.raises(DataError, match=r"oversized\.yaml: \d+ bytes is more than a data file may hold"):
            load_reference(concepts_only)
    finally:
        path.unlink()
