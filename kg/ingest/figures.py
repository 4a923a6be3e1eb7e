"""Market figures and testable statements in sentences.

A sentence is cut into clauses; in each, numbers with a unit (percent, money,
GWh) become ``Figure`` records. The metric comes from the nearest keyword
("CAGR", "share", "revenue", "reach"), the scope from the first thing the
clause names (a company, a region, a country, a segment, a market), the time
from "by 2030", "in 2022", "from 2024 to 2031" or "the forecast period".
"""

from __future__ import annotations

import functools
import itertools
import re
from dataclasses import dataclass, replace
from decimal import Decimal

from ..countries import find_in_text
from .model import Figure, Statement
from .text import NameFinder

__all__ = ["CURRENCY_CODES", "REGION_WORDS", "Context", "figures_in", "market_tokens", "statements_in", "table_figures"]

_MAGNITUDE = {
    "trillion": 1e12, "tn": 1e12, "billion": 1e9, "bn": 1e9, "b": 1e9,
    "million": 1e6, "mn": 1e6, "mln": 1e6, "m": 1e6, "thousand": 1e3, "k": 1e3, "crore": 1e7, "lakh": 1e5,
}  # fmt: skip
# ISO 4217 codes a report may write as such ("CAD 900 million"); each is a QUDT unit CCY_<code>
CURRENCY_CODES = (
    "USD", "EUR", "GBP", "CNY", "JPY", "INR", "KRW", "AUD", "CAD", "CHF", "SEK", "NOK", "DKK", "PLN", "CZK", "HUF",
    "TWD", "HKD", "SGD", "NZD", "BRL", "MXN", "ZAR", "IDR", "THB", "MYR", "VND", "TRY", "SAR", "AED", "ILS", "CLP",
)  # fmt: skip
_CURRENCY = {"us$": "USD", "$": "USD", "us dollars": "USD", "dollars": "USD", "u.s. dollars": "USD",
             "€": "EUR", "euros": "EUR", "euro": "EUR", "£": "GBP", "rmb": "CNY", "yuan": "CNY", "¥": "JPY",
             "yen": "JPY", "₹": "INR", "rupees": "INR", "₩": "KRW", "won": "KRW",
             # a dollar sign with its country's letters: "A$ 1.1 billion" is Australian, never US dollars
             "a$": "AUD", "au$": "AUD", "c$": "CAD", "ca$": "CAD", "nz$": "NZD", "hk$": "HKD", "s$": "SGD",
             "nt$": "TWD", "r$": "BRL", "mx$": "MXN",
             **{code.lower(): code for code in CURRENCY_CODES}}  # fmt: skip
