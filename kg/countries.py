"""Country names as reports spell them → ISO 3166-1 and UN M49.

country_converter holds the ISO 3166 / M49 table; on top of it sits a small
alias layer for spellings that reports use and the library misses or gets
wrong ("KSA", "Columbia", "China Taiwan", "Argentina Korea", groupings).
Every normalisation that changed something carries a ``NormalizationFlag``.

Market regions (north-america, europe, ...) are not defined here: they are
``Concept`` records with M49 include/exclude lists, passed in by the caller.
"""

from __future__ import annotations

import csv
import functools
import importlib.util
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import yaml
from rapidfuzz import fuzz, process

from .errors import Location
from .names import name_key
from .records import Concept

__all__ = [
    "Country",
    "CountryMatch",
    "NormalizationFlag",
    "country",
    "find_in_text",
    "m49_areas",
    "market_regions",
    "normalize",
    "normalize_items",
]

M49_TABLE = Path(__file__).parent / "m49.yaml"  # the UN Statistics Division's areas, with its source


@dataclass(frozen=True)
class M49Area:
    """A UN M49 area above country level: its code, English name, the area it is part of, and its line."""

    code: str
    name: str
    parent: str | None
    line: int


@functools.cache
def m49_table() -> tuple[M49Area, ...]:
    """The M49 areas of ``kg/m49.yaml``, world first.

    >>> [(a.code, a.name, a.parent) for a in m49_table()[:2]]
    [('001', 'World', None), ('002', 'Africa', '001')]
    """
    lines = M49_TABLE.read_text(encoding="utf-8").splitlines()
    areas = []
    for number, line in enumerate(lines, start=1):
        if line.lstrip().startswith("- {code:"):
            (item,) = yaml.safe_load(line)
            areas.append(M49Area(item["code"], item["name"], item["parent"], number))
    return tuple(areas)


def m49_concepts() -> tuple[Concept, ...]:
    """The M49 areas as concepts of the ``m49`` scheme (id = code, broader = parent), for the build."""
    return tuple(
        Concept("m49", area.code, area.name, broader=area.parent, location=Location(M49_TABLE, area.line))
        for area in m49_table()
    )


# Report spellings the library misses or resolves wrongly: key (see _key) -> (ISO2, flag kind, note).
_ALIASES: dict[str, tuple[str, str, str]] = {
    "ksa": ("SA", "abbreviation", "KSA is the usual abbreviation of the Kingdom of Saudi Arabia"),
    "uae": ("AE", "abbreviation", "UAE is the usual abbreviation of the United Arab Emirates"),
    "uk": ("GB", "abbreviation", "UK is the usual abbreviation of the United Kingdom"),
    "us": ("US", "abbreviation", "US is the usual abbreviation of the United States"),
    "usa": ("US", "abbreviation", "USA is the usual abbreviation of the United States"),
    "columbia": ("CO", "misspelling", "'Columbia' is a common misspelling of Colombia"),
    "china taiwan": ("TW", "variant-name", "'China Taiwan' is a report spelling of Taiwan"),
    "taiwan china": ("TW", "variant-name", "'Taiwan, China' is a report spelling of Taiwan"),
    "chinese taipei": ("TW", "variant-name", "'Chinese Taipei' is a name used for Taiwan"),
    "korea": ("KR", "assumed", "'Korea' taken as South Korea (KR); North Korea (KP) is also possible"),
    "holland": ("NL", "variant-name", "'Holland' is commonly used for the Netherlands"),
    "great britain": ("GB", "variant-name", "'Great Britain' taken as the United Kingdom"),
    "england": ("GB", "variant-name", "England is part of the United Kingdom (GB)"),
    "turkiye": ("TR", "variant-name", "Türkiye"),
}

# Named groupings of countries that reports list as if they were one country.
# GCC: https://en.wikipedia.org/wiki/Member_states_of_the_Cooperation_Council_for_the_Arab_States_of_the_Gulf
# Nordics: https://wikimili.com/en/Nordic_Council  Benelux: https://www.worldatlas.com/articles/what-is-the-benelux-union.html
_GROUPINGS: dict[str, tuple[str, tuple[str, ...]]] = {
    "gcc": ("GCC", ("BH", "KW", "OM", "QA", "SA", "AE")),
    "gcc countries": ("GCC", ("BH", "KW", "OM", "QA", "SA", "AE")),
    "gulf cooperation council": ("GCC", ("BH", "KW", "OM", "QA", "SA", "AE")),
    "nordics": ("Nordics", ("DK", "FI", "IS", "NO", "SE")),
    "nordic": ("Nordics", ("DK", "FI", "IS", "NO", "SE")),
    "nordic countries": ("Nordics", ("DK", "FI", "IS", "NO", "SE")),
    "benelux": ("Benelux", ("BE", "NL", "LU")),
}
# "Rest of Europe", "Rest of the World", "Others": a residual the report does not enumerate.
_RESIDUAL = re.compile(r"^(rest of( the)?\b.*|other( countries| regions)?|others|row)$")

