"""The SPARQL 1.1 Protocol endpoint: ``kg serve``.

Routes: ``/sparql`` (queries by GET, form POST or ``application/sparql-query``
POST; updates only when started with ``allow_update``; without a query a
service description in Turtle), ``/query`` (a YASGUI query page, served from
this package, no CDN) and ``/`` (the network page written by ``kg viz``).

HTTP is uvicorn's (an event loop: open connections cost no thread), under a
small ASGI app. Requests are checked (kg.guard) and run (kg.workers) in worker
processes with a time limit and limits on rows and bytes; a scheduler shares
the workers fairly between clients (:class:`Fairness`). Read-only answers carry
CORS headers so that browser pages elsewhere can query; answers to updates
never do, and an update from a page of another origin is refused.

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

import asyncio
import functools
import hashlib
import itertools
import math
import socket
import sys
import threading
import time
import traceback
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import pyoxigraph as ox
import uvicorn
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF
from rdflib.plugins.sparql.parser import expandUnicodeEscapes
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from .catalogue import catalogue_json
from .errors import KgError, QueryError, Refused
from .guard import tokens
from .limits import ENDPOINT_LIMITS, Limits
from .store import checked, checked_update
from .workers import GRAPH_FORMATS, RESULT_FORMATS, Reply, Request, StoreConfig, WorkerPool

__all__ = ["Fairness", "Scheduler", "ServeConfig", "SparqlServer"]

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
# SPARQL functions whose value changes from one evaluation to the next
_NONDETERMINISTIC = ("STRUUID", "UUID", "RAND", "NOW")


@dataclass(frozen=True)
class Fairness:
    """How the workers are shared between clients (a client is a remote address).

    ``client_queries``: requests one client may have waiting or running at once;
    ``client_seconds``: seconds of query time one client may use per minute
    (a bucket that refills at that rate, so a burst of that much is allowed);
    past either the client gets ``429 Too Many Requests`` with ``Retry-After``.
    ``queue``: requests that may wait for a worker, from all clients together;
    past it ``503`` with ``Retry-After``. A request waits at most twice the time limit.
    ``heavy_seconds``: a query text that ran this long the last time is
    *heavy*, and so is any new text from a client whose last ``heavy_strikes``
    new texts within a minute each ran this long (one that varies its expensive
    query); heavy requests never occupy the last free worker, so cheap queries
    are answered while expensive ones run, even those from the same address.
    """

    client_queries: int = 4
    client_seconds: float = 30.0
    queue: int = 128
    heavy_seconds: float = 1.0
    heavy_strikes: int = 3


@dataclass(frozen=True)
class ServeConfig:
    """Everything ``kg serve`` is told: where to listen, what to serve, the limits."""

    host: str = "127.0.0.1"
    port: int = 8000
    store: StoreConfig = field(default_factory=StoreConfig)
    limits: Limits = ENDPOINT_LIMITS
    workers: int = 2
    allow_update: bool = False
    page: Path = Path("build/graph.html")
    max_body: int = 1 << 20
    quiet: bool = False
    fairness: Fairness = field(default_factory=Fairness)
    # open connections; past it the longest idle ones are closed
    max_connections: int = 4096
    # seconds a connection may take to send a whole request, from opening or from its last answer
    request_timeout: float = 20.0


@dataclass(frozen=True)
class _Answer:
    status: int
    content_type: str
    body: bytes
    headers: tuple[tuple[str, str], ...] = ()

    @classmethod
    def of(cls, reply: Reply, headers: dict[str, str] | None = None) -> _Answer:
        return cls(reply.status, reply.media_type, reply.body, tuple((headers or {}).items()))

    @classmethod
    def message(cls, status: int, text: str, headers: dict[str, str] | None = None) -> _Answer:
        return cls.of(Reply.message(status, text), headers)


# ---------------------------------------------------------------- sharing the workers


@dataclass
class _Client:
    balance: float  # seconds of query time left
    stamp: float  # when the balance was last refilled
    active: int = 0  # requests waiting or running
    strikes: list[float] = field(default_factory=list)  # when its recent new query texts turned out heavy


@dataclass(eq=False)
class _Ticket:
    client: _Client
    heavy: bool
    order: int
    future: asyncio.Future


def _digest(text: str) -> bytes:
    return hashlib.blake2b(text.encode(), digest_size=16).digest()


class Scheduler:
    """Runs requests on a worker pool, fairly: per-client budgets of time and concurrency, a bounded queue.

    All of it runs on the server's event loop; the blocking ``WorkerPool.run``
    calls go to threads, never more at once than the pool has ready workers.
    When a worker frees, the waiting request of the client with the most budget
    left goes first, so a client that loops on expensive queries waits behind
    everyone else (and then gets 429), while heavy requests never take the last
    ready worker (unless there is only one).
    """

    def __init__(self, pool: WorkerPool, fairness: Fairness, max_wait: float):
        self.pool, self.fairness, self.max_wait = pool, fairness, max_wait
        self._threads = ThreadPoolExecutor(pool.size, thread_name_prefix="kg-query")
        self._clients: dict[str, _Client] = {}
        self._waiting: list[_Ticket] = []
        self._running = self._heavy_running = self._order = 0
        # how long recent query texts ran, by a digest of the text (a text may be a megabyte)
        self._seconds: OrderedDict[bytes, float] = OrderedDict()
        self._ticker: asyncio.Task | None = None

    @property
    def _rate(self) -> float:
        return self.fairness.client_seconds / 60

    def _client(self, address: str, now: float) -> _Client:
        client = self._clients.get(address)
        if client is None:
            client = self._clients[address] = _Client(self.fairness.client_seconds, now)
        return self._refill(client, now)

    def _refill(self, client: _Client, now: float) -> _Client:
        client.balance = min(self.fairness.client_seconds, client.balance + (now - client.stamp) * self._rate)
        client.stamp = now
        return client

    def _is_heavy(self, client: _Client, text: str, now: float) -> bool:
        seconds = self._seconds.get(_digest(text))
        if seconds is not None:
            return seconds >= self.fairness.heavy_seconds
        client.strikes = [when for when in client.strikes if now - when < 60]
        return len(client.strikes) >= self.fairness.heavy_strikes

    def _remember(self, text: str, seconds: float) -> None:
        key = _digest(text)
        self._seconds[key] = seconds
        self._seconds.move_to_end(key)
        while len(self._seconds) > 4096:
            self._seconds.popitem(last=False)

    async def run(self, address: str, request: Request) -> _Answer:
        """Run ``request`` for the client at ``address``, or say why not and when to come back."""
        loop = asyncio.get_running_loop()
        if self._ticker is None:
            self._ticker = loop.create_task(self._tick())
        now = loop.time()
        client = self._client(address, now)
        if client.active >= self.fairness.client_queries:
            return _Answer.message(
                429,
                f"more than {self.fairness.client_queries} requests at once from {address}; wait for the answers",
                {"Retry-After": "1"},
            )
        if client.balance <= 0:
            wait = max(1, math.ceil(-client.balance / self._rate))
            return _Answer.message(
                429,
                f"{address} used its {self.fairness.client_seconds:g} s of query time per minute; "
                f"try again in {wait} s",
                {"Retry-After": str(wait)},
            )
        if len(self._waiting) >= self.fairness.queue:
            return _Answer.message(
                503, f"{self.fairness.queue} requests are waiting already; try again", {"Retry-After": "1"}
            )
        heavy = self._is_heavy(client, request.text, now)
        self._order += 1
        ticket = _Ticket(client, heavy, self._order, loop.create_future())
        self._waiting.append(ticket)
        client.active += 1
        expiry = loop.call_later(self.max_wait, self._expire, ticket)
        self._dispatch()
        launched = False
        try:
            if not await ticket.future:
                return _Answer.message(
                    503,
                    f"all {self.pool.size} query workers stayed busy for {self.max_wait:g} s; try again",
                    {"Retry-After": str(max(1, math.ceil(self.max_wait / 2)))},
                )
            launched = True
            job = loop.run_in_executor(self._threads, self.pool.run, request)
            # the books are kept when the worker is done, even if this request is cancelled before that
            job.add_done_callback(functools.partial(self._finished, ticket, request.text, loop.time()))
            return _Answer.of(await asyncio.shield(job))
        finally:
            expiry.cancel()
            if ticket in self._waiting:
                self._waiting.remove(ticket)
            elif not launched and ticket.future.done() and not ticket.future.cancelled() and ticket.future.result():
                self._release(ticket)  # given a worker, then cancelled before it ran
            if not launched:
                client.active -= 1

    def _release(self, ticket: _Ticket) -> None:
        self._running -= 1
        self._heavy_running -= ticket.heavy
        self._dispatch()

    def _finished(self, ticket: _Ticket, text: str, started: float, job: asyncio.Future) -> None:
        now = asyncio.get_running_loop().time()
        ticket.client.active -= 1
        self._refill(ticket.client, now).balance -= now - started
        if text:
            if now - started >= self.fairness.heavy_seconds and _digest(text) not in self._seconds:
                ticket.client.strikes = [*ticket.client.strikes, now][-self.fairness.heavy_strikes :]
            self._remember(text, now - started)
        self._release(ticket)

    def _expire(self, ticket: _Ticket) -> None:
        if ticket in self._waiting and not ticket.future.done():
            self._waiting.remove(ticket)
            ticket.future.set_result(False)

    def _dispatch(self) -> None:
        now = asyncio.get_running_loop().time()
        for ticket in self._waiting:
            self._refill(ticket.client, now)
        ready = self.pool.ready
        heavy_limit = ready - 1 if self.pool.size > 1 else ready
        while self._waiting and self._running < ready:
            eligible = [
                t for t in self._waiting if not t.future.done() and (not t.heavy or self._heavy_running < heavy_limit)
            ]
            if not eligible:
                return
            ticket = max(eligible, key=lambda t: (t.client.balance, -t.order))
            self._waiting.remove(ticket)
            self._running += 1
            self._heavy_running += ticket.heavy
            ticket.future.set_result(True)

    async def _tick(self) -> None:
        # a replaced worker comes back without a request finishing: look again now and then
        while True:
            await asyncio.sleep(0.1)
            self._dispatch()
            if len(self._clients) > 1000:
                now = asyncio.get_running_loop().time()
                for address in [a for a, c in self._clients.items() if c.active == 0]:
                    if self._client(address, now).balance >= self.fairness.client_seconds:
                        del self._clients[address]

    def close(self) -> None:
        self._threads.shutdown(wait=False, cancel_futures=True)


# ---------------------------------------------------------------- connections


class _Connections:
    """The open connections of one server that are not being answered, longest idle first."""

    def __init__(self, limit: int, request_timeout: float):
        self.limit, self.request_timeout = limit, request_timeout
        self.idle: OrderedDict[_Connection, None] = OrderedDict()


class _Connection(HttpToolsProtocol):
    """uvicorn's HTTP/1.1 connection, with a deadline for each request and a cap on open connections.

    uvicorn closes a keep-alive connection left idle after an answer, but waits
    without end for a connection that sends nothing, or its headers a byte at a
    time. Here every request must arrive whole within ``request_timeout`` of the
    connection opening or of the last answer; and past ``limit`` open
    connections the longest idle ones are closed, so a flood of idle
    connections cannot lock out clients that send requests.
    """

    def __init__(self, *args: Any, registry: _Connections, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._registry = registry
        self._deadline: asyncio.TimerHandle | None = None

    def _await_request(self) -> None:
        self._registry.idle[self] = None
        self._registry.idle.move_to_end(self)
        if self._deadline is not None:
            self._deadline.cancel()
        self._deadline = self.loop.call_later(self._registry.request_timeout, self._expire)

    def _answering(self) -> None:
        self._registry.idle.pop(self, None)
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _expire(self) -> None:
        if not self.transport.is_closing():
            self.transport.close()

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._await_request()
        registry = self._registry
        while len(self.connections) > registry.limit and registry.idle:
            oldest, _ = registry.idle.popitem(last=False)
            oldest._answering()
            oldest.transport.close()
            self.connections.discard(oldest)  # gone now, not when the loop gets to its connection_lost

    def connection_lost(self, exc: Exception | None) -> None:
        self._answering()
        super().connection_lost(exc)

    def on_message_complete(self) -> None:
        self._answering()
        super().on_message_complete()

    def on_response_complete(self) -> None:
        pipelined = bool(self.pipeline)
        super().on_response_complete()
        if not pipelined and not self.transport.is_closing():
            self._await_request()


# ---------------------------------------------------------------- the application


class _BadRequest(Exception):
    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


def _one(params: dict[str, list[str]], name: str) -> str | None:
    values = set(params.get(name, ()))  # some clients repeat a parameter in the URL and the body
    if len(values) > 1:
        raise _BadRequest(f"give {name} once, not {len(values)} different values")
    return values.pop() if values else None


def _params(text: str) -> dict[str, list[str]]:
    try:
        return parse_qs(text, keep_blank_values=True, strict_parsing=False, errors="strict")
    except (UnicodeDecodeError, ValueError) as error:
        raise _BadRequest(f"malformed parameters: {error}") from None


def _check_dataset(graphs: tuple[str, ...], what: str) -> None:
    """Refuse a graph name that is not an absolute IRI: the store could only take it as a path or a mistake.

    >>> _check_dataset(("urn:g", "https://w3id.org/battery-kg/graph/curated"), "FROM")
    >>> _check_dataset(("http://[::1/x",), "FROM")
    Traceback (most recent call last):
    ...
    kg.serve._BadRequest: FROM <http://[::1/x> is not an absolute IRI (Invalid character '[' in host); name graphs by their full IRI
    """
    for name in graphs:
        try:
            ox.NamedNode(name)  # Oxigraph's own check: it takes absolute IRIs only
        except ValueError as error:
            raise _BadRequest(
                f"{what} <{name}> is not an absolute IRI ({error}); name graphs by their full IRI"
            ) from None


def _nondeterministic(update: str) -> str | None:
    """The first function of the update whose value changes between evaluations (as either engine reads it)."""
    for view in (update, expandUnicodeEscapes(update)):
        stream = list(tokens(view))
        for token, following in itertools.pairwise(stream):
            if token.kind == "name" and following.text == "(":
                # no word boundary before a keyword in Oxigraph's grammar: 1NOW() is NOW()
                for name in _NONDETERMINISTIC:
                    if ":" not in token.text and token.text.upper().endswith(name):
                        return name
    return None


class _App:
    """The ASGI application: routes, request parsing and answers; queries go to the scheduler."""

    def __init__(self, server: SparqlServer):
        self.server = server
        self.config = server.config
        self._static = {path: ((STATIC / name).read_bytes(), kind) for path, (name, kind) in _STATIC_ROUTES.items()}
        # the named queries and prefixes, for the query page's examples
        self._static["/queries.json"] = (catalogue_json(), "application/json")

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        started = time.monotonic()
        try:
            answer = await self._handle(scope, receive)
        except _BadRequest as error:
            answer = _Answer.message(error.status, str(error), _CORS)
        except Exception:  # a bug must cost one request, never the server, and show no traceback to the client
            traceback.print_exc(file=sys.stderr)
            answer = _Answer.message(500, "internal error; see the server log")
        headers = [
            (b"content-type", answer.content_type.encode()),
            (b"content-length", str(len(answer.body)).encode()),
            (b"x-content-type-options", b"nosniff"),
            (b"server", b"battery-kg"),
            *((name.lower().encode(), value.encode("latin-1")) for name, value in answer.headers),
        ]
        await send({"type": "http.response.start", "status": answer.status, "headers": headers})
        await send({"type": "http.response.body", "body": b"" if scope["method"] == "HEAD" else answer.body})
        if not self.config.quiet:
            client = (scope.get("client") or ("-",))[0]
            millis = (time.monotonic() - started) * 1000
            sys.stderr.write(f"{client} {scope['method']} {scope['path']} {answer.status} {millis:.0f} ms\n")

    async def _handle(self, scope: dict, receive: Any) -> _Answer:
        path, method = scope["path"], scope["method"]
        headers = {name.decode("latin-1").lower(): value.decode("latin-1") for name, value in scope["headers"]}
        address = (scope.get("client") or ("unknown",))[0]
        if path == "/sparql":
            if method == "OPTIONS":
                return _Answer(204, "text/plain", b"", tuple(_CORS.items()))
            if method in ("GET", "HEAD"):
                return await self._get(address, headers, self._query_string(scope))
            if method == "POST":
                return await self._post(address, headers, self._query_string(scope), scope, receive)
            return _Answer.message(405, f"{method} is not served here", {**_CORS, "Allow": "GET, POST, OPTIONS"})
        if method not in ("GET", "HEAD"):
            return _Answer.message(405, f"{method} {path}: only GET here; send queries to /sparql", {"Allow": "GET"})
        if path in self._static:
            body, kind = self._static[path]
            return _Answer(200, kind, body, (("Cache-Control", "max-age=3600"),))
        if path in ("/", "/index.html"):
            page = self.config.page
            body = page.read_bytes() if page.is_file() else _NO_PAGE
            return _Answer(200, "text/html; charset=utf-8", body, (("Cache-Control", "no-cache"),))
        return _Answer.message(404, f"nothing at {path}: try /sparql, /query or /")

    @staticmethod
    def _query_string(scope: dict) -> str:
        try:
            return scope["query_string"].decode("utf-8")
        except UnicodeDecodeError:
            raise _BadRequest("the query string is not UTF-8") from None

    async def _get(self, address: str, headers: dict[str, str], query_string: str) -> _Answer:
        params = _params(query_string)
        if "update" in params:
            return _Answer.message(405, "send updates with POST", {"Allow": "GET, POST, OPTIONS"})
        if "query" not in params:
            return await self._description(address)
        return await self._query(address, headers, params)

    async def _post(
        self, address: str, headers: dict[str, str], query_string: str, scope: dict, receive: Any
    ) -> _Answer:
        body = await self._body(headers, receive)
        params = _params(query_string)
        content_type = headers.get("content-type", "").split(";")[0].strip().lower()
        if content_type == "application/x-www-form-urlencoded":
            params.update(_params(body))
        elif content_type == "application/sparql-query":
            params["query"] = [body]
        elif content_type == "application/sparql-update":
            params["update"] = [body]
        else:
            raise _BadRequest(
                "POST a form (application/x-www-form-urlencoded), application/sparql-query "
                "or application/sparql-update",
                415,
            )
        if "update" in params and "query" in params:
            raise _BadRequest("a request holds either a query or an update, not both")
        if "update" in params:
            return await self._update(address, headers, params)
        if "query" in params:
            return await self._query(address, headers, params)
        raise _BadRequest("no query: send query=... (or update=...)")

    async def _body(self, headers: dict[str, str], receive: Any) -> str:
        limit = self.config.max_body
        length = headers.get("content-length")
        if length is None and "chunked" not in headers.get("transfer-encoding", "").lower():
            raise _BadRequest("a POST needs a Content-Length", 411)
        if length is not None and not (length.isascii() and length.isdigit()):
            raise _BadRequest("Content-Length is not a number")
        chunks, size, more = [], 0, True
        while more and size <= limit:
            message = await receive()
            if message["type"] == "http.disconnect":
                raise _BadRequest("the client left before sending the whole request")
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            more = message.get("more_body", False)
        if size > limit or (length is not None and int(length) > limit):
            # read the rest away (up to a point), so that the client, still sending, gets to read the answer
            while more and size <= 64 * limit:
                message = await receive()
                size += len(message.get("body", b""))
                more = message.get("more_body", False) and message["type"] != "http.disconnect"
            raise _BadRequest(f"request body over {limit} bytes", 413)
        try:
            return b"".join(chunks).decode("utf-8")
        except UnicodeDecodeError:
            raise _BadRequest("the request body is not UTF-8") from None

    async def _query(self, address: str, headers: dict[str, str], params: dict[str, list[str]]) -> _Answer:
        text = _one(params, "query") or ""
        request = Request(
            "query",
            text,
            accept=headers.get("accept"),
            formats=(*params.get("format", ()), *params.get("output", ())),
            default_graphs=tuple(params.get("default-graph-uri", ())),
            named_graphs=tuple(params.get("named-graph-uri", ())),
        )
        _check_dataset(request.default_graphs, "default-graph-uri")
        _check_dataset(request.named_graphs, "named-graph-uri")
        try:  # the worker scans it too; refusing here costs no worker
            shape = checked(text)
        except Refused as error:
            return _Answer.message(error.status, str(error), _CORS)
        except QueryError as error:
            return _Answer.message(400, str(error), _CORS)
        _check_dataset(shape.from_graphs, "FROM")
        _check_dataset(shape.from_named, "FROM NAMED")
        answer = await self.server.scheduler.run(address, request)
        return _Answer(answer.status, answer.content_type, answer.body, (*answer.headers, *_CORS.items()))

    async def _update(self, address: str, headers: dict[str, str], params: dict[str, list[str]]) -> _Answer:
        # no CORS header on any answer to an update: a page elsewhere must not even read the refusal
        if not self.config.allow_update:
            return _Answer.message(
                403, "updates are refused: this endpoint is read-only (kg serve --allow-update enables them)"
            )
        origin = headers.get("origin")
        if origin and origin != self.server.origin:
            return _Answer.message(403, f"updates from pages of other origins ({origin}) are refused")
        if params.get("using-graph-uri") or params.get("using-named-graph-uri"):
            return _Answer.message(400, "using-graph-uri / using-named-graph-uri are not supported; use USING")
        try:
            text = _one(params, "update") or ""
            shape = checked_update(text)
            _check_dataset(shape.from_graphs, "USING")
            _check_dataset(shape.from_named, "USING NAMED")
        except _BadRequest as error:
            return _Answer.message(error.status, str(error))
        except Refused as error:
            return _Answer.message(error.status, str(error))
        except QueryError as error:
            return _Answer.message(400, str(error))
        if self.config.store.in_memory and (name := _nondeterministic(text)):
            return _Answer.message(
                400,
                f"{name}() refused in updates: this in-memory store is rebuilt by replaying the updates after a "
                f"worker is replaced, and {name}() would give a different value then; compute the value in the "
                "client and send it as a literal",
            )
        return await self.server.scheduler.run(address, Request("update", text))

    async def _description(self, address: str) -> _Answer:
        answer = await self.server.scheduler.run(address, Request("graphs"))
        if answer.status != 200:
            return _Answer(answer.status, answer.content_type, answer.body, (*answer.headers, *_CORS.items()))
        names = answer.body.decode().split()
        return _Answer(200, "text/turtle; charset=utf-8", self.server.service_description(names), tuple(_CORS.items()))


# ---------------------------------------------------------------- the server


class SparqlServer:
    """The endpoint: uvicorn in front of a fairly shared pool of SPARQL worker processes."""

    def __init__(self, config: ServeConfig):
        self.config = config
        self.pool = WorkerPool(config.store, config.limits, 1 if config.allow_update else config.workers)
        try:
            family = socket.AF_INET6 if ":" in config.host else socket.AF_INET
            self.socket = socket.create_server((config.host, config.port), family=family, backlog=4096)
        except OSError as error:
            self.pool.close()
            raise KgError(f"cannot listen on {config.host}:{config.port}: {error.strerror}") from error
        # a request waits up to twice the time limit: long enough for a worker held by a runaway query to be
        # replaced, so that two such queries from new clients cannot turn everyone else away
        self.scheduler = Scheduler(self.pool, config.fairness, max_wait=2 * (config.limits.timeout or 10.0))
        registry = _Connections(config.max_connections, config.request_timeout)
        self._uvicorn = uvicorn.Server(
            uvicorn.Config(
                _App(self),
                http=functools.partial(_Connection, registry=registry),  # type: ignore[arg-type]
                ws="none",  # no websockets here: an upgrade request is answered as plain HTTP
                lifespan="off",
                log_config=None,
                access_log=False,
                server_header=False,
                date_header=False,
                backlog=4096,
                timeout_keep_alive=int(config.request_timeout),
                timeout_graceful_shutdown=2,
            )
        )
        self._stopped = threading.Event()
        self._serving = False

    def serve_forever(self) -> None:
        """Answer requests until :meth:`close` (or SIGINT/SIGTERM, in the main thread)."""
        self._serving = True
        try:
            self._uvicorn.run(sockets=[self.socket])
        finally:
            self._stopped.set()

    @property
    def origin(self) -> str:
        host, port = self.socket.getsockname()[:2]
        return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"

    @property
    def url(self) -> str:
        """The endpoint's address, e.g. ``http://127.0.0.1:8000/sparql``."""
        return self.origin + "/sparql"

    def service_description(self, graph_names: list[str]) -> bytes:
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
        for name in graph_names:
            named = BNode()
            graph.add((dataset, SD.namedGraph, named))
            graph.add((named, RDF.type, SD.NamedGraph))
            graph.add((named, SD.name, URIRef(name)))
        limits = self.config.limits
        graph.add(
            (
                service,
                DCTERMS.description,
                Literal(
                    f"battery-kg endpoint; time limit {limits.timeout:g} s, at most {limits.max_rows} rows "
                    f"and {limits.max_bytes} bytes per answer"
                ),
            )
        )
        return graph.serialize(format="turtle").encode()

    def close(self) -> None:
        """Stop listening and stop the workers."""
        if self._serving:
            self._uvicorn.should_exit = True
            self._stopped.wait(15)
        self.socket.close()
        self.scheduler.close()
        self.pool.close()
