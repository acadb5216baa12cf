"""The spec's arithmetic, written once: wage conversions, period lengths, service length.

spec/rules.md "Common definitions": monthly wage (`day` × 26; `hour` × hours × 52 / 12), hourly rate
(monthly × 12 / 52 / hours), months of wages, pro-rating to a payslip period. All results are exact
decimals computed in `fairpath.domain.rates.ARITHMETIC`; rounding happens once, where money is
owed (`owed`).
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from decimal import Decimal

from fairpath.domain.journey import Terms, WagePer
from fairpath.domain.money import Money, quantize

DAYS_PER_MONTH_FOR_DAILY_WAGES = Decimal(26)
WEEKS_PER_YEAR = Decimal(52)
MONTHS_PER_YEAR = Decimal(12)


def monthly_amount(amount: Decimal, per: WagePer, hours_per_week: Decimal | None) -> Decimal | None:
    """A wage expressed per month: month as is; day × 26; hour × hours/week × 52 / 12.
    None when an hourly wage has no weekly hours to scale by."""
    if per is WagePer.MONTH:
        return amount
    if per is WagePer.DAY:
        return amount * DAYS_PER_MONTH_FOR_DAILY_WAGES
    if hours_per_week is None:
        return None
    return amount * hours_per_week * WEEKS_PER_YEAR / MONTHS_PER_YEAR


def monthly_wage(terms: Terms) -> Decimal:
    """The monthly wage of contract terms, in the terms' currency."""
    result = monthly_amount(terms.wage.amount, terms.wage.per, terms.normal_hours_per_week)
    assert result is not None  # terms always carry normal_hours_per_week
    return result


def hourly_rate(monthly: Decimal, hours_per_week: Decimal) -> Decimal:
    """Monthly wage × 12 / 52 / normal hours per week."""
    return monthly * MONTHS_PER_YEAR / WEEKS_PER_YEAR / hours_per_week


def add_months(day: date, months: int) -> date:
    """`day` moved by whole months, clamped to the month's last day (31 Jan + 1 → 28/29 Feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def period_days(start: date, end: date) -> int:
    """Days in a payslip period, both ends included."""
    return (end - start).days + 1


def period_months(start: date, end: date) -> Decimal:
    """The length of a payslip period in months: whole months counted from `start` (1–31 Jan,
    16 Jan–15 Feb and 1–28 Feb are each exactly 1), plus the days left over as a fraction of
    the month that would have followed (1–15 Jan = 15/31)."""
    whole = 0
    while add_months(start, whole + 1) - timedelta(days=1) <= end:
        whole += 1
    rest_start = add_months(start, whole)
    rest_days = (end - rest_start).days + 1
    if rest_days <= 0:
        return Decimal(whole)
    month_days = (add_months(rest_start, 1) - rest_start).days
    return Decimal(whole) + Decimal(rest_days) / Decimal(month_days)


def full_weeks(start: date, end: date) -> int:
    """Complete weeks in a payslip period (at least 1, spec NO_WEEKLY_REST)."""
    return max(1, period_days(start, end) // 7)


def service_years(start: date, end: date) -> Decimal:
    """Length of service from `start` to `end` in years: whole anniversaries, plus the days left
    as a fraction of the following year's length (365 or 366)."""
    whole = 0
    while add_months(start, 12 * (whole + 1)) <= end:
        whole += 1
    anniversary = add_months(start, 12 * whole)
    rest = (end - anniversary).days
    if rest <= 0:
        return Decimal(whole)
    year_days = (add_months(anniversary, 12) - anniversary).days
    return Decimal(whole) + Decimal(rest) / Decimal(year_days)


def served_at_least_months(start: date, end: date, months: int) -> bool:
    return add_months(start, months) <= end


def owed(amount: Decimal, currency: str) -> Money:
    """An amount owed: never negative, rounded half-even to the currency's minor unit."""
    return Money(quantize(max(amount, Decimal(0)), currency), currency)


def fmt(amount: Decimal, currency: str) -> str:
    """`85,000.00 NPR` — an amount for a sentence (rounded for display only)."""
    return f"{quantize(amount, currency):,} {currency}"


def fmt_number(value: Decimal, places: int = 2) -> str:
    """`1.4`, `12`, `2.33` — a figure for a sentence, without trailing zeros."""
    text = f"{value.quantize(Decimal(1).scaleb(-places)):,}"
    return text.rstrip("0").rstrip(".") if "." in text else text
