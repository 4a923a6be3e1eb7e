"""The network page in real headless Chromium (Debian's /usr/bin/chromium, driven by playwright).

Every request the page makes is logged and refused, so "no request leaves the
page" is checked, not assumed. Without Chromium these tests are skipped, unless
KG_REQUIRE_BROWSER=1 (as in .ci/run), where they fail.
"""

from __future__ import annotations

import os
from pathlib import Path

import networkx as nx
import pytest

from kg.netx import to_networkx
from kg.store import open_store
from kg.viz import write_page

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
FIXTURE = Path(__file__).parent.parent / "kg" / "examples" / "netx-viz.trig"
SCREENSHOT = Path(__file__).parent.parent / "build" / "graph.png"
ACME = "https://w3id.org/battery-kg/id/company/acme-cells"
HOSTILE_ID = "https://w3id.org/battery-kg/id/company/hostile-co"
HOSTILE = '<img src=x onerror="window.__kgPwned=1">'


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

    def __init__(self, browser, path: Path):
        self.url = path.resolve().as_uri()
        self.context = browser.new_context(viewport={"width": 1400, "height": 900})
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
        if route.request.url == self.url:
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

    def search(self, text: str) -> None:
        self.page.fill("#kg-search", text)
        self.page.press("#kg-search", "Enter")

    def close(self) -> None:
        self.context.close()


@pytest.fixture(scope="module")
def fixture_graph() -> nx.MultiDiGraph:
    store = open_store("oxigraph")
    store.load_file(FIXTURE)
    return to_networkx(store)


@pytest.fixture()
def fixture_page(browser, fixture_graph, tmp_path):
    opened = Opened(browser, write_page(fixture_graph, tmp_path / "graph.html").path)
    yield opened
    opened.close()


def test_seed_page_loads_offline_clean_and_complete(browser, built_trig, tmp_path):
    store = open_store("oxigraph")
    store.load_file(built_trig)
    graph = to_networkx(store)
    assert graph.number_of_nodes() > 50  # the seed graph, not an empty one
    opened = Opened(browser, write_page(graph, tmp_path / "graph.html", title="battery-kg seed").path)
    try:
        assert opened.problems == []
        assert opened.requests == [opened.url]
        n, e = graph.number_of_nodes(), graph.number_of_edges()
        assert opened.counts() == (n, e, n, e)
        legend = opened.page.locator("#kg-types li").all_inner_texts()
        types = {t for _, t in graph.nodes(data="type")}
        assert len(legend) == len(types)
        SCREENSHOT.parent.mkdir(exist_ok=True)
        opened.page.screenshot(path=str(SCREENSHOT))
        assert SCREENSHOT.stat().st_size > 20_000
    finally:
        opened.close()


def test_fixture_page_shows_every_node_and_edge(fixture_page, fixture_graph):
    n, e = fixture_graph.number_of_nodes(), fixture_graph.number_of_edges()
    assert fixture_page.counts() == (n, e, n, e)
    assert fixture_page.requests == [fixture_page.url]
    assert fixture_page.problems == []
    assert fixture_page.page.inner_text("#kg-count") == f"Showing {n} of {n} entities, {e} of {e} links"


def test_a_type_filter_hides_that_type_and_its_links(fixture_page, fixture_graph):
    countries = {node for node, t in fixture_graph.nodes(data="type") if t == "country"}
    rest = fixture_graph.subgraph(set(fixture_graph) - countries)
    fixture_page.page.uncheck("#kg-type-country")
    assert fixture_page.counts() == (rest.number_of_nodes(), rest.number_of_edges()) * 2
    fixture_page.page.check("#kg-type-country")
    n, e = fixture_graph.number_of_nodes(), fixture_graph.number_of_edges()
    assert fixture_page.counts() == (n, e, n, e)


def test_a_relation_filter_hides_those_links(fixture_page, fixture_graph):
    owns = sum(1 for _, _, r in fixture_graph.edges(data="relation") if r == "owns")
    fixture_page.page.uncheck("#kg-relation-owns")
    n, e = fixture_graph.number_of_nodes(), fixture_graph.number_of_edges()
    assert fixture_page.counts() == (n, e - owns, n, e - owns)


