"""``kg query`` and ``kg queries``: ask the graph in SPARQL, by question name or as text."""

from __future__ import annotations

import shutil
import sys
import warnings
from collections.abc import Mapping
from pathlib import Path

import click
from rdflib import URIRef
from rdflib.term import Node

from ..catalogue import parse_columns
from ..errors import QueryError
from ..explain import why_empty
from ..limits import Limits
from ..query import (
    FORMATS,
    NamedQuery,
    NameIndex,
    bind,
    execute,
    format_result,
    is_query_name,
    literal_argument,
    named_queries,
    named_query,
    parse_header,
    read_query_file,
    run,
)
from ..store import QueryResult, checked
from ..tables import TableView

NAMES_NOTE = """\
Names: a parameter takes a label, alias, code, id or IRI, compared without case, accents or legal form
("Hana Corp." finds "Hana Corporation"); a report also by the start of its id or title. A name that fits
several things means the preferred one: a market region over the UN M49 area of the same name
(region=Europe is the market region `europe`; the M49 area is `m49-150`); otherwise give the id.
Umbrella concepts gather narrower ones across families: chemistry=solid-state is solid-state lithium-ion,
solid-state lithium-metal and lithium-metal-polymer."""
GRAPH_ONLY = ("ttl", "nt", "jsonld", "rdfxml")


def _arguments(params: tuple[str, ...]) -> dict[str, str]:
    arguments = {}
    for param in params:
        name, equals, value = param.partition("=")
        if not equals or not name.strip():
            raise click.UsageError(f"--param {param!r}: write NAME=VALUE, e.g. --param year=2012")
        arguments[name.strip()] = value
    return arguments


def _labels(names: NameIndex | None, result: QueryResult, bindings: Mapping[str, Node]) -> dict[URIRef, str]:
    """The labels a table shows for the things in an answer and its parameters."""
    if names is None or result.kind != "SELECT":
        return {}
    return names.labels_of([*bindings.values(), *(term for row in result.rows for term in row)])


def _from_file(path: Path) -> NamedQuery | str:
    """A .rq file with a ``# Question:`` header runs like a named query (typed parameters); otherwise as plain text."""
    text = read_query_file(path)
    try:
        question, parameters = parse_header(text, path)
    except QueryError:
        return text
    return NamedQuery(path.stem, question, parameters, text, path, parse_columns(text))


