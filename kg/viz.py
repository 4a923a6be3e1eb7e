"""A networkx graph (``kg.netx``) as one self-contained, offline, interactive HTML page: an industry map in time.

The network is built with pyvis (``Network.add_node``/``add_edge``, never
``from_nx``, which grows badly with size) and written through our own page
template rather than pyvis's, because every pyvis mode fetches vis-network or
Bootstrap from a CDN and its "local" mode writes ``lib/`` next to the page.
vis-network and its CSS (``kg/static/``) are inlined: nothing leaves the page.

The page opens on the industry map (organisations, ownership, plants and
agreements); geography, concept schemes and report mentions are layers that
are off by default. Every node and edge carries the years it holds, so the
page's time slider shows the map as it stood on 31 December of any year
without a rebuild, and a node's details (stakes, plants, agreements, events,
notes, sources with their tier) travel beside the vis-network data.

Positions are computed here, so the browser draws once with physics off,
straight edges and ``improvedLayout: false``; the page re-arranges only what
a filter or a focus change leaves (``kg/static/page.js``).

Text never becomes markup: the graph travels as JSON inside a
``<script type="application/json">`` element with ``<``, ``>`` and ``&``
escaped, labels are drawn on a canvas, and tooltips and panels are filled
with ``textContent`` (vis-network shows string titles as text).

>>> import networkx as nx
>>> g = nx.MultiDiGraph()
>>> g.add_node("urn:a", label="<b>A</b>", type="company", founded="2001", sources={})
>>> g.add_node("urn:lfp", label="LFP", type="chemistry", sources={})
>>> g.add_edge("urn:a", "urn:lfp", key="makes", relation="makes", sources=["https://example.org/a"])
'makes'
>>> html = render(g, title="demo")
>>> "<b>A</b>" in html, "\\\\u003cb\\\\u003eA" in html, "https://" in html.split("kg-data")[0]
(False, True, False)
"""

from __future__ import annotations

import json
import math
import re
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Literal

import networkx as nx
import numpy as np
from pyvis.network import Network

from .files import write_atomically
from .netx import HUB_TYPES, MULTI_VALUED

_STATIC = Path(__file__).parent / "static"

Layer = Literal["industry", "geography", "concepts", "reports"]
Layout = Literal["force", "hierarchy"]
LAYERS: Mapping[Layer, str] = {
    "industry": "Industry",
    "geography": "Geography",
    "concepts": "Chemistries and applications",
    "reports": "Report mentions",
}
DEFAULT_LAYERS: tuple[Layer, ...] = ("industry",)


@dataclass(frozen=True)
class NodeStyle:
    """How one node type looks, what the legend calls it, and which layer it belongs to."""

    color: str
    shape: str
    legend: str
    layer: Layer
    dashed: bool = False


@dataclass(frozen=True)
class EdgeStyle:
    """How one relation looks, what the legend calls it, and how a tooltip reads it from each end."""

    color: str
    legend: str
    forward: str  # "A makes B", as read from A
    backward: str  # "B is made by A", as read from B
    dashed: bool = False
    # drawing 20,000 arrowheads is a good part of a large page's drawing time, so only links whose
    # direction the node types do not already tell (company → company, concept → concept) get one
    arrow: bool = False


