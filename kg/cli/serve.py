"""``kg serve``: the SPARQL endpoint; ``kg push``: the built graph into another SPARQL server."""

from __future__ import annotations

import ipaddress
import os
import resource
import signal
from pathlib import Path

import click

from ..build import BUILD_DIR, TRIG_NAME
from ..errors import KgError
from ..limits import ENDPOINT_LIMITS
from ..remote import RemoteStore
from ..remote import push as push_file
from ..serve import Fairness, ServeConfig, SparqlServer
from ..store import StoreSpec
from ..workers import Limits, StoreConfig


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _stop(signum, frame) -> None:
    raise KeyboardInterrupt


def _enough_files(connections: int) -> None:
    """Raise the open-file limit as far as allowed: each connection is a file."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = connections + 256  # the workers' pipes, the data files, the listening socket
    if soft != resource.RLIM_INFINITY and soft < wanted:
        target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
        if target < wanted:
            click.echo(
                f"kg serve: warning: at most {target} open files allowed (ulimit -n); "
                f"--max-connections {connections} cannot all be open",
                err=True,
            )


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (loopback by default).")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535), help="0 picks a free port.")
@click.option(
    "--store",
    "spec",
    default="oxigraph",
    show_default=True,
    help="oxigraph (in memory), oxigraph:PATH (on disk, opened read-only), memory (rdflib).",
)
@click.option(
    "--data",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help=f"RDF file an in-memory store loads.  [default: build/{TRIG_NAME}]",
)
@click.option(
    "--timeout",
    default=10.0,
    show_default=True,
    type=click.FloatRange(min=0.1),
    help="Seconds a query may run before it is stopped (503).",
)
@click.option(
    "--max-rows",
    default=100_000,
    show_default=True,
    type=click.IntRange(min=1),
    help="Rows (or triples) an answer may have; a larger answer is refused (413), never cut short.",
)
@click.option(
    "--max-bytes",
    default=ENDPOINT_LIMITS.max_bytes,
    show_default=True,
    type=click.IntRange(min=1),
    help="Bytes an answer may have; a larger answer is refused (413), never cut short.",
)
@click.option(
    "--workers",
    default=2,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Query worker processes, each with its own copy of an in-memory store.",
)
@click.option(
    "--allow-update", is_flag=True, help="Accept SPARQL updates (one worker then); LOAD and SERVICE stay refused."
)
@click.option(
    "--page",
    type=click.Path(dir_okay=False, path_type=Path),
    default=BUILD_DIR / "graph.html",
    show_default=True,
    help="Network page served at /.",
)
@click.option(
    "--client-queries",
    default=Fairness.client_queries,
    show_default=True,
    type=click.IntRange(min=1),
    help="Requests one client (remote address) may have waiting or running at once; past it 429.",
)
@click.option(
    "--client-seconds",
    default=Fairness.client_seconds,
    show_default=True,
    type=click.FloatRange(min=0.1),
    help="Seconds of query time one client may use per minute; past it 429 with Retry-After.",
)
@click.option(
    "--queue",
    default=Fairness.queue,
    show_default=True,
    type=click.IntRange(min=1),
    help="Requests that may wait for a worker; past it 503 with Retry-After.",
)
@click.option(
    "--max-connections",
    default=ServeConfig.max_connections,
    show_default=True,
    type=click.IntRange(min=16),
    help="Open connections; past it the longest idle ones are closed.",
)
@click.option(
    "--request-timeout",
    default=ServeConfig.request_timeout,
    show_default=True,
    type=click.FloatRange(min=0.1),
    help="Seconds a connection may take to send a whole request (from opening, or from its last answer).",
)
@click.option("-q", "--quiet", is_flag=True, help="No line per request on stderr.")
def serve(
    host,
    port,
    spec,
    data,
    timeout,
    max_rows,
    max_bytes,
    workers,
    allow_update,
    page,
    client_queries,
    client_seconds,
    queue,
    max_connections,
    request_timeout,
    quiet,
) -> None:
    """Serve the graph as a SPARQL 1.1 endpoint at /sparql, with a query page at /query.

    Read-only unless --allow-update: updates, LOAD, SERVICE and FROM graphs that
    are not in the store are refused before anything runs. The workers are
    shared fairly: each client has a budget of concurrent requests and of query
    time (429 with Retry-After past it), and expensive queries never hold the
    last free worker.
    """
    if StoreSpec.parse(spec).in_memory:
        data = data or BUILD_DIR / TRIG_NAME
        if not data.is_file():
            raise KgError(f"{data}: no such file; run kg build first, or pass --data FILE")
    elif data is not None:
        raise KgError(f"--data is for in-memory stores; {spec!r} is served as it is")
    if not _is_loopback(host):
        click.echo(f"kg serve: warning: listening on {host}: anyone who can reach this machine can query it", err=True)
    config = ServeConfig(
        host=host,
        port=port,
        store=StoreConfig(spec, data, writable=allow_update),
        limits=Limits(timeout=timeout, max_rows=max_rows, max_bytes=max_bytes),
        workers=workers,
        allow_update=allow_update,
        page=page,
        quiet=quiet,
        fairness=Fairness(client_queries=client_queries, client_seconds=client_seconds, queue=queue),
        max_connections=max_connections,
        request_timeout=request_timeout,
    )
    _enough_files(max_connections)
    server = SparqlServer(config)
    signal.signal(signal.SIGTERM, _stop)
    mode = "read-write" if allow_update else "read-only"
    click.echo(
        f"kg serve: SPARQL endpoint {server.url} ({mode}; {server.pool.size} worker(s), "
        f"time limit {timeout:g} s, at most {max_rows} rows and {max_bytes} bytes); query page {server.origin}/query",
    )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()


@click.command()
@click.option("--endpoint", required=True, help="The server's SPARQL query URL, e.g. http://127.0.0.1:7878/query.")
@click.option(
    "--update",
    "update_url",
    default=None,
    help="Its SPARQL update URL.  [default: .../update for an endpoint ending in /query, else the endpoint]",
)
@click.option(
    "--graph-store",
    default=None,
    help="Its Graph Store Protocol URL.  [default: .../store for an endpoint ending in /query]",
)
@click.option(
    "--via",
    type=click.Choice(["auto", "gsp", "update"]),
    default="auto",
    show_default=True,
    help="Write graphs by Graph Store Protocol PUT or by SPARQL Update; auto: GSP when its URL is known.",
)
@click.option(
    "--file",
    "path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=BUILD_DIR / TRIG_NAME,
    show_default=True,
    help="The dataset to push.",
)
@click.option("--user", default=None, help="HTTP basic-auth user; the password is read from KG_SPARQL_PASSWORD.")
def push(endpoint, update_url, graph_store, via, path, user) -> None:
    """Push the built graph, named graphs included, into a SPARQL 1.1 server.

    Each graph on the server is replaced whole, so pushing twice changes
    nothing; afterwards every graph's triple count is checked on the server.
    """
    options = {"user": user, "password": os.environ.get("KG_SPARQL_PASSWORD")}
    if update_url:
        options["update_endpoint"] = update_url
    if graph_store or via == "update":
        options["graph_store"] = None if via == "update" else graph_store
    remote = RemoteStore.from_url(endpoint, **options)
    if via == "gsp" and not remote.graph_store:
        raise KgError("--via gsp needs --graph-store URL (or an endpoint ending in /query)")
    report = push_file(path, remote)
    for graph, count in sorted(report.graphs.items(), key=lambda item: item[0] or ""):
        click.echo(f"{count:>9} triples  {graph or '(default graph)'}")
    total = sum(report.graphs.values())
    click.echo(
        f"kg push: {total} triples in {len(report.graphs)} graph(s) to {endpoint} "
        f"by {report.method} in {report.seconds:.1f} s; every graph's count checked on the server"
    )


COMMANDS = [serve, push]
