"""``python -m bench``: every benchmark, side by side with its baseline, as one table and JSON.

    python -m bench                  # 10k, 100k and 1M triples (about 20 minutes on 2 cores)
    python -m bench --quick          # 2k triples, few repetitions: a smoke test
    python -m bench --only load,queries --sizes 100k

Each measurement runs in a fresh process (``bench.measure``), so time and peak
memory of one never leak into another. The table goes to stdout and to
``build/bench/results.md`` (``results-quick.md``), the figures to ``results.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

from kg.build import BUILD_DIR, DATA_DIR, PROJECT_DIR

from . import synthetic
from .measure import summary
from .report import markdown, targets

OUT_DIR = BUILD_DIR / "bench"
PARTS = ("build", "load", "queries", "netx", "page", "viz", "ingest", "scale", "engines")
DOCUMENT_DIRS = (DATA_DIR / "sources", PROJECT_DIR / "tests" / "reports")


@dataclass(frozen=True)
class Plan:
    """How much of everything to run."""

    name: str
    sizes: tuple[str, ...]
    build_runs: int
    load_reps: int
    query_budget_s: float  # time to fill with repetitions of one case on one store
    query_max_reps: int
    min_reps: int  # repetitions of every Oxigraph case however slow (rdflib: only what fits the budget)
    rdflib_limit_s: float  # per rdflib query (and to_networkx) run; past it the run counts as a timeout
    rdflib_cold_only: tuple[str, ...]  # sizes at which rdflib runs each query once, cold
    viz_sizes: tuple[int, ...]
    viz_repeats: int
    ingest_reps: int
    scale_sizes: tuple[str, ...] = ("10M",)  # on the on-disk store (bench.scale)
    rdflib_sizes: tuple[str, ...] | None = None  # sizes with the rdflib baseline (None: every size)
    engine_sizes: tuple[str, ...] = ("1M",)  # pushed to Oxigraph server and Virtuoso (bench.scale)
    task_timeout_s: float = 1800
    oxigraph_limit_s: float = 60  # per Oxigraph case, its first run (forked, kg.limits); past it the case is not timed
    parts: tuple[str, ...] = field(default=PARTS)


FULL = Plan(
    "full",
    ("10k", "100k", "1M"),
    build_runs=5,
    load_reps=3,
    query_budget_s=1.5,
    query_max_reps=100,
    min_reps=5,
    rdflib_limit_s=20,
    rdflib_cold_only=("1M",),
    rdflib_sizes=("10k", "100k"),  # at 1M rdflib took 15 minutes of the run for figures no target uses any more
    viz_sizes=(1000, 5000, 20000),
    viz_repeats=3,
    ingest_reps=5,
)
QUICK = Plan(
    "quick",
    ("2k",),
    build_runs=1,
    load_reps=1,
    query_budget_s=0.05,
    query_max_reps=3,
    min_reps=1,
    rdflib_limit_s=5,
    rdflib_cold_only=("2k",),
    viz_sizes=(100,),
    viz_repeats=1,
    ingest_reps=1,
    scale_sizes=("2k",),
    engine_sizes=("2k",),
)


def _progress(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def run_task(task: dict, timeout_s: float) -> dict:
    """One measurement in a fresh interpreter; failures come back as ``{"error": ...}``."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(PROJECT_DIR), os.environ.get("PYTHONPATH")])))
    try:
        done = subprocess.run(
            [sys.executable, "-m", "bench.measure"],
            input=json.dumps(task),
            capture_output=True,
            text=True,
            cwd=PROJECT_DIR,
            env=env,
            timeout=timeout_s,
        )
    except subprocess.TimeoutExpired:
        return {"error": f"no answer within {timeout_s:.0f} s"}
    if done.returncode != 0:
        return {"error": (done.stderr.strip().splitlines() or [f"exit status {done.returncode}"])[-1]}
    return json.loads(done.stdout)


