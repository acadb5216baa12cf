"""The assessment service: runs stored as history, exact amounts owed, the newest event versions,
one worker or all, remedy and aggregates read back from the stored run (both engines)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from fairpath.domain.errors import NotFoundError
from fairpath.domain.money import Money
from fairpath.domain.rules import CATALOGUE, Dimension
from fairpath.services import assessment
from fairpath.services.assessment import (
    aggregate_run,
    assess_data_set,
    findings_of,
    latest_run,
    notes_of,
    remedy_summary,
)
from fairpath.services.importing import import_paths
from fairpath.storage.findings import AssessmentRunRow, FindingRow
from fairpath.storage.models import AuditRow, table_of
from tests.assessment.conftest import Loaded
from tests.assessment.data import remedy_paid
from tests.services.data import write_jsonl

AS_OF = date(2025, 12, 1)
SPEC_KEYS = {
    "worker_ref",
    "rule_id",
    "severity",
    "ilo_indicators",
    "iris_principles",
    "evidence",
    "message",
    "owed",
}


def test_a_run_stores_every_finding_in_the_specs_shape(loaded: Loaded) -> None:
    settings, engine = loaded
    run = assess_data_set(settings, engine, as_of=AS_OF, actor="tester")
    stored = findings_of(engine, run.id)
    assert run.workers == 2
    assert run.findings == len(stored) > 0
    assert run.notes == len(notes_of(engine, run.id)) > 0
    for finding in stored:
        body = finding.to_json()
        assert set(body) == SPEC_KEYS
        assert finding.rule_id in CATALOGUE
        assert body["owed"] is None or set(body["owed"]) == {"amount", "currency"}
    # The fee the small data set's worker paid is a finding under the Employer Pays Principle.
    fee = [f for f in stored if f.rule_id == "FEE_PAID_BY_WORKER"]
    assert [(f.worker_ref, f.evidence) for f in fee] == [("w-0001", ("e-1",))]
    assert run.by_rule == {rule: sum(f.rule_id == rule for f in stored) for rule in run.by_rule}
    assert run.law_tables[0] == "fairpath:law/destinations.yaml"
    assert run.rate_table == "fairpath:fx_rates.csv"
    with engine.connect() as conn:
        audit = conn.execute(select(table_of(AuditRow))).all()
    assert [(a.actor, a.action, a.subject) for a in audit if a.action == "assess"] == [
        ("tester", "assess", f"assessment_run:{run.id}")
    ]


def test_a_known_underpayment_is_owed_to_the_minor_unit(loaded: Loaded) -> None:
    # tests/assessment/data.py works these out by hand: 1,700 − 1,500 and 1,800 − 1,700.
    settings, engine = loaded
    run = assess_data_set(settings, engine, as_of=AS_OF, actor="t")
    owed = {f.rule_id: f.owed for f in findings_of(engine, run.id, worker_ref="w-0002")}
    assert owed["BELOW_MINIMUM_WAGE"] == Money(Decimal("200.00"), "MYR")
    assert owed["BELOW_PROMISED_WAGE"] == Money(Decimal("100.00"), "MYR")
    [body] = [
        f.to_json()
        for f in findings_of(engine, run.id, worker_ref="w-0002", rule_id="BELOW_MINIMUM_WAGE")
    ]
    assert body["owed"] == {"amount": "200.00", "currency": "MYR"}
    mine = remedy_summary(engine, run.id, worker_ref="w-0002").currencies["MYR"]
    assert (mine.owed, mine.balance) == (Decimal("300.00"), Decimal("300.00"))
    assert mine.owed_by_rule == {
        "BELOW_MINIMUM_WAGE": Decimal("200.00"),
        "BELOW_PROMISED_WAGE": Decimal("100.00"),
    }


def test_a_superseded_payslip_is_not_counted(loaded: Loaded) -> None:
    # e-20 (basic 1,000) was corrected by e-21 (basic 1,500): only the correction is evidence,
    # and the amount owed is measured on it (200.00, not 700.00).
    settings, engine = loaded
    run = assess_data_set(settings, engine, as_of=AS_OF, actor="t")
    stored = findings_of(engine, run.id, worker_ref="w-0002")
    assert not [f for f in stored if "e-20" in f.evidence]
    [minimum] = [f for f in stored if f.rule_id == "BELOW_MINIMUM_WAGE"]
    assert minimum.evidence == ("e-21",)


def test_worker_option_limits_the_run_to_that_worker(loaded: Loaded) -> None:
    settings, engine = loaded
    whole = assess_data_set(settings, engine, as_of=AS_OF, actor="t")
    one = assess_data_set(settings, engine, as_of=AS_OF, worker_ref="w-0002", actor="t")
    assert (one.workers, one.worker_ref) == (1, "w-0002")
    assert {f.worker_ref for f in findings_of(engine, one.id)} == {"w-0002"}
    assert {n.worker_ref for n in notes_of(engine, one.id)} <= {"w-0002"}
    # Dashboards of the whole data set keep showing the whole run; the worker's page the newest.
    latest = latest_run(engine)
    assert latest is not None and latest.id == whole.id
    mine = latest_run(engine, worker_ref="w-0002")
    assert mine is not None and mine.id == one.id


def test_an_unknown_worker_is_named_and_nothing_is_stored(loaded: Loaded) -> None:
    settings, engine = loaded
    with pytest.raises(NotFoundError, match="no worker with reference 'w-9999'"):
        assess_data_set(settings, engine, as_of=AS_OF, worker_ref="w-9999", actor="t")
    assert latest_run(engine) is None


def test_a_second_run_keeps_the_first_as_history(loaded: Loaded, tmp_path: Path) -> None:
    settings, engine = loaded
    first = assess_data_set(settings, engine, as_of=AS_OF, actor="t")
    before = [f.to_json() for f in findings_of(engine, first.id)]
    # The employer then pays 120.00 MYR of remedy, confirmed by the worker.
    import_paths(
        settings,
        engine,
        [write_jsonl(tmp_path / "remedy.jsonl", [remedy_paid("e-30", "120.00", confirmed=True)])],
        actor="t",
    )
    second = assess_data_set(settings, engine, as_of=AS_OF, actor="t")
    assert second.id != first.id
    assert [f.to_json() for f in findings_of(engine, first.id)] == before
    assert {f.ref for f in findings_of(engine, first.id)}.isdisjoint(
        f.ref for f in findings_of(engine, second.id)
    )
    latest = latest_run(engine)
    assert latest is not None and latest.id == second.id
    old = remedy_summary(engine, first.id, worker_ref="w-0002").currencies["MYR"]
    new = remedy_summary(engine, second.id, worker_ref="w-0002").currencies["MYR"]
    assert (old.confirmed, old.balance) == (Decimal("0.00"), Decimal("300.00"))
    assert (new.confirmed, new.balance) == (Decimal("120.00"), Decimal("180.00"))


def test_an_unconfirmed_payment_does_not_reduce_what_is_still_owed(
    loaded: Loaded, tmp_path: Path
) -> None:
    settings, engine = loaded
    import_paths(
        settings,
        engine,
        [write_jsonl(tmp_path / "remedy.jsonl", [remedy_paid("e-31", "300.00", confirmed=False)])],
        actor="t",
    )
    run = assess_data_set(settings, engine, as_of=AS_OF, actor="t")
    mine = remedy_summary(engine, run.id, worker_ref="w-0002").currencies["MYR"]
    assert (mine.paid, mine.confirmed, mine.balance) == (
        Decimal("300.00"),
        Decimal("0.00"),
        Decimal("300.00"),
    )


def test_events_after_the_as_of_date_are_not_assessed(loaded: Loaded) -> None:
    settings, engine = loaded
    run = assess_data_set(settings, engine, as_of=date(2025, 3, 31), actor="t")
    assert not findings_of(engine, run.id, worker_ref="w-0002")
    assert run.as_of == date(2025, 3, 31)


def test_chunks_give_the_same_findings_as_one_pass(
    loaded: Loaded, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings, engine = loaded
    whole = assess_data_set(settings, engine, as_of=AS_OF, actor="t")
    monkeypatch.setattr(assessment, "CHUNK", 1)
    chunked = assess_data_set(settings, engine, as_of=AS_OF, actor="t")
    assert [f.to_json() for f in findings_of(engine, chunked.id)] == [
        f.to_json() for f in findings_of(engine, whole.id)
    ]
    assert (chunked.workers, chunked.notes) == (whole.workers, whole.notes)


def test_a_run_that_fails_half_way_stores_nothing(
    loaded: Loaded, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings, engine = loaded
    real = assessment.assess_with_remedy
    calls: list[str] = []

    def failing_on_second(journey, *args):  # type: ignore[no-untyped-def]
        calls.append(journey.worker.ref)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return real(journey, *args)

    monkeypatch.setattr(assessment, "CHUNK", 1)
    monkeypatch.setattr(assessment, "assess_with_remedy", failing_on_second)
    with pytest.raises(RuntimeError):
        assess_data_set(settings, engine, as_of=AS_OF, actor="t")
    with engine.connect() as conn:
        runs = conn.scalar(select(func.count()).select_from(table_of(AssessmentRunRow)))
        findings = conn.scalar(select(func.count()).select_from(table_of(FindingRow)))
    assert (runs, findings) == (0, 0)


def test_aggregates_group_the_stored_run_by_recruiter_and_corridor(loaded: Loaded) -> None:
    settings, engine = loaded
    run = assess_data_set(settings, engine, as_of=AS_OF, actor="t")
    stored = findings_of(engine, run.id)
    [recruiter] = aggregate_run(engine, run.id, Dimension.RECRUITER).values()
    assert recruiter.key == "everest-hr"
    assert recruiter.workers == {"w-0001", "w-0002"}
    assert sum(recruiter.findings_by_rule.values()) == len(stored)
    total = remedy_summary(engine, run.id).currencies["MYR"]
    assert recruiter.owed["MYR"] == total.owed == run.owed["MYR"]
    assert list(aggregate_run(engine, run.id, Dimension.CORRIDOR)) == ["NP→MY:manufacturing"]
    assert list(aggregate_run(engine, run.id, Dimension.SITE)) == ["shah-alam"]


def test_operator_law_file_changes_what_is_owed(loaded: Loaded, tmp_path: Path) -> None:
    # An operator's file raising Malaysia's monthly minimum to 1,750 from 1 Mar 2025 (same
    # scope, later date) makes the March shortfall 250.00 (docs/law-data.md "Adding or
    # overriding values").
    settings, engine = loaded
    law = tmp_path / "my-2025.yaml"
    law.write_text(
        "schema: fairpath-law/1\n"
        "countries:\n"
        "  MY:\n"
        "    name: Malaysia\n"
        "    currency: MYR\n"
        "    facts:\n"
        "      minimum_wage.month:\n"
        '        - value: {amount: "1750", currency: MYR}\n'
        "          effective_from: 2025-03-01\n"
        "          except_sectors: [domestic_work]\n"
        "          confidence: D\n"
        "          source: test override\n",
        encoding="utf-8",
    )
    run = assess_data_set(
        settings.model_copy(update={"law_overrides": [law]}), engine, as_of=AS_OF, actor="t"
    )
    assert str(law) in run.law_tables
    [minimum] = findings_of(engine, run.id, worker_ref="w-0002", rule_id="BELOW_MINIMUM_WAGE")
    assert minimum.owed == Money(Decimal("250.00"), "MYR")
