"""Named queries against a made-up dataset built by kg.build, on the Oxigraph and rdflib memory stores.

Expected answers come from the reference records of tests/fixtures/query-data/ (read by
kg.loader, walked with plain Python in query_fixture) and from the report graph read
triple by triple with rdflib, never from the queries under test.
"""

from __future__ import annotations

import dataclasses
import re
from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import RDF, Literal

from kg.graph import load, python_value
from kg.names import kind_of
from kg.namespaces import BKG, DCTERMS, ID, RDFS, SDO, SKOS, iri, source_graph
from kg.query import NameIndex, QueryError, UnknownName, named_queries, named_query, parse_header, run
from kg.store import takes_values_first
from query_fixture import (
    broader_closure,
    built,  # noqa: F401 (a pytest fixture)
    change_years,
    company,
    control_table,
    direct_controllers,
    regions_of,
    resolved,
    stake_active,
)

STORES = ("oxigraph", "memory")


@pytest.fixture(scope="module")
def reference(built):
    return built[1]


@pytest.fixture(scope="module")
def report_id():
    return "test-report"


@pytest.fixture(scope="module")
def report_graph(built, report_id):
    return built[2].graph(source_graph(report_id))


@pytest.fixture(scope="module", params=STORES)
def graph(request, built):
    return load(built[0], store=request.param)


def ask(graph, name, **arguments) -> list[dict]:
    """A named query's rows as dicts of Python values."""
    return [
        {k: python_value(v) for k, v in row.items()} for row in run(graph.store, name, arguments, graph.names).dicts()
    ]


def ids(rows, column) -> set[str]:
    return {str(row[column]).rsplit("/", 1)[-1] for row in rows if row[column] is not None}


def key(value) -> str:
    return str(value).rsplit("/", 1)[-1]


# ---------------------------------------------------------------- the registry


def test_every_named_query_has_a_question_typed_parameters_and_a_test_here():
    source = Path(__file__).read_text(encoding="utf-8")
    ours = {name: q for name, q in named_queries().items() if not name.startswith("netx-")}
    assert len(ours) >= 12
    for name, query in ours.items():
        assert query.question.endswith("?"), name
        assert f'"{name}"' in source, f"no test names the query {name}"
        # Oxigraph substitutes only variables the SELECT clause projects; a query that takes its values
        # first gets them in a VALUES block, and kg.query.run adds the columns it leaves out
        assert not unprojected(query) or takes_values_first(query.text), f"{name}: {unprojected(query)}"


def unprojected(query) -> list[str]:
    """The parameters a SELECT query leaves out of its SELECT clause."""
    projected = re.search(
        r"(?is)^\s*(SELECT|CONSTRUCT)(.*?)(WHERE|\{)", re.sub(r"(?m)^\s*(#|PREFIX).*$", "", query.text)
    )
    if projected[1].upper() != "SELECT":
        return []
    return [p.name for p in query.parameters if f"?{p.name}" not in projected[2]]


# with every parameter projected, the VALUES block is only a hint to the plan: substitutions give the same rows
VALUES_FIRST = sorted(
    name for name, query in named_queries().items() if takes_values_first(query.text) and not unprojected(query)
)


@pytest.mark.parametrize("name", VALUES_FIRST)
def test_a_query_that_takes_its_values_first_answers_as_with_substitutions(graph, name):
    """kg.embedded gives such a query its values as a VALUES block; the rows must not change."""
    query = named_queries()[name]
    substituted = dataclasses.replace(query, text=query.text.replace("# Plan: values first\n", ""))
    groups = graph.store.query("SELECT DISTINCT ?g WHERE { ?m bkg:group ?g } ORDER BY ?g").rows
    answers = 0
    for (group,) in groups:
        for extra in ({}, {"include_controlled": True}):
            arguments = {"company": str(group), **extra}
            rows = run(graph.store, query, arguments, graph.names).rows
            assert rows == run(graph.store, substituted, arguments, graph.names).rows, arguments
            answers += bool(rows)
    assert answers >= 2


def test_header_errors_name_the_file_and_line():
    with pytest.raises(QueryError, match=r"x\.rq:2: unknown parameter type 'colour'"):
        parse_header("# Question: what?\n# param: c (type: colour) a colour\nSELECT * {}", "x.rq")
    with pytest.raises(QueryError, match="does not open with"):
        parse_header("SELECT * {}", "y.rq")
    with pytest.raises(UnknownName, match="did you mean: subsidiaries"):
        named_query("subsidiaries2")


