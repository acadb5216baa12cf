"""The `fairpath` command: global options, the sub-commands, and error presentation.

Errors a person can act on (FairpathError) print as one sentence on stderr with exit code 1;
anything unexpected prints a short sentence too (exit code 70) — never a traceback, since a
traceback can carry personal data. Set FAIRPATH_DEBUG=1 to see it when developing.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from fairpath.cli import accounts as accounts_cli
from fairpath.cli import assess, context, demo, law, log, receipt, records, setup, witness, worker
from fairpath.cli import grievances as grievances_cli
from fairpath.cli import report as report_cli
from fairpath.cli import serve as serve_cli
from fairpath.domain.errors import FairpathError

app = typer.Typer(
    name="fairpath",
    help="fairpath: verifiable records of migrant workers' recruitment journeys.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


@app.callback()
def main(
    ctx: typer.Context,
    data_dir: Annotated[
        Path | None,
        typer.Option(
            "--data-dir",
            help="Directory with all state (database, keys, log tiles). "
            "Default: $FAIRPATH_DATA_DIR or ./fairpath-data.",
        ),
    ] = None,
) -> None:
    """fairpath: verifiable records of migrant workers' recruitment journeys."""
    ctx.obj = context.build_context(data_dir)
    ctx.call_on_close(ctx.obj.close)


for module in (setup, records, worker, log, witness, receipt, assess, law):
    module.register(app)
for module in (serve_cli, accounts_cli, demo):
    module.register(app)
grievances_cli.register_commands(app)
report_cli.register(app)


def run() -> None:
    """Console entry point: run the app and turn errors into sentences."""
    try:
        app()
    except FairpathError as error:
        typer.secho(f"error: {error}", err=True, fg=typer.colors.RED)
        sys.exit(1)
    except KeyboardInterrupt:
        typer.echo("interrupted; nothing was half-written (a file imports whole or not)", err=True)
        sys.exit(130)
    except Exception as error:
        if os.environ.get("FAIRPATH_DEBUG") == "1":
            raise
        typer.secho(
            f"error: fairpath failed unexpectedly ({type(error).__name__}). Nothing was "
            "half-written. Re-run with FAIRPATH_DEBUG=1 to see details, and report it.",
            err=True,
            fg=typer.colors.RED,
        )
        sys.exit(70)
