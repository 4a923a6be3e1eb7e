"""The ``kg`` command line: one click module per command group, registered here."""

from __future__ import annotations

import importlib
import sys

import click

from ..errors import KgError

# command name -> module that defines it. Modules are imported only when their
# command runs: the viz and serve stacks would add half a second to `kg build`.
_COMMANDS = {
    "build": "build",
    "check": "ingest",
    "export": "export",
    "ingest": "ingest",
    "push": "serve",
    "queries": "query",
    "query": "query",
    "serve": "serve",
    "viz": "viz",
}


class _Group(click.Group):
    """Loads commands on demand; turns every KgError into one line on stderr and exit code 1."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(_COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in _COMMANDS:
            return None
        module = importlib.import_module(f"{__name__}.{_COMMANDS[name]}")
        return next(command for command in module.COMMANDS if command.name == name)

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
