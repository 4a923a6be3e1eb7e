"""The source policy: every domain in data/ classified, no fact on not-citable sources only, tiers in the graph."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

import kg
from kg.build import DATA_DIR
from kg.errors import DataError
from kg.loader import POLICY_FILE, load_reference, read_policy
from kg.records import DomainTier, SourcePolicy

POLICY = read_policy(DATA_DIR / POLICY_FILE)

# The low-quality sites a review of the data found (issue 12): they must stay classified as not citable.
NOT_CITABLE = [
    "it.speciality-fishshop.com",
    "forbesandorra.com",
    "articles.media",
    "citylife.capetown",
    "newsflash.city",
    "buenaterrapta.org",
    "deyuan.enterprises",
    "affordableratesonauto.com",
    "food4brains.com",
    "logodatabases.com",
    "wanttoknowit.com",
    "pinocchiopedia.com",
    "piglix.com",
    "www.liquisearch.com",
    "wikimili.com",
    "limsforum.com",
    "owiki.org",
    "www.hubbry.com",
    "profilpelajar.com",
    "webot.org",
    "megalodon.jp",
    "m.ru24.pro",
    "sco.wikipedia.org",
    "d3ur5s4dyg6skx.cloudfront.net",
    "wordp-appli-oeiffwjv3h0b-1837223528.ap-south-1.elb.amazonaws.com",
    "web-production-4e80b.up.railway.app",
    "uscarsreview.wordpress.com",
    "japantechnologyblog.blogspot.com",
    "medium.com",
]


@pytest.fixture(scope="module")
def g(built_trig):
    return kg.load(built_trig)


def test_the_longest_listed_domain_wins():
    policy = SourcePolicy(
        (
            DomainTier("wikipedia.org", "reference"),
            DomainTier("sco.wikipedia.org", "not-citable", "low quality"),
            DomainTier("reuters.com", "press"),
        )
    )
    assert policy.tier("https://en.wikipedia.org/wiki/CATL") == "reference"
    assert policy.tier("https://sco.wikipedia.org/wiki/CATL") == "not-citable"
    assert policy.tier("https://WWW.Reuters.com:443/business/x") == "press"
    assert policy.tier("https://jp.reuters.com/x") == "press"
    assert policy.tier("https://notreuters.com/x") is None  # a suffix counts only after a dot
    assert policy.tier("https://reuters.com.evil.example/x") is None


@pytest.mark.parametrize("host", NOT_CITABLE)
def test_known_mirrors_content_farms_raw_hosts_and_blogs_are_not_citable(host):
    entry = POLICY.entry(f"https://{host}/page")
    assert entry is not None and entry.tier == "not-citable" and entry.reason, host


def test_wikipedia_is_reference_and_raw_ip_addresses_are_not_citable():
    assert POLICY.tier("https://en.wikipedia.org/wiki/Northvolt") == "reference"
    assert POLICY.tier("https://ja.wikipedia.org/wiki/x") == "reference"
    for ip in ("15.188.152.128", "38.142.81.21"):
        assert POLICY.tier(f"http://{ip}/x") == "not-citable"


def test_the_policy_is_a_reviewed_list_with_a_reason_for_each_not_citable_domain():
    tiers = [d.tier for d in POLICY.domains]
    assert len(tiers) >= 300
    assert {"primary", "reference", "press", "not-citable"} <= set(tiers)
    assert all(d.reason for d in POLICY.domains if d.tier == "not-citable")


def test_no_fact_rests_only_on_a_not_citable_source(reference):
    """The loader keeps only citable URLs, and refuses a fact with none; so every record's sources are citable."""
    records = []
    for org in reference.organizations:
        records += [f for f in (org.headquarters, org.founded, org.wikidata) if f]
        records += [*org.chemistries, *org.applications, *org.owners, *org.events, *org.former_names]
    for plant in reference.plants:
        records += [plant.site, *plant.operators, *plant.chemistries, *plant.status, *plant.capacity]
    records += list(reference.agreements)
    assert len(records) > 1000
    for record in records:
        assert record.sources, record
        assert all(POLICY.tier(url) in ("primary", "reference", "press") for url in record.sources), record


def test_every_source_in_the_graph_has_its_tier_and_none_is_not_citable(g):
    rows = g.sparql(
        """SELECT DISTINCT ?source ?tier WHERE {
             GRAPH <https://w3id.org/battery-kg/graph/curated> { ?node dct:source ?source }
             OPTIONAL { ?source bkg:sourceTier/skos:notation ?tier } }"""
    )
    assert len(rows) > 500
    for row in rows:
        assert row.tier in ("primary", "reference", "press"), row.source
        assert POLICY.tier(str(row.source)) == row.tier


def test_facts_can_be_filtered_by_source_tier(g):
    everything = g.facts()
    primary = g.facts(tier="primary")
    assert 0 < len(primary) < len(everything)
    assert all(row.sourceTier == "primary" and POLICY.tier(str(row.source)) == "primary" for row in primary)
    everything = g.entity("LG Energy Solution")
    record = g.entity("LG Energy Solution", tier="primary")
    assert record.facts and all(POLICY.tier(url) == "primary" for fact in record.facts for url in fact.sources)
    assert len(record.facts) < len(everything.facts)
    press = g.entity("LG Energy Solution", tier="press")
    assert press.facts and all(POLICY.tier(url) == "press" for fact in press.facts for url in fact.sources)


def _data_with(tmp_path: Path, company: str, policy: str) -> Path:
    data = tmp_path / "data"
    (data / "companies").mkdir(parents=True)
    for name in ("chemistries.yaml", "applications.yaml", "regions.yaml"):
        shutil.copy(DATA_DIR / name, data)
    (data / POLICY_FILE).write_text((DATA_DIR / POLICY_FILE).read_text() + policy)
    (data / "companies" / "x.yaml").write_text(company)
    return data


def test_a_not_citable_source_beside_a_citable_one_is_dropped(tmp_path):
    data = _data_with(
        tmp_path,
        '- id: x\n  name: X\n  headquarters: {country: DE, source: ["https://wikimili.com/x", "https://www.reuters.com/x"]}\n',
        "",
    )
    assert load_reference(data).organization("x").headquarters.sources == ("https://www.reuters.com/x",)


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ("  - {domain: example.net, tier: not-citable}\n", "not-citable domain 'example.net' needs a 'reason'"),
        ("  - {domain: 'https://example.net/', tier: press}\n", "is not a host name"),
        ("  - {domain: example.net, tier: good}\n", "'good' is not one of: primary, reference, press, not-citable"),
        ("  - {domain: reuters.com, tier: press}\n", "domain 'reuters.com' is listed twice"),
    ],
)
def test_a_bad_policy_entry_is_named_by_file_and_line(tmp_path, entry, message):
    data = _data_with(tmp_path, "[]\n", entry)
    lines = (data / POLICY_FILE).read_text().count("\n")
    with pytest.raises(DataError, match=rf"source-policy\.yaml:{lines} .*{re.escape(message)}"):
        load_reference(data)
