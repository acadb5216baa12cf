"""`fairpath import|export|template`: the journey format in and out (spec/journey-format.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from fairpath.cli import context
from fairpath.interchange.templates import template_files
from fairpath.services.exporting import ExportFormat, export_data_set
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
                cli.settings,
                engine,
                files,
                actor=context.actor(),
                progress=lambda n: bar.advance(task, n),
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


def export(
    ctx: typer.Context,
    out: Annotated[Path, typer.Option("--out", help="File to write (a folder for --format csv).")],
    form: Annotated[
        str, typer.Option("--format", help="jsonl (default), csv (a folder of files) or xlsx.")
    ] = "jsonl",
    include_personal_data: Annotated[
        bool,
        typer.Option(
            "--include-personal-data",
            help="Include names, passport numbers, phones and grievance texts (audited).",
        ),
    ] = False,
) -> None:
    """Export the whole data set; importing it into an empty data directory reproduces it."""
    cli = context.get(ctx)
    report = export_data_set(
        cli.settings,
        cli.engine(),
        out,
        form=_export_format(form),
        include_personal_data=include_personal_data,
        actor=context.actor(),
    )
    note = "with personal data" if report.personal_data else "without personal data"
    typer.echo(f"exported {report.records:,} records to {report.path} ({note})")


def _export_format(form: str) -> ExportFormat:
    if form == "jsonl":
        return "jsonl"
    if form == "csv":
        return "csv"
    if form == "xlsx":
        return "xlsx"
    raise typer.BadParameter(
        f"'{form}' is not a format; use jsonl, csv or xlsx", param_hint="--format"
    )


def template(
    form: Annotated[
        str, typer.Option("--format", help="xlsx (one workbook) or csv (files).")
    ] = "xlsx",
    out: Annotated[Path, typer.Option("--out", help="Folder to write the template into.")] = Path(
        "."
    ),
) -> None:
    """Write the empty import templates (header rows; the XLSX has a guide sheet)."""
    if form not in ("csv", "xlsx"):
        raise typer.BadParameter(
            f"'{form}' is not a template format; use xlsx or csv", param_hint="--format"
        )
    out.mkdir(parents=True, exist_ok=True)
    for name, content in template_files("csv" if form == "csv" else "xlsx").items():
        (out / name).write_bytes(content)
        typer.echo(f"wrote {out / name}")


def register(app: typer.Typer) -> None:
    """Add this module's commands to the app."""
    app.command(name="import")(import_)
    app.command()(export)
    app.command()(template)
