"""The endpoint under abuse: well-behaved clients beside looping expensive clients and a connection flood.

    python -m bench.endpoint_abuse                      # 50 clients for 30 s, 2 expensive loops, 4,000 idle connections
    python -m bench.endpoint_abuse --seconds 5 --clients 10 --flood 500

It starts ``kg serve --timeout 5`` on the made-up test graph (kg/examples/query-graph.trig)
and runs, at the same time:

* ``--clients`` well-behaved clients, each a thread on one keep-alive connection from its own
  loopback address (127.0.1.N), sending a cheap SELECT, ASK or CONSTRUCT in turn;
* two expensive clients, each a process from its own address (127.0.2.N), looping on a query
  that runs into the time limit (a cross join of the store with itself, three times), again as
  soon as they have an answer, whatever it was (a refusal costs them 50 ms: a shell loop);
* a flood: two processes holding ``--flood`` / 2 idle connections each (127.0.3.N), opened while
  the clients run and held to the end.

It prints a Markdown table: per client kind, requests, the answers by status, and for the
well-behaved clients p50 and p99 latency; an error is any answer but 200 to a well-behaved
client. tests/test_serve_abuse.py runs the same functions with zero errors as its assertion.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import http.client
import json
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SELECT = "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> SELECT ?s ?label WHERE { ?s rdfs:label ?label } LIMIT 20"
ASK = "ASK { ?s a <https://schema.org/Organization> }"
CONSTRUCT = (
    "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
    "CONSTRUCT { ?s rdfs:label ?l } WHERE { ?s rdfs:label ?l } LIMIT 20"
)
CHEAP = (SELECT, ASK, CONSTRUCT)
# ~6e9 rows to count on the test graph: runs into any time limit
EXPENSIVE = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


@dataclass(frozen=True)
class LoadReport:
    """What the well-behaved clients saw."""

    clients: int
    seconds: float
    requests: int
    errors: tuple[str, ...]
    p50: float
    p99: float

    def __str__(self) -> str:
        return (
            f"{self.clients} clients x {self.seconds:.0f} s: {self.requests} requests "
            f"({self.requests / self.seconds:.0f}/s), {len(self.errors)} errors, "
            f"p50 {self.p50 * 1000:.1f} ms, p99 {self.p99 * 1000:.1f} ms"
        )


def address(group: int, number: int) -> str:
    """A loopback address of its own for each client (127.0.GROUP.NUMBER): the endpoint tells clients apart by it."""
    return f"127.0.{group}.{number % 250 + 1}"


def post(connection: http.client.HTTPConnection, path: str, query: str) -> tuple[int, bytes]:
    body = urllib.parse.urlencode({"query": query})
    connection.request(
        "POST",
        path,
        body,
        {
            "Content-Type": "application/x-www-form-urlencoded",
            "Accept": "application/sparql-results+json, text/turtle;q=0.9",
        },
    )
    response = connection.getresponse()
    return response.status, response.read()


def well_behaved(url: str, clients: int, seconds: float, queries=CHEAP, group: int = 1) -> LoadReport:
    """``clients`` threads, each on one keep-alive connection from its own address, sending ``queries`` in turn."""
    split = urllib.parse.urlsplit(url)
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def connect(number: int) -> http.client.HTTPConnection:
        return http.client.HTTPConnection(
            split.hostname, split.port, timeout=30, source_address=(address(group, number), 0)
        )

    def client(number: int) -> None:
        connection, mine, count = connect(number), [], number
        while time.monotonic() < stop_at:
            query = queries[count % len(queries)]
            count += 1
            started = time.perf_counter()
            try:
                status, payload = post(connection, split.path, query)
                if status != 200:
                    with lock:
                        errors.append(f"{status}: {payload[:200]!r}")
            except (OSError, http.client.HTTPException) as error:
                with lock:
                    errors.append(repr(error))
                connection.close()
                connection = connect(number)
            mine.append(time.perf_counter() - started)
        connection.close()
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    latencies.sort()

    def pick(q: float) -> float:
        return latencies[min(len(latencies) - 1, int(q * len(latencies)))] if latencies else float("nan")

    return LoadReport(clients, seconds, len(latencies), tuple(errors), pick(0.50), pick(0.99))


# ---------------------------------------------------------------- helpers run as their own processes


def _expensive_main(url: str, source: str, seconds: float, vary: bool) -> None:
    """Loop on the expensive query until ``seconds`` pass (``vary``: a new comment each time, so a new text);
    print the answers by status as JSON."""
    split = urllib.parse.urlsplit(url)
    statuses: collections.Counter[str] = collections.Counter()
    retry_after: list[str] = []
    stop_at = time.monotonic() + seconds
    connection = None
    while time.monotonic() < stop_at:
        try:
            connection = connection or http.client.HTTPConnection(
                split.hostname, split.port, timeout=60, source_address=(source, 0)
            )
            text = f"{EXPENSIVE} # {source} {time.monotonic_ns()}" if vary else EXPENSIVE
            connection.request("POST", split.path, text.encode(), {"Content-Type": "application/sparql-query"})
            response = connection.getresponse()
            response.read()
            statuses[str(response.status)] += 1
            if response.status in (429, 503) and response.getheader("Retry-After"):
                retry_after.append(response.getheader("Retry-After"))
            if response.getheader("Retry-After"):  # refused at once: a shell loop would start curl again
                time.sleep(0.05)
        except (OSError, http.client.HTTPException) as error:
            statuses[type(error).__name__] += 1
            connection = None
            time.sleep(0.05)
    print(json.dumps({"statuses": statuses, "retry_after": sorted(set(retry_after))}), flush=True)


def _flood_main(host: str, port: int, count: int, source: str) -> None:
    """Open ``count`` idle connections, say so, hold them until stdin closes, then close them all."""
    sockets = []
    for _ in range(count):
        with contextlib.suppress(OSError):  # a refused connection is one fewer to hold
            sockets.append(socket.create_connection((host, port), timeout=10, source_address=(source, 0)))
    print(len(sockets), flush=True)
    sys.stdin.read()
    for sock in sockets:
        sock.close()


def _helper(*args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "bench.endpoint_abuse", *args],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )


@dataclass
class Abuse:
    """Expensive loops and a connection flood against ``url``, running until :meth:`stop`."""

    url: str
    seconds: float
    flood: int = 4000
    expensive: int = 2
    sources: tuple[str, ...] = ()  # the expensive clients' addresses (default: one each)
    vary: bool = False  # each expensive query a new text
    loops: list[subprocess.Popen] = field(default_factory=list)
    floods: list[subprocess.Popen] = field(default_factory=list)
    opened: int = 0

    def start_expensive(self) -> None:
        for number in range(self.expensive):
            source = self.sources[number] if self.sources else address(2, number)
            mode = "vary" if self.vary else "same"
            self.loops.append(_helper("expensive", self.url, source, str(self.seconds), mode))

    def start_flood(self) -> None:
        split = urllib.parse.urlsplit(self.url)
        halves = (self.flood // 2, self.flood - self.flood // 2)
        for number, count in enumerate(halves):
            if count:
                self.floods.append(_helper("flood", split.hostname, str(split.port), str(count), address(3, number)))
        self.opened = sum(int(process.stdout.readline() or 0) for process in self.floods)

    def end_flood(self) -> None:
        for process in self.floods:
            process.stdin.close()
        for process in self.floods:
            process.wait(60)
        self.floods = []

    def stop(self) -> dict[str, int]:
        """End the flood, wait for the loops; the expensive clients' answers by status, summed."""
        self.end_flood()
        total: collections.Counter[str] = collections.Counter()
        self.retry_after: set[str] = set()
        for process in self.loops:
            out, _ = process.communicate(timeout=self.seconds + 120)
            found = json.loads(out.strip().splitlines()[-1])
            total.update(found["statuses"])
            self.retry_after.update(found["retry_after"])
        self.loops = []
        return dict(total)


