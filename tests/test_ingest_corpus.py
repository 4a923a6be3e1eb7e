"""The ingest evaluation harness: every corpus document against its hand-written expected extraction.

The documents in tests/ingest_corpus/ are written in the layouts real market-report pages come in (text PDF,
hard-wrapped Markdown, a store's catalog page, tables, plain text, a press release, non-English names); the
expected extraction of each was written by hand from the document. Scores are per category over the corpus;
each planted contradiction must be flagged, and no document may raise more than one false flag.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.ingest.evaluate import corpus_documents, score_corpus, totals
from kg.loader import load_reference

CORPUS = Path(__file__).parent / "ingest_corpus"
MINIMUM_F1 = 0.9


@pytest.fixture(scope="module")
def scores():
    return score_corpus(CORPUS, load_reference(Path("data")))


def test_the_corpus_has_twelve_documents_in_different_layouts():
    documents = corpus_documents(CORPUS)
    assert len(documents) >= 12
    assert {p.suffix for p in documents} >= {".pdf", ".md", ".html", ".txt"}


@pytest.mark.parametrize("category", ["companies", "countries", "figures", "relations"])
def test_f1_per_category(scores, category):
    total = totals(scores)[category]
    worst = sorted(scores, key=lambda s: getattr(s, category).f1)[:3]
    detail = "; ".join(f"{s.name}: missed {s.missed[category][:4]} extra {s.extra[category][:4]}" for s in worst)
    assert total.f1 >= MINIMUM_F1, (
        f"{category} F1 {total.f1:.3f} (P {total.precision:.3f}, R {total.recall:.3f}); {detail}"
    )


def test_every_planted_contradiction_is_flagged(scores):
    missed = [s.name for s in scores if s.caught < s.planted]
    assert not missed, f"planted contradictions not flagged in {missed}"
    assert sum(s.planted for s in scores) >= 8


def test_at_most_one_false_flag_per_document(scores):
    noisy = {s.name: s.false_flags for s in scores if len(s.false_flags) > 1}
    assert not noisy, f"false flags: {noisy}"


def test_the_scorer_counts_what_it_should(scores):
    """A document scored against a wrong expectation scores low: the harness can fail."""
    from kg.ingest import ingest
    from kg.ingest.evaluate import expected_of, score_result

    path = CORPUS / "flow-battery-market.md"
    expected = expected_of(path)
    wrong = dict(
        expected,
        companies=["catl", "byd"],
        contradictions=["shares-exceed-100"],
        relations=[["new:Dalian Bolong", "affiliate-of", "new:Rongke Power"]],  # the stake the other way round
    )
    result = ingest(path, load_reference(Path("data")))
    assert score_result(path.name, result, expected).relations.f1 == 1.0
    score = score_result(path.name, result, wrong)
    assert score.companies.f1 == 0.0 and score.caught == 0 and score.relations.f1 == 0.0
    assert "part-exceeds-total" in score.false_flags


def test_the_ingest_benchmark_measures_throughput_and_scores(monkeypatch):
    """bench.ingest at a small size: a fresh process ingests a report made from the corpus; the scores are reported."""
    import bench.ingest as bench

    report = bench.make_report(20_000)
    assert 19_000 <= len(report.encode("utf-8")) <= 20_000 and "Market" in report
    monkeypatch.setitem(bench.SIZES, "100KB", 20_000)
    results = bench.measure(quick=True)
    row = results["throughput"][0]
    assert "error" not in row, row
    assert row["bytes"] <= 20_000 and row["seconds"] > 0 and row["companies"] > 10 and row["figures"] > 5
    assert results["corpus"]["companies"]["f1"] >= MINIMUM_F1
    text = bench.markdown(results)
    assert "| 100KB |" in text and "Contradictions:" in text
