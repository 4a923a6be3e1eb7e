"""Hostile reports (issue 20, items 7, 9, 10, 11) and hostile PDFs and URLs: one line naming the input, no traceback,
nothing written; each case reproduces an attack that used to fail."""

from __future__ import annotations

import io
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest
import yaml

from kg.errors import IngestError
from kg.ingest import ingest
from kg.ingest.document import MAX_COLSPAN, parse_bytes
from kg.ingest.fetch import fetch
from kg.loader import load_reference

KG = [sys.executable, "-c", "from kg.cli import main; main()"]
SODIUM = Path(__file__).parent / "reports" / "sodium-ion-battery-market.md"


@pytest.fixture(scope="module")
def reference():
    return load_reference(Path("data"))


@pytest.fixture()
def data_dir(tmp_path):
    target = tmp_path / "data"
    shutil.copytree("data", target)
    return target


def kg(*args: object, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*KG, *map(str, args)], capture_output=True, text=True, timeout=timeout)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


# ---------------------------------------------------------------- item 7: a bad link breaks no later build


def test_a_bad_link_is_dropped_at_ingest_and_the_build_still_works(data_dir, tmp_path):
    report = tmp_path / "r.html"
    report.write_text(
        "<h1>Zinc-Bromine Battery Market 2025-2031</h1>"
        '<p>See <a href="https://evil.example/reports/1234567{x}|y">the report page</a>.</p>'
        "<p>Key players include Redflow and Primus Power. The market will grow at a CAGR of 9% from 2025 to 2031.</p>",
        encoding="utf-8",
    )
    result = kg("ingest", report, "--data", data_dir)
    assert result.returncode == 0, result.stderr
    assert "malformed link(s) dropped" in result.stdout and "Traceback" not in result.stderr
    entry = yaml.safe_load((data_dir / "sources.yaml").read_text(encoding="utf-8"))[-1]
    assert entry["file"] == "sources/r.html" and "{" not in str(entry.get("url"))
    built = kg("build", "--data", data_dir, "--out", tmp_path / "build", "--ontology", "ontology")
    assert built.returncode == 0, built.stderr
    assert "Traceback" not in built.stderr


# ---------------------------------------------------------------- item 9: linear ingestion


def test_a_long_one_line_report_is_read_in_linear_time(tmp_path, reference):
    """100 KB of one repeated name took 45 s (a quadratic pattern); 100 KB and 1 MB must now scale linearly."""
    timings = {}
    for size in (8_000, 80_000):
        path = tmp_path / f"r{size}.txt"
        path.write_text("QuantumScape " * size, encoding="utf-8")
        start = time.perf_counter()
        ingest(path, reference)
        timings[size] = time.perf_counter() - start
    assert timings[8_000] < 5.0, timings
    assert timings[80_000] < 20 * max(timings[8_000], 0.05), timings  # ten times the text, not a hundred times the time


# ---------------------------------------------------------------- item 10: deep nesting


@pytest.mark.parametrize("depth", [500, 20_000])
def test_deeply_nested_html_gives_a_warning_not_a_recursion_error(tmp_path, data_dir, depth):
    path = tmp_path / f"nested{depth}.html"
    path.write_text(
        "<html><body><h1>Flow Battery Market 2025-2030</h1>" + "<div>" * depth
        + "<p>Key players include Invinity and Sumitomo Electric.</p>" + "</div>" * depth + "</body></html>",
        encoding="utf-8",
    )  # fmt: skip
    before = snapshot(data_dir)
    result = kg("ingest", path, "--dry-run", "--data", data_dir)
    assert result.returncode == 0, result.stderr[-500:]
    assert "Traceback" not in result.stderr and "RecursionError" not in result.stderr
    assert "nested deeper than" in result.stdout
    assert "Invinity" in result.stdout  # the text below the limit is still read
    assert snapshot(data_dir) == before


def test_deeply_nested_inline_elements(tmp_path, reference):
    path = tmp_path / "bold.html"
    path.write_text("<p>" + "<b>" * 5000 + "Sodium-Ion Battery Market" + "</b>" * 5000 + "</p>", encoding="utf-8")
    result = ingest(path, reference)
    assert any("nested deeper" in w for w in result.warnings)


