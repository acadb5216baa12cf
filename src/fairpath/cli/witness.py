"""`fairpath witness init|serve`: run a C2SP tlog-witness for one or more journey logs.

An NGO or union needs only its witness key, the logs' public keys, and a state file; it never
receives personal data — only checkpoints (a size and a hash).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from fairpath.cli.witness_server import server
from fairpath.domain.errors import FairpathError
from fairpath.services import witnessing

app = typer.Typer(help="Run a witness that cosigns journey-log checkpoints.", no_args_is_help=True)


@app.command()
def init(
    name: Annotated[str, typer.Option("--name", help="The witness's name, e.g. ngo.example/w1.")],
    out: Annotated[Path, typer.Option("--out", help="File to write the private key to.")],
) -> None:
    """Make a witness key; prints the public key the logs put in their witness policy."""
    vkey = witnessing.create_witness_key(name, out)
    typer.echo(f"witness key written to {out} (keep it secret; back it up)")
    typer.echo(vkey)


def _listen(text: str) -> tuple[str, int]:
    host, sep, port = text.rpartition(":")
    if not sep or not host or not port.isdigit() or int(port) > 65535:
        raise FairpathError(f"--listen {text!r} must be HOST:PORT, e.g. 127.0.0.1:7380")
    return host, int(port)


@app.command()
def serve(
    key: Annotated[Path, typer.Option("--key", help="The witness's private key file.")],
    log: Annotated[
        list[str], typer.Option("--log", help="Verifier key of a log to follow (repeatable).")
    ],
    state: Annotated[
        Path, typer.Option("--state", help="File keeping the latest size and root per log.")
    ],
    listen: Annotated[str, typer.Option("--listen", help="HOST:PORT to listen on.")] = (
        "127.0.0.1:7380"
    ),
) -> None:
    """Serve POST /add-checkpoint until interrupted."""
    host, port = _listen(listen)
    keeper = witnessing.WitnessKeeper(witnessing.load_witness(key, log), state)
    follows = ", ".join(sorted(keeper.witness.logs))
    typer.echo(f"witness {keeper.vkey}")
    typer.echo(f"following: {follows}; state in {state}")
    typer.echo(f"listening on http://{host}:{port}/add-checkpoint", err=True)
    server(keeper, host, port).run()


def register(parent: typer.Typer) -> None:
    """Add the `witness` group to the app."""
    parent.add_typer(app, name="witness")
