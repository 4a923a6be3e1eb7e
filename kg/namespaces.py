"""Vocabularies as rdflib namespace objects, and the one place our IRIs are minted."""

from __future__ import annotations

import re

from rdflib import DCTERMS, ORG, OWL, PROV, RDF, RDFS, SDO, SKOS, XSD, Namespace, URIRef

# rdflib's vocabularies are offered here too, so that every namespace comes from one module
__all__ = [
    "BASE",
    "BKG",
    "CURATED_GRAPH",
    "DCTERMS",
    "EMMO_BATTERY",
    "GRAPH",
    "ID",
    "INFERRED_GRAPH",
    "KINDS",
    "ONTOLOGY_GRAPH",
    "ORG",
    "OWL",
    "PREFIXES",
    "PROV",
    "QUDT",
    "QUDT_UNIT",
    "RDF",
    "RDFS",
    "SDO",
    "SKOS",
    "WD",
    "XSD",
    "iri",
    "is_key",
    "slugify",
    "source_graph",
]

BASE = "https://w3id.org/battery-kg/"
BKG = Namespace(BASE + "ontology#")
ID = Namespace(BASE + "id/")
GRAPH = Namespace(BASE + "graph/")
QUDT_UNIT = Namespace("http://qudt.org/vocab/unit/")
QUDT = Namespace("http://qudt.org/schema/qudt/")
WD = Namespace("http://www.wikidata.org/entity/")
EMMO_BATTERY = Namespace("https://w3id.org/emmo/domain/battery#")

ONTOLOGY_GRAPH = GRAPH["ontology"]
CURATED_GRAPH = GRAPH["curated"]
INFERRED_GRAPH = GRAPH["inferred"]

KINDS = frozenset(
    [
        "company",
        "chemistry",
        "application",
        "region",
        "country",
        "segment",
        "market",
        "stake",
        "control",
        "event",
        "source",
        "claim",
        "flag",
        "mention",
        "fact",
        "scheme",
        "role",
        "plant",
        "agreement",
        "operation",
        "status",
        "capacity",
        "membership",
    ]
)

PREFIXES = {
    "bkg": BKG,
    "id": ID,
    "schema": SDO,
    "org": ORG,
    "skos": SKOS,
    "prov": PROV,
    "dct": DCTERMS,
    "rdf": RDF,
    "rdfs": RDFS,
    "owl": OWL,
    "xsd": XSD,
    "unit": QUDT_UNIT,
    "qudt": QUDT,
    "wd": WD,
}
# One prefix per kind of thing, so that data and queries can say company:a123-systems.
PREFIXES.update({kind: Namespace(f"{ID}{kind}/") for kind in sorted(KINDS)})

_KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


def is_key(text: str) -> bool:
    """Whether ``text`` can be the local key of one of our IRIs.

    >>> is_key("lg-chem"), is_key("<script>")
    (True, False)
    """
    return bool(_KEY.match(text))


def iri(kind: str, key: str) -> URIRef:
    """The IRI of a thing of ``kind`` with the local ``key``.

    >>> iri("company", "a123-systems")
    rdflib.term.URIRef('https://w3id.org/battery-kg/id/company/a123-systems')
    """
    if kind not in KINDS:
        raise ValueError(f"unknown IRI kind {kind!r}")
    if not is_key(key):
        raise ValueError(f"IRI key {key!r} must be letters, digits, '.', '_' or '-'")
    return ID[f"{kind}/{key}"]


def source_graph(source_id: str) -> URIRef:
    """The named graph that holds what one source document claims.

    >>> source_graph("seed")
    rdflib.term.URIRef('https://w3id.org/battery-kg/graph/source/seed')
    """
    if not _KEY.match(source_id):
        raise ValueError(f"source id {source_id!r} must be letters, digits, '.', '_' or '-'")
    return GRAPH[f"source/{source_id}"]


def slugify(text: str) -> str:
    """A lower-case IRI key for a name.

    >>> slugify("Johnson Controls-Saft")
    'johnson-controls-saft'
    >>> slugify("LG Energy Solution, Ltd.")
    'lg-energy-solution-ltd'
    """
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug or "x"
