"""The SPARQL 1.1 Protocol endpoint: ``kg serve``.

Routes: ``/sparql`` (queries by GET, form POST or ``application/sparql-query``
POST; updates only when started with ``allow_update``; without a query a
service description in Turtle), ``/query`` (a YASGUI query page, served from
this package, no CDN) and ``/`` (the network page written by ``kg viz``).

Requests are checked (kg.guard) and run (kg.workers) in worker processes with a
time limit and a result-size limit. Read-only answers carry CORS headers so
that browser pages elsewhere can query; updates never do, and an update from
a page of another origin is refused.

>>> import tempfile, threading, urllib.request
>>> with tempfile.NamedTemporaryFile("w", suffix=".nt", delete=False) as data:
...     _ = data.write('<urn:a> <urn:p> "x" .')
>>> server = SparqlServer(ServeConfig(port=0, store=StoreConfig("oxigraph", Path(data.name))))
>>> threading.Thread(target=server.serve_forever, daemon=True).start()
>>> url = server.url + "?query=ASK%20%7B%20%3Curn%3Aa%3E%20%3Fp%20%3Fo%20%7D"
>>> urllib.request.urlopen(urllib.request.Request(url, headers={"Accept": "text/csv"})).read()
b'true'
>>> server.close()
"""

from __future__ import annotations

import sys
import traceback
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF

from .errors import KgError
from .workers import GRAPH_FORMATS, RESULT_FORMATS, Limits, Reply, Request, StoreConfig, WorkerPool

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
STATIC = Path(__file__).parent / "static" / "yasgui"
# the only files served besides the network page: nothing else on disk is reachable
_STATIC_ROUTES = {
    "/query": ("index.html", "text/html; charset=utf-8"),
    "/yasgui/yasgui.min.js": ("yasgui.min.js", "text/javascript; charset=utf-8"),
    "/yasgui/yasgui.min.css": ("yasgui.min.css", "text/css; charset=utf-8"),
}
_NO_PAGE = b"""<!doctype html><meta charset="utf-8"><title>battery-kg</title>
<h1>battery-kg SPARQL endpoint</h1>
<p>No network page yet: run <code>kg viz</code> to write build/graph.html.</p>
<p>Query the graph on the <a href="/query">query page</a> or at <code>/sparql</code>.</p>
"""
_CORS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
    "Access-Control-Allow-Headers": "Accept, Content-Type",
    "Access-Control-Max-Age": "600",
}


