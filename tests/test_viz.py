"""kg.viz and `kg viz` without a browser: what the page file holds, how it is written, the layout.

The browser half is tests/test_viz_browser.py.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner

from kg import viz
from kg.cli import main
from kg.errors import KgError
from kg.netx import NODE_TYPES, RELATIONS, to_networkx
from kg.store import open_store

FIXTURE = Path(__file__).parent.parent / "kg" / "examples" / "netx-viz.trig"
HOSTILE = '<img src=x onerror="window.__kgPwned=1">'


@pytest.fixture(scope="module")
def graph() -> nx.MultiDiGraph:
    store = open_store("oxigraph")
    store.load_file(FIXTURE)
    return to_networkx(store)


def payload(html: str) -> dict:
    """The graph data a page carries, parsed the way the page's script parses it."""
    match = re.search(r'<script id="kg-data" type="application/json">(.*?)</script>', html, re.S)
    return json.loads(match.group(1))


def test_every_type_and_relation_has_a_style():
    assert set(viz.NODE_STYLES) == set(NODE_TYPES)
    assert set(viz.EDGE_STYLES) == set(RELATIONS)
    assert len({(s.color, s.shape, s.dashed) for s in viz.NODE_STYLES.values()}) == len(NODE_TYPES)


def test_the_page_references_nothing_outside_itself(graph):
    html = viz.render(graph)
    assert "@version 10.1.5" in html  # vis-network is inlined
    assert "vis.Network" in html
    assert not re.search(r"<(link|img|iframe|object|embed)\b", html, re.I)
    assert not re.search(r"<script[^>]*\bsrc=", html, re.I)
    assert not re.search(r"@import|sourceMappingURL", html)
    assert "default-src 'none'" in html  # and the browser is told so


def test_hostile_text_stays_text_in_the_file(graph):
    html = viz.render(graph, title='<script>window.__kgPwned="title"</script>')
    assert HOSTILE not in html
    assert "</script><script>window.__kgPwned=2" not in html
    assert '<script>window.__kgPwned="title"' not in html
    assert "&lt;script&gt;window.__kgPwned" in html  # the title, escaped in <title> and <h1>
    data = payload(html)
    labels = {n["id"]: n["label"] for n in data["nodes"]}
    # the exact text comes back out of the JSON
    assert labels["https://w3id.org/battery-kg/id/company/hostile-co"] == HOSTILE
    assert data["title"] == '<script>window.__kgPwned="title"</script>'


def test_the_payload_matches_the_graph(graph):
    data = payload(viz.render(graph))
    assert len(data["nodes"]) == graph.number_of_nodes()
    assert len(data["edges"]) == graph.number_of_edges()
    assert {(e["from"], e["to"], e["relation"]) for e in data["edges"]} == {
        (u, v, d["relation"]) for u, v, d in graph.edges(data=True)
    }
    assert {t["type"]: t["count"] for t in data["types"]} == {
        t: sum(1 for _, x in graph.nodes(data="type") if x == t)
        for t in NODE_TYPES
        if any(x == t for _, x in graph.nodes(data="type"))
    }
    options = data["options"]
    assert options["physics"]["enabled"] is False
    assert options["edges"]["smooth"] is False
    assert options["layout"]["improvedLayout"] is False
    assert all(isinstance(n["x"], float) and isinstance(n["y"], float) for n in data["nodes"])


def test_ownership_edges_are_labelled_with_share_and_years(graph):
    edges = payload(viz.render(graph))["edges"]
    owns = sorted(e["label"] for e in edges if e["relation"] == "owns")
    assert owns == ["owns 100 % 2001–2013", "owns 100 % 2013–", "owns 30.5 % 2018–"]
    titles = [e["title"] for e in edges if e["relation"] == "owns"]
    assert (
        "Volt Group owns Acme Cells: parent, 100 %, 2001 – 2013-01 — source: https://example.org/news/acme-sold"
        in titles
    )


def test_tooltips_list_facts_with_their_sources(graph):
    text = viz.describe(graph, "https://w3id.org/battery-kg/id/company/acme-cells").split("\n")
    assert text[0] == "Acme Cells"
    assert "aliases: Acme; Acme Cells Inc." in text
    assert "founded: 2001 — source: https://example.org/acme/about" in text
    assert "makes LFP — sources: https://example.org/acme/products, https://example.org/news/acme-lfp" in text
    assert "owned by Bolt Holdings: parent, 100 %, since 2013-01 — source: https://example.org/news/acme-sold" in text
    assert "candidate for Nova Energy" in text


