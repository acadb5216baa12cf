"""A small, realistic data set for service tests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

SITA = {
    "full_name": "Sita Gurung",
    "birth_date": "1998-04-02",
    "passport_number": "PA9988776",
    "phone": "+9779812345678",
}
GRIEVANCE_TEXT = "The supervisor keeps my passport in his drawer"


def small_data_set() -> list[dict[str, Any]]:
    """A recruiter, an employer with a site, one worker with a fee, a payslip, a grievance."""
    return [
        {
            "kind": "organization",
            "ref": "everest-hr",
            "name": "Everest HR",
            "roles": ["recruiter"],
            "country": "NP",
            "licence": {
                "number": "1234/070/71",
                "issuer": "DoFE",
                "valid_from": "2019-01-01",
                "valid_until": "2027-07-15",
            },
        },
        {
            "kind": "organization",
            "ref": "kl-bottling",
            "name": "KL Bottling",
            "country": "MY",
            "roles": ["supplier", "employer"],
        },
        {
            "kind": "site",
            "ref": "shah-alam",
            "org_ref": "kl-bottling",
            "name": "Shah Alam plant",
            "country": "MY",
            "sector": "manufacturing",
        },
        {"kind": "link", "from_ref": "everest-hr", "to_ref": "kl-bottling", "type": "recruits_for"},
        {
            "kind": "worker",
            "ref": "w-0001",
            "origin_country": "NP",
            "destination_country": "MY",
            "sector": "manufacturing",
            "employer_ref": "kl-bottling",
            "site_ref": "shah-alam",
            "recruiter_refs": ["everest-hr"],
            "languages": ["ne"],
            "pii": SITA,
        },
        {
            "kind": "event",
            "ref": "e-1",
            "worker_ref": "w-0001",
            "type": "fee_paid",
            "date": "2025-01-12",
            "source": "worker",
            "data": {
                "amount": "85000.00",
                "currency": "NPR",
                "paid_to_ref": "everest-hr",
                "paid_to_role": "recruiter",
                "purpose": "service_fee",
            },
        },
        {
            "kind": "event",
            "ref": "e-2",
            "worker_ref": "w-0001",
            "type": "payslip",
            "date": "2025-03-05",
            "source": "employer",
            "data": {
                "period_start": "2025-02-01",
                "period_end": "2025-02-28",
                "currency": "MYR",
                "normal_hours": "208",
                "overtime_hours": "40",
                "rest_days_worked": 1,
                "basic_pay": "1700.00",
                "overtime_pay": "392.31",
                "deductions": [{"kind": "housing", "amount": "150"}],
                "net_pay": "1942.31",
                "paid_on": "2025-03-05",
            },
        },
        {
            "kind": "event",
            "ref": "e-3",
            "worker_ref": "w-0001",
            "type": "grievance_filed",
            "date": "2025-04-01",
            "source": "worker",
            "data": {
                "channel": "web",
                "category": "FL07",
                "anonymous": False,
                "pii": {"text": GRIEVANCE_TEXT},
            },
        },
    ]


def write_jsonl(path: Path, records: list[dict[str, Any]]) -> Path:
    """Write records as JSON Lines."""
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records))
    return path
