"""Measurements, each run in a fresh Python process so that time and peak memory of one never leak into another.

``python -m bench.measure`` reads one task as JSON on stdin and prints its
result as JSON on stdout; ``bench.__main__`` starts one process per task.
Every result carries ``peak_rss_mb`` (the process's maximum resident set, ``rss_mb``)
and ``start_rss_mb`` (after the imports, before the work).

>>> summary([0.003, 0.001, 0.002])
{'n': 3, 'median_s': 0.002, 'p95_s': 0.003, 'min_s': 0.001}
"""

from __future__ import annotations

import json
import math
import resource
import signal
import statistics
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

import pyoxigraph as ox

from kg.embedded import OxigraphStore
from kg.errors import Refused
from kg.limits import NO_LIMITS, Limits
from kg.netx import to_networkx
from kg.query import bind, named_queries, run
from kg.store import Store, open_store, to_ox, values_first

from .cases import all_cases
from .synthetic import Picks

SLOW_WARM_UP_S = 10.0


class TimeLimit(Exception):
    """A measured call ran past its limit."""


def rss_mb() -> float:
    """Peak resident memory of this process so far, in MB.

    Linux's ``VmHWM`` where there is one: ``getrusage``'s maximum outlives ``exec``, so in a measurement
    process it starts at the resident size of the driver that started it (3.7 GB once the driver had
    generated the 10M dataset).
    """
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def summary(samples: list[float]) -> dict:
    """Median, 95th percentile (nearest rank) and minimum of timings in seconds."""
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, math.ceil(0.95 * len(ordered)) - 1)]
    return {
        "n": len(ordered),
        "median_s": round(statistics.median(ordered), 6),
        "p95_s": round(p95, 6),
        "min_s": round(ordered[0], 6),
    }


def _alarm(signum, frame):
    raise TimeLimit()


def timed(call: Callable[[], object], limit_s: float | None = None) -> tuple[float, object]:
    """Wall time of one call and its result; past ``limit_s`` raise :class:`TimeLimit`.

    The limit is a SIGALRM, which interrupts Python code (rdflib's engine) between
    bytecodes; a call inside Rust (pyoxigraph) is only stopped once it returns.
    """
    if limit_s:
        signal.signal(signal.SIGALRM, _alarm)
        signal.setitimer(signal.ITIMER_REAL, limit_s)
    try:
        started = time.perf_counter()
        result = call()
        return time.perf_counter() - started, result
    finally:
        if limit_s:
            signal.setitimer(signal.ITIMER_REAL, 0)


def repeat(
    calls: dict[str, Callable[[], object]],
    budget_s: float,
    max_reps: int,
    limit_s: float | None,
    reps: int | None = None,
    min_reps: int = 3,
) -> dict[str, dict]:
    """Time several ways of doing the same thing side by side, interleaved, after one warm-up each.

    With ``reps`` fixed to 1 the first (cold) run is the only sample. Otherwise the
    number of repetitions fills ``budget_s``, between ``min_reps`` and ``max_reps``; with
    ``min_reps`` 0, a call whose warm-up alone takes a third of the budget is not repeated
    (its cold run is reported: for the slow baseline).
    Returns, per call, ``summary`` of the wall times, ``cpu_median_s`` (process CPU time,
    less disturbed by other work on the machine) and ``rows`` (the size of its answer),
    or ``timeout_s`` when it ran past ``limit_s``.
    """
    walls: dict[str, list[float]] = {name: [] for name in calls}
    cpus: dict[str, list[float]] = {name: [] for name in calls}
    out: dict[str, dict] = {}

    def once(name: str, limit: float | None) -> object:
        cpu = time.process_time()
        wall, result = timed(calls[name], limit)
        walls[name].append(wall)
        cpus[name].append(time.process_time() - cpu)
        return result

    for name in calls:
        try:
            out[name] = {"rows": _size(once(name, limit_s))}
        except TimeLimit:
            out[name] = {"timeout_s": limit_s}
    live = [name for name in calls if walls[name]]
    warm = sum(walls[name][0] for name in live)
    if reps == 1 or not live or (not min_reps and max(walls[name][0] for name in live) * 3 > budget_s):
        rounds = 0
    else:
        rounds = reps or int(min(max_reps, max(min_reps or 3, budget_s / max(warm, 1e-6))))
        if warm > SLOW_WARM_UP_S:
            rounds = 1  # a case of many seconds is timed once after its warm-up: its median would say no more
    for _ in range(rounds):
        for name in live:
            once(name, None)
    for name in live:
        # the warm-up counts only when it is the one run there is
        wall, cpu = (walls[name][1:], cpus[name][1:]) if rounds else (walls[name], cpus[name])
        out[name].update(summary(wall), cpu_median_s=round(statistics.median(cpu), 6), cold=not rounds)
    return out


