"""The endpoint's result conversion: one worker's ``execute`` from query to response body, per format.

    python -m bench.endpoint                 # 50,000 rows x 3 columns, 7 runs per format
    python -m bench.endpoint --rows 2000 --runs 3

The data mixes the term kinds a real answer has (IRIs, plain, language-tagged
and typed literals, repeated down the columns as in the built graph), so the
figure covers the conversion of every kind. The query runs in-process (no HTTP,
no worker process): what is timed is the store's answer turned into the bytes
the endpoint sends. Medians in milliseconds per format, beside raw pyoxigraph
serialising its own answer in the same run (the floor: no row limit, no
conversion), and the body size.
"""

from __future__ import annotations

import argparse
import statistics
import time

import pyoxigraph as ox

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
    """Per format: our conversion (``execute``) and raw pyoxigraph serialising its own answer, interleaved."""
    store = OxigraphStore()
    store.load_data(dataset(rows), "nt")
    limits = Limits(timeout=600, max_rows=rows)
    figures = {}
    for media in FORMATS:
        native = ox.QueryResultsFormat.from_media_type(media)
        ours, raw, size = [], [], 0
        for _ in range(runs):
            started = time.perf_counter()
            reply = execute(store, Request("query", QUERY, accept=media), limits)
            ours.append(time.perf_counter() - started)
            assert reply.status == 200, reply.body[:200]
            size = len(reply.body)
            started = time.perf_counter()
            store.native.query(QUERY, use_default_graph_as_union=True).serialize(format=native)  # type: ignore[union-attr]
            raw.append(time.perf_counter() - started)
        figures[media] = {
            "median_ms": round(statistics.median(ours) * 1000, 1),
            "raw_median_ms": round(statistics.median(raw) * 1000, 1),
            "bytes": size,
        }
    return figures


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args(argv)
    print(f"| format ({args.rows} rows) | ours, median ms | raw pyoxigraph, median ms | ratio | body bytes |")
    print("|---|---|---|---|---|")
    for media, figure in measure(args.rows, args.runs).items():
        ratio = figure["median_ms"] / figure["raw_median_ms"]
        print(f"| {media} | {figure['median_ms']} | {figure['raw_median_ms']} | {ratio:.2f} | {figure['bytes']} |")


if __name__ == "__main__":
    main()
