"""Hostile registrations and oversized data give one-line errors; outputs are always a matching pair."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from kg.build import DATA_DIR, TRIG_NAME, TURTLE_NAME
from kg.errors import DataError
from kg.loader import load_reference


@pytest.fixture
def data(tmp_path) -> Path:
    """The real top-level data files (schemes, policy) with no companies and no sources."""
    root = tmp_path / "data"
    (root / "companies").mkdir(parents=True)
    (root / "sources").mkdir()
    for path in DATA_DIR.glob("*.yaml"):
        if path.name != "sources.yaml":
            shutil.copy(path, root)
    return root


def register(data: Path, entry: str) -> None:
    (data / "sources.yaml").write_text(textwrap.dedent(entry))


@pytest.mark.parametrize(
    ("entry", "field"),
    [
        ("- id: pw\n  file: /etc/passwd\n", "file"),
        ("- id: pw\n  file: sources/../../../../etc/passwd\n", "file"),
        ("- id: pw\n  file: ../outside.html\n", "file"),
        ("- id: r\n  file: sources/r.html\n  url: 'http://a b/'\n", "url"),
        ("- id: r\n  file: sources/r.html\n  url: 'file:///etc/passwd'\n", "url"),
        ("- id: r\n  file: sources/r.html\n  url: 'https://evil.example/reports/1234567{x}|y'\n", "url"),
    ],
)
def test_a_registered_document_must_be_a_file_under_sources_with_an_http_url(data, entry, field):
    (data / "sources" / "r.html").write_text("<p>report</p>")
    register(data, entry)
    with pytest.raises(DataError, match=rf"sources\.yaml:\d+ \(sources\[0\]\.{field}\)"):
        load_reference(data)


def test_a_symbolic_link_under_sources_cannot_pull_in_another_file(data):
    (data / "sources" / "passwd.html").symlink_to("/etc/passwd")
    register(data, "- id: pw\n  file: sources/passwd.html\n")
    with pytest.raises(DataError, match=r"sources\.yaml:\d+ .*leads outside"):
        load_reference(data)


def test_the_cli_names_the_bad_registration_in_one_line(data, tmp_path):
    register(data, "- id: pw\n  file: /etc/passwd\n")
    out = tmp_path / "out"
    result = subprocess.run(
        [sys.executable, "-m", "kg", "build", "--data", str(data), "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert "sources.yaml" in result.stderr and "sources/" in result.stderr
    assert not out.exists() or not any(out.iterdir())


def test_a_mapping_with_many_keys_is_checked_in_linear_time(data):
    # 150,000 keys with one duplicate at the end took minutes with a quadratic duplicate check.
    lines = ["- id: many", "  name: Many", "  aliases: [x]", "  note:"]
    lines += [f"    k{i}: v" for i in range(150_000)] + ["    k7: again"]
    (data / "companies" / "many.yaml").write_text("\n".join(lines) + "\n")
    code = f"from kg.loader import load_reference; load_reference({str(data)!r})"
    started = time.monotonic()
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert "duplicate key 'k7'" in result.stderr
    assert time.monotonic() - started < 60


WRITER = """
import sys
from kg.files import publish_together
out, size = sys.argv[1], int(sys.argv[2])
for round in range(10_000):
    tag = b"A" if round % 2 else b"B"
    publish_together(out, {"g.trig": tag * size, "g.ttl": tag * (size // 2)})
"""


def test_a_kill_at_any_moment_leaves_a_matching_pair(tmp_path):
    out = tmp_path / "out"
    size = 4 * 1024 * 1024
    for delay in (0.05, 0.11, 0.17, 0.23, 0.31, 0.37, 0.43, 0.53, 0.61, 0.73):
        process = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(out), str(size)],
            env={**os.environ, "PYTHONPATH": str(Path(__file__).parent.parent)},
        )
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
        if not (out / "g.trig").exists():
            continue
        trig, ttl = (out / "g.trig").read_bytes(), (out / "g.ttl").read_bytes()
        assert len(trig) == size and len(ttl) == size // 2
        assert trig[:1] == ttl[:1] and set(trig) == set(ttl), f"mismatched pair after a kill at {delay}s"


def test_build_outputs_are_links_through_one_switch(built):
    out = built.trig.parent
    assert os.readlink(out / TRIG_NAME) == f".current/{TRIG_NAME}"
    assert os.readlink(out / TURTLE_NAME) == f".current/{TURTLE_NAME}"
    assert (out / ".current").is_symlink()
