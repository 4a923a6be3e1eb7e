"""Report document → ``Extraction``: market, companies, segments, regions, figures, statements.

Extraction works on blocks (``kg.ingest.document``). Sections are recognised
by what their headings talk about (regions, types, applications, players),
whatever the exact wording; players, segments and regions may come as lists,
nested lists, tables, sentences ("key players such as A, B and C") or profiles.
A heading naming a region or a company gives the figures under it their scope;
a table's caption and headers give its numbers their metric, unit and time.
Metadata lines and calls to action are page furniture: metadata feeds the
report's publisher, id and period, calls to action are never read.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import urlparse

from ..countries import find_in_text, normalize_items
from .document import Block, Document, Item, read_document
from .figures import REGION_WORDS, Context, figures_in, statements_in, table_figures
from .model import (
    CompanyMention,
    DocumentInfo,
    Extraction,
    Figure,
    Market,
    RegionListing,
    Segment,
    StatedRelation,
    Statement,
)
from .places import local_items, normalize_places
from .text import NameFinder, parse_period, parse_range, plain, sentences, split_list

__all__ = ["extract", "extract_document", "valid_url"]

_NARRATIVE = re.compile(
    r"opportunit|trend|driver|challenge|restraint|outlook|overview|introduction|summary|faq|question|conclusion"
    r"|methodology|appendix|disclaimer|about (?:us|the|this)|contact|table of contents|scope|research|news"
    r"|development|strateg|analyst|highlights|insight|dynamics|glossary|references|definition",
    re.I,
)
_SECTIONS = (
    ("regions", re.compile(r"\bregions?\b|regional|geograph|\bcountr(?:y|ies)\b", re.I)),
    ("applications", re.compile(r"applicat|end[- ]?use|end[- ]?user|vertical", re.I)),
    (
        "types",
        re.compile(
            r"\btypes?\b|product type|capacity|chemistr|form factor|cell (?:format|type)|voltage|by technology", re.I
        ),
    ),
    (
        "players",
        re.compile(
            r"player|\bcompan(?:y|ies)\b|competit|vendor|key (?:manufacturers|participants)|landscape|leading (?:manufacturers|firms)"
            r"|manufacturers (?:covered|profiled)|profiles?\b|market share analysis|who(?:'s| is) who"
            r"|\b(?:leading|major|main|key|top) (?:suppliers|producers|makers|manufacturers)\b|\bmanufacturers\b",
            re.I,
        ),
    ),
)
_SEGMENT_WORDS = (
    r"types?|product types?|capacit(?:y|ies)|chemistr(?:y|ies)|form factors?|applications?|end[- ]uses?|end[- ]users?"
)
# "the application segment is divided into: A, B", "By end use, the report covers A, B and C"
_INLINE_SEGMENTS = re.compile(
    rf"(?P<what>{_SEGMENT_WORDS})\b[^.:;]{{0,80}}?\b(?:segmented|divided|categori[sz]ed|classified|split|bifurcated|broken down"
    r"|grouped)\s+(?:into|in|as)\s*:?\s*(?P<list>.+)"
    rf"|^by\s+(?:\w+\s+)?(?P<by>{_SEGMENT_WORDS})\s*,\s*(?:the\s+)?(?:market|report|study|analysis|research)\s+"
    r"(?:covers|includes|comprises|spans|tracks|considers)\s*:?\s*(?P<covered>.+)",
    re.I,
)
# "by Type (A, B, C), by Application (D, E)": each dimension with its segments in parentheses
_SEGMENT_GROUP = re.compile(
    r"(?:^|\bby\s+|,\s*|\band\s+)(?P<label>[A-Za-z][\w /-]{1,30}?)\s*\((?P<list>[^()]{2,400},[^()]*)\)"
)
# "North America (U.S., Canada)" as a whole list item or heading
_REGION_GROUP = re.compile(r"(?P<label>[^()]{2,60}?)\s*\((?P<list>[^()]{2,300})\)\s*")
_LABELLED_LINE = re.compile(
    r"^(?!(?:table|figure|fig\.|exhibit|chart|source|note)s?\b)(?:by\s+)?(?P<label>[A-Z][\w &/.,'-]{1,60}?)"
    r"(?:\s*[:–—]|\s+-)\s*(?P<list>.+)$",
    re.I,
)
_PAREN_GROUP = re.compile(
    r"(?P<label>[A-Z][\w&/.'-]*(?:[ -](?:[A-Z][\w&/.'-]*|&|and|the|of)){0,6})\s*\((?P<list>[^()]{2,200})\)"
)
# "key players such as A, B", "the competitive landscape includes A, B, C and others", "A, B and C are the leading ..."
_PLAYERS_SENTENCE = re.compile(
    r"\b(?i:players?|companies|vendors|manufacturers|participants|competitors|suppliers|makers|producers|landscape"
    r"|names|incumbents|leaders|contenders|firms|challengers|developers|start-?ups|integrators|automakers|carmakers"
    r"|OEMs|customers|partners|rivals|investors|backers|shareholders)\b[^.:]{0,80}?"
    r"(?:\b(?:like|include|includes|included|including|such as|are|is|profiled|covered|comprise|comprises|namely"
    r"|featuring|features|:)|\s(?:—|–|--))\s*:?\s+(?P<list>[^\W\d_a-z][^.]*?(?:\.(?=[\w,])[^.]*?)*)(?:\.\s|\.$|$)"
)
_LISTED_NAME = r"[^\W\d_a-z][\w&.'’-]*(?:\s+[^\W\d_a-z][\w&.'’-]*){0,4}"
_PLAYERS_BEFORE = re.compile(
    rf"^(?P<list>{_LISTED_NAME}(?:\s*,\s*{_LISTED_NAME})+(?:,?\s+and\s+{_LISTED_NAME})?)\s+(?:are|were|remain|rank)\s+"
    r"(?:among\s+)?(?:the\s+)?(?:\w+\s+){0,3}(?:players|companies|vendors|manufacturers|suppliers|makers|producers|leaders)\b"
)
# "Primearth EV Energy, a joint venture of ...", "Fluence, formed by Siemens and AES": a company named in prose by
# what it belongs to
_RELATION_SUBJECT = re.compile(
    r"(?P<name>[A-Z][\w&.'-]*(?:\s+(?:[A-Z0-9][\w&.'-]*|&)){0,5})(?:,?\s+(?:is\s+)?(?:a|an)\s+(?:wholly[- ]owned\s+)?"
    r"(?:subsidiary|joint venture|unit|division)\s+(?:of|between)\b|,\s+(?:formed|set up|established|created)\s+"
    r"(?:in\s+\d{4}\s+)?by\s+[A-Z])"
)
_NAME = r"[^\W\d_a-z][\w&.'’-]*(?:\s+(?:[^\W_a-z][\w&.'’-]*|&|de|der|von|and)){0,6}"
_ABOUT = r"(?:(?:about|around|approximately|nearly|some|roughly|almost|over|just over|just under)\s+)?"
# Ownership: "X, in which Y holds a 26% stake", "Y holds a 26 % stake in X", "Y owns 51% of X", "X is 60%-owned by Y".
_OWNERSHIP = (
    re.compile(rf"(?P<owned>{_NAME})\**\s*(?:,|--|–|—)\s*in which\s+(?P<owner>{_NAME})\s+(?:holds|has|owns|retains|keeps)\s+"
               rf"{_ABOUT}(?:a\s+|an\s+)?{_ABOUT}(?P<share>\d+(?:\.\d+)?)\s*(?:%|percent|per cent)"),
    re.compile(rf"(?P<owner>{_NAME})\s+(?:holds|has|owns|retains|acquired|took|keeps)\s+{_ABOUT}(?:a\s+|an\s+)?{_ABOUT}"
               r"(?P<share>\d+(?:\.\d+)?)\s*(?:%|percent|per cent)\s*(?:equity\s+|ownership\s+)?(?:stake|interest|share)?\s*"
               rf"(?:in|of)\s+(?:the\s+)?(?P<owned>{_NAME})"),
    re.compile(rf"(?P<owned>{_NAME})(?:,\s+which)?\s+is\s+(?P<share>\d+(?:\.\d+)?)\s*(?:%|percent|per cent)[- ]owned\s+by\s+"
               rf"(?P<owner>{_NAME})"),
)  # fmt: skip
_LIST_TAIL = re.compile(
    r"\s*(?:,?\s*(?:and|among|amongst)\s+(?:many\s+|several\s+|various\s+)?others?(?:\s+\w+)?|,?\s*etc\.?|,?\s*and more"
    r"|,?\s*and other (?:\w+\s*){1,3})\s*\.?\s*$",
    re.I,
)
_RELATION = re.compile(
    r"^\**\s*(?:,|\(|–|—|-|\bis\b|\bwas\b)?\s*(?:which is\s+|is\s+|now\s+)?(?:a|an|the)?\s*"
    r"(?P<adj>wholly[- ]owned\s+|majority[- ]owned\s+|former\s+)?"
    r"(?:(?P<rel>subsidiary|unit|division|arm|affiliate|part|member|brand|joint venture)\s+(?:company\s+)?(?:of|between|owned by)"
    r"|(?P<by>owned|acquired|bought|controlled)\s+by|(?P<formerly>formerly)(?:\s+known as)?"
    r"|(?P<formed>formed|set up|established|created)\s+(?:in\s+\d{4}\s+)?(?:as\s+a\s+joint\s+venture\s+)?by)"
    r"\s+(?:the\s+)?(?P<object>[A-Z][^,;.()]*)"
)
_RELATION_NAMES = {
    "subsidiary": "subsidiary-of", "unit": "part-of", "division": "part-of", "arm": "part-of", "part": "part-of",
    "member": "part-of", "brand": "part-of", "affiliate": "affiliate-of", "joint venture": "joint-venture-of",
    "owned": "owned-by", "controlled": "owned-by", "acquired": "acquired-by", "bought": "acquired-by",
}  # fmt: skip
_PLAYER_KEYS = re.compile(r"compan|player|vendor|manufacturer|participant|profiled", re.I)
_PERIOD_KEYS = re.compile(r"forecast|projection|study period", re.I)
_NOT_A_NAME = re.compile(
    r"^(?:the|this|these|our|its|their|in|on|by|for|with|from|key|major|leading|other|others|some|many|most|all|both"
    r"|market|report|table|figure|source|note|total|global|regions?|segments?|segmentation|company|companies|players?|manufacturers"
    r"|request|download|buy|get|contact|sample|free|click|see|read|view|share|overview|summary|conclusion|introduction"
    r"|methodology|appendix|analysis|outlook|forecast|highlights|trends?|drivers?|challenges?|faq|description"
    r"|profile|products?|revenue|headquarters|founded|employees|website|strategy|recent|developments?|swot)\b",
    re.I,
)


def extract(path: Path | str) -> Extraction:
    """Read a report file and extract what it states.

    >>> result = extract("data/sources/secondary-lithium-metal-batteries-report.html")
    >>> result.market.name, result.market.period_start, result.market.period_end
    ('Secondary Lithium Metal Batteries Market', 2025, 2032)
    """
    document, _ = read_document(path)
    return extract_document(document)


@dataclass(frozen=True)
class _Paragraph:
    """Prose to read figures and statements from, with the region or company its heading names (if any)."""

    text: str
    label: str | None = None
    year: int | None = None  # the one year its heading names ("Installations, Jan-Sep 2025")


@dataclass
class _State:
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
        name = _clean_name(name)
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
        Industries)", "Akasol (BorgWarner)") or its backer ("HiNa Battery (backed by Zhongke Haina)")."""
        aside = _ASIDE.search(plain(raw))
        if aside is None:
            return
        other = _clean_name(aside["name"])
        how = (aside["how"] or "").lower()
        bare_name = len(other.split()) >= 2 or bool(re.search(r"\w[A-Z]", other))  # "BorgWarner", not "Listed"
        if not other or _is_place(other) or (not how and (not bare_name or _spelt_out(name, other))):
            return  # "(Japan)", "(Listed)", "Envision AESC (Automotive Energy Supply Corporation)": no other company
        if how and not how.startswith(("backed", "through", "via")):
            self.add_relation(name, "owned-by", other, plain(raw))
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


