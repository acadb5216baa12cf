"""Exchange rates: the annual-average rate table and exact currency conversion.

Implements spec/rules.md "Exchange rate": an amount paid on a date converts at the table's
annual average for that date's year; when that year is missing, at the latest earlier year, with a
note saying so; with no earlier year at all, conversion is impossible (`RateUnavailable`, which the
rules turn into an INSUFFICIENT_DATA note). The table holds local currency units per US dollar,
so cross rates go through the dollar. Results are exact (unrounded); callers round half-even to
the minor unit once, at the end ("Common definitions").

Also owns `ARITHMETIC`, the one decimal context every money computation in the rules runs in, so
that the per-worker engine and the bulk engine get the same digits.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import (
    ROUND_HALF_EVEN,
    Context,
    Decimal,
    DivisionByZero,
    InvalidOperation,
    Overflow,
    localcontext,
)

from fairpath.domain.errors import FairpathError
from fairpath.domain.law import Confidence

#: 34 significant digits (IEEE 754 decimal128), half-even; traps on anything inexact-by-accident.
ARITHMETIC = Context(
    prec=34, rounding=ROUND_HALF_EVEN, traps=[InvalidOperation, DivisionByZero, Overflow]
)

USD = "USD"


class RateUnavailable(FairpathError):
    """No rate for a currency in the year asked or any earlier year."""

    def __init__(self, currency: str, year: int, table: str) -> None:
        super().__init__(
            f"the exchange-rate table has no {currency} rate for {year} or any earlier year; "
            f"add a row '{currency},{year},<units per US$>,<source>,<P|S|D>' to an override "
            "rate file",
            where=table,
        )
        self.currency = currency
        self.year = year


@dataclass(frozen=True, slots=True)
class RateRow:
    """One annual average: `lcu_per_usd` units of `currency` buy one US dollar."""

    currency: str
    year: int
    lcu_per_usd: Decimal
    source: str
    confidence: Confidence
    table: str


@dataclass(frozen=True, slots=True)
class Conversion:
    """An exact converted amount, the rate year used and, when the date's own year was
    missing, a note saying which earlier year stood in."""

    amount: Decimal
    currency: str
    rate_year: int | None  # None: no conversion was needed (same currency)
    note: str | None = None


@dataclass(frozen=True, slots=True)
class RateTable:
    """Annual average exchange rates, local currency per US dollar, with their sources."""

    name: str
    rows: Mapping[tuple[str, int], RateRow]

    def row(self, currency: str, year: int) -> tuple[RateRow, str | None]:
        """The row for `currency` in `year`, else the latest earlier year with a note."""
        exact = self.rows.get((currency, year))
        if exact is not None:
            return exact, None
        earlier = [y for (c, y) in self.rows if c == currency and y < year]
        if not earlier:
            raise RateUnavailable(currency, year, self.name)
        used = max(earlier)
        note = (
            f"no {currency} rate for {year} in {self.name}; used the {used} annual average "
            f"({self.rows[(currency, used)].lcu_per_usd} {currency} per US$)"
        )
        return self.rows[(currency, used)], note

    def per_usd(self, currency: str, year: int) -> tuple[Decimal, int, str | None]:
        if currency == USD:
            return Decimal(1), year, None
        row, note = self.row(currency, year)
        return row.lcu_per_usd, row.year, note

    def convert(self, amount: Decimal, from_ccy: str, to_ccy: str, on: date) -> Conversion:
        """`amount` of `from_ccy` paid on `on`, in `to_ccy`, exact (not rounded)."""
        if from_ccy == to_ccy:
            return Conversion(amount, to_ccy, None)
        with localcontext(ARITHMETIC):
            from_rate, from_year, from_note = self.per_usd(from_ccy, on.year)
            to_rate, to_year, to_note = self.per_usd(to_ccy, on.year)
            # One multiplication and one division: amount / (from per US$) × (to per US$),
            # written as a single quotient so that rounding happens at most once.
            converted = amount * to_rate / from_rate
        notes = [n for n in (from_note, to_note) if n]
        years = [y for ccy, y in ((from_ccy, from_year), (to_ccy, to_year)) if ccy != USD]
        return Conversion(
            amount=converted,
            currency=to_ccy,
            rate_year=min(years) if years else on.year,
            note="; ".join(notes) if notes else None,
        )

    def currencies(self) -> frozenset[str]:
        return frozenset(c for c, _ in self.rows) | {USD}


def convert(table: RateTable, amount: Decimal, from_ccy: str, to_ccy: str, on: date) -> Conversion:
    """Module-level spelling of `RateTable.convert`."""
    return table.convert(amount, from_ccy, to_ccy, on)
