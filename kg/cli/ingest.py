"""``kg ingest`` (read reports, register them as sources) and ``kg check`` (flags of every registered report)."""

from __future__ import annotations

import datetime
import hashlib
import json
import sys
from pathlib import Path

import click
import yaml

from ..build import DATA_DIR
from ..errors import KgError
from ..files import write_atomically
from ..ingest import IngestResult, to_json
from ..ingest import ingest as run_ingest
from ..ingest.document import read_file
from ..ingest.fetch import is_url
from ..loader import POLICY_FILE, load_reference, read_policy
from ..records import PartialDate, ReferenceData, SourceDocument, host_of

_SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}

_data_option = click.option(
    "--data", "data_dir", type=click.Path(file_okay=False, path_type=Path), default=DATA_DIR, show_default=True,
    help="Reference data folder (with sources.yaml and sources/).",
)  # fmt: skip
_format_option = click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True, help="Output format."
)


@click.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--dry-run", is_flag=True, help="Print what would be extracted; change nothing.")
@_format_option
@_data_option
def ingest(paths: tuple[str, ...], dry_run: bool, fmt: str, data_dir: Path) -> None:
    """Read market reports (HTML, Markdown, text or text PDF; files or http(s) URLs) and register them as sources.

    Without --dry-run each document is copied to DATA/sources/ and added to
    DATA/sources.yaml (unless the same content is registered already); the
    next `kg build` puts its claims into the graph. A URL is fetched with a
    time limit, a size limit and a content-type check; its retrieval date is
    recorded.
    """
    reference = load_reference(data_dir)
    outputs, failed = [], False
    for argument in paths:
        try:
            if is_url(argument):
                result = run_ingest(argument, reference)
                registered = next((s for s in reference.sources if s.sha256 == result.sha256), None)
            else:
                registered = _registered(reference, Path(argument))
                result = run_ingest(Path(argument), reference, source=registered)
            note = f"already registered as {registered.id}" if registered else None
            if not dry_run and registered is None:
                entry = _register(result, data_dir)
                note = f"registered as {entry.id} ({entry.file}); run `kg build` to add it to the graph"
        except KgError as error:
            click.echo(f"kg: error: {error}", err=True)
            failed = True
            continue
        outputs.append((result, note))
    if fmt == "json":
        documents = [to_json(result) | ({"registration": note} if note else {}) for result, note in outputs]
        click.echo(
            json.dumps(documents[0] if len(paths) == 1 and documents else documents, indent=2, ensure_ascii=False)
        )
    else:
        for result, note in outputs:
            click.echo(_text(result, note))
    if failed:
        sys.exit(1)


@click.command()
@_format_option
@_data_option
@click.option("--fail-on", type=click.Choice(["error", "warning", "never"]), default="never", show_default=True,
              help="Exit with status 1 when a flag of this severity (or worse) is raised.")  # fmt: skip
def check(fmt: str, data_dir: Path, fail_on: str) -> None:
    """Run the consistency checks over every registered report and print the flags."""
    reference = load_reference(data_dir)
    results = []
    for document in reference.sources:
        results.append(run_ingest(data_dir / document.file, reference, source=document))
    if fmt == "json":
        payload = {r.source_id: [flag for flag in to_json(r)["flags"]] for r in results}
        click.echo(json.dumps(payload, indent=2, ensure_ascii=False))
    else:
        for result in results:
            click.echo(f"{result.source_id}: {len(result.flags)} flags")
            click.echo(_flags_text(result))
    threshold = _SEVERITY_ORDER.get(fail_on, -1)
    if any(_SEVERITY_ORDER[f.severity] <= threshold for r in results for f in r.flags):
        sys.exit(1)


def _registered(reference: ReferenceData, path: Path) -> SourceDocument | None:
    """The registered source with the same content as ``path``, if any."""
    try:
        digest = hashlib.sha256(read_file(path)).hexdigest()
    except KgError:
        return None  # ingest reports the problem with the file
    return next((s for s in reference.sources if s.sha256 == digest), None)


