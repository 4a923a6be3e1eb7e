"""Named SPARQL queries: the questions in ``kg/queries/*.rq``, their parameters, and result formats.

Each ``.rq`` file opens with comments that say what it asks and what it takes::

    # Question: who was the ultimate parent of a company as of a year?
    # param: company (type: company) the controlled company
    # param: year (type: year, optional) as of 31 December of this year; absent = now

Parameters reach the store as bindings (``Store.query(text, bindings)``), never
as query text. A name-typed parameter (``company``, ``chemistry``, ...) is looked
up by label, alias, code, id or IRI first; an unknown name is an error that
suggests near matches. An absent optional parameter is left unbound, which the
query reads as "no filter".

Two store behaviours shape the ``.rq`` files: Oxigraph only substitutes a
variable that the SELECT clause projects, so every parameter is projected (and
:func:`run` drops those echo columns again); and Oxigraph folds ``BOUND(?p)`` to
false before substituting, so queries test optional parameters with ``COALESCE``.

>>> from kg.store import open_store
>>> store = open_store("oxigraph")
>>> store.load_file(EXAMPLE)
>>> result = run(store, "ultimate-parent", {"company": "Nord Energy", "year": 2010})
>>> [str(row["parentLabel"]) for row in result.dicts()]
['Hana Corporation']
>>> print(format_result(result, "csv").splitlines()[0])
companyLabel,parent,parentLabel,depth,fromYear,untilYear
"""

from __future__ import annotations

import csv
import functools
import io
import json
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from pathlib import Path

from rapidfuzz import process
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from .errors import QueryError
from .namespaces import ID, PREFIXES
from .store import QueryResult, Store

QUERY_DIR = Path(__file__).parent / "queries"
EXAMPLE = Path(__file__).parent.parent / "tests" / "fixtures" / "query-graph.trig"  # made-up data for the doctests

FORMATS = ("table", "csv", "tsv", "json", "ttl")

# parameter type -> the IRI kind (kg.namespaces.iri) a name of that type must have; None = any thing
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


class UnknownName(QueryError):
    """A name that matches no entity (``suggestions`` holds near matches) or several (``matches``)."""

    def __init__(self, message: str, suggestions: tuple[str, ...] = (), matches: tuple[URIRef, ...] = ()):
        super().__init__(message)
        self.suggestions = suggestions
        self.matches = matches


@dataclass(frozen=True)
class Parameter:
    """One parameter of a named query, as its ``# param:`` line declares it."""

    name: str
    type: str
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

    def parameter(self, name: str) -> Parameter:
        for parameter in self.parameters:
            if parameter.name == name:
                return parameter
        known = ", ".join(p.name for p in self.parameters) or "none"
        raise QueryError(f"query {self.name!r} has no parameter {name!r} (its parameters: {known})")


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
                Parameter(match["name"], match["type"], match["description"].strip(), bool(match["optional"]))
            )
    if question is None:
        raise QueryError(f"{path}: the query does not open with a '# Question: ...' comment")
    return question, tuple(parameters)