_NUM = r"(\d[\d,]*(?:\.\d+)?)"
_MAG = r"(trillion|billion|million|thousand|crore|lakh|bn|tn|mn|mln|[bmk])\b"
# A currency before its amount ("USD", "A$", "€") and after it ("dollars", "CHF"); the codes count in capitals
# only ("TRY 3" is Turkish lira, "try 3" is not), except the common ones
_CODES = "(?-i:" + "|".join(CURRENCY_CODES) + ")"
_CURRENCY_BEFORE = (
    rf"(?<![A-Za-z])(?:US|AU|CA|NZ|HK|NT|MX|[ACSR])\$|\b(?:USD|EUR|GBP|RMB|CNY|JPY|INR|KRW|{_CODES})(?![A-Za-z])"
    r"|\$|€|£|¥|₹|₩"
)
_CURRENCY_AFTER = rf"U\.S\. dollars|US dollars|dollars|euros?|yuan|RMB|yen|rupees|won|USD|EUR|INR|{_CODES}"
_VALUE = re.compile(
    rf"(?P<pct>{_NUM}\s*(?:%|percent\b|per\s*cent\b))"
    rf"|(?P<cur>{_CURRENCY_BEFORE})\s*{_NUM}\s*(?:{_MAG})?(?P<per>\s*(?:per|/)\s*(?:kWh|MWh|GWh|Wh)\b)?"
    rf"|{_NUM}\s*{_MAG}\s*(?P<cur2>{_CURRENCY_AFTER})"
    rf"|{_NUM}\s*(?P<energy>GWh|MWh|TWh)\b",
    re.I,
)
_QUALIFIERS = (
    (
        "exceeding",
        r"(?:exceed\w*|over|more than|above|greater than|surpass\w*|upwards of|in excess of|north of|beyond)",
    ),
    (
        "approximately",
        r"(?:approximately|approx\.?|about|around|nearly|almost|roughly|close to|an estimated|some|circa|~)",
    ),
    ("at-most", r"(?:up to|below|under|less than|no more than|at most)"),
    ("at-least", r"(?:at least|a minimum of|no less than)"),
)
_METRIC_WORDS = (
    (
        "cagr",
        r"\bcagr\b|compound annual|annual(?:ized)? growth rate|grow(?:ing|th)? (?:at|by) (?:a (?:rate|pace) of|an annual)",
    ),
    (
        "market_share",
        r"\bshares?\b|\baccount(?:s|ed|ing)? for\b|\bhold(?:s|ing)?\b|\bcaptur\w+|\bcommand\w*|\bportion\b",
    ),
    ("revenue", r"\brevenues?\b|\bsales\b|\bturnover\b|\bearn\w*"),
    (
        "market_size",
        r"\bvalued\b|\bworth\b|\bsize\b|\breach\w*|\bvaluation\b|\bestimated at\b|\bmarket value\b|\btotal(?:led|ed)?\b|\bgenerat\w+",
    ),
    (
        "growth_rate",
        r"\bgrow\w*|\bgrew\b|\bgrowth\b|\bincreas\w+|\brise\b|\brising\b|\brose\b|year[- ]on[- ]year|y-?o-?y",
    ),
)
REGION_WORDS = (
    r"North America|South America|Latin America|Central (?:and|&) South America|Central America|Western Europe|Eastern Europe"
    r"|Europe(?:an)?|Asia[- ]?Pacific|APAC|Asia|South[- ]?East Asia|Middle East(?:\s*(?:&|and)\s*Africa)?|MEA|Africa|Oceania"
    r"|Nordics?|GCC|LATAM|LatAm|EMEA"
)
_MARKET_WORD = re.compile(r"\b(market|industry|sector)\b", re.I)
_SEGMENT_WORD = re.compile(r"(?<![\w-])(segment|sub-segment|category|application|format|type)\b", re.I)
# a clause that opens with what holds the share it states: "Electric vehicles held 61.2% of revenue in 2024"
_SHARE_SUBJECT = re.compile(
    r"^\s*(?:In\s+(?:19|20)\d\d,?\s+)?(?P<subject>[A-Za-z][\w-]*(?:\s+[\w-]+){0,3}?)\s+(?:held|holds?|accounted for"
    r"|accounts? for|captured|captures?|represented|represents?|made up|makes? up|contributed|contributes?|commanded"
    r"|commands?|took|takes?)\s+"
    r"(?:(?:about|around|approximately|nearly|over|roughly|almost|some)\s+)?\d"
)
_NOT_A_SEGMENT = re.compile(
    r"\b(?:the|this|that|these|those|it|its|their|they|which|top|largest|leading|players?|compan\w*|vendors?|firms?"
    r"|market|industry|share|revenue|sales|remaining|rest|others?|together|combined|each|both)\b",
    re.I,
)
_PHRASE_STOP = frozenset(
    [
        "the",
        "a",
        "an",
        "this",
        "that",
        "these",
        "those",
        "its",
        "their",
        "of",
        "in",
        "for",
        "and",
        "to",
        "by",
        "with",
        "on",
        "is",
        "are",
        "was",
        "were",
        "as",
        "at",
        "from",
        "be",
        "will",
        "has",
        "have",
        "while",
        "which",
        "whose",
        "where",
        "our",
    ]
)
_BROAD_WORDS = frozenset(["global", "overall", "total", "worldwide", "entire", "broader", "wider", "whole"])
_RESPECTIVE = re.compile(r"\brespective(?:ly)?\b", re.I)
_DOMINANCE = re.compile(
    r"\bdominat\w*|\blead(?:s|ing)? the (?:global )?market|\blargest (?:market |revenue )?share|\blargest market"
    r"|\bbiggest (?:market|share)|\bmarket leaders?\b|\b(?:highest|major|maximum) (?:market |revenue )?share"
    r"|\b(?:was|is|remains?|remained|stood as|emerged as) the (?:largest|biggest|leading|top) (?:\w+[- ])?"
    r"(?:application|segment|end[- ]use|type|region|category|market|consumer|contributor)",
    re.I,
)
_LARGEST_FIRST = re.compile(
    r"\b(?:the\s+)?(?:largest|biggest|leading|dominant|top)\s+(?P<what>application|segment|end[- ]use|region|type"
    r"|category|regional market|country)\s+(?:(?:in|of|for)\s+(?:19|20)\d\d\s+)?(?:is|was|remains|remained|will be|is expected to be)\s+",
    re.I,
)
_FUTURE = re.compile(
    r"\b(?:expected|anticipated|projected|forecast\w*|predicted|estimated to|will|set to|likely|poised|going to"
    r"|by (?:the end of )?(?:19|20)\d\d|over the forecast)\b",
    re.I,
)
_CATEGORY = (
    ("region", re.compile(r"\bregion|geograph|\bcountr", re.I)),
    ("segment", re.compile(r"applicat|segment|end[- ]use|\btype|categor|chemistr|form factor", re.I)),
    ("company", re.compile(r"\bcompan|\bplayer|\bmanufacturer|\bvendor|\bsupplier", re.I)),
)
# A percentage that is an ownership stake, not a market figure: "holds a 26 % stake", "owns 51% of".
_STAKE_AFTER = re.compile(
    r"^\s*(?:equity\s+|ownership\s+|voting\s+)?(?:stake|interest|holding|ownership)\b|^[- ]owned\b", re.I
)
# "the unit earned $950m", "its share rose to 25%": a company's figure whose company the clause does not name
_UNNAMED_COMPANY = re.compile(
    r"\b(?:the|its|their|this|that)\s+(?:unit|division|company|firm|group|subsidiary|business|maker|supplier|producer"
    r"|manufacturer|developer|start-?up|parent)\b|\b(?:its|their)\s+(?:market\s+)?shares?\b",
    re.I,
)
_OWNERSHIP_WORDS = re.compile(r"\bshareholders?\b|\bstakes?\b|\bequity interest|\bvoting rights", re.I)
_STAKE_BEFORE = re.compile(
    r"\b(?:owns|owned|own)\s+(?:(?:about|around|approximately|nearly|some|roughly|almost|over)\s+)?(?:a\s+|an\s+)?$",
    re.I,
)
_EQUIVALENCE = re.compile(
    r"(?P<subject>[\w][\w\s\-]{2,80}?)\s*[,(]\s*(?:also|commonly|often|otherwise)?\s*(?:known|referred to|called|termed)\s+(?:as\s+)?"
    r"(?P<object>[\w][\w\s\-]{2,80}?)\s*[,)]",
    re.I,
)


