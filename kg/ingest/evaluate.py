"""Score extractions against hand-written expected extractions: the ingest evaluation harness.

A corpus is a folder of report documents, each with ``NAME.expected.yaml``
beside it (format: ``tests/ingest_corpus/README.md``). Every document is
ingested against the reference data and scored per category:

- **companies**: linking by identity. A mention counts as the reference id it
  resolved to (or the curated id of a name the curators keep unresolved);
  a name no reference entity has counts as ``new:`` + its comparable key;
  an ambiguous mention counts as wrong.
- **countries**: (region, country) pairs; a fixed grouping (GCC) counts as its
  members, an informal one ("Rest of Europe") as ``group:`` + its name.
- **figures**: value, unit, period, qualifier and scope kind, all right at once.
- **relations**: (company, relation, company) triples the text states ("subsidiary-of", "joint-venture-of",
  ...), each company counted as above; scored only for documents whose expected file lists them.
- **contradictions**: every planted one (an expected flag kind) must be raised
  with severity ``error``; any other ``error`` flag is a false flag.

>>> round(Score(8, 10, 9).f1, 4), Score(0, 0, 0).f1
(0.8421, 1.0)
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ..errors import IngestError
from ..names import company_key
from ..records import ReferenceData
from . import IngestResult, ingest
from .claims import period_text
from .resolve import Resolution

__all__ = ["DocumentScore", "Score", "corpus_documents", "expected_of", "score_corpus", "score_result"]

EXPECTED_SUFFIX = ".expected.yaml"


@dataclass(frozen=True)
class Score:
    """Matches between a predicted and an expected set."""

    correct: int
    predicted: int
    expected: int

    @property
    def precision(self) -> float:
        return self.correct / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.correct / self.expected if self.expected else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def __add__(self, other: Score) -> Score:
        return Score(self.correct + other.correct, self.predicted + other.predicted, self.expected + other.expected)


@dataclass(frozen=True)
class DocumentScore:
    """One document's scores, with what was missed and what was extra (for reading, not for scoring)."""

    name: str
    companies: Score
    countries: Score
    figures: Score
    planted: int
    caught: int
    false_flags: tuple[str, ...]
    missed: dict[str, list[str]] = field(default_factory=dict, compare=False)
    extra: dict[str, list[str]] = field(default_factory=dict, compare=False)
    relations: Score = Score(0, 0, 0)  # only where the expected file lists relations


def _score(predicted: set[str], expected: set[str]) -> Score:
    return Score(len(predicted & expected), len(predicted), len(expected))


def _companies(result: IngestResult) -> set[str]:
    by_key = {(r.kind, r.mention): r for r in result.resolutions}
    return {_company(by_key[("company", company.mention)]) for company in result.extraction.companies}


def _company(resolution: Resolution) -> str:
    """A company as scored: its reference id, ``new:`` and its full name's key, or ``ambiguous:`` and the name's."""
    if resolution.id is not None and resolution.status in ("resolved", "unresolved"):
        return resolution.id
    if resolution.status == "unresolved":
        return f"new:{company_key(resolution.label or resolution.mention)}"  # a short form: its full name
    return f"ambiguous:{company_key(resolution.mention)}"


def _relations(result: IngestResult) -> set[str]:
    by_key = {(r.kind, r.mention): r for r in result.resolutions}
    return {
        f"{_company(by_key[('company', r.subject)])} {r.relation} {_company(by_key[('company', r.object)])}"
        for company in result.extraction.companies
        for r in company.relations
        if ("company", r.subject) in by_key and ("company", r.object) in by_key
    }


def _expected_company(name: str) -> str:
    return f"new:{company_key(name[4:])}" if name.startswith("new:") else name


def _region_key(result: IngestResult, mention: str) -> str:
    resolution = next((r for r in result.resolutions if r.kind == "region" and r.mention == mention), None)
    return (
        resolution.id
        if resolution is not None and resolution.status == "resolved" and resolution.id
        else mention.casefold()
    )


