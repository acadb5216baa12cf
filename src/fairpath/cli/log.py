"""`fairpath log key|checkpoint|proof|consistency|verify|status`: the log for monitors and auditors.

The names and outputs are an interface other tools rely on: `checkpoint` prints the signed
(cosigned) note verbatim, `proof` a c2sp.org/tlog-proof@v1 bundle, `consistency` one base64
hash per line, `key` the verifier key `name+hex8+base64`.
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from typing import Annotated

import typer

from fairpath.cli import context
from fairpath.domain.errors import FairpathError
from fairpath.ledger.note import b64
from fairpath.services import journal_log, log_audit

app = typer.Typer(
    help="The verifiable journey log: keys, checkpoints, proofs, checks.", no_args_is_help=True
)


@app.command()
def key(ctx: typer.Context) -> None:
    """Print the log's public verifier key (give it to witnesses, monitors and workers)."""
    typer.echo(journal_log.log_vkey(context.get(ctx).settings))


@app.command()
def checkpoint(ctx: typer.Context) -> None:
    """Print the latest signed checkpoint, signing a new one first if the log has grown."""
    cli = context.get(ctx)
    result = journal_log.publish(cli.settings, cli.engine(), datetime.now(UTC))
    for problem in result.problems:
        typer.echo(f"warning: {problem}", err=True)
    if not result.published:
        typer.echo(
            "warning: this checkpoint lacks its witness quorum (not yet published)", err=True
        )
    sys.stdout.write(result.note)


@app.command()
def proof(
    ctx: typer.Context,
    index: Annotated[int, typer.Option("--index", help="The entry's index in the log.")],
) -> None:
    """Print a c2sp.org/tlog-proof@v1 bundle for entry INDEX against the latest checkpoint."""
    cli = context.get(ctx)
    sys.stdout.write(
        journal_log.inclusion_bundle(cli.settings, cli.engine(), index, datetime.now(UTC))
    )


@app.command()
def consistency(
    ctx: typer.Context,
    from_size: Annotated[int, typer.Option("--from-size", help="The older tree size.")],
) -> None:
    """Print the consistency proof from size N to the latest checkpoint, one hash per line."""
    cli = context.get(ctx)
    _, hashes = journal_log.consistency(cli.settings, cli.engine(), from_size, datetime.now(UTC))
    for h in hashes:
        typer.echo(b64(h))


@app.command()
def verify(ctx: typer.Context) -> None:
    """Recompute the log from its entries; check hashes, checkpoints, tiles and records."""
    cli = context.get(ctx)
    report = log_audit.verify_log(cli.settings, cli.engine())
    if not report.ok:
        for problem in report.problems:
            typer.echo(f"inconsistent: {problem}", err=True)
        raise FairpathError(f"the log does NOT verify: {len(report.problems)} problem(s) above")
    typer.echo(
        f"log verified: {report.size:,} entries, {report.checkpoints:,} signed checkpoints "
        f"consistent, {report.tiles:,} tile files match; {report.opened:,} records open their "
        f"leaves ({report.unopenable:,} unopenable after erasure)"
    )


@app.command()
def status(ctx: typer.Context) -> None:
    """Show the log's size, its last signed and published checkpoints, and its witnesses."""
    cli = context.get(ctx)
    s = journal_log.status(cli.settings, cli.engine())
    typer.echo(f"origin: {s.origin}")
    typer.echo(f"key: {s.vkey}")
    typer.echo(f"entries: {s.size:,}")
    for label, cp in (("signed", s.signed), ("published", s.published)):
        if cp is None:
            typer.echo(f"{label}: none yet")
        else:
            at = datetime.fromtimestamp(cp.signed_at, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
            typer.echo(f"{label}: size {cp.size:,} (signed {at})")
    if s.quorum is None:
        typer.echo("witnesses: none configured (checkpoints are published once signed)")
        return
    for name, url, cosigned in s.witnesses:
        typer.echo(f"witness {name} {url}: {'cosigned' if cosigned else 'NOT cosigned'}")
    typer.echo(f"quorum {s.quorum}: {'met' if s.quorum_met else 'NOT met'}")


def register(parent: typer.Typer) -> None:
    """Add the `log` group to the app."""
    parent.add_typer(app, name="log")