@dataclass(frozen=True)
class Context:
    """What a sentence is read against: the report's market and the names found elsewhere in it."""

    product: str | None
    period: tuple[int, int] | None
    companies: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    segments: tuple[str, ...] = ()

    @functools.cached_property
    def company_finder(self) -> NameFinder:
        return NameFinder(self.companies)

    @functools.cached_property
    def segment_finder(self) -> NameFinder:
        return NameFinder((s for s in self.segments if len(s) >= 4 and s.lower() not in ("other", "others")), True)

    @functools.cached_property
    def region_pattern(self) -> re.Pattern[str]:
        names = "|".join(re.escape(r) for r in sorted(self.regions, key=len, reverse=True))
        return re.compile(rf"(?<![\w-])(?:{names + '|' if names else ''}{REGION_WORDS})(?![\w-])")


@dataclass(frozen=True)
class _Span:
    start: int
    end: int
    kind: str  # company | region | country | segment | market | other-market
    text: str


def market_variants(product: str | None) -> tuple[frozenset[str], ...]:
    """The comparable words of a market name, and of the name with its abbreviation for the words it stands for.

    >>> [sorted(v) for v in market_variants("Nickel-Manganese-Cobalt (NMC) Cathode")]
    [['cathode', 'cobalt', 'manganese', 'nickel'], ['cathode', 'nmc']]
    """
    variants = [market_tokens(product)]
    for match in re.finditer(r"\(([A-Za-z]{2,6})\)", product or ""):
        abbreviation = match.group(1).lower()
        words = re.findall(r"[A-Za-z0-9]+", (product or "")[: match.start()])
        initials = ""
        for count in range(1, min(len(words), 8) + 1):
            initials = words[-count][0].lower() + initials
            if initials == abbreviation:
                shortened = " ".join(words[:-count]) + f" {abbreviation} " + (product or "")[match.end() :]
                variants.append(market_tokens(shortened))
                break
    return tuple(dict.fromkeys(variants))


def market_tokens(text: str | None) -> frozenset[str]:
    """Comparable words of a market name: lower case, singular, without "global", "overall", "market".

    >>> sorted(market_tokens("Global Secondary Lithium Metal Batteries Market"))
    ['battery', 'lithium', 'metal', 'secondary']
    """
    text = re.sub(r"\([^)]*\)", " ", text or "")  # "lithium iron phosphate (LFP) battery": the abbreviation repeats
    words = re.findall(r"[a-z0-9]+", text.lower().replace("lithium-ion", "lithium ion"))
    tokens = set()
    for word in words:
        if word in _BROAD_WORDS or word in _PHRASE_STOP or word in ("market", "industry", "sector"):
            continue
        if word.endswith("ies") and len(word) > 4:
            word = word[:-3] + "y"
        elif word.endswith("s") and not word.endswith("ss") and len(word) > 3:
            word = word[:-1]
        tokens.add(word)
    return frozenset(tokens)


def _clauses(sentence: str) -> list[tuple[int, str]]:
    """Clauses with their offsets: a sentence splits at ';', 'while', 'whereas', ', but'."""
    parts = []
    start = 0
    for match in re.finditer(r";|\bwhile\b|\bwhereas\b|,\s*but\b", sentence):
        parts.append((start, sentence[start : match.start()]))
        start = match.end()
    parts.append((start, sentence[start:]))
    return [(offset, text) for offset, text in parts if text.strip()]


def _spans(clause: str, context: Context) -> list[_Span]:
    spans: list[_Span] = []

    def add(start: int, end: int, kind: str) -> None:
        if not any(s.start < end and start < s.end for s in spans):
            spans.append(_Span(start, end, kind, clause[start:end]))

    for start, end, _ in context.company_finder.find(clause):
        add(start, end, "company")
    for match in context.region_pattern.finditer(clause):
        add(match.start(), match.end(), "region")
    for start, end, _ in find_in_text(clause):
        add(start, end, "country")
    for start, end, _ in context.segment_finder.find(clause):
        add(start, end, "segment")
    for match in _MARKET_WORD.finditer(clause):
        phrase_start = _phrase_start(clause, match.start())
        inside = [s for s in spans if phrase_start <= s.start < match.start()]
        phrase = clause[phrase_start : match.end()].strip()
        tokens = market_tokens(phrase)
        named_like_it = _names_the_report_market(tokens, context)
        if inside and named_like_it:
            # "the European battery cell market" in a report on the Europe battery cell market: the place is
            # part of the market's name, not the scope
            spans[:] = [s for s in spans if s not in inside]
        elif inside:
            continue  # "the U.S. market", "the Automotive market": the named thing is the scope
        # "the battery energy storage market" in a report on the China battery energy storage market;
        # "the NMC cathode market" in a report on the Nickel-Manganese-Cobalt (NMC) cathode market
        same = (
            not tokens
            or any(
                tokens == product or (tokens < product and all(_is_place_word(w) for w in product - tokens))
                for product in market_variants(context.product)
            )
            or named_like_it
        )
        add(phrase_start, match.end(), "market" if same else "other-market")
    for match in _SEGMENT_WORD.finditer(clause):
        phrase_start = _phrase_start(clause, match.start())
        if phrase_start < match.start() and not any(phrase_start <= s.start < match.start() for s in spans):
            add(phrase_start, match.end(), "segment")
    sharer = _SHARE_SUBJECT.match(clause)
    if sharer and not spans and not _NOT_A_SEGMENT.search(sharer["subject"]):
        # "Electric vehicles held 61% of revenue": what holds a share, unnamed elsewhere, is a part of the market
        add(sharer.start("subject"), sharer.end("subject"), "segment")
    return sorted(spans, key=lambda s: s.start)


