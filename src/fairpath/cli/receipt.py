"""`fairpath receipt REF --out FILE` and `fairpath verify FILE --key VKEY`: workers' evidence.

`verify` works offline, anywhere: it needs no database and no data directory, only the
receipt and the public keys of the log and witnesses.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from fairpath.cli import context
from fairpath.domain.errors import FairpathError
from fairpath.services import receipts


def receipt(
    ctx: typer.Context,
    ref: Annotated[str, typer.Argument(help="The record's reference, e.g. an event e-123.")],
    out: Annotated[Path, typer.Option("--out", help="File to write the receipt to.")],
) -> None:
    """Write a worker's receipt: the record, its salt and the proof it is in the log."""
    cli = context.get(ctx)
    issued = receipts.issue_receipt(cli.settings, cli.engine(), ref, datetime.now(UTC))
    out.write_text(issued.text(), encoding="utf-8")
    typer.echo(
        f"receipt for {issued.kind} {issued.ref} (log entry {issued.index}, checkpoint of "
        f"{issued.checkpoint_size} entries) written to {out}"
    )


def verify(
    file: Annotated[Path, typer.Argument(help="The receipt file.")],
    key: Annotated[str, typer.Option("--key", help="The log's verifier key.")],
    witness: Annotated[
        list[str] | None,
        typer.Option("--witness", help="A witness's verifier key (repeatable)."),
    ] = None,
    quorum: Annotated[
        int | None,
        typer.Option(
            "--quorum", help="How many of the witnesses must have cosigned (default all)."
        ),
    ] = None,
) -> None:
    """Check a receipt offline and print the record in plain words."""
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise FairpathError(f"cannot read the receipt {file}: {exc}") from exc
    verified = receipts.verify_receipt_text(text, key, witness or [], quorum)
    typer.echo("VALID receipt: this record is in the log exactly as shown.")
    for line in receipts.summary(verified):
        typer.echo(f"  {line}")


def register(app: typer.Typer) -> None:
    """Add this module's commands to the app."""
    app.command()(receipt)
    app.command()(verify)
