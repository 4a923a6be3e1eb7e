"""Read a report (HTML, Markdown, plain text or a text PDF) into a flat list of typed blocks.

A block is a heading, paragraph, list, table, metadata line ("Report ID: 4471")
or call to action ("Request a free sample"). Every format goes through one HTML
walker: Markdown is rendered with markdown-it-py, plain text is first given
Markdown structure (bare-line headings, bullets, column tables, hard wraps
joined), and a PDF's text layer is laid out as plain text from its fonts and
positions (``kg.ingest.pdf``). Calls to action are kept as blocks (their
links name the publisher and the report id) but no extractor reads them.

Limits, checked before any parsing: the file must be a regular file of at
most ``MAX_BYTES``; HTML nested deeper than ``MAX_DEPTH`` is read as plain
text from that depth on, with a warning.
"""

from __future__ import annotations

import itertools
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import yaml
from markdown_it import MarkdownIt
from selectolax.lexbor import LexborHTMLParser, LexborNode

from ..errors import IngestError

__all__ = [
    "MAX_BYTES",
    "MAX_COLSPAN",
    "MAX_DEPTH",
    "MAX_ROWSPAN",
    "OUTLINE_ENTRY",
    "Block",
    "Document",
    "Item",
    "parse_bytes",
    "parse_text",
    "read_document",
]

MAX_BYTES = 64 * 1024 * 1024  # a report is a few MB at most; more is a wrong file (or /dev/zero)
MAX_DEPTH = 200  # element nesting the walker follows; real pages stay well under 50

BlockKind = Literal["heading", "paragraph", "list", "table", "metadata", "cta"]
Format = Literal["html", "markdown", "text", "pdf"]

