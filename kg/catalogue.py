"""The named queries: one ``.rq`` file per question in ``kg/queries/``, with the header that describes it.

Each file opens with comments that say what it asks and what it takes::

    # Question: who was the ultimate parent of a company as of a year?
    # param: company (type: company) the controlled company
    # param: year (type: year, optional) as of 31 December of this year; absent = now
    # Columns: company companyLabel year parent parentLabel depth fromYear untilYear

The columns are the answer's, whichever parameters are given (a bound parameter
keeps its column, holding the bound value), so scripts can read them by name.
``kg/queries/internal/`` holds the queries the package runs for itself (the
networkx conversion): they have the same header but are not offered to users.

A query that starts from a parameter its plan cannot guess (an optional company
that is the only way in) adds ``# Plan: values first``: embedded Oxigraph then
gets the bound values as a ``VALUES`` block, as servers do, instead of as
substitutions, which its planner does not see (bench/README.md has the figures).
Such a query may leave a parameter out of its SELECT clause, to use it as a
pattern's way in; kg.query.run adds the column.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from rapidfuzz import process

from .errors import QueryError, UnknownName

__all__ = [
    "ENTITY_TYPES",
    "INTERNAL_DIR",
    "PARAMETER_TYPES",
    "QUERY_DIR",
    "VALUE_TYPES",
    "NamedQuery",
    "Parameter",
    "ParameterType",
    "catalogue_json",
    "internal_query",
    "is_query_name",
    "named_queries",
    "named_query",
    "parse_columns",
    "parse_header",
    "query_from_file",
    "read_query_file",
]

QUERY_DIR = Path(__file__).parent / "queries"
INTERNAL_DIR = QUERY_DIR / "internal"

ParameterType = Literal[
    "company",
    "chemistry",
    "application",
    "region",
    "country",
    "source",
    "entity",
    "iri",
    "year",
    "integer",
    "decimal",
    "boolean",
    "string",
]
# name-typed parameters -> the IRI kind (kg.namespaces.iri) a name of that type must have; None = any thing
ENTITY_TYPES: dict[str, str | None] = {
    "company": "company",
    "chemistry": "chemistry",
    "application": "application",
    "region": "region",
    "country": "country",
    "source": "source",
    "entity": None,
}
VALUE_TYPES = ("iri", "year", "integer", "decimal", "boolean", "string")
PARAMETER_TYPES = (*ENTITY_TYPES, *VALUE_TYPES)

_QUESTION = re.compile(r"^#\s*question:\s*(?P<text>.+)$", re.IGNORECASE)
_PARAM = re.compile(
    r"^#\s*param:\s*(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s*\(type:\s*(?P<type>[a-z-]+)(?P<optional>\s*,\s*optional)?\s*\)"
    r"\s*(?P<description>.*)$"
)
_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_COLUMNS = re.compile(r"^#\s*columns:\s*(?P<names>.*)$", re.IGNORECASE)


@dataclass(frozen=True)
class Parameter:
    """One parameter of a named query, as its ``# param:`` line declares it."""

    name: str
    type: ParameterType
    description: str
    optional: bool = False

    def __str__(self) -> str:
        return f"{self.name} ({self.type}{', optional' if self.optional else ''})"


@dataclass(frozen=True)
class NamedQuery:
    """A question with its SPARQL text and parameters, read from one ``.rq`` file."""

    name: str
    question: str
    parameters: tuple[Parameter, ...]
    text: str
    path: Path
    columns: tuple[str, ...] = ()  # as the ``# Columns:`` line lists them

    @property
    def internal(self) -> bool:
        """Whether the package runs this query for itself (whole-graph tables, no row limit)."""
        return self.path.parent == INTERNAL_DIR

    def parameter(self, name: str) -> Parameter:
        for parameter in self.parameters:
            if parameter.name == name:
                return parameter
        known = ", ".join(p.name for p in self.parameters) or "none"
        raise QueryError(f"query {self.name!r} has no parameter {name!r} (its parameters: {known})")


def read_query_file(path: Path) -> str:
    """The text of a ``.rq`` file; a file that is missing or not UTF-8 is a one-line ``QueryError``.

    >>> import tempfile
    >>> with tempfile.NamedTemporaryFile(suffix=".rq", delete=False) as file:
    ...     _ = file.write(b"ASK { \\xff }")
    >>> read_query_file(Path(file.name))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    kg.errors.QueryError: ...rq: not UTF-8 text (byte 0xff at offset 6); save the query as UTF-8
    """
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        raise QueryError(f"{path}: cannot read the query file ({error.strerror})") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise QueryError(
            f"{path}: not UTF-8 text (byte 0x{data[error.start]:02x} at offset {error.start}); save the query as UTF-8"
        ) from None


