"""Read a report file (HTML, Markdown or plain text) into a flat list of blocks.

Every format goes through one HTML walker: Markdown and plain text are first
rendered to HTML with markdown-it-py. Promotional paragraphs ("Get a Sample
PDF", "Purchase this Report") are dropped; their links are kept because they
name the publisher and the report id.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from markdown_it import MarkdownIt
from selectolax.lexbor import LexborHTMLParser, LexborNode

from ..errors import IngestError

__all__ = ["Block", "Item", "Document", "read_document", "parse_text"]

_INLINE = frozenset(
    "a abbr b bdi bdo br cite code data dfn em font i img kbd label mark q s samp small span strong sub sup time u var wbr -text".split()
)
_SKIP = frozenset("script style noscript head template svg iframe object button select input form nav footer".split())
_BOLD = frozenset(("strong", "b"))
_PROMO = re.compile(
    r"\b(sample|purchase|buy (now|this)|inquir\w*|enquir\w*|pre-?order|request|download|discount|check more reports"
    r"|speak to|talk to|ask (an|our) analyst|customi[sz]ation|order now|subscribe|free report)\b",
    re.I,
)
_URL = re.compile(r"https?://[^\s<>\"')\]]+")
_BINARY_MAGIC = {
    b"%PDF": "a PDF file",
    b"PK\x03\x04": "a ZIP archive (or DOCX/XLSX)",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"\x1f\x8b": "a gzip archive",
    b"\xd0\xcf\x11\xe0": "an old Office document",
}


@dataclass(frozen=True)
class Item:
    """A list item, with the items of a list nested under it."""

    text: str
    children: tuple["Item", ...] = ()


@dataclass(frozen=True)
class Block:
    """A heading, paragraph, list or table, in document order.

    A paragraph that is nothing but bold text, or a short line ending in a
    colon, is a heading of level 7 (below every real heading).
    """

    kind: str  # heading | paragraph | list | table
    text: str = ""
    level: int = 0
    lead: str | None = None  # the bold text a paragraph starts with ("**BYD** is ...")
    items: tuple[Item, ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()


@dataclass(frozen=True)
class Document:
    format: str  # html | markdown | text
    blocks: tuple[Block, ...]
    links: tuple[str, ...]
    warnings: tuple[str, ...]


def read_document(path: Path | str) -> tuple[Document, bytes]:
    """Read a file; raise ``IngestError`` when nothing at all can be read from it."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except IsADirectoryError:
        raise IngestError(f"{path}: is a directory, not a report file") from None
    except OSError as error:
        raise IngestError(f"{path}: cannot be read ({error.strerror or error})") from None
    if not data.strip():
        raise IngestError(f"{path}: the file is empty")
    for magic, what in _BINARY_MAGIC.items():
        if data.startswith(magic):
            raise IngestError(f"{path}: looks like {what}, not an HTML, Markdown or text report")
    warnings: list[str] = []
    sample = data[:4096]
    control = sum(1 for byte in sample if byte < 9 or 13 < byte < 32)
    if b"\x00" in sample or control > len(sample) * 0.1:
        raise IngestError(f"{path}: binary content (NUL or control bytes), not an HTML, Markdown or text report")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        text = data.decode("utf-8", errors="replace")
        warnings.append(f"{path}: not valid UTF-8 (first bad byte at offset {error.start}); undecodable bytes replaced")
    document = parse_text(text, _format_of(path, text))
    return Document(document.format, document.blocks, document.links, (*warnings, *document.warnings)), data


def _format_of(path: Path, text: str) -> str:
    suffix = path.suffix.lower()
    if suffix in (".html", ".htm", ".xhtml"):
        return "html"
    if suffix in (".md", ".markdown"):
        return "markdown"
    if re.search(r"<(html|body|p|div|h[1-6]|ul|table)\b", text[:5000], re.I):
        return "html"
    return "text"


def parse_text(text: str, fmt: str) -> Document:
    """Blocks of a document given as a string.

    >>> doc = parse_text("# Solid-State Battery Market\\n\\n**Players:**\\n\\n- QuantumScape\\n- Solid Power\\n", "markdown")
    >>> [(b.kind, b.text or [i.text for i in b.items]) for b in doc.blocks]
    [('heading', 'Solid-State Battery Market'), ('heading', 'Players:'), ('list', ['QuantumScape', 'Solid Power'])]
    """
    warnings: list[str] = []
    if fmt == "html":
        html = text
        if not re.search(r"</(p|div|body|html|ul|table|h[1-6])\s*>", text, re.I):
            warnings.append("HTML without closing tags: the file may be truncated")
        elif not text.rstrip().endswith(">"):
            warnings.append("the HTML ends in the middle of an element or text: the file may be truncated")
    else:
        source = text if fmt == "markdown" else _text_as_markdown(text)
        html = MarkdownIt("commonmark", {"breaks": True}).enable("table").render(source)
    tree = LexborHTMLParser(html)
    walker = _Walker()
    if tree.body is not None:
        walker.container(tree.body)
    if not walker.blocks:
        warnings.append("no text found in the document")
    return Document(fmt, tuple(walker.blocks), tuple(walker.links), tuple(warnings))