def extract_document(document: Document, known: Mapping[str, str] | None = None) -> Extraction:
    """Extraction from already parsed blocks (see ``kg.ingest.document``).

    ``known`` maps company names to recognise in running text as well (the reference data's distinctive names)
    to the entity each stands for; a name of an entity the document already names ("BYD (Build Your Dreams)")
    adds nothing.
    """
    known = known or {}
    state = _State()
    warnings = list(document.warnings)
    section: str | None = None
    section_level = 0
    label: str | None = None  # a region or a company profile heading inside a section
    place: str | None = None  # the region or country the current heading names, whatever the section
    title_seen = False
    for block in document.blocks:
        if block.kind == "heading":
            if block.level == 1 and not title_seen and re.search(r"\d", block.text):
                state.add_paragraph(
                    block.text, None
                )  # a headline that states a figure ("... to Surpass USD 9 Billion by 2031")
            # the document's title ("EV Battery Market Share Analysis") names the report, not a section
            # what a heading is about is outside its parentheses: "2.2 ACC (Automotive Cells Company)" is a profile
            core = re.sub(r"\([^()]*\)", "", block.text)
            state.heading_year = _heading_year(block)
            kind = _classify(core) if title_seen or block.level > 1 else None
            title_seen = title_seen or block.level <= 6
            short = len(core.split()) <= 6
            if kind is None and section and block.level == 7 and block.text.endswith(":") and not short:
                continue  # "The main cell suppliers for grid storage are:" introduces the list that follows
            place = block.text.rstrip(":").strip() if short and _is_place(block.text.rstrip(":")) else None
            group = _REGION_GROUP.fullmatch(block.text.strip().removesuffix(":"))
            if group and _is_place(group["label"]) and _mostly_countries(split_list(group["list"])):
                # "### North America (United States, Canada)": a region and its countries in the heading
                place = group["label"].strip()
                state.regions.append((place, split_list(group["list"])))
            if kind and not (section == "regions" and short and kind == "regions" and label is not None):
                section, section_level, label = kind, block.level, None
            # a deeper heading, or a label ending in ":" ("North America:"), stays inside the section
            elif section and short and (block.level > section_level or block.text.endswith(":")):
                label = block.text.rstrip(":").strip()
                if section == "players" and not place:
                    _add_profile(state, label)
            elif section == "players" and short and _looks_like_name(block.text, known):
                label = block.text.rstrip(":").strip()  # a profile heading at the level of the section's own
                _add_profile(state, label)
            else:
                section, label = None, None
            continue
        if block.kind == "cta":
            continue
        if block.kind == "metadata":
            _metadata(block, state)
        elif block.kind == "list":
            _list(block.items, section, label, state, place)
        elif block.kind == "table":
            _table(block, section, state)
        else:
            _paragraph(block, section, label, state, place)
    market, info = _market_and_info(document, state)
    bad_links = [link for link in document.links if re.match(r"https?:", link, re.I) and not valid_url(link)]
    if bad_links:
        shown = bad_links[0][:80].encode("unicode_escape").decode("ascii")
        warnings.append(f"{len(bad_links)} malformed link(s) dropped, e.g. {shown}")
    if market.name is None:
        warnings.append("no market name found (expected a title such as '... Market Size ...')")
    regions = tuple(
        RegionListing(_unnumbered(mention), tuple(cleaned), normalize_places(cleaned))
        for mention, items in state.regions
        if (cleaned := [_unnumbered(item) for item in items])
    )
    split = [(paragraph, sentences(plain(paragraph.text))) for paragraph in state.paragraphs]
    all_sentences = [sentence for _, paragraph_sentences in split for sentence in paragraph_sentences]
    if known:
        # before figures are read, so that a share stated beside a known name is that company's
        _named_in_text(state, known, all_sentences)
    context = Context(
        product=market.product,
        period=(market.period_start, market.period_end)
        if market.period_start is not None and market.period_end is not None
        else None,
        companies=tuple(c.mention for c in state.companies.values()),
        regions=tuple(r.mention for r in regions if r.mention),
        segments=tuple(s.mention for s in state.segments.values()),
    )
    figures: list[Figure] = []
    statements: list[Statement] = []
    for paragraph, paragraph_sentences in split:
        previous_time: tuple[int | None, int | None, int | None] | None = None
        for sentence in paragraph_sentences:
            found = figures_in(sentence, context, default_scope=paragraph.label)
            timed = [f for f in found if f.year or f.period_start or f.period_end]
            if previous_time is None and found and not timed and paragraph.year is not None:
                # "## Installations, Jan-Sep 2025" then "CATL – 285.1 GWh": the heading's year is the figures'
                found = [f if f.metric == "cagr" else replace(f, year=paragraph.year) for f in found]
            elif previous_time is not None and found and not timed:
                # "In 2024 the market was worth $2 billion. Europe held 31%.": the time carries over
                found = [
                    f if f.metric == "cagr" else replace(f, year=previous_time[0], period_start=previous_time[1],
                                                         period_end=previous_time[2])
                    for f in found
                ]  # fmt: skip
            if timed:
                first = next((f for f in timed if f.metric != "cagr"), None)
                previous_time = (first.year, first.period_start, first.period_end) if first else previous_time
            figures.extend(found)
            statements.extend(statements_in(sentence, context))
    for table, section in state.tables:
        figures.extend(table_figures(table.rows, table.caption, section, context))
    if market.period_start is None:
        # none written as such: the years of the market's growth rate ("from $0.4 billion in 2025 to $2.9 billion
        # by 2032, a CAGR of 32.1%") are the years the report looks ahead over
        growth = next((f for f in figures if f.metric == "cagr" and f.scope_kind == "market" and f.period_start), None)
        if growth is not None and growth.period_end is not None:
            market = replace(market, period_start=growth.period_start, period_end=growth.period_end)
        else:
            warnings.append("no forecast period found")
    companies = _with_sentences(state, all_sentences)
    if not companies:
        warnings.append("no companies found")
    if not figures:
        warnings.append("no market figures found")
    return Extraction(
        document=info,
        market=market,
        companies=companies,
        segments=tuple(state.segments.values()),
        regions=regions,
        figures=tuple(_unique(figures)),
        statements=tuple(_unique(statements)),
        warnings=tuple(warnings),
    )


