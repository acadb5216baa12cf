"""What the rules say about a worker: findings, notes and the assessment that holds them.

A `Finding` names the rule, the worker, a severity, the ILO forced-labour indicators and IRIS
principles it bears on, the events that are its evidence, a plain sentence citing the law, the
amount owed (destination currency, rounded half-even to the minor unit) and the law values used.
A `Note` says a rule could not decide for lack of data (INSUFFICIENT_DATA, spec/rules.md "Common
definitions": "never a silent pass") or that an older year's exchange rate stood in.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any

from fairpath.domain.law import Cited
from fairpath.domain.money import Money


class Severity(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        return _RANK[self]


_RANK = {Severity.LOW: 0, Severity.MEDIUM: 1, Severity.HIGH: 2, Severity.CRITICAL: 3}


class NoteKind(StrEnum):
    INSUFFICIENT_DATA = "INSUFFICIENT_DATA"
    RATE_FALLBACK = "RATE_FALLBACK"


@dataclass(frozen=True, slots=True)
class Finding:
    """One rule firing for one worker."""

    rule_id: str
    worker_ref: str
    severity: Severity
    ilo_indicators: tuple[str, ...]
    iris_principles: tuple[str, ...]
    evidence: tuple[str, ...]
    message: str
    owed: Money | None = None
    law: tuple[Cited[Any], ...] = ()
    figures: tuple[tuple[str, Decimal], ...] = ()  # named numbers behind the message
    rate_notes: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        """A stable identity: rule, worker and evidence (what `remedy_paid.finding_refs` and
        exports can point at)."""
        return f"{self.rule_id}:{self.worker_ref}:{'+'.join(self.evidence)}"

    def figure(self, name: str) -> Decimal | None:
        return dict(self.figures).get(name)


@dataclass(frozen=True, slots=True)
class Note:
    """A rule that could not decide, or a stand-in exchange rate, for one worker."""

    rule_id: str
    worker_ref: str
    kind: NoteKind
    missing: str  # what is missing / what was done instead, in a sentence
    evidence: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Assessment:
    """Everything the rules found for one worker as of one date."""

    worker_ref: str
    findings: tuple[Finding, ...] = ()
    notes: tuple[Note, ...] = ()
    rate_table: str = ""
    law_tables: tuple[str, ...] = field(default_factory=tuple)

    def by_rule(self, rule_id: str) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.rule_id == rule_id)

    def notes_for(self, rule_id: str) -> tuple[Note, ...]:
        return tuple(n for n in self.notes if n.rule_id == rule_id)