_FUZZY_MIN_SCORE = 88.0  # "Phillipines" (94), "Indonesai" (89); "Columbia" (87.5) is in the alias table


@dataclass(frozen=True)
class NormalizationFlag:
    """What a normalisation changed or assumed, e.g. kind ``abbreviation``, ``assumed``, ``split-glued-names``."""

    kind: str
    message: str


@dataclass(frozen=True)
class Country:
    """One ISO 3166-1 country with its UN M49 code and the M49 areas that contain it.

    >>> country("DE").name, country("DE").m49, country("DE").areas
    ('Germany', '276', ('155', '150', '001'))
    """

    iso2: str
    iso3: str
    name: str
    official_name: str
    m49: str
    subregion: str | None  # M49 (intermediate) region name, e.g. "Western Europe"
    areas: tuple[str, ...]  # containing M49 area codes, most specific first


@dataclass(frozen=True)
class CountryMatch:
    """What one mention in a report stands for.

    ``status`` is ``resolved`` (one country), ``grouping`` (``members`` lists its
    countries; empty for a residual such as "Rest of Europe") or ``unresolved``.
    """

    mention: str
    status: str
    iso2: str | None = None
    name: str | None = None
    m49: str | None = None
    m49_subregion: str | None = None
    grouping: str | None = None
    members: tuple[str, ...] = ()
    candidates: tuple[str, ...] = ()
    confidence: float = 1.0
    flags: tuple[NormalizationFlag, ...] = ()


class _Table:
    """country_converter's country table, read once.

    The TSV file the library ships is read directly: building its
    ``CountryConverter`` imports pandas and takes seconds, which every
    ``kg`` command would pay. The library's defaults are kept: obsolete
    entries are left out, name patterns match case-insensitively.
    """

    def __init__(self) -> None:
        self.regexes: list[re.Pattern[str]] = []
        self.countries: list[Country] = []
        self.by_iso2: dict[str, Country] = {}
        self.by_name: dict[str, Country] = {}
        # country_converter names a country's M49 sub-region; the UN table gives the areas above it
        code_of = {area.name: area.code for area in m49_table()}
        parent_of = {area.code: area.parent for area in m49_table()}
        with _data_file().open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle, delimiter="\t"):
                if row["obsolete"].strip():
                    continue
                numeric = row["UNcode"] or row["ISOnumeric"]
                subregion = row["UNregion"] or None
                areas: list[str] = []
                code = code_of.get(subregion) if subregion else None
                while code is not None:
                    areas.append(code)
                    code = parent_of[code]
                entry = Country(
                    iso2=_code(row["ISO2"]),
                    iso3=_code(row["ISO3"]),
                    name=row["name_short"],
                    official_name=row["name_official"],
                    m49=f"{int(numeric):03d}",
                    subregion=subregion,
                    areas=tuple(areas),
                )
                self.regexes.append(re.compile(row["regex"], re.IGNORECASE))
                self.countries.append(entry)
                self.by_iso2[entry.iso2] = entry
                for name in (entry.name, entry.official_name):
                    self.by_name.setdefault(_key(name), entry)
        self.names = {_key(c.name): c for c in self.countries}


def _data_file() -> Path:
    """The country table inside the installed country_converter package, found without importing it."""
    spec = importlib.util.find_spec("country_converter")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("country_converter is not installed; run: pip install country-converter")
    return Path(next(iter(spec.submodule_search_locations))) / "country_data.tsv"


def _code(cell: object) -> str:
    """ISO cells may hold a pattern ("^GB$|^UK$"): the code is its first alternative."""
    return "".join(ch for ch in str(cell).split("|")[0] if ch.isalnum()).upper()


@functools.cache
def _table() -> _Table:
    return _Table()


def _key(text: str) -> str:
    """Case-, accent- and punctuation-insensitive key (kg.names), without a leading "the".

    >>> _key("U.K."), _key("Taiwan, China"), _key("the Netherlands")
    ('uk', 'taiwan china', 'netherlands')
    """
    return re.sub(r"^the\s+", "", name_key(text))


def all_countries() -> tuple[Country, ...]:
    """Every current country of the table, in its order."""
    return tuple(_table().countries)