def _named_in_text(state: _State, known: Mapping[str, str], all_sentences: list[str]) -> None:
    """The reference data's companies named in running text, each once, unless the document lists it already."""
    lower_words = {w for sentence in all_sentences for w in re.findall(r"\b[a-z]{4,}\b", sentence)}
    # a one-word name the text also writes in lower case is a word there ("Total" beside "total"), not a name
    finder = NameFinder(n for n in known if " " in n or not (n[1:].islower() and n.lower() in lower_words))
    named = {known[c.mention] for c in state.companies.values() if c.mention in known}
    listed = NameFinder(c.mention for c in state.companies.values())
    for sentence in all_sentences:
        taken = [(start, end) for start, end, _ in listed.find(sentence)]
        for start, end, name in finder.find(sentence):
            if any(a < end and start < b for a, b in taken):
                continue  # "Toyota" inside "Toyota Industries", a company of its own the report lists
            if known[name] not in named:
                named.add(known[name])
                state.add_company(name, "text")


def _heading_year(heading: Block) -> int | None:
    """The one year a heading gives the text under it: a section's ("Shares in 2024"), or the title's when it
    names part of a year ("Top 10 Makers, Jan-Sep 2025"); never a span of years ("Forecast 2025-2032")."""
    years = set(re.findall(r"\b(?:19|20)\d\d\b", heading.text))
    if len(years) != 1 or re.search(r"\b(?:19|20)\d\d\s*(?:-|–|—|to)\s*(?:19|20)?\d\d\b", heading.text):
        return None
    part_of_year = re.search(
        r"\b(?:H[12]|Q[1-4]|(?:first|second) half|(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?\s*(?:-|–|to)"
        r"\s*(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)|year[- ]to[- ]date|YTD)\b",
        heading.text,
    )
    return int(years.pop()) if heading.level > 1 or part_of_year else None


def _unnumbered(text: str) -> str:
    """A table-of-contents entry without its number: "3.1.1 United States" -> "United States"."""
    return re.sub(r"^\s*\d{1,2}(?:\.\d{1,2})*\.?\s+(?=\D)", "", text).strip()


def _unique(items: list) -> list:
    return list(dict.fromkeys(items))


def _classify(heading: str) -> str | None:
    # "Key Players by Region" is about players, "Market Share by Application" about applications
    subject = re.split(r"\s+by\s+", heading, maxsplit=1, flags=re.I)[0]
    if subject != heading and (kind := _classify(subject)):
        return kind
    if _NARRATIVE.search(heading) and not re.search(
        r"segment|region|geograph|countr|player|applicat|type|compan|landscape|manufactur|supplier", heading, re.I
    ):
        return None
    for kind, pattern in _SECTIONS:
        if pattern.search(heading):
            return kind
    return None


_REGION_NAME = re.compile(rf"^(?:the\s+)?(?:{REGION_WORDS}|Rest of (?:the )?\w+(?: \w+)?)$", re.I)


def _is_place(text: str) -> bool:
    """A heading that names a region or a country ("North America", "Germany", "Rest of the World")."""
    text = re.sub(r"^\s*(?:\d+(?:\.\d+)*\.?\s+)", "", plain(text)).strip()
    text = re.sub(r"\s+(?:market|region|outlook|analysis)$", "", text, flags=re.I)
    if _REGION_NAME.match(text):
        return True
    hits = find_in_text(text)
    return len(hits) == 1 and hits[0][1] - hits[0][0] >= len(text) - 1


def _looks_like_name(text: str, known: Mapping[str, str]) -> bool:
    """A heading at the level of the players section's own that is a company profile's: a known name, or a name of
    two or more capitalised words ("Zinc8 Energy Solutions"), never a topic ("Joint ventures", "Popular")."""
    text = plain(text).rstrip(":").strip()
    if not text or _NARRATIVE.search(text) or _NOT_A_NAME.match(text) or not _clean_name(text):
        return False
    if re.search(r"\b(?:market|segment\w*|industry|forecast|analysis|report)\b", text, re.I):
        return False  # "Lithium Titanate Battery Market Segmentation": a section of the report, not a company
    words = text.split()
    return text in known or (
        len(words) >= 2 and all(w[0].isupper() or w[0].isdigit() or w in ("&", "de") for w in words)
    )


def _add_profile(state: _State, label: str) -> None:
    name = state.add_company(label, "profile")
    if name:
        state.profiles.setdefault(name.casefold(), [])


def _clean_name(name: str) -> str:
    """A company name without list decoration: "LG Chem (South Korea)" -> "LG Chem"; "" for no name."""
    name = plain(name)
    name = re.sub(r"^\s*(?:\d{1,2}(?:\.\d{1,2})*[.)]?\s+|\d{1,2}[.)]\s*|[•●▪◦‣–-]\s+)", "", name)
    latin = re.match(r"^\s*([^\x00-\x7f()（）]+?)\s*[(（]\s*([A-Za-z][^()（）]*?)\s*[)）]", name)
    if latin and not re.search(r"[A-Za-z]", latin.group(1)):
        name = latin.group(2)  # "贝特瑞 (BTR)": the Latin-script name the report gives beside the original
    name = re.split(r"\s+[–—-]\s+|:\s|\s\(|（|\s\|\s", name)[0]
    name = _LIST_TAIL.sub("", name)
    name = re.sub(r"^(?:and|&)\s+", "", name.strip(" .,;*\"“”'"))
    if not name or len(name.split()) > 8 or len(name) > 80:
        return ""
    first = name[0]
    # a name starts with a capital, a digit, or a letter of a script without case (宁德时代)
    if not (
        first.isupper() or first.isdigit() or (first.isalpha() and first.lower() == first.upper())
    ) and not _LOWER_INITIAL.match(name):
        return ""
    if _NOT_A_NAME.match(name) and len(name.split()) <= 2:
        return ""
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


def _metadata(block: Block, state: _State) -> None:
    key = (block.key or "").lower()
    if key in ("publisher", "published by"):
        state.metadata.setdefault("publisher", block.text)
    elif re.search(r"report (?:id|code|no|number)|sku", key):
        state.metadata.setdefault("report_id", block.text)
    elif _PERIOD_KEYS.search(key) and parse_period(block.text):
        state.metadata.setdefault("period", block.text)
    elif _PLAYER_KEYS.search(key):
        for name in split_list(_LIST_TAIL.sub("", block.text)):
            state.add_company(name, "players-list")
    elif re.search(r"region|geograph", key):
        _regions_inline(block.text, state)


