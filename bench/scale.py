"""Beyond the in-memory store: a 10M-triple scale point on Oxigraph's on-disk store, and the named queries
on the servers a team may push the graph to (Oxigraph server, Virtuoso) beside embedded Oxigraph.

Both are tasks of ``bench.measure`` (one fresh process each):

* ``scale``: bulk-load an N-Quads file into an on-disk store (time, peak memory), ``to_networkx`` of the
  whole graph and a 50,000-node selection from it; ``serve`` then reopens the store read-only in another
  fresh process, as ``kg serve`` does, times every named-query case there (a few runs each, the slow ones
  once) and reports the memory it holds after opening and after the cases. The cases are not timed in
  the loading process: after a bulk load every later query of that process is slower (bench/README.md).
* ``engines``: push a file into a real Oxigraph server and a real Virtuoso on loopback
  (``kg.remote.push``), then time every named-query case through ``kg.remote.RemoteStore`` on each and
  on embedded Oxigraph, interleaved; the rows of the three are compared.
"""

from __future__ import annotations

import collections
import math
import shutil
import statistics
import tempfile
import time
from collections.abc import Collection
from pathlib import Path

from kg.embedded import OxigraphStore
from kg.errors import KgError
from kg.limits import within
from kg.netx import select, to_networkx
from kg.query import NameIndex, named_queries, run
from kg.remote import RemoteStore, push

from .cases import all_cases
from .synthetic import Picks

SELECTION_NODES = 50_000
AFTER_WHOLE_GRAPH_S = 10.0  # whole-graph cases the serving process answers itself before the second timing


def _answer_size(result) -> int:
    return len(result.rows) if result.kind == "SELECT" else len(result.triples)


def _cases(
    store,
    picks: dict,
    budget_s: float,
    max_reps: int,
    names: NameIndex | None = None,
    limit_s: float | None = None,
    skip: Collection[str] = (),
    again: bool = False,
) -> list[dict]:
    """Every named-query case on ``store``: repeated while the runs fit ``budget_s`` (at least once).

    With ``limit_s`` a case is first run once under that time limit (in a forked child, kg.limits), and
    timed again without it only when it finished. Cases in ``skip`` (past the limit on a smaller graph)
    are listed, not run. The single-entity cases go first; with ``again`` they are timed once more
    (``after_median_s``) after this process has itself answered each whole-graph case that took under
    ``AFTER_WHOLE_GRAPH_S`` (the timed runs are in forked children when ``limit_s`` is set), so that its
    heap holds what large answers leave behind, as a server's does.
    """
    queries = named_queries()
    names = names or NameIndex(store)
    out = []
    cases = sorted(all_cases(queries.values(), Picks(**picks)), key=lambda case: case.scope != "single-entity")
    for case in cases:
        if case.id in skip:
            out.append(
                {
                    "case": case.id,
                    "scope": case.scope,
                    "error": "not run: past the time limit on embedded Oxigraph or at 1M",
                }
            )
            continue
        query = queries[case.query]

        def timed(query=query, arguments=case.arguments) -> tuple[list[float], int]:
            return _timed(store, query, arguments, names, budget_s, max_reps)

        try:
            # every run inside one forked child stopped at the limit (kg.limits): the same query took 0.3 s
            # in one run and minutes in the next (companies(every parameter) at 1M), and only a child can be stopped
            samples, rows = within(limit_s, timed) if limit_s else timed()
        except KgError as error:  # a server that cannot compile a query: reported, the others still run
            out.append({"case": case.id, "scope": case.scope, "error": str(error).splitlines()[0][:160]})
            continue
        out.append(
            {
                "case": case.id,
                "scope": case.scope,
                "rows": rows,
                "n": len(samples),
                "median_s": round(statistics.median(samples), 6),
                "first_s": round(samples[0], 6),
            }
        )
    if again:
        by_case = {entry["case"]: entry for entry in out}
        for case in cases:
            if case.scope != "single-entity" and by_case[case.id].get("median_s", math.inf) < AFTER_WHOLE_GRAPH_S:
                _answer_size(run(store, queries[case.query], case.arguments, names))
        for case in cases:
            entry = by_case[case.id]
            if case.scope == "single-entity" and "median_s" in entry:
                samples, _ = _timed(store, queries[case.query], case.arguments, names, budget_s, max_reps)
                entry["after_median_s"] = round(statistics.median(samples), 6)
    return out


def _timed(store, query, arguments, names, budget_s: float, max_reps: int) -> tuple[list[float], int]:
    samples, rows = [], 0
    while len(samples) < max_reps and (not samples or sum(samples) + samples[-1] <= budget_s):
        started = time.perf_counter()
        rows = _answer_size(run(store, query, arguments, names))
        samples.append(time.perf_counter() - started)
    return samples, rows


