"""``kg viz``: the built graph → one self-contained, offline, interactive HTML page."""

from __future__ import annotations

from pathlib import Path

import click

from ..build import BUILD_DIR, TRIG_NAME, stale
from ..errors import KgError
from ..lookup import NameIndex
from ..netx import NODE_TYPES, select, to_networkx
from ..store import open_store
from ..viz import Layout, write_page


def _types(ctx: click.Context, param: click.Parameter, value: str | None) -> list[str] | None:
    if value is None:
        return None
    types = [t.strip() for t in value.split(",") if t.strip()]
    unknown = [t for t in types if t not in NODE_TYPES]
    if unknown or not types:
        raise click.BadParameter(f"{', '.join(unknown) or 'nothing given'}; choose from {', '.join(NODE_TYPES)}")
    return types


@click.command()
@click.option(
    "-o",
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=BUILD_DIR / "graph.html",
    show_default=True,
    help="The page to write (only this file is written).",
)
@click.option(
    "--focus",
    metavar="NAME",
    help="Show only what is within --depth links of this entity (name, alias or IRI), and highlight it "
    "and its path to the top of its group. Countries, regions, concepts and documents are reached but "
    "not passed through.",
)
@click.option(
    "--depth", type=click.IntRange(min=0), default=1, show_default=True, help="Links from --focus to include."
)
@click.option("--types", callback=_types, metavar="TYPE,...", help=f"Only these node types: {', '.join(NODE_TYPES)}.")
@click.option(
    "--at",
    "year",
    type=int,
    metavar="YEAR",
    help="The year the page's time slider starts on (the map as on 31 December of YEAR); default: the last year.",
)
@click.option(
    "--layout",
    type=click.Choice(["force", "hierarchy"]),
    default="force",
    show_default=True,
    help="How the page opens: the network (forces) or the ownership tree (groups on top).",
)
@click.option(
    "--store",
    "store_spec",
    default=str(BUILD_DIR / TRIG_NAME),
    show_default=True,
    help="An RDF file (.trig, .nq, .ttl, .nt) to read, or a persistent Oxigraph store as oxigraph:PATH.",
)
@click.option("--title", default="battery-kg", show_default=True, help="The page title.")
def viz(
    out: Path,
    focus: str | None,
    depth: int,
    types: list[str] | None,
    year: int | None,
    layout: Layout,
    store_spec: str,
    title: str,
) -> None:
    """Write an interactive industry map that works offline: a time slider, layers, ownership and force
    layouts, search, and every fact with its sources."""
    if store_spec.startswith("oxigraph:"):
        store = open_store(store_spec)
    else:
        path = Path(store_spec)
        if not path.is_file():
            raise KgError(f"no graph at {path}: run `kg build` first, or give --store")
        if message := stale(path):
            click.echo(f"kg viz: warning: {message}", err=True)
        store = open_store("oxigraph")
        store.load_file(path)
    try:
        whole = to_networkx(store)
        # the same name look-up as kg query and the API (kg.lookup): aliases, ids, preferred senses
        center = str(NameIndex(store).resolve(focus)) if focus is not None else None
    finally:
        store.close()
    if center is not None and center not in whole:
        raise KgError(f"{focus!r} ({center}) is not on the network page (only entities are)")
    # the page holds the whole map and opens on the focus's neighbourhood, so "Show all" widens it
    if types is not None and center is not None:
        types = [*types, whole.nodes[center]["type"]]
    graph = select(whole, types=types)
    page = write_page(graph, out, title=title, at=year, focus=center, depth=depth if center else None, layout=layout)
    click.echo(f"wrote {page.path}: {page.nodes} entities, {page.edges} links, {page.bytes / 1e6:.1f} MB")


COMMANDS = [viz]
