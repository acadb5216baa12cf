"""The law as a table: for each (destination, sector, region) the periods in which the law in
force does not change, with the values the payslip rules read as columns.

A period starts on each `effective_from` and on the day after each `effective_until` of the
country's rows; within a period `LawBook.law_in_force` gives the same answer on every day, so it
is asked once per period (docs/law-data.md "Which value is in force" — the selection itself stays
in `fairpath.domain.law`, written once). The bulk engine joins payslips to this table as of their
`period_end` (`join_asof`, backward).

Figures are scaled integers: `*_u` columns hold value × 10^6 (`MICRO`) as Int128, exact.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import polars as pl

from fairpath.domain.law import OVERTIME_PERIODS, Cited, CountryLaw, LawBook

MICRO = 10**6
#: The start of the first period: before any law value's stated start date.
DAWN = date(1000, 1, 1)

#: value states for keys where "missing" and "the law sets none" differ (docs/rules.md)
MISSING, NONE, SET = 0, 1, 2

LAW_SCHEMA: dict[str, Any] = {
    "destination": pl.String,
    "sector": pl.String,
    "region_key": pl.String,
    "valid_from": pl.Date,
    "mw_rows": pl.Boolean,  # any minimum-wage value in force (else INSUFFICIENT_DATA)
    **{f"mw_{per}_u": pl.Int128 for per in ("month", "day", "hour")},
    **{f"mw_{per}_ccy": pl.String for per in ("month", "day", "hour")},
    "ot_mult_u": pl.Int128,
    **{f"lim_{per}_u": pl.Int128 for per in OVERTIME_PERIODS},
    "rest_days": pl.Int32,
    "deadline_days": pl.Int32,
    "cap_state": pl.Int8,
    "cap_u": pl.Int128,
    "fines_state": pl.Int8,
}


def micro(value: Decimal) -> int:
    """`value` × 10^6 as an integer; refuses a value that is not exact at 6 decimal places."""
    scaled = value * MICRO
    if scaled != scaled.to_integral_value():
        raise ValueError(f"{value} has more than 6 decimal places")
    return int(scaled)


def change_days(law_book: LawBook, country: str) -> list[date]:
    """The days on which some value of `country`'s law starts or stops being in force."""
    days = {DAWN}
    for fact in law_book.rows(country):
        if fact.effective_from is not None:
            days.add(fact.effective_from)
        if fact.effective_until is not None:
            days.add(fact.effective_until + timedelta(days=1))
    return sorted(days)


def _state(cited: Cited[Any] | None) -> int:
    if cited is None:
        return MISSING
    return NONE if cited.value is None else SET


def _row(law: CountryLaw, region_key: str) -> dict[str, Any]:
    row: dict[str, Any] = {
        "destination": law.country,
        "sector": law.sector,
        "region_key": region_key,
        "valid_from": law.on,
        "mw_rows": bool(law.minimum_wages()),
    }
    for per in ("month", "day", "hour"):
        cited = law.get(f"minimum_wage.{per}")
        rate = cited.value if cited is not None else None
        row[f"mw_{per}_u"] = micro(rate.amount) if rate is not None else None
        row[f"mw_{per}_ccy"] = rate.currency if rate is not None else None
    mult = law.get("overtime_multiplier")
    row["ot_mult_u"] = micro(mult.value) if mult is not None and mult.value is not None else None
    for per in OVERTIME_PERIODS:
        limit = law.get(f"overtime_limit.{per}")
        row[f"lim_{per}_u"] = micro(limit.value) if limit is not None else None
    rest = law.get("weekly_rest_days")
    row["rest_days"] = rest.value if rest is not None else None
    deadline = law.get("payment_deadline_days")
    row["deadline_days"] = deadline.value if deadline is not None else None
    cap = law.get("deduction_cap_pct")
    row["cap_state"] = _state(cap)
    row["cap_u"] = micro(cap.value) if cap is not None and cap.value is not None else None
    fines = law.get("fines_banned")
    row["fines_state"] = MISSING if fines is None else (SET if fines.value is True else NONE)
    return row


def law_frame(law_book: LawBook, combos: Iterable[tuple[str, str, str]]) -> pl.DataFrame:
    """The law periods of every (destination, sector, region_key) in `combos` ("" = no region),
    sorted by `valid_from`."""
    rows = []
    for destination, sector, region_key in combos:
        for day in change_days(law_book, destination):
            law = law_book.law_in_force(destination, sector, day, region=region_key or None)
            rows.append(_row(law, region_key))
    return pl.DataFrame(rows, schema=LAW_SCHEMA).sort("valid_from")
