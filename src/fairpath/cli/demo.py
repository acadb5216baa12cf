"""`fairpath demo`: generate, import, assess and serve a realistic supply chain."""

from __future__ import annotations

from typing import Annotated

import typer

from fairpath.cli import context
from fairpath.cli.assess import print_run_summary
from fairpath.reports.service import write_report_to_data_dir
from fairpath.services.accounts import ensure_demo_accounts
from fairpath.services.demo import demo_brand, run_demo
from fairpath.web.server import bind, url_of
from fairpath.web.server import serve as run_server


def demo(
    ctx: typer.Context,
    workers: Annotated[
        int, typer.Option(min=1, help="How many workers' journeys to generate.")
    ] = 2000,
    seed: Annotated[int, typer.Option(help="Seed: the same seed gives the same data set.")] = 7,
    serve: Annotated[
        bool, typer.Option("--serve/--no-serve", help="Serve the web app afterwards.")
    ] = True,
    host: Annotated[str, typer.Option(help="Address the web app listens on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=0, max=65535, help="Port of the web app.")] = 8000,
) -> None:
    """Set up a data directory with a realistic demo supply chain, assess it, and serve it."""
    cli = context.get(ctx)
    engine = cli.engine(require_init=False)
    result = run_demo(cli.settings, engine, workers=workers, seed=seed, say=typer.echo)
    typer.echo("")
    print_run_summary(engine, result.run, limit=8)
    brand = demo_brand(engine)
    if brand is not None:
        typer.echo("")
        typer.echo(f"writing the due-diligence report for {brand} …")
        for fmt in ("pdf", "html"):
            path = write_report_to_data_dir(cli.settings, engine, brand, fmt)
            typer.echo(f"  {path}")
    accounts = ensure_demo_accounts(cli.settings, engine)
    typer.echo("")
    typer.echo("Demo accounts (for this demo only; new passwords on every run):")
    for account in accounts:
        typer.echo(f"  {account.role:<34} {account.login:<22} {account.secret}")
    if not serve:
        return
    sock = bind(host, port)
    url = url_of(host, sock.getsockname()[1], cli.settings)
    typer.echo("")
    typer.echo(f"fairpath is serving the demo at {url} (Ctrl-C to stop)")
    run_server(cli.settings, sock, engine)


def register(app: typer.Typer) -> None:
    """Add `demo` to the app."""
    app.command()(demo)