def test_parameters_are_checked_before_anything_runs(graph):
    with pytest.raises(QueryError, match="needs from_year, to_year"):
        run(graph.store, "owner-changes", {})
    with pytest.raises(QueryError, match="has no parameter 'colour'"):
        run(graph.store, "companies", {"colour": "red"})
    with pytest.raises(QueryError, match="'twenty' is not a year"):
        run(graph.store, "parent-chain", {"company": "Volta Cells", "year": "twenty"})
    with pytest.raises(
        UnknownName, match="parameter company: no company is called 'Volta Cels'; did you mean: Volta Cells"
    ):
        run(graph.store, "parent-chain", {"company": "Volta Cels"})
    # "Europe" is the market region and the M49 area: it means the market region, the preferred sense
    assert (
        run(graph.store, "companies", {"region": "Europe"}).rows
        == run(graph.store, "companies", {"region": "europe"}).rows
    )


def test_an_iri_is_checked_by_itself_without_reading_every_name(graph):
    volta = graph.resolve("Volta Cells", "company")
    for written in (volta, str(volta), f"<{volta}>", "id:" + volta.removeprefix(str(ID))):
        index = NameIndex(graph.store)
        assert index.resolve(written, "company") == volta
        assert index.resolve(written) == volta
        assert "table" not in vars(index)  # the whole table of names was not read for it
    by_name = run(graph.store, "parent-chain", {"company": "Volta Cells"}).rows
    assert run(graph.store, "parent-chain", {"company": str(volta)}).rows == by_name
    with pytest.raises(UnknownName, match="no company is called 'id:company/no-such-company'"):
        NameIndex(graph.store).resolve("id:company/no-such-company", "company")
    with pytest.raises(UnknownName, match="no chemistry is called"):
        NameIndex(graph.store).resolve(str(volta), "chemistry")
    with pytest.raises(UnknownName, match="parameter company: no company is called"):
        run(graph.store, "parent-chain", {"company": str(ID["company/no-such-company"])})


def test_the_labels_of_a_few_things_are_those_of_the_whole_table(graph):
    table = graph.names.labels
    few = [*sorted(table)[::7], ID["company/no-such-company"], BKG.Company]
    index = NameIndex(graph.store)
    assert index.labels_of([*few, "not an IRI"]) == {iri: table[iri] for iri in few if iri in table}
    assert "table" not in vars(index)  # asked thing by thing


def test_a_name_is_found_among_the_names_sharing_its_word_as_in_the_whole_table(graph):
    def answer(index, name, kind):
        try:
            return index.resolve(name, kind)
        except UnknownName as error:
            return error.matches or "unknown"

    whole = graph.names
    for thing, label in sorted(whole.labels.items())[::15]:
        for name in (label, f"{label.upper()} Inc."):
            index = NameIndex(graph.store)
            assert answer(index, name, kind_of(thing)) == answer(whole, name, kind_of(thing)), name
    index = NameIndex(graph.store)
    for name in ("Volta Cells", "Kiwa Electric", "Nord Energy"):
        index.resolve(name, "company")
    assert "table" not in vars(index)  # three names, each from the few names sharing its longest word
    index.resolve("Hana Corp.", "company")
    assert "table" in vars(index)  # then every name, once


def test_a_parameter_value_is_bound_not_pasted(graph):
    hostile = 'x" } UNION { ?s ?p ?o } #'
    assert ask(graph, "entity-names", text=hostile) == []


# ---------------------------------------------------------------- ownership in time


@pytest.mark.parametrize("year", [None, 2000, 2005, 2008, 2009, 2010, 2012, 2013, 2016, 2020])
def test_parent_chain_of_every_company_matches_the_stakes(graph, reference, year):
    rows = ask(graph, "parent-chain", year=year)
    found = {(key(r["company"]), key(r["parent"]), r["depth"], r["ultimate"]) for r in rows}
    assert found == control_table(reference, year)


def test_parent_chain_covers_every_year_where_something_changes(graph, reference):
    for year in change_years(reference):
        rows = ask(graph, "ultimate-parent", year=year)
        expected = {(c, p) for c, p, _, top in control_table(reference, year) if top}
        assert {(key(r["company"]), key(r["parent"])) for r in rows} == expected, year


