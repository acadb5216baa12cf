"""Documents and eligibility rules (spec/rules.md "Documents and eligibility")."""

from __future__ import annotations

from fairpath.domain.law import LawBook
from fairpath.domain.rates import RateTable
from fairpath.domain.rules import Severity

from .builders import JourneyBuilder, organization, terms, worker
from .helpers import insufficient, only, run

DOC = "DOCUMENT_RETAINED"
AGE = "UNDERAGE_RECRUITMENT"
LIC = "UNLICENSED_RECRUITER"


def test_a_passport_the_worker_cannot_retrieve_is_critical(law: LawBook, rates: RateTable) -> None:
    j = JourneyBuilder()
    held = j.document_held("2025-02-05", "passport", can_retrieve=False)
    finding = only(run(j.build(), law, rates, DOC), DOC)
    assert finding.severity is Severity.CRITICAL and finding.evidence == (held,)
    assert "Passports Act 1966" in finding.message


def test_a_returned_document_is_no_longer_retained(law: LawBook, rates: RateTable) -> None:
    j = JourneyBuilder()
    j.document_held("2025-02-05", "passport")
    j.document_returned("2025-03-01", "passport")
    assert not run(j.build(), law, rates, DOC).findings


def test_retrievable_documents_need_written_consent(law: LawBook, rates: RateTable) -> None:
    j = JourneyBuilder()
    j.document_held("2025-02-05", "work_permit", can_retrieve=True, consented=False)
    assert only(run(j.build(), law, rates, DOC), DOC).severity is Severity.HIGH
    j = JourneyBuilder()
    j.document_held("2025-02-05", "passport", can_retrieve=True, consented=True)
    j.document_held("2025-02-05", "bank_card", can_retrieve=False)
    assert not run(j.build(), law, rates, DOC).findings


def test_age_is_exact_with_a_birth_date(law: LawBook, rates: RateTable) -> None:
    j = JourneyBuilder(worker(birth_date="2007-03-10"))
    j.contract("2025-03-10", terms())  # the 18th birthday
    assert not run(j.build(), law, rates, AGE).findings
    j = JourneyBuilder(worker(birth_date="2007-03-11"))
    j.contract("2025-03-10", terms())
    finding = only(run(j.build(), law, rates, AGE), AGE)
    assert finding.severity is Severity.CRITICAL and "was 17" in finding.message


def test_with_only_a_birth_year_the_year_difference_decides(law: LawBook, rates: RateTable) -> None:
    j = JourneyBuilder(worker(birth_year=2007))
    j.departed("2025-01-02")
    assert not run(j.build(), law, rates, AGE).findings
    j = JourneyBuilder(worker(birth_year=2008))
    j.departed("2025-12-31")
    assert "birth year" in only(run(j.build(), law, rates, AGE), AGE).message


def test_no_birth_data_is_a_note(law: LawBook, rates: RateTable) -> None:
    j = JourneyBuilder(worker(birth_year=None))
    j.contract("2025-01-10", terms())
    assert insufficient(run(j.build(), law, rates, AGE), AGE)


def test_recruiter_licence_must_cover_the_first_contract_date(
    law: LawBook, rates: RateTable
) -> None:
    orgs = [
        organization("good", licence=("2019-01-01", "2025-01-10")),
        organization("lapsed", licence=("2019-01-01", "2025-01-09")),
        organization("none"),
    ]
    j = JourneyBuilder(
        worker(recruiter_refs=["good", "lapsed", "none", "ghost"]), organizations=orgs
    )
    j.contract("2025-01-10", terms())
    result = run(j.build(), law, rates, LIC)
    assert [f.message.split(" (")[0] for f in result.findings] == [
        "Recruiter Lapsed",
        "Recruiter None",
    ]
    assert any("ghost" in m for m in insufficient(result, LIC))
