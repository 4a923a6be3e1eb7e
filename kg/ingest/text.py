"""Small text parsers shared by extraction: sentences, name lists, ranges, periods."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable

from unidecode import unidecode

from ..names import LEGAL_FORMS, name_key

__all__ = ["UNIT_SCALE", "NameFinder", "parse_period", "parse_range", "plain", "sentences", "slug", "split_list"]

MAX_SENTENCE = 600  # characters; a longer "sentence" (a list, a run-on line) is cut so that every pattern stays linear

# Words that end with a dot without ending a sentence.
_ABBREVIATIONS = re.compile(
    r"(\b(?:Inc|Ltd|Co|Corp|Mr|Ms|Dr|St|No|vs|approx|est|e\.g|i\.e|etc|Jr|Sr|Bros|Nos|Fig)\.|\b[A-Z]\.)$"
)


def plain(text: str) -> str:
    """Text without Markdown emphasis markers.

    >>> plain("**BYD** (Build Your Dreams)")
    'BYD (Build Your Dreams)'
    """
    return re.sub(r"(\*\*|__)(.+?)\1", r"\2", text).replace("**", "")


def sentences(text: str) -> list[str]:
    """Split a paragraph into sentences without breaking "U.S.", "Co., Ltd." or "4.5%".

    >>> sentences("The U.S. market is projected at 10%. LG Chem grew 4.5% in 2022.")
    ['The U.S. market is projected at 10%.', 'LG Chem grew 4.5% in 2022.']
    """
    pieces = re.split(r"(?<=[.!?])\s+(?=[\"“(*]*[A-Z0-9])|(?<=。)|\n+", text)
    merged: list[str] = []
    for piece in pieces:
        piece = piece.strip()
        if not piece:
            continue
        if merged and _ABBREVIATIONS.search(merged[-1]) and not re.match(r"[A-Z][a-z]+ [a-z]", piece):
            merged[-1] = f"{merged[-1]} {piece}"
        else:
            merged.append(piece)
    return [cut for sentence in merged for cut in _cut(sentence)]


def _cut(sentence: str) -> list[str]:
    """A sentence longer than ``MAX_SENTENCE`` in pieces cut at spaces (or hard, for text without any)."""
    if len(sentence) <= MAX_SENTENCE:
        return [sentence]
    pieces = []
    start = 0
    while len(sentence) - start > MAX_SENTENCE:
        space = sentence.rfind(" ", start + MAX_SENTENCE // 2, start + MAX_SENTENCE)
        end = space if space > 0 else start + MAX_SENTENCE
        pieces.append(sentence[start:end].strip())
        start = end
    pieces.append(sentence[start:].strip())
    return [piece for piece in pieces if piece]


def slug(text: str) -> str:
    """An ASCII IRI key for a name in any script: letters are transliterated, never dropped.

    >>> slug("Müller Akku GmbH"), slug("宁德时代"), slug("Société des Accumulateurs")
    ('muller-akku-gmbh', 'zhu-de-shi-dai', 'societe-des-accumulateurs')
    """
    ascii_text = unidecode(text[:200])
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "x"


class NameFinder:
    """Finds known names in text in one pass over its words (not one pattern per name).

    >>> finder = NameFinder(["LG Chem", "LG Energy Solution", "BYD"])
    >>> [(text[s:e]) for text in ["LG Energy Solution and BYD lead; LG Chem follows."] for s, e, _ in finder.find(text)]
    ['LG Energy Solution', 'BYD', 'LG Chem']
    """

    _WORD = re.compile(r"[^\W_]+", re.UNICODE)

    def __init__(self, names: Iterable[str], ignore_case: bool = False) -> None:
        self.ignore_case = ignore_case
        self.by_first: dict[str, list[tuple[str, re.Pattern[str]]]] = defaultdict(list)
        for name in sorted(set(names), key=len, reverse=True):
            words = self._WORD.findall(name)
            if not words:
                continue
            flags = re.I if ignore_case else 0
            pattern = re.compile(rf"(?<![\w-]){re.escape(name)}(?![\w-])", flags)
            self.by_first[self._fold(words[0])].append((name, pattern))

    def _fold(self, word: str) -> str:
        return word.casefold() if self.ignore_case else word

    def find(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, name) of every non-overlapping known name, longest first at each place."""
        found: list[tuple[int, int, str]] = []
        taken_until = -1
        for word in self._WORD.finditer(text):
            if word.start() < taken_until:
                continue
            for name, pattern in self.by_first.get(self._fold(word.group()), ()):
                hit = pattern.match(text, word.start())
                if hit:
                    found.append((hit.start(), hit.end(), name))
                    taken_until = hit.end()
                    break
        return found


