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
