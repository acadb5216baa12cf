"""Assertions shared by the rule tests."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, localcontext

from fairpath.domain.law import LawBook
from fairpath.domain.money import quantize
from fairpath.domain.rates import ARITHMETIC, RateTable
from fairpath.domain.rules import Assessment, Finding, Journey, NoteKind, assess

AS_OF = date(2025, 12, 31)


def run(
    journey: Journey, law: LawBook, rates: RateTable, rule: str, as_of: date = AS_OF
) -> Assessment:
    return assess(journey, law, rates, as_of, rules=(rule,))


def only(assessment: Assessment, rule: str) -> Finding:
    found = assessment.by_rule(rule)
    assert len(found) == 1, [f.message for f in assessment.findings]
    return found[0]


def insufficient(assessment: Assessment, rule: str) -> list[str]:
    return [n.missing for n in assessment.notes_for(rule) if n.kind is NoteKind.INSUFFICIENT_DATA]


def exact(expression: str, currency: str, **names: Decimal) -> Decimal:
    """Evaluate a small arithmetic expression in the rules' decimal context and round it the
    way the rules round money — the test's own computation of an expected amount."""
    with localcontext(ARITHMETIC):
        value = eval(expression, {"D": Decimal}, dict(names))
    return quantize(value, currency)
