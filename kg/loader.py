"""Read the reference data under ``data/`` into records, remembering where each came from.

The files are YAML written by people, so every problem is reported with the
file, line and field it sits in (a :class:`~kg.errors.DataError`).

>>> from pathlib import Path
>>> data = load_reference(Path(__file__).parent.parent / "data")
>>> data.organization("a123-systems").name
'A123 Systems'
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any, Literal, TypeVar, cast, overload

import yaml

from . import countries
from .errors import DataError, Location
from .names import LEGAL_FORMS, name_key
from .namespaces import is_key
from .records import (
    Agreement,
    AgreementKind,
    AgreementStatus,
    Capacity,
    Concept,
    DomainTier,
    EventKind,
    FormerName,
    LineageEvent,
    Organization,
    OrganizationStatus,
    PartialDate,
    Party,
    PartyRole,
    Plant,
    PlantKind,
    PlantOperator,
    PlantStatus,
    Product,
    ReferenceData,
    Role,
    Site,
    Sourced,
    SourceDocument,
    SourcePolicy,
    Stake,
    StakeKind,
    StatusChange,
    Tier,
    choices,
    host_of,
)
from .validate import validate

C = TypeVar("C", bound=str)  # a value of a closed set

STAKE_KINDS = choices(StakeKind)
EVENT_KINDS = choices(EventKind)
ORG_STATUSES = choices(OrganizationStatus)
PLANT_KINDS = choices(PlantKind)
PRODUCTS = choices(Product)
PLANT_STATUSES = choices(PlantStatus)
AGREEMENT_KINDS = choices(AgreementKind)
AGREEMENT_STATUSES = choices(AgreementStatus)
PARTY_ROLES = choices(PartyRole)
ROLES = choices(Role)
TIERS = choices(Tier)
POLICY_FILE = "source-policy.yaml"
DATASET_FILE = "dataset.yaml"

# The source policy of the folder being loaded: every _Reader.sources() call checks its URLs against it.
# A context variable rather than an argument threaded through every reader of every nested mapping.
_POLICY: ContextVar[SourcePolicy | None] = ContextVar("source_policy", default=None)


@contextmanager
def _policy(policy: SourcePolicy | None) -> Iterator[None]:
    token = _POLICY.set(policy)
    try:
        yield
    finally:
        _POLICY.reset(token)


class _Node(dict):
    """A YAML mapping that remembers the line of each of its keys."""

    line: int
    key_lines: dict[str, int]


class _LineLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]  # libyaml's or pure Python
    """SafeLoader (libyaml's when present: ten times faster) whose mappings carry line numbers (1-based)."""

    def construct_mapping(self, node, deep=False):
        seen: set[object] = set()
        for key_node, _ in node.value:
            key = getattr(key_node, "value", None)
            if key in seen:
                # PyYAML keeps the last value silently; a hand-edited file deserves to hear about it.
                raise yaml.constructor.ConstructorError(None, None, f"duplicate key {key!r}", key_node.start_mark)
            if isinstance(key, str):
                seen.add(key)
        mapping = _Node(super().construct_mapping(node, deep=True))
        mapping.line = node.start_mark.line + 1
        mapping.key_lines = {key.value: key.start_mark.line + 1 for key, _ in node.value if hasattr(key, "value")}
        return mapping


# SafeLoader copies mappings into plain dicts; construct ours directly so the line numbers survive.
_LineLoader.add_constructor("tag:yaml.org,2002:map", lambda loader, node: loader.construct_mapping(node))


# Characters RFC 3987 does not allow in an IRI; they would also break Turtle and SPARQL.
_NOT_IN_IRI = re.compile(r'[\x00-\x20<>"{}|\\^`]')
MAX_FILE_BYTES = 8 * 1024 * 1024  # far above any hand-edited file; stops a runaway generator or a wrong file


def read_yaml(path: Path) -> Any:
    """Parse one YAML file, turning syntax errors into a DataError with the line."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise DataError(f"{size} bytes is more than a data file may hold ({MAX_FILE_BYTES})", Location(path))
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise DataError(f"not valid UTF-8 (byte {error.start})", Location(path)) from error
    except OSError as error:
        raise DataError(f"cannot read: {error.strerror}", Location(path)) from error
    try:
        return yaml.load(text, Loader=_LineLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else None
        raise DataError(f"malformed YAML: {error.problem or error.context}", Location(path, line)) from error
    except yaml.YAMLError as error:
        raise DataError(f"malformed YAML: {error}", Location(path)) from error


class _Reader:
    """Typed access to the fields of one YAML mapping, with errors that name the field."""

    def __init__(self, path: Path, node: Any, field: str):
        if not isinstance(node, dict):
            raise DataError(f"expected a mapping, found {type(node).__name__}", Location(path, None, field))
        self.path, self.node, self.field = path, node, field

    def at(self, key: str | None = None) -> Location:
        line = getattr(self.node, "key_lines", {}).get(key) if key else None
        line = line or getattr(self.node, "line", None)
        return Location(self.path, line, f"{self.field}.{key}" if key else self.field)

    def fail(self, key: str | None, message: str) -> DataError:
        return DataError(message, self.at(key))

    def check_keys(self, allowed: tuple[str, ...]) -> None:
        for key in self.node:
            if key not in allowed:
                raise self.fail(str(key), f"unknown field {key!r} (expected one of: {', '.join(allowed)})")

    def key(self, key: str) -> str:
        """A required id: it becomes part of an IRI, so only letters, digits, '.', '_' and '-'."""
        value = self.text(key, required=True)
        if not is_key(value):
            raise self.fail(key, f"id {value!r} may only hold letters, digits, '.', '_' and '-'")
        return value

    @overload
    def text(self, key: str, required: Literal[True]) -> str: ...
    @overload
    def text(self, key: str, required: bool = False) -> str | None: ...
    def text(self, key: str, required: bool = False) -> str | None:
        value = self.node.get(key)
        if value is None:
            if required:
                raise self.fail(None, f"missing required field {key!r}")
            return None
        if isinstance(value, (dict, list)):
            raise self.fail(key, f"expected text, found {type(value).__name__}")
        if isinstance(value, bool):
            # YAML 1.1 reads unquoted yes/no/on/off as booleans: Norway's code NO becomes false
            raise self.fail(key, f'expected text, found the boolean {value}: quote it ("NO", "yes")')
        text = str(value).strip()
        if required and not text:
            raise self.fail(key, f"field {key!r} is empty")
        return text

    def texts(self, key: str) -> tuple[str, ...]:
        value = self.node.get(key)
        if value is None:
            return ()
        if isinstance(value, (str, int)):
            value = [value]
        if not isinstance(value, list) or any(isinstance(v, (dict, list)) or v is None for v in value):
            raise self.fail(key, "expected a list of texts")
        return tuple(str(v).strip() for v in value)

    def aliases(self) -> tuple[str, ...]:
        found = self.texts("aliases")
        for alias in found:
            if name_key(alias) in LEGAL_FORMS:
                # an unquoted "X Co., Ltd." in a YAML flow list is two aliases, "X Co." and "Ltd."
                raise self.fail("aliases", f"{alias!r} is only a legal form; quote a name with a comma in it")
        return found

    def choice(self, key: str, options: tuple[C, ...], default: C | None = None) -> C:
        value = self.text(key) or default
        if value not in options:
            raise self.fail(key, f"{value!r} is not one of: {', '.join(options)}")
        return value  # type: ignore[return-value]  # checked against the closed set above

    def number(self, key: str, low: float, high: float) -> float | None:
        value = self.node.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise self.fail(key, f"expected a number, found {value!r}")
        if not low <= value <= high:
            raise self.fail(key, f"{value} is outside {low:g}..{high:g}")
        return float(value)

    def year(self, key: str) -> int | None:
        value = self.node.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not 1000 <= value <= 2100:
            raise self.fail(key, f"expected a four-digit year, found {value!r}")
        return value

    def date(self, key: str) -> PartialDate | None:
        value = self.node.get(key)
        if value is None:
            return None
        if isinstance(value, datetime.date):
            value = value.isoformat()
        try:
            return PartialDate.parse(str(value))
        except ValueError as error:
            raise self.fail(key, f"invalid date: {error}") from error

    def sources(self, key: str = "source") -> tuple[str, ...]:
        """The citable URLs of a fact; not-citable ones are dropped (they never reach the graph).

        Under a source policy every URL's domain must be listed, and at least one must be citable.
        """
        urls = self.texts(key)
        if not urls:
            raise self.fail(None, "fact without a source: add 'source:' with the URL of a page that states it")
        for url in urls:
            if not url.startswith(("https://", "http://")) or _NOT_IN_IRI.search(url):
                raise self.fail(key, f"source {url!r} is not an http(s) URL (percent-encode spaces, quotes and <>)")
        policy = _POLICY.get()
        if policy is None:
            return urls
        entries = []
        for url in urls:
            entry = policy.entry(url)
            if entry is None:
                raise self.fail(
                    key,
                    f"source domain {host_of(url)!r} is not classified in {POLICY_FILE} "
                    f"(add it with a tier: {', '.join(TIERS)})",
                )
            entries.append(entry)
        citable = tuple(url for url, entry in zip(urls, entries, strict=True) if entry.tier != "not-citable")
        if not citable:
            why = "; ".join(f"{e.domain}: {e.reason}" for e in dict.fromkeys(entries))
            raise self.fail(key, f"every source of this fact is not citable ({why}); cite the original publisher")
        return citable

    def dated(self) -> dict[str, PartialDate | None]:
        """``as_of``, ``start`` and ``end`` of a fact, with end not before start."""
        dates = {key: self.date(key) for key in ("as_of", "start", "end")}
        start, end = dates["start"], dates["end"]
        if start and end and end.before(start):
            raise self.fail("end", f"the fact ends ({end}) before it starts ({start})")
        return dates

    def items(self, key: str) -> list[tuple[Any, str]]:
        value = self.node.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            raise self.fail(key, "expected a list")
        return [(item, f"{self.field}.{key}[{i}]") for i, item in enumerate(value)]


_DATES = ("as_of", "start", "end")


def _sourced(
    path: Path, node: Any, field: str, key: str, parse: Callable[[_Reader], object], extra: tuple[str, ...] = ()
) -> Sourced:
    reader = _Reader(path, node, field)
    reader.check_keys((key, *extra, "source", "note", *_DATES))
    value = parse(reader)
    return Sourced(value, reader.sources(), reader.at(key), **reader.dated())


def _organization(path: Path, node: Any, field: str) -> Organization:
    r = _Reader(path, node, field)
    r.check_keys(
        (
            "id",
            "name",
            "aliases",
            "roles",
            "status",
            "former_names",
            "headquarters",
            "founded",
            "wikidata",
            "chemistries",
            "applications",
            "owners",
            "events",
            "candidates",
            "reason",
            "note",
        )
    )
    org_id = r.key("id")
    status = r.choice("status", ORG_STATUSES, default="resolved")
    if status == "unresolved" and not r.text("reason"):
        raise r.fail(None, f"unresolved entity {org_id!r} needs a 'reason'")

    def one(key: str, parse: Callable[[_Reader], object], extra: tuple[str, ...] = ()) -> Sourced | None:
        node_value = r.node.get(key)
        if node_value is None:
            return None
        return _sourced(path, node_value, f"{field}.{key}", _VALUE_KEYS[key], parse, extra)

    def many(key: str) -> tuple[Sourced, ...]:
        return tuple(_sourced(path, item, f, "id", lambda x: x.key("id")) for item, f in r.items(key))

    city: list[str | None] = [None]

    def headquarters(reader: _Reader) -> str:
        city[0] = reader.text("city")
        return (reader.text("country", required=True) or "").upper()

    former_names = []
    for item, f in r.items("former_names"):
        n = _Reader(path, item, f)
        n.check_keys(("name", "until", "source", "note"))
        former_names.append(FormerName(n.text("name", required=True) or "", n.date("until"), n.sources(), n.at()))

    stakes = []
    for item, f in r.items("owners"):
        s = _Reader(path, item, f)
        s.check_keys(("owner", "kind", "share", "start", "end", "as_of", "source", "note"))
        stakes.append(
            Stake(
                owner=s.key("owner"),
                owned=org_id,
                kind=s.choice("kind", STAKE_KINDS),
                share=s.number("share", 0, 100),
                start=s.date("start"),
                end=s.date("end"),
                sources=s.sources(),
                note=s.text("note"),
                location=s.at(),
                as_of=s.date("as_of"),
            )
        )
    events = []
    for item, f in r.items("events"):
        e = _Reader(path, item, f)
        e.check_keys(("kind", "other", "date", "signed", "source", "note"))
        events.append(
            LineageEvent(
                subject=org_id,
                kind=e.choice("kind", EVENT_KINDS),
                other=e.text("other"),
                date=e.date("date"),
                sources=e.sources(),
                note=e.text("note"),
                location=e.at(),
                signed=e.date("signed"),
            )
        )
    hq = one("headquarters", headquarters, extra=("city",))
    return Organization(
        id=org_id,
        name=r.text("name", required=True),
        aliases=r.aliases(),
        roles=tuple(_role(r, role) for role in r.texts("roles")),
        status=status,
        headquarters=hq,
        headquarters_city=city[0],
        former_names=tuple(former_names),
        founded=one("founded", lambda x: x.year("year")),
        wikidata=one("wikidata", lambda x: x.text("id", required=True)),
        chemistries=many("chemistries"),
        applications=many("applications"),
        owners=tuple(stakes),
        events=tuple(events),
        candidates=r.texts("candidates"),
        reason=r.text("reason"),
        note=r.text("note"),
        location=r.at(),
    )


def _role(reader: _Reader, role: str) -> Role:
    if role not in ROLES:
        raise reader.fail("roles", f"{role!r} is not one of: {', '.join(ROLES)}")
    return cast(Role, role)


_VALUE_KEYS = {"headquarters": "country", "founded": "year", "wikidata": "id"}


def _scheme_sources(path: Path, scheme: str) -> tuple[tuple[str, str], ...]:
    header = (read_yaml(path) or {}).get("scheme") or {}
    if not isinstance(header, dict) or header.get("source") is None:
        return ()
    return tuple((scheme, url) for url in _Reader(path, header, "scheme").sources())


def _concepts(path: Path, scheme: str) -> tuple[Concept, ...]:
    document = read_yaml(path)
    top = _Reader(path, document, scheme)
    concepts = []
    for item, field in top.items("concepts"):
        r = _Reader(path, item, field)
        r.check_keys(
            (
                "id",
                "label",
                "alt",
                "broader",
                "narrower",
                "definition",
                "close_match",
                "include",
                "exclude",
                "source",
                "note",
            )
        )
        close = tuple(
            _sourced(path, m, f, "iri", lambda x: x.text("iri", required=True)) for m, f in r.items("close_match")
        )
        concepts.append(
            Concept(
                scheme=scheme,
                id=r.key("id"),
                label=r.text("label", required=True),
                alt=r.texts("alt"),
                broader=r.text("broader"),
                narrower=r.texts("narrower"),
                definition=r.text("definition"),
                close_match=close,
                m49_include=r.texts("include"),
                m49_exclude=r.texts("exclude"),
                location=r.at(),
            )
        )
    return tuple(concepts)


def _registered_file(reader: _Reader) -> str:
    """A registered document's path: relative, under ``sources/``, so the build reads nothing else on the machine."""
    name = reader.text("file", required=True) or ""
    parts = Path(name).parts
    if Path(name).is_absolute() or ".." in parts or len(parts) < 2 or parts[0] != "sources":
        raise reader.fail("file", f"{name!r} must be a relative path under sources/ (no absolute path, no '..')")
    return name


def _document_url(reader: _Reader) -> str | None:
    url = reader.text("url")
    if url is not None and (not url.startswith(("https://", "http://")) or _NOT_IN_IRI.search(url)):
        raise reader.fail("url", f"{url!r} is not an http(s) URL (percent-encode spaces, quotes and <>)")
    return url


def _sources(path: Path) -> tuple[SourceDocument, ...]:
    documents = []
    for item, field in _Reader(path, {"sources": read_yaml(path)}, "").items("sources"):
        r = _Reader(path, item, field.lstrip("."))
        r.check_keys(("id", "file", "title", "publisher", "url", "retrieved", "sha256", "note"))
        documents.append(
            SourceDocument(
                id=r.key("id"),
                file=_registered_file(r),
                title=r.text("title"),
                publisher=r.text("publisher"),
                url=_document_url(r),
                retrieved=r.date("retrieved"),
                sha256=r.text("sha256"),
                location=r.at(),
            )
        )
    return tuple(documents)


def _plant(path: Path, node: Any, field: str) -> Plant:
    r = _Reader(path, node, field)
    r.check_keys(
        (
            "id",
            "name",
            "aliases",
            "kind",
            "product",
            "operators",
            "site",
            "chemistries",
            "status",
            "capacity",
            "production_start",
            "note",
        )
    )
    operators = []
    for item, f in r.items("operators"):
        o = _Reader(path, item, f)
        o.check_keys(("org", "start", "end", "source", "note"))
        dates = o.dated()
        operators.append(PlantOperator(o.key("org"), dates["start"], dates["end"], o.sources(), o.at("org")))
    if not operators:
        raise r.fail("operators" if "operators" in r.node else None, "a plant needs at least one operator")
    if r.node.get("site") is None:
        raise r.fail(None, "missing required field 'site'")
    s = _Reader(path, r.node["site"], f"{field}.site")
    s.check_keys(("city", "region", "country", "lat", "long", "source", "note"))
    lat, long = s.number("lat", -90, 90), s.number("long", -180, 180)
    if (lat is None) != (long is None):
        raise s.fail("lat" if lat is None else "long", "give both lat and long, or neither")
    site = Site(
        country=(s.text("country", required=True) or "").upper(),
        city=s.text("city"),
        region=s.text("region"),
        lat=lat,
        long=long,
        sources=s.sources(),
        location=s.at("country"),
    )
    statuses = []
    for item, f in r.items("status"):
        st = _Reader(path, item, f)
        st.check_keys(("status", "since", "source", "note"))
        statuses.append(
            StatusChange(
                st.choice("status", PLANT_STATUSES), st.date("since"), st.sources(), st.text("note"), st.at("status")
            )
        )
    capacity = []
    for item, f in r.items("capacity"):
        c = _Reader(path, item, f)
        c.check_keys(("gwh", "tonnes", "as_of", "status", "source", "note"))
        units = [unit for unit in ("gwh", "tonnes") if c.node.get(unit) is not None]
        if len(units) != 1:
            raise c.fail(None, "a capacity figure has exactly one of gwh: (cells) or tonnes: (materials)")
        as_of = c.date("as_of")
        if as_of is None:
            raise c.fail(None, "a capacity figure needs 'as_of': the date it refers to")
        capacity.append(
            Capacity(
                value=c.number(units[0], 0, 10_000_000) or 0.0,
                unit=units[0],  # type: ignore[arg-type]  # one of the two checked above
                as_of=as_of,
                status=c.choice("status", PLANT_STATUSES) if c.node.get("status") is not None else None,
                sources=c.sources(),
                note=c.text("note"),
                location=c.at(units[0]),
            )
        )
    start = r.node.get("production_start")
    planned = False
    if start is not None:
        ps = _Reader(path, start, f"{field}.production_start")
        planned = ps.node.get("planned") is True
        if ps.node.get("planned") not in (None, True, False):
            raise ps.fail("planned", "expected true or false")
        production_start = _sourced(
            path, start, f"{field}.production_start", "date", lambda x: x.date("date"), extra=("planned",)
        )
        if production_start.value is None:
            raise ps.fail(None, "missing required field 'date'")
    return Plant(
        id=r.key("id"),
        name=r.text("name", required=True) or "",
        kind=r.choice("kind", PLANT_KINDS, default="production"),
        product=r.choice("product", PRODUCTS, default="cells"),
        operators=tuple(operators),
        site=site,
        chemistries=tuple(_sourced(path, item, f, "id", lambda x: x.key("id")) for item, f in r.items("chemistries")),
        status=tuple(statuses),
        capacity=tuple(capacity),
        production_start=production_start if start is not None else None,
        production_start_planned=planned,
        aliases=r.aliases(),
        note=r.text("note"),
        location=r.at(),
    )


def _agreement(path: Path, node: Any, field: str) -> Agreement:
    r = _Reader(path, node, field)
    r.check_keys(
        (
            "id",
            "kind",
            "title",
            "parties",
            "signed",
            "start",
            "end",
            "status",
            "volume_gwh",
            "volume_note",
            "amount",
            "plant",
            "source",
            "note",
        )
    )
    parties = []
    for item, f in r.items("parties"):
        p = _Reader(path, item, f)
        p.check_keys(("org", "role", "note"))
        parties.append(Party(p.key("org"), p.choice("role", PARTY_ROLES), p.at("org")))
    if len(parties) < 2:
        raise r.fail("parties" if "parties" in r.node else None, "an agreement needs at least two parties")
    amount, currency = None, None
    if r.node.get("amount") is not None:
        a = _Reader(path, r.node["amount"], f"{field}.amount")
        a.check_keys(("value", "currency"))
        amount = a.number("value", 0, 1e15)
        currency = a.text("currency", required=True) or ""
        if amount is None:
            raise a.fail(None, "missing required field 'value'")
        if not re.fullmatch(r"[A-Z]{3}", currency):
            raise a.fail("currency", f"{currency!r} is not an ISO 4217 currency code (three capital letters)")
    dates = r.dated()
    sources = r.sources()
    return Agreement(
        id=r.key("id"),
        kind=r.choice("kind", AGREEMENT_KINDS),
        title=r.text("title", required=True) or "",
        parties=tuple(parties),
        status=r.choice("status", AGREEMENT_STATUSES),
        sources=sources,
        signed=r.date("signed"),
        start=dates["start"],
        end=dates["end"],
        volume_gwh=r.number("volume_gwh", 0, 100_000),
        volume_note=r.text("volume_note"),
        amount=amount,
        currency=currency,
        plant=r.key("plant") if r.node.get("plant") is not None else None,
        note=r.text("note"),
        location=r.at(),
    )


def read_policy(path: Path) -> SourcePolicy:
    """The source policy in ``path``: domains with their tier, a reason for each not-citable one."""
    top = _Reader(path, read_yaml(path) or {}, "")
    top.check_keys(("domains",))
    entries: dict[str, DomainTier] = {}
    for item, field in top.items("domains"):
        r = _Reader(path, item, field.lstrip("."))
        r.check_keys(("domain", "tier", "reason"))
        domain = (r.text("domain", required=True) or "").lower()
        if not re.fullmatch(r"[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*", domain):
            raise r.fail("domain", f"{domain!r} is not a host name (no scheme, path or port)")
        tier = r.choice("tier", TIERS)
        reason = r.text("reason")
        if tier == "not-citable" and not reason:
            raise r.fail(None, f"not-citable domain {domain!r} needs a 'reason'")
        if domain in entries:
            raise r.fail("domain", f"domain {domain!r} is listed twice (first at {entries[domain].location})")
        entries[domain] = DomainTier(domain, tier, reason, r.at("domain"))
    return SourcePolicy(tuple(entries.values()))


def _as_of(path: Path) -> PartialDate | None:
    r = _Reader(path, read_yaml(path) or {}, "")
    r.check_keys(("title", "licence", "as_of", "note"))
    as_of = r.date("as_of")
    if as_of is None:
        raise r.fail(None, "missing required field 'as_of' (the date the data is current as of)")
    return as_of


def _listed(directory: Path, what: str, read: Callable[[Path, Any, str], Any]) -> list[Any]:
    """Every record of every YAML list file in ``directory`` (sorted by file name)."""
    records: list[Any] = []
    for path in sorted(directory.glob("*.yaml")):
        items = read_yaml(path) or []
        if not isinstance(items, list):
            raise DataError(f"expected a list of {what}", Location(path, getattr(items, "line", 1)))
        records.extend(read(path, item, f"[{i}]") for i, item in enumerate(items))
    return records


def load_reference(data_dir: Path, check: bool = True) -> ReferenceData:
    """Read and validate everything under ``data_dir``.

    Raises :class:`~kg.errors.DataError` naming the file, line and field of
    the first problem found. With ``source-policy.yaml`` in the folder, every
    source URL must be classified and every fact must have a citable source.
    """
    data_dir = Path(data_dir)
    policy_file, dataset_file = data_dir / POLICY_FILE, data_dir / DATASET_FILE
    policy = read_policy(policy_file) if policy_file.exists() else None
    with _policy(policy):
        return _load(data_dir, policy, _as_of(dataset_file) if dataset_file.exists() else None, check)


def _load(data_dir: Path, policy: SourcePolicy | None, as_of: PartialDate | None, check: bool) -> ReferenceData:
    organizations: list[Organization] = _listed(data_dir / "companies", "organisations", _organization)
    sources_file = data_dir / "sources.yaml"
    sources = _sources(sources_file) if sources_file.exists() else ()
    if policy is not None:
        for document in sources:
            if document.url and policy.entry(document.url) is None:
                raise DataError(
                    f"source domain {host_of(document.url)!r} is not classified in {POLICY_FILE}",
                    Location(sources_file, document.location.line if document.location else None, "url"),
                )
    reference = ReferenceData(
        organizations=tuple(organizations),
        chemistries=_concepts(data_dir / "chemistries.yaml", "chemistries"),
        applications=_concepts(data_dir / "applications.yaml", "applications"),
        regions=_concepts(data_dir / "regions.yaml", "regions"),
        sources=sources,
        m49_areas=countries.m49_concepts(),
        scheme_sources=tuple(
            pair
            for scheme in ("chemistries", "applications", "regions")
            for pair in _scheme_sources(data_dir / f"{scheme}.yaml", scheme)
        ),
        plants=tuple(_listed(data_dir / "plants", "plants", _plant)),
        agreements=tuple(_listed(data_dir / "agreements", "agreements", _agreement)),
        policy=policy,
        as_of=as_of,
    )
    if check:
        validate(reference, data_dir)
    return reference
