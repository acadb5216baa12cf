"""Building a journey: corrections (supersedes), promised terms, destination."""

from __future__ import annotations

import pytest

from fairpath.domain.errors import InvalidInputError
from fairpath.domain.journey import EventType

from .builders import JourneyBuilder, site, terms, worker


def test_only_the_newest_version_of_a_corrected_event_is_kept() -> None:
    j = JourneyBuilder()
    first = j.payslip("2025-03-01", "2025-03-31", basic="1500")
    second = j.payslip("2025-03-01", "2025-03-31", basic="1600", supersedes=first)
    third = j.payslip("2025-03-01", "2025-03-31", basic="1700", supersedes=second)
    journey = j.build()
    slips = journey.of_type(EventType.PAYSLIP)
    assert [s.ref for s in slips] == [third]
    assert journey.superseded == {first, second}


def test_a_loop_of_corrections_is_refused() -> None:
    j = JourneyBuilder()
    j.payslip("2025-03-01", "2025-03-31", basic="1500", ref="a", supersedes="b")
    j.payslip("2025-03-01", "2025-03-31", basic="1600", ref="b", supersedes="a")
    with pytest.raises(InvalidInputError, match="loop"):
        j.build()


def test_another_workers_event_is_refused() -> None:
    other = JourneyBuilder(worker("w-2"))
    other.departed("2025-01-01")
    j = JourneyBuilder()
    j.events.extend(other.events)
    with pytest.raises(InvalidInputError, match="belongs to worker w-2"):
        j.build()


def test_promised_terms_prefer_the_latest_pre_departure_contract() -> None:
    j = JourneyBuilder()
    j.job_offered("2025-01-01", terms(amount="2000"))
    j.contract("2025-01-10", terms(amount="1800"))
    latest = j.contract("2025-01-20", terms(amount="1900"))
    j.contract("2025-02-10", terms(amount="1500"), stage="on_arrival")
    promised = j.build().promised_terms()
    assert promised is not None and promised.event_ref == latest
    assert promised.terms.wage.amount == 1900


def test_without_a_pre_departure_contract_the_first_offer_then_on_arrival_count() -> None:
    j = JourneyBuilder()
    j.contract("2025-02-10", terms(amount="1500"), stage="on_arrival")
    assert j.build().promised_terms().terms.wage.amount == 1500  # type: ignore[union-attr]
    first = j.job_offered("2025-01-01", terms(amount="2000"))
    j.job_offered("2025-01-05", terms(amount="2100"))
    assert j.build().promised_terms().event_ref == first  # type: ignore[union-attr]


def test_destination_is_the_sites_country() -> None:
    j = JourneyBuilder(
        worker(destination="MY", site_ref="doha"), sites=[site("doha", country="QA")]
    )
    assert j.build().destination == "QA"
