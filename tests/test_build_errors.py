"""Bad reference data gets a clear error naming the place, and the previous build output survives byte for byte."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from kg.build import DATA_DIR, TRIG_NAME, TURTLE_NAME, build
from kg.errors import DataError, KgError

GOOD_ORG = """\
- id: zz-parent
  name: ZZ Parent
  headquarters: {country: DE, source: https://example.org/zz}
- id: zz-child
  name: ZZ Child
  headquarters: {country: FR, source: https://example.org/zz}
  owners:
    - {owner: zz-parent, kind: parent, share: 100, start: "2010", source: https://example.org/zz}
"""

BAD_INPUTS = Path(__file__).parent / "bad_inputs" / "data"

# the real policy (it classifies the concept schemes' sources), with example.org citable and
# mirror.example.net standing for a not-citable mirror
POLICY = """\
  - {domain: example.org, tier: press}
  - {domain: mirror.example.net, tier: not-citable, reason: a copy of other sites}
"""


def expectations(path: Path) -> tuple[str, int | None, str]:
    """The error text (``# expect:``), line (``# line:``) and folder (``# dir:``, default companies) of a corpus file."""
    header = dict(line.decode()[2:].split(": ", 1) for line in path.read_bytes().splitlines() if line.startswith(b"# "))
    return header["expect"], int(header["line"]) if "line" in header else None, header.get("dir", "companies")


BAD_FILES = sorted(BAD_INPUTS.glob("*.yaml"))


@pytest.fixture(scope="module")
def good_build(tmp_path_factory) -> tuple[Path, Path, dict[str, bytes]]:
    """The real concept schemes with two small companies, built once; returns (data dir, out dir, output bytes)."""
    root = tmp_path_factory.mktemp("build")
    data = root / "data"
    (data / "companies").mkdir(parents=True)
    for scheme in ("chemistries", "applications", "regions"):
        shutil.copy(DATA_DIR / f"{scheme}.yaml", data)
    (data / "companies" / "zz-good.yaml").write_text(GOOD_ORG)
    (data / "source-policy.yaml").write_text((DATA_DIR / "source-policy.yaml").read_text() + POLICY)
    out = root / "out"
    build(data, out, include_sources=False)
    return data, out, {name: (out / name).read_bytes() for name in (TRIG_NAME, TURTLE_NAME)}


@pytest.mark.parametrize("path", BAD_FILES, ids=[p.stem for p in BAD_FILES])
def test_bad_data_is_named_and_previous_output_survives(good_build, path):
    data, out, before = good_build
    expected, line, folder = expectations(path)
    bad_file = data / folder / "zz-bad.yaml"
    bad_file.parent.mkdir(exist_ok=True)
    shutil.copy(path, bad_file)
    try:
        with pytest.raises(DataError) as raised:
            build(data, out, include_sources=False)
    finally:
        bad_file.unlink()
    message = str(raised.value)
    assert expected in message
    assert "zz-bad.yaml" in message
    if line is not None:
        assert f"zz-bad.yaml:{line}" in message, message
    for file_name, content_before in before.items():
        assert (out / file_name).read_bytes() == content_before, f"{file_name} changed after a failed build"
    # the published pair (kg.files.publish_together): the two links, .current and the one generation they lead to
    names = sorted(p.name for p in out.iterdir())
    generations = [name for name in names if name.startswith(".generation-")]
    assert len(generations) == 1 and os.readlink(out / ".current") == generations[0]
    assert [name for name in names if name not in generations] == sorted([".current", *before]), (
        "a file was left behind"
    )


def test_bad_concept_reference_names_the_file(good_build, tmp_path):
    data, out, before = good_build
    broken = tmp_path / "data"
    shutil.copytree(data, broken)
    text = (broken / "chemistries.yaml").read_text()
    (broken / "chemistries.yaml").write_text(text.replace("broader: lithium-ion", "broader: lithium-ionn", 1))
    with pytest.raises(DataError, match=r"chemistries\.yaml:\d+.*unknown broader chemistry 'lithium-ionn'"):
        build(broken, out, include_sources=False)
    assert (out / TRIG_NAME).read_bytes() == before[TRIG_NAME]


def test_cli_reports_error_on_stderr_with_exit_code(good_build, tmp_path):
    from click.testing import CliRunner

    from kg.cli import main

    data, out, before = good_build
    bad_file = data / "companies" / "zz-bad.yaml"
    shutil.copy(BAD_INPUTS / "unknown-reference.yaml", bad_file)
    try:
        result = CliRunner().invoke(main, ["build", "--data", str(data), "--out", str(out), "--no-sources", "-q"])
    finally:
        bad_file.unlink()
    assert result.exit_code == 1
    assert "kg: error:" in result.stderr and "unknown owner 'no-such-org'" in result.stderr
    assert "Traceback" not in result.output
    assert (out / TRIG_NAME).read_bytes() == before[TRIG_NAME]


def test_changed_source_document_is_refused(good_build, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(good_build[0], data)
    shutil.copytree(DATA_DIR / "sources", data / "sources")
    shutil.copy(DATA_DIR / "sources.yaml", data)
    seed = next((data / "sources").glob("*.html"))
    seed.write_bytes(seed.read_bytes() + b"<p>tampered</p>")
    with pytest.raises(KgError, match="has changed since it was registered"):
        build(data, tmp_path / "out")
    assert not (tmp_path / "out").exists()