@pytest.mark.parametrize(
    "name, before, after",
    [
        ("Nord Energy", 2008, 2010),
        ("Nord Energy", 2015, 2017),
        ("Volta Cells", 2012, 2014),
        ("Kiwa Electric", 2008, 2010),
    ],
)
def test_ultimate_parent_differs_between_years_as_the_records_say(graph, reference, name, before, after):
    org_id = graph.resolve(name, "company").rsplit("/", 1)[-1]

    def expected(year):
        tops = {p for c, p, _, top in control_table(reference, year) if c == org_id and top}
        return next(iter(tops), None)

    assert expected(before) != expected(after)
    for year in (before, after):
        found = graph.ultimate_parent(name, at=year)
        assert (found and key(found.iri)) == expected(year)
        rows = ask(graph, "ultimate-parent", company=name, year=year)
        assert [key(r["parent"]) for r in rows] == ([expected(year)] if expected(year) else [])


@pytest.mark.parametrize("year", [None, 2008, 2010, 2014, 2016])
def test_subsidiaries_direct_and_transitive(graph, reference, year):
    table = control_table(reference, year)
    for group in sorted({controller for _, controller, _, _ in table}):
        expected = {(c, d) for c, p, d, _ in table if p == group}
        rows = ask(graph, "subsidiaries", group=company(group), year=year)
        assert {(key(r["subsidiary"]), r["depth"]) for r in rows} == expected
        for row in rows:
            assert key(row["via"]) in direct_controllers(reference, key(row["subsidiary"]), year)
        direct = ask(graph, "subsidiaries", group=company(group), year=year, transitive=False)
        assert {(key(r["subsidiary"]), r["depth"]) for r in direct} == {(c, d) for c, d in expected if d == 1}


@pytest.mark.parametrize("before, after", [(2008, 2010), (2012, 2014), (2015, 2017), (2008, 2017), (2020, 2021)])
def test_owner_changes_between_two_years(graph, reference, before, after):
    # companies with a controlling owner at some time; those founded or ended in between are listed as such
    years = [*change_years(reference), None]
    controlled = {o.id for o in reference.organizations if any(direct_controllers(reference, o.id, y) for y in years)}
    expected = set()
    for org in reference.organizations:
        if org.id not in controlled:
            continue
        founded = org.founded.value if org.founded else None
        # the organisation ends when it merges into another or is dissolved, or when another one is renamed from it
        ends = [e.date.year for e in org.events if e.date and e.kind in ("merged-into", "dissolved")]
        ends += [e.date.year for o in reference.organizations for e in o.events
                 if e.date and e.kind == "renamed-from" and e.other == org.id]  # fmt: skip
        ended = min(ends, default=None)
        if (founded and founded > after) or (ended and ended <= before):
            continue
        old, new = direct_controllers(reference, org.id, before), direct_controllers(reference, org.id, after)
        if founded and founded > before:
            expected.add(("founded", org.id, None, next(iter(new), None)))
        elif ended and ended <= after:
            expected.add(("ended", org.id, next(iter(old), None), None))
        elif old != new:
            expected.add(("changed", org.id, next(iter(old), None), next(iter(new), None)))
    rows = ask(graph, "owner-changes", from_year=before, to_year=after)
    found = {
        (
            str(r["change"]),
            key(r["company"]),
            r["oldOwner"] and key(r["oldOwner"]),
            r["newOwner"] and key(r["newOwner"]),
        )
        for r in rows
    }
    assert found == expected


@pytest.mark.parametrize("year", [None, 2010, 2016])
def test_cross_border_ownership(graph, reference, year):
    hq = {org.id: org.headquarters.value for org in resolved(reference) if org.headquarters}
    expected = {
        (s.owner, s.owned, s.kind)
        for s in reference.stakes
        if stake_active(s, year) and s.owner in hq and s.owned in hq and hq[s.owner] != hq[s.owned]
    }
    kinds = {BKG.ParentStake: "parent", BKG.MinorityStake: "minority", BKG.JointVentureStake: "joint-venture"}
    rows = ask(graph, "cross-border-ownership", year=year)
    assert {(key(r["owner"]), key(r["owned"]), kinds[r["kind"]]) for r in rows} == expected
    assert all(r["ownerCountry"] != r["ownedCountry"] for r in rows)
    minority = ask(graph, "cross-border-ownership", year=year, kind="bkg:MinorityStake")
    assert {(key(r["owner"]), key(r["owned"])) for r in minority} == {(o, d) for o, d, k in expected if k == "minority"}