def _countries(result: IngestResult) -> set[str]:
    found = set()
    for listing in result.extraction.regions:
        region = _region_key(result, listing.mention)
        for match in listing.countries:
            if match.iso2:
                found.add(f"{region}/{match.iso2}")
            elif match.members:
                found.update(f"{region}/{member}" for member in match.members)
            elif match.status == "grouping":
                found.add(f"{region}/group:{(match.grouping or match.mention).casefold()}")
            else:
                found.add(f"{region}/?:{match.mention.casefold()}")
    return found


def _figure_key(value: float, unit: str, period: str | None, qualifier: str | None, scope: str) -> str:
    return f"{float(value):.6g} {unit} | {period or '-'} | {qualifier or '-'} | {scope}"


def _figures(result: IngestResult) -> set[str]:
    return {_figure_key(f.value, f.unit, period_text(f), f.qualifier, f.scope_kind) for f in result.extraction.figures}


def expected_of(path: Path) -> dict:
    """The expected extraction written for a corpus document."""
    return yaml.safe_load(path.with_name(path.name + EXPECTED_SUFFIX).read_text(encoding="utf-8")) or {}


def score_result(name: str, result: IngestResult, expected: dict) -> DocumentScore:
    """Scores of one ingested document against its expected extraction."""
    companies = {_expected_company(c) for c in expected.get("companies") or []}
    countries = {
        f"{region}/{item}" for region, items in (expected.get("countries") or {}).items() for item in items or []
    }
    figures = {
        _figure_key(f["value"], f["unit"], f.get("period"), f.get("qualifier"), f.get("scope", "market"))
        for f in expected.get("figures") or []
    }
    relations = {
        f"{_expected_company(subject)} {relation} {_expected_company(obj)}"
        for subject, relation, obj in expected.get("relations") or []
    }
    planted = list(expected.get("contradictions") or [])
    errors = [f.kind for f in result.flags if f.severity == "error"]
    caught = sum(1 for kind in planted if kind in errors)
    false_flags = tuple(kind for kind in errors if kind not in planted)
    predicted = {
        "companies": _companies(result),
        "countries": _countries(result),
        "figures": _figures(result),
        "relations": _relations(result) if "relations" in expected else set(),
    }
    wanted = {"companies": companies, "countries": countries, "figures": figures, "relations": relations}
    return DocumentScore(
        name,
        _score(predicted["companies"], companies),
        _score(predicted["countries"], countries),
        _score(predicted["figures"], figures),
        len(planted),
        caught,
        false_flags,
        {k: sorted(wanted[k] - predicted[k]) for k in wanted},
        {k: sorted(predicted[k] - wanted[k]) for k in wanted},
        _score(predicted["relations"], relations),
    )


def corpus_documents(folder: Path) -> list[Path]:
    """The documents of a corpus folder: every file with an expected extraction beside it."""
    return sorted(p for p in Path(folder).iterdir() if p.is_file() and p.with_name(p.name + EXPECTED_SUFFIX).exists())


def score_corpus(folder: Path, reference: ReferenceData) -> list[DocumentScore]:
    """Every document of a corpus folder ingested and scored."""
    scores = []
    for path in corpus_documents(folder):
        try:
            result = ingest(path, reference)
        except IngestError as error:
            raise IngestError(f"corpus document {path.name} cannot be ingested: {error}") from None
        scores.append(score_result(path.name, result, expected_of(path)))
    return scores


def totals(scores: Iterable[DocumentScore]) -> dict[str, Score]:
    """Micro-averaged scores over documents."""
    scores = list(scores)
    zero = Score(0, 0, 0)
    return {
        "companies": sum((s.companies for s in scores), zero),
        "countries": sum((s.countries for s in scores), zero),
        "figures": sum((s.figures for s in scores), zero),
        "relations": sum((s.relations for s in scores), zero),
    }