def _nested_regions(items: tuple[Item, ...], state: _State) -> bool:
    """Region items with their countries nested under them, at any depth of a list in any section
    ("Regional Outlook" > "North America" > "U.S.", "Canada"). Whether any were found."""
    found = False
    for item in items:
        if not item.children:
            continue
        name = item.text.rstrip(":").strip()
        leaves = [c.text for c in item.children if not c.children]
        if _is_place(name) and leaves and len(normalize_items(local_items(leaves))) and _mostly_countries(leaves):
            state.regions.append((name, leaves))
            found = True
        elif _nested_regions(item.children, state):
            found = True
    return found


def _mostly_countries(items: list[str]) -> bool:
    matches = normalize_items(local_items(items))
    return sum(1 for m in matches if m.status != "unresolved") * 2 > len(matches)


def _list(items: tuple[Item, ...], section: str | None, label: str | None, state: _State, place: str | None) -> None:
    if section != "regions" and any(item.children for item in items) and _nested_regions(items, state):
        return
    if section == "regions":
        nested = [item for item in items if item.children]
        if nested:
            for item in nested:
                state.regions.append((item.text.rstrip(":").strip(), [c.text for c in item.children]))
            return
        grouped = [_REGION_GROUP.fullmatch(item.text) for item in items]
        if all(grouped) and all(_is_place(g["label"]) for g in grouped if g):
            for group in grouped:  # "North America (U.S., Canada)"
                if group is not None:
                    state.regions.append((group["label"].strip(), split_list(group["list"])))
            return
        inline = [_LABELLED_LINE.match(item.text) for item in items]
        if inline and inline[0] and sum(1 for m in inline if m) * 2 > len(inline):
            for item, match in zip(items, inline, strict=True):
                if match is not None and re.search(r"\d", match["list"]):
                    # "Germany: 32% of 2030 capacity": a figure of the place the line names
                    state.add_paragraph(match["list"], match["label"].strip())
                elif match is not None:
                    state.regions.append((match["label"].strip(), split_list(match["list"])))
                else:  # "- Middle East & Africa: Saudi" + "- Arabia, UAE": the item continues the one before
                    state.regions[-1][1].extend(split_list(item.text))
            return
        if label is None and all(_is_place(item.text) for item in items) and not any("," in i.text for i in items):
            return  # "Regions covered: North America, Europe, ...": regions without their countries
        short = [item.text for item in items if len(item.text.split()) <= 5 and not re.search(r"\d|[.;:]\s", item.text)]
        for item in items:
            if item.text not in short:  # a sentence in the list ("Asia Pacific held 45% ..."): prose, not a country
                state.add_paragraph(item.text, place or label)
                _players_in(item.text, state)
        if short:
            state.regions.append((label or "", short))
    elif section in ("types", "applications"):
        for item in _flatten(items):
            state.add_segment("type" if section == "types" else "application", item.text)
    elif section == "players":
        profile = _clean_name(label) if label and not place else ""
        for item in _flatten(items):
            fact = _PROFILE_FACT.match(plain(item.text))
            if profile and profile.casefold() in state.profiles and (fact or len(item.text.split()) > 4):
                _profile_fact(profile, fact["key"] if fact else None, fact["value"] if fact else item.text, state)
                continue
            head = re.split(r"\s[–—-]\s|:\s", plain(item.text))[0]
            several = split_list(_LIST_TAIL.sub("", head))
            if ";" in head or (len(several) >= 3 and all(len(name.split()) <= 5 for name in several)):
                for name in several:  # "CATL; BYD; LG Energy Solution": several names in one item
                    state.add_company(name, "players-list")
            elif len(head.split()) <= 8:
                state.add_company(item.text, "players-list")
            if len(item.text.split()) > 8:
                state.add_paragraph(item.text, label if label and not place else None)
                _players_in(item.text, state)
    else:
        for item in _flatten(items):
            if _segmentation_line(item.text, state):
                continue
            if len(item.text.split()) > 3 or re.search(r"\d", item.text):  # "CAGR (2025-2030): 18.6%"
                state.add_paragraph(item.text, place or label)
                _players_in(item.text, state)


_OUTLINE_ENTRY = re.compile(r"^(?P<number>\d{1,2}(?:\.\d{1,2})*)\.?\s+(?P<title>[^\W\d_a-z].*)$")
# what a report's outline puts under a company, and the groups it puts companies in: never a company's name
_OUTLINE_TOPIC = re.compile(
    r"\b(?:overview|offered|developments?|swot|financials?|strateg\w*|view|strengths?|weakness\w*|threats?"
    r"|right to win|deals|expansions?|launches|revenue|analysis|introduction|outlook|description|recent|competitive"
    r"|opportunit\w*|portfolio|scenario|evaluation|quadrant|matrix|ranking|benchmark\w*|share|mapping|footprint"
    r"|mergers?|acquisitions?|partnerships?|collaborations?|players?|companies|start-?ups?|smes?|vendors|others?"
    r"|manufacturers|summary|key|business|products?|profiles?|landscape|snapshot|highlights|contact)\b",
    re.I,
)


def _outline(text: str) -> tuple[Item, ...]:
    """A numbered outline, as a report's table of contents gives it, as nested items ("6 Market, by Region",
    "6.1 North America", "6.1.1 US": an item, its child, its grandchild); () for text that is not one.

    >>> [(i.text, [c.text for c in i.children]) for i in _outline("1 Introduction\\n2 By Region\\n2.1 Europe\\n2.2 Asia")]
    [('Introduction', []), ('By Region', ['Europe', 'Asia'])]
    """
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    entries = [match for line in lines if (match := _OUTLINE_ENTRY.match(line))]
    if len(entries) < 3 or len(entries) * 5 < len(lines) * 4:
        return ()
    top: list[tuple[str, list]] = []
    open_entries: list[tuple[int, list]] = [(0, top)]  # the entries the next one may be nested under
    for entry in entries:
        depth = entry["number"].count(".") + 1
        while open_entries[-1][0] >= depth:
            open_entries.pop()
        children: list = []
        open_entries[-1][1].append((entry["title"].strip(), children))
        open_entries.append((depth, children))

    def items(entries: list[tuple[str, list]]) -> tuple[Item, ...]:
        return tuple(Item(title, items(children)) for title, children in entries)

    return items(top)


def _contents(items: tuple[Item, ...], state: _State) -> None:
    """What a report's outline says it covers: the segments under a "by Type" or "by Application" entry, the
    regions and countries under a "by Region" entry, the companies under "Company Profiles"."""
    for item in items:
        kind = _classify(_unnumbered(item.text))
        if kind in ("types", "applications"):
            for child in item.children:
                state.add_segment("type" if kind == "types" else "application", _unnumbered(child.text))
        elif kind == "regions":
            _list(item.children, "regions", None, state, None)
        elif kind == "players":
            for name in _profiled(item.children):
                state.add_company(name, "players-list")
        else:
            _contents(item.children, state)


def _profiled(items: tuple[Item, ...]) -> list[str]:
    """The companies in the players part of an outline: the entries whose own entries are the parts of a profile
    ("Business Overview", "Products Offered"), and those listed without parts under a group ("Other Players")."""
    names = []
    for item in items:
        title = _unnumbered(item.text)
        if _OUTLINE_TOPIC.search(title):
            names.extend(_profiled(item.children))  # a group ("Key Players") or a topic ("Market Share Analysis")
        elif all(_OUTLINE_TOPIC.search(_unnumbered(child.text)) for child in item.children):
            names.append(title)
    return names


def _segmentation_line(text: str, state: _State) -> bool:
    """A line naming one dimension the report is segmented by, with its segments: "By application: grid storage,
    consumer electronics", "By region: North America (US, Canada), Europe (Germany, UK)". Whether it was one."""
    match = _LABELLED_LINE.match(plain(text))
    kind = _classify(match["label"]) if match else None
    if match is None or kind is None:
        return False
    if kind == "regions":
        return _regions_inline(match["list"], state)
    names = split_list(_LIST_TAIL.sub("", match["list"]))
    if kind == "players" or len(names) < 2 or any(len(name.split()) > 6 for name in names):
        return False
    for name in names:
        state.add_segment("type" if kind == "types" else "application", name)
    return True


def _flatten(items: tuple[Item, ...]) -> list[Item]:
    return [leaf for item in items for leaf in ([item] if not item.children else [item, *_flatten(item.children)])]


