"""What the walk over a report's blocks has found so far, and how a name is made ready to keep.

``State`` collects companies, segments, regions, prose and metadata as ``kg.ingest.extract`` and
``kg.ingest.prose`` find them; ``clean_name`` strips a listed name of its decoration ("1. LG Chem (South
Korea)" is "LG Chem") and refuses what is no name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..countries import find_in_text, normalize_items
from .document import Block
from .figures import REGION_WORDS
from .model import CompanyMention, Segment, StatedRelation
from .places import local_items
from .text import parse_range, plain

__all__ = [
    "LIST_TAIL",
    "LOWER_INITIAL",
    "MONTH",
    "NOT_A_NAME",
    "RELATION_NAMES",
    "State",
    "clean_name",
    "is_place",
    "mostly_countries",
    "unique",
]

LIST_TAIL = re.compile(
    r"\s*(?:,?\s*(?:and|among|amongst)\s+(?:many\s+|several\s+|various\s+)?others?(?:\s+\w+)?|,?\s*etc\.?|,?\s*and more"
    r"|,?\s*and other (?:\w+\s*){1,3})\s*\.?\s*$",
    re.I,
)

NOT_A_NAME = re.compile(
    r"^(?:the|this|these|our|its|their|in|on|by|for|with|from|key|major|leading|other|others|some|many|most|all|both"
    r"|market|report|table|figure|source|note|total|global|regions?|segments?|segmentation|company|companies|players?|manufacturers"
    r"|request|download|buy|get|contact|sample|free|click|see|read|view|share|overview|summary|conclusion|introduction"
    r"|methodology|appendix|analysis|outlook|forecast|highlights|trends?|drivers?|challenges?|faq|description"
    r"|profile|products?|revenue|headquarters|founded|employees|website|strategy|recent|developments?|swot)\b",
    re.I,
)
# a name that starts in lower case, before a capital: "eVionyx", "e-Zinc", "iM3NY"
LOWER_INITIAL = re.compile(r"[a-z]-?[A-Z]")
# "Name (owned by X)", "Name (backed by X)", "Name (X)": an aside in parentheses after a listed company
_ASIDE = re.compile(
    r"\s[(（]\s*(?:(?P<how>(?:backed|owned|controlled|acquired) by|part of|(?:a )?(?:unit|subsidiary|division) of"
    r"|through|via|now|formerly|previously|renamed|(?:formerly|previously) known as)\s+)?(?P<name>[^()（）]{2,60}?)\s*[)）]\s*$",
    re.I,
)
# the word a text states a relation with, and the relation: "a subsidiary of", "owned by", "acquired by"
RELATION_NAMES = {
    "subsidiary": "subsidiary-of", "unit": "part-of", "division": "part-of", "arm": "part-of", "part": "part-of",
    "member": "part-of", "brand": "part-of", "affiliate": "affiliate-of", "joint venture": "joint-venture-of",
    "owned": "owned-by", "controlled": "owned-by", "acquired": "acquired-by", "bought": "acquired-by",
}  # fmt: skip
MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"  # a month's name starts so ("Sept", "September")
_DATE = re.compile(
    rf"(?:(?:\d{{1,2}}\s+)?{MONTH}[a-z]*\.?(?:\s+\d{{1,2}},?)?|Q[1-4]|H[12]|FY)\s*(?:19|20)\d\d",
    re.I,
)
_REGION_NAME = re.compile(rf"^(?:the\s+)?(?:{REGION_WORDS}|Rest of (?:the )?\w+(?: \w+)?)$", re.I)


@dataclass(frozen=True)
class _Paragraph:
    """Prose to read figures and statements from, with the region or company its heading names (if any)."""

    text: str
    label: str | None = None
    year: int | None = None  # the one year its heading names ("Installations, Jan-Sep 2025")


@dataclass
class State:
    """What the block walk has collected so far."""

    companies: dict[str, CompanyMention] = field(default_factory=dict)
    segments: dict[tuple[str, str], Segment] = field(default_factory=dict)
    regions: list[tuple[str, list[str]]] = field(default_factory=list)
    paragraphs: list[_Paragraph] = field(default_factory=list)
    profiles: dict[str, list[str]] = field(default_factory=dict)
    metadata: dict[str, str] = field(default_factory=dict)
    tables: list[tuple[Block, str | None]] = field(default_factory=list)  # (table, section) for figures
    ownership: list[StatedRelation] = field(default_factory=list)
    heading_year: int | None = None

    def add_company(self, name: str, context: str, attributes: tuple[tuple[str, str], ...] = ()) -> str | None:
        raw, alias = name, _short_name(name)
        name = clean_name(name)
        if not name:
            return None
        if alias and alias.casefold() != name.casefold():
            attributes = (*attributes, ("alias", alias))
        elif context in ("players-list", "table", "profile"):
            self._aside(raw, name)
        key = name.casefold()
        existing = self.companies.get(key)
        if existing is None:
            self.companies[key] = CompanyMention(name, context, (), (), attributes)
        elif attributes and not existing.attributes:
            self.companies[key] = CompanyMention(existing.mention, existing.context, (), (), attributes)
        elif existing.context in ("relation", "text") and context not in ("relation", "text"):
            self.companies[key] = CompanyMention(existing.mention, context, (), (), existing.attributes)
        return name

    def add_relation(self, subject: str, relation: str, owner: str, text: str) -> None:
        """A relation the document states outright, and the company on its other side."""
        self.add_company(owner, "relation")
        self.ownership.append(StatedRelation(subject, relation, owner, text))

    def _aside(self, raw: str, name: str) -> None:
        """The company a list names in parentheses after another: its owner ("Faradion (owned by Reliance
        Industries)", "Akasol (BorgWarner)"), its backer ("HiNa Battery (backed by Zhongke Haina)"), or its name
        before or after a change ("ZBB Energy (now EnSync Energy)")."""
        aside = _ASIDE.search(plain(raw))
        if aside is None:
            return
        other = clean_name(aside["name"])
        how = (aside["how"] or "").lower()
        bare_name = len(other.split()) >= 2 or bool(re.search(r"\w[A-Z]", other))  # "BorgWarner", not "Listed"
        if not other or is_place(other) or (not how and (not bare_name or _spelt_out(name, other))):
            return  # "(Japan)", "(Listed)", "Envision AESC (Automotive Energy Supply Corporation)": no other company
        if how == "now" or how.startswith("renamed"):  # "ZBB Energy (now EnSync Energy)": the name it has today
            self.add_company(other, "relation")
            self.ownership.append(StatedRelation(other, "formerly", name, plain(raw)))
        elif how.startswith(("formerly", "previously")):  # "EnSync Energy (formerly ZBB Energy)"
            self.add_relation(name, "formerly", other, plain(raw))
        elif how and not how.startswith(("backed", "through", "via")):
            word = re.search(r"subsidiary|unit|division|part|owned|controlled|acquired", how)
            self.add_relation(name, RELATION_NAMES[word[0]] if word else "owned-by", other, plain(raw))
        else:
            self.add_company(other, "relation" if how else "text")

    def add_segment(self, kind: str, text: str) -> None:
        text = plain(text).strip(" .;:")
        if not text or len(text) > 120:
            return
        parsed = parse_range(text) if kind == "type" else None
        low, high, unit = parsed if parsed else (None, None, None)
        self.segments.setdefault((kind, text.casefold()), Segment(kind, text, low, high, unit))

    def add_paragraph(self, text: str, label: str | None) -> None:
        self.paragraphs.append(_Paragraph(text, label, self.heading_year))


def unique(items: list) -> list:
    """The items without repeats, in their order."""
    return list(dict.fromkeys(items))


def is_place(text: str) -> bool:
    """A heading that names a region or a country ("North America", "Germany", "Rest of the World")."""
    text = re.sub(r"^\s*(?:\d+(?:\.\d+)*\.?\s+)", "", plain(text)).strip()
    text = re.sub(r"\s+(?:market|region|outlook|analysis)$", "", text, flags=re.I)
    if _REGION_NAME.match(text):
        return True
    hits = find_in_text(text)
    return len(hits) == 1 and hits[0][1] - hits[0][0] >= len(text) - 1


def clean_name(name: str) -> str:
    """A company name without list decoration: "LG Chem (South Korea)" -> "LG Chem"; "" for no name."""
    name = plain(name)
    name = re.sub(r"^\s*(?:\d{1,2}(?:\.\d{1,2})*[.)]?\s+|\d{1,2}[.)]\s*|[•●▪◦‣–-]\s+)", "", name)
    latin = re.match(r"^\s*([^\x00-\x7f()（）]+?)\s*[(（]\s*([A-Za-z][^()（）]*?)\s*[)）]", name)
    if latin and not re.search(r"[A-Za-z]", latin.group(1)):
        name = latin.group(2)  # "贝特瑞 (BTR)": the Latin-script name the report gives beside the original
    name = re.split(r"\s+[–—-]\s+|:\s|\s\(|（|\s\|\s", name)[0]
    name = LIST_TAIL.sub("", name)
    name = re.sub(r"^(?:and|&)\s+", "", name.strip(" .,;*\"“”'"))
    if not name or len(name.split()) > 8 or len(name) > 80:
        return ""
    first = name[0]
    # a name starts with a capital, a digit, or a letter of a script without case (宁德时代)
    if not (
        first.isupper() or first.isdigit() or (first.isalpha() and first.lower() == first.upper())
    ) and not LOWER_INITIAL.match(name):
        return ""
    if NOT_A_NAME.match(name) and len(name.split()) <= 2:
        return ""
    if _DATE.fullmatch(name):
        return ""  # "March 2024: Nidec acquired ...": a dated item's date
    return name


def _spelt_out(name: str, phrase: str) -> bool:
    """Whether ``phrase`` spells out an abbreviation in ``name``: "CATL" and "Contemporary Amperex Technology
    Co., Limited" (the abbreviation's letters are initials of the phrase, in order)."""
    initials = "".join(word[0] for word in re.findall(r"[^\W_]+", phrase)).upper()
    for word in name.split():
        if len(word) >= 2 and word.isupper() and initials[:1] == word[0]:
            rest = iter(initials)
            if all(letter in rest for letter in word):
                return True
    return False


def _short_name(name: str) -> str | None:
    """The short name a report gives in parentheses after the full one: "Shanghai Energy New Materials (SEMCORP)".

    Only an abbreviation, in capitals and with the full name's initial: what else a report puts there is the
    country ("Panasonic Energy (Japan)") or the owner ("Akasol (BorgWarner)"), never another name of it.
    """
    text = plain(name)
    found = re.search(r"\s[(（]\s*([A-Z][A-Z0-9&-]{1,11})\s*[)）]\s*$", text)
    return found[1] if found and found[1][0] == text.lstrip(" -•*0123456789.)")[:1] else None


def mostly_countries(items: list[str]) -> bool:
    """Whether more than half the items are countries or groupings of them ("EU-27")."""
    matches = normalize_items(local_items(items))
    return sum(1 for m in matches if m.status != "unresolved") * 2 > len(matches)
