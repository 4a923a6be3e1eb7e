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
from kg.netx import HUB_TYPES, NODE_TYPES, RELATIONS, select, to_networkx
from kg.store import open_store

FIXTURE = Path(__file__).parent.parent / "kg" / "examples" / "netx-viz.trig"
HOSTILE = '<img src=x onerror="window.__kgPwned=1">'


@pytest.fixture(scope="module")
def graph() -> nx.MultiDiGraph:
    store = open_store("oxigraph")
    store.load_file(FIXTURE)
    return to_networkx(store)


@pytest.fixture(scope="module")
def built_graph(built_trig) -> nx.MultiDiGraph:
    store = open_store("oxigraph")
    store.load_file(built_trig)
    return to_networkx(store)


def payload(html: str) -> dict:
    """The graph data a page carries, parsed the way the page's script parses it."""
    match = re.search(r'<script id="kg-data" type="application/json">(.*?)</script>', html, re.S)
    return json.loads(match.group(1))


def links(data: dict) -> list[dict]:
    """The page's links read back the way page.js reads them: node ids, label, title, periods, sources."""
    ids = [n["id"] for n in data["nodes"]]
    forward = {r["relation"]: r["forward"] for r in data["relations"]}
    return [
        {
            "from": ids[link["f"]],
            "to": ids[link["t"]],
            "relation": link["r"],
            "label": link.get("l", forward[link["r"]]),
            "title": link.get("ti"),
            "periods": link.get("p"),
            "sources": link.get("s", []),
        }
        for link in data["links"]
    ]


def test_every_type_and_relation_has_a_style_and_a_layer():
    for node_type in NODE_TYPES:
        assert viz.node_style(node_type).layer in viz.LAYERS
    assert set(NODE_TYPES) <= set(viz.NODE_STYLES) and set(RELATIONS) <= set(viz.EDGE_STYLES)
    for relation in RELATIONS:
        assert viz.edge_style(relation).forward
    assert len({(s.color, s.shape, s.dashed) for s in viz.NODE_STYLES.values()}) == len(viz.NODE_STYLES)
    # the industry map is what opens; the rest are layers
    assert {t for t, s in viz.NODE_STYLES.items() if s.layer == "industry"} == {
        "company",
        "parent-group",
        "plant",
        "agreement",
    }
    assert viz.DEFAULT_LAYERS == ("industry",)


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
    assert len(data["nodes"]) == len(data["nodeMeta"]) == graph.number_of_nodes()
    # one edge per (from, to, relation): parallel stakes are merged
    pairs = {(u, v, d["relation"]) for u, v, d in graph.edges(data=True)}
    assert len(data["links"]) == len(pairs)
    assert {(e["from"], e["to"], e["relation"]) for e in links(data)} == pairs
    assert {t["type"]: t["count"] for t in data["types"]} == {
        t: sum(1 for _, x in graph.nodes(data="type") if x == t)
        for t in NODE_TYPES
        if any(x == t for _, x in graph.nodes(data="type"))
    }
    options = data["options"]
    assert options["physics"]["enabled"] is False
    assert options["edges"]["smooth"] is False
    assert options["layout"]["improvedLayout"] is False
    # a label under 12 screen pixels is not drawn (vis-network draws from drawThreshold - 1)
    assert options["nodes"]["scaling"]["label"]["drawThreshold"] == 13
    assert options["edges"]["scaling"]["label"]["drawThreshold"] == 13
    assert all(isinstance(n["x"], float) and isinstance(n["y"], float) for n in data["nodes"])
    meta = dict(zip((n["id"] for n in data["nodes"]), data["nodeMeta"], strict=True))
    assert meta["https://w3id.org/battery-kg/id/company/acme-cells"]["layer"] == "industry"
    assert meta["https://w3id.org/battery-kg/id/country/US"]["layer"] == "geography"
    assert meta["https://w3id.org/battery-kg/id/company/acme-cells"]["from"] == 2001
    assert [layer["layer"] for layer in data["layers"] if layer["on"]] == ["industry"]


