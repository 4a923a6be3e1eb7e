"""The query page (`kg serve`, /query) as a workbench, in real headless Chromium: the named queries as one-click
examples with their parameters, the project prefixes pre-filled, readable syntax errors, links to the network page."""

from __future__ import annotations

import json
import urllib.request

import pytest

from kg.catalogue import named_queries
from tests.servers import kg_serve
from tests.test_viz_browser import browser  # noqa: F401  (the Chromium fixture)


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    with kg_serve(tmp_path_factory.mktemp("serve")) as running:
        yield running


@pytest.fixture()
def page(browser, served):
    opened = browser.new_page()
    outside = []
    opened.on("request", lambda r: outside.append(r.url) if not r.url.startswith(served.origin) else None)
    opened.goto(served.origin + "/query")
    opened.wait_for_selector("body[data-ready=true]", timeout=30_000)
    yield opened
    assert outside == [], f"the page asked outside the server: {outside}"
    opened.close()


def test_the_named_queries_are_served_for_the_page(served):
    with urllib.request.urlopen(served.origin + "/queries.json", timeout=30) as response:
        document = json.load(response)
    assert [q["name"] for q in document["queries"]] == list(named_queries())
    assert document["prefixes"]["company"] == "https://w3id.org/battery-kg/id/company/"


def test_the_editor_starts_with_the_project_prefixes(page):
    text = page.evaluate("window.yasgui.getTab().getQuery()")
    assert "PREFIX bkg: <https://w3id.org/battery-kg/ontology#>" in text
    assert "PREFIX company: <https://w3id.org/battery-kg/id/company/>" in text
    buttons = page.eval_on_selector_all("#example-list button", "bs => bs.map(b => b.dataset.query)")
    assert buttons == list(named_queries())
    assert page.get_attribute("header a[href='/']", "href") == "/"


def test_a_named_query_runs_with_its_parameters_in_one_click(page):
    page.click("#example-list button[data-query='parent-chain']")
    assert page.eval_on_selector_all("#param-fields input", "is => is.map(i => i.name)") == ["company", "year"]
    page.fill("#param-fields input[name=company]", "Nord Energy")
    page.fill("#param-fields input[name=year]", "2010")
    page.click("#param-run")
    page.wait_for_function(
        "document.querySelector('.yasr') && document.querySelector('.yasr').innerText.includes('Hana Corporation')",
        timeout=30_000,
    )
    results = page.inner_text(".yasr")
    assert "Kiwa Electric" in results and "Hana Corporation" in results
    assert "VALUES (?company ?year)" in page.evaluate("window.yasgui.getTab().getQuery()")


def test_a_wrong_parameter_is_one_line_on_the_page(page):
    page.click("#example-list button[data-query='parent-chain']")
    page.fill("#param-fields input[name=company]", "Nord Energy")
    page.fill("#param-fields input[name=year]", "20x0")
    page.click("#param-run")
    assert page.inner_text("#param-error") == 'year: "20x0" is not a year (four digits)'


def test_a_syntax_error_shows_the_place_not_the_grammar(page):
    page.evaluate(
        "window.yasgui.getTab().setQuery('SELECT ?c WHERE { ?c foo:bar ?x }'); window.yasgui.getTab().query().catch(() => null)"
    )
    page.wait_for_function(
        "document.querySelector('.yasr') && document.querySelector('.yasr').innerText.includes('foo:bar')",
        timeout=30_000,
    )
    shown = page.inner_text(".yasr")
    assert 'near "foo:bar": unknown prefix foo:' in shown and "expected one of" not in shown


def test_the_network_page_links_to_the_query_page_when_served(browser, tmp_path):
    from kg.netx import to_networkx
    from kg.store import open_store
    from kg.viz import write_page
    from tests.servers import FIXTURE

    store = open_store("oxigraph")
    store.load_file(FIXTURE)
    page_file = write_page(to_networkx(store), tmp_path / "graph.html").path
    with kg_serve(tmp_path, "--page", str(page_file)) as running:
        opened = browser.new_page()
        opened.goto(running.origin + "/")
        link = opened.wait_for_selector("#kg-query-link", state="visible", timeout=30_000)
        assert link.get_attribute("href") == "/query"
        link.click()
        opened.wait_for_selector("body[data-ready=true]", timeout=30_000)
        assert opened.url == running.origin + "/query"
        opened.close()
    offline = browser.new_page()
    offline.goto(page_file.as_uri())
    assert offline.is_hidden("#kg-query-link")  # opened from disk there is no query page
    offline.close()
