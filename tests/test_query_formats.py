"""Result formats that parse back (csv, tsv, json with the stdlib, ttl with rdflib), and `kg query` / `kg queries`."""

from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.util import from_n3

from kg.cli import main
from kg.namespaces import XSD
from kg.query import QueryError, format_result, named_queries, run
from kg.store import QueryResult, open_store
from query_fixture import GRAPH as EXAMPLE
from query_fixture import company

CASES = [
    ("parent-chain", {"company": "Nord Energy", "year": 2010}),
    ("report-claims", {}),
    ("unresolved-entities", {}),
    ("ownership-stakes", {"company": "Kiwa Electric"}),
    ("chemistries-by-region", {"region": "asia-pacific"}),
]
AWKWARD = QueryResult(
    "SELECT",
    ("text", "number", "thing", "empty"),
    [
        (
            Literal('comma, "quote"\nnew line\ttab \\ back', lang="en"),
            Literal("4.50", datatype=XSD.decimal),
            URIRef("urn:x:a,b"),
            None,
        ),
        (Literal("[bold]not markup[/bold] <b>&amp;</b>"), Literal(2012), BNode("b0"), Literal("")),
    ],
)


@pytest.fixture(scope="module", params=("oxigraph", "memory"))
def store(request):
    store = open_store(request.param)
    store.load_file(EXAMPLE)
    return store


def results(store):
    return [run(store, name, arguments) for name, arguments in CASES] + [AWKWARD]


def _json_term(entry: dict):
    if entry["type"] == "uri":
        return URIRef(entry["value"])
    if entry["type"] == "bnode":
        return BNode(entry["value"])
    return Literal(entry["value"], lang=entry.get("xml:lang"), datatype=entry.get("datatype"))


def test_csv_parses_back_with_the_same_rows(store):
    for result in results(store):
        table = list(csv.reader(io.StringIO(format_result(result, "csv"), newline="")))
        assert table[0] == list(result.vars)
        expected = [
            ["" if t is None else (f"_:{t}" if isinstance(t, BNode) else str(t)) for t in row] for row in result.rows
        ]
        assert table[1:] == expected


def test_tsv_parses_back_to_the_same_terms(store):
    for result in results(store):
        lines = format_result(result, "tsv").split("\n")
        assert lines[-1] == "" and len(lines) == len(result.rows) + 2  # one line per row: nothing spills over
        table = list(csv.reader(io.StringIO("\n".join(lines)), delimiter="\t", quoting=csv.QUOTE_NONE))
        assert table[0] == [f"?{v}" for v in result.vars]
        parsed = [tuple(None if cell == "" else from_n3(cell) for cell in row) for row in table[1:]]
        assert parsed == result.rows


def test_json_is_sparql_results_json_with_the_same_terms(store):
    for result in results(store):
        document = json.loads(format_result(result, "json"))
        assert document["head"]["vars"] == list(result.vars)
        parsed = [
            tuple(_json_term(b[v]) if v in b else None for v in result.vars) for b in document["results"]["bindings"]
        ]
        assert parsed == result.rows
    ask = QueryResult("ASK", boolean=True)
    assert json.loads(format_result(ask, "json")) == {"head": {}, "boolean": True}


def test_turtle_for_construct_parses_back_to_the_same_graph(store):
    result = run(store, "entity-description", {"entity": "Volta Cells"})
    parsed = Graph().parse(data=format_result(result, "ttl"), format="turtle")
    assert len(parsed) == len(result.graph) > 10 and set(parsed) == set(result.graph)


def test_formats_refuse_what_they_cannot_show(store):
    select = run(store, "companies", {})
    with pytest.raises(QueryError, match="ttl is for CONSTRUCT"):
        format_result(select, "ttl")
    with pytest.raises(QueryError, match="use --format ttl"):
        format_result(run(store, "entity-description", {"entity": "Volta Cells"}), "csv")
    with pytest.raises(QueryError, match="unknown format"):
        format_result(select, "yaml")


def test_table_shows_text_as_typed():
    text = format_result(AWKWARD, "table", width=300)
    assert "[bold]not markup[/bold]" in text and "2 rows" in text


# ---------------------------------------------------------------- kg query, kg queries


def kg(*args: str):
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result


def test_kg_query_runs_a_named_query_with_parameters():
    for spec in ("oxigraph", "memory"):
        out = kg(
            "query",
            "parent-chain",
            "--data",
            str(EXAMPLE),
            "--store",
            spec,
            "-p",
            "company=Nord Energy",
            "--param",
            "year=2010",
            "--format",
            "csv",
        )
        assert out.exit_code == 0, out.output
        rows = list(csv.DictReader(io.StringIO(out.stdout)))
        assert [(r["parentLabel"], r["depth"], r["ultimate"]) for r in rows] == [
            ("Kiwa Electric", "1", "false"),
            ("Hana Corporation", "2", "true"),
        ]


