"""The demo data set looks like the field: every corridor, each abuse at about its intended share.

Each abuse is measured from the records themselves (as a reviewer or a rule would see it), not
from the generator's internals, and compared with the share the generator promises in
`fairpath.demo.shares`. The bounds are loose enough for sampling noise on 3,000 workers and
tight enough that a lost or doubled abuse fails.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from fairpath.demo import shares

from .conftest import DataSet, WorkerJourney

# Legal caps on what origin recruiters and sub-agents may take, origin currency
# (shared/reference/corridor_rules.yaml): NP NPR 10,000; BD→MY BDT 78,990 all-in; VN one month's
# wage per 12 months (~VND 64 million for 36 months in Taiwan); MM MMK 300,000; PH and ID
# (domestic work) and BD→QA (Qatar bans fees) nothing.
RECRUITER_CAPS = {
    ("NP", "MY"): 10_000,
    ("NP", "QA"): 10_000,
    ("BD", "MY"): 78_990,
    ("BD", "QA"): 0,
    ("VN", "TW"): 64_000_000,
    ("MM", "TH"): 300_000,
    ("PH", "HK"): 0,
    ("ID", "HK"): 0,
}


# Minimum monthly wages (corridor_rules.yaml) at their lowest reading: Thailand's lowest
# provincial rate THB 337/day x 26; Taiwan's 2025 figure before 2026.
def minimum_monthly(country: str, period_end: str) -> float:
    if country == "TW":
        return 29_500 if period_end >= "2026-01-01" else 28_590
    if country == "HK":
        if period_end >= "2025-09-30":
            return 5_100
        return 4_990 if period_end >= "2024-09-28" else 4_870
    return {"MY": 1_700, "QA": 1_000, "TH": 337 * 26}[country]


# Legal monthly overtime limits (corridor_rules.yaml): MY 104 h; QA 10 h a day in all, i.e.
# 2 h x 26 days; TW 54 h; TH 36 h a week (~156 h a month).
OVERTIME_LIMIT = {"MY": 104, "QA": 52, "TW": 54, "TH": 156}


def _promised(j: WorkerJourney) -> dict[str, Any]:
    pre = [c for c in j.of("contract_signed") if c["data"]["stage"] == "pre_departure"]
    source = pre[-1] if pre else j.of("job_offered")[0]
    terms: dict[str, Any] = source["data"]["terms"]
    return terms


def paid_fees(j: WorkerJourney) -> bool:
    return bool(j.of("fee_paid"))


def fees_above_cap(j: WorkerJourney) -> bool:
    worker = j.worker
    cap = RECRUITER_CAPS[(worker["origin_country"], worker["destination_country"])]
    to_recruiters = sum(
        float(e["data"]["amount"])
        for e in j.of("fee_paid")
        if e["data"]["paid_to_role"] in {"recruiter", "sub_agent"}
        and e["data"]["currency"] not in {"HKD", "THB"}  # destination agencies' charges
    )
    return to_recruiters > cap


def borrowed(j: WorkerJourney) -> bool:
    return any(e["data"]["purpose"] == "recruitment" for e in j.of("loan_taken"))


def substituted(j: WorkerJourney) -> bool:
    promised = _promised(j)
    for contract in j.of("contract_signed"):
        if contract["data"]["stage"] != "on_arrival":
            continue
        terms = contract["data"]["terms"]
        if (
            float(terms["wage"]["amount"]) < float(promised["wage"]["amount"])
            or terms["normal_hours_per_week"] > promised["normal_hours_per_week"]
            or terms["rest_days_per_week"] < promised["rest_days_per_week"]
            or (promised["housing"] == "free" and terms["housing"] != "free")
            or terms["job_title"] != promised["job_title"]
        ):
            return True
    return False


def no_contract_before_departure(j: WorkerJourney) -> bool:
    departed = j.of("departed")[0]["date"]
    return not any(
        c["data"]["stage"] == "pre_departure"
        and c["data"]["copy_given_to_worker"]
        and c["date"] <= departed
        for c in j.of("contract_signed")
    )


def contract_not_understood(j: WorkerJourney) -> bool:
    reads = set(j.worker["languages"])
    return any(
        c["data"]["language"] not in reads or not c["data"]["worker_understands_language"]
        for c in j.of("contract_signed")
    )


def passport_held(j: WorkerJourney) -> bool:
    return any(e["data"]["document"] == "passport" for e in j.of("document_held"))


def passport_retained(j: WorkerJourney) -> bool:
    return any(
        e["data"]["document"] == "passport" and not e["data"]["worker_consented_in_writing"]
        for e in j.of("document_held")
    )


def underpaid(j: WorkerJourney) -> bool:
    country = j.worker["destination_country"]
    return any(
        float(p["data"]["basic_pay"]) < minimum_monthly(country, p["data"]["period_end"])
        for p in j.of("payslip")
    )


def excessive_hours(j: WorkerJourney) -> bool:
    country = j.worker["destination_country"]
    if country == "HK":  # no legal limit: every rest day of the month worked instead
        return any(p["data"]["rest_days_worked"] >= 4 for p in j.of("payslip"))
    return any(p["data"]["overtime_hours"] > OVERTIME_LIMIT[country] for p in j.of("payslip"))


def unlawful_deduction(j: WorkerJourney) -> bool:
    return any(
        d["kind"] in {"recruitment_fee", "loan_repayment"}
        for p in j.of("payslip")
        for d in p["data"]["deductions"]
    )


def wages_late_or_unpaid(j: WorkerJourney) -> bool:
    for p in j.of("payslip"):
        paid_on = p["data"]["paid_on"]
        end = date.fromisoformat(p["data"]["period_end"])
        if paid_on is None or (date.fromisoformat(paid_on) - end).days > 10:
            return True
    return False


def underage(j: WorkerJourney) -> bool:
    born = date.fromisoformat(j.worker["pii"]["birth_date"])
    first = min(
        [c["date"] for c in j.of("contract_signed")] + [e["date"] for e in j.of("departed")]
    )
    day = date.fromisoformat(first)
    age = day.year - born.year - ((day.month, day.day) < (born.month, born.day))
    return age < 18


def unlicensed_chain(data: DataSet, j: WorkerJourney) -> bool:
    first = date.fromisoformat(
        min([c["date"] for c in j.of("contract_signed")] + [j.of("departed")[0]["date"]])
    )
    for ref in j.worker["recruiter_refs"]:
        licence = data.organizations[ref]["licence"]
        if licence is None or not (
            licence["valid_from"] <= first.isoformat() <= licence["valid_until"]
        ):
            return True
    return False


def share(data: DataSet, test: Callable[[WorkerJourney], bool]) -> float:
    hits = sum(1 for j in data.journeys if test(j))
    return hits / len(data.journeys)


@pytest.mark.parametrize(
    ("pattern", "intended", "low", "high"),
    [
        (paid_fees, shares.FEE_PAYER_SHARE, 0.85, 1.15),
        (fees_above_cap, shares.FEE_ABOVE_CAP_SHARE, 0.8, 1.2),
        (borrowed, shares.RECRUITMENT_LOAN_SHARE, 0.8, 1.2),
        (substituted, shares.SUBSTITUTED_CONTRACT_SHARE, 0.75, 1.25),
        (no_contract_before_departure, shares.NO_CONTRACT_BEFORE_DEPARTURE_SHARE, 0.7, 1.3),
        (contract_not_understood, shares.CONTRACT_NOT_UNDERSTOOD_SHARE, 0.7, 1.3),
        (passport_held, shares.PASSPORT_HELD_SHARE, 0.8, 1.2),
        (
            passport_retained,
            shares.PASSPORT_HELD_SHARE * (1 - shares.PASSPORT_SAFEKEEPING_FRACTION),
            0.75,
            1.25,
        ),
        (underpaid, shares.UNDERPAID_SHARE, 0.7, 1.3),
        (excessive_hours, shares.EXCESSIVE_OVERTIME_SHARE, 0.75, 1.25),
        (unlawful_deduction, shares.UNLAWFUL_DEDUCTION_SHARE, 0.65, 1.35),
        (wages_late_or_unpaid, shares.LATE_WAGES_SHARE + shares.UNPAID_WAGES_SHARE, 0.6, 1.3),
        (underage, shares.UNDERAGE_SHARE, 0.3, 2.0),
    ],
    ids=lambda value: getattr(value, "__name__", None),
)
def test_each_abuse_occurs_at_about_its_intended_share(
    large: DataSet,
    pattern: Callable[[WorkerJourney], bool],
    intended: float,
    low: float,
    high: float,
) -> None:
    measured = share(large, pattern)
    assert intended * low <= measured <= intended * high, (measured, intended)


def test_unlicensed_recruiters_at_about_their_share(large: DataSet) -> None:
    measured = sum(1 for j in large.journeys if unlicensed_chain(large, j)) / len(large.journeys)
    intended = shares.UNLICENSED_CHAIN_SHARE
    assert intended * 0.75 <= measured <= intended * 1.25, measured


def test_some_workers_are_clean(large: DataSet) -> None:
    abuses = (
        paid_fees,
        substituted,
        no_contract_before_departure,
        contract_not_understood,
        passport_retained,
        underpaid,
        excessive_hours,
        unlawful_deduction,
        wages_late_or_unpaid,
        underage,
    )
    clean = [
        j
        for j in large.journeys
        if not any(test(j) for test in abuses) and not unlicensed_chain(large, j)
    ]
    measured = len(clean) / len(large.journeys)
    # The clean share, plus the few others whose draws happened to miss every abuse.
    assert shares.CLEAN_SHARE * 0.85 <= measured <= shares.CLEAN_SHARE * 1.4, measured


def test_every_corridor_is_present_at_its_weight(large: DataSet) -> None:
    from fairpath.demo.corridors import CORRIDORS

    total = sum(c.weight for c in CORRIDORS)
    for corridor in CORRIDORS:
        key = (corridor.origin.country, corridor.destination.country, corridor.sector)
        count = sum(
            1
            for j in large.journeys
            if (
                j.worker["origin_country"],
                j.worker["destination_country"],
                j.worker["sector"],
            )
            == key
        )
        expected = corridor.weight / total * len(large.journeys)
        assert expected * 0.7 <= count <= expected * 1.3, (key, count, expected)


def test_field_corridors_and_their_currencies(large: DataSet) -> None:
    corridors = {
        (j.worker["origin_country"], j.worker["destination_country"], j.worker["sector"])
        for j in large.journeys
    }
    assert corridors >= {
        ("NP", "MY", "manufacturing"),
        ("NP", "QA", "construction"),
        ("BD", "MY", "manufacturing"),
        ("BD", "QA", "construction"),
        ("VN", "TW", "manufacturing"),
        ("PH", "HK", "domestic_work"),
        ("MM", "TH", "manufacturing"),
        ("MM", "TH", "fishing"),
        ("ID", "HK", "domestic_work"),
    }
    origin_currency = {"NP": "NPR", "BD": "BDT", "VN": "VND", "PH": "PHP", "MM": "MMK", "ID": "IDR"}
    wage_currency = {"MY": "MYR", "QA": "QAR", "TW": "TWD", "HK": "HKD", "TH": "THB"}
    for j in large.journeys:
        worker = j.worker
        for fee in j.of("fee_paid"):
            # Origin fees in the origin currency; destination agencies charge locally.
            assert fee["data"]["currency"] in {
                origin_currency[worker["origin_country"]],
                wage_currency[worker["destination_country"]],
            }
        for payslip in j.of("payslip"):
            assert payslip["data"]["currency"] == wage_currency[worker["destination_country"]]


def test_the_rarer_events_are_there(large: DataSet) -> None:
    events = [e for j in large.journeys for e in j.events]
    types = {e["type"] for e in events}
    assert types == {
        "job_offered",
        "contract_signed",
        "fee_paid",
        "loan_taken",
        "departed",
        "arrived",
        "document_held",
        "document_returned",
        "payslip",
        "contract_ended",
        "remedy_paid",
        "grievance_filed",
        "returned_home",
    }
    corrections = [r for r in large.records if r["kind"] == "event" and r["supersedes"]]
    assert 0.01 * len(large.journeys) <= len(corrections) <= 0.05 * len(large.journeys)
    grievances = [e for e in events if e["type"] == "grievance_filed"]
    languages = {
        j.worker["languages"][0]
        for j in large.journeys
        for g in j.of("grievance_filed")
        if not g["data"]["pii"]["text"].isascii()
    }
    assert len(grievances) >= 0.02 * len(large.journeys)
    assert languages >= {"ne", "bn", "my"}  # written in the worker's own script
    remedies = [e for e in events if e["type"] == "remedy_paid"]
    assert {r["data"]["confirmed_by_worker"] for r in remedies} == {True, False}
    endings = {e["data"]["reason"] for e in events if e["type"] == "contract_ended"}
    assert "completed" in endings and len(endings) >= 3


def test_clean_workers_are_paid_at_least_the_minimum_and_promise(large: DataSet) -> None:
    for j in large.journeys:
        if underpaid(j) or substituted(j):
            continue
        promised = float(_promised(j)["wage"]["amount"])
        per_day = _promised(j)["wage"]["per"] == "day"
        for payslip in j.of("payslip"):
            assert float(payslip["data"]["basic_pay"]) >= promised * (26 if per_day else 1)
