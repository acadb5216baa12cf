"""`fairpath assess`: run the rule catalogue on the data set, store the findings, print them.

`--format table` (default) prints a summary a terminal can hold whatever the size of the data set
— counts by rule and severity, totals owed and remedy, the first findings — and says how to get
every finding; `--format json` and `--format csv` print every finding, streamed from the stored
run, with a one-line summary on stderr.
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterable
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any, TextIO

import typer
from sqlalchemy import Engine

from fairpath.cli import context
from fairpath.domain.rules import CATALOGUE
from fairpath.services.assessment import (
    AssessmentRun,
    StoredFinding,
    assess_data_set,
    findings_of,
    iter_findings,
    iter_notes,
    remedy_summary,
)

SEVERITIES = ("critical", "high", "medium", "low")
#: Width of the message column in the table of findings.
MESSAGE_WIDTH = 80
CSV_COLUMNS = (
    "ref",
    "worker_ref",
    "rule_id",
    "severity",
    "ilo_indicators",
    "iris_principles",
    "evidence",
    "owed_amount",
    "owed_currency",
    "message",
)


class OutputFormat(StrEnum):
    TABLE = "table"
    JSON = "json"
    CSV = "csv"


def parse_day(value: str | None, option: str) -> date:
    """A YYYY-MM-DD option, defaulting to today (UTC); a clear message when it is not a date."""
    if value is None:
        return datetime.now(UTC).date()
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(
            f"'{value}' is not a date; write it as YYYY-MM-DD, e.g. 2025-12-31",
            param_hint=option,
        ) from None


def assess(
    ctx: typer.Context,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            metavar="DATE",
            help="Assess the journeys as they stood on this date (YYYY-MM-DD). "
            "Default: today (UTC).",
        ),
    ] = None,
    worker: Annotated[
        str | None, typer.Option("--worker", metavar="REF", help="Assess only this worker.")
    ] = None,
    output: Annotated[
        OutputFormat,
        typer.Option("--format", help="table: a summary; json or csv: every finding."),
    ] = OutputFormat.TABLE,
    limit: Annotated[
        int, typer.Option("--limit", min=0, help="How many findings the table lists.")
    ] = 20,
) -> None:
    """Run the rule catalogue on every worker (or one) and store the findings as a new run."""
    day = parse_day(as_of, "--as-of")
    cli = context.get(ctx)
    engine = cli.engine()
    run = assess_data_set(cli.settings, engine, as_of=day, worker_ref=worker, actor=context.actor())
    if output is OutputFormat.TABLE:
        print_run_summary(engine, run, limit)
        return
    if output is OutputFormat.JSON:
        _print_json(engine, run, sys.stdout)
    else:
        _print_csv(iter_findings(engine, run.id), sys.stdout)
    typer.echo(
        f"run {run.id} stored: {_count(run.workers, 'worker')}, "
        f"{_count(run.findings, 'finding')}, {_count(run.notes, 'note')}",
        err=True,
    )


# --- json and csv: every finding --------------------------------------------------------------


def _print_json(engine: Engine, run: AssessmentRun, out: TextIO) -> None:
    """`{"as_of", "findings", "notes"}`, written item by item so that a large run never sits
    in memory as one document."""
    out.write(f'{{"as_of": {json.dumps(run.as_of.isoformat())}, "findings": [')
    _write_items(out, (f.to_json() for f in iter_findings(engine, run.id)))
    out.write('], "notes": [')
    _write_items(out, (n.to_json() for n in iter_notes(engine, run.id)))
    out.write("]}\n")
    out.flush()


def _write_items(out: TextIO, items: Iterable[dict[str, Any]]) -> None:
    for n, item in enumerate(items):
        out.write(("\n  " if n == 0 else ",\n  ") + json.dumps(item, ensure_ascii=False))


def _print_csv(findings: Iterable[StoredFinding], out: TextIO) -> None:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for f in findings:
        writer.writerow(
            [
                f.ref,
                f.worker_ref,
                f.rule_id,
                f.severity,
                ";".join(f.ilo_indicators),
                ";".join(f.iris_principles),
                ";".join(f.evidence),
                "" if f.owed is None else str(f.owed.amount),
                "" if f.owed is None else f.owed.currency,
                f.message,
            ]
        )
    out.flush()


# --- table: a summary a terminal can hold -----------------------------------------------------


def print_run_summary(engine: Engine, run: AssessmentRun, limit: int) -> None:
    scope = f"worker {run.worker_ref}" if run.worker_ref else _count(run.workers, "worker")
    typer.echo(
        f"Assessment run {run.id} as of {run.as_of.isoformat()}: {scope}, "
        f"{_count(run.findings, 'finding')}, {_count(run.notes, 'note')} (rules could not decide "
        "or used an earlier year's exchange rate)"
    )
    typer.echo(f"  law tables: {', '.join(run.law_tables)}")
    typer.echo(f"  rate table: {run.rate_table}")
    if run.findings:
        typer.echo("")
        _print_counts(run)
    _print_remedy(engine, run)
    shown = findings_of(engine, run.id, limit=limit) if limit else []
    if shown:
        typer.echo("")
        typer.echo(f"Findings ({len(shown):,} of {run.findings:,}):")
        for f in shown:
            owed = f"{_money(f.owed.amount)} {f.owed.currency}" if f.owed else "—"
            typer.echo(f"  {f.worker_ref:<12} {f.rule_id:<28} {f.severity:<8} {owed:>16}")
            typer.echo(f"      {_shorten(f.message)}")
    if run.findings > len(shown) or run.notes:
        typer.echo("")
        typer.echo(
            "Every finding and note: `fairpath assess --format json` (or `--format csv` for "
            "findings); `--limit N` lists more here."
        )


def _print_counts(run: AssessmentRun) -> None:
    order = {rule: n for n, rule in enumerate(CATALOGUE)}
    rules = sorted(run.by_rule, key=lambda r: (order.get(r, len(order)), r))
    header = f"  {'rule':<28}" + "".join(f"{s:>10}" for s in SEVERITIES) + f"{'total':>10}"
    typer.echo("Findings by rule and severity:")
    typer.echo(header)
    for rule in rules:
        cells = "".join(f"{run.by_rule_severity.get((rule, s), 0):>10,}" for s in SEVERITIES)
        typer.echo(f"  {rule:<28}{cells}{run.by_rule[rule]:>10,}")
    totals = "".join(f"{run.by_severity.get(s, 0):>10,}" for s in SEVERITIES)
    typer.echo(f"  {'all rules':<28}{totals}{run.findings:>10,}")


def _print_remedy(engine: Engine, run: AssessmentRun) -> None:
    summary = remedy_summary(engine, run.id)
    owing = {c: t for c, t in summary.currencies.items() if t.owed or t.paid}
    if not owing:
        return
    typer.echo("")
    typer.echo("Remedy (destination currency):")
    typer.echo(
        f"  {'currency':<10}{'workers':>9}{'owed':>16}{'paid':>16}{'confirmed':>16}"
        f"{'still owed':>16}"
    )
    for ccy, t in owing.items():
        typer.echo(
            f"  {ccy:<10}{t.workers:>9,}{_money(t.owed):>16}{_money(t.paid):>16}"
            f"{_money(t.confirmed):>16}{_money(t.balance):>16}"
        )
    typer.echo("  (only payments the worker confirmed reduce what is still owed)")


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


def _money(amount: Decimal) -> str:
    return f"{amount:,}"


def _shorten(text: str) -> str:
    return text if len(text) <= MESSAGE_WIDTH else text[: MESSAGE_WIDTH - 1] + "…"


def register(parent: typer.Typer) -> None:
    """Add the `assess` command to the app."""
    parent.command("assess")(assess)