@pytest.mark.parametrize("year", [None, 2010])
def test_ownership_stakes_of_a_company(graph, reference, year):
    for org in resolved(reference):
        expected = {
            (s.owner, s.owned, None if s.share is None else Decimal(str(s.share)), url)
            for s in reference.stakes
            if org.id in (s.owner, s.owned) and (year is None or s.active_in(year))
            for url in s.sources
        }
        rows = ask(graph, "ownership-stakes", company=company(org.id), year=year)
        assert {(key(r["owner"]), key(r["owned"]), r["share"], str(r["source"])) for r in rows} == expected


# ---------------------------------------------------------------- what companies do, where


def counted_figure(plant, year: int | None, include_planned: bool) -> Decimal | None:
    """The figure a plant counts with on 31 December of ``year``: its latest one then, if its state counts."""
    wanted = {"operating"} | ({"announced", "under-construction"} if include_planned else set())
    figures = [c for c in plant.capacity if year is None or c.as_of.year <= year]
    if not figures or status_in(plant, year) not in wanted:
        return None
    return Decimal(str(max(figures, key=lambda c: str(c.as_of)).value))


@pytest.mark.parametrize(
    "filters",
    [
        {},
        {"chemistry": "lithium-ion"},
        {"chemistry": "lithium-metal"},
        {"chemistry": "lfp"},
        {"application": "automotive"},
        {"region": "europe"},
        {"region": "asia-pacific", "chemistry": "lithium-ion"},
        {"country": "JP"},
        {"country": "FR", "application": "energy-storage"},
        {"chemistry": "lithium-ion", "year": 1960},
        {"year": 2000},
        {"year": 2017},
        {"year": 2018},
    ],
)
def test_companies_by_chemistry_application_region_country_and_year(graph, reference, filters):
    chemistry, application = broader_closure(reference.chemistries), broader_closure(reference.applications)

    def held(fact) -> bool:
        # a dated fact counts in the years it held; without a year, only while it still holds
        return fact.holds_in(filters["year"]) if "year" in filters else fact.end is None

    def matches(org) -> bool:
        if "chemistry" in filters and not any(
            filters["chemistry"] in chemistry[c.value] and held(c) for c in org.chemistries
        ):
            return False
        if "application" in filters and not any(
            filters["application"] in application[a.value] and held(a) for a in org.applications
        ):
            return False
        country = org.headquarters.value if org.headquarters else None
        if "country" in filters and country != filters["country"]:
            return False
        if "region" in filters and (
            country is None or str(iri("region", filters["region"])) not in regions_of(reference, country)
        ):
            return False
        if "year" not in filters:
            return True
        gone = {"merged-into", "dissolved"}
        ended = [
            e
            for o in reference.organizations
            for e in o.events
            if e.date
            and e.date.year <= filters["year"]
            and ((e.kind in gone and e.subject == org.id) or (e.kind == "renamed-from" and e.other == org.id))
        ]
        return (org.founded is None or org.founded.value <= filters["year"]) and not ended

    expected = {org.id for org in resolved(reference) if matches(org)}
    assert expected or not filters, "a filter that matches nothing proves little"
    assert ids(ask(graph, "companies", **filters), "company") == expected
    arguments = {("at" if k == "year" else k): v for k, v in filters.items()}
    assert {key(e.iri) for e in graph.companies(**arguments)} == expected


def test_chemistries_by_region_counts(graph, reference):
    expected: dict[tuple[str, str], set[str]] = {}
    for org in resolved(reference):
        if org.headquarters:
            for region in regions_of(reference, org.headquarters.value):
                for chem in org.chemistries:
                    if chem.end is None:  # what holds now: a chemistry that moved elsewhere is not counted
                        expected.setdefault((region, str(iri("chemistry", chem.value))), set()).add(org.id)
    rows = ask(graph, "chemistries-by-region")
    assert {(str(r["region"]), str(r["chemistry"])): r["companies"] for r in rows} == {
        k: len(v) for k, v in expected.items()
    }
    europe = str(iri("region", "europe"))
    rows = ask(graph, "chemistries-by-region", region="europe")
    assert {str(r["chemistry"]): r["companies"] for r in rows} == {
        c: len(v) for (r, c), v in expected.items() if r == europe
    }


# ---------------------------------------------------------------- sources, reports, unresolved names