def test_search_shows_matches_and_their_neighbours(fixture_page, fixture_graph):
    near = {ACME} | set(nx.all_neighbors(fixture_graph, ACME))
    expected_edges = fixture_graph.subgraph(near).number_of_edges()
    fixture_page.search("acme cells inc")  # an alias, in another case
    assert fixture_page.counts() == (len(near), expected_edges) * 2
    assert fixture_page.page.inner_text("#kg-search-status") == "1 match"
    shown = fixture_page.page.evaluate("kgPage.nodeView.getIds()")
    assert set(shown) == near
    # one match: its facts and sources open beside the graph, sources as links
    details = fixture_page.page.inner_text("#kg-details-text")
    assert "founded: 2001 — source: https://example.org/acme/about" in details
    links = fixture_page.page.eval_on_selector_all("#kg-details-text a", "as => as.map(a => a.href)")
    assert "https://example.org/acme/about" in links
    fixture_page.page.click("#kg-reset")
    n, e = fixture_graph.number_of_nodes(), fixture_graph.number_of_edges()
    assert fixture_page.counts() == (n, e, n, e)
    fixture_page.search("no such name")
    assert fixture_page.counts()[:2] == (0, 0)
    assert fixture_page.page.inner_text("#kg-search-status") == "0 matches"


def test_hovering_a_node_shows_its_facts_as_a_tooltip(fixture_page):
    page = fixture_page.page
    x, y = page.evaluate(f"""() => {{ const p = kgPage.network.getPosition({ACME!r});
        const d = kgPage.network.canvasToDOM(p), r = document.getElementById('kg-network').getBoundingClientRect();
        return [d.x + r.left, d.y + r.top]; }}""")
    page.mouse.move(x - 30, y - 30)
    page.mouse.move(x, y)
    page.wait_for_selector("div.vis-tooltip", state="visible", timeout=5_000)
    tooltip = page.inner_text("div.vis-tooltip")
    assert tooltip.startswith("Acme Cells\n")
    assert "makes LFP — sources: https://example.org/acme/products, https://example.org/news/acme-lfp" in tooltip


def test_a_hostile_label_is_shown_as_text_and_runs_nothing(fixture_page):
    page = fixture_page.page
    page.evaluate(f"kgPage.network.selectNodes([{HOSTILE_ID!r}])")
    fixture_page.search("onerror")
    details = page.inner_text("#kg-details-text")
    assert details.split("\n")[0] == HOSTILE
    assert "</script><script>window.__kgPwned=2</script> Ünïcödé ✓ 電池" in details
    # the javascript: "source" stays text; only http(s) sources become links
    hrefs = page.eval_on_selector_all("#kg-details-text a", "as => as.map(a => a.getAttribute('href'))")
    assert sorted(hrefs) == ["https://example.org/hostile?a=1&b=%3Cb%3E", "https://example.org/news/bolt-minority"]
    assert "javascript:window.__kgPwned=3" in details
    # hover it too: the tooltip is the other place its text goes
    x, y = page.evaluate(f"""() => {{ const d = kgPage.network.canvasToDOM(kgPage.network.getPosition({HOSTILE_ID!r}));
        const r = document.getElementById('kg-network').getBoundingClientRect(); return [d.x + r.left, d.y + r.top]; }}""")
    page.mouse.move(x - 30, y - 30)
    page.mouse.move(x, y)
    page.wait_for_selector("div.vis-tooltip", state="visible", timeout=5_000)
    assert page.inner_text("div.vis-tooltip").startswith(HOSTILE)
    page.wait_for_timeout(300)  # an injected image's onerror would have fired by now
    assert page.evaluate("window.__kgPwned") is None
    assert page.evaluate("document.querySelectorAll('img, iframe, object, embed').length") == 0
    assert page.evaluate("document.querySelectorAll('script').length") == 3
    assert fixture_page.problems == []
    assert fixture_page.requests == [fixture_page.url]
