"""How fast the network page is ready, and how fast its time slider steps, in headless Chromium.

An industry-shaped synthetic graph (companies founded over the years, each with
a country, chemistries and applications, dated stakes, plants with a status
history, agreements, hubs such as China and LFP) of each size goes through the same kg.viz path as `kg viz`; the page is
opened from disk with every request refused, and timed until vis-network has
drawn it once.

    .venv/bin/python bench/viz.py                 # 1,000, 5,000 and 20,000 nodes
    .venv/bin/python bench/viz.py 200 2000 --repeats 5

``run(sizes)`` returns one dict per size (medians over ``repeats`` page loads):
``nodes``, ``edges``, ``layout_s`` and ``render_s`` (Python side), ``html_mb``,
``ready_ms`` (navigation start → first drawing, measured in the page),
``ready_wall_ms`` (goto → ready, measured outside), ``slider_ms`` (one step of
the year slider until the browser has drawn it; the median of five steps),
``filter_ms`` (switch the geography layer on and redraw), ``search_ms`` (find
a name, open it and redraw), and ``requests``/``console_errors``, which must be 0.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import networkx as nx

from kg.viz import map_layout, write_page

CHROMIUM = Path("/usr/bin/chromium")
# Without the background-networking flags Chromium keeps trying hosts a closed network refuses.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SIZES = (1000, 5000, 20000)
SLIDER_STEPS = 5

# runs inside the page: the time of one change to the filters, until the browser has drawn it
_TIMED_CHANGE = """async (change) => {
    const start = performance.now();
    const drawn = new Promise(resolve => kgPage.network.once('afterDrawing', resolve));
    if (change === 'slider') {
        const slider = document.getElementById('kg-year');
        slider.value = String(Number(slider.value) - 1);
        slider.dispatchEvent(new Event('input'));
    } else if (change === 'filter') {
        const box = document.getElementById('kg-layer-geography');
        box.checked = true;
        box.dispatchEvent(new Event('change'));
    } else {
        const search = document.getElementById('kg-search');
        search.value = 'company 7';
        search.dispatchEvent(new KeyboardEvent('keydown', {key: 'Enter'}));
    }
    await drawn;
    return performance.now() - start;
}"""


def industry_graph(nodes: int, seed: int = 1) -> nx.MultiDiGraph:
    """A made-up graph shaped like the battery industry, with about ``nodes`` nodes and five links per node.

    >>> g = industry_graph(300)
    >>> g.number_of_nodes(), g.number_of_edges() > 3 * 300
    (300, True)
    """
    rng = random.Random(seed)
    graph = nx.MultiDiGraph()

    def add(kind: str, count: int, node_type: str) -> list[str]:
        keys = [f"urn:bench:{kind}/{i}" for i in range(count)]
        for i, key in enumerate(keys):
            graph.add_node(key, label=f"{kind} {i}", type=node_type, sources={})
        return keys

    def popular(items: list[str]) -> str:
        # a few hubs and a long tail, as with countries and chemistries
        return items[(int(rng.paretovariate(1.0)) - 1) % len(items)]

    regions = add("region", min(36, max(2, nodes // 50)), "region")
    chemistries = add("chemistry", min(30, max(2, nodes // 40)), "chemistry")
    applications = add("application", min(15, max(2, nodes // 60)), "application")
    countries = add("country", min(250, max(3, nodes // 20)), "country")
    sources = add("source", max(1, nodes // 500), "source")
    fixed = len(graph)
    # the rest as in the seed data: about three organisations to two plants and one agreement
    plants = add("plant", (nodes - fixed) // 3, "plant")
    agreements = add("agreement", (nodes - fixed) // 6, "agreement")
    companies = add("company", nodes - len(graph), "company")
    for company in companies:
        graph.nodes[company]["founded"] = str(1950 + int(75 * rng.random() ** 0.5))
    statuses = ("Announced", "UnderConstruction", "Operating", "Closed")
    for plant in plants:
        url = [f"https://example.org/{plant.rsplit('/', 1)[1]}"]
        years = sorted(rng.sample(range(1995, 2027), rng.randint(1, 4)))
        graph.nodes[plant]["history"] = [
            {
                "kind": "status",
                "side": None,
                "date": str(year),
                "year": year,
                "end_year": following,
                "value": status,
                "unit": None,
                "other": None,
                "note": None,
                "sources": url,
            }
            for year, following, status in zip(years, [*years[1:], None], statuses, strict=False)
        ]
        graph.add_edge(rng.choice(companies), plant, relation="operates", sources=url)
        graph.add_edge(plant, popular(countries), relation="located-in", sources=url)
    for agreement in agreements:
        url = [f"https://example.org/{agreement.rsplit('/', 1)[1]}"]
        graph.nodes[agreement]["signed"] = str(rng.randint(2000, 2025))
        for party in rng.sample(companies, 2):
            graph.add_edge(party, agreement, relation="party-to", sources=url)
    rng.shuffle(countries)
    for country in countries:
        graph.add_edge(country, rng.choice(regions), relation="in-region", sources=[])
    for concept in chemistries[1:] + applications[1:]:
        group = chemistries if concept in chemistries else applications
        graph.add_edge(concept, group[0], relation="broader", sources=[])
    parents = companies[: len(companies) // 7]
    for company in companies:
        url = [f"https://example.org/{company.rsplit('/', 1)[1]}"]
        graph.add_edge(company, popular(countries), relation="headquartered-in", sources=url)
        for chemistry in {popular(chemistries) for _ in range(rng.randint(1, 3))}:
            graph.add_edge(company, chemistry, relation="makes", sources=url)
        for application in {popular(applications) for _ in range(rng.randint(1, 3))}:
            graph.add_edge(company, application, relation="serves", sources=url)
        if company not in parents and rng.random() < 0.6:
            start = rng.randint(1990, 2022)
            end = rng.choice([None, None, rng.randint(start + 1, 2025)])
            graph.add_edge(
                rng.choice(parents),
                company,
                relation="owns",
                kind="parent",
                share=100.0,
                start=str(start),
                end=None if end is None else str(end),
                start_year=start,
                end_year=end,
                stake=f"{company}/stake",
                sources=url,
            )
        if rng.random() < 0.2:
            graph.add_edge(rng.choice(sources), company, relation="mentions", sources=[])
    for parent in parents:
        graph.nodes[parent]["type"] = "parent-group"
    return graph


def _median(values: list[float]) -> float:
    return round(statistics.median(values), 1)


def _open_and_time(browser, path: Path) -> dict:
    url = path.resolve().as_uri()
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    requests: list[str] = []
    errors: list[str] = []

    def route(request_route):
        if request_route.request.url != url:
            requests.append(request_route.request.url)
            request_route.abort()
        else:
            request_route.continue_()

    context.route("**/*", route)
    page = context.new_page()
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    started = time.perf_counter()
    page.goto(url, wait_until="commit", timeout=300_000)
    # a selector, not wait_for_function: the page's CSP forbids the eval that polling a JS expression needs
    page.wait_for_selector("html[data-ready='true']", state="attached", timeout=300_000)
    wall = (time.perf_counter() - started) * 1000
    timings = {
        "ready_ms": page.evaluate("window.kgReady"),
        "ready_wall_ms": wall,
        "slider_ms": statistics.median(page.evaluate(_TIMED_CHANGE, "slider") for _ in range(SLIDER_STEPS)),
        "filter_ms": page.evaluate(_TIMED_CHANGE, "filter"),
    }
    page.evaluate("document.getElementById('kg-reset').click()")
    timings["search_ms"] = page.evaluate(_TIMED_CHANGE, "search")
    context.close()
    return {**timings, "requests": len(requests), "console_errors": len(errors)}


def run(sizes=SIZES, repeats: int = 3) -> list[dict]:
    """Build a page per size and time it in headless Chromium; one result dict per size."""
    if not CHROMIUM.exists():
        raise RuntimeError(f"no Chromium at {CHROMIUM}: apt-get install chromium")
    from playwright.sync_api import sync_playwright

    results = []
    with tempfile.TemporaryDirectory(prefix="kg-bench-viz-") as folder, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            for size in sizes:
                graph = industry_graph(size)
                started = time.perf_counter()
                positions = map_layout(graph)
                layout_s = time.perf_counter() - started
                started = time.perf_counter()
                page = write_page(
                    graph, Path(folder) / f"graph-{size}.html", title=f"bench {size}", positions=positions
                )
                render_s = time.perf_counter() - started
                loads = [_open_and_time(browser, page.path) for _ in range(repeats)]
                results.append(
                    {
                        "benchmark": "viz",
                        "nodes": page.nodes,
                        "edges": page.edges,
                        "layout_s": round(layout_s, 2),
                        "render_s": round(render_s, 2),
                        "html_mb": round(page.bytes / 1e6, 2),
                        "repeats": repeats,
                        **{
                            key: _median([load[key] for load in loads])
                            for key in ("ready_ms", "ready_wall_ms", "slider_ms", "filter_ms", "search_ms")
                        },
                        "requests": sum(load["requests"] for load in loads),
                        "console_errors": sum(load["console_errors"] for load in loads),
                    }
                )
        finally:
            browser.close()
    return results


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sizes", nargs="*", type=int, default=list(SIZES), help="node counts (default 1000 5000 20000)")
    parser.add_argument("--repeats", type=int, default=3, help="page loads per size (the median is reported)")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args(argv)
    results = run(args.sizes, args.repeats)
    if args.json:
        print(json.dumps(results, indent=2))
        return
    columns = (
        "nodes",
        "edges",
        "layout_s",
        "render_s",
        "html_mb",
        "ready_ms",
        "ready_wall_ms",
        "slider_ms",
        "filter_ms",
        "search_ms",
        "requests",
        "console_errors",
    )
    print("  ".join(f"{c:>13}" for c in columns))
    for result in results:
        print("  ".join(f"{result[c]:>13}" for c in columns))


if __name__ == "__main__":
    sys.exit(main())
