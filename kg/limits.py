"""How long a query may run and how large its answer may be, for every way of asking.

The endpoint has always had both (its workers are killed at the time limit);
``kg query --timeout/--max-rows`` and ``kg.load(..., limits=...)`` now have the
same, off by default for local use. Oxigraph cannot be interrupted inside a
query (it ignores signals while it evaluates), so a timed query runs in a
forked copy of the process that is killed at the limit: the store is shared
copy-on-write, nothing is loaded twice, and the caller's process is untouched.

>>> within(5, lambda: 6 * 7)
42
>>> take(iter(range(10)), 3, "rows")
Traceback (most recent call last):
...
kg.errors.Refused: the answer has more than 3 rows, the limit set for it; narrow the query or add LIMIT/OFFSET to page through it
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import islice
from typing import TypeVar, cast

from .errors import QueryError, Refused

__all__ = ["ENDPOINT_LIMITS", "NO_LIMITS", "Limits", "take", "within"]

T = TypeVar("T")


@dataclass(frozen=True)
class Limits:
    """How long one query may run (seconds) and how many rows or triples its answer may have; ``None``: no limit.

    The defaults are the endpoint's (``kg serve --timeout 10 --max-rows 100000``);
    ``kg query`` and the Python API use :data:`NO_LIMITS` unless told otherwise.
    """

    timeout: float | None = 10.0
    max_rows: int | None = 100_000
    # bytes of a serialized answer (the endpoint sets it; a long literal or CONCAT makes few rows large)
    max_bytes: int | None = None


ENDPOINT_LIMITS = Limits(max_bytes=64 << 20)
NO_LIMITS = Limits(None, None)


def take(items: Iterable[T], limit: int | None, what: str) -> list[T]:
    """All of ``items``, or ``Refused`` (413) when there are more than ``limit``: an answer is whole or refused."""
    if limit is None:
        return list(items)
    taken = list(islice(items, limit + 1))
    if len(taken) > limit:
        raise Refused(
            f"the answer has more than {limit} {what}, the limit set for it; "
            "narrow the query or add LIMIT/OFFSET to page through it",
            413,
        )
    return taken


def _child(call: Callable[[], object], sender: multiprocessing.connection.Connection) -> None:
    try:
        outcome: tuple[bool, object] = (True, call())
    except QueryError as error:
        outcome = (False, error)
    except Exception as error:  # reported to the parent as text: the error object may not pickle
        outcome = (False, QueryError(f"the query failed: {type(error).__name__}: {error}"))
    sender.send(outcome)


def within(seconds: float | None, call: Callable[[], T]) -> T:
    """``call()``, stopped with ``Refused`` (503) when it runs longer than ``seconds`` (``None``: no limit).

    The call runs in a forked child, so its result must pickle (rdflib terms and pyoxigraph-free records do).
    """
    if seconds is None:
        return call()
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(call, sender), daemon=True)
    process.start()
    sender.close()
    try:
        if not receiver.poll(seconds):
            process.kill()
            raise Refused(f"query stopped: it ran longer than the time limit of {seconds:g} s", 503)
        try:
            ok, value = receiver.recv()
        except EOFError:
            raise QueryError(f"the query process died (exit code {process.exitcode}); out of memory?") from None
    finally:
        receiver.close()
        process.join()
    if not ok:
        raise cast(QueryError, value)
    return cast(T, value)
