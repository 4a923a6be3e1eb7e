"""Answers for people and for scripts: `kg query --format table` at 80 columns, and column lists that stay put."""

from __future__ import annotations

import csv
import io

import pytest
from click.testing import CliRunner
from rich.cells import cell_len

from kg.cli import main
from kg.query import EXAMPLE, bind, named_queries, run
from kg.store import open_store
from kg.tables import readable_number

# every named query's columns, whichever parameters are given; a change here is a change for every script
COLUMNS = {
    "agreements": "company include_controlled kind from_year to_year agreement title agreementKind status member "
    "memberLabel party partyLabel partyRole signed start end agreementYear volumeGWh amount currency plant",
    "capacity": "company include_controlled country region chemistry year include_planned plant plantLabel operator "
    "operatorLabel location status value unit asOf",
    "chemistries-by-region": "region regionLabel chemistry chemistryLabel companies",
    "companies": "company label headquarters chemistry application region country year role include_controlled "
    "presence",
    "cross-border-ownership": "owner ownerLabel ownerCountry owned ownedLabel ownedCountry kind share startYear "
    "endYear year",
    "entity-facts": "entity predicate predicateLabel object objectLabel source sourceTier tier",
    "entity-names": "entity name alias text",
    "entity-sources": "entity fact subject predicate object source",
    "facts": "tier property subject subjectLabel predicate object objectLabel source sourceTier startYear endYear asOf",
    "events": "company include_controlled kind from_year to_year event eventKind year date signed original "
    "originalLabel resulting resultingLabel bidder formerName stakeKind share note",
    "neighbors": "entity direction relation neighbor neighborLabel",
    "owner-changes": "change company companyLabel year from_year oldOwner oldOwnerLabel to_year newOwner "
    "newOwnerLabel lineage",
    "ownership-stakes": "company year stake owner ownerLabel owned ownedLabel kind share start end startYear endYear "
    "source",
    "parent-chain": "company companyLabel year depth parent parentLabel ultimate fromYear untilYear",
    "plants": "company include_controlled year plant plantLabel operator operatorLabel country city kind product "
    "rowKind status since until value unit asOf",
    "report-claims": "report claim metric value unit period scope scopeLabel qualifier quote flagged flags",
    "report-flags": "report flag kind severity message evidence about aboutLabel",
    "subsidiaries": "group year transitive subsidiary subsidiaryLabel depth via viaLabel fromYear untilYear",
    "ultimate-parent": "company companyLabel year parent parentLabel depth fromYear untilYear",
    "unresolved-entities": "report document entity name status reason candidates",
}
# a value for every parameter type of the made-up graph
VALUES = {
    "company": "Nord Energy",
    "chemistry": "lithium-ion",
    "application": "automotive",
    "region": "europe",
    "country": "JP",
    "source": "test-report",
    "entity": "Kiwa Electric",
    "year": 2012,
    "boolean": True,
    "iri": "bkg:ParentStake",
    "string": "parent",
}
SPECIAL = {"from_year": 2008, "to_year": 2017}


@pytest.fixture(scope="module")
def store():
    opened = open_store("oxigraph")
    opened.load_file(EXAMPLE)
    return opened


def kg(*args: str):
    return CliRunner().invoke(main, [*args, "--data", str(EXAMPLE)], env={"COLUMNS": "80"}, catch_exceptions=False)


def test_every_named_query_documents_its_columns_and_keeps_them_whatever_is_given(store):
    selects = {name: query for name, query in named_queries().items() if "CONSTRUCT" not in query.text}
    assert set(selects) == set(COLUMNS), "pin the columns of a new named query here"
    for name, query in selects.items():
        expected = tuple(COLUMNS[name].split())
        assert query.columns == expected, f"{name}: the # Columns: line differs from the pinned list"
        required = {p.name: SPECIAL.get(p.name, VALUES.get(p.type)) for p in query.parameters if not p.optional}
        every = {p.name: SPECIAL.get(p.name, VALUES.get(p.type)) for p in query.parameters}
        assert run(store, name, required).vars == expected, name
        assert run(store, name, every).vars == expected, name


def test_a_given_parameters_column_holds_the_value_it_was_bound_to_in_every_row(store):
    checked = set()
    for name, query in named_queries().items():
        if "CONSTRUCT" in query.text or not query.parameters:
            continue
        required = {p.name: SPECIAL.get(p.name, VALUES.get(p.type)) for p in query.parameters if not p.optional}
        for arguments in (
            required,
            {p.name: SPECIAL.get(p.name, VALUES.get(p.type)) for p in query.parameters},
            *({**required, p.name: VALUES[p.type]} for p in query.parameters if p.optional and p.type == "company"),
        ):
            bound = bind(store, query, arguments)
            rows = run(store, name, arguments).dicts()
            for row in rows:
                assert {p: row[p] for p in bound} == bound, (name, arguments)
            checked |= {name} if rows and bound else set()
    assert len(checked) > 15 and "events" in checked


def test_changes_without_a_company_come_once_each_with_the_company_column_empty(store):
    # events leaves ?company out of its SELECT clause: without a company its pattern binds it to every
    # organisation, which must neither fill the column kg.query.run adds nor repeat a change
    for include_controlled in (None, True):
        result = run(store, "events", {"include_controlled": include_controlled})
        rows = result.dicts()
        assert result.vars[0] == "company" and rows and all(row["company"] is None for row in rows)
        assert len(rows) == len(set(result.rows))
        assert {(row["event"], row["eventKind"]) for row in rows} >= {
            (row["event"], row["eventKind"]) for row in run(store, "events", {"company": "Nord Energy"}).dicts()
        }