def test_sources_behind_the_facts_about_a_company(graph, reference, report_graph, report_id):
    predicates = {"headquarters": BKG.headquarteredIn, "founded": SDO.foundingDate, "wikidata": SDO.sameAs}
    for org in resolved(reference):
        expected = set()
        for field, predicate in predicates.items():
            fact = getattr(org, field)
            if fact:
                expected |= {(str(predicate), url) for url in fact.sources}
        if org.headquarters and org.headquarters_city:
            expected |= {(str(BKG.headquartersCity), url) for url in org.headquarters.sources}
        for former in org.former_names:
            expected |= {(str(SKOS.altLabel), url) for url in former.sources}
        for chem in org.chemistries:
            expected |= {(str(BKG.makesChemistry), url) for url in chem.sources}
        for app in org.applications:
            expected |= {(str(BKG.servesApplication), url) for url in app.sources}
        kinds = {"parent": BKG.ParentStake, "minority": BKG.MinorityStake, "joint-venture": BKG.JointVentureStake}
        for stake in reference.stakes:
            if org.id in (stake.owner, stake.owned):
                expected |= {(str(kinds[stake.kind]), url) for url in stake.sources}
        rows = ask(graph, "entity-sources", entity=company(org.id))
        found = {(str(r["predicate"]), str(r["source"])) for r in rows if r["predicate"] != SDO.mentions}
        assert found == expected, org.id
        document = iri("source", report_id)
        mentioned = (document, SDO.mentions, company(org.id)) in report_graph
        url = str(report_graph.value(document, DCTERMS.source) or document)
        assert {str(r["source"]) for r in rows if r["predicate"] == SDO.mentions} == ({url} if mentioned else set())


def test_report_claims_and_which_are_flagged(graph, report_graph, report_id):
    flagged = {
        about for flag in report_graph.subjects(RDF.type, BKG.Flag) for about in report_graph.objects(flag, BKG.about)
    }
    expected = {
        (
            str(claim),
            report_graph.value(claim, BKG.metric).toPython(),
            Decimal(str(report_graph.value(claim, BKG.value))),
            claim in flagged,
        )
        for claim in report_graph.subjects(RDF.type, BKG.MarketClaim)
    }
    assert expected
    for arguments in ({}, {"report": report_id}, {"report": iri("source", report_id)}):
        rows = [
            r
            for r in ask(graph, "report-claims", **arguments)
            if r.get("report", iri("source", report_id)) == iri("source", report_id)
        ]
        assert {(str(r["claim"]), r["metric"], Decimal(r["value"]), r["flagged"]) for r in rows} == expected
        for row in rows:
            kinds = {str(report_graph.value(f, BKG.flagKind)) for f in report_graph.subjects(BKG.about, row["claim"])}
            assert set(row["flags"].split(", ") if row["flags"] else ()) == kinds


def test_report_claim_scope_labels(graph):
    rows = ask(graph, "report-claims", report="test-report")
    share = next(r for r in rows if r["metric"] == "market_share")
    assert (share["scope"], share["scopeLabel"], share["flagged"]) == (iri("region", "europe"), "Europe", False)


def test_report_flags(graph, report_graph, report_id):
    expected = {
        (str(flag), str(report_graph.value(flag, BKG.flagKind)), about and str(about))
        for flag in report_graph.subjects(RDF.type, BKG.Flag)
        for about in (list(report_graph.objects(flag, BKG.about)) or [None])
    }
    assert expected
    rows = ask(graph, "report-flags", report=report_id)
    assert {(str(r["flag"]), r["kind"], r["about"] and str(r["about"])) for r in rows} == expected
    assert all(r["message"] for r in rows)


def test_unresolved_and_ambiguous_names(graph, reference, report_graph, report_id):
    def name_of(candidate) -> str:
        return str(candidate) if isinstance(candidate, Literal) else graph.names.labels[candidate]

    curated = {org.name: set(org.candidates) for org in reference.organizations if org.status == "unresolved"}
    mentioned = {}
    for mention in report_graph.subjects(RDF.type, BKG.Mention):
        if str(report_graph.value(mention, BKG.status)) != "resolved":
            mentioned[str(mention)] = {name_of(c) for c in report_graph.objects(mention, BKG.candidate)}
    for entity in report_graph.subjects(RDF.type, BKG.UnresolvedEntity):  # names a report itself could not place
        mentioned[str(entity)] = {name_of(c) for c in report_graph.objects(entity, BKG.candidate)}
    assert curated and mentioned

    def found(rows):
        return {
            r["name"] if r["document"] is None else str(r["entity"]): set(r["candidates"].split("; "))
            if r["candidates"]
            else set()
            for r in rows
        }

    every = ask(graph, "unresolved-entities")
    assert {k: v for k, v in found(every).items() if not k.startswith("http")} == curated
    only_report = ask(graph, "unresolved-entities", report=report_id)
    assert found(only_report) == mentioned
    assert {key(r["document"]) for r in only_report} == {report_id}
    assert {r["status"] for r in only_report} <= {"ambiguous", "unresolved"}


