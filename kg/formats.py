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
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

from .errors import QueryError, Refused
from .namespaces import PREFIXES
from .store import QueryResult
from .tables import TableView, table
from .terms import OxTerm

__all__ = [
    "FORMATS",
    "GRAPH_FORMATS",
    "RESULT_FORMATS",
    "Format",
    "format_result",
    "negotiate",
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
        return table(result, width, view)
    else:
        chosen = [f for f in RESULT_FORMATS if f.name == fmt]
        if not chosen:
            raise QueryError(f"--format {fmt} is for CONSTRUCT and DESCRIBE queries; this is a {result.kind} query")
    text = chosen[0].write(result).decode()
    return text if text.endswith("\n") else text + "\n"