# Tableau-10 hues, told apart by shape too, so the legend works for colour-blind readers
NODE_STYLES: Mapping[str, NodeStyle] = {
    "company": NodeStyle("#4e79a7", "dot", "company", "industry"),
    "parent-group": NodeStyle("#1d3557", "diamond", "parent group", "industry"),
    "plant": NodeStyle("#76b7b2", "square", "plant", "industry"),
    "agreement": NodeStyle("#edc948", "triangleDown", "agreement", "industry"),
    "chemistry": NodeStyle("#e15759", "triangle", "chemistry", "concepts"),
    "application": NodeStyle("#59a14f", "square", "application", "concepts"),
    "region": NodeStyle("#b07aa1", "star", "region", "geography"),
    "country": NodeStyle("#f28e2b", "hexagon", "country", "geography"),
    "source": NodeStyle("#9c755f", "triangleDown", "source document", "reports"),
    "unresolved": NodeStyle("#bab0ac", "dot", "unresolved name", "reports", dashed=True),
}
# a type kg.netx may add before this module knows it: drawn plainly, on the industry map
_OTHER_NODE = NodeStyle("#bab0ac", "box", "other", "industry")
EDGE_STYLES: Mapping[str, EdgeStyle] = {
    "owns": EdgeStyle("#1d3557", "owns", "owns", "owned by", arrow=True),
    "makes": EdgeStyle("#e15759", "makes chemistry", "makes", "made by"),
    "serves": EdgeStyle("#59a14f", "serves application", "serves", "served by"),
    "headquartered-in": EdgeStyle("#f28e2b", "headquartered in", "headquartered in", "headquarters of"),
    "in-region": EdgeStyle("#b07aa1", "in region", "in region", "region of"),
    "broader": EdgeStyle("#8c8c8c", "kind of", "is a kind of", "includes", arrow=True),
    "mentions": EdgeStyle("#9c755f", "mentions", "mentions", "mentioned by", dashed=True),
    "candidate": EdgeStyle("#bab0ac", "candidate match", "may be", "candidate for", dashed=True, arrow=True),
    "operates": EdgeStyle("#4f9a94", "operates plant", "operates", "operated by"),
    "party-to": EdgeStyle("#c9a227", "party to agreement", "party to", "between"),
    "concerns": EdgeStyle("#a08a2c", "agreement on plant", "concerns", "subject of", dashed=True),
    "located-in": EdgeStyle("#f28e2b", "plant located in", "located in", "location of", dashed=True),
}
_OTHER_EDGE = EdgeStyle("#8c8c8c", "", "", "")

# event kinds (kg.netx history) after which an organisation no longer exists as itself
_ENDS_ORGANISATION = frozenset({"Dissolved", "MergedInto"})
_SMALL_LABELS = frozenset({"plant", "agreement"})
_BORDERED = frozenset({"plant", "unresolved"})
_EDGE_LENGTH = 90.0  # pixels between linked nodes, before zoom
_BIG = 2000  # edges above which dragging and zooming hide edges, to keep the page responsive
LABEL_MIN_PX = 12  # a label smaller than this on screen is not drawn at all


def node_style(node_type: str) -> NodeStyle:
    """The style of a node type; a type this module does not know yet is drawn plainly on the industry map."""
    return NODE_STYLES.get(node_type, _OTHER_NODE)


def edge_style(relation: str) -> EdgeStyle:
    """The style of a relation; one this module does not know yet reads as its own name."""
    style = EDGE_STYLES.get(relation)
    if style is None:
        words = relation.replace("-", " ")
        return EdgeStyle(_OTHER_EDGE.color, words, words, f"{words} (from)")
    return style


@dataclass(frozen=True)
class Page:
    """A written page: where it is and what it shows."""

    path: Path
    nodes: int
    edges: int
    bytes: int


def layout(graph: nx.Graph, *, seed: int = 7, iterations: int = 80) -> dict[str, tuple[float, float]]:
    """Positions in pixels for every node: Fruchterman-Reingold, vectorised with numpy.

    Deterministic for a given graph and seed. As in ForceAtlas2, a node repels
    with the weight of its degree + 1, so hubs (a country, LFP) get room around
    them, and a pull to the centre keeps separate components close. Up to 400
    nodes every pair repels; above that each step samples 400 nodes and scales
    their push (an unbiased estimate), so 5,000 nodes take seconds, where
    networkx's spring_layout loops over node pairs in Python and needs scipy
    above 500 nodes.

    >>> pos = layout(nx.path_graph(["a", "b", "c"]))
    >>> sorted(pos) == ["a", "b", "c"] and all(len(p) == 2 for p in pos.values())
    True
    >>> pos == layout(nx.path_graph(["a", "b", "c"]))
    True
    """
    nodes = list(graph)
    n = len(nodes)
    if n == 0:
        return {}
    index = {node: i for i, node in enumerate(nodes)}
    pairs = sorted({tuple(sorted((index[u], index[v]))) for u, v in graph.edges() if u != v})
    a, b = (
        (np.array(side, dtype=np.intp) for side in zip(*pairs, strict=True)) if pairs else (np.empty(0, np.intp),) * 2
    )
    weight = (np.bincount(a, minlength=n) + np.bincount(b, minlength=n) + 1).astype(np.float32)
    rng = np.random.default_rng(seed)
    x = (rng.random(n) - 0.5).astype(np.float32)
    y = (rng.random(n) - 0.5).astype(np.float32)
    k = np.float32(1 / math.sqrt(n))  # ideal distance in a unit square
    sample = 400
    temperature, cooling = 0.1, 0.1 / (iterations + 1)
    for _ in range(iterations):
        others = rng.choice(n, sample, replace=False) if n > sample else slice(None)
        dx = x[:, None] - x[None, others]
        dy = y[:, None] - y[None, others]
        push = dx * dx + dy * dy
        np.maximum(push, 1e-6, out=push)
        np.divide(k * k * max(1.0, n / sample), push, out=push)  # repulsion k²/d along (dx, dy)/d ...
        push *= weight[None, others]  # ... times the pushing node's weight
        fx, fy = (dx * push).sum(1), (dy * push).sum(1)
        ex, ey = x[a] - x[b], y[a] - y[b]
        pull = np.sqrt(ex * ex + ey * ey) / k  # attraction d²/k along the edge
        ex, ey = ex * pull, ey * pull
        fx -= np.bincount(a, ex, n) - np.bincount(b, ex, n)
        fy -= np.bincount(a, ey, n) - np.bincount(b, ey, n)
        fx -= x * (n * k)
        fy -= y * (n * k)
        length = np.maximum(np.sqrt(fx * fx + fy * fy), 1e-9)
        step = np.minimum(length, temperature) / length
        x += fx * step
        y += fy * step
        temperature -= cooling
    scale = _EDGE_LENGTH / float(k)
    return {
        node: (round(float(px) * scale, 1), round(float(py) * scale, 1))
        for node, px, py in zip(nodes, x, y, strict=True)
    }