# ---------------------------------------------------------------- entities, names, neighbours


def test_entity_names_and_aliases(graph, reference):
    all_names = ask(graph, "entity-names")
    for org in reference.organizations:
        text = org.name.split()[0]
        rows = ask(graph, "entity-names", text=text)
        names = {(r["name"], r["alias"]) for r in rows if r["entity"] == company(org.id)}
        every = {(org.name, False), *((alias, True) for alias in org.aliases)}
        every |= {(former.name, True) for former in org.former_names}  # an old name stays an alias
        assert names == {(name, alias) for name, alias in every if text.lower() in name.lower()}
        assert all(text.lower() in r["name"].lower() for r in rows)
        assert [r["name"].lower() for r in rows] == sorted(r["name"].lower() for r in rows)
        assert {(r["name"], r["alias"]) for r in all_names if r["entity"] == company(org.id)} == every


def test_entity_facts_and_description(graph, reference):
    for org in resolved(reference):
        record = graph.entity(org.id)
        aliases = set(org.aliases) | {former.name for former in org.former_names}
        assert (record.iri, record.label, set(record.aliases)) == (company(org.id), org.name, aliases)
        facts = run(graph.store, "entity-facts", {"entity": record.iri}).dicts()
        if org.headquarters:
            hq = iri("country", org.headquarters.value)
            assert {str(f["source"]) for f in facts if f["object"] == hq} == set(org.headquarters.sources)
            [fact] = [f for f in record.facts if f.predicate == BKG.headquarteredIn]
            assert (fact.value.iri, fact.value.type, set(fact.sources)) == (
                hq,
                "country",
                set(org.headquarters.sources),
            )
        described = run(graph.store, "entity-description", {"entity": record.iri}).graph
        assert (record.iri, RDFS.label, Literal(org.name)) in described
        cited = {
            str(o)
            for fact in described.subjects(RDF.subject, record.iri)
            for o in described.objects(fact, DCTERMS.source)
        }
        # the description holds what is true now: facts that ended are left to their fact nodes
        current = [
            f
            for f in (*org.chemistries, *org.applications, org.headquarters, org.founded, org.wikidata)
            if f and f.end is None
        ]
        assert cited == {url for f in current for url in f.sources} | {
            url for former in org.former_names for url in former.sources
        }


def test_neighbors_of_a_company(graph, reference):
    for org in resolved(reference):
        expected = {iri("chemistry", c.value) for c in org.chemistries if c.end is None} | {
            iri("application", a.value) for a in org.applications if a.end is None
        }
        if org.headquarters:
            expected.add(iri("country", org.headquarters.value))
        expected |= {company(s.owner) for s in org.owners}
        expected |= {company(s.owned) for s in reference.stakes if s.owner == org.id}
        rows = ask(graph, "neighbors", entity=company(org.id))
        assert expected <= {r["neighbor"] for r in rows}, org.id
        assert all(str(r["neighbor"]).startswith(str(ID)) and r["direction"] in ("in", "out") for r in rows)
        assert not {"stake", "control", "fact", "claim", "flag", "mention"} & {
            str(r["neighbor"]).split("/")[-2] for r in rows
        }


def test_the_committed_example_graph_is_what_the_build_makes_today(built):
    """kg/examples/query-graph.trig feeds the doctests and other test modules; rebuild it with
    `.venv/bin/python tests/query_fixture.py` when this fails after a change to the build."""
    from rdflib import BNode, Dataset

    from query_fixture import GRAPH as COMMITTED

    def canonical(graph) -> set:
        # TriG writes the decimal 100 as 100.0: compare literals by value and datatype
        terms = lambda triple: tuple(
            (t.toPython(), t.datatype, t.language) if isinstance(t, Literal) else t for t in triple
        )
        assert not any(isinstance(t, BNode) for triple in graph for t in triple)
        return {terms(triple) for triple in graph}

    committed = Dataset()
    committed.parse(COMMITTED, format="trig")
    fresh = built[2]
    names = {g.identifier for g in fresh.graphs() if len(g)}
    assert names == {g.identifier for g in committed.graphs() if len(g)}
    for name in names:
        assert canonical(fresh.graph(name)) == canonical(committed.graph(name)), (
            f"{name} differs: rebuild the example graph"
        )


