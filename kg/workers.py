"""SPARQL requests run in worker processes that can be killed, with time and size limits.

Oxigraph has no query timeout and a thread cannot be stopped, so every query
runs in a worker process that holds its own copy of the store (or opens the
on-disk store read-only). A query that outlives the time limit gets its worker
killed and replaced, while the other workers keep answering. A result with
more rows than the limit is refused whole, never cut short.

>>> store = StoreConfig("oxigraph").open()
>>> store.load_data('<urn:a> <urn:p> "x" .', "nt")
>>> answer = execute(store, Request("query", "SELECT ?o WHERE { ?s ?p ?o }", accept="text/csv"), Limits())
>>> answer.status, answer.media_type, answer.body
(200, 'text/csv; charset=utf-8', b'o\\r\\nx\\r\\n')
"""

from __future__ import annotations

import os
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path

import rdflib.plugins.sparql

from .errors import KgError, QueryError, Refused
from .formats import GRAPH_FORMATS, RESULT_FORMATS, Format, negotiate
from .limits import Limits
from .store import QueryDataset, Store, StoreSpec, checked, checked_update

__all__ = [
    "GRAPH_FORMATS",
    "RESULT_FORMATS",
    "Format",
    "Limits",
    "Reply",
    "Request",
    "StoreConfig",
    "WorkerPool",
    "execute",
    "negotiate",
    "worker_main",
]

_SOURCE_ROOT = str(Path(__file__).resolve().parents[1])


@dataclass(frozen=True)
class Request:
    """One SPARQL protocol request: ``operation`` is ``query``, ``update`` or ``graphs`` (list graph names).

    ``formats`` holds the values of ``format``/``output`` parameters, which some
    clients send (repeated, or empty) beside the Accept header.
    """

    operation: str
    text: str = ""
    accept: str | None = None
    formats: tuple[str, ...] = ()
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()


@dataclass(frozen=True)
class Reply:
    """The answer to a request: HTTP status, Content-Type and body."""

    status: int
    media_type: str
    body: bytes

    @classmethod
    def message(cls, status: int, text: str) -> Reply:
        return cls(status, "text/plain; charset=utf-8", (text.rstrip("\n") + "\n").encode())


# ---------------------------------------------------------------- one request


def _check_graphs(store: Store, names: Iterable[str]) -> None:
    for name in names:
        if not store.has_graph(name):
            raise Refused(f"<{name}> is not a graph of this dataset, and this endpoint never fetches remote graphs")


def execute(store: Store, request: Request, limits: Limits) -> Reply:
    """Check, run and serialize one request; every failure becomes a 4xx/5xx reply with a message.

    The store checks the request itself (kg.store.Store.query); the shape is read
    here too (cached) to check the graphs it names and to pick the answer format.
    """
    try:
        if request.operation == "graphs":
            return Reply(200, "text/plain", "\n".join(store.graph_names()).encode())
        if request.operation == "update":
            shape = checked_update(request.text)
            _check_graphs(store, shape.from_graphs + shape.from_named)
            store.update(request.text)
            return Reply.message(200, "update applied")
        shape = checked(request.text)
        dataset = QueryDataset(request.default_graphs, request.named_graphs)
        _check_graphs(store, shape.from_graphs + shape.from_named + dataset.default_graphs + dataset.named_graphs)
        fmt = negotiate(request.accept, request.formats, shape.returns_graph)
        # the worker is killed at the time limit; the row limit is the store's to keep
        result = store.query(request.text, dataset=dataset, limits=Limits(None, limits.max_rows))
        body = fmt.write(result)
        if limits.max_bytes is not None and len(body) > limits.max_bytes:
            raise Refused(
                f"the answer has more than {limits.max_bytes} bytes, the limit set for it; "
                "narrow the query or add LIMIT/OFFSET to page through it",
                413,
            )
        return Reply(200, fmt.content_type, body)
    except Refused as error:
        return Reply.message(error.status, str(error))
    except QueryError as error:
        return Reply.message(400, str(error))
    except Exception as error:  # a bug must cost one request, not the worker and every request queued behind it
        return Reply.message(500, f"the query failed: {type(error).__name__}: {error}")


# ---------------------------------------------------------------- worker processes


@dataclass(frozen=True)
class StoreConfig:
    """What every worker opens: a store spec, the file in-memory stores load, and whether it may write."""

    spec: str = "oxigraph"
    data: Path | None = None
    writable: bool = False

    @property
    def in_memory(self) -> bool:
        return StoreSpec.parse(self.spec).in_memory

    def open(self) -> Store:
        """Open the store as a worker does (an on-disk Oxigraph store read-only unless writable).

        >>> StoreConfig("oxigraph").open().graph_names()
        []
        """
        spec = StoreSpec.parse(self.spec)
        store = spec.open(read_only=not self.writable)
        if spec.in_memory and self.data:
            store.load_file(self.data)
        return store


def _exit_with_parent() -> None:
    parent = os.getppid()
    while True:
        time.sleep(0.5)
        if os.getppid() != parent:
            os._exit(0)


