"""The network page in real headless Chromium (Debian's /usr/bin/chromium, driven by playwright).

Every request the page makes is logged and refused, so "no request leaves the
page" is checked, not assumed, on every page these tests open. The seed graph
(the real data, built once per session) checks the map against real history:
Panasonic's three steps into Sanyo (2009, 2010, 2011) and A123's sale to
Wanxiang (2013). Without Chromium these tests are skipped, unless
KG_REQUIRE_BROWSER=1 (as in .ci/run), where they fail.

The README's screenshots (docs/network-*.png) are written by these tests.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import quote

import networkx as nx
import pytest

from bench.viz import CHROMIUM, CHROMIUM_ARGS  # one set of launch flags for tests and benchmarks
from kg.netx import HUB_TYPES, stake_active, to_networkx
from kg.store import open_store
from kg.viz import node_style, write_page

FIXTURE = Path(__file__).parent.parent / "kg" / "examples" / "netx-viz.trig"
DOCS = Path(__file__).parent.parent / "docs"
ID = "https://w3id.org/battery-kg/id/"
ACME = ID + "company/acme-cells"
HOSTILE_ID = ID + "company/hostile-co"
HOSTILE = '<img src=x onerror="window.__kgPwned=1">'
SANYO, PANASONIC = ID + "company/sanyo", ID + "company/panasonic-holdings"
A123, WANXIANG_AMERICA = ID + "company/a123-systems", ID + "company/wanxiang-america"
NORTHVOLT, QUANTUMSCAPE = ID + "company/northvolt", ID + "company/quantumscape"
PRIME_PLANET, TOYOTA = ID + "company/prime-planet", ID + "company/toyota"
LG_CHEM, LGES, ULTIUM = ID + "company/lg-chem", ID + "company/lg-energy-solution", ID + "company/ultium-cells"
ENDS = ("Dissolved", "MergedInto")


def _unavailable(reason: str) -> None:
    if os.environ.get("KG_REQUIRE_BROWSER") == "1":
        pytest.fail(f"KG_REQUIRE_BROWSER=1 but {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        _unavailable(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("python playwright is not installed (pip install -e '.[test]')")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


class Opened:
    """A page opened from disk, with everything it logged and everything it tried to fetch."""

    def __init__(self, browser, path: Path, fragment: str = "", size=(1440, 900)):
        self.file = path.resolve().as_uri()
        self.url = self.file + fragment
        self.context = browser.new_context(viewport={"width": size[0], "height": size[1]})
        self.requests: list[str] = []
        self.problems: list[str] = []
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on(
            "console", lambda m: m.type in ("error", "warning") and self.problems.append(f"{m.type}: {m.text}")
        )
        self.page.on("pageerror", lambda error: self.problems.append(f"uncaught: {error}"))
        self.page.goto(self.url)
        # a selector, not wait_for_function: the page's CSP forbids the eval that polling a JS expression needs
        self.page.wait_for_selector("html[data-ready='true']", state="attached", timeout=60_000)

    def _route(self, route):
        self.requests.append(route.request.url)
        if route.request.url.split("#")[0] == self.file:
            route.continue_()
        else:
            route.abort()

    def counts(self) -> tuple[int, int, int, int]:
        """(nodes, edges) the counter shows, and (nodes, edges) the network actually holds."""
        return tuple(
            self.page.evaluate(
                """() => { const c = document.getElementById('kg-count').dataset, b = kgPage.network.body;
                       return [+c.nodes, +c.edges, b.nodeIndices.length, b.edgeIndices.length]; }"""
            )
        )

    def shown(self) -> set[str]:
        return set(self.page.evaluate("kgPage.nodeView.getIds()"))

    def shown_links(self, relation: str) -> dict[tuple[str, str], str]:
        """The links of one relation the network holds now: (from, to) -> label."""
        links = self.page.evaluate(
            """(relation) => kgPage.edgeView.get().filter(e => e.relation === relation)
                 .map(e => [e.from, e.to, kgPage.edges.get(e.id).label])""",
            relation,
        )
        return {(a, b): label for a, b, label in links}

    def position(self, node: str) -> tuple[float, float]:
        """Where a node is now, in canvas coordinates (y grows downwards)."""
        x, y = self.page.evaluate("(id) => { const b = kgPage.network.body.nodes[id]; return [b.x, b.y]; }", node)
        return x, y

    def on_screen(self, node: str) -> tuple[float, float]:
        return tuple(
            self.page.evaluate(
                """(id) => { const d = kgPage.network.canvasToDOM(kgPage.network.getPosition(id));
                     const r = document.getElementById('kg-network').getBoundingClientRect();
                     return [d.x + r.left, d.y + r.top]; }""",
                node,
            )
        )

    def set_year(self, year: int) -> None:
        self.page.fill("#kg-year", str(year))
        assert self.page.inner_text("#kg-year-label") == str(year)

    def settle(self) -> None:
        self.page.wait_for_timeout(500)  # re-layouts animate for 350 ms

    def close(self) -> None:
        try:
            assert self.problems == []
            assert {url.split("#")[0] for url in self.requests} == {self.file}
        finally:
            self.context.close()


@pytest.fixture(scope="module")
def fixture_graph() -> nx.MultiDiGraph:
    store = open_store("oxigraph")
    store.load_file(FIXTURE)
    return to_networkx(store)


@pytest.fixture()
def fixture_page(browser, fixture_graph, tmp_path):
    opened = Opened(
        browser,
        write_page(fixture_graph, tmp_path / "graph.html").path,
        "#layers=" + quote("industry,geography,concepts,reports"),
    )
    yield opened
    opened.close()


@pytest.fixture(scope="module")
def seed_graph(built_trig) -> nx.MultiDiGraph:
    store = open_store("oxigraph")
    store.load_file(built_trig)
    return to_networkx(store)


@pytest.fixture(scope="module")
def seed_path(seed_graph, tmp_path_factory) -> Path:
    return write_page(seed_graph, tmp_path_factory.mktemp("seed") / "graph.html", title="battery-kg").path


@pytest.fixture()
def seed(browser, seed_path):
    """Opens the seed page with a fragment; every page opened is checked for requests and problems."""
    opened: list[Opened] = []

    def open_page(fragment: str = "", **options) -> Opened:
        opened.append(Opened(browser, seed_path, fragment, **options))
        return opened[-1]

    yield open_page
    for page in opened:
        page.close()


def fragment(**state) -> str:
    return "#" + "&".join(f"{key}={quote(str(value), safe='')}" for key, value in state.items())


# ---- what the page should show, worked out here from the graph ----


def alive(graph: nx.MultiDiGraph, node: str, year: int) -> bool:
    """An organisation exists from its founding year until it is dissolved or merged (plants go by status)."""
    data = graph.nodes[node]
    statuses = [r for r in data.get("history", []) if r["kind"] == "status"]
    if statuses:
        now = [r for r in statuses if (r["year"] or 0) <= year and (r["end_year"] is None or year < r["end_year"])]
        return bool(now) and now[-1]["value"] not in ("Cancelled", "Closed")
    start = next((data[a] for a in ("founded", "signed_year", "start_year", "signed", "start") if data.get(a)), None)
    if start and int(str(start)[:4]) > year:
        return False
    end = next((data[a] for a in ("end_year", "end", "dissolved") if data.get(a)), None)
    ends = [r["year"] for r in data.get("history", []) if r["kind"] in ENDS and r["side"] == "original" and r["year"]]
    ends += [int(str(end)[:4])] if end else []
    return not any(end <= year for end in ends)


def industry_map(graph: nx.MultiDiGraph, year: int) -> set[str]:
    return {n for n, t in graph.nodes(data="type") if node_style(t).layer == "industry" and alive(graph, n, year)}


def stakes_held(graph: nx.MultiDiGraph, year: int, among: set[str]) -> set[tuple[str, str]]:
    return {
        (u, v)
        for u, v, d in graph.edges(data=True)
        if d["relation"] == "owns" and u in among and v in among and stake_active(d, year)
    }


def near(graph: nx.MultiDiGraph, center: str, depth: int, year: int) -> set[str]:
    """Breadth-first over links that hold in year, reaching hubs (countries, concepts) but not passing them."""
    seen, frontier = {center}, [center]
    for _ in range(depth):
        reached = []
        for node in frontier:
            if node != center and graph.nodes[node]["type"] in HUB_TYPES:
                continue
            links = [(v, d) for _, v, d in graph.out_edges(node, data=True)]
            links += [(u, d) for u, _, d in graph.in_edges(node, data=True)]
            for other, d in links:
                if other not in seen and stake_active(d, year) and alive(graph, other, year):
                    seen.add(other)
                    reached.append(other)
        frontier = reached
    return seen


def controlling_owners(graph: nx.MultiDiGraph, node: str, year: int) -> set[str]:
    return {
        u
        for u, _, d in graph.in_edges(node, data=True)
        if d["relation"] == "owns" and stake_active(d, year) and (d["kind"] == "parent" or (d["share"] or 0) > 50)
    }


# ---- the seed graph ----


def test_the_default_view_is_the_industry_map_offline(seed, seed_graph):
    page = seed()
    year = seed_graph_last_year(page)
    expected = industry_map(seed_graph, year)
    assert page.shown() == expected
    assert len(expected) > 100
    links = stakes_held(seed_graph, year, expected)
    assert set(page.shown_links("owns")) == links
    # every link shown is an industry link: no "headquartered in" or "mentions" carpet
    assert {r for r in page.page.evaluate("kgPage.edgeView.get().map(e => e.relation)")} == {"owns"} | (
        {r for u, v, r in seed_graph.edges(data="relation") if u in expected and v in expected} - {"owns"}
    )
    for layer in ("geography", "concepts", "reports"):
        assert not page.page.is_checked(f"#kg-layer-{layer}")
    assert page.page.is_checked("#kg-layer-industry")
    n, e = len(expected), page.counts()[1]
    assert page.counts() == (n, e, n, e)
    assert page.page.inner_text("#kg-count").startswith(f"Showing {n} of {seed_graph.number_of_nodes()} entities")
    page.page.screenshot(path=str(DOCS / "network-default.png"))


def seed_graph_last_year(page: Opened) -> int:
    return int(page.page.get_attribute("#kg-year", "max"))


def test_labels_are_legible_at_the_default_zoom_and_edge_labels_wait_for_a_close_look(seed, seed_graph):
    page = seed()
    labels = page.page.evaluate(
        """() => { const n = kgPage.network, s = n.getScale();
             return kgPage.nodeView.getIds().map(id => n.body.nodes[id].labelModule)
               .filter(l => l.visible()).map(l => [l.fontOptions.size * s, l.elementOptions.label]); }"""
    )
    assert len(labels) >= 20  # the big names can be read without zooming
    assert min(size for size, _ in labels) >= 12
    organisations = {d["label"] for _, d in seed_graph.nodes(data=True) if d["type"] in ("company", "parent-group")}
    assert sum(label in organisations for _, label in labels) >= 20  # organisations' names come first

    def edge_labels() -> int:
        return page.page.evaluate(
            """() => kgPage.edgeView.getIds().filter(id => kgPage.network.body.edges[id].labelModule.visible()).length"""
        )

    assert edge_labels() == 0
    # hovering a link shows its label
    mid = page.page.evaluate(
        """(ids) => { const n = kgPage.network, a = n.getPosition(ids[0]), b = n.getPosition(ids[1]);
             const d = n.canvasToDOM({x: (a.x + b.x) / 2, y: (a.y + b.y) / 2});
             const r = document.getElementById('kg-network').getBoundingClientRect();
             return [d.x + r.left, d.y + r.top]; }""",
        [PANASONIC, SANYO],
    )
    page.page.mouse.move(mid[0] - 40, mid[1] - 40)
    page.page.mouse.move(*mid)
    page.page.wait_for_timeout(300)
    assert edge_labels() == 1
    corner = page.page.evaluate(
        "(() => { const r = document.getElementById('kg-network').getBoundingClientRect(); "
        "return [r.left + 5, r.bottom - 5]; })()"
    )
    page.page.mouse.move(*corner)  # an empty spot of the canvas
    page.page.wait_for_timeout(300)
    assert edge_labels() == 0
    page.page.evaluate("kgPage.network.moveTo({scale: 2})")
    assert edge_labels() > 1


def test_layers_bring_in_geography_and_concepts_and_take_them_away(seed, seed_graph):
    page = seed()
    before = page.shown()
    countries = {n for n, t in seed_graph.nodes(data="type") if t in ("country", "region")}
    page.page.check("#kg-layer-geography")
    page.settle()
    assert page.shown() == before | countries
    assert page.page.inner_text("#kg-type-country .kg-count").split(" / ")[0] == str(
        sum(1 for n in countries if seed_graph.nodes[n]["type"] == "country")
    )
    assert "geography" in page.page.evaluate("location.hash")
    page.page.uncheck("#kg-layer-geography")
    assert page.shown() == before


@pytest.mark.parametrize(
    ("year", "sanyo_owner"),
    [(2008, None), (2009, "owns 50.05 %"), (2010, "owns 80.77 %"), (2011, "owns 100 %"), (2012, "owns 100 %")],
)
def test_the_slider_follows_panasonics_steps_into_sanyo(seed, seed_graph, year, sanyo_owner):
    page = seed()
    page.set_year(year)
    expected = industry_map(seed_graph, year)
    assert page.shown() == expected
    links = page.shown_links("owns")
    assert set(links) == stakes_held(seed_graph, year, expected)
    assert links.get((PANASONIC, SANYO)) == sanyo_owner


def test_the_slider_shows_a123_sold_to_wanxiang_and_plays(seed, seed_graph):
    page = seed(fragment(year=2012))
    assert A123 in page.shown() and NORTHVOLT not in page.shown()  # Northvolt was founded in 2016
    assert not any(owned == A123 for _, owned in page.shown_links("owns"))
    page.set_year(2013)
    assert (WANXIANG_AMERICA, A123) in page.shown_links("owns")
    assert page.shown() == industry_map(seed_graph, 2013)
    page.settle()  # the fragment is written a moment after a change
    assert "year=2013" in page.page.evaluate("location.hash")
    # play runs through the years by itself
    page.page.click("#kg-play")
    page.page.wait_for_timeout(1600)
    page.page.click("#kg-play")
    played = int(page.page.inner_text("#kg-year-label"))
    assert played >= 2014
    assert page.shown() == industry_map(seed_graph, played)


def test_the_ownership_tree_puts_groups_above_and_joint_ventures_between_their_partners(seed):
    page = seed(fragment(year=2021))
    page.page.select_option("#kg-layout", "hierarchy")
    page.settle()
    assert page.position(PANASONIC)[1] < page.position(SANYO)[1]
    assert page.position(WANXIANG_AMERICA)[1] < page.position(A123)[1]
    # Prime Planet Energy & Solutions: Toyota 51 %, Panasonic 49 % since 2020
    jv_x, jv_y = page.position(PRIME_PLANET)
    (px, py), (tx, ty) = page.position(PANASONIC), page.position(TOYOTA)
    assert jv_y > max(py, ty)
    assert min(px, tx) - 85 <= jv_x <= max(px, tx) + 85  # between them, give or take half a node's slot
    assert "layout=hierarchy" in page.page.evaluate("location.hash")
    # back to the network: the same nodes, re-arranged
    shown = page.shown()
    page.page.select_option("#kg-layout", "force")
    page.settle()
    assert page.shown() == shown


def test_a_filter_closes_up_the_view_and_keeps_what_stays_in_place(seed):
    page = seed(fragment(year=2024, layers="industry,geography"))
    staying = sorted(page.page.evaluate("kgPage.edgeView.get().filter(e => e.relation === 'owns').map(e => e.from)"))
    before = {n: page.position(n) for n in staying}
    page.page.uncheck("#kg-layer-geography")
    page.settle()
    after = {n: page.position(n) for n in staying}
    spread = max(abs(x) for x, _ in before.values()) + max(abs(y) for _, y in before.values())
    moved = sorted(((after[n][0] - before[n][0]) ** 2 + (after[n][1] - before[n][1]) ** 2) ** 0.5 for n in staying)
    assert moved[len(moved) // 2] < spread / 4  # most nodes that stay keep their place


def test_double_click_expands_and_collapses_neighbours(seed, seed_graph):
    page = seed(fragment(year=2013, focus=A123, depth=0))
    first = page.shown()
    assert first == {A123, WANXIANG_AMERICA} | controlling_owners(seed_graph, WANXIANG_AMERICA, 2013)
    page.page.mouse.dblclick(*page.on_screen(A123))
    page.settle()
    expanded = page.shown()
    neighbours = {o for o in nx.all_neighbors(seed_graph, A123) if alive(seed_graph, o, 2013)}
    assert expanded == first | neighbours
    assert ID + "country/US" in expanded  # expanding shows every kind of neighbour
    page.page.mouse.dblclick(*page.on_screen(A123))
    page.settle()
    assert page.shown() == first


def test_fuzzy_search_with_the_keyboard(seed):
    page = seed()
    page.page.fill("#kg-search", "Quantum Scape")
    page.page.wait_for_selector("#kg-matches li")
    options = page.page.locator("#kg-matches li").all_inner_texts()
    assert options[0].startswith("QuantumScape")
    assert page.page.get_attribute("#kg-match-0", "aria-selected") == "true"
    page.page.press("#kg-search", "ArrowDown")
    assert page.page.get_attribute("#kg-match-1", "aria-selected") == "true"
    page.page.press("#kg-search", "ArrowUp")
    page.page.press("#kg-search", "Enter")
    assert page.page.inner_text("#kg-details-text h3") == "QuantumScape"
    assert page.page.evaluate("kgPage.state.focus") == QUANTUMSCAPE
    assert page.page.is_hidden("#kg-matches")
    # a typo and a former name still find Panasonic
    assert PANASONIC in page.page.evaluate("kgPage.findMatches('Panasnoic')")[:3]
    assert PANASONIC in page.page.evaluate("kgPage.findMatches('matsushita electric')")[:3]


def test_focus_depth_does_not_cross_hubs(seed, seed_graph):
    page = seed(fragment(year=2013, focus=A123, depth=2, layers="industry,geography,concepts"))
    layers = {"industry", "geography", "concepts"}
    reached = near(seed_graph, A123, 2, 2013)
    expected = {n for n in reached if node_style(seed_graph.nodes[n]["type"]).layer in layers}
    expected |= controlling_owners(seed_graph, WANXIANG_AMERICA, 2013)
    assert page.shown() == expected
    assert ID + "country/US" in expected  # the hub is reached ...
    us_companies = {
        u for u, v, r in seed_graph.edges(data="relation") if r == "headquartered-in" and v == ID + "country/US"
    }
    assert len(us_companies - expected) > 10  # ... but not passed through
    assert len(expected) < 40


def test_focus_highlights_the_path_to_the_top_of_the_group(seed, seed_graph):
    page = seed(fragment(year=2013, focus=A123))
    selected = page.page.evaluate("kgPage.network.getSelectedNodes()")
    top = controlling_owners(seed_graph, WANXIANG_AMERICA, 2013)
    assert selected[0] == A123 and set(selected) == {A123, WANXIANG_AMERICA} | top
    assert page.page.evaluate("kgPage.network.getSelectedEdges().length") == len(selected) - 1
    assert page.page.inner_text("#kg-details-text h3") == "A123 Systems"


def test_the_url_keeps_year_focus_layers_and_layout(seed):
    page = seed()
    page.set_year(2011)
    page.page.check("#kg-layer-concepts")
    page.page.select_option("#kg-layout", "hierarchy")
    page.page.fill("#kg-search", "sanyo")
    page.page.wait_for_selector("#kg-matches li")
    page.page.press("#kg-search", "Enter")
    page.page.click("#kg-only")  # its neighbourhood only
    page.settle()
    link = page.page.evaluate("location.href")
    state = page.page.evaluate("[...kgPage.state.layers].sort().join() + kgPage.state.layout + kgPage.state.year")
    shown = page.shown()
    again = seed(link[len(page.file) :])
    assert (
        again.page.evaluate("[...kgPage.state.layers].sort().join() + kgPage.state.layout + kgPage.state.year") == state
    )
    assert state == "concepts,industryhierarchy2011"
    assert again.page.evaluate("[kgPage.state.focus, kgPage.state.depth]") == [SANYO, 2]
    assert again.shown() == shown
    assert again.page.input_value("#kg-layout") == "hierarchy" and again.page.is_checked("#kg-layer-concepts")
    assert again.page.inner_text("#kg-details-text h3") == "SANYO Electric Co., Ltd."


def test_parallel_stakes_are_one_edge_whose_tooltip_lists_the_history(seed, seed_graph):
    page = seed(fragment(year=2011))
    edges = page.page.evaluate(
        "(ids) => kgPage.edges.get().filter(e => e.from === ids[0] && e.to === ids[1])", [PANASONIC, SANYO]
    )
    stakes = [d for _, v, d in seed_graph.out_edges(PANASONIC, data=True) if v == SANYO]
    assert len(stakes) == 3 and len(edges) == 1
    assert edges[0]["title"].split("\n")[1:] == [
        "2009-12 – 2010-10: parent, 50.05 %",
        "2010-10 – 2011-04-01: parent, 80.77 %",
        "2011-04-01 – now: parent, 100 %",
    ]


def test_the_details_panel_tells_the_story_with_sources_and_tiers(seed, seed_graph):
    page = seed(fragment(year=2011, focus=SANYO))
    panel = page.page.locator("#kg-details-text")
    assert panel.locator("h4").all_inner_texts()[:1] == ["Owners"]
    owner = panel.locator("h4:text('Owners') + ul > li").first
    assert owner.locator("a.kg-node").inner_text() == "Panasonic Corporation"  # its name in 2011
    lines = owner.locator("div").all_inner_texts()
    assert [line.split(":")[0] for line in lines] == ["2009-12 – 2010-10", "2010-10 – 2011-04-01", "2011-04-01 – now"]
    assert owner.locator("div.kg-now").inner_text().startswith("2011-04-01 – now: parent, 100 %")
    tiers = set(owner.locator(".kg-tier").all_inner_texts())
    assert tiers and tiers <= {"primary", "reference", "press"}
    # Northvolt: notes, and its events in date order, each with its sources
    page.page.evaluate(f"kgPage.setFocus({NORTHVOLT!r})")
    text = panel.inner_text()
    assert "Lyten" in panel.locator("p").first.inner_text()
    events = panel.locator("h4:text('Events') + ul > li")
    dates = [line.split(":")[0] for line in events.all_inner_texts() if line[:4].isdigit()]
    assert dates == sorted(dates) and any(d.startswith("2024-11") for d in dates)
    assert "bankruptcy" in text
    assert events.first.locator("a[href^='https://']").count() > 0
    hrefs = panel.locator("a[href]").evaluate_all("as => as.map(a => a.href)")
    tiers_by_url = seed_graph.graph["tiers"]
    assert hrefs and all(url in tiers_by_url for url in hrefs)


def test_a_focused_ownership_tree_screenshot(seed, seed_graph):
    page = seed(fragment(year=2024, focus=LG_CHEM, depth=2, layout="hierarchy"))
    page.settle()
    # LG Chem above LG Energy Solution, which is above its joint ventures with carmakers
    assert page.position(LG_CHEM)[1] < page.position(LGES)[1] < page.position(ULTIUM)[1]
    # a closer look at the tree for the README, as a reader would zoom in
    page.page.evaluate(
        "(ids) => kgPage.network.fit({nodes: [ids[0], ...kgPage.network.getConnectedNodes(ids[1])], animation: false})",
        [LG_CHEM, LGES],
    )
    page.page.screenshot(path=str(DOCS / "network-focus.png"))


def test_a_page_written_for_a_year_and_the_ownership_tree_opens_on_them(browser, fixture_graph, tmp_path):
    path = write_page(fixture_graph, tmp_path / "tree.html", at=2012, layout="hierarchy").path
    page = Opened(browser, path)
    try:
        assert page.page.input_value("#kg-layout") == "hierarchy"
        assert page.page.inner_text("#kg-year-label") == "2012"
        volt = "https://w3id.org/battery-kg/id/company/volt-group"
        assert (volt, ACME) in page.shown_links("owns")  # Volt Group sold Acme Cells in 2013
        assert page.position(volt)[1] < page.position(ACME)[1]
    finally:
        page.close()


def test_plants_follow_their_status_and_agreements_their_years(browser, tmp_path):
    g = nx.MultiDiGraph()
    g.add_node("urn:maker", label="Maker", type="company", founded="2001", sources={})
    g.add_node("urn:buyer", label="Buyer", type="company", sources={})
    statuses = [(2020, 2022, "Announced"), (2022, 2025, "Operating"), (2025, None, "Closed")]
    g.add_node(
        "urn:plant",
        label="Maker Plant 1",
        type="plant",
        sources={},
        history=[
            {
                "kind": "status",
                "side": None,
                "date": str(start),
                "year": start,
                "end_year": end,
                "value": status,
                "unit": None,
                "other": None,
                "note": None,
                "sources": ["https://example.org/plant"],
            }
            for start, end, status in statuses
        ],
    )
    g.add_node("urn:deal", label="Supply deal", type="agreement", signed="2019-05", end="2023", sources={})
    g.add_edge("urn:maker", "urn:plant", relation="operates", sources=["https://example.org/plant"])
    g.add_edge("urn:maker", "urn:deal", relation="party", sources=["https://example.org/deal"])
    g.add_edge("urn:buyer", "urn:deal", relation="party", sources=["https://example.org/deal"])
    page = Opened(browser, write_page(g, tmp_path / "plants.html").path, fragment(year=2019))
    try:
        seen = {}
        assert page.page.get_attribute("#kg-year", "max") == "2025"  # the last change in the data
        for year in range(2019, 2026):
            page.set_year(year)
            shown = page.shown()
            dashed = page.page.evaluate("kgPage.nodes.get('urn:plant').shapeProperties?.borderDashes || false")
            seen[year] = ("urn:plant" in shown, bool(dashed), "urn:deal" in shown)
        assert seen == {
            2019: (False, False, True),
            2020: (True, True, True),  # announced: drawn dashed and faded
            2021: (True, True, True),
            2022: (True, False, True),
            2023: (True, False, False),  # the deal ended in 2023
            2024: (True, False, False),
            2025: (False, False, False),  # closed
        }
        page.page.evaluate("kgPage.setYear(2023); kgPage.setFocus('urn:maker')")
        plants = page.page.locator("#kg-details-text h4:text('Plants') + ul > li").all_inner_texts()
        assert len(plants) == 1 and plants[0].startswith("Maker Plant 1 — operating")
    finally:
        page.close()


# ---- the made-up fixture: every layer on ----


def test_fixture_page_shows_every_node_and_what_holds_in_its_last_year(fixture_page, fixture_graph):
    n = fixture_graph.number_of_nodes()
    pairs = {(u, v, d["relation"]) for u, v, d in fixture_graph.edges(data=True)}
    held = {(u, v, d["relation"]) for u, v, d in fixture_graph.edges(data=True) if stake_active(d, 2018)}
    assert len(held) == len(pairs) - 1  # Volt Group sold Acme Cells in 2013
    assert fixture_page.counts() == (n, len(held), n, len(held))
    assert (
        fixture_page.page.inner_text("#kg-count") == f"Showing {n} of {n} entities, {len(held)} of {len(pairs)} links"
    )
    fixture_page.set_year(2012)
    assert ("https://w3id.org/battery-kg/id/company/volt-group", ACME) in fixture_page.shown_links("owns")


def test_a_relation_filter_hides_those_links(fixture_page, fixture_graph):
    owns = {(u, v) for u, v, r in fixture_graph.edges(data="relation") if r == "owns"}
    shown_owns = len(fixture_page.shown_links("owns"))
    n, e = fixture_page.counts()[:2]
    fixture_page.page.uncheck("#kg-relation-owns")
    assert fixture_page.counts() == (n, e - shown_owns, n, e - shown_owns)
    assert fixture_page.page.inner_text("#kg-relations li:first-child .kg-count") == f"0 / {len(owns)}"
    fixture_page.page.click("#kg-reset")
    assert fixture_page.counts()[1] < e  # "Show all" returns to the default layers ...
    assert fixture_page.page.is_hidden("#kg-details")  # ... and closes the panel


def test_hovering_a_node_shows_a_short_tooltip(fixture_page):
    page = fixture_page.page
    x, y = fixture_page.on_screen(ACME)
    page.mouse.move(x - 30, y - 30)
    page.mouse.move(x, y)
    page.wait_for_selector("div.vis-tooltip", state="visible", timeout=5_000)
    assert page.inner_text("div.vis-tooltip").split("\n")[:2] == ["Acme Cells", "company · founded 2001"]


def test_a_hostile_label_is_shown_as_text_and_runs_nothing(fixture_page):
    page = fixture_page.page
    page.fill("#kg-search", "onerror")
    page.wait_for_selector("#kg-matches li")
    assert page.inner_text("#kg-match-0").startswith(HOSTILE)
    page.press("#kg-search", "Enter")
    details = page.inner_text("#kg-details-text")
    assert details.split("\n")[0] == HOSTILE
    assert "</script><script>window.__kgPwned=2</script> Ünïcödé ✓ 電池" in details
    # the javascript: "source" stays text; only http(s) sources become links
    hrefs = page.eval_on_selector_all("#kg-details-text a[href]", "as => as.map(a => a.getAttribute('href'))")
    assert sorted(hrefs) == ["https://example.org/hostile?a=1&b=%3Cb%3E", "https://example.org/news/bolt-minority"]
    assert "javascript:window.__kgPwned=3" in details
    # hover it too: the tooltip is the other place its text goes
    x, y = fixture_page.on_screen(HOSTILE_ID)
    page.mouse.move(x - 30, y - 30)
    page.mouse.move(x, y)
    page.wait_for_selector("div.vis-tooltip", state="visible", timeout=5_000)
    assert page.inner_text("div.vis-tooltip").startswith(HOSTILE)
    page.wait_for_timeout(300)  # an injected image's onerror would have fired by now
    assert page.evaluate("window.__kgPwned") is None
    assert page.evaluate("document.querySelectorAll('img, iframe, object, embed').length") == 0
    assert page.evaluate("document.querySelectorAll('script').length") == 3