def map_layout(graph: nx.MultiDiGraph) -> dict[str, tuple[float, float]]:
    """Positions for the page: ``layout`` of the industry map alone, every other node beside what it links to.

    Countries and concepts would otherwise pull the companies into one ball around China
    and LFP, and the default view (those layers off) would look scattered.

    >>> g = nx.MultiDiGraph()
    >>> for n, t in [("a", "company"), ("b", "company"), ("fr", "country"), ("eu", "region")]:
    ...     g.add_node(n, type=t)
    >>> _ = g.add_edge("a", "b", relation="owns"), g.add_edge("a", "fr"), g.add_edge("fr", "eu")
    >>> pos = map_layout(g)
    >>> sorted(pos), pos["a"] == layout(nx.Graph([("a", "b")]))["a"]
    (['a', 'b', 'eu', 'fr'], True)
    """
    industry = [n for n, t in graph.nodes(data="type") if node_style(t).layer == "industry"]
    if not industry:
        return layout(graph)
    core = nx.Graph()
    core.add_nodes_from(industry)
    core.add_edges_from(graph.subgraph(industry).edges())
    positions = layout(core)
    rest = [n for n in graph if n not in positions]
    golden = math.pi * (3 - math.sqrt(5))
    for _ in range(3):  # countries beside their companies, then regions beside their countries
        waiting = []
        for number, node in enumerate(rest):
            near = [positions[other] for other in nx.all_neighbors(graph, node) if other in positions]
            if not near:
                waiting.append(node)
                continue
            x = sum(p[0] for p in near) / len(near) + _EDGE_LENGTH * math.cos(number * golden)
            y = sum(p[1] for p in near) / len(near) + _EDGE_LENGTH * math.sin(number * golden)
            positions[node] = (round(x, 1), round(y, 1))
        rest = waiting
    if rest:  # linked to nothing placed: a ring around the map
        radius = max((math.hypot(*p) for p in positions.values()), default=0.0) + 2 * _EDGE_LENGTH
        for number, node in enumerate(rest):
            angle = 2 * math.pi * number / len(rest)
            positions[node] = (round(radius * math.cos(angle), 1), round(radius * math.sin(angle), 1))
    return positions


class _Network(Network):
    """pyvis's Network, with O(1) node look-ups.

    ``Network.add_edge`` asserts that both ends are in ``get_nodes()``, a list,
    so adding E edges to N nodes costs O(N·E): 2 s at 5,000 nodes and 23,000
    edges. Answering from the node map makes that check a dict look-up.
    """

    def get_nodes(self):
        return self.node_map


