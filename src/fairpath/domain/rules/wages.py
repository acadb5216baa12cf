"""Rules on wages: BELOW_MINIMUM_WAGE, BELOW_PROMISED_WAGE, OVERTIME_UNDERPAID,
UNLAWFUL_DEDUCTION, WAGES_WITHHELD, FINAL_SETTLEMENT_UNPAID (spec/rules.md "Wages").

Each payslip is checked on its own, in the destination currency (payslip amounts in another
currency are converted at the rate of `period_end`'s year). An amount due for a period is exact;
what is owed is rounded half-even to the minor unit once, and a rule fires only when that rounded
amount is above zero — so pay exactly at the minimum is no finding and one minor unit below is.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from fairpath.domain.journey import (
    DeductionKind,
    EndReason,
    EventType,
    LenderRole,
    LoanPurpose,
    Payslip,
    WagePer,
)
from fairpath.domain.law import Cited, EndOfServiceRule, Ratio, ServiceTier, WageRate
from fairpath.domain.rules.arithmetic import (
    fmt,
    fmt_number,
    hourly_rate,
    monthly_wage,
    owed,
    period_days,
    period_months,
    served_at_least_months,
    service_years,
)
from fairpath.domain.rules.context import RuleContext
from fairpath.domain.rules.findings import Finding, Note, Severity

BELOW_MINIMUM_WAGE = "BELOW_MINIMUM_WAGE"
BELOW_PROMISED_WAGE = "BELOW_PROMISED_WAGE"
OVERTIME_UNDERPAID = "OVERTIME_UNDERPAID"
UNLAWFUL_DEDUCTION = "UNLAWFUL_DEDUCTION"
WAGES_WITHHELD = "WAGES_WITHHELD"
FINAL_SETTLEMENT_UNPAID = "FINAL_SETTLEMENT_UNPAID"

#: Deductions that pay for recruitment (ILO C095 Art. 9: no deduction "for the purpose of
#: obtaining or retaining employment").
_RECRUITMENT_KINDS = (DeductionKind.RECRUITMENT_FEE, DeductionKind.DEPOSIT)
#: Statutory withholdings that deduction caps do not target (e.g. Singapore's cap excludes CPF).
_OUTSIDE_CAP = (DeductionKind.TAX, DeductionKind.SOCIAL_SECURITY)
_C095 = "ILO Protection of Wages Convention 1949 (No. 95) Art. 9"


# --- a payslip in the destination currency ------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Slip:
    """A payslip's amounts in the destination currency (exact)."""

    event: Any
    basic: Decimal
    overtime: Decimal
    allowances: Decimal
    net: Decimal
    paid: Decimal
    deductions: tuple[tuple[DeductionKind, Decimal], ...]
    rate_note: str | None

    @property
    def data(self) -> Payslip:
        payslip: Payslip = self.event.data
        return payslip

    @property
    def ref(self) -> str:
        return str(self.event.ref)

    @property
    def gross(self) -> Decimal:
        return self.basic + self.overtime + self.allowances

    @property
    def period(self) -> str:
        return f"{self.data.period_start.isoformat()} to {self.data.period_end.isoformat()}"


def payslips(ctx: RuleContext, rule_id: str) -> Iterator[Slip | Note]:
    """The worker's payslips in period order, converted; a note for any that cannot be."""
    events = sorted(
        ctx.journey.of_type(EventType.PAYSLIP),
        key=lambda e: (e.data.period_start, e.data.period_end, e.ref),
    )
    target = ctx.currency
    for event in events:
        ps: Payslip = event.data
        if target is None:
            yield ctx.insufficient(
                rule_id, f"the currency of {ctx.destination} is not known", [event.ref]
            )
            continue
        amounts = [
            ps.basic_pay,
            ps.overtime_pay,
            ps.allowances or Decimal(0),
            ps.net_pay,
            ps.amount_paid,
            *(d.amount for d in ps.deductions),
        ]
        converted = [ctx.to_dest(a, ps.currency, ps.period_end) for a in amounts]
        missing = next((c.missing for c in converted if c.amount is None), None)
        if missing is not None:
            yield ctx.insufficient(rule_id, f"payslip {event.ref}: {missing}", [event.ref])
            continue
        values = [c.amount or Decimal(0) for c in converted]
        yield Slip(
            event=event,
            basic=values[0],
            overtime=values[1],
            allowances=values[2],
            net=values[3],
            paid=values[4],
            deductions=tuple((d.kind, v) for d, v in zip(ps.deductions, values[5:], strict=True)),
            rate_note=next((c.note for c in converted if c.note), None),
        )


