"""Scorecards of suppliers and recruiters: findings, remedy and the trend across runs.

One row per supplier (employer) or recruiter in scope — a brand's chain with `--org`, else the
whole data set — read from the last few assessment runs (one pass each, `reports.collect`).
The recruiter scorecard is meant for choosing recruiters: rows are ordered by the share of their
workers with findings bearing on forced labour (FL indicators), lowest first, and show licence
validity and IRIS status. A recruiter or supplier with fewer than 5 workers in a run shows "<5"
for every figure of that run (it could otherwise single workers out).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from sqlalchemy import Engine

from fairpath.domain.errors import InvalidInputError
from fairpath.reports.collect import Tally, collect
from fairpath.reports.privacy import K
from fairpath.reports.render import html_to_pdf, render_html
from fairpath.reports.runs import choose_runs, recent_runs
from fairpath.reports.scope import Scope, load_scope, whole_data_set
from fairpath.services.assessment import AssessmentRun, get_run


class ScorecardKind(StrEnum):
    SUPPLIERS = "suppliers"
    RECRUITERS = "recruiters"


_DIMENSION = {ScorecardKind.SUPPLIERS: "supplier", ScorecardKind.RECRUITERS: "recruiter"}


@dataclass(frozen=True)
class RunFigures:
    """One group's figures in one run (None: fewer than K workers, not shown)."""

    workers: int | None
    with_findings_pct: str | None
    forced_labour_pct: str | None  # workers with a finding bearing an ILO indicator
    findings: int | None
    remedy_confirmed_pct: str | None  # of workers owed remedy, those who confirmed receiving some


@dataclass(frozen=True)
class ScorecardRow:
    ref: str
    name: str
    country: str
    licence: str
    iris_status: str
    runs: tuple[RunFigures | None, ...]  # oldest first; None: not present in that run

    @property
    def latest(self) -> RunFigures | None:
        return self.runs[-1]

    @property
    def trend(self) -> str:
        """Share of workers with forced-labour findings, run by run (oldest first)."""
        return " → ".join((r.forced_labour_pct or "<5") if r else "—" for r in self.runs)


@dataclass(frozen=True)
class Scorecard:
    kind: ScorecardKind
    scope: Scope
    runs: tuple[AssessmentRun, ...]
    rows: tuple[ScorecardRow, ...]
    generated_at: datetime


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.0f}%" if whole else "—"


def figures(t: Tally) -> RunFigures:
    if t.workers < K:
        return RunFigures(None, None, None, None, None)
    fl = t.with_ilo
    owed = sum(m.workers_owed for m in t.money.values())
    confirmed = sum(m.workers_confirmed for m in t.money.values())
    return RunFigures(
        t.workers,
        _pct(t.with_findings, t.workers),
        _pct(fl, t.workers),
        t.findings,
        _pct(confirmed, owed),
    )


def build_scorecard(
    engine: Engine,
    kind: ScorecardKind | str,
    org_ref: str | None,
    runs: int = 3,
    *,
    now: datetime | None = None,
) -> Scorecard:
    """Scorecards of suppliers or recruiters over the last `runs` assessment runs."""
    kind = ScorecardKind(kind)
    if runs < 1:
        raise InvalidInputError("--runs must be at least 1")
    with engine.connect() as conn:
        scope = load_scope(conn, org_ref) if org_ref else whole_data_set(conn)
        latest, _ = choose_runs(conn, None)
        run_ids = recent_runs(conn, latest, runs)
    dim = _DIMENSION[kind]
    per_run = [
        collect(engine, scope, run_id, None, grievances=None, cost_reader=None).groups[dim]
        for run_id in run_ids
    ]
    refs = sorted({ref for groups in per_run for ref in groups})
    rows = []
    for ref in refs:
        org = scope.orgs.get(ref)
        licence = "—"
        if org is not None and org.licence:
            until = org.licence.get("valid_until") or "open-ended"
            licence = f"{org.licence.get('number')} (until {until})"
        rows.append(
            ScorecardRow(
                ref=ref,
                name=org.name if org else ref,
                country=org.country if org else "",
                licence=licence,
                iris_status=org.iris_status if org else "",
                runs=tuple(figures(g[ref]) if ref in g else None for g in per_run),
            )
        )
    rows.sort(key=_selection_order)
    return Scorecard(
        kind,
        scope,
        tuple(get_run(engine, r, breakdowns=False) for r in run_ids),
        tuple(rows),
        now or datetime.now(UTC),
    )


def _selection_order(row: ScorecardRow) -> tuple[int, float, str]:
    """Shown figures first, lowest share of forced-labour findings first, then by name."""
    latest = row.latest
    if latest is None or latest.forced_labour_pct is None:
        return (1, 0.0, row.name)
    return (0, float(latest.forced_labour_pct.rstrip("%")), row.name)


def scorecard_csv(card: Scorecard) -> str:
    """One row per organisation, latest run's figures and the trend."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        [
            "ref",
            "name",
            "country",
            "licence",
            "iris_status",
            "workers",
            "with_findings",
            "forced_labour_findings",
            "findings",
            "remedy_confirmed",
            "trend_forced_labour",
        ]
    )
    for row in card.rows:
        f = row.latest
        cells = (
            ["<5"] * 5
            if f is None or f.workers is None
            else [
                str(f.workers),
                f.with_findings_pct or "",
                f.forced_labour_pct or "",
                str(f.findings),
                f.remedy_confirmed_pct or "",
            ]
        )
        writer.writerow(
            [row.ref, row.name, row.country, row.licence, row.iris_status, *cells, row.trend]
        )
    return out.getvalue()


def render_scorecard(card: Scorecard, fmt: str) -> bytes:
    """The scorecard as pdf, html or csv bytes."""
    if fmt == "csv":
        return scorecard_csv(card).encode("utf-8")
    html = render_html("scorecard.html", {"card": card, "K": K})
    return html_to_pdf(html) if fmt == "pdf" else html.encode("utf-8")
