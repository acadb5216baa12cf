"""`fairpath init`: set up a data directory (database schema, master key, log key)."""

from __future__ import annotations

import typer

from fairpath.cli import context
from fairpath.services import setup as setup_service


def init(ctx: typer.Context) -> None:
    """Create the data directory, its database schema and its keys (safe to run again)."""
    cli = context.get(ctx)
    report = setup_service.initialise(cli.settings, cli.engine(require_init=False))
    for line in report:
        typer.echo(line)


def register(app: typer.Typer) -> None:
    """Add this module's commands to the app."""
    app.command()(init)