_COMPANY_COLUMN = re.compile(
    r"compan|player|manufacturer|vendor|firm|supplier|developer|producer|\bname\b|organi[sz]ation", re.I
)
_HQ_COLUMN = re.compile(r"headquarter|\bhq\b|\bcountry\b|based|home", re.I)
# "Name (owned by X)", "Name (backed by X)", "Name (X)": an aside in parentheses after a listed company
_ASIDE = re.compile(
    r"\s[(（]\s*(?:(?P<how>(?:backed|owned|controlled|acquired) by|part of|(?:a )?(?:unit|subsidiary|division) of"
    r"|through|via)\s+)?(?P<name>[^()（）]{2,60}?)\s*[)）]\s*$",
    re.I,
)
# "Parent company | Asahi Kasei": the row's company is a subsidiary; "Owner | ..." or "Owned by | ...": owned by it
_PARENT_COLUMN = re.compile(r"parent|ultimate owner|\bowners?\b|owned by|controlled by|holding company", re.I)
_NO_PARENT = re.compile(r"[\W_]*|n/?a|none|nil|independent|self|listed|public(?:ly listed)?|private(?:ly held)?", re.I)
_REGION_COLUMN = re.compile(r"region|geograph", re.I)
_COUNTRIES_COLUMN = re.compile(r"countr|markets? covered|key markets", re.I)
_ATTRIBUTE_TABLE = re.compile(
    r"attribute|parameter|report (?:coverage|scope|details)|^metric$|^item$|^particulars$", re.I
)


def _table(block: Block, section: str | None, state: _State) -> None:
    rows = block.rows
    header, body = rows[0], rows[1:]
    if _companies_across(rows):
        # "Metric | CATL | BYD" over "Installations (GWh) | 339.3 | 153.7": a companies table turned on its side
        turned = tuple(zip(*rows, strict=True))
        _table(replace(block, rows=(("Company", *turned[0][1:]), *turned[1:])), "players", state)
        return
    if (
        section == "regions"
        and _is_place(header[0])
        and not any(re.search(r"countr|share|size|%", c, re.I) for c in header)
    ):
        header, body = ("Region", "Countries")[: len(header)] + header[2:], rows  # a table without a header row
    key_value = all(len(row) == 2 for row in rows) and bool(
        re.search(r"\d[\d,.]*\s*(?:%|[A-Za-z]{1,3}\b|(?:thousand|million|billion|trillion)\b)|,", header[1], re.I)
    )
    if key_value and not re.fullmatch(r"(?:19|20)\d\d\w?", header[1].strip()):
        # a summary box without a header row: "Market Size (2024) | USD 14.8 Bn", "Key Players | CATL, BYD"
        for row in rows:
            _key_value(row[0], row[1], state)
        return
    if len(header) == 2 and _ATTRIBUTE_TABLE.search(header[0]):
        # a summary box: "Report Attribute | Details" rows are metadata lines and sentences
        for row in body:
            if len(row) >= 2:
                _key_value(row[0], row[1], state)
        return
    parent = next((i for i, cell in enumerate(header) if _PARENT_COLUMN.search(cell)), None)
    company = next((i for i, cell in enumerate(header) if _COMPANY_COLUMN.search(cell) and i != parent), None)
    region = next((i for i, cell in enumerate(header) if _REGION_COLUMN.search(cell)), None)
    countries = next((i for i, cell in enumerate(header) if _COUNTRIES_COLUMN.search(cell) and i != region), None)
    if company is not None and (region is None or company < region):
        hq = next((i for i, cell in enumerate(header) if _HQ_COLUMN.search(cell) and i != company), None)
        made = next((i for i, cell in enumerate(header) if re.search(r"chemistr", cell, re.I) and i != company), None)
        for row in body:
            if company < len(row):
                attributes = tuple(
                    (what, row[at])
                    for what, at in (("headquarters", hq), ("chemistry", made))  # "Chemistries | NMC, LMFP"
                    if at is not None and at < len(row) and row[at]
                )
                name = state.add_company(row[company], "table", attributes)
                if name and parent is not None and parent < len(row):
                    _parent_cell(name, header[parent], row[parent], state)
                for cell in row:
                    if len(cell.split()) > 6:
                        state.add_paragraph(cell, None)
        state.tables.append((block, "players"))
        return
    if region is None and countries is None and section == "regions" and body and _is_place(body[0][0]):
        region = 0
    if region is not None and countries is not None:
        for row in body:
            if max(region, countries) < len(row) and not re.match(r"(?:total|global|world)", row[region], re.I):
                state.regions.append((row[region].strip(), split_list(row[countries])))
    if region is not None or (section == "regions" and countries is None):
        state.tables.append((block, "regions"))
        if countries is not None:
            return
        if region is not None:
            return
    numeric = any(re.search(r"\d", cell) for row in body for cell in row[1:])
    by_segment = _classify(header[0]) if len(header) >= 2 and body else None
    if by_segment in ("types", "applications"):
        # "Type | 2024 (USD Bn) | 2033 (USD Bn)": the rows are the segments, the other columns their figures
        for row in body:
            state.add_segment("type" if by_segment == "types" else "application", row[0])
        if numeric:
            state.tables.append((block, "segments"))
        return
    if numeric and len(header) >= 2 and body:
        state.tables.append((block, section))
    if len(header) == 2 and not numeric and all(len(r) == 2 for r in rows) and not _classify(header[0]):
        for row in rows:
            _key_value(row[0], row[1], state)
        return
    for row in rows:
        kind = _classify(row[0]) if row else None
        if kind in ("types", "applications") and len(row) > 1:
            for name in split_list(" , ".join(row[1:])):
                state.add_segment("type" if kind == "types" else "application", name)
        elif kind == "players" and len(row) > 1:
            for name in split_list(_LIST_TAIL.sub("", " , ".join(row[1:]))):
                state.add_company(name, "players-list")
        elif kind == "regions" and len(row) > 1 and row is not header:
            _regions_inline(" ; ".join(row[1:]), state)  # "Region | North America (U.S., Canada); Europe (...)"
        elif section == "regions" and len(row) > 1 and row is not header and not numeric:
            state.regions.append((row[0].strip(), split_list(" , ".join(row[1:]))))
        else:
            for cell in row:
                if len(cell.split()) > 6:
                    state.add_paragraph(cell, None)


def _companies_across(rows: tuple[tuple[str, ...], ...]) -> bool:
    """Whether a table names companies across its top and what it measures down its first column."""
    header, body = rows[0], rows[1:]
    if len(header) < 3 or not body or any(len(row) != len(header) for row in rows):
        return False
    if not re.fullmatch(r"\s*(?:metrics?|indicators?|kpis?|measures?|parameters?|items?|companies|company|makers?|)\s*",
                        header[0], re.I):  # fmt: skip
        return False
    names = header[1:]
    if not all(_clean_name(n) and not re.search(r"\d", n) and not _is_place(n) and not _classify(n) for n in names):
        return False
    numeric = sum(1 for row in body for cell in row[1:] if re.fullmatch(r"[\d.,%\s$€£-]+", cell))
    return numeric * 2 >= len(body) * len(names)


# "Headquarters: Stockholm, Sweden", "Parent company: Volkswagen AG": a line of a company's profile
_PROFILE_FACT = re.compile(r"^(?P<key>[A-Z][\w /&()-]{1,40}?)\s*:\s+(?P<value>\S.*)$")


def _profile_fact(company: str, key: str | None, value: str, state: _State) -> None:
    """A line of ``company``'s profile: its owners, its headquarters, or prose to read figures and relations from."""
    state.profiles.setdefault(company.casefold(), []).append(f"{key}: {value}" if key else value)
    if key and (_PARENT_COLUMN.search(key) or re.search(r"ownership|shareholders?", key, re.I)):
        owners = [name for name in split_list(re.sub(r"\s*\([^()]*\)", "", value)) if _clean_name(name)]
        for held in re.findall(r"\((?:through|via|held by)\s+([^()]+)\)", value):  # "TotalEnergies (through Saft)"
            state.add_company(held, "text")
        if len(owners) > 1:  # "Ownership: Stellantis, Mercedes-Benz and TotalEnergies": a joint venture of them
            for owner in owners:
                state.add_relation(company, "joint-venture-of", _clean_name(owner), f"{key}: {value}")
        elif owners:
            _parent_cell(company, key, owners[0], state)
    elif key and _HQ_COLUMN.search(key):
        existing = state.companies.get(company.casefold())
        if existing is not None and not existing.attributes:
            state.add_company(company, existing.context, (("headquarters", value),))
    else:
        state.add_paragraph(f"{key}: {value}" if key else value, company)
        for sentence in sentences(value):
            _players_in(sentence, state)  # "Investors include Renault Group and EQT Ventures."


