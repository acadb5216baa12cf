"""The per-worker engine's own arithmetic for the rare rows where exact fractions and 34-digit
decimals could round differently.

An amount exactly half a minor unit (or overtime exactly at a limit) reached through a division
that does not terminate (15/31 of a month, monthly × 12 / 52 / 48 hours) comes out of the
per-worker engine a hair above or below the tie, because `fairpath.domain.rates.ARITHMETIC`
rounds each step at 34 significant digits. For those rows only, the figures are recomputed here
with the same functions (`fairpath.domain.rules.arithmetic`), in the same order and context, so
the bulk engine gives the per-worker engine's result digit for digit. Everywhere else the exact
fraction and the 34-digit decimal round to the same minor unit (docs/analytics.md "Exactness").
"""

from __future__ import annotations

from decimal import Decimal, localcontext
from typing import Any

import polars as pl

from fairpath.domain.journey import WagePer
from fairpath.domain.money import minor_units
from fairpath.domain.rates import ARITHMETIC
from fairpath.domain.rules.arithmetic import (
    hourly_rate,
    monthly_amount,
    owed,
    period_days,
    period_months,
)

_DAYS_PER_WEEK = Decimal(7)


def _d(micro_units: int | None) -> Decimal | None:
    return None if micro_units is None else Decimal(micro_units).scaleb(-6)


def _figure(row: dict[str, Any], column: str) -> Decimal:
    """A payslip figure (the frames' Decimal(38, 6), carried as its millionths)."""
    value = _d(row[column])
    assert value is not None
    return value


def _minor(amount: Decimal, currency: str) -> int:
    return int(owed(amount, currency).amount.scaleb(minor_units(currency)))


def _promised_monthly(row: dict[str, Any]) -> Decimal:
    amount = _d(row["p_amount_u"])
    assert amount is not None
    result = monthly_amount(amount, WagePer(row["p_per"]), _d(row["p_hpw_u"]))
    assert result is not None
    return result


def minimum_due(row: dict[str, Any]) -> Decimal | None:
    """`wages.minimum_due`'s amount (same currency: no conversion)."""
    per = row["mw_per"]
    if per is None or not row["mw_rows"]:
        return None
    rate = _d(row[f"mw_{per}_u"])
    assert rate is not None
    if per == "month":
        units = period_months(row["period_start"], row["period_end"])
    elif per == "day":
        rest = max(row["rest_days"] or 0, row["p_rest"] or 0)
        days = period_days(row["period_start"], row["period_end"])
        units = Decimal(max(0, days - rest * (days // 7) + row["rest_days_worked"]))
    else:
        units = _figure(row, "nh_u")
    return rate * units


def below_minimum(row: dict[str, Any]) -> int:
    with localcontext(ARITHMETIC):
        due = minimum_due(row)
        assert due is not None
        return _minor(due - _figure(row, "basic_u"), row["dest_ccy"])


def below_promised(row: dict[str, Any]) -> tuple[int, int]:
    """(shortfall, owed) in minor units."""
    with localcontext(ARITHMETIC):
        months = period_months(row["period_start"], row["period_end"])
        due = _promised_monthly(row) * months
        basic = _figure(row, "basic_u")
        minimum = minimum_due(row)
        floor = max(basic, minimum) if minimum is not None else basic
        return _minor(due - basic, row["dest_ccy"]), _minor(due - floor, row["dest_ccy"])


def overtime_short(row: dict[str, Any]) -> int:
    with localcontext(ARITHMETIC):
        legal = _d(row["ot_mult_u"])
        multiplier = _d(row["p_mult_u"])
        assert multiplier is not None
        if legal is not None:
            multiplier = max(multiplier, legal)
        hours = _d(row["p_hpw_u"])
        assert hours is not None
        rate = hourly_rate(_promised_monthly(row), hours)
        due = _figure(row, "ot_u") * rate * multiplier
        return _minor(due - _figure(row, "otpay_u"), row["dest_ccy"])


def overtime_limit(row: dict[str, Any]) -> Decimal:
    """`hours.prorated_limit`, the tightest of the limits in force."""
    with localcontext(ARITHMETIC):
        days = Decimal(period_days(row["period_start"], row["period_end"]))
        months = period_months(row["period_start"], row["period_end"])
        limits = []
        for per in ("day", "week", "month", "3_months", "year"):
            value = _d(row[f"lim_{per}_u"])
            if value is None:
                continue
            if per == "day":
                working = _DAYS_PER_WEEK - Decimal(
                    row["rest_days"] if row["rest_days"] is not None else 1
                )
                limits.append(value * working * days / _DAYS_PER_WEEK)
            elif per == "week":
                limits.append(value * days / _DAYS_PER_WEEK)
            elif per == "month":
                limits.append(value * months)
            elif per == "3_months":
                limits.append(value * months / 3)
            else:
                limits.append(value * months / 12)
        return min(limits)


def excessive(row: dict[str, Any]) -> str | None:
    """The severity EXCESSIVE_OVERTIME gives the row, or None."""
    with localcontext(ARITHMETIC):
        limit = overtime_limit(row)
        hours = _figure(row, "ot_u")
        if hours <= limit:
            return None
        return "high" if hours > limit * Decimal("1.5") else "medium"


#: Columns that name a row but never enter its arithmetic.
_IDENTITY = ("worker_ref", "_w", "ref", "p_ref", "_lk")


def apply(frame: pl.DataFrame, name: str, compute: Any, dtype: Any) -> pl.DataFrame:
    """`frame` with a column `name` = `compute(row)` for each of its (few) rows, computed once
    per distinct set of the figures the arithmetic reads (many payslips share them)."""
    inputs = [c for c in frame.columns if c not in _IDENTITY]
    distinct = frame.select(inputs).unique()
    values = [compute(row) for row in distinct.iter_rows(named=True)]
    results = distinct.with_columns(pl.Series(name, values, dtype=dtype))
    return frame.join(results, on=inputs, how="left", nulls_equal=True)
