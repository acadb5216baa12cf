"""Rendering demo events: as JSON-ready dicts, or straight to JSON Lines text.

The two renderings carry the same record. The text rendering exists for speed (a payslip is
formatted from a template instead of being encoded field by field), and is exactly what
`json.dumps(record, ensure_ascii=False, separators=(",", ":"))` makes of the dict rendering; a
test holds the two together on every record of a data set. Templates are only used for values
that never need JSON escaping: refs ([A-Za-z0-9._-]), enumerations, ISO dates, decimal
strings, hex digests. Free text (names, grievance words) always goes through the JSON encoder.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from fairpath.demo.timeline import Event, PayslipData

Record = dict[str, Any]
Encode = Callable[[Any], str]


def encoder() -> Encode:
    """The JSON encoder of the demo's JSON Lines: compact, UTF-8 text kept as is."""
    return json.JSONEncoder(ensure_ascii=False, check_circular=False, separators=(",", ":")).encode


def payslip_dict(data: PayslipData) -> Record:
    return {
        "period_start": data.period_start,
        "period_end": data.period_end,
        "currency": data.currency,
        "normal_hours": data.normal_hours,
        "overtime_hours": data.overtime_hours,
        "rest_days_worked": data.rest_days_worked,
        "basic_pay": data.basic_pay,
        "overtime_pay": data.overtime_pay,
        "deductions": [{"kind": kind, "amount": amount} for kind, amount in data.deductions],
        "net_pay": data.net_pay,
        "paid_on": data.paid_on,
    }


def event_dict(worker_ref: str, event: Event) -> Record:
    ref, type_, day, source, evidence, supersedes, data = event
    return {
        "kind": "event",
        "ref": ref,
        "worker_ref": worker_ref,
        "type": type_,
        "date": day,
        "source": source,
        "evidence": evidence,
        "supersedes": supersedes,
        "data": payslip_dict(data) if isinstance(data, PayslipData) else data,
    }


def _payslip_text(d: PayslipData) -> str:
    deductions = ",".join(
        f'{{"kind":"{kind}","amount":"{amount}"}}' for kind, amount in d.deductions
    )
    paid_on = f'"{d.paid_on}"' if d.paid_on is not None else "null"
    return (
        f'{{"period_start":"{d.period_start}","period_end":"{d.period_end}",'
        f'"currency":"{d.currency}","normal_hours":{d.normal_hours},'
        f'"overtime_hours":{d.overtime_hours},"rest_days_worked":{d.rest_days_worked},'
        f'"basic_pay":"{d.basic_pay}","overtime_pay":"{d.overtime_pay}",'
        f'"deductions":[{deductions}],"net_pay":"{d.net_pay}","paid_on":{paid_on}}}'
    )


def event_text(worker_ref: str, event: Event, encode: Encode) -> str:
    """The event as one JSON Lines line (without the newline)."""
    ref, type_, day, source, evidence, supersedes, data = event
    data_text = _payslip_text(data) if isinstance(data, PayslipData) else encode(data)
    if evidence is None:
        evidence_text = "null"
    elif evidence["sha256"] is None:
        evidence_text = f'{{"kind":"{evidence["kind"]}","sha256":null}}'
    else:
        evidence_text = f'{{"kind":"{evidence["kind"]}","sha256":"{evidence["sha256"]}"}}'
    superseded = f'"{supersedes}"' if supersedes is not None else "null"
    return (
        f'{{"kind":"event","ref":"{ref}","worker_ref":"{worker_ref}","type":"{type_}",'
        f'"date":"{day}","source":"{source}","evidence":{evidence_text},'
        f'"supersedes":{superseded},"data":{data_text}}}'
    )
