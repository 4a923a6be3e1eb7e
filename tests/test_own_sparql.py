"""Your own SPARQL as easy as the named queries: the project prefixes everywhere, syntax errors that point at the place."""

from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request

import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.errors import QueryError
from kg.query import EXAMPLE, execute
from kg.store import open_store
from tests.servers import kg_serve

STORES = ("oxigraph", "memory")
QUESTION = "# Question: which companies make LFP?\nSELECT ?c WHERE { ?c bkg:makesChemistry chemistry:lfp }\n"


def kg(*args: str):
    return CliRunner().invoke(main, [*args, "--data", str(EXAMPLE)], catch_exceptions=False)


@pytest.mark.parametrize("spec", STORES)
@pytest.mark.parametrize("header", ["", "# Question: which companies make LFP?\n# a note\n"])
def test_project_prefixes_work_in_files_and_text_with_or_without_a_header(spec, header, tmp_path):
    query = tmp_path / "lfp.rq"
    query.write_text(header + "SELECT ?c WHERE { ?c bkg:makesChemistry chemistry:lfp }\n")
    from_file = kg("query", "-f", str(query), "--store", spec, "--format", "csv")
    from_text = kg("query", query.read_text(), "--store", spec, "--format", "csv")
    assert from_file.exit_code == from_text.exit_code == 0, from_file.output + from_text.output
    assert from_file.stdout == from_text.stdout and "company/volta-cells" in from_file.stdout


@pytest.mark.parametrize("spec", STORES)
def test_a_declared_prefix_wins_over_the_project_one(spec):
    store = open_store(spec)
    store.load_data('<urn:a> <urn:mine#p> "x" .', "nt")
    result = execute(store, "PREFIX bkg: <urn:mine#>\nSELECT ?o WHERE { ?s bkg:p ?o }")
    assert [str(row[0]) for row in result.rows] == ["x"]


@pytest.mark.parametrize("spec", STORES)
def test_a_syntax_error_names_the_place_and_never_dumps_the_grammar(spec, tmp_path):
    broken = tmp_path / "broken.rq"
    broken.write_text("# Question: broken?\nSELECT ?c WHERE {\n  ?c foo:bar ?x }\n")
    out = kg("query", "-f", str(broken), "--store", spec)
    assert out.exit_code == 1 and "Traceback" not in out.output
    assert "expected one of" not in out.stderr and "Prefix not found" not in out.stderr
    if spec == "memory":  # rdflib names the prefix but not the place
        assert out.stderr == f"kg: error: {broken}: SPARQL syntax error: unknown prefix foo: (declare it with PREFIX)\n"
        return
    first, source, caret = out.stderr.rstrip("\n").split("\n")
    assert first == (
        f'kg: error: {broken}: SPARQL syntax error at line 3, column 6 near "foo:bar": '
        "unknown prefix foo: (declare it with PREFIX)"
    )
    assert source == "    ?c foo:bar ?x }" and caret == " " * source.index("foo:bar") + "^"


def test_the_store_error_itself_shows_the_place():
    store = open_store("oxigraph")
    with pytest.raises(QueryError) as caught:
        store.query("SELECT ?c WHERE { ?c foo:p ?x }")
    assert str(caught.value).splitlines() == [
        'SPARQL syntax error at line 1, column 22 near "foo:p": unknown prefix foo: (declare it with PREFIX)',
        "  SELECT ?c WHERE { ?c foo:p ?x }",
        "                       ^",
    ]


def test_the_endpoint_answers_a_syntax_error_with_the_place(tmp_path):
    with kg_serve(tmp_path) as running:
        url = running.url + "?" + urllib.parse.urlencode({"query": "SELECT ?c WHERE { ?c foo:bar ?x }"})
        with pytest.raises(urllib.error.HTTPError) as caught:
            urllib.request.urlopen(url, timeout=30)
        body = caught.value.read().decode()
    assert caught.value.code == 400
    assert 'near "foo:bar": unknown prefix foo:' in body and "expected one of" not in body
    # the endpoint knows the project prefixes too
    with kg_serve(tmp_path) as running:
        url = running.url + "?" + urllib.parse.urlencode({"query": QUESTION, "format": "csv"})
        assert "company/volta-cells" in urllib.request.urlopen(url, timeout=30).read().decode()


def test_a_long_line_shows_the_text_around_the_place():
    triples = " ".join(f"?c <urn:p{i}> ?o{i} ." for i in range(30))
    with pytest.raises(QueryError) as caught:
        open_store("oxigraph").query(f"SELECT ?c WHERE {{ {triples} ?c foo:bar ?x . {triples} }}")
    _, shown, caret = str(caught.value).splitlines()
    assert len(shown) < 90 and shown.startswith("  …") and shown.endswith("…")
    assert shown[len(caret) - 1 : len(caret) - 1 + len("foo:bar")] == "foo:bar"
