"""Aggregates over findings and journeys (spec/rules.md "Aggregates"): groups by recruiter,
supplier (employer), site, corridor (origin → destination → sector) and brand, remedy totals per
group, and the recruitment cost indicator (SDG 10.7.1) per worker and per corridor.

Pure functions of their arguments. Hiding groups below k = 5 is the presenter's job (it knows who
is looking); every summary carries its worker count so it can.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, localcontext
from enum import StrEnum

from fairpath.domain.journey import EventType, Link, LinkType
from fairpath.domain.law import LawBook
from fairpath.domain.rates import ARITHMETIC, RateTable
from fairpath.domain.rules.arithmetic import monthly_wage, period_months
from fairpath.domain.rules.context import RuleContext
from fairpath.domain.rules.findings import Assessment, Note, NoteKind
from fairpath.domain.rules.journey import Journey
from fairpath.domain.rules.remedy import RemedyAccount

COST_INDICATOR = "RECRUITMENT_COST_INDICATOR"


class Dimension(StrEnum):
    RECRUITER = "recruiter"
    SUPPLIER = "supplier"
    SITE = "site"
    CORRIDOR = "corridor"
    BRAND = "brand"


def corridor(journey: Journey) -> str:
    """`NP→MY:manufacturing` — origin → destination → sector."""
    return f"{journey.origin}→{journey.destination}:{journey.sector}"


def brands_of(employer_ref: str, links: Iterable[Link]) -> frozenset[str]:
    """Every organization that buys, directly or through suppliers, from `employer_ref`
    (following `buys_from` links upstream)."""
    buyers: dict[str, set[str]] = defaultdict(set)
    for link in links:
        if link.type is LinkType.BUYS_FROM:
            buyers[link.to_ref].add(link.from_ref)
    found: set[str] = set()
    todo = [employer_ref]
    while todo:
        for buyer in buyers.get(todo.pop(), ()):
            if buyer not in found:
                found.add(buyer)
                todo.append(buyer)
    return frozenset(found)


def group_keys(
    journey: Journey,
    dimension: Dimension,
    links: Iterable[Link] = (),
    brand_refs: frozenset[str] | None = None,
) -> tuple[str, ...]:
    """The groups a worker belongs to on one dimension (a worker with two recruiters is in
    both recruiters' groups). `brand_refs` limits BRAND to organizations with the brand role."""
    worker = journey.worker
    if dimension is Dimension.RECRUITER:
        return tuple(dict.fromkeys(worker.recruiter_refs))
    if dimension is Dimension.SUPPLIER:
        return (worker.employer_ref,) if worker.employer_ref else ()
    if dimension is Dimension.SITE:
        return (worker.site_ref,) if worker.site_ref else ()
    if dimension is Dimension.CORRIDOR:
        return (corridor(journey),)
    if not worker.employer_ref:
        return ()
    brands = brands_of(worker.employer_ref, links)
    if brand_refs is not None:
        brands = brands & brand_refs
    return tuple(sorted(brands))


@dataclass
class GroupSummary:
    """Findings and remedy of one group of workers. Money is per currency (groups can span
    destinations); every amount is a sum of amounts already rounded by the rules."""

    key: str
    workers: set[str] = field(default_factory=set)
    findings_by_rule: Counter[str] = field(default_factory=Counter)
    findings_by_severity: Counter[str] = field(default_factory=Counter)
    workers_with_findings: set[str] = field(default_factory=set)
    owed: dict[str, Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    paid: dict[str, Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    confirmed: dict[str, Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    balance: dict[str, Decimal] = field(default_factory=lambda: defaultdict(Decimal))

    @property
    def worker_count(self) -> int:
        return len(self.workers)


def aggregate(
    results: Iterable[tuple[Journey, Assessment, RemedyAccount | None]],
    dimension: Dimension,
    links: Iterable[Link] = (),
    brand_refs: frozenset[str] | None = None,
) -> dict[str, GroupSummary]:
    """Findings and remedy per group on `dimension`, keyed by group (ordered by key)."""
    link_list = list(links)
    groups: dict[str, GroupSummary] = {}
    for journey, assessment, account in results:
        for key in group_keys(journey, dimension, link_list, brand_refs):
            group = groups.setdefault(key, GroupSummary(key))
            ref = journey.worker.ref
            group.workers.add(ref)
            for finding in assessment.findings:
                group.findings_by_rule[finding.rule_id] += 1
                group.findings_by_severity[finding.severity.value] += 1
                group.workers_with_findings.add(ref)
            if account is not None:
                ccy = account.currency
                group.owed[ccy] += account.owed.amount
                group.paid[ccy] += account.paid.amount
                group.confirmed[ccy] += account.confirmed.amount
                group.balance[ccy] += account.balance.amount
    return dict(sorted(groups.items()))


# --- recruitment cost indicator (SDG 10.7.1) ------------------------------------------------


@dataclass(frozen=True, slots=True)
class CostIndicator:
    """Recruitment costs borne by the worker ÷ monthly earnings in the destination."""

    worker_ref: str
    corridor: str
    costs: Decimal  # destination currency, exact
    monthly_earnings: Decimal  # destination currency, exact
    earnings_basis: str  # "payslips" or "promised wage"
    ratio: Decimal  # months of earnings
    currency: str


def recruitment_cost_indicator(
    journey: Journey, law_book: LawBook, rates: RateTable, as_of: date
) -> CostIndicator | Note:
    """SDG 10.7.1 for one worker. Costs: every `fee_paid`, converted at its date. Earnings: gross
    pay (basic + overtime + allowances) per month over the worker's payslips, else the promised
    monthly wage (the metadata asks for income earned; the promise is the fallback)."""
    ctx = RuleContext(journey.as_of(as_of), law_book, rates, as_of)
    currency = ctx.currency
    if currency is None:
        return ctx.insufficient(COST_INDICATOR, f"the currency of {ctx.destination} is not known")
    with localcontext(ARITHMETIC):
        costs = Decimal(0)
        for fee in ctx.journey.of_type(EventType.FEE_PAID):
            converted = ctx.to_dest(fee.data.amount, fee.data.currency, fee.date)
            if converted.amount is None:
                return ctx.insufficient(COST_INDICATOR, converted.missing or "", [fee.ref])
            costs += converted.amount
        earned = Decimal(0)
        months = Decimal(0)
        for slip in ctx.journey.of_type(EventType.PAYSLIP):
            ps = slip.data
            gross = ps.basic_pay + ps.overtime_pay + (ps.allowances or Decimal(0))
            converted = ctx.to_dest(gross, ps.currency, ps.period_end)
            if converted.amount is None:
                return ctx.insufficient(COST_INDICATOR, converted.missing or "", [slip.ref])
            earned += converted.amount
            months += period_months(ps.period_start, ps.period_end)
        if months > 0 and earned > 0:
            monthly, basis = earned / months, "payslips"
        else:
            promised = ctx.promised()
            if promised is None:
                return ctx.insufficient(
                    COST_INDICATOR, "no payslips and no promised wage to measure earnings by"
                )
            terms = promised.terms
            converted = ctx.to_dest(monthly_wage(terms), terms.wage.currency, promised.event_date)
            if converted.amount is None or converted.amount == 0:
                return ctx.insufficient(COST_INDICATOR, converted.missing or "no promised wage")
            monthly, basis = converted.amount, "promised wage"
        return CostIndicator(
            worker_ref=journey.worker.ref,
            corridor=corridor(journey),
            costs=costs,
            monthly_earnings=monthly,
            earnings_basis=basis,
            ratio=costs / monthly,
            currency=currency,
        )


#: Bands of the distribution, in months of earnings: [0, 1), [1, 3), [3, 6), [6, ∞).
COST_BANDS: tuple[tuple[Decimal, Decimal | None], ...] = (
    (Decimal(0), Decimal(1)),
    (Decimal(1), Decimal(3)),
    (Decimal(3), Decimal(6)),
    (Decimal(6), None),
)


@dataclass(frozen=True, slots=True)
class CostDistribution:
    corridor: str
    workers: int
    median: Decimal
    minimum: Decimal
    maximum: Decimal
    bands: Mapping[str, int]  # "0-1", "1-3", "3-6", "6+" → workers


def median(values: Sequence[Decimal]) -> Decimal:
    """The middle value; the mean of the two middle values for an even count."""
    ordered = sorted(values)
    mid = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[mid]
    with localcontext(ARITHMETIC):
        return (ordered[mid - 1] + ordered[mid]) / 2


#: The bands' names, in order: "0-1", "1-3", "3-6", "6+" (months of earnings).
COST_BAND_NAMES = tuple(f"{lo}+" if hi is None else f"{lo}-{hi}" for lo, hi in COST_BANDS)


def cost_band(ratio: Decimal) -> str:
    """The band of an exact ratio of recruitment costs to monthly earnings."""
    for low, high in COST_BANDS:
        if high is None:
            return f"{low}+"
        if low <= ratio < high:
            return f"{low}-{high}"
    raise AssertionError("bands cover every non-negative ratio")


def cost_distribution(indicators: Iterable[CostIndicator]) -> dict[str, CostDistribution]:
    """Median and distribution of the cost indicator per corridor."""
    by_corridor: dict[str, list[Decimal]] = defaultdict(list)
    for indicator in indicators:
        by_corridor[indicator.corridor].append(indicator.ratio)
    out: dict[str, CostDistribution] = {}
    for name, ratios in sorted(by_corridor.items()):
        bands = Counter(cost_band(r) for r in ratios)
        out[name] = CostDistribution(
            corridor=name,
            workers=len(ratios),
            median=median(ratios),
            minimum=min(ratios),
            maximum=max(ratios),
            bands={
                (f"{lo}+" if hi is None else f"{lo}-{hi}"): bands.get(
                    f"{lo}+" if hi is None else f"{lo}-{hi}", 0
                )
                for lo, hi in COST_BANDS
            },
        )
    return out


def insufficient_notes(notes: Iterable[Note]) -> tuple[Note, ...]:
    return tuple(n for n in notes if n.kind is NoteKind.INSUFFICIENT_DATA)
