"""Wage rules, each from spec/rules.md "Wages", with the boundaries a payroll clerk checks."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from fairpath.domain.law import LawBook
from fairpath.domain.rates import RateTable
from fairpath.domain.rules import Severity

from .builders import JourneyBuilder, site, terms, worker
from .helpers import exact, insufficient, only, run

BMW = "BELOW_MINIMUM_WAGE"
BPW = "BELOW_PROMISED_WAGE"
OTU = "OVERTIME_UNDERPAID"
UD = "UNLAWFUL_DEDUCTION"
WW = "WAGES_WITHHELD"
FSU = "FINAL_SETTLEMENT_UNPAID"


def _malaysia(amount: str = "1700") -> JourneyBuilder:
    j = JourneyBuilder(worker(destination="MY"))
    j.contract("2025-01-10", terms(amount=amount))
    return j


# --- BELOW_MINIMUM_WAGE -------------------------------------------------------------------------


def test_basic_pay_exactly_at_the_minimum_wage_is_no_finding(
    law: LawBook, rates: RateTable
) -> None:
    j = _malaysia()
    j.payslip("2025-03-01", "2025-03-31", basic="1700.00")
    assert not run(j.build(), law, rates, BMW).findings


def test_one_sen_below_the_minimum_wage_is_a_finding_owing_one_sen(
    law: LawBook, rates: RateTable
) -> None:
    j = _malaysia()
    ref = j.payslip("2025-03-01", "2025-03-31", basic="1699.99")
    finding = only(run(j.build(), law, rates, BMW), BMW)
    assert finding.owed is not None and finding.owed.amount == Decimal("0.01")
    assert finding.owed.currency == "MYR"
    assert finding.evidence == (ref,) and finding.severity is Severity.HIGH
    assert "Minimum Wages Order 2024" in finding.message
    assert finding.law[0].key == "minimum_wage.month"


def test_a_half_month_is_measured_against_a_pro_rated_minimum(
    law: LawBook, rates: RateTable
) -> None:
    due = exact("D(1700) * 15 / 31", "MYR")  # 1–15 March = 15/31 of a month
    j = _malaysia()
    j.payslip("2025-03-01", "2025-03-15", basic=str(due))
    assert not run(j.build(), law, rates, BMW).findings
    j = _malaysia()
    j.payslip("2025-03-01", "2025-03-15", basic=str(due - Decimal("0.01")))
    assert only(run(j.build(), law, rates, BMW), BMW).owed.amount == Decimal("0.01")  # type: ignore[union-attr]


def test_the_day_the_minimum_wage_changes_the_new_wage_applies(
    law: LawBook, rates: RateTable
) -> None:
    # Taiwan: NT$28,590 a month until 31 Dec 2025, NT$29,500 from 1 Jan 2026.
    def shortfall(start: str, end: str) -> Decimal | None:
        j = JourneyBuilder(worker(origin="PH", destination="TW"))
        j.contract("2025-01-10", terms(amount="28590", currency="TWD", hours="40", rest_days=2))
        j.payslip(start, end, basic="28590", currency="TWD")
        found = run(j.build(), law, rates, BMW, as_of=date(2026, 6, 1)).by_rule(BMW)
        return found[0].owed.amount if found and found[0].owed else None

    assert shortfall("2025-12-01", "2025-12-31") is None
    assert shortfall("2025-12-02", "2026-01-01") == Decimal(910)  # period ends on the change day


def test_a_daily_minimum_is_multiplied_by_the_days_worked(law: LawBook, rates: RateTable) -> None:
    # Bangkok: THB 372 a day until 30 June 2025, 400 a day from 1 July 2025.
    def case(start: str, end: str, basic: str) -> Decimal | None:
        j = JourneyBuilder(
            worker(origin="MM", destination="TH", site_ref="bkk"),
            sites=[site("bkk", country="TH", region="Bangkok")],
        )
        j.contract("2025-01-02", terms(amount="372", currency="THB", per="day", rest_days=1))
        j.payslip(start, end, basic=basic, currency="THB", rest_days_worked=0)
        found = run(j.build(), law, rates, BMW).by_rule(BMW)
        return found[0].owed.amount if found and found[0].owed else None

    # June: 30 days less 1 rest day in each of 4 full weeks = 26 days worked.
    assert case("2025-06-01", "2025-06-30", basic=str(372 * 26)) is None
    assert case("2025-06-01", "2025-06-30", basic=str(372 * 25)) == Decimal(372)
    # July: 31 days − 4 rest days = 27 days at the new rate.
    assert case("2025-07-01", "2025-07-31", basic=str(372 * 27)) == Decimal(28 * 27)


def test_a_superseded_payslip_no_longer_counts(law: LawBook, rates: RateTable) -> None:
    j = _malaysia()
    wrong = j.payslip("2025-03-01", "2025-03-31", basic="1200")
    j.payslip("2025-03-01", "2025-03-31", basic="1700", supersedes=wrong)
    assert not run(j.build(), law, rates, BMW).findings
    j = _malaysia()
    right = j.payslip("2025-03-01", "2025-03-31", basic="1700")
    fix = j.payslip("2025-03-01", "2025-03-31", basic="1600", supersedes=right)
    assert only(run(j.build(), law, rates, BMW), BMW).evidence == (fix,)


def test_no_minimum_wage_in_the_tables_is_a_note_not_a_pass(law: LawBook, rates: RateTable) -> None:
    j = JourneyBuilder(worker(destination="MY", sector="domestic_work"))
    j.contract("2025-01-10", terms(amount="900"))
    j.payslip("2025-03-01", "2025-03-31", basic="900")
    result = run(j.build(), law, rates, BMW)
    assert not result.findings
    assert any("no minimum wage" in m for m in insufficient(result, BMW))


def test_a_law_with_no_minimum_wage_has_nothing_to_check(law: LawBook, rates: RateTable) -> None:
    j = JourneyBuilder(worker(destination="SA", sector="construction"))
    j.contract("2025-01-10", terms(amount="1000", currency="SAR"))
    j.payslip("2025-03-01", "2025-03-31", basic="1", currency="SAR")
    result = run(j.build(), law, rates, BMW)
    assert not result.findings and not result.notes


# --- BELOW_PROMISED_WAGE ------------------------------------------------------------------------


def test_promised_shortfall_does_not_double_count_the_minimum_wage_part(
    law: LawBook, rates: RateTable
) -> None:
    j = _malaysia(amount="2000")
    j.payslip("2025-03-01", "2025-03-31", basic="1500")
    result = run(j.build(), law, rates, BMW)
    assert only(result, BMW).owed.amount == 200  # type: ignore[union-attr]
    promised = only(run(j.build(), law, rates, BPW), BPW)
    assert promised.owed is not None and promised.owed.amount == 300  # 2000 − 1700
    assert promised.figure("shortfall") == 500
    assert "FL02" in promised.ilo_indicators


def test_a_full_month_owes_the_full_promised_wage_whatever_the_hours(
    law: LawBook, rates: RateTable
) -> None:
    j = _malaysia(amount="2000")
    j.payslip("2025-03-01", "2025-03-31", basic="2000", normal_hours="100")
    assert not run(j.build(), law, rates, BPW).findings
    j = _malaysia(amount="2000")
    j.payslip("2025-03-01", "2025-03-31", basic="1999.99", normal_hours="100")
    assert only(run(j.build(), law, rates, BPW), BPW).owed.amount == Decimal("0.01")  # type: ignore[union-attr]


def test_promised_wage_in_another_currency_converts_at_the_periods_year(
    law: LawBook, rates: RateTable
) -> None:
    j = JourneyBuilder(worker(origin="PH", destination="QA"))
    j.contract("2025-01-10", terms(amount="500", currency="USD"))
    j.payslip("2025-03-01", "2025-03-31", basic="1800", currency="QAR")
    finding = only(run(j.build(), law, rates, BPW), BPW)
    expected = exact("D(500) * D('3.64') - 1800", "QAR")
    assert finding.owed is not None and finding.owed.amount == expected


# --- OVERTIME_UNDERPAID -------------------------------------------------------------------------


def test_overtime_uses_the_higher_of_legal_and_promised_multiplier(
    law: LawBook, rates: RateTable
) -> None:
    # Malaysia's legal 1.5 beats a promised 1.25.
    rate = "D(1700) * 12 / 52 / 48"
    due = exact(f"10 * {rate} * D('1.5')", "MYR")
    j = JourneyBuilder(worker())
    j.contract("2025-01-10", terms(overtime_multiplier="1.25"))
    j.payslip("2025-03-01", "2025-03-31", basic="1700", overtime_hours="10", overtime_pay=str(due))
    assert not run(j.build(), law, rates, OTU).findings
    paid = exact(f"10 * {rate} * D('1.25')", "MYR")  # what the employer paid, in sen
    j = JourneyBuilder(worker())
    j.contract("2025-01-10", terms(overtime_multiplier="1.25"))
    j.payslip("2025-03-01", "2025-03-31", basic="1700", overtime_hours="10", overtime_pay=str(paid))
    finding = only(run(j.build(), law, rates, OTU), OTU)
    assert finding.owed is not None
    assert finding.owed.amount == exact(f"10 * {rate} * D('1.5') - paid", "MYR", paid=paid)


def test_a_higher_promised_multiplier_is_owed_too(law: LawBook, rates: RateTable) -> None:
    j = JourneyBuilder(worker())
    j.contract("2025-01-10", terms(overtime_multiplier="2"))
    j.payslip("2025-03-01", "2025-03-31", basic="1700", overtime_hours="10", overtime_pay="100")
    finding = only(run(j.build(), law, rates, OTU), OTU)
    assert finding.owed.amount == exact("10 * D(1700) * 12 / 52 / 48 * 2 - 100", "MYR")  # type: ignore[union-attr]


# --- UNLAWFUL_DEDUCTION -------------------------------------------------------------------------


def test_a_recruitment_fee_deduction_is_owed_back(law: LawBook, rates: RateTable) -> None:
    j = _malaysia()
    j.payslip("2025-03-01", "2025-03-31", basic="1700", deductions=[("recruitment_fee", "250")])
    finding = only(run(j.build(), law, rates, UD), UD)
    assert finding.owed.amount == 250  # type: ignore[union-attr]
    assert set(finding.ilo_indicators) == {"FL08", "FL09"}


def test_a_deduction_already_owed_as_a_fee_is_not_owed_twice(
    law: LawBook, rates: RateTable
) -> None:
    j = _malaysia()
    j.fee("2025-03-31", "300", "MYR", paid_to_role="employer", via_deduction=True)
    j.payslip("2025-03-01", "2025-03-31", basic="1700", deductions=[("recruitment_fee", "200")])
    j.payslip("2025-04-01", "2025-04-30", basic="1700", deductions=[("recruitment_fee", "200")])
    result = run(j.build(), law, rates, UD)
    owed = [f.owed.amount for f in result.by_rule(UD)]  # type: ignore[union-attr]
    assert owed == [0, 100]  # the first 300 are FEE_PAID_BY_WORKER's


def test_deductions_above_the_cap_owe_the_excess(law: LawBook, rates: RateTable) -> None:
    j = _malaysia()
    j.payslip(
        "2025-03-01",
        "2025-03-31",
        basic="1700",
        deductions=[("housing", "700"), ("food", "300"), ("tax", "100")],
    )
    finding = only(run(j.build(), law, rates, UD), UD)
    assert finding.owed.amount == 150  # 1000 counted − 50 % of 1700; tax is outside the cap  # type: ignore[union-attr]
    j = _malaysia()
    j.payslip("2025-03-01", "2025-03-31", basic="1700", deductions=[("housing", "850")])
    assert not run(j.build(), law, rates, UD).findings  # exactly at the cap


def test_fines_are_lawful_where_the_law_permits_them_and_a_note_where_unknown(
    law: LawBook, rates: RateTable
) -> None:
    j = JourneyBuilder(worker(destination="SA", sector="construction"))
    j.contract("2025-01-10", terms(amount="1500", currency="SAR"))
    j.payslip("2025-03-01", "2025-03-31", basic="1500", currency="SAR", deductions=[("fine", "50")])
    result = run(j.build(), law, rates, UD)
    assert not result.findings and not result.notes
    j = _malaysia()
    j.payslip("2025-03-01", "2025-03-31", basic="1700", deductions=[("fine", "50")])
    result = run(j.build(), law, rates, UD)
    assert not result.findings
    assert any("fines" in m for m in insufficient(result, UD))


# --- WAGES_WITHHELD -----------------------------------------------------------------------------


def test_unpaid_wages_are_critical_only_after_the_deadline(law: LawBook, rates: RateTable) -> None:
    def withheld(as_of: date) -> list[Severity]:
        j = _malaysia()
        j.payslip("2025-03-01", "2025-03-31", basic="1700", paid=False)
        return [f.severity for f in run(j.build(), law, rates, WW, as_of=as_of).findings]

    assert withheld(date(2025, 4, 7)) == []  # s.19: by the 7th day after the period
    assert withheld(date(2025, 4, 8)) == [Severity.CRITICAL]


def test_late_and_short_payments_are_findings(law: LawBook, rates: RateTable) -> None:
    j = _malaysia()
    j.payslip("2025-03-01", "2025-03-31", basic="1700", paid_on="2025-04-07")
    assert not run(j.build(), law, rates, WW).findings
    j = _malaysia()
    late = j.payslip("2025-03-01", "2025-03-31", basic="1700", paid_on="2025-04-08")
    finding = only(run(j.build(), law, rates, WW), WW)
    assert finding.evidence == (late,) and finding.owed is None
    j = _malaysia()
    j.payslip("2025-03-01", "2025-03-31", basic="1700", paid_amount="1200")
    assert only(run(j.build(), law, rates, WW), WW).owed.amount == 500  # type: ignore[union-attr]


# --- FINAL_SETTLEMENT_UNPAID --------------------------------------------------------------------


def _ended(
    destination: str, currency: str, wage: str, years: int, reason: str, **kw: str
) -> JourneyBuilder:
    j = JourneyBuilder(worker(destination=destination, sector="construction"))
    j.contract("2015-12-01", terms(amount=wage, currency=currency))
    j.arrived("2016-01-01", destination)
    j.contract_ended(date(2016 + years, 1, 1), reason, final_pay_on=date(2016 + years, 1, 1), **kw)
    return j


def test_uae_gratuity_matches_the_reference_worked_example(law: LawBook, rates: RateTable) -> None:
    # wage_rules.md: 7 years, basic AED 3,000 → 5 × 21 + 2 × 30 = 165 days × 3,000/30 = 16,500.
    j = _ended("AE", "AED", "3000", 7, "completed")
    finding = only(run(j.build(), law, rates, FSU, as_of=date(2023, 2, 1)), FSU)
    assert finding.owed is not None and finding.owed.amount == 16500
    j = _ended("AE", "AED", "3000", 7, "completed", end_of_service_paid="16500")
    assert not run(j.build(), law, rates, FSU, as_of=date(2023, 2, 1)).findings


def test_saudi_resignation_pays_a_third_between_two_and_five_years(
    law: LawBook, rates: RateTable
) -> None:
    j = _ended("SA", "SAR", "3000", 3, "resigned")
    finding = only(run(j.build(), law, rates, FSU, as_of=date(2019, 2, 1)), FSU)
    assert finding.owed.amount == 1500  # 3 × ½ month × 3,000 × 1/3  # type: ignore[union-attr]


def test_malaysian_termination_benefit_is_not_due_on_completion(
    law: LawBook, rates: RateTable
) -> None:
    j = _ended("MY", "MYR", "1700", 3, "completed")
    assert not run(j.build(), law, rates, FSU, as_of=date(2025, 12, 31)).findings
    j = _ended("MY", "MYR", "2600", 3, "terminated_early_by_employer")
    finding = only(run(j.build(), law, rates, FSU, as_of=date(2025, 12, 31)), FSU)
    assert finding.owed.amount == exact("3 * 15 * D(2600) / 30", "MYR")  # type: ignore[union-attr]


def test_no_final_pay_after_the_deadline_is_a_finding(law: LawBook, rates: RateTable) -> None:
    j = JourneyBuilder(worker(destination="QA", sector="construction"))
    j.contract("2024-12-01", terms(amount="1200", currency="QAR"))
    j.arrived("2025-01-01", "QA")
    j.contract_ended("2025-06-01", "resigned")
    assert not run(j.build(), law, rates, FSU, as_of=date(2025, 6, 2)).findings  # 1 day allowed
    finding = only(run(j.build(), law, rates, FSU, as_of=date(2025, 6, 3)), FSU)
    assert "no final pay" in finding.message and finding.owed is None  # < 1 year: no gratuity
