"""Fee and debt rules (spec/rules.md "Fees and debt")."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from fairpath.domain.law import LawBook
from fairpath.domain.rates import RateTable
from fairpath.domain.rules import NoteKind, Severity, assess

from .builders import JourneyBuilder, terms, worker
from .helpers import exact, insufficient, only, run

FEE = "FEE_PAID_BY_WORKER"
CAP = "FEE_ABOVE_LEGAL_CAP"
DEBT = "RECRUITMENT_DEBT"


def _nepali(destination: str = "MY", currency: str = "MYR", amount: str = "1700") -> JourneyBuilder:
    j = JourneyBuilder(worker(origin="NP", destination=destination))
    j.contract("2025-01-20", terms(amount=amount, currency=currency))
    return j


def test_a_fee_is_owed_back_in_full_converted_with_its_years_rate(
    law: LawBook, rates: RateTable
) -> None:
    j = _nepali()
    ref = j.fee("2025-01-12", "85000", "NPR")
    finding = only(run(j.build(), law, rates, FEE), FEE)
    npr, myr = rates.rows[("NPR", 2025)].lcu_per_usd, rates.rows[("MYR", 2025)].lcu_per_usd
    expected = exact("D(85000) * myr / npr", "MYR", myr=myr, npr=npr)
    assert finding.owed is not None and finding.owed.amount == expected
    assert finding.evidence == (ref,) and finding.iris_principles == ("IRIS-1",)
    assert "85,000.00 NPR" in finding.message and "Employer Pays" in finding.message
    assert "months of wages" in finding.message


def test_a_fee_paid_in_a_year_without_a_rate_uses_the_last_year_and_says_so(
    law: LawBook, rates: RateTable
) -> None:
    j = _nepali()
    j.fee("2026-02-01", "85000", "NPR")
    result = run(j.build(), law, rates, FEE, as_of=date(2026, 6, 1))
    npr, myr = rates.rows[("NPR", 2025)].lcu_per_usd, rates.rows[("MYR", 2025)].lcu_per_usd
    assert only(result, FEE).owed.amount == exact("D(85000) * myr / npr", "MYR", myr=myr, npr=npr)  # type: ignore[union-attr]
    fallback = [n for n in result.notes if n.kind is NoteKind.RATE_FALLBACK]
    assert fallback and "2026" in fallback[0].missing and "2025" in fallback[0].missing


def test_a_fee_with_no_rate_at_all_is_insufficient_data(law: LawBook, rates: RateTable) -> None:
    j = _nepali()
    j.fee("2014-06-01", "85000", "NPR")  # the table starts in 2015
    result = run(j.build(), law, rates, FEE, as_of=date(2025, 1, 1))
    assert any("cannot be converted" in m for m in insufficient(result, FEE))
    assert only(result, FEE).owed.amount == 0  # type: ignore[union-attr]


def test_severity_follows_months_of_wages(law: LawBook, rates: RateTable) -> None:
    def severity(amount: str) -> tuple[Severity, tuple[str, ...]]:
        j = _nepali()
        j.fee("2025-01-12", amount, "MYR")
        finding = only(run(j.build(), law, rates, FEE), FEE)
        return finding.severity, finding.ilo_indicators

    assert severity("1699.99") == (Severity.MEDIUM, ())
    assert severity("1700") == (Severity.HIGH, ("FL09",))
    assert severity("5099.99") == (Severity.HIGH, ("FL09",))
    assert severity("5100") == (Severity.CRITICAL, ("FL09",))


def test_a_small_fee_paid_by_deduction_bears_on_debt_bondage(
    law: LawBook, rates: RateTable
) -> None:
    j = _nepali()
    j.fee("2025-03-31", "100", "MYR", via_deduction=True, paid_to_role="employer")
    finding = only(run(j.build(), law, rates, FEE), FEE)
    assert finding.severity is Severity.MEDIUM and finding.ilo_indicators == ("FL09",)


def test_nepal_free_visa_free_ticket_cap_boundary(law: LawBook, rates: RateTable) -> None:
    j = _nepali()
    j.fee("2025-01-12", "10000", "NPR")
    j.fee("2025-01-15", "30000", "NPR", paid_to_role="travel_agent", purpose="travel")
    assert not run(j.build(), law, rates, CAP).findings  # only recruiter fees count
    j = _nepali()
    j.fee("2025-01-12", "10000.01", "NPR")
    finding = only(run(j.build(), law, rates, CAP), CAP)
    assert finding.severity is Severity.HIGH and finding.owed is None
    assert "Free Visa, Free Ticket" in finding.message
    assert finding.law[0].key == "fee_cap.free_visa_free_ticket"


def test_a_destination_ban_makes_any_fee_a_breach(law: LawBook, rates: RateTable) -> None:
    j = _nepali("QA", "QAR", "1200")
    j.fee("2025-01-12", "500", "NPR", paid_to_role="medical_centre", purpose="medical")
    finding = only(run(j.build(), law, rates, CAP), CAP)
    assert "Qatar bans" in finding.message and "Art. 33" in finding.message


def test_no_cap_known_for_the_corridor_is_a_note(law: LawBook, rates: RateTable) -> None:
    j = _nepali("KR", "KRW", "2100000")
    j.fee("2025-01-12", "200000", "NPR")
    result = run(j.build(), law, rates, CAP)
    assert not result.findings
    assert any("no fee cap" in m for m in insufficient(result, CAP))


def test_philippine_cap_is_one_months_promised_salary(law: LawBook, rates: RateTable) -> None:
    j = JourneyBuilder(worker(origin="PH", destination="TW"))
    j.contract("2025-01-20", terms(amount="28590", currency="TWD", hours="40"))
    j.fee("2025-01-12", "28590", "TWD")
    assert not run(j.build(), law, rates, CAP).findings
    j.fee("2025-01-13", "1", "TWD")
    assert "28,591.00 TWD" in only(run(j.build(), law, rates, CAP), CAP).message


def test_recruitment_debt_thresholds(law: LawBook, rates: RateTable) -> None:
    def debt(amount: str, interest: str | None = None) -> Severity | None:
        j = _nepali()
        j.loan("2025-01-05", amount, "MYR", annual_interest_pct=interest)
        found = run(j.build(), law, rates, DEBT).by_rule(DEBT)
        return found[0].severity if found else None

    assert debt("1699.99", interest="60") is None
    assert debt("1700") is Severity.HIGH
    assert debt("1700", interest="36") is Severity.HIGH
    assert debt("1700", interest="36.5") is Severity.CRITICAL
    assert debt("5100") is Severity.CRITICAL


def test_loans_for_other_purposes_are_not_recruitment_debt(law: LawBook, rates: RateTable) -> None:
    j = _nepali()
    j.loan("2025-01-05", "9000", "MYR", purpose="other")
    assert not assess(j.build(), law, rates, date(2025, 12, 31), rules=(DEBT,)).findings


def test_months_of_wages_fall_back_to_the_minimum_wage_without_promised_terms(
    law: LawBook, rates: RateTable
) -> None:
    j = JourneyBuilder(worker(destination="MY"))
    j.fee("2025-03-01", "3400", "MYR")
    finding = only(run(j.build(), law, rates, FEE), FEE)
    assert finding.figure("months_of_wages") == Decimal(2)
    assert finding.law and finding.law[0].key == "minimum_wage.month"
