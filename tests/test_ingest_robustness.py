"""Bad input (empty, binary, truncated, malformed, not UTF-8) and arbitrary text: warnings or a clear error, no traceback."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.errors import IngestError, KgError
from kg.ingest import ingest
from kg.ingest.document import parse_text
from kg.ingest.extract import extract_document
from kg.loader import load_reference

SEED = Path("data/sources/secondary-lithium-metal-batteries-report.html")


@pytest.fixture(scope="module")
def reference():
    return load_reference(Path("data"))


@pytest.mark.parametrize(
    "name, content, words",
    [
        ("empty.html", b"", "empty"),
        ("blank.md", b"  \n\t\n", "empty"),
        ("report.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF"),
        ("image.html", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "PNG"),
        ("random.txt", bytes(range(256)) * 4, "binary"),
    ],
)
def test_unreadable_files_give_a_clear_error(tmp_path, reference, name, content, words):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(IngestError) as error:
        ingest(path, reference)
    assert str(path) in str(error.value) and words in str(error.value)
    assert isinstance(error.value, KgError)


def test_missing_file_and_directory(tmp_path, reference):
    with pytest.raises(IngestError, match="cannot be read"):
        ingest(tmp_path / "nope.html", reference)
    with pytest.raises(IngestError, match="directory"):
        ingest(tmp_path, reference)


def test_truncated_html_keeps_what_it_can(tmp_path, reference):
    data = SEED.read_bytes()
    path = tmp_path / "truncated.html"
    path.write_bytes(data[: len(data) // 2])
    result = ingest(path, reference)
    assert [c.mention for c in result.extraction.companies][:3] == ["BYD", "LG Chem", "Samsung SDI"]
    assert any("truncated" in w for w in result.warnings)
    assert result.extraction.market.period_start == 2025  # the title survived


def test_invalid_utf8_is_read_with_a_warning(tmp_path, reference):
    path = tmp_path / "latin1.html"
    path.write_bytes(SEED.read_bytes().replace(b"Germany", "Germ\xe4ny".encode("latin-1")))
    result = ingest(path, reference)
    assert any("not valid UTF-8" in w for w in result.warnings)
    assert len(result.extraction.companies) == 12
    europe = next(r for r in result.extraction.regions if r.mention == "Europe")
    assert europe.countries[0].status in ("resolved", "unresolved")  # "Germ\ufffdny": kept, never dropped


def test_malformed_html(tmp_path, reference):
    path = tmp_path / "broken.html"
    path.write_text(
        "<h1>Flow Battery Market 2024-2030<p><ul><li>Invinity<li>Sumitomo Electric</ul></table></div>"
        "<p>The market will grow at a CAGR of 12% <b>during <i>the forecast period.</p></b><td>stray",
        encoding="utf-8",
    )
    result = ingest(path, reference)
    assert result.extraction.market.name == "Flow Battery Market"
    assert [(f.metric, f.value) for f in result.extraction.figures] == [("cagr", 12.0)]
    assert any("no companies" in w for w in result.warnings) or result.extraction.companies


def test_a_document_without_anything_recognisable(tmp_path, reference):
    path = tmp_path / "notes.txt"
    path.write_text("shopping list: eggs, milk\n", encoding="utf-8")
    result = ingest(path, reference)
    assert not result.extraction.companies and not result.extraction.figures
    assert any(w.startswith("no market name found") for w in result.warnings)
    assert "no companies found" in result.warnings and "no market figures found" in result.warnings


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.text(max_size=400), fmt=st.sampled_from(["html", "markdown", "text"]))
def test_arbitrary_text_never_crashes_extraction(text, fmt):
    extraction = extract_document(parse_text(text, fmt))
    for figure in extraction.figures:
        assert figure.text and figure.metric


REPORTISH = st.lists(
    st.sampled_from([
        "# Zinc-Air Battery Market 2025-2031\n", "Key players include Varta, Duracell and Energizer.\n",
        "- North America\n  - U.S.\n  - Korea\n", "The market grows at a CAGR of 7.5% from 2025 to 2031.\n",
        "Europe holds 40% while Asia-Pacific holds 70%.\n", "<table><tr><th>Company</th><th>HQ</th></tr><tr><td>",
        "By application, the market is segmented into hearing aids, medical and other.\n", "**Varta** is a German maker.",
        "Saudi\n", "Arabia\n", "| Region | Countries |\n|---|---|\n| Europe | Germany, UK |\n", "$", "%", "(", "\x00",
    ]),
    max_size=12,
)  # fmt: skip


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(pieces=REPORTISH, suffix=st.sampled_from([".md", ".html", ".txt"]))
def test_report_like_files_give_a_result_or_a_clear_error(reference, pieces, suffix):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"report{suffix}"
        path.write_text("".join(pieces), encoding="utf-8")
        try:
            first = ingest(path, reference)
        except IngestError as error:
            assert str(path) in str(error)
            return
        assert set(ingest(path, reference).graph) == set(first.graph)  # deterministic