@click.command("query")
@click.argument("query", required=False)
@click.option(
    "-f",
    "--file",
    "file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Read the query from a .rq file.",
)
@click.option(
    "-p",
    "--param",
    "params",
    multiple=True,
    metavar="NAME=VALUE",
    help="A parameter, bound (never pasted into the text). Repeat for several.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    help="Output: table (default on a terminal: labels, sources gathered, numbers for reading), csv (default "
    "otherwise), tsv, json (SPARQL 1.1 results), xml, or for CONSTRUCT/DESCRIBE ttl (their default), nt, jsonld, rdfxml.",
)
@click.option("--iris", is_flag=True, help="In a table, show IRIs beside labels (csv, tsv and json always have them).")
@click.option("--wide", is_flag=True, help="In a table, show long text whole instead of cutting it to fit.")
@click.option(
    "--store",
    "store_spec",
    default="oxigraph",
    show_default=True,
    metavar="SPEC",
    help="Store to load the graph into: oxigraph, oxigraph:PATH, memory, or a SPARQL endpoint URL.",
)
@click.option(
    "--endpoint", metavar="URL", help="Ask this SPARQL 1.1 endpoint (its query URL) instead of a local store."
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    metavar="SECONDS",
    help="Stop the query after this many seconds (default: no limit; `kg serve` has 10).",
)
@click.option(
    "--max-rows",
    type=click.IntRange(min=1),
    metavar="N",
    help="Refuse an answer of more than N rows or triples, whole (default: no limit; `kg serve` has 100000).",
)
@click.option(
    "--data",
    "data",
    type=click.Path(dir_okay=False, path_type=Path),
    help="RDF file to load (default: build/battery-kg.trig, built first if missing).",
)
def query(
    query: str | None,
    file: Path | None,
    params: tuple[str, ...],
    fmt: str | None,
    iris: bool,
    wide: bool,
    store_spec: str,
    endpoint: str | None,
    timeout: float | None,
    max_rows: int | None,
    data: Path | None,
) -> None:
    """Run a named query (see `kg queries`), SPARQL text, or a .rq file.

    \b
    kg query parent-chain --param company="Nord Energy" --param year=2010
    kg query 'SELECT ?c WHERE { ?c bkg:makesChemistry chemistry:lfp }'
    kg query -f my-question.rq --format json

    Names (companies, chemistries, regions, ...) may be labels, aliases, codes or ids.
    In SPARQL text the usual prefixes (bkg, id, schema, org, skos, ...) need no PREFIX lines,
    and a --param value is an IRI (<...> or prefix:name), a number, true/false, or a string.
    """
    from ..graph import KnowledgeGraph, StaleBuild, load
    from ..store import StoreSpec, open_store

    if (query is None) == (file is None):
        raise click.UsageError("give either a query (a name or SPARQL text) or -f FILE")
    arguments = _arguments(params)
    target = _from_file(file) if file else str(query)
    if not endpoint and data is None and StoreSpec.parse(store_spec).in_memory:  # a fresh, empty store
        from .. import build as builder

        if not (builder.BUILD_DIR / builder.TRIG_NAME).exists():
            click.echo(f"kg query: no {builder.BUILD_DIR / builder.TRIG_NAME} yet, building it first", err=True)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", StaleBuild)
        graph = KnowledgeGraph(open_store(endpoint)) if endpoint else load(data, store_spec)
    for warning in caught:  # a build older than data/: one line, the answer still comes
        click.echo(f"kg query: warning: {warning.message}", err=True)
    graph.store.limits = Limits(timeout, max_rows)
    try:
        named = target if isinstance(target, NamedQuery) else named_query(target) if is_query_name(target) else None
        text = named.text if named else str(target)
        if fmt is not None and checked(text).returns_graph != (fmt in GRAPH_ONLY):
            form = (
                "a CONSTRUCT or DESCRIBE query gives RDF"
                if checked(text).returns_graph
                else "a SELECT query gives rows"
            )
            fits = "ttl, nt, jsonld or rdfxml" if checked(text).returns_graph else "table, csv, tsv, json or xml"
            raise QueryError(f"--format {fmt} does not fit: {form}; use {fits}")
        if fmt is None:
            fmt = "ttl" if checked(text).returns_graph else ("table" if sys.stdout.isatty() else "csv")
        names = graph.names if fmt == "table" else None  # the labels of a table; bind() looks names up itself
        view = None
        if named:
            bindings = bind(graph.store, named, arguments, names)
            result = run(graph.store, named, bindings, names)
            if fmt == "table":
                reason = (
                    why_empty(graph.store, named, bindings, names)
                    if result.kind == "SELECT" and not result.rows
                    else None
                )
                parameters = [p.name for p in named.parameters]
                view = TableView(bindings, parameters, _labels(names, result, bindings), iris, wide, reason)
        else:
            bindings = {name: literal_argument(value, name) for name, value in arguments.items()}
            result = execute(graph.store, text, bindings, origin=str(file) if file else "query")
            if fmt == "table":
                view = TableView(labels=_labels(names, result, bindings), iris=iris, wide=wide)
        click.echo(format_result(result, fmt, width=shutil.get_terminal_size().columns, view=view), nl=False)
    finally:
        graph.close()


@click.command("queries")
@click.option("-v", "--verbose", is_flag=True, help="Also show each query's file.")
def queries(verbose: bool) -> None:
    """List the named queries: name, question and parameters."""
    for named in named_queries().values():
        click.echo(click.style(named.name, bold=True))
        click.echo(f"  {named.question}")
        for parameter in named.parameters:
            click.echo(
                f"  --param {parameter.name}=...  ({parameter.type}{', optional' if parameter.optional else ''}) "
                f"{parameter.description}"
            )
        if named.columns:
            click.echo(f"  columns: {' '.join(named.columns)}")
        if verbose:
            click.echo(f"  {named.path}")
        click.echo()
    click.echo(NAMES_NOTE)


COMMANDS = [query, queries]