def test_table_spans_beyond_any_real_table_are_bounded(tmp_path, reference):
    path = tmp_path / "spans.html"
    path.write_text(
        "<h1>Zinc Battery Market 2025-2030</h1><table><tr><th colspan='99999999'>Region</th><th rowspan='x'>2024</th>"
        "</tr><tr><td rowspan='99999999'>Europe</td><td colspan='-3'>USD 1.2 billion</td></tr></table>",
        encoding="utf-8",
    )
    table = next(b for b in parse_bytes(path.read_bytes(), str(path)).blocks if b.kind == "table")
    assert [len(row) for row in table.rows] == [MAX_COLSPAN + 1, 2]
    assert ingest(path, reference).extraction.market.name == "Zinc Battery Market"


# ---------------------------------------------------------------- item 11: pipes, devices, size


def test_a_named_pipe_is_refused_without_hanging(tmp_path, data_dir):
    pipe = tmp_path / "report.html"
    os.mkfifo(pipe)
    result = kg("ingest", pipe, "--dry-run", "--data", data_dir, timeout=60)
    assert result.returncode == 1
    assert (
        result.stderr.strip()
        == f"kg: error: {pipe}: not a regular file (a named pipe, device or socket); give a report file"
    )


def test_dev_zero_is_refused(data_dir):
    result = kg("ingest", "/dev/zero", "--dry-run", "--data", data_dir, timeout=60)
    assert result.returncode == 1 and "/dev/zero: not a regular file" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_file_over_the_size_limit_is_refused_before_reading(tmp_path, reference, monkeypatch):
    from kg.ingest import document

    monkeypatch.setattr(document, "MAX_BYTES", 1000)
    path = tmp_path / "big.txt"
    path.write_text("Sodium-ion battery market. " * 100, encoding="utf-8")
    with pytest.raises(IngestError, match="more than the 1,000 a report may have"):
        ingest(path, reference)


# ---------------------------------------------------------------- PDFs


def _pdf(pages: int = 1, text: str | None = None) -> bytes:
    if text is None:
        from pypdf import PdfWriter

        writer = PdfWriter()
        for _ in range(pages):
            writer.add_blank_page(width=595, height=842)
        out = io.BytesIO()
        writer.write(out)
        return out.getvalue()
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 18)
    pdf.cell(0, 10, "Flow Battery Market Report 2025-2030", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 10)
    pdf.multi_cell(0, 5, text)
    return bytes(pdf.output())


def test_an_image_only_pdf_is_one_clear_line(tmp_path, data_dir):
    path = tmp_path / "scan.pdf"
    path.write_bytes(_pdf(pages=2))
    result = kg("ingest", path, "--dry-run", "--data", data_dir)
    assert result.returncode == 1
    assert result.stderr.strip() == (
        f"kg: error: {path}: a PDF without a text layer (a scanned or image-only PDF); it needs OCR before it can be ingested"
    )


@pytest.mark.parametrize("cut", [0.2, 0.5, 0.9])
def test_a_truncated_pdf_is_an_error_or_a_partial_read(tmp_path, reference, cut):
    data = _pdf(text="Key players include Invinity Energy Systems and Sumitomo Electric. " * 20)
    path = tmp_path / "cut.pdf"
    path.write_bytes(data[: int(len(data) * cut)])
    try:
        result = ingest(path, reference)
    except IngestError as error:
        assert str(error).startswith(str(path)) and "\n" not in str(error)
    else:
        assert result.extraction.document.format == "pdf"


def test_a_text_pdf_joins_its_wrapped_lines(tmp_path, reference):
    sentence = (
        "The global flow battery market was valued at USD 412 million in 2024 and is expected to grow at a CAGR "
        "of 21.4% from 2025 to 2030, with key players such as Invinity Energy Systems, Sumitomo Electric and "
        "CellCube leading deployments."
    )
    path = tmp_path / "flow.pdf"
    path.write_bytes(_pdf(text=sentence))
    result = ingest(path, reference)
    assert result.extraction.market.name == "Flow Battery Market"
    assert {c.mention for c in result.extraction.companies} >= {
        "Invinity Energy Systems",
        "Sumitomo Electric",
        "CellCube",
    }
    assert [(f.metric, f.value) for f in result.extraction.figures] == [("market_size", 412e6), ("cagr", 21.4)]


# ---------------------------------------------------------------- URLs, against a real HTTP server on loopback


