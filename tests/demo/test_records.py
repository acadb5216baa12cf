"""Every demo record is a valid journey-format record, and every reference in it resolves."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from pydantic import TypeAdapter

from fairpath.demo import generate, write_jsonl
from fairpath.domain.journey import AnyRecord, Organization

from .conftest import AS_OF, DataSet

ANY_RECORD: TypeAdapter[object] = TypeAdapter(AnyRecord)


def test_every_record_validates_against_the_domain_models(small: DataSet) -> None:
    for record in small.records:
        ANY_RECORD.validate_python(record)


def test_records_round_trip_through_json_unchanged(small: DataSet) -> None:
    # JSON-ready: plain dicts, lists, strings, ints, bools and None only.
    for record in small.records[:2000]:
        assert json.loads(json.dumps(record)) == record


def test_amounts_are_decimal_strings_and_dates_are_iso(small: DataSet) -> None:
    payslips = [e for j in small.journeys for e in j.of("payslip")]
    assert payslips
    for event in payslips:
        data = event["data"]
        for key in ("basic_pay", "overtime_pay", "net_pay"):
            assert isinstance(data[key], str)
            assert data[key].count(".") == 1  # all destination currencies have 2 decimals
        date.fromisoformat(data["period_start"])
        date.fromisoformat(event["date"])


def test_records_come_in_importable_order(small: DataSet) -> None:
    kinds = [r["kind"] for r in small.records]
    first_worker = kinds.index("worker")
    registry = kinds[:first_worker]
    assert registry == sorted(registry, key=["organization", "site", "link"].index)
    assert set(kinds[first_worker:]) == {"worker", "event"}
    # Each worker is followed by its own events, oldest first.
    current = ""
    previous_date = ""
    for record in small.records[first_worker:]:
        if record["kind"] == "worker":
            current, previous_date = record["ref"], ""
            continue
        assert record["worker_ref"] == current
        assert record["date"] >= previous_date
        previous_date = record["date"]


def test_refs_are_unique_per_kind(small: DataSet) -> None:
    for kind in ("organization", "site", "worker", "event"):
        refs = [r["ref"] for r in small.records if r["kind"] == kind]
        assert len(refs) == len(set(refs)), kind
    link_ids = [(r["from_ref"], r["to_ref"], r["type"]) for r in small.links]
    assert len(link_ids) == len(set(link_ids))


def test_every_reference_resolves(small: DataSet) -> None:
    orgs, sites = small.organizations, small.sites
    for site in sites.values():
        assert site["org_ref"] in orgs
    for link in small.links:
        assert link["from_ref"] in orgs and link["to_ref"] in orgs
    all_events = {r["ref"]: r for r in small.records if r["kind"] == "event"}
    for journey in small.journeys:
        worker = journey.worker
        assert worker["employer_ref"] in orgs
        assert sites[worker["site_ref"]]["org_ref"] == worker["employer_ref"]
        for ref in worker["recruiter_refs"]:
            assert {"recruiter", "sub_agent"} & set(orgs[ref]["roles"]), ref
        for event in journey.events:
            data = event["data"]
            for key in ("employer_ref", "paid_to_ref", "lender_ref", "held_by_ref"):
                if data.get(key) is not None:
                    assert data[key] in orgs, (event["ref"], key)
            if data.get("site_ref") is not None:
                assert data["site_ref"] in sites
    for event in all_events.values():
        if event["supersedes"]:
            earlier = all_events[event["supersedes"]]
            assert earlier["worker_ref"] == event["worker_ref"]
            assert earlier["type"] == event["type"]


def test_supply_chain_is_mapped_with_tiers(small: DataSet) -> None:
    buys = [link for link in small.links if link["type"] == "buys_from"]
    brands = {ref for ref, org in small.organizations.items() if "brand" in org["roles"]}
    assert brands
    assert {link["tier"] for link in buys} == {1, 2}
    assert {link["from_ref"] for link in buys if link["tier"] == 1} <= brands
    types = {link["type"] for link in small.links}
    assert types == {"buys_from", "recruits_for", "subcontracts_to"}
    roles = {role for org in small.organizations.values() for role in org["roles"]}
    assert roles >= {
        "brand",
        "supplier",
        "employer",
        "recruiter",
        "sub_agent",
        "ngo",
        "union",
        "lender",
    }


def test_recruiter_licences_vary(small: DataSet) -> None:
    recruiters = [
        Organization.model_validate(org)
        for org in small.organizations.values()
        if "recruiter" in org["roles"] or "sub_agent" in org["roles"]
    ]
    valid = [r for r in recruiters if r.licence and r.licence.valid_on(AS_OF)]
    lapsed = [r for r in recruiters if r.licence and not r.licence.valid_on(AS_OF)]
    none = [r for r in recruiters if r.licence is None]
    assert valid and lapsed and none
    assert {r.iris_status.value for r in recruiters} == {"certified", "in_progress", "none"}


def test_jsonl_lines_are_exactly_the_json_of_the_generated_records(tmp_path: Path) -> None:
    path = tmp_path / "demo.jsonl"
    counts = write_jsonl(path, workers=120, seed=3, as_of=AS_OF)
    lines = path.read_text(encoding="utf-8").split("\n")
    assert lines[-1] == ""  # newline-terminated
    records = list(generate(workers=120, seed=3, as_of=AS_OF))
    assert len(lines) - 1 == len(records) == counts.records
    for line, record in zip(lines, records, strict=False):
        assert line == json.dumps(record, ensure_ascii=False, separators=(",", ":"))
    assert counts.workers == 120
    assert counts.events == sum(1 for r in records if r["kind"] == "event")
