"""Notebook-native results: short reprs and HTML, DataFrames for analysis, networkx views in time, industry paths,
and docs/analyst-questions.ipynb run end to end by a real Jupyter kernel."""

from __future__ import annotations

import shutil
from pathlib import Path

import networkx as nx
import pytest

from kg.graph import load
from kg.netx import select
from kg.query import EXAMPLE

ROOT = Path(__file__).parent.parent
NOTEBOOK = ROOT / "docs" / "analyst-questions.ipynb"


@pytest.fixture(scope="module")
def graph():
    return load(EXAMPLE)


def test_records_have_short_reprs_and_html(graph):
    [direct, top] = graph.parents("Volta Cells", at=2014)
    assert repr(top.controller) == "Entity('Volta Group', parent-group)"
    assert repr(direct) == (
        "ControlLink(controlled='Volta Cells', controller='Volta America', depth=1, ultimate=False, from_year=2013)"
    )
    html = direct._repr_html_()
    assert "<table>" in html and "Volta America" in html and "https://" not in html
    record = graph.entity("Kiwa")
    assert repr(record).startswith("EntityRecord('Kiwa Electric', parent-group)") and len(repr(record)) < 100
    html = record._repr_html_()  # the facts as a table of their own, with their sources
    assert f"facts ({len(record.facts)})" in html and "https://example.org/kiwa/profile" in html


def test_rows_show_as_the_people_table(graph):
    rows = graph.sparql("parent-chain", company="Nord Energy", year=2010)
    html = rows._repr_html_()
    assert "Kiwa Electric" in html and "Hana Corporation" in html and "2 rows" in html
    assert "https://w3id.org" not in html  # labels, not IRIs
    assert repr(rows).startswith("Rows(2 rows: company, companyLabel, year")


def test_to_dataframe_is_ready_for_analysis(graph):
    frame = graph.sparql("ownership-stakes", company="Kiwa Electric").to_dataframe()
    columns = list(frame.columns)
    assert columns.index("ownerLabel") < columns.index("owner") and columns.index("ownedLabel") < columns.index("owned")
    assert str(frame["startYear"].dtype) == "Int64" and str(frame["endYear"].dtype) == "Int64"
    assert frame["endYear"].isna().any()  # a stake still held: a missing year, not NaN in a float column
    assert str(frame["share"].dtype) == "float64" and 50.2 in set(frame["share"])
    assert set(frame["kind"]) == {"parent", "joint-venture"}
    network_kinds = {d["kind"] for _, _, d in graph.to_networkx().edges(data=True) if d["relation"] == "owns"}
    assert set(frame["kind"]) <= network_kinds  # the same short names as the networkx view


def test_to_networkx_takes_a_year_and_types(graph):
    whole = graph.to_networkx()
    owners = graph.to_networkx(at=2012, types=["company", "parent-group"])
    assert {t for _, t in owners.nodes(data="type")} <= {"company", "parent-group"}
    expected = select(whole, at=2012, types=["company", "parent-group"])
    assert set(owners.edges(keys=True)) == set(expected.edges(keys=True)) and len(owners) < len(whole)
    nord = next(n for n, label in owners.nodes(data="label") if label == "Nord Energy")
    assert [owners.nodes[u]["label"] for u, _, r in owners.in_edges(nord, data="relation") if r == "owns"] == [
        "Kiwa Electric"
    ]


def test_shortest_path_runs_over_industry_links_and_reports_only_when_asked(built):
    real = load(built.trig)
    path = real.shortest_path("A123 Systems", "Sanyo")
    assert all(entity.type != "source" for entity in path)
    via_report = real.shortest_path("A123 Systems", "Sanyo", reports=True)
    assert len(via_report) == 3 and via_report[1].type == "source"
    assert len(via_report) <= len(path)


@pytest.mark.skipif(shutil.which("true") is None, reason="needs a POSIX shell for the kernel")
def test_the_analyst_notebook_runs_end_to_end_with_a_real_kernel(built, tmp_path):
    import nbformat
    from nbclient import NotebookClient

    notebook = nbformat.read(NOTEBOOK, as_version=4)
    NotebookClient(notebook, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(ROOT)}}).execute()
    outputs = {}
    for cell in notebook.cells:
        if cell.cell_type == "code":
            assert not [o for o in cell.outputs if o.output_type == "error"], cell.source
            data = next((o["data"] for o in cell.outputs if o.output_type == "execute_result"), {})
            outputs[cell.source.splitlines()[0]] = data
    assert "Wanxiang America Corporation" in outputs['g.parents("A123 Systems", at=2014)']["text/plain"]
    sanyo = outputs['{year: g.ultimate_parent("Sanyo", at=year) for year in (2008, 2012)}']["text/plain"]
    assert "2008: None" in sanyo and "Panasonic Holdings Corporation" in sanyo
    changes = outputs['g.sparql("owner-changes", from_year=2015, to_year=2020)']["text/html"]
    assert "<table>" in changes and "founded" in changes and "LG Energy Solution" in changes
    solid = outputs['[company.label for company in g.companies(chemistry="solid-state")]']["text/plain"]
    assert "QuantumScape" in solid and "Blue Solutions" in solid
    assert nx.__name__  # networkx is what the notebook's centrality cell imports
