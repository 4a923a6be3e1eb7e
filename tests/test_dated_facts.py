"""Corrected and dated facts of the real data, through the Python API, as of the years they held.

Each test names the change the data records (issue 12: the facts a review found out of date).
"""

from __future__ import annotations

import datetime

import pytest

import kg
from kg.namespaces import BKG


@pytest.fixture(scope="module")
def g(built_trig):
    return kg.load(built_trig)


def labels(entities) -> set[str]:
    return {e.label for e in entities}


def test_northvolt_bankruptcies_and_the_sale_of_its_assets(g):
    bankruptcies = g.changes("Northvolt", kind="bankruptcy")
    assert [c.year for c in bankruptcies] == [2024, 2025]  # US Chapter 11 in November 2024, Sweden in March 2025
    sales = g.changes("Northvolt", kind="assets-sold-to")
    assert sales and {c.resulting.label for c in sales} == {"Lyten"}
    closed = [c for c in sales if c.date is not None]
    assert closed, "the closing of the sale is recorded"
    assert all(c.signed is not None and str(c.signed) < str(c.date) for c in closed)  # signed before it closed


def test_northvolt_made_cells_until_its_bankruptcy_and_its_investors_stakes_ended(g):
    assert "Northvolt" in labels(g.companies(chemistry="lithium-ion", at=2024))
    assert "Northvolt" not in labels(g.companies(chemistry="lithium-ion"))
    assert not g.entity("Northvolt").values(BKG.makesChemistry)  # an ended fact is no plain triple
    ended = {r.subjectLabel: r.endYear for r in g.facts(property="bkg:makesChemistry") if r.subjectLabel == "Northvolt"}
    assert ended == {"Northvolt": 2025}
    investors = {(c.original.label, c.year) for c in g.changes("Northvolt", kind="stake-end")}
    assert {("Volkswagen Group", 2025), ("Goldman Sachs", 2025)} <= investors
    held_2024 = {r.ownerLabel for r in g.sparql("ownership-stakes", company="Northvolt", year=2024)}
    held_now = {r.ownerLabel for r in g.sparql("ownership-stakes", company="Northvolt", year=2026)}
    assert "Volkswagen Group" in held_2024 and "Volkswagen Group" not in held_now


def test_blueoval_sk_was_a_joint_venture_until_ford_and_sk_on_split_it(g):
    assert g.parents("BlueOval SK", at=2025) == []  # 50/50: nobody controlled it
    assert [link.controller.label for link in g.parents("BlueOval SK")][:2] == ["SK On", "SK Innovation"]
    split = g.changes("BlueOval SK", kind="business-acquired-by")
    assert [(c.resulting.label, c.signed, c.date) for c in split] == [
        ("Ford Motor Company", datetime.date(2025, 12, 11), datetime.date(2026, 3, 31))
    ]
    stakes_ended = {(c.original.label, c.year) for c in g.changes("BlueOval SK", kind="stake-end")}
    assert stakes_ended == {("Ford Motor Company", 2026), ("SK On", 2026)}
    # its plants rolled up to Ford's group while Ford was a partner, and no longer do
    ford_2024 = {p.plant.label for p in g.plants("Ford", include_controlled=True, at=2024)}
    ford_now = {p.plant.label for p in g.plants("Ford", include_controlled=True)}
    blueoval = {p.plant.label for p in g.plants("BlueOval SK")}
    assert blueoval and blueoval <= ford_2024 and not blueoval & ford_now


def test_lg_chem_made_the_cells_until_lg_energy_solution_was_spun_off(g):
    assert "LG Chem Ltd." in labels(g.companies(chemistry="lithium-ion", at=2019))
    assert "LG Chem Ltd." not in labels(g.companies(chemistry="lithium-ion", at=2021))
    assert "LG Chem Ltd." in labels(g.companies(chemistry="lithium-ion", at=2021, include_controlled=True))
    # one row per source: compare the shares held, not the rows
    shares = {
        year: {
            str(r.share)
            for r in g.sparql("ownership-stakes", company="LG Energy Solution", year=year)
            if r.ownerLabel == "LG Chem Ltd."
        }
        for year in (2021, 2023, 2026)
    }
    assert shares == {2021: {"100"}, 2023: {"81.84"}, 2026: {"79.38"}}


def test_maxell_left_lithium_ion_cells_and_hitachi_keeps_a_small_stake(g):
    assert "Maxell, Ltd." in labels(g.companies(chemistry="lithium-ion", at=2024))
    assert "Maxell, Ltd." not in labels(g.companies(chemistry="lithium-ion"))
    hitachi = [
        r for r in g.sparql("ownership-stakes", company="Maxell", year=2026) if r.ownerLabel.startswith("Hitachi")
    ]
    assert {str(r.share) for r in hitachi} == {"3.01"}
    assert g.parents("Maxell", at=2012) and not g.parents("Maxell", at=2026)  # Hitachi's subsidiary until 2014


def test_sony_battery_business_moved_to_murata(g):
    def makers(year: int) -> set[str]:
        return {
            label
            for label in labels(g.companies(chemistry="lithium-ion", at=year))
            if "Sony" in label or "Murata" in label
        }

    assert makers(2016) == {"Sony Energy Devices Corporation"}
    assert makers(2018) == {"Murata Manufacturing Co., Ltd.", "Tohoku Murata Manufacturing Co., Ltd."}


def test_renames_keep_the_old_name_as_an_alias_with_its_date(g):
    assert g.resolve("Primearth EV Energy") == g.resolve("Toyota Battery")
    assert [(c.former_name, c.year) for c in g.changes("Toyota Battery", kind="renamed")] == [
        ("Panasonic EV Energy", 2010),
        ("Primearth EV Energy", 2024),
    ]
    assert g.resolve("FREYR Battery") == g.resolve("T1 Energy")


def test_sk_on_is_held_by_sk_innovation_through_its_merger_with_sk_enmove(g):
    assert [link.controller.label for link in g.parents("SK On", at=2024)][:1] == ["SK Innovation"]
    assert [link.controller.label for link in g.parents("SK On")][:1] == ["SK Innovation"]
    assert "SK Innovation" not in labels(g.companies(chemistry="lithium-ion"))
    assert "SK Innovation" in labels(g.companies(chemistry="lithium-ion", include_controlled=True))
