"""`fairpath serve`: the web application (API, pages, the journey log's files)."""

from __future__ import annotations

from typing import Annotated

import typer

from fairpath.cli import context
from fairpath.web.app import THREADS
from fairpath.web.server import bind, url_of
from fairpath.web.server import serve as run_server


def serve(
    ctx: typer.Context,
    host: Annotated[
        str, typer.Option(help="Address to listen on; 0.0.0.0 for every interface.")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port to listen on.", min=0, max=65535)] = 8000,
    workers: Annotated[
        int,
        typer.Option(
            help="Server processes on the one socket; one per CPU core in production.",
            min=1,
            max=64,
        ),
    ] = 1,
    threads: Annotated[
        int,
        typer.Option(
            help="Threads per server process for requests; more when the database is remote.",
            min=1,
            max=256,
        ),
    ] = THREADS,
) -> None:
    """Serve the web application and print its address; Ctrl-C stops it."""
    cli = context.get(ctx)
    engine = cli.engine()  # a clear error before listening if `fairpath init` was never run
    sock = bind(host, port, workers=workers)
    bound_port = sock.getsockname()[1]
    typer.echo(f"fairpath is serving at {url_of(host, bound_port, cli.settings)} (Ctrl-C to stop)")
    run_server(cli.settings, sock, engine, workers=workers, threads=threads)


def register(app: typer.Typer) -> None:
    """Add `serve` to the app."""
    app.command()(serve)
