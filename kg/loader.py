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
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from .errors import DataError, Location
from .namespaces import is_key
from .records import (
    Concept,
    LineageEvent,
    Organization,
    PartialDate,
    ReferenceData,
    SourceDocument,
    Sourced,
    Stake,
)
from .validate import validate

STAKE_KINDS = ("parent", "minority", "joint-venture")
EVENT_KINDS = ("spun-off-from", "business-acquired-by", "merged-into", "renamed-from", "dissolved")
ORG_STATUSES = ("resolved", "unresolved")
ROLES = (
    "cell-maker",
    "developer",
    "materials-supplier",
    "component-supplier",
    "equipment-maker",
    "recycler",
    "car-maker",
    "electronics-maker",
    "energy-company",
    "holding",
    "investor",
    "joint-venture",
)


class _Node(dict):
    """A YAML mapping that remembers the line of each of its keys."""

    line: int
    key_lines: dict[str, int]


class _LineLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
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

    def text(self, key: str, required: bool = False) -> str | None:
        value = self.node.get(key)
        if value is None:
            if required:
                raise self.fail(None, f"missing required field {key!r}")
            return None
        if isinstance(value, (dict, list)):
            raise self.fail(key, f"expected text, found {type(value).__name__}")
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

    def choice(self, key: str, options: tuple[str, ...], default: str | None = None) -> str:
        value = self.text(key) or default
        if value not in options:
            raise self.fail(key, f"{value!r} is not one of: {', '.join(options)}")
        return value

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
        urls = self.texts(key)
        if not urls:
            raise self.fail(None, "fact without a source: add 'source:' with the URL of a page that states it")
        for url in urls:
            if not url.startswith(("https://", "http://")) or _NOT_IN_IRI.search(url):
                raise self.fail(key, f"source {url!r} is not an http(s) URL (percent-encode spaces, quotes and <>)")
        return urls

    def items(self, key: str) -> list[tuple[Any, str]]:
        value = self.node.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            raise self.fail(key, "expected a list")
        return [(item, f"{self.field}.{key}[{i}]") for i, item in enumerate(value)]


def _sourced(path: Path, node: Any, field: str, key: str, parse: Callable[[_Reader], object]) -> Sourced:
    reader = _Reader(path, node, field)
    reader.check_keys((key, "source", "note"))
    return Sourced(parse(reader), reader.sources(), reader.at(key))


def _organization(path: Path, node: Any, field: str) -> Organization:
    r = _Reader(path, node, field)
    r.check_keys(
        (
            "id",
            "name",
            "aliases",
            "roles",
            "status",
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

    def one(key: str, parse: Callable[[_Reader], object]) -> Sourced | None:
        node_value = r.node.get(key)
        return None if node_value is None else _sourced(path, node_value, f"{field}.{key}", _VALUE_KEYS[key], parse)

    def many(key: str) -> tuple[Sourced, ...]:
        return tuple(_sourced(path, item, f, "id", lambda x: x.text("id", required=True)) for item, f in r.items(key))

    stakes = []
    for item, f in r.items("owners"):
        s = _Reader(path, item, f)
        s.check_keys(("owner", "kind", "share", "start", "end", "source", "note"))
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
            )
        )
    events = []
    for item, f in r.items("events"):
        e = _Reader(path, item, f)
        e.check_keys(("kind", "other", "date", "source", "note"))
        events.append(
            LineageEvent(
                subject=org_id,
                kind=e.choice("kind", EVENT_KINDS),
                other=e.text("other"),
                date=e.date("date"),
                sources=e.sources(),
                note=e.text("note"),
                location=e.at(),
            )
        )
    return Organization(
        id=org_id,
        name=r.text("name", required=True),
        aliases=r.texts("aliases"),
        roles=tuple(_role(r, role) for role in r.texts("roles")),
        status=status,
        headquarters=one("headquarters", lambda x: x.text("country", required=True).upper()),
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


def _role(reader: _Reader, role: str) -> str:
    if role not in ROLES:
        raise reader.fail("roles", f"{role!r} is not one of: {', '.join(ROLES)}")
    return role


_VALUE_KEYS = {"headquarters": "country", "founded": "year", "wikidata": "id"}


def _scheme_sources(path: Path, scheme: str) -> tuple[tuple[str, str], ...]:
    header = (read_yaml(path) or {}).get("scheme") or {}
    if not isinstance(header, dict) or header.get("source") is None:
        return ()
    return tuple((scheme, url) for url in _Reader(path, header, "scheme").sources())


def _m49_areas(path: Path) -> tuple[Concept, ...]:
    areas = []
    for item, field in _Reader(path, read_yaml(path), "regions").items("m49_areas"):
        r = _Reader(path, item, field)
        r.check_keys(("code", "name", "parent"))
        areas.append(
            Concept(
                "m49",
                r.text("code", required=True),
                r.text("name", required=True),
                broader=r.text("parent"),
                location=r.at(),
            )
        )
    return tuple(areas)


def _concepts(path: Path, scheme: str) -> tuple[Concept, ...]:
    document = read_yaml(path)
    top = _Reader(path, document, scheme)
    concepts = []
    for item, field in top.items("concepts"):
        r = _Reader(path, item, field)
        r.check_keys(
            ("id", "label", "alt", "broader", "definition", "close_match", "include", "exclude", "source", "note")
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


def load_reference(data_dir: Path, check: bool = True) -> ReferenceData:
    """Read and validate everything under ``data_dir``.

    Raises :class:`~kg.errors.DataError` naming the file, line and field of
    the first problem found.
    """
    data_dir = Path(data_dir)
    organizations: list[Organization] = []
    for path in sorted((data_dir / "companies").glob("*.yaml")):
        items = read_yaml(path) or []
        if not isinstance(items, list):
            raise DataError("expected a list of organisations", Location(path, getattr(items, "line", 1)))
        organizations.extend(_organization(path, item, f"[{i}]") for i, item in enumerate(items))
    sources_file = data_dir / "sources.yaml"
    reference = ReferenceData(
        organizations=tuple(organizations),
        chemistries=_concepts(data_dir / "chemistries.yaml", "chemistries"),
        applications=_concepts(data_dir / "applications.yaml", "applications"),
        regions=_concepts(data_dir / "regions.yaml", "regions"),
        sources=_sources(sources_file) if sources_file.exists() else (),
        m49_areas=_m49_areas(data_dir / "regions.yaml"),
        scheme_sources=tuple(
            pair
            for scheme in ("chemistries", "applications", "regions")
            for pair in _scheme_sources(data_dir / f"{scheme}.yaml", scheme)
        ),
    )
    if check:
        validate(reference, data_dir)
    return reference
