"""Answers for people: the ``table`` format of ``kg query`` and the rows notebooks show.

Labels stand in for IRIs (``company:catl`` where an IRI has no label), sources
are gathered into one cell of site names, numbers read as ``150 bn``, long text
is cut to fit the terminal, and an empty answer says why where the query can
tell. The machine formats (``kg.formats``) always carry the answer as it is.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import urlsplit

from rdflib import XSD, BNode, Literal, URIRef
from rdflib.term import Node

from .namespaces import ID, PREFIXES
from .store import QueryResult

__all__ = ["Readable", "TableView", "readable", "readable_number", "short_iri", "table"]

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
_UNITS = {"PERCENT": "%", "GigaW-HR": "GWh", "TONNE": "t", "MegaW-HR": "MWh"}


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
            return _UNITS.get(local, local.removeprefix("CCY_"))  # "CCY_AUD" is "AUD"
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


def table(result: QueryResult, width: int | None, view: TableView | None = None) -> str:
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