def _names_the_report_market(tokens: frozenset[str], context: Context) -> bool:
    """Whether a market phrase's words are those of the report's own market, a place's adjective counting as
    the place ("european" for "europe", "asian" for "asia", "japanese" for "japan")."""

    def same(word: str, product: frozenset[str]) -> bool:
        return word in product or any(word.startswith(p) and word[len(p) :] in ("n", "an", "ese") for p in product)

    return bool(tokens) and any(
        len(tokens) == len(product) and all(same(word, product) for word in tokens)
        for product in market_variants(context.product)
        if any(_is_place_word(word) for word in product)
    )


def _is_place_word(word: str) -> bool:
    return bool(find_in_text(word.capitalize())) or bool(re.fullmatch(REGION_WORDS, word, re.I))


def _phrase_start(clause: str, end: int) -> int:
    """Start of the run of content words (at most seven) right before ``end``."""
    start = end
    for word in reversed(list(re.finditer(r"[\w$.&/-]+", clause[:end]))):
        if word.group().lower() in _PHRASE_STOP or end - word.start() > 90 or clause[word.end() : start].strip(" ()"):
            break
        start = word.start()
    return start


def _value(match: re.Match[str]) -> tuple[float, str]:
    groups = [g for g in match.groups() if g is not None]
    number = float(next(g for g in groups if re.fullmatch(r"\d[\d,]*(?:\.\d+)?", g)).replace(",", ""))
    if match.group("pct"):
        return number, "percent"
    if match.group("energy"):
        return number, match.group("energy").replace("gwh", "GWh")
    currency = (match.group("cur") or match.group("cur2") or "").lower()
    magnitude = next((g.lower() for g in groups if g.lower() in _MAGNITUDE), None)
    unit = _CURRENCY.get(currency, currency.upper())
    amount = _scaled(number, _MAGNITUDE.get(magnitude or "", 1.0))
    if match.group("per"):  # a price: "USD 60 per kWh"
        return amount, f"{unit}/{match.group('per').split()[-1].lstrip('/')}"
    return amount, unit


def _scaled(number: float, magnitude: float) -> float:
    """``number`` times ``magnitude`` in decimal, so that "4.1 billion" is 4100000000.0, not 4099999999.9999995.

    >>> _scaled(4.1, 1e9), _scaled(0.07, 1e6)
    (4100000000.0, 70000.0)
    """
    return float(Decimal(repr(number)) * Decimal(repr(magnitude)))


def _qualifier(before: str) -> str | None:
    tail = before[-40:].lower()
    for name, pattern in _QUALIFIERS:
        if re.search(rf"(?:^|\W){pattern}\s*(?:of\s+|at\s+)?(?:a\s+|an\s+)?$", tail):
            return name
    return None


def _metric(before: str, after: str, unit: str, scope_kind: str) -> str:
    window_before = before[-80:].lower()
    best: tuple[int, str] | None = None
    for name, pattern in _METRIC_WORDS:
        if unit != "percent" and name in ("cagr", "market_share", "growth_rate"):
            continue
        if unit == "percent" and name in ("revenue", "market_size"):
            continue
        for match in re.finditer(pattern, window_before):
            distance = len(window_before) - match.end()
            if best is None or distance < best[0]:
                best = (distance, name)
        follow = re.match(rf"\s*(?:\w+\s+){{0,2}}?(?:{pattern})", after[:40].lower())
        if follow and (best is None or best[0] > 0):
            best = (0, name)
    if unit in ("GWh", "MWh", "TWh"):
        return "volume"
    # "a compound annual growth rate of about 36%": the CAGR words outrank the nearer "growth"
    if unit == "percent" and re.search(_METRIC_WORDS[0][1], window_before[-45:]):
        return "cagr"
    # "its share rose from 20% to 25%": a share that moved is still a share ("share prices rose 5%" is none)
    if unit == "percent" and _SHARE_MOVED.search(window_before[-60:]):
        return "market_share"
    if best is not None:
        # a market's or a region's revenue is its size ("Revenue forecast in 2034: USD 86 billion")
        return "market_size" if best[1] == "revenue" and scope_kind not in ("company", "other-market") else best[1]
    if unit == "percent":
        return "market_share" if scope_kind in ("region", "country", "company", "segment") else "percentage"
    return "revenue" if scope_kind == "company" else "market_size"


