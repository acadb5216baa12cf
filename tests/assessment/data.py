"""A data set with known answers: the service tests' small data set plus a worker whose wages
fall short by amounts a person can check by hand.

w-0002 was promised MYR 1,800 a month (pre-departure contract) and works in Malaysia, where the
minimum wage is MYR 1,700 a month from 1 Feb 2025 (Minimum Wages Order 2024). Her March 2025
payslip was first recorded with basic pay MYR 1,000 (e-20) and then corrected to MYR 1,500
(e-21 supersedes e-20). The corrected payslip owes:

- BELOW_MINIMUM_WAGE: 1,700.00 − 1,500.00 = 200.00 MYR
- BELOW_PROMISED_WAGE: 1,800.00 − max(1,500.00, 1,700.00) = 100.00 MYR
"""

from __future__ import annotations

from typing import Any

from tests.services.data import small_data_set

TERMS = {
    "job_title": "Machine operator",
    "wage": {"amount": "1800.00", "currency": "MYR", "per": "month"},
    "normal_hours_per_week": "48",
    "rest_days_per_week": 1,
    "overtime_multiplier": "1.5",
    "duration_months": 24,
    "housing": "free",
    "food": "allowance",
}


def payslip(ref: str, basic: str, *, supersedes: str | None = None) -> dict[str, Any]:
    return {
        "kind": "event",
        "ref": ref,
        "worker_ref": "w-0002",
        "type": "payslip",
        "date": "2025-04-03",
        "source": "employer",
        "supersedes": supersedes,
        "data": {
            "period_start": "2025-03-01",
            "period_end": "2025-03-31",
            "currency": "MYR",
            "normal_hours": "208",
            "overtime_hours": "0",
            "rest_days_worked": 0,
            "basic_pay": basic,
            "overtime_pay": "0",
            "net_pay": basic,
            "paid_on": "2025-04-03",
        },
    }


def underpaid_worker() -> list[dict[str, Any]]:
    """w-0002: a promise, a payslip below it and below the minimum wage, and its correction."""
    return [
        {
            "kind": "worker",
            "ref": "w-0002",
            "origin_country": "NP",
            "destination_country": "MY",
            "sector": "manufacturing",
            "employer_ref": "kl-bottling",
            "site_ref": "shah-alam",
            "recruiter_refs": ["everest-hr"],
            "languages": ["ne"],
            "birth_year": 1996,
        },
        {
            "kind": "event",
            "ref": "e-10",
            "worker_ref": "w-0002",
            "type": "contract_signed",
            "date": "2025-01-05",
            "source": "worker",
            "data": {
                "stage": "pre_departure",
                "employer_ref": "kl-bottling",
                "language": "ne",
                "worker_understands_language": True,
                "copy_given_to_worker": True,
                "terms": TERMS,
            },
        },
        payslip("e-20", "1000.00"),
        payslip("e-21", "1500.00", supersedes="e-20"),
    ]


def data_set() -> list[dict[str, Any]]:
    return [*small_data_set(), *underpaid_worker()]


def remedy_paid(ref: str, amount: str, *, confirmed: bool) -> dict[str, Any]:
    """A remedy payment to w-0002 in May 2025."""
    return {
        "kind": "event",
        "ref": ref,
        "worker_ref": "w-0002",
        "type": "remedy_paid",
        "date": "2025-05-10",
        "source": "employer",
        "data": {
            "amount": amount,
            "currency": "MYR",
            "covers": "wages",
            "confirmed_by_worker": confirmed,
        },
    }
