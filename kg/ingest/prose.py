"""Running text → companies, owners and regions: what a report's sentences state.

Lists of players ("key players such as A, B and C"), companies named by what they do ("graphite producer
X"), asides and appositives, stated ownership ("Y holds a 26% stake in X"), acquisitions and new joint
ventures, and regions given with their countries ("Europe: Germany, France", "Asia Pacific, led by Japan").
Each finding goes into the walk's ``State``.
"""

from __future__ import annotations

import re

from ..countries import normalize_items
from .figures import REGION_WORDS
from .found import (
    LIST_TAIL,
    LOWER_INITIAL,
    NOT_A_NAME,
    RELATION_NAMES,
    State,
    clean_name,
    is_place,
    mostly_countries,
    unique,
)
from .model import CompanyMention, StatedRelation
from .places import local_items
from .text import NameFinder, sentences, split_list

__all__ = [
    "LABELLED_LINE",
    "countries_leading",
    "inline_numbering",
    "name_list",
    "players_in",
    "regions_inline",
    "with_sentences",
]

LABELLED_LINE = re.compile(
    r"^(?!(?:table|figure|fig\.|exhibit|chart|source|note)s?\b)(?:by\s+)?(?P<label>[A-Z][\w &/.,'-]{1,60}?)"
    r"(?:\s*[:–—]|\s+-)\s*(?P<list>.+)$",
    re.I,
)


_PAREN_GROUP = re.compile(
    r"(?P<label>[A-Z][\w&/.'-]*(?:[ -](?:[A-Z][\w&/.'-]*|&|and|the|of)){0,6})\s*\((?P<list>[^()]{2,200})\)"
)


# "key players such as A, B", "the competitive landscape includes A, B, C and others", "A, B and C are the leading ..."
_PLAYERS_SENTENCE = re.compile(
    r"\b(?i:players?|companies|vendors|manufacturers|participants|competitors|suppliers|makers|producers|landscape"
    r"|names|incumbents|leaders|contenders|firms|challengers|developers|start-?ups|integrators|automakers|carmakers"
    r"|OEMs|customers|partners|rivals|investors|backers|shareholders)\b[^.:]{0,80}?"
    r"(?:\b(?:like|include|includes|included|including|such as|are|is|profiled|covered|comprise|comprises|namely"
    r"|featuring|features|:)|\s(?:—|–|--))\s*:?\s+(?P<list>[^\W\d_a-z][^.]*?(?:\.(?=[\w,])[^.]*?)*)(?:\.\s|\.$|$)"
)


_LISTED_NAME = r"[^\W\d_a-z][\w&.'’-]*(?:\s+[^\W\d_a-z][\w&.'’-]*){0,4}"


_PLAYERS_BEFORE = re.compile(
    rf"^(?P<list>{_LISTED_NAME}(?:\s*,\s*{_LISTED_NAME})+(?:,?\s+and\s+{_LISTED_NAME})?)\s+(?:are|were|remain|rank)\s+"
    r"(?:among\s+)?(?:the\s+)?(?:\w+\s+){0,3}(?:players|companies|vendors|manufacturers|suppliers|makers|producers|leaders)\b"
)


# "Primearth EV Energy, a joint venture of ...", "Fluence, formed by Siemens and AES": a company named in prose by
# what it belongs to
_RELATION_SUBJECT = re.compile(
    r"(?P<name>[A-Z][\w&.'-]*(?:\s+(?:[A-Z0-9][\w&.'-]*|&)){0,5})(?:,?\s+(?:is\s+)?(?:a|an)\s+(?:wholly[- ]owned\s+)?"
    r"(?:subsidiary|joint venture|unit|division)\s+(?:of|between)\b|,\s+(?:formed|set up|established|created)\s+"
    r"(?:in\s+\d{4}\s+)?by\s+[A-Z]|\s+(?:is|was)\s+(?:(?:majority|wholly|fully|partly|jointly)[- ])?"
    r"(?:owned|controlled)\s+by\s+(?:\S+['’]s\s+)?[A-Z])"
)


_NAME = r"[^\W\d_a-z][\w&.'’-]*(?:\s+(?:[^\W_a-z][\w&.'’-]*|&|de|der|von|and)){0,6}"


_ABOUT = r"(?:(?:about|around|approximately|nearly|some|roughly|almost|over|just over|just under)\s+)?"


