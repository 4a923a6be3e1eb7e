"""Errors that name the place in the user's input where something is wrong."""

from __future__ import annotations

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
    my.rq: SPARQL syntax error at line 1, column 18: expected '}'
      ASK { ?s ?p ?o . ) }
                       ^
    """

    def __init__(self, detail: str, line: int | None = None, column: int | None = None):
        self.detail = " ".join(detail.split())
        if len(self.detail) > 160:
            self.detail = self.detail[:157] + "..."
        self.line, self.column = line, column
        at = f" at line {line}, column {column}" if line is not None else ""
        super().__init__(f"SPARQL syntax error{at}: {self.detail}")

    def __reduce__(self) -> tuple[type, tuple[str, int | None, int | None]]:
        return type(self), (self.detail, self.line, self.column)

    def located(self, text: str, origin: str, offset: int = 0) -> str:
        """The message for ``text`` as the user wrote it (``offset``: lines added before it), with the line shown."""
        if self.line is None or self.column is None:
            return f"{origin}: {self}"
        line = self.line - offset
        lines = text.splitlines()
        source = lines[line - 1] if 0 < line <= len(lines) else ""
        return (
            f"{origin}: SPARQL syntax error at line {line}, column {self.column}: {self.detail}\n"
            f"  {source}\n  {' ' * (self.column - 1)}^"
        )
