"""The made-up dataset of the query and API tests, built the way `kg build` builds the real one.

``tests/fixtures/query-data/`` is a complete data folder (frozen copies of the concept
schemes plus fictional companies); ``tests/fixtures/query-report.trig`` is one report's
named graph. ``tests/fixtures/query-graph.trig`` is both together, built once and
committed for the doctests; rebuild it after a change to the build with::

    .venv/bin/python tests/query_fixture.py
"""

from __future__ import annotations

import sys
from pathlib import Path

from rdflib import Dataset

FIXTURES = Path(__file__).parent / "fixtures"
DATA_DIR = FIXTURES / "query-data"
REPORT = FIXTURES / "query-report.trig"
GRAPH = FIXTURES / "query-graph.trig"


def assemble_dataset() -> tuple[Dataset, object]:
    """The fixture dataset (reference data through kg.build, plus the report graph) and its reference records."""
    from kg.build import assemble

    dataset, reference, warnings = assemble(DATA_DIR, include_sources=False)
    assert not warnings, warnings
    dataset.parse(REPORT, format="trig")
    return dataset, reference


def write_graph(path: Path = GRAPH) -> None:
    dataset, _ = assemble_dataset()
    path.write_text(dataset.serialize(format="trig"), encoding="utf-8")


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).parent.parent))
    write_graph()
    print(f"wrote {GRAPH}")
