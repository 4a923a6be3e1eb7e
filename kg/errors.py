"""Errors that name the place in the user's input where something is wrong."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path


class KgError(Exception):
    """Base class of every error battery-kg reports to a user (never a traceback)."""


@dataclass(frozen=True)
class Location:
    """Where in the input a problem is: a file, optionally a line and a field."""

    path: Path | str
    line: int | None = None
    field: str | None = None

    def __str__(self) -> str:
        place = str(self.path)
        if self.line is not None:
            place += f":{self.line}"
        if self.field:
            place += f" ({self.field})"
        return place


class DataError(KgError):
    """Reference data that cannot be used as it is.

    >>> str(DataError("unknown owner 'acme'", Location("data/companies/x.yaml", 12, "owners[0].owner")))
    "data/companies/x.yaml:12 (owners[0].owner): unknown owner 'acme'"
    """

    def __init__(self, message: str, location: Location | None = None):
        self.message = message
        self.location = location
        super().__init__(f"{location}: {message}" if location else message)


class QueryError(KgError):
    """A SPARQL query that cannot run: syntax error, unknown name, missing parameter, refused feature."""


class IngestError(KgError):
    """A document that cannot be read at all (nothing could be extracted)."""


class UnknownName(QueryError):
    """A name that matches no entity or query (``suggestions`` holds near matches) or several (``matches``)."""

    def __init__(self, message: str, suggestions: tuple[str, ...] = (), matches: tuple[str, ...] = ()):
        super().__init__(message)
        self.suggestions = suggestions
        self.matches = matches

    def __reduce__(self) -> tuple[type, tuple[str, tuple[str, ...], tuple[str, ...]]]:
        return type(self), (str(self), self.suggestions, self.matches)


class Refused(QueryError):
    """A request that will not run (a feature refused, a limit passed); ``status`` is the HTTP status to answer with."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status

    def __reduce__(self) -> tuple[type, tuple[str, int]]:
        return type(self), (str(self), self.status)


class SparqlSyntaxError(QueryError):
    """A query the engine cannot parse, at ``line`` and ``column`` of the text it was given.

    Every store raises this one type, so the message is written in one place:

    >>> error = SparqlSyntaxError("expected '}'", 1, 18)
    >>> str(error)
    "SPARQL syntax error at line 1, column 18: expected '}'"
    >>> print(error.located("ASK { ?s ?p ?o . ) }", "my.rq"))
    my.rq: SPARQL syntax error at line 1, column 18 near ")": expected '}'
      ASK { ?s ?p ?o . ) }
                       ^

    With the query ``text`` (as :meth:`kg.store.Store.query` gives it), the message shows the place too:

    >>> print(SparqlSyntaxError("expected one of Prefix not found, ['%']", 1, 10, "ASK { ?s ex:p ?o }"))
    SPARQL syntax error at line 1, column 10 near "ex:p": unknown prefix ex: (declare it with PREFIX)
      ASK { ?s ex:p ?o }
               ^
    """

    def __init__(self, detail: str, line: int | None = None, column: int | None = None, text: str | None = None):
        self.detail = _readable_detail(detail)
        self.line, self.column, self.text = line, column, text
        at = f" at line {line}, column {column}" if line is not None else ""
        message = f"SPARQL syntax error{at}: {self.detail}"
        if text is not None and line is not None:
            message = self.located(text, "")[2:]
        super().__init__(message)

    def __reduce__(self) -> tuple[type, tuple[str, int | None, int | None, str | None]]:
        return type(self), (self.detail, self.line, self.column, self.text)

    def located(self, text: str, origin: str, offset: int = 0) -> str:
        """The message for ``text`` as the user wrote it (``offset``: lines added before it), with the line shown."""
        if self.line is None or self.column is None:
            return f"{origin}: {self}"
        line = self.line - offset
        lines = text.splitlines()
        source = lines[line - 1] if 0 < line <= len(lines) else ""
        start = self.column - 1
        if start >= len(source) or source[start].isspace():
            # Oxigraph points just past the token it could not take: show that token
            before = re.search(r"([^\s(){}\[\],;]+|\S)\s*$", source[:start])
            start = before.start(1) if before else start
        token = re.match(r"[^\s(){}\[\],;]+|\S", source[start:])
        near = f' near "{token[0]}"' if token else " at the end of the line"
        detail = self.detail
        if detail == "unknown prefix" and token and ":" in token[0]:
            detail = f"unknown prefix {token[0].split(':', 1)[0]}: (declare it with PREFIX)"
        shown, caret = source, start
        if len(source) > 100:  # a long line (a query on one line): the 80 characters around the place
            left = max(0, start - 40)
            shown = ("…" if left else "") + source[left : left + 80] + ("…" if left + 80 < len(source) else "")
            caret = start - left + (1 if left else 0)
        return (
            f"{origin}: SPARQL syntax error at line {line}, column {start + 1}{near}: {detail}\n"
            f"  {shown}\n  {' ' * caret}^"
        )


def _readable_detail(detail: str) -> str:
    """A parser's complaint without the grammar: Oxigraph lists every token it could have taken.

    >>> _readable_detail("expected one of Prefix not found, ['%'], ['-' | '0' ..= '9']")
    'unknown prefix'
    >>> _readable_detail("expected one of ABS, AVG, DAY, IRI, MAX, MD5, MIN, NOT, NOW")
    'unexpected text here'
    >>> _readable_detail("Expected AskQuery")
    'Expected AskQuery'
    """
    detail = " ".join(detail.split())
    if "Prefix not found" in detail:
        return "unknown prefix"
    if detail.startswith("expected one of") or len(detail) > 160:
        return "unexpected text here"
    return detail
