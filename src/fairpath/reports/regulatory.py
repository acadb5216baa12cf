"""Regulator-shaped exports: uk-msa, lksg, csddd-art14, esrs-s2 and cbp-wro.

Each is built from the same protected tallies as the report (`reports.build`), validated
against its schema (`reports.schemas`) before anything is written, and written as
`<framework>.json`, `<framework>.csv` (one row per field: path, value), `<framework>.schema.json`
and `<framework>.pdf` (a readable section). cbp-wro adds inclusion proofs for the evidence
records and a pseudonymous per-worker remedy annex (`cbp-wro-workers.csv`, worker refs only).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, get_args

from sqlalchemy import Engine, select

from fairpath.config import Settings
from fairpath.domain.errors import InvalidInputError
from fairpath.ledger.log import Log
from fairpath.ledger.proof_bundle import ProofBundle
from fairpath.reports import schemas
from fairpath.reports.build import ILO_IDS, Report, build_report
from fairpath.reports.collect import WorkerView, evidence, grievance_register, stream_run
from fairpath.reports.privacy import Cell, cell
from fairpath.reports.render import html_to_pdf, render_html
from fairpath.reports.runs import Period
from fairpath.services import journal_log
from fairpath.services.assessment import from_minor
from fairpath.storage.logstore import SqlLogStore
from fairpath.storage.models import EventRow, table_of

FRAMEWORKS = ("uk-msa", "lksg", "csddd-art14", "esrs-s2", "cbp-wro")
#: Inclusion proofs written into a cbp-wro pack (more: `fairpath log proof --index N`).
MAX_PROOFS = 100
PRIVACY = (
    "No figure describes fewer than 5 workers: '<5' marks a count of 1-4 workers (or a figure "
    "about them), 's' a figure hidden so that a '<5' cannot be recovered by subtraction. "
    "Workers appear only by pseudonymous reference; no personal data."
)
# The registry's names of the ILO indicators, in the order of ILO_IDS (schemas.UkIndicator).
UK_INDICATORS = dict(zip(ILO_IDS, get_args(schemas.UkIndicator), strict=True))
_events = table_of(EventRow)


def shown(c: Cell) -> int | str:
    """A protected cell as JSON: its value, or "<5" / "s"."""
    if c.suppressed:
        return c.shown
    return c.value if isinstance(c.value, int) else str(c.value)


def count(value: int, workers: int | None = None) -> int | str:
    """A count protected on its own (no table around it)."""
    return shown(cell(value, value if workers is None else workers))


def _money(report: Report, tally_money: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for ccy in sorted(tally_money):
        m = tally_money[ccy]
        small = 0 < m.workers < 5

        def amt(v: int, ccy: str = ccy, small: bool = small) -> int | str:
            return "<5" if small else str(from_minor(v, ccy))

        out.append(
            {
                "currency": ccy,
                "workers": count(m.workers),
                "owed": amt(m.owed),
                "paid": amt(m.paid),
                "confirmed_by_workers": amt(m.confirmed),
                "balance": amt(m.balance),
            }
        )
    return out


def header(report: Report, framework: str, declare: list[str]) -> dict[str, Any]:
    org = report.scope.org
    return {
        "framework": framework,
        "schema_version": 1,
        "organisation": {"ref": org.ref, "name": org.name, "country": org.country},
        "assessment_run": {
            "id": report.run.id,
            "as_of": report.run.as_of.isoformat(),
            "compared_with": report.previous.id if report.previous else None,
        },
        "period_from": report.period.start.isoformat()
        if report.period and report.period.start
        else None,
        "period_to": report.period.end.isoformat() if report.period and report.period.end else None,
        "privacy": PRIVACY,
        "to_complete_by_the_organisation": declare,
    }


# --- builders ----------------------------------------------------------------------------------


def uk_msa(report: Report) -> dict[str, Any]:
    got, total = report.collected, report.collected.total
    risks = []
    for key in sorted(got.groups["tier_country"]):
        t = got.groups["tier_country"][key]
        tier, country = key.split("|")
        level = int(tier.split()[1])
        risks.append(
            {
                # Only rules found for at least 5 workers are named (a name discloses "some").
                "Description": f"Migrant workers at {tier} suppliers in {country}; findings: "
                + (
                    ", ".join(r for r in sorted(t.workers_by_rule) if t.workers_by_rule[r] >= 5)
                    or "none shown"
                ),
                "LikelySource": "OwnOperations" if level == 0 else "SupplyChains",
                "SupplyChainTiers": [] if level == 0 else [f"Tier{min(level, 3)}"],
                "Targets": ["Migrants"]
                + (["Children"] if t.workers_by_rule.get("UNDERAGE_RECRUITMENT") else []),
                "Countries": [country],
                "workers": count(t.workers),
                "workers_with_findings": count(t.with_findings) if t.workers >= 5 else "<5",
                "findings": count(t.findings, t.with_findings) if t.workers >= 5 else "<5",
            }
        )
    fee_workers = total.workers_by_rule.get("FEE_PAID_BY_WORKER", 0)
    paid_any = any(m.paid > 0 for m in total.money.values())
    return {
        **header(report, "uk-msa", ["Policies", "TrainingTargets", "Partners", "SocialAudits"]),
        "fees_policy": {
            "Policies": None,
            "workers_who_paid_recruitment_fees": count(fee_workers),
            "workers_charged_above_legal_cap": count(
                total.workers_by_rule.get("FEE_ABOVE_LEGAL_CAP", 0)
            ),
            "workers_in_recruitment_debt": count(total.workers_by_rule.get("RECRUITMENT_DEBT", 0)),
        },
        "Risks": risks,
        "Indicators": [UK_INDICATORS[i] for i in ILO_IDS if total.workers_by_ilo.get(i)],
        "indicator_counts": {i: count(total.workers_by_ilo.get(i, 0)) for i in ILO_IDS},
        "remediation": {
            "Remediations": ["FeeRepayment"] if paid_any else [],
            "remedy": _money(report, total.money),
        },
        "ProgressMeasures": {
            "findings_new_since_previous": count(
                sum(got.changes.new.values()), sum(got.changes.workers_new.values())
            ),
            "findings_resolved_since_previous": count(
                sum(got.changes.resolved.values()), sum(got.changes.workers_resolved.values())
            ),
        },
        "GrievanceMechanisms": ["WorkerVoicePlatforms"] if got.grievances.total else [],
    }


def lksg(report: Report) -> dict[str, Any]:
    got, total = report.collected, report.collected.total
    risks = []
    for key in sorted(got.groups["topic_tier"]):
        t = got.groups["topic_tier"][key]
        topic, tier = key.split("|")
        level = int(tier.split()[1])
        risks.append(
            {
                "topic": topic,
                "supplier_level": "own_operations"
                if level == 0
                else ("direct_suppliers" if level == 1 else "indirect_suppliers"),
                "workers_affected": count(t.workers),
                "findings": count(t.findings, t.with_findings),
            }
        )
    g = got.grievances
    return {
        **header(
            report,
            "lksg",
            ["prevention_measures", "publicAccessToGrievanceHandling", "whistleblowerProtection"],
        ),
        "risks_identified": risks,
        "prioritisation_by_severity": {
            s: count(total.findings_by_severity.get(s, 0), total.workers_by_severity.get(s, 0))
            for s in ("critical", "high", "medium", "low")
        },
        "remediation_measures": _money(report, total.money),
        "prevention_measures": None,
        "effectiveness": {
            "findings_new_since_previous": count(
                sum(got.changes.new.values()), sum(got.changes.workers_new.values())
            ),
            "findings_resolved_since_previous": count(
                sum(got.changes.resolved.values()), sum(got.changes.workers_resolved.values())
            ),
            "findings_still_open": count(
                sum(got.changes.unchanged.values()), sum(got.changes.workers_unchanged.values())
            ),
            "workers_confirmed_remedy": count(
                sum(m.workers_confirmed for m in total.money.values())
            ),
        },
        "complaints_procedure": {
            "grievanceHandlingMechanism": True,
            "complaintsNumber": count(g.total, g.workers),
            "complaintsReason": {
                k: count(v, g.workers_by_category[k]) for k, v in sorted(g.by_category.items())
            },
            "channels": {
                k: count(v, g.workers_by_channel[k]) for k, v in sorted(g.by_channel.items())
            },
            "anonymous": count(g.anonymous),
            "publicAccessToGrievanceHandling": None,
            "whistleblowerProtection": None,
        },
    }


def csddd_art14(report: Report, engine: Engine) -> dict[str, Any]:
    got = report.collected
    g = got.grievances
    suppliers = got.groups["supplier"]
    complaints = []
    window = (report.period.start if report.period else None, report.run.as_of)
    for grievance, supplier in grievance_register(engine, report.scope, report.run.id, window):
        big = (
            supplier is not None
            and suppliers.get(supplier) is not None
            and suppliers[supplier].workers >= 5
        )
        complaints.append(
            {
                # A register id that does not reveal the worker (event refs embed worker refs).
                "register_id": "C-" + hashlib.sha256(grievance.ref.encode()).hexdigest()[:12],
                "received_on": grievance.date.isoformat(),
                "submitted_by": "affected_person",
                "channel": grievance.channel,
                "category": grievance.category,
                "anonymous": grievance.anonymous,
                "record_ref": None if grievance.anonymous else grievance.ref,
                "business_partner": supplier if big and not grievance.anonymous else None,
                "status": "received",
                "founded": None,
                "follow_up": None,
                "remedy": None,
            }
        )
    return {
        **header(report, "csddd-art14", ["founded", "follow_up", "remedy"]),
        "complaints": complaints,
        "by_category": {
            k: count(v, g.workers_by_category[k]) for k, v in sorted(g.by_category.items())
        },
        "by_channel": {
            k: count(v, g.workers_by_channel[k]) for k, v in sorted(g.by_channel.items())
        },
        "anonymous": count(g.anonymous),
    }


def esrs_s2(report: Report) -> dict[str, Any]:
    got, total = report.collected, report.collected.total
    g = got.grievances
    return {
        **header(report, "esrs-s2", ["S2_3.processes_supporting_channels"]),
        "S2_3": {
            "approach_to_remedy": _money(report, total.money),
            "channels": [
                {"channel": k, "grievances": count(v, g.workers_by_channel[k])}
                for k, v in sorted(g.by_channel.items())
            ],
            "processes_supporting_channels": None,
            "grievances_tracked": count(g.total, g.workers),
            "anonymous": count(g.anonymous),
        },
        "S2_4": {
            "impacts_by_indicator": {i: count(total.workers_by_ilo.get(i, 0)) for i in ILO_IDS},
            "workers_remedy_paid": count(sum(m.workers_paid for m in total.money.values())),
            "workers_remedy_confirmed": count(
                sum(m.workers_confirmed for m in total.money.values())
            ),
            "findings_resolved_since_previous": count(
                sum(got.changes.resolved.values()), sum(got.changes.workers_resolved.values())
            ),
            "findings_new_since_previous": count(
                sum(got.changes.new.values()), sum(got.changes.workers_new.values())
            ),
            "severe_findings": count(
                total.findings_by_severity.get("critical", 0),
                total.workers_by_severity.get("critical", 0),
            ),
        },
    }


def cbp_wro(report: Report, settings: Settings, engine: Engine) -> dict[str, Any]:
    got = report.collected
    shown_ilo = [i for i in ILO_IDS if (t := got.groups["ilo"].get(i)) and t.workers >= 5]
    found = evidence(engine, report.scope, report.run.id, shown_ilo)
    packs = []
    for ilo in ILO_IDS:
        t = got.groups["ilo"].get(ilo)
        standard = report.law_book.standards.get(ilo)
        workers = t.workers if t else 0
        packs.append(
            {
                "indicator": ilo,
                "name": standard.name if standard else ilo,
                "found": workers > 0,
                "findings": count(t.findings_by_ilo.get(ilo, 0), workers) if t else 0,
                "workers": count(workers),
                "remediation": _money(report, t.money) if t else [],
                "evidence": [
                    {"finding_key": key, "rule_id": rule, "records": list(records)}
                    for key, rule, records in found.get(ilo, [])
                ]
                if workers >= 5
                else [],
                "third_party_audit": None,
            }
        )
    chain = []
    for path in sorted(got.chain):
        supplier, site, recruiter, corridor_key = path
        chain.append(
            {
                "supplier": supplier,
                "tier": report.scope.tier_of(supplier),
                "site": site,
                "recruiter": recruiter,
                "corridor": corridor_key,
                "workers": count(got.chain[path]),
            }
        )
    checkpoint, proofs = _proofs(settings, engine, packs)
    return {
        **header(report, "cbp-wro", ["indicators[].third_party_audit"]),
        "indicators": packs,
        "supply_chain_map": chain,
        "log_checkpoint": checkpoint,
        "proofs": proofs,
        "worker_annex": "cbp-wro-workers.csv",
    }


def _proofs(
    settings: Settings, engine: Engine, packs: list[dict[str, Any]]
) -> tuple[str | None, list[dict[str, Any]]]:
    """Inclusion proofs of the evidence records against the newest signed checkpoint."""
    refs = sorted({r for p in packs for e in p["evidence"] for r in e["records"]})[:MAX_PROOFS]
    with engine.connect() as conn:
        latest = journal_log.latest_checkpoint(conn)
        if latest is None or not refs:
            return (latest.best_note if latest else None), []
        query = select(_events.c.ref, _events.c.leaf_index).where(_events.c.ref.in_(refs))
        indices = {row.ref: int(row.leaf_index) for row in conn.execute(query)}
        log = Log(SqlLogStore.reader(conn), settings.log_origin)
        out = []
        for ref in refs:
            index = indices.get(ref)
            if index is None or index >= latest.size:
                continue
            leaf = log.store.read_entries(index, 1)[0]
            path = tuple(log.inclusion_proof(index, latest.size))
            bundle = ProofBundle(index, path, latest.best_note, extra=leaf).render()
            out.append({"record_ref": ref, "log_index": index, "bundle": bundle})
    return latest.best_note, out


# --- writing -----------------------------------------------------------------------------------


def build_export(
    framework: str, report: Report, settings: Settings, engine: Engine
) -> dict[str, Any]:
    """The export's data, validated against its schema."""
    if framework not in FRAMEWORKS:
        raise InvalidInputError(
            f"unknown framework '{framework}'; choose one of {', '.join(FRAMEWORKS)}"
        )
    builders = {"uk-msa": uk_msa, "lksg": lksg, "esrs-s2": esrs_s2}
    if framework == "cbp-wro":
        data = cbp_wro(report, settings, engine)
    elif framework == "csddd-art14":
        data = csddd_art14(report, engine)
    else:
        data = builders[framework](report)
    schemas.validate(framework, data)
    return data


