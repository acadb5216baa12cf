"""Hours rules (spec/rules.md "Hours")."""

from __future__ import annotations

from decimal import Decimal

from fairpath.domain.law import LawBook
from fairpath.domain.rates import RateTable
from fairpath.domain.rules import Severity

from .builders import JourneyBuilder, terms, worker
from .helpers import insufficient, only, run

OT = "EXCESSIVE_OVERTIME"
REST = "NO_WEEKLY_REST"


def _overtime(hours: str, start: str = "2025-03-01", end: str = "2025-03-31") -> JourneyBuilder:
    j = JourneyBuilder(worker(destination="MY"))
    j.contract("2025-01-10", terms())
    j.payslip(start, end, basic="1700", overtime_hours=hours, overtime_pay="5000")
    return j


def test_exactly_at_the_monthly_overtime_limit_is_no_finding(
    law: LawBook, rates: RateTable
) -> None:
    assert not run(_overtime("104").build(), law, rates, OT).findings
    finding = only(run(_overtime("104.5").build(), law, rates, OT), OT)
    assert finding.severity is Severity.MEDIUM and "104 hours a month" in finding.message


def test_more_than_one_and_a_half_times_the_limit_is_high(law: LawBook, rates: RateTable) -> None:
    assert only(run(_overtime("156").build(), law, rates, OT), OT).severity is Severity.MEDIUM
    assert only(run(_overtime("156.5").build(), law, rates, OT), OT).severity is Severity.HIGH


def test_the_limit_is_pro_rated_to_the_period(law: LawBook, rates: RateTable) -> None:
    # 1–15 March = 15/31 month → 104 × 15/31 ≈ 50.32 hours.
    assert not run(_overtime("50.32", end="2025-03-15").build(), law, rates, OT).findings
    assert run(_overtime("50.33", end="2025-03-15").build(), law, rates, OT).findings


def test_the_tightest_limit_binds(law: LawBook, rates: RateTable) -> None:
    # Kuwait: 2 h/day, 6 h/week and 180 h/year — a year's 180 h is 15 h a month.
    j = JourneyBuilder(worker(origin="IN", destination="KW", sector="construction"))
    j.contract("2025-01-10", terms(amount="120", currency="KWD"))
    j.payslip("2025-03-01", "2025-03-31", basic="120", currency="KWD", overtime_hours="15")
    assert not run(j.build(), law, rates, OT).findings
    j.payslip("2025-04-01", "2025-04-30", basic="120", currency="KWD", overtime_hours="15.01")
    finding = only(run(j.build(), law, rates, OT), OT)
    assert finding.figure("limit") == Decimal(15) and "a year" in finding.message


def test_unknown_overtime_limit_is_a_note(law: LawBook, rates: RateTable) -> None:
    j = JourneyBuilder(worker(destination="HK", sector="domestic_work"))
    j.contract("2025-01-10", terms(amount="5100", currency="HKD"))
    j.payslip("2025-10-01", "2025-10-31", basic="5100", currency="HKD", overtime_hours="40")
    result = run(j.build(), law, rates, OT)
    assert not result.findings and insufficient(result, OT)


def test_working_every_rest_day_is_a_finding(law: LawBook, rates: RateTable) -> None:
    j = JourneyBuilder(worker(destination="MY"))
    j.contract("2025-01-10", terms(rest_days=1))
    j.payslip("2025-03-01", "2025-03-31", basic="1700", rest_days_worked=3)
    assert not run(j.build(), law, rates, REST).findings  # 4 full weeks → 4 rest days due
    slip = j.payslip("2025-04-01", "2025-04-30", basic="1700", rest_days_worked=4)
    finding = only(run(j.build(), law, rates, REST), REST)
    assert finding.evidence == (slip,) and set(finding.ilo_indicators) == {"FL11", "FL10"}


def test_taiwans_two_rest_days_a_week_count(law: LawBook, rates: RateTable) -> None:
    j = JourneyBuilder(worker(origin="PH", destination="TW"))
    j.contract("2025-01-10", terms(amount="28590", currency="TWD", hours="40", rest_days=2))
    j.payslip("2025-03-01", "2025-03-07", basic="7000", currency="TWD", rest_days_worked=1)
    assert not run(j.build(), law, rates, REST).findings
    j.payslip("2025-03-08", "2025-03-14", basic="7000", currency="TWD", rest_days_worked=2)
    assert len(run(j.build(), law, rates, REST).findings) == 1


def test_promising_fewer_rest_days_than_the_law_is_a_finding(
    law: LawBook, rates: RateTable
) -> None:
    j = JourneyBuilder(worker(origin="PH", destination="TW"))
    promised = j.contract("2025-01-10", terms(amount="28590", currency="TWD", rest_days=1))
    finding = only(run(j.build(), law, rates, REST), REST)
    assert finding.evidence == (promised,) and "fewer than the 2" in finding.message
