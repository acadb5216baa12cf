"""What every rule is given: the journey, the law book, the rate table and the as-of date, plus
the lookups they share (destination law on a date, conversion into the destination currency,
promised wage, months of wages).

A rule is a pure function `check(ctx) -> Iterable[Finding | Note]`; `RuleContext` is only a
bundle of its arguments with helpers, it holds no state of its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from fairpath.domain.journey import WagePer
from fairpath.domain.law import Cited, CountryLaw, LawBook, WageRate
from fairpath.domain.rates import Conversion, RateTable, RateUnavailable
from fairpath.domain.rules.arithmetic import monthly_amount, monthly_wage
from fairpath.domain.rules.findings import Note, NoteKind
from fairpath.domain.rules.journey import Journey, PromisedTerms


@dataclass(frozen=True, slots=True)
class Converted:
    """An amount in the destination currency, or why it could not be converted."""

    amount: Decimal | None
    note: str | None = None  # rate fallback note
    missing: str | None = None  # why there is no amount

    @classmethod
    def of(cls, conversion: Conversion) -> Converted:
        return cls(conversion.amount, conversion.note)


@dataclass(frozen=True, slots=True)
class MonthlyBase:
    """The monthly wage "months of wages" divide by (spec "Months of wages")."""

    amount: Decimal
    what: str  # "promised monthly wage" / "monthly minimum wage"
    law: tuple[Cited[Any], ...] = ()
    rate_note: str | None = None


@dataclass(frozen=True, slots=True)
class RuleContext:
    journey: Journey
    law_book: LawBook
    rates: RateTable
    as_of: date

    @property
    def worker_ref(self) -> str:
        return self.journey.worker.ref

    @property
    def destination(self) -> str:
        return self.journey.destination

    @property
    def currency(self) -> str | None:
        """The destination currency: the law table's, else the promised wage's."""
        return self.journey.destination_currency(self.law_book.currencies)

    def law(self, on: date) -> CountryLaw:
        """The destination law in force on `on` for this worker's sector and region."""
        return self.law_book.law_in_force(
            self.destination, self.journey.sector, on, region=self.journey.region
        )

    def to_dest(self, amount: Decimal, currency: str, on: date) -> Converted:
        """`amount` of `currency` paid on `on`, in the destination currency (exact)."""
        target = self.currency
        if target is None:
            return Converted(None, missing=f"the currency of {self.destination} is not known")
        try:
            return Converted.of(self.rates.convert(amount, currency, target, on))
        except RateUnavailable as exc:
            return Converted(None, missing=exc.message)

    def convert(self, amount: Decimal, currency: str, target: str, on: date) -> Converted:
        try:
            return Converted.of(self.rates.convert(amount, currency, target, on))
        except RateUnavailable as exc:
            return Converted(None, missing=exc.message)

    def promised(self) -> PromisedTerms | None:
        return self.journey.promised_terms()

    def promised_monthly(self, on: date) -> Converted | None:
        """The promised monthly wage in the destination currency on `on`; None if no terms."""
        promised = self.promised()
        if promised is None:
            return None
        terms = promised.terms
        return self.to_dest(monthly_wage(terms), terms.wage.currency, on)

    def law_monthly_minimum(self, on: date) -> tuple[Decimal, Cited[Any]] | None:
        """The law's minimum wage in force on `on`, as a monthly amount in the destination
        currency (daily × 26; hourly × the law's weekly hours × 52 / 12)."""
        law = self.law(on)
        hours = law.get("max_normal_hours_week")
        for cited in law.minimum_wages():
            rate: WageRate | None = cited.value
            if rate is None:
                continue
            monthly = monthly_amount(
                rate.amount, rate.per, hours.value if hours and rate.per is WagePer.HOUR else None
            )
            if monthly is None:
                continue
            converted = self.to_dest(monthly, rate.currency, on)
            if converted.amount is not None:
                return converted.amount, cited
        return None

    def monthly_base(self, on: date) -> MonthlyBase | None:
        """What "months of wages" divides by: the promised monthly wage, else the law's
        monthly minimum wage (spec "Months of wages")."""
        promised = self.promised_monthly(on)
        if promised is not None and promised.amount is not None and promised.amount > 0:
            return MonthlyBase(promised.amount, "the promised monthly wage", (), promised.note)
        minimum = self.law_monthly_minimum(on)
        if minimum is not None and minimum[0] > 0:
            return MonthlyBase(minimum[0], "the monthly minimum wage", (minimum[1],))
        return None

    def insufficient(self, rule_id: str, missing: str, evidence: Sequence[str] = ()) -> Note:
        return Note(
            rule_id=rule_id,
            worker_ref=self.worker_ref,
            kind=NoteKind.INSUFFICIENT_DATA,
            missing=missing,
            evidence=tuple(evidence),
        )

    def country_name(self, country: str | None = None) -> str:
        return self.law_book.country_name(country or self.destination)
