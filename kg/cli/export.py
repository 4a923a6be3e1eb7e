"""``kg export``: the graph as GraphML (Gephi, yEd), JSON-LD, or CSV tables (entities, stakes, plants, agreements)."""

from __future__ import annotations

import warnings
from pathlib import Path

import click

from ..errors import KgError


@click.command("export")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["graphml", "jsonld", "csv"]),
    required=True,
    help="graphml (one file, for Gephi or yEd), jsonld (one file, every named graph) or csv (a folder of four tables).",
)
@click.option(
    "-o",
    "--out",
    type=click.Path(path_type=Path),
    required=True,
    help="The file to write (graphml, jsonld) or the folder (csv).",
)
@click.option("--at", "year", type=int, metavar="YEAR", help="GraphML and CSV: only ownership as it stood in YEAR.")
@click.option(
    "--types", metavar="TYPES", help="GraphML and CSV: only these node types, comma-separated (e.g. company,plant)."
)
@click.option(
    "--data",
    "data",
    type=click.Path(dir_okay=False, path_type=Path),
    help="RDF file to export (default: build/battery-kg.trig, built first if missing).",
)
def export(fmt: str, out: Path, year: int | None, types: str | None, data: Path | None) -> None:
    """Write the graph for other tools.

    \b
    kg export --format graphml -o build/battery-kg.graphml
    kg export --format jsonld -o build/battery-kg.jsonld
    kg export --format csv -o build/csv --at 2020
    """
    from ..export import write_csv, write_graphml, write_jsonld
    from ..graph import StaleBuild, load
    from ..netx import select

    if fmt == "jsonld" and (year is not None or types):
        raise KgError("--at and --types cut the network view: they apply to graphml and csv, not jsonld")
    if fmt == "csv" and out.exists() and not out.is_dir():
        raise KgError(f"{out}: a file; csv needs a folder to write its four tables into")
    if fmt != "csv" and out.is_dir():
        raise KgError(f"{out}: a folder; {fmt} is written to one file")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", StaleBuild)
        graph = load(data)
    for warning in caught:  # a build older than data/: one line, the export still comes
        click.echo(f"kg export: warning: {warning.message}", err=True)
    try:
        if fmt == "jsonld":
            written = [write_jsonld(graph.store, out)]
        else:
            wanted = [t.strip() for t in types.split(",") if t.strip()] if types else None
            network = select(graph.to_networkx(), at=year, types=wanted) if (year or wanted) else graph.to_networkx()
            written = write_csv(network, out) if fmt == "csv" else [write_graphml(network, out)]
    finally:
        graph.close()
    for path in written:
        click.echo(f"wrote {path}")


COMMANDS = [export]
