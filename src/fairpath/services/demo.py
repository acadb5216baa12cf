"""The demo: a realistic supply chain generated, imported, committed to the log and assessed.

`fairpath demo` calls `run_demo`, then serves the web app with one demo account per role.
Deterministic by seed; the demo's world stands on a fixed date (`fairpath.demo.REFERENCE_AS_OF`)
so the same command always shows the same findings.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import Engine, select

from fairpath.config import Settings
from fairpath.demo import REFERENCE_AS_OF, Counts, write_jsonl
from fairpath.services import setup
from fairpath.services.assessment import AssessmentRun, assess_data_set
from fairpath.services.grievances import seed_demo_cases
from fairpath.services.importing import FileReport, import_paths
from fairpath.storage.models import OrganizationRow, table_of

Say = Callable[[str], None]


@dataclass(frozen=True)
class DemoResult:
    """What the demo did: the generated file, the import, the assessment."""

    data_file: Path
    counts: Counts
    imported: list[FileReport]
    run: AssessmentRun


def run_demo(
    settings: Settings,
    engine: Engine,
    *,
    workers: int,
    seed: int,
    as_of: date = REFERENCE_AS_OF,
    say: Say = lambda _line: None,
) -> DemoResult:
    """Set up the data directory, generate the data set, import it, assess it."""
    for line in setup.initialise(settings, engine):
        say(line)
    data_file = settings.data_dir / "demo" / f"demo-{workers}-workers-seed-{seed}.jsonl"
    data_file.parent.mkdir(parents=True, exist_ok=True)
    say(f"generating {workers:,} workers' journeys (seed {seed}, as of {as_of}) …")
    counts = write_jsonl(data_file, workers=workers, seed=seed, as_of=as_of)
    say(
        f"  {counts.records:,} records: {counts.organizations} organizations, {counts.sites} "
        f"sites, {counts.links} links, {counts.workers:,} workers, {counts.events:,} events"
    )
    say("importing (every record committed to the journey log) …")
    imported = import_paths(settings, engine, [data_file], actor="demo")
    say(f"  {imported[0].added:,} added, {imported[0].unchanged:,} already there")
    say(f"assessing against the law in force on {as_of} …")
    run = assess_data_set(settings, engine, as_of=as_of, actor="demo")
    cases = seed_demo_cases(settings, engine, datetime.now(UTC))
    say(f"grievances: {len(cases)} demo cases (open, overdue, escalated, unfounded, confirmed)")
    return DemoResult(data_file, counts, imported, run)


def demo_brand(engine: Engine) -> str | None:
    """The brand the demo's report is written for: the first organisation with the brand role."""
    orgs = table_of(OrganizationRow)
    with engine.connect() as conn:
        rows = conn.execute(select(orgs.c.ref, orgs.c.roles).order_by(orgs.c.ref)).all()
    return next((r.ref for r in rows if "brand" in r.roles.split(";")), None)