def parse_header(text: str, path: Path | str = "<query>") -> tuple[str, tuple[Parameter, ...]]:
    """The question and parameters stated in the leading comments of a query.

    >>> parse_header("# Question: who?\\n# param: year (type: year, optional) as of\\nSELECT * {}")
    ('who?', (Parameter(name='year', type='year', description='as of', optional=True),))
    """
    question, parameters = None, []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line.startswith("#"):
            if line:
                break
            continue
        if match := _QUESTION.match(line):
            question = match["text"].strip()
        elif line.lower().startswith("# param:"):
            match = _PARAM.match(line)
            if not match:
                raise QueryError(
                    f"{path}:{number}: cannot read {line!r}; write '# param: name (type: TYPE[, optional]) description'"
                )
            if match["type"] not in PARAMETER_TYPES:
                raise QueryError(
                    f"{path}:{number}: unknown parameter type {match['type']!r}; known: {', '.join(PARAMETER_TYPES)}"
                )
            parameters.append(
                Parameter(match["name"], match["type"], match["description"].strip(), bool(match["optional"]))  # type: ignore[arg-type]
            )
    if question is None:
        raise QueryError(f"{path}: the query does not open with a '# Question: ...' comment")
    return question, tuple(parameters)


def parse_columns(text: str) -> tuple[str, ...]:
    """The columns a query's ``# Columns:`` comment lists (variable names, with or without ``?``).

    >>> parse_columns("# Question: who?\\n# Columns: ?company companyLabel\\nSELECT * {}")
    ('company', 'companyLabel')
    """
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            break
        if match := _COLUMNS.match(line):
            return tuple(name.lstrip("?") for name in match["names"].replace(",", " ").split())
    return ()


def query_from_file(path: Path) -> NamedQuery:
    """The named query in one ``.rq`` file (named after the file)."""
    text = read_query_file(path)
    question, parameters = parse_header(text, path)
    return NamedQuery(path.stem, question, parameters, text, path, parse_columns(text))


@functools.cache
def _load(directory: Path) -> dict[str, NamedQuery]:
    return {path.stem: query_from_file(path) for path in sorted(directory.glob("*.rq"))}


def named_queries(directory: Path = QUERY_DIR) -> dict[str, NamedQuery]:
    """Every named query in ``directory``, by name (the file name without ``.rq``).

    >>> named_queries()["parent-chain"].parameters[0].name
    'company'
    """
    return dict(_load(Path(directory)))


def named_query(name: str, directory: Path = QUERY_DIR) -> NamedQuery:
    """The named query ``name``; an unknown name suggests the nearest ones.

    >>> named_query("parent-chian")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    kg.errors.UnknownName: no named query 'parent-chian'; did you mean: parent-chain...?
    """
    queries = _load(Path(directory))
    if name in queries:
        return queries[name]
    near = tuple(match for match, _, _ in process.extract(name, list(queries), limit=3, score_cutoff=60))
    hint = f"; did you mean: {', '.join(near)}?" if near else "; `kg queries` lists them"
    raise UnknownName(f"no named query {name!r}{hint}", near)


def internal_query(name: str) -> NamedQuery:
    """A query the package runs for itself (``kg/queries/internal/``), e.g. ``netx-entities``."""
    return named_query(name, INTERNAL_DIR)


def is_query_name(text: str) -> bool:
    """Whether ``text`` has the shape of a query name (as opposed to SPARQL text)."""
    return bool(_NAME.match(text))


def catalogue_json() -> bytes:
    """The named queries and the project prefixes as JSON, for the query page's examples (``/queries.json``).

    >>> import json
    >>> document = json.loads(catalogue_json())
    >>> [p["name"] for p in next(q for q in document["queries"] if q["name"] == "parent-chain")["parameters"]]
    ['company', 'year']
    >>> document["prefixes"]["bkg"]
    'https://w3id.org/battery-kg/ontology#'
    """
    import json

    from .namespaces import PREFIXES

    queries = [
        {
            "name": query.name,
            "question": query.question,
            "parameters": [
                {"name": p.name, "type": p.type, "optional": p.optional, "description": p.description}
                for p in query.parameters
            ],
            "columns": list(query.columns),
            "text": query.text,
        }
        for query in named_queries().values()
    ]
    prefixes = {prefix: str(namespace) for prefix, namespace in PREFIXES.items()}
    return json.dumps({"prefixes": prefixes, "queries": queries}, ensure_ascii=False).encode("utf-8")
