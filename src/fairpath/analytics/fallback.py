"""The per-worker path of the bulk engine: journeys rebuilt from the frames, assessed by
`fairpath.domain.rules.assess` itself.

The bulk engine sends here the (worker, rule) pairs it does not decide columnar: amounts that need
an exchange-rate conversion, fees deducted from wages, an unknown destination currency, figures
too large for its integers (docs/analytics.md "Exactness"). The rebuilt journey carries exactly
the fields the payslip rules read; the rest (job title, housing …) are placeholders.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import polars as pl
from pydantic import TypeAdapter

from fairpath.analytics.frames import BulkInput
from fairpath.analytics.results import FINDINGS_SCHEMA, NOTES_SCHEMA
from fairpath.domain.journey import Event, Site, Worker
from fairpath.domain.law import LawBook
from fairpath.domain.money import minor_units
from fairpath.domain.rates import RateTable
from fairpath.domain.rules import Finding, Journey, Note, assess

_EVENT: TypeAdapter[Any] = TypeAdapter(Event)


def per_worker(
    data: BulkInput, pairs: pl.DataFrame, law_book: LawBook, rates: RateTable, as_of: date
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Rebuild the journeys of the workers in `pairs` from the frames and run
    `fairpath.domain.rules.assess` on them for the listed rules."""
    wanted = pairs.group_by("worker_ref").agg(pl.col("rule_id"))
    refs = wanted["worker_ref"].to_list()
    keep = pl.col("worker_ref").is_in(refs)
    frames = {
        name: data.frame(name).filter(keep).collect()
        for name in ("workers", "payslips", "terms", "fees", "loans")
    }
    events: dict[str, list[Any]] = {r: [] for r in refs}
    for name in ("payslips", "terms", "fees", "loans"):
        for row in frames[name].iter_rows(named=True):
            events[row["worker_ref"]].append(journey_event(name, row))
    finding_rows: list[dict[str, Any]] = []
    note_rows: list[dict[str, Any]] = []
    rules_of = dict(wanted.iter_rows())
    for w in frames["workers"].iter_rows(named=True):
        worker, sites = journey_worker(w)
        journey = Journey.from_events(worker, events[w["worker_ref"]], (), sites)
        result = assess(journey, law_book, rates, as_of, rules=tuple(rules_of[w["worker_ref"]]))
        finding_rows += [_finding_row(f) for f in result.findings]
        note_rows += [_note_row(n) for n in result.notes if n.kind.value == "INSUFFICIENT_DATA"]
    return (
        pl.DataFrame(finding_rows, schema=FINDINGS_SCHEMA),
        pl.DataFrame(note_rows, schema=NOTES_SCHEMA),
    )


def _finding_row(f: Finding) -> dict[str, Any]:
    owed = None
    if f.owed is not None:
        owed = int(f.owed.amount.scaleb(minor_units(f.owed.currency)))
    return {
        "rule_id": f.rule_id,
        "worker_ref": f.worker_ref,
        "severity": f.severity.value,
        "evidence": list(f.evidence),
        "owed_minor": owed,
        "currency": f.owed.currency if f.owed is not None else None,
    }


def _note_row(n: Note) -> dict[str, Any]:
    return {
        "rule_id": n.rule_id,
        "worker_ref": n.worker_ref,
        "kind": n.kind.value,
        "missing": n.missing,
        "evidence": list(n.evidence),
    }


def journey_worker(row: dict[str, Any]) -> tuple[Worker, tuple[Site, ...]]:
    body: dict[str, Any] = {
        "ref": row["worker_ref"],
        "origin_country": row["origin"],
        "destination_country": row["destination"],
        "sector": row["sector"],
    }
    if row["region"] is None:
        return Worker.model_validate(body), ()
    site = Site.model_validate(
        {
            "ref": f"{row['worker_ref']}-site",
            "org_ref": "employer",
            "name": "site",
            "country": row["destination"],
            "region": row["region"],
            "sector": row["sector"],
        }
    )
    return Worker.model_validate({**body, "site_ref": site.ref}), (site,)


def journey_event(name: str, row: dict[str, Any]) -> Any:
    base = {
        "kind": "event",
        "ref": row["ref"],
        "worker_ref": row["worker_ref"],
        "date": row["date"],
        "source": "auditor",
        "supersedes": row["supersedes"],
    }
    if name == "payslips":
        data = {
            k: row[k]
            for k in (
                "period_start",
                "period_end",
                "currency",
                "normal_hours",
                "overtime_hours",
                "rest_days_worked",
                "basic_pay",
                "overtime_pay",
                "allowances",
                "deductions",
                "net_pay",
                "paid_on",
                "paid_amount",
            )
        }
        return _EVENT.validate_python({**base, "type": "payslip", "data": data})
    if name == "fees":
        data = {
            k: row[k] for k in ("amount", "currency", "paid_to_role", "purpose", "via_deduction")
        }
        return _EVENT.validate_python({**base, "type": "fee_paid", "data": data})
    if name == "loans":
        data = {k: row[k] for k in ("amount", "currency", "lender_role", "purpose")}
        return _EVENT.validate_python({**base, "type": "loan_taken", "data": data})
    terms = {
        "job_title": "(not in the bulk frames)",
        "wage": {
            "amount": row["wage_amount"],
            "currency": row["wage_currency"],
            "per": row["wage_per"],
        },
        "normal_hours_per_week": row["hours_per_week"],
        "rest_days_per_week": row["rest_days_per_week"],
        "overtime_multiplier": row["overtime_multiplier"],
        "duration_months": 0,
        "housing": "none",
        "food": "none",
    }
    if row["stage"] == "job_offered":
        data = {"employer_ref": row["employer_ref"], "terms": terms}
        return _EVENT.validate_python({**base, "type": "job_offered", "data": data})
    data = {
        "stage": row["stage"],
        "employer_ref": row["employer_ref"],
        "language": "en",
        "worker_understands_language": True,
        "copy_given_to_worker": True,
        "terms": terms,
    }
    return _EVENT.validate_python({**base, "type": "contract_signed", "data": data})
