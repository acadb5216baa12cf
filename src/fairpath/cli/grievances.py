"""`fairpath grievances …`: run due escalations, export the complaints register, set a
programme's deadlines, assign a case, and list cases (redacted: the CLI is the operator's, and
the operator is not a case's handler)."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated

import typer

from fairpath.cli import context
from fairpath.services import grievances
from fairpath.services.tenancy import Principal, Role
from fairpath.web.portal_grievances import wording

app = typer.Typer(
    help="The grievance mechanism: deadlines, register, programmes.", no_args_is_help=True
)


class Format(StrEnum):
    """Register formats."""

    CSV = "csv"
    JSON = "json"


def _operator() -> Principal:
    """The CLI reads as a platform admin does: every case, never a complainant's identity."""
    return Principal(
        account_id=0, login=context.actor(), display_name="operator", role=Role.PLATFORM_ADMIN
    )


@app.command("tick")
def tick(ctx: typer.Context) -> None:
    """Escalate every case past its deadline to its programme's independent party (run it from
    cron when the server's scheduler is off)."""
    cli = context.get(ctx)
    done = grievances.tick(cli.settings, cli.engine(), datetime.now(UTC), wording=wording)
    for case in done:
        typer.echo(f"{case.ref}: escalated to {case.to} ({case.reason})")
    typer.echo(f"{len(done)} case(s) escalated")


@app.command("register")
def register(
    ctx: typer.Context,
    form: Annotated[Format, typer.Option("--format", help="csv or json.")] = Format.CSV,
) -> None:
    """Print the complaints register (CSDDD Art. 14 / LkSG §8): source, anonymity, status,
    founded or not and why, follow-up, remedy, dates; never identities or words."""
    cli = context.get(ctx)
    rows = grievances.register(cli.settings, cli.engine(), _operator())
    sys.stdout.write(grievances.register_text(rows, form.value))


@app.command("list")
def list_cases(
    ctx: typer.Context,
    overdue: Annotated[bool, typer.Option(help="Only cases past a deadline.")] = False,
) -> None:
    """List cases, newest first, with status, deadlines and escalation."""
    cli = context.get(ctx)
    page = grievances.list_cases(
        cli.settings, cli.engine(), _operator(), overdue_only=overdue, limit=10_000
    )
    for c in page.items:
        late = " OVERDUE" if c.overdue else ""
        to = f" → {c.escalated_to}" if c.escalated_to else ""
        typer.echo(f"{c.ref}  {c.filed_at:%Y-%m-%d}  {c.category:<22} {c.status}{late}{to}")
    typer.echo(f"{page.total} case(s)")


@app.command("programme")
def programme(
    ctx: typer.Context,
    ref: Annotated[
        str,
        typer.Argument(
            help="The programme's reference; `default` for all cases "
            "whose employer has no programme."
        ),
    ],
    *,
    employer: Annotated[
        str | None, typer.Option(help="The employer (organisation) it covers.")
    ] = None,
    acknowledge_days: Annotated[int, typer.Option(help="Days to acknowledge.")] = 7,
    remedy_days: Annotated[int, typer.Option(help="Days to a remedy proposal or decision.")] = 30,
    escalate_to: Annotated[
        str | None, typer.Option(help="The independent party (NGO, union or brand reference).")
    ] = None,
    handler: Annotated[str | None, typer.Option(help="Case handler login new cases go to.")] = None,
) -> None:
    """Create or change a grievance programme's deadlines and independent party."""
    cli = context.get(ctx)
    made = grievances.set_programme(
        cli.settings,
        cli.engine(),
        ref,
        employer_ref=employer,
        acknowledge_days=acknowledge_days,
        remedy_days=remedy_days,
        escalate_to=escalate_to,
        handler_login=handler,
        actor=context.actor(),
    )
    typer.echo(
        f"programme {made.ref}: acknowledge within {made.deadlines.acknowledge_days} days, "
        f"remedy within {made.deadlines.remedy_days} days, overdue cases go to {made.escalate_to}"
    )


@app.command("assign")
def assign(
    ctx: typer.Context,
    case: Annotated[str, typer.Argument(help="The case reference, e.g. G-7K3QX9PA.")],
    handler: Annotated[str, typer.Argument(help="The case handler's login.")],
) -> None:
    """Assign a case to a case handler (who then sees the complainant and their words)."""
    cli = context.get(ctx)
    grievances.assign(cli.engine(), case, handler, actor=context.actor())
    typer.echo(f"case {case} assigned to {handler}")


def register_commands(parent: typer.Typer) -> None:
    """Add the `grievances` group to the app."""
    parent.add_typer(app, name="grievances")
