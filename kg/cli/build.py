"""``kg build``: reference data and sources → build/battery-kg.trig and .ttl."""

from __future__ import annotations

from pathlib import Path

import click

from ..build import BUILD_DIR, DATA_DIR, ONTOLOGY_DIR
from ..build import build as run_build


@click.command()
@click.option(
    "--data",
    "data_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=DATA_DIR,
    show_default=True,
    help="Reference data folder.",
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=BUILD_DIR,
    show_default=True,
    help="Where to write battery-kg.trig and battery-kg.ttl.",
)
@click.option(
    "--ontology",
    "ontology_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=ONTOLOGY_DIR,
    show_default=True,
    help="Ontology and SHACL shapes folder.",
)
@click.option("--no-sources", is_flag=True, help="Build from the reference data only, without ingesting data/sources.")
@click.option("-q", "--quiet", is_flag=True, help="Print nothing but errors.")
def build(data_dir: Path, out_dir: Path, ontology_dir: Path, no_sources: bool, quiet: bool) -> None:
    """Load and validate the data, build the triples, run SHACL, write the graph.

    A failed build changes nothing in the output folder.
    """

    def progress(step: str) -> None:
        if not quiet:
            click.echo(f"kg build: {step}", err=True)

    report = run_build(data_dir, out_dir, ontology_dir, include_sources=not no_sources, progress=progress)
    if not quiet:
        click.echo(report.summary())


COMMANDS = [build]