def test_a_hub_tooltip_is_cut_short():
    hub = nx.MultiDiGraph()
    hub.add_node("urn:cn", label="China", type="country", sources={})
    for i in range(45):
        hub.add_node(f"urn:c{i}", label=f"C{i:02d}", type="company", sources={})
        hub.add_edge(f"urn:c{i}", "urn:cn", relation="headquartered-in", sources=[])
    lines = viz.describe(hub, "urn:cn").split("\n")
    assert lines[-1] == "… and 5 more links"
    assert len(lines) == 2 + 40 + 1


def test_layout_is_deterministic_and_keeps_clusters_together():
    two = nx.disjoint_union(nx.complete_graph(12), nx.complete_graph(12))
    two.add_edge(0, 12)
    first, again = viz.layout(two), viz.layout(two)
    assert first == again
    assert len(set(first.values())) == 24  # no two nodes on one spot

    def mean_distance(pairs):
        return sum(
            ((first[a][0] - first[b][0]) ** 2 + (first[a][1] - first[b][1]) ** 2) ** 0.5 for a, b in pairs
        ) / len(pairs)

    inside = [(a, b) for a in range(12) for b in range(a + 1, 12)]
    across = [(a, b) for a in range(12) for b in range(12, 24)]
    assert mean_distance(inside) * 2 < mean_distance(across)
    assert viz.layout(nx.Graph()) == {}
    assert list(viz.layout(nx.empty_graph(["lonely"]))) == ["lonely"]


def test_the_network_is_built_directly_and_refuses_unknown_types(graph, monkeypatch):
    monkeypatch.setattr(viz.Network, "from_nx", lambda *a, **k: pytest.fail("from_nx must not be used"))
    net = viz.network(graph)
    assert net.num_nodes() == graph.number_of_nodes() and net.num_edges() == graph.number_of_edges()
    odd = nx.MultiDiGraph()
    odd.add_node("urn:x", label="X", type="plant", sources={})
    with pytest.raises(KgError, match="plant"):
        viz.network(odd)


def test_write_page_writes_one_file_atomically(graph, tmp_path):
    target = tmp_path / "out" / "graph.html"
    page = viz.write_page(graph, target)
    assert page == viz.Page(target, graph.number_of_nodes(), graph.number_of_edges(), target.stat().st_size)
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["graph.html", "out"]  # no lib/, no leftovers
    assert target.stat().st_mode & 0o777 == 0o644


def test_a_failed_write_leaves_the_old_page_and_no_temporary_file(graph, tmp_path, monkeypatch):
    target = tmp_path / "graph.html"
    target.write_text("old page")

    def broken_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        viz.write_page(graph, target)
    assert target.read_text() == "old page"
    assert [p.name for p in tmp_path.iterdir()] == ["graph.html"]


def test_cli_writes_the_page_with_focus_types_and_year(tmp_path):
    out = tmp_path / "g.html"
    args = [
        "viz",
        "--store",
        str(FIXTURE),
        "-o",
        str(out),
        "--focus",
        "Acme Cells",
        "--depth",
        "1",
        "--types",
        "company,parent-group,chemistry",
        "--at",
        "2010",
    ]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert f"wrote {out}: 4 entities, 3 links" in result.output
    labels = sorted(n["label"] for n in payload(out.read_text())["nodes"])
    assert labels == ["Acme Cells", "LFP", "NMC", "Volt Group"]


def test_cli_reports_bad_input_in_one_line(tmp_path):
    runner = CliRunner()
    missing = runner.invoke(main, ["viz", "--store", str(tmp_path / "none.trig"), "-o", str(tmp_path / "g.html")])
    assert missing.exit_code == 1 and "no graph at" in missing.output and "Traceback" not in missing.output
    unknown = runner.invoke(
        main, ["viz", "--store", str(FIXTURE), "-o", str(tmp_path / "g.html"), "--focus", "Acme Cels"]
    )
    assert unknown.exit_code == 1 and "did you mean: Acme Cells?" in unknown.output
    bad_type = runner.invoke(main, ["viz", "--store", str(FIXTURE), "--types", "company,plant"])
    assert bad_type.exit_code == 2 and "plant" in bad_type.output
    assert not (tmp_path / "g.html").exists()