def split_list(text: str) -> list[str]:
    """Split "A, B, and C" (or "A; B and C") into names, keeping "Co., Ltd." with its name.

    Only the last item is split at "and", so "Aerospace and Defense, Automotive" keeps its first item.

    >>> split_list("BYD, LG Chem, Samsung SDI, and A123 Systems")
    ['BYD', 'LG Chem', 'Samsung SDI', 'A123 Systems']
    >>> split_list("Contemporary Amperex Technology Co., Ltd., Panasonic Holdings Corporation and EVE Energy")
    ['Contemporary Amperex Technology Co., Ltd.', 'Panasonic Holdings Corporation', 'EVE Energy']
    >>> split_list("aviation, drones, defense and energy storage")
    ['aviation', 'drones', 'defense', 'energy storage']
    >>> split_list("Gotion High-Tech Co., Ltd. (China); Up to 16,250 mAh; 16,251-50,000 mAh")
    ['Gotion High-Tech Co., Ltd. (China)', 'Up to 16,250 mAh', '16,251-50,000 mAh']
    """
    text = re.sub(r"\s+", " ", text).strip(" :;")
    if text.endswith(".") and not _ABBREVIATIONS.search(text):  # the sentence's full stop, not "Co."
        text = text[:-1]
    # a comma between a digit and three more is a thousands separator ("16,250 mAh")
    parts = [p.strip() for p in re.split(r"\s*;\s*|(?<!\d),\s*|\s*,(?!\d{3}(?!\d))\s*", text)]
    if len(parts) > 1 or re.search(r"\s+and\s+(?=[^\W_])(?![a-z])", parts[-1]):
        last = re.split(r"\s+and\s+", parts.pop())
        parts.extend(last)
    names: list[str] = []
    for part in parts:
        part = re.sub(r"^(?:and|or)\s+", "", part).strip()
        if not part:
            continue
        aside = re.search(r"\s*\([^()]*\)$", part)  # "Limited (China)"
        form = part[: aside.start()] if aside else part
        if names and name_key(form) in LEGAL_FORMS:
            names[-1] = f"{names[-1]}, {form}" + (aside.group() if aside else "")
        else:
            names.append(part)
    return names


# Charge, energy and voltage units a capacity segment may use, with their scale to the base unit.
UNIT_SCALE = {
    "mah": ("mAh", 1.0),
    "ah": ("Ah", 1.0),
    "wh": ("Wh", 1.0),
    "kwh": ("kWh", 1.0),
    "mwh": ("MWh", 1.0),
    "v": ("V", 1.0),
}
_NUMBER = r"(\d[\d,]*(?:\.\d+)?)"
_UNIT = r"(mAh|Ah|kWh|MWh|Wh|V)\b"


def _number(text: str) -> float:
    return float(text.replace(",", ""))


def parse_range(text: str) -> tuple[float | None, float | None, str] | None:
    """A numeric range with a unit in a segment name, or None.

    >>> parse_range("0 to 3000mAh"), parse_range("More Than 60000mAh"), parse_range("3,000-10,000 mAh")
    ((0.0, 3000.0, 'mAh'), (60000.0, None, 'mAh'), (3000.0, 10000.0, 'mAh'))
    >>> parse_range("Below 5 kWh"), parse_range("Lithium Iron Phosphate")
    ((None, 5.0, 'kWh'), None)
    """
    units = re.findall(_UNIT, text, re.I)
    if not units:
        return None
    unit = UNIT_SCALE[units[-1].lower()][0]
    between = re.search(rf"{_NUMBER}\s*(?:{_UNIT})?\s*(?:to|-|–|—|~|and)\s*{_NUMBER}\s*{_UNIT}", text, re.I)
    if between:
        return _number(between.group(1)), _number(between.group(3)), unit
    above = re.search(
        rf"(?:more than|greater than|above|over|exceeding|>|≥|>=|at least)\s*{_NUMBER}\s*{_UNIT}", text, re.I
    )
    if above:
        return _number(above.group(1)), None, unit
    below = re.search(rf"(?:less than|below|under|up to|<|≤|<=|at most)\s*{_NUMBER}\s*{_UNIT}", text, re.I)
    if below:
        return None, _number(below.group(1)), unit
    plus = re.search(rf"{_NUMBER}\s*{_UNIT}\s*(?:\+|and above|or more|and more)", text, re.I)
    if plus:
        return _number(plus.group(1)), None, unit
    single = re.search(rf"^\s*{_NUMBER}\s*{_UNIT}\s*$", text, re.I)
    if single:
        return _number(single.group(1)), _number(single.group(1)), unit
    return None


_YEAR = r"((?:19|20)\d\d)"


def parse_period(text: str) -> tuple[int, int] | None:
    """A forecast period "2025 - 2032", "from 2024 to 2031", "2023–2030" in a text.

    >>> parse_period("Market Trends for Period from 2025 -  2032"), parse_period("between 2024 and 2031")
    ((2025, 2032), (2024, 2031))
    """
    match = re.search(rf"{_YEAR}\s*(?:-{{1,2}}|–|—|to|until|through|and)\s*{_YEAR}", text, re.I)
    if match and int(match.group(1)) < int(match.group(2)):
        return int(match.group(1)), int(match.group(2))
    return None
