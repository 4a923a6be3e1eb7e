"""The endpoint's result conversion: one worker's ``execute`` from query to response body, per format.

    python -m bench.endpoint                 # 50,000 rows x 3 columns, 7 runs per format
    python -m bench.endpoint --rows 2000 --runs 3

The data mixes the term kinds a real answer has (IRIs, plain, language-tagged
and typed literals, repeated down the columns as in the built graph), so the
figure covers the conversion of every kind. The query runs in-process (no HTTP,
no worker process): what is timed is the store's answer turned into the bytes
the endpoint sends. Medians in milliseconds, and the body size, per format.
"""

from __future__ import annotations

import argparse
import statistics
import time

from kg.embedded import OxigraphStore
from kg.workers import Limits, Request, execute

FORMATS = ("application/sparql-results+json", "application/sparql-results+xml", "text/csv", "text/tab-separated-values")
QUERY = "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"


def dataset(rows: int) -> str:
    """N-Triples with ``rows`` distinct triples of mixed term kinds."""
    lines = []
    for i in range(rows):
        subject = f"<https://w3id.org/battery-kg/id/company/c{i // 4}>"
        kind = i % 4
        if kind == 0:
            lines.append(f'{subject} <http://www.w3.org/2000/01/rdf-schema#label> "Company {i // 4}" .')
        elif kind == 1:
            lines.append(f'{subject} <https://schema.org/name> "Firma {i // 4}"@de .')
        elif kind == 2:
            year = 1950 + i % 70
            lines.append(
                f'{subject} <https://w3id.org/battery-kg/ontology#startYear> "{year}"^^<http://www.w3.org/2001/XMLSchema#integer> .'
            )
        else:
            lines.append(
                f"{subject} <https://schema.org/parentOrganization> <https://w3id.org/battery-kg/id/company/c{i % 97}> ."
            )
    return "\n".join(lines) + "\n"


def measure(rows: int, runs: int) -> dict[str, dict[str, float]]:
    store = OxigraphStore()
    store.load_data(dataset(rows), "nt")
    limits = Limits(timeout=600, max_rows=rows)
    figures = {}
    for media in FORMATS:
        times, size = [], 0
        for _ in range(runs):
            started = time.perf_counter()
            reply = execute(store, Request("query", QUERY, accept=media), limits)
            times.append(time.perf_counter() - started)
            assert reply.status == 200, reply.body[:200]
            size = len(reply.body)
        figures[media] = {"median_ms": round(statistics.median(times) * 1000, 1), "bytes": size}
    return figures


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args(argv)
    print(f"| format | median ms ({args.rows} rows) | body bytes |\n|---|---|---|")
    for media, figure in measure(args.rows, args.runs).items():
        print(f"| {media} | {figure['median_ms']} | {figure['bytes']} |")


if __name__ == "__main__":
    main()