@dataclass(frozen=True)
class ServeConfig:
    """Everything ``kg serve`` is told: where to listen, what to serve, the limits."""

    host: str = "127.0.0.1"
    port: int = 8000
    store: StoreConfig = field(default_factory=StoreConfig)
    limits: Limits = field(default_factory=Limits)
    workers: int = 2
    allow_update: bool = False
    page: Path = Path("build/graph.html")
    max_body: int = 1 << 20
    quiet: bool = False


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "battery-kg"
    timeout = 60  # drop idle keep-alive connections
    disable_nagle_algorithm = True  # headers and body go out in two writes: without this, 40 ms delayed-ACK stalls
    server: SparqlServer

    # ------------------------------------------------------------ plumbing

    def _send(self, status: int, content_type: str, body: bytes, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Content-Type-Options", "nosniff")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def _reply(self, reply: Reply, cors: bool = True) -> None:
        headers = dict(_CORS) if cors else {}
        if reply.status == 405:
            headers["Allow"] = "GET, POST, OPTIONS"
        self._send(reply.status, reply.media_type, reply.body, headers)

    def _error(self, status: int, message: str, cors: bool = True) -> None:
        self._reply(Reply.message(status, message), cors)

    def log_message(self, format: str, *args) -> None:
        if not self.server.config.quiet:
            sys.stderr.write(f"{self.address_string()} {format % args}\n")

    def _guarded(self, handler) -> None:
        try:
            handler()
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
        except Exception:  # a bug must cost one request, never the server, and show no traceback to the client
            traceback.print_exc(file=sys.stderr)
            self.close_connection = True
            try:
                self._error(500, "internal error; see the server log")
            except OSError:
                pass

    # ------------------------------------------------------------ routes

    def do_GET(self) -> None:
        self._guarded(self._get)

    def do_POST(self) -> None:
        self._guarded(self._post)

    def do_OPTIONS(self) -> None:
        self._guarded(lambda: self._send(204, "text/plain", b"", dict(_CORS)))

    def _get(self) -> None:
        url = urlsplit(self.path)
        if url.path == "/sparql":
            params = self._params(url.query)
            if params is None:
                return
            if "update" in params:
                self._error(405, "send updates with POST")
            elif "query" not in params:
                self._send(200, "text/turtle; charset=utf-8", self.server.service_description(), dict(_CORS))
            else:
                self._query(params)
        elif url.path in _STATIC_ROUTES:
            name, content_type = _STATIC_ROUTES[url.path]
            self._send(200, content_type, (STATIC / name).read_bytes(), {"Cache-Control": "max-age=3600"})
        elif url.path in ("/", "/index.html"):
            page = self.server.config.page
            body = page.read_bytes() if page.is_file() else _NO_PAGE
            self._send(200, "text/html; charset=utf-8", body, {"Cache-Control": "no-cache"})
        else:
            self._error(404, f"nothing at {url.path}: try /sparql, /query or /", cors=False)

    def _post(self) -> None:
        url = urlsplit(self.path)
        if url.path != "/sparql":
            self._error(404, f"nothing at {url.path}: POST queries to /sparql", cors=False)
            return
        body = self._body()
        if body is None:
            return
        params = self._params(url.query)
        if params is None:
            return
        content_type = self.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if content_type == "application/x-www-form-urlencoded":
            form = self._params(body)
            if form is None:
                return
            params.update(form)
        elif content_type == "application/sparql-query":
            params["query"] = [body]
        elif content_type == "application/sparql-update":
            params["update"] = [body]
        else:
            self._error(
                415,
                "POST a form (application/x-www-form-urlencoded), application/sparql-query "
                "or application/sparql-update",
            )
            return
        if "update" in params and "query" in params:
            self._error(400, "a request holds either a query or an update, not both")
        elif "update" in params:
            self._update(params)
        elif "query" in params:
            self._query(params)
        else:
            self._error(400, "no query: send query=... (or update=...)")

    # ------------------------------------------------------------ requests

    def _body(self) -> str | None:
        length = self.headers.get("Content-Length")
        if length is None or not length.isdigit():
            self.close_connection = True
            self._error(411, "a POST needs a Content-Length")
            return None
        if int(length) > self.server.config.max_body:
            self.close_connection = True
            if int(length) <= 64 * self.server.config.max_body:
                # read it away, so that the client, still sending, gets to read the answer
                for start in range(0, int(length), 1 << 16):
                    self.rfile.read(min(1 << 16, int(length) - start))
            self._error(413, f"request body over {self.server.config.max_body} bytes")
            return None
        try:
            return self.rfile.read(int(length)).decode("utf-8")
        except UnicodeDecodeError:
            self._error(400, "the request body is not UTF-8")
            return None

    def _params(self, text: str) -> dict[str, list[str]] | None:
        try:
            return parse_qs(text, keep_blank_values=True, strict_parsing=False, errors="strict")
        except (UnicodeDecodeError, ValueError) as error:
            self._error(400, f"malformed parameters: {error}")
            return None

    def _one(self, params: dict[str, list[str]], name: str) -> str | None:
        values = set(params.get(name, ()))  # some clients repeat a parameter in the URL and the body
        if len(values) > 1:
            raise _BadRequest(f"give {name} once, not {len(values)} different values")
        return values.pop() if values else None

    def _query(self, params: dict[str, list[str]]) -> None:
        try:
            request = Request(
                "query",
                self._one(params, "query") or "",
                accept=self.headers.get("Accept"),
                formats=(*params.get("format", ()), *params.get("output", ())),
                default_graphs=tuple(params.get("default-graph-uri", ())),
                named_graphs=tuple(params.get("named-graph-uri", ())),
            )
        except _BadRequest as error:
            self._error(400, str(error))
            return
        self._reply(self.server.pool.run(request))

    def _update(self, params: dict[str, list[str]]) -> None:
        if not self.server.config.allow_update:
            self._error(403, "updates are refused: this endpoint is read-only (kg serve --allow-update enables them)")
            return
        origin = self.headers.get("Origin")
        if origin and origin != self.server.origin:
            self._error(403, f"updates from pages of other origins ({origin}) are refused", cors=False)
            return
        if params.get("using-graph-uri") or params.get("using-named-graph-uri"):
            self._error(400, "using-graph-uri / using-named-graph-uri are not supported; use USING in the update")
            return
        try:
            text = self._one(params, "update") or ""
        except _BadRequest as error:
            self._error(400, str(error), cors=False)
            return
        self._reply(self.server.pool.run(Request("update", text)), cors=False)


class _BadRequest(Exception):
    pass


class SparqlServer(ThreadingHTTPServer):
    """The endpoint: an HTTP server in front of a pool of SPARQL workers."""

    daemon_threads = True
    request_queue_size = 128  # socketserver's 5 resets connections when dozens of clients arrive at once

    def __init__(self, config: ServeConfig):
        self.config = config
        self.pool = WorkerPool(config.store, config.limits, 1 if config.allow_update else config.workers)
        try:
            super().__init__((config.host, config.port), _Handler)
        except OSError as error:
            self.pool.close()
            raise KgError(f"cannot listen on {config.host}:{config.port}: {error.strerror}") from error
        self._serving = False

    def serve_forever(self, poll_interval: float = 0.5) -> None:
        self._serving = True
        super().serve_forever(poll_interval)

    @property
    def origin(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def url(self) -> str:
        """The endpoint's address, e.g. ``http://127.0.0.1:8000/sparql``."""
        return self.origin + "/sparql"

    def service_description(self) -> bytes:
        """A SPARQL 1.1 service description of this endpoint, in Turtle."""
        graph = Graph()
        graph.bind("sd", SD)
        service, dataset = BNode(), BNode()
        graph.add((service, RDF.type, SD.Service))
        graph.add((service, SD.endpoint, URIRef(self.url)))
        graph.add((service, SD.supportedLanguage, SD.SPARQL11Query))
        if self.config.allow_update:
            graph.add((service, SD.supportedLanguage, SD.SPARQL11Update))
        graph.add((service, SD.feature, SD.UnionDefaultGraph))
        for fmt in RESULT_FORMATS + GRAPH_FORMATS:
            graph.add((service, SD.resultFormat, URIRef(fmt.iri)))
        graph.add((service, SD.defaultDataset, dataset))
        graph.add((dataset, RDF.type, SD.Dataset))
        default = BNode()
        graph.add((dataset, SD.defaultGraph, default))
        graph.add((default, RDF.type, SD.Graph))
        reply = self.pool.run(Request("graphs"))
        names = reply.body.decode().split() if reply.status == 200 else []
        for name in names:
            named = BNode()
            graph.add((dataset, SD.namedGraph, named))
            graph.add((named, RDF.type, SD.NamedGraph))
            graph.add((named, SD.name, URIRef(name)))
        graph.add(
            (
                service,
                DCTERMS.description,
                Literal(
                    f"battery-kg endpoint; time limit {self.config.limits.timeout:g} s, "
                    f"at most {self.config.limits.max_rows} rows per answer"
                ),
            )
        )
        return graph.serialize(format="turtle").encode()

    def close(self) -> None:
        """Stop listening and stop the workers."""
        if self._serving:
            self.shutdown()
        self.server_close()
        self.pool.close()