_MOVED = r"rose|fell|grew|increased|decreased|declined|dropped|climbed|slipped|edged|went"
_SHARE_MOVED = re.compile(rf"\bshares?\s+(?!prices?\b)(?:\w+\s+)?(?:{_MOVED})\b(?:(?!\b(?:{_MOVED}|grow\w*)\b)[^.;])*$")
_TIME_PATTERNS = (
    ("period", re.compile(r"((?:19|20)\d\d)\s*(?:-{1,2}|–|—|to|and|through)\s*((?:19|20)\d\d)")),
    ("forecast", re.compile(r"forecast(?:ed)? period|projection period|review period", re.I)),
    ("until", re.compile(r"\b(?:through|until|till|to|up to|thru)\s+((?:19|20)\d\d)\b", re.I)),
    (
        "year",
        re.compile(
            r"\b(?:by|in|for|as of|during|of|at the end of|end of)\s+(?:the year\s+|FY\s?|fiscal(?: year)?\s+)?((?:19|20)\d\d)\b",
            re.I,
        ),
    ),
    ("year", re.compile(r"\(((?:19|20)\d\d)[EFPA]?\)")),  # "Market Size (2024): USD 14.8 Bn"
    (
        "year",  # a label's year: "USD 27.4B | Market size, 2024", "Revenue 2024: USD 3 billion"
        re.compile(
            r"\b(?:size|value|revenue|revenues|sales|volume|shipments|installations|capacity|demand)\s*,?\s*"
            r"((?:19|20)\d\d)\b(?!\s*(?:-|–|—|to)\s*(?:19|20)?\d\d)",
            re.I,
        ),
    ),
    (
        "year",  # a label that starts with its year: "2024 sodium-ion shipments: 3.1 GWh"
        re.compile(
            r"(?:^|[:;]\s*)((?:19|20)\d\d)\s+(?:[\w-]+\s+){0,3}?(?:size|value|revenues?|sales|volume|shipments"
            r"|installations|capacity|demand|share)\s*:",
            re.I,
        ),
    ),
)


def _time(windows: tuple[str, ...], report_period: tuple[int, int] | None) -> tuple[int | None, int | None, int | None]:
    """(year, period start, period end): the time expression nearest the value in the first window that has one.

    The windows are the text after the value (read from its start), the text before it (read backwards from the
    value) and the rest of the clause.
    """
    for position, text in enumerate(windows):
        if position == 3:
            position = 1  # the sentence before the clause is read backwards from its end, like the text before
        hits = []
        for kind, pattern in _TIME_PATTERNS:
            for match in pattern.finditer(text):
                if kind == "period" and int(match.group(1)) >= int(match.group(2)):
                    continue
                if kind == "forecast" and not report_period:
                    continue
                hits.append((match.start(1) if kind in ("year", "until") else match.start(), kind, match))
        if not hits:
            continue
        _, kind, match = (max if position == 1 else min)(hits, key=lambda hit: hit[0])
        if kind == "period":
            return None, int(match.group(1)), int(match.group(2))
        if kind == "forecast" and report_period is not None:
            return None, report_period[0], report_period[1]
        if kind == "forecast":
            return None, None, None
        if kind == "until":
            return None, None, int(match.group(1))
        return int(match.group(1)), None, None
    return None, None, None


def figures_in(sentence: str, context: Context, default_scope: str | None = None) -> list[Figure]:
    """The figures a sentence states; ``default_scope`` is the region, country or company its heading names.

    A percentage that is an ownership stake ("holds a 26 % stake in X") is no market figure and is left out.

    >>> ctx = Context(product="Sodium-Ion Battery", period=(2024, 2031), companies=("CATL",))
    >>> [(f.metric, f.value, f.unit, f.scope_kind, f.qualifier, f.year) for f in figures_in(
    ...     "In 2023, CATL reported revenues exceeding USD 55 billion.", ctx)]
    [('revenue', 55000000000.0, 'USD', 'company', 'exceeding', 2023)]
    >>> [(f.scope_kind, f.scope) for f in figures_in("The market was valued at USD 2 billion in 2024.", ctx, "Germany")]
    [('country', 'Germany')]
    """
    found: list[Figure] = []
    for offset, clause in _clauses(sentence):
        values = list(_VALUE.finditer(clause))
        if not values:
            continue
        spans = _spans(clause, context)
        respective = _respective(clause, values, spans)
        for index, match in enumerate(values):
            number, unit = _value(match)
            if unit not in ("percent", "GWh", "MWh", "TWh") and "/" not in unit and number < 100_000:
                continue  # "USD 6,960" (a licence price, a price per vehicle): no market figure is that small
            # a value's own words run to the next value: "USD 1.2 billion (EUR 1.1 billion) in 2023"
            following_value = values[index + 1].start() if index + 1 < len(values) else len(clause)
            before, after = clause[: match.start()], clause[match.end() : following_value]
            if unit == "percent" and (
                _STAKE_AFTER.search(after) or _STAKE_BEFORE.search(before[-40:]) or _OWNERSHIP_WORDS.search(clause)
            ):
                continue
            scope: _Span | None
            if respective is not None:
                scope = respective[index]
            else:
                # "Asia-Pacific accounted for 46%, North America for 31%": a name between two values is the
                # later one's scope; otherwise the clause's subject (its first name) is
                previous_end = values[index - 1].end() if index else 0
                between = [s for s in spans if previous_end <= s.start and s.end <= match.start()]
                preceding = [s for s in spans if s.end <= match.start()]
                following = [s for s in spans if s.start >= match.end()]
                # a market phrase between two values ("... of the market in 2024, Asia Pacific accounted for 31%")
                # is the earlier value's object, not the later one's scope
                between = [s for s in between if s.kind != "market"] or between
                candidates = (between if index else []) or preceding or following
                scope = candidates[0] if candidates else None
                if not spans and default_scope is None and _UNNAMED_COMPANY.search(before):
                    continue  # a company's, but no heading or name says whose; not the market's
                if len(values) == 1 and _listed_together(clause, preceding):
                    scope = None  # "A, B and C held 35% between them": the share of them all, no one company's
            scope_kind = scope.kind if scope else "market"
            scope_text = scope.text if scope and scope.kind != "market" else (context.product or "market")
            if (
                scope_kind == "market"
                and default_scope
                and not re.search(r"\b(?:global|worldwide|overall|world)\b", clause, re.I)
            ):
                scope_kind, scope_text = _kind_of(default_scope, context), default_scope
            # the value's own words first, then its clause, then the rest of the sentence ("In 2023 the market was
            # worth USD 4.1 billion; North America generated USD 1.2 billion of it")
            rest = sentence[:offset] if unit != "percent" or not re.search(_METRIC_WORDS[0][1], before.lower()) else ""
            year, start, end = _time((after, before, clause[match.end() :], rest), context.period)
            metric = _metric(before, after, unit, scope_kind)
            if metric in ("market_size", "revenue", "volume") and year is None and end is not None:
                year, start, end = end, None, None  # "from 2024 to 2030, when it should be worth ...": at its end
            if metric == "cagr" and year is not None:
                # "valued at X in 2024 ... reach Y by 2031, a CAGR of 8%": the CAGR runs from that year to the end one
                years = sorted({int(y) for y in re.findall(r"\b((?:19|20)\d\d)\b", clause)})
                if len(years) >= 2:
                    # "USD 1.9 billion in 2024 ... USD 5.6 billion by 2030, growing at a CAGR of 19.7%": 2024-2030
                    year, start, end = None, years[0], years[-1]
            figure = Figure(
                metric=metric,
                value=number,
                unit=unit,
                scope_kind=scope_kind,
                scope=scope_text.strip(),
                text=sentence.strip(),
                qualifier=_qualifier(before) or _range_end(clause, values, index),
                year=year,
                period_start=start,
                period_end=end,
            )
            low = _PERCENT_RANGE.search(before) if unit == "percent" else None
            if low and float(low[1]) < number:
                # "30-35% of capacity": at least the first, at most the second
                found.append(replace(figure, value=float(low[1]), qualifier="at-least"))
                figure = replace(figure, qualifier=figure.qualifier or "at-most")
            found.append(figure)
    return found