_INLINE = frozenset(
    [
        "a",
        "abbr",
        "b",
        "bdi",
        "bdo",
        "br",
        "cite",
        "code",
        "data",
        "dfn",
        "em",
        "font",
        "i",
        "img",
        "kbd",
        "label",
        "mark",
        "q",
        "s",
        "samp",
        "small",
        "span",
        "strong",
        "sub",
        "sup",
        "time",
        "u",
        "var",
        "wbr",
        "-text",
    ]
)
_SKIP = frozenset(
    [
        "script",
        "style",
        "noscript",
        "head",
        "template",
        "svg",
        "iframe",
        "object",
        "button",
        "select",
        "input",
        "form",
        "nav",
        "footer",
    ]
)
_BOLD = frozenset(("strong", "b"))
_PROMO = re.compile(
    r"\b(sample|purchase|buy (now|this)|inquir\w*|enquir\w*|pre-?order|request|download|discount|check more reports"
    r"|speak to|talk to|ask (an|our) analyst|customi[sz]ation|order now|subscribe|free report|add to cart|contact us)\b",
    re.I,
)
# A call to action starts with an imperative ("Request a free sample", "→ Download the PDF brochure").
_CTA_START = re.compile(
    r"^[\W_]*(?:request|get|download|buy|purchase|order|speak|talk|ask|contact|enquire|inquire|click|subscribe|call"
    r"|book|schedule|claim|grab|avail|view|read more|share|email|add to cart|need|want|looking for)\b",
    re.I,
)
_URL = re.compile(r"https?://[^\s<>\"')\]]+")
# Page furniture of catalog pages: "Report ID: 4471", "Pages: 180", "Base Year: 2024", "Format: PDF".
_METADATA_KEY = (
    r"(?:publisher|published(?: by| on| date)?|publication date|date of publication|release date"
    r"|report (?:id|code|no\.?|number|format|type|pages)|sku|pages|no\.? of pages|number of pages|format|file format"
    r"|base year|historical (?:data|period|years?)|forecast (?:period|years?)|study period|estimated year|category"
    r"|industry|author|analyst|last updated|updated(?: on)?|delivery|price|single[- ]user(?: license| price)?"
    r"|(?:single|multi|enterprise|corporate|global|site|team|multiple)[- ]?(?:user\s*)?licen[cs]e(?: price)?"
    r"|language|isbn|doi|status|edition|region(?:s)? covered|geographies covered|companies covered"
    r"|key (?:companies|players|vendors) covered|segments covered|units?|currency)"
)
_METADATA_LINE = re.compile(rf"^\W{{0,3}}(?P<key>{_METADATA_KEY})\s*(?:[:|#]|\s-\s)\s*(?P<value>\S.{{0,300}})$", re.I)
MAX_COLSPAN, MAX_ROWSPAN = 64, 1000  # a span beyond any real table's is taken as this many
_PUBLISHER_META = ", ".join(
    f'meta[{attribute}="{name}" i]'
    for attribute, name in [("property", "og:site_name"), ("name", "publisher"), ("name", "citation_publisher"),
                            ("name", "dc.publisher")]
)  # fmt: skip
_BINARY_MAGIC = {
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
    children: tuple[Item, ...] = ()


@dataclass(frozen=True)
class Block:
    """A heading, paragraph, list, table, metadata line or call to action, in document order.

    A paragraph that is nothing but bold text, or a short line ending in a
    colon, is a heading of level 7 (below every real heading). A metadata
    block has its ``key`` ("Report ID") and its value as ``text``; a table
    has its ``caption`` when the page gives one.
    """

    kind: BlockKind
    text: str = ""
    level: int = 0
    lead: str | None = None  # the bold text a paragraph starts with ("**BYD** is ...")
    items: tuple[Item, ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()
    key: str | None = None
    caption: str | None = None


@dataclass(frozen=True)
class Document:
    format: Format
    blocks: tuple[Block, ...]
    links: tuple[str, ...]
    warnings: tuple[str, ...]


def read_file(path: Path) -> bytes:
    """The bytes of a regular file of at most ``MAX_BYTES``; ``IngestError`` for anything else.

    Named pipes, devices and sockets are refused before they are opened: reading
    one would hang (a pipe without a writer) or never end (``/dev/zero``).
    """
    try:
        info = path.stat()
    except OSError as error:
        raise IngestError(f"{path}: cannot be read ({error.strerror or error})") from None
    if stat.S_ISDIR(info.st_mode):
        raise IngestError(f"{path}: is a directory, not a report file")
    if not stat.S_ISREG(info.st_mode):
        raise IngestError(f"{path}: not a regular file (a named pipe, device or socket); give a report file")
    if info.st_size > MAX_BYTES:
        raise IngestError(f"{path}: {info.st_size:,} bytes, more than the {MAX_BYTES:,} a report may have")
    try:
        # O_NONBLOCK: should the file be swapped for a pipe after the check, opening it still does not hang
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(descriptor, "rb") as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                raise IngestError(f"{path}: not a regular file (a named pipe, device or socket); give a report file")
            data = handle.read(MAX_BYTES + 1)
    except OSError as error:
        raise IngestError(f"{path}: cannot be read ({error.strerror or error})") from None
    if len(data) > MAX_BYTES:
        raise IngestError(f"{path}: more than the {MAX_BYTES:,} bytes a report may have")
    return data


def read_document(path: Path | str) -> tuple[Document, bytes]:
    """Read a file; raise ``IngestError`` when nothing at all can be read from it."""
    path = Path(path)
    data = read_file(path)
    return parse_bytes(data, str(path), path.suffix), data


def parse_bytes(data: bytes, name: str, suffix: str = "", content_type: str | None = None) -> Document:
    """Blocks of a document given as bytes; ``name`` (a path or URL) goes into every message."""
    if not data.strip():
        raise IngestError(f"{name}: the file is empty")
    if data.startswith(b"%PDF") or (content_type or "").startswith("application/pdf"):
        from .pdf import pdf_text  # pypdf is loaded only for PDFs

        text, pdf_warnings = pdf_text(data, name)
        document = parse_text(text, "text")
        return Document("pdf", document.blocks, document.links, (*pdf_warnings, *document.warnings))
    for magic, what in _BINARY_MAGIC.items():
        if data.startswith(magic):
            raise IngestError(f"{name}: looks like {what}, not an HTML, Markdown, text or PDF report")
    warnings: list[str] = []
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 with its byte-order mark (Windows "Unicode" text)
        try:
            data = data.decode("utf-16").encode("utf-8")
        except UnicodeDecodeError:
            raise IngestError(f"{name}: starts as UTF-16 text but cannot be decoded as UTF-16") from None
    sample = data[:4096]
    control = sum(1 for byte in sample if byte < 9 or 13 < byte < 32)
    if b"\x00" in sample or control > len(sample) * 0.1:
        raise IngestError(f"{name}: binary content (NUL or control bytes), not an HTML, Markdown or text report")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        text = data.decode("utf-8", errors="replace")
        warnings.append(f"{name}: not valid UTF-8 (first bad byte at offset {error.start}); undecodable bytes replaced")
    document = parse_text(text, _format_of(suffix, content_type, text))
    return Document(document.format, document.blocks, document.links, (*warnings, *document.warnings))


def _format_of(suffix: str, content_type: str | None, text: str) -> Format:
    suffix = suffix.lower()
    kind = (content_type or "").split(";")[0].strip().lower()
    if suffix in (".html", ".htm", ".xhtml") or kind in ("text/html", "application/xhtml+xml"):
        return "html"
    if suffix in (".md", ".markdown") or kind == "text/markdown":
        return "markdown"
    if re.search(r"<(html|body|p|div|h[1-6]|ul|table)\b", text[:5000], re.I):
        return "html"
    return "text"


def parse_text(text: str, fmt: str) -> Document:
    """Blocks of a document given as a string.

    >>> doc = parse_text("# Solid-State Battery Market\\n\\n**Players:**\\n\\n- QuantumScape\\n- Solid Power\\n", "markdown")
    >>> [(b.kind, b.text or [i.text for i in b.items]) for b in doc.blocks]
    [('heading', 'Solid-State Battery Market'), ('heading', 'Players:'), ('list', ['QuantumScape', 'Solid Power'])]
    >>> doc = parse_text("The market was valued at USD 1.2\\nbillion in 2024.\\n\\nReport ID: X-1\\n", "markdown")
    >>> [(b.kind, b.key, b.text) for b in doc.blocks]
    [('paragraph', None, 'The market was valued at USD 1.2 billion in 2024.'), ('metadata', 'Report ID', 'X-1')]
    """
    warnings: list[str] = []
    front: list[Block] = []
    fmt_name: Format = fmt if fmt in ("html", "markdown", "text", "pdf") else "text"  # type: ignore[assignment]
    if fmt == "html":
        html = text
        if not re.search(r"</(p|div|body|html|ul|table|h[1-6])\s*>", text, re.I):
            warnings.append("HTML without closing tags: the file may be truncated")
        elif not text.rstrip().endswith(">"):
            warnings.append("the HTML ends in the middle of an element or text: the file may be truncated")
    else:
        from .plaintext import simple_tables, text_as_markdown

        if fmt == "markdown":
            text, front = _front_matter(text)
        source = simple_tables(text) if fmt == "markdown" else text_as_markdown(text)
        html = MarkdownIt("commonmark").enable("table").render(source)
    tree = LexborHTMLParser(html)
    walker = _Walker()
    walker.blocks.extend(front)
    if tree.body is not None:
        walker.container(tree.body, 0)
    # the page's own statement of who publishes it, after whatever its text says
    for meta in tree.css(_PUBLISHER_META):
        if content := _clean(meta.attributes.get("content") or "").replace("\n", " "):
            walker.blocks.append(Block("metadata", content[:300], key="Publisher"))
            break
    if front and front[0].kind == "heading" and any(b.kind == "heading" and b.level == 1 for b in walker.blocks[1:]):
        walker.blocks.remove(front[0])  # the body gives the title itself
    if walker.too_deep:
        warnings.append(f"HTML nested deeper than {MAX_DEPTH} elements: the deeper part is read as plain text")
    if not any(b.kind not in ("cta", "metadata") for b in walker.blocks):
        warnings.append("no text found in the document")
    return Document(fmt_name, tuple(walker.blocks), tuple(walker.links), tuple(warnings))


def _front_matter(markdown: str) -> tuple[str, list[Block]]:
    """A Markdown file's YAML front matter as blocks (its title a heading, its publisher and other known keys
    metadata), and the text after it; a block that is not a mapping of YAML is left as text."""
    match = re.match(r"\A---[ \t]*\r?\n(.*?\r?\n)(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", markdown, re.S)
    try:
        fields = yaml.safe_load(match[1]) if match else None
    except yaml.YAMLError:
        fields = None
    if not isinstance(fields, dict):
        return markdown, []
    blocks: list[Block] = []
    for key, value in fields.items():
        if not isinstance(key, str) or isinstance(value, (dict, list)) or value is None:
            continue
        text = _clean(str(value)).replace("\n", " ")[:300]
        if key.lower() == "title":
            blocks.insert(0, Block("heading", text, level=1))
        elif _METADATA_LINE.match(f"{key}: {text}"):
            blocks.append(Block("metadata", text, key=_key(key)))
    return markdown[match.end() :] if match else markdown, blocks


def _clean(text: str) -> str:
    text = text.replace("\xa0", " ").replace("\u200b", "").replace("\u00ad", "")
    lines = [re.sub(r"[ \t\r\f\v]+", " ", line).strip() for line in text.split("\n")]
    return "\n".join(line for line in lines if line)


_LABEL_START = re.compile(r"^[A-Z0-9][\w &/().,'-]{0,50}?\s*:\s+\S")
# "4.1 Aviation": an entry of a numbered outline (a table of contents), never a year ("2024 Europe")
OUTLINE_ENTRY = re.compile(r"^(?P<number>\d{1,2}(?:\.\d{1,2})*)\.?\s+(?P<title>[^\W\d_a-z].*)$")
_BULLET_LINE = re.compile(r"^\s*(?:[•●▪◦‣]|[-*+–](?=\s))\s*")
# a line that cannot end a sentence or a name: "Players such as" + "Zenaji"
_CUT_AFTER = re.compile(
    r"\b(?:a|an|the|of|by|as|and|or|to|in|on|for|with|at|from|include|includes|including|like|than|per|is|are|was"
    r"|were|reach|reached|valued)\s*$|[,(]\s*$",
    re.I,
)
_LINE_END = re.compile(r"[.!?:;]\s*$")


def join_wraps(text: str, breaks_written: bool = False) -> str:
    """Lines of a paragraph joined where a line was only wrapped; "Label: value" lines stay lines.

    A line starting "Label:" stays a line of its own after a line that is complete
    (a sentence end or another label line); after a line cut in the middle it is a
    wrap ("... led by North" + "America: 38%"). With ``breaks_written`` (an HTML
    ``<br>``), every line stays one unless the break cuts a sentence: the next line
    starts in lower case, or the line before ends in a word such as "of" or "as".

    >>> join_wraps("The market in\\nEurope grew.")
    'The market in Europe grew.'
    >>> join_wraps("Europe: Germany, France\\nAsia-Pacific: China, Japan")
    'Europe: Germany, France\\nAsia-Pacific: China, Japan'
    >>> join_wraps("Shares were led by North\\nAmerica: 38% of revenue.")
    'Shares were led by North America: 38% of revenue.'
    >>> join_wraps("5 Market, by Application\\n5.1 Aviation\\n5.2 Automotive")
    '5 Market, by Application\\n5.1 Aviation\\n5.2 Automotive'
    >>> join_wraps("Toshiba\\nLeclanché\\nPlayers such as\\nZenaji grew\\nby 4%.", breaks_written=True)
    'Toshiba\\nLeclanché\\nPlayers such as Zenaji grew by 4%.'
    """
    lines = [line for line in text.split("\n") if line.strip()]
    if not lines:
        return ""
    out = [lines[0]]
    label_run = bool(_LABEL_START.match(lines[0]))
    for previous, line in itertools.pairwise(lines):
        if OUTLINE_ENTRY.match(line) and (OUTLINE_ENTRY.match(previous) or _LINE_END.search(out[-1])):
            out.append(line)  # the next entry of an outline
            label_run = False
            continue
        if _LABEL_START.match(line) and (label_run or _LINE_END.search(out[-1])):
            out.append(line)
            label_run = True
            continue
        if _BULLET_LINE.match(line) or (breaks_written and not line[:1].islower() and not _CUT_AFTER.search(out[-1])):
            out.append(line)
            label_run = False
            continue
        # a hyphen at a wrap joins the word halves only when the next half starts in lower case
        if out[-1].endswith("-") and line[:1].islower() and not out[-1].endswith(" -"):
            out[-1] = out[-1][:-1] + line
        else:
            out[-1] = f"{out[-1]} {line}"
    return "\n".join(out)


class _Walker:
    """Blocks from a parsed HTML tree; follows nesting up to ``MAX_DEPTH`` and reads deeper parts as text."""

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.links: list[str] = []
        self.too_deep = False
        self.caption: str | None = None

    def container(self, node: LexborNode, depth: int) -> None:
        if depth > MAX_DEPTH:
            self.too_deep = True
            self.plain(node)
            return
        self.nodes(list(node.iter(include_text=True)), depth + 1)

    def plain(self, node: LexborNode) -> None:
        """A subtree too deep to walk: its text, one paragraph per line (lexbor collects it without recursion)."""
        text = _clean(node.text(separator="\n") or "")
        for line in text.split("\n")[:10000]:
            self.add_paragraph(line[:20000], None)

    def nodes(self, children: list[LexborNode], depth: int) -> None:
        inline: list[LexborNode] = []
        for child in children:
            tag = child.tag
            if tag in _INLINE:
                inline.append(child)
                continue
            self.paragraph(inline, depth)
            inline = []
            if tag in _SKIP or tag == "-comment":
                continue
            if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
                # an unclosed heading swallows the blocks after it: only its leading inline text is the heading
                parts = list(child.iter(include_text=True))
                cut = next((i for i, part in enumerate(parts) if part.tag not in _INLINE), len(parts))
                text = _clean(self.inline_text(parts[:cut], depth)).replace("\n", " ")
                if text:
                    if self.promotional(text, parts[:cut]):
                        self.blocks.append(Block("cta", text))
                    else:
                        self.blocks.append(Block("heading", text, level=int(tag[1])))
                self.nodes(parts[cut:], depth + 1)
            elif tag in ("ul", "ol"):
                items = self.list_items(child, depth)
                if items:
                    self.blocks.append(Block("list", items=items))
            elif tag == "table":
                self.table(child, depth)
            elif tag == "dl":
                self.definitions(child)
            elif tag == "caption":
                continue
            else:
                self.container(child, depth)
        self.paragraph(inline, depth)

    def paragraph(self, nodes: list[LexborNode], depth: int) -> None:
        text = _clean(self.inline_text(nodes, depth))
        if not text:
            return
        if self.promotional(text, nodes):
            self.blocks.append(Block("cta", text.replace("\n", " ")))
            return
        bold = [n for n in nodes if n.tag in _BOLD]
        bold_text = _clean(self.inline_text(bold, depth))
        first = next((n for n in nodes if n.tag != "-text" or (n.text_content or "").strip()), None)
        lead = _clean(self.inline_text([first], depth)) if first is not None and first.tag in _BOLD else None
        self.add_paragraph(
            text,
            lead or None,
            whole_bold=bool(bold_text) and bold_text == text,
            breaks_written=any(n.tag == "br" for n in nodes),
        )

    def add_paragraph(
        self, text: str, lead: str | None, whole_bold: bool = False, breaks_written: bool = False
    ) -> None:
        text = join_wraps(text, breaks_written)
        # "Report Code: SE 3457Published: Feb 2024": metadata from inline elements written without a space between
        text = re.sub(
            r"(?<=[\w)])(?=(?:Published|Publisher|Report (?:ID|Code)|Pages|Format|Base Year|Forecast Period)\s*:)",
            "\n",
            text,
        )
        # "Report ID: EN 4471 | Published: March 2025 | Publisher: X": fields in one line, between separators
        text = re.sub(rf"\s+[|·•]\s+(?={_METADATA_KEY}\s*:)", "\n", text, flags=re.I)
        lines = text.split("\n")
        metadata = [_METADATA_LINE.match(line) for line in lines]
        if any(metadata):
            # metadata lines become blocks of their own; the other lines stay paragraphs between them
            rest: list[str] = []
            for line, match in zip(lines, metadata, strict=True):
                if match:
                    if rest:
                        self.add_paragraph("\n".join(rest), lead, breaks_written=breaks_written)
                        rest, lead = [], None
                    self.blocks.append(Block("metadata", match["value"].strip(), key=_key(match["key"])))
                else:
                    rest.append(line)
            if rest:
                self.add_paragraph("\n".join(rest), lead, breaks_written=breaks_written)
            return
        if _is_cta(text):
            self.blocks.append(Block("cta", text.replace("\n", " ")))
            return
        if re.match(r"^(?:table|exhibit|figure|fig\.|chart)\s*[\dIVX]*[.:\s]", text, re.I) and len(text) <= 250:
            self.caption = text  # the caption of the next table, when a table follows
            self.blocks.append(Block("paragraph", text, lead=lead))
            return
        if whole_bold and len(text) <= 200:
            self.blocks.append(Block("heading", text.replace("\n", " "), level=7))
            return
        if text.endswith(":") and len(text.split()) <= 12 and "\n" not in text:
            self.blocks.append(Block("heading", text, level=7))
            return
        bulleted = [line for line in lines if _BULLET_LINE.match(line)]
        if len(bulleted) >= 2 and lines[len(lines) - len(bulleted) :] == bulleted:
            # "... is segmented into:<br>• A<br>• B": an introduction, then a list
            intro = "\n".join(lines[: len(lines) - len(bulleted)])
            if intro.endswith(":") and "\n" not in intro:
                self.blocks.append(Block("heading", intro, level=7))
            elif intro:
                self.add_paragraph(intro, lead)
            self.blocks.append(Block("list", items=tuple(Item(_BULLET_LINE.sub("", line)) for line in bulleted)))
            return
        self.blocks.append(Block("paragraph", text, lead=lead))

    def promotional(self, text: str, nodes: list[LexborNode]) -> bool:
        """Calls to buy or ask with a link; a paragraph that is only a link. Their links are kept."""
        hrefs = [a.attributes.get("href") or "" for n in nodes for a in ([n] if n.tag == "a" else n.css("a"))]
        hrefs += _URL.findall(text[:100000])
        self.links.extend(h for h in hrefs if h)
        without_urls = _URL.sub("", text).strip(" :")
        if hrefs and not without_urls:
            return True
        return bool(hrefs) and bool(_PROMO.search(without_urls)) and len(without_urls.split()) <= 25

    def inline_text(self, nodes: list[LexborNode], depth: int) -> str:
        parts: list[str] = []
        for node in nodes:
            if node.tag == "-text":
                parts.append(node.text_content or "")
            elif node.tag == "br":
                parts.append("\n")
            elif node.tag in _SKIP:
                continue
            elif depth > MAX_DEPTH:
                self.too_deep = True
                parts.append(node.text(separator=" ") or "")
            else:
                text = self.inline_text(list(node.iter(include_text=True)), depth + 1)
                if parts and re.search(r"[\w%).]$", parts[-1]) and text[:1].isupper() and nodes[0] is not node:
                    # "<span>USD 27.4B</span><span>Market size, 2024</span>": two labels set side by side, not
                    # one word ("<b>CATL</b>'s" and "<sup>2</sup>" start otherwise)
                    parts.append(" ")
                parts.append(text)
        return "".join(parts)

    def list_items(self, node: LexborNode, depth: int) -> tuple[Item, ...]:
        if depth > MAX_DEPTH:
            self.too_deep = True
            return tuple(Item(line) for line in _clean(node.text(separator="\n") or "").split("\n")[:10000] if line)
        items = []
        for li in node.iter():
            if li.tag != "li":
                continue
            inline = [c for c in li.iter(include_text=True) if c.tag in _INLINE]
            nested = [c for c in li.iter() if c.tag in ("ul", "ol")]
            # markdown-it wraps loose list items in <p>
            inline += [g for c in li.iter() if c.tag == "p" for g in c.iter(include_text=True)]
            text = _clean(self.inline_text(inline, depth + 1)).replace("\n", " ")
            if _is_cta(text) or (text and self.promotional(text, inline)):
                continue
            children = tuple(item for sub in nested for item in self.list_items(sub, depth + 2))
            if text or children:
                items.append(Item(text, children))
        return tuple(items)

    def definitions(self, node: LexborNode) -> None:
        """A definition list ("<dt>Publisher</dt><dd>Acme</dd>") as "Publisher: Acme" lines, read as any such line."""
        term = None
        for child in node.css("dt, dd"):
            text = _clean(child.text(separator=" ")).replace("\n", " ")
            if child.tag == "dt":
                term = text
            elif text:
                self.add_paragraph(f"{term}: {text}" if term else text, None)

    def table(self, node: LexborNode, depth: int) -> None:
        caption_node = node.css_first("caption")
        caption = _clean(caption_node.text(separator=" ")) if caption_node is not None else None
        grid: list[tuple[str, ...]] = []
        headers = 0  # leading rows of header cells only
        carried: dict[int, tuple[str, int]] = {}  # column -> (text, rows still spanned) of a cell with rowspan
        for tr in node.css("tr"):
            cells = [c for c in tr.iter() if c.tag in ("td", "th")]
            row: list[str] = []
            for cell in cells:
                _carry_down(row, carried)
                text = _clean(self.inline_text([cell], depth + 1)).replace("\n", " ")
                down = _span(cell, "rowspan", MAX_ROWSPAN)
                for _ in range(_span(cell, "colspan", MAX_COLSPAN)):
                    if down > 1:
                        carried[len(row)] = (text, down - 1)
                    row.append(text)
            _carry_down(row, carried)
            if any(row):
                if headers == len(grid) and cells and all(c.tag == "th" for c in cells):
                    headers += 1
                grid.append(tuple(row))
        rows = [_merged_header(grid[:headers]), *grid[headers:]] if headers > 1 else grid
        previous = self.blocks[-1] if self.blocks else None
        if not caption and previous is not None and previous.kind == "paragraph" and previous.text == self.caption:
            caption = self.caption
        elif not caption and previous is not None and previous.kind == "heading":
            caption = previous.text  # "Market Size by Country, 2024" right above the table titles it
        if rows:
            self.blocks.append(Block("table", rows=tuple(rows), caption=caption or None))
        self.caption = None


def _carry_down(row: list[str], carried: dict[int, tuple[str, int]]) -> None:
    """The cells of rows above that span down into ``row`` at the column it has reached."""
    while len(row) in carried:
        text, left = carried.pop(len(row))
        row.append(text)
        if left > 1:
            carried[len(row) - 1] = (text, left - 1)


def _span(cell: LexborNode, attribute: str, limit: int) -> int:
    """A cell's colspan or rowspan as a number of columns or rows: 1 when absent or not a number."""
    value = (cell.attributes.get(attribute) or "").strip()
    return min(int(value), limit) if value.isdigit() and int(value) > 0 else 1


def _merged_header(rows: list[tuple[str, ...]]) -> tuple[str, ...]:
    """Header rows as one: "Revenue (USD billion)" spanning "2024" and "2034" gives "Revenue (USD billion) 2024"
    and "Revenue (USD billion) 2034"; a cell spanning every header row is written once."""
    width = max(len(row) for row in rows)
    return tuple(" ".join(dict.fromkeys(row[i] for row in rows if i < len(row) and row[i])) for i in range(width))


def _key(key: str) -> str:
    return " ".join(word if word.isupper() else word.capitalize() for word in key.split())


def _is_cta(text: str) -> bool:
    """A short imperative line asking to buy, download or get in touch ("Request a free sample PDF")."""
    words = text.split()
    return len(words) <= 16 and bool(_CTA_START.match(text)) and bool(_PROMO.search(text) or "?" in text[-2:])