def test_the_slider_covers_the_years_of_the_data_and_starts_at_at(graph):
    data = payload(viz.render(graph))
    assert data["years"] == [2001, 2018]  # Acme founded, Bolt's minority stake
    assert data["start"] == 2018
    assert payload(viz.render(graph, at=2010))["start"] == 2010


def test_parallel_stakes_are_one_edge_whose_tooltip_lists_the_history():
    g = nx.MultiDiGraph()
    g.add_node("urn:p", label="Panasonic", type="parent-group", sources={})
    g.add_node("urn:s", label="Sanyo", type="company", sources={})
    for start, end, share in [
        ("2009-12", "2010-10", 50.05),
        ("2010-10", "2011-04-01", 80.77),
        ("2011-04-01", None, 100),
    ]:
        g.add_edge(
            "urn:p",
            "urn:s",
            key=start,
            relation="owns",
            kind="parent",
            share=float(share),
            start=start,
            end=end,
            start_year=int(start[:4]),
            end_year=end and int(end[:4]),
            sources=[f"https://example.org/{start}"],
        )
    data = viz.payload(g, at=2010)
    (edge,) = links(data)
    assert edge["label"] == "owns 80.77 %"
    assert edge["title"].split("\n") == [
        "Panasonic owns Sanyo:",
        "2009-12 – 2010-10: parent, 50.05 %",
        "2010-10 – 2011-04-01: parent, 80.77 %",
        "2011-04-01 – now: parent, 100 %",
    ]
    periods = edge["periods"]
    assert [(p[0], p[1], p[2]) for p in periods] == [(2009, 2010, 50.05), (2010, 2011, 80.77), (2011, None, 100.0)]
    assert [data["sources"]["urls"][p[6][0]] for p in periods] == [
        "https://example.org/2009-12",
        "https://example.org/2010-10",
        "https://example.org/2011-04-01",
    ]


def test_details_carry_facts_history_and_source_tiers(built_graph):
    data = viz.payload(built_graph)
    meta = dict(zip((n["id"] for n in data["nodes"]), data["nodeMeta"], strict=True))
    northvolt = meta["https://w3id.org/battery-kg/id/company/northvolt"]
    kinds = [(r["kind"], r["year"]) for r in northvolt["history"]]
    assert ("Bankruptcy", 2024) in kinds and ("AssetsSoldTo", 2026) in kinds
    dated = [r["date"] for r in northvolt["history"] if r["date"]]
    assert dated == sorted(dated)  # events in date order
    assert northvolt["notes"] and "Lyten" in northvolt["notes"][0]
    urls, tiers = data["sources"]["urls"], data["sources"]["tiers"]
    cited = {urls[s] for r in northvolt["history"] for s in r["sources"]}
    assert cited and all(tiers[urls.index(url)] in ("primary", "reference", "press") for url in cited)
    founded = next(f for f in northvolt["facts"] if f[0] == "founded")
    assert founded[1] == "2016" and founded[2]
    # a renamed organisation carries its former names with the year they changed
    tesla = meta["https://w3id.org/battery-kg/id/company/tesla"]
    assert any(year == 2017 and name.startswith("Tesla Motors") for year, name in tesla["names"])


def test_focus_depth_does_not_pass_through_hubs(built_graph):
    a123 = "https://w3id.org/battery-kg/id/company/a123-systems"
    near = select(built_graph, focus=a123, depth=2)
    hubs = {n for n, t in near.nodes(data="type") if t in HUB_TYPES}
    assert hubs  # its country and chemistries are reached ...
    for node in set(near) - hubs - {a123}:  # ... but every other entity is linked to A123 without them
        industry = built_graph.subgraph(n for n, t in built_graph.nodes(data="type") if t not in HUB_TYPES)
        assert nx.has_path(industry.to_undirected(as_view=True), a123, node)
    assert near.number_of_nodes() < 40  # not the 110 of 200 that going through the United States gave


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


