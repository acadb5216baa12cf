"""Remedy accounts: owed, paid, confirmed by the worker, balance."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from fairpath.domain.law import LawBook
from fairpath.domain.rates import RateTable
from fairpath.domain.rules import assess_with_remedy

from .builders import JourneyBuilder, terms, worker
from .helpers import exact

AS_OF = date(2025, 12, 31)


def _owed_journey() -> JourneyBuilder:
    j = JourneyBuilder(worker(destination="MY"))
    j.contract("2025-01-10", terms())
    j.fee("2025-01-12", "1000", "MYR")  # 1,000 owed under FEE_PAID_BY_WORKER
    j.payslip("2025-03-01", "2025-03-31", basic="1500")  # 200 under BELOW_MINIMUM_WAGE
    return j


def test_owed_is_the_sum_of_the_findings_in_the_destination_currency(
    law: LawBook, rates: RateTable
) -> None:
    _, account = assess_with_remedy(_owed_journey().build(), law, rates, AS_OF)
    assert account is not None and account.currency == "MYR"
    assert account.owed.amount == 1200
    assert {k: v.amount for k, v in account.owed_by_rule.items()} == {
        "BELOW_MINIMUM_WAGE": 200,
        "FEE_PAID_BY_WORKER": 1000,
    }
    assert account.balance.amount == 1200


def test_a_confirmed_payment_reduces_the_balance_an_unconfirmed_one_does_not(
    law: LawBook, rates: RateTable
) -> None:
    j = _owed_journey()
    j.remedy_paid("2025-06-01", "700", "MYR", confirmed=True)
    j.remedy_paid("2025-07-01", "300", "MYR", confirmed=False)
    _, account = assess_with_remedy(j.build(), law, rates, AS_OF)
    assert account is not None
    assert account.paid.amount == 1000 and account.confirmed.amount == 700
    assert account.balance.amount == 500 and account.overpaid.amount == 0


def test_a_payment_in_another_currency_is_converted_at_its_date(
    law: LawBook, rates: RateTable
) -> None:
    j = _owed_journey()
    j.remedy_paid("2025-06-01", "10000", "NPR", confirmed=True)
    _, account = assess_with_remedy(j.build(), law, rates, AS_OF)
    npr, myr = rates.rows[("NPR", 2025)].lcu_per_usd, rates.rows[("MYR", 2025)].lcu_per_usd
    paid = exact("D(10000) * myr / npr", "MYR", myr=myr, npr=npr)
    assert account is not None and account.confirmed.amount == paid
    assert account.balance.amount == Decimal(1200) - paid


def test_the_balance_never_goes_below_zero(law: LawBook, rates: RateTable) -> None:
    j = _owed_journey()
    j.remedy_paid("2025-06-01", "1500", "MYR", confirmed=True)
    _, account = assess_with_remedy(j.build(), law, rates, AS_OF)
    assert account is not None
    assert account.balance.amount == 0 and account.overpaid.amount == 300


def test_a_payment_after_the_as_of_date_is_not_counted(law: LawBook, rates: RateTable) -> None:
    j = _owed_journey()
    j.remedy_paid("2026-01-05", "1200", "MYR", confirmed=True)
    _, account = assess_with_remedy(j.build(), law, rates, AS_OF)
    assert account is not None and account.balance.amount == 1200
