"""A networkx graph (``kg.netx``) as one self-contained, offline, interactive HTML page.

The network is built with pyvis (``Network.add_node``/``add_edge``, never
``from_nx``, which grows badly with size) and written through our own page
template rather than pyvis's, because every pyvis mode fetches vis-network or
Bootstrap from a CDN and its "local" mode writes ``lib/`` next to the page.
vis-network and its CSS (``kg/static/``) are inlined: nothing leaves the page.

Positions are computed here, so the browser draws once with physics off,
straight edges and ``improvedLayout: false``: a 5,000-node page is ready in
seconds instead of settling for minutes.

Text never becomes markup: the graph travels as JSON inside a
``<script type="application/json">`` element with ``<``, ``>`` and ``&``
escaped, labels are drawn on a canvas, and tooltips and panels are filled
with ``textContent``/``innerText`` (vis-network shows string titles as text).

>>> import networkx as nx
>>> g = nx.MultiDiGraph()
>>> g.add_node("urn:a", label="<b>A</b>", type="company", sources={})
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
from collections.abc import Mapping
from dataclasses import dataclass
from html import escape
from pathlib import Path

import networkx as nx
import numpy as np
from pyvis.network import Network

from .errors import KgError
from .files import write_atomically
from .netx import MULTI_VALUED

_STATIC = Path(__file__).parent / "static"


@dataclass(frozen=True)
class NodeStyle:
    """How one node type looks, and what the legend calls it."""

    color: str
    shape: str
    legend: str
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
    "company": NodeStyle("#4e79a7", "dot", "company"),
    "parent-group": NodeStyle("#1d3557", "diamond", "parent group"),
    "chemistry": NodeStyle("#e15759", "triangle", "chemistry"),
    "application": NodeStyle("#59a14f", "square", "application"),
    "region": NodeStyle("#b07aa1", "star", "region"),
    "country": NodeStyle("#f28e2b", "hexagon", "country"),
    "source": NodeStyle("#9c755f", "triangleDown", "source document"),
    "unresolved": NodeStyle("#bab0ac", "dot", "unresolved name", dashed=True),
}
EDGE_STYLES: Mapping[str, EdgeStyle] = {
    "owns": EdgeStyle("#1d3557", "owns", "owns", "owned by", arrow=True),
    "makes": EdgeStyle("#e15759", "makes chemistry", "makes", "made by"),
    "serves": EdgeStyle("#59a14f", "serves application", "serves", "served by"),
    "headquartered-in": EdgeStyle("#f28e2b", "headquartered in", "headquartered in", "headquarters of"),
    "in-region": EdgeStyle("#b07aa1", "in region", "in region", "region of"),
    "broader": EdgeStyle("#8c8c8c", "kind of", "is a kind of", "includes", arrow=True),
    "mentions": EdgeStyle("#9c755f", "mentions", "mentions", "mentioned by", dashed=True),
    "candidate": EdgeStyle("#bab0ac", "candidate match", "may be", "candidate for", dashed=True, arrow=True),
}

_MAX_TOOLTIP_LINKS = 40  # a hub (a country, LFP) has hundreds of links; its tooltip lists the first ones
_EDGE_LENGTH = 90.0  # pixels between linked nodes, before zoom
_BIG = 2000  # edges above which dragging and zooming hide edges, to keep the page responsive


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
    a, b = (np.array(side, dtype=np.intp) for side in zip(*pairs)) if pairs else (np.empty(0, np.intp),) * 2
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
    return {node: (round(float(px) * scale, 1), round(float(py) * scale, 1)) for node, px, py in zip(nodes, x, y)}


class _Network(Network):
    """pyvis's Network, with O(1) node look-ups.

    ``Network.add_edge`` asserts that both ends are in ``get_nodes()``, a list,
    so adding E edges to N nodes costs O(N·E): 2 s at 5,000 nodes and 23,000
    edges. Answering from the node map makes that check a dict look-up.
    """

    def get_nodes(self):
        return self.node_map


def network(graph: nx.MultiDiGraph, positions: Mapping[str, tuple[float, float]] | None = None) -> Network:
    """The pyvis network of ``graph``: styled nodes at ``positions`` (computed if not given), labelled edges.

    >>> g = nx.MultiDiGraph()
    >>> g.add_node("urn:x", label="X", type="country", sources={})
    >>> net = network(g)
    >>> net.nodes[0]["group"], net.nodes[0]["shape"], net.options["physics"]["enabled"]
    ('country', 'hexagon', False)
    """
    unknown = {t for _, t in graph.nodes(data="type")} - set(NODE_STYLES)
    if unknown:
        raise KgError(f"cannot draw nodes of type {', '.join(sorted(map(str, unknown)))}")
    positions = positions if positions is not None else layout(graph)
    net = _Network(height="100%", width="100%", directed=True)
    for node, data in graph.nodes(data=True):
        x, y = positions[node]
        net.add_node(
            node,
            label=data.get("label") or node,
            shape=NODE_STYLES[data["type"]].shape,
            group=data["type"],
            title=describe(graph, node),
            aliases=list(data.get("aliases", [])),
            size=round(min(40.0, 10 + 3 * math.sqrt(graph.degree(node))), 1),  # hubs bigger, within reason
            x=x,
            y=y,
        )
    for number, (u, v, data) in enumerate(graph.edges(data=True)):
        style = EDGE_STYLES[data["relation"]]
        net.add_edge(
            u,
            v,
            id=number,
            relation=data["relation"],
            label=_edge_label(data),
            # other links are told by their label, and their sources by both ends' tooltips
            **({"title": _edge_title(graph, u, v, data)} if data["relation"] == "owns" else {}),
            color=style.color,
            arrows="to" if style.arrow else "",
            dashes=style.dashed or data.get("kind") in ("minority", "joint-venture"),
            width=2 if data["relation"] == "owns" else 1,
        )
    big = graph.number_of_edges() > _BIG
    net.options = {
        "physics": {"enabled": False},
        "layout": {"improvedLayout": False},
        "edges": {
            "smooth": False,
            "arrows": {"to": {"enabled": False, "scaleFactor": 0.5}},
            "font": {"size": 10, "color": "#444444", "strokeWidth": 3, "strokeColor": "#ffffff"},
        },
        "nodes": {"font": {"size": 14}, "borderWidth": 1},
        "interaction": {"hover": True, "tooltipDelay": 150, "hideEdgesOnDrag": big, "hideEdgesOnZoom": big},
        "groups": {
            name: {
                "color": {"background": style.color, "border": "#333333"},
                "shape": style.shape,
                "shapeProperties": {"borderDashes": [4, 3] if style.dashed else False},
            }
            for name, style in NODE_STYLES.items()
        },
    }
    return net


def describe(graph: nx.MultiDiGraph, node: str) -> str:
    """The plain-text facts about ``node``, each with its sources: what its tooltip shows.

    >>> g = nx.MultiDiGraph()
    >>> g.add_node("urn:a", label="Acme", type="company", founded="2001", sources={"founded": ["https://s"]})
    >>> g.add_node("urn:fr", label="France", type="country", sources={})
    >>> _ = g.add_edge("urn:a", "urn:fr", relation="headquartered-in", sources=["https://t"])
    >>> print(describe(g, "urn:a"))
    Acme
    company · urn:a
    founded: 2001 — source: https://s
    headquartered in France — source: https://t
    """
    data = graph.nodes[node]
    lines = [data.get("label") or node, f"{NODE_STYLES[data['type']].legend} · {node}"]
    for attribute, value in sorted(data.items()):
        if attribute in ("label", "type", "sources"):
            continue
        text = "; ".join(map(str, value)) if attribute in MULTI_VALUED else str(value)
        lines.append(f"{attribute}: {text}{_cited(data['sources'].get(attribute, []))}")
    links = [(EDGE_STYLES[d["relation"]].forward, v, d) for _, v, d in graph.out_edges(node, data=True)] + [
        (EDGE_STYLES[d["relation"]].backward, u, d) for u, _, d in graph.in_edges(node, data=True)
    ]
    links.sort(key=lambda link: (link[0], graph.nodes[link[1]].get("label", "")))
    for phrase, other, d in links[:_MAX_TOOLTIP_LINKS]:
        lines.append(f"{phrase} {graph.nodes[other].get('label') or other}{_stake_terms(d)}{_cited(d['sources'])}")
    if len(links) > _MAX_TOOLTIP_LINKS:
        lines.append(f"… and {len(links) - _MAX_TOOLTIP_LINKS} more links")
    return "\n".join(lines)


def render(
    graph: nx.MultiDiGraph,
    *,
    title: str = "battery-kg",
    positions: Mapping[str, tuple[float, float]] | None = None,
) -> str:
    """The whole page as one HTML string: no external reference of any kind."""
    net = network(graph, positions)
    nodes, edges, _, _, _, options = net.get_network_data()
    counts = {t: 0 for t in NODE_STYLES}
    for node in nodes:
        counts[node["group"]] += 1
    relation_counts = {r: 0 for r in EDGE_STYLES}
    for edge in edges:
        relation_counts[edge["relation"]] += 1
    payload = {
        "title": title,
        "nodes": nodes,
        "edges": edges,
        "options": json.loads(options),
        "types": [
            {"type": t, "legend": s.legend, "color": s.color, "shape": s.shape, "dashed": s.dashed, "count": counts[t]}
            for t, s in NODE_STYLES.items()
            if counts[t]
        ],
        "relations": [
            {"relation": r, "legend": s.legend, "color": s.color, "dashed": s.dashed, "count": relation_counts[r]}
            for r, s in EDGE_STYLES.items()
            if relation_counts[r]
        ],
    }
    slots = {
        "title": escape(title),
        "vis-css": _static("vis-network.min.css"),
        "page-css": _static("page.css"),
        "data": _script_json(payload),
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
) -> Page:
    """Write the page for ``graph`` to ``path`` atomically (a temporary file, then a rename); nothing else."""
    path = Path(path)
    html = render(graph, title=title, positions=positions).encode("utf-8")
    write_atomically(path, html)
    return Page(path, graph.number_of_nodes(), graph.number_of_edges(), len(html))


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


def _cited(urls: list[str]) -> str:
    if not urls:
        return ""
    return f" — source{'s' if len(urls) > 1 else ''}: {', '.join(urls)}"


def _stake_terms(edge: Mapping) -> str:
    """Kind, share and dates of an ownership edge, like ``: parent, 100 %, since 2013-01``; nothing for others."""
    if edge["relation"] != "owns":
        return ""
    parts = [edge["kind"] or "stake"]
    if edge.get("share") is not None:
        parts.append(f"{edge['share']:g} %")
    start, end = edge.get("start"), edge.get("end")
    if start and end:
        parts.append(f"{start} – {end}")
    elif start or end:
        parts.append(f"since {start}" if start else f"until {end}")
    return ": " + ", ".join(parts)


def _edge_label(edge: Mapping) -> str:
    label = EDGE_STYLES[edge["relation"]].forward
    if edge["relation"] == "owns":
        if edge.get("share") is not None:
            label += f" {edge['share']:g} %"
        if edge.get("start_year") is not None or edge.get("end_year") is not None:
            label += f" {edge.get('start_year') or '?'}–{edge.get('end_year') or ''}"
    return label


def _edge_title(graph: nx.MultiDiGraph, u: str, v: str, edge: Mapping) -> str:
    phrase = EDGE_STYLES[edge["relation"]].forward
    subject, obj = graph.nodes[u].get("label") or u, graph.nodes[v].get("label") or v
    return f"{subject} {phrase} {obj}{_stake_terms(edge)}{_cited(edge['sources'])}"
