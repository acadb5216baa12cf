"""Aggregates by recruiter, supplier, site, corridor and brand; the SDG 10.7.1 indicator."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, localcontext

from fairpath.domain.journey import Link
from fairpath.domain.law import LawBook
from fairpath.domain.rates import ARITHMETIC, RateTable
from fairpath.domain.rules import (
    CostIndicator,
    Dimension,
    Note,
    aggregate,
    assess_with_remedy,
    brands_of,
    cost_distribution,
    recruitment_cost_indicator,
)

from .builders import JourneyBuilder, terms, worker

AS_OF = date(2025, 12, 31)


def _worker(ref: str, fee: str, recruiters: list[str], basic: str = "1700") -> JourneyBuilder:
    j = JourneyBuilder(worker(ref, recruiter_refs=recruiters, employer_ref="kl-bottling"))
    j.contract("2025-01-10", terms())
    j.fee("2025-01-12", fee, "MYR")
    j.payslip("2025-03-01", "2025-03-31", basic=basic)
    return j


LINKS = [
    Link.model_validate({"from_ref": "acme", "to_ref": "agent-co", "type": "buys_from", "tier": 1}),
    Link.model_validate(
        {"from_ref": "agent-co", "to_ref": "kl-bottling", "type": "buys_from", "tier": 2}
    ),
    Link.model_validate({"from_ref": "everest", "to_ref": "kl-bottling", "type": "recruits_for"}),
]


def test_brands_are_found_through_the_supply_chain() -> None:
    assert brands_of("kl-bottling", LINKS) == {"acme", "agent-co"}
    assert brands_of("nobody", LINKS) == frozenset()


def test_groups_count_workers_findings_and_money(law: LawBook, rates: RateTable) -> None:
    journeys = [
        _worker("w-1", "1700", ["everest", "kl-staffing"]),
        _worker("w-2", "850", ["everest"], basic="1600"),
    ]
    results = []
    for j in journeys:
        journey = j.build()
        assessment, account = assess_with_remedy(journey, law, rates, AS_OF)
        results.append((journey, assessment, account))
    by_recruiter = aggregate(results, Dimension.RECRUITER)
    assert by_recruiter["everest"].worker_count == 2
    assert by_recruiter["kl-staffing"].worker_count == 1
    assert by_recruiter["everest"].owed["MYR"] == 1700 + 850 + 100
    assert by_recruiter["everest"].findings_by_rule["FEE_PAID_BY_WORKER"] == 2
    by_brand = aggregate(results, Dimension.BRAND, LINKS, brand_refs=frozenset({"acme"}))
    assert list(by_brand) == ["acme"] and by_brand["acme"].worker_count == 2
    by_corridor = aggregate(results, Dimension.CORRIDOR)
    assert list(by_corridor) == ["NP→MY:manufacturing"]


def test_cost_indicator_divides_fees_by_monthly_earnings(law: LawBook, rates: RateTable) -> None:
    j = _worker("w-1", "3400", ["everest"])
    j.payslip("2025-04-01", "2025-04-30", basic="1700", overtime_pay="300", overtime_hours="20")
    indicator = recruitment_cost_indicator(j.build(), law, rates, AS_OF)
    assert isinstance(indicator, CostIndicator)
    assert indicator.earnings_basis == "payslips"
    # March 1,700 + April 2,000 gross over two months.
    assert indicator.monthly_earnings == 1850
    with localcontext(ARITHMETIC):
        assert indicator.ratio == Decimal(3400) / 1850


def test_cost_indicator_falls_back_to_the_promised_wage(law: LawBook, rates: RateTable) -> None:
    j = JourneyBuilder(worker())
    j.contract("2025-01-10", terms(amount="1700"))
    j.fee("2025-01-12", "850", "MYR")
    indicator = recruitment_cost_indicator(j.build(), law, rates, AS_OF)
    assert isinstance(indicator, CostIndicator) and indicator.ratio == Decimal("0.5")
    bare = JourneyBuilder(worker(destination="MY"))
    assert isinstance(recruitment_cost_indicator(bare.build(), law, rates, AS_OF), Note)


def test_corridor_distribution_median_and_bands(law: LawBook, rates: RateTable) -> None:
    indicators = []
    for i, fee in enumerate(["850", "1700", "3400", "6800", "13600"]):
        j = JourneyBuilder(worker(f"w-{i}"))
        j.contract("2025-01-10", terms(amount="1700"))
        j.fee("2025-01-12", fee, "MYR")
        result = recruitment_cost_indicator(j.build(), law, rates, AS_OF)
        assert isinstance(result, CostIndicator)
        indicators.append(result)
    dist = cost_distribution(indicators)["NP→MY:manufacturing"]
    assert dist.workers == 5 and dist.median == 2
    assert dist.minimum == Decimal("0.5") and dist.maximum == 8
    # ratios 0.5, 1, 2, 4, 8 months
    assert dict(dist.bands) == {"0-1": 1, "1-3": 2, "3-6": 1, "6+": 1}