def test_kg_query_runs_sparql_text_and_files(tmp_path):
    # Oxigraph binds only variables the SELECT clause names, so ?p and ?y are projected
    out = kg(
        "query",
        "SELECT ?c ?p ?y WHERE { ?c bkg:controller ?p ; bkg:fromYear ?y }",
        "--data",
        str(EXAMPLE),
        "-p",
        "y=2016",
        "-p",
        f"p=<{company('blue-holdings')}>",
        "--format",
        "json",
    )
    assert out.exit_code == 0, out.output
    [binding] = json.loads(out.stdout)["results"]["bindings"]
    assert binding["c"]["value"].endswith("control/nord-energy--blue-holdings--2016")
    named = tmp_path / "owned-by.rq"
    named.write_text(
        "# Question: what does a company own now?\n# param: owner (type: company) the owner\n"
        "PREFIX bkg: <https://w3id.org/battery-kg/ontology#>\n"
        "SELECT ?owner ?owned WHERE { ?s bkg:owner ?owner ; bkg:owned ?owned FILTER NOT EXISTS { ?s bkg:endYear ?e } }\n"
    )
    out = kg("query", "-f", str(named), "--data", str(EXAMPLE), "-p", "owner=Blue Holdings", "--format", "tsv")
    assert out.exit_code == 0, out.output
    owner = f"<{company('blue-holdings')}>"  # a bound parameter keeps its column
    assert sorted(out.stdout.splitlines()[1:]) == [
        f"{owner}\t<{company('nord-energy')}>",
        f"{owner}\t<{company('volta-cells')}>",
    ]
    plain = tmp_path / "plain.rq"
    plain.write_text("ASK { ?c <https://w3id.org/battery-kg/ontology#depth> 2 }")
    out = kg("query", "-f", str(plain), "--data", str(EXAMPLE), "--format", "csv")
    assert (out.exit_code, out.stdout) == (0, "true\n")


def test_kg_query_construct_defaults_to_turtle():
    out = kg("query", "entity-description", "--data", str(EXAMPLE), "-p", "entity=Kiwa")
    assert out.exit_code == 0, out.output
    parsed = Graph().parse(data=out.stdout, format="turtle")
    assert (company("kiwa-electric"), None, None) in parsed


@pytest.mark.parametrize("spec", ["oxigraph", "memory"])
def test_kg_query_syntax_errors_name_line_and_column(spec, tmp_path):
    out = kg(
        "query", "SELECT ?c WHERE {\n  ?c a bkg:Control .\n  FILTER(?c = ) }", "--data", str(EXAMPLE), "--store", spec
    )
    assert out.exit_code == 1 and "Traceback" not in out.output
    assert "SPARQL syntax error at line" in out.stderr and ", column " in out.stderr
    if spec == "oxigraph":  # rdflib's parser points at the start of the group, Oxigraph where it gave up
        assert "line 3, column " in out.stderr and "FILTER(?c = )" in out.stderr
    broken = tmp_path / "broken.rq"
    broken.write_text("# Question: broken?\nSELECT ?x WHERE {\n  ?x ?p ?o\n  GROUP ?x }\n")
    out = kg("query", "-f", str(broken), "--data", str(EXAMPLE), "--store", spec)
    assert out.exit_code == 1 and f"{broken}: SPARQL syntax error at line" in out.stderr


def test_kg_query_reports_bad_input_without_tracebacks():
    cases = [
        (["query", "parent-chian"], "did you mean: parent-chain"),
        (["query", "parent-chain", "-p", "company=Nord Enrgy"], "did you mean: Nord Energy"),
        (["query", "owner-changes", "-p", "from_year=2010"], "needs to_year"),
        (["query", "companies", "-p", "colour=red"], "has no parameter 'colour'"),
        (["query", "companies", "-p", "year=soon"], "'soon' is not a year"),
    ]
    for args, message in cases:
        out = kg(*args, "--data", str(EXAMPLE))
        assert out.exit_code == 1 and message in out.stderr and "Traceback" not in out.output, (args, out.output)
    assert kg("query", "companies", "-p", "oops", "--data", str(EXAMPLE)).exit_code == 2
    assert kg("query", "--data", str(EXAMPLE)).exit_code == 2
    assert kg("query", "x", "-f", str(EXAMPLE)).exit_code == 2


def test_kg_queries_lists_names_questions_and_parameters():
    out = kg("queries")
    assert out.exit_code == 0
    for query in named_queries().values():
        assert query.name in out.stdout and query.question in out.stdout
        for parameter in query.parameters:
            assert f"--param {parameter.name}=" in out.stdout


def test_kg_query_asks_a_sparql_endpoint_with_the_same_answers(tmp_path):
    from servers import kg_serve

    arguments = ["parent-chain", "-p", "company=Nord Energy", "-p", "year=2010", "--format", "json"]
    local = kg("query", *arguments, "--data", str(EXAMPLE))
    with kg_serve(tmp_path, "--quiet", data=EXAMPLE) as served:
        remote = kg("query", *arguments, "--endpoint", served.url)
        unknown = kg("query", "parent-chain", "-p", "company=Nord Enrgy", "--endpoint", served.url)
    assert remote.exit_code == 0, remote.output
    assert json.loads(remote.stdout) == json.loads(local.stdout)
    assert unknown.exit_code == 1 and "did you mean: Nord Energy" in unknown.stderr