# ---------------------------------------------------------------- plants, capacity, agreements, changes, tiers
#
# Expected answers from the records of tests/fixtures/query-data/plants and agreements, in plain Python.


def held(start, end, year) -> bool:
    """Whether a period [start, end) (PartialDates, None = open) holds on 31 December of ``year`` (None: now)."""
    if year is None:
        return end is None
    return (start is None or start.year <= year) and (end is None or year < end.year)


def group_of(reference, org_id: str, year: int | None) -> set[str]:
    """The organisation, what it controls, and the joint ventures it or those are partners in, in ``year``."""
    members = {org_id} | {row[0] for row in control_table(reference, year) if row[1] == org_id}
    partners = {
        s.owned
        for s in reference.stakes
        if s.kind == "joint-venture" and s.owner in members and held(s.start, s.end, year)
    }
    return members | partners


def status_in(plant, year: int | None) -> str | None:
    """A plant's status on 31 December of ``year``: each status holds until the next one starts."""
    changes = list(plant.status)
    for change, following in zip(changes, [*changes[1:], None], strict=True):
        if held(change.since, following.since if following else None, year):
            return change.status
    return None


@pytest.mark.parametrize("year", [None, 2012, 2019])
@pytest.mark.parametrize("include_controlled", [False, True])
def test_plants_of_every_company_and_group(graph, reference, year, include_controlled):
    for org in resolved(reference):
        operators = group_of(reference, org.id, year) if include_controlled else {org.id}
        expected = {
            p.id
            for p in reference.plants
            if any(o.org in operators and held(o.start, o.end, year) for o in p.operators)
        }
        rows = ask(graph, "plants", company=company(org.id), include_controlled=include_controlled or None, year=year)
        assert ids(rows, "plant") == expected, org.id
        for plant in reference.plants:
            if plant.id in expected:
                mine = [r for r in rows if key(r["plant"]) == plant.id]
                assert len([r for r in mine if r["rowKind"] == "status"]) == len(plant.status)
                assert sorted(r["value"] for r in mine if r["rowKind"] == "capacity") == sorted(
                    Decimal(str(c.value)) for c in plant.capacity
                )


@pytest.mark.parametrize(
    "filters",
    [
        {},
        {"include_planned": True},
        {"year": 2016, "include_planned": True},
        {"year": 2022, "include_planned": True, "region": "europe"},
        {"year": 2025, "region": "europe"},
        {"chemistry": "lithium-metal", "include_planned": True, "year": 2015},
        {"company": "volta-group", "include_controlled": True, "year": 2020},
        {"company": "hana-corp", "include_controlled": True, "year": 2012},
        {"company": "hana-corp", "year": 2012},
        {"country": "PL", "include_planned": True, "year": 2023},
    ],
)
def test_capacity_as_of_a_year(graph, reference, filters):
    year = filters.get("year")
    chemistry = broader_closure(reference.chemistries)
    expected = {}
    for plant in reference.plants:
        figure = counted_figure(plant, year, bool(filters.get("include_planned")))
        operators = {o.org for o in plant.operators if held(o.start, o.end, year)}
        if "company" in filters:
            group = (
                group_of(reference, filters["company"], year)
                if filters.get("include_controlled")
                else {filters["company"]}
            )
            operators &= group
        place = plant.site.country
        if (
            figure is None
            or not operators
            or ("country" in filters and place != filters["country"])
            or ("region" in filters and str(iri("region", filters["region"])) not in regions_of(reference, place))
            or (
                "chemistry" in filters
                and not any(filters["chemistry"] in chemistry[c.value] for c in plant.chemistries)
            )
        ):
            continue
        expected[plant.id] = figure
    arguments = {k: (company(v) if k == "company" else v) for k, v in filters.items()}
    rows = ask(graph, "capacity", **arguments)
    assert {key(r["plant"]): r["value"] for r in rows} == expected
    assert len(rows) == len(expected), "one row per plant"
    api = {("at" if k == "year" else k): v for k, v in filters.items()}
    assert graph.capacity(**api).gwh == sum(expected.values(), Decimal(0))