def test_a_table_shows_labels_gathers_sources_and_fits_80_columns(store):
    out = kg("query", "ownership-stakes", "-p", "company=Kiwa Electric", "--format", "table")
    assert out.exit_code == 0, out.output
    lines = out.stdout.splitlines()
    assert lines[0] == "company: Kiwa Electric"  # the bound parameter, once
    assert all(cell_len(line) <= 80 for line in lines), out.stdout
    assert "https://" not in out.stdout and "company:" not in out.stdout.replace("company: Kiwa", "")
    header = lines[1].split()
    assert header[:3] == ["owner", "owned", "kind"] and header[-1] == "sources"
    # one row per stake, however many pages state it
    stakes = {
        row["stake"]
        for row in csv.DictReader(io.StringIO(kg("query", "ownership-stakes", "-p", "company=Kiwa Electric").stdout))
    }
    assert lines[-1].startswith(f"{len(stakes)} rows")
    assert any("parent" in line and "Hana Corporat" in line and "exampl" in line for line in lines)


def test_iris_on_request_and_always_in_csv():
    table = kg("query", "parent-chain", "-p", "company=Nord Energy", "-p", "year=2010", "--format", "table", "--iris")
    assert "company:kiwa-electric" in table.stdout and "Kiwa Electric" in table.stdout
    plain = kg("query", "parent-chain", "-p", "company=Nord Energy", "-p", "year=2010", "--format", "table")
    assert "company:kiwa-electric" not in plain.stdout and "Kiwa Electric" in plain.stdout
    rows = list(csv.DictReader(io.StringIO(kg("query", "parent-chain", "-p", "company=Nord Energy").stdout)))
    assert rows and all(row["parent"].startswith("https://w3id.org/battery-kg/id/company/") for row in rows)
    assert all(row["company"].endswith("/company/nord-energy") for row in rows)  # the bound parameter's column


def test_long_text_is_cut_in_tables_only():
    quote = "The market is expected to grow " + "steadily and " * 12 + "then level off by 2032."
    query = f'SELECT ?company ?quote WHERE {{ ?company a schema:Organization BIND("{quote}" AS ?quote) }}'
    table = kg("query", query, "--format", "table")
    assert table.exit_code == 0, table.output
    lines = table.stdout.splitlines()
    assert "…" in table.stdout and "--wide" in lines[-1] and quote not in table.stdout
    assert all(cell_len(line) <= 80 for line in lines)
    assert "Volta Cells" in table.stdout  # the company column shows labels, cut or not
    wide = kg("query", query, "--format", "table", "--wide")
    assert quote in wide.stdout
    assert all(row["quote"] == quote for row in csv.DictReader(io.StringIO(kg("query", query).stdout)))


def test_numbers_read_well_in_tables():
    assert [readable_number(n) for n in (150_000_000_000, 2012, 25000, 4.5, 1_234_567)] == [
        "150 bn",
        "2012",
        "25,000",
        "4.5",
        "1.23 m",
    ]


@pytest.mark.parametrize(
    "args, reason",
    [
        (
            ("ultimate-parent", "-p", "company=Volta Cells", "-p", "year=2012"),
            "nobody controlled Volta Cells at the end of 2012 (the data has a controlling owner from 2013)",
        ),
        (
            ("ultimate-parent", "-p", "company=Hana"),
            "the data has no controlling owner of Hana Corporation in any year",
        ),
        (
            ("parent-chain", "-p", "company=Volta Cells", "-p", "year=1990"),
            "Volta Cells was founded in 2001, after 1990",
        ),
        (("subsidiaries", "-p", "group=Volta Cells"), "the data has no company controlled by Volta Cells in any year"),
        (
            ("parent-chain", "-p", "company=Kiwa Nord Cells", "-p", "year=2019"),
            "Kiwa Nord Cells no longer existed at the end of 2019 (it ended in 2018)",
        ),
    ],
)
def test_an_empty_table_says_why(args, reason):
    out = kg("query", *args, "--format", "table")
    assert out.exit_code == 0, out.output
    assert out.stdout.splitlines()[-1] == f"0 rows: {reason}"


def test_a_format_that_does_not_fit_the_query_form_is_refused():
    out = kg("query", "entity-description", "-p", "entity=Kiwa", "--format", "table")
    assert out.exit_code == 1 and out.stdout == ""
    assert out.stderr.strip().splitlines() == [
        "kg: error: --format table does not fit: a CONSTRUCT or DESCRIBE query gives RDF; use ttl, nt, jsonld or rdfxml"
    ]
    out = kg("query", "companies", "--format", "ttl")
    assert out.exit_code == 1 and "a SELECT query gives rows" in out.stderr


def test_an_answer_too_wide_for_the_terminal_shows_one_block_per_row():
    out = kg("query", "plants", "-p", "company=Volta Cells", "--format", "table")
    assert out.exit_code == 0, out.output
    lines = out.stdout.splitlines()
    blocks = [line for line in lines if line.startswith("── ")]
    assert blocks and blocks[0].startswith("── 1 ") and lines[-1].startswith(f"{len(blocks)} row")
    assert any(line.split()[:1] == ["plant"] and "Volta" in line for line in lines)
    assert all(cell_len(line) <= 80 for line in lines) and "https://" not in out.stdout
    wide = CliRunner().invoke(
        main,
        ["query", "plants", "-p", "company=Volta Cells", "--format", "table", "--data", str(EXAMPLE)],
        env={"COLUMNS": "400"},
    )
    assert not any(line.startswith("── ") for line in wide.stdout.splitlines())  # room enough: one table
