"""Why an answer is empty, in one sentence, where the query can tell.

"Nobody controlled Sanyo at the end of 2008" and "the data has no owner of
CATL" are both zero rows; people need to know which. For the questions about
one company (its owners, its subsidiaries, its stakes) the organisation's
timeline (``internal/company-timeline``: founded, ended, control periods,
stakes) tells them apart; for the rest the sentence names the filters that
matched nothing.

>>> from kg.query import EXAMPLE, NameIndex, bind, named_query
>>> from kg.store import open_store
>>> store = open_store("oxigraph")
>>> store.load_file(EXAMPLE)
>>> names = NameIndex(store)
>>> query = named_query("ultimate-parent")
>>> why_empty(store, query, bind(store, query, {"company": "Volta Cells", "year": 2012}, names), names)
'nobody controlled Volta Cells at the end of 2012 (the data has a controlling owner from 2013)'
>>> why_empty(store, query, bind(store, query, {"company": "Hana", "year": 2012}, names), names)
'the data has no controlling owner of Hana Corporation in any year'
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from rdflib import Literal, URIRef
from rdflib.term import Node

from .catalogue import NamedQuery, internal_query
from .lookup import NameIndex
from .store import Store

__all__ = ["why_empty"]

# queries about one organisation's control: which side of a control period they ask about
_CONTROL = {"parent-chain": "controlled", "ultimate-parent": "controlled", "subsidiaries": "controls"}


@dataclass(frozen=True)
class _Period:
    start: int | None
    until: int | None  # exclusive

    def holds(self, year: int | None) -> bool:
        if year is None:
            return self.until is None
        return (self.start is None or self.start <= year) and (self.until is None or year < self.until)


def _year(term: Node | None) -> int | None:
    return None if term is None else int(term)  # type: ignore[call-overload]


def _span(periods: list[_Period]) -> str:
    starts = [p.start for p in periods if p.start is not None]
    first = f"from {min(starts)}" if starts else "in some years"
    ends = [p.until for p in periods]
    if None in ends or not ends:
        return first
    return f"{first} until {max(e for e in ends if e is not None)}"


def why_empty(
    store: Store, query: NamedQuery, bindings: Mapping[str, Node], names: NameIndex | None = None
) -> str | None:
    """One sentence on why ``query`` with ``bindings`` has no rows, or None when it cannot tell more than that."""

    def name(term: Node) -> str:
        label = names.label(term) if names is not None and isinstance(term, URIRef) else None
        return label or str(term)

    year = _year(bindings["year"]) if isinstance(bindings.get("year"), Literal) else None
    subject = bindings.get("company", bindings.get("group"))
    side = _CONTROL.get(query.name)
    if isinstance(subject, URIRef) and (side or query.name == "ownership-stakes"):
        label = name(subject)
        rows = store.query(internal_query("company-timeline").text, {"company": subject}).dicts()
        founded = [int(r["year"]) for r in rows if str(r["what"]) == "founded" and r["year"] is not None]  # type: ignore[call-overload]
        ended = [r for r in rows if str(r["what"]) == "ended" and r["year"] is not None]
        end_year = int(ended[0]["year"]) if ended else None  # type: ignore[call-overload]
        if year is not None and founded and min(founded) > year:
            return f"{label} was founded in {min(founded)}, after {year}"
        if year is not None and end_year is not None and end_year <= year:
            other = f" into {name(ended[0]['other'])}" if ended[0]["other"] is not None else ""
            return f"{label} no longer existed at the end of {year} (it ended{other} in {end_year})"
        what = "stake" if side is None else side
        periods = [_Period(_year(r["year"]), _year(r["until"])) for r in rows if str(r["what"]) == what]
        when = f"at the end of {year}" if year is not None else "now"
        if side == "controlled":
            if not periods:
                return f"the data has no controlling owner of {label} in any year"
            return f"nobody controlled {label} {when} (the data has a controlling owner {_span(periods)})"
        if side == "controls":
            if not periods:
                return f"the data has no company controlled by {label} in any year"
            return f"{label} controlled no company {when} (the data has it controlling others {_span(periods)})"
        if not periods:
            return f"the data has no ownership stake held by or in {label}"
        return f"none of the {len(periods)} stakes held by or in {label} was held {when}"
    if bindings:
        given = ", ".join(f"{key} = {name(value)}" for key, value in bindings.items())
        return f"nothing in the data matches {given}"
    return None
