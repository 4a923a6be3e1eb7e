"""``python -m bench.ingest``: ingest throughput at 100 KB, 1 MB and 10 MB, and the evaluation corpus's scores.

    python -m bench.ingest            # 100 KB, 1 MB and 10 MB reports; corpus scores
    python -m bench.ingest --quick    # 100 KB only; corpus scores

A report of a given size is made by repeating the text of the evaluation corpus's Markdown and plain-text
documents (real report layouts: headings, lists, tables, figures, player lists), each copy with its own
company names and figures so that nothing collapses into duplicates. Each size is ingested in a fresh
process (time and peak memory do not leak between sizes). Results go to stdout and to
``build/bench/ingest.json``.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from kg.build import BUILD_DIR, DATA_DIR, PROJECT_DIR

from .measure import rss_mb

CORPUS = PROJECT_DIR / "tests" / "ingest_corpus"
SIZES = {"100KB": 100_000, "1MB": 1_000_000, "10MB": 10_000_000}
OUT = BUILD_DIR / "bench" / "ingest.json"


def make_report(size: int) -> str:
    """A Markdown report of about ``size`` bytes built from the corpus's text documents."""
    parts = [p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("*.md")) + sorted(CORPUS.glob("*.txt"))]
    text = "\n\n".join(parts)
    chunks, length, copy = [], 0, 0
    while length < size:
        copy += 1
        # every copy names other companies (its figures stay those of the documents, which agree with each other)
        varied = re.sub(r"\b(Energy|Power|Materials|Systems|Technology)\b", rf"\1 {copy}", text)
        chunks.append(varied)
        length += len(varied.encode("utf-8"))
    return "\n\n".join(chunks).encode("utf-8")[:size].decode("utf-8", errors="ignore")


def _measure_one(path: str, data_dir: str) -> dict:
    """Runs in a child process: ingest one file against ``data_dir``, report wall time and peak memory."""
    from kg.ingest import ingest
    from kg.loader import load_reference

    reference = load_reference(Path(data_dir))
    start = time.perf_counter()
    result = ingest(path, reference)
    seconds = time.perf_counter() - start
    return {
        "seconds": round(seconds, 3),
        "peak_rss_mb": rss_mb(),
        "companies": len(result.extraction.companies),
        "figures": len(result.extraction.figures),
        "flags": len(result.flags),
        "triples": len(result.graph),
    }


def throughput(sizes: list[str], timeout: float = 900, data_dir: Path = DATA_DIR) -> list[dict]:
    """Ingest time, bytes per second and peak memory for each size, each in its own process."""
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for name in sizes:
            path = Path(folder) / f"report-{name}.md"
            path.write_text(make_report(SIZES[name]), encoding="utf-8")
            code = (
                f"import json, bench.ingest as b; print(json.dumps(b._measure_one({str(path)!r}, {str(data_dir)!r})))"
            )
            try:
                done = subprocess.run(
                    [sys.executable, "-c", code], capture_output=True, text=True, timeout=timeout, cwd=PROJECT_DIR
                )
            except subprocess.TimeoutExpired:
                rows.append({"size": name, "bytes": path.stat().st_size, "error": f"timeout after {timeout:g} s"})
                continue
            if done.returncode != 0:
                rows.append({"size": name, "bytes": path.stat().st_size, "error": done.stderr.strip()[-300:]})
                continue
            measured = json.loads(done.stdout.strip().splitlines()[-1])
            size = path.stat().st_size
            rows.append(
                {"size": name, "bytes": size, **measured, "mb_per_s": round(size / 1e6 / measured["seconds"], 3)}
            )
    return rows


def corpus_scores(data_dir: Path = DATA_DIR) -> dict:
    """Per-category precision, recall and F1 over the evaluation corpus, contradictions caught, false flags."""
    from kg.ingest.evaluate import score_corpus, totals
    from kg.loader import load_reference

    scores = score_corpus(CORPUS, load_reference(data_dir))
    summary = {
        category: {"precision": round(s.precision, 3), "recall": round(s.recall, 3), "f1": round(s.f1, 3)}
        for category, s in totals(scores).items()
    }
    summary["contradictions"] = {
        "planted": sum(s.planted for s in scores),
        "caught": sum(s.caught for s in scores),
        "false_flags": sum(len(s.false_flags) for s in scores),
        "documents": len(scores),
    }
    return summary


def measure(quick: bool = False, data_dir: Path = DATA_DIR) -> dict:
    """Everything this benchmark measures, as JSON-ready data."""
    sizes = ["100KB"] if quick else list(SIZES)
    return {"throughput": throughput(sizes, data_dir=data_dir), "corpus": corpus_scores(data_dir)}


def markdown(results: dict) -> str:
    lines = ["## Ingest throughput (`kg.ingest.ingest`, one Markdown report per size, fresh process)", ""]
    lines += [
        "| size | bytes | seconds | MB/s | peak MB | companies | figures | flags |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for row in results["throughput"]:
        if "error" in row:
            lines.append(f"| {row['size']} | {row['bytes']} | {row['error']} | | | | | |")
        else:
            lines.append(
                f"| {row['size']} | {row['bytes']:,} | {row['seconds']} | {row['mb_per_s']} | {row['peak_rss_mb']} "
                f"| {row['companies']} | {row['figures']} | {row['flags']} |"
            )
    corpus = results["corpus"]
    lines += [
        "",
        "## Evaluation corpus (tests/ingest_corpus)",
        "",
        "| category | precision | recall | F1 |",
        "|---|---|---|---|",
    ]
    for category in ("companies", "countries", "figures", "relations"):
        c = corpus[category]
        lines.append(f"| {category} | {c['precision']} | {c['recall']} | {c['f1']} |")
    c = corpus["contradictions"]
    lines += ["", f"Contradictions: {c['caught']} of {c['planted']} planted caught, {c['false_flags']} false flags "
              f"over {c['documents']} documents."]  # fmt: skip
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.ingest", description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="100 KB only")
    parser.add_argument("--data", type=Path, default=DATA_DIR, help="reference data folder")
    args = parser.parse_args(argv)
    results = measure(args.quick, args.data)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(results, indent=2), encoding="utf-8")
    print(markdown(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