def country(iso2: str) -> Country:
    """The country with this ISO 3166-1 alpha-2 code.

    >>> country("KR").name
    'South Korea'
    """
    try:
        return _table().by_iso2[iso2.upper()]
    except KeyError:
        raise KeyError(f"{iso2!r} is not an ISO 3166-1 alpha-2 country code") from None


def m49_areas(iso2: str) -> tuple[str, ...]:
    """The country's own M49 code followed by the codes of the areas that contain it.

    >>> m49_areas("TR")
    ('792', '145', '142', '001')
    """
    entry = country(iso2)
    return (entry.m49, *entry.areas)


def market_regions(iso2: str, regions: Iterable[Concept]) -> tuple[str, ...]:
    """Ids of the market regions that contain the country.

    A region lists M49 codes to include and to exclude; the most specific code
    of the country's chain that the region names decides (so a region may
    exclude a sub-region and include one country of it again).

    >>> europe = Concept("region", "europe", "Europe", m49_include=("150",), m49_exclude=("151",))
    >>> market_regions("DE", [europe]), market_regions("PL", [europe])
    (('europe',), ())
    """
    chain = m49_areas(iso2)
    found = []
    for region in regions:
        include = {_m49_code(code) for code in region.m49_include}
        exclude = {_m49_code(code) for code in region.m49_exclude}
        for code in chain:
            if code in exclude:
                break
            if code in include:
                found.append(region.id)
                break
    return tuple(found)


def _m49_code(code: object) -> str:
    text = str(code).strip()
    return text.zfill(3) if text.isdigit() else text


def _resolved(
    mention: str, entry: Country, flags: Sequence[NormalizationFlag] = (), confidence: float = 1.0
) -> CountryMatch:
    return CountryMatch(
        mention=mention,
        status="resolved",
        iso2=entry.iso2,
        name=entry.name,
        m49=entry.m49,
        m49_subregion=entry.subregion,
        confidence=confidence,
        flags=tuple(flags),
    )


def _exact(key: str) -> tuple[Country, NormalizationFlag | None] | None:
    """A country whose name, official name or alias is exactly ``key``."""
    table = _table()
    if key in _ALIASES:
        iso2, kind, note = _ALIASES[key]
        return table.by_iso2[iso2], NormalizationFlag(kind, note)
    if key in table.by_name:
        return table.by_name[key], None
    return None


def normalize(mention: str) -> tuple[CountryMatch, ...]:
    """The countries (usually one) a single mention stands for.

    >>> [(m.iso2, [f.kind for f in m.flags]) for m in normalize("U.K.")]
    [('GB', ['abbreviation'])]
    >>> [m.iso2 for m in normalize("Argentina Korea")]
    ['AR', 'KR']
    >>> normalize("GCC")[0].members
    ('BH', 'KW', 'OM', 'QA', 'SA', 'AE')
    >>> normalize("Atlantis")[0].status
    'unresolved'
    """
    text = re.sub(r"\s+", " ", mention).strip(" \t\n-•*:;,") if mention else ""
    key = _key(text)
    if not key:
        return (
            CountryMatch(
                mention=mention, status="unresolved", flags=(NormalizationFlag("unresolved", "empty country name"),)
            ),
        )
    if key in _GROUPINGS:
        label, members = _GROUPINGS[key]
        return (
            CountryMatch(
                mention=mention,
                status="grouping",
                grouping=label,
                members=members,
                flags=(
                    NormalizationFlag(
                        "grouping", f"'{text}' is a grouping of {len(members)} countries: {', '.join(members)}"
                    ),
                ),
            ),
        )
    if _RESIDUAL.match(key):
        return (
            CountryMatch(
                mention=mention,
                status="grouping",
                grouping=text,
                flags=(
                    NormalizationFlag(
                        "residual-grouping", f"'{text}' is a residual group the report does not enumerate"
                    ),
                ),
            ),
        )
    exact = _exact(key)
    if exact is not None:
        entry, flag = exact
        return (_resolved(mention, entry, [flag] if flag else []),)
    glued = _split_glued(key)
    if glued is not None:
        left, right = glued
        flag = NormalizationFlag(
            "split-glued-names", f"'{text}' reads as two countries glued together: {left.name} and {right.name}"
        )
        return (_resolved(mention, left, [flag]), _resolved(mention, right, [flag]))
    return (_by_pattern(mention, text, key),)


def _split_glued(key: str) -> tuple[Country, Country] | None:
    """Two full country names written as one item ("argentina korea"); partial names do not count."""
    words = key.split()
    for cut in range(1, len(words)):
        left = _exact(" ".join(words[:cut]))
        right = _exact(" ".join(words[cut:]))
        if left and right and left[0].iso2 != right[0].iso2:
            return left[0], right[0]
    return None