def _parent_cell(name: str, column: str, cell: str, state: _State) -> None:
    """The owner a companies table names in a column of its own: "Celgard | ... | Parent company: Asahi Kasei"."""
    owner = _clean_name(cell)
    if not owner or _NO_PARENT.fullmatch(cell.strip()) or owner.casefold() == name.casefold():
        return
    relation = "subsidiary-of" if re.search(r"parent|holding", column, re.I) else "owned-by"
    state.add_relation(name, relation, owner, f"{name}: {column.strip()} {cell.strip()}")


def _key_value(key: str, value: str, state: _State) -> None:
    """A row of a summary box: "Companies covered | A, B, C", "Market size in 2024 | USD 1.2 billion"."""
    lowered = key.lower()
    if _PLAYER_KEYS.search(lowered):
        for name in split_list(_LIST_TAIL.sub("", value)):
            state.add_company(name, "players-list")
    elif "publish" in lowered and "date" not in lowered:
        state.metadata.setdefault("publisher", value)
    elif re.search(r"report (?:id|code)", lowered):
        state.metadata.setdefault("report_id", value)
    elif _PERIOD_KEYS.search(lowered) and parse_period(value):
        state.metadata.setdefault("period", value)
    elif re.search(r"\d", value) and not re.search(r"pages|year|historical|price|id\b|code", lowered):
        state.add_paragraph(f"{key}: {value}", None)


def _paragraph(block: Block, section: str | None, label: str | None, state: _State, place: str | None) -> None:
    outline = _outline(block.text)
    if outline:
        _contents(outline, state)
        return
    text = _inline_numbering(block.text)
    lead_label = block.lead.strip().rstrip(".:") if block.lead and text.startswith(block.lead) else None
    if lead_label and _segmentation_line(f"{lead_label}: {text[len(block.lead or '') :].strip()}", state):
        return  # "**Battery type.** Lithium-ion, lead-acid and flow batteries."
    if _regions_inline(text, state, countries_only=section != "regions"):
        return
    items = split_list(text) if section == "regions" and label and "\n" not in text else []
    if items and all(len(item.split()) <= 4 for item in items) and _mostly_countries(items):
        state.regions.append((label or "", items))  # a region's heading, then its countries as a line
        return
    labelled = [_LABELLED_LINE.match(line) for line in text.split("\n")]
    if all(labelled) and len(text) < 400:
        # "Type: 18650, 21700" / "Application: power tools, e-bikes", or sub-labels inside a segment section
        kinds = [_classify(match["label"]) or section for match in labelled if match is not None]
        if all(kind in ("types", "applications") for kind in kinds):
            for match, kind in zip(labelled, kinds, strict=True):
                if match is not None:
                    for name in split_list(match["list"]):
                        state.add_segment("type" if kind == "types" else "application", name)
            return
        if all(_PLAYER_KEYS.search(match["label"]) for match in labelled if match is not None):
            for match in labelled:
                if match is not None:
                    for name in split_list(_LIST_TAIL.sub("", match["list"])):
                        state.add_company(name, "players-list")
            return
    if section == "players" and _name_list(text, state):
        return
    profile = _clean_name(label) or None if section == "players" and label and not place else None
    is_profile = profile is not None and _clean_name(profile).casefold() in state.profiles
    lead = block.lead or (re.match(r"^\*\*(.+?)\*\*", text) or [None, None])[1]
    if lead and section == "players" and _clean_name(lead):
        profile, is_profile = _clean_name(lead), True  # "**Umicore** - ... revenue was EUR 3.3 billion": Umicore's
        _add_profile(state, profile)
    state.add_paragraph(text, place or (profile if is_profile else None))
    for sentence in sentences(plain(text)):
        for group in _SEGMENT_GROUP.finditer(sentence):
            kind = _classify(group["label"])
            if kind in ("types", "applications"):
                for name in split_list(_LIST_TAIL.sub("", group["list"])):
                    state.add_segment("type" if kind == "types" else "application", name)
        inline = _INLINE_SEGMENTS.search(sentence)
        if inline:
            kind = "application" if re.match(r"applic|end", inline["what"] or inline["by"], re.I) else "type"
            for name in split_list(_LIST_TAIL.sub("", inline["list"] or inline["covered"])):
                state.add_segment(kind, name)
        if re.search(r"\bregion", sentence, re.I):
            _regions_inline(sentence, state)
        _countries_leading(sentence, state)
        _players_in(sentence, state)
        if re.search(r"subsidiary|joint venture|unit|division|formed|set up|established|created", sentence):
            for match in _RELATION_SUBJECT.finditer(sentence):
                state.add_company(match["name"], "text")
    if lead and (section == "players" or _clean_name(lead).casefold() in state.companies):
        name = _clean_name(lead)
        if name:
            state.add_company(name, "profile")
            state.profiles.setdefault(name.casefold(), []).extend(sentences(plain(text)))
    elif profile and is_profile:
        state.profiles[_clean_name(profile).casefold()].extend(sentences(plain(text)))


# a name that starts in lower case, before a capital: "eVionyx", "e-Zinc", "iM3NY"
_LOWER_INITIAL = re.compile(r"[a-z]-?[A-Z]")
_CONNECTORS = frozenset(
    ["and", "or", "&", "of", "de", "der", "des", "du", "la", "le", "von", "van", "y", "e", "da", "di"]
)


def _names_prefix(text: str) -> str:
    """The run of names a list starts with: "A, B and C buy cells from them" is "A, B and C"; an aside in
    parentheses is part of the name before it ("B (backed by D), C")."""
    end = len(text)
    aside = re.compile(r"\([^()]*\)")
    for word in re.finditer(r"[^\s,;]+", aside.sub(lambda m: " " * len(m.group()), text)):
        token = word.group()
        if token in ("—", "–", "--") or (
            token[0].islower() and token.lower().strip(".") not in _CONNECTORS and not _LOWER_INITIAL.match(token)
        ):
            end = word.start()  # "A, B and C buy cells", "— A, B and e-Zinc — held 35%"
            break
    return text[:end].rstrip(" ,;")


def _name_list(text: str, state: _State) -> bool:
    """A paragraph that is nothing but a list of names ("3M, Saint-Gobain, Aspen Aerogels and Elkem."): its companies."""
    if len(text) > 2000 or len(sentences(text.replace("\n", " "))) > 1:  # "Li-Cycle Holdings Corp. (Canada), ...": one
        return False
    names = split_list(_LIST_TAIL.sub("", text))
    if len(names) < 3 or not all(_clean_name(n) and len(n.split()) <= 6 for n in names):
        return False
    if any(w[0].islower() and w not in _CONNECTORS for n in names for w in n.split()):
        return False  # "The competitive landscape includes Umicore, ...": a sentence, read by the sentence patterns
    for name in names:
        state.add_company(name, "players-list")
    return True


# "NGK Insulators, the leading NAS battery maker", "Zeta Energy, a Texas-based developer of ..."
_APPOSITIVE = re.compile(
    rf"(?:^|[\s(])(?P<name>{_LISTED_NAME}),\s+(?:the|a|an)\s+(?:[\w&'-]+\s+){{0,5}}?"
    r"(?:maker|manufacturer|supplier|producer|developer|company|firm|start-?up|group|vendor|integrator|recycler)s?\b"
)


