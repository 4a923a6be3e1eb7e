"""Bad reference data gets a clear error naming the place, and the previous build output survives byte for byte."""

from __future__ import annotations

import shutil
import textwrap
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

# (name, YAML of an extra company file, text the error must contain, line it must name or None)
BAD_CASES = [
    ("unknown-reference",
     "- id: zz-a\n  name: A\n  owners:\n    - {owner: no-such-org, kind: parent, source: https://example.org/x}\n",
     "unknown owner 'no-such-org'", 4),
    ("duplicate-id", "- id: zz-parent\n  name: Again\n", "duplicate organisation id 'zz-parent'", 1),
    ("invalid-date",
     "- id: zz-a\n  name: A\n  owners:\n    - {owner: zz-parent, kind: minority, start: \"2021-02-30\", "
     "source: https://example.org/x}\n",
     "invalid date", 4),
    ("invalid-country", "- id: zz-a\n  name: A\n  headquarters: {country: XQ, source: https://example.org/x}\n",
     "invalid ISO 3166-1 alpha-2 country code 'XQ'", 3),
    ("ownership-cycle",
     "- id: zz-a\n  name: A\n  owners:\n    - {owner: zz-b, kind: parent, source: https://example.org/x}\n"
     "- id: zz-b\n  name: B\n  owners:\n    - {owner: zz-a, kind: parent, source: https://example.org/x}\n",
     "ownership cycle", None),
    ("shares-over-100",
     "- id: zz-a\n  name: A\n  owners:\n"
     "    - {owner: zz-parent, kind: minority, share: 45, start: \"2015\", source: https://example.org/x}\n"
     "    - {owner: zz-child, kind: minority, share: 30, start: \"2016\", source: https://example.org/x}\n"
     "    - {owner: zz-child, kind: minority, share: 30, start: \"2018\", source: https://example.org/x}\n",
     "add up to 105% in 2018", None),
    ("fact-without-source", "- id: zz-a\n  name: A\n  headquarters: {country: DE}\n", "fact without a source", 3),
    ("source-not-a-url", "- id: zz-a\n  name: A\n  founded: {year: 1990, source: a friend told me}\n",
     "is not an http(s) URL", 3),
    ("share-out-of-range",
     "- id: zz-a\n  name: A\n  owners:\n    - {owner: zz-parent, kind: minority, share: 140, source: https://example.org/x}\n",
     "140 is outside 0..100", 4),
    ("stake-ends-before-start",
     "- id: zz-a\n  name: A\n  owners:\n    - {owner: zz-parent, kind: parent, start: \"2012\", end: \"2010\", "
     "source: https://example.org/x}\n",
     "ends (2010) before it starts (2012)", 4),
    ("unknown-chemistry", "- id: zz-a\n  name: A\n  chemistries: [{id: unobtainium, source: https://example.org/x}]\n",
     "unknown chemistry 'unobtainium'", 3),
    ("unknown-field", "- id: zz-a\n  name: A\n  headquater: {country: DE}\n", "unknown field 'headquater'", 3),
    ("malformed-yaml", "- id: zz-a\n  name: [unclosed\n  aliases: x\n", "malformed YAML", 3),
    ("not-a-list", "id: zz-a\nname: A\n", "expected a list of organisations", 1),
    ("invalid-utf8", b"- id: zz-a\n  name: \xff\xfe\n", "not valid UTF-8", None),
]


@pytest.fixture(scope="module")
def good_build(tmp_path_factory) -> tuple[Path, Path, dict[str, bytes]]:
    """The real concept schemes with two small companies, built once; returns (data dir, out dir, output bytes)."""
    root = tmp_path_factory.mktemp("build")
    data = root / "data"
    (data / "companies").mkdir(parents=True)
    for scheme in ("chemistries", "applications", "regions"):
        shutil.copy(DATA_DIR / f"{scheme}.yaml", data)
    (data / "companies" / "zz-good.yaml").write_text(GOOD_ORG)
    out = root / "out"
    build(data, out, include_sources=False)
    return data, out, {name: (out / name).read_bytes() for name in (TRIG_NAME, TURTLE_NAME)}


@pytest.mark.parametrize("name, content, expected, line", BAD_CASES, ids=[c[0] for c in BAD_CASES])
def test_bad_data_is_named_and_previous_output_survives(good_build, name, content, expected, line):
    data, out, before = good_build
    bad_file = data / "companies" / "zz-bad.yaml"
    if isinstance(content, bytes):
        bad_file.write_bytes(content)
    else:
        bad_file.write_text(content)
    try:
        with pytest.raises(DataError) as raised:
            build(data, out, include_sources=False)
    finally:
        bad_file.unlink()
    message = str(raised.value)
    assert expected in message
    assert "zz-bad.yaml" in message or name in ("duplicate-id", "ownership-cycle") and "zz-" in message
    if line is not None:
        assert f"zz-bad.yaml:{line}" in message, message
    for file_name, content_before in before.items():
        assert (out / file_name).read_bytes() == content_before, f"{file_name} changed after a failed build"
    assert sorted(p.name for p in out.iterdir()) == sorted(before), "a temporary file was left behind"


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
    bad_file.write_text(textwrap.dedent(BAD_CASES[0][1]))
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
