"""Rules on recruitment fees and debt: FEE_PAID_BY_WORKER, FEE_ABOVE_LEGAL_CAP, RECRUITMENT_DEBT.

spec/rules.md "Fees and debt". The Employer Pays Principle (ILO General principles and operational
guidelines for fair recruitment, 2019; ILO C181 Art. 7; IRIS principle 1) makes every recruitment
fee and related cost borne by the worker a finding, whatever local law allows; the full amount is
owed back. Local caps and bans (origin and destination law) are checked separately.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from typing import Any

from fairpath.domain.journey import EventType, LoanPurpose, PaidToRole
from fairpath.domain.law import Cited, FeeCap
from fairpath.domain.rules.arithmetic import MONTHS_PER_YEAR, fmt, fmt_number, monthly_wage, owed
from fairpath.domain.rules.context import RuleContext
from fairpath.domain.rules.findings import Finding, Note, Severity

FEE_PAID_BY_WORKER = "FEE_PAID_BY_WORKER"
FEE_ABOVE_LEGAL_CAP = "FEE_ABOVE_LEGAL_CAP"
RECRUITMENT_DEBT = "RECRUITMENT_DEBT"

_EMPLOYER_PAYS = (
    "under the Employer Pays Principle the employer bears every recruitment fee and related "
    "cost (ILO General principles and operational guidelines for fair recruitment, 2019; "
    "ILO C181 Art. 7; IRIS principle 1)"
)
_RECRUITER_ROLES = (PaidToRole.RECRUITER, PaidToRole.SUB_AGENT)


def _paid_list(events: Iterable[Any]) -> str:
    """'85,000.00 NPR and 500.00 MYR' — the amounts as paid, per currency."""
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for event in events:
        totals[event.data.currency] += event.data.amount
    parts = [fmt(amount, ccy) for ccy, amount in sorted(totals.items())]
    return " and ".join(parts)


def _to_dest_total(
    ctx: RuleContext, rule_id: str, events: Sequence[Any], notes: list[Note], rate_notes: list[str]
) -> tuple[Decimal, list[Any]]:
    """Sum `events` (fees or loans) in the destination currency, each converted once at its own
    date; events that cannot be converted are named in an INSUFFICIENT_DATA note."""
    total = Decimal(0)
    counted = []
    for event in events:
        converted = ctx.to_dest(event.data.amount, event.data.currency, event.date)
        if converted.amount is None:
            notes.append(
                ctx.insufficient(
                    rule_id, f"{event.ref} cannot be converted: {converted.missing}", [event.ref]
                )
            )
            continue
        total += converted.amount
        counted.append(event)
        if converted.note:
            rate_notes.append(converted.note)
    return total, counted


def _months_severity(months: Decimal | None) -> Severity:
    # spec: medium < 1 month of wages ≤ high < 3 months ≤ critical
    if months is None or months < 1:
        return Severity.MEDIUM
    return Severity.HIGH if months < 3 else Severity.CRITICAL


def check_fee_paid_by_worker(ctx: RuleContext) -> Iterator[Finding | Note]:
    fees = ctx.journey.of_type(EventType.FEE_PAID)
    if not fees:
        return
    currency = ctx.currency
    if currency is None:
        yield ctx.insufficient(
            FEE_PAID_BY_WORKER, f"the currency of {ctx.destination} is not known", []
        )
        return
    notes: list[Note] = []
    rate_notes: list[str] = []
    total, _ = _to_dest_total(ctx, FEE_PAID_BY_WORKER, fees, notes, rate_notes)
    yield from notes
    base = ctx.monthly_base(fees[-1].date)
    months = total / base.amount if base else None
    if base is None:
        yield ctx.insufficient(
            FEE_PAID_BY_WORKER,
            "months of wages: there are no promised terms and no monthly minimum wage for "
            f"{ctx.destination}, so the severity is the lowest this rule gives (medium)",
        )
    elif base.rate_note:
        rate_notes.append(base.rate_note)
    by_loan = any(f.data.via_deduction for f in fees) or any(
        loan.data.purpose is LoanPurpose.RECRUITMENT
        for loan in ctx.journey.of_type(EventType.LOAN_TAKEN)
    )
    heavy = months is not None and months >= 1
    share = f" ({fmt_number(months, 1)} months of wages)" if months is not None else ""
    figures = [("total", total)] + ([("months_of_wages", months)] if months is not None else [])
    yield Finding(
        rule_id=FEE_PAID_BY_WORKER,
        worker_ref=ctx.worker_ref,
        severity=_months_severity(months),
        ilo_indicators=("FL09",) if heavy or by_loan else (),
        iris_principles=("IRIS-1",),
        evidence=tuple(f.ref for f in fees),
        message=(
            f"Paid {_paid_list(fees)}{share} in recruitment fees and related costs; "
            f"{_EMPLOYER_PAYS}, so the full amount is owed back: {fmt(total, currency)}."
        ),
        owed=owed(total, currency),
        law=base.law if base else (),
        figures=tuple(figures),
        rate_notes=tuple(rate_notes),
    )


def check_fee_above_legal_cap(ctx: RuleContext) -> Iterator[Finding | Note]:
    fees = ctx.journey.of_type(EventType.FEE_PAID)
    if not fees:
        return
    first = fees[0].date
    breaches: list[str] = []
    used: list[Cited[Any]] = []
    evidence: set[str] = set()
    notes: list[Note] = []
    rate_notes: list[str] = []

    banned = ctx.law(first).get("worker_fees_banned")
    if banned is not None and banned.value is True:
        breaches.append(
            f"{ctx.country_name()} bans charging workers recruitment fees "
            f"({banned.source}), yet the worker paid {_paid_list(fees)}"
        )
        used.append(banned)
        evidence.update(f.ref for f in fees)

    worker = ctx.journey.worker
    caps = ctx.law_book.fee_caps(
        ctx.journey.origin,
        ctx.destination,
        first,
        sector=ctx.journey.sector,
        gender=worker.gender.value,
    )
    for cap in caps:
        breach = _cap_breach(ctx, cap, fees, notes, rate_notes)
        if breach is not None:
            text, refs = breach
            breaches.append(text)
            used.append(cap)
            evidence.update(refs)
    yield from notes
    if not caps and (banned is None or banned.value is None):
        yield ctx.insufficient(
            FEE_ABOVE_LEGAL_CAP,
            f"no fee cap of {ctx.country_name(ctx.journey.origin)} for work in "
            f"{ctx.country_name()} and no rule of {ctx.country_name()} on worker-paid fees "
            "is in the law tables",
            [f.ref for f in fees],
        )
    if not breaches:
        return
    yield Finding(
        rule_id=FEE_ABOVE_LEGAL_CAP,
        worker_ref=ctx.worker_ref,
        severity=Severity.HIGH,
        ilo_indicators=(),
        iris_principles=("IRIS-A",),
        evidence=tuple(f.ref for f in fees if f.ref in evidence),
        message="Fees above the legal limit: " + "; ".join(breaches) + ".",
        law=tuple(used),
        rate_notes=tuple(rate_notes),
    )


def _cap_breach(
    ctx: RuleContext,
    cited: Cited[FeeCap],
    fees: Sequence[Any],
    notes: list[Note],
    rate_notes: list[str],
) -> tuple[str, list[str]] | None:
    cap = cited.value
    counted = [
        f for f in fees if cap.covers == "all_fees" or f.data.paid_to_role in _RECRUITER_ROLES
    ]
    paid = [f for f in counted if f.data.amount > 0]
    if not paid:
        return None
    origin = ctx.country_name(cited.country)
    rule = f"{cap.rule_text} ({cited.source})"
    whom = "in total" if cap.covers == "all_fees" else "to recruiters and sub-agents"
    if cap.is_ban:
        return (
            f"the worker paid {_paid_list(paid)} {whom} where {origin} allows none — {rule}",
            [f.ref for f in paid],
        )
    limit, limit_ccy = _cap_amount(ctx, cap, fees[0].date)
    if limit is None or limit_ccy is None:
        notes.append(
            ctx.insufficient(
                FEE_ABOVE_LEGAL_CAP,
                f"the {origin} cap is a number of months of wages and there are no promised "
                "terms to measure it with",
                [f.ref for f in paid],
            )
        )
        return None
    total = Decimal(0)
    for fee in paid:
        converted = ctx.convert(fee.data.amount, fee.data.currency, limit_ccy, fee.date)
        if converted.amount is None:
            notes.append(
                ctx.insufficient(
                    FEE_ABOVE_LEGAL_CAP,
                    f"{fee.ref} cannot be compared with the {origin} cap: {converted.missing}",
                    [fee.ref],
                )
            )
            return None
        total += converted.amount
        if converted.note:
            rate_notes.append(converted.note)
    if total <= limit:
        return None
    return (
        f"the worker paid {fmt(total, limit_ccy)} {whom}, above the {origin} cap of "
        f"{fmt(limit, limit_ccy)} — {rule}",
        [f.ref for f in paid],
    )


def _cap_amount(ctx: RuleContext, cap: FeeCap, on: Any) -> tuple[Decimal | None, str | None]:
    if cap.basis == "per_worker":
        return cap.amount, cap.currency
    promised = ctx.promised()
    if promised is None or cap.months is None:
        return None, None
    terms = promised.terms
    monthly = monthly_wage(terms)
    if cap.basis == "months_of_salary":
        return cap.months * monthly, terms.wage.currency
    # months_per_12_months_worked: months × contract months / 12, capped at max_months
    months = cap.months * Decimal(terms.duration_months) / MONTHS_PER_YEAR
    if cap.max_months is not None:
        months = min(months, cap.max_months)
    return months * monthly, terms.wage.currency


def check_recruitment_debt(ctx: RuleContext) -> Iterator[Finding | Note]:
    loans = [
        loan
        for loan in ctx.journey.of_type(EventType.LOAN_TAKEN)
        if loan.data.purpose is LoanPurpose.RECRUITMENT
    ]
    deducted = [f for f in ctx.journey.of_type(EventType.FEE_PAID) if f.data.via_deduction]
    debts = sorted([*loans, *deducted], key=lambda e: (e.date, e.ref))
    if not debts:
        return
    currency = ctx.currency
    if currency is None:
        yield ctx.insufficient(RECRUITMENT_DEBT, f"the currency of {ctx.destination} is not known")
        return
    notes: list[Note] = []
    rate_notes: list[str] = []
    total, _ = _to_dest_total(ctx, RECRUITMENT_DEBT, debts, notes, rate_notes)
    yield from notes
    base = ctx.monthly_base(debts[-1].date)
    if base is None:
        yield ctx.insufficient(
            RECRUITMENT_DEBT,
            "months of wages: there are no promised terms and no monthly minimum wage for "
            f"{ctx.destination}",
            [d.ref for d in debts],
        )
        return
    months = total / base.amount
    if months < 1:
        return
    usurious = [
        loan
        for loan in loans
        if loan.data.annual_interest_pct is not None and loan.data.annual_interest_pct > 36
    ]
    severity = Severity.CRITICAL if months >= 3 or usurious else Severity.HIGH
    interest = (
        f", at up to {fmt_number(max(u.data.annual_interest_pct for u in usurious))} % a year"
        if usurious
        else ""
    )
    yield Finding(
        rule_id=RECRUITMENT_DEBT,
        worker_ref=ctx.worker_ref,
        severity=severity,
        ilo_indicators=("FL09",),
        iris_principles=("IRIS-1",),
        evidence=tuple(d.ref for d in debts),
        message=(
            f"The worker owes {fmt(total, currency)} ({fmt_number(months, 1)} months of wages) "
            f"for recruitment through loans or wage deductions{interest}; a debt this size ties "
            "the worker to the job (ILO forced-labour indicator FL09, debt bondage)."
        ),
        law=base.law,
        figures=(("total", total), ("months_of_wages", months)),
        rate_notes=tuple(rate_notes),
    )
