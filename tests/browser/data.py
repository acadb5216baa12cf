"""A worker's journey with a substituted contract, for the portal's page and browser tests.

Added on top of tests/web/data.py's chain for w-2 (Nepal → Malaysia, at penang-caps, recruited
by village-agent): promised 1,800 MYR a month for 48 hours, 1 rest day, free housing, 24 months;
signed on arrival 1,500 MYR for 60 hours, housing deducted, 36 months — four terms worse
(pay per hour, hours, housing, length), the rest unchanged. Plus the passport held by the
employer, one payslip paid late and short, and a departure and an arrival.
"""

from __future__ import annotations

from typing import Any

WORKER = "w-2"
PROMISED = "e-w2-promise"
SIGNED = "e-w2-arrival"


def _event(ref: str, kind: str, day: str, data: dict[str, Any]) -> dict[str, Any]:
    return {
        "kind": "event",
        "ref": ref,
        "worker_ref": WORKER,
        "type": kind,
        "date": day,
        "source": "worker",
        "data": data,
    }


def _terms(wage: str, hours: int, months: int, housing: str) -> dict[str, Any]:
    return {
        "job_title": "Machine operator",
        "wage": {"amount": wage, "currency": "MYR", "per": "month"},
        "normal_hours_per_week": hours,
        "rest_days_per_week": 1,
        "overtime_multiplier": "1.5",
        "duration_months": months,
        "housing": housing,
        "food": "deducted",
    }


def portal_records() -> list[dict[str, Any]]:
    """w-2's contracts, documents, travel and pay."""
    return [
        _event(
            PROMISED,
            "contract_signed",
            "2025-01-05",
            {
                "stage": "pre_departure",
                "employer_ref": "penang-caps",
                "language": "ne",
                "worker_understands_language": True,
                "copy_given_to_worker": True,
                "terms": _terms("1800.00", 48, 24, "free"),
            },
        ),
        _event("e-w2-departed", "departed", "2025-02-01", {"from_country": "NP"}),
        _event("e-w2-arrived", "arrived", "2025-02-02", {"country": "MY"}),
        _event(
            SIGNED,
            "contract_signed",
            "2025-02-03",
            {
                "stage": "on_arrival",
                "employer_ref": "penang-caps",
                "language": "ms",
                "worker_understands_language": False,
                "copy_given_to_worker": False,
                "terms": _terms("1500.00", 60, 36, "deducted"),
            },
        ),
        _event(
            "e-w2-passport",
            "document_held",
            "2025-02-03",
            {
                "document": "passport",
                "held_by_ref": "penang-caps",
                "held_by_role": "employer",
                "worker_can_retrieve": False,
                "worker_consented_in_writing": False,
            },
        ),
        _event(
            "e-w2-pay-1",
            "payslip",
            "2025-03-10",
            {
                "period_start": "2025-02-03",
                "period_end": "2025-03-02",
                "currency": "MYR",
                "normal_hours": 240,
                "overtime_hours": 0,
                "rest_days_worked": 0,
                "basic_pay": "1500.00",
                "overtime_pay": "0.00",
                "deductions": [{"kind": "housing", "amount": "200.00"}],
                "net_pay": "1300.00",
                "paid_on": "2025-03-20",
                "paid_amount": "1300.00",
            },
        ),
    ]