_PERCENT_RANGE = re.compile(r"(?<![\d.])(\d{1,2}(?:\.\d+)?)\s*(?:-|–|to)\s*$")
_BETWEEN, _FROM = re.compile(r"\bbetween\s*$", re.I), re.compile(r"\bfrom\s*$", re.I)


def _range_end(clause: str, values: list[re.Match[str]], index: int) -> str | None:
    """ "between 30% and 35%", "30% to 35%": at least the first value, at most the second ("from 30% to 35%" is
    a change, not a range)."""
    for low, high, end in ((index, index + 1, "at-least"), (index - 1, index, "at-most")):
        if low < 0 or high >= len(values):
            continue
        before, gap = clause[: values[low].start()], clause[values[low].end() : values[high].start()]
        if _BETWEEN.search(before) and re.fullmatch(r"\s*and\s*", gap):
            return end
        both_shares = all("%" in values[i].group() for i in (low, high))
        if both_shares and re.fullmatch(r"\s*(?:-|–|to)\s*", gap) and not _FROM.search(before):
            return end
    return None


def _listed_together(clause: str, spans: list[_Span]) -> bool:
    """Whether the names before a value are a list of companies ("A, B and C", "A and B") rather than a subject
    and a name in passing ("CATL, ahead of BYD, held 37%")."""
    companies = [s for s in spans if s.kind == "company"]
    if (
        len(companies) < 2
        or len(companies) != len(spans)
        or not _in_a_list(clause, [(c.start, c.end) for c in companies])
    ):
        return False
    return len(companies) >= 3 or "," not in clause[companies[-2].end : companies[-1].start]


def _in_a_list(clause: str, parts: list[tuple[int, int]]) -> bool:
    """Whether nothing but commas and "and" stands between the parts ("A, B and C", "31% and 18%")."""
    gaps = [clause[end:start] for (_, end), (start, _) in itertools.pairwise(parts)]
    return all(re.fullmatch(r"\s*(?:,|,?\s*(?:and|&))\s*", gap) for gap in gaps)


def _kind_of(name: str, context: Context) -> str:
    """Whether a heading's name is a company, a country or a region."""
    if name.casefold() in {c.casefold() for c in context.companies}:
        return "company"
    hits = find_in_text(name)
    if hits and hits[0][1] - hits[0][0] >= len(name.strip()) - 1:
        return "country"
    return "region"


def _respective(clause: str, values: list[re.Match[str]], spans: list[_Span]) -> list[_Span] | None:
    """ "A and B ... respective shares of 30% and 25%": pair the named places with the values in order."""
    if len(values) < 2:
        return None
    named = [s for s in spans if s.kind in ("region", "country", "company", "segment") and s.end <= values[0].start()]
    if len(named) != len(values):
        return None
    # "CATL and BYD held 31% and 18%": a list of names, then as many values in a list, pair in order too
    return (
        named
        if _RESPECTIVE.search(clause)
        or (_in_a_list(clause, [(n.start, n.end) for n in named]) and _in_a_list(clause, [v.span() for v in values]))
        else None
    )


