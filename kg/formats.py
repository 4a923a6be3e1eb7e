"""Result formats: one table for ``kg query`` and the endpoint, and content negotiation.

SELECT and ASK answers are written here (SPARQL 1.1 JSON, XML, CSV and TSV);
graphs (CONSTRUCT, DESCRIBE) are written by pyoxigraph's serialisers. The
result writers are ours because pyoxigraph serialises only the iterators its
own store returns: the endpoint used to send every answer through TSV text and
back into it, which bench/endpoint.py measured slower than writing directly.
Each writer formats a term once per result (terms repeat down the columns).

>>> from rdflib import Literal
>>> from kg.store import QueryResult
>>> print(format_result(QueryResult("SELECT", ("n",), [(Literal(2),)]), "tsv"), end="")
?n
"2"^^<http://www.w3.org/2001/XMLSchema#integer>
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import urlsplit
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox
from rdflib import XSD, BNode, Literal, URIRef
from rdflib.term import Node

from .errors import QueryError, Refused
from .namespaces import ID, PREFIXES
from .store import QueryResult
from .terms import OxTerm

__all__ = [
    "FORMATS",
    "GRAPH_FORMATS",
    "RESULT_FORMATS",
    "Format",
    "Readable",
    "TableView",
    "format_result",
    "negotiate",
    "readable",
    "readable_number",
    "short_iri",
]


_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_string: Callable[[str], str] = json.encoder.encode_basestring


def _cached(write: Callable[[OxTerm], str]) -> Callable[[OxTerm | None], str]:
    """``write`` remembering its answer per term for one result ("" for an unbound value)."""
    seen: dict[OxTerm, str] = {}

    def cached(term: OxTerm | None) -> str:
        if term is None:
            return ""
        text = seen.get(term)
        if text is None:
            text = seen[term] = write(term)
        return text

    return cached


def _datatype(term: ox.Literal) -> str | None:
    """A literal's datatype IRI as the result formats write it: none for a plain or language-tagged string."""
    datatype = term.datatype.value
    return None if term.language or datatype == _XSD_STRING else datatype


def _json_term(term: OxTerm) -> str:
    # written by hand with the json module's C string encoder: a dict through json.dumps per term costs 5x
    if isinstance(term, ox.NamedNode):
        return '{"type":"uri","value":' + _string(term.value) + "}"
    if isinstance(term, ox.BlankNode):
        return '{"type":"bnode","value":' + _string(term.value) + "}"
    extra = ""
    if term.language:
        extra = ',"xml:lang":' + _string(term.language)
    elif datatype := _datatype(term):
        extra = ',"datatype":' + _string(datatype)
    return '{"type":"literal","value":' + _string(term.value) + extra + "}"


def _tsv_term(term: OxTerm) -> str:
    """A term in the N-Triples form the SPARQL TSV format asks for (escaped to stay on one line)."""
    return str(term)


def _csv_term(term: OxTerm) -> str:
    text = f"_:{term.value}" if isinstance(term, ox.BlankNode) else term.value
    if any(c in text for c in ',"\r\n'):
        return '"' + text.replace('"', '""') + '"'
    return text


def _xml_term(term: OxTerm) -> str:
    """A term as the XML results format writes it, with the closing tag of its binding."""
    if isinstance(term, ox.NamedNode):
        return f"<uri>{escape(term.value)}</uri></binding>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{escape(term.value)}</bnode></binding>"
    attribute = ""
    if term.language:
        attribute = f" xml:lang={quoteattr(term.language)}"
    elif datatype := _datatype(term):
        attribute = f" datatype={quoteattr(datatype)}"
    return f"<literal{attribute}>{escape(term.value)}</literal></binding>"


def _json(result: QueryResult) -> bytes:
    if result.kind == "ASK":
        return json.dumps({"head": {}, "boolean": result.boolean}).encode()
    term = _cached(_json_term)
    names = [json.dumps(name) + ":" for name in result.vars]
    # list comprehensions, not generators, inside join: a large answer is written ~10% faster
    rows = [
        "{" + ",".join([name + term(value) for name, value in zip(names, row) if value is not None]) + "}"  # noqa: B905
        for row in result.native_rows()
    ]
    head = json.dumps({"vars": list(result.vars)}, separators=(",", ":"))
    return ('{"head":' + head + ',"results":{"bindings":[' + ",".join(rows) + "]}}").encode()