# Ownership: "X, in which Y holds a 26% stake", "Y holds a 26 % stake in X", "Y owns 51% of X", "X is 60%-owned by Y".
_OWNERSHIP = (
    re.compile(rf"(?P<owned>{_NAME})\**\s*(?:,|--|–|—)\s*in which\s+(?P<owner>{_NAME})\s+(?:holds|has|owns|retains|keeps)\s+"
               rf"{_ABOUT}(?:a\s+|an\s+)?{_ABOUT}(?P<share>\d+(?:\.\d+)?)\s*(?:%|percent|per cent)"),
    re.compile(rf"(?P<owner>{_NAME})\s+(?:holds|has|owns|retains|acquired|took|keeps)\s+{_ABOUT}(?:a\s+|an\s+)?{_ABOUT}"
               r"(?P<share>\d+(?:\.\d+)?)\s*(?:%|percent|per cent)\s*(?:equity\s+|ownership\s+)?(?:stake|interest|share)?\s*"
               rf"(?:in|of)\s+(?:the\s+)?(?P<owned>{_NAME})"),
    re.compile(rf"(?P<owned>{_NAME})(?:,\s+which)?\s+is\s+(?P<share>\d+(?:\.\d+)?)\s*(?:%|percent|per cent)[- ]owned\s+by\s+"
               rf"(?P<owner>{_NAME})"),
)  # fmt: skip


_RELATION = re.compile(
    r"^\**\s*(?:,|\(|–|—|-|\bis\b|\bwas\b)?\s*(?:which is\s+|is\s+|now\s+)?(?:a|an|the)?\s*"
    r"(?P<adj>wholly[- ]owned\s+|majority[- ]owned\s+|former\s+)?"
    r"(?:(?:(?:[\w-]+\s+){0,2}?(?P<rel>subsidiary|unit|division|arm|affiliate|brand|joint venture)|(?P<plain>part|member))"
    r"\s+(?:company\s+)?(?:of|between|owned by)"
    r"|(?:(?P<degree>majority|wholly|fully|partly|jointly)[- ])?(?P<by>owned|acquired|bought|controlled)\s+by"
    r"|(?P<formerly>formerly)(?:\s+known as)?"
    r"|(?P<formed>formed|set up|established|created)\s+(?:in\s+\d{4}\s+)?(?:as\s+a\s+joint\s+venture\s+)?by)"
    r"\s+(?:the\s+)?(?P<object>[A-Z][^,;.()]*)"
)


_CONNECTORS = frozenset(
    ["and", "or", "&", "of", "de", "der", "des", "du", "la", "le", "von", "van", "y", "e", "da", "di"]
)


def _names_prefix(text: str) -> str:
    """The run of names a list starts with: "A, B and C buy cells from them" is "A, B and C"; an aside in
    parentheses is part of the name before it ("B (backed by D), C")."""
    end = len(text)
    aside = re.compile(r"\([^()]*\)")
    for word in re.finditer(r"[^\s,;]+", aside.sub(lambda m: " " * len(m.group()), text)):
        token = word.group()
        if token in ("—", "–", "--") or (
            token[0].islower() and token.lower().strip(".") not in _CONNECTORS and not LOWER_INITIAL.match(token)
        ):
            end = word.start()  # "A, B and C buy cells", "— A, B and e-Zinc — held 35%"
            break
    return text[:end].rstrip(" ,;")


def name_list(text: str, state: State) -> bool:
    """A paragraph that is nothing but a list of names ("3M, Saint-Gobain, Aspen Aerogels and Elkem.", or one name a
    line): its companies."""
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    if len(lines) >= 3 and not any(re.search(r"[,;:]|[.!?]$", line) for line in lines):
        names = lines  # "Toshiba<br>Altairnano<br>Leclanché"
    elif (
        len(text) > 2000 or len(sentences(text.replace("\n", " "))) > 1
    ):  # "Li-Cycle Holdings Corp. (Canada), ...": one
        return False
    else:
        names = split_list(LIST_TAIL.sub("", text))
    if len(names) < 3 or not all(clean_name(n) and len(n.split()) <= 6 for n in names):
        return False
    if any(w[0].islower() and w not in _CONNECTORS for n in names for w in n.split()):
        return False  # "The competitive landscape includes Umicore, ...": a sentence, read by the sentence patterns
    for name in names:
        state.add_company(name, "players-list")
    return True


# "NGK Insulators, the leading NAS battery maker", "Zeta Energy, a Texas-based developer of ..."
_APPOSITIVE = re.compile(
    rf"(?:^|[\s(])(?P<name>{_LISTED_NAME}),\s+(?:the|a|an)\s+(?:[\w&'-]+\s+){{0,5}}?"
    r"(?:maker|manufacturer|supplier|producer|developer|company|firm|start-?up|group|vendor|integrator|recycler)s?\b"
)