@pytest.mark.parametrize("year", [None, 2012, 2020])
def test_capacity_without_a_company_counts_each_plant_for_every_group_it_rolls_up_to(graph, reference, year):
    expected = set()
    for org in resolved(reference):
        members = group_of(reference, org.id, year)
        for plant in reference.plants:
            if counted_figure(plant, year, include_planned=True) is not None:
                expected |= {
                    (org.id, plant.id, o.org)
                    for o in plant.operators
                    if o.org in members and held(o.start, o.end, year)
                }
    rows = ask(graph, "capacity", include_controlled=True, include_planned=True, year=year)
    assert {(key(r["company"]), key(r["plant"]), key(r["operator"])) for r in rows} == expected
    assert len(rows) == len(expected), "one row per group, plant and operator"
    assert len({plant for _, plant, _ in expected}) < len(expected), "some plant counts for two groups"
    with pytest.raises(QueryError, match="include_controlled needs a company"):
        graph.capacity(include_controlled=True)


@pytest.mark.parametrize("include_controlled", [False, True])
def test_agreements_of_every_company(graph, reference, include_controlled):
    for org in resolved(reference):
        expected = {}
        for agreement in reference.agreements:
            year = (agreement.signed or agreement.start).year if (agreement.signed or agreement.start) else None
            members = group_of(reference, org.id, year) if include_controlled else {org.id}
            if members & {p.org for p in agreement.parties}:
                expected[agreement.id] = {(p.org, p.role) for p in agreement.parties}
        rows = ask(graph, "agreements", company=company(org.id), include_controlled=include_controlled or None)
        assert {
            key(r["agreement"]): {
                (key(r2["party"]), r2["partyRole"]) for r2 in rows if r2["agreement"] == r["agreement"]
            }
            for r in rows
        } == expected, org.id
    licences = ask(graph, "agreements", company=company("kiwa-electric"), kind="licence", from_year=2019, to_year=2019)
    assert ids(licences, "agreement") == {"kiwa-volta-licence-2019"}
    assert not ask(graph, "agreements", company=company("kiwa-electric"), kind="licence", from_year=2020)


def test_changes_of_a_company_and_by_kind(graph, reference):
    org = reference.organization("kiwa-nord-cells")
    expected = [("dissolved", e.date.year) for e in org.events]
    expected += [("stake-start", s.start.year) for s in org.owners] + [("stake-end", s.end.year) for s in org.owners]
    rows = ask(graph, "events", company=company("kiwa-nord-cells"))
    assert sorted((r["eventKind"], r["year"]) for r in rows) == sorted(expected)
    assert [(c.kind, c.year) for c in graph.changes(kind="dissolved")] == [("dissolved", 2018)]
    in_2010 = ask(graph, "events", from_year=2010, to_year=2010)
    starts = [s for s in reference.stakes if s.start and s.start.year == 2010]
    assert sorted(key(r["event"]).split("--")[0] for r in in_2010) == sorted(s.owner for s in starts)


@pytest.mark.parametrize("tier", ["primary", "press", "reference"])
def test_facts_and_entity_facts_by_source_tier(graph, reference, tier):
    domain = {"primary": "https://example.com/", "press": "https://example.org/"}.get(tier)
    rows = ask(graph, "facts", tier=tier)
    assert all(r["sourceTier"] == tier for r in rows)
    if domain is not None:
        assert rows and all(str(r["source"]).startswith(domain) for r in rows)
    plant = reference.plants[0]
    facts = ask(graph, "entity-facts", entity=iri("plant", plant.id), tier=tier)
    assert {str(r["source"]) for r in facts} <= {u for u in plant.site.sources if domain and u.startswith(domain)} | {
        u for c in plant.chemistries for u in c.sources if domain and u.startswith(domain)
    } | (
        {u for u in plant.production_start.sources if domain and u.startswith(domain)}
        if plant.production_start
        else set()
    )


def test_companies_roll_up_through_control_and_presence_by_plants(graph, reference):
    makers = {org.id for org in resolved(reference) if any(c.value == "lfp" for c in org.chemistries)}
    groups = {row[1] for row in control_table(reference, None) if row[0] in makers}
    assert ids(ask(graph, "companies", chemistry="lfp"), "company") == makers
    assert ids(ask(graph, "companies", chemistry="lfp", include_controlled=True), "company") == makers | groups
    hq = {org.id for org in resolved(reference) if org.headquarters and org.headquarters.value == "HU"}
    plants = {o.org for p in reference.plants if p.site.country == "HU" for o in p.operators if o.end is None}
    assert ids(ask(graph, "companies", country="HU"), "company") == hq
    assert ids(ask(graph, "companies", country="HU", presence=True), "company") == hq | plants
    cancelled = {o.org for p in reference.plants if status_in(p, None) == "cancelled" for o in p.operators}
    assert not cancelled & ids(ask(graph, "companies", country="PL", presence=True), "company")