def _year(value: object) -> int | None:
    """The year of a date given as text (``2013-01``) or number, or None."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return value
    match = re.match(r"-?\d{4}", str(value))
    return int(match.group()) if match else None


def _active(start: int | None, end: int | None, year: int | None) -> bool:
    """Whether [start, end) holds on 31 December of ``year`` (any year when ``year`` is None)."""
    return year is None or ((start is None or start <= year) and (end is None or year < end))


class _Sources:
    """Source URLs numbered once per page, so a URL cited by 30 facts travels once."""

    def __init__(self, tiers: Mapping[str, str]):
        self.urls: list[str] = []
        self.tiers = tiers
        self._index: dict[str, int] = {}

    def __call__(self, urls) -> list[int]:
        numbers = []
        for url in urls:
            if url not in self._index:
                self._index[url] = len(self.urls)
                self.urls.append(url)
            numbers.append(self._index[url])
        return numbers

    def payload(self) -> dict:
        return {"urls": self.urls, "tiers": [self.tiers.get(url, "") for url in self.urls]}


def _node_time(data: Mapping) -> dict:
    """When a node is on the map: ``from``/``until`` years, former ``names``, and a plant's ``status`` periods."""
    history = data.get("history", [])
    until = [
        r["year"] for r in history if r["kind"] in _ENDS_ORGANISATION and r.get("side") != "resulting" and r["year"]
    ]
    status = [[r["year"], r["end_year"], r["value"]] for r in history if r["kind"] == "status"]
    names = sorted(
        [r["year"], str(r["value"])]
        for r in history
        if r["kind"] == "Renamed" and r.get("value") and r.get("year") and r.get("side") != "original"
    )
    start = next(
        (y for y in (_year(data.get(a)) for a in ("founded", "signed_year", "start_year", "signed", "start")) if y),
        None,
    )
    end = next((y for y in (_year(data.get(a)) for a in ("end_year", "end", "dissolved")) if y), None)
    if until:
        end = min([*until, *([end] if end else [])])
    if status:
        known = [s for s, _, _ in status if s is not None]
        start = min(known) if known else start
    return {"from": start, "until": end, "names": names, "status": status}


def _importance(graph: nx.MultiDiGraph) -> dict[str, int]:
    """Distinct industry neighbours of each node (for a country or concept: all neighbours)."""
    result = {}
    for node, node_type in graph.nodes(data="type"):
        others = set(nx.all_neighbors(graph, node)) - {node}
        if node_type not in HUB_TYPES:
            others = {o for o in others if graph.nodes[o]["type"] not in HUB_TYPES}
        result[node] = len(others)
    return result


