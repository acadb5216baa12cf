"""Monthly payslips of one demo worker: hours, pay, deductions, payment dates.

A compliant employer pays at least the promised wage and the minimum wage in force, overtime
inside the legal limit at the legal premium, only lawful deductions, and pays within the legal
deadline (figures in `law`). The worker's profile decides what goes wrong instead.

This is the hot loop of a large data set (most records are payslips), so it works in integer
hundredths and formats each amount once.
"""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal
from functools import cache
from typing import NamedTuple

from fairpath.demo.law import BY_COUNTRY, Destination
from fairpath.demo.timeline import (
    Journey,
    PayslipData,
    iso,
    month_bounds,
    stepped,
    uniform,
)

_PAYROLL = {"kind": "payroll_record", "sha256": None}


@cache
def _month(country: str, month: int) -> tuple[str, str, int, int]:
    """First and last day of month `month` as ISO text, the last as an ordinal, and the
    destination's monthly minimum wage in force on that last day (hundredths)."""
    destination = BY_COUNTRY[country]
    start, end = month_bounds(month)
    minimum = destination.monthly(destination.minimum_on(date.fromordinal(end)))
    return iso(start), iso(end), end, minimum


def _two_places(hundredths: int) -> str:
    # Every destination currency has two decimal places (ISO 4217: MYR, QAR, TWD, HKD, THB).
    return f"{hundredths // 100}.{hundredths % 100:02d}"


def _rendered(deductions: list[tuple[str, int]]) -> tuple[tuple[tuple[str, str], ...], int]:
    return tuple((kind, _two_places(amount)) for kind, amount in deductions), sum(
        amount for _, amount in deductions
    )


class _Plan(NamedTuple):
    """What stays the same across one worker's payslips."""

    promised_monthly: int
    underpaid: int  # monthly basic of an underpaid worker, else 0
    normal_hours: int
    ot_low: int
    ot_span: int  # 0: no overtime
    ot_num: int
    ot_den: int
    flat_overtime: bool  # overtime paid at the plain hourly rate
    housing: int
    unlawful_months: int
    unlawful: tuple[str, int]
    unpaid_from: int
    correct_at: int


def _plan(j: Journey) -> _Plan:
    rng, dest, profile = j.rng, j.corridor.destination, j.profile
    ot_low, ot_high = dest.overtime_excessive if profile.excessive_overtime else dest.overtime_usual
    # Overtime pay = hours x hourly rate x factor; hourly = monthly x 12 / 52 / weekly hours
    # (spec/rules.md, "Hourly rate"); an underpaying employer pays the plain hourly rate.
    num, den = (1, 1) if profile.overtime_underpaid else dest.overtime_paid_at
    unlawful_months = uniform(rng, 4, 8) if profile.unlawful_deduction else 0
    unlawful = _unlawful_deduction(rng, dest)
    unpaid_from = j.periods - uniform(rng, 1, 3) if profile.unpaid_wages else j.periods
    correct_at = -1
    if profile.correction and not j.corrected and j.periods:
        correct_at = uniform(rng, 0, j.periods - 1)
    return _Plan(
        promised_monthly=dest.monthly(j.promised_wage),
        underpaid=_underpaid_monthly(j),
        normal_hours=round(j.actual_terms["normal_hours_per_week"] * 52 / 12),
        ot_low=ot_low,
        ot_span=ot_high - ot_low + 1 if ot_high else 0,
        ot_num=num * 12,
        ot_den=52 * dest.normal_hours_per_week * den,
        flat_overtime=profile.overtime_underpaid,
        housing=_housing_deduction(j),
        unlawful_months=unlawful_months,
        unlawful=unlawful,
        unpaid_from=unpaid_from,
        correct_at=correct_at,
    )


