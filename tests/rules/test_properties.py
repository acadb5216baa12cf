"""Invariants over generated journeys: owed amounts are never negative and always rounded to the
currency's minor unit; assessing is deterministic."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from fairpath.data import load_law_book, load_rates
from fairpath.domain.money import minor_units
from fairpath.domain.rules import assess_with_remedy

from .builders import JourneyBuilder, terms, worker

LAW = load_law_book()
RATES = load_rates()

DESTINATIONS = {"MY": "MYR", "QA": "QAR", "TW": "TWD", "SA": "SAR", "AE": "AED", "KW": "KWD"}
money_text = st.decimals(min_value=0, max_value=20000, places=2).map(str)


@st.composite
def journeys(draw: st.DrawFn) -> JourneyBuilder:
    dest = draw(st.sampled_from(sorted(DESTINATIONS)))
    ccy = DESTINATIONS[dest]
    j = JourneyBuilder(
        worker(destination=dest, sector=draw(st.sampled_from(["manufacturing", "construction"])))
    )
    j.contract(
        "2023-01-10", terms(amount=draw(money_text.filter(lambda t: Decimal(t) > 0)), currency=ccy)
    )
    j.arrived("2023-02-01", dest)
    for _ in range(draw(st.integers(0, 2))):
        j.fee(
            "2023-01-12",
            draw(money_text),
            draw(st.sampled_from(["NPR", ccy, "USD"])),
            via_deduction=draw(st.booleans()),
        )
    start = date(2023, 3, 1)
    for _ in range(draw(st.integers(0, 3))):
        length = draw(st.integers(6, 40))
        end = start + timedelta(days=length)
        j.payslip(
            start,
            end,
            basic=draw(money_text),
            currency=ccy,
            overtime_hours=str(draw(st.integers(0, 200))),
            overtime_pay=draw(money_text),
            rest_days_worked=draw(st.integers(0, 6)),
            deductions=draw(
                st.lists(
                    st.tuples(
                        st.sampled_from(["recruitment_fee", "housing", "fine", "tax"]), money_text
                    ),
                    max_size=2,
                )
            ),
            paid=draw(st.booleans()),
        )
        start = end + timedelta(days=1)
    if draw(st.booleans()):
        j.contract_ended(
            start,
            draw(st.sampled_from(["completed", "resigned", "terminated_early_by_employer"])),
            end_of_service_paid=draw(st.one_of(st.none(), money_text)),
        )
    if draw(st.booleans()):
        j.remedy_paid(start, draw(money_text), ccy, confirmed=draw(st.booleans()))
    return j


@settings(max_examples=60, deadline=None)
@given(journeys())
def test_owed_is_never_negative_and_always_in_minor_units(builder: JourneyBuilder) -> None:
    journey = builder.build()
    assessment, account = assess_with_remedy(journey, LAW, RATES, date(2026, 6, 30))
    for finding in assessment.findings:
        if finding.owed is None:
            continue
        assert finding.owed.amount >= 0
        exponent = finding.owed.amount.as_tuple().exponent
        assert isinstance(exponent, int) and -exponent == minor_units(finding.owed.currency)
    assert account is not None
    for amount in (account.owed, account.balance, account.paid, account.confirmed):
        assert amount.amount >= 0
    again, _ = assess_with_remedy(journey, LAW, RATES, date(2026, 6, 30))
    assert again == assessment