def network(
    graph: nx.MultiDiGraph,
    positions: Mapping[str, tuple[float, float]] | None = None,
    *,
    at: int | None = None,
) -> Network:
    """The pyvis network of ``graph``: styled nodes at ``positions`` (computed if not given), one edge per
    (owner, owned) pair however many stakes it had, styled as it stood in year ``at``.

    >>> g = nx.MultiDiGraph()
    >>> g.add_node("urn:x", label="X", type="country", sources={})
    >>> net = network(g)
    >>> net.nodes[0]["group"], net.nodes[0]["shape"], net.options["physics"]["enabled"]
    ('country', 'hexagon', False)
    """
    positions = positions if positions is not None else map_layout(graph)
    importance = _importance(graph)
    net = _Network(height="100%", width="100%", directed=True)
    for node, data in graph.nodes(data=True):
        x, y = positions[node]
        style = node_style(data["type"])
        weight = math.sqrt(importance[node])
        # organisations' names first: a plant's or an agreement's label waits for a closer look
        font = 11 if data["type"] in _SMALL_LABELS else min(48.0, 13 + 5 * weight)
        net.add_node(
            node,
            label=data.get("label") or node,
            shape=style.shape,
            group=data["type"],
            title=_node_title(data),
            size=round(min(36.0, 9 + 3 * weight), 1),  # hubs bigger, within reason
            font={"size": round(font, 1)},
            x=x,
            y=y,
            **({} if data["type"] in NODE_STYLES else {"color": style.color}),
        )
    for number, ((u, v, relation), stakes) in enumerate(_merged_edges(graph).items()):
        look = edge_style(relation)
        current = _current_stake(stakes, at) if relation == "owns" else None
        net.add_edge(
            u,
            v,
            id=number,
            relation=relation,
            label=_edge_label(relation, current),
            **({"title": _edge_title(graph, u, v, relation, stakes)} if _titled(graph, u, v) else {}),
            color=look.color,
            arrows="to" if look.arrow else "",
            dashes=look.dashed or (current is not None and not _controlling(current)),
            width=_edge_width(relation, current),
        )
    big = graph.number_of_edges() > _BIG
    net.options = {
        "physics": {"enabled": False},
        "layout": {"improvedLayout": False},
        "edges": {
            "smooth": False,
            "arrows": {"to": {"enabled": False, "scaleFactor": 0.5}},
            # edge labels only at close zoom (11 px × scale ≥ 12 px), or on hover (page.js)
            "font": {"size": 11, "color": "#333333", "strokeWidth": 3, "strokeColor": "#ffffff"},
            "scaling": {"label": {"drawThreshold": LABEL_MIN_PX + 1}},
        },
        "nodes": {
            "font": {"size": 14, "strokeWidth": 4, "strokeColor": "#ffffff"},
            # a border is a second stroke per node, a good part of drawing 5,000 of them: only the
            # shapes whose border says something (a plant being built, an unresolved name: dashed) get one
            "borderWidth": 0,
            # vis-network skips a label below drawThreshold - 1 screen pixels: every drawn label is >= 12 px
            "scaling": {"label": {"drawThreshold": LABEL_MIN_PX + 1, "maxVisible": 40}},
        },
        "interaction": {
            "hover": True,
            "tooltipDelay": 150,
            "hideEdgesOnDrag": big,
            "hideEdgesOnZoom": big,
            "multiselect": False,
        },
        "groups": {
            name: {
                "color": {"background": style.color, "border": "#333333"},
                "shape": style.shape,
                "shapeProperties": {"borderDashes": [4, 3] if style.dashed else False},
                **({"borderWidth": 1} if name in _BORDERED else {}),
            }
            for name, style in NODE_STYLES.items()
        },
    }
    return net


def _merged_edges(graph: nx.MultiDiGraph) -> dict[tuple[str, str, str], list[Mapping]]:
    """The edges of ``graph`` grouped by (from, to, relation); a pair's stakes oldest first."""
    merged: dict[tuple[str, str, str], list[Mapping]] = defaultdict(list)
    for u, v, data in graph.edges(data=True):
        merged[(u, v, data["relation"])].append(data)
    for stakes in merged.values():
        stakes.sort(key=lambda d: (d.get("start_year") is not None, d.get("start_year") or 0, str(d.get("start"))))
    return merged


def _current_stake(stakes: list[Mapping], year: int | None) -> Mapping:
    """The stake that holds in ``year``, else the latest one."""
    active = [d for d in stakes if _active(d.get("start_year"), d.get("end_year"), year)]
    return (active or stakes)[-1]


def _controlling(stake: Mapping) -> bool:
    return stake.get("kind") == "parent" or (stake.get("share") or 0) > 50


def _edge_width(relation: str, stake: Mapping | None) -> float:
    if stake is None:
        return 1
    return 3 if _controlling(stake) else 1.5


def _titled(graph: nx.MultiDiGraph, u: str, v: str) -> bool:
    """Industry links get a tooltip; a country's or a concept's hundreds of links are told by their label."""
    return graph.nodes[u]["type"] not in HUB_TYPES and graph.nodes[v]["type"] not in HUB_TYPES


def _node_title(data: Mapping) -> str:
    """A node's tooltip: its name, type and years; the details panel holds the rest."""
    time = _node_time(data)
    facts = [node_style(data["type"]).legend]
    if data.get("founded"):
        facts.append(f"founded {data['founded']}")
    if time["until"] and data["type"] != "plant":
        facts.append(f"until {time['until']}")
    if time["status"]:
        facts.append(f"{str(time['status'][-1][2]).lower()} (latest status)")
    return f"{data.get('label') or ''}\n{' · '.join(facts)}"


def _stake_terms(stake: Mapping) -> str:
    """Kind, share and dates of one stake, like ``2013-01 – now: parent, 100 %``."""
    parts = [stake.get("kind") or "stake"]
    if stake.get("share") is not None:
        parts.append(f"{stake['share']:g} %")
    return f"{stake.get('start') or '?'} – {stake.get('end') or 'now'}: {', '.join(parts)}"