def _text_as_markdown(text: str) -> str:
    """Plain text: each line is its own paragraph unless it is a bullet; '•' bullets become '-'."""
    lines = []
    for line in text.splitlines():
        line = re.sub(r"^(\s*)[•●▪◦‣]\s*", r"\1- ", line)
        is_item = re.match(r"\s*([-*+]|\d+[.)])\s+", line)
        words = line.split()
        # a short line in capitals ("COMPETITIVE LANDSCAPE") is a heading in plain-text reports
        if not is_item and 1 <= len(words) <= 10 and line.upper() == line and re.search(r"[A-Z]{3}", line):
            line = "## " + line.strip()
        lines.append(line if is_item else line.strip() + "\n")
    return "\n".join(lines)


def _clean(text: str) -> str:
    text = text.replace("\xa0", " ").replace("\u200b", "")
    lines = [re.sub(r"[ \t\r\f\v]+", " ", line).strip() for line in text.split("\n")]
    return "\n".join(line for line in lines if line)


class _Walker:
    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.links: list[str] = []

    def container(self, node: LexborNode) -> None:
        self.nodes(list(node.iter(include_text=True)))

    def nodes(self, children: list[LexborNode]) -> None:
        inline: list[LexborNode] = []
        for child in children:
            tag = child.tag
            if tag in _INLINE:
                inline.append(child)
                continue
            self.paragraph(inline)
            inline = []
            if tag in _SKIP or tag == "-comment":
                continue
            if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
                # an unclosed heading swallows the blocks after it: only its leading inline text is the heading
                parts = list(child.iter(include_text=True))
                cut = next((i for i, part in enumerate(parts) if part.tag not in _INLINE), len(parts))
                text = _clean(self.inline_text(parts[:cut]))
                if text and not self.promotional(text, parts[:cut]):
                    self.blocks.append(Block("heading", text, level=int(tag[1])))
                self.nodes(parts[cut:])
            elif tag in ("ul", "ol"):
                items = self.list_items(child)
                if items:
                    self.blocks.append(Block("list", items=items))
            elif tag == "table":
                rows = self.table_rows(child)
                if rows:
                    self.blocks.append(Block("table", rows=rows))
            else:
                self.container(child)
        self.paragraph(inline)

    def paragraph(self, nodes: list[LexborNode]) -> None:
        text = _clean(self.inline_text(nodes))
        if not text or self.promotional(text, nodes):
            return
        bold = [n for n in nodes if n.tag in _BOLD]
        bold_text = _clean(self.inline_text(bold))
        if bold_text and bold_text == text:
            self.blocks.append(Block("heading", text, level=7))
            return
        if text.endswith(":") and len(text.split()) <= 12 and "\n" not in text:
            self.blocks.append(Block("heading", text, level=7))
            return
        first = next((n for n in nodes if n.tag != "-text" or (n.text_content or "").strip()), None)
        lead = _clean(self.inline_text([first])) if first is not None and first.tag in _BOLD else None
        self.blocks.append(Block("paragraph", text, lead=lead or None))

    def promotional(self, text: str, nodes: list[LexborNode]) -> bool:
        """Calls to buy or ask; a paragraph that is only a link. Their links are kept."""
        hrefs = [a.attributes.get("href") or "" for n in nodes for a in ([n] if n.tag == "a" else n.css("a"))]
        hrefs += _URL.findall(text)
        self.links.extend(h for h in hrefs if h)
        without_urls = _URL.sub("", text).strip(" :")
        if hrefs and not without_urls:
            return True
        return bool(hrefs) and bool(_PROMO.search(without_urls)) and len(without_urls.split()) <= 25

    def inline_text(self, nodes: list[LexborNode]) -> str:
        parts: list[str] = []
        for node in nodes:
            if node.tag == "-text":
                parts.append(node.text_content or "")
            elif node.tag == "br":
                parts.append("\n")
            elif node.tag in _SKIP:
                continue
            else:
                parts.append(self.inline_text(list(node.iter(include_text=True))))
        return "".join(parts)

    def list_items(self, node: LexborNode) -> tuple[Item, ...]:
        items = []
        for li in node.iter():
            if li.tag != "li":
                continue
            inline = [c for c in li.iter(include_text=True) if c.tag in _INLINE]
            nested = [c for c in li.iter() if c.tag in ("ul", "ol")]
            # markdown-it wraps loose list items in <p>
            inline += [g for c in li.iter() if c.tag == "p" for g in c.iter(include_text=True)]
            text = _clean(self.inline_text(inline)).replace("\n", " ")
            children = tuple(item for sub in nested for item in self.list_items(sub))
            if text or children:
                items.append(Item(text, children))
        return tuple(items)

    def table_rows(self, node: LexborNode) -> tuple[tuple[str, ...], ...]:
        rows = []
        for tr in node.css("tr"):
            cells = tuple(_clean(self.inline_text([c])).replace("\n", " ") for c in tr.iter() if c.tag in ("td", "th"))
            if any(cells):
                rows.append(cells)
        return tuple(rows)