def _register(result: IngestResult, data_dir: Path) -> SourceDocument:
    """Copy the document under data/sources/ and append its entry to data/sources.yaml (atomically)."""
    sources_dir = data_dir / "sources"
    target = sources_dir / result.path.name
    if target.exists() and target.read_bytes() != result.content:
        raise KgError(f"{target} exists with other content; rename {result.path} before ingesting it")
    document = result.extraction.document
    url = result.url or document.url
    policy_file = data_dir / POLICY_FILE
    policy = read_policy(policy_file) if policy_file.exists() else None
    if url and policy is not None and policy.entry(url) is None:
        # the loader refuses a source on an unclassified domain: registering it would break every later build
        if result.url:
            raise KgError(
                f"{result.url}: domain {host_of(url)!r} is not classified in {policy_file}; "
                "add it there (with its tier) before ingesting from it"
            )
        url = None
    if not target.exists():
        sources_dir.mkdir(parents=True, exist_ok=True)
        write_atomically(target, result.content)
    entry = SourceDocument(
        id=result.source_id,
        file=f"sources/{target.name}",
        title=document.title,
        publisher=document.publisher,
        url=url,
        retrieved=PartialDate.parse(result.retrieved or datetime.date.today().isoformat()),
        sha256=result.sha256,
    )
    record = {
        "id": entry.id,
        "file": entry.file,
        "title": entry.title,
        "publisher": entry.publisher,
        "url": entry.url,
        "retrieved": str(entry.retrieved),
        "sha256": entry.sha256,
    }
    sources_yaml = data_dir / "sources.yaml"
    before = sources_yaml.read_text(encoding="utf-8") if sources_yaml.exists() else ""
    block = yaml.safe_dump(
        [{k: v for k, v in record.items() if v is not None}], sort_keys=False, allow_unicode=True, width=100
    )
    text = before + ("" if not before or before.endswith("\n") else "\n") + block
    write_atomically(sources_yaml, text)
    return entry


def _text(result: IngestResult, note: str | None) -> str:
    extraction = result.extraction
    market = extraction.market
    by_key = {(r.kind, r.mention): r for r in result.resolutions}
    period = f"{market.period_start}–{market.period_end}" if market.period_start else "no period"
    lines = [
        f"{result.path}  →  source {result.source_id}  ({extraction.document.format}, sha256 {result.sha256[:12]}…)",
        f"  market: {market.name or '?'} ({period}); publisher: {extraction.document.publisher or '?'}; "
        f"report id: {extraction.document.report_id or '?'}",
    ]
    if note:
        lines.append(f"  {note}")
    lines.append(f"  companies ({len(extraction.companies)}):")
    for company in extraction.companies:
        found = by_key[("company", company.mention)]
        target = found.id or ", ".join(c.id for c in found.candidates) or "new entity"
        lines.append(f"    {company.mention} → {target} [{found.status} {found.confidence:.2f}]")
        for relation in company.relations:
            lines.append(f"      {relation.relation} {relation.object}")
    lines.append(f"  segments ({len(extraction.segments)}):")
    for segment in extraction.segments:
        numbers = f" [{_num(segment.min)}..{_num(segment.max)} {segment.unit}]" if segment.unit else ""
        kind = "application" if segment.kind == "application" else "chemistry"
        r = by_key.get((kind, segment.mention))
        resolved = f" → {r.id or r.status}" if r else ""
        lines.append(f"    {segment.kind}: {segment.mention}{numbers}{resolved}")
    lines.append(f"  regions ({len(extraction.regions)}):")
    for listing in extraction.regions:
        r = by_key.get(("region", listing.mention))
        names = ", ".join(
            f"{m.mention}={m.iso2 or m.grouping or '?'}" + ("*" if m.flags else "") for m in listing.countries
        )
        lines.append(f"    {listing.mention or '(no region)'} → {r.id if r and r.id else '?'}: {names}")
    lines.append(f"  figures ({len(extraction.figures)}):")
    for figure in extraction.figures:
        value = f"{figure.value:g}%" if figure.unit == "percent" else f"{figure.value:,.0f} {figure.unit}"
        when = f" {figure.year or ''}{figure.period_start or ''}{'-' if figure.period_end else ''}{figure.period_end or ''}"
        qualifier = f"{figure.qualifier} " if figure.qualifier else ""
        lines.append(f"    {figure.metric}: {qualifier}{value}{when.rstrip()} [{figure.scope_kind}: {figure.scope}]")
    lines.append(f"  flags ({len(result.flags)}):")
    lines.append(_flags_text(result))
    for warning in result.warnings:
        lines.append(f"  warning: {warning}")
    return "\n".join(lines)


def _flags_text(result: IngestResult) -> str:
    flags = sorted(result.flags, key=lambda f: _SEVERITY_ORDER[f.severity])
    return "\n".join(f"    [{f.severity}] {f.kind}: {f.message}" for f in flags)


def _num(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


COMMANDS = [ingest, check]
