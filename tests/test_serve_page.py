"""The query page of ``kg serve`` (/query, vendored YASGUI) in real headless Chromium.

Every request the page makes is logged; requests to any other host are refused
and make the test fail. Without Chromium the test is skipped, unless
KG_REQUIRE_BROWSER=1 (as in .ci/run), where it fails.
"""

from __future__ import annotations

import os
import urllib.parse
from pathlib import Path

import pytest

from bench.viz import CHROMIUM, CHROMIUM_ARGS  # one set of launch flags for tests and benchmarks
from tests.servers import kg_serve

SCREENSHOT = Path(__file__).parent.parent / "build" / "query-page.png"


def _unavailable(reason: str) -> None:
    if os.environ.get("KG_REQUIRE_BROWSER") == "1":
        pytest.fail(f"KG_REQUIRE_BROWSER=1 but {reason}")
    pytest.skip(reason)


def test_query_page_runs_a_query_against_the_local_endpoint_and_nowhere_else(tmp_path):
    if not CHROMIUM.exists():
        _unavailable(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("python playwright is not installed (pip install -e '.[test]')")
    with kg_serve(tmp_path, "--quiet") as server, sync_playwright() as playwright:
        origin = server.origin
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1300, "height": 900})
        elsewhere, problems = [], []

        def route(request_route):
            url = request_route.request.url
            if url.startswith(origin + "/") or url.startswith("data:"):
                request_route.continue_()
            else:
                elsewhere.append(url)
                request_route.abort()

        context.route("**/*", route)
        page = context.new_page()
        page.on("pageerror", lambda error: problems.append(str(error)))
        sparql_requests = []
        page.on("request", lambda r: urllib.parse.urlsplit(r.url).path == "/sparql" and sparql_requests.append(r))
        page.goto(origin + "/query")
        page.wait_for_selector(".yasqe .CodeMirror", timeout=30_000)
        page.evaluate("""() => { yasgui.getTab().setQuery(
            'PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> SELECT ?s ?label WHERE { ?s rdfs:label ?label } ORDER BY ?label LIMIT 7'); }""")
        page.click(".yasqe_queryButton")
        page.wait_for_selector(".yasr table.dataTable tbody tr", timeout=30_000)
        rows = page.locator(".yasr table.dataTable tbody tr").count()
        SCREENSHOT.parent.mkdir(exist_ok=True)
        page.screenshot(path=str(SCREENSHOT))
        browser.close()
    assert rows == 7
    assert sparql_requests and all(r.url.startswith(origin) for r in sparql_requests)
    assert elsewhere == [], elsewhere
    assert problems == [], problems