def worker_main(requests_fd: int, replies_fd: int) -> None:
    """The body of a worker process: open the store, then answer requests until the pipe closes."""
    requests, replies = Connection(requests_fd, writable=False), Connection(replies_fd, readable=False)
    # rdflib would otherwise fetch FROM graphs over the network
    rdflib.plugins.sparql.SPARQL_LOAD_GRAPHS = False
    threading.Thread(target=_exit_with_parent, daemon=True).start()
    config, limits, replay = requests.recv()
    try:
        store = config.open()
        for update in replay:
            store.update(update)
    except Exception as error:  # reported to the parent, which names it to the user
        replies.send(("error", str(error)))
        return
    replies.send(("ready", None))
    while True:
        try:
            request = requests.recv()
        except (EOFError, OSError):
            return
        replies.send(execute(store, request, limits))


@dataclass(eq=False)
class _Worker:
    process: subprocess.Popen[bytes]
    requests: Connection
    replies: Connection

    def stop(self) -> None:
        self.process.kill()
        self.process.wait(10)
        self.requests.close()
        self.replies.close()


def _spawn_worker(config: StoreConfig, limits: Limits, replay: tuple[str, ...]) -> _Worker:
    # a fresh interpreter rather than multiprocessing: nothing of the parent (its threads,
    # its __main__ module) is inherited, and the child can be killed at any moment
    requests_read, requests_write = os.pipe()
    replies_read, replies_write = os.pipe()
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, (_SOURCE_ROOT, os.environ.get("PYTHONPATH")))))
    code = f"from kg.workers import worker_main; worker_main({requests_read}, {replies_write})"
    try:
        process = subprocess.Popen(
            [sys.executable, "-c", code], pass_fds=(requests_read, replies_write), env=env, stdin=subprocess.DEVNULL
        )
    finally:
        os.close(requests_read)
        os.close(replies_write)
    worker = _Worker(process, Connection(requests_write, readable=False), Connection(replies_read, writable=False))
    worker.requests.send((config, limits, replay))
    return worker


class WorkerPool:
    """Worker processes answering requests; a worker that overruns the time limit is killed and replaced.

    Updates (only when ``config.writable``) run on a single worker so that every
    query sees them; for in-memory stores they are kept and replayed into a
    replacement worker.
    """

    def __init__(self, config: StoreConfig, limits: Limits, size: int = 2, start_timeout: float = 600.0):
        if config.writable and size != 1:
            raise KgError("a store that takes updates is served by exactly one worker")
        self.config, self.limits, self.size = config, limits, size
        self._start_timeout = start_timeout
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self._replayed: list[str] = []
        self._closed = False
        self.replaced = 0
        self._restarting = 0
        try:
            pending = [self._start() for _ in range(size)]
            for worker in pending:
                self._await_ready(worker)
                self._idle.put(worker)
        except KgError:
            self.close()
            raise

    def _start(self) -> _Worker:
        worker = _spawn_worker(self.config, self.limits, tuple(self._replayed))
        with self._lock:
            self._all.add(worker)
        return worker

    def _await_ready(self, worker: _Worker) -> None:
        if not worker.replies.poll(self._start_timeout):
            self._kill(worker)
            raise KgError(f"a SPARQL worker did not open the store within {self._start_timeout:.0f} s")
        try:
            status, message = worker.replies.recv()
        except EOFError:
            status, message = "error", f"the worker exited with code {worker.process.wait(10)}"
        if status != "ready":
            self._kill(worker)
            raise KgError(f"cannot open store {self.config.spec!r}: {message}")

    def _kill(self, worker: _Worker) -> None:
        worker.stop()
        with self._lock:
            self._all.discard(worker)

    def _replace(self, worker: _Worker) -> None:
        self._kill(worker)
        with self._lock:
            self.replaced += 1
            self._restarting += 1
        threading.Thread(target=self._restart, daemon=True, name="kg-worker-restart").start()

    def _restart(self) -> None:
        while not self._closed:
            try:
                worker = self._start()
                self._await_ready(worker)
            except KgError as error:
                print(f"kg serve: could not restart a worker: {error}; retrying", file=sys.stderr)
                time.sleep(5)
                continue
            if self._closed:
                self._kill(worker)
            else:
                self._idle.put(worker)
            with self._lock:
                self._restarting -= 1
            return

    @property
    def ready(self) -> int:
        """Workers that are running, busy or idle (not counting those being replaced)."""
        with self._lock:
            return self.size - self._restarting

    def run(self, request: Request) -> Reply:
        """Run one request on a free worker, within the time limit."""
        try:
            worker = self._idle.get(timeout=self.limits.timeout)
        except queue.Empty:
            return Reply.message(
                503, f"all {self.size} query workers stayed busy for {self.limits.timeout:g} s; try again"
            )
        try:
            worker.requests.send(request)
            if not worker.replies.poll(self.limits.timeout):
                self._replace(worker)
                return Reply.message(
                    503, f"query stopped: it ran longer than this endpoint's time limit of {self.limits.timeout:g} s"
                )
            reply = worker.replies.recv()
        except (EOFError, OSError):
            self._replace(worker)
            return Reply.message(500, "the query worker died while running this request (out of memory?)")
        if request.operation == "update" and reply.status == 200 and self.config.in_memory:
            self._replayed.append(request.text)
        self._idle.put(worker)
        return reply

    def close(self) -> None:
        """Stop every worker."""
        self._closed = True
        with self._lock:
            workers = list(self._all)
        for worker in workers:
            self._kill(worker)