def issue_payslips(j: Journey) -> None:
    """One payslip per calendar month from the first full month after arrival."""
    rng, dest, profile, as_of = j.rng, j.corridor.destination, j.profile, j.frame.as_of
    currency, pay_within, country = dest.currency, dest.pay_within_days, dest.country
    plan = _plan(j)
    promised_monthly, underpaid, ot_low, ot_span = (
        plan.promised_monthly,
        plan.underpaid,
        plan.ot_low,
        plan.ot_span,
    )
    # Deductions that do not depend on the month's pay are rendered once; Taiwan's income tax
    # and Thailand's social security are a share of the month's pay.
    steady = _rendered(_steady_deductions(country, plan.housing))
    steady_unlawful = _rendered([*_steady_deductions(country, plan.housing), plan.unlawful])
    varying = {"TW": "tax", "TH": "social_security"}.get(country, "")
    late, excessive = profile.late_wages, profile.excessive_overtime
    events = j.events
    for k in range(j.periods):
        start, end, end_day, minimum = _month(country, j.first_month + k)
        owed = promised_monthly if promised_monthly > minimum else minimum
        basic = underpaid or owed
        j.wage_shortfall += owed - basic
        overtime = ot_low + int(rng.random() * ot_span) if ot_span else 0
        rate = basic if plan.flat_overtime else owed
        overtime_pay = -(-overtime * rate * plan.ot_num // plan.ot_den)
        deductions, deducted = steady_unlawful if k < plan.unlawful_months else steady
        if varying:
            # 5 % of the month's pay, whole units; Thailand caps it at THB 750.
            share = (basic + overtime_pay) * 5 // 10_000 * 100
            if varying == "social_security" and share > 75_000:
                share = 75_000
            deductions = ((varying, f"{share // 100}.00"), *deductions)
            deducted += share
        net = basic + overtime_pay - deducted
        issued = end_day + 1 + int(rng.random() * pay_within)
        paid_on: int | None = issued
        if k >= plan.unpaid_from:
            paid_on = None
        elif late and rng.random() < 0.35:
            paid_on = issued + uniform(rng, 15, 45)
            if paid_on > as_of:
                paid_on = None  # still unpaid on the as-of date
        data = PayslipData(
            start,
            end,
            currency,
            plan.normal_hours,
            overtime,
            _rest_days_worked(rng, dest) if excessive else 0,
            f"{basic // 100}.{basic % 100:02d}",
            f"{overtime_pay // 100}.{overtime_pay % 100:02d}",
            deductions,
            f"{net // 100}.{net % 100:02d}" if net > 0 else "0.00",
            iso(paid_on) if paid_on is not None else None,
        )
        if k == plan.correct_at and overtime:
            _corrected_payslip(j, issued, data, overtime_pay, net)
        else:
            events.append((issued, len(events), "payslip", "employer", _PAYROLL, data, -1))
    if j.periods:
        j.ended_on = month_bounds(j.first_month + j.periods - 1)[1]


def _underpaid_monthly(j: Journey) -> int:
    """The monthly basic pay of an underpaid worker (0: not underpaid)."""
    dest = j.corridor.destination
    if not j.profile.underpaid:
        return 0
    if j.actual_terms is not j.terms:  # the substituted contract states the lower wage
        return dest.monthly(int(Decimal(j.actual_terms["wage"]["amount"]) * 100))
    return dest.monthly(stepped(j.rng, *dest.underpaid_wage, 1_000))


def _corrected_payslip(
    j: Journey, issued: int, data: PayslipData, overtime_pay: int, net: int
) -> None:
    """The first issue left the overtime out; the payroll clerk re-issues the payslip."""
    first = data._replace(
        overtime_hours=0, overtime_pay="0.00", net_pay=_two_places(max(0, net - overtime_pay))
    )
    seq = j.add(issued, "payslip", "employer", _PAYROLL, first)
    reissued = max(issued, min(issued + uniform(j.rng, 5, 40), j.frame.as_of))
    j.add(reissued, "payslip", "employer", _PAYROLL, data, supersedes=seq)
    j.corrected = True


def _housing_deduction(j: Journey) -> int:
    """Monthly housing charge when a substituted contract made free housing deducted."""
    if j.actual_terms["housing"] != "deducted" or j.terms["housing"] == "deducted":
        return 0
    return {"MY": 10_000, "QA": 30_000, "TH": 100_000}.get(j.corridor.destination.country, 0)


def _unlawful_deduction(rng: random.Random, dest: Destination) -> tuple[str, int]:
    """Recruitment costs clawed back from wages (ILO C095 Art. 9 forbids it)."""
    if dest.country == "HK":
        # The placement loan the agency arranged, repaid out of the helper's wage.
        return "loan_repayment", stepped(rng, 150_000, 250_000, 10_000)
    low, high = {
        "MY": (25_000, 40_000),
        "QA": (20_000, 30_000),
        "TW": (300_000, 500_000),
        "TH": (100_000, 200_000),
    }[dest.country]
    return "recruitment_fee", stepped(rng, low, high, 1_000)


def _steady_deductions(country: str, housing: int) -> list[tuple[str, int]]:
    """The lawful deductions that are the same every month, hundredths (the varying one —
    Taiwan's 5 % income tax withheld, Thailand's 5 % social security — comes first)."""
    if country == "TW":
        # Labour and health insurance (NT$1,100) and the board and lodging the contract agreed
        # (NT$2,500 each).
        return [("social_security", 110_000), ("housing", 250_000), ("food", 250_000)]
    # Thailand: Social Security Act B.E. 2533, 5 % of wages, at most THB 750 a month (general
    # knowledge, not in shared/reference) — the varying deduction; here only housing.
    return [("housing", housing)] if housing else []


def _rest_days_worked(rng: random.Random, dest: Destination) -> int:
    """Rest days worked in a month of excessive hours."""
    if dest.rest_days_per_week == 1:
        # Every rest day of four full weeks worked (Hong Kong: the only hours abuse counted).
        return 4 if dest.country == "HK" or rng.random() < 0.7 else uniform(rng, 1, 3)
    return uniform(rng, 2, 4)
