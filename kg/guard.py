"""Decide, before anything runs, whether a SPARQL request may run on the endpoint.

Both engines reach other hosts when asked: Oxigraph runs ``SERVICE`` and
``LOAD`` over HTTP, rdflib also fetches ``FROM`` graphs. The endpoint is
read-only and must never do either, so every request is scanned first.

The scan is a SPARQL tokenizer that follows Oxigraph's lexical rules, not a
parse with rdflib: rdflib expands ``\\u0022`` escapes before parsing while
Oxigraph reads them inside strings only, so a query can look harmless to
rdflib and still make Oxigraph call a SERVICE (tests/test_serve.py keeps such
a query). And Oxigraph matches keywords with no word boundary (``1SERVICE``,
``trueSERVICE`` and ``SERVICE:x`` all call a service). So the rule is blunt:
the word SERVICE anywhere outside a string, an IRI, a comment or a variable
name refuses the query, in the text as Oxigraph reads it and as rdflib reads
it. A prefixed name that merely contains it (``schema:serviceType``) is
refused too; its full IRI ``<https://schema.org/serviceType>`` is fine.

>>> inspect_query("SELECT * WHERE { ?s ?p ?o }").form
'SELECT'
>>> inspect_query('SELECT ?service WHERE { ?s ?p "SERVICE <http://x/>" } # SERVICE').form
'SELECT'
>>> inspect_query("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }")
Traceback (most recent call last):
...
kg.errors.Refused: SERVICE refused: this endpoint never queries other endpoints (found 'SERVICE' outside strings and IRIs; write IRIs that contain the word in full, as <...>)
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urljoin

from rdflib import URIRef

from .errors import Refused

__all__ = ["MAX_DEPTH", "QueryShape", "Refused", "Token", "check_depth", "inspect_query", "inspect_update", "tokens"]

# Brackets deeper than this are refused before any parser sees them: Oxigraph's recursive parser
# overflows the stack (a crash, not an error) at a few thousand levels, rdflib's at a few dozen.
# The named queries nest at most 6 deep.
MAX_DEPTH = 64

_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<comment>\#[^\n\r]*)
  | (?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*'''
              |"(?:[^"\\\n\r]|\\.)*"|'(?:[^'\\\n\r]|\\.)*')
  | (?P<iri><(?:[^<>"{}|^`\\\x00-\x20]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*>)
  | (?P<variable>[?$]\w+)
  | (?P<escape>\\.)
  | (?P<name>[^\W\d][\w\-.]*(?::[\w\-.:%]*)?|:[\w\-.:%]*)
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)
_UNICODE_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_FORMS = {"SELECT", "CONSTRUCT", "DESCRIBE", "ASK"}
_UPDATES = {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"}
_CODE = ("name", "other", "escape")


@dataclass(frozen=True)
class Token:
    kind: str  # space, comment, string, iri, variable, escape, name or other
    text: str
    end: int


def tokens(text: str) -> Iterator[Token]:
    """The SPARQL tokens of ``text`` that matter (no spaces or comments).

    >>> [t.text for t in tokens('ASK { ?s <urn:p> "}" } # }')]
    ['ASK', '{', '?s', '<urn:p>', '"}"', '}']
    """
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup or "other"
        if kind not in ("space", "comment"):
            yield Token(kind, match.group(), match.end())


def _unescape(text: str) -> str:
    def char(match: re.Match[str]) -> str:
        code = int(match.group(1) or match.group(2), 16)
        return chr(code) if code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else match.group()

    return _UNICODE_ESCAPE.sub(char, text)


@dataclass(frozen=True)
class QueryShape:
    """What a scanned request is: its form (empty if unrecognised) and the graphs its dataset clause names.

    ``from_graphs``/``from_named`` are the IRIs of ``FROM`` / ``FROM NAMED``
    (or ``USING`` / ``USING NAMED`` in an update): the caller checks that they
    name graphs it holds, so a user learns why a graph is missing.
    """

    form: str
    from_graphs: tuple[URIRef, ...] = ()
    from_named: tuple[URIRef, ...] = ()

    @property
    def returns_graph(self) -> bool:
        """True for CONSTRUCT and DESCRIBE, whose answer is RDF rather than a results table."""
        return self.form in ("CONSTRUCT", "DESCRIBE")


def check_depth(text: str, limit: int = MAX_DEPTH) -> None:
    """Refuse a request whose brackets (``(``, ``[``, ``{`` outside strings, IRIs and comments) nest past ``limit``.

    >>> check_depth("ASK { FILTER(" + "(" * 100 + "1" + ")" * 100 + ") }")
    Traceback (most recent call last):
    ...
    kg.errors.Refused: the query nests brackets more than 64 levels deep, more than any engine here parses safely
    """
    depth = 0
    for token in tokens(text):
        if token.kind != "other" or token.text not in "()[]{}":
            continue
        if token.text in ")]}":
            depth -= 1
            continue
        depth += 1
        if depth > limit:
            raise Refused(
                f"the query nests brackets more than {limit} levels deep, more than any engine here parses safely"
            )


def _refuse_words(text: str, words: tuple[str, ...]) -> None:
    for view in (text, _unescape(text)):  # as Oxigraph reads it, and as rdflib reads it
        for token in tokens(view):
            if token.kind in _CODE:
                for word in words:
                    if word in token.text.upper():
                        what = "queries other endpoints" if word == "SERVICE" else "fetches remote data"
                        raise Refused(
                            f"{word} refused: this endpoint never {what} (found {token.text!r} outside strings "
                            "and IRIs; write IRIs that contain the word in full, as <...>)",
                            403,
                        )


def _shape(text: str, keywords: tuple[str, str]) -> QueryShape:
    """The form and dataset IRIs of a scanned request (``keywords``: FROM or USING, then NAMED)."""
    form, base = "", ""
    prefixes: dict[str, str] = {}
    default: list[URIRef] = []
    named: list[URIRef] = []
    stream = list(tokens(text))

    def resolve(token: Token) -> URIRef | None:
        if token.kind == "iri":
            try:
                return URIRef(urljoin(base, _unescape(token.text[1:-1])))
            except ValueError as error:  # urljoin refuses a malformed host, such as an unclosed [ of IPv6
                raise Refused(f"{token.text} is not a valid IRI: {error}") from None
        if token.kind == "name" and ":" in token.text:
            prefix, _, local = token.text.partition(":")
            return URIRef(prefixes[prefix] + local) if prefix in prefixes else None
        return None

    for index, token in enumerate(stream):
        word = token.text.upper() if token.kind == "name" else ""
        following = stream[index + 1 : index + 3]
        if word == "BASE" and following and following[0].kind == "iri":
            base = str(resolve(following[0]))
        elif word == "PREFIX" and len(following) == 2 and following[1].kind == "iri":
            prefixes[following[0].text.rstrip(":")] = str(resolve(following[1]))
        elif not form and (word in _FORMS or word in _UPDATES):
            form = word
        elif word == keywords[0] and following:
            is_named = following[0].text.upper() == keywords[1]
            target = resolve(following[1] if is_named and len(following) > 1 else following[0])
            if target is not None:
                (named if is_named else default).append(target)
    return QueryShape(form, tuple(default), tuple(named))


def inspect_query(text: str) -> QueryShape:
    """Scan a query: refuse ``SERVICE`` and updates; report its form and FROM graphs.

    >>> inspect_query("PREFIX g: <urn:g:> ASK FROM g:one FROM NAMED <urn:two> { ?s ?p ?o }")
    QueryShape(form='ASK', from_graphs=(rdflib.term.URIRef('urn:g:one'),), from_named=(rdflib.term.URIRef('urn:two'),))
    >>> inspect_query("INSERT DATA { <urn:a> <urn:b> <urn:c> }").form
    Traceback (most recent call last):
    ...
    kg.errors.Refused: this is a SPARQL update, not a query
    """
    _refuse_words(text, ("SERVICE",))
    shape = _shape(text, ("FROM", "NAMED"))
    if shape.form in _UPDATES:
        raise Refused("this is a SPARQL update, not a query")
    return shape


def inspect_update(text: str) -> QueryShape:
    """Scan an update: refuse ``LOAD`` and ``SERVICE``; report its USING graphs.

    >>> inspect_update("LOAD <http://example.org/data.ttl>")
    Traceback (most recent call last):
    ...
    kg.errors.Refused: LOAD refused: this endpoint never fetches remote data (found 'LOAD' outside strings and IRIs; write IRIs that contain the word in full, as <...>)
    """
    _refuse_words(text, ("SERVICE", "LOAD"))
    return _shape(text, ("USING", "NAMED"))
