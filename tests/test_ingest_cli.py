"""`kg ingest` and `kg check` through the real click command group, on a copy of data/."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.loader import load_reference

SEED = Path("data/sources/secondary-lithium-metal-batteries-report.html")
SODIUM = Path(__file__).parent / "reports" / "sodium-ion-battery-market.md"


@pytest.fixture()
def data_dir(tmp_path):
    target = tmp_path / "data"
    shutil.copytree("data", target)
    return target


def run(*args):
    return CliRunner().invoke(main, list(map(str, args)), catch_exceptions=False)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_dry_run_json_changes_nothing(data_dir):
    before = snapshot(data_dir)
    result = run("ingest", SODIUM, "--dry-run", "--format", "json", "--data", data_dir)
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert document["market"]["name"] == "Sodium-Ion Battery Market"
    assert {"market", "companies", "countries", "segments", "figures", "flags"} <= set(document)
    assert snapshot(data_dir) == before


def test_dry_run_text_of_the_seed(data_dir):
    result = run("ingest", SEED, "--dry-run", "--data", data_dir)
    assert result.exit_code == 0
    assert "already registered as seed-slmb-2025" in result.output
    assert "MBI → mbi [unresolved" in result.output
    assert "[error] contradictory-figures" in result.output


def test_ingest_registers_once(data_dir):
    result = run("ingest", SODIUM, "--data", data_dir)
    assert result.exit_code == 0, result.output
    assert "registered as sodium-ion-battery-market-" in result.output
    assert (data_dir / "sources" / SODIUM.name).read_bytes() == SODIUM.read_bytes()
    sources = load_reference(data_dir).sources
    added = [s for s in sources if s.file == f"sources/{SODIUM.name}"]
    assert len(added) == 1 and added[0].title == "Global Sodium-Ion Battery Market Report 2026–2033"
    again = run("ingest", SODIUM, "--data", data_dir)
    assert "already registered" in again.output
    assert len(load_reference(data_dir).sources) == len(sources)


def test_bad_file_is_one_line_error(data_dir, tmp_path):
    empty = tmp_path / "empty.html"
    empty.write_bytes(b"")
    result = CliRunner().invoke(main, ["ingest", str(empty), str(SODIUM), "--dry-run", "--data", str(data_dir)])
    assert result.exit_code == 1
    assert "kg: error:" in result.output and "empty" in result.output
    assert "Traceback" not in result.output
    assert "Sodium-Ion Battery Market" in result.output  # the good file is still reported


def test_check(data_dir):
    result = run("check", "--format", "json", "--data", data_dir)
    assert result.exit_code == 0
    flags = json.loads(result.output)["seed-slmb-2025"]
    assert {"contradictory-figures", "country-in-wrong-region", "contradicts-curated-chemistry"} <= {
        f["kind"] for f in flags
    }
    strict = CliRunner().invoke(main, ["check", "--fail-on", "error", "--data", str(data_dir)])
    assert strict.exit_code == 1 and "seed-slmb-2025:" in strict.output