# "graphite producer Novonix said", "the Swedish cell maker Northvolt": a company named after what it does
_ROLE_THEN_NAME = re.compile(
    r"(?<![A-Z])\b[a-z][\w-]*\s+(?:maker|manufacturer|producer|supplier|developer|start-?up|recycler|miner|refiner"
    r"|integrator|automaker|carmaker)\s+(?P<name>[^\W\d_a-z][\w&.'’-]*(?:\s+[^\W\d_a-z][\w&.'’-]*){0,3})"
)


# "Ascend Elements, which is backed by Hitachi": a company and its backer, neither of them its owner
_BACKED_BY = re.compile(
    rf"(?P<name>{_LISTED_NAME}),\s+(?:which\s+(?:is|was)\s+)?(?:backed|funded|supported)\s+by\s+(?P<backer>{_LISTED_NAME})"
)


# "Nidec acquired Valtera Batteries", "LG Energy Solution completed its acquisition of Vertech Power from Hanwha"
_ACQUIRED = re.compile(
    rf"(?P<buyer>{_LISTED_NAME})\s+(?:has\s+|had\s+)?(?:acquired|bought|took over|completed\s+(?:its|the)\s+"
    r"(?:acquisition|purchase|takeover)\s+of|agreed\s+to\s+(?:acquire|buy))\s+"
    rf"(?P<target>{_LISTED_NAME})(?:\s+from\s+(?P<seller>{_LISTED_NAME}))?"
)


# "Asahi Kasei owns Celgard, which ...": an owner and what it owns outright, when that ends the clause
_OWNS = re.compile(
    rf"(?P<owner>{_LISTED_NAME})\s+(?:owns|controls|wholly owns|fully owns)\s+(?P<owned>{_LISTED_NAME})(?=\s*(?:[,;.]|$))"
)


_PLANT_WORDS = re.compile(r"\b(?:plant|factory|gigafactory|facility|site|mine|line|campus|park)s?\b", re.I)


# "CATL and Stellantis agreed to form a joint venture, Estrella Cells, ...": the venture and its owners
_FORMED_VENTURE = re.compile(
    rf"(?P<first>{_LISTED_NAME})\s+(?:and|&)\s+(?P<second>{_LISTED_NAME})\s+(?:have\s+|will\s+)?(?:agreed\s+to\s+"
    r"(?:form|set up|create|establish)|formed|set up|created|established|launched)\s+(?:a|an|their)\s+(?:[\w:-]+\s+)?"
    rf"joint[- ]venture,?\s+(?:called\s+|named\s+)?(?P<venture>{_LISTED_NAME})"
)


# "Panasonic Energy, Panasonic Holdings' battery unit", "Toyota's battery subsidiary Primearth EV Energy"
_UNIT_OF_OWNER = (
    re.compile(
        rf"(?P<name>{_LISTED_NAME}),\s+(?P<owner>{_LISTED_NAME})['’]s?\s+(?:[\w-]+\s+){{0,2}}?"
        r"(?P<rel>subsidiary|unit|division|arm|affiliate)\b"
    ),
    re.compile(
        rf"(?P<owner>{_LISTED_NAME})['’]s?\s+(?:[\w-]+\s+){{0,2}}?(?P<rel>subsidiary|unit|division|arm|affiliate),?\s+"
        rf"(?P<name>{_LISTED_NAME})"
    ),
)
_ITS_UNIT = re.compile(
    rf"\b[Ii]ts\s+(?:[\w-]+\s+){{0,2}}?(?P<rel>subsidiary|unit|division|arm|affiliate),?\s+(?P<name>{_LISTED_NAME})"
)
_CALENDAR = re.compile(
    r"^(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|January|February|March|April|May|June|July|August"
    r"|September|October|November|December)\b"
)


def inline_numbering(text: str) -> str:
    """A list numbered inside a line as a comma list: "include: 1) Samsung SDI 2) LG Energy Solution" ->
    "include: Samsung SDI, LG Energy Solution"."""
    if len(re.findall(r"(?:^|\s)\(?\d{1,2}\)\s", text)) < 2:
        return text
    text = re.sub(r"(:\s*)\(?\d{1,2}\)\s+", r"\1", text)
    return re.sub(r"\s+\(?\d{1,2}\)\s+", ", ", text)


