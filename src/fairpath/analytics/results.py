"""What a bulk assessment returns: the rule ids it runs, the findings and notes frames and their
schemas (one row per finding or note, as `fairpath.domain.rules.assess` would give them)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import polars as pl

from fairpath.domain.rules import Severity

BMW = "BELOW_MINIMUM_WAGE"
BPW = "BELOW_PROMISED_WAGE"
OTU = "OVERTIME_UNDERPAID"
UD = "UNLAWFUL_DEDUCTION"
WW = "WAGES_WITHHELD"
EO = "EXCESSIVE_OVERTIME"
NWR = "NO_WEEKLY_REST"
#: The rules the bulk engine runs, in catalogue order.
BULK_RULES: tuple[str, ...] = (BMW, BPW, OTU, UD, WW, EO, NWR)

#: Rule ids and severities as enums: one byte a row instead of a string (tens of millions of rows).
RULE = pl.Enum(BULK_RULES)
SEVERITY = pl.Enum([s.value for s in Severity])

FINDINGS_SCHEMA: dict[str, Any] = {
    "rule_id": RULE,
    "worker_ref": pl.String,
    "severity": SEVERITY,
    "evidence": pl.List(pl.String),
    "owed_minor": pl.Int128,  # amount owed in minor units of `currency` (null: none owed)
    "currency": pl.String,
}
NOTES_SCHEMA: dict[str, Any] = {
    "rule_id": RULE,
    "worker_ref": pl.String,
    "kind": pl.String,
    "missing": pl.String,
    "evidence": pl.List(pl.String),
}


@dataclass(frozen=True, slots=True)
class BulkResult:
    """Findings and notes of a bulk assessment, one row each."""

    findings: pl.DataFrame
    notes: pl.DataFrame
    fallback: int  # (worker, rule) pairs decided by the per-worker arithmetic

    def owed_totals(self) -> pl.DataFrame:
        """Amount owed per rule and currency (minor units)."""
        return (
            self.findings.filter(pl.col("owed_minor").is_not_null())
            .group_by("rule_id", "currency")
            .agg(pl.col("owed_minor").sum(), pl.len().alias("findings"))
            .sort("rule_id", "currency")
        )