def _by_pattern(mention: str, text: str, key: str) -> CountryMatch:
    """country_converter's name patterns, then a fuzzy match on short names for misspellings."""
    table = _table()
    hits = [table.countries[i] for i, regex in enumerate(table.regexes) if regex.search(text) or regex.search(key)]
    unique = list({c.iso2: c for c in hits}.values())
    if len(unique) == 1:
        entry = unique[0]
        flag = NormalizationFlag("variant-name", f"'{text}' read as {entry.name}")
        return _resolved(mention, entry, [flag])
    if len(unique) > 1:
        names = ", ".join(c.name for c in unique)
        return CountryMatch(
            mention=mention,
            status="unresolved",
            candidates=tuple(c.iso2 for c in unique),
            flags=(NormalizationFlag("ambiguous", f"'{text}' could be any of: {names}"),),
        )
    if len(key) >= 5:
        best = process.extractOne(key, list(table.names), scorer=fuzz.ratio, score_cutoff=_FUZZY_MIN_SCORE)
        if best is not None:
            entry = table.names[best[0]]
            flag = NormalizationFlag("misspelling", f"'{text}' read as {entry.name} (similarity {best[1]:.0f}%)")
            return _resolved(mention, entry, [flag], confidence=round(best[1] / 100, 2))
    return CountryMatch(
        mention=mention,
        status="unresolved",
        flags=(NormalizationFlag("unresolved", f"'{text}' is not a known country name"),),
    )


def normalize_items(items: Sequence[str]) -> tuple[CountryMatch, ...]:
    """Normalise a list of country items, re-joining names split across two items.

    >>> [(m.iso2, m.mention) for m in normalize_items(["Turkey", "Saudi", "Arabia", "UAE"])]
    [('TR', 'Turkey'), ('SA', 'Saudi Arabia'), ('AE', 'UAE')]
    """
    matches: list[CountryMatch] = []
    index = 0
    while index < len(items):
        current = normalize(items[index])
        if index + 1 < len(items):
            following = normalize(items[index + 1])
            joined_text = f"{items[index].strip()} {items[index + 1].strip()}"
            # only an exact name counts: "Turkey" + "Saudi" would match Türkiye's name pattern
            if (_is_unresolved(current) or _is_unresolved(following)) and _exact(_key(joined_text)):
                joined = normalize(joined_text)
                if len(joined) == 1 and joined[0].status == "resolved":
                    flag = NormalizationFlag(
                        "joined-split-name",
                        f"'{items[index].strip()}' and '{items[index + 1].strip()}' are one name split across two items: {joined[0].name}",
                    )
                    matches.append(replace(joined[0], mention=joined_text, flags=(*joined[0].flags, flag)))
                    index += 2
                    continue
        matches.extend(current)
        index += 1
    return tuple(matches)


def _is_unresolved(matches: tuple[CountryMatch, ...]) -> bool:
    return any(m.status == "unresolved" for m in matches)


# Abbreviations as reports write them; matched case-sensitively so "us" and "uk" in prose do not count.
_ABBREVIATION_FORMS = ("U.S.A.", "U.S.", "USA", "US", "U.K.", "UK", "U.A.E.", "UAE", "KSA")


@functools.cache
def _mention_pattern() -> re.Pattern[str]:
    table = _table()
    names = {c.name for c in table.countries} | {c.official_name for c in table.countries}
    names |= {"South Korea", "Korea", "China Taiwan", "Taiwan, China", "Turkey", "Holland", "Great Britain", "Viet Nam"}
    forms = sorted(names | set(_ABBREVIATION_FORMS), key=len, reverse=True)
    alternatives = "|".join(re.escape(form).replace(r"\ ", r"\s+") for form in forms)
    # "US$" is a currency, not the country; a trailing "." belongs to "U.S." only
    return re.compile(rf"(?<![\w$])(?:{alternatives})(?![\w$])")


def find_in_text(text: str) -> list[tuple[int, int, CountryMatch]]:
    """Countries named in running text, with their character spans.

    >>> [(text[s:e], m.iso2) for text in ["The U.S. market and China Taiwan, not US$ 5"] for s, e, m in find_in_text(text)]
    [('U.S.', 'US'), ('China Taiwan', 'TW')]
    """
    found = []
    for match in _mention_pattern().finditer(text):
        resolved = [m for m in normalize(match.group()) if m.status == "resolved"]
        if len(resolved) == 1:
            found.append((match.start(), match.end(), resolved[0]))
    return found
