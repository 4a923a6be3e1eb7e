"""Report document → ``Extraction``: market, companies, segments, regions, figures, statements.

Extraction works on blocks (``kg.ingest.document``). Sections are recognised
by what their headings talk about (regions, types, applications, players),
whatever the exact wording; players, segments and regions may come as lists,
nested lists, tables, sentences ("key players such as A, B and C") or profiles.
A heading naming a region or a company gives the figures under it their scope;
a table's caption and headers give its numbers their metric, unit and time.
Metadata lines and calls to action are page furniture: metadata feeds the
report's publisher, id and period, calls to action are never read.

This module walks the blocks: sections, lists, outlines, tables and
paragraphs. What it finds goes into a ``found.State``; sentences are read by
``kg.ingest.prose``, numbers by ``kg.ingest.figures``, and the document's own
title, market, publisher and id by ``kg.ingest.metadata``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path

from ..countries import normalize_items
from .document import OUTLINE_ENTRY, Block, Document, Item, read_document
from .figures import Context, figures_in, statements_in, table_figures
from .found import LIST_TAIL, MONTH, NOT_A_NAME, State, clean_name, is_place, mostly_countries, unique
from .metadata import market_and_info, valid_url
from .model import Extraction, Figure, RegionListing, Statement
from .places import local_items, normalize_places
from .prose import (
    LABELLED_LINE,
    countries_leading,
    inline_numbering,
    name_list,
    players_in,
    regions_inline,
    with_sentences,
)
from .text import NameFinder, parse_period, plain, sentences, split_list

__all__ = ["extract", "extract_document"]

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
_SEGMENT_KIND = {"types": "type", "applications": "application"}  # a section's kind -> its segments' kind
_COMPANIES_TITLE = re.compile(
    r"^(?!.*\bmarket\b).*\b(?:compan(?:y|ies)|makers|manufacturers|suppliers|producers|players|vendors|start-?ups)\b",
    re.I,
)
_PLAYER_KEYS = re.compile(r"compan|player|vendor|manufacturer|participant|profiled", re.I)
_PERIOD_KEYS = re.compile(r"forecast|projection|study period", re.I)


def extract(path: Path | str) -> Extraction:
    """Read a report file and extract what it states.

    >>> result = extract("data/sources/secondary-lithium-metal-batteries-report.html")
    >>> result.market.name, result.market.period_start, result.market.period_end
    ('Secondary Lithium Metal Batteries Market', 2025, 2032)
    """
    document, _ = read_document(path)
    return extract_document(document)


def extract_document(document: Document, known: Mapping[str, str] | None = None) -> Extraction:
    """Extraction from already parsed blocks (see ``kg.ingest.document``).

    ``known`` maps company names to recognise in running text as well (the reference data's distinctive names)
    to the entity each stands for; a name of an entity the document already names ("BYD (Build Your Dreams)")
    adds nothing.
    """
    known = known or {}
    state = State()
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
            # a title that names companies, not a market ("Top 5 Sodium-Ion Battery Companies in 2025"), opens a
            # players section: the headings under it are the companies
            kind = (
                _classify(core)
                if title_seen or block.level > 1
                else "players"
                if _COMPANIES_TITLE.search(core)
                else None
            )
            title_seen = title_seen or block.level <= 6
            short = len(core.split()) <= 6
            if kind is None and section and block.level == 7 and block.text.endswith(":") and not short:
                continue  # "The main cell suppliers for grid storage are:" introduces the list that follows
            place = block.text.rstrip(":").strip() if short and is_place(block.text.rstrip(":")) else None
            group = _REGION_GROUP.fullmatch(block.text.strip().removesuffix(":"))
            if group and is_place(group["label"]) and mostly_countries(split_list(group["list"])):
                # "### North America (United States, Canada)": a region and its countries in the heading
                place = group["label"].strip()
                state.regions.append((place, split_list(group["list"])))
            if kind is None and section_level == 1 and _NARRATIVE.search(core):
                section, label = None, None  # "## Recent developments" ends the companies a title opened
            elif kind and not (section == "regions" and short and kind == "regions" and label is not None):
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
    market, info = market_and_info(document, state)
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
    companies = with_sentences(state, all_sentences)
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
        figures=tuple(unique(figures)),
        statements=tuple(unique(statements)),
        warnings=tuple(warnings),
    )


def _named_in_text(state: State, known: Mapping[str, str], all_sentences: list[str]) -> None:
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
        rf"\b(?:H[12]|Q[1-4]|(?:first|second) half|{MONTH}[a-z]*\.?\s*(?:-|–|to)\s*{MONTH}|year[- ]to[- ]date|YTD)\b",
        heading.text,
    )
    return int(years.pop()) if heading.level > 1 or part_of_year else None


def _unnumbered(text: str) -> str:
    """A table-of-contents entry without its number: "3.1.1 United States" -> "United States"."""
    return re.sub(r"^\s*\d{1,2}(?:\.\d{1,2})*\.?\s+(?=\D)", "", text).strip()


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


def _looks_like_name(text: str, known: Mapping[str, str]) -> bool:
    """A heading at the level of the players section's own that is a company profile's: a known name, or a name of
    two or more capitalised words ("Zinc8 Energy Solutions"), never a topic ("Joint ventures", "Popular")."""
    text = plain(text).rstrip(":").strip()
    if not text or _NARRATIVE.search(text) or NOT_A_NAME.match(text) or not clean_name(text):
        return False
    if re.search(r"\b(?:market|segment\w*|industry|forecast|analysis|report)\b", text, re.I):
        return False  # "Lithium Titanate Battery Market Segmentation": a section of the report, not a company
    words = text.split()
    return text in known or (
        len(words) >= 2 and all(w[0].isupper() or w[0].isdigit() or w in ("&", "de") for w in words)
    )


def _add_profile(state: State, label: str) -> None:
    name = state.add_company(label, "profile")
    if name:
        state.profiles.setdefault(name.casefold(), [])


def _metadata(block: Block, state: State) -> None:
    key = (block.key or "").lower()
    if key in ("publisher", "published by"):
        state.metadata.setdefault("publisher", block.text)
    elif re.search(r"report (?:id|code|no|number)|sku", key):
        state.metadata.setdefault("report_id", block.text)
    elif _PERIOD_KEYS.search(key) and parse_period(block.text):
        state.metadata.setdefault("period", block.text)
    elif _PLAYER_KEYS.search(key):
        for name in split_list(LIST_TAIL.sub("", block.text)):
            state.add_company(name, "players-list")
    elif re.search(r"region|geograph", key):
        regions_inline(block.text, state)


def _nested_regions(items: tuple[Item, ...], state: State) -> bool:
    """Region items with their countries nested under them, at any depth of a list in any section
    ("Regional Outlook" > "North America" > "U.S.", "Canada"). Whether any were found."""
    found = False
    for item in items:
        if not item.children:
            continue
        name = item.text.rstrip(":").strip()
        leaves = [c.text for c in item.children if not c.children]
        if is_place(name) and leaves and len(normalize_items(local_items(leaves))) and mostly_countries(leaves):
            state.regions.append((name, leaves))
            found = True
        elif _nested_regions(item.children, state):
            found = True
    return found


def _list(items: tuple[Item, ...], section: str | None, label: str | None, state: State, place: str | None) -> None:
    if section is None and any(item.children for item in items):
        # "- By Type" over "  - Thin-film", "- Companies Profiled" over "  - QuantumScape": a scope as nested lists
        covered = tuple(item for item in items if item.children and _classify(_unnumbered(item.text)))
        _contents(covered, state)
        items = tuple(item for item in items if item not in covered)
    if section != "regions" and any(item.children for item in items) and _nested_regions(items, state):
        return
    if section == "regions":
        nested = [item for item in items if item.children]
        if nested:
            for item in nested:
                state.regions.append((item.text.rstrip(":").strip(), [c.text for c in item.children]))
            return
        grouped = [_REGION_GROUP.fullmatch(item.text) for item in items]
        if all(grouped) and all(is_place(g["label"]) for g in grouped if g):
            for group in grouped:  # "North America (U.S., Canada)"
                if group is not None:
                    state.regions.append((group["label"].strip(), split_list(group["list"])))
            return
        inline = [LABELLED_LINE.match(item.text) for item in items]
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
        if label is None and all(is_place(item.text) for item in items) and not any("," in i.text for i in items):
            return  # "Regions covered: North America, Europe, ...": regions without their countries
        short = [item.text for item in items if len(item.text.split()) <= 5 and not re.search(r"\d|[.;:]\s", item.text)]
        for item in items:
            if item.text not in short:  # a sentence in the list ("Asia Pacific held 45% ..."): prose, not a country
                state.add_paragraph(item.text, place or label)
                players_in(item.text, state)
        if short:
            state.regions.append((label or "", short))
    elif section in ("types", "applications"):
        for item in _flatten(items):
            state.add_segment(_SEGMENT_KIND[section], item.text)
    elif section == "players":
        profile = clean_name(label) if label and not place else ""
        for item in _flatten(items):
            fact = _PROFILE_FACT.match(plain(item.text))
            if profile and profile.casefold() in state.profiles and (fact or len(item.text.split()) > 4):
                _profile_fact(profile, fact["key"] if fact else None, fact["value"] if fact else item.text, state)
                continue
            head = re.split(r"\s[–—-]\s|:\s", plain(item.text))[0]
            several = split_list(LIST_TAIL.sub("", head))
            if ";" in head or (len(several) >= 3 and all(len(name.split()) <= 5 for name in several)):
                for name in several:  # "CATL; BYD; LG Energy Solution": several names in one item
                    state.add_company(name, "players-list")
            elif len(head.split()) <= 8:
                state.add_company(item.text, "players-list")
            if len(item.text.split()) > 8:
                state.add_paragraph(item.text, label if label and not place else None)
                players_in(item.text, state)
    else:
        for item in _flatten(items):
            if _segmentation_line(item.text, state):
                continue
            if len(item.text.split()) > 3 or re.search(r"\d", item.text):  # "CAGR (2025-2030): 18.6%"
                state.add_paragraph(item.text, place or label)
                players_in(item.text, state)


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
    entries = [match for line in lines if (match := OUTLINE_ENTRY.match(line))]
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


def _contents(items: tuple[Item, ...], state: State) -> None:
    """What a report's outline says it covers: the segments under a "by Type" or "by Application" entry, the
    regions and countries under a "by Region" entry, the companies under "Company Profiles"."""
    for item in items:
        kind = _classify(_unnumbered(item.text))
        if kind in ("types", "applications"):
            for child in item.children:
                name = _unnumbered(child.text)
                if len(name.split()) <= 8 and not re.search(r"[.;:!?](?:\s|$)|\b(?:19|20)\d\d\b", name):
                    state.add_segment(_SEGMENT_KIND[kind], name)  # a name, not a remark
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


def _segmentation_line(text: str, state: State) -> bool:
    """A line naming one dimension the report is segmented by, with its segments: "By application: grid storage,
    consumer electronics", "By region: North America (US, Canada), Europe (Germany, UK)". Whether it was one."""
    match = LABELLED_LINE.match(plain(text))
    kind = _classify(match["label"]) if match else None
    if match is None or kind is None:
        return False
    if kind == "regions":
        return regions_inline(match["list"], state)
    names = split_list(LIST_TAIL.sub("", match["list"]))
    if kind == "players" or len(names) < 2 or any(len(name.split()) > 6 for name in names):
        return False
    for name in names:
        state.add_segment(_SEGMENT_KIND[kind], name)
    return True


def _flatten(items: tuple[Item, ...]) -> list[Item]:
    return [leaf for item in items for leaf in ([item] if not item.children else [item, *_flatten(item.children)])]


_COMPANY_COLUMN = re.compile(
    r"compan|player|manufacturer|vendor|firm|supplier|developer|producer|\bname\b|organi[sz]ation", re.I
)
_HQ_COLUMN = re.compile(r"headquarter|\bhq\b|\bcountry\b|based|home", re.I)
# "Parent company | Asahi Kasei": the row's company is a subsidiary; "Owner | ..." or "Owned by | ...": owned by it
_PARENT_COLUMN = re.compile(r"parent|ultimate owner|\bowners?\b|owned by|controlled by|holding company", re.I)
_NO_PARENT = re.compile(r"[\W_]*|n/?a|none|nil|independent|self|listed|public(?:ly listed)?|private(?:ly held)?", re.I)
_REGION_COLUMN = re.compile(r"region|geograph", re.I)
_COUNTRIES_COLUMN = re.compile(r"countr|markets? covered|key markets", re.I)
_ATTRIBUTE_TABLE = re.compile(
    r"attribute|parameter|report (?:coverage|scope|details)|^metric$|^item$|^particulars$", re.I
)


def _table(block: Block, section: str | None, state: State) -> None:
    rows = block.rows
    header, body = rows[0], rows[1:]
    if _companies_across(rows):
        # "Metric | CATL | BYD" over "Installations (GWh) | 339.3 | 153.7": a companies table turned on its side
        turned = tuple(zip(*rows, strict=True))
        _table(replace(block, rows=(("Company", *turned[0][1:]), *turned[1:])), "players", state)
        return
    if (
        section == "regions"
        and is_place(header[0])
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
    if region is None and countries is None and section == "regions" and body and is_place(body[0][0]):
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
            state.add_segment(_SEGMENT_KIND[by_segment], row[0])
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
                state.add_segment(_SEGMENT_KIND[kind], name)
        elif kind == "players" and len(row) > 1:
            for name in split_list(LIST_TAIL.sub("", " , ".join(row[1:]))):
                state.add_company(name, "players-list")
        elif kind == "regions" and len(row) > 1 and row is not header:
            regions_inline(" ; ".join(row[1:]), state)  # "Region | North America (U.S., Canada); Europe (...)"
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
    if not all(clean_name(n) and not re.search(r"\d", n) and not is_place(n) and not _classify(n) for n in names):
        return False
    numeric = sum(1 for row in body for cell in row[1:] if re.fullmatch(r"[\d.,%\s$€£-]+", cell))
    return numeric * 2 >= len(body) * len(names)


# "Headquarters: Stockholm, Sweden", "Parent company: Volkswagen AG": a line of a company's profile
_PROFILE_FACT = re.compile(r"^(?P<key>[A-Z][\w /&()-]{1,40}?)\s*:\s+(?P<value>\S.*)$")


def _profile_fact(company: str, key: str | None, value: str, state: State) -> None:
    """A line of ``company``'s profile: its owners, its headquarters, or prose to read figures and relations from."""
    state.profiles.setdefault(company.casefold(), []).append(f"{key}: {value}" if key else value)
    if key and (_PARENT_COLUMN.search(key) or re.search(r"ownership|shareholders?", key, re.I)):
        owners = [name for name in split_list(re.sub(r"\s*\([^()]*\)", "", value)) if clean_name(name)]
        for held in re.findall(r"\((?:through|via|held by)\s+([^()]+)\)", value):  # "TotalEnergies (through Saft)"
            state.add_company(held, "text")
        if len(owners) > 1:  # "Ownership: Stellantis, Mercedes-Benz and TotalEnergies": a joint venture of them
            for owner in owners:
                state.add_relation(company, "joint-venture-of", clean_name(owner), f"{key}: {value}")
        elif owners:
            _parent_cell(company, key, owners[0], state)
    elif key and _HQ_COLUMN.search(key):
        existing = state.companies.get(company.casefold())
        if existing is not None and not existing.attributes:
            state.add_company(company, existing.context, (("headquarters", value),))
    else:
        state.add_paragraph(f"{key}: {value}" if key else value, company)
        for sentence in sentences(f"{key}: {value}" if key else value):
            players_in(sentence, state, about=company)  # "Investors: Xora Innovation, Eclipse Ventures"


def _parent_cell(name: str, column: str, cell: str, state: State) -> None:
    """The owner a companies table names in a column of its own: "Celgard | ... | Parent company: Asahi Kasei"."""
    owner = clean_name(cell)
    if not owner or _NO_PARENT.fullmatch(cell.strip()) or owner.casefold() == name.casefold():
        return
    relation = "subsidiary-of" if re.search(r"parent|holding", column, re.I) else "owned-by"
    state.add_relation(name, relation, owner, f"{name}: {column.strip()} {cell.strip()}")


def _key_value(key: str, value: str, state: State) -> None:
    """A row of a summary box: "Companies covered | A, B, C", "Market size in 2024 | USD 1.2 billion"."""
    lowered = key.lower()
    if _PLAYER_KEYS.search(lowered):
        for name in split_list(LIST_TAIL.sub("", value)):
            state.add_company(name, "players-list")
    elif "publish" in lowered and "date" not in lowered:
        state.metadata.setdefault("publisher", value)
    elif re.search(r"report (?:id|code)", lowered):
        state.metadata.setdefault("report_id", value)
    elif _PERIOD_KEYS.search(lowered) and parse_period(value):
        state.metadata.setdefault("period", value)
    elif re.search(r"\d", value) and not re.search(r"pages|year|historical|price|id\b|code", lowered):
        state.add_paragraph(f"{key}: {value}", None)


def _paragraph(block: Block, section: str | None, label: str | None, state: State, place: str | None) -> None:
    outline = _outline(block.text)
    if outline:
        _contents(outline, state)
        return
    text = inline_numbering(block.text)
    lead_label = block.lead.strip().rstrip(".:") if block.lead and text.startswith(block.lead) else None
    if lead_label and _segmentation_line(f"{lead_label}: {text[len(block.lead or '') :].strip()}", state):
        return  # "**Battery type.** Lithium-ion, lead-acid and flow batteries."
    if regions_inline(text, state, countries_only=section != "regions"):
        return
    items = split_list(text) if section == "regions" and label and "\n" not in text else []
    if items and all(len(item.split()) <= 4 for item in items) and mostly_countries(items):
        state.regions.append((label or "", items))  # a region's heading, then its countries as a line
        return
    labelled = [LABELLED_LINE.match(line) for line in text.split("\n")]
    if all(labelled) and len(text) < 400:
        # "Type: 18650, 21700" / "Application: power tools, e-bikes", or sub-labels inside a segment section
        kinds = [_SEGMENT_KIND.get(_classify(match["label"]) or section or "") for match in labelled if match]
        if all(kinds):
            for match, kind in zip(labelled, kinds, strict=True):
                if match is not None and kind is not None:
                    for name in split_list(match["list"]):
                        state.add_segment(kind, name)
            return
        if all(_PLAYER_KEYS.search(match["label"]) for match in labelled if match is not None):
            for match in labelled:
                if match is not None:
                    for name in split_list(LIST_TAIL.sub("", match["list"])):
                        state.add_company(name, "players-list")
            return
    if section == "players" and name_list(text, state):
        return
    profile = clean_name(label) or None if section == "players" and label and not place else None
    is_profile = profile is not None and clean_name(profile).casefold() in state.profiles
    facts = [_PROFILE_FACT.match(plain(line)) for line in text.split("\n")] if profile and is_profile else []
    if profile and facts and all(facts):
        for fact in facts:  # "**Headquarters:** Beijing, China" / "**Parent:** Zhongke Haina" under a profile heading
            if fact is not None:
                _profile_fact(profile, fact["key"], fact["value"], state)
        return
    lead = block.lead or (re.match(r"^\*\*(.+?)\*\*", text) or [None, None])[1]
    if lead and section == "players" and clean_name(lead):
        profile, is_profile = clean_name(lead), True  # "**Umicore** - ... revenue was EUR 3.3 billion": Umicore's
        _add_profile(state, profile)
    state.add_paragraph(text, place or (profile if is_profile else None))
    for sentence in sentences(plain(text)):
        for group in _SEGMENT_GROUP.finditer(sentence):
            kind = _classify(group["label"])
            if kind in ("types", "applications"):
                for name in split_list(LIST_TAIL.sub("", group["list"])):
                    state.add_segment(_SEGMENT_KIND[kind], name)
        inline = _INLINE_SEGMENTS.search(sentence)
        if inline:
            kind = "application" if re.match(r"applic|end", inline["what"] or inline["by"], re.I) else "type"
            for name in split_list(LIST_TAIL.sub("", inline["list"] or inline["covered"])):
                state.add_segment(kind, name)
        if re.search(r"\bregion", sentence, re.I):
            regions_inline(sentence, state)
        countries_leading(sentence, state)
        players_in(sentence, state, about=profile if is_profile else None)
    if lead and (section == "players" or clean_name(lead).casefold() in state.companies):
        name = clean_name(lead)
        if name:
            state.add_company(name, "profile")
            state.profiles.setdefault(name.casefold(), []).extend(sentences(plain(text)))
    elif profile and is_profile:
        state.profiles[clean_name(profile).casefold()].extend(sentences(plain(text)))