def _edge_label(relation: str, stake: Mapping | None) -> str:
    label = edge_style(relation).forward
    if stake is not None and stake.get("share") is not None:
        label += f" {stake['share']:g} %"
    return label


def _edge_title(graph: nx.MultiDiGraph, u: str, v: str, relation: str, stakes: list[Mapping]) -> str:
    subject, obj = graph.nodes[u].get("label") or u, graph.nodes[v].get("label") or v
    title = f"{subject} {edge_style(relation).forward} {obj}"
    if relation != "owns":
        return title
    return title + ":\n" + "\n".join(_stake_terms(stake) for stake in stakes)


def _covered_years(graph: nx.MultiDiGraph, times: Mapping[str, dict]) -> list[int]:
    """The first and last year any node or edge of ``graph`` starts, ends or changes; [] when none does."""
    years: set[int] = set()
    for time in times.values():
        years.update(y for y in (time["from"], time["until"]) if y is not None)
        years.update(y for period in time["status"] for y in period[:2] if y is not None)
        years.update(year for year, _ in time["names"])
    for _, _, data in graph.edges(data=True):
        years.update(y for y in (data.get("start_year"), data.get("end_year")) if y is not None)
    return [min(years), max(years)] if years else []


def payload(
    graph: nx.MultiDiGraph,
    *,
    title: str = "battery-kg",
    positions: Mapping[str, tuple[float, float]] | None = None,
    at: int | None = None,
    focus: str | None = None,
    depth: int | None = None,
    layout: Layout = "force",
) -> dict:
    """Everything the page script reads: vis-network nodes and edges, their years and details, the legend.

    >>> g = nx.MultiDiGraph()
    >>> g.add_node("urn:p", label="P", type="parent-group", founded="1990", sources={})
    >>> g.add_node("urn:c", label="C", type="company", sources={})
    >>> for start, end, share in [(2009, 2011, 50.5), (2011, None, 100.0)]:
    ...     _ = g.add_edge("urn:p", "urn:c", relation="owns", kind="parent", share=share, start=str(start),
    ...                    end=end and str(end), start_year=start, end_year=end, sources=["https://s"])
    >>> data = payload(g, at=2010)
    >>> data["years"], data["start"], len(data["links"]), data["links"][0]["l"]
    ([1990, 2011], 2010, 1, 'owns 50.5 %')
    >>> data["links"][0]["p"]
    [[2009, 2011, 50.5, 'parent', '2009', '2011', [0]], [2011, None, 100.0, 'parent', '2011', None, [0]]]
    """
    times = {node: _node_time(data) for node, data in graph.nodes(data=True)}
    years = _covered_years(graph, times)
    start = at if at is not None else (years[1] if years else None)
    net = network(graph, positions, at=start)
    nodes, edges, _, _, _, options = net.get_network_data()
    sources = _Sources(graph.graph.get("tiers", {}))
    counts: dict[str, int] = defaultdict(int)
    index = {node["id"]: number for number, node in enumerate(nodes)}
    node_meta = []
    for node in nodes:
        data = graph.nodes[node["id"]]
        counts[data["type"]] += 1
        if data["type"] in NODE_STYLES:
            del node["shape"]  # the group gives it
        meta = {
            **times[node["id"]],
            "aliases": list(data.get("aliases", [])),
            "facts": [
                [
                    attribute,
                    "; ".join(map(str, value)) if attribute in MULTI_VALUED else str(value),
                    sources(data["sources"].get(attribute, [])),
                ]
                for attribute, value in sorted(data.items())
                if attribute not in ("label", "type", "sources", "history", "note", "aliases")
            ],
            "notes": list(data.get("note", [])),
            "history": [{**record, "sources": sources(record["sources"])} for record in data.get("history", [])],
        }
        # what is empty stays out (page.js fills it in): a 5,000-node page is megabytes smaller
        node_meta.append({"layer": node_style(data["type"]).layer, **{k: v for k, v in meta.items() if v}})
    relation_counts: dict[str, int] = defaultdict(int)
    links = []
    merged = _merged_edges(graph)
    for edge in edges:
        relation = edge["relation"]
        style = edge_style(relation)
        stakes = merged[(edge["from"], edge["to"], relation)]
        relation_counts[relation] += 1
        link: dict = {"f": index[edge["from"]], "t": index[edge["to"]], "r": relation}
        if edge["label"] != style.forward:
            link["l"] = edge["label"]
        if "title" in edge:
            link["ti"] = edge["title"]
        if edge["dashes"] != style.dashed:
            link["d"] = edge["dashes"]
        if edge["width"] != 1:
            link["w"] = edge["width"]
        if relation == "owns" or any(d.get("start_year") is not None or d.get("end_year") is not None for d in stakes):
            link["p"] = [
                [
                    d.get("start_year"),
                    d.get("end_year"),
                    d.get("share"),
                    d.get("kind"),
                    d.get("start"),
                    d.get("end"),
                    sources(d["sources"]),
                ]
                for d in stakes
            ]
        cited = sources(sorted({url for d in stakes for url in d["sources"]}))
        if cited:
            link["s"] = cited
        links.append(link)
    return {
        "title": title,
        "years": years,
        "start": start,
        "focus": focus,
        "depth": depth,
        "layout": layout,
        "layers": [{"layer": name, "legend": legend, "on": name in DEFAULT_LAYERS} for name, legend in LAYERS.items()],
        "hubTypes": sorted(HUB_TYPES),
        "nodes": nodes,
        "nodeMeta": node_meta,
        # one per (from, to, relation): node numbers, the relation, and only what differs from its style
        "links": links,
        "sources": sources.payload(),
        "options": json.loads(options),
        "types": [
            {
                "type": t,
                "legend": node_style(t).legend if t in NODE_STYLES else t,
                "color": node_style(t).color,
                "shape": node_style(t).shape,
                "dashed": node_style(t).dashed,
                "layer": node_style(t).layer,
                "count": counts[t],
            }
            for t in [*NODE_STYLES, *sorted(set(counts) - set(NODE_STYLES))]
            if counts[t]
        ],
        "relations": [
            {
                "relation": r,
                "legend": edge_style(r).legend,
                "forward": edge_style(r).forward,
                "backward": edge_style(r).backward,
                "color": edge_style(r).color,
                "dashed": edge_style(r).dashed,
                "arrow": edge_style(r).arrow,
                "count": relation_counts[r],
            }
            for r in [*EDGE_STYLES, *sorted(set(relation_counts) - set(EDGE_STYLES))]
            if relation_counts[r]
        ],
    }