def statements_in(sentence: str, context: Context) -> list[Statement]:
    """Statements a check can test: who dominates or is largest, what something is "also known as".

    >>> [(s.kind, s.subjects, s.object) for s in statements_in("North America and Europe are anticipated to dominate.", Context(None, None))]
    [('dominance', ('North America', 'Europe'), 'region')]
    >>> [(s.subjects, s.object, s.future) for s in statements_in(
    ...     "Power tools was the largest application in 2024.", Context(None, None, segments=("Power tools",)))]
    [(('Power tools',), 'segment', False)]
    """
    found: list[Statement] = []
    for _, clause in _clauses(sentence):
        inverted = _LARGEST_FIRST.search(clause)
        if inverted:
            # "The largest application is Automotive": the leader comes after the claim
            category = next((name for name, pattern in _CATEGORY if pattern.search(inverted.group("what"))), "segment")
            rest = clause[inverted.end() :]
            spans = [s for s in _spans(rest, context) if s.kind not in ("market", "other-market")]
            leader = re.match(r"(?:the\s+)?([^\W\d_a-z][\w&'-]*(?:\s+(?:[^\W\d_a-z][\w&'-]*|&)){0,4})", rest)
            subject = spans[0].text if spans and spans[0].start <= 5 else leader.group(1) if leader else None
            if subject:
                future = bool(_FUTURE.search(clause))
                found.append(Statement("dominance", (subject,), category, sentence.strip(), future))
                continue
        keyword = _DOMINANCE.search(clause)
        if not keyword:
            continue
        spans = _spans(clause, context)
        future = bool(_FUTURE.search(clause))
        named_category = next((name for name, pattern in _CATEGORY if pattern.search(keyword.group())), None)
        for kinds, object_kind in (
            (("region", "country"), "region"),
            (("segment",), "segment"),
            (("company",), "company"),
        ):
            if named_category not in (None, object_kind):
                continue
            named = [s for s in spans if s.kind in kinds]
            subjects = [s.text for s in named if s.end <= keyword.start()] or (
                [s.text for s in named] if object_kind == "region" else []
            )
            if not subjects and object_kind == "segment" and named_category == "segment":
                # "Stationary storage was the largest application": the clause's subject, named or not
                subject = re.sub(
                    r"^(?:in (?:19|20)\d\d,?\s*|the\s+)+", "", clause[: keyword.start()].strip(), flags=re.I
                )
                if 1 <= len(subject.split()) <= 5 and subject[:1].isupper() and not re.search(r"[,;:%\d]", subject):
                    subjects = [subject]
            if subjects:
                found.append(
                    Statement("dominance", tuple(dict.fromkeys(subjects)), object_kind, sentence.strip(), future)
                )
                break
    if not re.search(r"known|referred|called|termed", sentence, re.I):
        return found
    for match in _EQUIVALENCE.finditer(sentence):
        found.append(
            Statement("equivalence", (match.group("subject").strip(),), match.group("object").strip(), sentence.strip())
        )
    return found


# ---------------------------------------------------------------- tables

_CELL_NUMBER = re.compile(
    rf"^(?P<qualifier>~|≈|approx\.?|>|≥|<|≤|over|about|up to)?\s*(?P<cur>{_CURRENCY_BEFORE})?\s*"
    r"(?P<number>-?\d[\d,]*(?:\.\d+)?)\s*(?P<mag>trillion|billion|million|thousand|bn|tn|mn|mln|[bmk])?\s*"
    r"(?P<pct>%|percent)?\s*(?P<energy>GWh|MWh|TWh)?\s*(?:[*†‡]|\([a-z]\))?$",
    re.I,
)
_CELL_QUALIFIER = {"~": "approximately", "≈": "approximately", "approx": "approximately", "about": "approximately",
                   ">": "exceeding", "over": "exceeding", "≥": "at-least", "<": "at-most", "≤": "at-most",
                   "up to": "at-most"}  # fmt: skip
_UNIT_HINT = re.compile(
    rf"(?P<cur>{_CURRENCY_BEFORE})\s*(?P<mag>trillion|billion|million|thousand|bn|tn|mn|mln|[bmk])?\b"
    rf"|(?P<mag2>trillion|billion|million|thousand|bn|mn)\s*(?P<cur2>US\$|{_CURRENCY_AFTER})"
    r"|(?P<pct>%|percent|share)|(?P<energy>GWh|MWh|TWh)",
    re.I,
)
_TOTAL = re.compile(r"^(?:total|global|world(?:wide)?|overall|all regions|market total|grand total)\b", re.I)
_SKIP_COLUMN = re.compile(
    r"found|establish|\byear\b|employees|rank|#|\bno\.|plants?|website|ticker|countr|headquarter", re.I
)


def _unit_hint(text: str) -> tuple[str, float] | None:
    """The unit and scale a header or caption gives its numbers: "(USD Million)" is ("USD", 1e6)."""
    match = _UNIT_HINT.search(text)
    if not match:
        return None
    if match.group("pct"):
        return "percent", 1.0
    if match.group("energy"):
        return match.group("energy").replace("gwh", "GWh"), 1.0
    currency = (match.group("cur") or match.group("cur2") or "").lower()
    magnitude = (match.group("mag") or match.group("mag2") or "").lower()
    return _CURRENCY.get(currency, currency.upper()), _MAGNITUDE.get(magnitude, 1.0)