@functools.cache
def _load(directory: Path) -> dict[str, NamedQuery]:
    queries = {}
    for path in sorted(directory.glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        question, parameters = parse_header(text, path)
        queries[path.stem] = NamedQuery(path.stem, question, parameters, text, path)
    return queries


def named_queries(directory: Path = QUERY_DIR) -> dict[str, NamedQuery]:
    """Every named query in ``directory``, by name (the file name without ``.rq``).

    >>> named_queries()["parent-chain"].parameters[0].name
    'company'
    """
    return dict(_load(Path(directory)))


def named_query(name: str, directory: Path = QUERY_DIR) -> NamedQuery:
    """The named query ``name``; an unknown name suggests the nearest ones.

    >>> named_query("parent-chian")
    Traceback (most recent call last):
    ...
    kg.query.UnknownName: no named query 'parent-chian'; did you mean: parent-chain?
    """
    queries = _load(Path(directory))
    if name in queries:
        return queries[name]
    near = tuple(match for match, _, _ in process.extract(name, list(queries), limit=3, score_cutoff=60))
    hint = f"; did you mean: {', '.join(near)}?" if near else "; `kg queries` lists them"
    raise UnknownName(f"no named query {name!r}{hint}", near)


def is_query_name(text: str) -> bool:
    """Whether ``text`` has the shape of a query name (as opposed to SPARQL text)."""
    return bool(_NAME.match(text))


# ---------------------------------------------------------------- names -> IRIs


def _normal(name: str) -> str:
    """A name as compared: case, spacing, dots and commas do not count ("LG Corp" is "LG Corp.")."""
    return " ".join(re.sub(r"[.,]", " ", str(name)).split()).casefold()


# legal forms a user may leave out: "Panasonic Holdings" for "Panasonic Holdings Corporation"
_LEGAL_FORM = re.compile(
    r"(\s+(corporation|corp|company|co|ltd|limited|inc|incorporated|plc|llc|l p|lp|s a|sa|se|ag|gmbh|k k|kk|n v|nv|b v|bv))+$"
)

# kinds of IRI that are bookkeeping, not things anyone names: reachable by IRI only
_UNNAMED = frozenset({"stake", "control", "fact", "claim", "flag", "mention", "event"})


def _core(name: str) -> str:
    return _LEGAL_FORM.sub("", _normal(name))


def kind_of(iri: URIRef | str) -> str | None:
    """The kind an IRI was minted with (``company``, ``chemistry``, ...), or None for other IRIs.

    >>> kind_of(ID["company/a123-systems"])
    'company'
    """
    text = str(iri)
    if not text.startswith(str(ID)):
        return None
    return text[len(str(ID)) :].split("/", 1)[0]


class NameIndex:
    """Every label, alias and code of the things in a store, for turning names into IRIs.

    Built from the named query ``entity-names``, so it sees exactly what SPARQL sees.
    """

    def __init__(self, store: Store):
        rows = run(store, "entity-names").dicts()
        self._by_name: dict[str, set[URIRef]] = defaultdict(set)
        self._by_core: dict[str, set[URIRef]] = defaultdict(set)
        self._by_key: dict[str, set[URIRef]] = defaultdict(set)
        self.labels: dict[URIRef, str] = {}
        for row in rows:
            entity, name = row["entity"], str(row["name"])
            if not row["alias"].toPython() and entity not in self.labels:
                self.labels[entity] = name
            if kind_of(entity) not in _UNNAMED:
                self._by_name[_normal(name)].add(entity)
                self._by_core[_core(name)].add(entity)
                self._by_key[_normal(str(entity).rsplit("/", 1)[-1])].add(entity)
        self.iris = frozenset(row["entity"] for row in rows)

    def resolve(self, name: str | URIRef, kind: str | None = None) -> URIRef:
        """The one IRI that ``name`` (IRI, label, alias, code or id) stands for, among things of ``kind``.

        >>> from kg.store import open_store
        >>> store = open_store("memory")
        >>> store.load_file(EXAMPLE)
        >>> index = NameIndex(store)
        >>> index.resolve("volta cells inc", "company")
        rdflib.term.URIRef('https://w3id.org/battery-kg/id/company/volta-cells')
        >>> index.resolve("Hana Corp.", "company") == index.resolve("hana", "company")
        True
        >>> index.resolve("Volta Cels", "company")
        Traceback (most recent call last):
        ...
        kg.query.UnknownName: no company is called 'Volta Cels'; did you mean: Volta Cells?
        """
        text = str(name).strip()
        wanted = "thing" if kind is None else kind

        def of_kind(found: Iterable[URIRef]) -> set[URIRef]:
            return {iri for iri in found if kind is None or kind_of(iri) == kind}

        iri = expand(text)
        if iri is not None and iri in self.iris and of_kind([iri]):
            return iri
        # an id as written wins over names ("europe" is the market region, "Europe" also the M49 area)
        exact = {m for m in of_kind(self._by_key.get(_normal(text), ())) if str(m).rsplit("/", 1)[-1] == text}
        if len(exact) == 1:
            return next(iter(exact))
        for table, form in ((self._by_name, _normal), (self._by_key, _normal), (self._by_core, _core)):
            matches = of_kind(table.get(form(text), ()))
            if len(matches) == 1:
                return next(iter(matches))
            if matches:
                listed = ", ".join(f"{self.labels.get(m, m)} (id {str(m).rsplit('/', 1)[-1]})" for m in sorted(matches))
                raise UnknownName(
                    f"{text!r} names several: {listed}; give the id or IRI", matches=tuple(sorted(matches))
                )
        choices = sorted({self.labels[i] for i in self.labels if of_kind([i]) and kind_of(i) not in _UNNAMED})
        near = tuple(match for match, _, _ in process.extract(text, choices, limit=3, score_cutoff=70))
        hint = f"; did you mean: {', '.join(near)}?" if near else ""
        raise UnknownName(f"no {wanted} is called {text!r}{hint}", near)


def expand(text: str) -> URIRef | None:
    """``<IRI>``, ``http(s)://...`` or a prefixed name such as ``bkg:ParentStake`` as an IRI; else None.

    >>> expand("bkg:ParentStake")
    rdflib.term.URIRef('https://w3id.org/battery-kg/ontology#ParentStake')
    >>> expand("Volta Cells") is None
    True
    """
    text = text.strip()
    if text.startswith("<") and text.endswith(">"):
        return URIRef(text[1:-1])
    if re.match(r"^(https?|urn):\S+$", text):
        return URIRef(text)
    prefix, colon, local = text.partition(":")
    if colon and prefix in PREFIXES and re.match(r"^[^\s<>\"{}|^`\\]*$", local):
        return URIRef(PREFIXES[prefix] + local)
    return None


def _value(parameter: Parameter, value: object) -> Literal | URIRef:
    """A non-name parameter value as an RDF term, checked against the parameter's type."""
    if isinstance(value, (URIRef, Literal)):
        return value
    text = str(value).strip()
    kind = parameter.type
    try:
        if kind == "iri":
            iri = value if isinstance(value, URIRef) else expand(text)
            if iri is None:
                raise ValueError("expected an IRI: <...>, http(s)://... or a prefixed name such as bkg:ParentStake")
            return iri
        if kind == "year":
            year = int(text)
            if not 1000 <= year <= 9999:
                raise ValueError("a year has four digits")
            return Literal(year)
        if kind == "integer":
            return Literal(int(text))
        if kind == "decimal":
            return Literal(Decimal(text))
        if kind == "boolean":
            if isinstance(value, bool):
                return Literal(value)
            flags = {"true": True, "yes": True, "1": True, "false": False, "no": False, "0": False}
            if text.lower() not in flags:
                raise ValueError("expected true or false")
            return Literal(flags[text.lower()])
        return Literal(text)
    except (ValueError, InvalidOperation) as error:
        reason = str(error) if kind in ("iri", "boolean") or "digits" in str(error) else f"not a {kind}"
        raise QueryError(f"parameter {parameter.name}: {text!r} is {reason}") from None


def bind(
    store: Store, query: NamedQuery, arguments: Mapping[str, object], names: NameIndex | None = None
) -> dict[str, Node]:
    """The bindings for ``query`` from user ``arguments``: types checked, names resolved, nothing left out.

    ``None`` values count as absent. ``names`` is built from the store when a name needs resolving.
    """
    given = {key: value for key, value in arguments.items() if value is not None}
    for key in given:
        query.parameter(key)  # raises for unknown parameters
    missing = [p.name for p in query.parameters if not p.optional and p.name not in given]
    if missing:
        raise QueryError(f"query {query.name!r} needs {', '.join(missing)} (see `kg queries`)")
    bindings: dict[str, Node] = {}
    for key, value in given.items():
        parameter = query.parameter(key)
        if parameter.type in ENTITY_TYPES:
            if isinstance(value, URIRef):
                bindings[key] = value
                continue
            value = getattr(value, "iri", value)  # an API record stands for its IRI
            names = names or NameIndex(store)
            try:
                bindings[key] = names.resolve(value, ENTITY_TYPES[parameter.type])
            except UnknownName as error:
                raise UnknownName(f"parameter {key}: {error}", error.suggestions, error.matches) from None
        else:
            bindings[key] = _value(parameter, value)
    return bindings


def run(
    store: Store,
    query: NamedQuery | str,
    arguments: Mapping[str, object] | None = None,
    names: NameIndex | None = None,
) -> QueryResult:
    """Run a named query (an object or its name) with user arguments, resolved and bound.

    The columns that only echo a parameter (bound, or unbound and empty) are left out.
    """
    if isinstance(query, str):
        query = named_query(query)
    bindings = bind(store, query, arguments or {}, names)
    result = execute(store, query.text, bindings, origin=str(query.path), prefixes=False)
    if result.kind != "SELECT":
        return result
    parameters = {p.name for p in query.parameters}
    keep = [
        i
        for i, name in enumerate(result.vars)
        if name not in parameters or (name not in bindings and any(row[i] is not None for row in result.rows))
    ]
    if len(keep) == len(result.vars):
        return result  # nothing to drop: copying every row costs ~10% of a large answer (bench/)
    return replace(
        result, vars=tuple(result.vars[i] for i in keep), rows=[tuple(row[i] for i in keep) for row in result.rows]
    )


def with_prefixes(text: str) -> tuple[str, int]:
    """``text`` with PREFIX lines for our prefixes it does not declare itself, and how many lines were added.

    >>> with_prefixes("PREFIX bkg: <urn:x#>\\nASK {}")[1] == len(PREFIXES) - 1
    True
    """
    declared = {m.group(1) for m in re.finditer(r"(?im)^\s*PREFIX\s+([A-Za-z0-9_.-]*):", text)}
    header = [f"PREFIX {prefix}: <{namespace}>" for prefix, namespace in PREFIXES.items() if prefix not in declared]
    return "\n".join([*header, text]), len(header)


def execute(
    store: Store, text: str, bindings: Mapping[str, Node] | None = None, origin: str = "query", prefixes: bool = True
) -> QueryResult:
    """Run SPARQL text with bindings; a syntax error names the line and column in ``origin``.

    With ``prefixes``, the prefixes of :data:`kg.namespaces.PREFIXES` (bkg, id, schema, ...)
    need no PREFIX lines; error positions still refer to ``text`` as given.
    """
    full, added = with_prefixes(text) if prefixes else (text, 0)
    try:
        return store.query(full, bindings)
    except QueryError as error:
        raise QueryError(_located(str(error), text, origin, added)) from None


_OXIGRAPH_AT = re.compile(r"error at (\d+):(\d+): (.*)", re.DOTALL)
_RDFLIB_AT = re.compile(r"at line (\d+), column (\d+): (.*)", re.DOTALL)


def _located(message: str, text: str, origin: str, offset: int = 0) -> str:
    """A store's error message, with a syntax error restated as line, column and the line itself."""
    match = _OXIGRAPH_AT.search(message) or _RDFLIB_AT.search(message)
    if not match:
        return f"{origin}: {message}"
    line, column, detail = int(match[1]) - offset, int(match[2]), " ".join(match[3].split())
    if len(detail) > 160:
        detail = detail[:157] + "..."
    lines = text.splitlines()
    source = lines[line - 1] if 0 < line <= len(lines) else ""
    return (
        f"{origin}: SPARQL syntax error at line {line}, column {column}: {detail}\n  {source}\n  {' ' * (column - 1)}^"
    )


# ---------------------------------------------------------------- result formats


_BY_LENGTH = sorted(((p, str(n)) for p, n in PREFIXES.items()), key=lambda item: -len(item[1]))


def short_iri(term: Node) -> str:
    """A term for people: IRIs as prefixed names where a prefix fits, literals as their text.

    >>> short_iri(ID["company/acme"])
    'company:acme'
    """
    if isinstance(term, URIRef):
        # the longest namespace that fits: company:acme rather than id:company/acme
        for prefix, namespace in _BY_LENGTH:
            if str(term).startswith(namespace) and len(str(term)) > len(namespace):
                return f"{prefix}:{str(term)[len(namespace) :]}"
        return str(term)
    if isinstance(term, BNode):
        return f"_:{term}"
    return str(term)


def _csv_term(term: Node | None) -> str:
    if term is None:
        return ""
    return f"_:{term}" if isinstance(term, BNode) else str(term)


def _tsv_term(term: Node | None) -> str:
    """A term in the Turtle form the SPARQL TSV format asks for, escaped to stay on one line."""
    if term is None:
        return ""
    if isinstance(term, URIRef):
        return f"<{term}>"
    if isinstance(term, BNode):
        return f"_:{term}"
    escaped = (
        str(term)
        .replace("\\", "\\\\")
        .replace('"', '\\"')
        .replace("\n", "\\n")
        .replace("\r", "\\r")
        .replace("\t", "\\t")
    )
    if term.language:
        return f'"{escaped}"@{term.language}'
    if term.datatype:
        return f'"{escaped}"^^<{term.datatype}>'
    return f'"{escaped}"'


def _json_term(term: Node) -> dict[str, str]:
    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    entry = {"type": "literal", "value": str(term)}
    if term.language:
        entry["xml:lang"] = term.language
    elif term.datatype:
        entry["datatype"] = str(term.datatype)
    return entry


def _turtle(graph: Graph) -> str:
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, replace=True)
    return graph.serialize(format="turtle")


