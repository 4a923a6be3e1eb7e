"""The ``kg`` command line: one click command per module, registered here."""

from __future__ import annotations

import sys

import click

from ..errors import KgError


class _Group(click.Group):
    """Turns every KgError into one line on stderr and exit code 1, never a traceback."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except KgError as error:
            click.echo(f"kg: error: {error}", err=True)
            sys.exit(1)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="battery-kg")
def main() -> None:
    """battery-kg: a knowledge graph of the battery industry."""


def _register() -> None:
    from . import build, ingest, query, serve, viz

    for module in (build, ingest, query, serve, viz):
        for command in module.COMMANDS:
            main.add_command(command)


_register()