def flatten(data: Any, prefix: str = "") -> Iterator[tuple[str, str]]:
    """Every leaf as (path, value): `Risks[0].Countries[0]`, `QA`."""
    if isinstance(data, dict):
        for key, value in data.items():
            yield from flatten(value, f"{prefix}.{key}" if prefix else str(key))
    elif isinstance(data, list):
        if not data:
            yield prefix, "[]"
        for i, value in enumerate(data):
            yield from flatten(value, f"{prefix}[{i}]")
    else:
        yield (
            prefix,
            "" if data is None else (json.dumps(data) if isinstance(data, bool) else str(data)),
        )


def to_csv(data: dict[str, Any]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["field", "value"])
    writer.writerows(flatten(data))
    return out.getvalue()


def export_regulatory(
    settings: Settings,
    engine: Engine,
    framework: str,
    org_ref: str,
    out_dir: Path,
    *,
    period: Period | None = None,
    now: datetime | None = None,
) -> list[Path]:
    """Write the framework's JSON, CSV, JSON Schema and PDF section into `out_dir`."""
    if framework not in FRAMEWORKS:
        raise InvalidInputError(
            f"unknown framework '{framework}'; choose one of {', '.join(FRAMEWORKS)}"
        )
    report = build_report(
        settings, engine, org_ref, period, now or datetime.now(UTC), with_costs=False
    )
    data = build_export(framework, report, settings, engine)
    out_dir.mkdir(parents=True, exist_ok=True)
    files = {
        f"{framework}.json": json.dumps(data, indent=2, ensure_ascii=False) + "\n",
        f"{framework}.csv": to_csv(data),
        f"{framework}.schema.json": json.dumps(schemas.json_schema(framework), indent=2) + "\n",
    }
    written = []
    for name, text in files.items():
        path = out_dir / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    pdf = out_dir / f"{framework}.pdf"
    pdf.write_bytes(export_pdf(framework, data, report, settings))
    written.append(pdf)
    if framework == "cbp-wro":
        written.append(_write_worker_annex(engine, report, out_dir / "cbp-wro-workers.csv"))
    return written