def _rate_notes(*notes: str | None) -> tuple[str, ...]:
    return tuple(dict.fromkeys(n for n in notes if n))


# --- minimum wage -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MinimumDue:
    amount: Decimal  # destination currency, exact
    cited: Cited[WageRate | None]
    how: str  # "1,700.00 MYR a month × 1 month"
    rate_note: str | None


_PER_WORD = {WagePer.MONTH: "a month", WagePer.DAY: "a day", WagePer.HOUR: "an hour"}


def days_worked(ctx: RuleContext, slip: Slip) -> int:
    """Days worked in the period, for daily minimum wages: the period's days, less the weekly
    rest days the worker was due (max of law and promise) in its full weeks, plus the rest
    days the payslip says were worked."""
    ps = slip.data
    law_rest = ctx.law(ps.period_end).get("weekly_rest_days")
    promised = ctx.promised()
    rest = max(
        law_rest.value if law_rest is not None else 0,
        promised.terms.rest_days_per_week if promised is not None else 0,
    )
    days = period_days(ps.period_start, ps.period_end)
    return max(0, days - rest * (days // 7) + ps.rest_days_worked)


def minimum_due(ctx: RuleContext, slip: Slip) -> MinimumDue | Note | None:
    """The minimum wage due for the payslip's period (None when the law sets no minimum)."""
    ps = slip.data
    law = ctx.law(ps.period_end)
    wages = law.minimum_wages()
    if not wages:
        return ctx.insufficient(
            BELOW_MINIMUM_WAGE,
            f"no minimum wage for {ctx.country_name()} ({ctx.journey.sector}"
            f"{', ' + ctx.journey.region if ctx.journey.region else ''}) on "
            f"{ps.period_end.isoformat()} is in the law tables",
            [slip.ref],
        )
    usable = [c for c in wages if c.value is not None]
    if not usable:
        return None
    promised = ctx.promised()
    preferred = promised.terms.wage.per if promised is not None else WagePer.MONTH
    # Use the law's rate of the same kind as the worker's wage; else monthly, daily, hourly.
    chosen = next((c for c in usable if c.value and c.value.per is preferred), usable[0])
    rate = chosen.value
    assert rate is not None  # `usable` holds only rates the law sets
    if rate.per is WagePer.MONTH:
        units = period_months(ps.period_start, ps.period_end)
        unit_word = "month"
    elif rate.per is WagePer.DAY:
        units = Decimal(days_worked(ctx, slip))
        unit_word = "day"
    else:
        units = ps.normal_hours
        unit_word = "hour"
    converted = ctx.to_dest(rate.amount * units, rate.currency, ps.period_end)
    if converted.amount is None:
        return ctx.insufficient(BELOW_MINIMUM_WAGE, converted.missing or "", [slip.ref])
    how = (
        f"{fmt(rate.amount, rate.currency)} {_PER_WORD[rate.per]} × "
        f"{fmt_number(units, 4)} {unit_word}{'' if units == 1 else 's'}"
    )
    return MinimumDue(converted.amount, chosen, how, converted.note)


def check_below_minimum_wage(ctx: RuleContext) -> Iterator[Finding | Note]:
    for slip in payslips(ctx, BELOW_MINIMUM_WAGE):
        if isinstance(slip, Note):
            yield slip
            continue
        due = minimum_due(ctx, slip)
        if due is None:
            continue
        if isinstance(due, Note):
            yield due
            continue
        currency = ctx.currency or slip.data.currency
        shortfall = owed(due.amount - slip.basic, currency)
        if shortfall.amount <= 0:
            continue
        yield Finding(
            rule_id=BELOW_MINIMUM_WAGE,
            worker_ref=ctx.worker_ref,
            severity=Severity.HIGH,
            ilo_indicators=(),
            iris_principles=("IRIS-A",),
            evidence=(slip.ref,),
            message=(
                f"Basic pay of {fmt(slip.basic, currency)} for {slip.period} is below the "
                f"minimum wage of {fmt(due.amount, currency)} ({due.how}; {due.cited.source}); "
                f"{fmt(shortfall.amount, currency)} is owed."
            ),
            owed=shortfall,
            law=(due.cited,),
            figures=(("due", due.amount), ("basic_pay", slip.basic)),
            rate_notes=_rate_notes(slip.rate_note, due.rate_note),
        )


# --- promised wage ------------------------------------------------------------------------------


def check_below_promised_wage(ctx: RuleContext) -> Iterator[Finding | Note]:
    promised = ctx.promised()
    if promised is None:
        if ctx.journey.of_type(EventType.PAYSLIP):
            yield ctx.insufficient(
                BELOW_PROMISED_WAGE, "no job offer or contract records the promised wage"
            )
        return
    for slip in payslips(ctx, BELOW_PROMISED_WAGE):
        if isinstance(slip, Note):
            yield slip
            continue
        ps = slip.data
        currency = ctx.currency or ps.currency
        monthly = ctx.promised_monthly(ps.period_end)
        if monthly is None or monthly.amount is None:
            yield ctx.insufficient(
                BELOW_PROMISED_WAGE,
                f"the promised wage cannot be converted: {monthly.missing if monthly else ''}",
                [slip.ref],
            )
            continue
        months = period_months(ps.period_start, ps.period_end)
        due = monthly.amount * months
        shortfall = owed(due - slip.basic, currency)
        if shortfall.amount <= 0:
            continue
        # Not double counting: the part up to the minimum wage is owed under BELOW_MINIMUM_WAGE.
        minimum = minimum_due(ctx, slip)
        floor = slip.basic
        if isinstance(minimum, MinimumDue):
            floor = max(slip.basic, minimum.amount)
        extra = owed(due - floor, currency)
        already = (
            f" ({fmt(shortfall.amount - extra.amount, currency)} of it is owed under "
            "BELOW_MINIMUM_WAGE)"
            if extra.amount != shortfall.amount
            else ""
        )
        yield Finding(
            rule_id=BELOW_PROMISED_WAGE,
            worker_ref=ctx.worker_ref,
            severity=Severity.HIGH,
            ilo_indicators=("FL02",),
            iris_principles=("IRIS-3",),
            evidence=(promised.event_ref, slip.ref),
            message=(
                f"Basic pay of {fmt(slip.basic, currency)} for {ps.period_start.isoformat()} "
                f"to {ps.period_end.isoformat()} is below the promised "
                f"{fmt(monthly.amount, currency)} a month × {fmt_number(months, 4)} "
                f"= {fmt(due, currency)} ({promised.stage.replace('_', '-')} terms of "
                f"{promised.event_date.isoformat()}); shortfall "
                f"{fmt(shortfall.amount, currency)}{already}, owed {fmt(extra.amount, currency)}."
            ),
            owed=extra,
            figures=(("due", due), ("basic_pay", slip.basic), ("shortfall", shortfall.amount)),
            rate_notes=_rate_notes(slip.rate_note, monthly.note),
        )


# --- overtime pay -------------------------------------------------------------------------------


def check_overtime_underpaid(ctx: RuleContext) -> Iterator[Finding | Note]:
    promised = ctx.promised()
    noted_law = False
    for slip in payslips(ctx, OVERTIME_UNDERPAID):
        if isinstance(slip, Note):
            yield slip
            continue
        ps = slip.data
        if ps.overtime_hours <= 0:
            continue
        if promised is None:
            yield ctx.insufficient(
                OVERTIME_UNDERPAID,
                "no promised terms give the hourly rate overtime is paid on",
                [slip.ref],
            )
            continue
        currency = ctx.currency or ps.currency
        monthly = ctx.promised_monthly(ps.period_end)
        if monthly is None or monthly.amount is None:
            yield ctx.insufficient(
                OVERTIME_UNDERPAID,
                f"the promised wage cannot be converted: {monthly.missing if monthly else ''}",
                [slip.ref],
            )
            continue
        legal = ctx.law(ps.period_end).get("overtime_multiplier")
        law: tuple[Cited[Any], ...] = ()
        multiplier = promised.terms.overtime_multiplier
        if legal is not None and legal.value is not None:
            law = (legal,)
            multiplier = max(multiplier, legal.value)
        elif not noted_law:
            noted_law = True
            yield ctx.insufficient(
                OVERTIME_UNDERPAID,
                f"the legal overtime premium of {ctx.country_name()} is not in the law tables; "
                "overtime was checked against the promised multiplier only",
                [slip.ref],
            )
        rate = hourly_rate(monthly.amount, promised.terms.normal_hours_per_week)
        due = ps.overtime_hours * rate * multiplier
        shortfall = owed(due - slip.overtime, currency)
        if shortfall.amount <= 0:
            continue
        basis = f" ({law[0].source})" if law else " (the promised multiplier)"
        yield Finding(
            rule_id=OVERTIME_UNDERPAID,
            worker_ref=ctx.worker_ref,
            severity=Severity.MEDIUM,
            ilo_indicators=("FL08",),
            iris_principles=("IRIS-A",),
            evidence=(slip.ref,),
            message=(
                f"Overtime pay of {fmt(slip.overtime, currency)} for {ps.overtime_hours} hours "
                f"in {slip.period} is below {ps.overtime_hours} h × {fmt(rate, currency)} an "
                f"hour × {multiplier}{basis} = {fmt(due, currency)}; "
                f"{fmt(shortfall.amount, currency)} is owed."
            ),
            owed=shortfall,
            law=law,
            figures=(("due", due), ("hourly_rate", rate), ("multiplier", multiplier)),
            rate_notes=_rate_notes(slip.rate_note, monthly.note),
        )


# --- deductions ---------------------------------------------------------------------------------


def _recruitment_loan_exists(ctx: RuleContext) -> bool:
    return any(
        loan.data.purpose is LoanPurpose.RECRUITMENT
        and loan.data.lender_role in (LenderRole.RECRUITER, LenderRole.EMPLOYER)
        for loan in ctx.journey.of_type(EventType.LOAN_TAKEN)
    )


def deducted_fee_pool(ctx: RuleContext) -> Decimal:
    """Fees the worker paid `via_deduction`, in the destination currency: FEE_PAID_BY_WORKER
    already owes them back, so recruitment deductions draw this pool down before they are owed
    again under UNLAWFUL_DEDUCTION (no double counting)."""
    total = Decimal(0)
    for fee in ctx.journey.of_type(EventType.FEE_PAID):
        if fee.data.via_deduction:
            converted = ctx.to_dest(fee.data.amount, fee.data.currency, fee.date)
            total += converted.amount or Decimal(0)
    return total


def check_unlawful_deduction(ctx: RuleContext) -> Iterator[Finding | Note]:
    loan_for_recruitment = _recruitment_loan_exists(ctx)
    pool = deducted_fee_pool(ctx)
    noted: set[str] = set()
    for slip in payslips(ctx, UNLAWFUL_DEDUCTION):
        if isinstance(slip, Note):
            yield slip
            continue
        if not slip.deductions:
            continue
        ps = slip.data
        currency = ctx.currency or ps.currency
        law = ctx.law(ps.period_end)
        fines = law.get("fines_banned")
        unlawful = Decimal(0)
        reasons: list[str] = []
        used: list[Cited[Any]] = []
        for kind, amount in slip.deductions:
            if kind in _RECRUITMENT_KINDS or (
                kind is DeductionKind.LOAN_REPAYMENT and loan_for_recruitment
            ):
                unlawful += amount
                reasons.append(f"{kind.value.replace('_', ' ')} {fmt(amount, currency)}")
            elif kind is DeductionKind.FINE:
                if fines is not None and fines.value is True:
                    unlawful += amount
                    reasons.append(f"fine {fmt(amount, currency)} ({fines.source})")
                    used.append(fines)
                elif fines is None and "fines" not in noted:
                    noted.add("fines")
                    yield ctx.insufficient(
                        UNLAWFUL_DEDUCTION,
                        f"whether {ctx.country_name()} bans fines deducted from wages is not in "
                        "the law tables",
                        [slip.ref],
                    )
        covered = min(pool, unlawful)
        pool -= covered
        owed_amount = unlawful - covered
        counted = sum((a for k, a in slip.deductions if k not in _OUTSIDE_CAP), Decimal(0))
        cap = law.get("deduction_cap_pct")
        excess = Decimal(0)
        if cap is not None and cap.value is not None:
            limit = slip.gross * cap.value / 100
            if counted > limit:
                used.append(cap)
                # The unlawful items are refunded in full; what remains is measured on the cap.
                excess = max(Decimal(0), counted - unlawful - limit)
                reasons.append(
                    f"deductions of {fmt(counted, currency)} exceed {cap.value} % of gross pay "
                    f"({fmt(limit, currency)}; {cap.source})"
                )
        elif cap is None and "cap" not in noted and counted > 0:
            noted.add("cap")
            yield ctx.insufficient(
                UNLAWFUL_DEDUCTION,
                f"the legal cap on deductions in {ctx.country_name()} is not in the law tables",
                [slip.ref],
            )
        if not reasons:
            continue
        total = owed(owed_amount + excess, currency)
        counted_elsewhere = (
            f" ({fmt(covered, currency)} of it is already owed under FEE_PAID_BY_WORKER)"
            if covered > 0
            else ""
        )
        yield Finding(
            rule_id=UNLAWFUL_DEDUCTION,
            worker_ref=ctx.worker_ref,
            severity=Severity.HIGH,
            ilo_indicators=("FL08", "FL09"),
            iris_principles=("IRIS-1",),
            evidence=(slip.ref,),
            message=(
                f"Unlawful deductions from pay for {slip.period}: {'; '.join(reasons)}. "
                f"Deductions to pay for recruitment are prohibited ({_C095}); "
                f"{fmt(total.amount, currency)} is owed{counted_elsewhere}."
            ),
            owed=total,
            law=tuple(used),
            figures=(("unlawful", unlawful), ("excess_over_cap", excess), ("covered", covered)),
            rate_notes=_rate_notes(slip.rate_note),
        )


# --- withheld wages -----------------------------------------------------------------------------


def check_wages_withheld(ctx: RuleContext) -> Iterator[Finding | Note]:
    noted = False
    for slip in payslips(ctx, WAGES_WITHHELD):
        if isinstance(slip, Note):
            yield slip
            continue
        ps = slip.data
        currency = ctx.currency or ps.currency
        rule = ctx.law(ps.period_end).get("payment_deadline_days")
        deadline = (
            ps.period_end + timedelta(days=rule.value)
            if rule is not None and rule.value is not None
            else None
        )
        unpaid = owed(slip.net - slip.paid, currency)
        problems: list[str] = []
        severity = Severity.HIGH
        if ps.paid_on is None:
            if unpaid.amount <= 0:
                continue
            if deadline is None:
                if not noted:
                    noted = True
                    yield ctx.insufficient(
                        WAGES_WITHHELD,
                        f"the wage-payment deadline of {ctx.country_name()} is not in the law "
                        "tables, so unpaid payslips cannot be called late",
                        [slip.ref],
                    )
                continue
            if ctx.as_of <= deadline:
                continue
            severity = Severity.CRITICAL
            problems.append(
                f"still unpaid on {ctx.as_of.isoformat()}, past the deadline of "
                f"{deadline.isoformat()}"
            )
        else:
            if deadline is not None and ps.paid_on > deadline:
                problems.append(
                    f"paid on {ps.paid_on.isoformat()}, after the deadline of "
                    f"{deadline.isoformat()}"
                )
            if unpaid.amount > 0:
                problems.append(
                    f"{fmt(slip.paid, currency)} paid of {fmt(slip.net, currency)} net pay"
                )
        if not problems:
            continue
        legal = (
            f" ({rule.value} days after the period under {rule.source})"
            if rule is not None and deadline is not None
            else ""
        )
        yield Finding(
            rule_id=WAGES_WITHHELD,
            worker_ref=ctx.worker_ref,
            severity=severity,
            ilo_indicators=("FL08",),
            iris_principles=(),
            evidence=(slip.ref,),
            message=(
                f"Wages for {slip.period} were withheld: {'; '.join(problems)}{legal}. "
                + (
                    f"{fmt(unpaid.amount, currency)} is owed."
                    if unpaid.amount > 0
                    else "Nothing remains unpaid."
                )
            ),
            owed=unpaid if unpaid.amount > 0 else None,
            law=(rule,) if rule is not None and deadline is not None else (),
            figures=(("net_pay", slip.net), ("paid", slip.paid)),
            rate_notes=_rate_notes(slip.rate_note),
        )


# --- final settlement and end of service --------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BenefitDue:
    amount: Decimal
    how: str


def service_start(ctx: RuleContext) -> date | None:
    """When the service began: arrival, else the first payslip period, else the first contract
    signed on arrival."""
    arrived = ctx.journey.of_type(EventType.ARRIVED)
    if arrived:
        return arrived[0].date  # type: ignore[no-any-return]
    slips = ctx.journey.of_type(EventType.PAYSLIP)
    if slips:
        return min(s.data.period_start for s in slips)  # type: ignore[no-any-return]
    contracts = ctx.journey.contracts()
    on_arrival = [c for c in contracts if c.data.stage.value == "on_arrival"]
    return on_arrival[0].date if on_arrival else None


def eligible_for_end_of_service(
    rule: EndOfServiceRule, *, start: date, end: date, reason: EndReason
) -> bool:
    """Whether the law pays a benefit for this way of ending and this length of service."""
    if not rule.owes_anything:
        return False
    if rule.payable_on is not None and reason not in rule.payable_on:
        return False
    if rule.min_service_months is not None and not served_at_least_months(
        start, end, rule.min_service_months
    ):
        return False
    return rule.min_service_days is None or (end - start).days >= rule.min_service_days


def end_of_service_due(
    rule: EndOfServiceRule,
    *,
    monthly: Decimal,
    daily: Decimal | None,
    start: date,
    end: date,
    reason: EndReason,
) -> BenefitDue | None:
    """The statutory end-of-service benefit (exact), or None when none is due.

    marginal: each band's rate on the years inside it (UAE: 5 × 21 days + 2 × 30 days);
    whole_service_band: the band reached sets the rate for every year (Malaysia);
    lump_sum: one amount per band (Thailand). Whole years only unless the law pro-rates."""
    if not eligible_for_end_of_service(rule, start=start, end=end, reason=reason):
        return None
    years = service_years(start, end)
    counted = years if rule.pro_rata_fractions is True else Decimal(int(years))
    wage = min(monthly, rule.monthly_wage_cap) if rule.monthly_wage_cap else monthly
    day_wage = daily if daily is not None else wage / rule.day_wage_divisor

    def unit(tier: ServiceTier) -> Decimal:
        return day_wage if tier.unit == "day" else wage

    band = next((t for t in rule.tiers if t.contains(years)), None)
    if rule.method == "marginal":
        amount = Decimal(0)
        for tier in rule.tiers:
            upper = counted if tier.to_year is None else min(counted, tier.to_year)
            span = max(Decimal(0), upper - tier.from_year)
            amount += tier.amount.of(span * unit(tier))
    elif band is None:
        return None
    elif rule.method == "whole_service_band":
        amount = band.amount.of(counted * unit(band))
    else:  # lump_sum
        amount = band.amount.of(unit(band))
    how = f"{fmt_number(counted, 4)} years of service"
    share = _resignation_share(rule, years) if reason is EndReason.RESIGNED else None
    if share is not None:
        amount = share.of(amount)
        how += f", resignation share {share.numerator}/{share.denominator}"
    if rule.cap_months_of_wage is not None:
        amount = min(amount, rule.cap_months_of_wage * wage)
    if rule.total_cap is not None:
        amount = min(amount, rule.total_cap)
    return BenefitDue(amount, how)


def _resignation_share(rule: EndOfServiceRule, years: Decimal) -> Ratio | None:
    """Saudi Labor Law Art. 85: the share of the award paid on resignation, by service."""
    return next(
        (
            r.fraction
            for r in rule.resignation_fractions
            if r.from_year <= years and (r.to_year is None or years < r.to_year)
        ),
        None,
    )


def check_final_settlement_unpaid(ctx: RuleContext) -> Iterator[Finding | Note]:
    for ended in ctx.journey.of_type(EventType.CONTRACT_ENDED):
        yield from _final_settlement(ctx, ended)


def _final_settlement(ctx: RuleContext, ended: Any) -> Iterator[Finding | Note]:
    data = ended.data
    law = ctx.law(ended.date)
    currency = ctx.currency
    problems: list[str] = []
    used: list[Cited[Any]] = []
    rate_notes: list[str] = []
    deadline_rule = law.get("final_settlement_deadline_days")
    if data.final_pay_on is None:
        days = deadline_rule.value if deadline_rule is not None else 0
        deadline = ended.date + timedelta(days=days)
        if ctx.as_of > deadline:
            when = (
                f" (due by {deadline.isoformat()} under {deadline_rule.source})"
                if deadline_rule is not None
                else ""
            )
            problems.append(f"no final pay is recorded{when}")
            if deadline_rule is not None:
                used.append(deadline_rule)
    benefit_owed = None
    eos = law.end_of_service()
    if eos is None:
        yield ctx.insufficient(
            FINAL_SETTLEMENT_UNPAID,
            f"the end-of-service rule of {ctx.country_name()} for {ctx.journey.sector} is not "
            "in the law tables",
            [ended.ref],
        )
    elif currency is not None:
        due, notes = _benefit(ctx, eos.value, ended)
        yield from notes
        if due is not None:
            paid = data.end_of_service_paid or Decimal(0)
            shortfall = owed(due.amount - paid, currency)
            if shortfall.amount > 0:
                used.append(eos)
                benefit_owed = shortfall
                problems.append(
                    f"the end-of-service benefit due is {fmt(due.amount, currency)} ({due.how}; "
                    f"{eos.source}) and {fmt(paid, currency)} was paid"
                )
            rate_notes += [n for n in [_terms_note(ctx, ended.date)] if n]
    if not problems:
        return
    yield Finding(
        rule_id=FINAL_SETTLEMENT_UNPAID,
        worker_ref=ctx.worker_ref,
        severity=Severity.HIGH,
        ilo_indicators=("FL08",),
        iris_principles=(),
        evidence=(ended.ref,),
        message=(
            f"The contract ended on {ended.date.isoformat()} "
            f"({data.reason.value.replace('_', ' ')}) "
            f"without final settlement: {'; '.join(problems)}."
            + (
                f" {fmt(benefit_owed.amount, benefit_owed.currency)} is owed."
                if benefit_owed
                else ""
            )
        ),
        owed=benefit_owed,
        law=tuple(used),
        rate_notes=tuple(rate_notes),
    )


def _terms_note(ctx: RuleContext, on: date) -> str | None:
    terms = ctx.journey.latest_terms()
    if terms is None:
        return None
    return ctx.to_dest(Decimal(1), terms.terms.wage.currency, on).note


def _benefit(
    ctx: RuleContext, rule: EndOfServiceRule, ended: Any
) -> tuple[BenefitDue | None, Sequence[Note]]:
    if not rule.owes_anything:
        return None, ()
    if rule.payable_on is not None and ended.data.reason not in rule.payable_on:
        return None, ()
    start = service_start(ctx)
    terms = ctx.journey.latest_terms()
    if start is None or terms is None:
        missing = "the start of service" if start is None else "the contract wage"
        return None, (
            ctx.insufficient(
                FINAL_SETTLEMENT_UNPAID,
                f"the end-of-service benefit cannot be computed: {missing} is not recorded",
                [ended.ref],
            ),
        )
    wage = terms.terms.wage
    monthly = ctx.to_dest(monthly_wage(terms.terms), wage.currency, ended.date)
    if monthly.amount is None:
        return None, (
            ctx.insufficient(FINAL_SETTLEMENT_UNPAID, monthly.missing or "", [ended.ref]),
        )
    daily = None
    if wage.per is WagePer.DAY:
        daily = ctx.to_dest(wage.amount, wage.currency, ended.date).amount
    due = end_of_service_due(
        rule,
        monthly=monthly.amount,
        daily=daily,
        start=start,
        end=ended.date,
        reason=ended.data.reason,
    )
    if due is not None and ctx.currency is not None:
        due = BenefitDue(due.amount, due.how)
    return due, ()
