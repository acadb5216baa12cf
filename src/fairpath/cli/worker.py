"""`fairpath worker show|erase|find`: one worker's record and journey, and erasure."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from fairpath.cli import context
from fairpath.services import workers

app = typer.Typer(help="Look up or erase one worker.", no_args_is_help=True)


@app.command()
def show(
    ctx: typer.Context,
    ref: Annotated[str, typer.Argument(help="The worker's reference, e.g. w-000123.")],
    include_personal_data: Annotated[
        bool,
        typer.Option(
            "--include-personal-data", help="Decrypt and show personal data (the read is audited)."
        ),
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")] = False,
) -> None:
    """Show a worker and their journey, newest versions marked."""
    cli = context.get(ctx)
    view = workers.show_worker(
        cli.settings,
        cli.engine(),
        ref,
        actor=context.actor(),
        include_personal_data=include_personal_data,
    )
    if as_json:
        out = {
            "worker": view.record,
            "pii": view.personal,
            "erased_at": view.erased_at.isoformat() if view.erased_at else None,
            "events": [
                {**e.record, "superseded_by": e.superseded_by, "log_index": e.leaf_index}
                for e in view.events
            ],
        }
        typer.echo(json.dumps(out, ensure_ascii=False, indent=2))
        return
    w = view.record
    typer.echo(
        f"worker {w['ref']}: {w['origin_country']} → {w['destination_country']}, {w['sector']}"
    )
    typer.echo(
        f"  employer {w.get('employer_ref', '—')}, site {w.get('site_ref', '—')}, "
        f"recruiters {', '.join(w.get('recruiter_refs', [])) or '—'}"
    )
    if view.erased_at:
        typer.echo(f"  personal data erased on {view.erased_at:%Y-%m-%d}")
    elif view.personal is not None:
        for name, value in view.personal.items():
            typer.echo(f"  {name}: {value}")
    else:
        typer.echo("  personal data held encrypted (use --include-personal-data to show it)")
    typer.echo(f"journey ({len(view.events)} events):")
    for e in view.events:
        mark = f"  [superseded by {e.superseded_by}]" if e.superseded_by else ""
        typer.echo(f"  {e.date}  {e.type:<18} {e.ref}  (log #{e.leaf_index}){mark}")


@app.command()
def erase(
    ctx: typer.Context,
    ref: Annotated[str, typer.Argument(help="The worker's reference.")],
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation.")] = False,
) -> None:
    """Crypto-shred a worker: their key and personal data are destroyed for good."""
    cli = context.get(ctx)
    if not yes:
        typer.confirm(
            f"Erase worker {ref}? Their personal data cannot be recovered afterwards", abort=True
        )
    shredded = workers.erase_worker(cli.settings, cli.engine(), ref, actor=context.actor())
    typer.echo(
        f"worker {ref} erased: data key destroyed, personal data gone; {shredded} log entries "
        "stay in the log but can no longer be opened"
    )


@app.command()
def find(
    ctx: typer.Context,
    passport: Annotated[str | None, typer.Option(help="Passport number to look for.")] = None,
    phone: Annotated[str | None, typer.Option(help="Phone number to look for.")] = None,
) -> None:
    """Find workers by passport number or phone (exact match, without decrypting anyone)."""
    cli = context.get(ctx)
    if (passport is None) == (phone is None):
        raise typer.BadParameter("give exactly one of --passport or --phone")
    field, value = ("passport_number", passport) if passport else ("phone", phone or "")
    refs = workers.find_by_personal_field(cli.settings, cli.engine(), field, value)
    typer.echo("\n".join(refs) if refs else "no worker found")


def register(parent: typer.Typer) -> None:
    """Add the `worker` group to the app."""
    parent.add_typer(app, name="worker")
