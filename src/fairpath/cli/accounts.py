"""`fairpath accounts …`: the first admin, users of organisations, grants, and worker cards."""

from __future__ import annotations

from typing import Annotated

import typer

from fairpath.cli import context
from fairpath.domain.errors import InvalidInputError
from fairpath.services import accounts
from fairpath.services.tenancy import Role

app = typer.Typer(help="Accounts, roles and worker cards.", no_args_is_help=True)
card_app = typer.Typer(help="Worker cards: access code and PIN.", no_args_is_help=True)
app.add_typer(card_app, name="card")

STAFF_ROLES = [r.value for r in Role if r is not Role.WORKER]


def _password(given: str | None) -> str:
    if given:
        return given
    value: str = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    return value


@app.command("create-admin")
def create_admin(
    ctx: typer.Context,
    login: Annotated[str, typer.Argument(help="The admin's login, e.g. an email address.")],
    password: Annotated[
        str | None,
        typer.Option(
            envvar="FAIRPATH_NEW_PASSWORD",
            help="The password (default: asked for, not echoed). At least 12 characters.",
        ),
    ] = None,
    name: Annotated[str | None, typer.Option(help="Name shown in the pages.")] = None,
) -> None:
    """Create a platform admin (sees everything, manages accounts)."""
    cli = context.get(ctx)
    accounts.create_account(
        cli.settings,
        cli.engine(),
        login=login,
        role=Role.PLATFORM_ADMIN,
        password=_password(password),
        actor=context.actor(),
        display_name=name,
    )
    typer.echo(f"platform admin '{login}' created; sign in with `fairpath serve`")


@app.command("add-user")
def add_user(
    ctx: typer.Context,
    *,
    login: Annotated[str, typer.Argument(help="The user's login, e.g. an email address.")],
    role: Annotated[str, typer.Option(help=f"One of: {', '.join(STAFF_ROLES)}.")],
    org: Annotated[
        str | None,
        typer.Option(help="The organisation's ref (needed for org_admin and org_member)."),
    ] = None,
    password: Annotated[
        str | None,
        typer.Option(envvar="FAIRPATH_NEW_PASSWORD", help="The password (default: asked for)."),
    ] = None,
    name: Annotated[str | None, typer.Option(help="Name shown in the pages.")] = None,
) -> None:
    """Add a user with a role, in an organisation when the role needs one."""
    if role not in STAFF_ROLES:
        raise InvalidInputError(
            f"unknown role '{role}'; use one of {', '.join(STAFF_ROLES)} "
            "(workers get a card: `fairpath accounts card issue`)"
        )
    cli = context.get(ctx)
    accounts.create_account(
        cli.settings,
        cli.engine(),
        login=login,
        role=Role(role),
        password=_password(password),
        actor=context.actor(),
        org_ref=org,
        display_name=name,
    )
    typer.echo(f"{role} '{login}' created" + (f" in {org}" if org else ""))


@app.command("grant")
def grant(
    ctx: typer.Context,
    login: Annotated[str, typer.Argument(help="The auditor's login.")],
    org: Annotated[str, typer.Option(help="The organisation the auditor may read.")],
) -> None:
    """Let an auditor read one organisation's workers (pseudonymised, read-only)."""
    cli = context.get(ctx)
    accounts.grant_auditor(cli.engine(), login, org, actor=context.actor())
    typer.echo(f"auditor '{login}' may now read {org}")


@app.command("assign")
def assign(
    ctx: typer.Context,
    login: Annotated[str, typer.Argument(help="The case handler's login.")],
    worker: Annotated[str, typer.Option(help="The worker's ref.")],
) -> None:
    """Assign a worker to a case handler (who then sees them, with personal data)."""
    cli = context.get(ctx)
    accounts.assign_worker(cli.engine(), login, worker, actor=context.actor())
    typer.echo(f"worker {worker} assigned to '{login}'")


@card_app.command("issue")
def card_issue(
    ctx: typer.Context,
    worker: Annotated[str, typer.Argument(help="The worker's ref, e.g. W-000123.")],
    issued_by: Annotated[
        str, typer.Option(help="Who hands the card over: the employer's, recruiter's or NGO's ref.")
    ],
) -> None:
    """Issue a worker card (access code + PIN); any earlier card of the worker stops working."""
    cli = context.get(ctx)
    card = accounts.issue_card(
        cli.settings, cli.engine(), worker, issued_by=issued_by, actor=context.actor()
    )
    typer.echo(f"worker card for {card.worker_ref} (shown once — print or write it down now):")
    typer.echo(f"  card code: {card.code}")
    typer.echo(f"  PIN:       {card.pin}")


@card_app.command("revoke")
def card_revoke(
    ctx: typer.Context,
    worker: Annotated[str, typer.Argument(help="The worker's ref.")],
) -> None:
    """Revoke a worker's card (lost or stolen); their open sessions end too."""
    cli = context.get(ctx)
    count = accounts.revoke_cards(cli.engine(), worker, actor=context.actor())
    typer.echo(f"{count} card(s) of {worker} revoked; issue a new one with `card issue`")


def register(parent: typer.Typer) -> None:
    """Add the `accounts` group to the app."""
    parent.add_typer(app, name="accounts")