def players_in(sentence: str, state: State, about: str | None = None) -> None:
    """Companies a sentence lists ("key players such as A, B and C") and ownership it states; ``about`` is the
    company whose profile the sentence is in, what "its" refers to ("through its subsidiary FinDreams")."""
    sentence = inline_numbering(sentence)
    for match in (_PLAYERS_SENTENCE.search(sentence), sentence.count(",") >= 2 and _PLAYERS_BEFORE.search(sentence)):
        if match:
            for name in split_list(_names_prefix(LIST_TAIL.sub("", match["list"]))):
                if not is_place(name):
                    state.add_company(name, "players-list")
    named = [m["name"] for m in _ROLE_THEN_NAME.finditer(sentence)]
    if "," in sentence:
        named += [m["name"] for m in _APPOSITIVE.finditer(sentence)]
        named += [name for m in _BACKED_BY.finditer(sentence) for name in (m["name"], m["backer"])]
    for found in named:
        if name := _prose_name(found):
            state.add_company(name, "text")
    for deal in _ACQUIRED.finditer(sentence):
        target, buyer = _prose_name(deal["target"]), _prose_name(deal["buyer"])
        seller = _prose_name(deal["seller"]) if deal["seller"] else ""
        if _relate(state, target, "acquired-by", buyer, sentence) and seller:
            state.add_company(seller, "text")
    if re.search(
        r"subsidiary|joint venture|unit|division|formed|set up|established|created|owned|controlled", sentence
    ):
        for match in _RELATION_SUBJECT.finditer(sentence):
            if not _PLANT_WORDS.search(match["name"]):  # "Gigafactory Nevada is owned by Tesla": no company
                state.add_company(match["name"], "text")
    for pattern in _UNIT_OF_OWNER:
        for unit in pattern.finditer(sentence):
            _relate(state, _prose_name(unit["name"]), RELATION_NAMES[unit["rel"]], _prose_name(unit["owner"]), sentence)
    for unit in _ITS_UNIT.finditer(sentence):
        _relate(state, _prose_name(unit["name"]), RELATION_NAMES[unit["rel"]], about or "", sentence)
    for held in _OWNS.finditer(sentence):
        owned = _prose_name(held["owned"])
        if not _PLANT_WORDS.search(owned):  # "Tesla owns Gigafactory Texas": no company
            _relate(state, owned, "owned-by", _prose_name(held["owner"]), sentence)
    for venture in _FORMED_VENTURE.finditer(sentence):
        name = _prose_name(venture["venture"])
        owners = [owner for owner in (_prose_name(venture["first"]), _prose_name(venture["second"])) if owner]
        if len(owners) == 2:
            for owner in owners:
                _relate(state, name, "joint-venture-of", owner, sentence)
    if not re.search(r"%|percent|per cent", sentence):
        return  # every ownership statement states a share
    for pattern in _OWNERSHIP:
        for match in pattern.finditer(sentence):
            owned, owner = clean_name(match["owned"]), clean_name(match["owner"])
            if owned and owner and owned.casefold() != owner.casefold():
                state.add_company(owned, "text")
                state.add_company(owner, "text")
                share = float(match["share"])
                relation = "owned-by" if share > 50 else "affiliate-of"
                state.ownership.append(StatedRelation(owned, relation, owner, sentence, share))


def _relate(state: State, subject: str, relation: str, other: str, sentence: str) -> bool:
    """A relation running text states between two names, each already read as a company name ("" for none);
    whether there were two companies to relate."""
    if not subject or not other or subject.casefold() == other.casefold():
        return False
    state.add_company(subject, "text")
    state.add_relation(subject, relation, other, sentence)
    return True


def _prose_name(found: str) -> str:
    """A company name found in running text, or "" for a place, a date or a common word ("Monday", "The")."""
    name = clean_name(re.sub(r"['’]s$", "", found))
    return "" if not name or is_place(name) or NOT_A_NAME.match(name) or _CALENDAR.match(name) else name


