"""Remedy: what each worker is owed, what has been paid, and what the worker confirmed.

Per worker, the amounts owed by the findings (fees to repay in full under the Employer Pays
Principle, wage shortfalls, unlawful deductions, unpaid wages, end-of-service benefits) are summed
in the destination currency; each was converted once and rounded by its rule. `remedy_paid` events
are converted once, at their own date's rate, into that currency.

Choice (docs/rules.md "Remedy"): both paid and confirmed amounts are reported, but only payments
the worker confirmed (`confirmed_by_worker: true`) reduce the balance still owed — a payment the
worker has not confirmed is a claim by the payer, not yet remedy. The balance never goes below
zero; anything confirmed beyond what is owed is reported as `overpaid`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, localcontext

from fairpath.domain.journey import EventType
from fairpath.domain.money import Money, quantize
from fairpath.domain.rates import ARITHMETIC, RateTable, RateUnavailable
from fairpath.domain.rules.findings import Finding, Note, NoteKind
from fairpath.domain.rules.journey import Journey

REMEDY = "REMEDY"


@dataclass(frozen=True, slots=True)
class RemedyAccount:
    """One worker's remedy, all in `currency` (the destination currency)."""

    worker_ref: str
    currency: str
    owed: Money
    owed_by_rule: Mapping[str, Money]
    paid: Money  # every remedy_paid, confirmed or not
    confirmed: Money  # the part the worker confirmed
    balance: Money  # owed − confirmed, never below zero
    overpaid: Money  # confirmed beyond what is owed
    payments: tuple[str, ...] = ()
    notes: tuple[Note, ...] = field(default_factory=tuple)


def remedy_account(
    journey: Journey, findings: Iterable[Finding], rates: RateTable, currency: str
) -> RemedyAccount:
    """The remedy account of `journey`'s worker from its findings and `remedy_paid` events."""
    worker = journey.worker.ref
    by_rule: dict[str, Decimal] = defaultdict(Decimal)
    notes: list[Note] = []
    for finding in findings:
        if finding.owed is None or finding.owed.amount == 0 or finding.worker_ref != worker:
            continue
        if finding.owed.currency != currency:
            notes.append(
                _note(
                    worker,
                    f"{finding.key} is owed in {finding.owed.currency}, not {currency}; "
                    "left out of the total",
                    finding.evidence,
                )
            )
            continue
        by_rule[finding.rule_id] += finding.owed.amount
    paid = Decimal(0)
    confirmed = Decimal(0)
    refs: list[str] = []
    with localcontext(ARITHMETIC):
        for event in journey.of_type(EventType.REMEDY_PAID):
            amount = _converted(event, rates, currency, notes, worker)
            if amount is None:
                continue
            refs.append(event.ref)
            paid += amount
            if event.data.confirmed_by_worker:
                confirmed += amount
    total = sum(by_rule.values(), Decimal(0))
    paid_q = quantize(paid, currency)
    confirmed_q = quantize(confirmed, currency)
    return RemedyAccount(
        worker_ref=worker,
        currency=currency,
        owed=Money(total, currency),
        owed_by_rule={rule: Money(amount, currency) for rule, amount in sorted(by_rule.items())},
        paid=Money(paid_q, currency),
        confirmed=Money(confirmed_q, currency),
        balance=Money(max(total - confirmed_q, Decimal(0)), currency),
        overpaid=Money(max(confirmed_q - total, Decimal(0)), currency),
        payments=tuple(refs),
        notes=tuple(notes),
    )


def _converted(
    event: object, rates: RateTable, currency: str, notes: list[Note], worker: str
) -> Decimal | None:
    data = event.data  # type: ignore[attr-defined]
    day: date = event.date  # type: ignore[attr-defined]
    ref: str = event.ref  # type: ignore[attr-defined]
    try:
        conversion = rates.convert(data.amount, data.currency, currency, day)
    except RateUnavailable as exc:
        notes.append(
            _note(worker, f"remedy payment {ref} left out of the total: {exc.message}", (ref,))
        )
        return None
    if conversion.note:
        notes.append(Note(REMEDY, worker, NoteKind.RATE_FALLBACK, conversion.note, (ref,)))
    return conversion.amount


def _note(worker: str, text: str, evidence: tuple[str, ...]) -> Note:
    return Note(REMEDY, worker, NoteKind.INSUFFICIENT_DATA, text, evidence)