def _size(result: object) -> int:
    rows = getattr(result, "rows", None)
    if rows is not None:
        return len(rows) if result.kind == "SELECT" else (len(result.graph) if result.graph is not None else 1)
    return len(result)


def _raw(store: ox.Store, text: str, bindings: dict) -> list:
    """The same SPARQL on pyoxigraph directly, every value of every solution materialised; the values go
    in as our layer sends them (a VALUES block for a query that takes its values first, kg.store)."""
    text, bindings = values_first(text, bindings)
    substitutions = {ox.Variable(name): to_ox(value) for name, value in bindings.items()}
    result = store.query(text, use_default_graph_as_union=True, substitutions=substitutions or None)
    if isinstance(result, ox.QuerySolutions):
        width = len(result.variables)
        return [tuple(solution[i] for i in range(width)) for solution in result]
    if isinstance(result, ox.QueryBoolean):
        return [bool(result)]
    return list(result)


# ---------------------------------------------------------------- tasks


def _timed_load(store: Store | ox.Store, path: Path) -> dict:
    wall, cpu = time.perf_counter(), time.process_time()
    if isinstance(store, ox.Store):
        store.bulk_load(path=str(path), format=ox.RdfFormat.N_QUADS)
    else:
        store.load_file(path)
    return {"load_s": round(time.perf_counter() - wall, 4), "load_cpu_s": round(time.process_time() - cpu, 4)}


def task_load(store: str, path: str) -> dict:
    """Load an N-Quads file into an empty store: ``oxigraph``, ``memory`` (rdflib) or ``raw`` (pyoxigraph itself)."""
    target = ox.Store() if store == "raw" else open_store(store)
    return _timed_load(target, Path(path))


def run_within(store: Store, query, arguments: dict, limit_s: float, names=None) -> None:
    """Run a case once in a forked child stopped at ``limit_s`` (kg.limits: SIGALRM cannot interrupt
    Oxigraph); raises :class:`kg.errors.Refused` when it ran past."""
    store.limits = Limits(limit_s, None)
    try:
        run(store, query, arguments, names)
    finally:
        store.limits = NO_LIMITS


def task_queries(
    store: str,
    path: str,
    picks: dict,
    budget_s: float,
    max_reps: int,
    limit_s: float | None,
    reps: int | None = None,
    skip: list[str] = (),
    min_reps: int = 3,
    limits: dict[str, float] | None = None,
    first_limit_s: float | None = None,
) -> dict:
    """Every named-query case on one store; on Oxigraph also the same SPARQL on raw pyoxigraph, side by side,
    and ours on an empty Oxigraph store (``empty``: the cost of the query before anything is read).

    ``limits`` overrides ``limit_s`` per case id. With ``first_limit_s`` each case first runs once in a
    forked child stopped at that limit (kg.limits: SIGALRM cannot interrupt Oxigraph), and a case past
    it is reported as a timeout of both ours and raw pyoxigraph, not timed.
    """
    opened = open_store(store)
    loaded = _timed_load(opened, Path(path))
    empty = OxigraphStore()
    queries = named_queries()
    results = []
    for case in all_cases(queries.values(), Picks(**picks)):
        entry = {"case": case.id, "query": case.query, "scope": case.scope, "features": list(case.features)}
        if case.id in skip:
            results.append(entry | {"skipped": True})
            continue
        query = queries[case.query]
        if first_limit_s:
            try:
                run_within(opened, query, case.arguments, first_limit_s)
            except Refused:
                results.append(entry | {"ours": {"timeout_s": first_limit_s}, "raw": {"timeout_s": first_limit_s}})
                continue
        calls = {"ours": partial(run, opened, query, case.arguments)}
        if isinstance(opened, OxigraphStore):
            bindings = bind(opened, query, case.arguments)
            calls["raw"] = partial(_raw, opened.native, query.text, bindings)
            # the same query and values on an empty store: parsing, checks and Oxigraph's planning with
            # nothing to read, the floor under any form of the query
            calls["empty"] = partial(empty.query, query.text, bindings)
        entry.update(repeat(calls, budget_s, max_reps, (limits or {}).get(case.id, limit_s), reps, min_reps))
        results.append(entry)
    return loaded | {"cases": results}


