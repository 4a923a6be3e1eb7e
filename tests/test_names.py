"""One name look-up for kg query, the API, kg viz --focus and ingest: preferred senses, umbrella concepts, reports by id or title."""

from __future__ import annotations

import csv
import io
import re

import pytest
from click.testing import CliRunner
from rdflib import URIRef

from kg.build import DATA_DIR
from kg.cli import main
from kg.errors import UnknownName
from kg.graph import load
from kg.ingest import ingest
from kg.ingest.resolve import Resolver, reference_names
from kg.loader import load_reference
from kg.names import kind_of
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


# ---------------------------------------------------------------- one resolver for ingest as for the API and CLI

REPORT = """\
---
title: Lithium-ion Battery Market -- Size and Forecast to 2030
publisher: Example Research
---

# Lithium-ion Battery Market -- Size and Forecast to 2030

## Market snapshot

The global lithium-ion battery market reached USD 50 billion in 2024. Europe
contributed USD 9 billion in 2024.

## Competitive landscape

The competitive landscape includes Tesla Motors, LG Chem Ltd., Samsung SDI Co., Ltd.,
Tokyo Tsushin Kogyo K.K. and others.

## Segmentation

By type, the market is segmented into LFP, NMC and Solid-state.
"""


@pytest.fixture(scope="module")
def reference():
    return load_reference(DATA_DIR)


def test_a_report_names_what_the_api_and_the_cli_name(graph, reference, built, tmp_path):
    report = tmp_path / "lithium-ion-battery-market.md"
    report.write_text(REPORT)
    resolutions = {(r.kind, r.mention): r for r in ingest(report, reference).resolutions}
    expected = {
        ("company", "Tesla Motors"): "tesla",  # an alias that is a former name
        ("company", "LG Chem Ltd"): "lg-chem",  # a legal form left out
        ("company", "Samsung SDI Co., Ltd"): "samsung-sdi",
        ("company", "Tokyo Tsushin Kogyo K.K"): "sony",  # a former name only, not an alias; a legal form left out
        ("chemistry", "Solid-state"): "solid-state",  # the umbrella concept, by its id
        ("chemistry", "NMC"): "nmc",
        ("region", "Europe"): "europe",  # the market region, the preferred sense, not the M49 area
    }
    for (kind, mention), concept_id in expected.items():
        found = resolutions[kind, mention]
        assert (found.status, found.iri) == ("resolved", iri(kind, concept_id)), mention
        assert graph.resolve(mention, kind) == found.iri, mention
    # the CLI resolves a parameter through the same table
    arguments = ["query", "ownership-stakes", "-p", "company=Tokyo Tsushin Kogyo", "--format", "csv"]
    out = CliRunner().invoke(main, [*arguments, "--data", str(built.trig)])
    assert out.exit_code == 0, out.output
    companies = {row["company"] for row in csv.DictReader(io.StringIO(out.stdout))}
    assert companies == {str(resolutions["company", "Tokyo Tsushin Kogyo K.K"].iri)}


def test_ingest_reads_the_names_the_store_holds_and_resolves_them_alike(graph, reference):
    from_records = Resolver(reference).names
    from_store = graph.names.table
    stored = {(URIRef(str(row.entity)), str(row.name), bool(row.alias)) for row in graph.sparql("entity-names")}
    rows = set(reference_names(reference))
    assert len(rows) > 500 and rows <= stored
    for entity, name, _ in rows:
        kind = kind_of(entity)
        assert from_records.exact(name, kind) == from_store.exact(name, kind), name
        assert from_records.match(name, kind) == from_store.match(name, kind), name


def test_a_name_that_fits_several_companies_is_ambiguous_to_ingest_and_refused_by_the_api(graph, reference):
    found = Resolver(reference).company("Samsung", "doc")
    assert found.status == "ambiguous"
    assert [c.id for c in found.candidates] == ["samsung-electronics", "samsung-sdi"]
    with pytest.raises(UnknownName) as refused:
        graph.resolve("Samsung", "company")
    # no guess: the API suggests what ingest lists as candidates
    assert {c.label for c in found.candidates} <= set(refused.value.suggestions)