def measure_build(runs: int) -> dict:
    """Whole-process wall time and peak memory of ``kg build`` on the reference data, ``runs`` times."""
    walls, peaks, error = [], [], None
    for _ in range(runs):
        with tempfile.TemporaryDirectory(prefix="kg-bench-build-") as out, tempfile.TemporaryFile() as stderr:
            started = time.perf_counter()
            process = subprocess.Popen(
                [sys.executable, "-m", "kg", "build", "--out", out, "-q"],
                cwd=PROJECT_DIR,
                stdout=subprocess.DEVNULL,
                stderr=stderr,
            )
            # wait4 gives this child's own peak memory, not the maximum over every child so far
            _, status, usage = os.wait4(process.pid, 0)
            process.returncode = os.waitstatus_to_exitcode(status)
            if process.returncode != 0:
                stderr.seek(0)
                error = (stderr.read().decode(errors="replace").strip().splitlines() or ["failed"])[-1]
                break
            walls.append(time.perf_counter() - started)
            peaks.append(usage.ru_maxrss / 1024)
    if error:
        return {"error": error}
    return summary(walls) | {"peak_rss_mb": round(max(peaks), 1)}


def _documents() -> list[str]:
    return [str(p) for folder in DOCUMENT_DIRS if folder.is_dir() for p in sorted(folder.iterdir()) if p.is_file()]


def _machine() -> dict:
    import networkx
    import pyoxigraph
    import rdflib

    memory_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1e9
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=PROJECT_DIR)
    return {
        "date": time.strftime("%Y-%m-%d %H:%M %Z"),
        "cores": os.cpu_count(),
        "memory_gb": round(memory_gb, 1),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "platform": platform.platform(),
        "python": platform.python_version(),
        "pyoxigraph": pyoxigraph.__version__,
        "rdflib": rdflib.__version__,
        "networkx": networkx.__version__,
        "commit": commit.stdout.strip() or None,
    }