def task_scale(path: str, picks: dict, location: str) -> dict:
    """Load into an on-disk Oxigraph store at ``location`` (left there for ``task_serve``), then build graphs."""
    from .measure import rss_mb

    shutil.rmtree(location, ignore_errors=True)
    store = OxigraphStore(Path(location))
    wall, cpu = time.perf_counter(), time.process_time()
    store.load_file(Path(path))
    store.close()
    loaded = {"load_s": round(time.perf_counter() - wall, 2), "load_cpu_s": round(time.process_time() - cpu, 2)}
    loaded["load_peak_rss_mb"] = rss_mb()
    started = time.perf_counter()
    graph = to_networkx(store)
    netx_s = time.perf_counter() - started
    # a selection as a page or an analysis would take one: the largest group's neighbourhood, widened
    # until it holds 50k nodes; where hubs stop it short, the 50k nodes of the most common types instead
    started = time.perf_counter()
    depth, chosen, how = 1, None, "focus"
    while depth <= 8:
        chosen = select(graph, focus=picks["group"], depth=depth)
        if chosen.number_of_nodes() >= SELECTION_NODES:
            break
        depth += 1
    else:
        how = "first 50k nodes"
        chosen = graph.subgraph(sorted(graph)[:SELECTION_NODES]).copy()
    select_s = time.perf_counter() - started
    return loaded | {
        "netx": {
            "nodes": graph.number_of_nodes(),
            "edges": graph.number_of_edges(),
            "to_networkx_s": round(netx_s, 2),
            "selection_nodes": chosen.number_of_nodes() if chosen is not None else 0,
            "selection_edges": chosen.number_of_edges() if chosen is not None else 0,
            "selection": how if how != "focus" else f"focus on the largest group, depth {depth}",
            "select_s": round(select_s, 2),
        },
        "store_mb": round(sum(f.stat().st_size for f in Path(location).rglob("*") if f.is_file()) / 1e6, 1),
    }


def task_serve(
    picks: dict, location: str, budget_s: float, max_reps: int, limit_s: float = 30, skip: list[str] = ()
) -> dict:
    """The on-disk store opened read-only, as ``kg serve --store oxigraph:PATH`` opens it; every case timed."""
    from .measure import rss_mb

    store = OxigraphStore(Path(location), read_only=True)
    opened = rss_mb()
    cases = _cases(store, picks, budget_s, max_reps, limit_s=limit_s, skip=skip, again=True)
    result = {"open_rss_mb": opened, "serving_rss_mb": rss_mb(), "cases": cases}
    shutil.rmtree(location, ignore_errors=True)
    return result


def _rows(result) -> collections.Counter:
    if result.kind != "SELECT":
        return collections.Counter(result.triples)
    return collections.Counter(result.rows)


def task_engines(
    path: str, picks: dict, budget_s: float, max_reps: int, limit_s: float = 30, skip: list[str] = ()
) -> dict:
    """Push ``path`` into Oxigraph server and Virtuoso, then time every case there and embedded."""
    from tests.servers import VIRTUOSO, oxigraph_server, virtuoso_server

    embedded = OxigraphStore()
    embedded.load_file(Path(path))
    # embedded first, alone on the machine; a case past the limit there is not sent to the servers, which
    # would go on computing it after the client gave up and slow every case after it
    baseline = _cases(embedded, picks, budget_s, max_reps, limit_s=limit_s, skip=skip)
    skip = [*skip, *(case["case"] for case in baseline if "error" in case)]
    out: dict = {"engines": {}}
    with tempfile.TemporaryDirectory(prefix="kg-bench-engines-") as folder:
        servers = {"oxigraph-server": oxigraph_server(Path(folder) / "oxigraph")}
        if VIRTUOSO:
            servers["virtuoso"] = virtuoso_server(Path(folder) / "virtuoso")
        for engine, server in servers.items():
            with server as base:
                if engine == "virtuoso":
                    writer = RemoteStore(
                        base + "/sparql-auth",
                        graph_store=base + "/sparql-graph-crud-auth",
                        union_default_graph=False,
                        user="dba",
                        password="dba",
                    )
                    reader = RemoteStore(base + "/sparql", union_default_graph=False, timeout=limit_s)
                else:
                    writer = RemoteStore.from_url(base + "/query")
                    reader = RemoteStore.from_url(base + "/query", timeout=limit_s)
                report = push(Path(path), writer)
                cases = _cases(reader, picks, budget_s, max_reps, NameIndex(embedded), skip=skip)
                out["engines"][engine] = {"push_s": round(report.seconds, 2), "method": report.method, "cases": cases}
        out["engines"]["embedded"] = {"cases": baseline}
    # the answers compared once, case by case (sizes here; the rows themselves in tests/test_virtuoso.py)
    sizes = {engine: {c["case"]: c.get("rows") for c in e["cases"]} for engine, e in out["engines"].items()}
    out["differing_row_counts"] = sorted(
        case for case in sizes["embedded"] if len({s.get(case) for s in sizes.values()}) > 1
    )
    return out