def _table(result: QueryResult, width: int | None) -> str:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    table = Table(*result.vars, show_lines=False)
    for row in result.rows:
        # Text, not markup: a label such as "[bold]" must show as typed
        table.add_row(*(Text("" if term is None else short_iri(term)) for term in row))
    buffer = io.StringIO()
    Console(file=buffer, width=width or 160, color_system=None).print(table)
    footer = f"{len(result.rows)} row{'s' if len(result.rows) != 1 else ''}"
    return buffer.getvalue() + footer + "\n"


def format_result(result: QueryResult, fmt: str, width: int | None = None) -> str:
    """``result`` as text: ``table``, ``csv``, ``tsv``, ``json`` (SPARQL 1.1 results) or ``ttl`` (graphs).

    >>> from kg.store import QueryResult
    >>> print(format_result(QueryResult("SELECT", ("n",), [(Literal(2),)]), "tsv"), end="")
    ?n
    "2"^^<http://www.w3.org/2001/XMLSchema#integer>
    """
    if fmt not in FORMATS:
        raise QueryError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    if result.kind == "GRAPH":
        if fmt not in ("ttl", "table"):
            raise QueryError(f"a CONSTRUCT or DESCRIBE query gives RDF: use --format ttl, not {fmt}")
        return _turtle(result.graph)
    if fmt == "ttl":
        raise QueryError(f"--format ttl is for CONSTRUCT and DESCRIBE queries; this is a {result.kind} query")
    if result.kind == "ASK":
        if fmt == "json":
            return json.dumps({"head": {}, "boolean": result.boolean}, indent=2) + "\n"
        return ("true" if result.boolean else "false") + "\n"
    if fmt == "table":
        return _table(result, width)
    if fmt == "json":
        bindings = [
            {name: _json_term(term) for name, term in zip(result.vars, row) if term is not None} for row in result.rows
        ]
        return (
            json.dumps(
                {"head": {"vars": list(result.vars)}, "results": {"bindings": bindings}}, indent=2, ensure_ascii=False
            )
            + "\n"
        )
    buffer = io.StringIO()
    if fmt == "csv":
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(result.vars)
        writer.writerows([_csv_term(term) for term in row] for row in result.rows)
    else:
        # TSV terms are escaped Turtle, so no field holds a tab or a line break
        buffer.write("\t".join(f"?{name}" for name in result.vars) + "\n")
        for row in result.rows:
            buffer.write("\t".join(_tsv_term(term) for term in row) + "\n")
    return buffer.getvalue()


def literal_argument(text: str) -> Node:
    """A ``--param`` value for free SPARQL text, whose variables have no declared type.

    ``<IRI>`` and prefixed names become IRIs, ``true``/``false`` booleans, numbers numbers, the rest strings.

    >>> literal_argument("2012"), literal_argument("id:company/acme")
    (rdflib.term.Literal('2012', datatype=rdflib.term.URIRef('http://www.w3.org/2001/XMLSchema#integer')), rdflib.term.URIRef('https://w3id.org/battery-kg/id/company/acme'))
    """
    iri = expand(text)
    if iri is not None:
        return iri
    if text in ("true", "false"):
        return Literal(text == "true")
    if re.fullmatch(r"[+-]?\d+", text):
        return Literal(int(text))
    if re.fullmatch(r"[+-]?(\d+\.\d*|\.\d+)", text):
        return Literal(Decimal(text))
    return Literal(text)


__all__ = [
    "FORMATS",
    "NameIndex",
    "NamedQuery",
    "Parameter",
    "UnknownName",
    "bind",
    "execute",
    "expand",
    "short_iri",
    "with_prefixes",
    "format_result",
    "kind_of",
    "literal_argument",
    "named_queries",
    "named_query",
    "parse_header",
    "run",
]
