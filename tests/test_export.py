"""`kg export`: GraphML, JSON-LD and CSV, each read back with the reader analysts use (networkx, rdflib, pandas)."""

from __future__ import annotations

import json

import networkx as nx
import pandas
import pytest
from click.testing import CliRunner
from rdflib import Dataset, URIRef

from kg.cli import main
from kg.export import AGREEMENT_COLUMNS, ENTITY_COLUMNS, PLANT_COLUMNS, STAKE_COLUMNS
from kg.graph import load
from kg.netx import stake_active
from kg.query import EXAMPLE
from kg.store import open_store

ID = "https://w3id.org/battery-kg/id/"


def export(*args: str):
    return CliRunner().invoke(main, ["export", *args, "--data", str(EXAMPLE)], catch_exceptions=False)


@pytest.fixture(scope="module")
def network():
    return load(EXAMPLE).to_networkx()


def test_graphml_reads_back_with_networkx(network, tmp_path):
    out = export("--format", "graphml", "-o", str(tmp_path / "kg.graphml"))
    assert out.exit_code == 0, out.output
    back = nx.read_graphml(tmp_path / "kg.graphml", force_multigraph=True)
    assert set(back.nodes) == set(network.nodes)
    assert back.number_of_edges() == network.number_of_edges()
    for node, data in network.nodes(data=True):
        assert back.nodes[node]["label"] == data["label"] and back.nodes[node]["type"] == data["type"]
    stakes = {d["stake"]: d for _, _, d in network.edges(data=True) if d["relation"] == "owns"}
    read = {d["stake"]: d for _, _, d in back.edges(data=True) if d.get("relation") == "owns"}
    assert set(read) == set(stakes)
    for iri, data in stakes.items():
        assert read[iri]["kind"] == data["kind"] and read[iri].get("share") == data["share"]
        assert read[iri].get("sources", "") == "; ".join(data["sources"])
    kiwa = ID + "company/kiwa-electric"
    assert json.loads(back.nodes[kiwa]["sources"]) == network.nodes[kiwa]["sources"]  # per attribute, as JSON


def test_jsonld_reads_back_with_rdflib(tmp_path):
    out = export("--format", "jsonld", "-o", str(tmp_path / "kg.jsonld"))
    assert out.exit_code == 0, out.output
    back = Dataset()
    back.parse(tmp_path / "kg.jsonld", format="json-ld")
    store = open_store("oxigraph")
    store.load_file(EXAMPLE)

    def named(quads):  # blank nodes aside, the same quads in the same graphs
        return {
            (s, p, o, None if g is None else URIRef(str(g)))
            for s, p, o, g in quads
            if not any(t.__class__.__name__ == "BNode" for t in (s, o))
        }

    original = named(store.quads())
    read = named(
        (s, p, o, None if str(g).startswith("urn:x-rdflib:") else getattr(g, "identifier", g))
        for s, p, o, g in back.quads((None, None, None, None))
    )
    assert read == original and len(original) > 1000


def test_csv_tables_read_back_with_pandas(network, tmp_path):
    out = export("--format", "csv", "-o", str(tmp_path / "csv"))
    assert out.exit_code == 0, out.output
    tables = {
        name: pandas.read_csv(tmp_path / "csv" / f"{name}.csv")
        for name in ("entities", "stakes", "plants", "agreements")
    }
    columns = {
        "entities": ENTITY_COLUMNS,
        "stakes": STAKE_COLUMNS,
        "plants": PLANT_COLUMNS,
        "agreements": AGREEMENT_COLUMNS,
    }
    for name, frame in tables.items():
        assert tuple(frame.columns) == columns[name]
    types = [t for _, t in network.nodes(data="type")]
    assert len(tables["plants"]) == types.count("plant") and len(tables["agreements"]) == types.count("agreement")
    assert len(tables["entities"]) == len(types) - types.count("plant") - types.count("agreement")
    owns = [d for _, _, d in network.edges(data=True) if d["relation"] == "owns"]
    assert len(tables["stakes"]) == len(owns)
    nord = tables["stakes"][tables["stakes"]["owned_label"] == "Nord Energy"]
    assert sorted(zip(nord["owner_label"], nord["share"], nord["start_year"], strict=True)) == [
        ("Blue Holdings", 100.0, 2016),
        ("Kiwa Electric", 100.0, 2005),
    ]
    assert set(tables["entities"]["iri"]) >= {ID + "company/nord-energy", ID + "company/kiwa-electric"}


def test_csv_as_of_a_year_keeps_the_stakes_of_that_year(network, tmp_path):
    out = export("--format", "csv", "-o", str(tmp_path / "csv"), "--at", "2012")
    assert out.exit_code == 0, out.output
    stakes = pandas.read_csv(tmp_path / "csv" / "stakes.csv")
    expected = {d["stake"] for _, _, d in network.edges(data=True) if d["relation"] == "owns" and stake_active(d, 2012)}
    assert set(stakes["stake"]) == expected


def test_bad_export_requests_are_one_line(tmp_path):
    (tmp_path / "file").write_text("x")
    out = export("--format", "csv", "-o", str(tmp_path / "file"))
    assert (
        out.exit_code == 1
        and out.stderr == f"kg: error: {tmp_path / 'file'}: a file; csv needs a folder to write its four tables into\n"
    )
    out = export("--format", "jsonld", "-o", str(tmp_path / "x.jsonld"), "--at", "2012")
    assert out.exit_code == 1 and "apply to graphml and csv" in out.stderr
