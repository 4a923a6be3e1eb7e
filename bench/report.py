"""The benchmark figures as Markdown tables, and where they stand against the targets of issues 7 and 18.

>>> duration(0.00042), duration(0.0123), duration(2.5)
('0.42 ms', '12.3 ms', '2.50 s')
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from .scale import AFTER_WHOLE_GRAPH_S

TARGET_SIZE = "1M"
LOAD_LIMIT_S, LOAD_MEMORY_MB = 5.0, 1024
SINGLE_ENTITY_LIMIT_S = 0.002
RAW_RATIO_LIMIT = 1.2
SCALE_LOAD_LIMIT_S, SCALE_MEMORY_MB, SCALE_SINGLE_ENTITY_LIMIT_S = 60.0, 4096, 0.005
MEMORY_STORE_NETX_SIZE = "100k"
BUILD_LIMIT_S = 2.0
PAGE_NODES, PAGE_READY_LIMIT_MS, PAGE_SLIDER_LIMIT_MS = 5000, 2000, 100


def duration(seconds: float | None) -> str:
    """Seconds for people: ms below one second."""
    if seconds is None:
        return "–"
    if seconds < 0.001:
        return f"{seconds * 1000:.2f} ms"
    if seconds < 1:
        return f"{seconds * 1000:.1f} ms"
    return f"{seconds:.2f} s"


def _ratio(value: float | None, bound: bool = False) -> str:
    if value is None:
        return "–"
    return f"{'≥ ' if bound else ''}{value:.1f}×" if value < 100 else f"{'≥ ' if bound else ''}{value:.0f}×"


def _table(header: Iterable[str], rows: Iterable[Iterable[object]]) -> str:
    header = list(header)
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def _target_size(results: dict) -> str | None:
    sizes = results["plan"]["sizes"]
    return TARGET_SIZE if TARGET_SIZE in sizes else (sizes[-1] if sizes else None)


def _queries(results: dict, size: str, store: str) -> dict:
    for entry in results.get("queries", ()):
        if entry["size"] == size and entry["store"] == store:
            return entry
    return {}


def _rdflib_speedup(ours: dict, rdflib: dict) -> tuple[float | None, bool]:
    """How many times faster ours is than rdflib, and whether that is only a lower bound (rdflib timed out)."""
    if "median_s" not in ours:
        return None, False
    if "timeout_s" in rdflib:
        return rdflib["timeout_s"] / ours["median_s"], True
    if "median_s" in rdflib:
        return rdflib["median_s"] / ours["median_s"], False
    return None, False


def _paired(results: dict, size: str) -> list[tuple[dict, dict]]:
    """(Oxigraph case, rdflib timing) pairs at one size; the timing is ``{"skipped": True}`` for a case not run."""
    rdflib = {
        c["case"]: c.get("ours", {"skipped": True} if c.get("skipped") else {})
        for c in _queries(results, size, "memory").get("cases", ())
    }
    return [(case, rdflib.get(case["case"], {})) for case in _queries(results, size, "oxigraph").get("cases", ())]


def targets(results: dict) -> list[dict]:
    """Each target of issues 7 and 18 with what was measured and whether it holds (None: not measured or undecided)."""
    size = _target_size(results)
    found = []

    def add(target: str, measured: str, holds: bool | None, note: str = "", at: str | None = size) -> None:
        found.append({"target": target, "size": at or "–", "measured": measured, "holds": holds, "note": note})

    load = next((e for e in results.get("load", ()) if e["size"] == size and e["store"] == "oxigraph"), None)
    if load and "median_s" in load:
        add(
            f"load {size} triples into Oxigraph < {LOAD_LIMIT_S:g} s",
            duration(load["median_s"]),
            load["median_s"] < LOAD_LIMIT_S,
            f"CPU time {duration(load['cpu_s'])}",
        )
        add(f"peak memory loading {size} < 1 GB", f"{load['peak_rss_mb']:.0f} MB", load["peak_rss_mb"] < LOAD_MEMORY_MB)
    else:
        add(f"load {size} into Oxigraph < {LOAD_LIMIT_S:g} s, < 1 GB", "not measured", None)

    pairs = _paired(results, size)
    single = [
        (c["case"], c["ours"]["median_s"], c.get("empty", {}).get("median_s"))
        for c, _ in pairs
        if c["scope"] == "single-entity" and "median_s" in c.get("ours", {})
    ]
    stopped = [
        (c["case"], c["scope"])
        for c, _ in pairs
        if "timeout_s" in c.get("ours", {}) or (c.get("skipped") and "ours" not in c)
    ]
    if single:
        # the empty-store figure beside a miss: what parsing and planning alone cost of it
        slow = [
            name + (f" {duration(median)} (empty store {duration(floor)})" if floor else "")
            for name, median, floor in single
            if median >= SINGLE_ENTITY_LIMIT_S
        ]
        slow += [f"{name} (over the limit)" for name, scope in stopped if scope == "single-entity"]
        worst = max(single, key=lambda item: item[1])
        add(
            f"single-entity named queries < {SINGLE_ENTITY_LIMIT_S * 1000:g} ms median",
            f"slowest timed {worst[0]} {duration(worst[1])}",
            not slow,
            f"over: {', '.join(slow)}" if slow else "",
        )
    whole = [
        (c["case"], c["ours"]["median_s"] / c["raw"]["median_s"])
        for c, _ in pairs
        if c["scope"] == "whole-graph" and "median_s" in c.get("ours", {}) and "median_s" in c.get("raw", {})
    ]
    if whole:
        over = [f"{name} {ratio:.2f}×" for name, ratio in whole if ratio > RAW_RATIO_LIMIT]
        over += [f"{name} (over the limit, not timed)" for name, scope in stopped if scope == "whole-graph"]
        worst = max(whole, key=lambda item: item[1])
        add(
            f"whole-graph named queries within {RAW_RATIO_LIMIT:g}× of raw pyoxigraph",
            f"worst {worst[0]} {worst[1]:.2f}×",
            not over,
            f"over: {', '.join(over)}" if over else "",
        )
    netx = next(
        (e for e in results.get("netx", ()) if e["size"] == MEMORY_STORE_NETX_SIZE and e["store"] == "memory"), None
    )
    if netx and not netx.get("skipped"):
        finished = "median_s" in netx
        add(
            f"to_networkx from the rdflib memory store at {MEMORY_STORE_NETX_SIZE}",
            duration(netx["median_s"]) if finished else _netx_time(netx),
            finished,
            "the netx queries run on an Oxigraph copy of the store's quads",
            at=MEMORY_STORE_NETX_SIZE,
        )
    for scale in results.get("scale", ()):
        if "error" in scale:
            add("scale point on the on-disk store", scale["error"], None, at=scale["size"])
            continue
        add(
            f"load {scale['size']} into on-disk Oxigraph < {SCALE_LOAD_LIMIT_S:g} s, peak < {SCALE_MEMORY_MB / 1024:g} GB",
            f"{duration(scale['load_s'])}, {scale['load_peak_rss_mb']:.0f} MB",
            scale["load_s"] < SCALE_LOAD_LIMIT_S and scale["load_peak_rss_mb"] < SCALE_MEMORY_MB,
            f"{scale['triples']:,} triples; store {scale['store_mb']:,.0f} MB on disk",
            at=scale["size"],
        )
        single = [
            (c["case"], c["median_s"]) for c in scale["cases"] if c["scope"] == "single-entity" and "median_s" in c
        ]
        if single:
            slow = [f"{name} {duration(m)}" for name, m in single if m >= SCALE_SINGLE_ENTITY_LIMIT_S]
            slow += [
                f"{c['case']} ({c['error']})" for c in scale["cases"] if c["scope"] == "single-entity" and "error" in c
            ]
            slow_after = [
                f"{c['case']} {duration(c['after_median_s'])}"
                for c in scale["cases"]
                if c.get("after_median_s", 0) >= SCALE_SINGLE_ENTITY_LIMIT_S
            ]
            over = [f"over: {', '.join(slow)}"] if slow else []
            if slow_after:
                over.append(f"over after whole-graph answers: {', '.join(slow_after)}")
            worst = max(single, key=lambda item: item[1])
            add(
                f"single-entity named queries < {SCALE_SINGLE_ENTITY_LIMIT_S * 1000:g} ms median",
                f"slowest {worst[0]} {duration(worst[1])}",
                not slow,
                "; ".join(over),
                at=scale["size"],
            )
    build = results.get("build")
    if build:
        holds = build["median_s"] < BUILD_LIMIT_S if "median_s" in build else None
        add(
            f"kg build on the reference data < {BUILD_LIMIT_S:g} s (whole process)",
            duration(build.get("median_s")) if "median_s" in build else build.get("error", "–"),
            holds,
            f"p95 {duration(build.get('p95_s'))} over {build.get('n')} runs",
            at=None,
        )
    pages = results.get("viz", {}).get("pages", ())
    page = min(pages, key=lambda p: abs(p["nodes"] - PAGE_NODES), default=None)
    if page and abs(page["nodes"] - PAGE_NODES) <= PAGE_NODES * 0.1:
        add(
            f"{PAGE_NODES:,}-node network page ready in headless Chromium < {PAGE_READY_LIMIT_MS / 1000:g} s",
            f"{page['ready_wall_ms'] / 1000:.2f} s",
            page["ready_wall_ms"] < PAGE_READY_LIMIT_MS,
            f"in-page navigation → first drawing {page['ready_ms'] / 1000:.2f} s",
            at=f"{page['nodes']:,} nodes",
        )
        if "slider_ms" in page:
            add(
                f"{PAGE_NODES:,}-node network page: a year step of the slider < {PAGE_SLIDER_LIMIT_MS} ms",
                f"{page['slider_ms']:.0f} ms",
                page["slider_ms"] < PAGE_SLIDER_LIMIT_MS,
                "change → drawn, median of five steps",
                at=f"{page['nodes']:,} nodes",
            )
    return found


def _engine_time(case: dict | None) -> str:
    if case is None:
        return "–"
    return duration(case["median_s"]) if "median_s" in case else f"error: {case['error'][-90:]}"


def _netx_time(entry: dict) -> str:
    if entry.get("skipped"):
        return "not run (timed out at a smaller size)"
    if "timeout_s" in entry:
        return f"> {duration(entry['timeout_s'])}"
    return duration(entry["median_s"]) if "median_s" in entry else entry.get("error", "–")


def _ours_time(case: dict) -> str:
    ours = case.get("ours", {})
    if "median_s" in ours:
        return f"{duration(ours['median_s'])} / {duration(ours.get('p95_s'))}"
    if "timeout_s" in ours:
        return f"> {duration(ours['timeout_s'])} (first run stopped)"
    return "not run (over the limit at a smaller size)" if case.get("skipped") else "error"


def _verdict(holds: bool | None) -> str:
    return {True: "holds", False: "**missed**", None: "undecided"}[holds]


def _case_rows(results: dict, size: str) -> list[list[str]]:
    rows = []
    for case, rdflib in _paired(results, size):
        ours, raw = case.get("ours", {}), case.get("raw", {})
        ratio = ours["median_s"] / raw["median_s"] if "median_s" in ours and "median_s" in raw else None
        cpu_ratio = (
            ours["cpu_median_s"] / raw["cpu_median_s"] if ours.get("cpu_median_s") and raw.get("cpu_median_s") else None
        )
        if rdflib.get("skipped"):
            baseline = "not run (timed out at a smaller size)"
        elif "timeout_s" in rdflib:
            baseline = f"> {duration(rdflib['timeout_s'])}"
        elif "median_s" in rdflib:
            baseline = duration(rdflib["median_s"]) + (" (1 run)" if rdflib.get("cold") else "")
        else:
            baseline = "–"
        speedup, bound = _rdflib_speedup(ours, rdflib)
        counts = {ours.get("rows"), raw.get("rows"), rdflib.get("rows")} - {None}
        rows_text = "/".join(str(n) for n in sorted(counts)) + (" ⚠ differ" if len(counts) > 1 else "")
        rows.append(
            [
                f"`{case['case']}`",
                case["scope"],
                "+".join(case["features"]) or "–",
                rows_text,
                _ours_time(case),
                duration(raw.get("median_s")),
                duration(case.get("empty", {}).get("median_s")),
                _ratio(ratio) if ratio else "–",
                _ratio(cpu_ratio) if cpu_ratio else "–",
                baseline,
                _ratio(speedup, bound) if speedup else "–",
            ]
        )
    return rows


def markdown(results: dict) -> str:
    """Every figure of a run as Markdown: targets first, then one section per measurement."""
    m = results["machine"]
    parts = [
        f"# battery-kg benchmarks ({results['plan']['name']} run)",
        f"{m['date']} · {m['cores']} cores, {m['memory_gb']} GB · load average {m['load_average']} at start, "
        f"{m.get('load_average_end')} at end · Python {m['python']}, pyoxigraph {m['pyoxigraph']}, "
        f"rdflib {m['rdflib']}, networkx {m['networkx']} · commit {m['commit']}",
        "Times are medians (p95 after the slash) over repetitions interleaved in the same process; "
        "each measurement runs in a fresh process, so peak memory is its own.",
    ]
    found = results.get("targets", [])
    if found:
        parts += [
            "## Targets (issues 7 and 18)",
            _table(
                ["target", "at", "measured", "verdict", "note"],
                [[t["target"], t["size"], t["measured"], _verdict(t["holds"]), t["note"]] for t in found],
            ),
        ]
    build = results.get("build")
    if build:
        parts.append("## Reference build (`kg build`, whole process)")
        parts.append(
            f"error: {build['error']}"
            if "error" in build
            else _table(
                ["runs", "median", "p95", "peak memory"],
                [[build["n"], duration(build["median_s"]), duration(build["p95_s"]), f"{build['peak_rss_mb']:.0f} MB"]],
            )
        )
    if results.get("datasets"):
        parts += [
            "## Synthetic datasets",
            _table(
                ["size", "triples", "companies", "report graphs", "file (in build/bench/)"],
                [
                    [size, f"{d['triples']:,}", f"{d['companies']:,}", d["sources"], Path(d["path"]).name]
                    for size, d in results["datasets"].items()
                ],
            ),
        ]
    if results.get("load"):
        parts += [
            "## Load (N-Quads file → empty store)",
            _table(
                ["size", "store", "runs", "median", "p95", "CPU", "triples/s", "peak memory"],
                [
                    [
                        e["size"],
                        e["store"],
                        e.get("n", "–"),
                        duration(e.get("median_s")),
                        duration(e.get("p95_s")),
                        duration(e.get("cpu_s")),
                        f"{e['triples_per_s']:,}" if "triples_per_s" in e else e.get("error", "–"),
                        f"{e['peak_rss_mb']:.0f} MB" if "peak_rss_mb" in e else "–",
                    ]
                    for e in results["load"]
                ],
            ),
        ]
    for size in results["plan"]["sizes"]:
        ox_entry, rdflib_entry = _queries(results, size, "oxigraph"), _queries(results, size, "memory")
        if not ox_entry:
            continue
        parts.append(f"## Named queries at {size}")
        for entry, label in ((ox_entry, "Oxigraph"), (rdflib_entry, "rdflib")):
            if "error" in entry:
                parts.append(f"{label}: error: {entry['error']}")
        peaks = ", ".join(
            f"{label} {e['peak_rss_mb']:.0f} MB"
            for e, label in ((ox_entry, "Oxigraph"), (rdflib_entry, "rdflib"))
            if "peak_rss_mb" in e
        )
        parts.append(f"Peak memory of the process (load + every query): {peaks}.")
        header = [
            "case",
            "scope",
            "features",
            "rows",
            "ours (Oxigraph) median / p95",
            "raw pyoxigraph",
            "ours, empty store",
            "ours ÷ raw",
            "(CPU time)",
            "rdflib in-memory",
            "rdflib ÷ ours",
        ]
        parts.append(_table(header, _case_rows(results, size)))
    if results.get("netx"):
        parts += [
            "## `kg.netx.to_networkx` (whole graph)",
            _table(
                ["size", "store", "runs", "median", "nodes", "edges", "peak memory"],
                [
                    [
                        e["size"],
                        e["store"],
                        e.get("n", "–"),
                        _netx_time(e),
                        e.get("nodes", "–"),
                        e.get("edges", "–"),
                        f"{e['peak_rss_mb']:.0f} MB" if "peak_rss_mb" in e else "–",
                    ]
                    for e in results["netx"]
                ],
            ),
        ]
    for scale in results.get("scale", ()):
        parts.append(f"## Scale point: {scale['size']} on Oxigraph's on-disk store")
        if "error" in scale:
            parts.append(f"error: {scale['error']}")
            continue
        netx = scale["netx"]
        serve = scale.get("serve", {})
        parts.append(
            f"{scale['triples']:,} triples: bulk load {duration(scale['load_s'])} (CPU {duration(scale['load_cpu_s'])}), "
            f"peak memory {scale['load_peak_rss_mb']:.0f} MB, {scale['store_mb']:,.0f} MB on disk. "
            f"`to_networkx` of the whole graph {duration(netx['to_networkx_s'])} ({netx['nodes']:,} nodes, "
            f"{netx['edges']:,} edges); a {netx['selection_nodes']:,}-node selection ({netx['selection']}, "
            f"{netx['selection_edges']:,} edges) {duration(netx['select_s'])}. The cases below are timed in a fresh process "
            f"that opened the store read-only, as `kg serve` does: {serve.get('open_rss_mb', '–')} MB after opening, "
            f"{serve.get('serving_rss_mb', '–')} MB peak after every case. The single-entity cases run first, and again "
            f"after the process has answered the whole-graph ones that take under {AFTER_WHOLE_GRAPH_S:g} s itself (the "
            "timed runs are in forked children): what a server that also answers large questions gives."
        )
        parts.append(
            _table(
                ["case", "scope", "rows", "runs", "median", "median after whole-graph answers", "first run"],
                [
                    [
                        f"`{c['case']}`",
                        c["scope"],
                        c["rows"],
                        c["n"],
                        duration(c["median_s"]),
                        duration(c["after_median_s"]) if "after_median_s" in c else "–",
                        duration(c["first_s"]),
                    ]
                    if "median_s" in c
                    else [f"`{c['case']}`", c["scope"], "–", 0, c["error"], "–", "–"]
                    for c in scale["cases"]
                ],
            )
        )
    for entry in results.get("engines", ()):
        parts.append(f"## The named queries on servers at {entry['size']} (push, then every case)")
        if "error" in entry:
            parts.append(f"error: {entry['error']}")
            continue
        engines = entry["engines"]
        order = [name for name in ("embedded", "oxigraph-server", "virtuoso") if name in engines]
        parts.append(
            "Push: "
            + "; ".join(
                f"{name} {duration(engines[name]['push_s'])} ({engines[name]['method']})"
                for name in order
                if "push_s" in engines[name]
            )
            + ". Row counts that differ from embedded Oxigraph: "
            + (", ".join(f"`{c}`" for c in entry["differing_row_counts"]) or "none")
            + "."
        )
        by_case = {name: {c["case"]: c for c in engines[name]["cases"]} for name in order}
        parts.append(
            _table(
                ["case", "scope", "rows", *order],
                [
                    [
                        f"`{case}`",
                        first["scope"],
                        first.get("rows", "–"),  # a case stopped at the time limit has none
                        *(_engine_time(by_case[n].get(case)) for n in order),
                    ]
                    for case, first in by_case["embedded"].items()
                ],
            )
        )
    if results.get("page"):
        parts += [
            "## Network page of the whole graph (`kg.viz`: layout + HTML)",
            _table(
                ["size", "nodes", "edges", "layout", "write", "total", "HTML", "peak memory"],
                [
                    [
                        e["size"],
                        e.get("nodes", "–"),
                        e.get("edges", "–"),
                        duration(e.get("layout_s")),
                        duration(e.get("write_s")),
                        duration(e.get("page_s")) if "page_s" in e else e.get("error", "–"),
                        f"{e['html_mb']} MB" if "html_mb" in e else "–",
                        f"{e['peak_rss_mb']:.0f} MB" if "peak_rss_mb" in e else "–",
                    ]
                    for e in results["page"]
                ],
            ),
        ]
    viz = results.get("viz")
    if viz:
        parts.append("## Browser time-to-ready (`bench/viz.py`, headless Chromium, network refused)")
        if "error" in viz:
            parts.append(f"error: {viz['error']}")
        else:
            parts.append(
                _table(
                    [
                        "nodes",
                        "edges",
                        "layout",
                        "render",
                        "HTML",
                        "ready (wall)",
                        "ready (in page)",
                        "slider step",
                        "filter",
                        "search",
                        "requests",
                        "console errors",
                    ],
                    [
                        [
                            p["nodes"],
                            p["edges"],
                            f"{p['layout_s']} s",
                            f"{p['render_s']} s",
                            f"{p['html_mb']} MB",
                            f"{p['ready_wall_ms'] / 1000:.2f} s",
                            f"{p['ready_ms'] / 1000:.2f} s",
                            f"{p['slider_ms']:.0f} ms" if "slider_ms" in p else "–",
                            f"{p['filter_ms']:.0f} ms",
                            f"{p['search_ms']:.0f} ms",
                            p["requests"],
                            p["console_errors"],
                        ]
                        for p in viz["pages"]
                    ],
                )
            )
            parts.append(
                f"Python process peak {viz['peak_rss_mb']:.0f} MB; largest browser process "
                f"{viz['largest_browser_process_rss_mb']:.0f} MB."
            )
    ingest = results.get("ingest")
    if ingest:
        parts.append("## Ingestion (`kg.ingest.ingest`, per document)")
        if "error" in ingest:
            parts.append(f"error: {ingest['error']}")
        else:
            parts.append(
                _table(
                    ["document", "bytes", "runs", "median", "p95"],
                    [
                        [d["document"], f"{d['bytes']:,}", d["n"], duration(d["median_s"]), duration(d["p95_s"])]
                        for d in ingest["documents"]
                    ],
                )
            )
            failures = "".join(f"; {name} failed: {why}" for name, why in ingest["failures"].items())
            parts.append(
                f"Throughput {ingest['docs_per_s']} documents/s (sum of medians); "
                f"peak memory {ingest['peak_rss_mb']:.0f} MB{failures}."
            )
    return "\n\n".join(parts) + "\n"
