"""One name look-up for kg query, the API and kg viz --focus: preferred senses, umbrella concepts, reports by id or title."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.errors import UnknownName
from kg.graph import load
from kg.namespaces import iri


@pytest.fixture(scope="module")
def graph(built):
    return load(built.trig)


def test_a_name_that_fits_several_things_means_the_preferred_one(graph):
    assert graph.resolve("Europe", "region") == iri("region", "europe")  # the market region, not the M49 area
    assert graph.resolve("m49-150", "region") == iri("region", "m49-150")
    assert graph.resolve("europe") == iri("region", "europe")
    with pytest.raises(UnknownName, match="no region is called 'Eurasia'"):
        graph.resolve("Eurasia", "region")


def test_the_solid_state_umbrella_gathers_its_chemistries_across_families(graph):
    members = {
        str(row.member) for row in graph.sparql("SELECT ?member WHERE { ?member skos:broader chemistry:solid-state }")
    }
    assert members == {
        str(iri("chemistry", c)) for c in ("solid-state-li-ion", "solid-state-li-metal", "li-metal-polymer")
    }
    expected = {
        row.company
        for row in graph.sparql(
            "SELECT DISTINCT ?company WHERE { ?company a schema:Organization ; bkg:makesChemistry/skos:broader* ?c "
            "VALUES ?c { chemistry:solid-state-li-ion chemistry:solid-state-li-metal chemistry:li-metal-polymer } }"
        )
    }
    found = {c.iri for c in graph.companies(chemistry="solid-state")}
    assert found == expected and len(found) > 3
    # members keep their own family: lithium-metal still finds the solid-state lithium-metal makers
    assert {c.iri for c in graph.companies(chemistry="solid-state-li-metal")} <= {
        c.iri for c in graph.companies(chemistry="lithium-metal")
    }


def test_a_report_by_the_start_of_its_id_or_title(graph):
    report = iri("source", "seed-slmb-2025")
    assert graph.resolve("seed", "source") == report
    assert graph.resolve("Secondary Lithium Metal Batteries Market", "source") == report
    assert len(graph.sparql("report-claims", report="seed")) == len(graph.sparql("report-claims", report=report)) > 0


def test_the_cli_and_the_page_focus_resolve_names_alike(built, tmp_path):
    runner = CliRunner()
    out = runner.invoke(
        main, ["query", "companies", "-p", "region=Europe", "--data", str(built.trig), "--format", "csv"]
    )
    assert out.exit_code == 0, out.output
    assert "/region/europe" in out.stdout
    page = tmp_path / "lg.html"
    out = runner.invoke(main, ["viz", "-o", str(page), "--focus", "LG Corp", "--store", str(built.trig)])
    assert out.exit_code == 0, out.output
    assert str(iri("company", "lg-corp")) in page.read_text()
    out = runner.invoke(main, ["viz", "-o", str(page), "--focus", "LG Crop", "--store", str(built.trig)])
    assert out.exit_code == 1 and re.fullmatch(
        r"kg: error: no thing is called 'LG Crop'; did you mean: .*\n", out.stderr
    )


def test_kg_queries_states_how_names_are_read():
    out = CliRunner().invoke(main, ["queries"])
    assert "region=Europe is the market region" in out.stdout and "chemistry=solid-state" in out.stdout
    assert "  columns: company companyLabel year parent parentLabel depth fromYear untilYear" in out.stdout