def render(
    graph: nx.MultiDiGraph,
    *,
    title: str = "battery-kg",
    positions: Mapping[str, tuple[float, float]] | None = None,
    at: int | None = None,
    focus: str | None = None,
    depth: int | None = None,
    layout: Layout = "force",
) -> str:
    """The whole page as one HTML string: no external reference of any kind.

    ``at`` is the year the time slider starts on (default: the last year the data covers);
    ``focus`` (a node) and ``depth`` open the page focused on that node and its neighbourhood;
    ``layout`` is the one it opens with (``force`` or ``hierarchy``, the ownership tree).
    """
    data = payload(graph, title=title, positions=positions, at=at, focus=focus, depth=depth, layout=layout)
    slots = {
        "title": escape(title),
        "vis-css": _static("vis-network.min.css"),
        "page-css": _static("page.css"),
        "data": _script_json(data),
        "vis-js": _static("vis-network.min.js"),
        "page-js": _static("page.js"),
    }
    # one pass, so text put into a slot is never searched for further slots
    return re.sub(r"<!--kg:([a-z-]+)-->", lambda m: slots[m.group(1)], _static("page.html"))


def write_page(
    graph: nx.MultiDiGraph,
    path: Path | str,
    *,
    title: str = "battery-kg",
    positions: Mapping[str, tuple[float, float]] | None = None,
    at: int | None = None,
    focus: str | None = None,
    depth: int | None = None,
    layout: Layout = "force",
) -> Page:
    """Write the page for ``graph`` to ``path`` atomically (a temporary file, then a rename); nothing else."""
    path = Path(path)
    html = render(graph, title=title, positions=positions, at=at, focus=focus, depth=depth, layout=layout)
    encoded = html.encode("utf-8")
    write_atomically(path, encoded)
    return Page(path, graph.number_of_nodes(), graph.number_of_edges(), len(encoded))


def _static(name: str) -> str:
    return (_STATIC / name).read_text(encoding="utf-8")


def _script_json(value: object) -> str:
    """JSON that cannot end its ``<script>`` element or open a comment there."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    for char, escaped in (
        ("&", "\\u0026"),
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(char, escaped)
    return text
