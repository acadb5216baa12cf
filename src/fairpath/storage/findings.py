"""The schema of assessments: runs of the rule catalogue, and the findings, notes and remedy
accounts each run produced.

Runs are history: a run is written once, in one transaction, and never updated or replaced;
dashboards show the latest. Money is stored as integer minor units beside its ISO 4217 code
(exact, and summable in SQL); lists (ILO indicators, IRIS principles, evidence refs, group keys)
are JSON text. Nothing here holds personal data: workers are named by their pseudonymous ref.

Per-worker summaries for reports (migration 0005): each assessed worker also names, by id in
`assessment_texts`, its groups, its findings profile (rule, severity, indicators → count), how
its findings changed since the run it was compared with (by finding key), and its recruitment
cost indicator (corridor and band; the ratio in thousandths and hundredths of a month). A JSON
text that many workers share is stored once per run, so a report counts workers with integer
GROUP BYs and never reads a finding row.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Boolean, Date, ForeignKey, Index, Integer, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column

from fairpath.storage.models import Base, UtcDateTime


class AssessmentRunRow(Base):
    """One run of the rule catalogue over the data set (or over one worker) as of a date."""

    __tablename__ = "assessment_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    as_of: Mapped[date] = mapped_column(Date)
    at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    actor: Mapped[str] = mapped_column(String(200))
    worker_ref: Mapped[str | None] = mapped_column(String(64))  # None: every worker
    law_tables: Mapped[str] = mapped_column(Text)  # JSON list of the law files read
    rate_table: Mapped[str] = mapped_column(Text)  # the rate table's name (its files)
    workers: Mapped[int] = mapped_column(Integer)
    findings: Mapped[int] = mapped_column(Integer)
    notes: Mapped[int] = mapped_column(Integer)
    # Set by runs made since migration 0005: the run whose findings `changes_id` compares with
    # (the newest whole-data-set run before it), and whether the per-worker summaries exist.
    compared_run_id: Mapped[int | None] = mapped_column(Integer)
    summaries: Mapped[bool] = mapped_column(Boolean, server_default=false(), default=False)


class AssessedWorkerRow(Base):
    """One worker in one run: the groups they were counted in and their remedy account."""

    __tablename__ = "assessed_workers"
    __table_args__ = (Index("ix_assessed_workers_run_worker", "run_id", "worker_ref", unique=True),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("assessment_runs.id"))
    worker_ref: Mapped[str] = mapped_column(String(64))
    # JSON {"recruiter": [...], "supplier": [...], "site": [...], "corridor": [...], "brand": [...]}
    # as the chain stood at the run, so a past run's aggregates do not shift later.
    groups: Mapped[str] = mapped_column(Text)
    findings: Mapped[int] = mapped_column(Integer)
    currency: Mapped[str | None] = mapped_column(String(3))  # None: destination currency unknown
    owed_minor: Mapped[int | None] = mapped_column(BigInteger)
    paid_minor: Mapped[int | None] = mapped_column(BigInteger)
    confirmed_minor: Mapped[int | None] = mapped_column(BigInteger)
    balance_minor: Mapped[int | None] = mapped_column(BigInteger)
    overpaid_minor: Mapped[int | None] = mapped_column(BigInteger)
    # Summaries (None in runs made before migration 0005), ids in `assessment_texts`:
    groups_id: Mapped[int | None] = mapped_column(Integer)  # the `groups` text
    # JSON [[rule, severity, [ILO ids], findings], ...] sorted: the worker's findings counted.
    profile_id: Mapped[int | None] = mapped_column(Integer)
    # JSON {"new": {rule: n}, "resolved": {...}, "unchanged": {...}}: distinct finding keys
    # compared with the worker's findings in `assessment_runs.compared_run_id`.
    changes_id: Mapped[int | None] = mapped_column(Integer)
    # Recruitment cost indicator (SDG 10.7.1): JSON ["corridor", "band"] or ["", "", "why not"];
    # None when the journey could not be built. Ratio rounded half-even to 0.001 and 0.01 month.
    cost_id: Mapped[int | None] = mapped_column(Integer)
    cost_milli: Mapped[int | None] = mapped_column(BigInteger)
    cost_centi: Mapped[int | None] = mapped_column(BigInteger)


class AssessmentTextRow(Base):
    """A JSON text (groups, profile, changes, cost) shared by workers of one run, stored once."""

    __tablename__ = "assessment_texts"
    __table_args__ = (Index("ix_assessment_texts_run", "run_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("assessment_runs.id"))
    text: Mapped[str] = mapped_column(Text)


class FindingRow(Base):
    """One finding of one run (spec/rules.md: rule, worker, severity, indicators, evidence,
    message, amount owed in the destination currency)."""

    __tablename__ = "findings"
    __table_args__ = (
        Index("ix_findings_run_worker", "run_id", "worker_ref"),
        Index("ix_findings_run_rule", "run_id", "rule_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("assessment_runs.id"))
    ref: Mapped[str] = mapped_column(String(40), unique=True)  # F-<run>-<n>
    key: Mapped[str] = mapped_column(Text)  # rule:worker:evidence — the same across runs
    worker_ref: Mapped[str] = mapped_column(String(64))
    rule_id: Mapped[str] = mapped_column(String(64))
    severity: Mapped[str] = mapped_column(String(16))
    ilo_indicators: Mapped[str] = mapped_column(String(200))  # JSON list
    iris_principles: Mapped[str] = mapped_column(String(200))  # JSON list
    evidence: Mapped[str] = mapped_column(Text)  # JSON list of event refs
    message: Mapped[str] = mapped_column(Text)
    owed_minor: Mapped[int | None] = mapped_column(BigInteger)
    owed_currency: Mapped[str | None] = mapped_column(String(3))


class AssessmentNoteRow(Base):
    """A rule that could not decide for lack of data, or a stand-in exchange rate."""

    __tablename__ = "assessment_notes"
    __table_args__ = (Index("ix_assessment_notes_run_worker", "run_id", "worker_ref"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("assessment_runs.id"))
    worker_ref: Mapped[str] = mapped_column(String(64))
    rule_id: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(32))
    message: Mapped[str] = mapped_column(Text)
    evidence: Mapped[str] = mapped_column(Text)  # JSON list of event refs