# "graphite producer Novonix said", "the Swedish cell maker Northvolt": a company named after what it does
_ROLE_THEN_NAME = re.compile(
    r"(?<![A-Z])\b[a-z][\w-]*\s+(?:maker|manufacturer|producer|supplier|developer|start-?up|recycler|miner|refiner"
    r"|integrator|automaker|carmaker)\s+(?P<name>[^\W\d_a-z][\w&.'’-]*(?:\s+[^\W\d_a-z][\w&.'’-]*){0,3})"
)
# "Ascend Elements, which is backed by Hitachi": a company and its backer, neither of them its owner
_BACKED_BY = re.compile(
    rf"(?P<name>{_LISTED_NAME}),\s+(?:which\s+(?:is|was)\s+)?(?:backed|funded|supported)\s+by\s+(?P<backer>{_LISTED_NAME})"
)
# "Nidec acquired Valtera Batteries", "LG Energy Solution completed its acquisition of Vertech Power from Hanwha"
_ACQUIRED = re.compile(
    rf"(?P<buyer>{_LISTED_NAME})\s+(?:has\s+|had\s+)?(?:acquired|bought|took over|completed\s+(?:its|the)\s+"
    r"(?:acquisition|purchase|takeover)\s+of|agreed\s+to\s+(?:acquire|buy))\s+"
    rf"(?P<target>{_LISTED_NAME})(?:\s+from\s+(?P<seller>{_LISTED_NAME}))?"
)
# "Asahi Kasei owns Celgard, which ...": an owner and what it owns outright, when that ends the clause
_OWNS = re.compile(
    rf"(?P<owner>{_LISTED_NAME})\s+(?:owns|controls|wholly owns|fully owns)\s+(?P<owned>{_LISTED_NAME})(?=\s*(?:[,;.]|$))"
)
_PLANT_WORDS = re.compile(r"\b(?:plant|factory|gigafactory|facility|site|mine|line|campus|park)s?\b", re.I)
# "CATL and Stellantis agreed to form a joint venture, Estrella Cells, ...": the venture and its owners
_FORMED_VENTURE = re.compile(
    rf"(?P<first>{_LISTED_NAME})\s+(?:and|&)\s+(?P<second>{_LISTED_NAME})\s+(?:have\s+|will\s+)?(?:agreed\s+to\s+"
    r"(?:form|set up|create|establish)|formed|set up|created|established|launched)\s+(?:a|an|their)\s+(?:[\w:-]+\s+)?"
    rf"joint[- ]venture,?\s+(?:called\s+|named\s+)?(?P<venture>{_LISTED_NAME})"
)
_CALENDAR = re.compile(
    r"^(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|January|February|March|April|May|June|July|August"
    r"|September|October|November|December)\b"
)


def _inline_numbering(text: str) -> str:
    """A list numbered inside a line as a comma list: "include: 1) Samsung SDI 2) LG Energy Solution" ->
    "include: Samsung SDI, LG Energy Solution"."""
    if len(re.findall(r"(?:^|\s)\(?\d{1,2}\)\s", text)) < 2:
        return text
    text = re.sub(r"(:\s*)\(?\d{1,2}\)\s+", r"\1", text)
    return re.sub(r"\s+\(?\d{1,2}\)\s+", ", ", text)


def _players_in(sentence: str, state: _State) -> None:
    """Companies a sentence lists ("key players such as A, B and C") and ownership it states."""
    sentence = _inline_numbering(sentence)
    for match in (_PLAYERS_SENTENCE.search(sentence), sentence.count(",") >= 2 and _PLAYERS_BEFORE.search(sentence)):
        if match:
            for name in split_list(_names_prefix(_LIST_TAIL.sub("", match["list"]))):
                if not _is_place(name):
                    state.add_company(name, "players-list")
    named = [m["name"] for m in _ROLE_THEN_NAME.finditer(sentence)]
    if "," in sentence:
        named += [m["name"] for m in _APPOSITIVE.finditer(sentence)]
        named += [name for m in _BACKED_BY.finditer(sentence) for name in (m["name"], m["backer"])]
    for found in named:
        if name := _prose_name(found):
            state.add_company(name, "text")
    for deal in _ACQUIRED.finditer(sentence):
        buyer, target = _prose_name(deal["buyer"]), _prose_name(deal["target"])
        if buyer and target and buyer.casefold() != target.casefold():
            state.add_company(target, "text")
            state.add_relation(target, "acquired-by", buyer, sentence)
            if deal["seller"] and (seller := _prose_name(deal["seller"])):
                state.add_company(seller, "text")
    for held in _OWNS.finditer(sentence):
        owner, owned = _prose_name(held["owner"]), _prose_name(held["owned"])
        if owner and owned and owner.casefold() != owned.casefold() and not _PLANT_WORDS.search(owned):
            state.add_company(owned, "text")
            state.add_relation(owned, "owned-by", owner, sentence)
    for venture in _FORMED_VENTURE.finditer(sentence):
        name = _prose_name(venture["venture"])
        owners = [owner for owner in (_prose_name(venture["first"]), _prose_name(venture["second"])) if owner]
        if name and len(owners) == 2:
            state.add_company(name, "text")
            for owner in owners:
                state.add_relation(name, "joint-venture-of", owner, sentence)
    if not re.search(r"%|percent|per cent", sentence):
        return  # every ownership statement states a share
    for pattern in _OWNERSHIP:
        for match in pattern.finditer(sentence):
            owned, owner = _clean_name(match["owned"]), _clean_name(match["owner"])
            if owned and owner and owned.casefold() != owner.casefold():
                state.add_company(owned, "text")
                state.add_company(owner, "text")
                share = float(match["share"])
                relation = "owned-by" if share > 50 else "affiliate-of"
                state.ownership.append(StatedRelation(owned, relation, owner, sentence, share))


def _prose_name(found: str) -> str:
    """A company name found in running text, or "" for a place, a date or a common word ("Monday", "The")."""
    name = _clean_name(re.sub(r"['’]s$", "", found))
    return "" if not name or _is_place(name) or _NOT_A_NAME.match(name) or _CALENDAR.match(name) else name


def _regions_inline(text: str, state: _State, countries_only: bool = False) -> bool:
    """ "North America: United States, Canada" lines, or "Europe (Germany, France, UK)" groups; outside a section
    on regions (``countries_only``) every line must name a place and list countries."""
    groups = [
        (re.sub(r"^(?:the|and|in|of)\s+", "", g["label"].strip(), flags=re.I), g["list"])
        for g in _PAREN_GROUP.finditer(text[:20000])
    ]
    # a region of one country has no comma in its group ("Latin America (Brazil)"), but its name is a region's
    groups = [(label, listed) for label, listed in groups if "," in listed or _is_place(label)]
    if countries_only:
        groups = [
            (label, listed) for label, listed in groups if _is_place(label) and _mostly_countries(split_list(listed))
        ]
    if sum(1 for _, listed in groups if "," in listed) >= 2:
        for label, listed in groups:
            state.regions.append((label, split_list(listed)))
        return True
    # "North America — United States, Canada. Europe — Germany, Italy.": a region per line, or per sentence
    lines = [sentence for line in text.split("\n") for sentence in sentences(line) if sentence.strip()]
    labelled = [_LABELLED_LINE.match(line.strip().removesuffix(".")) for line in lines]
    if (
        labelled
        and all(labelled)
        and all("," in m["list"] or len(m["list"].split()) <= 3 for m in labelled if m)
        # "Media contact: press@...": a label line is a region's only when it names a place or lists countries
        and all(
            (_is_place(m["label"]) and not countries_only) or _mostly_countries(split_list(m["list"]))
            for m in labelled
            if m
        )
        and (not countries_only or all(_is_place(m["label"]) for m in labelled if m))
    ):
        for match in labelled:
            if match is not None:
                state.regions.append((match["label"].strip(), split_list(match["list"])))
        return True
    return False


# "Asia Pacific accounted for 44.6% of revenue, led by Japan, China and South Korea"
_LED_BY = re.compile(
    rf"\b(?P<region>{REGION_WORDS})\b(?:[^.;]|\.\d){{0,120}}?\b(?:led by|driven by|chiefly|mainly|notably|especially)\s+"
    r"(?P<list>[^\W\d_a-z][^.;()]{2,200})"
)


def _countries_leading(sentence: str, state: _State) -> None:
    """A region with the countries the sentence says lead it; every one of them must be a country."""
    for match in _LED_BY.finditer(sentence):
        items = split_list(_names_prefix(_LIST_TAIL.sub("", match["list"])))
        found = normalize_items(local_items(items))
        possessive = any(re.search(r"['’]s$", item) for item in items)  # "led by Brazil's bus makers"
        if items and not possessive and len(found) == len(items) and all(m.status != "unresolved" for m in found):
            state.regions.append((match["region"], items))


