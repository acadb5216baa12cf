"""`fairpath import`: bring journey-format files in, each whole or not at all."""

from __future__ import annotations

import getpass
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from fairpath.cli import context
from fairpath.services.importing import FileReport, ImportRejected, import_paths

# How many problems a terminal shows per file before pointing to --problems-out.
SHOWN_PROBLEMS = 50


def import_(
    ctx: typer.Context,
    files: Annotated[
        list[Path],
        typer.Argument(help="JSONL, CSV (or a folder of CSV files) or XLSX files, in any order."),
    ],
    problems_out: Annotated[
        Path | None,
        typer.Option("--problems-out", help="Write every problem found to this text file."),
    ] = None,
) -> None:
    """Import journey-format files; every problem in a file is reported and the file is skipped."""
    cli = context.get(ctx)
    engine = cli.engine()
    console = Console(stderr=True)
    with Progress(
        TextColumn("importing"),
        BarColumn(),
        TextColumn("{task.completed:,} records"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        disable=not console.is_terminal,
    ) as bar:
        task = bar.add_task("import", total=None)
        try:
            reports = import_paths(
                cli.settings, engine, files, actor=_actor(), progress=lambda n: bar.advance(task, n)
            )
        except ImportRejected as rejected:
            bar.stop()
            _print_reports(rejected.reports, problems_out)
            raise
    _print_reports(reports, problems_out)


def _print_reports(reports: list[FileReport], problems_out: Path | None) -> None:
    for report in reports:
        if report.ok:
            typer.echo(
                f"{report.file}: imported — {report.added:,} added, {report.unchanged:,} unchanged"
            )
            continue
        typer.echo(f"{report.file}: NOT imported — {report.problem_count:,} problem(s):", err=True)
        for text in report.problems[:SHOWN_PROBLEMS]:
            typer.echo(f"  {text}", err=True)
        hidden = report.problem_count - min(len(report.problems), SHOWN_PROBLEMS)
        if hidden > 0:
            hint = "" if problems_out else " (use --problems-out FILE to see them all)"
            typer.echo(f"  … and {hidden:,} more{hint}", err=True)
    if problems_out is not None:
        lines = [p for r in reports for p in r.problems]
        problems_out.write_text("\n".join(lines) + ("\n" if lines else ""), encoding="utf-8")


def _actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


def register(app: typer.Typer) -> None:
    """Add this module's commands to the app."""
    app.command(name="import")(import_)
