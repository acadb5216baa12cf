"""A seeded generator of varied journeys for the differential test of the bulk engine.

Destinations with different law (MY, QA, TW, HK, TH, SA, AE, KR, JP), promised terms of every
kind (up to three offers and contracts a worker, some on the same day), and the boundaries a
payroll clerk argues about: basic pay exactly at the pro-rated minimum and one minor unit below,
overtime exactly at the limit, periods ending the day the law changes, superseded payslips,
unpaid and late payslips around the as-of date, deductions at the cap.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal, localcontext

from fairpath.domain.journey import Terms
from fairpath.domain.money import quantize
from fairpath.domain.rates import ARITHMETIC
from fairpath.domain.rules.arithmetic import period_months
from tests.rules.builders import JourneyBuilder, site, terms, worker

AS_OF = date(2026, 3, 31)

#: destination → (currency, monthly wage near the minimum, sectors, regions)
PLACES: dict[str, tuple[str, str, tuple[str, ...], tuple[str | None, ...]]] = {
    "MY": ("MYR", "1700", ("manufacturing", "construction", "domestic_work"), (None,)),
    "QA": ("QAR", "1000", ("construction", "domestic_work"), (None,)),
    "TW": ("TWD", "28590", ("manufacturing", "domestic_work"), (None,)),
    "HK": ("HKD", "4990", ("domestic_work", "manufacturing"), (None,)),
    "TH": ("THB", "10000", ("agriculture", "fishing"), (None, "Bangkok", "Phuket", "Nan")),
    "SA": ("SAR", "1500", ("construction", "domestic_work"), (None,)),
    "AE": ("AED", "1200", ("construction", "domestic_work"), (None,)),
    "KR": ("KRW", "2096270", ("manufacturing",), (None,)),
    "JP": ("JPY", "180000", ("manufacturing",), (None,)),
}
#: days the law changes (MY minimum wage, TH Bangkok, TW and KR new year)
CHANGE_DAYS = (date(2025, 2, 1), date(2025, 7, 1), date(2026, 1, 1))


def _amount(rng: random.Random, around: Decimal, currency: str) -> Decimal:
    factor = Decimal(rng.choice(["0.5", "0.9", "0.99", "1", "1", "1.01", "1.2", "1.5"]))
    return quantize(around * factor, currency)


def _period(rng: random.Random) -> tuple[date, date]:
    kind = rng.randrange(6)
    if kind == 0:  # ends the day the law changes
        end = rng.choice(CHANGE_DAYS)
        return end - timedelta(days=rng.choice([0, 14, 30])), end
    start = date(2024, 10, 1) + timedelta(days=rng.randrange(540))
    if kind in (1, 2):  # a calendar month
        start = start.replace(day=1)
        nxt = (start.replace(day=28) + timedelta(days=4)).replace(day=1)
        return start, nxt - timedelta(days=1)
    if kind == 3:  # a half month
        return start, start + timedelta(days=14)
    return start, start + timedelta(days=rng.randrange(1, 70))


def journey(rng: random.Random, n: int) -> JourneyBuilder:
    """One generated journey (worker `g-<n>`)."""
    dest = rng.choice(list(PLACES))
    currency, wage, sectors, regions = PLACES[dest]
    sector = rng.choice(sectors)
    region = rng.choice(regions)
    sites = [site(f"s-{n}", country=dest, sector=sector, region=region)] if region else []
    w = worker(
        f"g-{n}",
        destination=dest,
        sector=sector,
        site_ref=sites[0].ref if sites else None,
        origin=rng.choice(["NP", "PH", "ID", "BD"]),
    )
    j = JourneyBuilder(w, sites=sites)
    per = rng.choice(["month", "month", "month", "day", "hour"])
    hours = rng.choice(["48", "45", "40", "44.5", "60"])
    base = Decimal(wage)
    amount = {
        "month": base,
        "day": base / 26,
        "hour": base * 12 / 52 / Decimal(hours),
    }[per]
    wage_ccy = "USD" if rng.random() < 0.05 else currency
    t = terms(
        amount=str(quantize(_amount(rng, amount, currency), currency)),
        currency=wage_ccy,
        per=per,
        hours=hours,
        rest_days=rng.choice([0, 1, 1, 2]),
        overtime_multiplier=rng.choice(["1", "1.25", "1.5", "2"]),
    )
    stage = rng.choice(["pre_departure", "job_offered", "on_arrival", "none", "pre_departure"])
    promise_day = date(2024, 6, 1) + timedelta(days=rng.randrange(400))
    if stage == "job_offered":
        j.job_offered(promise_day, t)
    elif stage != "none":
        j.contract(promise_day, t, stage=stage)
    for _ in range(rng.choice([0, 0, 0, 1, 2])):
        other = terms(
            amount=str(quantize(_amount(rng, amount, currency), currency)),
            currency=currency,
            per=per,
            hours=hours,
            rest_days=rng.choice([0, 1, 2]),
            overtime_multiplier=rng.choice(["1", "1.5"]),
        )
        _other_terms(rng, j, promise_day, other)
    if rng.random() < 0.2:
        j.loan(promise_day, "50000", lender_role=rng.choice(["recruiter", "moneylender"]))
    if rng.random() < 0.1:
        j.fee(promise_day, "20000", via_deduction=True)
    for _ in range(rng.randrange(0, 6)):
        _payslip(rng, j, base, currency)
    return j


def _other_terms(rng: random.Random, j: JourneyBuilder, promise_day: date, t: Terms) -> None:
    """Another offer or contract, some on the same day as the first: which one is the promise
    (the latest pre-departure contract, else the first offer, else the first on-arrival
    contract; a renewal never) changes the wage owed."""
    day = promise_day + timedelta(days=rng.choice([-30, 0, 0, 45]))
    stage = rng.choice(["pre_departure", "job_offered", "on_arrival", "renewal"])
    if stage == "job_offered":
        j.job_offered(day, t)
    else:
        j.contract(day, t, stage=stage)


def _payslip(rng: random.Random, j: JourneyBuilder, base: Decimal, currency: str) -> None:
    start, end = _period(rng)
    with localcontext(ARITHMETIC):
        due = quantize(base * period_months(start, end), currency)
    unit = Decimal(1).scaleb(-2 if currency not in ("KRW", "JPY") else 0)
    basic = rng.choice([due, due - unit, due + unit, quantize(due * Decimal("0.8"), currency)])
    ot_hours = rng.choice(["0", "0", "10", "54", "72", "104", "104.5", "160", "12.25"])
    ot_pay = str(
        quantize(Decimal(ot_hours) * base / 160 * Decimal(rng.choice(["1", "1.5"])), currency)
    )
    kinds = ["tax", "housing", "recruitment_fee", "fine", "loan_repayment", "deposit", "food"]
    deductions = [
        (
            rng.choice(kinds),
            str(quantize(base * Decimal(rng.choice(["0.05", "0.2", "0.5"])), currency)),
        )
        for _ in range(rng.choice([0, 0, 1, 2, 3]))
    ]
    gross = basic + Decimal(ot_pay)
    if rng.random() < 0.1 and deductions:  # total counted deductions exactly at a 50 % cap
        deductions = [("housing", str(gross / 2))]
    paid = rng.random() > 0.2
    paid_on = end + timedelta(days=rng.choice([1, 7, 8, 15, 16, 40]))
    paid_amount = None
    if rng.random() < 0.15:
        paid_amount = str(quantize(gross * Decimal("0.7"), currency))
    ref = j.payslip(
        start,
        end,
        basic=str(basic),
        currency=currency,
        overtime_hours=ot_hours,
        overtime_pay=ot_pay,
        rest_days_worked=rng.choice([0, 0, 1, 4, 8]),
        deductions=deductions,
        paid=paid,
        paid_on=paid_on if paid else None,
        paid_amount=paid_amount,
        day=min(end + timedelta(days=rng.choice([0, 1, 200])), date(2026, 12, 1)),
    )
    if rng.random() < 0.15:  # a correction supersedes it
        j.payslip(
            start,
            end,
            basic=str(due),
            currency=currency,
            supersedes=ref,
            paid_on=end + timedelta(days=3),
        )