def _xml(result: QueryResult) -> bytes:
    start = '<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">'
    if result.kind == "ASK":
        return f"{start}<head/><boolean>{str(result.boolean).lower()}</boolean></sparql>".encode()
    term = _cached(_xml_term)
    names = [f"<binding name={quoteattr(name)}>" for name in result.vars]
    head = "".join(f"<variable name={quoteattr(name)}/>" for name in result.vars)
    rows = [
        "<result>" + "".join([name + term(value) for name, value in zip(names, row) if value is not None]) + "</result>"  # noqa: B905
        for row in result.native_rows()
    ]
    return f"{start}<head>{head}</head><results>{''.join(rows)}</results></sparql>".encode()


def _lines(header: str, separator: str, write: Callable[[OxTerm], str], end: str) -> Callable[[QueryResult], bytes]:
    def lines(result: QueryResult) -> bytes:
        if result.kind == "ASK":
            return str(result.boolean).lower().encode()
        term = _cached(write)
        body = [separator.join(map(term, row)) for row in result.native_rows()]
        first = separator.join(header + name for name in result.vars)
        return (end.join([first, *body]) + end).encode()

    return lines


def _graph(native: ox.RdfFormat) -> Callable[[QueryResult], bytes]:
    def graph(result: QueryResult) -> bytes:
        prefixes = {k: str(v) for k, v in PREFIXES.items()}
        return ox.serialize(result.native_triples(), format=native, prefixes=prefixes) or b""

    return graph


@dataclass(frozen=True)
class Format:
    """One answer format: its name, media type, writer, the SPARQL service description IRI, and other names.

    ``aliases`` holds media types (matched against Accept) and short names
    (``--format``, and the ``format`` parameter SPARQLWrapper and browsers send).
    """

    name: str
    media_type: str
    write: Callable[[QueryResult], bytes]
    iri: str
    aliases: tuple[str, ...] = ()

    @property
    def content_type(self) -> str:
        return self.media_type + ("; charset=utf-8" if self.media_type.startswith("text/") else "")

    def answers_to(self, name: str) -> bool:
        return name in (self.name, self.media_type, *self.aliases)


_RESULTS = "http://www.w3.org/ns/formats/SPARQL_Results_"
# the first of each list is the endpoint's default
RESULT_FORMATS = (
    Format("json", "application/sparql-results+json", _json, _RESULTS + "JSON", ("application/json",)),
    Format("xml", "application/sparql-results+xml", _xml, _RESULTS + "XML", ("application/xml", "text/xml")),
    Format("csv", "text/csv", _lines("", ",", _csv_term, "\r\n"), _RESULTS + "CSV"),
    Format("tsv", "text/tab-separated-values", _lines("?", "\t", _tsv_term, "\n"), _RESULTS + "TSV"),
)
GRAPH_FORMATS = tuple(
    Format(name, native.media_type, _graph(native), native.iri, aliases)
    for name, native, aliases in (
        ("turtle", ox.RdfFormat.TURTLE, ("application/x-turtle", "ttl")),
        ("ntriples", ox.RdfFormat.N_TRIPLES, ("text/plain", "nt", "n-triples")),
        ("jsonld", ox.RdfFormat.JSON_LD, ("application/json", "json-ld", "json")),
        ("rdfxml", ox.RdfFormat.RDF_XML, ("application/xml", "text/xml", "xml", "rdf+xml")),
    )
)
# kg query --format: a readable table, or any format of the table above by a short name
FORMATS = ("table", "csv", "tsv", "json", "xml", "ttl", "nt", "jsonld", "rdfxml")


def _accepted(accept: str) -> list[tuple[str, float]]:
    """The media ranges of an Accept header, best first (stable for equal q)."""
    ranges = []
    for position, part in enumerate(accept.split(",")):
        media, *params = (piece.strip() for piece in part.split(";"))
        quality = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if media and quality > 0:
            ranges.append((-quality, position, media.lower()))
    return [(media, -neg) for neg, _, media in sorted(ranges)]


