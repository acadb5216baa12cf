"""`fairpath report` (due-diligence report or scorecards) and `fairpath export-regulatory`.

Thin: parse the options, call `fairpath.reports`, write the file, say what was written.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from fairpath.cli import context
from fairpath.domain.errors import InvalidInputError
from fairpath.reports.regulatory import FRAMEWORKS, export_regulatory
from fairpath.reports.runs import parse_period
from fairpath.reports.scorecards import ScorecardKind, build_scorecard, render_scorecard
from fairpath.reports.service import render_report


def report(
    ctx: typer.Context,
    out: Annotated[Path, typer.Option("--out", help="File to write.")],
    org: Annotated[
        str | None,
        typer.Option(
            "--org", help="Organisation the report is for (brand, supplier or recruiter)."
        ),
    ] = None,
    fmt: Annotated[
        str, typer.Option("--format", help="pdf (PDF/A-3b) or html; scorecards also csv.")
    ] = "pdf",
    period: Annotated[
        str | None,
        typer.Option(
            "--period", help="FROM..TO (YYYY-MM-DD..YYYY-MM-DD): the run as of a date in it."
        ),
    ] = None,
    scorecard: Annotated[
        ScorecardKind | None,
        typer.Option(
            "--scorecard", help="Scorecards of suppliers or recruiters instead of the report."
        ),
    ] = None,
    runs: Annotated[
        int,
        typer.Option("--runs", min=1, help="Scorecards: how many recent runs the trend covers."),
    ] = 3,
) -> None:
    """Write the due-diligence report of an organisation, or supplier/recruiter scorecards."""
    cli = context.get(ctx)
    engine = cli.engine()
    if scorecard is not None:
        if fmt not in ("pdf", "html", "csv"):
            raise InvalidInputError(f"--format {fmt}: scorecards are pdf, html or csv")
        card = build_scorecard(engine, scorecard, org, runs)
        data = render_scorecard(card, fmt)
        what = f"{scorecard.value} scorecard ({len(card.rows)} rows, {len(card.runs)} runs)"
    else:
        if org is None:
            raise InvalidInputError("--org REF is needed: whose report is it?")
        if fmt not in ("pdf", "html"):
            raise InvalidInputError(f"--format {fmt}: the report is pdf or html")
        data = render_report(cli.settings, engine, org, fmt, parse_period(period))
        what = f"due-diligence report for {org}"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)
    typer.echo(f"wrote {what} to {out} ({len(data):,} bytes)")


def export_regulatory_command(
    ctx: typer.Context,
    framework: Annotated[
        str, typer.Option("--framework", help=f"One of: {', '.join(FRAMEWORKS)}.")
    ],
    org: Annotated[str, typer.Option("--org", help="Organisation the export is for.")],
    out: Annotated[Path, typer.Option("--out", help="Directory to write the files into.")],
    period: Annotated[
        str | None, typer.Option("--period", help="FROM..TO, as for `fairpath report`.")
    ] = None,
) -> None:
    """Write a regulator-shaped export (JSON, CSV, JSON Schema, PDF section)."""
    cli = context.get(ctx)
    written = export_regulatory(
        cli.settings, cli.engine(), framework, org, out, period=parse_period(period)
    )
    for path in written:
        typer.echo(f"wrote {path}")


def register(app: typer.Typer) -> None:
    """Add `report` and `export-regulatory` to the app."""
    app.command("report")(report)
    app.command("export-regulatory")(export_regulatory_command)