def test_the_map_layout_ignores_hubs_and_places_them_beside_their_links(graph):
    positions = viz.map_layout(graph)
    assert set(positions) == set(graph)
    industry = [n for n, t in graph.nodes(data="type") if viz.node_style(t).layer == "industry"]
    core = nx.Graph()
    core.add_nodes_from(industry)
    core.add_edges_from(graph.subgraph(industry).edges())
    alone = viz.layout(core)
    assert all(positions[n] == alone[n] for n in industry)  # countries and concepts do not move companies
    assert len(set(positions.values())) == len(positions)


def test_the_network_is_built_directly_and_draws_types_it_does_not_know(graph, monkeypatch):
    monkeypatch.setattr(viz.Network, "from_nx", lambda *a, **k: pytest.fail("from_nx must not be used"))
    net = viz.network(graph)
    pairs = {(u, v, d["relation"]) for u, v, d in graph.edges(data=True)}
    assert net.num_nodes() == graph.number_of_nodes() and net.num_edges() == len(pairs)
    odd = nx.MultiDiGraph()
    odd.add_node("urn:x", label="X", type="widget", sources={})
    odd.add_node("urn:y", label="Y", type="company", sources={})
    odd.add_edge("urn:y", "urn:x", relation="assembles", sources=[])
    data = viz.payload(odd)
    assert data["nodeMeta"][0]["layer"] == "industry"
    assert [r["legend"] for r in data["relations"]] == ["assembles"]


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


def test_cli_writes_the_page_with_focus_types_and_year(tmp_path, graph):
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
        "2",
        "--types",
        "parent-group,chemistry",
        "--at",
        "2010",
        "--layout",
        "hierarchy",
    ]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    kept = [n for n, t in graph.nodes(data="type") if t in ("company", "parent-group", "chemistry")]
    assert f"wrote {out}: {len(kept)} entities" in result.output  # the focus's own type is kept
    data = payload(out.read_text())
    assert sorted(n["id"] for n in data["nodes"]) == sorted(kept)
    # the page opens on the focus, its depth and the year; the browser does the rest
    assert (data["focus"], data["depth"], data["start"], data["layout"]) == (
        "https://w3id.org/battery-kg/id/company/acme-cells",
        2,
        2010,
        "hierarchy",
    )


def test_cli_reports_bad_input_in_one_line(tmp_path):
    runner = CliRunner()
    missing = runner.invoke(main, ["viz", "--store", str(tmp_path / "none.trig"), "-o", str(tmp_path / "g.html")])
    assert missing.exit_code == 1 and "no graph at" in missing.output and "Traceback" not in missing.output
    unknown = runner.invoke(
        main, ["viz", "--store", str(FIXTURE), "-o", str(tmp_path / "g.html"), "--focus", "Acme Cels"]
    )
    assert unknown.exit_code == 1 and "did you mean: Acme Cells?" in unknown.output
    bad_type = runner.invoke(main, ["viz", "--store", str(FIXTURE), "--types", "company,widget"])
    assert bad_type.exit_code == 2 and "widget" in bad_type.output
    assert not (tmp_path / "g.html").exists()


def test_an_agreement_leaves_the_map_when_it_ends():
    """The real graph: a supply deal signed in 2023 for 2026-2030 is on the map from 2023 until its end (2031)."""
    import kg

    network = kg.load().to_networkx()
    deal = "https://w3id.org/battery-kg/id/agreement/albemarle-ford-lithium-hydroxide-2023"
    page = viz.payload(network.subgraph([deal]).copy())
    [meta] = [meta for node, meta in zip(page["nodes"], page["nodeMeta"], strict=True) if node["id"] == deal]
    assert (meta["from"], meta["until"]) == (2023, 2031)