def task_netx(
    store: str,
    path: str,
    budget_s: float,
    max_reps: int,
    limit_s: float | None,
    reps: int | None = None,
    min_reps: int = 3,
) -> dict:
    """``kg.netx.to_networkx`` over a loaded store."""
    opened = open_store(store)
    loaded = _timed_load(opened, Path(path))
    timing = repeat({"netx": lambda: to_networkx(opened)}, budget_s, max_reps, limit_s, reps, min_reps)["netx"]
    graph = to_networkx(opened) if "timeout_s" not in timing else None
    shape = {"nodes": graph.number_of_nodes(), "edges": graph.number_of_edges()} if graph is not None else {}
    timing.pop("rows", None)
    return loaded | timing | shape


def task_page(path: str, out: str) -> dict:
    """The network page of a whole synthetic graph: layout, then the HTML written (``kg.viz``)."""
    from kg.viz import layout, write_page

    opened = open_store("oxigraph")
    opened.load_file(Path(path))
    graph = to_networkx(opened)
    layout_s, positions = timed(lambda: layout(graph))
    write_s, page = timed(lambda: write_page(graph, Path(out), title="bench", positions=positions))
    return {
        "nodes": page.nodes,
        "edges": page.edges,
        "layout_s": round(layout_s, 3),
        "write_s": round(write_s, 3),
        "page_s": round(layout_s + write_s, 3),
        "html_mb": round(page.bytes / 1e6, 2),
    }


def task_ingest(documents: list[str], data_dir: str, reps: int) -> dict:
    """``kg.ingest.ingest`` over report documents, each ``reps`` times; documents per second."""
    from kg.ingest import ingest
    from kg.loader import load_reference

    reference = load_reference(Path(data_dir))
    registered = {str((Path(data_dir) / d.file).resolve()): d for d in reference.sources}
    per_document, failures = [], {}
    for document in documents:
        source = registered.get(str(Path(document).resolve()))
        try:
            ingest(document, reference, source=source)  # warm-up: imports, resolver tables
            samples = [timed(partial(ingest, document, reference, source=source))[0] for _ in range(reps)]
        except Exception as error:  # a document ingest cannot read is reported, not fatal to the benchmark
            failures[Path(document).name] = f"{type(error).__name__}: {error}"
            continue
        per_document.append(
            {"document": Path(document).name, "bytes": Path(document).stat().st_size, **summary(samples)}
        )
    total = sum(d["median_s"] for d in per_document)
    return {
        "documents": per_document,
        "failures": failures,
        "docs_per_s": round(len(per_document) / total, 2) if total else None,
    }


def task_viz(sizes: list[int], repeats: int) -> dict:
    """Browser time-to-ready of the network page at each node count (``bench.viz``, headless Chromium)."""
    from . import viz

    pages = viz.run(sizes, repeats)
    # Chromium is several processes: this is the largest one's peak, not their sum
    browser = round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1)
    return {"pages": pages, "largest_browser_process_rss_mb": browser}


def task_scale(**task) -> dict:
    from .scale import task_scale as scale

    return scale(**task)


def task_serve(**task) -> dict:
    from .scale import task_serve as serve

    return serve(**task)


def task_engines(**task) -> dict:
    from .scale import task_engines as engines

    return engines(**task)


TASKS = {
    "scale": task_scale,
    "serve": task_serve,
    "engines": task_engines,
    "load": task_load,
    "queries": task_queries,
    "netx": task_netx,
    "page": task_page,
    "ingest": task_ingest,
    "viz": task_viz,
}


def main() -> None:
    task = json.load(sys.stdin)
    start = rss_mb()
    wall = time.perf_counter()
    result = TASKS[task.pop("task")](**task)
    result.update(start_rss_mb=start, peak_rss_mb=rss_mb(), task_s=round(time.perf_counter() - wall, 2))
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
