"""How names are compared, and the one resolver of names to the things they stand for.

Query parameters ("Hana Corp." for "Hana Corporation"), report mentions
(kg.ingest.resolve), country spellings (kg.countries) and node look-up in the
networkx graph (kg.netx) all compare names in the form :func:`name_key` gives,
company names also without their legal form (:func:`company_key`) and concept
names in singular words (:func:`concept_key`), so a name that one of them finds
the others find too. :class:`NameTable` turns names into IRIs for kg query, the
API, kg viz --focus (through kg.lookup, from a store) and report ingestion
(from the reference records, before a store exists).
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Literal

from rapidfuzz import fuzz, process
from rdflib import URIRef

from .namespaces import ID

__all__ = [
    "LEGAL_FORMS",
    "Candidate",
    "Match",
    "NameTable",
    "company_key",
    "concept_key",
    "kind_of",
    "loose_key",
    "name_key",
]

# Legal forms a name may carry or leave out ("Panasonic Holdings" for "Panasonic Holdings Corporation"),
# as they read after name_key (dots dropped: "S.A." is "sa", "K.K." is "kk")
LEGAL_FORMS = frozenset(
    [
        "ab",
        "ag",
        "asa",
        "bv",
        "co",
        "company",
        "corp",
        "corporation",
        "gmbh",
        "inc",
        "incorporated",
        "kg",
        "kk",
        "limited",
        "llc",
        "lp",
        "ltd",
        "nv",
        "oyj",
        "plc",
        "pty",
        "sa",
        "se",
        "spa",
    ]
)


_NOT_WORD = re.compile(r"[^\w]+")
_PARENTHESES = re.compile(r"\([^)]*\)")


def name_key(text: str) -> str:
    """A name as compared: case, accents, dots and other punctuation do not count; ``&`` is "and".

    >>> name_key("U.K."), name_key("LG Corp."), name_key("Société Générale & Co"), name_key("Taiwan, China")
    ('uk', 'lg corp', 'societe generale and co', 'taiwan china')
    >>> name_key("ガス"), name_key("ＴＤＫ株式会社")
    ('ガス', 'tdk株式会社')
    """
    text = str(text)
    if not text.isascii():  # ASCII has no accents to drop, nor forms to normalise
        kept: list[str] = []
        for ch in unicodedata.normalize("NFKD", text):
            # accents go from Latin letters only: a kana's voicing mark changes the word
            if not (unicodedata.combining(ch) and kept and kept[-1] < "\u0250"):
                kept.append(ch)
        text = unicodedata.normalize("NFC", "".join(kept))
    text = text.casefold().replace("&", " and ").replace(".", "")
    return " ".join(_NOT_WORD.sub(" ", text).split())


def company_key(name: str) -> str:
    """An organisation's name as compared: :func:`name_key` without parentheses or a trailing legal form.

    >>> company_key("BYD Company Limited"), company_key("Johnson Controls-Saft"), company_key("LG Chem Ltd.")
    ('byd', 'johnson controls saft', 'lg chem')
    >>> company_key("Hana Corp."), company_key("Arkema S.A."), company_key("Company")
    ('hana', 'arkema', 'company')
    """
    words = name_key(_PARENTHESES.sub(" ", str(name))).split()
    while len(words) > 1 and words[-1] in LEGAL_FORMS:
        words.pop()
    return " ".join(words)


def concept_key(text: str) -> str:
    """A concept's name as compared: lower case, singular words, no punctuation.

    >>> concept_key("Lithium-ion batteries"), concept_key("Aerospace & Defense")
    ('lithium ion battery', 'aerospace and defense')
    """
    text = text.casefold().replace("&", " and ")
    words = re.findall(r"[a-z0-9]+", text)
    singular = []
    for word in words:
        if word.endswith("ies") and len(word) > 4:
            word = word[:-3] + "y"
        elif word.endswith("s") and not word.endswith(("ss", "us", "is")) and len(word) > 3:
            word = word[:-1]
        singular.append(word)
    return " ".join(singular)


def kind_of(iri: URIRef | str) -> str | None:
    """The kind an IRI was minted with (``company``, ``chemistry``, ...), or None for other IRIs.

    >>> kind_of(ID["company/a123-systems"])
    'company'
    """
    text = str(iri)
    if not text.startswith(str(ID)):
        return None
    return text[len(str(ID)) :].split("/", 1)[0]


def _local(iri: URIRef) -> str:
    return str(iri).rsplit("/", 1)[-1]


# kinds of IRI that are bookkeeping, not things anyone names: reachable by IRI only
_UNNAMED = frozenset({"stake", "control", "fact", "claim", "flag", "mention", "event"})

RESOLVED_MIN = 90.0  # fuzzy score at or above which a single best match is accepted
AMBIGUOUS_MIN = 80.0  # below this a name in running text is unresolved (its near misses are kept as candidates)
CLOSE_CALL = 3.0  # two entities scoring within this of each other make a name ambiguous

# Words many battery company names share; fuzzy scores are taken on the other, distinctive words
# so that "HiNa Battery Technology" does not come close to "China Lithium Battery Technology".
_GENERIC = frozenset(
    [
        "battery",
        "batteries",
        "energy",
        "technology",
        "technologies",
        "tech",
        "power",
        "systems",
        "system",
        "group",
        "holdings",
        "holding",
        "new",
        "materials",
        "material",
        "electric",
        "electronics",
        "industries",
        "industrial",
        "international",
        "global",
        "solutions",
        "advanced",
    ]
)


def _distinctive(key: str) -> str:
    words = [w for w in key.split() if w not in _GENERIC]
    return " ".join(words) or key


def loose_key(text: str, kind: str | None) -> str:
    """The form a name of ``kind`` is matched in when it is not found as written: companies without
    their legal form (:func:`company_key`), concepts in singular words (:func:`concept_key`).

    >>> loose_key("Samsung SDI Co., Ltd.", "company"), loose_key("LFP batteries", "chemistry")
    ('samsung sdi', 'lfp battery')
    """
    return company_key(text) if kind == "company" else concept_key(text)


Status = Literal["resolved", "ambiguous", "unresolved"]


@dataclass(frozen=True)
class Candidate:
    """A thing a name may stand for, with how well the name fits it (100: exactly)."""

    iri: URIRef
    label: str
    score: float


@dataclass(frozen=True)
class Match:
    """What a name found in running text stands for: one thing (``resolved``), several, or none.

    ``confidence`` is 1.0 for a name found as written, less for a partial or fuzzy fit, 0 for none.
    """

    status: Status
    candidates: tuple[Candidate, ...] = ()
    confidence: float = 0.0


class NameTable:
    """Every name of every thing, and the one resolver of names to IRIs.

    Built from rows ``(iri, name, alias)`` (``alias`` false for the thing's label, true for an
    alternative name or code) and the IRIs that are the preferred sense of a name that fits several
    things. kg.lookup builds it from a store (the named query ``entity-names``), report ingestion from
    the reference records before a store exists (kg.ingest.resolve.reference_names); the rows are the
    same, so a name means the same thing to both.

    >>> from kg.namespaces import iri
    >>> table = NameTable(
    ...     [(iri("company", "volta"), "Volta Cells Inc.", False), (iri("company", "volta"), "Volta", True),
    ...      (iri("region", "europe"), "Europe", False), (iri("region", "m49-150"), "Europe", False)],
    ...     preferred=[iri("region", "europe")])
    >>> table.exact("volta cells", "company") == {iri("company", "volta")}
    True
    >>> table.exact("Europe", "region") == {iri("region", "europe")}  # the preferred sense
    True
    >>> found = table.match("Volta Cels", "company")  # a typo, for names in running text
    >>> found.status, found.candidates[0].label, found.confidence
    ('resolved', 'Volta Cells Inc.', 0.95)
    """

    def __init__(self, names: Iterable[tuple[URIRef, str, bool]], preferred: Iterable[URIRef] = ()) -> None:
        self.labels: dict[URIRef, str] = {}
        self._tables: tuple[dict[str, set[URIRef]], ...] = tuple(defaultdict(set) for _ in range(4))
        by_name, by_id, by_core, by_concept = self._tables
        self._loose: dict[str | None, dict[str, set[URIRef]]] = defaultdict(lambda: defaultdict(set))
        self._acronyms: dict[str | None, dict[str, set[URIRef]]] = defaultdict(lambda: defaultdict(set))
        iris = set()
        for entity, name, alias in names:
            iris.add(entity)
            if not alias:
                self.labels.setdefault(entity, name)
            kind = kind_of(entity)
            if kind in _UNNAMED:
                continue
            by_name[name_key(name)].add(entity)
            by_id[name_key(_local(entity))].add(entity)
            by_core[company_key(name)].add(entity)
            by_concept[concept_key(name)].add(entity)
            key = loose_key(name, kind)
            if key:
                self._loose[kind][key].add(entity)
            if re.fullmatch(r"[A-Z0-9&-]{2,6}", name.strip()):
                self._acronyms[kind][name.strip()].add(entity)
        self.iris = frozenset(iris)
        self.preferred = frozenset(preferred)
        self._fuzzy: dict[str | None, tuple[list[str], list[str]]] = {}

    def _of_kind(self, found: Iterable[URIRef], kind: str | None) -> set[URIRef]:
        return {iri for iri in found if kind is None or kind_of(iri) == kind}

    def exact(self, name: str, kind: str | None = None) -> set[URIRef]:
        """The things of ``kind`` that ``name`` is a name, alias, code or id of: the first of these that fits
        anything: the id as written, the name as compared (:func:`name_key`), the id as compared, the name
        without its legal form (:func:`company_key`), in singular words (:func:`concept_key`). Of several,
        the preferred sense when there is one.
        """
        text = str(name).strip()
        by_name, by_id, by_core, by_concept = self._tables
        # an id as written wins over names ("europe" is the market region, "Europe" also the M49 area)
        written = {m for m in self._of_kind(by_id.get(name_key(text), ()), kind) if _local(m) == text}
        if len(written) == 1:
            return written
        for table, form in ((by_name, name_key), (by_id, name_key), (by_core, company_key), (by_concept, concept_key)):
            key = form(text)
            matches = self._of_kind(table.get(key, ()), kind) if key else set()
            if len(matches) > 1 and len(matches & self.preferred) == 1:
                matches = matches & self.preferred
            if matches:
                return matches
        return set()

    def near(self, name: str, kind: str | None = None, limit: int = 3) -> tuple[str, ...]:
        """Labels of things of ``kind`` that look like ``name``, best first: suggestions for a name not found."""
        choices = sorted(
            {label for i, label in self.labels.items() if self._of_kind([i], kind) and kind_of(i) not in _UNNAMED}
        )
        return tuple(found for found, _, _ in process.extract(str(name), choices, limit=limit, score_cutoff=70))

    def label(self, iri: URIRef) -> str:
        """The label of a thing, or the end of its IRI when it has none."""
        return self.labels.get(iri, _local(iri))

    def candidates(self, iris: Iterable[URIRef], score: float) -> tuple[Candidate, ...]:
        """The things as candidates of one score, in IRI order."""
        return tuple(Candidate(i, self.label(i), round(score, 1)) for i in sorted(iris))

    def found(self, iris: Collection[URIRef], score: float) -> Match:
        """The answer for a name that fits ``iris`` by ``score`` (out of 100): resolved with that confidence
        when it fits one thing, ambiguous (confidence 0.5) when several."""
        single = len(iris) == 1
        return Match(
            "resolved" if single else "ambiguous", self.candidates(iris, score), score / 100 if single else 0.5
        )

    def match(self, name: str, kind: str) -> Match:
        """What a name of ``kind`` in running text stands for, never an error: :meth:`exact`, else a
        word-prefix of one name ("Murata" for "Murata Manufacturing"), else fuzzily (a typo, a spelling) on
        the words that are not common to many company names. A short name must fit exactly.

        >>> from kg.namespaces import iri
        >>> samsung = [(iri("company", "a"), "Samsung SDI", False), (iri("company", "b"), "Samsung Electronics", False)]
        >>> table = NameTable(samsung)
        >>> table.match("Samsung", "company").status, table.match("Samsung SD", "company").status
        ('ambiguous', 'resolved')
        >>> table.match("Panasonic", "company")
        Match(status='unresolved', candidates=(), confidence=0.0)
        >>> welion = NameTable([(iri("company", "w"), "Welion New Energy", False)])
        >>> welion.match("Welion Energy", "company").status, welion.match("Gelion", "company").status
        ('resolved', 'unresolved')
        """
        found = self.exact(name, kind)
        if found:
            return Match("resolved" if len(found) == 1 else "ambiguous", self.candidates(found, 100.0), 1.0)
        key = loose_key(name, kind)
        if not key:
            return Match("unresolved")
        loose = self._loose[kind]
        prefixed = {i for k, iris in loose.items() if k.startswith(key + " ") for i in iris}
        if prefixed:
            return self.found(prefixed, 85.0)
        if len(key.replace(" ", "")) <= 4:
            return Match("unresolved")  # a short name ("GEM") must match exactly: fuzzily it is close to any other
        if kind not in self._fuzzy:
            keys = list(loose)
            self._fuzzy[kind] = keys, [_distinctive(k) for k in keys]
        keys, fuzzy_keys = self._fuzzy[kind]
        best: dict[URIRef, float] = {}
        distinctive = _distinctive(key)
        for _, score, position in process.extract(
            distinctive, fuzzy_keys, scorer=fuzz.token_sort_ratio, limit=12, score_cutoff=60
        ):
            if fuzzy_keys[position][:1] != distinctive[:1]:
                # a spelling or a typo keeps a name's first letter: "Gelion" is not "Welion", only near it
                score = min(score, AMBIGUOUS_MIN - 1)
            for entity in loose[keys[position]]:
                best[entity] = max(best.get(entity, 0.0), score)
        ranked = sorted(best.items(), key=lambda item: (-item[1], item[0]))
        if not ranked or ranked[0][1] < AMBIGUOUS_MIN:
            return Match("unresolved", tuple(Candidate(i, self.label(i), round(s, 1)) for i, s in ranked[:3]))
        top = ranked[0][1]
        close = tuple(
            Candidate(i, self.label(i), round(s, 1)) for i, s in ranked if top - s <= CLOSE_CALL and s >= AMBIGUOUS_MIN
        )
        status: Status = "resolved" if top >= RESOLVED_MIN and len(close) == 1 else "ambiguous"
        return Match(status, close, round(top / 100, 2))

    def contained(self, phrase: str, kind: str) -> tuple[URIRef, ...]:
        """Things of ``kind`` named as whole words inside a longer phrase ("LFP cells for buses"): the one
        with the longest name, and any whose acronym the phrase writes as such.
        """
        loose = self._loose[kind]
        key = f" {loose_key(phrase, kind)} "
        hits = sorted((k for k in loose if len(k) >= 3 and f" {k} " in key), key=len, reverse=True)
        found = [i for k in hits[:1] for i in sorted(loose[k])]
        found += sorted(
            i
            for acronym, iris in self._acronyms[kind].items()
            if re.search(rf"(?<![\w-]){re.escape(acronym)}(?![\w-])", phrase)
            for i in iris
        )
        return tuple(dict.fromkeys(found))