def _with_sentences(state: _State, all_sentences: list[str]) -> tuple[CompanyMention, ...]:
    """Every company with the sentences that name it (and its profile), and the relations they state."""
    mentions = list(state.companies.values())
    finder = NameFinder(c.mention for c in mentions)
    named: dict[str, list[str]] = {}
    for sentence in all_sentences:
        for _, _, name in finder.find(sentence):
            named.setdefault(name, []).append(sentence)
    result: dict[str, CompanyMention] = {}
    extra: list[tuple[str, StatedRelation]] = []
    stated = {(r.subject.casefold(), r.object.casefold()) for r in state.ownership}
    for company in mentions:
        own = _unique(named.get(company.mention, [])[:200] + state.profiles.get(company.mention.casefold(), []))
        relations = _unique([r for s in own for r in _relations(company.mention, s)])
        relations = [r for r in relations if (r.subject.casefold(), r.object.casefold()) not in stated]
        relations += [r for r in state.ownership if r.subject.casefold() == company.mention.casefold()]
        for relation in relations:
            extra.append((relation.object, relation))
        result[company.mention.casefold()] = CompanyMention(
            company.mention, company.context, tuple(own), tuple(_unique(relations)), company.attributes
        )
    for name, relation in extra:
        if name.casefold() not in result:
            result[name.casefold()] = CompanyMention(name, "relation", (relation.text,))
    return tuple(result.values())


def _relations(name: str, sentence: str) -> list[StatedRelation]:
    found = []
    for match in re.finditer(rf"(?<![\w-]){re.escape(name)}(?![\w-])", sentence):
        relation = _RELATION.match(sentence[match.end() :])
        if not relation:
            continue
        if relation["formerly"]:
            kind = "formerly"
        elif relation["formed"]:
            kind = "joint-venture-of"  # "formed by Siemens and AES"; formed by one company, it says nothing
        else:
            kind = _RELATION_NAMES[(relation["rel"] or relation["by"]).lower()]
        if relation["adj"] and relation["adj"].strip().lower() == "former":
            kind = f"formerly-{kind}"
        obj = re.split(
            r"\s+(?:in|since|from|that|which|who|specializ\w*|focus\w*|and is|is|has)\s+", relation["object"]
        )[0]
        objects = re.split(r"\s+(?:and|&)\s+", obj) if kind.endswith("joint-venture-of") else [obj]
        if relation["formed"] and len(objects) < 2:
            continue
        for target in objects:
            target = _clean_name(target)
            if target and target.casefold() != name.casefold():
                found.append(StatedRelation(name, kind, target, sentence))
    return found


_MARKET_NAME = re.compile(
    r"((?:[^\W_a-z][\w/-]*|&|and|of|for)(?:\s+(?:[^\W_a-z][\w/-]*|\([^\W_a-z][\w/-]*\)|&|and|of|for)){0,10}\s+(?:Market|MARKET))\b"
)


# a byline in the opening paragraphs: "Published March 2025 by Example Insights. Report code EMI-0425.",
# "..., according to a new study by Harbour Insight."
_PUBLISHED_BY = re.compile(
    r"(?:\b(?i:published|released|issued|prepared|compiled|produced)\b[^.;]{0,80}?|\b(?i:study|report|survey|analysis)\s+)\b(?i:by)\s+(?P<publisher>[^\W\d_a-z][\w&'-]*(?:\s+[^\W\d_a-z][\w&'-]*){0,5})"
)
_REPORT_CODE = re.compile(
    r"\breport\s+(?:id|code|no\.?|number)\s*[:#]?\s*(?P<id>(?=[\w./-]*\d)[A-Z0-9][A-Z0-9._/-]{2,30}[A-Z0-9])\b", re.I
)


_BYLINE_PART = re.compile(r"\s+[·|•]\s+")
_DATED = re.compile(r"\b(?:19|20)\d\d\b")


def _byline(paragraphs: list[str]) -> tuple[str | None, str | None]:
    """The publisher and report id of a byline of parts between separators: "Harbor Lane Research · Report
    HL-0325 · February 2025", "By Jane Roe | Battery Weekly | 12 June 2025" (the outlet, not its reporter).

    >>> _byline(["By Jane Roe · Battery Industry Weekly · 14 February 2025"])
    ('Battery Industry Weekly', None)
    """
    for text in paragraphs:
        parts = _BYLINE_PART.split(text.strip()) if len(text) <= 200 and "\n" not in text else []
        if len(parts) < 2 or not any(_DATED.search(part) and len(part.split()) <= 4 for part in parts):
            continue
        code = next(
            (m["id"] for p in parts if (m := re.fullmatch(r"Report\s+(?P<id>[A-Z][A-Z0-9-]*\d[A-Z0-9-]*)", p))), None
        )
        names = [
            part
            for part in parts
            if not _DATED.search(part)
            and not re.match(r"(?i:by|report|updated|published)\b", part)
            and re.fullmatch(r"[^\W\d_a-z][\w&.'’-]*(?:\s+[\w&.'’-]+){0,5}", part)
            and not _is_place(part)
        ]
        return (names[0] if names else None), code
    return None, None


def _market_and_info(document: Document, state: _State) -> tuple[Market, DocumentInfo]:
    headings = [b for b in document.blocks if b.kind == "heading"]
    real = [b for b in headings if b.level <= 6]
    paragraphs = [p.text for p in state.paragraphs[:3]]
    # without headings of its own (plain text), a document's first line is its title, not a label such as
    # "Major Players in This Report Include:"
    title_block = next(iter(real or [b for b in document.blocks if b.kind in ("paragraph", "heading")]), None)
    title = title_block.text.split("\n")[0].strip()[:300] if title_block else None
    candidates = [title or ""] + [b.text for b in headings[:5]] + paragraphs
    name = None
    for text in candidates:
        match = _MARKET_NAME.search(plain(text[:400]))
        if match:
            name = re.sub(r"^(?:The|Global|Worldwide|World)\s+", "", match.group(1), flags=re.I).strip()
            name = re.sub(r"^(?:and|of|for|&)\s+", "", name)
            break
    product = re.sub(r"\s*Market$", "", name, flags=re.I).strip() if name else None
    period = parse_period(state.metadata["period"]) if "period" in state.metadata else None
    for text in [title or ""] + [b.text for b in headings] + [p.text for p in state.paragraphs]:
        if period:
            break
        text = text[:2000]
        if re.search(r"forecast|period|outlook|projection|\b20\d\d\s*(?:-|–|to)\s*20\d\d\b", text, re.I):
            period = parse_period(text)
    market = Market(name, product, period[0] if period else None, period[1] if period else None)
    links = [link for link in document.links if valid_url(link)]
    domains = Counter(urlparse(link).netloc.removeprefix("www.") for link in links if urlparse(link).netloc)
    byline = " ".join(paragraphs)[:1000]
    stated = _PUBLISHED_BY.search(byline)
    parted_publisher, parted_code = _byline(paragraphs)
    publisher = (
        state.metadata.get("publisher")
        or (stated["publisher"] if stated else None)
        or parted_publisher
        or (domains.most_common(1)[0][0] if domains else None)
    )
    ids = Counter(number for link in links for number in re.findall(r"(?<![\d])(\d{5,9})(?![\d])", urlparse(link).path))
    code = _REPORT_CODE.search(byline)
    report_id = (
        state.metadata.get("report_id")
        or (code["id"] if code else None)
        or parted_code
        or (ids.most_common(1)[0][0] if ids else None)
    )
    url = _report_url(tuple(links), report_id)
    return market, DocumentInfo(title, publisher, report_id, url, document.format)


_HOST = re.compile(r"^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$|^\d{1,3}(?:\.\d{1,3}){3}$", re.I)


def valid_url(link: str) -> bool:
    """Whether a link is an absolute http(s) URL that an RDF store and a YAML file can carry as it is.

    >>> valid_url("https://www.example.com/reports/1234567"), valid_url("https://evil.example/reports/1234567{x}|y")
    (True, False)
    >>> valid_url("http://a b/"), valid_url("javascript:alert(1)")
    (False, False)
    """
    if len(link) > 2000 or re.search(r"[\s<>\"{}|\\^`\x00-\x1f\x7f]", link):
        return False
    try:
        parsed = urlparse(link)
        port = parsed.port
    except ValueError:
        return False
    host = parsed.hostname or ""
    return parsed.scheme in ("http", "https") and bool(_HOST.match(host)) and (port is None or 0 < port < 65536)


def _report_url(links: tuple[str, ...], report_id: str | None) -> str | None:
    """The report's own page: a link naming the report id that is not a sample, enquiry or purchase link."""
    for link in links:
        parsed = urlparse(link)
        if (
            report_id
            and report_id in parsed.path
            and not re.search(r"sample|enquir|inquir|purchase|buy|checkout", parsed.path)
        ):
            return f"{parsed.scheme}://{parsed.netloc}{parsed.path}"
    return None