def negotiate(accept: str | None, requested: Iterable[str], returns_graph: bool) -> Format:
    """Pick the answer format from ``format`` parameters (the first one known wins) or else the Accept header.

    >>> negotiate("text/html,application/xml;q=0.9,*/*;q=0.8", (), False).name
    'xml'
    >>> negotiate(None, ("tsv", "text/tab-separated-values"), False).name
    'tsv'
    >>> negotiate("text/csv", (), True)
    Traceback (most recent call last):
    ...
    kg.errors.Refused: cannot answer in text/csv; this query gives an RDF graph: text/turtle, application/n-triples, application/ld+json, application/rdf+xml
    """
    formats = GRAPH_FORMATS if returns_graph else RESULT_FORMATS
    kind = "an RDF graph" if returns_graph else "a results table"
    names = [name.strip().lower() for name in requested if name.strip()]
    for name in names:
        for candidate in formats:
            if candidate.answers_to(name):
                return candidate
    if names:
        known = ", ".join(f.name for f in formats)
        raise Refused(f"unknown format {names[0]!r}; this query gives {kind}: {known}", 406)
    for media, _ in _accepted(accept or "*/*"):
        for candidate in formats:
            major = candidate.media_type.split("/")[0]
            if media in ("*/*", f"{major}/*") or ("/" in media and candidate.answers_to(media)):
                return candidate
    offered = ", ".join(f.media_type for f in formats)
    raise Refused(f"cannot answer in {accept}; this query gives {kind}: {offered}", 406)


_BY_LENGTH = sorted(((p, str(n)) for p, n in PREFIXES.items()), key=lambda item: -len(item[1]))


def short_iri(term: Node) -> str:
    """A term for people: IRIs as prefixed names where a prefix fits, literals as their text.

    >>> from kg.namespaces import ID
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


@dataclass(frozen=True)
class TableView:
    """How ``table`` shows an answer to people (see :func:`readable`).

    ``bound`` holds the parameters the query was run with (shown once above the table, not in every row),
    ``parameters`` the names of every parameter of the query, ``labels`` names for IRIs the answer gives
    without a label column, ``iris`` keeps IRI columns beside their labels, ``wide`` leaves long text whole,
    ``why_empty`` is the sentence shown for an empty answer.
    """

    bound: Mapping[str, Node] = field(default_factory=dict)
    parameters: Collection[str] = ()
    labels: Mapping[URIRef, str] = field(default_factory=dict)
    iris: bool = False
    wide: bool = False
    why_empty: str | None = None


@dataclass(frozen=True)
class Readable:
    """A SELECT answer as people read it: text cells, one row per thing, sources gathered in one cell."""

    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    caption: str = ""


CELL_WIDTH = 40  # a table cell longer than this is cut with an ellipsis, unless the view is wide
_SOURCES = frozenset({"source", "sources"})
# kinds of IRI that are bookkeeping nodes without a name of their own (lookup._UNNAMED): no column for people
_BOOKKEEPING = frozenset({"stake", "control", "fact", "claim", "flag", "mention", "event", "membership", "operation"})
_ID = str(ID)
_NUMERIC = re.compile(r"^-?[\d,.]*( [a-z]+)?$")
_UNITS = {"PERCENT": "%", "CCY_USD": "USD", "CCY_EUR": "EUR", "GigaW-HR": "GWh", "TONNE": "t", "MegaW-HR": "MWh"}


def readable_number(value: object) -> str:
    """A number as people read it in a table: thousands separated, millions and up in words, at most 2 decimals.

    Years (four digits) stay as they are.

    >>> readable_number(150000000000), readable_number(2012), readable_number(Decimal("33.330")), readable_number(25000)
    ('150 bn', '2012', '33.33', '25,000')
    >>> readable_number(12_500_000), readable_number(Decimal("4.50")), readable_number(-0.125)
    ('12.5 m', '4.5', '-0.12')
    """
    number = float(value)  # type: ignore[arg-type]
    for size, word in ((1e12, "tn"), (1e9, "bn"), (1e6, "m")):
        if abs(number) >= size:
            return f"{number / size:,.3g} {word}" if abs(number) < size * 1000 else f"{number / size:,.0f} {word}"
    if isinstance(value, int) and abs(value) < 10000:
        return str(value)
    text = f"{number:,.2f}".rstrip("0").rstrip(".")
    return text if abs(number) >= 10000 else text.replace(",", "")


def _words(name: str) -> str:
    """An ontology term's local name in words: ``ParentStake`` -> ``parent stake``."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", name).lower()


def _cell(term: Node | None, view: TableView) -> str:
    if term is None:
        return ""
    if isinstance(term, URIRef):
        if view.iris:
            return short_iri(term)
        label = view.labels.get(term)
        if label:
            return label
        text = short_iri(term)
        prefix, _, local = text.partition(":")
        if prefix == "unit":
            return _UNITS.get(local, local)
        return _words(local).removesuffix(" stake") if prefix in ("bkg", "role") else text
    if isinstance(term, Literal):
        value = term.toPython()
        if isinstance(value, bool):
            return "yes" if value else "no"
        if isinstance(value, (int, float, Decimal)) and term.datatype != XSD.gYear:
            return readable_number(value)
    return " ".join(str(term).split())


