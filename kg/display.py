"""How API results show in a notebook or a shell: short reprs and HTML tables.

Records (kg.graph's frozen dataclasses) inherit :class:`Shown`: ``repr`` names
things by their label rather than dumping IRIs, and Jupyter renders
``_repr_html_`` as a small table. Query answers use the same people's view as
``kg query --format table`` (:func:`kg.tables.readable`).

>>> from dataclasses import dataclass
>>> from rdflib import URIRef
>>> @dataclass(frozen=True, repr=False)
... class Thing(Shown):
...     iri: URIRef
...     label: str
...     type: str
>>> @dataclass(frozen=True, repr=False)
... class Link(Shown):
...     owner: Thing
...     share: float | None
...     note: str | None = None
>>> acme = Thing(URIRef("https://w3id.org/battery-kg/id/company/acme"), "Acme <Cells>", "company")
>>> acme, Link(acme, 50.0)
(Thing('Acme <Cells>', company), Link(owner='Acme <Cells>', share=50.0))
>>> "Acme &lt;Cells&gt;" in Link(acme, 50.0)._repr_html_()
True
"""

from __future__ import annotations

import dataclasses
from html import escape

from rdflib import URIRef

from .tables import Readable, short_iri

__all__ = ["Shown", "html_table"]

_LONG = 60  # a value shown in a repr longer than this is cut


def _short(value: object) -> str:
    """A field value as a repr shows it: things by label, IRIs as prefixed names, long sequences counted."""
    if isinstance(value, Shown) and hasattr(value, "label"):
        return repr(value.label)
    if isinstance(value, URIRef):
        return short_iri(value)
    if isinstance(value, (tuple, list)) and len(value) > 3:
        return f"<{len(value)} items>"
    if isinstance(value, (tuple, list)):
        return "(" + ", ".join(_short(item) for item in value) + ("," if len(value) == 1 else "") + ")"
    text = repr(value)
    return text if len(text) <= _LONG else text[: _LONG - 4] + "...'"


def _cell(value: object) -> str:
    if isinstance(value, Shown) and hasattr(value, "label"):
        return str(value.label)
    if isinstance(value, URIRef):
        return short_iri(value)
    if isinstance(value, (tuple, list)):
        return "; ".join(_cell(item) for item in value)
    return "" if value is None else str(value)


class Shown:
    """Short ``repr`` and an HTML table for a frozen dataclass record."""

    def __repr__(self) -> str:
        fields = dataclasses.fields(self)  # type: ignore[arg-type]
        if {"iri", "label", "type"} <= {f.name for f in fields}:
            return f"{type(self).__name__}({self.label!r}, {self.type})"  # type: ignore[attr-defined]
        shown = [
            f"{f.name}={_short(getattr(self, f.name))}"
            for f in fields
            if getattr(self, f.name) is not None and getattr(self, f.name) != ()
        ]
        return f"{type(self).__name__}({', '.join(shown)})"

    def _repr_html_(self) -> str:
        rows, nested = [], []
        for f in dataclasses.fields(self):  # type: ignore[arg-type]
            value = getattr(self, f.name)
            if value is None or value == ():
                continue
            if isinstance(value, tuple) and all(isinstance(item, Shown) for item in value):
                nested.append((f.name, value))  # e.g. an entity's facts: a table of their own below
            else:
                rows.append((f.name, _cell(value)))
        html = html_table(Readable(("field", "value"), tuple(rows)), caption=type(self).__name__)
        for name, items in nested:
            columns = tuple(f.name for f in dataclasses.fields(items[0]))  # type: ignore[arg-type]
            table = tuple(tuple(_cell(getattr(item, column)) for column in columns) for item in items)
            html += html_table(Readable(columns, table), caption=f"{name} ({len(items)})")
        return html


def html_table(view: Readable, caption: str = "", footer: str = "") -> str:
    """A people's view of an answer as an HTML table (every value escaped)."""
    head = "".join(f"<th style='text-align:left'>{escape(column)}</th>" for column in view.columns)
    body = "".join(
        "<tr>" + "".join(f"<td style='text-align:left'>{escape(cell)}</td>" for cell in row) + "</tr>"
        for row in view.rows
    )
    title = f"<caption style='text-align:left'>{escape(caption)}</caption>" if caption else ""
    foot = f"<p>{escape(footer)}</p>" if footer else ""
    return f"<table>{title}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>{foot}"
