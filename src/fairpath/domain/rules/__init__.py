"""The per-worker rule engine of spec/rules.md: findings, notes, remedy and aggregates.

`assess(journey, law_book, rates, as_of)` runs every rule of `CATALOGUE` on one worker's journey
as it stood on `as_of` and returns an `Assessment`. Pure: every input is an argument; all decimal
arithmetic runs in one fixed context (`fairpath.domain.rates.ARITHMETIC`) so that the bulk engine
can reproduce the same digits.
"""

from __future__ import annotations

from datetime import date
from decimal import localcontext

from fairpath.domain.law import LawBook
from fairpath.domain.rates import ARITHMETIC, RateTable
from fairpath.domain.rules.aggregates import (
    CostDistribution,
    CostIndicator,
    Dimension,
    GroupSummary,
    aggregate,
    brands_of,
    corridor,
    cost_distribution,
    recruitment_cost_indicator,
)
from fairpath.domain.rules.catalogue import CATALOGUE, RuleInfo
from fairpath.domain.rules.context import RuleContext
from fairpath.domain.rules.findings import Assessment, Finding, Note, NoteKind, Severity
from fairpath.domain.rules.journey import Journey, PromisedTerms
from fairpath.domain.rules.remedy import RemedyAccount, remedy_account

__all__ = [
    "CATALOGUE",
    "Assessment",
    "CostDistribution",
    "CostIndicator",
    "Dimension",
    "Finding",
    "GroupSummary",
    "Journey",
    "Note",
    "NoteKind",
    "PromisedTerms",
    "RemedyAccount",
    "RuleContext",
    "RuleInfo",
    "Severity",
    "aggregate",
    "assess",
    "assess_with_remedy",
    "brands_of",
    "corridor",
    "cost_distribution",
    "recruitment_cost_indicator",
    "remedy_account",
]


def assess(
    journey: Journey,
    law_book: LawBook,
    rates: RateTable,
    as_of: date,
    *,
    rules: tuple[str, ...] | None = None,
) -> Assessment:
    """Run the catalogue (or the named `rules`) on `journey` as of `as_of`."""
    ctx = RuleContext(journey.as_of(as_of), law_book, rates, as_of)
    findings: list[Finding] = []
    notes: dict[tuple[str, str, str], Note] = {}
    with localcontext(ARITHMETIC):
        for rule_id in rules or tuple(CATALOGUE):
            for item in CATALOGUE[rule_id].check(ctx):
                if isinstance(item, Finding):
                    findings.append(item)
                    for text in item.rate_notes:
                        note = Note(
                            item.rule_id,
                            item.worker_ref,
                            NoteKind.RATE_FALLBACK,
                            text,
                            item.evidence,
                        )
                        notes.setdefault((note.rule_id, note.kind, text), note)
                else:
                    notes.setdefault((item.rule_id, item.kind, item.missing), item)
    return Assessment(
        worker_ref=journey.worker.ref,
        findings=tuple(findings),
        notes=tuple(notes.values()),
        rate_table=rates.name,
        law_tables=law_book.tables,
    )


def assess_with_remedy(
    journey: Journey, law_book: LawBook, rates: RateTable, as_of: date
) -> tuple[Assessment, RemedyAccount | None]:
    """`assess`, plus the worker's remedy account in the destination currency (None when that
    currency is not known)."""
    assessment = assess(journey, law_book, rates, as_of)
    currency = journey.destination_currency(law_book.currencies)
    if currency is None:
        return assessment, None
    account = remedy_account(journey.as_of(as_of), assessment.findings, rates, currency)
    return assessment, account
