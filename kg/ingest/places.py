"""Country items as reports write them, made readable for ``kg.countries``: local names and inverted names.

Reports written in or for one country use its own spelling ("Deutschland",
"España", "Brasil"); statistical tables invert official names ("Korea, Rep.",
"Iran, Islamic Rep."), which a comma-separated list splits in two. Informal
remainders ("Other Asia", "Remaining Europe") are written the way the country
table knows residuals ("Rest of Asia"), so they stay groupings and are never
expanded.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..countries import CountryMatch, NormalizationFlag, normalize_items

__all__ = ["LOCAL_NAMES", "local_items", "normalize_places"]

# Regions that reports list as items under a broader region ("Rest of the World: South America, Middle East").
_AREA = re.compile(
    r"^(?:the\s+)?(?:north|south|latin|central|eastern|western|northern|southern|south[- ]?east(?:ern)?|east|west)?\s*"
    r"(?:america|europe|asia(?:[- ]pacific)?|africa|middle east(?:\s*(?:&|and)\s*africa)?|oceania|caribbean|"
    r"apac|mea|emea|latam|asean|cis|gulf)(?:\s+region)?$",
    re.I,
)

# Endonyms and common local spellings of countries reports list, by their English short name.
LOCAL_NAMES = {
    "deutschland": "Germany", "bundesrepublik deutschland": "Germany", "españa": "Spain", "espana": "Spain",
    "brasil": "Brazil", "polska": "Poland", "suomi": "Finland", "sverige": "Sweden", "norge": "Norway",
    "danmark": "Denmark", "nederland": "Netherlands", "belgië": "Belgium", "belgique": "Belgium",
    "österreich": "Austria", "osterreich": "Austria", "schweiz": "Switzerland", "suisse": "Switzerland",
    "svizzera": "Switzerland", "italia": "Italy", "ελλάδα": "Greece", "hellas": "Greece", "magyarország": "Hungary",
    "česko": "Czechia", "česká republika": "Czechia", "slovensko": "Slovakia", "românia": "Romania",
    "hrvatska": "Croatia", "türkiye": "Türkiye", "россия": "Russia", "rossiya": "Russia", "nippon": "Japan",
    "nihon": "Japan", "日本": "Japan", "中国": "China", "zhongguo": "China", "한국": "South Korea",
    "대한민국": "South Korea", "hanguk": "South Korea", "台灣": "Taiwan", "台湾": "Taiwan", "bharat": "India",
    "भारत": "India", "méxico": "Mexico", "perú": "Peru", "éire": "Ireland", "eire": "Ireland",
    "lietuva": "Lithuania", "latvija": "Latvia", "eesti": "Estonia", "ísland": "Iceland", "island": "Iceland",
    "france métropolitaine": "France", "al-maghrib": "Morocco", "misr": "Egypt", "المملكة العربية السعودية": "Saudi Arabia",
    "الإمارات": "United Arab Emirates", "việt nam": "Vietnam", "prathet thai": "Thailand", "ประเทศไทย": "Thailand",
    "pilipinas": "Philippines", "indonesia raya": "Indonesia",
}  # fmt: skip
# The tail of an inverted official name that a comma list splits off: "Iran" + "Islamic Rep."
_INVERTED_TAIL = re.compile(
    r"^(?:the|rep\.?|republic(?: of)?|islamic rep(?:\.|ublic)?(?: of)?|dem\.? rep\.?|democratic republic(?: of)?"
    r"|people'?s rep(?:\.|ublic)?(?: of)?|fed\.? rep\.?|federal republic(?: of)?|arab rep\.?|kingdom of|state of"
    r"|plurinational state of|bolivarian rep(?:\.|ublic)?(?: of)?|sar(?:,? china)?|province of china|united rep\.?"
    r"|rb|fyr|pdr)$",
    re.I,
)
_RESIDUAL = re.compile(r"^(?:other|others in|remaining|rest of(?: the)?|other parts of(?: the)?)\s+(?P<area>.+)$", re.I)


def local_items(items: Sequence[str]) -> list[str]:
    """Items rewritten so that local and inverted names resolve; the mention of each stays readable.

    >>> local_items(["Deutschland", "Iran", "Islamic Rep.", "Other Asia", "Korea, Rep."])
    ['Germany', 'Iran, Islamic Rep.', 'Rest of Asia', 'Korea, Rep.']
    """
    out: list[str] = []
    for item in items:
        text = item.strip()
        if out and _INVERTED_TAIL.match(text):
            out[-1] = f"{out[-1]}, {text}"
            continue
        local = LOCAL_NAMES.get(text.casefold())
        residual = _RESIDUAL.match(text)
        if local:
            out.append(local)
        elif residual and not re.match(r"rest of", text, re.I):
            out.append(f"Rest of {residual['area']}")
        else:
            out.append(text)
    return out


def normalize_places(items: Sequence[str]) -> tuple[CountryMatch, ...]:
    """``kg.countries.normalize_items`` after ``local_items``; an item naming a region ("South America",
    "Middle East & Africa") is a grouping the report does not enumerate, never a country it resembles.

    >>> [(m.mention, m.status, m.iso2) for m in normalize_places(["Brasil", "South America"])]
    [('Brazil', 'resolved', 'BR'), ('South America', 'grouping', None)]
    """
    rewritten = local_items(items)
    areas = {i for i, item in enumerate(rewritten) if _AREA.match(item.strip()) and not _is_country(item)}
    if not areas:
        return normalize_items(rewritten)
    matches: list[CountryMatch] = []
    rest = [item for i, item in enumerate(rewritten) if i not in areas]
    others = iter(normalize_items(rest)) if rest else iter(())
    pending: list[CountryMatch] = list(others)
    for i, item in enumerate(rewritten):
        if i in areas:
            flag = NormalizationFlag("residual-grouping", f"'{item}' is a region the report does not enumerate")
            matches.append(CountryMatch(item, "grouping", grouping=item.strip(), flags=(flag,)))
        elif pending:
            # normalize_items may split or join items, so its matches follow in order rather than one per item
            matches.append(pending.pop(0))
    matches.extend(pending)
    return tuple(matches)


def _is_country(item: str) -> bool:
    """Whether an item is a country as written ("South Africa"), not one that only resembles it ("South America")."""
    matches = normalize_items([item])
    return (
        len(matches) == 1
        and matches[0].status == "resolved"
        and not any(f.kind == "misspelling" for f in matches[0].flags)
    )
