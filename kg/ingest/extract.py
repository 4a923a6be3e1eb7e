"""Report document → ``Extraction``: market, companies, segments, regions, figures, statements.

Sections are recognised by what their headings talk about (regions, types,
applications, players), whatever the exact wording; players, segments and
regions may come as lists, nested lists, tables or inline text.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

from ..countries import normalize_items
from .document import Block, Document, Item, read_document
from .figures import Context, figures_in, statements_in
from .model import (
    CompanyMention,
    DocumentInfo,
    Extraction,
    Figure,
    Market,
    RegionListing,
    Segment,
    Statement,
    StatedRelation,
)
from .text import parse_period, parse_range, plain, sentences, split_list

__all__ = ["extract", "extract_document"]

_NARRATIVE = re.compile(
    r"opportunit|trend|driver|challenge|restraint|outlook|overview|introduction|summary|faq|question", re.I
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
            r"|manufacturers (?:covered|profiled)|profiles?\b",
            re.I,
        ),
    ),
)
_INLINE_SEGMENTS = re.compile(
    r"(?P<what>types?|product types?|capacit(?:y|ies)|chemistr(?:y|ies)|form factors?|applications?|end[- ]uses?|end[- ]users?)\b"
    r"[^.:;]{0,80}?\b(?:segmented|divided|categori[sz]ed|classified|split|bifurcated|broken down|grouped)\s+(?:into|in|as)\s*:?\s*(?P<list>.+)",
    re.I,
)
_LABELLED_LINE = re.compile(r"^(?:by\s+)?(?P<label>[A-Z][\w &/.,'-]{1,60}?)\s*[:–—]\s*(?P<list>.+)$")
_PAREN_GROUP = re.compile(
    r"(?P<label>[A-Z][\w&/.'-]*(?:[ -](?:[A-Z][\w&/.'-]*|&|and|the))*)\s*\((?P<list>[^()]{2,200})\)"
)
_PLAYERS_SENTENCE = re.compile(
    r"\b(?i:players?|companies|vendors|manufacturers|participants|competitors|suppliers|makers)\b[^.:]{0,80}?"
    r"\b(?:like|include|includes|including|such as|are|is|profiled|covered|:)\s*:?\s+(?P<list>[A-Z0-9].+)$"
)
# "Primearth EV Energy, a joint venture of ...": a company named in prose by what it belongs to
_RELATION_SUBJECT = re.compile(
    r"(?P<name>[A-Z][\w&.'-]*(?:\s+(?:[A-Z0-9][\w&.'-]*|&)){0,5}),?\s+(?:is\s+)?(?:a|an)\s+(?:wholly[- ]owned\s+)?"
    r"(?:subsidiary|joint venture|unit|division)\s+(?:of|between)\b"
)
_LIST_TAIL = re.compile(r"\s*(?:,?\s*(?:and|among)\s+others|,?\s*etc\.?|,?\s*and more)\s*\.?\s*$", re.I)
_RELATION = re.compile(
    r"^\**\s*(?:,|\(|–|—|-|\bis\b|\bwas\b)?\s*(?:which is\s+|is\s+|now\s+)?(?:a|an|the)?\s*"
    r"(?P<adj>wholly[- ]owned\s+|majority[- ]owned\s+|former\s+)?"
    r"(?:(?P<rel>subsidiary|unit|division|arm|affiliate|part|member|brand|joint venture)\s+(?:company\s+)?(?:of|between|owned by)"
    r"|(?P<by>owned|acquired|bought|controlled)\s+by|(?P<formerly>formerly)(?:\s+known as)?)"
    r"\s+(?:the\s+)?(?P<object>[A-Z][^,;.()]*)"
)
_RELATION_NAMES = {
    "subsidiary": "subsidiary-of", "unit": "part-of", "division": "part-of", "arm": "part-of", "part": "part-of",
    "member": "part-of", "brand": "part-of", "affiliate": "affiliate-of", "joint venture": "joint-venture-of",
    "owned": "owned-by", "controlled": "owned-by", "acquired": "acquired-by", "bought": "acquired-by",
}  # fmt: skip
_METADATA = re.compile(
    r"^(?P<key>publisher|published by|report (?:id|code|no\.?|number)|sku)\s*[:#-]?\s*(?P<value>.+)$", re.I
)


def extract(path: Path | str) -> Extraction:
    """Read a report file and extract what it states.

    >>> result = extract("data/sources/secondary-lithium-metal-batteries-report.html")
    >>> result.market.name, result.market.period_start, result.market.period_end
    ('Secondary Lithium Metal Batteries Market', 2025, 2032)
    """
    document, _ = read_document(path)
    return extract_document(document)


@dataclass
class _State:
    """What the block walk has collected so far."""

    companies: dict[str, CompanyMention] = field(default_factory=dict)
    segments: dict[tuple[str, str], Segment] = field(default_factory=dict)
    regions: list[tuple[str, list[str]]] = field(default_factory=list)
    paragraphs: list[str] = field(default_factory=list)
    profiles: dict[str, list[str]] = field(default_factory=dict)
    metadata: dict[str, str] = field(default_factory=dict)

    def add_company(self, name: str, context: str, attributes: tuple[tuple[str, str], ...] = ()) -> None:
        name = _clean_name(name)
        if not name:
            return
        key = name.casefold()
        existing = self.companies.get(key)
        if existing is None:
            self.companies[key] = CompanyMention(name, context, (), (), attributes)
        elif attributes and not existing.attributes:
            self.companies[key] = CompanyMention(existing.mention, existing.context, (), (), attributes)

    def add_segment(self, kind: str, text: str) -> None:
        text = plain(text).strip(" .;:")
        if not text or len(text) > 120:
            return
        parsed = parse_range(text) if kind == "type" else None
        low, high, unit = parsed if parsed else (None, None, None)
        self.segments.setdefault((kind, text.casefold()), Segment(kind, text, low, high, unit))


def extract_document(document: Document) -> Extraction:
    """Extraction from already parsed blocks (see ``kg.ingest.document``)."""
    state = _State()
    warnings = list(document.warnings)
    section: str | None = None
    section_level = 0
    label: str | None = None  # a region or a company profile heading inside a section
    for block in document.blocks:
        if block.kind == "heading":
            kind = _classify(block.text)
            short = len(block.text.split()) <= 6
            if kind and not (section == "regions" and short and kind == "regions" and label is not None):
                section, section_level, label = kind, block.level, None
            # a deeper heading, or a label ending in ":" ("North America:"), stays inside the section
            elif section and short and (block.level > section_level or block.text.endswith(":")):
                label = block.text.rstrip(":").strip()
                if section == "players":
                    state.add_company(label, "profile")
                    state.profiles.setdefault(_clean_name(label).casefold(), [])
            else:
                section, label = None, None
            continue
        if block.kind == "list":
            _list(block.items, section, label, state)
        elif block.kind == "table":
            _table(block.rows, section, state)
        else:
            _paragraph(block, section, label, state)
    market, info = _market_and_info(document, state)
    if market.name is None:
        warnings.append("no market name found (expected a title such as '... Market Size ...')")
    if market.period_start is None:
        warnings.append("no forecast period found")
    regions = tuple(
        RegionListing(mention, tuple(items), normalize_items(items)) for mention, items in state.regions if items
    )
    context = Context(
        product=market.product,
        period=(market.period_start, market.period_end) if market.period_start else None,
        companies=tuple(c.mention for c in state.companies.values()),
        regions=tuple(r.mention for r in regions if r.mention),
        segments=tuple(s.mention for s in state.segments.values()),
    )
    all_sentences = [s for paragraph in state.paragraphs for s in sentences(plain(paragraph))]
    figures: list[Figure] = []
    statements: list[Statement] = []
    for sentence in all_sentences:
        figures.extend(figures_in(sentence, context))
        statements.extend(statements_in(sentence, context))
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


def _unique(items: list) -> list:
    return list(dict.fromkeys(items))


def _classify(heading: str) -> str | None:
    if _NARRATIVE.search(heading) and not re.search(r"segment|region|player|applicat|type", heading, re.I):
        return None
    for kind, pattern in _SECTIONS:
        if pattern.search(heading):
            return kind
    return None


def _clean_name(name: str) -> str:
    """A company name without list decoration: "LG Chem (South Korea)" -> "LG Chem"."""
    name = plain(name)
    name = re.split(r"\s+[–—-]\s+|:\s|\s\(", name)[0]
    name = _LIST_TAIL.sub("", name)
    name = re.sub(r"^(?:and|&)\s+", "", name.strip(" .,;*\"“”'"))
    if not name or len(name.split()) > 8 or not re.match(r"[A-Z0-9]", name):
        return ""
    return name


def _list(items: tuple[Item, ...], section: str | None, label: str | None, state: _State) -> None:
    if section == "regions":
        nested = [item for item in items if item.children]
        if nested:
            for item in nested:
                state.regions.append((item.text.rstrip(":").strip(), [c.text for c in item.children]))
            return
        inline = [_LABELLED_LINE.match(item.text) for item in items]
        if all(inline):
            for match in inline:
                state.regions.append((match["label"].strip(), split_list(match["list"])))
            return
        state.regions.append((label or "", [item.text for item in items]))
    elif section in ("types", "applications"):
        for item in _flatten(items):
            state.add_segment("type" if section == "types" else "application", item.text)
    elif section == "players":
        for item in _flatten(items):
            state.add_company(item.text, "players-list")
            if label is None and len(item.text.split()) > 8:
                state.paragraphs.append(item.text)
    else:
        for item in _flatten(items):
            if len(item.text.split()) > 4:
                state.paragraphs.append(item.text)


def _flatten(items: tuple[Item, ...]) -> list[Item]:
    return [leaf for item in items for leaf in ([item] if not item.children else [item, *_flatten(item.children)])]


_COMPANY_COLUMN = re.compile(r"compan|player|manufacturer|vendor|firm|supplier|\bname\b", re.I)
_HQ_COLUMN = re.compile(r"headquarter|\bhq\b|\bcountry\b|based", re.I)
_REGION_COLUMN = re.compile(r"region|geograph", re.I)
_COUNTRIES_COLUMN = re.compile(r"countr", re.I)


def _table(rows: tuple[tuple[str, ...], ...], section: str | None, state: _State) -> None:
    header, body = rows[0], rows[1:]
    company = next((i for i, cell in enumerate(header) if _COMPANY_COLUMN.search(cell)), None)
    region = next((i for i, cell in enumerate(header) if _REGION_COLUMN.search(cell)), None)
    countries = next((i for i, cell in enumerate(header) if _COUNTRIES_COLUMN.search(cell) and i != region), None)
    if company is not None:
        hq = next((i for i, cell in enumerate(header) if _HQ_COLUMN.search(cell) and i != company), None)
        for row in body:
            if company < len(row):
                attributes = (("headquarters", row[hq]),) if hq is not None and hq < len(row) and row[hq] else ()
                state.add_company(row[company], "table", attributes)
                state.paragraphs.extend(cell for cell in row if len(cell.split()) > 6)
        return
    if region is not None and countries is not None:
        for row in body:
            if max(region, countries) < len(row):
                state.regions.append((row[region].strip(), split_list(row[countries])))
        return
    for row in rows:
        kind = _classify(row[0]) if row else None
        if kind in ("types", "applications") and len(row) > 1:
            for name in split_list(" , ".join(row[1:])):
                state.add_segment("type" if kind == "types" else "application", name)
        elif section == "regions" and len(row) > 1 and row is not header:
            state.regions.append((row[0].strip(), split_list(" , ".join(row[1:]))))
        else:
            state.paragraphs.extend(cell for cell in row if len(cell.split()) > 6)


def _paragraph(block: Block, section: str | None, label: str | None, state: _State) -> None:
    text = block.text
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    metadata = [m for m in map(_METADATA.match, lines) if m]
    for match in metadata:
        key = "publisher" if "publish" in match["key"].lower() else "report_id"
        state.metadata.setdefault(key, match["value"].strip())
    if metadata and len(metadata) == len(lines):
        return
    if section == "regions" and _regions_inline(text, state):
        return
    labelled = [_LABELLED_LINE.match(line) for line in text.split("\n")]
    if all(labelled) and len(text) < 400:
        # "Type: 18650, 21700" / "Application: power tools, e-bikes", or sub-labels inside a segment section
        kinds = [_classify(match["label"]) or section for match in labelled]
        if all(kind in ("types", "applications") for kind in kinds):
            for match, kind in zip(labelled, kinds):
                for name in split_list(match["list"]):
                    state.add_segment("type" if kind == "types" else "application", name)
            return
    state.paragraphs.append(text)
    for sentence in sentences(plain(text)):
        inline = _INLINE_SEGMENTS.search(sentence)
        if inline:
            kind = "application" if re.match(r"applic|end", inline["what"], re.I) else "type"
            for name in split_list(_LIST_TAIL.sub("", inline["list"])):
                state.add_segment(kind, name)
        if re.search(r"\bregion", sentence, re.I):
            _regions_inline(sentence, state)
        players = _PLAYERS_SENTENCE.search(sentence)
        if players:
            for name in split_list(_LIST_TAIL.sub("", players["list"])):
                state.add_company(name, "players-list")
        for match in _RELATION_SUBJECT.finditer(sentence):
            state.add_company(match["name"], "text")
    lead = block.lead or (re.match(r"^\*\*(.+?)\*\*", text) or [None, None])[1]
    if lead and (section == "players" or _clean_name(lead).casefold() in state.companies):
        name = _clean_name(lead)
        if name:
            state.add_company(name, "profile")
            state.profiles.setdefault(name.casefold(), []).extend(sentences(plain(text)))
    elif section == "players" and label and _clean_name(label).casefold() in state.profiles:
        state.profiles[_clean_name(label).casefold()].extend(sentences(plain(text)))


def _regions_inline(text: str, state: _State) -> bool:
    """ "North America: United States, Canada" lines, or "Europe (Germany, France, UK)" groups."""
    groups = [g for g in _PAREN_GROUP.finditer(text) if "," in g["list"]]
    if len(groups) >= 2:
        for group in groups:
            label = re.sub(r"^(?:the|and|in|of)\s+", "", group["label"].strip(), flags=re.I)
            state.regions.append((label, split_list(group["list"])))
        return True
    lines = [line for line in text.split("\n") if line.strip()]
    labelled = [_LABELLED_LINE.match(line.strip()) for line in lines]
    if labelled and all(labelled) and all("," in m["list"] or len(m["list"].split()) <= 3 for m in labelled):
        for match in labelled:
            state.regions.append((match["label"].strip(), split_list(match["list"])))
        return True
    return False


def _with_sentences(state: _State, all_sentences: list[str]) -> tuple[CompanyMention, ...]:
    """Every company with the sentences that name it (and its profile), and the relations they state."""
    mentions = list(state.companies.values())
    result: dict[str, CompanyMention] = {}
    extra: list[tuple[str, StatedRelation]] = []
    for company in mentions:
        pattern = re.compile(rf"(?<![\w-]){re.escape(company.mention)}(?![\w-])")
        own = [s for s in all_sentences if pattern.search(s)]
        own += state.profiles.get(company.mention.casefold(), [])
        own = _unique(own)
        relations = _unique([r for s in own for r in _relations(company.mention, s)])
        for relation in relations:
            extra.append((relation.object, relation))
        result[company.mention.casefold()] = CompanyMention(
            company.mention, company.context, tuple(own), tuple(relations), company.attributes
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
        else:
            kind = _RELATION_NAMES[(relation["rel"] or relation["by"]).lower()]
        if relation["adj"] and relation["adj"].strip().lower() == "former":
            kind = f"formerly-{kind}"
        obj = re.split(
            r"\s+(?:in|since|from|that|which|who|specializ\w*|focus\w*|and is|is|has)\s+", relation["object"]
        )[0]
        objects = re.split(r"\s+(?:and|&)\s+", obj) if kind.endswith("joint-venture-of") else [obj]
        for target in objects:
            target = _clean_name(target)
            if target and target.casefold() != name.casefold():
                found.append(StatedRelation(name, kind, target, sentence))
    return found


def _market_and_info(document: Document, state: _State) -> tuple[Market, DocumentInfo]:
    headings = [b for b in document.blocks if b.kind == "heading"]
    real = [b for b in headings if b.level <= 6]
    title_block = (real or headings or [b for b in document.blocks if b.kind == "paragraph"] or [None])[0]
    title = title_block.text.split("\n")[0].strip() if title_block else None
    candidates = [title or ""] + [b.text for b in headings[:5]] + state.paragraphs[:3]
    name = None
    for text in candidates:
        match = re.search(
            r"((?:[A-Z0-9][\w()/-]*|&|and|of|for)(?:\s+(?:[A-Z0-9][\w()/-]*|&|and|of|for))*\s+(?:Market|MARKET))\b",
            plain(text),
        )
        if match:
            name = re.sub(r"^(?:The|Global|Worldwide|World)\s+", "", match.group(1), flags=re.I).strip()
            name = re.sub(r"^(?:and|of|for|&)\s+", "", name)
            break
    product = re.sub(r"\s*Market$", "", name, flags=re.I).strip() if name else None
    period = None
    for text in [title or ""] + [b.text for b in headings] + state.paragraphs:
        if re.search(r"forecast|period|outlook|projection|\b20\d\d\s*(?:-|–|to)\s*20\d\d\b", text, re.I):
            period = parse_period(text)
            if period:
                break
    market = Market(name, product, period[0] if period else None, period[1] if period else None)
    domains = Counter(urlparse(link).netloc.removeprefix("www.") for link in document.links if urlparse(link).netloc)
    publisher = state.metadata.get("publisher") or (domains.most_common(1)[0][0] if domains else None)
    ids = Counter(
        number for link in document.links for number in re.findall(r"(?<![\d])(\d{5,9})(?![\d])", urlparse(link).path)
    )
    report_id = state.metadata.get("report_id") or (ids.most_common(1)[0][0] if ids else None)
    url = _report_url(document.links, report_id)
    return market, DocumentInfo(title, publisher, report_id, url, document.format)


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
