"""A text PDF's text layer as plain text that keeps its structure, read with pypdf.

Each piece of text comes with its font size and position. Lines are rebuilt
from the positions; a line set in a larger (or bold) font than the body is a
heading; a gap wider than a line means a new paragraph; pieces of one line far
apart from each other are table cells. Page numbers and running headers (lines
repeated on most pages) are dropped. A PDF without a text layer (a scan) is
refused with one line: its text would need OCR.
"""

from __future__ import annotations

import io
import logging
import re
from collections import Counter
from dataclasses import dataclass

from ..errors import IngestError

__all__ = ["MAX_PAGES", "pdf_text"]

MAX_PAGES = 500
_LABEL = re.compile(r"^[A-Z][\w &/().,'-]{0,40}?:\s+\S")


@dataclass
class _Piece:
    x: float
    y: float
    size: float
    bold: bool
    text: str


@dataclass
class _Line:
    y: float
    size: float
    bold: bool
    cells: list[str]
    x: float  # where the last piece starts
    last: str  # the text from that piece on


def pdf_text(data: bytes, name: str) -> tuple[str, list[str]]:
    """The text of a PDF laid out as plain text, and warnings; ``IngestError`` when it has no text to read."""
    try:
        from pypdf import PdfReader
        from pypdf.errors import PyPdfError
    except ImportError:  # pragma: no cover - pypdf is a dependency
        raise IngestError(f"{name}: a PDF, and pypdf is not installed to read it") from None
    logging.getLogger("pypdf").setLevel(logging.ERROR)  # pypdf logs every repaired cross-reference table
    warnings: list[str] = []
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise IngestError(f"{name}: an encrypted PDF; give a PDF that opens without a password")
        pages = list(reader.pages)
        if len(pages) > MAX_PAGES:
            warnings.append(f"{name}: {len(pages)} pages; only the first {MAX_PAGES} are read")
        page_lines = [_page_lines(page) for page in pages[:MAX_PAGES]]
    except IngestError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError, OSError) as error:
        raise IngestError(
            f"{name}: a damaged PDF that cannot be read ({type(error).__name__}: {error})"[:300]
        ) from None
    if not any(line.cells for lines in page_lines for line in lines):
        raise IngestError(
            f"{name}: a PDF without a text layer (a scanned or image-only PDF); it needs OCR before it can be ingested"
        )
    return _layout(page_lines), warnings


def _page_lines(page) -> list[_Line]:
    pieces: list[_Piece] = []

    def visit(text, cm, tm, font, size):  # pypdf's visitor signature
        if not text or not text.strip():
            return
        scale = abs(tm[3] * cm[3]) or abs(tm[0] * cm[0]) or 1.0
        x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        base = str((font or {}).get("/BaseFont", ""))
        bold = bool(re.search(r"bold|black|heavy|semibold", base, re.I))
        for part in text.split("\n"):
            if part.strip():
                pieces.append(_Piece(x, y, round(size * scale, 1), bold, part))

    page.extract_text(visitor_text=visit)
    lines: list[_Line] = []
    for piece in sorted(pieces, key=lambda p: (-round(p.y), p.x)):
        line = lines[-1] if lines else None
        if line is not None and abs(line.y - piece.y) <= max(2.0, piece.size * 0.3):
            # pypdf gives no piece widths: a jump in x well past the end of the text so far starts a new cell
            end_gap = piece.x - line.x
            if end_gap > piece.size * (0.55 * len(line.last) + 1.5):
                line.cells.append(piece.text.strip())
                line.last = piece.text.strip()
            else:
                line.cells[-1] = _join(line.cells[-1], piece.text)
                line.last = f"{line.last} {piece.text.strip()}"
            line.x = piece.x
        else:
            lines.append(_Line(piece.y, piece.size, piece.bold, [piece.text.strip()], piece.x, piece.text.strip()))
    return lines


def _join(left: str, right: str) -> str:
    if left.endswith(" ") or right.startswith(" ") or not left:
        return (left + right).strip()
    return f"{left} {right.strip()}" if left[-1].isalnum() and right[:1].isalnum() and len(right) > 1 else left + right


def _layout(pages: list[list[_Line]]) -> str:
    texts = Counter(" ".join(line.cells) for lines in pages for line in {id(x): x for x in lines}.values())
    repeated = {text for text, count in texts.items() if len(pages) >= 3 and count >= len(pages) * 0.6}
    sizes = Counter(line.size for lines in pages for line in lines for _ in range(len(" ".join(line.cells))))
    body = sizes.most_common(1)[0][0] if sizes else 10.0
    out: list[str] = []
    for lines in pages:
        previous: _Line | None = None
        edges = {id(lines[0]), id(lines[-1])} if lines else set()
        for line in lines:
            text = " ".join(line.cells)
            if id(line) in edges and line.size < body * 0.95 and len(text) <= 120:
                continue  # a running header or footer in a small font at the top or bottom of a page
            if text in repeated or re.fullmatch(r"(?:page\s*)?\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?", text, re.I):
                continue
            gap = (previous.y - line.y) if previous is not None else 0.0
            heading = (line.size >= body * 1.15 or (line.bold and len(text.split()) <= 12)) and len(line.cells) == 1
            row = len(line.cells) > 1
            was_row = previous is not None and len(previous.cells) > 1
            new_block = (
                previous is None
                or heading
                or row != was_row
                or (not row and (gap > max(line.size, previous.size) * 1.7 or previous.size != line.size))
                or bool(re.match(r"^(?:[•●▪◦‣■–-]|\d{1,2}[.)])\s", text))
            )
            if heading:
                marks = "##" if line.size >= body * 1.4 else "###"
                out.extend(("", f"{marks} {text}" if not text.endswith(":") else f"**{text}**", ""))
            elif row:
                out.extend(([""] if new_block else []) + [" | ".join(cell.replace("|", "/") for cell in line.cells)])
            elif new_block or not out or previous is None or len(previous.cells) > 1:
                out.extend(("", text))
            elif _LABEL.match(text) and (_LABEL.match(out[-1]) or re.search(r"[.!?:]$", out[-1])):
                out.append(text)  # "Report ID: ZA-2291" under "Publisher: ...": a line of its own
            else:
                out[-1] = _join_wrapped(out[-1], text)
            previous = line if not heading else None
        out.append("")
    return "\n".join(out)


def _join_wrapped(left: str, right: str) -> str:
    """A paragraph's next line: "lithium-" + "ion" is "lithium-ion", "power-" + "tools" stays two words."""
    if left.endswith("-") and right[:1].islower():
        return left + right
    return f"{left} {right}"