def run(plan: Plan, out_dir: Path = OUT_DIR, seed: int = 7) -> dict:
    """Run ``plan`` and return every figure (also written to ``out_dir``)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    results: dict = {
        "plan": asdict(plan),
        "machine": _machine(),
        "datasets": {},
        "load": [],
        "queries": [],
        "netx": [],
        "page": [],
    }
    timeout = plan.task_timeout_s

    if "build" in plan.parts:
        _progress(f"kg build x{plan.build_runs}")
        results["build"] = measure_build(plan.build_runs)

    # what rdflib could not finish at a smaller size is not retried at a larger one
    rdflib_timeouts: set[str] = set()
    oxigraph_timeouts: set[str] = set()
    netx_timed_out = False
    for size in plan.sizes:
        _progress(f"dataset {size}")
        started = time.perf_counter()
        data = synthetic.cached(size, out_dir, seed)
        results["datasets"][size] = asdict(data) | {
            "path": str(data.path),
            "ready_s": round(time.perf_counter() - started, 2),
        }
        path, cold = str(data.path), size in plan.rdflib_cold_only
        rdflib_here = plan.rdflib_sizes is None or size in plan.rdflib_sizes
        if "load" in plan.parts:
            for store in ("oxigraph", "raw", "memory") if rdflib_here else ("oxigraph", "raw"):
                reps = 1 if store == "memory" and cold else plan.load_reps
                _progress(f"load {size} into {store} x{reps}")
                runs = [run_task({"task": "load", "store": store, "path": path}, timeout) for _ in range(reps)]
                results["load"].append(_load_entry(size, store, data.triples, runs))
        if "queries" in plan.parts:
            ours: dict[str, float] = {}
            for store in ("oxigraph", "memory") if rdflib_here else ("oxigraph",):
                _progress(f"named queries on {store} at {size}")
                task = {
                    "task": "queries",
                    "store": store,
                    "path": path,
                    "picks": asdict(data.picks),
                    "budget_s": plan.query_budget_s,
                    "max_reps": plan.query_max_reps,
                    "limit_s": None,
                }
                if store == "memory":
                    # the baseline: slow runs are not repeated, and each may run long enough to show
                    # whether it is 50 times slower than ours (a margin over, within limits)
                    limits = {
                        case: min(3 * plan.rdflib_limit_s, max(plan.rdflib_limit_s, 60 * median))
                        for case, median in ours.items()
                    }
                    task |= {
                        "limit_s": plan.rdflib_limit_s,
                        "limits": limits,
                        "skip": sorted(rdflib_timeouts),
                        "reps": 1 if cold else None,
                        "min_reps": 0,
                    }
                else:
                    task |= {
                        "min_reps": plan.min_reps,
                        "first_limit_s": plan.oxigraph_limit_s,
                        "skip": sorted(oxigraph_timeouts),
                    }
                result = run_task(task, timeout) | {"size": size, "store": store}
                if store == "oxigraph":
                    ours = {
                        c["case"]: c["ours"]["median_s"]
                        for c in result.get("cases", ())
                        if "median_s" in c.get("ours", {})
                    }
                timeouts = {c["case"] for c in result.get("cases", ()) if "timeout_s" in c.get("ours", {})}
                if store == "oxigraph":
                    oxigraph_timeouts |= timeouts
                else:
                    rdflib_timeouts |= timeouts
                results["queries"].append(result)
        if "netx" in plan.parts:
            for store in ("oxigraph", "memory") if rdflib_here else ("oxigraph",):
                if store == "memory" and netx_timed_out:
                    results["netx"].append({"size": size, "store": store, "skipped": True})
                    continue
                _progress(f"to_networkx from {store} at {size}")
                task = {
                    "task": "netx",
                    "store": store,
                    "path": path,
                    "budget_s": plan.query_budget_s,
                    "max_reps": 10,
                    "limit_s": plan.rdflib_limit_s * 3 if store == "memory" else None,
                    "reps": 1 if store == "memory" and cold else None,
                    "min_reps": 0 if store == "memory" else plan.min_reps,
                }
                result = run_task(task, timeout) | {"size": size, "store": store}
                netx_timed_out = netx_timed_out or (store == "memory" and "timeout_s" in result)
                results["netx"].append(result)
        if "page" in plan.parts:
            _progress(f"network page of the whole graph at {size}")
            with tempfile.TemporaryDirectory(prefix="kg-bench-page-") as folder:
                task = {"task": "page", "path": path, "out": str(Path(folder) / "graph.html")}
                results["page"].append(run_task(task, timeout) | {"size": size})

    if "scale" in plan.parts:
        results["scale"] = [_scale(size, plan, out_dir, seed, sorted(oxigraph_timeouts)) for size in plan.scale_sizes]
    if "engines" in plan.parts:
        results["engines"] = []
        for size in plan.engine_sizes:
            _progress(f"push and named queries on Oxigraph server and Virtuoso at {size}")
            data = synthetic.cached(size, out_dir, seed)
            task = {
                "task": "engines",
                "path": str(data.path),
                "picks": asdict(data.picks),
                "budget_s": plan.query_budget_s,
                "max_reps": plan.query_max_reps,
                "skip": sorted(oxigraph_timeouts),
            }
            results["engines"].append(run_task(task, plan.task_timeout_s * 2) | {"size": size, "triples": data.triples})

    if "viz" in plan.parts:
        _progress(f"browser time-to-ready at {', '.join(map(str, plan.viz_sizes))} nodes")
        results["viz"] = run_task({"task": "viz", "sizes": list(plan.viz_sizes), "repeats": plan.viz_repeats}, timeout)
    if "ingest" in plan.parts:
        _progress("ingestion")
        results["ingest"] = run_task(
            {"task": "ingest", "documents": _documents(), "data_dir": str(DATA_DIR), "reps": plan.ingest_reps}, timeout
        )
        _progress("ingest throughput at 100 KB, 1 MB, 10 MB and the evaluation corpus (bench.ingest)")
        from .ingest import measure as measure_ingest

        results["ingest_scale"] = measure_ingest(quick=plan.name != "full")

    results["machine"]["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
    results["targets"] = targets(results)
    suffix = "" if plan.name == "full" else f"-{plan.name}"
    (out_dir / f"results{suffix}.json").write_text(json.dumps(results, indent=2))
    (out_dir / f"results{suffix}.md").write_text(markdown(results))
    return results


def _scale(size: str, plan: Plan, out_dir: Path, seed: int, skip: list[str]) -> dict:
    """The scale point: load into an on-disk store, then reopen it read-only and time every case there."""
    _progress(f"dataset {size} (generated once, cached)")
    data = synthetic.cached(size, out_dir, seed)
    location = str(out_dir / f"store-{size}")
    _progress(f"scale point {size}: bulk load into the on-disk store, to_networkx")
    task = {"task": "scale", "path": str(data.path), "picks": asdict(data.picks), "location": location}
    result = run_task(task, plan.task_timeout_s * 2) | {"size": size, "triples": data.triples}
    if "error" in result:
        return result
    _progress(f"scale point {size}: the store read-only, as kg serve opens it, every named query")
    serve = {
        "task": "serve",
        "picks": asdict(data.picks),
        "location": location,
        "budget_s": plan.query_budget_s,
        "max_reps": plan.query_max_reps,
        "skip": skip,
    }
    served = run_task(serve, plan.task_timeout_s * 2)
    if "error" in served:
        return result | {"error": f"serving the store: {served['error']}"}
    return result | {"cases": served.pop("cases"), "serve": served}


def _load_entry(size: str, store: str, triples: int, runs: list[dict]) -> dict:
    good = [r for r in runs if "error" not in r]
    if not good:
        return {"size": size, "store": store, "error": runs[0]["error"]}
    timing = summary([r["load_s"] for r in good])
    return {
        "size": size,
        "store": store,
        "triples": triples,
        **timing,
        "cpu_s": round(min(r["load_cpu_s"] for r in good), 3),
        "triples_per_s": round(triples / timing["median_s"]),
        "peak_rss_mb": max(r["peak_rss_mb"] for r in good),
        "start_rss_mb": good[0]["start_rss_mb"],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="2k triples, few repetitions (a smoke test)")
    parser.add_argument("--sizes", help=f"comma-separated dataset sizes among {', '.join(synthetic.SIZES)}")
    parser.add_argument("--only", help=f"comma-separated parts among {', '.join(PARTS)}")
    parser.add_argument("--out", type=Path, default=OUT_DIR, help="where JSON, tables and datasets go")
    parser.add_argument("--seed", type=int, default=7, help="seed of the synthetic datasets")
    parser.add_argument("--render", type=Path, metavar="JSON", help="print the tables of an earlier run's results")
    args = parser.parse_args(argv)
    if args.render:
        results = json.loads(args.render.read_text())
        results["targets"] = targets(results)
        print(markdown(results))
        return 0
    plan = QUICK if args.quick else FULL
    if args.sizes:
        sizes = tuple(s.strip() for s in args.sizes.split(","))
        unknown = [s for s in sizes if s not in synthetic.SIZES]
        if unknown:
            parser.error(f"unknown size(s) {', '.join(unknown)}; choose among {', '.join(synthetic.SIZES)}")
        plan = replace(plan, sizes=sizes)
    if args.only:
        parts = tuple(p.strip() for p in args.only.split(","))
        unknown = [p for p in parts if p not in PARTS]
        if unknown:
            parser.error(f"unknown part(s) {', '.join(unknown)}; choose among {', '.join(PARTS)}")
        plan = replace(plan, parts=parts)
    results = run(plan, args.out, args.seed)
    print(markdown(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