def export_pdf(framework: str, data: dict[str, Any], report: Report, settings: Settings) -> bytes:
    """The readable PDF section: one table per top-level part of the export (WeasyPrint lays
    out many short tables far faster than one long one)."""
    about: list[tuple[str, str]] = []
    sections = [("about this export", about)]
    for key, value in data.items():
        if key in ("framework", "schema_version", "privacy", "to_complete_by_the_organisation"):
            continue
        if key in ("organisation", "assessment_run") or not isinstance(value, dict | list):
            about.extend(flatten(value, key))
        else:
            sections.append((key, list(flatten(value, key))))
    context = {
        "data": data,
        "sections": sections,
        "title": _TITLES[framework],
        "org": report.scope.org,
        "origin": settings.log_origin,
    }
    return html_to_pdf(render_html("regulatory.html", context))


_TITLES = {
    "uk-msa": "UK Modern Slavery Act s.54 — statement registry summary",
    "lksg": "LkSG §10 — BAFA report data (risks, measures, effectiveness, complaints)",
    "csddd-art14": "CSDDD Art. 14 — complaints register",
    "esrs-s2": "ESRS S2 — S2-3 channels and remediation, S2-4 actions",
    "cbp-wro": "US CBP WRO — evidence pack per ILO indicator",
}


def _write_worker_annex(engine: Engine, report: Report, path: Path) -> Path:
    """Pseudonymous per-worker remedy (worker refs only), streamed: what CBP asks to see
    repaid worker by worker. Workers without findings are left out."""
    with path.open("w", encoding="utf-8", newline="") as fh, engine.connect() as conn:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(
            [
                "worker_ref",
                "supplier",
                "ilo_indicators",
                "rules",
                "currency",
                "owed",
                "paid",
                "confirmed_by_worker",
                "balance",
            ]
        )
        for w in stream_run(conn, report.run.id):
            if not w.findings or not report.scope.covers(w.groups):
                continue
            writer.writerow(_annex_row(w))
    return path


def _annex_row(w: WorkerView) -> list[str]:
    ilo = sorted({i for f in w.findings for i in f.ilo})
    rules = sorted({f.rule_id for f in w.findings})
    money = (
        [""] * 4
        if w.currency is None
        else [str(from_minor(v, w.currency)) for v in (w.owed, w.paid, w.confirmed, w.balance)]
    )
    supplier = (w.groups.get("supplier") or [""])[0]
    return [w.ref, supplier, ";".join(ilo), ";".join(rules), w.currency or "", *money]