def _domain(url: str) -> str:
    host = urlsplit(url).hostname or url
    return host.removeprefix("www.")


def _bookkeeping(term: Node | None) -> bool:
    return (
        isinstance(term, URIRef) and str(term).startswith(_ID) and str(term)[len(_ID) :].split("/")[0] in _BOOKKEEPING
    )


def _label_of(name: str, names: tuple[str, ...]) -> str | None:
    """The column holding the labels of column ``name``: ``nameLabel``, or ``label`` for the first column."""
    if f"{name}Label" in names:
        return f"{name}Label"
    return "label" if name == names[0] and "label" in names and name != "label" else None


def readable(result: QueryResult, view: TableView | None = None) -> Readable:
    """``result`` for people: labels instead of IRIs, bound parameters in a caption, sources in one cell.

    Without ``view.iris``, a column ``x`` with a label column ``xLabel`` shows the label under the name
    ``x``; a column of bookkeeping nodes (stakes, facts, claims ...) and a year column beside its date
    (``startYear`` beside ``start``) are left out. Rows that differ only in their ``source`` are one row
    whose ``sources`` cell lists the sites. Numbers read as in :func:`readable_number`.

    >>> from rdflib import Literal, URIRef
    >>> result = QueryResult("SELECT", ("owner", "ownerLabel", "share", "source"), [
    ...     (URIRef("urn:a"), Literal("Acme"), Literal(Decimal("50.0")), Literal("https://www.acme.com/x")),
    ...     (URIRef("urn:a"), Literal("Acme"), Literal(Decimal("50.0")), Literal("https://news.example/y"))])
    >>> readable(result)
    Readable(columns=('owner', 'share', 'sources'), rows=(('Acme', '50', 'acme.com, news.example'),), caption='')
    """
    view = view or TableView()
    names = result.vars
    rows = list(result.rows)
    caption = [f"{name}: {_cell(value, view)}" for name, value in view.bound.items()]
    shown: list[tuple[str, int, int | None]] = []  # header, column, label column
    for index, name in enumerate(names):
        if name in view.bound or (name.endswith("Label") and name[:-5] in view.bound):
            continue
        if name in view.parameters and all(row[index] is None for row in rows):
            continue  # an optional parameter left out: nothing to show
        if view.iris:
            shown.append((name, index, None))
            continue
        if (name.endswith("Label") and name[:-5] in names) or (name == "label" and _label_of(names[0], names)):
            continue  # shown in the IRI column's place
        if name.endswith("Year") and name[:-4] in names:
            continue  # the date beside it says the same, as precisely as known
        if any(_bookkeeping(row[index]) for row in rows) and all(
            row[index] is None or _bookkeeping(row[index]) for row in rows
        ):
            continue
        if name.endswith("Label"):
            shown.append((name[:-5], index, None))
        else:
            shown.append((name, index, names.index(_label_of(name, names)) if _label_of(name, names) else None))
    source_columns = [i for i, (header, _, _) in enumerate(shown) if header in _SOURCES]
    merged: dict[tuple[str, ...], list[list[str]]] = {}
    for row in rows:
        cells = []
        for _, index, label in shown:
            term = row[label] if label is not None and row[label] is not None else row[index]
            cells.append(_cell(term, view))
        key = tuple(cell for i, cell in enumerate(cells) if i not in source_columns)
        gathered = merged.setdefault(key, [[] for _ in source_columns])
        for place, column in enumerate(source_columns):
            site = _domain(cells[column]) if cells[column] else ""
            if site and site not in gathered[place]:
                gathered[place].append(site)
    headers = [("sources" if i in source_columns else header) for i, (header, _, _) in enumerate(shown)]
    out = []
    for key, gathered in merged.items():
        cells, rest = [], iter(key)
        for i in range(len(shown)):
            cells.append(", ".join(gathered[source_columns.index(i)]) if i in source_columns else next(rest))
        out.append(tuple(cells))
    return Readable(tuple(headers), tuple(out), "; ".join(caption))