class _Handler(BaseHTTPRequestHandler):
    routes: ClassVar[dict[str, tuple[int, str, bytes, float]]] = {}

    def do_GET(self) -> None:
        status, kind, body, delay = self.routes.get(self.path, (404, "text/plain", b"not found", 0.0))
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if delay:
            for start in range(0, len(body), 64):
                self.wfile.write(body[start : start + 64])
                self.wfile.flush()
                time.sleep(delay)
        else:
            self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    _Handler.routes = {
        "/reports/sodium.md": (200, "text/markdown; charset=utf-8", SODIUM.read_bytes(), 0.0),
        "/image.png": (200, "image/png", b"\x89PNG\r\n\x1a\n", 0.0),
        "/huge.html": (200, "text/html", b"<p>x</p>" * 200_000, 0.0),
        "/slow.html": (200, "text/html", b"<p>Flow Battery Market</p>" * 200, 0.05),
        "/gone.html": (410, "text/html", b"gone", 0.0),
    }
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_a_url_on_an_unclassified_domain_is_not_registered(server, data_dir):
    """Registering it would make every later load refuse data/sources.yaml; the user is told what to do."""
    before = snapshot(data_dir)
    result = kg("ingest", f"{server}/reports/sodium.md", "--data", data_dir)
    assert result.returncode == 1 and "domain '127.0.0.1' is not classified" in result.stderr
    assert snapshot(data_dir) == before
    dry = kg("ingest", f"{server}/reports/sodium.md", "--dry-run", "--data", data_dir)
    assert dry.returncode == 0 and "Sodium-Ion Battery Market" in dry.stdout


def test_a_url_is_fetched_and_registered_with_its_retrieval_date(server, data_dir):
    policy = data_dir / "source-policy.yaml"
    if policy.exists():
        policy.write_text(
            policy.read_text(encoding="utf-8") + "  - {domain: 127.0.0.1, tier: press}\n", encoding="utf-8"
        )
    url = f"{server}/reports/sodium.md"
    result = kg("ingest", url, "--data", data_dir)
    assert result.returncode == 0, result.stderr
    assert "registered as sodium-" in result.stdout
    entry = yaml.safe_load((data_dir / "sources.yaml").read_text(encoding="utf-8"))[-1]
    assert entry["url"] == url and entry["retrieved"] == time.strftime("%Y-%m-%d")
    assert (data_dir / entry["file"]).read_bytes() == SODIUM.read_bytes()
    again = kg("ingest", url, "--data", data_dir)
    assert "already registered" in again.stdout


@pytest.mark.parametrize(
    "path, message",
    [
        ("/image.png", "content type image/png is not a report"),
        ("/gone.html", "the server answered 410"),
        ("/missing.html", "the server answered 404"),
    ],
)
def test_urls_that_are_no_report(server, data_dir, path, message):
    before = snapshot(data_dir)
    result = kg("ingest", f"{server}{path}", "--data", data_dir)
    assert result.returncode == 1
    assert result.stderr.startswith(f"kg: error: {server}{path}: ") and message in result.stderr
    assert "Traceback" not in result.stderr and snapshot(data_dir) == before


def test_url_size_and_time_limits(server):
    with pytest.raises(IngestError, match="more than the 100,000"):
        fetch(f"{server}/huge.html", max_bytes=100_000)
    start = time.perf_counter()
    with pytest.raises(IngestError, match=r"longer than 0\.5 s|no answer within"):
        fetch(f"{server}/slow.html", timeout=0.5)
    assert time.perf_counter() - start < 5


def test_an_unreachable_url(data_dir):
    with socket.socket() as probe:  # a port nobody listens on once the probe is closed
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = kg("ingest", f"http://127.0.0.1:{port}/r.html", "--dry-run", "--data", data_dir, timeout=60)
    assert result.returncode == 1 and "cannot be fetched" in result.stderr and "Traceback" not in result.stderr


# ---------------------------------------------------------------- encodings and Markdown nesting


def test_utf16_text_is_read(tmp_path, reference):
    path = tmp_path / "notes.txt"
    path.write_bytes("Sodium-Ion Battery Market 2025-2030\n\nKey players include CATL and BYD.\n".encode("utf-16"))
    result = ingest(path, reference)
    assert result.extraction.market.name == "Sodium-Ion Battery Market"
    assert {c.mention for c in result.extraction.companies} == {"CATL", "BYD"}


@pytest.mark.parametrize(
    "name, text",
    [
        ("quotes.md", "> " * 20_000 + "CATL\n"),
        ("lists.md", "".join("  " * i + "- x\n" for i in range(3000))),
        ("brackets.md", "[" * 20_000 + "x" + "]" * 20_000 + "\n" + "*" * 50_000 + "\n"),
        ("bullets.txt", "".join(" " * i + "• item\n" for i in range(5000))),
    ],
)
def test_deeply_nested_markdown_and_text(tmp_path, reference, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    result = ingest(path, reference)  # no RecursionError: markdown-it caps nesting, the walker caps depth
    assert result.extraction is not None