def measure(url: str, seconds: float, clients: int, flood: int) -> tuple[LoadReport, dict[str, int], int]:
    """The well-behaved clients' report, the expensive clients' answers, and how many flood connections opened."""
    abuse = Abuse(url, seconds, flood)
    report_box: list[LoadReport] = []
    load = threading.Thread(target=lambda: report_box.append(well_behaved(url, clients, seconds)))
    load.start()
    time.sleep(min(2.0, seconds / 6))  # the expensive loops and the flood arrive while the clients are served
    abuse.start_expensive()
    time.sleep(min(2.0, seconds / 6))
    abuse.start_flood()
    load.join()
    expensive = abuse.stop()
    return report_box[0], expensive, abuse.opened


def main(argv: list[str] | None = None) -> None:
    if argv is None:
        argv = sys.argv[1:]
    if argv and argv[0] == "expensive":
        _expensive_main(argv[1], argv[2], float(argv[3]), argv[4] == "vary")
        return
    if argv and argv[0] == "flood":
        _flood_main(argv[1], int(argv[2]), int(argv[3]), argv[4])
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--flood", type=int, default=4000)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    from tests.servers import kg_serve

    with tempfile.TemporaryDirectory() as tmp, kg_serve(Path(tmp), "--timeout", "5", "--quiet") as server:
        report, expensive, opened = measure(server.url, args.seconds, args.clients, args.flood)
    print("| clients | requests | answers | p50 | p99 |\n|---|---|---|---|---|")
    print(
        f"| {args.clients} well-behaved, {args.seconds:.0f} s | {report.requests} | "
        f"{report.requests - len(report.errors)} × 200, {len(report.errors)} errors | "
        f"{report.p50 * 1000:.1f} ms | {report.p99 * 1000:.1f} ms |"
    )
    answers = ", ".join(f"{count} × {status}" for status, count in sorted(expensive.items()))
    print(f"| 2 expensive loops | {sum(expensive.values())} | {answers} | – | – |")
    print(f"| flood | {opened} connections held | – | – | – |")
    for error in report.errors[:5]:
        print(f"error: {error}", file=sys.stderr)


if __name__ == "__main__":
    main()
