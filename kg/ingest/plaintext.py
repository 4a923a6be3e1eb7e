"""Plain text (and a PDF's text layer) given Markdown structure, so that one walker reads every format.

Plain-text reports mark structure by layout only: bare-line headings (in
capitals, numbered "2.1 Regional Analysis", or short title-case lines standing
alone), "•", "-", "*" or numbered bullets, "Label: value" lines, columns of
a table separated by tabs, runs of spaces or "|", and sentences hard-wrapped
at a fixed width. Each is rewritten in its Markdown form; a wrapped sentence
becomes one line again.
"""

from __future__ import annotations

import re
from collections import Counter

__all__ = ["simple_tables", "text_as_markdown"]

_BULLET = re.compile(
    r"^(?P<indent>\s*)(?:[•●▪◦‣○■□➢►▸–-]|\*(?!\*)|\+|(?P<number>\d{1,2}[.)]|[a-z][.)]|\(\w{1,3}\)))\s+(?P<text>\S.*)$"
)
_NUMBERED_HEADING = re.compile(
    r"^(?:(?:chapter|section|part)\s+)?\d{1,2}(?:\.\d{1,2}){0,3}\.?\s+(?P<text>[A-Z].{1,80})$", re.I
)
_UNDERLINE = re.compile(r"^\s*(?:={3,}|-{3,}|_{3,}|\*{3,})\s*$")
_SMALL_WORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "as",
        "at",
        "by",
        "for",
        "from",
        "in",
        "of",
        "on",
        "or",
        "the",
        "to",
        "vs",
        "with",
        "&",
        "-",
        "–",
        "—",
    ]
)
_SENTENCE_END = re.compile(r"[.!?;,]\s*$")
_LABEL = re.compile(r"^[A-Z][\w &/().,'-]{0,50}?\s*:\s+\S")
_COLUMNS = re.compile(r"\t+|\s{3,}|\s+\|\s+")