def _fit(widths: list[int], width: int, floors: list[int], last: Collection[int] = ()) -> list[int]:
    """Column widths that fit ``width`` (two spaces between columns), taken from the widest first.

    No column gets narrower than its floor; the ``last`` columns (sources) give up their width first.

    >>> _fit([30, 30, 5], 40, [6, 6, 5]), _fit([30, 30, 20], 50, [6, 6, 7], last=[2])
    ([15, 16, 5], [19, 20, 7])
    """
    widths = list(widths)
    while sum(widths) + 2 * (len(widths) - 1) > width:
        spare = [i for i in last if widths[i] > floors[i]]
        widest = spare[0] if spare else max(range(len(widths)), key=lambda i: widths[i] - floors[i])
        if widths[widest] <= floors[widest]:
            break
        widths[widest] -= 1
    return widths


def _table(result: QueryResult, width: int | None, view: TableView | None = None) -> str:
    from rich.cells import cell_len, set_cell_size

    view = view or TableView()
    if result.kind == "ASK":
        return ("true" if result.boolean else "false") + "\n"
    shown = readable(result, view)
    lines = [shown.caption] if shown.caption else []
    natural = [
        max([cell_len(header), *(cell_len(row[i]) for row in shown.rows)]) for i, header in enumerate(shown.columns)
    ]
    capped = natural if view.wide else [min(w, CELL_WIDTH) for w in natural]
    sources = [i for i, header in enumerate(shown.columns) if header == "sources"]
    # numbers are never cut; other text keeps at least its header's first letters
    floors = [
        w if all(_NUMERIC.match(row[i]) for row in shown.rows) else min(w, max(4, min(cell_len(header), 8)))
        for i, (w, header) in enumerate(zip(capped, shown.columns, strict=True))
    ]
    widths = capped if view.wide else _fit(capped, width or 80, floors, sources)
    cut = any(n > w for n, w in zip(natural, widths, strict=True))

    def fitted(text: str, size: int) -> str:
        return set_cell_size(text, size - 1) + "…" if cell_len(text) > size else text

    def line(cells: Iterable[str]) -> str:
        return "  ".join(set_cell_size(fitted(text, size), size) for text, size in zip(cells, widths, strict=True))

    # too many columns for the width (text squeezed below 10 characters): one block per row instead
    squeezed = [w < min(n, 10) for w, n, f in zip(widths, natural, floors, strict=True) if f < n]
    if shown.rows and not view.wide and sum(squeezed) >= 2:
        key_width = max(cell_len(column) for column in shown.columns)
        room = max((width or 80) - key_width - 2, 10)
        cut = False
        for number, row in enumerate(shown.rows, start=1):
            lines.append(f"── {number} " + "─" * max(0, min(width or 80, 40) - len(str(number)) - 4))
            for column, text in zip(shown.columns, row, strict=True):
                if text:
                    cut = cut or cell_len(text) > room
                    lines.append(f"{set_cell_size(column, key_width)}  {fitted(text, room)}")
    elif shown.rows:
        lines.append(line(shown.columns).rstrip())
        lines.append("  ".join("─" * size for size in widths))
        lines.extend(line(row).rstrip() for row in shown.rows)
    count = len(shown.rows)
    footer = f"{count} row{'s' if count != 1 else ''}"
    if not shown.rows and view.why_empty:
        footer += f": {view.why_empty}"
    if cut:
        footer += " (long text cut at …; --wide or --format csv shows it whole)"
    return "\n".join([*lines, footer]) + "\n"


def format_result(result: QueryResult, fmt: str, width: int | None = None, view: TableView | None = None) -> str:
    """``result`` as text in one of :data:`FORMATS` (``table`` for people; ``ttl`` and the like for graphs).

    ``width`` and ``view`` shape the ``table`` format only; the others always carry the answer as it is.
    """
    if fmt not in FORMATS:
        raise QueryError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    if result.kind == "GRAPH":
        if fmt == "table":
            raise QueryError(
                "a CONSTRUCT or DESCRIBE query gives RDF, not a table: use --format ttl, nt, jsonld or rdfxml"
            )
        chosen = [f for f in GRAPH_FORMATS if f.answers_to(fmt) and fmt not in ("json", "xml")]
        if not chosen:
            raise QueryError(
                f"a CONSTRUCT or DESCRIBE query gives RDF: use --format ttl, nt, jsonld or rdfxml, not {fmt}"
            )
    elif fmt == "table":
        return _table(result, width, view)
    else:
        chosen = [f for f in RESULT_FORMATS if f.name == fmt]
        if not chosen:
            raise QueryError(f"--format {fmt} is for CONSTRUCT and DESCRIBE queries; this is a {result.kind} query")
    text = chosen[0].write(result).decode()
    return text if text.endswith("\n") else text + "\n"