def regions_inline(text: str, state: State, countries_only: bool = False) -> bool:
    """ "North America: United States, Canada" lines, or "Europe (Germany, France, UK)" groups; outside a section
    on regions (``countries_only``) every line must name a place and list countries."""
    groups = [
        (re.sub(r"^(?:the|and|in|of)\s+", "", g["label"].strip(), flags=re.I), g["list"])
        for g in _PAREN_GROUP.finditer(text[:20000])
    ]
    # a region of one country has no comma in its group ("Latin America (Brazil)"), but its name is a region's
    groups = [(label, listed) for label, listed in groups if "," in listed or is_place(label)]
    if countries_only:
        groups = [
            (label, listed) for label, listed in groups if is_place(label) and mostly_countries(split_list(listed))
        ]
    if sum(1 for _, listed in groups if "," in listed) >= 2:
        for label, listed in groups:
            state.regions.append((label, split_list(listed)))
        return True
    # "North America — United States, Canada. Europe — Germany, Italy.": a region per line, or per sentence
    lines = [sentence for line in text.split("\n") for sentence in sentences(line) if sentence.strip()]
    labelled = [LABELLED_LINE.match(line.strip().removesuffix(".")) for line in lines]
    if (
        labelled
        and all(labelled)
        and all("," in m["list"] or len(m["list"].split()) <= 3 for m in labelled if m)
        # "Media contact: press@...": a label line is a region's only when it names a place or lists countries
        and all(
            (is_place(m["label"]) and not countries_only) or mostly_countries(split_list(m["list"]))
            for m in labelled
            if m
        )
        and (not countries_only or all(is_place(m["label"]) for m in labelled if m))
    ):
        for match in labelled:
            if match is not None:
                state.regions.append((match["label"].strip(), split_list(match["list"])))
        return True
    return False


# "Asia Pacific accounted for 44.6% of revenue, led by Japan, China and South Korea"
_LED_BY = re.compile(
    rf"\b(?P<region>{REGION_WORDS})\b(?:[^.;]|\.\d){{0,120}}?\b(?:led by|driven by|chiefly|mainly|notably|especially)\s+"
    r"(?P<list>[^\W\d_a-z][^.;()]{2,200})"
)


def countries_leading(sentence: str, state: State) -> None:
    """A region with the countries the sentence says lead it; every one of them must be a country."""
    for match in _LED_BY.finditer(sentence):
        items = split_list(_names_prefix(LIST_TAIL.sub("", match["list"])))
        found = normalize_items(local_items(items))
        possessive = any(re.search(r"['’]s$", item) for item in items)  # "led by Brazil's bus makers"
        if items and not possessive and len(found) == len(items) and all(m.status != "unresolved" for m in found):
            state.regions.append((match["region"], items))


def with_sentences(state: State, all_sentences: list[str]) -> tuple[CompanyMention, ...]:
    """Every company with the sentences that name it (and its profile), and the relations they state."""
    mentions = list(state.companies.values())
    finder = NameFinder(c.mention for c in mentions)
    named: dict[str, list[str]] = {}
    for sentence in all_sentences:
        for _, _, name in finder.find(sentence):
            named.setdefault(name, []).append(sentence)
    result: dict[str, CompanyMention] = {}
    extra: list[tuple[str, StatedRelation]] = []
    stated = {(r.subject.casefold(), r.object.casefold()) for r in state.ownership}
    for company in mentions:
        own = unique(named.get(company.mention, [])[:200] + state.profiles.get(company.mention.casefold(), []))
        relations = unique([r for s in own for r in _relations(company.mention, s)])
        relations = [r for r in relations if (r.subject.casefold(), r.object.casefold()) not in stated]
        relations += [r for r in state.ownership if r.subject.casefold() == company.mention.casefold()]
        for relation in relations:
            extra.append((relation.object, relation))
        result[company.mention.casefold()] = CompanyMention(
            company.mention, company.context, tuple(own), tuple(unique(relations)), company.attributes
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
        elif relation["formed"]:
            kind = "joint-venture-of"  # "formed by Siemens and AES"; formed by one company, it says nothing
        elif relation["degree"] in ("partly", "jointly"):
            kind = "affiliate-of" if relation["degree"] == "partly" else "joint-venture-of"
        else:
            kind = RELATION_NAMES[(relation["rel"] or relation["plain"] or relation["by"]).lower()]
        if relation["adj"] and relation["adj"].strip().lower() == "former":
            kind = f"formerly-{kind}"
        obj = re.split(
            r"\s+(?:in|since|from|that|which|who|specializ\w*|focus\w*|and is|is|has)\s+", relation["object"]
        )[0]
        objects = re.split(r"\s+(?:and|&)\s+", obj) if kind.endswith("joint-venture-of") else [obj]
        if relation["formed"] and len(objects) < 2:
            continue
        for target in objects:
            target = clean_name(_without_place_possessive(target))
            if target and target.casefold() != name.casefold():
                found.append(StatedRelation(name, kind, target, sentence))
    return found


def _without_place_possessive(name: str) -> str:
    """ "China's Envision Group" is "Envision Group"; "Toyota's unit" keeps its owner's name."""
    possessive = re.match(r"(\S+?)['’]s\s+(?=\S)", name)
    return name[possessive.end() :] if possessive and is_place(possessive[1]) else name