def text_as_markdown(text: str) -> str:
    """Markdown for a plain-text report.

    >>> print(text_as_markdown("MARKET OVERVIEW\\n\\nThe market grew fast in 2024\\nand will keep growing.\\n\\nKey Players\\n• CATL\\n• BYD\\n"))
    ## MARKET OVERVIEW
    <BLANKLINE>
    The market grew fast in 2024 and will keep growing.
    <BLANKLINE>
    ### Key Players
    <BLANKLINE>
    - CATL
    - BYD
    <BLANKLINE>
    """
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    width = _wrap_width(lines)
    out: list[str] = []
    paragraph: list[str] = []
    table: list[list[str]] = []

    def flush() -> None:
        if (paragraph or table) and out and out[-1] != "":
            out.append("")  # a paragraph right after a list item would continue it in Markdown
        if paragraph:
            out.extend((" ".join(paragraph), ""))
            paragraph.clear()
        if table:
            out.extend(_pipe_table(table))
            out.append("")
            table.clear()

    next_text = [""] * (len(lines) + 1)  # the next non-blank line after each line
    for index in range(len(lines) - 1, -1, -1):
        next_text[index] = (
            lines[index + 1].strip() if index + 1 < len(lines) and lines[index + 1].strip() else next_text[index + 1]
        )
    for index, raw in enumerate(lines):
        line = raw.strip()
        previous = lines[index - 1].strip() if index else ""
        following = lines[index + 1].strip() if index + 1 < len(lines) else ""
        if not line:
            flush()
            continue
        if _UNDERLINE.match(line):
            continue  # read with the line above it
        if _UNDERLINE.match(following) and len(line.split()) <= 12:
            flush()
            out.extend((f"{'##' if following.lstrip()[0] == '=' else '###'} {_escape(line)}", ""))
            continue
        cells = _cells(raw)
        if cells is not None and (table or _cells(lines[index + 1] if index + 1 < len(lines) else "") is not None):
            if paragraph:
                flush()
            if not (table and all(re.fullmatch(r"[-=:| +]+", c) for c in cells)):
                table.append(cells)
            continue
        if table:
            flush()
        if re.match(r"^#{1,6}\s+\S", line):  # a heading already marked (the PDF reader marks them so)
            flush()
            out.extend((line, ""))
            continue
        bullet = _BULLET.match(raw)
        in_list = bool(out) and out[-1].lstrip().startswith("- ") and bool(previous)
        heading = None if in_list else _heading(line, previous, next_text[index], bool(paragraph), bool(bullet))
        if heading:
            flush()
            out.extend((heading, ""))
            continue
        if bullet and (not _NUMBERED_HEADING.match(line) or _BULLET.match(following or "") or in_list):
            flush()
            indent = "  " * min(len(bullet["indent"].expandtabs(4)) // 2, 3)
            out.append(f"{indent}- {_escape_start(bullet['text'])}")
            continue
        if out and out[-1].lstrip().startswith("- ") and not paragraph and raw[:1].isspace():
            out[-1] = f"{out[-1]} {line}"  # an indented continuation of a wrapped bullet
            continue
        if paragraph and _continues(paragraph[-1], line, width):
            paragraph.append(line)
            continue
        flush()
        paragraph.append(_escape_start(line))
    flush()
    return "\n".join(out) + "\n"


def _escape(text: str) -> str:
    return text.replace("#", "\\#")


def _escape_start(text: str) -> str:
    """A line that Markdown would read as something else ("1986. A year", "# 1", "> quote") is kept as text."""
    if re.match(r"^(?:\d+[.)]\s|#|>|=+\s*$|-{2,}|\+\s)", text):
        return "\\" + text
    return text


def _wrap_width(lines: list[str]) -> int | None:
    """The width a text was hard-wrapped at, or None when its lines are not wrapped."""
    lengths = [len(line) for line in lines if len(line) >= 30]
    if len(lengths) < 4:
        return None
    top = sorted(lengths)[int(len(lengths) * 0.9)]
    near = sum(1 for n in lengths if top - 15 <= n <= top)
    return top if top <= 120 and near >= len(lengths) * 0.4 else None


def _continues(previous: str, line: str, width: int | None) -> bool:
    """Whether ``line`` continues the wrapped line before it."""
    if _LABEL.match(line) and (_SENTENCE_END.search(previous) or _LABEL.match(previous)):
        return False
    first = line.split()[0]
    if re.search(r"(?:,|\band|&|\bof|\bthe|\bfor|\bin|\bat|\bby)$", previous) or (
        len(previous) >= 55 and not re.search(r"[.!?:;]$", previous)
    ):
        return True  # a line cut in the middle of a sentence or a list, whatever the width
    if width is not None:
        # the first word of the next line did not fit on this one: a wrap
        return len(previous) + 1 + len(first) > width - 2 or (line[:1].islower() and not _SENTENCE_END.search(previous))
    return line[:1].islower() and not re.search(r"[.!?:]\s*$", previous)


# "By Lee Park | Cell Weekly | 2 May 2025", "Harbor Research · Report HR-1 · 2025": who and when, not a heading
_BYLINE = re.compile(r"^By\s+[^\W\d_a-z]|.*\s[|·•]\s.*\b(?:19|20)\d\d\b")


def _title_like(line: str) -> bool:
    words = [w for w in re.findall(r"[^\s]+", line) if w.lower() not in _SMALL_WORDS]
    if not words:
        return False
    capital = sum(1 for w in words if w[:1].isupper() or w[:1].isdigit() or not w[:1].isalpha())
    return capital >= len(words) * 0.75


def _heading(line: str, previous: str, following: str, in_paragraph: bool, bullet: bool) -> str | None:
    """``line`` as a Markdown heading, or None. Capitals and numbered sections are level 2, other headings level 3."""
    words = line.split()
    if not 1 <= len(words) <= 12 or line.startswith(("|", "**")) or re.search(r"[.;,]$", line):
        return None
    alone = not previous or _UNDERLINE.match(previous) is not None
    letters = re.sub(r"[^A-Za-z]", "", line)
    if not bullet and letters and line.upper() == line and len(letters) >= 3 and (len(words) >= 2 or len(line) >= 8):
        return f"## {_escape(line)}"
    numbered = _NUMBERED_HEADING.match(line)
    if numbered and alone and not _BULLET.match(following or "") and _title_like(numbered["text"]):
        return f"## {_escape(line)}"
    if bullet or in_paragraph or _LABEL.match(line) or line.endswith(":") or _BYLINE.match(line):
        return None
    if alone and len(words) <= 10 and _title_like(line) and following and not re.search(r"%|\$|€|\d\.\d", line):
        return f"### {_escape(line)}"
    return None


def _cells(line: str) -> list[str] | None:
    """The cells of a table row written with tabs, runs of spaces or "|", or None for a line of prose."""
    stripped = line.strip()
    if not stripped:
        return None
    if stripped.startswith("|") and stripped.count("|") >= 2:
        return [c.strip() for c in stripped.strip("|").split("|")]
    cells = [c.strip() for c in _COLUMNS.split(stripped) if c.strip()]
    if len(cells) < 2 or any(len(c.split()) > 12 for c in cells):
        return None
    return cells


def _pipe_table(rows: list[list[str]]) -> list[str]:
    width = Counter(len(r) for r in rows).most_common(1)[0][0]
    width = max(width, len(rows[0]))
    fixed = [(r + [""] * width)[:width] for r in rows]
    lines = ["| " + " | ".join(c.replace("|", "/") for c in fixed[0]) + " |", "|" + "---|" * width]
    lines += ["| " + " | ".join(c.replace("|", "/") for c in row) + " |" for row in fixed[1:]]
    return lines


_RULE = re.compile(r"^\s*-{3,}(?:\s+-{3,})+\s*$")
_CAPTION = re.compile(r"^\s*(?:Table)?:\s+(?P<caption>\S.*)$")


def simple_tables(markdown: str) -> str:
    r"""Pandoc's simple tables (columns under runs of dashes) as pipe tables, their "Table: ..." caption before them.

    >>> print(simple_tables("  Region   Share\n  -------- -----\n  Europe   31\n\nTable: Shares, 2024\n"))
    Table: Shares, 2024
    <BLANKLINE>
    | Region | Share |
    |---|---|
    | Europe | 31 |
    <BLANKLINE>
    <BLANKLINE>
    """
    lines = markdown.split("\n")
    out: list[str] = []
    index = 0
    while index < len(lines):
        if index + 1 < len(lines) and _RULE.match(lines[index + 1]) and lines[index].strip():
            spans = [m.span() for m in re.finditer(r"-{3,}", lines[index + 1])]
            rows = [_slice(lines[index], spans)]
            end = index + 2
            while end < len(lines) and lines[end].strip():
                if not _RULE.match(lines[end]):
                    rows.append(_slice(lines[end], spans))
                end += 1
            caption = None
            after = end + 1 if end < len(lines) and not lines[end].strip() else end
            if after < len(lines) and _CAPTION.match(lines[after]):
                caption = lines[after].strip()
                end = after + 1
            if caption:
                out.extend((caption if caption.lower().startswith("table") else f"Table{caption}", ""))
            out.extend(_pipe_table(rows))
            out.append("")
            index = end
            continue
        out.append(lines[index])
        index += 1
    return "\n".join(out)


def _slice(line: str, spans: list[tuple[int, int]]) -> list[str]:
    """The cells of a simple-table row: the text under each run of dashes (a cell may overhang to the next run)."""
    cells = []
    for position, (start, _) in enumerate(spans):
        stop = spans[position + 1][0] if position + 1 < len(spans) else len(line)
        cells.append(line[start:stop].strip())
    return cells
