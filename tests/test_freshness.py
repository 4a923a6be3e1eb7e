"""A build older than data/: kg viz and kg.load() still answer, and say so in one line (kg query: tests/test_install.py)."""

from __future__ import annotations

import os
import shutil

import pytest
from click.testing import CliRunner

from kg import build as builder
from kg.cli import main
from kg.graph import StaleBuild, load
from kg.query import EXAMPLE

LONG_AGO = 946684800  # 2000-01-01: older than every file under data/


@pytest.fixture()
def old_build(tmp_path):
    trig = tmp_path / "build" / builder.TRIG_NAME
    trig.parent.mkdir()
    shutil.copy(EXAMPLE, trig)
    os.utime(trig, (LONG_AGO, LONG_AGO))
    return trig


def test_stale_names_the_newest_change(old_build, tmp_path):
    data = tmp_path / "data"
    (data / "companies").mkdir(parents=True)
    (data / "companies" / "a.yaml").write_text("[]\n")
    (data / "b.yaml").write_text("[]\n")
    os.utime(data / "b.yaml", (LONG_AGO + 10, LONG_AGO + 10))  # older than a.yaml, newer than the build
    ontology = tmp_path / "ontology"
    ontology.mkdir()
    assert builder.stale(old_build, data, ontology) == (
        f"{old_build} is older than {data / 'companies' / 'a.yaml'} and 1 more: answers leave out those changes "
        "until `kg build`"
    )
    os.utime(old_build)  # built now: nothing newer
    assert builder.stale(old_build, data, ontology) is None


def test_kg_viz_says_the_build_is_older_in_one_line(old_build, tmp_path):
    out = CliRunner().invoke(main, ["viz", "-o", str(tmp_path / "g.html"), "--store", str(old_build)])
    assert out.exit_code == 0, out.output
    [warning] = [line for line in out.stderr.splitlines() if "warning" in line]
    # Which file under data/ or ontology/ is newest depends on the checkout, so the test names neither.
    prefix = f"kg viz: warning: {old_build} is older than "
    assert warning.startswith(prefix)
    assert warning[len(prefix) :].startswith((str(builder.DATA_DIR), str(builder.ONTOLOGY_DIR)))
    assert (tmp_path / "g.html").is_file()


def test_kg_load_warns_and_answers(old_build, monkeypatch):
    monkeypatch.setattr(builder, "BUILD_DIR", old_build.parent)
    with pytest.warns(StaleBuild, match="is older than"):
        graph = load()
    assert graph.ultimate_parent("Nord Energy", at=2010).label == "Hana Corporation"