def _header_time(text: str) -> tuple[int | None, int | None, int | None] | None:
    period = re.search(r"((?:19|20)\d\d)\s*(?:-|–|—|to)\s*((?:19|20)?\d\d)\b", text)
    if period:
        end = period.group(2)
        end_year = int(end) if len(end) == 4 else int(period.group(1)[:2] + end)
        if end_year > int(period.group(1)):
            return None, int(period.group(1)), end_year
    year = re.search(r"(?<!\d)((?:19|20)\d\d)(?:\s*[EFPA]\b|[EFPA]?\b)", text)
    if year:
        return int(year.group(1)), None, None
    return None


def _table_metric(header: str, unit: str, scope_kind: str) -> str | None:
    lowered = header.lower()
    if re.search(r"cagr|compound", lowered):
        return "cagr"
    if unit in ("GWh", "MWh", "TWh"):
        return "volume"
    if unit == "percent":
        if re.search(r"growth|y-?o-?y|change", lowered):
            return "growth_rate"
        return "market_share"
    if re.search(r"revenue|sales|turnover", lowered):
        return "revenue" if scope_kind == "company" else "market_size"
    return "revenue" if scope_kind == "company" else "market_size"


def table_figures(
    rows: tuple[tuple[str, ...], ...], caption: str | None, section: str | None, context: Context
) -> list[Figure]:
    """The numbers of a table as figures: the row names the scope, the header and caption the metric, unit and time.

    >>> rows = (("Region", "2024", "2032", "CAGR (%)"), ("Europe", "410.5", "1,020.0", "12.1"))
    >>> [(f.metric, f.value, f.unit, f.scope, f.year, f.period_start, f.period_end) for f in table_figures(
    ...     rows, "Table 3: Market size by region (USD million)", "regions", Context("Flow Battery", (2025, 2032)))]
    [('market_size', 410500000.0, 'USD', 'Europe', 2024, None, None), ('market_size', 1020000000.0, 'USD', 'Europe', 2032, None, None), ('cagr', 12.1, 'percent', 'Europe', None, 2025, 2032)]
    """
    if len(rows) < 2:
        return []
    header, body = rows[0], rows[1:]
    caption = caption or ""
    caption_unit = _unit_hint(re.sub(r"\b(?:19|20)\d\d\b", "", caption))
    caption_time = _header_time(caption)
    companies = {c.casefold(): c for c in context.companies}
    # the row's name is in the first column that is not a number or a rank ("1", "#2")
    named = [
        i for i in range(len(header))
        if not _SKIP_COLUMN.search(header[i]) and sum(1 for r in body if i < len(r) and _CELL_NUMBER.match(r[i])) * 2 < len(body)
    ]  # fmt: skip
    label_column = named[0] if named else 0
    found: list[Figure] = []
    for row in body:
        if len(row) <= label_column or not row[label_column].strip():
            continue
        label = row[label_column].strip()
        scope_kind = _row_kind(label, section, companies, context)
        scope_text = (context.product or "market") if scope_kind == "market" else companies.get(label.casefold(), label)
        for column in range(0, min(len(row), len(header))):
            cell, head = row[column].strip(), header[column]
            match = _CELL_NUMBER.match(cell)
            if column == label_column or not match or _SKIP_COLUMN.search(head):
                continue
            number = float(match.group("number").replace(",", ""))
            own_unit = (
                ("percent", 1.0) if match.group("pct") else
                (match.group("energy"), 1.0) if match.group("energy") else
                (_CURRENCY.get(match.group("cur").lower(), "USD"), _MAGNITUDE.get((match.group("mag") or "").lower(), 1.0))
                if match.group("cur") else None
            )  # fmt: skip
            head_unit = _unit_hint(re.sub(r"\b(?:19|20)\d\d\b", "", head))
            unit_scale = own_unit or head_unit or caption_unit
            if unit_scale is None:
                continue
            unit, scale = unit_scale
            if (
                own_unit is None
                and head_unit is None
                and caption_unit is not None
                and caption_unit[0] != "percent"
                and re.search(r"%|share|cagr", head, re.I)
            ):
                unit, scale = "percent", 1.0
            metric = _table_metric(head, unit, scope_kind)
            if metric is None:
                continue
            time = _header_time(head) or caption_time or (None, None, None)
            year, start, end = time
            if metric == "cagr" and start is None:
                # a growth rate runs over years, never in one: those the caption spans ("2024 and 2031"), else the
                # report's forecast period
                spanned = sorted({int(y) for y in re.findall(r"\b(?:19|20)\d\d\b", f"{caption or ''} {head}")})
                if len(spanned) >= 2:
                    year, start, end = None, spanned[0], spanned[-1]
                elif context.period:
                    year, (start, end) = None, context.period
            qualifier_word = (match.group("qualifier") or "").lower().rstrip(".")
            found.append(
                Figure(
                    metric=metric,
                    value=_scaled(number, scale),
                    unit=unit,
                    scope_kind=scope_kind,
                    scope=scope_text,
                    text=" | ".join(x for x in (caption, " / ".join(header), " / ".join(row)) if x),
                    qualifier=_CELL_QUALIFIER.get(qualifier_word),
                    year=year,
                    period_start=start,
                    period_end=end,
                )
            )
    return found


def _row_kind(label: str, section: str | None, companies: dict[str, str], context: Context) -> str:
    if _TOTAL.match(label):
        return "market"
    if label.casefold() in companies:
        return "company"
    if context.region_pattern.fullmatch(label) or label in context.regions or re.match(r"rest of", label, re.I):
        return "region"
    hits = find_in_text(label)
    if hits and hits[0][1] - hits[0][0] >= len(label) - 1:
        return "country"
    if section == "regions":
        return "region"
    return "segment"
