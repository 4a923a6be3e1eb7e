"""The consistency rules added for reports in any layout, one small report each, against data/."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.ingest import ingest
from kg.loader import load_reference


@pytest.fixture(scope="module")
def reference():
    return load_reference(Path("data"))


def run(tmp_path, reference, text: str, name: str = "report.md"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return ingest(path, reference)


def errors(result) -> list[str]:
    return sorted(f.kind for f in result.flags if f.severity == "error")


def test_a_region_above_the_total(tmp_path, reference):
    result = run(tmp_path, reference, "# Flow Battery Market 2025-2030\n\n"
                 "The flow battery market was valued at USD 400 million in 2024. "
                 "The Europe market was valued at USD 520 million in 2024.\n")  # fmt: skip
    assert errors(result) == ["part-exceeds-total"]
    same = run(tmp_path, reference, "# Flow Battery Market 2025-2030\n\n"
               "The flow battery market was valued at USD 400 million in 2024. "
               "The Europe market was valued at USD 120 million in 2024.\n")  # fmt: skip
    assert errors(same) == []


def test_competing_largest_claims(tmp_path, reference):
    text = (
        "# Sodium-Ion Battery Market 2025-2032\n\n## Applications\n\n- Stationary storage\n- Automotive\n\n"
        "## Overview\n\nStationary storage was the largest application in 2024.\n\n"
        "Automotive was the largest application in 2024.\n"
    )
    assert errors(run(tmp_path, reference, text)) == ["competing-largest-claims"]
    other_years = text.replace(
        "Automotive was the largest application in 2024", "Automotive was the largest application in 2021"
    )
    assert errors(run(tmp_path, reference, other_years)) == []


def test_dominance_against_the_reports_own_table(tmp_path, reference):
    text = (
        "# Zinc-Air Battery Market 2025-2031\n\nEurope dominated the market in 2024.\n\n"
        "| Region | Share 2024 (%) |\n|---|---|\n| Asia-Pacific | 38 |\n| Europe | 27 |\n| North America | 24 |\n"
    )
    result = run(tmp_path, reference, text)
    assert errors(result) == ["statement-contradicts-figures"]
    assert "Asia-Pacific the largest share" in next(f.message for f in result.flags if f.severity == "error")
    agreeing = run(tmp_path, reference, text.replace("Europe dominated", "Asia-Pacific dominated"))
    assert errors(agreeing) == []


def test_a_country_leading_inside_its_region_is_no_contradiction(tmp_path, reference):
    result = run(tmp_path, reference, "# BMS Market 2024-2029\n\n"
                 "Asia Pacific accounted for a share of 42% in 2023. "
                 "China is the largest contributor to the market in Asia Pacific, with a 27% share in 2023.\n")  # fmt: skip
    assert errors(result) == []


def test_company_shares_over_100(tmp_path, reference):
    text = (
        "# EV Battery Market 2025-2030\n\n| Company | Market share 2024 (%) |\n|---|---|\n"
        "| CATL | 38 |\n| BYD | 37 |\n| LG Energy Solution | 30 |\n"
    )
    assert errors(run(tmp_path, reference, text)) == ["shares-exceed-100"]
    assert errors(run(tmp_path, reference, text.replace("| 30 |", "| 11 |"))) == []


def test_a_stake_is_a_relation_not_a_market_share(tmp_path, reference):
    result = run(tmp_path, reference, "# EV Battery Market 2025-2030\n\n"
                 "Ultium Cells, in which LG Energy Solution holds a 30% stake, makes cells in Ohio.\n")  # fmt: skip
    assert not [f for f in result.extraction.figures if f.value == 30]
    ultium = next(c for c in result.extraction.companies if c.mention == "Ultium Cells")
    assert [(r.relation, r.object, r.share) for r in ultium.relations] == [("affiliate-of", "LG Energy Solution", 30.0)]
    differs = [f for f in result.flags if f.kind == "stake-differs-from-curated"]
    assert len(differs) == 1 and "curated data: 50%" in differs[0].message


def test_neighbouring_and_far_away_countries(tmp_path, reference):
    text = (
        "# Flow Battery Market 2025-2030\n\n## Regional analysis\n\n"
        "- North America: United States, Canada, Mexico\n- Middle East & Africa: Saudi Arabia, Korea\n"
    )
    result = run(tmp_path, reference, text)
    kinds = {(f.kind, f.severity, f.about[0].key) for f in result.flags if "region" in f.kind}
    assert ("country-in-neighbouring-region", "info", "Mexico") in kinds
    assert ("country-in-wrong-region", "error", "Korea") in kinds


def test_local_and_inverted_country_names(tmp_path, reference):
    text = (
        "# Flow Battery Market 2025-2030\n\n## Regional analysis\n\n"
        "| Region | Countries |\n|---|---|\n| Europe | Deutschland, España, Rest of Europe |\n"
        "| Middle East & Africa | Iran, Islamic Rep., GCC |\n| Asia-Pacific | Korea, Rep., Other Asia |\n"
    )
    result = run(tmp_path, reference, text)
    found = {
        (listing.mention, m.iso2 or m.grouping) for listing in result.extraction.regions for m in listing.countries
    }
    assert {("Europe", "DE"), ("Europe", "ES"), ("Middle East & Africa", "IR"), ("Asia-Pacific", "KR")} <= found
    residuals = {
        m.grouping: m.members
        for listing in result.extraction.regions
        for m in listing.countries
        if m.status == "grouping"
    }
    assert residuals["Rest of Europe"] == () and residuals["Rest of Asia"] == ()  # never silently expanded
    assert residuals["GCC"] == ("BH", "KW", "OM", "QA", "SA", "AE")
    rest = next(m for listing in result.extraction.regions for m in listing.countries if m.grouping == "Rest of Europe")
    assert "FR" in rest.candidates and "DE" not in rest.candidates and "CN" not in rest.candidates


def test_cjk_and_accented_names(tmp_path, reference):
    text = "# Battery Market 2025-2030\n\n## Key players\n\n- 宁德时代\n- 比亚迪\n- Müller Akku GmbH\n"
    result = run(tmp_path, reference, text)
    resolved = {r.mention: (r.status, r.id, str(r.iri)) for r in result.resolutions if r.kind == "company"}
    assert resolved["宁德时代"][:2] == ("resolved", "catl") and resolved["比亚迪"][:2] == ("resolved", "byd")
    assert resolved["Müller Akku GmbH"][2].endswith(".muller-akku-gmbh")
