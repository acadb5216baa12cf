"""Terms and deception rules (spec/rules.md "Terms and deception")."""

from __future__ import annotations

from fairpath.domain.law import LawBook
from fairpath.domain.rates import RateTable

from .builders import JourneyBuilder, terms, worker
from .helpers import insufficient, only, run

SUB = "CONTRACT_SUBSTITUTION"
NOPRE = "NO_CONTRACT_BEFORE_DEPARTURE"
LANG = "CONTRACT_NOT_UNDERSTOOD"


def test_an_identical_contract_on_arrival_is_no_substitution(
    law: LawBook, rates: RateTable
) -> None:
    j = JourneyBuilder()
    j.contract("2025-01-10", terms())
    j.contract("2025-02-10", terms(), stage="on_arrival")
    assert not run(j.build(), law, rates, SUB).findings


def test_every_worse_term_is_named(law: LawBook, rates: RateTable) -> None:
    j = JourneyBuilder()
    promised = j.contract("2025-01-10", terms(housing="free", job_title="Machine operator"))
    later = j.contract(
        "2025-02-10",
        terms(
            amount="1700",
            hours="60",
            rest_days=0,
            overtime_multiplier="1.25",
            duration_months=36,
            housing="deducted",
            job_title="Cleaner",
        ),
        stage="on_arrival",
        employer_ref="other-co",
    )
    finding = only(run(j.build(), law, rates, SUB), SUB)
    assert finding.evidence == (promised, later)
    for words in (
        "hourly rate",
        "60 normal hours",
        "0 rest days",
        "overtime at 1.25x",
        "36 months",
        "housing deducted",
        "employer other-co",
        "job 'Cleaner'",
    ):
        assert words in finding.message, words


def test_a_lower_wage_in_another_currency_is_compared_after_conversion(
    law: LawBook, rates: RateTable
) -> None:
    j = JourneyBuilder(worker(origin="PH", destination="QA"))
    j.contract("2025-01-10", terms(amount="500", currency="USD"))
    j.contract("2025-02-10", terms(amount="1820", currency="QAR"), stage="on_arrival")
    assert not run(j.build(), law, rates, SUB).findings  # 500 × 3.64 = 1,820
    j.contract("2025-03-10", terms(amount="1819.99", currency="QAR"), stage="renewal")
    assert "hourly rate" in only(run(j.build(), law, rates, SUB), SUB).message


def test_departure_without_a_contract_copy(law: LawBook, rates: RateTable) -> None:
    j = JourneyBuilder()
    j.contract("2025-01-10", terms(), copy_given=False)
    j.departed("2025-01-20")
    assert "not given" in only(run(j.build(), law, rates, NOPRE), NOPRE).message
    j = JourneyBuilder()
    j.contract("2025-01-20", terms(), copy_given=True)  # on the day of departure is in time
    j.departed("2025-01-20")
    assert not run(j.build(), law, rates, NOPRE).findings
    j = JourneyBuilder()
    j.departed("2025-01-20")
    j.contract("2025-01-21", terms(), copy_given=True)
    assert "no pre-departure contract" not in only(run(j.build(), law, rates, NOPRE), NOPRE).message


def test_contract_language_is_checked_against_the_workers_languages(
    law: LawBook, rates: RateTable
) -> None:
    j = JourneyBuilder(worker(languages=["ne-NP"]))
    j.contract("2025-01-10", terms(), language="ne")
    j.contract("2025-02-10", terms(), stage="on_arrival", language="ms")
    j.contract("2025-03-10", terms(), stage="renewal", language="ne", understands=False)
    found = run(j.build(), law, rates, LANG).by_rule(LANG)
    assert len(found) == 2
    assert "'ms'" in found[0].message and "does not understand" in found[1].message


def test_unknown_languages_are_a_note(law: LawBook, rates: RateTable) -> None:
    j = JourneyBuilder(worker(languages=[]))
    j.contract("2025-01-10", terms(), language="ms")
    result = run(j.build(), law, rates, LANG)
    assert not result.findings and insufficient(result, LANG)
