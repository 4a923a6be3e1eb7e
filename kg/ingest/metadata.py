"""What a report says about itself: its market and forecast period, its publisher, report id and page URL.

Read from the title, the headings, the metadata lines and the opening paragraphs (a byline such as
"Published March 2025 by X" or "X · Report X-1 · February 2025"), and from the links the page holds.
"""

from __future__ import annotations

import re
from collections import Counter
from urllib.parse import urlparse

from .document import Document
from .found import State, is_place
from .model import DocumentInfo, Market
from .text import parse_period, plain

__all__ = ["market_and_info", "valid_url"]

_MARKET_NAME = re.compile(
    r"((?:[^\W_a-z][\w/-]*|&|and|of|for)(?:\s+(?:[^\W_a-z][\w/-]*|\([^\W_a-z][\w/-]*\)|&|and|of|for)){0,10}\s+(?:Market|MARKET))\b"
    # a publication named after a market ("Cell Market Weekly") is no market
    r"(?!\s+(?:Weekly|Daily|Monthly|News|Intelligence|Watch|Journal|Monitor|Today|Times|Wire|Update)\b)"
)
# "The sodium-ion battery market reached ...": a market named in running text, when no title or heading names one
_MARKET_IN_TEXT = re.compile(
    r"\b[Tt]he\s+(?:global\s+|worldwide\s+|world\s+)?(?P<words>(?:(?!the\b|overall\b|total\b|whole\b)[a-z][\w-]*\s+){1,5})market\b"
)


# a byline in the opening paragraphs: "Published March 2025 by Example Insights. Report code EMI-0425.",
# "By the editors of Cell Market Weekly",
# "..., according to a new study by Harbour Insight."
_PUBLISHED_BY = re.compile(
    r"(?:(?:\b(?i:published|released|issued|prepared|compiled|produced)\b[^.;]{0,80}?|\b(?i:study|report|survey|analysis)\s+)"
    r"\b(?i:by)|\b(?i:by\s+the\s+(?:editors|staff|team|analysts|research\s+team)\s+(?:of|at)))"
    r"\s+(?P<publisher>[^\W\d_a-z][\w&'-]*(?:\s+[^\W\d_a-z][\w&'-]*){0,5})"
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
            and not is_place(part)
        ]
        return (names[0] if names else None), code
    return None, None


def market_and_info(document: Document, state: State) -> tuple[Market, DocumentInfo]:
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
    if name is None:
        written = next((m for text in paragraphs if (m := _MARKET_IN_TEXT.search(plain(text[:1000])))), None)
        if written:
            name = " ".join(w[:1].upper() + w[1:] for w in written["words"].split()) + " Market"
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
